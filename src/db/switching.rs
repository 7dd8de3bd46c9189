//! Switching settings per supplier and part, and the switching state and history derived
//! from the lot decisions.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::schema::{
    lots, switching_events, switching_resumes, switching_settings, switching_states,
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

/// Replaces the derived state and history of a supplier and part. Call inside the
/// transaction that holds [`lock`].
pub fn replace(
    conn: &mut PgConnection,
    supplier: SupplierId,
    part: PartId,
    states: &[StateRow],
    events: &[EventRow],
) -> QueryResult<()> {
    diesel::delete(
        switching_events::table
            .filter(switching_events::supplier_id.eq(supplier))
            .filter(switching_events::part_id.eq(part)),
    )
    .execute(conn)?;
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
        .values(events)
        .execute(conn)?;
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
