//! Descriptive statistics of a series: n, mean, sample sd, min, max, median, range.
//!
//! Built for large series: one pass for sum/min/max and one for the spread,
//! each with several independent accumulators so the compiler vectorises them,
//! and a selection algorithm (not a sort) for the median.

use serde::Serialize;

use crate::error::{StatsError, check_finite};

/// Independent accumulators per pass: lets LLVM keep them in SIMD registers
/// and, like NumPy's pairwise sum, shortens the rounding-error chain.
const LANES: usize = 8;

/// Descriptive statistics of one series, in the unit of the measurements.
/// A value is `None` when it is undefined for the input (e.g. `sd` for n < 2).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Descriptive {
    /// Number of measurements.
    pub n: usize,
    /// Arithmetic mean.
    pub mean: Option<f64>,
    /// Sample standard deviation (divisor n - 1); `None` for n < 2.
    pub sd: Option<f64>,
    /// Smallest measurement.
    pub min: Option<f64>,
    /// Largest measurement.
    pub max: Option<f64>,
    /// Median (mean of the two middle values when n is even).
    pub median: Option<f64>,
    /// `max - min`.
    pub range: Option<f64>,
}

/// Descriptive statistics of `values`; fails only on a NaN or infinite value.
///
/// ```
/// let d = lotgate_stats::describe(&[1.0, 2.0, 4.0]).unwrap();
/// assert_eq!(d.median, Some(2.0));
/// ```
pub fn describe(values: &[f64]) -> Result<Descriptive, StatsError> {
    let m = Moments::of(values)?;
    let mut scratch = values.to_vec();
    Ok(m.with_median(median_in_place(&mut scratch)))
}

/// Mean, sd, min and max (everything except the median).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Moments {
    pub n: usize,
    pub mean: f64,
    pub sd: Option<f64>,
    pub min: f64,
    pub max: f64,
}

impl Moments {
    /// Two passes over `values`; `None` fields only via [`Moments::with_median`] for n = 0.
    pub(crate) fn of(values: &[f64]) -> Result<Moments, StatsError> {
        let n = values.len();
        let (sum, min, max) = sum_min_max(values);
        // A NaN/inf value makes the sum non-finite, so the finiteness check is
        // free on the fast path; a finite overflow is handled below.
        if !sum.is_finite() {
            check_finite(values)?;
        }
        let nf = n as f64;
        let mut mean = if sum.is_finite() {
            sum / nf
        } else {
            scaled_mean(values)
        };
        let sd = if n >= 2 {
            let (sd1, sd2) = centred_sums(values, mean);
            // Corrected two-pass algorithm (Chan, Golub & LeVeque 1983): the
            // sum of deviations removes the rounding error left in the mean.
            mean += sd1 / nf;
            let var = ((sd2 - sd1 * sd1 / nf) / (nf - 1.0)).max(0.0);
            Some(var.sqrt())
        } else {
            None
        };
        Ok(Moments {
            n,
            mean,
            sd,
            min,
            max,
        })
    }

    /// Combines with a median into the public result (all `None` when n = 0).
    pub(crate) fn with_median(self, median: Option<f64>) -> Descriptive {
        let some = |v: f64| Some(v).filter(|v| self.n > 0 && v.is_finite());
        Descriptive {
            n: self.n,
            mean: some(self.mean),
            sd: self.sd.filter(|v| v.is_finite()),
            min: some(self.min),
            max: some(self.max),
            median: median.filter(|v| v.is_finite()),
            range: some(self.max - self.min),
        }
    }
}

fn sum_min_max(values: &[f64]) -> (f64, f64, f64) {
    let mut sum = [0.0; LANES];
    let mut min = [f64::INFINITY; LANES];
    let mut max = [f64::NEG_INFINITY; LANES];
    let chunks = values.chunks_exact(LANES);
    let tail = chunks.remainder();
    for chunk in chunks {
        for i in 0..LANES {
            sum[i] += chunk[i];
            min[i] = min[i].min(chunk[i]);
            max[i] = max[i].max(chunk[i]);
        }
    }
    for (i, &v) in tail.iter().enumerate() {
        sum[i] += v;
        min[i] = min[i].min(v);
        max[i] = max[i].max(v);
    }
    let total = pairwise(sum);
    let lo = min.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = max.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    (total, lo, hi)
}

