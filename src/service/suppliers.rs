//! Suppliers and factories: register, list.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::PgConnection;

use super::{ServiceError, audit};
use crate::auth::Principal;
use crate::db::After;
use crate::db::models::{NewSupplier, Supplier};
use crate::db::source_policies as source_policies_db;
use crate::db::suppliers as suppliers_db;
use crate::domain::{SourcePolicy, SupplierId};

/// What a supplier is registered with; both are stored trimmed.
#[derive(Debug, Clone)]
pub struct SupplierInput {
    pub name: String,
    /// A short code, unique across lotgate.
    pub code: String,
}

/// Registers a supplier or factory; `id` is the client's, or a new one when absent.
pub fn create(
    conn: &mut PgConnection,
    by: &Principal,
    id: Option<SupplierId>,
    input: &SupplierInput,
) -> Result<Supplier, ServiceError> {
    let new = NewSupplier {
        id: id.unwrap_or_else(SupplierId::new_random),
        name: input.name.trim(),
        code: input.code.trim(),
    };
    conn.build_transaction().run(|conn| {
        let supplier = suppliers_db::insert(conn, &new)?;
        audit::created(conn, by, "supplier", supplier.id, &supplier)?;
        Ok(supplier)
    })
}

/// Suppliers in the order they were registered, each with its source policy in force:
/// at most `limit` after the keyset position. A token bound to a supplier sees only its
/// own.
pub fn list(
    conn: &mut PgConnection,
    by: &Principal,
    after: Option<After<DateTime<Utc>>>,
    limit: i64,
) -> Result<Vec<(Supplier, SourcePolicy)>, ServiceError> {
    let suppliers = suppliers_db::list(conn, by.supplier, after, limit)?;
    let ids: Vec<SupplierId> = suppliers.iter().map(|s| s.id).collect();
    let policies: HashMap<SupplierId, SourcePolicy> = source_policies_db::current_of(conn, &ids)?
        .into_iter()
        .collect();
    Ok(suppliers
        .into_iter()
        .map(|s| {
            let policy = policies
                .get(&s.id)
                .copied()
                .unwrap_or(SourcePolicy::DEFAULT);
            (s, policy)
        })
        .collect())
}
