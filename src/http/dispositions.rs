//! Disposition and release of lots: what becomes of a lot not accepted (ISO 2859-1 7.5)
//! or of the units an accepted lot's decision rejected individually (6.4), and the
//! release of a lot for use.

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::access::Caller;
use super::error::{ApiError, responses};
use super::extract::JsonBody;
use super::respond::created_or_ok;
use super::{AppState, db};
use crate::db::dispositions::LotDisposition;
use crate::decision::rejected_units::CoveredUnit;
use crate::domain::{DecisionId, Disposition, DispositionId, DispositionScope, LotId, LotStatus};
use crate::service::dispositions::{self as service, DisposeInput};

/// A disposition of a lot, or of its rejected units.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"id": "2b3c4d5e-6f70-4a8b-9c0d-1e2f3a4b5c6d",
    "disposition": "use_as_is",
    "reason": "Flash on cavity 3 is cosmetic and hidden once assembled.",
    "justification": "Customer concession C-114 accepts cosmetic flash under 0.2 mm on hidden faces.",
    "approver": "J. Moreau (quality manager)", "quantity": 500, "expires_on": "2027-01-31"}))]
pub struct DisposeLot {
    /// Client-generated id (UUID): sending the same body again returns the stored
    /// disposition. A new id is made when absent.
    #[serde(default)]
    pub id: Option<DispositionId>,
    /// What becomes of the lot or its rejected units: `scrap`, `sort` (100 % screen, the
    /// nonconforming units removed or replaced; whole lots only), `rework`,
    /// `return_to_supplier` or `use_as_is` (a concession).
    pub disposition: Disposition,
    /// Why (not blank, at most 2000 characters).
    #[schema(
        min_length = 1,
        max_length = 2000,
        pattern = r"[^\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
    )]
    pub reason: String,
    /// Why the concession is acceptable: required for `use_as_is` (at most 2000 characters).
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub justification: Option<String>,
    /// Who approved the concession: required for `use_as_is` (at most 200 characters).
    #[serde(default)]
    #[schema(max_length = 200)]
    pub approver: Option<String>,
    /// How many units the concession covers, 1 to the lot size; `use_as_is` only.
    #[serde(default)]
    #[schema(minimum = 1)]
    pub quantity: Option<i64>,
    /// The last day the concession holds (today or later, UTC); `use_as_is` only.
    #[serde(default, deserialize_with = "super::dates::optional_date")]
    pub expires_on: Option<NaiveDate>,
}

/// A stored disposition.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "2b3c4d5e-6f70-4a8b-9c0d-1e2f3a4b5c6d",
    "lot_id": "5a3e1f0c-8d2b-4c1e-9f3a-2b7c6d5e4f10", "scope": "rejected_units",
    "disposition": "scrap", "reason": "Cracked housings.", "justification": null,
    "approver": null, "quantity": null, "expires_on": null,
    "units": [{"characteristic_id": "6b7c8d9e-0f1a-4b2c-8d3e-4f5a6b7c8d9e", "unit": 17,
        "serial": "B-0017", "inspection_id": "3f1c2b4a-5d6e-4f70-8a9b-0c1d2e3f4a5b"}],
    "decision_id": "1d2c3b4a-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
    "recorded_at": "2026-11-23T09:30:00Z", "recorded_by": "ana (reviewer)"}))]
pub struct DispositionView {
    /// Id of the disposition.
    pub id: DispositionId,
    /// The lot.
    pub lot_id: LotId,
    /// `lot` (the lot was not accepted) or `rejected_units` (the units an accepted lot's
    /// decision rejected individually).
    pub scope: DispositionScope,
    /// What becomes of them.
    pub disposition: Disposition,
    /// Why, as recorded (trimmed).
    pub reason: String,
    /// Why a concession is acceptable.
    pub justification: Option<String>,
    /// Who approved the concession.
    pub approver: Option<String>,
    /// How many units the concession covers.
    pub quantity: Option<i32>,
    /// The last day the concession holds.
    pub expires_on: Option<NaiveDate>,
    /// The units it covers, as the decision it answers named them (for `lot` scope the
    /// units that decision found nonconforming, for `rejected_units` those not covered
    /// by an earlier disposition).
    pub units: Vec<CoveredUnit>,
    /// The decision it answers: the lot's latest when it was recorded.
    pub decision_id: DecisionId,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
    /// The token (person or device) that recorded it.
    pub recorded_by: String,
}

