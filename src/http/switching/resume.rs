//! Resuming sampling inspection after discontinuation (ISO 2859-1 9.4): a reviewer's
//! action once the supplier has acted to improve quality.

use actix_web::{HttpResponse, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::super::access::Caller;
use super::super::error::{ApiError, responses};
use super::super::extract::JsonBody;
use super::super::{AppState, db};
use crate::decision::types::SwitchingSeverity;
use crate::domain::{CharacteristicId, LotId, PartId, ResumeId, SupplierId};
use crate::service::switching::{self as switching, ResumeInput, Resumed};

/// The resume of sampling inspection of one characteristic of a supplier and part.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"part_id": "0b9e6c1a-3f4d-4e2b-8a7c-1d2e3f4a5b6c",
    "characteristic_id": "6b7c8d9e-0f1a-4b2c-8d3e-4f5a6b7c8d9e",
    "reason": "Mould cavity 3 re-polished and the gate relocated; 8D report 2026-114 closed."}))]
pub struct ResumeSampling {
    /// The part (with the supplier of the URL).
    pub part_id: PartId,
    /// The characteristic whose sampling inspection was discontinued.
    pub characteristic_id: CharacteristicId,
    /// What the supplier corrected to improve quality (not blank, at most 2000 characters).
    #[schema(
        min_length = 1,
        max_length = 2000,
        pattern = r"[^\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
    )]
    pub reason: String,
}

/// A stored resume.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "2e3f4a5b-6c7d-4e8f-9a0b-1c2d3e4f5a6b",
    "supplier_id": "7c8d9e0f-1a2b-4c3d-8e4f-5a6b7c8d9e0f",
    "part_id": "0b9e6c1a-3f4d-4e2b-8a7c-1d2e3f4a5b6c",
    "characteristic_id": "6b7c8d9e-0f1a-4b2c-8d3e-4f5a6b7c8d9e",
    "after_lot_id": "5a3e1f0c-8d2b-4c1e-9f3a-2b7c6d5e4f10", "after_lot_number": "L-12",
    "reason": "Mould cavity 3 re-polished and the gate relocated; 8D report 2026-114 closed.",
    "severity": "tightened", "recorded_at": "2026-11-23T09:30:00Z"}))]
pub struct ResumeStored {
    /// Id of the resume.
    pub id: ResumeId,
    /// The supplier.
    pub supplier_id: SupplierId,
    /// The part.
    pub part_id: PartId,
    /// The characteristic.
    pub characteristic_id: CharacteristicId,
    /// The latest decided lot of the supplier and part when the resume was recorded: the
    /// resume takes effect for the lots after it in lot order (production date, then lot id).
    pub after_lot_id: LotId,
    /// Its lot number.
    pub after_lot_number: String,
    /// What the supplier corrected.
    pub reason: String,
    /// Severity for the lots after `after_lot_id`: tightened (ISO 2859-1 9.4).
    pub severity: SwitchingSeverity,
    /// When the resume was recorded.
    pub recorded_at: DateTime<Utc>,
}

/// Resume sampling inspection of a discontinued characteristic, on tightened inspection, once the supplier has corrected the process.
///
/// A reviewer's action (ISO 2859-1 9.4): the supplier has acted to improve the quality of
/// the product, and the responsible authority approves resuming. Sampling resumes on
/// tightened inspection with fresh counters, as if 9.3.2 (normal to tightened) had been
/// invoked. The resume takes effect for the lots after the latest decided lot of the
/// supplier and part: lots already decided keep their full inspection, the next lot
/// decided is sampled on tightened inspection. Resumes are append-only and show in the
/// switching history with their reason. Refused (409) unless the characteristic is
/// discontinued after the latest decided lot.
#[utoipa::path(
    tag = "switching",
    params(("supplier_id" = SupplierId, Path, description = "Id of the supplier")),
    request_body = ResumeSampling,
    responses(
        (status = 201, description = "The resume was stored; the next lot is on tightened inspection", body = ResumeStored),
        (status = 400, response = responses::BadRequest),
        (status = 404, response = responses::NotFound),
        (status = 409, response = responses::Conflict),
        (status = 413, response = responses::PayloadTooLarge),
        (status = 415, response = responses::UnsupportedMediaType),
        (status = 422, response = responses::Unprocessable),
        (status = 503, response = responses::Unavailable),
    )
)]
#[post("/suppliers/{supplier_id}/switching/resume")]
pub async fn resume_sampling(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<SupplierId>,
    body: JsonBody<ResumeSampling>,
) -> Result<HttpResponse, ApiError> {
    let (supplier, req) = (path.into_inner(), body.0);
    let input = ResumeInput {
        part_id: req.part_id,
        characteristic_id: req.characteristic_id,
        reason: req.reason,
    };
    let stored = db(&state, move |conn| {
        Ok(switching::resume(conn, &caller.0, supplier, input)?)
    })
    .await?;
    let stored = ResumeStored::of(stored);
    Ok(HttpResponse::Created()
        .insert_header((
            "Location",
            format!(
                "/api/v1/suppliers/{supplier}/switching?part_id={}",
                stored.part_id
            ),
        ))
        .json(stored))
}

impl ResumeStored {
    fn of(r: Resumed) -> Self {
        ResumeStored {
            id: r.id,
            supplier_id: r.supplier_id,
            part_id: r.part_id,
            characteristic_id: r.characteristic_id,
            after_lot_id: r.after_lot_id,
            after_lot_number: r.after_lot_number,
            reason: r.reason,
            severity: r.severity,
            recorded_at: r.recorded_at,
        }
    }
}
