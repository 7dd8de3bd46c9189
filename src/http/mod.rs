//! The HTTP layer: one route table, one file per resource, the JSON shapes, the role
//! checks and the OpenAPI annotations. A handler parses the request into domain values,
//! calls one use case of [`crate::service`] on the blocking pool ([`db`]) and renders
//! its result; no SQL, no transactions and no statistics here.

pub mod access;
pub mod audit;
mod body;
pub mod characteristics;
pub mod charts;
mod dates;
mod deadline;
pub mod decisions;
pub mod defect_codes;
pub mod dispositions;
pub mod error;
pub mod etag;
pub mod extract;
pub mod golden_samples;
pub mod health;
pub mod idempotency;
pub mod inspection_plan;
pub mod inspections;
pub mod lots;
pub mod metrics;
mod middleware;
pub mod ncrs;
pub mod pagination;
pub mod parts;
pub mod photos;
mod query_names;
pub mod rate_limit;
pub mod reconciliation;
pub mod respond;
pub mod resubmissions;
mod routes;
pub mod sampling;
mod schemas;
pub mod scorecard;
pub mod source_policy;
pub mod statistics;
pub mod supplier_reconciliation;
pub mod suppliers;
pub mod switching;
pub mod tokens;
pub mod webhooks;

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
    /// Requests per token, shared by every worker.
    pub rate_limit: std::sync::Arc<rate_limit::RateLimiter>,
    /// Unknown or revoked tokens per client address, shared by every worker.
    pub auth_failures: std::sync::Arc<rate_limit::AuthFailures>,
    /// Largest photo upload, in bytes.
    pub photo_limit: usize,
    /// Measurements and attribute results per recorded inspection, all units together.
    pub max_results: usize,
    /// Tokens known to be valid; off (every token looked up) until a listener runs.
    pub tokens: std::sync::Arc<crate::cache::TokenCache>,
    /// Stored decision documents; off (every one read) until a listener runs.
    pub decisions: std::sync::Arc<crate::cache::DecisionCache>,
    /// Time a request's body has to arrive in full, from the start of the request.
    pub body_timeout: std::time::Duration,
    /// Pixels of photos decoded at once, by all workers together.
    pub decode_budget: std::sync::Arc<lotgate_imaging::DecodeBudget>,
    /// How long a photo waits for room in the decode budget (then 503).
    pub decode_wait: std::time::Duration,
    /// Requests by operation and status, for `/metrics`; shared by every worker.
    pub requests: std::sync::Arc<metrics::Requests>,
}

impl AppState {
    /// State without a rate limit (tests, the demo loader).
    pub fn new(pool: PgPool, json_limit: usize) -> Self {
        AppState {
            pool,
            json_limit,
            rate_limit: std::sync::Arc::new(rate_limit::RateLimiter::unlimited()),
            auth_failures: std::sync::Arc::new(rate_limit::AuthFailures::new(
                rate_limit::DEFAULT_AUTH_FAILURES_PER_MINUTE,
            )),
            photo_limit: photos::DEFAULT_PHOTO_LIMIT,
            max_results: inspections::DEFAULT_MAX_RESULTS,
            tokens: std::sync::Arc::new(crate::cache::tokens()),
            decisions: std::sync::Arc::new(crate::cache::decisions()),
            body_timeout: std::time::Duration::from_secs(30),
            decode_budget: std::sync::Arc::new(lotgate_imaging::DecodeBudget::new(
                photos::DEFAULT_DECODE_PIXELS,
            )),
            decode_wait: photos::DEFAULT_DECODE_WAIT,
            requests: std::sync::Arc::new(metrics::Requests::new()),
        }
    }
}

/// Runs database work on the blocking thread pool, never on an actix worker. A pool that
/// cannot hand out a connection in time is a 503.
pub async fn db<T, F>(state: &AppState, work: F) -> Result<T, ApiError>
where
    F: FnOnce(&mut PgConnection) -> Result<T, ApiError> + Send + 'static,
    T: Send + 'static,
{
    db_then(state, work, Ok).await
}

/// Like [`db`], then `then` on the same blocking thread once the connection is back in
/// the pool: one hop for a read followed by a computation that needs no connection.
pub async fn db_then<T, U, F, G>(state: &AppState, work: F, then: G) -> Result<U, ApiError>
where
    F: FnOnce(&mut PgConnection) -> Result<T, ApiError> + Send + 'static,
    G: FnOnce(T) -> Result<U, ApiError> + Send + 'static,
    U: Send + 'static,
{
    let pool = state.pool.clone();
    web::block(move || {
        let read = work(&mut *pool.get()?)?;
        then(read)
    })
    .await
    .map_err(ApiError::internal)?
}
