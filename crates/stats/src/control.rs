//! Shewhart control charts: individuals/moving range (subgroup size 1) and
//! X-bar/R (subgroup size 2..=25), with Western Electric rules 1-4.

use serde::Serialize;

use crate::constants::{ChartConstants, chart_constants};
use crate::error::{StatsError, check_finite, check_subgroup_size};
use crate::rules::{RuleViolation, beyond_limits, western_electric};

/// Which pair of charts was drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChartKind {
    /// Individual values (X) and moving ranges of span 2 (MR); subgroup size 1.
    IndividualsMovingRange,
    /// Subgroup means (X-bar) and subgroup ranges (R); subgroup size 2..=25.
    XbarR,
}

/// One chart: centre line, control limits, plotted points and rule violations.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChartSeries {
    /// Centre line, in the unit of the measurements.
    pub centre_line: f64,
    /// Upper control limit.
    pub ucl: f64,
    /// Lower control limit (0 for a range chart with D3 = 0).
    pub lcl: f64,
    /// Plotted points in production order. For the MR chart, point j is
    /// |x[j+1] - x[j]|; for X-bar/R charts, point j is subgroup j.
    pub points: Vec<f64>,
    /// Out-of-control signals; indices refer to `points`.
    pub violations: Vec<RuleViolation>,
}

/// Location and spread chart of one characteristic.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ControlChart {
    /// Which chart pair this is.
    pub kind: ChartKind,
    /// Values per subgroup (1 for individuals).
    pub subgroup_size: usize,
    /// Trailing values left out because they do not fill a subgroup.
    pub ignored_values: usize,
    /// Within-subgroup process sigma R-bar/d2 (MR-bar/1.128 for individuals).
    pub sigma_within: f64,
    /// X or X-bar chart, checked against Western Electric rules 1-4.
    pub location: ChartSeries,
    /// MR or R chart, checked against rule 1 only (points beyond the limits),
    /// because the zone rules assume a symmetric distribution.
    pub spread: ChartSeries,
}

/// Control-chart data for `values` in production order.
///
/// `Ok(None)` when there are too few values for one moving range (n < 2) or
/// one complete subgroup (n < `subgroup_size`). Limits use the tabled constants
/// of [`crate::constants`]: X chart mean ± 3·MR-bar/d2, MR chart D4·MR-bar;
/// X-bar chart X-double-bar ± A2·R-bar, R chart D3·R-bar .. D4·R-bar.
pub fn control_chart(
    values: &[f64],
    subgroup_size: usize,
) -> Result<Option<ControlChart>, StatsError> {
    check_subgroup_size(subgroup_size)?;
    check_finite(values)?;
    Ok(chart_unchecked(values, subgroup_size))
}

pub(crate) fn chart_unchecked(values: &[f64], subgroup_size: usize) -> Option<ControlChart> {
    if subgroup_size == 1 {
        individuals(values)
    } else {
        subgroups(values, subgroup_size)
    }
}

/// The chart's σw (`ControlChart::sigma_within`) without building the chart: the same
/// sums in the same order, so the same number, with no vector of points.
pub(crate) fn sigma_within_unchecked(values: &[f64], subgroup_size: usize) -> Option<f64> {
    let c = chart_constants(subgroup_size.max(2))?;
    if subgroup_size == 1 {
        if values.len() < 2 {
            return None;
        }
        let ranges = values.windows(2).map(|w| (w[1] - w[0]).abs());
        return Some(ranges.sum::<f64>() / (values.len() - 1) as f64 / c.d2);
    }
    let complete = values.chunks_exact(subgroup_size);
    let count = complete.len();
    if count == 0 {
        return None;
    }
    let ranges = complete.map(|g| {
        let (lo, hi) = g
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
                (lo.min(v), hi.max(v))
            });
        hi - lo
    });
    Some(ranges.sum::<f64>() / count as f64 / c.d2)
}

fn individuals(values: &[f64]) -> Option<ControlChart> {
    if values.len() < 2 {
        return None;
    }
    let c = chart_constants(2)?;
    let ranges: Vec<f64> = values.windows(2).map(|w| (w[1] - w[0]).abs()).collect();
    let mr_bar = mean(&ranges);
    let sigma = mr_bar / c.d2;
    let centre = mean(values);
    let location = location_series(values.to_vec(), centre, 3.0 * sigma);
    Some(ControlChart {
        kind: ChartKind::IndividualsMovingRange,
        subgroup_size: 1,
        ignored_values: 0,
        sigma_within: sigma,
        location,
        spread: spread_series(ranges, mr_bar, c),
    })
}

