//! A reviewer's changes of a lot: the correction of its number, size or production date
//! (with If-Match and a reason), and its cancellation before it is decided.

use actix_web::{HttpRequest, HttpResponse, patch, post, web};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::ToSchema;

use super::super::access::Caller;
use super::super::error::{ApiError, responses};
use super::super::extract::JsonBody;
use super::super::{AppState, dates, db, etag};
use super::{Correctable, LotView, tagged};
use crate::db::models;
use crate::domain::{LotId, LotSize};
use crate::service::Checks;
use crate::service::lots::{self as service, LotCorrectionInput};

/// A reviewer's correction of a lot: the fields given change, the others stay.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"lot_size": 1200,
    "reason": "The delivery note says 1200 units; 5000 was the order quantity."}))]
pub struct UpdateLot {
    /// The corrected lot number, unique per part and supplier (1-64 characters).
    #[schema(
        min_length = 1,
        max_length = 64,
        pattern = r"[^\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
    )]
    pub lot_number: Option<String>,
    /// The corrected number of units in the lot (N), 1 to 100,000,000.
    #[schema(minimum = 1, maximum = 100_000_000)]
    pub lot_size: Option<i64>,
    /// The corrected production or receipt date: from 2000-01-01 to a day ahead of the
    /// server's date.
    #[serde(default, deserialize_with = "dates::optional_date")]
    pub produced_on: Option<NaiveDate>,
    /// Why the lot is corrected (not blank, at most 2000 characters); audited.
    #[schema(
        min_length = 1,
        max_length = 2000,
        pattern = r"[^\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
    )]
    pub reason: String,
}

/// Correct a lot's number, size or production date. Needs `If-Match` with the ETag of
/// `get_lot`, and a reason.
///
/// A reviewer's action, audited with the lot before and after. Once the lot has an
/// inspection, the correction counts as a change to its inputs: its decision becomes
/// stale (`stale_because` names the lot correction) and the next `decide_lot` uses the
/// corrected lot size for its plan. A lot with decisions has its supplier and part's
/// switching history replayed in the lot order the corrected production date gives.
/// Refused (409) for a cancelled or released lot, and for a lot number another lot of
/// the part and supplier has.
#[utoipa::path(
    tag = "lots",
    params(
        ("lot_id" = LotId, Path, description = "Id of the lot"),
        ("If-Match" = String, Header, description = "The ETag from reading the lot"),
    ),
    request_body = UpdateLot,
    responses(
        (status = 200, description = "The corrected lot", body = LotView,
            headers(("ETag" = String, description = "Strong ETag of the corrected lot"))),
        (status = 400, response = responses::BadRequest),
        (status = 404, response = responses::NotFound),
        (status = 409, response = responses::Conflict),
        (status = 412, response = responses::PreconditionFailed),
        (status = 413, response = responses::PayloadTooLarge),
        (status = 415, response = responses::UnsupportedMediaType),
        (status = 422, response = responses::Unprocessable),
        (status = 428, response = responses::PreconditionRequired),
        (status = 503, response = responses::Unavailable),
    )
)]
#[patch("/lots/{lot_id}")]
pub async fn update_lot(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<LotId>,
    request: HttpRequest,
    body: JsonBody<UpdateLot>,
) -> Result<HttpResponse, ApiError> {
    let (id, req) = (path.into_inner(), body.0);
    let if_match = etag::required(&request)?;
    let mut checks = Checks::new();
    let lot_size = req
        .lot_size
        .and_then(|n| checks.parse("lot_size", LotSize::parse(n)));
    checks.finish()?;
    let input = LotCorrectionInput {
        lot_number: req.lot_number,
        lot_size,
        produced_on: req.produced_on,
        reason: req.reason,
    };
    // The tag is of the lot as the use case found it under its row lock.
    let unchanged =
        move |current: &models::Lot| etag::precondition(&if_match, &Correctable::of(current));
    let lot = db(&state, move |conn| {
        Ok(service::update(conn, &caller.0, id, &input, unchanged)?)
    })
    .await?;
    tagged(lot)
}

/// Why a lot is cancelled.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "Registered twice: the same delivery is lot DPM-2026-1120-A."}))]
pub struct CancelLot {
    /// Why (not blank, at most 2000 characters); shown on the lot and audited.
    #[schema(
        min_length = 1,
        max_length = 2000,
        pattern = r"[^\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
    )]
    pub reason: String,
}

/// Cancel a lot before it is decided.
///
/// A reviewer's action, audited with the reason. Refused (409) once a decision of the
/// lot accepted or rejected it (record a disposition instead), and when the lot is
/// cancelled already with another reason; the same reason again returns the lot. A
/// cancelled lot leaves its supplier and part's switching history (replayed without
/// it) and the default `list_lots`; recording, importing, deciding or resubmitting on
/// it is refused (409).
#[utoipa::path(
    tag = "lots",
    params(("lot_id" = LotId, Path, description = "Id of the lot")),
    request_body = CancelLot,
    responses(
        (status = 200, description = "The cancelled lot", body = LotView,
            headers(("ETag" = String, description = "Strong ETag of the lot"))),
        (status = 400, response = responses::BadRequest),
        (status = 404, response = responses::NotFound),
        (status = 409, response = responses::Conflict),
        (status = 413, response = responses::PayloadTooLarge),
        (status = 415, response = responses::UnsupportedMediaType),
        (status = 422, response = responses::Unprocessable),
        (status = 503, response = responses::Unavailable),
    )
)]
#[post("/lots/{lot_id}/cancellation")]
pub async fn cancel_lot(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<LotId>,
    body: JsonBody<CancelLot>,
) -> Result<HttpResponse, ApiError> {
    let (id, reason) = (path.into_inner(), body.0.reason);
    let lot = db(&state, move |conn| {
        Ok(service::cancel(conn, &caller.0, id, &reason)?)
    })
    .await?;
    tagged(lot)
}
