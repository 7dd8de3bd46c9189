//! Process capability (Cp, Cpk) and performance (Pp, Ppk) indices, expected
//! nonconforming ppm and a confidence interval for Cpk.

use serde::Serialize;
use statrs::distribution::{ContinuousCDF, Normal};

use crate::constants::Z_975;
use crate::spec::Spec;

/// Capability and performance indices; `None` when undefined for the input
/// (missing limit, sigma undefined or zero).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Indices {
    /// Cp = (USL - LSL) / (6 σw); needs both limits.
    pub cp: Option<f64>,
    /// Cpu = (USL - μ) / (3 σw).
    pub cpu: Option<f64>,
    /// Cpl = (μ - LSL) / (3 σw).
    pub cpl: Option<f64>,
    /// Cpk = min(Cpu, Cpl) of those available.
    pub cpk: Option<f64>,
    /// Pp = (USL - LSL) / (6 s), s = overall sample sd.
    pub pp: Option<f64>,
    /// Ppu = (USL - μ) / (3 s).
    pub ppu: Option<f64>,
    /// Ppl = (μ - LSL) / (3 s).
    pub ppl: Option<f64>,
    /// Ppk = min(Ppu, Ppl) of those available.
    pub ppk: Option<f64>,
    /// Expected parts per million below LSL: 10⁶ · Φ((LSL - μ) / s).
    pub ppm_below_lsl: Option<f64>,
    /// Expected parts per million above USL: 10⁶ · (1 - Φ((USL - μ) / s)).
    pub ppm_above_usl: Option<f64>,
    /// Lower end of the two-sided 95 % confidence interval for Cpk.
    pub cpk_ci_lower: Option<f64>,
    /// Upper end of the two-sided 95 % confidence interval for Cpk.
    pub cpk_ci_upper: Option<f64>,
}

/// Indices for a process with overall `mean` μ and sample sd `sd` (s) from
/// `n` values, and within-subgroup sigma `sigma_within` (σw).
///
/// The Cpk interval is Bissell's normal approximation,
/// Cpk ± z(0.975) · sqrt(1/(9n) + Cpk² / (2(n - 1))),
/// from A. F. Bissell, "How reliable is your capability index?", *Applied
/// Statistics* 39(3), 1990, pp. 331-340 (also Montgomery, *Introduction to
/// Statistical Quality Control*, section 8.3.5). Bissell derived it for σ
/// estimated by the sample sd; with σw it is the usual approximation used by
/// SPC software.
pub fn indices(
    spec: &Spec,
    n: usize,
    mean: f64,
    sd: Option<f64>,
    sigma_within: Option<f64>,
) -> Indices {
    let positive = |s: Option<f64>| s.filter(|s| *s > 0.0 && s.is_finite());
    let (within, overall) = (positive(sigma_within), positive(sd));
    let (cp, cpu, cpl, cpk) = family(spec, mean, within);
    let (pp, ppu, ppl, ppk) = family(spec, mean, overall);
    let normal = overall.and_then(|s| Normal::new(mean, s).ok());
    let ppm = |p: f64| finite(1e6 * p);
    let ppm_below_lsl = normal
        .as_ref()
        .zip(spec.lsl)
        .and_then(|(d, l)| ppm(d.cdf(l)));
    let ppm_above_usl = normal
        .as_ref()
        .zip(spec.usl)
        .and_then(|(d, u)| ppm(d.sf(u)));
    let half_width = cpk.filter(|_| n >= 2).and_then(|k| {
        let nf = n as f64;
        finite(Z_975 * (1.0 / (9.0 * nf) + k * k / (2.0 * (nf - 1.0))).sqrt())
    });
    Indices {
        cp,
        cpu,
        cpl,
        cpk,
        pp,
        ppu,
        ppl,
        ppk,
        ppm_below_lsl,
        ppm_above_usl,
        cpk_ci_lower: cpk.zip(half_width).map(|(k, h)| k - h),
        cpk_ci_upper: cpk.zip(half_width).map(|(k, h)| k + h),
    }
}

type Family = (Option<f64>, Option<f64>, Option<f64>, Option<f64>);

/// (two-sided, upper, lower, worst) index for one sigma.
fn family(spec: &Spec, mean: f64, sigma: Option<f64>) -> Family {
    let Some(s) = sigma else {
        return (None, None, None, None);
    };
    let both = spec.tolerance().and_then(|t| finite(t / (6.0 * s)));
    let upper = spec.usl.and_then(|u| finite((u - mean) / (3.0 * s)));
    let lower = spec.lsl.and_then(|l| finite((mean - l) / (3.0 * s)));
    let worst = match (upper, lower) {
        (Some(u), Some(l)) => Some(u.min(l)),
        (u, l) => u.or(l),
    };
    (both, upper, lower, worst)
}

fn finite(x: f64) -> Option<f64> {
    Some(x).filter(|x| x.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(lsl: Option<f64>, usl: Option<f64>) -> Spec {
        Spec {
            lsl,
            usl,
            ..Spec::default()
        }
    }

    #[test]
    fn centred_process_has_cpk_equal_to_cp() {
        let i = indices(&spec(Some(4.0), Some(16.0)), 50, 10.0, Some(2.0), Some(1.0));
        assert_eq!(
            (i.cp, i.cpk, i.pp, i.ppk),
            (Some(2.0), Some(2.0), Some(1.0), Some(1.0))
        );
    }

    #[test]
    fn one_sided_spec_has_cpk_but_no_cp() {
        let i = indices(&spec(None, Some(13.0)), 50, 10.0, Some(1.0), Some(1.0));
        assert_eq!(
            (i.cp, i.cpu, i.cpl, i.cpk),
            (None, Some(1.0), None, Some(1.0))
        );
        assert_eq!(i.ppm_below_lsl, None);
        assert!(i.ppm_above_usl.unwrap() > 1349.0 && i.ppm_above_usl.unwrap() < 1350.0);
    }

    #[test]
    fn zero_sigma_leaves_every_index_undefined() {
        assert_eq!(
            indices(&spec(Some(0.0), Some(1.0)), 10, 0.5, Some(0.0), Some(0.0)),
            Indices::default()
        );
    }

    #[test]
    fn cpk_interval_is_symmetric_around_cpk() {
        let i = indices(&spec(Some(4.0), Some(16.0)), 30, 10.0, Some(2.0), Some(2.0));
        let (lo, hi) = (i.cpk_ci_lower.unwrap(), i.cpk_ci_upper.unwrap());
        assert!((lo + hi - 2.0).abs() < 1e-12 && lo < 1.0 && hi > 1.0);
    }
}
