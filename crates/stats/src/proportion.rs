//! A binomial proportion with its exact (Clopper-Pearson) confidence interval: the
//! interval that never covers less than its level, for counts as small as a supplier's
//! few nonconforming units.

use statrs::distribution::{Beta, ContinuousCDF};

/// A proportion `x / n` with its two-sided interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Proportion {
    pub estimate: f64,
    pub lower: f64,
    pub upper: f64,
}

/// The proportion of `x` successes in `n` trials with its two-sided Clopper-Pearson
/// interval at `confidence` (0.95 for 95 %): the bounds are quantiles of Beta(x, n-x+1)
/// and Beta(x+1, n-x), and 0 (or 1) when x is 0 (or n). `None` when `n` is 0, `x`
/// exceeds `n`, or `confidence` is not strictly between 0 and 1.
pub fn clopper_pearson(x: u64, n: u64, confidence: f64) -> Option<Proportion> {
    if n == 0 || x > n || !(confidence > 0.0 && confidence < 1.0) {
        return None;
    }
    let alpha = 1.0 - confidence;
    let (xf, nf) = (x as f64, n as f64);
    let lower = if x == 0 {
        0.0
    } else {
        Beta::new(xf, nf - xf + 1.0).ok()?.inverse_cdf(alpha / 2.0)
    };
    let upper = if x == n {
        1.0
    } else {
        Beta::new(xf + 1.0, nf - xf)
            .ok()?
            .inverse_cdf(1.0 - alpha / 2.0)
    };
    Some(Proportion {
        estimate: xf / nf,
        lower,
        upper,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reference: SciPy 1.17.1,
    /// `python3 -c 'from scipy.stats import binomtest
    /// for x,n in [(0,130),(3,130),(7,250),(1,50),(2,80),(5,180)]:
    ///     c=binomtest(x,n).proportion_ci(method="exact"); print(x,n,c.low,c.high)'`
    /// (the same as GNU R `binom.test(x, n)$conf.int`):
    const SCIPY: [(u64, u64, f64, f64); 6] = [
        (0, 130, 0.0, 0.027977178415451706),
        (3, 130, 0.004784536324386383, 0.0659589749998609),
        (7, 250, 0.011330013795658532, 0.0568372452730536),
        (1, 50, 0.0005062279831152354, 0.10646954571150097),
        (2, 80, 0.0030420861647511986, 0.0874071559305944),
        (5, 180, 0.009079605010859651, 0.06363057774308588),
    ];

    #[test]
    fn matches_scipys_exact_binomial_interval() {
        for (x, n, low, high) in SCIPY {
            let p = clopper_pearson(x, n, 0.95).unwrap();
            assert!(
                (p.lower - low).abs() < 1e-9,
                "{x}/{n}: lower {} vs {low}",
                p.lower
            );
            assert!(
                (p.upper - high).abs() < 1e-9,
                "{x}/{n}: upper {} vs {high}",
                p.upper
            );
            assert_eq!(p.estimate, x as f64 / n as f64);
        }
    }

    #[test]
    fn all_successes_reach_one_and_nothing_inspected_has_no_interval() {
        assert_eq!(clopper_pearson(4, 4, 0.95).unwrap().upper, 1.0);
        assert_eq!(clopper_pearson(0, 0, 0.95), None);
        assert_eq!(clopper_pearson(5, 4, 0.95), None);
    }
}