/// Sum of deviations and of squared deviations from `centre`.
fn centred_sums(values: &[f64], centre: f64) -> (f64, f64) {
    let mut s1 = [0.0; LANES];
    let mut s2 = [0.0; LANES];
    let chunks = values.chunks_exact(LANES);
    let tail = chunks.remainder();
    for chunk in chunks {
        for i in 0..LANES {
            let d = chunk[i] - centre;
            s1[i] += d;
            s2[i] += d * d;
        }
    }
    for (i, &v) in tail.iter().enumerate() {
        let d = v - centre;
        s1[i] += d;
        s2[i] += d * d;
    }
    (pairwise(s1), pairwise(s2))
}

fn pairwise(a: [f64; LANES]) -> f64 {
    ((a[0] + a[1]) + (a[2] + a[3])) + ((a[4] + a[5]) + (a[6] + a[7]))
}

/// Mean of values whose plain sum overflows f64.
fn scaled_mean(values: &[f64]) -> f64 {
    let nf = values.len() as f64;
    values.iter().map(|v| v / nf).sum()
}

/// Median by selection (average O(n)); reorders `scratch`.
pub(crate) fn median_in_place(scratch: &mut [f64]) -> Option<f64> {
    let n = scratch.len();
    if n == 0 {
        return None;
    }
    let mid = n / 2;
    let (lower, &mut upper, _) = scratch.select_nth_unstable_by(mid, f64::total_cmp);
    if n % 2 == 1 {
        return Some(upper);
    }
    // Everything left of `mid` is <= upper; its maximum is the other middle value.
    let below = lower.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    Some(midpoint(below, upper))
}

/// Median of an already sorted slice.
pub(crate) fn median_of_sorted(sorted: &[f64]) -> Option<f64> {
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => Some(midpoint(sorted[n / 2 - 1], sorted[n / 2])),
    }
}

fn midpoint(a: f64, b: f64) -> f64 {
    let m = 0.5 * (a + b);
    if m.is_finite() { m } else { 0.5 * a + 0.5 * b }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_series_has_no_statistics_but_n_zero() {
        let d = describe(&[]).unwrap();
        assert_eq!(d.n, 0);
        assert_eq!(
            (d.mean, d.sd, d.min, d.median, d.range),
            (None, None, None, None, None)
        );
    }

    #[test]
    fn single_value_has_location_but_no_spread() {
        let d = describe(&[3.5]).unwrap();
        assert_eq!(
            (d.mean, d.median, d.range, d.sd),
            (Some(3.5), Some(3.5), Some(0.0), None)
        );
    }

    #[test]
    fn even_count_median_is_the_mean_of_the_middle_pair() {
        let d = describe(&[4.0, 1.0, 3.0, 2.0, 10.0, -1.0]).unwrap();
        assert_eq!(d.median, Some(2.5));
        assert_eq!(
            median_of_sorted(&[-1.0, 1.0, 2.0, 3.0, 4.0, 10.0]),
            Some(2.5)
        );
    }

    #[test]
    fn names_the_first_non_finite_measurement() {
        let err = describe(&[1.0, 2.0, f64::NAN, f64::INFINITY]).unwrap_err();
        assert!(matches!(
            err,
            StatsError::NonFiniteMeasurement { index: 2, .. }
        ));
    }

    #[test]
    fn huge_values_do_not_overflow_to_infinity() {
        let d = describe(&[1e308, 1e308, 1e308]).unwrap();
        assert_eq!(d.mean, Some(1e308));
        assert_eq!(d.sd, Some(0.0));
    }

    #[test]
    fn large_offset_keeps_sd_accurate() {
        let v: Vec<f64> = (0..1000).map(|i| 1e9 + (i % 7) as f64).collect();
        let s: Vec<f64> = (0..1000).map(|i| (i % 7) as f64).collect();
        let (a, b) = (
            describe(&v).unwrap().sd.unwrap(),
            describe(&s).unwrap().sd.unwrap(),
        );
        assert!((a - b).abs() < 1e-9 * b);
    }
}
