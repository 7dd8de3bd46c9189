//! Suppliers' source policies: an append-only history (the table refuses UPDATE and
//! DELETE); the current policy is a supplier's latest row.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;

use super::schema::supplier_source_policies;
use crate::domain::{SourcePolicy, SupplierId};

/// One stored policy of a supplier.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Serialize)]
#[diesel(table_name = supplier_source_policies, check_for_backend(diesel::pg::Pg))]
pub struct SourcePolicyRow {
    pub supplier_id: SupplierId,
    /// Its place in the supplier's history: 1, 2, 3... in the order set.
    pub position: i32,
    pub policy: SourcePolicy,
    pub reason: String,
    /// The actor as the audit trail names it.
    pub set_by: String,
    pub set_at: DateTime<Utc>,
}

/// A policy to append.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = supplier_source_policies)]
pub struct NewSourcePolicy<'a> {
    pub supplier_id: SupplierId,
    /// One after the supplier's latest.
    pub position: i32,
    pub policy: SourcePolicy,
    pub reason: &'a str,
    pub set_by: &'a str,
}

pub fn insert(conn: &mut PgConnection, new: &NewSourcePolicy<'_>) -> QueryResult<SourcePolicyRow> {
    diesel::insert_into(supplier_source_policies::table)
        .values(new)
        .returning(SourcePolicyRow::as_returning())
        .get_result(conn)
}

/// A supplier's policies, newest first.
pub fn history(conn: &mut PgConnection, supplier: SupplierId) -> QueryResult<Vec<SourcePolicyRow>> {
    supplier_source_policies::table
        .filter(supplier_source_policies::supplier_id.eq(supplier))
        .order(supplier_source_policies::position.desc())
        .select(SourcePolicyRow::as_select())
        .load(conn)
}

/// The policy in force for a supplier: its latest row's, or the default when none.
pub fn current(conn: &mut PgConnection, supplier: SupplierId) -> QueryResult<SourcePolicy> {
    Ok(supplier_source_policies::table
        .filter(supplier_source_policies::supplier_id.eq(supplier))
        .order(supplier_source_policies::position.desc())
        .select(supplier_source_policies::policy)
        .first::<SourcePolicy>(conn)
        .optional()?
        .unwrap_or(SourcePolicy::DEFAULT))
}

/// The policies in force for several suppliers (those without a row are absent).
pub fn current_of(
    conn: &mut PgConnection,
    suppliers: &[SupplierId],
) -> QueryResult<Vec<(SupplierId, SourcePolicy)>> {
    supplier_source_policies::table
        .filter(supplier_source_policies::supplier_id.eq_any(suppliers))
        .distinct_on(supplier_source_policies::supplier_id)
        .order((
            supplier_source_policies::supplier_id,
            supplier_source_policies::position.desc(),
        ))
        .select((
            supplier_source_policies::supplier_id,
            supplier_source_policies::policy,
        ))
        .load(conn)
}
