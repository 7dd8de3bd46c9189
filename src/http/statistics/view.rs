//! JSON shapes of the statistics: a capability report, its control chart and warnings.

use lotgate_stats::{
    CapabilityReport, ChartKind, ChartSeries, ControlChart, DeviationBasis, PerValue, Side, Warning,
};
use serde::Serialize;
use utoipa::ToSchema;

/// Deviation, spread and capability of a series of measurements. A value that is
/// undefined for the input (too few values, no spread, no limit) is `null`, and
/// `warnings` says why.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"n": 80, "mean": 1.194038, "sd": 0.209957, "min": 0.729, "max": 1.741, "median": 1.213, "range": 1.012, "subgroup_size": 1, "deviation_from_nominal": -0.005962, "deviation_from_nominal_pct_of_tolerance": null, "golden_reference": 1.15, "deviation_from_golden_sample": 0.044038, "count_below_lsl": null, "count_above_usl": 0, "count_outside": 0, "pct_below_lsl": null, "pct_above_usl": 0.0, "pct_outside": 0.0, "sigma_within": 0.220206, "cp": null, "cpk": 1.220013, "cpu": 1.220013, "cpl": null, "pp": null, "ppk": 1.279567, "ppm_below_lsl": null, "ppm_above_usl": 61.843528, "cpk_ci_lower": 1.016239, "cpk_ci_upper": 1.423786, "anderson_darling": 0.489588, "anderson_darling_p": 0.215484, "control_chart": {"kind": "individuals_moving_range", "subgroup_size": 1, "ignored_values": 0, "sigma_within": 0.220206, "location": {"centre_line": 1.194037, "ucl": 1.854656, "lcl": 0.533419, "points": [1.264, 1.335], "violations": []}, "spread": {"centre_line": 0.248392, "ucl": 0.811498, "lcl": 0.0, "points": [0.071, 0.224], "violations": [{"rule": 1, "side": "above", "points": [64]}]}}, "warnings": [{"code": "one_sided_spec", "message": "there is no lower specification limit; Cp and Pp need both limits, Cpk and Ppk use the upper limit only"}]}))]
pub struct CapabilityView {
    /// Number of values.
    pub n: usize,
    /// Arithmetic mean.
    pub mean: Option<f64>,
    /// Sample standard deviation (divisor n - 1): the overall spread.
    pub sd: Option<f64>,
    /// Smallest value.
    pub min: Option<f64>,
    /// Largest value.
    pub max: Option<f64>,
    /// Median.
    pub median: Option<f64>,
    /// max - min.
    pub range: Option<f64>,
    /// Subgroup size used for the within-subgroup sigma (1: individual values).
    pub subgroup_size: usize,
    /// mean - nominal, in the characteristic's unit.
    pub deviation_from_nominal: Option<f64>,
    /// mean - nominal as a percentage of the tolerance width (usl - lsl).
    pub deviation_from_nominal_pct_of_tolerance: Option<f64>,
    /// The golden sample's reference value the values were compared with.
    pub golden_reference: Option<f64>,
    /// mean - golden reference, in the characteristic's unit.
    pub deviation_from_golden_sample: Option<f64>,
    /// Values below the lower specification limit.
    pub count_below_lsl: Option<usize>,
    /// Values above the upper specification limit.
    pub count_above_usl: Option<usize>,
    /// Values outside the specification limits.
    pub count_outside: Option<usize>,
    /// Share of values below the lower limit, in percent.
    pub pct_below_lsl: Option<f64>,
    /// Share of values above the upper limit, in percent.
    pub pct_above_usl: Option<f64>,
    /// Share of values outside the limits, in percent.
    pub pct_outside: Option<f64>,
    /// Within-subgroup sigma: R-bar/d2 for subgroups, MR-bar/1.128 for individual values.
    pub sigma_within: Option<f64>,
    /// (usl - lsl) / (6 sigma_within).
    pub cp: Option<f64>,
    /// min(cpu, cpl): capability allowing for centring.
    pub cpk: Option<f64>,
    /// (usl - mean) / (3 sigma_within).
    pub cpu: Option<f64>,
    /// (mean - lsl) / (3 sigma_within).
    pub cpl: Option<f64>,
    /// (usl - lsl) / (6 sd): performance with the overall spread.
    pub pp: Option<f64>,
    /// Ppk: like cpk with the overall sd.
    pub ppk: Option<f64>,
    /// Expected parts per million below lsl under a normal model (mean, sd).
    pub ppm_below_lsl: Option<f64>,
    /// Expected parts per million above usl under a normal model (mean, sd).
    pub ppm_above_usl: Option<f64>,
    /// Lower end of the 95 % confidence interval of Cpk (Bissell 1990).
    pub cpk_ci_lower: Option<f64>,
    /// Upper end of the 95 % confidence interval of Cpk.
    pub cpk_ci_upper: Option<f64>,
    /// Anderson-Darling normality statistic A² (needs n >= 8).
    pub anderson_darling: Option<f64>,
    /// p-value of the Anderson-Darling test; below 0.05 normality is doubtful.
    pub anderson_darling_p: Option<f64>,
    /// Per value, in the order given: its deviation and z-score (omitted in summaries).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub values: Option<ValuesView>,
    /// Control-chart data (omitted in summaries).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub control_chart: Option<ControlChartView>,
    /// Cautions in words a reviewer understands.
    pub warnings: Vec<WarningView>,
}

