//! Lot decisions: immutable revisions (the database refuses UPDATE and DELETE), the
//! inputs they are computed from, and their outcome as the switching replay reads it.
//!
//! A revision is stored twice over, in one transaction: `lot_decisions.decision` is the
//! API document as first answered, sent again byte for byte and never parsed by the
//! server; `decision_outcomes` and `decision_characteristic_outcomes` hold, in typed
//! columns, what the switching replay needs of it.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::pg::{Pg, PgValue};
use diesel::prelude::*;
use diesel::sql_types::Jsonb;

use super::inspections::{self, InspectionRows};
use super::models::Inspection;
use super::schema::{decision_characteristic_outcomes, decision_outcomes, lot_decisions, lots};
use std::collections::HashMap;

use crate::domain::{CharacteristicId, DecisionId, InspectionId, LotId, PartId, SupplierId};

/// The channel a new stored decision is announced on (trigger `lot_decisions_added`).
pub const CHANGES_CHANNEL: &str = "lotgate_decisions";

/// A new revision; `decision` is the API document as answered.
#[derive(Debug, Insertable)]
#[diesel(table_name = lot_decisions)]
pub struct NewLotDecision<'a> {
    pub id: DecisionId,
    pub lot_id: LotId,
    pub revision: i32,
    pub verdict: &'a str,
    pub inputs: &'a serde_json::Value,
    pub decision: &'a serde_json::Value,
    pub decided_at: DateTime<Utc>,
}

pub fn insert(conn: &mut PgConnection, new: &NewLotDecision<'_>) -> QueryResult<()> {
    diesel::insert_into(lot_decisions::table)
        .values(new)
        .execute(conn)
        .map(|_| ())
}

/// The highest revision stored for the lot, if any.
pub fn latest_revision(conn: &mut PgConnection, lot: LotId) -> QueryResult<Option<i32>> {
    lot_decisions::table
        .filter(lot_decisions::lot_id.eq(lot))
        .select(diesel::dsl::max(lot_decisions::revision))
        .get_result(conn)
}

/// A stored revision as it is answered again: its lot, its number and its document.
#[derive(Debug)]
pub struct StoredDocument {
    pub lot_id: LotId,
    pub revision: i32,
    pub document: JsonText,
}

/// The revision stored under this id, if any (of any lot), with its document unparsed.
pub fn find(conn: &mut PgConnection, id: DecisionId) -> QueryResult<Option<StoredDocument>> {
    lot_decisions::table
        .find(id)
        .select((
            lot_decisions::lot_id,
            lot_decisions::revision,
            lot_decisions::decision,
        ))
        .first::<(LotId, i32, JsonText)>(conn)
        .optional()
        .map(|found| {
            found.map(|(lot_id, revision, document)| StoredDocument {
                lot_id,
                revision,
                document,
            })
        })
}

/// A stored JSONB document as PostgreSQL renders it: JSON text, never parsed here.
///
/// PostgreSQL sends `jsonb` in binary as a version byte (1) followed by the document's
/// text, so reading it costs one copy, where `serde_json::Value` would build a tree.
#[derive(Debug, FromSqlRow)]
pub struct JsonText(pub Vec<u8>);

impl FromSql<Jsonb, Pg> for JsonText {
    fn from_sql(value: PgValue<'_>) -> deserialize::Result<Self> {
        match value.as_bytes() {
            [1, text @ ..] => Ok(JsonText(text.to_vec())),
            _ => Err("unsupported jsonb version in the binary format".into()),
        }
    }
}

/// Only the stored decision document of one revision (or the latest), as JSON text:
/// what `get_lot_decision` answers. Both shapes are fixed queries, so the connection
/// prepares each once and reuses it.
pub fn decision_text(
    conn: &mut PgConnection,
    lot: LotId,
    revision: Option<i32>,
) -> QueryResult<JsonText> {
    let of_lot = lot_decisions::table
        .filter(lot_decisions::lot_id.eq(lot))
        .select(lot_decisions::decision);
    match revision {
        Some(r) => of_lot
            .filter(lot_decisions::revision.eq(r))
            .get_result(conn),
        None => of_lot.order(lot_decisions::revision.desc()).first(conn),
    }
}

/// How many changes to the lot's inputs one revision (the latest when `revision` is
/// `None`) was computed from, and how many the lot has had since it was registered.
/// One row read through the lot's primary key and `(lot_id, revision)`.
pub fn seen_changes(
    conn: &mut PgConnection,
    lot: LotId,
    revision: Option<i32>,
) -> QueryResult<(i32, i32)> {
    let of_lot = lot_decisions::table
        .inner_join(lots::table)
        .filter(lot_decisions::lot_id.eq(lot))
        .select((lot_decisions::input_changes, lots::input_changes));
    match revision {
        Some(r) => of_lot
            .filter(lot_decisions::revision.eq(r))
            .get_result(conn),
        None => of_lot.order(lot_decisions::revision.desc()).first(conn),
    }
}

/// The lot-level outcome of a decision: the switching settings it was made under.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = decision_outcomes, check_for_backend(diesel::pg::Pg))]
pub struct OutcomeRow {
    pub decision_id: DecisionId,
    pub production_steady: bool,
    pub reduced_approved: bool,
}

