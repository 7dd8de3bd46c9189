//! The HTTP layer: one route table, one file per resource, the JSON shapes and the
//! OpenAPI annotations. No SQL and no statistics here.

mod body;
pub mod characteristics;
pub mod decisions;
pub mod error;
pub mod extract;
pub mod golden_samples;
pub mod health;
mod idempotency;
pub mod inspections;
pub mod lots;
mod middleware;
pub mod pagination;
pub mod parts;
pub mod photos;
mod routes;
pub mod sampling;
mod schemas;
pub mod statistics;
pub mod suppliers;
pub mod switching;
mod validate;

pub use routes::{build_app, openapi};

use actix_web::web;
use diesel::PgConnection;

use crate::db::PgPool;
use error::ApiError;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub pool: PgPool,
    /// Largest JSON body accepted, in bytes.
    pub json_limit: usize,
}

/// Runs database work on the blocking thread pool, never on an actix worker. A pool that
/// cannot hand out a connection in time is a 503.
pub async fn db<T, F>(state: &AppState, work: F) -> Result<T, ApiError>
where
    F: FnOnce(&mut PgConnection) -> Result<T, ApiError> + Send + 'static,
    T: Send + 'static,
{
    let pool = state.pool.clone();
    web::block(move || {
        let mut conn = pool.get()?;
        work(&mut conn)
    })
    .await
    .map_err(ApiError::internal)?
}
