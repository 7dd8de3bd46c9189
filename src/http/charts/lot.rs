//! Charts of one characteristic in one lot: histogram, control chart, OC curve.

use actix_web::{HttpResponse, get, web};
use lotgate_charts::{
    ControlChartInput, HistogramInput, OcInput, RuleMark, control_chart, histogram, oc_curve,
};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::{svg, with_unit};
use crate::domain::{CharacteristicId, LotId};
use crate::http::access::Caller;
use crate::http::error::{ApiError, responses};
use crate::http::extract::QueryParams;
use crate::http::statistics::subgroup_param;
use crate::http::{AppState, db_then};
use crate::service::charts as service;

/// Options of `get_lot_control_chart`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ControlChartQuery {
    /// Consecutive units per rational subgroup, 1 (default: individuals chart) to 25
    /// (X-bar chart), as for `get_lot_statistics`.
    #[param(minimum = 1, maximum = 25)]
    pub subgroup_size: Option<i64>,
    /// `location` (default: individuals or subgroup means) or `spread` (moving ranges
    /// or subgroup ranges).
    #[param(inline)]
    pub series: Option<ChartSeriesName>,
}

/// Which of the two charts of a control-chart pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChartSeriesName {
    /// Individuals or subgroup means, checked against Western Electric rules 1-4.
    Location,
    /// Moving ranges or subgroup ranges, checked against rule 1.
    Spread,
}

const SVG_EXAMPLE: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" \
    viewBox=\"0 0 720 400\"><title>Width: distribution of 80 values</title>…</svg>";

/// Draw the histogram of a variable characteristic's values in a lot, against its LSL, USL, nominal and golden-sample reference.
///
/// The values are those `get_lot_statistics` pools (every current inspection, in
/// inspection then unit order); the reference is the one it reports. Each line carries
/// its exact value in `data-value`. A token bound to a supplier reads only that
/// supplier's lots.
#[utoipa::path(
    tag = "statistics",
    params(
        ("lot_id" = LotId, Path, description = "Id of the lot"),
        ("characteristic_id" = CharacteristicId, Path, description = "Id of a variable characteristic of the lot's part"),
    ),
    responses(
        (status = 200, description = "The histogram, an `<svg role=\"img\">` with a `<title>`",
            content_type = "image/svg+xml", body = String, example = json!(SVG_EXAMPLE)),
        (status = 404, response = responses::NotFound),
        (status = 503, response = responses::Unavailable),
    )
)]
#[get("/lots/{lot_id}/charts/{characteristic_id}/histogram")]
pub async fn get_lot_histogram(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(LotId, CharacteristicId)>,
) -> Result<HttpResponse, ApiError> {
    let (lot_id, characteristic_id) = path.into_inner();
    let draw = move |series| {
        let chart = service::variable_chart(series, 1)?;
        let c = &chart.report.characteristic;
        Ok(histogram(&HistogramInput {
            name: &c.name,
            unit: c.unit.as_deref(),
            values: &chart.values,
            lsl: c.lsl,
            usl: c.usl,
            nominal: c.nominal,
            golden_reference: chart.report.golden_sample.as_ref().map(|(_, v)| *v),
        }))
    };
    let body = db_then(
        &state,
        move |conn| {
            Ok(service::variable_series(
                conn,
                &caller.0,
                lot_id,
                characteristic_id,
            )?)
        },
        draw,
    )
    .await?;
    Ok(svg(body))
}

/// Draw the control chart of a variable characteristic in a lot: individuals (or X-bar) or their ranges, with the centre line, the control limits and the points that break a rule.
///
/// The numbers are the `pooled.control_chart` of `get_lot_statistics` with the same
/// subgroup size: each limit's exact value is in `data-value`, each flagged point has
/// `data-rules`. Beyond 1,000 points the series is thinned for drawing (each stretch's
/// lowest and highest point and every flagged point), and the chart says so.
#[utoipa::path(
    tag = "statistics",
    params(
        ("lot_id" = LotId, Path, description = "Id of the lot"),
        ("characteristic_id" = CharacteristicId, Path, description = "Id of a variable characteristic of the lot's part"),
        ControlChartQuery,
    ),
    responses(
        (status = 200, description = "The control chart, an `<svg role=\"img\">` with a `<title>`",
            content_type = "image/svg+xml", body = String, example = json!(SVG_EXAMPLE)),
        (status = 404, response = responses::NotFound),
        (status = 422, response = responses::Unprocessable),
        (status = 503, response = responses::Unavailable),
    )
)]
#[get("/lots/{lot_id}/charts/{characteristic_id}/control-chart")]
pub async fn get_lot_control_chart(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(LotId, CharacteristicId)>,
    query: QueryParams<ControlChartQuery>,
) -> Result<HttpResponse, ApiError> {
    let (lot_id, characteristic_id) = path.into_inner();
    let subgroup = subgroup_param(query.0.subgroup_size)?;
    let spread = query.0.series == Some(ChartSeriesName::Spread);
    let draw = move |series| {
        let chart = service::variable_chart(series, subgroup)?;
        Ok(draw_control(&chart, subgroup, spread))
    };
    let body = db_then(
        &state,
        move |conn| {
            Ok(service::variable_series(
                conn,
                &caller.0,
                lot_id,
                characteristic_id,
            )?)
        },
        draw,
    )
    .await?;
    Ok(svg(body))
}

