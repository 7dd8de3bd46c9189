//! Operating characteristic of a single sampling plan (n, c): probability of acceptance,
//! average outgoing quality (AOQ), its limit (AOQL) and average total inspection (ATI).

use serde::{Deserialize, Serialize};
use statrs::distribution::{Binomial, DiscreteCDF, Poisson};
use statrs::function::gamma::ln_gamma;

use crate::SamplingError;

/// Probability model of the number of nonconforming units in the sample.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum OcModel {
    /// Sampling from an infinite lot or process (type B OC).
    Binomial,
    /// Sampling without replacement from a finite lot of `lot_size` units holding
    /// D = round(lot_size * p) nonconforming units (type A OC).
    Hypergeometric { lot_size: u64 },
    /// Poisson approximation with mean n * p (also the model for nonconformities per unit).
    Poisson,
}

/// One point of an OC curve.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct OcPoint {
    /// Incoming fraction nonconforming p.
    pub fraction_defective: f64,
    /// Pa(p).
    pub probability_of_acceptance: f64,
    /// AOQ = Pa * p * (N - n) / N (rejected lots are fully inspected and rectified).
    pub average_outgoing_quality: f64,
    /// ATI = n + (1 - Pa) * (N - n).
    pub average_total_inspection: f64,
}

/// The average outgoing quality limit and where it occurs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Aoql {
    /// max over p of AOQ(p).
    pub aoql: f64,
    /// The incoming fraction nonconforming at which the maximum occurs.
    pub at_fraction_defective: f64,
}

fn check_fraction(name: &'static str, value: f64) -> Result<(), SamplingError> {
    if (0.0..=1.0).contains(&value) {
        Ok(())
    } else {
        Err(SamplingError::FractionOutOfRange { name, value })
    }
}

fn check_sample(sample_size: u64, lot_size: u64) -> Result<(), SamplingError> {
    if sample_size == 0 || sample_size > lot_size {
        return Err(SamplingError::SampleDoesNotFitLot {
            sample_size,
            lot_size,
        });
    }
    Ok(())
}

/// P(X = x) for X ~ Hypergeometric(N, D, n), from log-space binomial coefficients; the
/// tails start from it and go on by the ratio recurrence.
fn hypergeometric_pmf(lot: u64, defective: u64, sample: u64, x: u64) -> f64 {
    let ln_choose = |a: u64, b: u64| {
        ln_gamma(a as f64 + 1.0) - ln_gamma(b as f64 + 1.0) - ln_gamma((a - b) as f64 + 1.0)
    };
    let good = lot - defective;
    (ln_choose(defective, x) + ln_choose(good, sample - x) - ln_choose(lot, sample)).exp()
}

/// P(X <= c) for X ~ Hypergeometric(N, D, n), summing pmf terms by the ratio recurrence
/// P(x+1)/P(x) = (D-x)(n-x) / ((x+1)(N-D-n+x+1)), starting from the log-space first term.
/// Cost O(c), no factorials.
pub(crate) fn hypergeometric_cdf(lot: u64, defective: u64, sample: u64, c: u64) -> f64 {
    let good = lot - defective;
    let x_min = sample.saturating_sub(good);
    let x_max = sample.min(defective);
    if c < x_min {
        return 0.0;
    }
    if c >= x_max {
        return 1.0;
    }
    let mut term = hypergeometric_pmf(lot, defective, sample, x_min);
    let mut sum = term;
    let (n_big, d, n) = (lot as f64, defective as f64, sample as f64);
    for x in x_min..c {
        let x = x as f64;
        term *= (d - x) * (n - x) / ((x + 1.0) * (n_big - d - n + x + 1.0));
        sum += term;
    }
    sum.min(1.0)
}

/// P(X > c) for X ~ Hypergeometric(N, D, n), summed upward from x = c + 1 by the same
/// recurrence: the upper tail computed directly keeps its relative precision when it is
/// tiny, where 1 - P(X <= c) would be mostly rounding error.
pub(crate) fn hypergeometric_upper_tail(lot: u64, defective: u64, sample: u64, c: u64) -> f64 {
    let good = lot - defective;
    let x_min = sample.saturating_sub(good);
    let x_max = sample.min(defective);
    if c >= x_max {
        return 0.0;
    }
    if c < x_min {
        return 1.0;
    }
    let first = c + 1;
    let mut term = hypergeometric_pmf(lot, defective, sample, first);
    let mut sum = term;
    let (n_big, d, n) = (lot as f64, defective as f64, sample as f64);
    for x in first..x_max {
        let x = x as f64;
        term *= (d - x) * (n - x) / ((x + 1.0) * (n_big - d - n + x + 1.0));
        sum += term;
        // The terms fall monotonically past the mode; stop once they no longer count.
        if term < sum * 1e-17 && x > d * n / n_big {
            break;
        }
    }
    sum.min(1.0)
}

/// Pa(p) of the plan (n = `sample_size`, c = `acceptance_number`) under `model`.
pub fn probability_of_acceptance(
    model: OcModel,
    sample_size: u64,
    acceptance_number: u32,
    fraction_defective: f64,
) -> Result<f64, SamplingError> {
    Ok(tails(model, sample_size, acceptance_number, fraction_defective)?.0)
}

/// 1 - Pa(p), the probability that a lot is not accepted, computed as the upper tail
/// itself rather than by subtraction, so it stays precise when it is tiny (ATI).
pub fn probability_of_rejection(
    model: OcModel,
    sample_size: u64,
    acceptance_number: u32,
    fraction_defective: f64,
) -> Result<f64, SamplingError> {
    Ok(tails(model, sample_size, acceptance_number, fraction_defective)?.1)
}

