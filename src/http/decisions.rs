//! Lot decisions: compute and store one (a new immutable revision each time), read one.

use actix_web::http::header::{self, ContentType};
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::access::Caller;
use super::error::{ApiError, responses};
use super::extract::{QueryParams, parse_json};
use super::{AppState, db};
use crate::cache::Listening;
use crate::decision::types::LotDecisionView;
use crate::domain::{DecisionId, LotId};
use crate::service::decisions::{self as decisions, Decided};
use crate::service::staleness::DecisionStaleness;

/// The optional body of `decide_lot`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"id": "1d2c3b4a-5e6f-4a7b-8c9d-0e1f2a3b4c5d"}))]
pub struct DecideLot {
    /// Optional client-generated id of the new revision: sending the same id again (a
    /// retry after a lost response) returns the stored revision instead of deciding again.
    pub id: Option<DecisionId>,
}

/// The body, when there is one: JSON naming the bad field, like every other body.
fn decide_body(req: &HttpRequest, body: &[u8]) -> Result<DecideLot, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(DecideLot::default());
    }
    let is_json = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .is_some_and(|v| v == "application/json" || v.ends_with("+json"));
    if !is_json {
        return Err(ApiError::unsupported_media_type(
            "the body must be JSON with Content-Type: application/json",
        ));
    }
    // No body is the empty body above; a JSON `null` is not the object the document
    // describes and is refused like any other wrong type.
    parse_json::<DecideLot>(body)
}

/// Decide a lot: compute its sampling decision from its current inspections and store it as a new revision.
///
/// Every call stores a new immutable revision (1, 2, ...); earlier revisions are kept.
/// With an `id` in the body, a retry returns the revision stored under that id (200).
/// The supplier and part's switching state and history are replayed and stored in the
/// same transaction, in lot order (production date, then lot id). Decisions of one
/// supplier and part are serialised by a row lock, so simultaneous decisions cannot
/// corrupt the history. A token bound to a supplier decides only that supplier's lots;
/// another supplier's lot is answered 404.
#[utoipa::path(
    tag = "decisions",
    params(("lot_id" = LotId, Path, description = "Id of the lot to decide")),
    request_body = Option<DecideLot>,
    responses(
        (status = 201, description = "The decision was computed and stored as a new revision", body = LotDecisionView),
        (status = 200, description = "A retry with the id of a stored revision: that revision, nothing new stored", body = LotDecisionView),
        (status = 400, response = responses::BadRequest),
        (status = 404, response = responses::NotFound),
        (status = 409, response = responses::Conflict),
        (status = 413, response = responses::PayloadTooLarge),
        (status = 415, response = responses::UnsupportedMediaType),
        (status = 422, response = responses::Unprocessable),
        (status = 503, response = responses::Unavailable),
    )
)]
#[post("/lots/{lot_id}/decision")]
pub async fn decide_lot(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<LotId>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let lot_id = path.into_inner();
    let wanted = decide_body(&req, &body)?.id;
    let decided = db(&state, move |conn| {
        Ok(decisions::decide(conn, &caller.0, lot_id, wanted)?)
    })
    .await?;
    // Committed: the lot's latest decision changed (here, or on another server that
    // took this request first), so cached documents go now rather than when the
    // notification arrives.
    state.decisions.forget_all();
    let location = |revision: i32| {
        (
            "Location",
            format!("/api/v1/lots/{lot_id}/decision?revision={revision}"),
        )
    };
    Ok(match decided {
        Decided::New(view) => HttpResponse::Created()
            .insert_header(location(view.revision))
            .json(view),
        // A retry gets the stored document as it was sent, like `get_lot_decision`.
        Decided::Stored(stored) => HttpResponse::Ok()
            .insert_header(location(stored.revision))
            .content_type(ContentType::json())
            .body(stored.document.0),
    })
}

/// Which revision to read.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DecisionQuery {
    /// A revision number (1, 2, ...); the latest when omitted.
    #[param(minimum = 1)]
    pub revision: Option<i32>,
}

/// Read the latest decision of a lot (or one revision of it).
///
/// The body is the decision exactly as stored when it was made; it never changes. Whether
/// it is stale (an inspection or correction of the lot was recorded after it, so it did
/// not take it into account) is worked out at each read and sent in the headers
/// `Decision-Stale` and, when stale, `Decision-Stale-Because`.
///
/// A token bound to a supplier reads only decisions of that supplier's lots; another
/// supplier's lot is answered 404.
#[utoipa::path(
    tag = "decisions",
    params(("lot_id" = LotId, Path, description = "Id of the lot"), DecisionQuery),
    responses(
        (status = 200, description = "The decision, exactly as stored", body = LotDecisionView,
            headers(
                ("Decision-Stale" = bool, description = "`true` when an inspection or correction of the lot was recorded after this decision, `false` otherwise"),
                ("Decision-Stale-Because" = String, description = "Only when stale: the first change the decision did not see, e.g. `inspection <id> recorded at <time>, after this decision`, and how many followed"),
            )),
        (status = 404, response = responses::NotFound),
        (status = 422, response = responses::Unprocessable),
        (status = 503, response = responses::Unavailable),
    )
)]
#[get("/lots/{lot_id}/decision")]
pub async fn get_lot_decision(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<LotId>,
    query: QueryParams<DecisionQuery>,
) -> Result<HttpResponse, ApiError> {
    let lot_id = path.into_inner();
    let revision = query.0.revision;
    if revision.is_some_and(|r| r < 1) {
        return Err(ApiError::invalid_field("revision", "revisions start at 1"));
    }
    // The stored document is the response (a serialised `LotDecisionView`): its text is
    // sent as PostgreSQL returns it, unparsed; the lot is looked up only to tell a
    // missing lot from an undecided one. Documents are kept in memory while the cache's
    // listener runs (stored decisions never change; a new one empties the cache).
    // Staleness changes without a new decision, so it is never cached: one small query
    // on the lot's and the revision's rows answers it at every read. The cache knows
    // nothing of suppliers, so a token bound to one always goes through the use case,
    // which checks the lot's supplier.
    let key = (lot_id, revision);
    let cached = match caller.0.supplier {
        None => state.decisions.get(&key),
        Some(_) => None,
    };
    if let Some(document) = cached {
        let stale = db(&state, move |conn| {
            Ok(decisions::staleness_of_read(conn, lot_id, revision)?)
        })
        .await?;
        return Ok(stored(document, &stale));
    }
    let epoch = state.decisions.epoch();
    let (decision, stale) = db(&state, move |conn| {
        Ok(decisions::document_with_staleness(
            conn, &caller.0, lot_id, revision,
        )?)
    })
    .await?;
    let document = web::Bytes::from(decision.0);
    state.decisions.put(key, document.clone(), epoch);
    Ok(stored(document, &stale))
}

/// A stored decision document as the answer, with its staleness in headers.
fn stored(document: web::Bytes, stale: &DecisionStaleness) -> HttpResponse {
    let mut response = HttpResponse::Ok();
    response.content_type(ContentType::json());
    match &stale.stale_because {
        Some(why) => response
            .insert_header(("Decision-Stale", "true"))
            .insert_header(("Decision-Stale-Because", why.as_str())),
        None => response.insert_header(("Decision-Stale", "false")),
    };
    response.body(document)
}
