//! `/metrics`: requests by operation and status with latency histograms, the pool, the
//! database errors and the caches, in the Prometheus text format, open to a scraper
//! without a token and free of anything that names a person, a token or a record.

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::test::TestRequest;
use lotgate::domain::Role;
use prometheus_parse::{LineInfo, Scrape, Value};
use serde_json::json;

use crate::support::{TestApp, app};

/// `/metrics` read as a scraper reads it, without a token; every line must be a comment
/// or a sample the parser understands, and every sample must follow its family's TYPE.
async fn scrape<S, B>(app: &TestApp<S>) -> (String, Scrape)
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let reply = app.send_anonymous(TestRequest::get().uri("/metrics")).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert!(
        reply
            .content_type()
            .starts_with("text/plain; version=0.0.4"),
        "{}",
        reply.content_type()
    );
    let text = reply.body.as_str().expect("a text body").to_string();
    let mut typed: Vec<String> = Vec::new();
    for line in text.lines() {
        match LineInfo::parse(line) {
            LineInfo::Type { .. } => typed.push(line.split(' ').nth(2).unwrap().to_string()),
            LineInfo::Doc { .. } => {}
            LineInfo::Sample { metric_name, .. } => {
                let family = ["_bucket", "_sum", "_count"]
                    .iter()
                    .find_map(|s| metric_name.strip_suffix(s))
                    .filter(|f| typed.last().is_some_and(|t| t == f))
                    .unwrap_or(metric_name);
                assert_eq!(
                    typed.last().map(String::as_str),
                    Some(family),
                    "sample outside its family: {line}"
                );
            }
            _ => panic!("not in the Prometheus text format: {line:?}"),
        }
    }
    let parsed = Scrape::parse(text.lines().map(|l| Ok(l.to_string()))).unwrap();
    (text, parsed)
}

/// The value of the counter or gauge `metric` with exactly these labels.
fn value(scrape: &Scrape, metric: &str, labels: &[(&str, &str)]) -> Option<f64> {
    scrape
        .samples
        .iter()
        .find(|s| {
            s.metric == metric
                && labels.iter().all(|(k, v)| s.labels.get(k) == Some(*v))
                && s.labels.len() == labels.len()
        })
        .map(|s| match &s.value {
            Value::Counter(v) | Value::Gauge(v) | Value::Untyped(v) => *v,
            other => panic!("{metric} is not a single value: {other:?}"),
        })
}

fn requests(scrape: &Scrape, operation: &str, status: &str) -> Option<f64> {
    value(
        scrape,
        "lotgate_http_requests_total",
        &[("operation", operation), ("status", status)],
    )
}

#[actix_web::test]
async fn requests_are_counted_by_operation_id_and_status() {
    let app = app().await;
    let f = app.fixture().await;
    let missing = uuid::Uuid::new_v4();

    assert_eq!(app.get("/api/v1/lots").await.status, 200);
    assert_eq!(app.get("/api/v1/lots").await.status, 200);
    app.get(&format!("/api/v1/lots/{missing}"))
        .await
        .assert_problem(404);
    let empty = json!({"part_id": f.part_id, "supplier_id": f.supplier_id,
        "lot_number": "L-2", "lot_size": 0, "produced_on": "2026-11-01"});
    app.post("/api/v1/lots", empty).await.assert_problem(422);
    app.get("/api/v1/no-such-thing").await.assert_problem(404);
    let (_, scrape) = scrape(&app).await;

    assert_eq!(requests(&scrape, "list_lots", "200"), Some(2.0));
    assert_eq!(requests(&scrape, "get_lot", "404"), Some(1.0));
    assert_eq!(requests(&scrape, "create_lot", "422"), Some(1.0));
    assert_eq!(requests(&scrape, "create_lot", "201"), Some(1.0));
    assert_eq!(requests(&scrape, "create_characteristic", "201"), Some(2.0));
    assert_eq!(requests(&scrape, "unmatched", "404"), Some(1.0));
    assert_eq!(requests(&scrape, "list_lots", "404"), None);
}

#[actix_web::test]
async fn a_request_refused_before_routing_counts_under_its_operation() {
    let app = app().await;
    let inspector = app.token(Role::Inspector);

    let anonymous = app
        .send_anonymous(TestRequest::post().uri("/api/v1/lots"))
        .await;
    let too_weak = app
        .send_as(
            &inspector,
            TestRequest::post()
                .uri("/api/v1/suppliers")
                .set_json(json!({"name": "X", "code": "X"})),
        )
        .await;
    let wrong_method = app
        .call(actix_web::http::Method::DELETE, "/api/v1/lots", None)
        .await;
    let (_, scrape) = scrape(&app).await;

    anonymous.assert_problem(401);
    too_weak.assert_problem(403);
    wrong_method.assert_problem(405);
    assert_eq!(requests(&scrape, "create_lot", "401"), Some(1.0));
    assert_eq!(requests(&scrape, "create_supplier", "403"), Some(1.0));
    assert_eq!(requests(&scrape, "unmatched", "405"), Some(1.0));
    assert_eq!(requests(&scrape, "list_lots", "405"), None);
}

