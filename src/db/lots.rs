//! Queries on lots.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;

use super::After;
use super::models::{Lot, NewLot};
use super::schema::{lot_corrections, lots};
use crate::domain::{Disposition, LotId, LotStatus, PartId, SupplierId};

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

/// Where a lot is in its life: its status, worked out by the database (migration
/// `2026-12-03-200001_lot_status`), and the facts it rests on. Read beside the audited
/// [`Lot`], which holds only what was registered.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = lots, check_for_backend(diesel::pg::Pg))]
pub struct LotLifecycle {
    pub status: LotStatus,
    /// The verdict of the lot's latest decision, as stored (`accept`, `reject`, `pending`).
    pub verdict: Option<String>,
    pub disposition: Option<Disposition>,
    /// The lot's latest resubmission was accepted by its latest decision.
    pub accepted_on_resubmission: bool,
    pub released_at: Option<DateTime<Utc>>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub cancel_reason: Option<String>,
}

pub fn lifecycle(conn: &mut PgConnection, id: LotId) -> QueryResult<LotLifecycle> {
    lots::table
        .find(id)
        .select(LotLifecycle::as_select())
        .first(conn)
}

/// [`lifecycle`], with the lot's row locked until the end of the transaction (as
/// [`lock_inputs`] locks it), so that a cancellation cannot commit between the read and
/// the change that relies on it. Deciding, recording an inspection and resubmitting
/// take it before they read the lot's inspections: a change recorded meanwhile is
/// counted after a decision (and makes it stale), and two recordings cannot both be
/// taken for the lot's original; the row is locked by the change's own count a moment
/// later anyway.
pub fn lock_lifecycle(conn: &mut PgConnection, id: LotId) -> QueryResult<LotLifecycle> {
    lots::table
        .find(id)
        .select(LotLifecycle::as_select())
        .for_no_key_update()
        .first(conn)
}

/// Locks the lot's row for a change of the lot itself (a correction, a cancellation, a
/// disposition, a release) and reads it with its lifecycle and input counts.
pub fn lock(conn: &mut PgConnection, id: LotId) -> QueryResult<(Lot, LotLifecycle, InputCounts)> {
    lots::table
        .find(id)
        .select((
            Lot::as_select(),
            LotLifecycle::as_select(),
            (lots::input_changes, lots::decided_input_changes),
        ))
        .for_no_key_update()
        .first(conn)
}

/// The correctable fields of a lot; `None` leaves a field as it is.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = lots)]
pub struct LotChanges<'a> {
    pub lot_number: Option<&'a str>,
    pub lot_size: Option<i32>,
    pub produced_on: Option<NaiveDate>,
}

pub fn update(conn: &mut PgConnection, id: LotId, changes: &LotChanges<'_>) -> QueryResult<Lot> {
    diesel::update(lots::table.find(id))
        .set(changes)
        .returning(Lot::as_returning())
        .get_result(conn)
}

/// Counts a change to the lot's inputs (SQL `lot_input_changed`) and returns its number.
pub fn input_changed(conn: &mut PgConnection, id: LotId) -> QueryResult<i32> {
    diesel::select(lot_input_changed(id)).get_result(conn)
}

diesel::define_sql_function! {
    fn lot_input_changed(lot: diesel::sql_types::Uuid) -> diesel::sql_types::Integer;
}

/// A lot's cancellation as stored: the audit value of `cancel`, and what `lotgate audit
/// verify` compares with the lot.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = lots, check_for_backend(diesel::pg::Pg))]
pub struct LotCancellation {
    pub id: LotId,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub cancel_reason: Option<String>,
}

/// Cancels the lot with a reason; the row is locked by the caller.
pub fn cancel(
    conn: &mut PgConnection,
    id: LotId,
    reason: &str,
    at: DateTime<Utc>,
) -> QueryResult<LotCancellation> {
    diesel::update(lots::table.find(id))
        .set((lots::cancelled_at.eq(at), lots::cancel_reason.eq(reason)))
        .returning(LotCancellation::as_returning())
        .get_result(conn)
}

/// A stored correction of a lot: which fields changed, why, and the number of the input
/// change it counted as (`None` when the lot had no inspection yet).
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = lot_corrections, check_for_backend(diesel::pg::Pg))]
pub struct LotCorrection {
    pub id: uuid::Uuid,
    pub lot_id: LotId,
    pub lot_change: Option<i32>,
    pub fields: Vec<String>,
    pub reason: String,
    pub corrected_at: DateTime<Utc>,
}

pub fn insert_correction(conn: &mut PgConnection, row: &LotCorrection) -> QueryResult<()> {
    diesel::insert_into(lot_corrections::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

/// The lot corrections that were these numbered input changes of their lots.
pub fn correction_changes(
    conn: &mut PgConnection,
    wanted: &[(LotId, i32)],
) -> QueryResult<Vec<LotCorrection>> {
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let lot_ids: Vec<LotId> = wanted.iter().map(|(l, _)| *l).collect();
    let found: Vec<LotCorrection> = lot_corrections::table
        .filter(lot_corrections::lot_id.eq_any(&lot_ids))
        .filter(lot_corrections::lot_change.is_not_null())
        .select(LotCorrection::as_select())
        .load(conn)?;
    Ok(found
        .into_iter()
        .filter(|c| wanted.contains(&(c.lot_id, c.lot_change.unwrap_or(0))))
        .collect())
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
/// foreign-key checks of new inspections free to proceed.
pub fn lock_inputs(conn: &mut PgConnection, id: LotId) -> QueryResult<InputCounts> {
    lots::table
        .find(id)
        .select((lots::input_changes, lots::decided_input_changes))
        .for_no_key_update()
        .first(conn)
}

/// Which statuses a list of lots holds.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum StatusFilter {
    /// Every lot, cancelled ones too.
    #[default]
    Any,
    /// Every lot but the cancelled ones: what `list_lots` shows unless asked otherwise.
    NotCancelled,
    /// Only lots with this status.
    Is(LotStatus),
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
    pub status: StatusFilter,
    /// Only lots whose latest decision has this verdict (`accept`, `reject`, `pending`).
    pub verdict: Option<&'static str>,
    /// Only the lots with exactly this (trimmed) lot number.
    pub lot_number: Option<String>,
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
        .map(|(lot, _, _)| lot)
        .collect())
}

/// [`list`], with each lot's lifecycle and input counts.
pub fn list_with_counts(
    conn: &mut PgConnection,
    filter: &LotFilter,
    after: Option<After<NaiveDate>>,
    limit: i64,
) -> QueryResult<Vec<(Lot, LotLifecycle, InputCounts)>> {
    let mut query = lots::table
        .select((
            Lot::as_select(),
            LotLifecycle::as_select(),
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
    match filter.status {
        StatusFilter::Any => {}
        StatusFilter::NotCancelled => query = query.filter(lots::cancelled_at.is_null()),
        StatusFilter::Is(status) => query = query.filter(lots::status.eq(status.as_str())),
    }
    if let Some(verdict) = filter.verdict {
        query = query.filter(lots::verdict.eq(verdict));
    }
    if let Some(number) = &filter.lot_number {
        query = query.filter(lots::lot_number.eq(number.clone()));
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
