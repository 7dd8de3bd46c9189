//! Western Electric rules 1-4 (Western Electric Co., *Statistical Quality
//! Control Handbook*, 1956; NIST/SEMATECH e-Handbook section 6.3.2).

use serde::Serialize;

/// Side of the centre line a signal is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// Above the centre line.
    Above,
    /// Below the centre line.
    Below,
}

/// One out-of-control signal. Overlapping windows that break the same rule on
/// the same side are merged into one violation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleViolation {
    /// Western Electric rule number:
    /// 1 = one point beyond 3 sigma;
    /// 2 = 2 of 3 consecutive points beyond 2 sigma on the same side;
    /// 3 = 4 of 5 consecutive points beyond 1 sigma on the same side;
    /// 4 = 8 consecutive points on the same side of the centre line.
    pub rule: u8,
    /// Side of the centre line.
    pub side: Side,
    /// Indices (into the chart's points, ascending) of the points that break the rule.
    pub points: Vec<usize>,
}

impl RuleViolation {
    /// The rule in words, for a reviewer.
    pub fn description(&self) -> &'static str {
        match self.rule {
            1 => "one point beyond the 3-sigma control limit",
            2 => "2 of 3 consecutive points beyond 2 sigma on the same side",
            3 => "4 of 5 consecutive points beyond 1 sigma on the same side",
            _ => "8 consecutive points on the same side of the centre line",
        }
    }
}

/// (rule, window length, points needed in the window, zone in sigmas)
const RULES: [(u8, usize, usize, f64); 4] = [
    (1, 1, 1, 3.0),
    (2, 3, 2, 2.0),
    (3, 5, 4, 1.0),
    (4, 8, 8, 0.0),
];

/// Rules 1-4 for `points` with the given centre line and sigma of the points.
/// With sigma 0 the zones collapse onto the centre line, so only rule 4 is checked.
pub(crate) fn western_electric(points: &[f64], centre: f64, sigma: f64) -> Vec<RuleViolation> {
    let mut found = Vec::new();
    for (rule, len, need, zone) in RULES {
        if zone > 0.0 && (sigma.is_nan() || sigma <= 0.0) {
            continue;
        }
        for side in [Side::Above, Side::Below] {
            let beyond = |x: f64| match side {
                Side::Above => x > centre + zone * sigma,
                Side::Below => x < centre - zone * sigma,
            };
            windows(points, rule, side, len, need, beyond, &mut found);
        }
    }
    found.sort_by_key(|v| (v.points[0], v.rule));
    found
}

/// Rule 1 for a range chart: points above the UCL or below a positive LCL.
pub(crate) fn beyond_limits(points: &[f64], lcl: f64, ucl: f64) -> Vec<RuleViolation> {
    let mut found = Vec::new();
    for (i, &x) in points.iter().enumerate() {
        let side = if x > ucl {
            Side::Above
        } else if lcl > 0.0 && x < lcl {
            Side::Below
        } else {
            continue;
        };
        found.push(RuleViolation {
            rule: 1,
            side,
            points: vec![i],
        });
    }
    found
}

fn windows(
    points: &[f64],
    rule: u8,
    side: Side,
    len: usize,
    need: usize,
    beyond: impl Fn(f64) -> bool,
    found: &mut Vec<RuleViolation>,
) {
    let flags: Vec<bool> = points.iter().map(|&x| beyond(x)).collect();
    let mut open: Option<(usize, RuleViolation)> = None; // (window end, violation)
    // Sliding count of flagged points in the window: O(n) whatever the rule.
    let mut count = flags
        .iter()
        .take(len.saturating_sub(1))
        .filter(|&&b| b)
        .count();
    for start in 0..(flags.len() + 1).saturating_sub(len) {
        count += usize::from(flags[start + len - 1]);
        let enough = count >= need;
        count -= usize::from(flags[start]);
        if !enough {
            continue;
        }
        let hits = (start..start + len).filter(|&i| flags[i]);
        match &mut open {
            Some((end, v)) if start <= *end => {
                let last = v.points.last().copied();
                v.points.extend(hits.filter(|&i| Some(i) > last));
                *end = start + len - 1;
            }
            _ => {
                found.extend(open.take().map(|(_, v)| v));
                open = Some((
                    start + len - 1,
                    RuleViolation {
                        rule,
                        side,
                        points: hits.collect(),
                    },
                ));
            }
        }
    }
    found.extend(open.map(|(_, v)| v));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules_broken(points: &[f64]) -> Vec<(u8, Side, Vec<usize>)> {
        western_electric(points, 0.0, 1.0)
            .into_iter()
            .map(|v| (v.rule, v.side, v.points))
            .collect()
    }

    #[test]
    fn rule_one_flags_each_point_beyond_three_sigma() {
        assert_eq!(
            rules_broken(&[0.5, -3.5, 0.2]),
            vec![(1, Side::Below, vec![1])]
        );
    }

    #[test]
    fn rule_two_needs_two_of_three_beyond_two_sigma_on_one_side() {
        assert_eq!(
            rules_broken(&[2.5, -0.5, 2.1]),
            vec![(2, Side::Above, vec![0, 2])]
        );
        assert!(rules_broken(&[2.5, -0.5, -2.1]).is_empty());
    }

    #[test]
    fn rule_three_needs_four_of_five_beyond_one_sigma() {
        assert_eq!(
            rules_broken(&[-1.5, -1.2, 0.3, -1.1, -1.9]),
            vec![(3, Side::Below, vec![0, 1, 3, 4])]
        );
    }

    #[test]
    fn rule_four_merges_a_long_run_into_one_violation() {
        let run = [0.1, 0.2, 0.1, 0.3, 0.2, 0.1, 0.4, 0.2, 0.3, 0.1, -0.2];
        assert_eq!(
            rules_broken(&run),
            vec![(4, Side::Above, (0..10).collect())]
        );
    }

    #[test]
    fn seven_on_one_side_is_not_a_run() {
        assert!(rules_broken(&[0.1; 7]).is_empty());
    }

    #[test]
    fn zero_sigma_checks_only_the_run_rule() {
        let v = western_electric(&[1.0; 8], 0.0, 0.0);
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].rule, 4);
    }
}
