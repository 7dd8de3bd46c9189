//! Inspections of a lot, recorded unit by unit. Append-only: a correction is a new
//! inspection naming the one it supersedes. The use cases are in
//! [`crate::service::inspections`]; here are the request and response types.

use crate::http::respond::created_or_ok;
use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::access::Caller;
use super::error::{ApiError, responses};
use super::extract::{JsonBody, QueryParams};
use super::pagination::{Page, PageParams};
use super::{AppState, dates, db};
use crate::domain::{
    CharacteristicId, GoldenSampleRevisionId, InspectionId, LotId, Mode, ResubmissionId, Source,
};
use crate::service::inspections::{
    self as service, NewAttribute, NewInspection, NewMeasurement, NewUnit,
};

mod bulk;
mod view;

pub use crate::service::inspections::DEFAULT_MAX_RESULTS;
pub use bulk::{CSV_LIMIT, ImportMeta, export_lot_measurements, import_inspection_csv};
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
        "attributes": [{"characteristic_id": "9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b", "pass": false, "defects": 1, "note": "scratch", "defect_codes": ["scratch"]}]}]
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
    /// When the inspection was carried out (RFC 3339): from 2000-01-01 to a day ahead of
    /// the server's clock.
    #[serde(deserialize_with = "dates::timestamp")]
    pub inspected_at: DateTime<Utc>,
    /// The golden-sample revision the units were judged against, when not the default:
    /// a revision (approved, superseded or retired, never a draft) of a golden sample of
    /// the lot's part. When omitted, the revision of the part's golden sample that was
    /// approved at `inspected_at`, if any.
    pub golden_sample_revision_id: Option<GoldenSampleRevisionId>,
    /// The resubmission (ISO 2859-1 7.6, `resubmit_lot`) this sampling inspection
    /// inspects: one inspection per resubmission, judged apart from the lot's original
    /// inspection and never counted in the switching rules. Without it, a sampling
    /// inspection that records a characteristic the lot's original sampling inspection
    /// already recorded is refused with 409: correct that inspection, or resubmit the lot.
    /// Not allowed in a correction, which stays with the resubmission (if any) of the
    /// inspection it corrects.
    #[serde(default)]
    pub resubmission_id: Option<ResubmissionId>,
    /// The inspected units, each with its measurements and attribute results (1 to
    /// 10,000 units; at most `--max-results` results in all, 200,000 by default).
    #[schema(min_items = 1, max_items = 10_000)]
    pub units: Vec<UnitInput>,
}

/// One inspected unit.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnitInput {
    /// The unit's number, from 1; unique within the inspection and at most the lot size.
    /// When the sample is taken from the lot's inspection order (`get_inspection_plan`),
    /// the unit number the order drew, which the decision then compares with the order
    /// (`sample_as_drawn`); otherwise the unit's place in the sample.
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
    /// Codes of the part's defect catalogue (`create_defect_code`) naming what kind of
    /// defect was found, e.g. `["flash", "short-shot"]`: only on a failed result, each
    /// once, at most 20, none retired. Counted by `get_defect_pareto`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schema(max_items = 20)]
    pub defect_codes: Vec<String>,
}

/// A corrected inspection that replaces a recorded one (which stays stored, marked as
/// superseded). Corrections are a reviewer's; the inspection itself has the same fields
/// as a new one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "Width read on the wrong gauge", "inspection": {"id": "3f1c2b4a-5d6e-4f70-8a9b-0c1d2e3f4a5b", "source": "factory", "mode": "sampling", "inspector": "kim", "inspected_at": "2026-11-20T09:15:00Z", "units": [{"unit": 1, "serial": "B-0001", "measurements": [{"characteristic_id": "6b7c8d9e-0f1a-4b2c-8d3e-4f5a6b7c8d9e", "value": 12.31}], "attributes": []}]}}))]
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

/// Record an inspection of a lot, unit by unit, in one transaction.
///
/// A token bound to a supplier records only on that supplier's lots (another
/// supplier's lot is answered 404) and cannot record `source: in_house`: that is a 422
/// naming `source`; in-house inspections need a token that is not bound to a supplier.
///
/// The lot is judged on its original inspection (ISO 2859-1): for each characteristic,
/// the first in-house sampling inspection that recorded it, or else the factory's first.
/// A later sampling inspection of the same source recording a characteristic already
/// recorded is refused with 409 naming `units`, unless it is
/// the inspection of a resubmission (`resubmission_id`, after `resubmit_lot`); an
/// erroneous record is corrected instead (`correct_inspection`). A full inspection
/// covers the lot and is always recorded.
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
    let lot_id = path.into_inner();
    let resubmission = body.0.resubmission_id;
    let input = NewInspection::from(body.0).check(Utc::now(), state.max_results)?;
    let recorded = db(&state, move |conn| {
        Ok(match resubmission {
            Some(r) => service::record_resubmitted(conn, &caller.0, lot_id, r, &input)?,
            None => service::record(conn, &caller.0, lot_id, &input)?,
        })
    })
    .await?;
    Ok(recorded_response(recorded))
}

