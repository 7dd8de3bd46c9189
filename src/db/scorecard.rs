//! The rows behind a supplier's scorecard: one per decided lot, with its units counted
//! in SQL so that five years of inspections are never loaded into the service.

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Date, Nullable, Uuid as SqlUuid};

use super::schema::lots;
use crate::domain::{LotId, PartId, SupplierId};

/// A lot counted by the scorecard.
#[derive(Debug, Clone, QueryableByName)]
pub struct ScoredLotRow {
    #[diesel(sql_type = SqlUuid)]
    pub lot_id: uuid::Uuid,
    #[diesel(sql_type = Date)]
    pub produced_on: NaiveDate,
    #[diesel(sql_type = Bool)]
    pub accepted: bool,
    #[diesel(sql_type = BigInt)]
    pub resubmissions: i64,
    #[diesel(sql_type = BigInt)]
    pub units_inspected: i64,
    #[diesel(sql_type = BigInt)]
    pub units_nonconforming: i64,
}

/// The supplier's lots, not cancelled, whose latest decision accepted or rejected them
/// (`lots.verdict`), produced from `from` to `to` (each optional), of `part` if given,
/// in production order. A lot's units are those of its current (not superseded)
/// inspections, the inspections of its resubmissions aside; a unit with a serial is
/// one physical unit however many of those inspections recorded it, a unit without one
/// counts once per inspection. A unit is nonconforming when any result on it is: a
/// measurement outside its characteristic's specification limits (a limit itself is in
/// spec), or a failed attribute result.
pub fn decided_lots(
    conn: &mut PgConnection,
    supplier: SupplierId,
    part: Option<PartId>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> QueryResult<Vec<ScoredLotRow>> {
    diesel::sql_query(
        "WITH counted AS (
             SELECT l.id, l.produced_on, l.verdict = 'accept' AS accepted
             FROM lots l
             WHERE l.supplier_id = $1
               AND ($2::uuid IS NULL OR l.part_id = $2)
               AND ($3::date IS NULL OR l.produced_on >= $3)
               AND ($4::date IS NULL OR l.produced_on <= $4)
               AND l.cancelled_at IS NULL
               AND l.verdict IN ('accept', 'reject')
         ),
         current AS (
             SELECT i.id, i.lot_id
             FROM inspections i JOIN counted c ON c.id = i.lot_id
             WHERE NOT EXISTS (SELECT 1 FROM inspections s WHERE s.supersedes = i.id)
               AND NOT EXISTS (SELECT 1 FROM resubmission_inspections r
                               WHERE r.inspection_id = i.id)
         ),
         recorded AS (
             SELECT cur.lot_id,
                    COALESCE('serial:' || u.serial,
                             'unit:' || u.inspection_id::text || ':' || u.unit_index::text) AS unit,
                    EXISTS (SELECT 1 FROM measurements m
                            JOIN characteristics ch ON ch.id = m.characteristic_id
                            WHERE m.inspection_id = u.inspection_id
                              AND m.unit_index = u.unit_index
                              AND (m.value < ch.lsl OR m.value > ch.usl))
                    OR EXISTS (SELECT 1 FROM attribute_results a
                               WHERE a.inspection_id = u.inspection_id
                                 AND a.unit_index = u.unit_index
                                 AND NOT a.pass) AS nonconforming
             FROM inspection_units u JOIN current cur ON cur.id = u.inspection_id
         ),
         units AS (
             SELECT lot_id, bool_or(nonconforming) AS nonconforming
             FROM recorded GROUP BY lot_id, unit
         )
         SELECT c.id AS lot_id, c.produced_on, c.accepted,
                (SELECT count(*) FROM resubmissions r WHERE r.lot_id = c.id) AS resubmissions,
                (SELECT count(*) FROM units WHERE units.lot_id = c.id) AS units_inspected,
                (SELECT count(*) FROM units WHERE units.lot_id = c.id AND units.nonconforming)
                    AS units_nonconforming
         FROM counted c
         ORDER BY c.produced_on, c.id",
    )
    .bind::<SqlUuid, _>(supplier.0)
    .bind::<Nullable<SqlUuid>, _>(part.map(|p| p.0))
    .bind::<Nullable<Date>, _>(from)
    .bind::<Nullable<Date>, _>(to)
    .load(conn)
}

/// The parts the supplier has lots of (cancelled ones included), in part order.
pub fn parts_of_supplier(
    conn: &mut PgConnection,
    supplier: SupplierId,
) -> QueryResult<Vec<PartId>> {
    lots::table
        .filter(lots::supplier_id.eq(supplier))
        .select(lots::part_id)
        .distinct()
        .order(lots::part_id)
        .load(conn)
}

impl ScoredLotRow {
    pub fn lot(&self) -> LotId {
        LotId(self.lot_id)
    }
}
