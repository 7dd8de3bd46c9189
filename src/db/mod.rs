//! Storage: the connection pool, the embedded migrations, the generated schema, the
//! row models and the queries, as plain functions over a `PgConnection`.

pub mod audit;
pub mod characteristics;
pub mod decisions;
pub mod defect_codes;
pub mod dispositions;
mod fixed;
pub mod golden_samples;
pub mod idempotency;
pub mod inspection_orders;
pub mod inspections;
pub mod lots;
pub mod models;
pub mod ncrs;
pub mod notify;
pub mod parts;
pub mod photos;
pub mod pool_stats;
pub mod reconciliation;
pub mod records;
pub mod resubmissions;
pub mod roles;
pub mod schema;
pub mod scorecard;
pub mod source_policies;
pub mod statistics;
pub mod suppliers;
pub mod switching;
pub mod tokens;
pub mod webhooks;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use diesel::PgConnection;
use diesel::connection::{Connection, Instrumentation, InstrumentationEvent};
use diesel::r2d2::{ConnectionManager, ManageConnection, Pool, PooledConnection};
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};
use pool_stats::{PoolReport, PoolStats};

/// The migrations in `migrations/`, compiled into the binary.
pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

pub type PgPooled = PooledConnection<Manager>;

/// The connection pool, with the counters it keeps for `/metrics`. Dereferences to the
/// r2d2 pool (`pool.get()`).
#[derive(Debug, Clone)]
pub struct PgPool {
    pool: Pool<Manager>,
    stats: Arc<PoolStats>,
}

impl std::ops::Deref for PgPool {
    type Target = Pool<Manager>;

    fn deref(&self) -> &Pool<Manager> {
        &self.pool
    }
}

impl PgPool {
    /// The pool's connections and counters now.
    pub fn report(&self) -> PoolReport {
        PoolReport::read(&self.stats, self.pool.state(), self.pool.max_size())
    }
}

/// A pool whose checkout gives up after `checkout_timeout`, so a request answers 503
/// quickly while the database is unreachable instead of hanging.
pub fn pool(
    database_url: &str,
    max_size: u32,
    checkout_timeout: Duration,
) -> Result<PgPool, r2d2::Error> {
    pool_with_statement_timeout(database_url, max_size, checkout_timeout, None)
}

/// Like [`pool`], and every statement is cancelled after `statement_timeout`, so a
/// runaway query cannot hold a connection (and a worker's request) for ever.
pub fn pool_with_statement_timeout(
    database_url: &str,
    max_size: u32,
    checkout_timeout: Duration,
    statement_timeout: Option<Duration>,
) -> Result<PgPool, r2d2::Error> {
    let stats = Arc::new(PoolStats::default());
    let pool = Pool::builder()
        .max_size(max_size)
        .min_idle(Some(0))
        // Costs no round trip on the hot path: see `Manager::is_valid`.
        .test_on_check_out(true)
        .connection_timeout(checkout_timeout)
        .connection_customizer(Box::new(SessionSettings { statement_timeout }))
        .event_handler(Box::new(pool_stats::Events(stats.clone())))
        .error_handler(Box::new(pool_stats::Errors(stats.clone())))
        .build(Manager::new(database_url, stats.clone()))?;
    Ok(PgPool { pool, stats })
}

/// A connection idle this long is pinged before it is handed out: the server may have
/// restarted, or a firewall dropped the socket, while nobody was asking.
const IDLE_BEFORE_PING: Duration = Duration::from_secs(10);

/// diesel's connection manager, plus the knowledge of which pooled connections may be
/// dead. diesel marks a connection broken only on some failure paths (a statement that
/// fails to prepare on a closed socket leaves it looking healthy), so after a PostgreSQL
/// restart every pooled connection would fail its requests until something else threw
/// it away. Instead, each connection watches its own statements ([`LossWatch`]); the
/// first one to meet a lost connection is discarded and bumps the pool's count of
/// losses, and every other pooled connection is pinged once before its next use.
#[derive(Debug)]
pub struct Manager {
    inner: ConnectionManager<PgConnection>,
    /// How many lost connections this pool has met; a connection last checked under a
    /// smaller count may have been dropped by the same restart.
    losses: Arc<AtomicU64>,
    /// The pool's counters, which its connections' failed statements add to.
    stats: Arc<PoolStats>,
}

impl Manager {
    fn new(database_url: &str, stats: Arc<PoolStats>) -> Self {
        Manager {
            inner: ConnectionManager::new(database_url),
            losses: Arc::new(AtomicU64::new(0)),
            stats,
        }
    }
}