/// Per-value deviations.
#[derive(Debug, Serialize, ToSchema)]
pub struct ValuesView {
    /// What each deviation is measured from: `nominal` when a nominal is given, else `mean`.
    pub deviation_basis: String,
    /// value - basis, per value in the order given.
    pub deviations: Vec<f64>,
    /// (value - mean) / sd per value; `null` when sd is 0 or undefined.
    pub z_scores: Vec<Option<f64>>,
}

/// A caution about the numbers.
#[derive(Debug, Serialize, ToSchema)]
pub struct WarningView {
    /// Stable code for clients, e.g. `too_few_for_capability`.
    pub code: String,
    /// The caution in plain words.
    pub message: String,
}

/// Control-chart data: a location chart (individuals or X-bar) and a spread chart
/// (moving range or R), with the points that break the Western Electric rules.
#[derive(Debug, Serialize, ToSchema)]
pub struct ControlChartView {
    /// `individuals_moving_range` (subgroup size 1) or `xbar_r`.
    pub kind: String,
    /// Values per subgroup.
    pub subgroup_size: usize,
    /// Trailing values that did not fill a subgroup and were left out.
    pub ignored_values: usize,
    /// Within-subgroup sigma the limits are computed from; null when the values are so
    /// far apart that it overflows a double.
    pub sigma_within: Option<f64>,
    /// Individuals or subgroup means.
    pub location: ChartSeriesView,
    /// Moving ranges or subgroup ranges.
    pub spread: ChartSeriesView,
}

/// One chart: centre line, control limits, points and rule violations.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChartSeriesView {
    /// Centre line (null, like every number of a chart, when it overflows a double).
    pub centre_line: Option<f64>,
    /// Upper control limit.
    pub ucl: Option<f64>,
    /// Lower control limit.
    pub lcl: Option<f64>,
    /// The plotted points in order.
    pub points: Vec<Option<f64>>,
    /// Western Electric rule violations (rules 1-4 on the location chart, rule 1 on spread).
    pub violations: Vec<ViolationView>,
}

/// Points that break one Western Electric rule.
#[derive(Debug, Serialize, ToSchema)]
pub struct ViolationView {
    /// 1: beyond 3 sigma; 2: 2 of 3 beyond 2 sigma; 3: 4 of 5 beyond 1 sigma; 4: 8 in a row on one side.
    pub rule: u8,
    /// `above` or `below` the centre line.
    pub side: String,
    /// Indices (from 0) of the points involved.
    pub points: Vec<usize>,
}

/// Which bulky parts of a report to include.
#[derive(Debug, Clone, Copy)]
pub struct Detail {
    /// Per-value deviations and z-scores.
    pub values: bool,
    /// Control-chart data.
    pub chart: bool,
}

