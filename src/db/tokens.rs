//! API tokens: stored as SHA-256 only.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::schema::api_tokens;
use crate::domain::{Role, TokenHolder, TokenId};
use crate::token_cache::TokenCache;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = api_tokens, check_for_backend(diesel::pg::Pg))]
pub struct Token {
    pub id: TokenId,
    pub name: String,
    pub holder: TokenHolder,
    pub role: Role,
    pub created_at: DateTime<Utc>,
    pub created_by: Option<TokenId>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub revoked_by: Option<TokenId>,
    pub last_used_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = api_tokens)]
pub struct NewToken<'a> {
    pub id: TokenId,
    pub name: &'a str,
    pub holder: TokenHolder,
    pub role: Role,
    pub token_sha256: &'a [u8],
    pub created_by: Option<TokenId>,
}

pub fn insert(conn: &mut PgConnection, new: &NewToken<'_>) -> QueryResult<Token> {
    diesel::insert_into(api_tokens::table)
        .values(new)
        .returning(Token::as_returning())
        .get_result(conn)
}

pub fn get(conn: &mut PgConnection, id: TokenId) -> QueryResult<Token> {
    api_tokens::table
        .find(id)
        .select(Token::as_select())
        .first(conn)
}

/// The token with this hash, revoked or not.
pub fn by_hash(conn: &mut PgConnection, sha256: &[u8]) -> QueryResult<Option<Token>> {
    api_tokens::table
        .filter(api_tokens::token_sha256.eq(sha256))
        .select(Token::as_select())
        .first(conn)
        .optional()
}

/// Notes that a token was used, at most once a minute per token so that reads do not
/// turn into a write each.
pub fn touch(conn: &mut PgConnection, id: TokenId) -> QueryResult<usize> {
    diesel::update(api_tokens::table.find(id))
        .filter(
            api_tokens::last_used_at
                .is_null()
                .or(api_tokens::last_used_at.lt(Utc::now() - chrono::Duration::minutes(1))),
        )
        .set(api_tokens::last_used_at.eq(diesel::dsl::now))
        .execute(conn)
}

/// Every token, oldest first.
pub fn list(conn: &mut PgConnection) -> QueryResult<Vec<Token>> {
    api_tokens::table
        .select(Token::as_select())
        .order((api_tokens::created_at, api_tokens::id))
        .load(conn)
}

/// Revokes a token that is not yet revoked; `None` when it already was.
pub fn revoke(
    conn: &mut PgConnection,
    id: TokenId,
    by: Option<TokenId>,
) -> QueryResult<Option<Token>> {
    diesel::update(api_tokens::table.find(id))
        .filter(api_tokens::revoked_at.is_null())
        .set((
            api_tokens::revoked_at.eq(diesel::dsl::now),
            api_tokens::revoked_by.eq(by),
        ))
        .returning(Token::as_returning())
        .get_result(conn)
        .optional()
}

/// Stores a new token and its audit row in one transaction.
pub fn issue(
    conn: &mut PgConnection,
    by: &crate::auth::Principal,
    new: &NewToken<'_>,
    audit_value: impl Fn(&Token) -> serde_json::Value,
) -> QueryResult<Token> {
    conn.transaction(|conn| {
        let token = insert(conn, new)?;
        super::audit::append(
            conn,
            by,
            &super::audit::Change {
                action: "create",
                entity: "token",
                entity_id: token.id.to_string(),
                old_value: None,
                new_value: Some(audit_value(&token)),
                reason: None,
            },
        )?;
        Ok(token)
    })
}

/// Revokes a token and writes its audit row in one transaction; `None` when it was
/// already revoked.
pub fn revoke_audited(
    conn: &mut PgConnection,
    by: &crate::auth::Principal,
    id: TokenId,
    reason: Option<&str>,
    audit_value: impl Fn(&Token) -> serde_json::Value,
) -> QueryResult<Option<Token>> {
    conn.transaction(|conn| {
        let before = get(conn, id)?;
        let Some(after) = revoke(conn, id, by.token_id)? else {
            return Ok(None);
        };
        super::audit::append(
            conn,
            by,
            &super::audit::Change {
                action: "revoke",
                entity: "token",
                entity_id: id.to_string(),
                old_value: Some(audit_value(&before)),
                new_value: Some(audit_value(&after)),
                reason,
            },
        )?;
        Ok(Some(after))
    })
}

/// The channel a token change is announced on (see the `api_tokens_changed` trigger).
pub const CHANGES_CHANNEL: &str = "lotgate_tokens";

/// How often the listener looks for notifications that arrived (a read of what the
/// socket holds, not a round trip to the server).
const LISTEN_POLL: Duration = Duration::from_millis(5);

/// How often the listener checks that the server still answers; a connection that died
/// without a word would otherwise keep the cache live.
const LISTEN_PING: Duration = Duration::from_secs(2);

/// A thread that keeps `cache` live while it listens on [`CHANGES_CHANNEL`], and empties
/// it on every notification. Stops (and leaves the cache off) when dropped.
pub struct Listener {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Listener {
    /// Keeps the listener running for as long as the process does.
    pub fn detach(self) {
        std::mem::forget(self);
    }
}

/// Starts listening for token changes on a connection of its own to `database_url`,
/// reconnecting after a second when the connection is lost.
pub fn listen(cache: Arc<TokenCache>, database_url: String) -> std::io::Result<Listener> {
    let stop = Arc::new(AtomicBool::new(false));
    let stopping = stop.clone();
    let thread = std::thread::Builder::new()
        .name("token-listener".into())
        .spawn(move || {
            while !stopping.load(Ordering::Relaxed) {
                match PgConnection::establish(&database_url) {
                    Ok(mut conn) => {
                        if let Err(err) = listen_on(&mut conn, &cache, &stopping) {
                            log::warn!("token listener: {err}; looking tokens up per request");
                        }
                        cache.set_live(false);
                    }
                    Err(err) => log::warn!("token listener cannot connect: {err}"),
                }
                let retry = Instant::now() + Duration::from_secs(1);
                while !stopping.load(Ordering::Relaxed) && Instant::now() < retry {
                    std::thread::sleep(LISTEN_POLL * 10);
                }
            }
        })?;
    Ok(Listener {
        stop,
        thread: Some(thread),
    })
}

/// Listens until `stop` is set (`Ok`) or the connection fails (`Err`).
fn listen_on(conn: &mut PgConnection, cache: &TokenCache, stop: &AtomicBool) -> QueryResult<()> {
    diesel::sql_query(format!("LISTEN {CHANGES_CHANNEL}")).execute(conn)?;
    // Live only from here: a revocation committed before LISTEN took effect was already
    // visible to every look-up, and set_live empties whatever an earlier life stored.
    cache.set_live(true);
    let mut pinged = Instant::now();
    while !stop.load(Ordering::Relaxed) {
        let mut changed = false;
        for notification in conn.notifications_iter() {
            notification?;
            changed = true;
        }
        if changed {
            cache.forget_all();
        }
        if pinged.elapsed() >= LISTEN_PING {
            diesel::sql_query("SELECT 1").execute(conn)?;
            pinged = Instant::now();
        }
        std::thread::sleep(LISTEN_POLL);
    }
    Ok(())
}
