//! Lot decisions: compute and store one (a new immutable revision each time), read one.

use super::access::Caller;
use crate::auth::Principal;
use crate::cache::Listening;
use crate::service::Found;
use crate::service::audit;
use actix_web::http::header::{self, ContentType};
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::Utc;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::error::{ApiError, responses};
use super::extract::{QueryParams, parse_json};
use super::switching::load_resumes;
use super::{AppState, db};
use crate::db::decisions::{self as decisions_db, NewLotDecision};
use crate::db::switching::{self as switching_db, EventRow, StateRow};
use crate::db::{characteristics as chars_db, lots as lots_db};
use crate::decision::replay::{Resume, lot_order, replay};
use crate::decision::types::{LotDecisionView, SwitchingSettingsView};
use crate::decision::{DecideInput, decide, inputs_snapshot};
use crate::domain::{DecisionId, LotId, PartId, SupplierId};

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
    // The document allows `null` for "no body", as an empty body is.
    parse_json::<Option<DecideLot>>(body).map(Option::unwrap_or_default)
}

/// Decide a lot: compute its sampling decision from its current inspections and store it as a new revision.
///
/// Every call stores a new immutable revision (1, 2, ...); earlier revisions are kept.
/// With an `id` in the body, a retry returns the revision stored under that id (200).
/// The supplier and part's switching state and history are replayed and stored in the
/// same transaction, in lot order (production date, then lot id). Decisions of one
/// supplier and part are serialised by a row lock, so simultaneous decisions cannot
/// corrupt the history.
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
    let (view, created) = db(&state, move |conn| {
        conn.build_transaction()
            .run(|conn| store(conn, &caller.0, lot_id, wanted))
    })
    .await?;
    // Committed: the lot's latest decision changed (here, or on another server that
    // took this request first), so cached documents go now rather than when the
    // notification arrives.
    state.decisions.forget_all();
    let mut res = if created {
        HttpResponse::Created()
    } else {
        HttpResponse::Ok()
    };
    Ok(res
        .insert_header((
            "Location",
            format!("/api/v1/lots/{lot_id}/decision?revision={}", view.revision),
        ))
        .json(view))
}

fn parse(value: serde_json::Value) -> Result<LotDecisionView, ApiError> {
    serde_json::from_value(value).map_err(ApiError::internal)
}

/// Computes the decision under the supplier and part's lock, stores it, and replays
/// the switching history with it. Returns the decision and whether it is new.
fn store(
    conn: &mut diesel::PgConnection,
    by: &Principal,
    lot_id: LotId,
    wanted: Option<DecisionId>,
) -> Result<(LotDecisionView, bool), ApiError> {
    let lot = lots_db::get(conn, lot_id).or_not_found("lot", lot_id)?;
    let (supplier, part) = (lot.supplier_id, lot.part_id);
    let settings = switching_db::lock(conn, supplier, part)?;
    // Under the lock, so a retry racing the original sees its committed revision.
    if let Some(id) = wanted
        && let Some(existing) = decisions_db::find(conn, id)?
    {
        if existing.lot_id != lot_id {
            return Err(ApiError::conflict(
                Some("id"),
                "a decision with this id is stored for another lot; use a new id",
            ));
        }
        return Ok((parse(existing.decision)?, false));
    }
    let settings = SwitchingSettingsView {
        production_steady: settings.production_steady,
        reduced_approved: settings.reduced_approved,
    };
    let characteristics = chars_db::of_part(conn, part)?;
    let stream = decisions_db::latest_of_stream(conn, supplier, part)?
        .into_iter()
        .map(parse)
        .collect::<Result<Vec<_>, _>>()?;
    let resumes = load_resumes(conn, supplier, part)?;
    let key = (lot.produced_on, lot.id);
    let earlier: Vec<LotDecisionView> = stream
        .iter()
        .filter(|d| lot_order(d) < key)
        .cloned()
        .collect();
    let resumed_earlier: Vec<Resume> = resumes.iter().filter(|r| r.after < key).cloned().collect();
    let earlier = replay(&earlier, &resumed_earlier);
    let current = decisions_db::current_inspections(conn, lot_id)?;
    let revision = decisions_db::latest_revision(conn, lot_id)?.unwrap_or(0) + 1;
    let input = DecideInput {
        id: wanted.unwrap_or_else(DecisionId::new_random),
        lot: &lot,
        revision,
        decided_at: Utc::now(),
        settings,
        characteristics: &characteristics,
        earlier: &earlier,
        current: &current,
    };
    let view = decide(&input).map_err(ApiError::internal)?;
    let inputs = inputs_snapshot(&input);
    let decision = serde_json::to_value(&view).map_err(ApiError::internal)?;
    decisions_db::insert(
        conn,
        &NewLotDecision {
            id: view.id,
            lot_id,
            revision,
            verdict: view.verdict.as_str(),
            inputs: &inputs,
            decision: &decision,
            decided_at: view.decided_at,
        },
    )?;
    let mut all: Vec<LotDecisionView> = stream.into_iter().filter(|d| d.lot_id != lot_id).collect();
    all.push(view.clone());
    all.sort_by_key(lot_order);
    store_history(conn, supplier, part, &all, &resumes)?;
    audit::write(
        conn,
        by,
        audit::Entry {
            action: "decide",
            entity: "lot_decision",
            id: view.id.to_string(),
            old: None,
            reason: None,
        },
        &decision,
    )?;
    Ok((view, true))
}