impl Detail {
    pub const FULL: Detail = Detail {
        values: true,
        chart: true,
    };
    pub const CHART: Detail = Detail {
        values: false,
        chart: true,
    };
    pub const SUMMARY: Detail = Detail {
        values: false,
        chart: false,
    };

    /// The per-value parts of the computation this detail shows.
    pub fn per_value(self) -> PerValue {
        PerValue {
            deviations: self.values,
            chart: self.chart,
        }
    }
}

impl CapabilityView {
    /// The report, with per-value deviations and the control chart when asked for.
    pub fn from_report(r: CapabilityReport, golden_reference: Option<f64>, detail: Detail) -> Self {
        let values = detail.values.then(|| ValuesView {
            deviation_basis: match r.deviation_basis {
                DeviationBasis::Nominal => "nominal".into(),
                DeviationBasis::Mean => "mean".into(),
            },
            deviations: r.deviations.iter().map(|d| d.deviation).collect(),
            z_scores: r.deviations.iter().map(|d| d.z_score).collect(),
        });
        let control_chart = if detail.chart {
            r.control_chart.map(chart)
        } else {
            None
        };
        CapabilityView {
            n: r.n,
            mean: r.mean,
            sd: r.sd,
            min: r.min,
            max: r.max,
            median: r.median,
            range: r.range,
            subgroup_size: r.subgroup_size,
            deviation_from_nominal: r.deviation_from_nominal,
            deviation_from_nominal_pct_of_tolerance: r.deviation_from_nominal_pct_of_tolerance,
            golden_reference,
            deviation_from_golden_sample: r.deviation_from_golden_sample,
            count_below_lsl: r.count_below_lsl,
            count_above_usl: r.count_above_usl,
            count_outside: r.count_outside,
            pct_below_lsl: r.pct_below_lsl,
            pct_above_usl: r.pct_above_usl,
            pct_outside: r.pct_outside,
            sigma_within: r.sigma_within,
            cp: r.cp,
            cpk: r.cpk,
            cpu: r.cpu,
            cpl: r.cpl,
            pp: r.pp,
            ppk: r.ppk,
            ppm_below_lsl: r.ppm_below_lsl,
            ppm_above_usl: r.ppm_above_usl,
            cpk_ci_lower: r.cpk_ci_lower,
            cpk_ci_upper: r.cpk_ci_upper,
            anderson_darling: r.anderson_darling,
            anderson_darling_p: r.anderson_darling_p,
            values,
            control_chart,
            warnings: r.warnings.iter().map(warning).collect(),
        }
    }
}

fn warning(w: &Warning) -> WarningView {
    let code = serde_json::to_value(w)
        .ok()
        .and_then(|v| v.get("kind").and_then(|k| k.as_str().map(str::to_owned)))
        .unwrap_or_else(|| "warning".into());
    WarningView {
        code,
        message: w.message(),
    }
}

fn chart(c: ControlChart) -> ControlChartView {
    ControlChartView {
        kind: match c.kind {
            ChartKind::IndividualsMovingRange => "individuals_moving_range".into(),
            ChartKind::XbarR => "xbar_r".into(),
        },
        subgroup_size: c.subgroup_size,
        ignored_values: c.ignored_values,
        sigma_within: finite(c.sigma_within),
        location: series(c.location),
        spread: series(c.spread),
    }
}

/// JSON has no infinity or NaN (serde writes null); the document says null, so does the type.
fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

fn series(s: ChartSeries) -> ChartSeriesView {
    ChartSeriesView {
        centre_line: finite(s.centre_line),
        ucl: finite(s.ucl),
        lcl: finite(s.lcl),
        points: s.points.into_iter().map(finite).collect(),
        violations: s
            .violations
            .into_iter()
            .map(|v| ViolationView {
                rule: v.rule,
                side: match v.side {
                    Side::Above => "above".into(),
                    Side::Below => "below".into(),
                },
                points: v.points,
            })
            .collect(),
    }
}
