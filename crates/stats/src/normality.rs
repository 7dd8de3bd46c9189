//! Anderson-Darling test for normality (mean and sd estimated from the data).

use std::f64::consts::{PI, SQRT_2};

use serde::Serialize;
use statrs::function::erf::erfc;

/// Smallest sample for which the p-value approximation is used
/// (nortest::ad.test refuses n < 8 for the same reason).
pub const MIN_AD_SAMPLE: usize = 8;

/// Result of the Anderson-Darling normality test.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct AndersonDarling {
    /// The statistic A² (unadjusted), as reported by R `nortest::ad.test`.
    pub statistic: f64,
    /// A*² = A²(1 + 0.75/n + 2.25/n²), the small-sample adjusted statistic.
    pub adjusted: f64,
    /// p-value for the hypothesis "the values are normally distributed".
    pub p_value: f64,
}

/// Anderson-Darling test of `sorted` (ascending) against a normal distribution
/// with the sample's own `mean` and sample `sd`.
///
/// A² = -n - (1/n) Σ (2i-1) [ln Φ(z₍ᵢ₎) + ln(1 - Φ(z₍ₙ₊₁₋ᵢ₎))], z = (x - mean)/sd.
/// The p-value uses the adjusted statistic A*² and the piecewise exponential
/// approximation of R. B. D'Agostino & M. A. Stephens (eds.), *Goodness-of-Fit
/// Techniques*, Marcel Dekker 1986, Table 4.9 (case 3: both parameters estimated),
/// exactly as implemented in R package nortest (`ad.test`, Gross & Ligges).
///
/// `None` for n < 8 or when sd is not positive.
pub fn anderson_darling(sorted: &[f64], mean: f64, sd: f64) -> Option<AndersonDarling> {
    let n = sorted.len();
    if n < MIN_AD_SAMPLE || sd.is_nan() || sd <= 0.0 {
        return None;
    }
    // Σ(2i+1)[ln Φ(z_i) + ln Φ(-z_(n-1-i))] regrouped per value j: each value
    // contributes both tails, and one erfc call yields both of them.
    let last = 2 * n - 1;
    let mut sum = 0.0;
    for (j, &x) in sorted.iter().enumerate() {
        let (lower, upper) = log_tails((x - mean) / sd);
        sum += (2 * j + 1) as f64 * lower + (last - 2 * j) as f64 * upper;
    }
    let nf = n as f64;
    let statistic = (-nf - sum / nf).max(0.0);
    let adjusted = statistic * (1.0 + 0.75 / nf + 2.25 / (nf * nf));
    Some(AndersonDarling {
        statistic,
        adjusted,
        p_value: p_value(adjusted),
    })
}

/// Piecewise p-value for the adjusted statistic (D'Agostino & Stephens 1986).
pub fn p_value(aa: f64) -> f64 {
    let p = if aa < 0.2 {
        1.0 - (-13.436 + 101.14 * aa - 223.73 * aa * aa).exp()
    } else if aa < 0.34 {
        1.0 - (-8.318 + 42.796 * aa - 59.938 * aa * aa).exp()
    } else if aa < 0.6 {
        (0.9177 - 4.279 * aa - 1.38 * aa * aa).exp()
    } else if aa < 10.0 {
        (1.2937 - 5.709 * aa + 0.0186 * aa * aa).exp()
    } else {
        3.7e-24
    };
    p.clamp(0.0, 1.0)
}

/// (ln Φ(z), ln Φ(-z)) from a single erfc evaluation, accurate in both tails
/// and never -inf for finite z.
pub(crate) fn log_tails(z: f64) -> (f64, f64) {
    let a = z.abs();
    let (small, large) = if a < 30.0 {
        // q = Φ(-|z|); ln(1 - q) via ln_1p keeps the digits of a tiny q.
        let q = 0.5 * erfc(a / SQRT_2);
        (q.ln(), (-q).ln_1p())
    } else {
        // Mills-ratio asymptotic series; at |z| >= 30 these terms give full precision.
        let z2 = z * z;
        let series = 1.0 - 1.0 / z2 + 3.0 / (z2 * z2) - 15.0 / (z2 * z2 * z2);
        let ln_q = -0.5 * z2 - a.ln() - 0.5 * (2.0 * PI).ln() + series.ln();
        (ln_q, -ln_q.exp())
    };
    if z > 0.0 {
        (large, small)
    } else {
        (small, large)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log_ndtr(z: f64) -> f64 {
        log_tails(z).0
    }

    #[test]
    fn both_tails_come_from_one_evaluation() {
        for z in [-35.0, -3.0, 0.0, 0.7, 8.0] {
            let (lower, upper) = log_tails(z);
            assert_eq!((lower, upper), (log_ndtr(z), log_tails(-z).0), "z={z}");
        }
    }

    #[test]
    fn log_ndtr_matches_known_values_in_both_tails() {
        // R: pnorm(c(-40, -1, 0, 5), log.p = TRUE)
        let expected = [
            (-40.0, -804.608_442_013_754_7),
            (-1.0, -1.841_021_645_009_264),
            (0.0, -std::f64::consts::LN_2),
            (5.0, -2.866_516_129_637_636e-7),
        ];
        for (z, want) in expected {
            let got = log_ndtr(z);
            assert!(((got - want) / want).abs() < 1e-9, "z={z}: {got} vs {want}");
        }
    }

    #[test]
    fn p_value_falls_as_the_statistic_grows() {
        let ps: Vec<f64> = [0.1, 0.3, 0.5, 1.0, 5.0, 20.0]
            .iter()
            .map(|&a| p_value(a))
            .collect();
        assert!(ps.windows(2).all(|w| w[0] > w[1]), "{ps:?}");
    }

    #[test]
    fn too_few_values_are_not_tested() {
        assert!(anderson_darling(&[1.0, 2.0, 3.0], 2.0, 1.0).is_none());
    }
}
