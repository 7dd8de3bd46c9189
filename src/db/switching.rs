//! Switching settings per supplier and part, and the switching state and history derived
//! from the lot decisions.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use chrono::NaiveDate;

use super::schema::{
    lots, switching_checkpoints, switching_events, switching_resumes, switching_settings,
    switching_states,
};
use crate::domain::{CharacteristicId, DecisionId, LotId, PartId, ResumeId, SupplierId};

/// The switching settings of a supplier and part; serialised as is in the audit trail.
#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = switching_settings, check_for_backend(diesel::pg::Pg))]
pub struct Settings {
    pub supplier_id: SupplierId,
    pub part_id: PartId,
    pub production_steady: bool,
    pub reduced_approved: bool,
    pub updated_at: DateTime<Utc>,
}

/// The replayed state of one characteristic; `state` is a
/// [`crate::decision::stored::SwitchingStateDocument`].
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = switching_states, check_for_backend(diesel::pg::Pg))]
pub struct StateRow {
    pub supplier_id: SupplierId,
    pub part_id: PartId,
    pub characteristic_id: CharacteristicId,
    pub severity: String,
    pub state: serde_json::Value,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = switching_events, check_for_backend(diesel::pg::Pg))]
pub struct EventRow {
    pub supplier_id: SupplierId,
    pub part_id: PartId,
    pub characteristic_id: CharacteristicId,
    pub seq: i32,
    pub lot_id: LotId,
    pub decision_id: Option<DecisionId>,
    pub from_severity: String,
    pub to_severity: String,
    pub reason: String,
    pub resume_id: Option<ResumeId>,
}

/// A reviewer's resume of sampling after discontinuation (append-only).
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = switching_resumes, check_for_backend(diesel::pg::Pg))]
pub struct ResumeRow {
    pub id: ResumeId,
    pub supplier_id: SupplierId,
    pub part_id: PartId,
    pub characteristic_id: CharacteristicId,
    pub after_lot_id: LotId,
    pub reason: String,
    pub recorded_at: DateTime<Utc>,
}

/// Locks the settings row of a supplier and part (creating it with the defaults when
/// missing) until the transaction ends: decisions of one supplier and part run one at a
/// time, so each replays the switching history from a consistent set of lots.
pub fn lock(conn: &mut PgConnection, supplier: SupplierId, part: PartId) -> QueryResult<Settings> {
    diesel::insert_into(switching_settings::table)
        .values((
            switching_settings::supplier_id.eq(supplier),
            switching_settings::part_id.eq(part),
        ))
        .on_conflict_do_nothing()
        .execute(conn)?;
    switching_settings::table
        .find((supplier, part))
        .select(Settings::as_select())
        .for_update()
        .first(conn)
}

/// The stored settings, if any were stored.
pub fn settings(
    conn: &mut PgConnection,
    supplier: SupplierId,
    part: PartId,
) -> QueryResult<Option<Settings>> {
    switching_settings::table
        .find((supplier, part))
        .select(Settings::as_select())
        .first(conn)
        .optional()
}

/// Stores the settings; they apply to decisions made from now on.
pub fn set(
    conn: &mut PgConnection,
    supplier: SupplierId,
    part: PartId,
    production_steady: bool,
    reduced_approved: bool,
) -> QueryResult<Settings> {
    diesel::insert_into(switching_settings::table)
        .values((
            switching_settings::supplier_id.eq(supplier),
            switching_settings::part_id.eq(part),
            switching_settings::production_steady.eq(production_steady),
            switching_settings::reduced_approved.eq(reduced_approved),
        ))
        .on_conflict((switching_settings::supplier_id, switching_settings::part_id))
        .do_update()
        .set((
            switching_settings::production_steady.eq(production_steady),
            switching_settings::reduced_approved.eq(reduced_approved),
            switching_settings::updated_at.eq(diesel::dsl::now),
        ))
        .returning(Settings::as_returning())
        .get_result(conn)
}

