//! Stored inspection orders: the seed a lot's units were drawn with and, per
//! characteristic, the plan and the units drawn. Written once (the tables refuse UPDATE
//! and DELETE); the caller holds the lot's row lock, so two readers never both draw.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;

use super::schema::{lot_inspection_order_items, lot_inspection_orders};
use crate::domain::{CharacteristicId, LotId, Mode};

/// The head of a lot's inspection order.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = lot_inspection_orders, check_for_backend(diesel::pg::Pg))]
pub struct OrderRow {
    pub lot_id: LotId,
    /// The u64 seed in decimal.
    pub seed: String,
    pub drawn_at: DateTime<Utc>,
}

/// One characteristic of an order: the plan it was drawn under and its units.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = lot_inspection_order_items, check_for_backend(diesel::pg::Pg))]
pub struct OrderItemRow {
    pub lot_id: LotId,
    pub characteristic_id: CharacteristicId,
    /// Its place among the part's characteristics when drawn.
    pub position: i32,
    pub inspection: Mode,
    pub reason: String,
    pub code_letter: Option<String>,
    /// The switching severity it was drawn at (`decision::types::SwitchingSeverity`).
    pub severity: Option<String>,
    pub sample_size: i64,
    pub acceptance_number: Option<i32>,
    pub rejection_number: Option<i32>,
    pub destructive: bool,
    /// Lot unit numbers, ascending; empty under full inspection.
    pub units: Vec<i32>,
    pub drawn_at: DateTime<Utc>,
}

/// The lot's order head, if drawn.
pub fn find(conn: &mut PgConnection, lot: LotId) -> QueryResult<Option<OrderRow>> {
    lot_inspection_orders::table
        .find(lot)
        .select(OrderRow::as_select())
        .first(conn)
        .optional()
}

/// The order's characteristics, in the order they were drawn.
pub fn items(conn: &mut PgConnection, lot: LotId) -> QueryResult<Vec<OrderItemRow>> {
    lot_inspection_order_items::table
        .filter(lot_inspection_order_items::lot_id.eq(lot))
        .order((
            lot_inspection_order_items::drawn_at,
            lot_inspection_order_items::position,
        ))
        .select(OrderItemRow::as_select())
        .load(conn)
}

pub fn insert(conn: &mut PgConnection, row: &OrderRow) -> QueryResult<()> {
    diesel::insert_into(lot_inspection_orders::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn insert_items(conn: &mut PgConnection, rows: &[OrderItemRow]) -> QueryResult<()> {
    if rows.is_empty() {
        return Ok(());
    }
    diesel::insert_into(lot_inspection_order_items::table)
        .values(rows)
        .execute(conn)
        .map(|_| ())
}
