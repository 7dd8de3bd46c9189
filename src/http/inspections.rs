//! Inspections of a lot, recorded unit by unit. Append-only: a correction is a new
//! inspection naming the one it supersedes.

use crate::service::Found;
use std::collections::HashMap;

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use super::access::Caller;
use super::error::{ApiError, responses};
use super::extract::{JsonBody, QueryParams};
use super::pagination::{Page, PageParams};
use super::{AppState, db};
use crate::auth::Principal;
use crate::db::golden_samples as golden_db;
use crate::db::inspections::{self as inspections_db, InspectionRows};
use crate::db::models::{self, AttributeResultRow, InspectionUnit, MeasurementRow};
use crate::db::{characteristics as chars_db, lots as lots_db};
use crate::domain::{
    CharacteristicId, GoldenSampleRevisionId, InspectionId, Kind, LotId, Mode, RevisionStatus,
    Source,
};
use crate::service::audit;

mod bulk;
mod check;

pub use check::DEFAULT_MAX_RESULTS;
pub mod import;
mod view;

pub use bulk::{CSV_LIMIT, export_lot_measurements, import_csv, import_inspection_csv};

pub use view::{AttributeView, InspectionSummary, InspectionView, MeasurementView, UnitView};

/// An inspection to record. Sending the same body with the same `id` again (a retry
/// after a lost response) returns the stored inspection; the same `id` with a different
/// body is refused with 409.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "id": "3f1c2b4a-5d6e-4f70-8a9b-0c1d2e3f4a5b", "source": "factory", "mode": "sampling",
    "inspector": "kim", "inspected_at": "2026-11-20T09:15:00Z",
    "units": [{"unit": 1, "serial": "B-0001",
        "measurements": [{"characteristic_id": "6b7c8d9e-0f1a-4b2c-8d3e-4f5a6b7c8d9e", "value": 12.31}],
        "attributes": [{"characteristic_id": "9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b", "pass": false, "defects": 1, "note": "scratch"}]}]
}))]
pub struct RecordInspection {
    /// Client-generated id of this inspection (UUID): makes a retry harmless.
    pub id: InspectionId,
    /// Who inspected: the factory's QC or in-house inspection.
    pub source: Source,
    /// `sampling` (n units drawn at random) or `full` (every unit).
    pub mode: Mode,
    /// Name or badge of the inspector (1-100 characters).
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = r"[^\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
    )]
    pub inspector: String,
    /// When the inspection was carried out (RFC 3339).
    pub inspected_at: DateTime<Utc>,
    /// The golden-sample revision the units were judged against, when not the default:
    /// a revision (approved, superseded or retired, never a draft) of a golden sample of
    /// the lot's part. When omitted, the revision of the part's golden sample that was
    /// approved at `inspected_at`, if any.
    pub golden_sample_revision_id: Option<GoldenSampleRevisionId>,
    /// The inspected units, each with its measurements and attribute results (1 to
    /// 10,000 units; at most `--max-results` results in all, 200,000 by default).
    #[schema(min_items = 1, max_items = 10_000)]
    pub units: Vec<UnitInput>,
}

/// One inspected unit.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnitInput {
    /// Position of the unit in the sample, from 1; unique within the inspection and at
    /// most the lot size.
    #[schema(minimum = 1)]
    pub unit: i64,
    /// Serial number of the unit, when it has one (at most 64 characters).
    #[schema(max_length = 64)]
    pub serial: Option<String>,
    /// Measured values of the part's variable characteristics.
    #[serde(default)]
    pub measurements: Vec<MeasurementInput>,
    /// Results of the part's attribute characteristics.
    #[serde(default)]
    pub attributes: Vec<AttributeInput>,
}

/// A measured value of a variable characteristic.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeasurementInput {
    /// A variable characteristic of the lot's part.
    pub characteristic_id: CharacteristicId,
    /// The measured value, in the characteristic's unit; a finite number.
    pub value: f64,
}

/// The result of an attribute characteristic on one unit.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttributeInput {
    /// An attribute characteristic of the lot's part.
    pub characteristic_id: CharacteristicId,
    /// Whether the unit passed this check.
    pub pass: bool,
    /// Number of defects found on the unit: 0 when it passed; 1 when omitted for a failed unit.
    #[schema(minimum = 0, maximum = 2_147_483_647)]
    pub defects: Option<i64>,
    /// What was seen, e.g. `scratch on the lid` (at most 500 characters).
    #[schema(max_length = 500)]
    pub note: Option<String>,
}

