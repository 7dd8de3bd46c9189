//! Lots: register, read, correct (with If-Match), cancel, list with filters.

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::access::Caller;
use super::error::{ApiError, responses};
use super::extract::{JsonBody, QueryParams};
use super::pagination::{Page, PageParams};
use super::respond::created_or_ok;
use super::{AppState, dates, db, etag};
use crate::db::models;
use crate::decision::types::DecisionVerdict;
use crate::domain::{Disposition, LotId, LotSize, LotStatus, PartId, SupplierId};
use crate::service::Checks;
use crate::service::lots::{self as service, LotFilter, LotInput, LotState, StatusFilter};

mod changes;

pub use changes::{__path_cancel_lot, __path_update_lot, cancel_lot, update_lot};

/// A lot to register: a quantity of one part number from one supplier.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"id": "5a3e1f0c-8d2b-4c1e-9f3a-2b7c6d5e4f10",
    "part_id": "0b9e6c1a-3f4d-4e2b-8a7c-1d2e3f4a5b6c", "supplier_id": "7c8d9e0f-1a2b-4c3d-8e4f-5a6b7c8d9e0f",
    "lot_number": "DPM-2026-1120-A", "lot_size": 5000, "produced_on": "2026-11-20"}))]
pub struct CreateLot {
    /// Optional client-generated id: sending the same id and body again returns the
    /// stored lot instead of a duplicate.
    pub id: Option<LotId>,
    /// The part number the lot consists of.
    pub part_id: PartId,
    /// The supplier or factory that produced it.
    pub supplier_id: SupplierId,
    /// The supplier's lot number, unique per part and supplier (1-64 characters).
    #[schema(
        min_length = 1,
        max_length = 64,
        pattern = r"[^\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
    )]
    pub lot_number: String,
    /// Number of units in the lot (N), 1 to 100,000,000.
    #[schema(minimum = 1, maximum = 100_000_000)]
    pub lot_size: i64,
    /// Date the lot was produced or received: from 2000-01-01 to a day ahead of the
    /// server's date.
    #[serde(deserialize_with = "dates::date")]
    pub produced_on: NaiveDate,
}

/// A registered lot.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "c99e71b2-05bb-5458-9fc0-af5964e27878", "part_id": "f3fb5d7e-9a71-5b3b-b85f-541c8d4bb6ab", "supplier_id": "09a9f244-47f7-56c6-a293-0f881734033e", "lot_number": "NHA-HUB-2611C", "lot_size": 300, "produced_on": "2026-11-19", "created_at": "2026-11-19T17:00:00Z", "status": "accepted", "verdict": "accept", "disposition": null, "released_at": null, "cancelled_at": null, "cancel_reason": null, "needs_decision": false, "decision_stale": false, "stale_because": null}))]
pub struct LotView {
    /// Id of the lot.
    pub id: LotId,
    /// The part number the lot consists of.
    pub part_id: PartId,
    /// The supplier or factory that produced it.
    pub supplier_id: SupplierId,
    /// The supplier's lot number.
    pub lot_number: String,
    /// Number of units in the lot (N).
    pub lot_size: i32,
    /// Date the lot was produced or received.
    pub produced_on: NaiveDate,
    /// When the lot was registered (RFC 3339, UTC).
    pub created_at: DateTime<Utc>,
    /// Where the lot is in its life: registered -> under_inspection -> accepted, or
    /// not_accepted (awaiting disposition, ISO 2859-1 7.5) -> dispositioned / released;
    /// or cancelled. Worked out from the facts below by the database.
    pub status: LotStatus,
    /// The verdict of the lot's latest decision on its original inspection; `null`
    /// while it has none.
    pub verdict: Option<DecisionVerdict>,
    /// The disposition recorded for the lot not accepted; `null` while none is.
    pub disposition: Option<Disposition>,
    /// When the lot was released for use (RFC 3339, UTC); `null` while it is not.
    pub released_at: Option<DateTime<Utc>>,
    /// When the lot was cancelled (RFC 3339, UTC); `null` unless it is.
    pub cancelled_at: Option<DateTime<Utc>>,
    /// Why the lot was cancelled; `null` unless it is.
    pub cancel_reason: Option<String>,
    /// The lot has an inspection and either no decision or a stale one: what
    /// `list_lots?needs_decision=true` lists.
    pub needs_decision: bool,
    /// An inspection, a correction of one or a correction of the lot itself was
    /// recorded (server time) after the lot's latest decision, which did not take it
    /// into account. Worked out when the lot is read.
    pub decision_stale: bool,
    /// Why the latest decision is stale: the first change it did not see, when it was
    /// recorded, and how many followed; `null` when it is not stale.
    #[schema(
        example = "inspection 6f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b recorded at 2026-12-03T09:41:07.512Z, after the lot's latest decision"
    )]
    pub stale_because: Option<String>,
}

