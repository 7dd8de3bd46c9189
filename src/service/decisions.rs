//! Lot decisions: compute and store one (a new immutable revision each time) with its
//! switching outcome, replay the supplier and part's switching history with it, and read
//! a stored one.

mod drawn;

use std::collections::HashMap;

use chrono::Utc;
use diesel::PgConnection;

use super::staleness::{self, DecisionStaleness};
use super::switching::{store_tail, tail_before};
use super::{ServiceError, audit, scope};
use crate::auth::Principal;
use crate::db::characteristics as chars_db;
use crate::db::decisions::{self as decisions_db, JsonText, NewLotDecision, StoredDocument};
use crate::db::lots as lots_db;
use crate::db::resubmissions as resubmissions_db;
use crate::db::source_policies as source_policies_db;
use crate::db::switching as switching_db;
use crate::decision::outcome::DecidedLot;
use crate::decision::stored::outcome_rows;
use crate::decision::types::{Decider, LotDecisionView, SwitchingSettingsView};
use crate::decision::{DecideInput, decide as compute, inputs_snapshot};
use crate::domain::{DecisionId, InspectionId, LotId, ResubmissionId, WebhookEventType};
use crate::service::webhooks::events::LotDecided;

/// What `decide` did.
#[derive(Debug)]
pub enum Decided {
    /// A new revision, computed and stored now.
    New(Box<LotDecisionView>),
    /// A retry with the id of a stored revision: that revision, as stored, nothing new.
    Stored(StoredDocument),
}

/// Decides a lot: computes its decision from its current inspections under the supplier
/// and part's lock, stores it as a new revision with its outcome, and replays and stores
/// the switching history with it, all in one transaction. With `wanted`, the id of a
/// revision already stored for this lot, returns that revision instead.
pub fn decide(
    conn: &mut PgConnection,
    by: &Principal,
    lot_id: LotId,
    wanted: Option<DecisionId>,
) -> Result<Decided, ServiceError> {
    conn.build_transaction()
        .run(|conn| decide_locked(conn, by, lot_id, wanted))
}