/// A corrected inspection that replaces a recorded one (which stays stored, marked as
/// superseded). Corrections are a reviewer's; the inspection itself has the same fields
/// as a new one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CorrectInspection {
    /// Why the earlier inspection is replaced (1-1000 characters).
    #[schema(
        min_length = 1,
        max_length = 1000,
        pattern = r"[^\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
    )]
    pub reason: String,
    /// The corrected inspection, of the same lot; its `id` is new.
    pub inspection: RecordInspection,
}

/// What a correction replaces, and why.
#[derive(Debug, Serialize)]
pub struct Correction {
    pub supersedes: InspectionId,
    pub reason: String,
}

/// Record an inspection of a lot, unit by unit, in one transaction.
#[utoipa::path(
    tag = "inspections",
    params(("lot_id" = LotId, Path, description = "Id of the inspected lot")),
    request_body = RecordInspection,
    responses(
        (status = 201, description = "The inspection was recorded", body = InspectionView),
        (status = 200, description = "A retry of an inspection already recorded with this id and body: nothing new was stored", body = InspectionView),
        (status = 400, response = responses::BadRequest),
        (status = 404, response = responses::NotFound),
        (status = 409, response = responses::Conflict),
        (status = 413, response = responses::PayloadTooLarge),
        (status = 415, response = responses::UnsupportedMediaType),
        (status = 422, response = responses::Unprocessable),
        (status = 503, response = responses::Unavailable),
    )
)]
#[post("/lots/{lot_id}/inspections")]
pub async fn record_inspection(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<LotId>,
    body: JsonBody<RecordInspection>,
) -> Result<HttpResponse, ApiError> {
    let (lot_id, req) = (path.into_inner(), body.0);
    check::shape(&req, Utc::now(), state.max_results)?;
    let fingerprint = fingerprint(lot_id, &req, None);
    let (view, created) = db(&state, move |conn| {
        conn.build_transaction()
            .run(|conn| store(conn, &caller.0, lot_id, &req, None, &fingerprint))
    })
    .await?;
    recorded(view, created)
}

/// Record a correction: a new inspection of the same lot that supersedes a recorded one.
#[utoipa::path(
    tag = "inspections",
    params(("inspection_id" = InspectionId, Path, description = "Id of the inspection to correct")),
    request_body = CorrectInspection,
    responses(
        (status = 201, description = "The correction was recorded", body = InspectionView),
        (status = 200, description = "A retry of a correction already recorded with this id and body", body = InspectionView),
        (status = 400, response = responses::BadRequest),
        (status = 404, response = responses::NotFound),
        (status = 409, response = responses::Conflict),
        (status = 413, response = responses::PayloadTooLarge),
        (status = 415, response = responses::UnsupportedMediaType),
        (status = 422, response = responses::Unprocessable),
        (status = 503, response = responses::Unavailable),
    )
)]
#[post("/inspections/{inspection_id}/corrections")]
pub async fn correct_inspection(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<InspectionId>,
    body: JsonBody<CorrectInspection>,
) -> Result<HttpResponse, ApiError> {
    let (old, body) = (path.into_inner(), body.0);
    let req = body.inspection;
    let mut checks = crate::service::Checks::new();
    checks.text("reason", &body.reason, 1000);
    if req.id == old {
        checks.add("inspection.id", "a correction needs an id of its own");
    }
    checks.finish()?;
    check::shape(&req, Utc::now(), state.max_results)
        .map_err(|e| e.map_fields(|f| format!("inspection.{f}")))?;
    let correction = Correction {
        supersedes: old,
        reason: body.reason.trim().to_string(),
    };
    let (view, created) = db(&state, move |conn| {
        conn.build_transaction().run(|conn| {
            let lot_id = inspections_db::get(conn, old)
                .or_not_found("inspection", old)?
                .lot_id;
            let fingerprint = fingerprint(lot_id, &req, Some(&correction));
            store(
                conn,
                &caller.0,
                lot_id,
                &req,
                Some(&correction),
                &fingerprint,
            )
            .map_err(|e| {
                e.map_fields(|f| match f {
                    "inspection_id" => f.to_string(),
                    _ => format!("inspection.{f}"),
                })
            })
        })
    })
    .await?;
    recorded(view, created)
}

