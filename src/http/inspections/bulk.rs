//! The bulk path of inspections: a CSV import and a CSV export of a lot's measurements.
//! The CSV formats are the service's ([`crate::service::inspections`]); here are the
//! endpoints, the body limit and the import's query parameters.

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::view::InspectionView;
use crate::domain::{InspectionId, LotId, Mode, ResubmissionId, Source};
use crate::http::access::Caller;
use crate::http::error::{ApiError, responses};
use crate::http::extract::QueryParams;
use crate::http::{AppState, dates, db};
use crate::service::inspections::{self as service, ImportHeader};

/// Largest CSV accepted by the bulk import (about 400,000 measurements).
pub const CSV_LIMIT: usize = 32 * 1024 * 1024;

/// Import an inspection from a CSV file: one row per unit, one column per characteristic,
/// the format `export_lot_measurements` writes.
///
/// The header is `unit,serial,` then one column per characteristic of the lot's part,
/// named by its name or id. A variable characteristic's cell is the measured value; an
/// attribute characteristic's is `pass` or `fail`, and three optional columns named after
/// it complete the result: `<name> defects` (the count), `<name> defect_codes` (codes of
/// the part's catalogue, separated by spaces) and `<name> note`. An empty cell is a
/// value not recorded. The inspection's id, source, mode, inspector and time come as
/// query parameters. The file is the body (`text/csv`) or the `file` part of a
/// `multipart/form-data` form. Errors name the CSV line and column. Stored in one
/// transaction; importing the same file with the same id again returns the stored
/// inspection. A token bound to a supplier imports only into that supplier's lots
/// (another supplier's lot is answered 404) and cannot import `source=in_house` (a 422
/// naming `source`). With `resubmission_id` the file is the inspection of a resubmission
/// (ISO 2859-1 7.6), as with `record_inspection`.
#[utoipa::path(
    tag = "inspections",
    params(("lot_id" = LotId, Path, description = "Id of the inspected lot"), ImportMeta),
    request_body(
        description = "unit,serial,<characteristic>... with one row per unit, as the body or as the `file` part of a form",
        content(
            (ImportForm = "multipart/form-data"),
            (String = "text/csv",
                example = "unit,serial,Width,Scratches,Scratches defects,Scratches defect_codes,Scratches note\n1,B-0001,12.02,pass,,,\n2,B-0002,11.97,fail,2,scratch flash,lid\n"),
        )),
    responses(
        (status = 201, description = "The inspection was imported", body = InspectionView),
        (status = 200, description = "The same import again: nothing new was stored", body = InspectionView),
        (status = 400, response = responses::BadRequest),
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
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let (lot_id, meta) = (path.into_inner(), query.0);
    let content_type = request
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .trim_start()
        .to_ascii_lowercase();
    let declared = request
        .headers()
        .get("content-length")
        .and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
    if declared.is_some_and(|n| n > CSV_LIMIT) {
        return Err(ApiError::too_large(CSV_LIMIT));
    }
    let body = if content_type.starts_with("text/csv") {
        read_bounded(payload).await?
    } else if content_type.starts_with("multipart/form-data") {
        let form = actix_multipart::Multipart::new(request.headers(), payload);
        read_file_part(form).await?
    } else {
        return Err(ApiError::unsupported_media_type(
            "the body must be CSV (Content-Type: text/csv) or a multipart/form-data form \
             with a `file` part",
        ));
    };
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

/// The CSV import as a form (`multipart/form-data`): one `file` part, nothing else.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
#[schema(example = json!({"file": "unit,serial,Width,Scratches,Scratches defects,Scratches defect_codes,Scratches note\n1,B-0001,12.02,pass,0,,\n"}))]
pub struct ImportForm {
    /// The CSV file, as `export_lot_measurements` writes it (at most 32 MiB).
    #[schema(
        value_type = String,
        format = Binary,
        content_media_type = "text/csv",
        min_length = 1
    )]
    pub file: Vec<u8>,
}

