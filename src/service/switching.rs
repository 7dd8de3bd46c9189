//! ISO 2859-1 switching rules per supplier, part and characteristic: the settings a
//! reviewer controls, the replayed history and its stored state, and the resume of
//! sampling after discontinuation (9.4).
//!
//! The history is recomputed from the stored outcomes of the latest decision of every lot
//! and the resumes, under the supplier and part's row lock, from the last checkpoint
//! before the earliest lot a change touches ([`crate::decision::checkpoint`]), and
//! replaces what was stored from there: decisions ([`super::decisions`]), lot changes
//! and resumes all go through [`tail_before`] and [`store_tail`].

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use diesel::PgConnection;
use serde::Serialize;

use super::{Checks, Found, ServiceError, audit, scope};
use crate::auth::Principal;
use crate::db::switching::CheckpointRow;
use crate::db::switching::{self as switching_db, EventRow, ResumeRow, Settings, StateRow};
use crate::db::{
    characteristics as chars_db, decisions as decisions_db, parts as parts_db,
    suppliers as suppliers_db,
};
use crate::decision::checkpoint::{Checkpoint, CheckpointDocument, Tail};
use crate::decision::replay::{CharacteristicHistory, LotOrder, Resume};
use crate::decision::stored::{SwitchingStateDocument, decided_lot};
use crate::decision::types::SwitchingSeverity;
use crate::domain::{CharacteristicId, DecisionId, LotId, PartId, ResumeId, SupplierId};

/// Longest resume `reason` accepted, in characters.
pub const REASON_MAX: usize = 2000;

/// New switching settings of a supplier and part.
#[derive(Debug, Clone, Copy)]
pub struct SettingsInput {
    pub part_id: PartId,
    /// Production is at a steady rate (ISO 2859-1 9.3.3 b).
    pub production_steady: bool,
    /// The responsible authority approves reduced inspection (9.3.3 c).
    pub reduced_approved: bool,
}

/// Stores the settings of a supplier and part, for the decisions made from now on (each
/// decision keeps the settings it used).
pub fn set_settings(
    conn: &mut PgConnection,
    by: &Principal,
    supplier: SupplierId,
    input: SettingsInput,
) -> Result<Settings, ServiceError> {
    let part = input.part_id;
    scope::supplier(by, supplier)?;
    conn.build_transaction().run(|conn| {
        suppliers_db::get(conn, supplier).or_not_found("supplier", supplier)?;
        parts_db::get(conn, part).or_unknown("part_id", "part", part)?;
        let before = switching_db::lock(conn, supplier, part)?;
        let stored = switching_db::set(
            conn,
            supplier,
            part,
            input.production_steady,
            input.reduced_approved,
        )?;
        let entry = audit::Entry {
            action: "update",
            entity: "switching_settings",
            id: format!("{supplier}/{part}"),
            old: Some(serde_json::to_value(&before).map_err(ServiceError::internal)?),
            reason: None,
        };
        audit::write(conn, by, entry, &stored)?;
        Ok(stored)
    })
}

/// One switch of severity as stored, with its lot's number and production date.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedSwitch {
    pub lot_id: LotId,
    pub lot_number: String,
    pub produced_on: NaiveDate,
    pub decision_id: Option<DecisionId>,
    pub resume_id: Option<ResumeId>,
    pub from: SwitchingSeverity,
    pub to: SwitchingSeverity,
    pub reason: String,
}

/// The switching state and history of one characteristic.
#[derive(Debug, Clone)]
pub struct CharacteristicSwitching {
    pub characteristic_id: CharacteristicId,
    pub name: String,
    /// Where it stands (a fresh normal state when nothing was decided yet).
    pub history: CharacteristicHistory,
    /// Every switch, oldest first.
    pub switches: Vec<RecordedSwitch>,
}

/// The switching state of a supplier and part.
#[derive(Debug, Clone)]
pub struct SwitchingReport {
    /// The stored settings; `None` while nothing was stored (the defaults apply).
    pub settings: Option<Settings>,
    /// One entry per characteristic of the part, in the order they were defined.
    pub characteristics: Vec<CharacteristicSwitching>,
}

fn severity(text: &str) -> Result<SwitchingSeverity, ServiceError> {
    SwitchingSeverity::parse(text)
        .ok_or_else(|| ServiceError::internal(format!("impossible stored severity '{text}'")))
}

