//! Nonconformance reports: opened by a decision that does not accept a lot, or by a
//! reviewer for units rejected individually; read, listed, changed (with If-Match) and
//! closed with a verification. The use cases are in `service::ncrs`.

use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::access::Caller;
use super::error::{ApiError, responses};
use super::etag;
use super::extract::{JsonBody, QueryParams};
use super::pagination::{Page, PageParams};
use super::{AppState, db};
use crate::db::ncrs::NcrFilter;
use crate::domain::{
    CharacteristicId, DecisionId, Disposition, InspectionId, LotId, LotStatus, NcrId, NcrStatus,
    PartId, PhotoId, SupplierId,
};
use crate::service::ncrs::{self as service, Closure, NcrChange, NcrRecord, OpenInput};

/// A report a reviewer opens for the units of a lot rejected individually.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "description": "Three clips with flash at the parting line found in the in-house sample of an accepted lot.",
    "containment": "Rejected units quarantined in cage Q2; supplier informed."}))]
pub struct OpenNcr {
    /// What was found (not blank, at most 4000 characters).
    #[schema(
        min_length = 1,
        max_length = 4000,
        pattern = r"[^\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
    )]
    pub description: String,
    /// What was done to contain it so far (at most 4000 characters).
    #[serde(default)]
    #[schema(max_length = 4000)]
    pub containment: String,
}

/// A change of an open report: the fields given change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "containment": "Lot held in quarantine; supplier sorting at their cost, 100% visual check.",
    "reason": "Supplier confirmed the sorting plan."}))]
pub struct UpdateNcr {
    /// A new description (1-4000 characters).
    #[schema(
        min_length = 1,
        max_length = 4000,
        pattern = r"[^\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
    )]
    pub description: Option<String>,
    /// A new containment (at most 4000 characters).
    #[schema(max_length = 4000)]
    pub containment: Option<String>,
    /// Why (not blank, at most 2000 characters); kept in the audit trail.
    #[schema(
        min_length = 1,
        max_length = 2000,
        pattern = r"[^\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
    )]
    pub reason: String,
}

/// The closure of a report with its verification: a note, a re-inspection of the lot,
/// or both.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "verification_inspection_id": "3f1c2b4a-5d6e-4f70-8a9b-0c1d2e3f4a5b",
    "verification_note": "Re-inspection of 50 units after sorting: no flash found.",
    "reason": "Containment effective; supplier's corrective action accepted."}))]
pub struct CloseNcr {
    /// What verified that the nonconformity is dealt with (not blank when given, at most
    /// 2000 characters).
    #[schema(
        min_length = 1,
        max_length = 2000,
        pattern = r"[^\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
    )]
    pub verification_note: Option<String>,
    /// A re-inspection of the report's lot, recorded after the report was opened.
    pub verification_inspection_id: Option<InspectionId>,
    /// Why the report is closed (not blank, at most 2000 characters).
    #[schema(
        min_length = 1,
        max_length = 2000,
        pattern = r"[^\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
    )]
    pub reason: String,
}

/// A nonconformance report.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "4e5f6071-8293-4a4b-9c5d-6e7f8091a2b3", "number": "NCR-2026-0001",
    "lot_id": "5a3e1f0c-8d2b-4c1e-9f3a-2b7c6d5e4f10", "lot_number": "L-2026-118",
    "part_id": "7d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6", "supplier_id": "1f2e3d4c-5b6a-4978-8a6b-5c4d3e2f1a0b",
    "lot_status": "not_accepted", "disposition": null,
    "decision_id": "6f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b",
    "characteristic_ids": ["9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b"], "quantity_nonconforming": 3,
    "defect_codes": [{"code": "flash", "count": 2}, {"code": "short-shot", "count": 1}],
    "photo_ids": [], "description": "Lot L-2026-118 not accepted by decision revision 1 (ISO 2859-1 7.5): ...",
    "containment": "", "status": "open", "opened_at": "2026-12-03T10:00:00Z", "opened_by": "lotgate",
    "closed_at": null, "closed_by": null, "verification_note": null, "verification_inspection_id": null,
    "changes": [{"at": "2026-12-03T10:00:00Z", "by": "QA tablet", "action": "open",
        "reason": "decision 6f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b did not accept the lot"}]}))]
