//! A characteristic's capability lot by lot, as a chart.

use actix_web::{HttpResponse, get, web};
use lotgate_charts::{TrendInput, TrendPoint, capability_trend};

use super::svg;
use crate::domain::{CharacteristicId, PartId};
use crate::http::access::Caller;
use crate::http::error::{ApiError, responses};
use crate::http::extract::QueryParams;
use crate::http::statistics::{CapabilityQuery, subgroup_param};
use crate::http::{AppState, db_then};
use crate::service::statistics::{self as service, LotRange};

/// Draw the capability of a variable characteristic lot by lot: Cpk and Ppk per lot in production order, against 1.33 and 1.0.
///
/// The lots and indices are those of `get_characteristic_capability` with the same
/// parameters; each point carries its exact index in `data-cpk` or `data-ppk`.
#[utoipa::path(
    tag = "statistics",
    params(
        ("part_id" = PartId, Path, description = "Id of the part"),
        ("characteristic_id" = CharacteristicId, Path, description = "Id of a variable characteristic of the part"),
        CapabilityQuery,
    ),
    responses(
        (status = 200, description = "The chart, an `<svg role=\"img\">` with a `<title>`",
            content_type = "image/svg+xml", body = String,
            example = json!("<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" viewBox=\"0 0 720 400\"><title>Width: capability by lot</title>…</svg>")),
        (status = 404, response = responses::NotFound),
        (status = 422, response = responses::Unprocessable),
        (status = 503, response = responses::Unavailable),
    )
)]
#[get("/parts/{part_id}/characteristics/{characteristic_id}/charts/capability")]
pub async fn get_capability_trend_chart(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(PartId, CharacteristicId)>,
    query: QueryParams<CapabilityQuery>,
) -> Result<HttpResponse, ApiError> {
    let (part_id, characteristic_id) = path.into_inner();
    let q = query.0;
    let subgroup = subgroup_param(q.subgroup_size)?;
    if let (Some(from), Some(to)) = (q.from, q.to)
        && from > to
    {
        return Err(ApiError::invalid_field("from", "must not be after `to`"));
    }
    let range = LotRange {
        from: q.from,
        to: q.to,
        supplier: q.supplier_id,
    };
    let draw = move |series| {
        let over_time = service::capability_over_time(series, subgroup)?;
        let points: Vec<TrendPoint> = over_time
            .lots
            .iter()
            .map(|(lot, report)| TrendPoint {
                lot: lot.lot_number.clone(),
                cpk: report.cpk,
                ppk: report.ppk,
            })
            .collect();
        let title = format!("{}: capability by lot", over_time.characteristic.name);
        Ok(capability_trend(&TrendInput {
            title: &title,
            points: &points,
        }))
    };
    let body = db_then(
        &state,
        move |conn| {
            Ok(service::characteristic_series(
                conn,
                &caller.0,
                part_id,
                characteristic_id,
                range,
            )?)
        },
        draw,
    )
    .await?;
    Ok(svg(body))
}
