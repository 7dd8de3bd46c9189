//! Resubmissions of lots (ISO 2859-1 7.6) and the inspections recorded against them.
//! Both tables are append-only.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;

use super::schema::{
    attribute_results, lot_decisions, measurements, resubmission_inspections, resubmissions,
};
use crate::domain::{
    CharacteristicId, InspectionId, LotId, ResubmissionAction, ResubmissionId, ResubmissionSeverity,
};

/// A resubmission as stored; serialised as is in the audit trail.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = resubmissions, check_for_backend(diesel::pg::Pg))]
pub struct Resubmission {
    pub id: ResubmissionId,
    pub lot_id: LotId,
    pub reason: String,
    pub action: ResubmissionAction,
    pub severity: ResubmissionSeverity,
    pub recorded_at: DateTime<Utc>,
}

pub fn insert(conn: &mut PgConnection, row: &Resubmission) -> QueryResult<Resubmission> {
    diesel::insert_into(resubmissions::table)
        .values(row)
        .returning(Resubmission::as_returning())
        .get_result(conn)
}

pub fn find(conn: &mut PgConnection, id: ResubmissionId) -> QueryResult<Option<Resubmission>> {
    resubmissions::table
        .find(id)
        .select(Resubmission::as_select())
        .first(conn)
        .optional()
}

/// The lot's resubmissions in the order recorded.
pub fn of_lot(conn: &mut PgConnection, lot: LotId) -> QueryResult<Vec<Resubmission>> {
    resubmissions::table
        .filter(resubmissions::lot_id.eq(lot))
        .select(Resubmission::as_select())
        .order((resubmissions::recorded_at, resubmissions::id))
        .load(conn)
}

/// Links an inspection (or a correction of one) to its resubmission.
pub fn link(
    conn: &mut PgConnection,
    inspection: InspectionId,
    resubmission: ResubmissionId,
) -> QueryResult<()> {
    diesel::insert_into(resubmission_inspections::table)
        .values((
            resubmission_inspections::inspection_id.eq(inspection),
            resubmission_inspections::resubmission_id.eq(resubmission),
        ))
        .execute(conn)
        .map(|_| ())
}

/// The resubmission an inspection was recorded against, if any.
pub fn of_inspection(
    conn: &mut PgConnection,
    inspection: InspectionId,
) -> QueryResult<Option<ResubmissionId>> {
    resubmission_inspections::table
        .find(inspection)
        .select(resubmission_inspections::resubmission_id)
        .first(conn)
        .optional()
}

/// The resubmission of each of `inspections` recorded against one.
pub fn of_inspections(
    conn: &mut PgConnection,
    inspections: &[InspectionId],
) -> QueryResult<HashMap<InspectionId, ResubmissionId>> {
    Ok(resubmission_inspections::table
        .filter(resubmission_inspections::inspection_id.eq_any(inspections))
        .select((
            resubmission_inspections::inspection_id,
            resubmission_inspections::resubmission_id,
        ))
        .load::<(InspectionId, ResubmissionId)>(conn)?
        .into_iter()
        .collect())
}

/// The inspections recorded against a resubmission (its inspection and any corrections).
pub fn inspections_of(
    conn: &mut PgConnection,
    resubmission: ResubmissionId,
) -> QueryResult<Vec<InspectionId>> {
    resubmission_inspections::table
        .filter(resubmission_inspections::resubmission_id.eq(resubmission))
        .select(resubmission_inspections::inspection_id)
        .load(conn)
}

/// Every inspection of the lot recorded against a resubmission, with it.
pub fn linked_of_lot(
    conn: &mut PgConnection,
    lot: LotId,
) -> QueryResult<Vec<(InspectionId, ResubmissionId)>> {
    resubmission_inspections::table
        .inner_join(resubmissions::table)
        .filter(resubmissions::lot_id.eq(lot))
        .select((
            resubmission_inspections::inspection_id,
            resubmission_inspections::resubmission_id,
        ))
        .load(conn)
}

/// Which of `chars` the inspections `among` record: (inspection, characteristic)
/// pairs, each once.
pub fn sampling_records(
    conn: &mut PgConnection,
    among: &[InspectionId],
    chars: &[CharacteristicId],
) -> QueryResult<Vec<(InspectionId, CharacteristicId)>> {
    let mut found: Vec<(InspectionId, CharacteristicId)> = measurements::table
        .filter(measurements::inspection_id.eq_any(among))
        .filter(measurements::characteristic_id.eq_any(chars))
        .select((measurements::inspection_id, measurements::characteristic_id))
        .distinct()
        .load(conn)?;
    found.extend(
        attribute_results::table
            .filter(attribute_results::inspection_id.eq_any(among))
            .filter(attribute_results::characteristic_id.eq_any(chars))
            .select((
                attribute_results::inspection_id,
                attribute_results::characteristic_id,
            ))
            .distinct()
            .load::<(InspectionId, CharacteristicId)>(conn)?,
    );
    found.sort_unstable();
    found.dedup();
    Ok(found)
}

/// The verdict of the lot's latest decision, if it was decided.
pub fn latest_verdict(conn: &mut PgConnection, lot: LotId) -> QueryResult<Option<String>> {
    lot_decisions::table
        .filter(lot_decisions::lot_id.eq(lot))
        .order(lot_decisions::revision.desc())
        .select(lot_decisions::verdict)
        .first(conn)
        .optional()
}

/// A resubmission that was a numbered change to its lot's inputs.
#[derive(Debug, Clone, PartialEq, QueryableByName)]
pub struct ResubmissionChange {
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    pub lot_id: LotId,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    pub lot_change: i32,
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    pub resubmission_id: ResubmissionId,
    #[diesel(sql_type = diesel::sql_types::Timestamptz)]
    pub recorded_at: DateTime<Utc>,
}

/// The resubmissions that were these numbered input changes of their lots.
pub fn changes(
    conn: &mut PgConnection,
    wanted: &[(LotId, i32)],
) -> QueryResult<Vec<ResubmissionChange>> {
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let (lots, numbers): (Vec<uuid::Uuid>, Vec<i32>) =
        wanted.iter().map(|(l, n)| (l.0, *n)).unzip();
    diesel::sql_query(
        "SELECT r.lot_id, r.lot_change, r.id AS resubmission_id, r.recorded_at \
         FROM unnest($1::uuid[], $2::int4[]) AS w(lot_id, lot_change) \
         JOIN resubmissions r ON r.lot_id = w.lot_id AND r.lot_change = w.lot_change",
    )
    .bind::<diesel::sql_types::Array<diesel::sql_types::Uuid>, _>(lots)
    .bind::<diesel::sql_types::Array<diesel::sql_types::Integer>, _>(numbers)
    .load(conn)
}
