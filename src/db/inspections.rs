//! Queries on recorded inspections. They are append-only: rows are inserted, never
//! updated (the database refuses UPDATE and DELETE on them).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::After;
use super::defect_codes::{self, ResultDefect};
use super::fixed::{InsertAttributes, InsertMeasurements, InsertUnits};
use super::models::{
    AttributeResultRow, Inspection, InspectionUnit, MeasurementRow, NewInspection,
};
use super::schema::{attribute_results, inspection_units, inspections, measurements};
use crate::domain::{InspectionId, LotId};

/// From this many rows on, COPY (binary) beats an INSERT of arrays.
const COPY_FROM: usize = 500;

/// Everything one inspection records, unit by unit.
#[derive(Debug, Default, Clone)]
pub struct InspectionRows {
    pub units: Vec<InspectionUnit>,
    pub measurements: Vec<MeasurementRow>,
    pub attributes: Vec<AttributeResultRow>,
    /// Defect photos: (unit, attribute characteristic, photo, view), oldest first.
    pub photos: Vec<super::photos::DefectPhotoRow>,
    /// The defect codes failed attribute results carry, each with its code text, in
    /// unit, characteristic and position order.
    pub defects: Vec<(ResultDefect, String)>,
}

/// Inserts the inspection and its rows, unless an inspection with this id exists: then
/// nothing is written and `None` is returned. Call inside a transaction.
pub fn insert_new(
    conn: &mut PgConnection,
    new: &NewInspection<'_>,
    rows: &InspectionRows,
) -> QueryResult<Option<Inspection>> {
    let Some(inspection) = diesel::insert_into(inspections::table)
        .values(new)
        .on_conflict(inspections::id)
        .do_nothing()
        .returning(Inspection::as_returning())
        .get_result(conn)
        .optional()?
    else {
        return Ok(None);
    };
    if rows.units.len() >= COPY_FROM {
        diesel::copy_from(inspection_units::table)
            .from_insertable(&rows.units)
            .execute(conn)?;
    } else if !rows.units.is_empty() {
        InsertUnits::new(&rows.units).execute(conn)?;
    }
    if rows.measurements.len() >= COPY_FROM {
        diesel::copy_from(measurements::table)
            .from_insertable(&rows.measurements)
            .execute(conn)?;
    } else if !rows.measurements.is_empty() {
        InsertMeasurements::new(&rows.measurements).execute(conn)?;
    }
    if !rows.attributes.is_empty() {
        InsertAttributes::new(&rows.attributes).execute(conn)?;
    }
    let defects: Vec<ResultDefect> = rows.defects.iter().map(|(d, _)| d.clone()).collect();
    defect_codes::insert_result_defects(conn, &defects)?;
    Ok(Some(inspection))
}

pub fn get(conn: &mut PgConnection, id: InspectionId) -> QueryResult<Inspection> {
    inspections::table
        .find(id)
        .select(Inspection::as_select())
        .first(conn)
}

/// The units, measurements and attribute results of an inspection, in unit order.
pub fn rows(conn: &mut PgConnection, id: InspectionId) -> QueryResult<InspectionRows> {
    Ok(InspectionRows {
        units: inspection_units::table
            .filter(inspection_units::inspection_id.eq(id))
            .order(inspection_units::unit_index)
            .select(InspectionUnit::as_select())
            .load(conn)?,
        measurements: measurements::table
            .filter(measurements::inspection_id.eq(id))
            .order((measurements::unit_index, measurements::characteristic_id))
            .select(MeasurementRow::as_select())
            .load(conn)?,
        attributes: attribute_results::table
            .filter(attribute_results::inspection_id.eq(id))
            .order((
                attribute_results::unit_index,
                attribute_results::characteristic_id,
            ))
            .select(AttributeResultRow::as_select())
            .load(conn)?,
        photos: super::photos::of_inspection(conn, id)?,
        defects: defect_codes::of_inspection(conn, id)?,
    })
}

/// The lot's inspections in the order they were carried out.
pub fn list_for_lot(
    conn: &mut PgConnection,
    lot: LotId,
    after: Option<After<DateTime<Utc>>>,
    limit: i64,
) -> QueryResult<Vec<Inspection>> {
    let mut query = inspections::table
        .filter(inspections::lot_id.eq(lot))
        .select(Inspection::as_select())
        .order((inspections::inspected_at, inspections::id))
        .limit(limit)
        .into_boxed();
    if let Some(a) = after {
        query = query.filter(
            inspections::inspected_at
                .gt(a.key)
                .or(inspections::inspected_at
                    .eq(a.key)
                    .and(inspections::id.gt(InspectionId(a.id)))),
        );
    }
    query.load(conn)
}

/// How many units each of these inspections recorded.
pub fn unit_counts(
    conn: &mut PgConnection,
    ids: &[InspectionId],
) -> QueryResult<HashMap<InspectionId, i64>> {
    let counts: Vec<(InspectionId, i64)> = inspection_units::table
        .filter(inspection_units::inspection_id.eq_any(ids))
        .group_by(inspection_units::inspection_id)
        .select((inspection_units::inspection_id, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(counts.into_iter().collect())
}

/// For each of these inspections that was corrected, the inspection that supersedes it.
pub fn superseded_by(
    conn: &mut PgConnection,
    ids: &[InspectionId],
) -> QueryResult<HashMap<InspectionId, InspectionId>> {
    let pairs: Vec<(Option<InspectionId>, InspectionId)> = inspections::table
        .filter(inspections::supersedes.eq_any(ids))
        .select((inspections::supersedes, inspections::id))
        .load(conn)?;
    Ok(pairs
        .into_iter()
        .filter_map(|(old, new)| Some((old?, new)))
        .collect())
}

/// One change to a lot's inputs: the inspection (or correction) that made it, and when
/// it was recorded (the server's time).
#[derive(Debug, Clone, PartialEq, QueryableByName)]
pub struct InputChange {
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    pub lot_id: LotId,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    pub lot_change: i32,
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    pub inspection_id: InspectionId,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Uuid>)]
    pub supersedes: Option<InspectionId>,
    #[diesel(sql_type = diesel::sql_types::Timestamptz)]
    pub recorded_at: DateTime<Utc>,
}

/// The changes numbered `change` of these lots (pairs of lot and change number), in one
/// query on the index `inspections_lot_change`.
pub fn changes(conn: &mut PgConnection, wanted: &[(LotId, i32)]) -> QueryResult<Vec<InputChange>> {
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let (lots, numbers): (Vec<uuid::Uuid>, Vec<i32>) =
        wanted.iter().map(|(l, n)| (l.0, *n)).unzip();
    diesel::sql_query(
        "SELECT i.lot_id, i.lot_change, i.id AS inspection_id, i.supersedes, i.recorded_at \
         FROM unnest($1::uuid[], $2::int4[]) AS w(lot_id, lot_change) \
         JOIN inspections i ON i.lot_id = w.lot_id AND i.lot_change = w.lot_change",
    )
    .bind::<diesel::sql_types::Array<diesel::sql_types::Uuid>, _>(lots)
    .bind::<diesel::sql_types::Array<diesel::sql_types::Integer>, _>(numbers)
    .load(conn)
}
