//! Queries on the characteristics of a part.

use diesel::prelude::*;

use super::models::{Characteristic, NewCharacteristic};
use super::schema::characteristics;
use crate::domain::PartId;

pub fn insert(conn: &mut PgConnection, new: &NewCharacteristic<'_>) -> QueryResult<Characteristic> {
    diesel::insert_into(characteristics::table)
        .values(new)
        .returning(Characteristic::as_returning())
        .get_result(conn)
}

/// The characteristics of a part, in the order they were defined.
pub fn of_part(conn: &mut PgConnection, part: PartId) -> QueryResult<Vec<Characteristic>> {
    characteristics::table
        .filter(characteristics::part_id.eq(part))
        .order((characteristics::created_at, characteristics::id))
        .select(Characteristic::as_select())
        .load(conn)
}

/// The characteristics of several parts, each part's in the order they were defined.
pub fn of_parts(conn: &mut PgConnection, parts: &[PartId]) -> QueryResult<Vec<Characteristic>> {
    characteristics::table
        .filter(characteristics::part_id.eq_any(parts))
        .order((characteristics::created_at, characteristics::id))
        .select(Characteristic::as_select())
        .load(conn)
}

/// Whether a characteristic with this id exists on any part.
pub fn exists(conn: &mut PgConnection, id: crate::domain::CharacteristicId) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(characteristics::table.find(id))).get_result(conn)
}

/// The characteristic, locked until the end of the transaction.
pub fn lock(
    conn: &mut PgConnection,
    id: crate::domain::CharacteristicId,
) -> QueryResult<Characteristic> {
    characteristics::table
        .find(id)
        .select(Characteristic::as_select())
        .for_update()
        .first(conn)
}

/// Replaces the characteristic's fields (its id, part and kind stay).
pub fn update(
    conn: &mut PgConnection,
    id: crate::domain::CharacteristicId,
    new: &NewCharacteristic<'_>,
) -> QueryResult<Characteristic> {
    diesel::update(characteristics::table.find(id))
        .set(new)
        .returning(Characteristic::as_returning())
        .get_result(conn)
}

pub fn get(
    conn: &mut PgConnection,
    id: crate::domain::CharacteristicId,
) -> QueryResult<Characteristic> {
    characteristics::table
        .find(id)
        .select(Characteristic::as_select())
        .first(conn)
}