#[actix_web::test]
async fn latency_histograms_agree_with_the_request_counts() {
    let app = app().await;
    app.fixture().await;
    for _ in 0..3 {
        app.get("/api/v1/parts").await;
    }
    let (_, scrape) = scrape(&app).await;

    let histograms: Vec<_> = scrape
        .samples
        .iter()
        .filter(|s| s.metric == "lotgate_http_request_duration_seconds")
        .collect();
    assert!(!histograms.is_empty());
    for h in &histograms {
        let operation = h.labels.get("operation").unwrap();
        let Value::Histogram(buckets) = &h.value else {
            panic!("{operation}: not a histogram");
        };
        assert!(
            buckets
                .windows(2)
                .all(|w| w[0].less_than < w[1].less_than && w[0].count <= w[1].count),
            "{operation}: buckets must grow with their bound: {buckets:?}"
        );
        let inf = buckets.last().unwrap();
        assert_eq!(inf.less_than, f64::INFINITY, "{operation}");
        let count = value(
            &scrape,
            "lotgate_http_request_duration_seconds_count",
            &[("operation", operation)],
        );
        assert_eq!(Some(inf.count), count, "{operation}: +Inf == _count");
        let by_status: f64 = scrape
            .samples
            .iter()
            .filter(|s| {
                s.metric == "lotgate_http_requests_total"
                    && s.labels.get("operation") == Some(operation)
            })
            .map(|s| match s.value {
                Value::Counter(v) => v,
                _ => 0.0,
            })
            .sum();
        assert_eq!(
            inf.count, by_status,
            "{operation}: histogram count == requests"
        );
    }
    let parts = value(
        &scrape,
        "lotgate_http_request_duration_seconds_count",
        &[("operation", "list_parts")],
    );
    assert_eq!(parts, Some(3.0));
}

#[actix_web::test]
async fn the_pool_and_database_errors_are_exposed() {
    let app = app().await;
    app.create_supplier("DPM").await;

    let duplicate = app
        .post("/api/v1/suppliers", json!({"name": "Again", "code": "DPM"}))
        .await;
    let (_, scrape) = scrape(&app).await;

    duplicate.assert_problem(409);
    let pool = |state| value(&scrape, "lotgate_db_pool_connections", &[("state", state)]);
    let (in_use, idle) = (pool("in_use").unwrap(), pool("idle").unwrap());
    assert_eq!(in_use, 0.0, "no request holds a connection while scraping");
    assert!((1.0..=4.0).contains(&idle), "idle: {idle}");
    assert_eq!(
        value(&scrape, "lotgate_db_pool_max_connections", &[]),
        Some(4.0)
    );
    let checkouts = value(&scrape, "lotgate_db_pool_checkout_wait_seconds_count", &[]);
    assert!(checkouts.is_some_and(|n| n >= 2.0), "{checkouts:?}");
    assert_eq!(
        value(&scrape, "lotgate_db_pool_checkout_timeouts_total", &[]),
        Some(0.0)
    );
    let errors = |kind| value(&scrape, "lotgate_db_errors_total", &[("kind", kind)]);
    assert_eq!(errors("unique_violation"), Some(1.0));
    assert_eq!(errors("connection_lost"), Some(0.0));
    assert_eq!(errors("other"), Some(0.0));
}

#[actix_web::test]
async fn cache_look_ups_are_counted() {
    // No listener runs in this app, so the token cache is off and every token is read
    // from the database.
    let app = app().await;
    app.get("/api/v1/lots").await;
    app.get("/api/v1/parts").await;
    let (_, scrape) = scrape(&app).await;

    let tokens = |result| {
        value(
            &scrape,
            "lotgate_cache_lookups_total",
            &[("cache", "tokens"), ("result", result)],
        )
    };
    assert_eq!(tokens("off"), Some(2.0));
    assert_eq!(tokens("hit"), Some(0.0));
    assert_eq!(
        value(&scrape, "lotgate_cache_live", &[("cache", "tokens")]),
        Some(0.0)
    );
    assert_eq!(
        value(&scrape, "lotgate_cache_entries", &[("cache", "decisions")]),
        Some(0.0)
    );
}

#[actix_web::test]
async fn metrics_name_no_token_person_or_record() {
    let app = app().await;
    let f = app.fixture().await;
    let token = lotgate_token(&app, "Ana Costa's tablet");
    let read = app
        .send_as(
            &token,
            TestRequest::get().uri(&format!("/api/v1/lots/{}", f.lot_id)),
        )
        .await;
    assert_eq!(read.status, 200, "{}", read.body);
    let (text, scrape) = scrape(&app).await;

    assert_eq!(requests(&scrape, "get_lot", "200"), Some(1.0));
    for secret in [
        token.as_str(),
        &app.admin_token,
        "Ana Costa",
        "test admin",
        &f.lot_id,
        &f.part_id,
        &f.supplier_id,
        "/api/v1",
        "lgt_",
        "kim",
    ] {
        assert!(!text.contains(secret), "/metrics shows {secret:?}");
    }
}

fn lotgate_token<S>(app: &TestApp<S>, name: &str) -> String {
    crate::support::issue_token(&app.db.pool, name, Role::Inspector)
}
