//! The bulk path of inspections: a CSV import (endpoint, and `import_csv` for the CLI)
//! and a CSV export of a lot's measurements.

use crate::service::Found;
use std::collections::HashMap;

use actix_web::{HttpResponse, get, post, web};
use chrono::Utc;

use super::view::InspectionView;
use super::{check, fingerprint, import, store};
use crate::auth::Principal;
use crate::db::inspections as inspections_db;
use crate::db::{characteristics as chars_db, lots as lots_db};
use crate::domain::{CharacteristicId, InspectionId, LotId};
use crate::http::access::Caller;
use crate::http::error::{ApiError, responses};
use crate::http::extract::QueryParams;
use crate::http::{AppState, db};

/// Largest CSV accepted by the bulk import (about 400,000 measurements).
pub const CSV_LIMIT: usize = 32 * 1024 * 1024;

/// Import an inspection from a CSV export: one row per unit, one column per variable
/// characteristic.
///
/// The header is `unit,serial,` then one column per characteristic of the lot's part,
/// named by its name or id; an empty cell is a value not measured. The inspection's
/// id, source, mode, inspector and time come as query parameters. Errors name the CSV
/// line and column. Stored in one transaction; importing the same file with the same
/// id again returns the stored inspection.
#[utoipa::path(
    tag = "inspections",
    params(("lot_id" = LotId, Path, description = "Id of the inspected lot"), import::ImportMeta),
    request_body(content = String, content_type = "text/csv",
        description = "unit,serial,<characteristic>... with one row per unit",
        example = "unit,serial,Width,Weight\n1,B-0001,12.02,2.41\n2,B-0002,11.97,\n"),
    responses(
        (status = 201, description = "The inspection was imported", body = InspectionView),
        (status = 200, description = "The same import again: nothing new was stored", body = InspectionView),
        (status = 404, response = responses::NotFound),
        (status = 409, response = responses::Conflict),
        (status = 413, response = responses::PayloadTooLarge),
        (status = 415, response = responses::UnsupportedMediaType),
        (status = 422, response = responses::Unprocessable),
        (status = 503, response = responses::Unavailable),
    )
)]
#[post("/lots/{lot_id}/inspections/import")]
pub async fn import_inspection_csv(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<LotId>,
    query: QueryParams<import::ImportMeta>,
    request: actix_web::HttpRequest,
    mut payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    use futures_util::StreamExt;
    let (lot_id, meta) = (path.into_inner(), query.0);
    let content_type = request
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !content_type
        .trim_start()
        .to_ascii_lowercase()
        .starts_with("text/csv")
    {
        return Err(ApiError::unsupported_media_type(
            "the body must be CSV with Content-Type: text/csv",
        ));
    }
    let declared = request
        .headers()
        .get("content-length")
        .and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
    if declared.is_some_and(|n| n > CSV_LIMIT) {
        return Err(ApiError::too_large(CSV_LIMIT));
    }
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk
            .map_err(|e| ApiError::malformed(format!("the body could not be read: {e}"), None))?;
        if body.len() + chunk.len() > CSV_LIMIT {
            return Err(ApiError::too_large(CSV_LIMIT));
        }
        body.extend_from_slice(&chunk);
    }
    let max_results = state.max_results;
    let (view, created) = db(&state, move |conn| {
        import_csv(conn, &caller.0, max_results, lot_id, meta, &body)
    })
    .await?;
    let mut res = if created {
        HttpResponse::Created()
    } else {
        HttpResponse::Ok()
    };
    Ok(res
        .insert_header(("Location", format!("/api/v1/inspections/{}", view.id)))
        .json(view))
}

/// Parses, checks and stores a CSV import in one transaction (also used by the CLI).
pub fn import_csv(
    conn: &mut diesel::PgConnection,
    by: &Principal,
    max_results: usize,
    lot_id: LotId,
    meta: import::ImportMeta,
    csv_bytes: &[u8],
) -> Result<(InspectionView, bool), ApiError> {
    conn.build_transaction().run(|conn| {
        let lot = lots_db::get(conn, lot_id).or_not_found("lot", lot_id)?;
        let characteristics = chars_db::of_part(conn, lot.part_id)?;
        let req = import::parse(meta, csv_bytes, &characteristics)?;
        check::shape(&req, Utc::now(), max_results).map_err(import::name_lines)?;
        let fingerprint = fingerprint(lot_id, &req, None);
        store(conn, by, lot_id, &req, None, &fingerprint).map_err(import::name_lines)
    })
}

/// Export every measurement of a lot as CSV, one row per measured value, corrections
/// and superseded inspections included (column `current`).
#[utoipa::path(
    tag = "inspections",
    params(("lot_id" = LotId, Path, description = "Id of the lot")),
    responses(
        (status = 200, description = "inspection_id,inspected_at,source,mode,current,unit,serial,characteristic_id,characteristic,value",
            content_type = "text/csv", body = String),
        (status = 404, response = responses::NotFound),
        (status = 503, response = responses::Unavailable),
    )
)]
#[get("/lots/{lot_id}/measurements.csv")]
pub async fn export_lot_measurements(
    state: web::Data<AppState>,
    path: web::Path<LotId>,
) -> Result<HttpResponse, ApiError> {
    let lot_id = path.into_inner();
    let csv_bytes = db(&state, move |conn| {
        let lot = lots_db::get(conn, lot_id).or_not_found("lot", lot_id)?;
        let names: HashMap<CharacteristicId, String> = chars_db::of_part(conn, lot.part_id)?
            .into_iter()
            .map(|c| (c.id, c.name))
            .collect();
        let all = inspections_db::list_for_lot(conn, lot_id, None, i64::MAX)?;
        let ids: Vec<InspectionId> = all.iter().map(|i| i.id).collect();
        let later = inspections_db::superseded_by(conn, &ids)?;
        let mut out = csv::Writer::from_writer(Vec::new());
        let header = [
            "inspection_id",
            "inspected_at",
            "source",
            "mode",
            "current",
            "unit",
            "serial",
            "characteristic_id",
            "characteristic",
            "value",
        ];
        out.write_record(header).map_err(ApiError::internal)?;
        for inspection in all {
            let rows = inspections_db::rows(conn, inspection.id)?;
            let serials: HashMap<i32, Option<String>> = rows
                .units
                .into_iter()
                .map(|u| (u.unit_index, u.serial))
                .collect();
            for m in rows.measurements {
                out.write_record([
                    inspection.id.to_string(),
                    inspection
                        .inspected_at
                        .to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
                    inspection.source.to_string(),
                    inspection.mode.to_string(),
                    (!later.contains_key(&inspection.id)).to_string(),
                    m.unit_index.to_string(),
                    serials
                        .get(&m.unit_index)
                        .cloned()
                        .flatten()
                        .unwrap_or_default(),
                    m.characteristic_id.to_string(),
                    names.get(&m.characteristic_id).cloned().unwrap_or_default(),
                    m.value.to_string(),
                ])
                .map_err(ApiError::internal)?;
            }
        }
        out.into_inner().map_err(ApiError::internal)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .body(csv_bytes))
}