/// The outcome of a decision for one characteristic (see the migration
/// `2026-12-02-030001_decision_outcomes` for each column's meaning).
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = decision_characteristic_outcomes, check_for_backend(diesel::pg::Pg))]
pub struct CharacteristicOutcomeRow {
    pub decision_id: DecisionId,
    pub characteristic_id: CharacteristicId,
    pub severity: String,
    pub verdict: String,
    pub units_inspected: i64,
    pub defectives: i64,
    pub switching_accepted: Option<bool>,
    pub switching_acceptance_number: Option<i32>,
    pub switching_nonconforming: Option<i32>,
    pub switching_acceptance_number_one_step_tighter: Option<i32>,
}

/// Stores the outcome of a decision. Call in the transaction that inserts the decision.
pub fn insert_outcome(
    conn: &mut PgConnection,
    outcome: &OutcomeRow,
    characteristics: &[CharacteristicOutcomeRow],
) -> QueryResult<()> {
    diesel::insert_into(decision_outcomes::table)
        .values(outcome)
        .execute(conn)?;
    diesel::insert_into(decision_characteristic_outcomes::table)
        .values(characteristics)
        .execute(conn)?;
    Ok(())
}

/// A decided lot of a supplier and part with the outcome of its latest decision.
#[derive(Debug, Clone, PartialEq)]
pub struct DecidedLotRows {
    pub decision_id: DecisionId,
    pub lot_id: LotId,
    pub lot_number: String,
    pub produced_on: NaiveDate,
    /// `None` when the decision has no stored outcome (which cannot be).
    pub outcome: Option<OutcomeRow>,
    pub characteristics: Vec<CharacteristicOutcomeRow>,
}

/// The outcome of the latest decision of every decided lot of a supplier and part, in lot
/// order (production date, then lot id), after the place `after` when given. Reads no
/// decision document.
pub fn latest_outcomes_of_stream(
    conn: &mut PgConnection,
    supplier: SupplierId,
    part: PartId,
    after: Option<(NaiveDate, LotId)>,
) -> QueryResult<Vec<DecidedLotRows>> {
    let mut query = lot_decisions::table
        .inner_join(lots::table)
        .left_join(decision_outcomes::table)
        .filter(lots::supplier_id.eq(supplier))
        .filter(lots::part_id.eq(part))
        // A cancelled lot leaves the history (it was never decided: its decisions
        // were pending).
        .filter(lots::cancelled_at.is_null())
        .distinct_on((lots::produced_on, lots::id))
        .order((lots::produced_on, lots::id, lot_decisions::revision.desc()))
        .select((
            lot_decisions::id,
            lots::id,
            lots::lot_number,
            lots::produced_on,
            Option::<OutcomeRow>::as_select(),
        ))
        .into_boxed();
    // Only the lots after a switching checkpoint; the bound on `produced_on` alone lets
    // the index on the stream start there.
    if let Some((day, lot)) = after {
        query = query
            .filter(lots::produced_on.ge(day))
            .filter(lots::produced_on.gt(day).or(lots::id.gt(lot)));
    }
    let latest: Vec<(DecisionId, LotId, String, NaiveDate, Option<OutcomeRow>)> =
        query.load(conn)?;
    let ids: Vec<DecisionId> = latest.iter().map(|l| l.0).collect();
    let mut rows: std::collections::HashMap<DecisionId, Vec<CharacteristicOutcomeRow>> =
        std::collections::HashMap::new();
    for row in decision_characteristic_outcomes::table
        .filter(decision_characteristic_outcomes::decision_id.eq_any(&ids))
        .select(CharacteristicOutcomeRow::as_select())
        .load(conn)?
    {
        rows.entry(row.decision_id).or_default().push(row);
    }
    Ok(latest
        .into_iter()
        .map(
            |(decision_id, lot_id, lot_number, produced_on, outcome)| DecidedLotRows {
                characteristics: rows.remove(&decision_id).unwrap_or_default(),
                decision_id,
                lot_id,
                lot_number,
                produced_on,
                outcome,
            },
        )
        .collect())
}

/// The lot's current (not superseded) inspections with their rows, in the order they
/// were carried out. A correction always supersedes an inspection of the same lot.
pub fn current_inspections(
    conn: &mut PgConnection,
    lot: LotId,
) -> QueryResult<Vec<(Inspection, InspectionRows)>> {
    let all = inspections::list_for_lot(conn, lot, None, i64::MAX)?;
    current_of(conn, all)
}

/// Where each inspection of the lot stands in the order of original inspection: when
/// the first inspection of its chain of corrections was carried out, and that one's id.
pub fn original_order(
    conn: &mut PgConnection,
    lot: LotId,
) -> QueryResult<HashMap<InspectionId, (DateTime<Utc>, InspectionId)>> {
    let all = inspections::list_for_lot(conn, lot, None, i64::MAX)?;
    let by_id: HashMap<InspectionId, &Inspection> = all.iter().map(|i| (i.id, i)).collect();
    Ok(all
        .iter()
        .map(|i| {
            let mut root = i;
            // A chain is at most as long as the lot's inspections; the bound guards a cycle.
            for _ in 0..all.len() {
                match root.supersedes.and_then(|s| by_id.get(&s)) {
                    Some(earlier) => root = earlier,
                    None => break,
                }
            }
            (i.id, (root.inspected_at, root.id))
        })
        .collect())
}

fn current_of(
    conn: &mut PgConnection,
    all: Vec<Inspection>,
) -> QueryResult<Vec<(Inspection, InspectionRows)>> {
    let superseded: std::collections::HashSet<_> =
        all.iter().filter_map(|i| i.supersedes).collect();
    all.into_iter()
        .filter(|i| !superseded.contains(&i.id))
        .map(|i| {
            let rows = inspections::rows(conn, i.id)?;
            Ok((i, rows))
        })
        .collect()
}
