//! The bulk path of inspections: a CSV import and a CSV export of a lot's measurements.
//! The CSV formats are the service's ([`crate::service::inspections`]); here are the
//! endpoints, the body limit and the import's query parameters.

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::IntoParams;

use super::view::InspectionView;
use crate::domain::{InspectionId, LotId, Mode, ResubmissionId, Source};
use crate::http::access::Caller;
use crate::http::error::{ApiError, responses};
use crate::http::extract::QueryParams;
use crate::http::{AppState, dates, db};
use crate::service::inspections::{self as service, ImportHeader};

/// Largest CSV accepted by the bulk import (about 400,000 measurements).
pub const CSV_LIMIT: usize = 32 * 1024 * 1024;

/// Import an inspection from a CSV export: one row per unit, one column per variable
/// characteristic.
///
/// The header is `unit,serial,` then one column per characteristic of the lot's part,
/// named by its name or id; an empty cell is a value not measured. The inspection's
/// id, source, mode, inspector and time come as query parameters. Errors name the CSV
/// line and column. Stored in one transaction; importing the same file with the same
/// id again returns the stored inspection. A token bound to a supplier imports only
/// into that supplier's lots (another supplier's lot is answered 404) and cannot import
/// `source=in_house` (a 422 naming `source`). With `resubmission_id` the file is the
/// inspection of a resubmission (ISO 2859-1 7.6), as with `record_inspection`.
#[utoipa::path(
    tag = "inspections",
    params(("lot_id" = LotId, Path, description = "Id of the inspected lot"), ImportMeta),
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
    query: QueryParams<ImportMeta>,
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
    let header = ImportHeader::from(meta);
    let recorded = db(&state, move |conn| {
        Ok(service::import_csv(
            conn,
            &caller.0,
            max_results,
            lot_id,
            header,
            &body,
        )?)
    })
    .await?;
    Ok(super::recorded_response(recorded))
}

/// The inspection the CSV records (the rows carry only units and values).
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ImportMeta {
    /// Client-generated id of the inspection: importing the same file again with the
    /// same id returns the stored inspection.
    pub id: InspectionId,
    /// Who inspected.
    pub source: Source,
    /// `sampling` or `full`.
    pub mode: Mode,
    /// Name or badge of the inspector (1-100 characters).
    #[param(
        min_length = 1,
        max_length = 100,
        pattern = r"[^\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
    )]
    pub inspector: String,
    /// When the inspection was carried out (RFC 3339): from 2000-01-01 to a day ahead of
    /// the server's clock.
    #[serde(deserialize_with = "dates::timestamp")]
    pub inspected_at: DateTime<Utc>,
    /// The resubmission (ISO 2859-1 7.6, `resubmit_lot`) this sampling inspection
    /// inspects, with the same rules as `resubmission_id` of `record_inspection`: one
    /// inspection per resubmission, of its lot, in sampling mode.
    #[serde(default)]
    pub resubmission_id: Option<ResubmissionId>,
}

impl From<ImportMeta> for ImportHeader {
    fn from(meta: ImportMeta) -> Self {
        ImportHeader {
            id: meta.id,
            source: meta.source,
            mode: meta.mode,
            inspector: meta.inspector,
            inspected_at: meta.inspected_at,
            resubmission_id: meta.resubmission_id,
        }
    }
}

/// Export every measurement of a lot as CSV, one row per measured value, corrections
/// and superseded inspections included (column `current`).
///
/// A token bound to a supplier exports only that supplier's lots; another supplier's
/// lot is answered 404.
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
    caller: Caller,
    path: web::Path<LotId>,
) -> Result<HttpResponse, ApiError> {
    let lot_id = path.into_inner();
    let csv_bytes = db(&state, move |conn| {
        Ok(service::export_measurements_csv(conn, &caller.0, lot_id)?)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .body(csv_bytes))
}