pub struct NcrView {
    /// Id of the report.
    pub id: NcrId,
    /// Its number, `NCR-<year>-<nnnn>`, counted per year.
    pub number: String,
    /// The lot.
    pub lot_id: LotId,
    /// The supplier's lot number.
    pub lot_number: String,
    /// The lot's part.
    pub part_id: PartId,
    /// The lot's supplier.
    pub supplier_id: SupplierId,
    /// Where the lot stands now.
    pub lot_status: LotStatus,
    /// The disposition recorded for the lot, if any (ISO 2859-1 7.5).
    pub disposition: Option<Disposition>,
    /// The decision that opened it; null when a reviewer opened it.
    pub decision_id: Option<DecisionId>,
    /// The characteristics found nonconforming.
    pub characteristic_ids: Vec<CharacteristicId>,
    /// Distinct units found nonconforming (a unit with a serial counts once).
    pub quantity_nonconforming: i32,
    /// Defect codes on the nonconforming attribute results, most frequent first.
    pub defect_codes: Vec<CodeTallyView>,
    /// Photos of the nonconforming attribute results.
    pub photo_ids: Vec<PhotoId>,
    /// What was found.
    pub description: String,
    /// What was done to contain it.
    pub containment: String,
    /// `open` or `closed`.
    pub status: NcrStatus,
    /// When it was opened (RFC 3339, UTC).
    pub opened_at: DateTime<Utc>,
    /// Who opened it: `lotgate` for a decision, else the reviewer's token holder.
    pub opened_by: String,
    /// When it was closed.
    pub closed_at: Option<DateTime<Utc>>,
    /// Who closed it.
    pub closed_by: Option<String>,
    /// The verification note of the closure.
    pub verification_note: Option<String>,
    /// The re-inspection that verified the closure.
    pub verification_inspection_id: Option<InspectionId>,
    /// What changed the report, oldest first, from the audit trail: opened, updated,
    /// closed, each with who, when and the reason. Left out in a list.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changes: Option<Vec<NcrChangeView>>,
}

/// One change of a report.
#[derive(Debug, Serialize, ToSchema)]
pub struct NcrChangeView {
    /// When (RFC 3339, UTC).
    pub at: DateTime<Utc>,
    /// Who: the token's holder (a decision's report is opened by whoever decided).
    pub by: String,
    /// `open`, `update` or `close`.
    pub action: String,
    /// The reason given.
    pub reason: Option<String>,
}

/// How often a defect code was found on the reported units.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CodeTallyView {
    /// The code.
    pub code: String,
    /// Nonconforming attribute results carrying it.
    pub count: i64,
}

impl NcrView {
    fn of(r: NcrRecord) -> Result<Self, ApiError> {
        let NcrRecord {
            ncr: n,
            lot,
            changes,
        } = r;
        let defect_codes: Vec<CodeTallyView> =
            serde_json::from_value(n.defect_codes).map_err(ApiError::internal)?;
        Ok(NcrView {
            id: n.id,
            number: n.number,
            lot_id: n.lot_id,
            lot_number: lot.lot_number,
            part_id: lot.part_id,
            supplier_id: lot.supplier_id,
            lot_status: lot.status.parse().map_err(ApiError::internal)?,
            disposition: lot
                .disposition
                .map(|d| d.parse())
                .transpose()
                .map_err(ApiError::internal)?,
            decision_id: n.decision_id,
            characteristic_ids: n.characteristic_ids,
            quantity_nonconforming: n.quantity_nonconforming,
            defect_codes,
            photo_ids: n.photo_ids,
            description: n.description,
            containment: n.containment,
            status: n.status,
            opened_at: n.opened_at,
            opened_by: n.opened_by,
            closed_at: n.closed_at,
            closed_by: n.closed_by,
            verification_note: n.verification_note,
            verification_inspection_id: n.verification_inspection_id,
            changes: changes.map(|events| {
                events
                    .into_iter()
                    .map(|e| NcrChangeView {
                        at: e.at,
                        by: e.actor,
                        action: e.action,
                        reason: e.reason,
                    })
                    .collect()
            }),
        })
    }
}

