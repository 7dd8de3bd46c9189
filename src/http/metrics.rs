//! `/metrics`: requests by operation and status with their latency, the connection
//! pool, database errors and the caches, in the Prometheus text format. Labels are
//! operation ids, status codes and fixed words, never a path, an id or a token, so the
//! number of series is bounded and nothing personal is exposed.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{Error, HttpRequest, HttpResponse, get, web};
use utoipa::openapi::OpenApi as OpenApiDoc;

use super::AppState;
use super::access::operations;
use crate::cache::CacheReport;
use crate::metrics::{
    CONTENT_TYPE, Counter, Exposition, Histogram, HistogramSnapshot, Kind, REQUEST_SECONDS,
};

/// The label of a request that matched no operation (an unknown path, a wrong method).
pub const UNMATCHED: &str = "unmatched";

/// Statuses counted without a lock; any other is counted under a mutex.
const STATUSES: [u16; 22] = [
    200, 201, 204, 206, 304, 400, 401, 403, 404, 405, 406, 408, 409, 412, 413, 415, 422, 428, 429,
    500, 503, 504,
];

/// Counters and gauges for a Prometheus scraper.
#[utoipa::path(
    tag = "health",
    responses((
        status = 200,
        description = "Requests by operation and status with latency histograms, the \
            connection pool, database errors by kind and cache look-ups, in the Prometheus \
            text format 0.0.4. Needs no token: it carries no personal data.",
        content_type = "text/plain; version=0.0.4",
        body = String,
        example = "# HELP lotgate_http_requests_total Requests answered, by operation id and HTTP status.\n\
            # TYPE lotgate_http_requests_total counter\n\
            lotgate_http_requests_total{operation=\"get_lot\",status=\"200\"} 1\n",
    ))
)]
#[get("/metrics")]
pub async fn get_metrics(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(CONTENT_TYPE)
        .body(render(&state))
}

/// Counts every request under its operation and status, and its time to the response
/// head in the operation's histogram.
pub async fn record_request(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let started = Instant::now();
    let requests = req
        .app_data::<web::Data<AppState>>()
        .map(|state| state.requests.clone());
    let res = next.call(req).await;
    if let Some(requests) = requests {
        match &res {
            Ok(res) => requests.record(res.request(), res.status(), started.elapsed()),
            Err(err) => {
                requests.record_unmatched(err.as_response_error().status_code(), started.elapsed())
            }
        }
    }
    res
}

/// The operations requests are counted under: every documented operation, the API
/// document and its viewer, and [`UNMATCHED`] last.
struct Operations {
    names: Vec<String>,
    by_name: HashMap<String, (Method, usize)>,
    by_pattern: HashMap<String, Vec<(Method, usize)>>,
}

impl Operations {
    fn from_document(api: &OpenApiDoc) -> Operations {
        let mut found: Vec<(String, Method, String)> = vec![
            (
                "get_openapi_document".into(),
                Method::GET,
                "/api-docs/openapi.json".into(),
            ),
            ("get_api_docs".into(), Method::GET, "/docs/{_:.*}".into()),
        ];
        for (name, path) in crate::web::ROUTES {
            found.push((name.to_string(), Method::GET, path.to_string()));
        }
        for (path, item) in api.paths.paths.iter() {
            for (method, op) in operations(item) {
                let name = op.operation_id.clone().unwrap_or_else(|| path.clone());
                found.push((name, method, path.clone()));
            }
        }
        found.sort_by(|a, b| a.0.cmp(&b.0));
        let mut ops = Operations {
            names: Vec::new(),
            by_name: HashMap::new(),
            by_pattern: HashMap::new(),
        };
        for (i, (name, method, path)) in found.into_iter().enumerate() {
            ops.by_name.insert(name.clone(), (method.clone(), i));
            ops.by_pattern.entry(path).or_default().push((method, i));
            ops.names.push(name);
        }
        ops.names.push(UNMATCHED.into());
        ops
    }

    fn unmatched(&self) -> usize {
        self.names.len() - 1
    }

