//! The audit writer: every use case that changes something appends its audit row in the
//! same transaction as the change. And the audit list, read by reviewers.

use serde::Serialize;

use super::ServiceError;
use crate::auth::Principal;
use crate::db::audit::{self as audit_db, Event, Filter};
use diesel::PgConnection;

mod compare;
pub mod verify;

pub use compare::{Difference, differs};

/// What an audit row says about a change, besides who made it and the new value.
pub struct Entry<'a> {
    /// A verb: `create`, `record`, `correct`, `decide`, `approve`, `retire`, `revoke`...
    pub action: &'a str,
    /// The kind of entity: `part`, `lot`, `inspection`, `token`...
    pub entity: &'a str,
    pub id: String,
    /// The entity before the change; none for a creation.
    pub old: Option<serde_json::Value>,
    /// The reason given, where the operation takes one.
    pub reason: Option<&'a str>,
}

/// Appends the audit row of a change to the current transaction; `new` is the entity
/// after the change, in its stored form (a service cannot see the API's views).
pub fn write(
    conn: &mut PgConnection,
    by: &Principal,
    entry: Entry<'_>,
    new: &impl Serialize,
) -> Result<(), ServiceError> {
    let new_value = serde_json::to_value(new).map_err(ServiceError::internal)?;
    audit_db::append(
        conn,
        by,
        &audit_db::Change {
            action: entry.action,
            entity: entry.entity,
            entity_id: entry.id,
            old_value: entry.old,
            new_value: Some(new_value),
            reason: entry.reason,
        },
    )?;
    Ok(())
}

/// The audit row of a creation.
pub fn created(
    conn: &mut PgConnection,
    by: &Principal,
    entity: &str,
    id: impl std::fmt::Display,
    new: &impl Serialize,
) -> Result<(), ServiceError> {
    let entry = Entry {
        action: "create",
        entity,
        id: id.to_string(),
        old: None,
        reason: None,
    };
    write(conn, by, entry, new)
}

/// The audit row of an update of a whole resource, from its record before and after.
pub fn updated(
    conn: &mut PgConnection,
    by: &Principal,
    entity: &str,
    id: impl std::fmt::Display,
    before: &impl Serialize,
    after: &impl Serialize,
) -> Result<(), ServiceError> {
    let entry = Entry {
        action: "update",
        entity,
        id: id.to_string(),
        old: Some(serde_json::to_value(before).map_err(ServiceError::internal)?),
        reason: None,
    };
    write(conn, by, entry, after)
}

/// The rules of an audit filter, without the database: a period that ends before it
/// starts is refused rather than answered with nothing.
pub fn check_filter(filter: &Filter) -> Result<(), ServiceError> {
    match (filter.from, filter.to) {
        (Some(from), Some(to)) if from > to => {
            Err(ServiceError::invalid_field("from", "must not be after to"))
        }
        _ => Ok(()),
    }
}

/// Audit rows matching `filter` after the row `after_seq`, oldest first, at most `limit`.
pub fn list(
    conn: &mut PgConnection,
    filter: &Filter,
    after_seq: Option<i64>,
    limit: i64,
) -> Result<Vec<Event>, ServiceError> {
    check_filter(filter)?;
    Ok(audit_db::list(conn, filter, after_seq, limit)?)
}