/// Open a nonconformance report for the units of a lot rejected individually (ISO 2859-1 6.4).
///
/// For the nonconforming units of an accepted lot (a lot not accepted gets one from
/// its decision, 7.5). The report names every unit its current inspections found
/// nonconforming, with their characteristics, defect codes and photos. 409 when they
/// found none, or when the lot is not accepted and already has an open report.
#[utoipa::path(
    tag = "ncrs",
    params(("lot_id" = LotId, Path, description = "Id of the lot")),
    request_body = OpenNcr,
    responses(
        (status = 201, description = "The report was opened", body = NcrView),
        (status = 400, response = responses::BadRequest),
        (status = 404, response = responses::NotFound),
        (status = 409, response = responses::Conflict),
        (status = 413, response = responses::PayloadTooLarge),
        (status = 415, response = responses::UnsupportedMediaType),
        (status = 422, response = responses::Unprocessable),
        (status = 503, response = responses::Unavailable),
    )
)]
#[post("/lots/{lot_id}/ncrs")]
pub async fn open_ncr(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<LotId>,
    body: JsonBody<OpenNcr>,
) -> Result<HttpResponse, ApiError> {
    let (lot_id, req) = (path.into_inner(), body.0);
    let input = OpenInput {
        description: req.description,
        containment: req.containment,
    };
    let opened = db(&state, move |conn| {
        Ok(service::open_manual(conn, &caller.0, lot_id, &input)?)
    })
    .await?;
    let view = NcrView::of(opened)?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/ncrs/{}", view.id)))
        .json(view))
}

/// Read a nonconformance report, with its lot's status and disposition.
///
/// A token bound to a supplier reads only reports of that supplier's lots.
#[utoipa::path(
    tag = "ncrs",
    params(("ncr_id" = NcrId, Path, description = "Id of the report")),
    responses(
        (status = 200, description = "The report", body = NcrView,
            headers(("ETag" = String, description = "Strong ETag; send it as If-Match to change the report"))),
        (status = 404, response = responses::NotFound),
        (status = 503, response = responses::Unavailable),
    )
)]
#[get("/ncrs/{ncr_id}")]
pub async fn get_ncr(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<NcrId>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let record = db(&state, move |conn| Ok(service::get(conn, &caller.0, id)?)).await?;
    etag::tagged(&NcrView::of(record)?)
}

/// Filters and page of `list_ncrs`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListNcrsQuery {
    /// Only reports `open` or `closed`.
    pub status: Option<NcrStatus>,
    /// Only reports of lots of this supplier.
    pub supplier_id: Option<SupplierId>,
    /// Only reports of lots of this part.
    pub part_id: Option<PartId>,
    /// Only reports of this lot.
    pub lot_id: Option<LotId>,
    /// How many reports to return, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page; omit for the first page.
    pub cursor: Option<String>,
}

