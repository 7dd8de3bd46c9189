//! Deviation of the values and of their mean from nominal, limits and golden sample.

use serde::Serialize;

use crate::spec::Spec;

/// What the per-value `deviation` is measured from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeviationBasis {
    /// `value - nominal` (the specification has a nominal value).
    Nominal,
    /// `value - mean` (no nominal value was given).
    Mean,
}

/// Deviation of one measurement, in production order.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ValueDeviation {
    /// `value - nominal`, or `value - mean` without a nominal (see `DeviationBasis`),
    /// in the unit of the measurements.
    pub deviation: f64,
    /// `(value - mean) / sd`, in standard deviations; `None` when sd is undefined or 0.
    pub z_score: Option<f64>,
}

/// What per-value deviations are measured from, as [`value_deviations`] decides it.
pub(crate) fn deviation_basis(spec: &Spec) -> DeviationBasis {
    if spec.nominal.is_some() {
        DeviationBasis::Nominal
    } else {
        DeviationBasis::Mean
    }
}

/// Per-value deviations and the basis they were measured from.
pub fn value_deviations(
    values: &[f64],
    spec: &Spec,
    mean: Option<f64>,
    sd: Option<f64>,
) -> (DeviationBasis, Vec<ValueDeviation>) {
    let (basis, origin) = match (spec.nominal, mean) {
        (Some(nominal), _) => (DeviationBasis::Nominal, nominal),
        (None, Some(mean)) => (DeviationBasis::Mean, mean),
        (None, None) => return (DeviationBasis::Mean, Vec::new()),
    };
    let scale = sd.filter(|s| *s > 0.0).zip(mean);
    let deviations = values
        .iter()
        .map(|&v| ValueDeviation {
            deviation: v - origin,
            z_score: scale.map(|(s, m)| (v - m) / s).filter(|z| z.is_finite()),
        })
        .collect();
    (basis, deviations)
}

/// Where the mean lies relative to nominal and golden sample.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub(crate) struct MeanDeviation {
    pub from_nominal: Option<f64>,
    pub from_nominal_pct_of_tolerance: Option<f64>,
    pub from_golden_sample: Option<f64>,
}

pub(crate) fn mean_deviation(mean: Option<f64>, spec: &Spec) -> MeanDeviation {
    let Some(mean) = mean else {
        return MeanDeviation::default();
    };
    let from_nominal = spec.nominal.map(|n| mean - n);
    let tolerance = spec.tolerance().filter(|t| *t > 0.0);
    MeanDeviation {
        from_nominal,
        from_nominal_pct_of_tolerance: from_nominal.zip(tolerance).map(|(d, t)| 100.0 * d / t),
        from_golden_sample: spec.golden_sample.map(|g| mean - g),
    }
}

/// How many values lie outside the specification limits.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub(crate) struct Conformance {
    pub count_below_lsl: Option<usize>,
    pub count_above_usl: Option<usize>,
    pub count_outside: Option<usize>,
    pub pct_below_lsl: Option<f64>,
    pub pct_above_usl: Option<f64>,
    pub pct_outside: Option<f64>,
}

pub(crate) fn conformance(values: &[f64], spec: &Spec) -> Conformance {
    let count = |limit: Option<f64>, outside: fn(f64, f64) -> bool| {
        limit.map(|l| values.iter().filter(|&&v| outside(v, l)).count())
    };
    let below = count(spec.lsl, |v, l| v < l);
    let above = count(spec.usl, |v, l| v > l);
    let outside = match (below, above) {
        (None, None) => None,
        (b, a) => Some(b.unwrap_or(0) + a.unwrap_or(0)),
    };
    let n = values.len();
    let pct = |c: Option<usize>| c.filter(|_| n > 0).map(|c| 100.0 * c as f64 / n as f64);
    Conformance {
        count_below_lsl: below,
        count_above_usl: above,
        count_outside: outside,
        pct_below_lsl: pct(below),
        pct_above_usl: pct(above),
        pct_outside: pct(outside),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(nominal: Option<f64>, lsl: Option<f64>, usl: Option<f64>) -> Spec {
        Spec {
            nominal,
            lsl,
            usl,
            golden_sample: None,
        }
    }

    #[test]
    fn deviations_are_from_nominal_when_a_nominal_is_given() {
        let (basis, d) = value_deviations(
            &[9.0, 11.0],
            &spec(Some(10.5), None, None),
            Some(10.0),
            Some(1.0),
        );
        assert_eq!(basis, DeviationBasis::Nominal);
        assert_eq!(
            d[0],
            ValueDeviation {
                deviation: -1.5,
                z_score: Some(-1.0)
            }
        );
    }

    #[test]
    fn deviations_are_from_the_mean_without_a_nominal() {
        let (basis, d) = value_deviations(&[9.0, 11.0], &Spec::default(), Some(10.0), Some(0.0));
        assert_eq!(basis, DeviationBasis::Mean);
        assert_eq!(
            d[1],
            ValueDeviation {
                deviation: 1.0,
                z_score: None
            }
        );
    }

    #[test]
    fn values_on_a_limit_conform() {
        let c = conformance(&[1.0, 2.0, 3.0, 4.0], &spec(None, Some(2.0), Some(3.0)));
        assert_eq!(
            (c.count_below_lsl, c.count_above_usl, c.count_outside),
            (Some(1), Some(1), Some(2))
        );
        assert_eq!(c.pct_outside, Some(50.0));
    }

    #[test]
    fn a_missing_limit_has_no_count() {
        let c = conformance(&[1.0, 5.0], &spec(None, None, Some(3.0)));
        assert_eq!((c.count_below_lsl, c.count_outside), (None, Some(1)));
    }

    #[test]
    fn mean_deviation_is_a_percentage_of_the_tolerance_width() {
        let m = mean_deviation(Some(10.2), &spec(Some(10.0), Some(9.0), Some(11.0)));
        assert!((m.from_nominal_pct_of_tolerance.unwrap() - 10.0).abs() < 1e-9);
    }
}
