//! Lot decisions: immutable revisions (the database refuses UPDATE and DELETE), and the
//! inputs they are computed from.

use chrono::{DateTime, Utc};
use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::pg::{Pg, PgValue};
use diesel::prelude::*;
use diesel::sql_types::Jsonb;

use super::inspections::{self, InspectionRows};
use super::models::Inspection;
use super::schema::{lot_decisions, lots};
use crate::domain::{DecisionId, LotId, PartId, SupplierId};

/// The channel a new stored decision is announced on (trigger `lot_decisions_added`).
pub const CHANGES_CHANNEL: &str = "lotgate_decisions";

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = lot_decisions, check_for_backend(diesel::pg::Pg))]
pub struct LotDecision {
    pub id: DecisionId,
    pub lot_id: LotId,
    pub revision: i32,
    pub verdict: String,
    pub inputs: serde_json::Value,
    pub decision: serde_json::Value,
    pub decided_at: DateTime<Utc>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = lot_decisions)]
pub struct NewLotDecision<'a> {
    pub id: DecisionId,
    pub lot_id: LotId,
    pub revision: i32,
    pub verdict: &'a str,
    pub inputs: &'a serde_json::Value,
    pub decision: &'a serde_json::Value,
    pub decided_at: DateTime<Utc>,
}

pub fn insert(conn: &mut PgConnection, new: &NewLotDecision<'_>) -> QueryResult<()> {
    diesel::insert_into(lot_decisions::table)
        .values(new)
        .execute(conn)
        .map(|_| ())
}

/// The highest revision stored for the lot, if any.
pub fn latest_revision(conn: &mut PgConnection, lot: LotId) -> QueryResult<Option<i32>> {
    lot_decisions::table
        .filter(lot_decisions::lot_id.eq(lot))
        .select(diesel::dsl::max(lot_decisions::revision))
        .get_result(conn)
}

/// The revision stored under this id, if any (of any lot).
pub fn find(conn: &mut PgConnection, id: DecisionId) -> QueryResult<Option<LotDecision>> {
    lot_decisions::table
        .find(id)
        .select(LotDecision::as_select())
        .first(conn)
        .optional()
}

/// One revision of the lot's decision, or the latest when `revision` is `None`.
pub fn get(conn: &mut PgConnection, lot: LotId, revision: Option<i32>) -> QueryResult<LotDecision> {
    let mut query = lot_decisions::table
        .filter(lot_decisions::lot_id.eq(lot))
        .select(LotDecision::as_select())
        .order(lot_decisions::revision.desc())
        .into_boxed();
    if let Some(r) = revision {
        query = query.filter(lot_decisions::revision.eq(r));
    }
    query.first(conn)
}

/// A stored JSONB document as PostgreSQL renders it: JSON text, never parsed here.
///
/// PostgreSQL sends `jsonb` in binary as a version byte (1) followed by the document's
/// text, so reading it costs one copy, where `serde_json::Value` would build a tree.
#[derive(Debug, FromSqlRow)]
pub struct JsonText(pub Vec<u8>);

impl FromSql<Jsonb, Pg> for JsonText {
    fn from_sql(value: PgValue<'_>) -> deserialize::Result<Self> {
        match value.as_bytes() {
            [1, text @ ..] => Ok(JsonText(text.to_vec())),
            _ => Err("unsupported jsonb version in the binary format".into()),
        }
    }
}

/// Only the stored decision document of one revision (or the latest), as JSON text:
/// what `get_lot_decision` answers. Both shapes are fixed queries, so the connection
/// prepares each once and reuses it.
pub fn decision_text(
    conn: &mut PgConnection,
    lot: LotId,
    revision: Option<i32>,
) -> QueryResult<JsonText> {
    let of_lot = lot_decisions::table
        .filter(lot_decisions::lot_id.eq(lot))
        .select(lot_decisions::decision);
    match revision {
        Some(r) => of_lot
            .filter(lot_decisions::revision.eq(r))
            .get_result(conn),
        None => of_lot.order(lot_decisions::revision.desc()).first(conn),
    }
}

/// The latest decision (as stored JSON) of every decided lot of a supplier and part, in
/// lot order: production date, then lot id.
pub fn latest_of_stream(
    conn: &mut PgConnection,
    supplier: SupplierId,
    part: PartId,
) -> QueryResult<Vec<serde_json::Value>> {
    let rows: Vec<(LotId, serde_json::Value)> = lot_decisions::table
        .inner_join(lots::table)
        .filter(lots::supplier_id.eq(supplier))
        .filter(lots::part_id.eq(part))
        .order((lots::produced_on, lots::id, lot_decisions::revision.desc()))
        .select((lot_decisions::lot_id, lot_decisions::decision))
        .load(conn)?;
    let mut latest = Vec::new();
    let mut previous = None;
    for (lot, decision) in rows {
        if previous != Some(lot) {
            latest.push(decision);
            previous = Some(lot);
        }
    }
    Ok(latest)
}

/// The lot's current (not superseded) inspections with their rows, in the order they
/// were carried out. A correction always supersedes an inspection of the same lot.
pub fn current_inspections(
    conn: &mut PgConnection,
    lot: LotId,
) -> QueryResult<Vec<(Inspection, InspectionRows)>> {
    let all = inspections::list_for_lot(conn, lot, None, i64::MAX)?;
    let superseded: std::collections::HashSet<_> =
        all.iter().filter_map(|i| i.supersedes).collect();
    all.into_iter()
        .filter(|i| !superseded.contains(&i.id))
        .map(|i| {
            let rows = inspections::rows(conn, i.id)?;
            Ok((i, rows))
        })
        .collect()
}