/// List nonconformance reports, newest first.
///
/// A token bound to a supplier lists only reports of that supplier's lots (with
/// `supplier_id` of another supplier, none).
#[utoipa::path(
    tag = "ncrs",
    params(ListNcrsQuery),
    responses(
        (status = 200, description = "One page of reports", body = Page<NcrView>),
        (status = 422, response = responses::Unprocessable),
        (status = 503, response = responses::Unavailable),
    )
)]
#[get("/ncrs")]
pub async fn list_ncrs(
    state: web::Data<AppState>,
    caller: Caller,
    query: QueryParams<ListNcrsQuery>,
) -> Result<web::Json<Page<NcrView>>, ApiError> {
    let q = query.0;
    let page = PageParams {
        limit: q.limit,
        cursor: q.cursor,
    };
    let (limit, after) = (page.limit()?, page.after()?);
    let filter = NcrFilter {
        status: q.status,
        supplier_id: q.supplier_id,
        part_id: q.part_id,
        lot_id: q.lot_id,
    };
    let rows = db(&state, move |conn| {
        Ok(service::list(conn, &caller.0, filter, after, limit + 1)?)
    })
    .await?;
    let page = Page::from_rows(rows, limit, |r| (r.ncr.opened_at, r.ncr.id.0), |r| r);
    let items = page
        .items
        .into_iter()
        .map(NcrView::of)
        .collect::<Result<_, _>>()?;
    Ok(web::Json(Page {
        items,
        next_cursor: page.next_cursor,
    }))
}

/// Change an open report's description or containment, with a reason.
///
/// Needs `If-Match` with the ETag of `get_ncr`. A closed report is not changed (409).
#[utoipa::path(
    tag = "ncrs",
    params(
        ("ncr_id" = NcrId, Path, description = "Id of the report"),
        ("If-Match" = String, Header, description = "The ETag from reading the report"),
    ),
    request_body = UpdateNcr,
    responses(
        (status = 200, description = "The changed report", body = NcrView,
            headers(("ETag" = String, description = "Strong ETag of the changed report"))),
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
#[patch("/ncrs/{ncr_id}")]
pub async fn update_ncr(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<NcrId>,
    request: HttpRequest,
    body: JsonBody<UpdateNcr>,
) -> Result<HttpResponse, ApiError> {
    let (id, req) = (path.into_inner(), body.0);
    let if_match = etag::required(&request)?;
    let change = NcrChange {
        description: req.description,
        containment: req.containment,
        reason: req.reason,
    };
    let unchanged = move |current: &NcrRecord| {
        let view = NcrView::of(current.clone())
            .map_err(|e| crate::service::ServiceError::internal(e.to_string()))?;
        etag::precondition(&if_match, &view)
    };
    let record = db(&state, move |conn| {
        Ok(service::update(conn, &caller.0, id, &change, unchanged)?)
    })
    .await?;
    etag::tagged(&NcrView::of(record)?)
}

/// Close a nonconformance report with its verification.
///
/// The verification is a note, a re-inspection of the report's lot recorded after the
/// report was opened (`verification_inspection_id`), or both: neither is a 422, an
/// inspection of another lot or from before the report a 422 naming it. A closed report
/// is not closed again (409).
#[utoipa::path(
    tag = "ncrs",
    params(("ncr_id" = NcrId, Path, description = "Id of the report")),
    request_body = CloseNcr,
    responses(
        (status = 200, description = "The closed report", body = NcrView),
        (status = 400, response = responses::BadRequest),
        (status = 404, response = responses::NotFound),
        (status = 409, response = responses::Conflict),
        (status = 413, response = responses::PayloadTooLarge),
        (status = 415, response = responses::UnsupportedMediaType),
        (status = 422, response = responses::Unprocessable),
        (status = 503, response = responses::Unavailable),
    )
)]
#[post("/ncrs/{ncr_id}/closure")]
pub async fn close_ncr(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<NcrId>,
    body: JsonBody<CloseNcr>,
) -> Result<web::Json<NcrView>, ApiError> {
    let (id, req) = (path.into_inner(), body.0);
    let closure = Closure {
        verification_note: req.verification_note,
        verification_inspection_id: req.verification_inspection_id,
        reason: req.reason,
    };
    let record = db(&state, move |conn| {
        Ok(service::close(conn, &caller.0, id, &closure)?)
    })
    .await?;
    Ok(web::Json(NcrView::of(record)?))
}
