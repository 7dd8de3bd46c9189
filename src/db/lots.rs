//! Queries on lots.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::After;
use super::models::{Lot, NewLot};
use super::schema::lots;
use crate::domain::{LotId, PartId, SupplierId};

/// Inserts a lot unless one with the same id exists; returns the stored row and whether
/// it was created now (false for a retried create).
pub fn insert_or_get(conn: &mut PgConnection, new: &NewLot<'_>) -> QueryResult<(Lot, bool)> {
    let inserted = diesel::insert_into(lots::table)
        .values(new)
        .on_conflict(lots::id)
        .do_nothing()
        .returning(Lot::as_returning())
        .get_result(conn)
        .optional()?;
    match inserted {
        Some(lot) => Ok((lot, true)),
        None => get(conn, new.id).map(|lot| (lot, false)),
    }
}

pub fn get(conn: &mut PgConnection, id: LotId) -> QueryResult<Lot> {
    lots::table.find(id).select(Lot::as_select()).first(conn)
}

/// What `list_lots` may filter on; every filter is optional.
#[derive(Debug, Default, Clone)]
pub struct LotFilter {
    pub part_id: Option<PartId>,
    pub supplier_id: Option<SupplierId>,
    pub produced_from: Option<NaiveDate>,
    pub produced_to: Option<NaiveDate>,
}

/// Lots newest production date first, `limit` after the keyset position.
pub fn list(
    conn: &mut PgConnection,
    filter: &LotFilter,
    after: Option<After<NaiveDate>>,
    limit: i64,
) -> QueryResult<Vec<Lot>> {
    let mut query = lots::table
        .select(Lot::as_select())
        .order((lots::produced_on.desc(), lots::id.desc()))
        .limit(limit)
        .into_boxed();
    if let Some(part) = filter.part_id {
        query = query.filter(lots::part_id.eq(part));
    }
    if let Some(supplier) = filter.supplier_id {
        query = query.filter(lots::supplier_id.eq(supplier));
    }
    if let Some(from) = filter.produced_from {
        query = query.filter(lots::produced_on.ge(from));
    }
    if let Some(to) = filter.produced_to {
        query = query.filter(lots::produced_on.le(to));
    }
    if let Some(a) = after {
        query = query.filter(
            lots::produced_on
                .lt(a.key)
                .or(lots::produced_on.eq(a.key).and(lots::id.lt(LotId(a.id)))),
        );
    }
    query.load(conn)
}
