//! Queries on part numbers.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::After;
use super::models::{NewPart, Part};
use super::schema::parts;
use crate::domain::PartId;

pub fn insert(conn: &mut PgConnection, new: &NewPart<'_>) -> QueryResult<Part> {
    diesel::insert_into(parts::table)
        .values(new)
        .returning(Part::as_returning())
        .get_result(conn)
}

pub fn get(conn: &mut PgConnection, id: PartId) -> QueryResult<Part> {
    parts::table.find(id).select(Part::as_select()).first(conn)
}

/// The number of each of these parts (unknown ids are left out).
pub fn numbers(conn: &mut PgConnection, ids: &[PartId]) -> QueryResult<Vec<(PartId, String)>> {
    parts::table
        .filter(parts::id.eq_any(ids))
        .select((parts::id, parts::number))
        .load(conn)
}

/// Parts in the order they were registered, `limit` after the keyset position.
pub fn list(
    conn: &mut PgConnection,
    after: Option<After<DateTime<Utc>>>,
    limit: i64,
) -> QueryResult<Vec<Part>> {
    let mut query = parts::table
        .select(Part::as_select())
        .order((parts::created_at, parts::id))
        .limit(limit)
        .into_boxed();
    if let Some(a) = after {
        query = query.filter(
            parts::created_at
                .gt(a.key)
                .or(parts::created_at.eq(a.key).and(parts::id.gt(PartId(a.id)))),
        );
    }
    query.load(conn)
}

/// The part, locked until the end of the transaction.
pub fn lock(conn: &mut PgConnection, id: PartId) -> QueryResult<Part> {
    parts::table
        .find(id)
        .select(Part::as_select())
        .for_update()
        .first(conn)
}

/// Replaces the part's fields (its id stays).
pub fn update(conn: &mut PgConnection, id: PartId, new: &NewPart<'_>) -> QueryResult<Part> {
    diesel::update(parts::table.find(id))
        .set(new)
        .returning(Part::as_returning())
        .get_result(conn)
}
