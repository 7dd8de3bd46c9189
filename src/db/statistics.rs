//! The measurements statistics are computed from: only current inspections count (an
//! inspection superseded by a correction does not).

use chrono::NaiveDate;
use diesel::prelude::*;
use std::collections::HashMap;

use diesel::sql_types::{Array, Date, Double, Nullable, Uuid as SqlUuid};

use super::inspections as inspections_db;
use super::models::Inspection;
use crate::domain::{CharacteristicId, InspectionId, LotId, PartId, SupplierId};

/// The lot's current inspections in the order they were carried out, each with one
/// series of values per characteristic it measured, in unit order.
///
/// PostgreSQL assembles the series (`array_agg`), so a lot of 125,000 measurements
/// arrives as one row per inspection and characteristic holding a `float8[]` (about
/// 12 bytes a value) rather than 125,000 rows of two UUIDs, a unit and a value, which
/// libpq, then diesel, then the grouping each held in full.
pub fn lot_series(conn: &mut PgConnection, lot: LotId) -> QueryResult<Vec<InspectionSeries>> {
    let all = inspections_db::list_for_lot(conn, lot, None, i64::MAX)?;
    let ids: Vec<_> = all.iter().map(|i| i.id).collect();
    let superseded = inspections_db::superseded_by(conn, &ids)?;
    let mut current: Vec<InspectionSeries> = all
        .into_iter()
        .filter(|i| !superseded.contains_key(&i.id))
        .map(|inspection| InspectionSeries {
            inspection,
            series: HashMap::new(),
        })
        .collect();
    let ids: Vec<_> = current.iter().map(|i| i.inspection.id).collect();
    let rows: Vec<SeriesRow> = diesel::sql_query(
        "SELECT inspection_id, characteristic_id, array_agg(value ORDER BY unit_index) AS values \
         FROM measurements WHERE inspection_id = ANY($1) \
         GROUP BY inspection_id, characteristic_id",
    )
    .bind::<Array<SqlUuid>, _>(&ids)
    .load(conn)?;
    let position: HashMap<InspectionId, usize> =
        ids.iter().enumerate().map(|(k, id)| (*id, k)).collect();
    for row in rows {
        if let Some(&k) = position.get(&row.inspection_id) {
            current[k].series.insert(row.characteristic_id, row.values);
        }
    }
    Ok(current)
}

/// A current inspection and its values per characteristic, in unit order.
#[derive(Debug)]
pub struct InspectionSeries {
    pub inspection: Inspection,
    pub series: HashMap<CharacteristicId, Vec<f64>>,
}

#[derive(Debug, QueryableByName)]
struct SeriesRow {
    #[diesel(sql_type = SqlUuid)]
    inspection_id: InspectionId,
    #[diesel(sql_type = SqlUuid)]
    characteristic_id: CharacteristicId,
    #[diesel(sql_type = Array<Double>)]
    values: Vec<f64>,
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
