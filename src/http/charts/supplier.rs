//! A supplier's months as a chart.

use actix_web::{HttpResponse, get, web};
use lotgate_charts::{Month, MonthlyInput, monthly};

use super::svg;
use crate::domain::SupplierId;
use crate::http::access::Caller;
use crate::http::error::{ApiError, responses};
use crate::http::extract::QueryParams;
use crate::http::scorecard::ScorecardParams;
use crate::http::{AppState, db};
use crate::service::scorecard::{self as service, ScorecardQuery};

/// Draw a supplier's scorecard month by month: lots accepted on original inspection (bars, %) and nonconforming units in ppm (line).
///
/// The months and figures are those of `get_supplier_scorecard` with the same
/// parameters; each bar carries `data-rate`, each point `data-ppm`.
#[utoipa::path(
    tag = "suppliers",
    params(("supplier_id" = SupplierId, Path, description = "Id of the supplier"), ScorecardParams),
    responses(
        (status = 200, description = "The chart, an `<svg role=\"img\">` with a `<title>`",
            content_type = "image/svg+xml", body = String,
            example = json!("<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" viewBox=\"0 0 720 400\"><title>Acme: lots accepted and ppm by month</title>…</svg>")),
        (status = 404, response = responses::NotFound),
        (status = 422, response = responses::Unprocessable),
        (status = 503, response = responses::Unavailable),
    )
)]
#[get("/suppliers/{supplier_id}/charts/scorecard")]
pub async fn get_supplier_scorecard_chart(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<SupplierId>,
    query: QueryParams<ScorecardParams>,
) -> Result<HttpResponse, ApiError> {
    let (supplier, q) = (path.into_inner(), query.0);
    let query = ScorecardQuery {
        part_id: q.part_id,
        from: q.from,
        to: q.to,
    };
    let card = db(&state, move |conn| {
        Ok(service::get(conn, &caller.0, supplier, query)?)
    })
    .await?;
    let months: Vec<Month> = card
        .by_month
        .iter()
        .map(|m| Month {
            month: m.month.to_string(),
            acceptance_rate: m.figures.acceptance_rate(),
            ppm: m.figures.ppm().map(|p| p.estimate),
        })
        .collect();
    Ok(svg(monthly(&MonthlyInput {
        title: "Lots accepted and nonconforming ppm by month",
        months: &months,
    })))
}
