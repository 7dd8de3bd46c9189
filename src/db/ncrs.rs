//! Nonconformance reports, their yearly numbers, and the facts of their lots they show.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;

use super::After;
use super::schema::{lots, ncr_counters, ncrs};
use crate::domain::{
    CharacteristicId, DecisionId, InspectionId, LotId, NcrId, NcrStatus, PartId, PhotoId,
    SupplierId,
};

/// A nonconformance report as stored; serialised as is in the audit trail.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = ncrs, check_for_backend(diesel::pg::Pg))]
pub struct Ncr {
    pub id: NcrId,
    /// `NCR-<year>-<nnnn>`, numbered per year.
    pub number: String,
    pub lot_id: LotId,
    /// The decision that opened it; none when a reviewer opened it.
    pub decision_id: Option<DecisionId>,
    pub characteristic_ids: Vec<CharacteristicId>,
    pub quantity_nonconforming: i32,
    /// `[{"code", "count"}]`, most frequent first.
    pub defect_codes: serde_json::Value,
    pub photo_ids: Vec<PhotoId>,
    pub description: String,
    pub containment: String,
    pub status: NcrStatus,
    pub opened_at: DateTime<Utc>,
    pub opened_by: String,
    pub closed_at: Option<DateTime<Utc>>,
    pub closed_by: Option<String>,
    pub verification_note: Option<String>,
    pub verification_inspection_id: Option<InspectionId>,
}

/// The next number of `year`: the counter row is created or incremented under its row
/// lock, so concurrent openings get consecutive numbers.
pub fn next_number(conn: &mut PgConnection, year: i32) -> QueryResult<String> {
    let last: i32 = diesel::insert_into(ncr_counters::table)
        .values((ncr_counters::year.eq(year), ncr_counters::last.eq(1)))
        .on_conflict(ncr_counters::year)
        .do_update()
        .set(ncr_counters::last.eq(ncr_counters::last + 1))
        .returning(ncr_counters::last)
        .get_result(conn)?;
    Ok(format!("NCR-{year:04}-{last:04}"))
}

pub fn insert(conn: &mut PgConnection, row: &Ncr) -> QueryResult<Ncr> {
    diesel::insert_into(ncrs::table)
        .values(row)
        .returning(Ncr::as_returning())
        .get_result(conn)
}

pub fn get(conn: &mut PgConnection, id: NcrId) -> QueryResult<Ncr> {
    ncrs::table.find(id).select(Ncr::as_select()).first(conn)
}

/// The report, locked for a change.
pub fn lock(conn: &mut PgConnection, id: NcrId) -> QueryResult<Ncr> {
    ncrs::table
        .find(id)
        .select(Ncr::as_select())
        .for_update()
        .first(conn)
}

/// Writes every changeable field of `row` (text, status, closure).
pub fn update(conn: &mut PgConnection, row: &Ncr) -> QueryResult<Ncr> {
    diesel::update(ncrs::table.find(row.id))
        .set((
            ncrs::description.eq(&row.description),
            ncrs::containment.eq(&row.containment),
            ncrs::status.eq(row.status),
            ncrs::closed_at.eq(row.closed_at),
            ncrs::closed_by.eq(&row.closed_by),
            ncrs::verification_note.eq(&row.verification_note),
            ncrs::verification_inspection_id.eq(row.verification_inspection_id),
        ))
        .returning(Ncr::as_returning())
        .get_result(conn)
}

/// The lot's open reports, oldest first.
pub fn open_of_lot(conn: &mut PgConnection, lot: LotId) -> QueryResult<Vec<Ncr>> {
    ncrs::table
        .filter(ncrs::lot_id.eq(lot))
        .filter(ncrs::status.eq(NcrStatus::Open))
        .order((ncrs::opened_at, ncrs::id))
        .select(Ncr::as_select())
        .load(conn)
}

/// What a report shows of its lot: the status the database works out and the lot's
/// disposition, read apart from the lot's stored registration.
#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct LotFacts {
    pub lot_number: String,
    pub part_id: PartId,
    pub supplier_id: SupplierId,
    pub status: String,
    pub disposition: Option<String>,
}

pub fn lot_facts(conn: &mut PgConnection, lot: LotId) -> QueryResult<LotFacts> {
    lots::table
        .find(lot)
        .select((
            lots::lot_number,
            lots::part_id,
            lots::supplier_id,
            lots::status,
            lots::disposition,
        ))
        .first(conn)
}

/// Filters of [`list`].
#[derive(Debug, Clone, Copy, Default)]
pub struct NcrFilter {
    pub status: Option<NcrStatus>,
    pub supplier_id: Option<SupplierId>,
    pub part_id: Option<PartId>,
    pub lot_id: Option<LotId>,
}

/// Reports newest first, `limit` after the keyset position, each with its lot's facts.
pub fn list(
    conn: &mut PgConnection,
    filter: &NcrFilter,
    after: Option<After<DateTime<Utc>>>,
    limit: i64,
) -> QueryResult<Vec<(Ncr, LotFacts)>> {
    let mut query = ncrs::table
        .inner_join(lots::table)
        .select((
            Ncr::as_select(),
            (
                lots::lot_number,
                lots::part_id,
                lots::supplier_id,
                lots::status,
                lots::disposition,
            ),
        ))
        .order((ncrs::opened_at.desc(), ncrs::id.desc()))
        .limit(limit)
        .into_boxed();
    if let Some(status) = filter.status {
        query = query.filter(ncrs::status.eq(status));
    }
    if let Some(supplier) = filter.supplier_id {
        query = query.filter(lots::supplier_id.eq(supplier));
    }
    if let Some(part) = filter.part_id {
        query = query.filter(lots::part_id.eq(part));
    }
    if let Some(lot) = filter.lot_id {
        query = query.filter(ncrs::lot_id.eq(lot));
    }
    if let Some(a) = after {
        query = query.filter(
            ncrs::opened_at
                .lt(a.key)
                .or(ncrs::opened_at.eq(a.key).and(ncrs::id.lt(NcrId(a.id)))),
        );
    }
    query.load(conn)
}