    /// The operation a request went to. A routed request names its resource, which is
    /// its handler's name and so its operation id; a request answered before routing (a
    /// 401) or by the fallback (a 404 or 405) is looked up by pattern and method.
    fn of(&self, req: &HttpRequest) -> usize {
        if let Some((method, i)) = req.match_name().and_then(|name| self.by_name.get(name))
            && method == req.method()
        {
            return *i;
        }
        req.match_pattern()
            .and_then(|pattern| self.by_pattern.get(&pattern))
            .and_then(|ops| ops.iter().find(|(m, _)| m == req.method()))
            .map_or(self.unmatched(), |(_, i)| *i)
    }
}

/// What one operation's requests came to.
struct OperationStats {
    /// By the index of their status in [`STATUSES`].
    statuses: [Counter; STATUSES.len()],
    rare_statuses: Mutex<BTreeMap<u16, u64>>,
    latency: Histogram,
}

/// Requests by operation and status, shared by every worker. It counts once it knows
/// the operations, from the API document the app is built with ([`Requests::describe`]).
pub struct Requests {
    table: OnceLock<(Operations, Box<[OperationStats]>)>,
}

impl Default for Requests {
    fn default() -> Self {
        Self::new()
    }
}

impl Requests {
    pub fn new() -> Self {
        Requests {
            table: OnceLock::new(),
        }
    }

    /// Names the operations to count under. Every worker builds its app from the same
    /// document, so the first call decides and the others change nothing.
    pub fn describe(&self, api: &OpenApiDoc) {
        self.table.get_or_init(|| {
            let operations = Operations::from_document(api);
            let stats = operations
                .names
                .iter()
                .map(|_| OperationStats {
                    statuses: Default::default(),
                    rare_statuses: Mutex::new(BTreeMap::new()),
                    latency: Histogram::new(REQUEST_SECONDS),
                })
                .collect();
            (operations, stats)
        });
    }

    /// Counts a request answered with `status` after `elapsed`.
    pub fn record(&self, req: &HttpRequest, status: StatusCode, elapsed: Duration) {
        if let Some((operations, _)) = self.table.get() {
            self.count(operations.of(req), status, elapsed);
        }
    }

    /// Counts a request that failed in a way that left no request to look at.
    pub fn record_unmatched(&self, status: StatusCode, elapsed: Duration) {
        if let Some((operations, _)) = self.table.get() {
            self.count(operations.unmatched(), status, elapsed);
        }
    }

    fn count(&self, operation: usize, status: StatusCode, elapsed: Duration) {
        let Some((_, stats)) = self.table.get() else {
            return;
        };
        let stats = &stats[operation];
        let code = status.as_u16();
        match STATUSES.binary_search(&code) {
            Ok(i) => stats.statuses[i].inc(),
            Err(_) => {
                let mut rare = stats
                    .rare_statuses
                    .lock()
                    .unwrap_or_else(|e| e.into_inner());
                *rare.entry(code).or_default() += 1;
            }
        }
        stats.latency.observe(elapsed);
    }

    /// Each operation that has been called: its name, its counts by status and its
    /// latency histogram.
    fn report(&self) -> Vec<OperationReport<'_>> {
        let Some((operations, stats)) = self.table.get() else {
            return Vec::new();
        };
        operations
            .names
            .iter()
            .zip(stats.iter())
            .filter_map(|(name, stats)| {
                let latency = stats.latency.snapshot();
                if latency.count() == 0 {
                    return None;
                }
                let mut by_status: Vec<(u16, u64)> = STATUSES
                    .iter()
                    .zip(&stats.statuses)
                    .map(|(&code, n)| (code, n.get()))
                    .filter(|&(_, n)| n > 0)
                    .collect();
                let rare = stats
                    .rare_statuses
                    .lock()
                    .unwrap_or_else(|e| e.into_inner());
                by_status.extend(rare.iter().map(|(&code, &n)| (code, n)));
                by_status.sort_unstable();
                Some(OperationReport {
                    name,
                    by_status,
                    latency,
                })
            })
            .collect()
    }
}

/// One operation's requests read at one moment.
struct OperationReport<'a> {
    name: &'a str,
    /// Counts by status, lowest status first; statuses never answered are left out.
    by_status: Vec<(u16, u64)>,
    latency: HistogramSnapshot,
}