impl LotView {
    fn new(state: LotState) -> Result<Self, ApiError> {
        let LotState {
            lot: l,
            lifecycle,
            decision,
        } = state;
        let verdict = match lifecycle.verdict.as_deref() {
            None => None,
            Some(text) => Some(DecisionVerdict::parse(text).ok_or_else(|| {
                ApiError::internal(format!("impossible stored verdict '{text}'"))
            })?),
        };
        Ok(LotView {
            id: l.id,
            part_id: l.part_id,
            supplier_id: l.supplier_id,
            lot_number: l.lot_number,
            lot_size: l.lot_size,
            produced_on: l.produced_on,
            created_at: l.created_at,
            status: lifecycle.status,
            verdict,
            disposition: lifecycle.disposition,
            released_at: lifecycle.released_at,
            cancelled_at: lifecycle.cancelled_at,
            cancel_reason: lifecycle.cancel_reason,
            needs_decision: decision.needs_decision,
            decision_stale: decision.stale_because.is_some(),
            stale_because: decision.stale_because,
        })
    }
}

/// What a lot's ETag covers: the fields a correction changes. Inspections, decisions
/// and the rest of the lot's life change other things and leave it as it is.
#[derive(Serialize)]
pub(super) struct Correctable<'a> {
    id: LotId,
    lot_number: &'a str,
    lot_size: i32,
    produced_on: NaiveDate,
}

impl<'a> Correctable<'a> {
    pub(super) fn of(lot: &'a models::Lot) -> Self {
        Correctable {
            id: lot.id,
            lot_number: &lot.lot_number,
            lot_size: lot.lot_size,
            produced_on: lot.produced_on,
        }
    }
}

/// A 200 with the lot's view and the strong ETag of its correctable fields.
pub(super) fn tagged(state: LotState) -> Result<HttpResponse, ApiError> {
    let tag = etag::of(&Correctable::of(&state.lot))?;
    Ok(HttpResponse::Ok()
        .insert_header(("ETag", tag))
        .json(LotView::new(state)?))
}

/// Filters and page of `list_lots`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListLotsQuery {
    /// Only lots of this part.
    pub part_id: Option<PartId>,
    /// Only lots of this supplier.
    pub supplier_id: Option<SupplierId>,
    /// Only lots produced on or after this date.
    #[serde(default, deserialize_with = "dates::optional_date")]
    pub produced_from: Option<NaiveDate>,
    /// Only lots produced on or before this date.
    #[serde(default, deserialize_with = "dates::optional_date")]
    pub produced_to: Option<NaiveDate>,
    /// `true`: only lots needing a decision, those with an inspection and either no
    /// decision or a stale one (an inspection or correction recorded after it).
    pub needs_decision: Option<bool>,
    /// Only lots with this status. Cancelled lots are listed only when
    /// `status=cancelled` is asked for.
    pub status: Option<LotStatus>,
    /// Only lots whose latest decision has this verdict on the original inspection.
    pub verdict: Option<DecisionVerdict>,
    /// Only the lot with exactly this lot number (compared after trimming spaces).
    #[param(
        min_length = 1,
        max_length = 64,
        pattern = r"[^\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
    )]
    pub lot_number: Option<String>,
    /// How many lots to return, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page; omit for the first page.
    pub cursor: Option<String>,
}

/// Register a lot.
///
/// A token bound to a supplier registers lots of that supplier only: another
/// supplier's `supplier_id` is answered 404 naming `supplier_id`, as an unknown
/// supplier is.
#[utoipa::path(
    tag = "lots",
    request_body = CreateLot,
    responses(
        (status = 201, description = "The lot was registered", body = LotView),
        (status = 200, description = "A retry of a lot already registered with this id and content", body = LotView),
        (status = 400, response = responses::BadRequest),
        (status = 404, response = responses::NotFound),
        (status = 409, response = responses::Conflict),
        (status = 413, response = responses::PayloadTooLarge),
        (status = 415, response = responses::UnsupportedMediaType),
        (status = 422, response = responses::Unprocessable),
        (status = 503, response = responses::Unavailable),
    )
)]
#[post("/lots")]
pub async fn create_lot(
    state: web::Data<AppState>,
    caller: Caller,
    body: JsonBody<CreateLot>,
) -> Result<HttpResponse, ApiError> {
    let req = body.0;
    let mut checks = Checks::new();
    checks.text("lot_number", &req.lot_number, 64);
    let lot_size = checks.parse("lot_size", LotSize::parse(req.lot_size));
    checks.finish()?;
    let Some(lot_size) = lot_size else {
        return Err(ApiError::internal(
            "a lot size that did not parse passed the checks",
        ));
    };
    let input = LotInput {
        id: req.id,
        part_id: req.part_id,
        supplier_id: req.supplier_id,
        lot_number: req.lot_number,
        lot_size,
        produced_on: req.produced_on,
    };
    let registered = db(&state, move |conn| {
        Ok(service::create(conn, &caller.0, &input)?)
    })
    .await?;
    let location = format!("/api/v1/lots/{}", registered.state.lot.id);
    Ok(created_or_ok(
        registered.created,
        location,
        &LotView::new(registered.state)?,
    ))
}