/// (P(X <= c), P(X > c)) under `model`, each computed on its own.
fn tails(
    model: OcModel,
    sample_size: u64,
    acceptance_number: u32,
    fraction_defective: f64,
) -> Result<(f64, f64), SamplingError> {
    check_fraction("fraction defective", fraction_defective)?;
    let c = u64::from(acceptance_number);
    let p = fraction_defective;
    Ok(match model {
        OcModel::Binomial => {
            if c >= sample_size {
                (1.0, 0.0)
            } else {
                let b = Binomial::new(p, sample_size).expect("p checked in [0, 1]");
                (b.cdf(c), b.sf(c))
            }
        }
        OcModel::Poisson => {
            let mean = sample_size as f64 * p;
            if mean == 0.0 {
                (1.0, 0.0)
            } else {
                let d = Poisson::new(mean).expect("mean > 0");
                (d.cdf(c), d.sf(c))
            }
        }
        OcModel::Hypergeometric { lot_size } => {
            check_sample(sample_size, lot_size)?;
            let defective = (((lot_size as f64) * p).round() as u64).min(lot_size);
            (
                hypergeometric_cdf(lot_size, defective, sample_size, c),
                hypergeometric_upper_tail(lot_size, defective, sample_size, c),
            )
        }
    })
}

fn point(pa: f64, rejected: f64, p: f64, sample_size: u64, lot_size: u64) -> OcPoint {
    let (n, big_n) = (sample_size as f64, lot_size as f64);
    OcPoint {
        fraction_defective: p,
        probability_of_acceptance: pa,
        average_outgoing_quality: pa * p * (big_n - n) / big_n,
        average_total_inspection: n + rejected * (big_n - n),
    }
}

/// The OC curve, AOQ and ATI at each fraction defective of `grid` (see [`default_grid`]).
/// `lot_size` is N for AOQ and ATI (and for the hypergeometric model it must match).
pub fn oc_curve(
    model: OcModel,
    lot_size: u64,
    sample_size: u64,
    acceptance_number: u32,
    grid: &[f64],
) -> Result<Vec<OcPoint>, SamplingError> {
    check_sample(sample_size, lot_size)?;
    grid.iter()
        .map(|&p| {
            let (pa, rejected) = tails(model, sample_size, acceptance_number, p)?;
            Ok(point(pa, rejected, p, sample_size, lot_size))
        })
        .collect()
}

/// A default plotting grid of 101 fractions defective from 0 to where Pa has fallen to
/// about 0.001 (p_max = (c + 1 + 4 sqrt(c + 1) + 4) / n, at most 1).
pub fn default_grid(sample_size: u64, acceptance_number: u32) -> Vec<f64> {
    let c1 = f64::from(acceptance_number) + 1.0;
    let p_max = ((c1 + 4.0 * c1.sqrt() + 4.0) / sample_size.max(1) as f64).min(1.0);
    (0..=100).map(|k| p_max * f64::from(k) / 100.0).collect()
}

fn aoq_at(model: OcModel, lot: u64, n: u64, c: u32, p: f64) -> f64 {
    let pa = probability_of_acceptance(model, n, c, p).unwrap_or(0.0);
    point(pa, 1.0 - pa, p, n, lot).average_outgoing_quality
}

/// AOQL: the maximum of AOQ(p). A grid of 400 points brackets the maximum, then a
/// golden-section search refines it (for the hypergeometric model p stays on the lattice
/// D/N: an integer ternary search on D followed by a scan of the neighbours).
pub fn aoql(
    model: OcModel,
    lot_size: u64,
    sample_size: u64,
    acceptance_number: u32,
) -> Result<Aoql, SamplingError> {
    check_sample(sample_size, lot_size)?;
    let (n, c) = (sample_size, acceptance_number);
    let grid = default_grid(n, c);
    let p_hi = *grid.last().unwrap_or(&1.0);
    if let OcModel::Hypergeometric { lot_size: big_n } = model {
        let f = |d: u64| aoq_at(model, lot_size, n, c, d as f64 / big_n as f64);
        let d_hi = ((p_hi * big_n as f64).ceil() as u64).clamp(1, big_n);
        let step = (d_hi / 400).max(1);
        let best = (0..=d_hi)
            .step_by(step as usize)
            .max_by(|&a, &b| f(a).total_cmp(&f(b)));
        let best = best.unwrap_or(0);
        let (mut lo, mut hi) = (best.saturating_sub(step), (best + step).min(big_n));
        while hi - lo > 3 {
            let m1 = lo + (hi - lo) / 3;
            let m2 = hi - (hi - lo) / 3;
            if f(m1) < f(m2) { lo = m1 } else { hi = m2 }
        }
        let d = (lo..=hi)
            .max_by(|&a, &b| f(a).total_cmp(&f(b)))
            .unwrap_or(lo);
        return Ok(Aoql {
            aoql: f(d),
            at_fraction_defective: d as f64 / big_n as f64,
        });
    }
    let f = |p: f64| aoq_at(model, lot_size, n, c, p);
    let steps = 400;
    let at = |k: usize| p_hi * k as f64 / steps as f64;
    let k_best = (0..=steps)
        .max_by(|&a, &b| f(at(a)).total_cmp(&f(at(b))))
        .unwrap_or(0);
    let (mut a, mut b) = (at(k_best.saturating_sub(1)), at((k_best + 1).min(steps)));
    let ratio = (5f64.sqrt() - 1.0) / 2.0;
    for _ in 0..100 {
        let x1 = b - ratio * (b - a);
        let x2 = a + ratio * (b - a);
        if f(x1) < f(x2) {
            a = x1
        } else {
            b = x2
        }
        if b - a < 1e-12 {
            break;
        }
    }
    let p = (a + b) / 2.0;
    Ok(Aoql {
        aoql: f(p),
        at_fraction_defective: p,
    })
}