/// The replayed state right after one decided lot; `histories` is a
/// [`crate::decision::checkpoint::CheckpointDocument`].
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = switching_checkpoints, check_for_backend(diesel::pg::Pg))]
pub struct CheckpointRow {
    pub supplier_id: SupplierId,
    pub part_id: PartId,
    pub produced_on: NaiveDate,
    pub lot_id: LotId,
    pub decision_id: DecisionId,
    pub histories: serde_json::Value,
}

/// The last checkpoint of a supplier and part before `key` in lot order (the last of all
/// when `key` is `None`), with its lot's number. The bound on `produced_on` alone lets the
/// primary key's index stop where the lot order does.
pub fn checkpoint_before(
    conn: &mut PgConnection,
    supplier: SupplierId,
    part: PartId,
    key: Option<(NaiveDate, LotId)>,
) -> QueryResult<Option<(CheckpointRow, String)>> {
    let mut query = switching_checkpoints::table
        .inner_join(lots::table)
        .filter(switching_checkpoints::supplier_id.eq(supplier))
        .filter(switching_checkpoints::part_id.eq(part))
        .order((
            switching_checkpoints::produced_on.desc(),
            switching_checkpoints::lot_id.desc(),
        ))
        .select((CheckpointRow::as_select(), lots::lot_number))
        .into_boxed();
    if let Some((day, lot)) = key {
        query = query
            .filter(switching_checkpoints::produced_on.le(day))
            .filter(
                switching_checkpoints::produced_on
                    .lt(day)
                    .or(switching_checkpoints::lot_id.lt(lot)),
            );
    }
    query.first(conn).optional()
}

/// Replaces the derived state and history of a supplier and part from `start` on: the
/// checkpoints after the lot at `start`, the switches its lots caused after it and those
/// resumes placed at or after it caused (everything when `start` is `None`), and every
/// characteristic's state. `events` are numbered from 1 per characteristic; they are
/// stored after the switches kept. Call inside the transaction that holds [`lock`].
pub fn replace_from(
    conn: &mut PgConnection,
    supplier: SupplierId,
    part: PartId,
    start: Option<(NaiveDate, LotId)>,
    states: &[StateRow],
    checkpoints: &[CheckpointRow],
    mut events: Vec<EventRow>,
) -> QueryResult<()> {
    let of_stream = |t: switching_events::table| {
        t.filter(switching_events::supplier_id.eq(supplier))
            .filter(switching_events::part_id.eq(part))
    };
    let checkpoints_of_stream = switching_checkpoints::table
        .filter(switching_checkpoints::supplier_id.eq(supplier))
        .filter(switching_checkpoints::part_id.eq(part));
    match start {
        None => {
            diesel::delete(of_stream(switching_events::table)).execute(conn)?;
            diesel::delete(checkpoints_of_stream).execute(conn)?;
        }
        Some((day, lot)) => {
            let lots_of_stream = lots::table
                .filter(lots::supplier_id.eq(supplier))
                .filter(lots::part_id.eq(part))
                .filter(lots::produced_on.ge(day));
            let after = lots_of_stream
                .filter(lots::produced_on.gt(day).or(lots::id.gt(lot)))
                .select(lots::id);
            let from = lots_of_stream
                .filter(lots::produced_on.gt(day).or(lots::id.ge(lot)))
                .select(lots::id);
            diesel::delete(
                of_stream(switching_events::table).filter(
                    switching_events::lot_id
                        .eq_any(after)
                        .or(switching_events::resume_id
                            .is_not_null()
                            .and(switching_events::lot_id.eq_any(from))),
                ),
            )
            .execute(conn)?;
            diesel::delete(
                checkpoints_of_stream
                    .filter(switching_checkpoints::produced_on.ge(day))
                    .filter(
                        switching_checkpoints::produced_on
                            .gt(day)
                            .or(switching_checkpoints::lot_id.gt(lot)),
                    ),
            )
            .execute(conn)?;
            let kept: Vec<(CharacteristicId, Option<i32>)> = of_stream(switching_events::table)
                .group_by(switching_events::characteristic_id)
                .select((
                    switching_events::characteristic_id,
                    diesel::dsl::max(switching_events::seq),
                ))
                .load(conn)?;
            let kept: std::collections::HashMap<_, _> = kept.into_iter().collect();
            for e in &mut events {
                e.seq += kept
                    .get(&e.characteristic_id)
                    .copied()
                    .flatten()
                    .unwrap_or(0);
            }
        }
    }
    diesel::delete(
        switching_states::table
            .filter(switching_states::supplier_id.eq(supplier))
            .filter(switching_states::part_id.eq(part)),
    )
    .execute(conn)?;
    diesel::insert_into(switching_states::table)
        .values(states)
        .execute(conn)?;
    diesel::insert_into(switching_events::table)
        .values(&events)
        .execute(conn)?;
    // Many lots at once (a late lot early in a long history): in batches under
    // PostgreSQL's limit of 65,535 bind parameters.
    for batch in checkpoints.chunks(5000) {
        diesel::insert_into(switching_checkpoints::table)
            .values(batch)
            .execute(conn)?;
    }
    Ok(())
}