fn decide_locked(
    conn: &mut PgConnection,
    by: &Principal,
    lot_id: LotId,
    wanted: Option<DecisionId>,
) -> Result<Decided, ServiceError> {
    let lot = scope::lot(conn, by, lot_id)?;
    let (supplier, part) = (lot.supplier_id, lot.part_id);
    let settings = switching_db::lock(conn, supplier, part)?;
    // The lot's inputs stay as read until this decision commits: a change recorded
    // meanwhile is counted after it and makes it stale (service::staleness).
    let lifecycle = lots_db::lock_lifecycle(conn, lot_id)?;
    // Under the lock, so a retry racing the original sees its committed revision.
    if let Some(id) = wanted
        && let Some(existing) = decisions_db::find(conn, id)?
    {
        if existing.lot_id != lot_id {
            return Err(ServiceError::conflict(
                Some("id"),
                "a decision with this id is stored for another lot; use a new id",
            ));
        }
        return Ok(Decided::Stored(existing));
    }
    super::lots::refuse_if_cancelled(lot_id, &lifecycle, "a decision")?;
    let settings = SwitchingSettingsView {
        production_steady: settings.production_steady,
        reduced_approved: settings.reduced_approved,
    };
    let characteristics = chars_db::of_part(conn, part)?;
    // Only the lots from the last checkpoint before this one are read and replayed: the
    // newest lot costs the same after five years as after a week.
    let key = (lot.produced_on, lot.id);
    let mut tail = tail_before(conn, supplier, part, Some(key))?;
    let earlier = tail.before(key);
    let current = decisions_db::current_inspections(conn, lot_id)?;
    let original_order = decisions_db::original_order(conn, lot_id)?;
    let resubmissions = resubmissions_db::of_lot(conn, lot_id)?;
    let resubmitted: HashMap<InspectionId, ResubmissionId> =
        resubmissions_db::linked_of_lot(conn, lot_id)?
            .into_iter()
            .collect();
    let revision = decisions_db::latest_revision(conn, lot_id)?.unwrap_or(0) + 1;
    // The policy in force now: a later change applies to later decisions only.
    let source_policy = source_policies_db::current(conn, supplier)?;
    let input = DecideInput {
        id: wanted.unwrap_or_else(DecisionId::new_random),
        lot: &lot,
        revision,
        decided_at: Utc::now(),
        settings,
        characteristics: &characteristics,
        earlier: &earlier,
        current: &current,
        original_order: &original_order,
        resubmissions: &resubmissions,
        resubmitted: &resubmitted,
        source_policy,
    };
    let mut view = compute(&input).map_err(ServiceError::internal)?;
    view.decider = Some(Decider {
        name: by.name.clone(),
        role: by.role,
    });
    drawn::compare_with_order(conn, lot_id, &mut view, &current)?;
    let inputs = inputs_snapshot(&input);
    let document = serde_json::to_value(&view).map_err(ServiceError::internal)?;
    decisions_db::insert(
        conn,
        &NewLotDecision {
            id: view.id,
            lot_id,
            revision,
            verdict: view.verdict.as_str(),
            inputs: &inputs,
            decision: &document,
            decided_at: view.decided_at,
        },
    )?;
    let decided = DecidedLot::of(&view);
    let (outcome, characteristic_outcomes) =
        outcome_rows(&decided).map_err(ServiceError::internal)?;
    decisions_db::insert_outcome(conn, &outcome, &characteristic_outcomes)?;
    tail.with_decided(decided);
    store_tail(conn, supplier, part, &tail)?;
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
        &document,
    )?;
    super::webhooks::emit(
        conn,
        WebhookEventType::LotDecided,
        &LotDecided {
            decision_id: view.id,
            lot_id,
            lot_number: lot.lot_number.clone(),
            part_id: part,
            supplier_id: supplier,
            revision,
            verdict: view.verdict,
            decided_at: view.decided_at,
        },
    )?;
    super::ncrs::open_for_decision(conn, by, &lot, &view, &current)?;
    Ok(Decided::New(Box::new(view)))
}

/// The stored document of one revision of a lot's decision (the latest when `revision`
/// is `None`), as JSON text, unparsed: it is the answer as first sent. A token bound to
/// a supplier gets the lot checked first (one more query); another supplier's lot is
/// not found.
pub fn document(
    conn: &mut PgConnection,
    by: &Principal,
    lot_id: LotId,
    revision: Option<i32>,
) -> Result<JsonText, ServiceError> {
    if by.supplier.is_some() {
        scope::lot(conn, by, lot_id)?;
    }
    match decisions_db::decision_text(conn, lot_id, revision) {
        Ok(document) => Ok(document),
        // The lot is looked up only now, to tell a missing lot from an undecided one:
        // the hot path makes one query.
        Err(diesel::result::Error::NotFound) => {
            scope::lot(conn, by, lot_id)?;
            Err(match revision {
                Some(r) => {
                    ServiceError::not_found("decision revision", format!("{r} of lot {lot_id}"))
                }
                None => ServiceError::not_found("decision for the lot", lot_id),
            })
        }
        Err(other) => Err(other.into()),
    }
}

/// [`document`], and whether that revision is stale (one more query, two when it is).
pub fn document_with_staleness(
    conn: &mut PgConnection,
    by: &Principal,
    lot_id: LotId,
    revision: Option<i32>,
) -> Result<(JsonText, DecisionStaleness), ServiceError> {
    let document = document(conn, by, lot_id, revision)?;
    let stale = staleness::of_decision(conn, lot_id, revision)?;
    Ok((document, stale))
}

/// Whether a revision that exists (its document was read before, by a caller that may
/// read it) is stale: for a document served from memory.
pub fn staleness_of_read(
    conn: &mut PgConnection,
    lot_id: LotId,
    revision: Option<i32>,
) -> Result<DecisionStaleness, ServiceError> {
    staleness::of_decision(conn, lot_id, revision)
}
