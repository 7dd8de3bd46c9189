//! The measurements statistics are computed from: only current inspections count (an
//! inspection superseded by a correction does not).

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{Date, Nullable, Uuid as SqlUuid};

use super::inspections as inspections_db;
use super::models::{Inspection, MeasurementRow};
use super::schema::measurements;
use crate::domain::{CharacteristicId, LotId, PartId, SupplierId};

/// The lot's current inspections in the order they were carried out, each with its
/// measurements in unit order.
pub fn lot_measurements(
    conn: &mut PgConnection,
    lot: LotId,
) -> QueryResult<Vec<(Inspection, Vec<MeasurementRow>)>> {
    let all = inspections_db::list_for_lot(conn, lot, None, i64::MAX)?;
    let ids: Vec<_> = all.iter().map(|i| i.id).collect();
    let superseded = inspections_db::superseded_by(conn, &ids)?;
    let current: Vec<Inspection> = all
        .into_iter()
        .filter(|i| !superseded.contains_key(&i.id))
        .collect();
    let ids: Vec<_> = current.iter().map(|i| i.id).collect();
    let mut rows: Vec<MeasurementRow> = measurements::table
        .filter(measurements::inspection_id.eq_any(&ids))
        .order((
            measurements::inspection_id,
            measurements::unit_index,
            measurements::characteristic_id,
        ))
        .select(MeasurementRow::as_select())
        .load(conn)?;
    Ok(current
        .into_iter()
        .map(|inspection| {
            let (mine, rest): (Vec<_>, Vec<_>) = rows
                .drain(..)
                .partition(|m| m.inspection_id == inspection.id);
            rows = rest;
            (inspection, mine)
        })
        .collect())
}

/// One measured value of a characteristic, with the lot it came from.
#[derive(Debug, QueryableByName)]
pub struct LotValue {
    #[diesel(sql_type = SqlUuid)]
    pub lot_id: LotId,
    #[diesel(sql_type = diesel::sql_types::Double)]
    pub value: f64,
}

/// Which lots `characteristic_values` covers.
#[derive(Debug, Clone, Copy)]
pub struct LotRange {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub supplier: Option<SupplierId>,
}

/// Every current measurement of a characteristic across the part's lots, in production
/// order: lot date, then inspection time, then unit.
pub fn characteristic_values(
    conn: &mut PgConnection,
    part: PartId,
    characteristic: CharacteristicId,
    range: LotRange,
) -> QueryResult<Vec<LotValue>> {
    diesel::sql_query(
        "SELECT l.id AS lot_id, m.value \
         FROM lots l \
         JOIN inspections i ON i.lot_id = l.id \
         JOIN measurements m ON m.inspection_id = i.id \
         WHERE l.part_id = $1 AND m.characteristic_id = $2 \
           AND ($3::date IS NULL OR l.produced_on >= $3) \
           AND ($4::date IS NULL OR l.produced_on <= $4) \
           AND ($5::uuid IS NULL OR l.supplier_id = $5) \
           AND NOT EXISTS (SELECT 1 FROM inspections s WHERE s.supersedes = i.id) \
         ORDER BY l.produced_on, l.id, i.inspected_at, i.id, m.unit_index",
    )
    .bind::<SqlUuid, _>(part)
    .bind::<SqlUuid, _>(characteristic)
    .bind::<Nullable<Date>, _>(range.from)
    .bind::<Nullable<Date>, _>(range.to)
    .bind::<Nullable<SqlUuid>, _>(range.supplier)
    .load(conn)
}