fn recorded(view: InspectionView, created: bool) -> Result<HttpResponse, ApiError> {
    let mut res = if created {
        HttpResponse::Created()
    } else {
        HttpResponse::Ok()
    };
    Ok(res
        .insert_header(("Location", format!("/api/v1/inspections/{}", view.id)))
        .json(view))
}

/// Checks the request against the lot and its part, then stores it unless an inspection
/// with its id exists (a retry: returned as stored, or refused if the body differs).
fn store(
    conn: &mut diesel::PgConnection,
    by: &Principal,
    lot_id: LotId,
    req: &RecordInspection,
    correction: Option<&Correction>,
    fingerprint: &str,
) -> Result<(InspectionView, bool), ApiError> {
    let lot = lots_db::get(conn, lot_id).or_not_found("lot", lot_id)?;
    let kinds: HashMap<CharacteristicId, Kind> = chars_db::of_part(conn, lot.part_id)?
        .into_iter()
        .map(|c| (c.id, c.kind))
        .collect();
    check::against_lot(conn, req, &lot, &kinds)?;
    let golden_sample_revision_id = judged_against(conn, req, &lot)?;
    let rows = rows_of(req);
    let new = models::NewInspection {
        id: req.id,
        lot_id,
        source: req.source,
        mode: req.mode,
        inspector: req.inspector.trim(),
        inspected_at: req.inspected_at,
        supersedes: correction.map(|c| c.supersedes),
        reason: correction.map(|c| c.reason.as_str()),
        body_sha256: fingerprint,
        golden_sample_revision_id,
    };
    match inspections_db::insert_new(conn, &new, &rows)? {
        Some(stored) => {
            let view = view::inspection(stored, rows, None);
            let (action, reason) = match correction {
                Some(c) => ("correct", Some(c.reason.as_str())),
                None => ("record", None),
            };
            let summary = view::AuditSummary::of(&view, fingerprint);
            audit::write(
                conn,
                by,
                audit::Entry {
                    action,
                    entity: "inspection",
                    id: view.id.to_string(),
                    old: None,
                    reason,
                },
                &summary,
            )?;
            Ok((view, true))
        }
        // An inspection with this id is stored already (a retry, or a concurrent twin):
        // INSERT ... ON CONFLICT (id) DO NOTHING wrote nothing, so answer with it.
        None => {
            let existing = inspections_db::get(conn, req.id)?;
            replay(conn, existing, fingerprint)
        }
    }
}

/// The golden-sample revision the inspection was judged against: the one named in the
/// request, checked against the lot's part, or the one approved at `inspected_at`.
fn judged_against(
    conn: &mut diesel::PgConnection,
    req: &RecordInspection,
    lot: &models::Lot,
) -> Result<Option<GoldenSampleRevisionId>, ApiError> {
    const FIELD: &str = "golden_sample_revision_id";
    let Some(id) = req.golden_sample_revision_id else {
        return Ok(golden_db::approved_at(conn, lot.part_id, req.inspected_at)?);
    };
    let (revision, part) =
        golden_db::revision_by_id(conn, id).or_unknown(FIELD, "golden-sample revision", id)?;
    if part != lot.part_id {
        return Err(ApiError::invalid_field(
            FIELD,
            "the revision belongs to a golden sample of another part than the lot's",
        ));
    }
    if revision.status == RevisionStatus::Draft {
        return Err(ApiError::invalid_field(
            FIELD,
            "a draft revision is not a reference yet; approve it first",
        ));
    }
    Ok(Some(id))
}

fn replay(
    conn: &mut diesel::PgConnection,
    existing: models::Inspection,
    fingerprint: &str,
) -> Result<(InspectionView, bool), ApiError> {
    if existing.body_sha256 != fingerprint {
        return Err(ApiError::conflict(
            Some("id"),
            "an inspection with this id is already recorded with a different body; use a new id, or supersede it with a correction",
        ));
    }
    let rows = inspections_db::rows(conn, existing.id)?;
    let later = inspections_db::superseded_by(conn, &[existing.id])?;
    let superseded_by = later.get(&existing.id).copied();
    Ok((view::inspection(existing, rows, superseded_by), false))
}

