//! Resubmitting a lot not accepted (ISO 2859-1 7.6): a reviewer's record that the
//! supplier sorted or reworked it, after which one sampling inspection is recorded
//! against the resubmission and judged apart from the original inspection.

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::access::Caller;
use super::error::{ApiError, responses};
use super::extract::JsonBody;
use super::respond::created_or_ok;
use super::{AppState, db};
use crate::db::resubmissions::Resubmission;
use crate::domain::{
    InspectionId, LotId, ResubmissionAction, ResubmissionId, ResubmissionSeverity,
};
use crate::service::resubmissions::{self as service, ListedResubmission, ResubmitInput};

/// A resubmission of a lot.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"id": "8a9b0c1d-2e3f-4a5b-8c6d-7e8f9a0b1c2d",
    "reason": "Supplier sorted the lot: 100% visual check of the flash on cavity 3, 14 units removed.",
    "action": "sorted", "severity": "tightened"}))]
pub struct ResubmitLot {
    /// Client-generated id (UUID): sending the same body again returns the stored
    /// resubmission. A new id is made when absent.
    #[serde(default)]
    pub id: Option<ResubmissionId>,
    /// Why the lot is resubmitted and what was found (not blank, at most 2000 characters).
    #[schema(
        min_length = 1,
        max_length = 2000,
        pattern = r"[^\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
    )]
    pub reason: String,
    /// What the supplier did to every unit: `sorted` (nonconforming units removed) or
    /// `reworked` (nonconforming units corrected).
    pub action: ResubmissionAction,
    /// The severity the resubmission is inspected at, the responsible authority's
    /// choice (ISO 2859-1 7.6): `tightened` when absent, or `normal`. Recorded.
    #[serde(default = "tightened")]
    #[schema(default = "tightened")]
    pub severity: ResubmissionSeverity,
}

fn tightened() -> ResubmissionSeverity {
    ResubmissionSeverity::Tightened
}

/// A stored resubmission.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "8a9b0c1d-2e3f-4a5b-8c6d-7e8f9a0b1c2d",
    "lot_id": "5a3e1f0c-8d2b-4c1e-9f3a-2b7c6d5e4f10",
    "reason": "Supplier sorted the lot: 100% visual check of the flash on cavity 3, 14 units removed.",
    "action": "sorted", "severity": "tightened", "recorded_at": "2026-11-23T09:30:00Z"}))]
pub struct ResubmissionView {
    /// Id of the resubmission: send it as `resubmission_id` with its sampling inspection.
    pub id: ResubmissionId,
    /// The lot resubmitted.
    pub lot_id: LotId,
    /// Why, as recorded (trimmed).
    pub reason: String,
    /// What the supplier did.
    pub action: ResubmissionAction,
    /// The severity it is inspected at.
    pub severity: ResubmissionSeverity,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
}

/// Record a resubmission of a rejected lot that the supplier has sorted or reworked (ISO 2859-1 7.6).
///
/// A reviewer's action. The lot's latest decision must be a rejection, and an earlier
/// resubmission of the lot must have its inspection (else 409). Afterwards ONE sampling
/// inspection is recorded against it with `record_inspection` and `resubmission_id`
/// (corrections of that inspection stay with it). The next decision of the lot keeps the
/// verdict of the original inspection and shows each resubmission judged on its own
/// inspection with the plan of the chosen severity (tightened unless `normal`); a
/// resubmission never counts as original inspection in the switching rules.
#[utoipa::path(
    tag = "decisions",
    params(("lot_id" = LotId, Path, description = "Id of the lot resubmitted")),
    request_body = ResubmitLot,
    responses(
        (status = 201, description = "The resubmission was recorded", body = ResubmissionView),
        (status = 200, description = "A retry of a resubmission already recorded with this id and body", body = ResubmissionView),
        (status = 400, response = responses::BadRequest),
        (status = 404, response = responses::NotFound),
        (status = 409, response = responses::Conflict),
        (status = 413, response = responses::PayloadTooLarge),
        (status = 415, response = responses::UnsupportedMediaType),
        (status = 422, response = responses::Unprocessable),
        (status = 503, response = responses::Unavailable),
    )
)]
#[post("/lots/{lot_id}/resubmissions")]
pub async fn resubmit_lot(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<LotId>,
    body: JsonBody<ResubmitLot>,
) -> Result<HttpResponse, ApiError> {
    let (lot_id, req) = (path.into_inner(), body.0);
    let input = ResubmitInput {
        id: req.id,
        reason: req.reason,
        action: req.action,
        severity: req.severity,
    };
    let done = db(&state, move |conn| {
        Ok(service::resubmit(conn, &caller.0, lot_id, input)?)
    })
    .await?;
    let view = ResubmissionView::of(done.resubmission);
    let location = format!("/api/v1/lots/{lot_id}/decision");
    Ok(created_or_ok(done.created, location, &view))
}

impl ResubmissionView {
    fn of(r: Resubmission) -> Self {
        ResubmissionView {
            id: r.id,
            lot_id: r.lot_id,
            reason: r.reason,
            action: r.action,
            severity: r.severity,
            recorded_at: r.recorded_at,
        }
    }
}

/// A resubmission of a lot with its inspection.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "8a9b0c1d-2e3f-4a5b-8c6d-7e8f9a0b1c2d",
    "lot_id": "5a3e1f0c-8d2b-4c1e-9f3a-2b7c6d5e4f10",
    "reason": "Supplier sorted the lot: 100% visual check of the flash on cavity 3, 14 units removed.",
    "action": "sorted", "severity": "tightened", "recorded_at": "2026-11-23T09:30:00Z",
    "inspection_id": "3f1c2b4a-5d6e-4f70-8a9b-0c1d2e3f4a5b"}))]
pub struct LotResubmission {
    /// Id of the resubmission.
    pub id: ResubmissionId,
    /// The lot resubmitted.
    pub lot_id: LotId,
    /// Why, as recorded (trimmed).
    pub reason: String,
    /// What the supplier did.
    pub action: ResubmissionAction,
    /// The severity it is inspected at.
    pub severity: ResubmissionSeverity,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
    /// Its inspection as it stands (the correction that replaced it, if corrected); null
    /// while the resubmission awaits its inspection.
    pub inspection_id: Option<InspectionId>,
}

/// List the resubmissions of a lot (ISO 2859-1 7.6) in the order recorded, each with its inspection.
///
/// A token bound to a supplier lists only its own supplier's lots; another supplier's
/// lot is answered 404.
#[utoipa::path(
    tag = "decisions",
    params(("lot_id" = LotId, Path, description = "Id of the lot")),
    responses(
        (status = 200, description = "The lot's resubmissions, oldest first", body = Vec<LotResubmission>),
        (status = 404, response = responses::NotFound),
        (status = 503, response = responses::Unavailable),
    )
)]
#[get("/lots/{lot_id}/resubmissions")]
pub async fn list_lot_resubmissions(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<LotId>,
) -> Result<web::Json<Vec<LotResubmission>>, ApiError> {
    let lot_id = path.into_inner();
    let listed = db(&state, move |conn| {
        Ok(service::list(conn, &caller.0, lot_id)?)
    })
    .await?;
    Ok(web::Json(
        listed.into_iter().map(LotResubmission::of).collect(),
    ))
}

impl LotResubmission {
    fn of(listed: ListedResubmission) -> Self {
        let r = listed.resubmission;
        LotResubmission {
            id: r.id,
            lot_id: r.lot_id,
            reason: r.reason,
            action: r.action,
            severity: r.severity,
            recorded_at: r.recorded_at,
            inspection_id: listed.inspection_id,
        }
    }
}
