//! Stored responses for the Idempotency-Key header.

use std::time::Duration;

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::schema::idempotency_keys;

/// How long keys are kept: at least the 24 hours the draft asks for.
pub const RETENTION: Duration = Duration::from_secs(48 * 3600);

/// A key's row: in flight while `status` is `None`.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = idempotency_keys, check_for_backend(diesel::pg::Pg))]
pub struct StoredKey {
    pub key: String,
    pub request_sha256: String,
    pub status: Option<i16>,
    pub content_type: Option<String>,
    pub location: Option<String>,
    pub body: Option<Vec<u8>>,
    pub created_at: DateTime<Utc>,
}

/// What claiming a key found.
#[derive(Debug)]
pub enum Claim {
    /// The key is new (or its earlier request was abandoned): go ahead.
    Proceed,
    /// The key is known: here is its row.
    Existing(StoredKey),
}

/// Claims `key` for a request with this fingerprint. A claim in flight for longer than
/// `lease` is taken over: its request died without an answer.
pub fn claim(
    conn: &mut PgConnection,
    key: &str,
    fingerprint: &str,
    lease: Duration,
) -> QueryResult<Claim> {
    let inserted = diesel::insert_into(idempotency_keys::table)
        .values((
            idempotency_keys::key.eq(key),
            idempotency_keys::request_sha256.eq(fingerprint),
        ))
        .on_conflict_do_nothing()
        .execute(conn)?;
    if inserted == 1 {
        return Ok(Claim::Proceed);
    }
    let existing: StoredKey = idempotency_keys::table
        .find(key)
        .select(StoredKey::as_select())
        .first(conn)?;
    let abandoned = existing.status.is_none()
        && existing.request_sha256 == fingerprint
        && Utc::now() - existing.created_at > chrono::Duration::from_std(lease).unwrap_or_default();
    if abandoned {
        let taken = diesel::update(idempotency_keys::table.find(key))
            .filter(idempotency_keys::status.is_null())
            .filter(idempotency_keys::created_at.eq(existing.created_at))
            .set(idempotency_keys::created_at.eq(Utc::now()))
            .execute(conn)?;
        if taken == 1 {
            return Ok(Claim::Proceed);
        }
    }
    Ok(Claim::Existing(existing))
}

/// Stores the response of the request that claimed `key`.
pub fn complete(
    conn: &mut PgConnection,
    key: &str,
    status: i16,
    content_type: Option<&str>,
    location: Option<&str>,
    body: &[u8],
) -> QueryResult<()> {
    diesel::update(idempotency_keys::table.find(key))
        .set((
            idempotency_keys::status.eq(status),
            idempotency_keys::content_type.eq(content_type),
            idempotency_keys::location.eq(location),
            idempotency_keys::body.eq(body),
            idempotency_keys::completed_at.eq(Utc::now()),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Forgets a key whose request failed on the server side, so a retry runs again.
pub fn release(conn: &mut PgConnection, key: &str) -> QueryResult<()> {
    diesel::delete(idempotency_keys::table.find(key))
        .execute(conn)
        .map(|_| ())
}

/// Removes keys older than `age`; returns how many.
pub fn expire(conn: &mut PgConnection, age: Duration) -> QueryResult<usize> {
    let cutoff = Utc::now() - chrono::Duration::from_std(age).unwrap_or_default();
    diesel::delete(idempotency_keys::table.filter(idempotency_keys::created_at.lt(cutoff)))
        .execute(conn)
}
