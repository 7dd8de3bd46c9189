//! Queries on lots.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::After;
use super::models::{Lot, NewLot};
use super::schema::lots;
use crate::domain::{LotId, PartId, SupplierId};

/// Inserts a lot unless one with the same id exists; returns the stored row and whether
/// it was created now (false for a retried create).
pub fn insert_or_get(conn: &mut PgConnection, new: &NewLot<'_>) -> QueryResult<(Lot, bool)> {
    let inserted = diesel::insert_into(lots::table)
        .values(new)
        .on_conflict(lots::id)
        .do_nothing()
        .returning(Lot::as_returning())
        .get_result(conn)
        .optional()?;
    match inserted {
        Some(lot) => Ok((lot, true)),
        None => get(conn, new.id).map(|lot| (lot, false)),
    }
}

pub fn get(conn: &mut PgConnection, id: LotId) -> QueryResult<Lot> {
    lots::table.find(id).select(Lot::as_select()).first(conn)
}

/// How many changes to its inputs (inspections, corrections) a lot has had, and how
/// many of them its latest decision saw. The database counts them (migration
/// `2026-12-03-100002_decision_staleness`): each change takes the next number of its lot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Queryable)]
pub struct InputCounts {
    pub changes: i32,
    /// `None` while the lot has no decision.
    pub decided: Option<i32>,
}

impl InputCounts {
    /// Its latest decision was computed before the latest change to its inputs.
    pub fn stale(&self) -> bool {
        self.decided.is_some_and(|seen| self.changes > seen)
    }

    /// Inspected, and never decided or decided before its latest change.
    pub fn needs_decision(&self) -> bool {
        self.changes > self.decided.unwrap_or(0)
    }
}

/// The condition of the partial indexes `lots_needing_decision*`, written as their
/// predicate so that PostgreSQL uses them.
const NEEDS_DECISION: &str = "lots.input_changes > coalesce(lots.decided_input_changes, 0)";

pub fn input_counts(conn: &mut PgConnection, id: LotId) -> QueryResult<InputCounts> {
    lots::table
        .find(id)
        .select((lots::input_changes, lots::decided_input_changes))
        .first(conn)
}

/// Locks the lot's row until the end of the transaction, so that no change to its
/// inputs is counted while a decision reads them: a change recorded meanwhile is
/// counted after the decision, and makes it stale. `FOR NO KEY UPDATE` leaves the
/// foreign-key checks of new inspections free to proceed. Recording a sampling
/// inspection and a resubmission take it too, before they read the lot's inspections,
/// so two of them cannot both be taken for the lot's original; the row is locked by the
/// inspection's own count a moment later anyway.
pub fn lock_inputs(conn: &mut PgConnection, id: LotId) -> QueryResult<InputCounts> {
    lots::table
        .find(id)
        .select((lots::input_changes, lots::decided_input_changes))
        .for_no_key_update()
        .first(conn)
}

/// What `list_lots` may filter on; every filter is optional.
#[derive(Debug, Default, Clone)]
pub struct LotFilter {
    pub part_id: Option<PartId>,
    pub supplier_id: Option<SupplierId>,
    pub produced_from: Option<NaiveDate>,
    pub produced_to: Option<NaiveDate>,
    /// Only lots that need a decision ([`InputCounts::needs_decision`]).
    pub needs_decision: bool,
}

/// Lots newest production date first, `limit` after the keyset position.
pub fn list(
    conn: &mut PgConnection,
    filter: &LotFilter,
    after: Option<After<NaiveDate>>,
    limit: i64,
) -> QueryResult<Vec<Lot>> {
    Ok(list_with_counts(conn, filter, after, limit)?
        .into_iter()
        .map(|(lot, _)| lot)
        .collect())
}

/// [`list`], with each lot's input counts.
pub fn list_with_counts(
    conn: &mut PgConnection,
    filter: &LotFilter,
    after: Option<After<NaiveDate>>,
    limit: i64,
) -> QueryResult<Vec<(Lot, InputCounts)>> {
    let mut query = lots::table
        .select((
            Lot::as_select(),
            (lots::input_changes, lots::decided_input_changes),
        ))
        .order((lots::produced_on.desc(), lots::id.desc()))
        .limit(limit)
        .into_boxed();
    if filter.needs_decision {
        query = query.filter(diesel::dsl::sql::<diesel::sql_types::Bool>(NEEDS_DECISION));
    }
    if let Some(part) = filter.part_id {
        query = query.filter(lots::part_id.eq(part));
    }
    if let Some(supplier) = filter.supplier_id {
        query = query.filter(lots::supplier_id.eq(supplier));
    }
    if let Some(from) = filter.produced_from {
        query = query.filter(lots::produced_on.ge(from));
    }
    if let Some(to) = filter.produced_to {
        query = query.filter(lots::produced_on.le(to));
    }
    if let Some(a) = after {
        query = query.filter(
            lots::produced_on
                .lt(a.key)
                .or(lots::produced_on.eq(a.key).and(lots::id.lt(LotId(a.id)))),
        );
    }
    query.load(conn)
}