fn subgroups(values: &[f64], size: usize) -> Option<ControlChart> {
    let c = chart_constants(size)?;
    let complete = values.chunks_exact(size);
    let ignored = complete.remainder().len();
    if complete.len() == 0 {
        return None;
    }
    let (means, ranges): (Vec<f64>, Vec<f64>) = complete
        .map(|g| {
            let (lo, hi) = g
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
                    (lo.min(v), hi.max(v))
                });
            (mean(g), hi - lo)
        })
        .unzip();
    let r_bar = mean(&ranges);
    let grand_mean = mean(&means);
    let location = location_series(means, grand_mean, c.a2 * r_bar);
    Some(ControlChart {
        kind: ChartKind::XbarR,
        subgroup_size: size,
        ignored_values: ignored,
        sigma_within: r_bar / c.d2,
        location,
        spread: spread_series(ranges, r_bar, c),
    })
}

/// `half_width` is the distance from centre to a control limit (3 sigma of the points).
fn location_series(points: Vec<f64>, centre: f64, half_width: f64) -> ChartSeries {
    let violations = western_electric(&points, centre, half_width / 3.0);
    ChartSeries {
        centre_line: centre,
        ucl: centre + half_width,
        lcl: centre - half_width,
        points,
        violations,
    }
}

fn spread_series(points: Vec<f64>, centre: f64, c: ChartConstants) -> ChartSeries {
    let (lcl, ucl) = (c.d3 * centre, c.d4 * centre);
    let violations = beyond_limits(&points, lcl, ucl);
    ChartSeries {
        centre_line: centre,
        ucl,
        lcl,
        points,
        violations,
    }
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_a_subgroup_size_beyond_the_table() {
        assert_eq!(
            control_chart(&[1.0; 30], 26),
            Err(StatsError::SubgroupSizeOutOfRange { size: 26 })
        );
        assert_eq!(
            control_chart(&[1.0; 30], 0),
            Err(StatsError::SubgroupSizeOutOfRange { size: 0 })
        );
    }

    #[test]
    fn individuals_limits_are_mean_plus_minus_three_mr_bar_over_d2() {
        let chart = control_chart(&[1.0, 3.0, 2.0, 4.0], 1).unwrap().unwrap();
        // MR = 2, 1, 2 -> MR-bar = 5/3; sigma = MR-bar / 1.128.
        let sigma = 5.0 / 3.0 / 1.128;
        assert!((chart.location.ucl - (2.5 + 3.0 * sigma)).abs() < 1e-12);
        assert!((chart.spread.ucl - 3.267 * 5.0 / 3.0).abs() < 1e-12);
        assert_eq!(chart.spread.lcl, 0.0);
    }

    #[test]
    fn trailing_values_that_do_not_fill_a_subgroup_are_ignored() {
        let chart = control_chart(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0], 3)
            .unwrap()
            .unwrap();
        assert_eq!(
            (chart.location.points.clone(), chart.ignored_values),
            (vec![2.0, 5.0], 1)
        );
        assert_eq!(chart.spread.centre_line, 2.0);
    }

    #[test]
    fn sigma_without_the_chart_is_the_charts_sigma() {
        let values: Vec<f64> = (0..103).map(|i| ((i * 37) % 17) as f64 / 7.0).collect();
        for size in [1, 2, 5, 25] {
            let chart = control_chart(&values, size).unwrap().unwrap();
            assert_eq!(
                sigma_within_unchecked(&values, size),
                Some(chart.sigma_within)
            );
        }
        assert_eq!(sigma_within_unchecked(&[1.0], 1), None);
        assert_eq!(sigma_within_unchecked(&[1.0, 2.0], 3), None);
    }

    #[test]
    fn too_few_values_give_no_chart() {
        assert_eq!(control_chart(&[1.0], 1), Ok(None));
        assert_eq!(control_chart(&[1.0, 2.0], 3), Ok(None));
    }
}