/// Read a lot.
///
/// `needs_decision`, `decision_stale` and `stale_because` are worked out at read time.
/// The `ETag` covers the fields `update_lot` corrects; send it as `If-Match` there.
///
/// A token bound to a supplier reads only that supplier's lots: another supplier's lot
/// is answered 404, like a lot that does not exist.
#[utoipa::path(
    tag = "lots",
    params(("lot_id" = LotId, Path, description = "Id of the lot")),
    responses(
        (status = 200, description = "The lot", body = LotView,
            headers(("ETag" = String, description = "Strong ETag of the lot's number, size and production date; send it as If-Match to correct the lot"))),
        (status = 404, response = responses::NotFound),
        (status = 503, response = responses::Unavailable),
    )
)]
#[get("/lots/{lot_id}")]
pub async fn get_lot(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<LotId>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let lot = db(&state, move |conn| Ok(service::get(conn, &caller.0, id)?)).await?;
    tagged(lot)
}

/// List lots, newest production date first, filtered by part, supplier, date, status,
/// verdict and lot number.
///
/// Cancelled lots are left out unless `status=cancelled` is asked for.
///
/// With `needs_decision=true`, only the lots that need a decision: inspected, and never
/// decided or decided before their latest inspection or correction (`decision_stale`).
/// A partial index holds just those lots, so the list costs the same after years of
/// decided lots.
///
/// A token bound to a supplier lists only that supplier's lots (with `supplier_id` of
/// another supplier, none).
#[utoipa::path(
    tag = "lots",
    params(ListLotsQuery),
    responses(
        (status = 200, description = "One page of lots", body = Page<LotView>),
        (status = 422, response = responses::Unprocessable),
        (status = 503, response = responses::Unavailable),
    )
)]
#[get("/lots")]
pub async fn list_lots(
    state: web::Data<AppState>,
    caller: Caller,
    query: QueryParams<ListLotsQuery>,
) -> Result<web::Json<Page<LotView>>, ApiError> {
    let q = query.0;
    let page = PageParams {
        limit: q.limit,
        cursor: q.cursor,
    };
    let (limit, after) = (page.limit()?, page.after()?);
    if let (Some(from), Some(to)) = (q.produced_from, q.produced_to)
        && from > to
    {
        return Err(ApiError::invalid_field(
            "produced_from",
            "must not be after produced_to",
        ));
    }
    if q.lot_number
        .as_ref()
        .is_some_and(|n| n.chars().count() > 64)
    {
        return Err(ApiError::invalid_field(
            "lot_number",
            "is longer than 64 characters, the longest a lot number can be",
        ));
    }
    let lot_number = q.lot_number.map(|n| n.trim().to_string());
    if lot_number.as_ref().is_some_and(|n| n.is_empty()) {
        return Err(ApiError::invalid_field("lot_number", "must not be blank"));
    }
    let filter = LotFilter {
        part_id: q.part_id,
        supplier_id: q.supplier_id,
        produced_from: q.produced_from,
        produced_to: q.produced_to,
        needs_decision: q.needs_decision.unwrap_or(false),
        status: q
            .status
            .map_or(StatusFilter::NotCancelled, StatusFilter::Is),
        verdict: q.verdict.map(DecisionVerdict::as_str),
        lot_number,
    };
    // One row more than the page tells whether there is a next one.
    let rows = db(&state, move |conn| {
        Ok(service::list(conn, &caller.0, &filter, after, limit + 1)?)
    })
    .await?;
    let page = Page::from_rows(rows, limit, |s| (s.lot.produced_on, s.lot.id.0), |s| s);
    Ok(web::Json(Page {
        items: page
            .items
            .into_iter()
            .map(LotView::new)
            .collect::<Result<_, _>>()?,
        next_cursor: page.next_cursor,
    }))
}
