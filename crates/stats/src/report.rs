//! The one call the HTTP layer makes: everything a reviewer sees for one
//! variable characteristic of a lot.

use serde::Serialize;

use crate::capability::indices;
use crate::control::{ControlChart, chart_unchecked, sigma_within_unchecked};
use crate::descriptive::{Moments, median_of_sorted};
use crate::deviation::{
    DeviationBasis, ValueDeviation, conformance, deviation_basis, mean_deviation, value_deviations,
};
use crate::error::{StatsError, check_subgroup_size};
use crate::normality::{MIN_AD_SAMPLE, anderson_darling};
use crate::spec::Spec;
use crate::warning::{MIN_CAPABILITY_SAMPLE, SpecLimit, Warning};

/// Statistics, deviation, capability, normality and control chart of one
/// series of measurements. Lengths are in the unit of the measurements; a value
/// is `None` when it is undefined for the input, never NaN or infinite.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CapabilityReport {
    /// Number of measurements.
    pub n: usize,
    /// Mean μ.
    pub mean: Option<f64>,
    /// Overall sample standard deviation s (divisor n - 1).
    pub sd: Option<f64>,
    /// Smallest measurement.
    pub min: Option<f64>,
    /// Largest measurement.
    pub max: Option<f64>,
    /// Median.
    pub median: Option<f64>,
    /// max - min.
    pub range: Option<f64>,
    /// Values per rational subgroup used for σw and the chart (1 = individuals).
    pub subgroup_size: usize,
    /// Mean minus nominal.
    pub deviation_from_nominal: Option<f64>,
    /// Mean minus nominal, in percent of the tolerance width USL - LSL.
    pub deviation_from_nominal_pct_of_tolerance: Option<f64>,
    /// Mean minus the golden-sample reference value.
    pub deviation_from_golden_sample: Option<f64>,
    /// What `deviations` are measured from (nominal if given, else the mean).
    pub deviation_basis: DeviationBasis,
    /// Per-value deviation and z-score, in production order.
    pub deviations: Vec<ValueDeviation>,
    /// Values below LSL (`None` without an LSL).
    pub count_below_lsl: Option<usize>,
    /// Values above USL (`None` without a USL).
    pub count_above_usl: Option<usize>,
    /// Values outside the limits (`None` without any limit).
    pub count_outside: Option<usize>,
    /// Share of values below LSL, percent.
    pub pct_below_lsl: Option<f64>,
    /// Share of values above USL, percent.
    pub pct_above_usl: Option<f64>,
    /// Share of values outside the limits, percent.
    pub pct_outside: Option<f64>,
    /// Within-subgroup sigma σw: R-bar/d2, or MR-bar/1.128 for individuals.
    pub sigma_within: Option<f64>,
    /// Cp = (USL - LSL) / 6σw.
    pub cp: Option<f64>,
    /// Cpk = min(Cpu, Cpl).
    pub cpk: Option<f64>,
    /// Cpu = (USL - μ) / 3σw.
    pub cpu: Option<f64>,
    /// Cpl = (μ - LSL) / 3σw.
    pub cpl: Option<f64>,
    /// Pp = (USL - LSL) / 6s.
    pub pp: Option<f64>,
    /// Ppk = min((USL - μ) / 3s, (μ - LSL) / 3s).
    pub ppk: Option<f64>,
    /// Expected nonconforming parts per million below LSL (normal model, μ and s).
    pub ppm_below_lsl: Option<f64>,
    /// Expected nonconforming parts per million above USL (normal model, μ and s).
    pub ppm_above_usl: Option<f64>,
    /// Lower end of the 95 % confidence interval for Cpk (Bissell 1990).
    pub cpk_ci_lower: Option<f64>,
    /// Upper end of the 95 % confidence interval for Cpk (Bissell 1990).
    pub cpk_ci_upper: Option<f64>,
    /// Anderson-Darling normality statistic A² (n >= 8).
    pub anderson_darling: Option<f64>,
    /// p-value of the Anderson-Darling test; below 0.05 normality is doubtful.
    pub anderson_darling_p: Option<f64>,
    /// Individuals/MR or X-bar/R chart with Western Electric signals.
    pub control_chart: Option<ControlChart>,
    /// Cautions for the reviewer, see [`Warning::message`].
    pub warnings: Vec<Warning>,
}

/// Full report for `values` (production order) against `spec`.
///
/// `subgroup_size` is 1 for individual values (σw from moving ranges) or 2..=25
/// for consecutive rational subgroups (σw = R-bar/d2). Errors only for a NaN or
/// infinite measurement or spec value, LSL >= USL, or a subgroup size outside 1..=25;
/// small, constant or limitless input gives `None` fields plus warnings.
///
/// ```
/// use lotgate_stats::{capability, Spec};
/// let spec = Spec { nominal: Some(10.0), lsl: Some(9.0), usl: Some(11.0), golden_sample: None };
/// let report = capability(&[10.1, 9.9, 10.0, 10.2, 9.8], &spec, 1).unwrap();
/// assert_eq!(report.n, 5);
/// assert!(report.cpk.is_some());
/// ```
pub fn capability(
    values: &[f64],
    spec: &Spec,
    subgroup_size: usize,
) -> Result<CapabilityReport, StatsError> {
    capability_with(values, spec, subgroup_size, PerValue::ALL)
}