/// The stored state of every characteristic of a supplier and part.
pub fn states(
    conn: &mut PgConnection,
    supplier: SupplierId,
    part: PartId,
) -> QueryResult<Vec<StateRow>> {
    switching_states::table
        .filter(switching_states::supplier_id.eq(supplier))
        .filter(switching_states::part_id.eq(part))
        .select(StateRow::as_select())
        .load(conn)
}

/// The switching states of a supplier over several parts.
pub fn states_of_parts(
    conn: &mut PgConnection,
    supplier: SupplierId,
    parts: &[PartId],
) -> QueryResult<Vec<StateRow>> {
    switching_states::table
        .filter(switching_states::supplier_id.eq(supplier))
        .filter(switching_states::part_id.eq_any(parts))
        .select(StateRow::as_select())
        .load(conn)
}

/// Every switch of a supplier and part in order, with the lot's number and date.
pub fn events(
    conn: &mut PgConnection,
    supplier: SupplierId,
    part: PartId,
) -> QueryResult<Vec<(EventRow, String, chrono::NaiveDate)>> {
    switching_events::table
        .inner_join(lots::table)
        .filter(switching_events::supplier_id.eq(supplier))
        .filter(switching_events::part_id.eq(part))
        .order((switching_events::characteristic_id, switching_events::seq))
        .select((EventRow::as_select(), lots::lot_number, lots::produced_on))
        .load(conn)
}

/// Stores a resume. Call inside the transaction that holds [`lock`].
pub fn insert_resume(conn: &mut PgConnection, row: &ResumeRow) -> QueryResult<ResumeRow> {
    diesel::insert_into(switching_resumes::table)
        .values(row)
        .returning(ResumeRow::as_returning())
        .get_result(conn)
}

/// The resume stored under this id, if any (of any supplier and part).
pub fn find_resume(conn: &mut PgConnection, id: ResumeId) -> QueryResult<Option<ResumeRow>> {
    switching_resumes::table
        .find(id)
        .select(ResumeRow::as_select())
        .first(conn)
        .optional()
}

/// Every resume of a supplier and part in the order recorded, with the production date
/// of the lot it takes effect after.
pub fn resumes(
    conn: &mut PgConnection,
    supplier: SupplierId,
    part: PartId,
) -> QueryResult<Vec<(ResumeRow, chrono::NaiveDate)>> {
    switching_resumes::table
        .inner_join(lots::table)
        .filter(switching_resumes::supplier_id.eq(supplier))
        .filter(switching_resumes::part_id.eq(part))
        .order((switching_resumes::recorded_at, switching_resumes::id))
        .select((ResumeRow::as_select(), lots::produced_on))
        .load(conn)
}
