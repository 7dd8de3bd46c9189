//! A supplier's source policy: whose results decide a characteristic that both the
//! factory's own QC and the in-house inspection recorded. Read by whoever may see the
//! supplier; set by a reviewer, with a reason, audited. The history is append-only.
//! A new policy applies to decisions made after it: a decision already made is never
//! reopened by it.

use diesel::PgConnection;

use super::{Checks, Found, ServiceError, audit, scope};
use crate::auth::Principal;
use crate::db::source_policies::{self as policies_db, NewSourcePolicy, SourcePolicyRow};
use crate::domain::{SourcePolicy, SupplierId};

/// The longest reason kept.
pub const REASON_MAX: usize = 1000;

/// A supplier's policy in force and its history.
#[derive(Debug, Clone)]
pub struct SourcePolicyReport {
    pub supplier_id: SupplierId,
    /// The policy in force: the latest row's, or the default (`in_house_decides`).
    pub policy: SourcePolicy,
    /// Every policy set for the supplier, newest first; empty while the default applies.
    pub history: Vec<SourcePolicyRow>,
}

impl SourcePolicyReport {
    /// The row that set the policy in force; none for the default.
    pub fn current(&self) -> Option<&SourcePolicyRow> {
        self.history.first()
    }
}

/// A supplier's source policy and its history; a supplier `by` may not see, or that does
/// not exist, is not found.
pub fn get(
    conn: &mut PgConnection,
    by: &Principal,
    supplier: SupplierId,
) -> Result<SourcePolicyReport, ServiceError> {
    scope::supplier(by, supplier)?;
    crate::db::suppliers::get(conn, supplier).or_not_found("supplier", supplier)?;
    let history = policies_db::history(conn, supplier)?;
    Ok(SourcePolicyReport {
        supplier_id: supplier,
        policy: history.first().map_or(SourcePolicy::DEFAULT, |r| r.policy),
        history,
    })
}

/// Sets a supplier's source policy, with the reason (stored trimmed) and who set it, and
/// writes its audit row, in one transaction. Setting the policy in force again is
/// recorded too: the reason is part of the history.
pub fn set(
    conn: &mut PgConnection,
    by: &Principal,
    supplier: SupplierId,
    policy: SourcePolicy,
    reason: &str,
) -> Result<SourcePolicyReport, ServiceError> {
    let mut checks = Checks::new();
    checks.text("reason", reason, REASON_MAX);
    checks.finish()?;
    scope::supplier(by, supplier)?;
    conn.build_transaction().run(|conn| {
        crate::db::suppliers::get(conn, supplier).or_not_found("supplier", supplier)?;
        let before = policies_db::history(conn, supplier)?;
        // One after the latest read: a change committed meanwhile takes the same place
        // and this one is refused (409), so `old` in the audit row is always the policy
        // replaced.
        let position = before.first().map_or(1, |r| r.position + 1);
        let stored = policies_db::insert(
            conn,
            &NewSourcePolicy {
                supplier_id: supplier,
                position,
                policy,
                reason: reason.trim(),
                set_by: &by.name,
            },
        )?;
        let old = match before.first() {
            Some(row) => serde_json::to_value(row).map_err(ServiceError::internal)?,
            None => serde_json::json!({"supplier_id": supplier, "policy": SourcePolicy::DEFAULT}),
        };
        audit::write(
            conn,
            by,
            audit::Entry {
                action: "update",
                entity: "source_policy",
                id: supplier.to_string(),
                old: Some(old),
                reason: Some(&stored.reason),
            },
            &stored,
        )?;
        let mut history = before;
        history.insert(0, stored);
        Ok(SourcePolicyReport {
            supplier_id: supplier,
            policy,
            history,
        })
    })
}
