//! Lots: register, read, list with filters.

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::access::Caller;
use super::error::{ApiError, responses};
use super::extract::{JsonBody, QueryParams};
use super::pagination::{Page, PageParams};
use super::respond::created_or_ok;
use super::{AppState, dates, db};
use crate::db::models;
use crate::domain::{LotId, LotSize, PartId, SupplierId};
use crate::service::Checks;
use crate::service::lots::{self as service, LotFilter, LotInput};
use crate::service::staleness::LotDecisionState;

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
    /// The lot has an inspection and either no decision or a stale one: what
    /// `list_lots?needs_decision=true` lists.
    pub needs_decision: bool,
    /// An inspection or correction was recorded (server time) after the lot's latest
    /// decision, which did not take it into account. Worked out when the lot is read.
    pub decision_stale: bool,
    /// Why the latest decision is stale: the first change it did not see, when it was
    /// recorded, and how many followed; `null` when it is not stale.
    #[schema(
        example = "inspection 6f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b recorded at 2026-12-03T09:41:07.512Z, after the lot's latest decision"
    )]
    pub stale_because: Option<String>,
}

impl LotView {
    fn new(l: models::Lot, decision: LotDecisionState) -> Self {
        LotView {
            id: l.id,
            part_id: l.part_id,
            supplier_id: l.supplier_id,
            lot_number: l.lot_number,
            lot_size: l.lot_size,
            produced_on: l.produced_on,
            created_at: l.created_at,
            needs_decision: decision.needs_decision,
            decision_stale: decision.stale_because.is_some(),
            stale_because: decision.stale_because,
        }
    }
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
    let location = format!("/api/v1/lots/{}", registered.lot.id);
    Ok(created_or_ok(
        registered.created,
        location,
        &LotView::new(registered.lot, registered.decision),
    ))
}

/// Read a lot.
///
/// `needs_decision`, `decision_stale` and `stale_because` are worked out at read time.
///
/// A token bound to a supplier reads only that supplier's lots: another supplier's lot
/// is answered 404, like a lot that does not exist.
#[utoipa::path(
    tag = "lots",
    params(("lot_id" = LotId, Path, description = "Id of the lot")),
    responses(
        (status = 200, description = "The lot", body = LotView),
        (status = 404, response = responses::NotFound),
        (status = 503, response = responses::Unavailable),
    )
)]
#[get("/lots/{lot_id}")]
pub async fn get_lot(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<LotId>,
) -> Result<web::Json<LotView>, ApiError> {
    let id = path.into_inner();
    let (lot, decision) = db(&state, move |conn| Ok(service::get(conn, &caller.0, id)?)).await?;
    Ok(web::Json(LotView::new(lot, decision)))
}

/// List lots, newest production date first, filtered by part, supplier and date.
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
    let filter = LotFilter {
        part_id: q.part_id,
        supplier_id: q.supplier_id,
        produced_from: q.produced_from,
        produced_to: q.produced_to,
        needs_decision: q.needs_decision.unwrap_or(false),
    };
    // One row more than the page tells whether there is a next one.
    let rows = db(&state, move |conn| {
        Ok(service::list(conn, &caller.0, &filter, after, limit + 1)?)
    })
    .await?;
    Ok(web::Json(Page::from_rows(
        rows,
        limit,
        |(l, _)| (l.produced_on, l.id.0),
        |(l, decision)| LotView::new(l, decision),
    )))
}