/// Replays the latest decisions of every lot (in lot order) and the resumes, and replaces
/// the stored switching state and history of the supplier and part with the result.
pub(super) fn store_history(
    conn: &mut diesel::PgConnection,
    supplier: SupplierId,
    part: PartId,
    decisions: &[LotDecisionView],
    resumes: &[Resume],
) -> Result<(), ApiError> {
    let (mut states, mut events) = (Vec::new(), Vec::new());
    for (characteristic_id, mut history) in replay(decisions, resumes) {
        for (k, s) in history.switches.drain(..).enumerate() {
            events.push(EventRow {
                supplier_id: supplier,
                part_id: part,
                characteristic_id,
                seq: k as i32 + 1,
                lot_id: s.lot_id,
                decision_id: s.decision_id,
                resume_id: s.resume_id,
                from_severity: s.from.as_str().into(),
                to_severity: s.to.as_str().into(),
                reason: s.reason,
            });
        }
        states.push(StateRow {
            supplier_id: supplier,
            part_id: part,
            characteristic_id,
            severity: history.severity().as_str().into(),
            state: serde_json::to_value(&history).map_err(ApiError::internal)?,
        });
    }
    Ok(switching_db::replace(
        conn, supplier, part, &states, &events,
    )?)
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
#[utoipa::path(
    tag = "decisions",
    params(("lot_id" = LotId, Path, description = "Id of the lot"), DecisionQuery),
    responses(
        (status = 200, description = "The decision, exactly as stored", body = LotDecisionView),
        (status = 404, response = responses::NotFound),
        (status = 422, response = responses::Unprocessable),
        (status = 503, response = responses::Unavailable),
    )
)]
#[get("/lots/{lot_id}/decision")]
pub async fn get_lot_decision(
    state: web::Data<AppState>,
    path: web::Path<LotId>,
    query: QueryParams<DecisionQuery>,
) -> Result<HttpResponse, ApiError> {
    let lot_id = path.into_inner();
    let revision = query.0.revision;
    if revision.is_some_and(|r| r < 1) {
        return Err(ApiError::invalid_field("revision", "revisions start at 1"));
    }
    // The stored document is the response (a serialised `LotDecisionView`): its text is
    // sent as PostgreSQL returns it, unparsed, after one query on the hot path; the lot
    // is looked up only to tell a missing lot from an undecided one. Documents are kept
    // in memory while the cache's listener runs (stored decisions never change; a new
    // one empties the cache).
    let key = (lot_id, revision);
    if let Some(document) = state.decisions.get(&key) {
        return Ok(HttpResponse::Ok()
            .content_type(ContentType::json())
            .body(document));
    }
    let epoch = state.decisions.epoch();
    let decision = db(&state, move |conn| {
        match decisions_db::decision_text(conn, lot_id, revision) {
            Ok(decision) => Ok(decision),
            Err(diesel::result::Error::NotFound) => {
                lots_db::get(conn, lot_id).or_not_found("lot", lot_id)?;
                Err(match revision {
                    Some(r) => {
                        ApiError::not_found("decision revision", format!("{r} of lot {lot_id}"))
                    }
                    None => ApiError::not_found("decision for the lot", lot_id),
                })
            }
            Err(other) => Err(other.into()),
        }
    })
    .await?;
    let document = web::Bytes::from(decision.0);
    state.decisions.put(key, document.clone(), epoch);
    Ok(HttpResponse::Ok()
        .content_type(ContentType::json())
        .body(document))
}