/// Reads the switching state and history of a supplier and part, if `by` may see the
/// supplier.
pub fn get(
    conn: &mut PgConnection,
    by: &Principal,
    supplier: SupplierId,
    part: PartId,
) -> Result<SwitchingReport, ServiceError> {
    scope::supplier(by, supplier)?;
    suppliers_db::get(conn, supplier).or_not_found("supplier", supplier)?;
    parts_db::get(conn, part).or_unknown("part_id", "part", part)?;
    let settings = switching_db::settings(conn, supplier, part)?;
    let states = switching_db::states(conn, supplier, part)?;
    let events = switching_db::events(conn, supplier, part)?;
    let mut characteristics = Vec::new();
    for c in chars_db::of_part(conn, part)? {
        let state = states.iter().find(|s| s.characteristic_id == c.id);
        let history = history_of(c.id, state.map(|s| s.state.clone()))?;
        let switches = events
            .iter()
            .filter(|(e, _, _)| e.characteristic_id == c.id)
            .map(|(e, lot_number, produced_on)| {
                Ok(RecordedSwitch {
                    lot_id: e.lot_id,
                    lot_number: lot_number.clone(),
                    produced_on: *produced_on,
                    decision_id: e.decision_id,
                    resume_id: e.resume_id,
                    from: severity(&e.from_severity)?,
                    to: severity(&e.to_severity)?,
                    reason: e.reason.clone(),
                })
            })
            .collect::<Result<Vec<_>, ServiceError>>()?;
        characteristics.push(CharacteristicSwitching {
            characteristic_id: c.id,
            name: c.name,
            history,
            switches,
        });
    }
    Ok(SwitchingReport {
        settings,
        characteristics,
    })
}

/// A characteristic's switching history from its stored state; without one (no lot
/// decided yet) it is at the start, under normal inspection.
pub(super) fn history_of(
    characteristic: CharacteristicId,
    state: Option<serde_json::Value>,
) -> Result<CharacteristicHistory, ServiceError> {
    match state {
        Some(state) => {
            SwitchingStateDocument::read(characteristic, state).map_err(ServiceError::internal)
        }
        None => Ok(CharacteristicHistory::default()),
    }
}

/// A reviewer's resume of sampling of one characteristic after discontinuation.
#[derive(Debug, Clone)]
pub struct ResumeInput {
    pub part_id: PartId,
    pub characteristic_id: CharacteristicId,
    /// What the supplier corrected (not blank, at most [`REASON_MAX`] characters).
    pub reason: String,
}

/// A stored resume, with the lot after which it takes effect. Also its audit value.
#[derive(Debug, Clone, Serialize)]
pub struct Resumed {
    pub id: ResumeId,
    pub supplier_id: SupplierId,
    pub part_id: PartId,
    pub characteristic_id: CharacteristicId,
    /// The latest decided lot when the resume was recorded.
    pub after_lot_id: LotId,
    pub after_lot_number: String,
    pub reason: String,
    /// Severity for the lots after it: tightened (ISO 2859-1 9.4).
    pub severity: SwitchingSeverity,
    pub recorded_at: DateTime<Utc>,
}

/// Resumes sampling on tightened inspection after discontinuation (ISO 2859-1 9.4), for
/// the lots after the latest decided lot. Under the supplier and part's lock (the one
/// decisions take): refused (conflict) unless the characteristic is discontinued after
/// that lot; stores the resume and replays the history with it.
pub fn resume(
    conn: &mut PgConnection,
    by: &Principal,
    supplier: SupplierId,
    input: ResumeInput,
) -> Result<Resumed, ServiceError> {
    scope::supplier(by, supplier)?;
    let mut checks = Checks::new();
    checks.text("reason", &input.reason, REASON_MAX);
    checks.finish()?;
    let (part, characteristic) = (input.part_id, input.characteristic_id);
    conn.build_transaction().run(|conn| {
        suppliers_db::get(conn, supplier).or_not_found("supplier", supplier)?;
        parts_db::get(conn, part).or_unknown("part_id", "part", part)?;
        switching_db::lock(conn, supplier, part)?;
        let name = chars_db::of_part(conn, part)?
            .into_iter()
            .find(|c| c.id == characteristic)
            .map(|c| c.name)
            .ok_or_else(|| {
                ServiceError::unknown_reference(
                    "characteristic_id",
                    "characteristic of this part",
                    characteristic,
                )
            })?;
        let mut tail = tail_before(conn, supplier, part, None)?;
        let severity = tail
            .replay()
            .histories
            .get(&characteristic)
            .map_or(SwitchingSeverity::Normal, CharacteristicHistory::severity);
        let last = tail.lots.last().map_or_else(
            || {
                tail.base
                    .as_ref()
                    .map(|b| (b.order(), b.lot_number.clone()))
            },
            |d| Some((d.order(), d.lot_number.clone())),
        );
        let (last_order, last_number) = match last {
            Some(last) if severity == SwitchingSeverity::Discontinued => last,
            _ => {
                return Err(ServiceError::conflict(
                    Some("characteristic_id"),
                    format!(
                        "sampling inspection of '{name}' is not discontinued (the next lot is \
                         on {} inspection): ISO 2859-1 9.4 resumes sampling only after it was \
                         discontinued",
                        severity.as_str()
                    ),
                ));
            }
        };
        let row = switching_db::insert_resume(
            conn,
            &ResumeRow {
                id: ResumeId::new_random(),
                supplier_id: supplier,
                part_id: part,
                characteristic_id: characteristic,
                after_lot_id: last_order.1,
                reason: input.reason.clone(),
                recorded_at: Utc::now(),
            },
        )?;
        tail.resumes.push(Resume {
            id: row.id,
            characteristic_id: characteristic,
            after: last_order,
            reason: row.reason.clone(),
        });
        store_tail(conn, supplier, part, &tail)?;
        let resumed = Resumed {
            id: row.id,
            supplier_id: row.supplier_id,
            part_id: row.part_id,
            characteristic_id: row.characteristic_id,
            after_lot_id: row.after_lot_id,
            after_lot_number: last_number,
            reason: row.reason,
            severity: SwitchingSeverity::Tightened,
            recorded_at: row.recorded_at,
        };
        let entry = audit::Entry {
            action: "resume",
            entity: "switching",
            id: resumed.id.to_string(),
            old: None,
            reason: Some(resumed.reason.as_str()),
        };
        audit::write(conn, by, entry, &resumed)?;
        Ok(resumed)
    })
}

