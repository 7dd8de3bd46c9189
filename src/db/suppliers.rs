//! Queries on suppliers and factories.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::After;
use super::models::{NewSupplier, Supplier};
use super::schema::suppliers;
use crate::domain::SupplierId;

pub fn insert(conn: &mut PgConnection, new: &NewSupplier<'_>) -> QueryResult<Supplier> {
    diesel::insert_into(suppliers::table)
        .values(new)
        .returning(Supplier::as_returning())
        .get_result(conn)
}

pub fn get(conn: &mut PgConnection, id: SupplierId) -> QueryResult<Supplier> {
    suppliers::table
        .find(id)
        .select(Supplier::as_select())
        .first(conn)
}

/// Suppliers in the order they were registered, `limit` after the keyset position;
/// with `only`, that supplier alone.
pub fn list(
    conn: &mut PgConnection,
    only: Option<SupplierId>,
    after: Option<After<DateTime<Utc>>>,
    limit: i64,
) -> QueryResult<Vec<Supplier>> {
    let mut query = suppliers::table
        .select(Supplier::as_select())
        .order((suppliers::created_at, suppliers::id))
        .limit(limit)
        .into_boxed();
    if let Some(id) = only {
        query = query.filter(suppliers::id.eq(id));
    }
    if let Some(a) = after {
        query = query.filter(
            suppliers::created_at.gt(a.key).or(suppliers::created_at
                .eq(a.key)
                .and(suppliers::id.gt(SupplierId(a.id)))),
        );
    }
    query.load(conn)
}