/// The rows to insert; defects default to 1 for a failed unit and 0 for a passed one.
fn rows_of(req: &RecordInspection) -> InspectionRows {
    let mut rows = InspectionRows::default();
    for u in &req.units {
        let unit_index = u.unit as i32;
        rows.units.push(InspectionUnit {
            inspection_id: req.id,
            unit_index,
            serial: u.serial.clone(),
        });
        rows.measurements
            .extend(u.measurements.iter().map(|m| MeasurementRow {
                inspection_id: req.id,
                unit_index,
                characteristic_id: m.characteristic_id,
                value: m.value,
            }));
        rows.attributes
            .extend(u.attributes.iter().map(|a| AttributeResultRow {
                inspection_id: req.id,
                unit_index,
                characteristic_id: a.characteristic_id,
                pass: a.pass,
                defects: a.defects.unwrap_or(if a.pass { 0 } else { 1 }) as i32,
                note: a.note.clone(),
            }));
    }
    rows
}

/// SHA-256 of the lot and the parsed body: the same request in any JSON formatting has
/// the same fingerprint.
fn fingerprint(lot_id: LotId, req: &RecordInspection, correction: Option<&Correction>) -> String {
    let canonical = match correction {
        None => serde_json::to_vec(&(lot_id, req)),
        Some(c) => serde_json::to_vec(&(lot_id, req, c)),
    }
    .unwrap_or_default();
    Sha256::digest(&canonical)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Read an inspection with every unit, measurement and attribute result.
#[utoipa::path(
    tag = "inspections",
    params(("inspection_id" = InspectionId, Path, description = "Id of the inspection")),
    responses(
        (status = 200, description = "The inspection", body = InspectionView),
        (status = 404, response = responses::NotFound),
        (status = 503, response = responses::Unavailable),
    )
)]
#[get("/inspections/{inspection_id}")]
pub async fn get_inspection(
    state: web::Data<AppState>,
    path: web::Path<InspectionId>,
) -> Result<web::Json<InspectionView>, ApiError> {
    let id = path.into_inner();
    let view = db(&state, move |conn| {
        let inspection = inspections_db::get(conn, id).or_not_found("inspection", id)?;
        let rows = inspections_db::rows(conn, id)?;
        let superseded_by = inspections_db::superseded_by(conn, &[id])?
            .get(&id)
            .copied();
        Ok(view::inspection(inspection, rows, superseded_by))
    })
    .await?;
    Ok(web::Json(view))
}

/// List the inspections of a lot in the order they were carried out, corrections included.
#[utoipa::path(
    tag = "inspections",
    params(("lot_id" = LotId, Path, description = "Id of the lot"), PageParams),
    responses(
        (status = 200, description = "One page of the lot's inspections", body = Page<InspectionSummary>),
        (status = 404, response = responses::NotFound),
        (status = 422, response = responses::Unprocessable),
        (status = 503, response = responses::Unavailable),
    )
)]
#[get("/lots/{lot_id}/inspections")]
pub async fn list_lot_inspections(
    state: web::Data<AppState>,
    path: web::Path<LotId>,
    query: QueryParams<PageParams>,
) -> Result<web::Json<Page<InspectionSummary>>, ApiError> {
    let lot_id = path.into_inner();
    let (limit, after) = (query.0.limit()?, query.0.after()?);
    let (rows, counts, later) = db(&state, move |conn| {
        lots_db::get(conn, lot_id).or_not_found("lot", lot_id)?;
        let rows = inspections_db::list_for_lot(conn, lot_id, after, limit + 1)?;
        let ids: Vec<InspectionId> = rows.iter().map(|r| r.id).collect();
        Ok((
            rows,
            inspections_db::unit_counts(conn, &ids)?,
            inspections_db::superseded_by(conn, &ids)?,
        ))
    })
    .await?;
    Ok(web::Json(Page::from_rows(
        rows,
        limit,
        |i| (i.inspected_at, i.id.0),
        |i| {
            let units = counts.get(&i.id).copied().unwrap_or(0);
            let superseded_by = later.get(&i.id).copied();
            view::summary(i, units, superseded_by)
        },
    )))
}