/// What a replay of a supplier and part reads from the last switching checkpoint before
/// `key` in lot order (the last of all when `key` is `None`) on: the checkpoint, the
/// outcome of the latest decision of every decided lot after it, in lot order, and the
/// resumes placed at or after it. Without a checkpoint (nothing decided before `key`, or
/// a history decided before checkpoints were kept), everything from the first lot.
pub(crate) fn tail_before(
    conn: &mut PgConnection,
    supplier: SupplierId,
    part: PartId,
    key: Option<LotOrder>,
) -> Result<Tail, ServiceError> {
    let base = match switching_db::checkpoint_before(conn, supplier, part, key)? {
        Some((row, lot_number)) => Some(Checkpoint {
            lot_id: row.lot_id,
            lot_number,
            produced_on: row.produced_on,
            decision_id: row.decision_id,
            histories: CheckpointDocument::read(row.lot_id, row.histories)
                .map_err(ServiceError::internal)?,
        }),
        None => None,
    };
    let start = base.as_ref().map(Checkpoint::order);
    let lots = decisions_db::latest_outcomes_of_stream(conn, supplier, part, start)?
        .into_iter()
        .map(|rows| decided_lot(rows).map_err(ServiceError::internal))
        .collect::<Result<Vec<_>, _>>()?;
    let resumes = switching_db::resumes(conn, supplier, part)?
        .into_iter()
        .map(|(r, produced_on)| Resume {
            id: r.id,
            characteristic_id: r.characteristic_id,
            after: (produced_on, r.after_lot_id),
            reason: r.reason,
        })
        .filter(|r| start.is_none_or(|s| r.after >= s))
        .collect();
    Ok(Tail {
        base,
        lots,
        resumes,
    })
}

/// The switching history of each characteristic of the lot's supplier and part before
/// the lot, from what is stored now. A decision of that lot judges at the severity this
/// gives.
pub(crate) fn history_before(
    conn: &mut PgConnection,
    lot: &crate::db::models::Lot,
) -> Result<HashMap<CharacteristicId, CharacteristicHistory>, ServiceError> {
    let key = (lot.produced_on, lot.id);
    Ok(tail_before(conn, lot.supplier_id, lot.part_id, Some(key))?.before(key))
}

/// Replays the tail (the lots and resumes after its checkpoint) and replaces the stored
/// switching state, history and checkpoints of the supplier and part from its checkpoint
/// on with the result. Call under the lock ([`switching_db::lock`]).
pub(crate) fn store_tail(
    conn: &mut PgConnection,
    supplier: SupplierId,
    part: PartId,
    tail: &Tail,
) -> Result<(), ServiceError> {
    let replayed = tail.replay();
    let (mut states, mut events) = (Vec::new(), Vec::new());
    for (characteristic_id, mut history) in replayed.histories {
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
        let state = serde_json::to_value(SwitchingStateDocument::of(&history))
            .map_err(ServiceError::internal)?;
        states.push(StateRow {
            supplier_id: supplier,
            part_id: part,
            characteristic_id,
            severity: history.severity().as_str().into(),
            state,
        });
    }
    let checkpoints = replayed
        .checkpoints
        .iter()
        .map(|c| {
            Ok(CheckpointRow {
                supplier_id: supplier,
                part_id: part,
                produced_on: c.produced_on,
                lot_id: c.lot_id,
                decision_id: c.decision_id,
                histories: serde_json::to_value(CheckpointDocument::of(&c.histories))
                    .map_err(ServiceError::internal)?,
            })
        })
        .collect::<Result<Vec<_>, ServiceError>>()?;
    Ok(switching_db::replace_from(
        conn,
        supplier,
        part,
        tail.start(),
        &states,
        &checkpoints,
        events,
    )?)
}
