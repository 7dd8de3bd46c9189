//! The measurements statistics are computed from: only current inspections count (an
//! inspection superseded by a correction does not).

use chrono::NaiveDate;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::query_builder::{AstPass, QueryFragment};
use std::collections::HashMap;

use diesel::sql_types::{Array, Date, Double, Nullable, Text, Uuid as SqlUuid};

use super::models::Inspection;
use crate::domain::{CharacteristicId, LotId, PartId, SupplierId};

/// The lot's current inspections in the order they were carried out, each with one
/// series of values per characteristic it measured, in unit order.
///
/// One statement, prepared once per connection (see [`LotSeries`]): PostgreSQL leaves
/// out superseded inspections and assembles the series (`array_agg`), so a lot of
/// 125,000 measurements arrives as one row per inspection and characteristic holding a
/// `float8[]` (about 12 bytes a value) rather than 125,000 rows of two UUIDs, a unit
/// and a value. An inspection without measurements (attributes only) comes as one row
/// without a characteristic.
pub fn lot_series(conn: &mut PgConnection, lot: LotId) -> QueryResult<Vec<InspectionSeries>> {
    let rows: Vec<SeriesRow> = LotSeries { lot }.load(conn)?;
    let mut current: Vec<InspectionSeries> = Vec::new();
    for row in rows {
        if current.last().map(|c| c.inspection.id) != Some(row.inspection.id) {
            current.push(InspectionSeries {
                inspection: row.inspection,
                series: HashMap::new(),
                serials: HashMap::new(),
            });
        }
        if let (Some(characteristic), Some(values), Some(last)) =
            (row.characteristic_id, row.values, current.last_mut())
        {
            last.series.insert(characteristic, values);
            last.serials
                .insert(characteristic, row.serials.unwrap_or_default());
        }
    }
    Ok(current)
}

/// The statement of [`lot_series`], of fixed text (see [`super::fixed`]) so that each
/// connection parses and plans it once. Each measurement's series is grouped beside its inspection
/// (`LATERAL`), which keeps the inspection's columns out of the sort.
#[derive(Debug, Clone, Copy)]
struct LotSeries {
    lot: LotId,
}

super::fixed::fixed_statement!(LotSeries);

impl QueryFragment<Pg> for LotSeries {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_sql(
            "SELECT i.id, i.lot_id, i.source, i.mode, i.inspector, i.inspected_at, \
                    i.supersedes, i.reason, i.body_sha256, i.recorded_at, \
                    i.golden_sample_revision_id, s.characteristic_id, s.values, s.serials \
             FROM inspections i \
             LEFT JOIN LATERAL ( \
                 SELECT m.characteristic_id, array_agg(m.value ORDER BY m.unit_index) AS values, \
                        array_agg(u.serial ORDER BY m.unit_index) AS serials \
                 FROM measurements m \
                 LEFT JOIN inspection_units u \
                   ON u.inspection_id = m.inspection_id AND u.unit_index = m.unit_index \
                 WHERE m.inspection_id = i.id \
                 GROUP BY m.characteristic_id \
             ) s ON true \
             WHERE i.lot_id = ",
        );
        out.push_bind_param::<SqlUuid, _>(&self.lot)?;
        out.push_sql(
            " AND NOT EXISTS (SELECT 1 FROM inspections c WHERE c.supersedes = i.id) \
             ORDER BY i.inspected_at, i.id",
        );
        Ok(())
    }
}

/// A current inspection and its values per characteristic, in unit order.
#[derive(Debug)]
pub struct InspectionSeries {
    pub inspection: Inspection,
    pub series: HashMap<CharacteristicId, Vec<f64>>,
    /// The serial of each value of `series` (null for a unit recorded without one), in
    /// the same order.
    pub serials: HashMap<CharacteristicId, Vec<Option<String>>>,
}

#[derive(Debug, QueryableByName)]
struct SeriesRow {
    #[diesel(embed)]
    inspection: Inspection,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    characteristic_id: Option<CharacteristicId>,
    #[diesel(sql_type = Nullable<Array<Double>>)]
    values: Option<Vec<f64>>,
    #[diesel(sql_type = Nullable<Array<Nullable<Text>>>)]
    serials: Option<Vec<Option<String>>>,
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