/// The whole exposition.
fn render(state: &AppState) -> String {
    let mut out = Exposition::new();
    write_requests(&mut out, &state.requests);
    write_pool(&mut out, &state.pool.report());
    write_caches(
        &mut out,
        &[
            ("tokens", state.tokens.report()),
            ("decisions", state.decisions.report()),
        ],
    );
    out.finish()
}

fn write_requests(out: &mut Exposition, requests: &Requests) {
    let report = requests.report();
    out.family(
        "lotgate_http_requests_total",
        Kind::Counter,
        "Requests answered, by operation id and HTTP status.",
    );
    for op in &report {
        for (status, n) in &op.by_status {
            let status = status.to_string();
            out.sample(
                "lotgate_http_requests_total",
                &[("operation", op.name), ("status", &status)],
                n,
            );
        }
    }
    out.family(
        "lotgate_http_request_duration_seconds",
        Kind::Histogram,
        "Time from a request's arrival to its response head, by operation id.",
    );
    for op in &report {
        out.histogram(
            "lotgate_http_request_duration_seconds",
            &[("operation", op.name)],
            &op.latency,
        );
    }
}

fn write_pool(out: &mut Exposition, pool: &crate::db::pool_stats::PoolReport) {
    out.family(
        "lotgate_db_pool_connections",
        Kind::Gauge,
        "Open connections of the database pool, checked out (in_use) or waiting (idle).",
    );
    out.sample(
        "lotgate_db_pool_connections",
        &[("state", "in_use")],
        pool.in_use,
    );
    out.sample(
        "lotgate_db_pool_connections",
        &[("state", "idle")],
        pool.idle,
    );
    out.family(
        "lotgate_db_pool_max_connections",
        Kind::Gauge,
        "Most connections the pool opens.",
    );
    out.sample("lotgate_db_pool_max_connections", &[], pool.max);
    out.family(
        "lotgate_db_pool_checkout_wait_seconds",
        Kind::Histogram,
        "Time each checkout waited for a connection: microseconds for an idle one, more \
         while every connection is in use or a new one is being opened.",
    );
    out.histogram(
        "lotgate_db_pool_checkout_wait_seconds",
        &[],
        &pool.checkout_wait,
    );
    for (name, help, value) in [
        (
            "lotgate_db_pool_checkout_timeouts_total",
            "Checkouts that gave up waiting (answered 503).",
            pool.timeouts,
        ),
        (
            "lotgate_db_pool_connections_opened_total",
            "Connections the pool opened.",
            pool.opened,
        ),
        (
            "lotgate_db_pool_connections_closed_total",
            "Connections the pool closed (broken, lost or surplus).",
            pool.closed,
        ),
    ] {
        out.family(name, Kind::Counter, help);
        out.sample(name, &[], value);
    }
    out.family(
        "lotgate_db_errors_total",
        Kind::Counter,
        "Failed database statements and connects, by kind.",
    );
    for (kind, n) in &pool.errors {
        out.sample("lotgate_db_errors_total", &[("kind", kind.as_str())], n);
    }
}

fn write_caches(out: &mut Exposition, caches: &[(&str, CacheReport)]) {
    out.family(
        "lotgate_cache_lookups_total",
        Kind::Counter,
        "Cache look-ups: found (hit), not found (miss), or made while the cache was off \
         for want of a live listener (off); a miss or off reads the database.",
    );
    for (cache, report) in caches {
        for (result, n) in [
            ("hit", report.hits),
            ("miss", report.misses),
            ("off", report.off),
        ] {
            out.sample(
                "lotgate_cache_lookups_total",
                &[("cache", cache), ("result", result)],
                n,
            );
        }
    }
    out.family(
        "lotgate_cache_entries",
        Kind::Gauge,
        "Entries a cache holds now.",
    );
    for (cache, report) in caches {
        out.sample("lotgate_cache_entries", &[("cache", cache)], report.entries);
    }
    out.family(
        "lotgate_cache_live",
        Kind::Gauge,
        "1 while a cache's listener listens (the cache is used), 0 otherwise.",
    );
    for (cache, report) in caches {
        out.sample(
            "lotgate_cache_live",
            &[("cache", cache)],
            u8::from(report.live),
        );
    }
}