/// A disposition recorded, with the lot's status after it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"disposition": {"approver": null, "decision_id": "1d2c3b4a-5e6f-4a7b-8c9d-0e1f2a3b4c5d", "disposition": "scrap", "expires_on": null, "id": "2b3c4d5e-6f70-4a8b-9c0d-1e2f3a4b5c6d", "justification": null, "lot_id": "5a3e1f0c-8d2b-4c1e-9f3a-2b7c6d5e4f10", "quantity": null, "reason": "Cracked housings.", "recorded_at": "2026-11-23T09:30:00Z", "recorded_by": "ana (reviewer)", "scope": "lot", "units": []}, "lot_status": "dispositioned"}))]
pub struct DispositionRecorded {
    /// The disposition.
    pub disposition: DispositionView,
    /// The lot's status now: `dispositioned` after a lot-scope disposition, still
    /// `accepted` after one of rejected units.
    pub lot_status: LotStatus,
}

/// A lot's dispositions.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"items": [{"approver": null, "decision_id": "1d2c3b4a-5e6f-4a7b-8c9d-0e1f2a3b4c5d", "disposition": "scrap", "expires_on": null, "id": "2b3c4d5e-6f70-4a8b-9c0d-1e2f3a4b5c6d", "justification": null, "lot_id": "5a3e1f0c-8d2b-4c1e-9f3a-2b7c6d5e4f10", "quantity": null, "reason": "Cracked housings.", "recorded_at": "2026-11-23T09:30:00Z", "recorded_by": "ana (reviewer)", "scope": "lot", "units": []}]}))]
pub struct DispositionList {
    /// In the order recorded.
    pub items: Vec<DispositionView>,
}

/// Record the disposition of a lot not accepted, or of an accepted lot's rejected units (ISO 2859-1 7.5, 6.4).
///
/// A reviewer's action, for the responsible authority. A lot not accepted by its latest
/// decision gets one disposition of the whole lot (`lot` scope), which sets its status to
/// `dispositioned`. An accepted lot whose latest decision names nonconforming units gets
/// a disposition of those units (`rejected_units` scope; `sort` does not apply), covering
/// every named unit no earlier disposition of that decision covers. `use_as_is` needs a
/// `justification` and an `approver`. Refused (409) while the lot has no decision, its
/// latest decision is stale or pending, or the lot is cancelled, released, already
/// dispositioned, or accepted without rejected units.
#[utoipa::path(
    tag = "lots",
    params(("lot_id" = LotId, Path, description = "Id of the lot")),
    request_body = DisposeLot,
    responses(
        (status = 201, description = "The disposition was recorded", body = DispositionRecorded),
        (status = 200, description = "A retry of a disposition already recorded with this id and body", body = DispositionRecorded),
        (status = 400, response = responses::BadRequest),
        (status = 404, response = responses::NotFound),
        (status = 409, response = responses::Conflict),
        (status = 413, response = responses::PayloadTooLarge),
        (status = 415, response = responses::UnsupportedMediaType),
        (status = 422, response = responses::Unprocessable),
        (status = 503, response = responses::Unavailable),
    )
)]
#[post("/lots/{lot_id}/disposition")]
pub async fn dispose_lot(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<LotId>,
    body: JsonBody<DisposeLot>,
) -> Result<HttpResponse, ApiError> {
    let (lot_id, req) = (path.into_inner(), body.0);
    let input = DisposeInput {
        id: req.id,
        disposition: req.disposition,
        reason: req.reason,
        justification: req.justification,
        approver: req.approver,
        quantity: req.quantity,
        expires_on: req.expires_on,
    };
    let done = db(&state, move |conn| {
        Ok(service::dispose(conn, &caller.0, lot_id, input)?)
    })
    .await?;
    let view = DispositionRecorded {
        disposition: DispositionView::of(done.disposition)?,
        lot_status: done.lot_status,
    };
    let location = format!("/api/v1/lots/{lot_id}/dispositions");
    Ok(created_or_ok(done.created, location, &view))
}