/// Reads a raw body of at most [`CSV_LIMIT`] bytes.
async fn read_bounded(mut payload: web::Payload) -> Result<web::BytesMut, ApiError> {
    use futures_util::StreamExt;
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk
            .map_err(|e| ApiError::malformed(format!("the body could not be read: {e}"), None))?;
        if body.len() + chunk.len() > CSV_LIMIT {
            return Err(ApiError::too_large(CSV_LIMIT));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Reads the one `file` part of an import form, of at most [`CSV_LIMIT`] bytes.
async fn read_file_part(mut form: actix_multipart::Multipart) -> Result<web::BytesMut, ApiError> {
    use futures_util::StreamExt;
    let mut file: Option<web::BytesMut> = None;
    while let Some(field) = form.next().await {
        let mut field = field.map_err(form_error)?;
        let name = field.name().unwrap_or_default().to_string();
        if name != "file" {
            return Err(ApiError::invalid_field(
                name,
                "unknown form part; send the CSV as `file`",
            ));
        }
        if file.is_some() {
            return Err(ApiError::invalid_field("file", "must appear once"));
        }
        let mut body = web::BytesMut::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(form_error)?;
            if body.len() + chunk.len() > CSV_LIMIT {
                return Err(ApiError::too_large(CSV_LIMIT));
            }
            body.extend_from_slice(&chunk);
        }
        file = Some(body);
    }
    file.ok_or_else(|| ApiError::invalid_field("file", "the form has no `file` part"))
}

fn form_error(err: actix_multipart::MultipartError) -> ApiError {
    use actix_multipart::MultipartError::*;
    match err {
        ContentTypeMissing | ContentTypeParse | ContentTypeIncompatible | BoundaryMissing => {
            ApiError::unsupported_media_type(
                "send the CSV as multipart/form-data with a `file` part, or as text/csv",
            )
        }
        other => ApiError::malformed(format!("the form could not be read: {other}"), None),
    }
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

/// The format of `export_lot_measurements`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    /// One inspection, one row per unit and a column per characteristic: the format
    /// `import_inspection_csv` reads.
    #[default]
    Units,
    /// Every measurement of the lot, one row per measured value, corrections and
    /// superseded inspections included.
    Long,
}

/// What `export_lot_measurements` writes.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ExportQuery {
    /// `units` (default): one inspection as one row per unit, the import's format.
    /// `long`: every measured value of the lot, one per row.
    #[param(inline)]
    pub format: Option<ExportFormat>,
    /// With `format=units`: the inspection of the lot to export. When omitted, the lot's
    /// one current (not superseded) inspection; a lot without one gives the header
    /// alone, a lot with several is answered 409 naming `inspection_id`.
    pub inspection_id: Option<InspectionId>,
}

/// Export a lot's inspection as CSV: one row per unit and a column per characteristic,
/// the format `import_inspection_csv` reads; or, with `format=long`, every measurement
/// of the lot, one row per measured value.
///
/// `format=units` (the default) writes `unit,serial,` then a column per characteristic
/// of the part: a measured value, or an attribute result `pass`/`fail` followed by its
/// `<name> defects`, `<name> defect_codes` and `<name> note` columns. Imported into
/// another lot of the part, it records every value again. `format=long` writes
/// `inspection_id,inspected_at,source,mode,current,unit,serial,characteristic_id,characteristic,value`,
/// corrections and superseded inspections included (column `current`).
///
/// A token bound to a supplier exports only that supplier's lots; another supplier's
/// lot is answered 404.
#[utoipa::path(
    tag = "inspections",
    params(("lot_id" = LotId, Path, description = "Id of the lot"), ExportQuery),
    responses(
        (status = 200, description = "The CSV file",
            content_type = "text/csv", body = String,
            example = "unit,serial,Width,Scratches,Scratches defects,Scratches defect_codes,Scratches note\n1,B-0001,12.02,pass,0,,\n2,B-0002,11.97,fail,2,scratch flash,lid\n"),
        (status = 404, response = responses::NotFound),
        (status = 409, response = responses::Conflict),
        (status = 422, response = responses::Unprocessable),
        (status = 503, response = responses::Unavailable),
    )
)]
#[get("/lots/{lot_id}/measurements.csv")]
pub async fn export_lot_measurements(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<LotId>,
    query: QueryParams<ExportQuery>,
) -> Result<HttpResponse, ApiError> {
    let lot_id = path.into_inner();
    let ExportQuery {
        format,
        inspection_id,
    } = query.0;
    let format = format.unwrap_or_default();
    if format == ExportFormat::Long && inspection_id.is_some() {
        return Err(ApiError::invalid_field(
            "inspection_id",
            "the long format exports every inspection of the lot; leave inspection_id out",
        ));
    }
    let csv_bytes = db(&state, move |conn| {
        Ok(match format {
            ExportFormat::Units => {
                service::export_units_csv(conn, &caller.0, lot_id, inspection_id)?
            }
            ExportFormat::Long => service::export_measurements_csv(conn, &caller.0, lot_id)?,
        })
    })
    .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .body(csv_bytes))
}