fn draw_control(chart: &service::VariableChart, subgroup: usize, spread: bool) -> String {
    let c = &chart.report.characteristic;
    let unit = c.unit.as_deref();
    let what = match (subgroup, spread) {
        (1, false) => "individuals chart",
        (1, true) => "moving range chart",
        (_, false) => "X-bar chart",
        (_, true) => "range chart",
    };
    let title = format!("{}: {what}", c.name);
    let y_name = match (subgroup, spread) {
        (1, false) => c.name.clone(),
        (1, true) => format!("Moving range of {}", c.name),
        (_, false) => format!("Subgroup mean of {}", c.name),
        (_, true) => format!("Subgroup range of {}", c.name),
    };
    let x_label = if subgroup == 1 {
        "Unit, in inspection order".to_string()
    } else {
        format!("Subgroup of {subgroup} consecutive units")
    };
    let (points, centre, ucl, lcl, marks) = match chart.report.pooled.control_chart.as_ref() {
        Some(cc) => {
            let s = if spread { &cc.spread } else { &cc.location };
            let finite = |v: f64| v.is_finite().then_some(v);
            let points: Vec<Option<f64>> = s.points.iter().map(|v| finite(*v)).collect();
            let marks: Vec<RuleMark> = s
                .violations
                .iter()
                .map(|v| RuleMark {
                    rule: v.rule,
                    points: v.points.clone(),
                })
                .collect();
            (
                points,
                finite(s.centre_line),
                finite(s.ucl),
                finite(s.lcl),
                marks,
            )
        }
        None => (Vec::new(), None, None, None, Vec::new()),
    };
    control_chart(&ControlChartInput {
        title: &title,
        y_label: &with_unit(&y_name, unit),
        x_label: &x_label,
        unit,
        points: &points,
        centre_line: centre,
        ucl,
        lcl,
        violations: &marks,
        spread,
    })
}

/// Draw the OC curve of the sampling plan a lot's latest decision used for a characteristic, with the lot's observed fraction nonconforming marked.
///
/// The plan is the decision's `applied` plan (n, Ac) for the lot size N, under the
/// hypergeometric model (a finite lot); the marked point is the sample's defectives over
/// units inspected and Pa there, in `data-p` and `data-pa`. A lot not decided yet, or a
/// characteristic inspected in full (no sampling plan), is answered 404.
#[utoipa::path(
    tag = "sampling",
    params(
        ("lot_id" = LotId, Path, description = "Id of the lot"),
        ("characteristic_id" = CharacteristicId, Path, description = "Id of a characteristic of the lot's part"),
    ),
    responses(
        (status = 200, description = "The OC curve, an `<svg role=\"img\">` with a `<title>`",
            content_type = "image/svg+xml", body = String, example = json!(SVG_EXAMPLE)),
        (status = 404, response = responses::NotFound),
        (status = 503, response = responses::Unavailable),
    )
)]
#[get("/lots/{lot_id}/charts/{characteristic_id}/oc-curve")]
pub async fn get_lot_oc_curve(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(LotId, CharacteristicId)>,
) -> Result<HttpResponse, ApiError> {
    let (lot_id, characteristic_id) = path.into_inner();
    let draw = move |(lot_size, decision)| {
        let oc = service::operating_characteristic(lot_size, decision)?;
        let plan = &oc.decision.applied;
        let title = format!(
            "{}: OC curve of n = {}, Ac = {} (N = {})",
            oc.decision.name, plan.sample_size, plan.acceptance_number, oc.lot_size
        );
        let curve: Vec<(f64, f64)> = oc
            .curve
            .iter()
            .map(|p| (p.fraction_defective, p.probability_of_acceptance))
            .collect();
        Ok(oc_curve(&OcInput {
            title: &title,
            curve: &curve,
            marked: oc.observed,
            aql: oc.decision.plan.as_ref().map(|p| p.aql / 100.0),
        }))
    };
    let body = db_then(
        &state,
        move |conn| {
            Ok(service::decided_characteristic(
                conn,
                &caller.0,
                lot_id,
                characteristic_id,
            )?)
        },
        draw,
    )
    .await?;
    Ok(svg(body))
}