impl ManageConnection for Manager {
    type Connection = PgConnection;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<PgConnection, Self::Error> {
        let mut conn = self.inner.connect()?;
        conn.set_instrumentation(LossWatch {
            losses: self.losses.clone(),
            checked_at: self.losses.load(Ordering::Acquire),
            lost: false,
            last_used: Instant::now(),
            stats: self.stats.clone(),
        });
        Ok(conn)
    }

    /// Called at every checkout: free (an atomic load and a clock read) unless a lost
    /// connection was met since this one was last checked, or it sat idle for
    /// [`IDLE_BEFORE_PING`]; then a `SELECT 1`, and a failure discards it.
    fn is_valid(&self, conn: &mut PgConnection) -> Result<(), Self::Error> {
        let losses = self.losses.load(Ordering::Acquire);
        let trusted = watch(conn).is_some_and(|w| w.trusted(losses, Instant::now()));
        if trusted {
            return Ok(());
        }
        self.inner.is_valid(conn)?;
        if let Some(w) = watch(conn) {
            w.checked_at = losses;
        }
        Ok(())
    }

    fn has_broken(&self, conn: &mut PgConnection) -> bool {
        self.inner.has_broken(conn) || watch(conn).is_some_and(|w| w.lost)
    }
}

fn watch(conn: &mut PgConnection) -> Option<&mut LossWatch> {
    conn.instrumentation().downcast_mut::<LossWatch>()
}

/// Watches one connection's statements for the signs of a lost connection.
struct LossWatch {
    losses: Arc<AtomicU64>,
    /// The pool's count of losses when this connection was made or last pinged.
    checked_at: u64,
    /// A statement met a lost connection: never hand this one out again.
    lost: bool,
    last_used: Instant,
    stats: Arc<PoolStats>,
}

impl LossWatch {
    /// Whether the connection may be handed out without a ping.
    fn trusted(&self, losses: u64, now: Instant) -> bool {
        !self.lost
            && self.checked_at == losses
            && now.duration_since(self.last_used) < IDLE_BEFORE_PING
    }

    /// A statement (or a transaction's BEGIN or COMMIT) has finished.
    fn finished(&mut self, error: Option<&DieselError>, now: Instant) {
        self.last_used = now;
        if let Some(error) = error {
            self.stats.statement_failed(error);
        }
        let unfit = |e: &DieselError| is_connection_lost(e) || is_read_only_server(e);
        if error.is_some_and(unfit) && !self.lost {
            self.lost = true;
            self.losses.fetch_add(1, Ordering::AcqRel);
        }
    }
}

impl Instrumentation for LossWatch {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        if let InstrumentationEvent::FinishQuery { error, .. } = event {
            self.finished(error, Instant::now());
        }
    }
}

/// Whether `err` means the connection itself is gone (libpq reports the socket closed,
/// or a command could not be sent), as opposed to a statement that failed.
pub fn is_connection_lost(err: &DieselError) -> bool {
    matches!(
        err,
        DieselError::DatabaseError(
            DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
            _
        )
    )
}

/// Whether `err` means the server refuses writes (SQLSTATE 25006): it was demoted to a
/// standby, or made read-only for a switchover. lotgate never opens a read-only
/// transaction itself, so the connection reaches a server it should no longer use; once
/// it is discarded, a new one finds the writable server (`target_session_attrs=read-write`).
pub fn is_read_only_server(err: &DieselError) -> bool {
    matches!(
        err,
        DieselError::DatabaseError(DatabaseErrorKind::ReadOnlyTransaction, _)
    )
}

/// Messages libpq and PostgreSQL give when the server went away or is restarting
/// (SQLSTATE class 57P and lost sockets); the request can be retried.
pub fn is_connection_loss(message: &str) -> bool {
    const SIGNS: [&str; 6] = [
        "terminating connection",
        "server closed the connection",
        "no connection to the server",
        "could not connect to server",
        "the database system is shutting down",
        "the database system is starting up",
    ];
    SIGNS.iter().any(|sign| message.contains(sign))
}

/// Settings applied to every new connection of the pool.
#[derive(Debug, Clone, Copy)]
struct SessionSettings {
    statement_timeout: Option<Duration>,
}

impl r2d2::CustomizeConnection<PgConnection, diesel::r2d2::Error> for SessionSettings {
    fn on_acquire(&self, conn: &mut PgConnection) -> Result<(), diesel::r2d2::Error> {
        use diesel::RunQueryDsl;
        if let Some(timeout) = self.statement_timeout {
            diesel::sql_query(format!("SET statement_timeout = {}", timeout.as_millis()))
                .execute(conn)
                .map_err(diesel::r2d2::Error::QueryError)?;
        }
        Ok(())
    }
}