/// Which per-value parts of a [`CapabilityReport`] to build. The figures (mean, sd,
/// σw, indices, normality, conformance, warnings) are the same either way; leaving a
/// part out saves a vector as long as the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PerValue {
    /// [`CapabilityReport::deviations`]; empty when left out.
    pub deviations: bool,
    /// [`CapabilityReport::control_chart`]; `None` when left out.
    pub chart: bool,
}

impl PerValue {
    /// Everything, as [`capability`] returns it.
    pub const ALL: PerValue = PerValue {
        deviations: true,
        chart: true,
    };
    /// Figures only.
    pub const NONE: PerValue = PerValue {
        deviations: false,
        chart: false,
    };
}

/// [`capability`], building only the per-value parts asked for.
pub fn capability_with(
    values: &[f64],
    spec: &Spec,
    subgroup_size: usize,
    per_value: PerValue,
) -> Result<CapabilityReport, StatsError> {
    check_subgroup_size(subgroup_size)?;
    spec.validate()?;
    let m = Moments::of(values)?;
    // One sort serves both the median and the Anderson-Darling statistic.
    let mut sorted = values.to_vec();
    // All values are finite (checked above), so partial_cmp is total here and
    // faster than total_cmp.
    sorted.sort_unstable_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    let d = m.with_median(median_of_sorted(&sorted));
    let ad = d.sd.and_then(|sd| anderson_darling(&sorted, m.mean, sd));
    drop(sorted);

    let (chart, sigma_within) = if per_value.chart {
        let chart = chart_unchecked(values, subgroup_size);
        let sigma = chart.as_ref().map(|c| c.sigma_within);
        (chart, sigma)
    } else {
        (None, sigma_within_unchecked(values, subgroup_size))
    };
    let sigma_within = sigma_within.filter(|s| s.is_finite());
    let idx = indices(spec, m.n, m.mean, d.sd, sigma_within);
    let (deviation_basis, deviations) = if per_value.deviations {
        value_deviations(values, spec, d.mean, d.sd)
    } else {
        (deviation_basis(spec), Vec::new())
    };
    let mean_dev = mean_deviation(d.mean, spec);
    let conf = conformance(values, spec);
    let warnings = warnings(spec, &d, subgroup_size, sigma_within, ad.map(|a| a.p_value));

    Ok(CapabilityReport {
        n: d.n,
        mean: d.mean,
        sd: d.sd,
        min: d.min,
        max: d.max,
        median: d.median,
        range: d.range,
        subgroup_size,
        deviation_from_nominal: mean_dev.from_nominal,
        deviation_from_nominal_pct_of_tolerance: mean_dev.from_nominal_pct_of_tolerance,
        deviation_from_golden_sample: mean_dev.from_golden_sample,
        deviation_basis,
        deviations,
        count_below_lsl: conf.count_below_lsl,
        count_above_usl: conf.count_above_usl,
        count_outside: conf.count_outside,
        pct_below_lsl: conf.pct_below_lsl,
        pct_above_usl: conf.pct_above_usl,
        pct_outside: conf.pct_outside,
        sigma_within,
        cp: idx.cp,
        cpk: idx.cpk,
        cpu: idx.cpu,
        cpl: idx.cpl,
        pp: idx.pp,
        ppk: idx.ppk,
        ppm_below_lsl: idx.ppm_below_lsl,
        ppm_above_usl: idx.ppm_above_usl,
        cpk_ci_lower: idx.cpk_ci_lower,
        cpk_ci_upper: idx.cpk_ci_upper,
        anderson_darling: ad.map(|a| a.statistic),
        anderson_darling_p: ad.map(|a| a.p_value),
        control_chart: chart,
        warnings,
    })
}

fn warnings(
    spec: &Spec,
    d: &crate::Descriptive,
    subgroup_size: usize,
    sigma_within: Option<f64>,
    ad_p: Option<f64>,
) -> Vec<Warning> {
    let n = d.n;
    let mut w = Vec::new();
    if n < 2 {
        w.push(Warning::TooFewForSpread { n });
    } else if n < MIN_CAPABILITY_SAMPLE {
        w.push(Warning::TooFewForCapability { n });
    }
    if (2..MIN_AD_SAMPLE).contains(&n) {
        w.push(Warning::NormalityNotTested { n });
    }
    if let Some(p_value) = ad_p.filter(|p| *p < 0.05) {
        w.push(Warning::NormalityDoubtful { p_value });
    }
    if subgroup_size > 1 && n > 0 && n < subgroup_size {
        w.push(Warning::NoCompleteSubgroup { n, subgroup_size });
    } else if subgroup_size > 1 && !n.is_multiple_of(subgroup_size) {
        w.push(Warning::IncompleteSubgroup {
            subgroup_size,
            ignored: n % subgroup_size,
        });
    }
    let zero_sd = d.sd == Some(0.0);
    if zero_sd {
        w.push(Warning::ZeroSpread);
    } else if sigma_within == Some(0.0) {
        w.push(Warning::ZeroWithinSpread);
    }
    match (spec.lsl, spec.usl) {
        (None, None) => w.push(Warning::NoSpecLimits),
        (None, Some(_)) => w.push(Warning::OneSidedSpec {
            missing: SpecLimit::Lsl,
        }),
        (Some(_), None) => w.push(Warning::OneSidedSpec {
            missing: SpecLimit::Usl,
        }),
        _ => {}
    }
    w
}