/// List a lot's dispositions.
#[utoipa::path(
    tag = "lots",
    params(("lot_id" = LotId, Path, description = "Id of the lot")),
    responses(
        (status = 200, description = "The lot's dispositions, in the order recorded", body = DispositionList),
        (status = 404, response = responses::NotFound),
        (status = 503, response = responses::Unavailable),
    )
)]
#[get("/lots/{lot_id}/dispositions")]
pub async fn list_lot_dispositions(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<LotId>,
) -> Result<HttpResponse, ApiError> {
    let lot_id = path.into_inner();
    let rows = db(&state, move |conn| {
        Ok(service::list(conn, &caller.0, lot_id)?)
    })
    .await?;
    let items = rows
        .into_iter()
        .map(DispositionView::of)
        .collect::<Result<_, _>>()?;
    Ok(HttpResponse::Ok().json(DispositionList { items }))
}

/// A release of a lot.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"note": "Rejected units scrapped; released to line 2."}))]
pub struct ReleaseLot {
    /// Why or how it is released (at most 2000 characters); kept as the reason of the
    /// release's audit row.
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub note: Option<String>,
}

/// A lot released.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"lot_id": "5a3e1f0c-8d2b-4c1e-9f3a-2b7c6d5e4f10",
    "released_at": "2026-11-23T10:00:00Z", "lot_status": "released",
    "note": "Rejected units scrapped; released to line 2."}))]
pub struct ReleaseView {
    /// The lot.
    pub lot_id: LotId,
    /// When it was released.
    pub released_at: DateTime<Utc>,
    /// Its status now: `released`.
    pub lot_status: LotStatus,
    /// The note given.
    pub note: Option<String>,
}

/// Release a lot for use.
///
/// A reviewer's action. Released are: an accepted lot whose units rejected individually
/// by its latest decision (ISO 2859-1 6.4) all have a disposition answering that
/// decision; a lot used as is under a concession that has not expired (7.5); a lot sorted
/// or reworked whose resubmission was accepted (7.6). Refused (409), naming why and what
/// to do instead, otherwise: units without disposition (listed), a lot not accepted
/// without disposition, a scrapped or returned lot, no accepted resubmission, a latest
/// decision missing, stale or pending, a cancelled or already released lot.
#[utoipa::path(
    tag = "lots",
    params(("lot_id" = LotId, Path, description = "Id of the lot")),
    request_body = ReleaseLot,
    responses(
        (status = 200, description = "The lot was released", body = ReleaseView),
        (status = 400, response = responses::BadRequest),
        (status = 404, response = responses::NotFound),
        (status = 409, response = responses::Conflict),
        (status = 413, response = responses::PayloadTooLarge),
        (status = 415, response = responses::UnsupportedMediaType),
        (status = 422, response = responses::Unprocessable),
        (status = 503, response = responses::Unavailable),
    )
)]
#[post("/lots/{lot_id}/release")]
pub async fn release_lot(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<LotId>,
    body: JsonBody<ReleaseLot>,
) -> Result<HttpResponse, ApiError> {
    let (lot_id, req) = (path.into_inner(), body.0);
    let done = db(&state, move |conn| {
        Ok(service::release(conn, &caller.0, lot_id, req.note)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(ReleaseView {
        lot_id: done.lot_id,
        released_at: done.released_at,
        lot_status: done.lot_status,
        note: done.note,
    }))
}

impl DispositionView {
    fn of(d: LotDisposition) -> Result<Self, ApiError> {
        let units = serde_json::from_value(d.units).map_err(ApiError::internal)?;
        Ok(DispositionView {
            id: d.id,
            lot_id: d.lot_id,
            scope: d.scope,
            disposition: d.disposition,
            reason: d.reason,
            justification: d.justification,
            approver: d.approver,
            quantity: d.quantity,
            expires_on: d.expires_on,
            units,
            decision_id: d.decision_id,
            recorded_at: d.recorded_at,
            recorded_by: d.recorded_by,
        })
    }
}