/// Record a correction: a new inspection of the same lot that supersedes a recorded one.
///
/// A token bound to a supplier corrects only inspections of that supplier's lots
/// (another supplier's inspection is answered 404) and cannot record `source: in_house`
/// (a 422 naming `inspection.source`).
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
    let mut checks = crate::service::Checks::new();
    checks.text("reason", &body.reason, 1000);
    if body.inspection.id == old {
        checks.add("inspection.id", "a correction needs an id of its own");
    }
    if body.inspection.resubmission_id.is_some() {
        checks.add(
            "inspection.resubmission_id",
            "a correction stays with the resubmission of the inspection it corrects; leave it out",
        );
    }
    checks.finish()?;
    let input = NewInspection::from(body.inspection)
        .check(Utc::now(), state.max_results)
        .map_err(|e| e.map_fields(|f| format!("inspection.{f}")))?;
    let reason = body.reason;
    let recorded = db(&state, move |conn| {
        Ok(service::correct(conn, &caller.0, old, &reason, &input)?)
    })
    .await
    // The corrected inspection is the body's `inspection`; `inspection_id` names the
    // path's inspection, already superseded by another correction.
    .map_err(|e| {
        e.map_fields(|f| match f {
            "inspection_id" => f.to_string(),
            _ => format!("inspection.{f}"),
        })
    })?;
    Ok(recorded_response(recorded))
}

/// 201 with the new inspection, or 200 with the stored one for a retry.
fn recorded_response(recorded: service::Recorded) -> HttpResponse {
    let view = view::inspection(recorded.stored);
    let location = format!("/api/v1/inspections/{}", view.id);
    created_or_ok(recorded.created, location, &view)
}

impl From<RecordInspection> for NewInspection {
    fn from(req: RecordInspection) -> Self {
        NewInspection {
            id: req.id,
            source: req.source,
            mode: req.mode,
            inspector: req.inspector,
            inspected_at: req.inspected_at,
            golden_sample_revision_id: req.golden_sample_revision_id,
            units: req
                .units
                .into_iter()
                .map(|u| NewUnit {
                    unit: u.unit,
                    serial: u.serial,
                    measurements: u
                        .measurements
                        .into_iter()
                        .map(|m| NewMeasurement {
                            characteristic_id: m.characteristic_id,
                            value: m.value,
                        })
                        .collect(),
                    attributes: u
                        .attributes
                        .into_iter()
                        .map(|a| NewAttribute {
                            characteristic_id: a.characteristic_id,
                            pass: a.pass,
                            defects: a.defects,
                            note: a.note,
                            defect_codes: a.defect_codes,
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

/// Read an inspection with every unit, measurement and attribute result.
///
/// A token bound to a supplier reads only inspections of that supplier's lots; another
/// supplier's is answered 404.
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
    caller: Caller,
    path: web::Path<InspectionId>,
) -> Result<web::Json<InspectionView>, ApiError> {
    let id = path.into_inner();
    let stored = db(&state, move |conn| Ok(service::get(conn, &caller.0, id)?)).await?;
    Ok(web::Json(view::inspection(stored)))
}

/// List the inspections of a lot in the order they were carried out, corrections included.
///
/// A token bound to a supplier lists only inspections of that supplier's lots; another
/// supplier's lot is answered 404.
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
    caller: Caller,
    path: web::Path<LotId>,
    query: QueryParams<PageParams>,
) -> Result<web::Json<Page<InspectionSummary>>, ApiError> {
    let lot_id = path.into_inner();
    let (limit, after) = (query.0.limit()?, query.0.after()?);
    // One row more than the page: it only says that more exist.
    let page = db(&state, move |conn| {
        Ok(service::list(conn, &caller.0, lot_id, after, limit + 1)?)
    })
    .await?;
    Ok(web::Json(Page::from_rows(
        page.inspections,
        limit,
        |i| (i.inspected_at, i.id.0),
        |i| {
            let units = page.unit_counts.get(&i.id).copied().unwrap_or(0);
            let superseded_by = page.superseded_by.get(&i.id).copied();
            let resubmission_id = page.resubmissions.get(&i.id).copied();
            view::summary(i, units, superseded_by, resubmission_id)
        },
    )))
}