/// Applies every pending migration; returns the versions applied.
pub fn run_migrations(
    conn: &mut PgConnection,
) -> Result<Vec<String>, Box<dyn std::error::Error + Send + Sync>> {
    // Checked by reading first: the harness creates its bookkeeping table even when
    // nothing is pending, which a service role that owns nothing may not do.
    if nothing_pending(conn)? {
        return Ok(Vec::new());
    }
    let applied = conn.run_pending_migrations(MIGRATIONS)?;
    Ok(applied.iter().map(|v| v.to_string()).collect())
}

/// Whether every embedded migration is applied already.
fn nothing_pending(
    conn: &mut PgConnection,
) -> Result<bool, Box<dyn std::error::Error + Send + Sync>> {
    use diesel::RunQueryDsl;
    use diesel::migration::MigrationSource;
    #[derive(diesel::QueryableByName)]
    struct Version {
        #[diesel(sql_type = diesel::sql_types::Text)]
        version: String,
    }
    let bookkept: bool = diesel::select(diesel::dsl::sql::<diesel::sql_types::Bool>(
        "to_regclass('__diesel_schema_migrations') IS NOT NULL",
    ))
    .get_result(conn)?;
    if !bookkept {
        return Ok(false);
    }
    let applied: std::collections::HashSet<String> =
        diesel::sql_query("SELECT version::text AS version FROM __diesel_schema_migrations")
            .load::<Version>(conn)?
            .into_iter()
            .map(|v| v.version)
            .collect();
    let embedded = MigrationSource::<diesel::pg::Pg>::migrations(&MIGRATIONS)?;
    Ok(embedded
        .iter()
        .all(|m| applied.contains(&m.name().version().to_string())))
}

/// Keyset pagination position: the sort key of the last row seen and its id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct After<K> {
    pub key: K,
    pub id: uuid::Uuid,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn watch(losses: &Arc<AtomicU64>, now: Instant) -> LossWatch {
        LossWatch {
            losses: losses.clone(),
            checked_at: losses.load(Ordering::Acquire),
            lost: false,
            last_used: now,
            stats: Arc::new(PoolStats::default()),
        }
    }

    fn closed() -> DieselError {
        DieselError::DatabaseError(
            DatabaseErrorKind::ClosedConnection,
            Box::new("server closed the connection unexpectedly".to_string()),
        )
    }

    #[test]
    fn a_connection_in_use_is_handed_out_without_a_ping() {
        let losses = Arc::new(AtomicU64::new(0));
        let now = Instant::now();
        let mut conn = watch(&losses, now);

        conn.finished(None, now);

        assert!(conn.trusted(0, now + Duration::from_millis(1)));
    }

    #[test]
    fn a_lost_connection_is_never_handed_out_again_and_puts_the_others_in_doubt() {
        let losses = Arc::new(AtomicU64::new(0));
        let now = Instant::now();
        let mut dead = watch(&losses, now);
        let other = watch(&losses, now);

        dead.finished(Some(&closed()), now);
        dead.finished(Some(&closed()), now);
        let count = losses.load(Ordering::Acquire);

        assert!(dead.lost);
        assert_eq!(count, 1, "one connection counts once");
        assert!(!other.trusted(count, now), "pinged before its next use");
    }

    #[test]
    fn a_failed_statement_is_not_a_lost_connection() {
        let losses = Arc::new(AtomicU64::new(0));
        let now = Instant::now();
        let mut conn = watch(&losses, now);
        let unique = DieselError::DatabaseError(
            DatabaseErrorKind::UniqueViolation,
            Box::new("duplicate key".to_string()),
        );

        conn.finished(Some(&unique), now);
        conn.finished(Some(&DieselError::NotFound), now);

        assert!(conn.trusted(losses.load(Ordering::Acquire), now));
    }

    #[test]
    fn a_connection_to_a_server_that_refuses_writes_is_never_handed_out_again() {
        let losses = Arc::new(AtomicU64::new(0));
        let now = Instant::now();
        let mut conn = watch(&losses, now);
        let read_only = DieselError::DatabaseError(
            DatabaseErrorKind::ReadOnlyTransaction,
            Box::new("cannot execute INSERT in a read-only transaction".to_string()),
        );

        conn.finished(Some(&read_only), now);

        assert!(conn.lost);
        assert_eq!(losses.load(Ordering::Acquire), 1);
    }

    #[test]
    fn a_connection_idle_for_a_while_is_pinged() {
        let losses = Arc::new(AtomicU64::new(0));
        let now = Instant::now();
        let conn = watch(&losses, now);

        assert!(conn.trusted(0, now + IDLE_BEFORE_PING - Duration::from_millis(1)));
        assert!(!conn.trusted(0, now + IDLE_BEFORE_PING));
    }
}
