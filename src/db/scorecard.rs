//! The rows behind a supplier's scorecard: one per decided lot, with its units counted
//! in SQL so that five years of inspections are never loaded into the service.

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Date, Double, Nullable, Uuid as SqlUuid};

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
    #[diesel(sql_type = BigInt)]
    pub ncrs_open: i64,
    #[diesel(sql_type = BigInt)]
    pub ncrs_closed: i64,
    /// The lot's reports timed to its lot-scope disposition (all of them, or none when
    /// the lot has no such disposition).
    #[diesel(sql_type = BigInt)]
    pub ncrs_dispositioned: i64,
    /// The sum, over those reports, of the days from opening to the disposition.
    #[diesel(sql_type = Double)]
    pub days_to_disposition: f64,
}

/// The supplier's lots, not cancelled, whose latest decision accepted or rejected them
/// (`lots.verdict`), produced from `from` to `to` (each optional), of `part` if given,
/// in production order. A lot's units, as the database keeps them counted in
/// `lot_unit_counts` (SQL function `lot_unit_count`), are those of its current (not superseded)
/// inspections, the inspections of its resubmissions aside; a unit with a serial is
/// one physical unit however many of those inspections recorded it, a unit without one
/// counts once per inspection. A unit is nonconforming when any result on it is: a
/// measurement outside its characteristic's specification limits (a limit itself is in
/// spec), or a failed attribute result.
///
/// With each lot, its nonconformance reports (whoever opened them) open and closed, and
/// for those whose lot has a lot-scope disposition (ISO 2859-1 7.5; a lot has at most
/// one) the days from the report's `opened_at` to the disposition's `recorded_at`, in
/// fractional days, 0 when the disposition came first.
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
         reports AS (
             SELECT n.lot_id, n.status,
                    (SELECT GREATEST(0, EXTRACT(EPOCH FROM d.recorded_at - n.opened_at))
                            / 86400
                     FROM lot_dispositions d
                     WHERE d.lot_id = n.lot_id AND d.scope = 'lot'
                     ORDER BY d.recorded_at LIMIT 1)::float8 AS days
             FROM ncrs n JOIN counted c ON c.id = n.lot_id
         ),
         report_counts AS (
             SELECT lot_id,
                    count(*) FILTER (WHERE status = 'open') AS open,
                    count(*) FILTER (WHERE status = 'closed') AS closed,
                    count(days) AS dispositioned,
                    COALESCE(sum(days), 0) AS days
             FROM reports GROUP BY lot_id
         )
         -- Each lot's units are counted by the database in the transaction that
         -- records them (table lot_unit_counts): counting them here took 23 s for one
         -- supplier over one year of a factory.
         SELECT c.id AS lot_id, c.produced_on, c.accepted,
                (SELECT count(*) FROM resubmissions r WHERE r.lot_id = c.id) AS resubmissions,
                COALESCE(uc.inspected, 0) AS units_inspected,
                COALESCE(uc.nonconforming, 0) AS units_nonconforming,
                COALESCE(rc.open, 0) AS ncrs_open,
                COALESCE(rc.closed, 0) AS ncrs_closed,
                COALESCE(rc.dispositioned, 0) AS ncrs_dispositioned,
                COALESCE(rc.days, 0)::float8 AS days_to_disposition
         FROM counted c
         LEFT JOIN lot_unit_counts uc ON uc.lot_id = c.id
         LEFT JOIN report_counts rc ON rc.lot_id = c.id
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
