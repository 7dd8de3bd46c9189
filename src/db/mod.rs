//! Storage: the connection pool, the embedded migrations, the generated schema, the
//! row models and the queries, as plain functions over a `PgConnection`.

pub mod audit;
pub mod characteristics;
pub mod decisions;
mod fixed;
pub mod golden_samples;
pub mod idempotency;
pub mod inspections;
pub mod lots;
pub mod models;
pub mod notify;
pub mod parts;
pub mod photos;
pub mod schema;
pub mod statistics;
pub mod suppliers;
pub mod switching;
pub mod tokens;

use std::time::Duration;

use diesel::PgConnection;
use diesel::r2d2::{ConnectionManager, Pool, PooledConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

/// The migrations in `migrations/`, compiled into the binary.
pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

pub type PgPool = Pool<ConnectionManager<PgConnection>>;
pub type PgPooled = PooledConnection<ConnectionManager<PgConnection>>;

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
    Pool::builder()
        .max_size(max_size)
        .min_idle(Some(0))
        // No `SELECT 1` before every checkout: a connection the server dropped fails its
        // next query (answered 503), is discarded as broken, and the retry gets a new one.
        .test_on_check_out(false)
        .connection_timeout(checkout_timeout)
        .connection_customizer(Box::new(SessionSettings { statement_timeout }))
        .build(ConnectionManager::new(database_url))
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
    let applied = conn.run_pending_migrations(MIGRATIONS)?;
    Ok(applied.iter().map(|v| v.to_string()).collect())
}

/// Keyset pagination position: the sort key of the last row seen and its id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct After<K> {
    pub key: K,
    pub id: uuid::Uuid,
}
