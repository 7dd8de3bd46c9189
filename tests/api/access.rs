//! Tokens and roles: every `/api/` operation refuses a request without a valid token
//! (401) and a token whose role is too weak (403); revoked tokens fail at once; secrets
//! are shown once and stored only as a hash.

use actix_web::http::Method;
use actix_web::test::TestRequest;
use diesel::RunQueryDsl;
use diesel::sql_types::{Bytea, Nullable, Text, Timestamptz};
use lotgate::domain::Role;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use lotgate::http::AppState;
use lotgate::http::rate_limit::AuthFailures;

use crate::support::{TestDb, app, app_configured};

/// Every operation of the served document: method, path with its parameters filled in,
/// operation id and the role named in its security requirement.
fn operations(doc: &Value) -> Vec<(Method, String, String, String)> {
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        if !path.starts_with("/api/") {
            continue;
        }
        for (method, op) in item.as_object().unwrap() {
            let Ok(method) = method.to_uppercase().parse::<Method>() else {
                continue;
            };
            let concrete: String = path
                .split('/')
                .map(|s| {
                    if s.starts_with('{') {
                        "00000000-0000-4000-8000-000000000000"
                    } else {
                        s
                    }
                })
                .collect::<Vec<_>>()
                .join("/");
            let role = op["security"][0]["bearer"][0]
                .as_str()
                .unwrap_or_else(|| panic!("{path}: no role in its security requirement"))
                .to_string();
            let id = op["operationId"].as_str().unwrap().to_string();
            ops.push((method, concrete, id, role));
        }
    }
    ops
}

#[actix_web::test]
async fn every_api_operation_needs_a_token() {
    // Dozens of forged tokens from one address: the failed-authentication budget, tested
    // on its own below, would answer 429 after the tenth.
    let app = app_configured(TestDb::new(), |s| AppState {
        auth_failures: std::sync::Arc::new(AuthFailures::new(0)),
        ..s
    })
    .await;
    let doc = app.get("/api-docs/openapi.json").await.body;
    let ops = operations(&doc);
    assert!(ops.len() >= 40, "only {} operations found", ops.len());

    for (method, path, id, _) in ops {
        let reply = app
            .send_anonymous(TestRequest::default().method(method).uri(&path))
            .await;
        assert_eq!(reply.status, 401, "{id} without a token: {}", reply.body);
        reply.assert_problem(401);
        assert_eq!(
            reply.headers.get("www-authenticate").unwrap(),
            "Bearer realm=\"lotgate\""
        );
        let forged = app
            .send_as(
                "lgt_0000000000000000000000000000000000000000000000000000000000000000",
                TestRequest::default().method(Method::GET).uri(&path),
            )
            .await;
        assert_eq!(forged.status, 401, "{id} with an unknown token");
    }
}

#[actix_web::test]
async fn a_token_below_the_operations_role_is_refused_before_any_work() {
    let app = app().await;
    let inspector = app.token(Role::Inspector);
    let reviewer = app.token(Role::Reviewer);
    let doc = app.get("/api-docs/openapi.json").await.body;

    let mut refused = 0;
    for (method, path, id, role) in operations(&doc) {
        let weaker: &[&str] = match role.as_str() {
            "admin" => &[&inspector, &reviewer],
            "reviewer" => &[&inspector],
            _ => &[],
        };
        for token in weaker {
            let reply = app
                .send_as(
                    token,
                    TestRequest::default()
                        .method(method.clone())
                        .uri(&path)
                        .set_json(json!({})),
                )
                .await;
            assert_eq!(reply.status, 403, "{id} needs {role}: {}", reply.body);
            reply.assert_problem(403);
            refused += 1;
        }
    }
    assert!(refused >= 20, "only {refused} refusals checked");
    assert_eq!(app.get("/api/v1/parts").await.body["items"], json!([]));
}

#[actix_web::test]
async fn the_roles_follow_the_issue_of_who_does_what() {
    let app = app().await;
    let doc = app.get("/api-docs/openapi.json").await.body;
    let role_of = |op: &str| {
        operations(&doc)
            .into_iter()
            .find(|(_, _, id, _)| id == op)
            .unwrap_or_else(|| panic!("no operation {op}"))
            .3
    };
    // Issue 6: inspectors record inspections and defect photos and read; reviewers also
    // decide lots, approve golden samples and record corrections; admins also manage
    // parts, characteristics, suppliers and tokens.
    let expected = [
        ("record_inspection", "inspector"),
        ("upload_inspection_photo", "inspector"),
        ("get_lot_statistics", "inspector"),
        ("decide_lot", "reviewer"),
        ("approve_golden_sample_revision", "reviewer"),
        ("correct_inspection", "reviewer"),
        ("list_audit_events", "reviewer"),
        ("create_part", "admin"),
        ("create_characteristic", "admin"),
        ("create_supplier", "admin"),
        ("create_token", "admin"),
        ("revoke_token", "admin"),
    ];
    for (op, role) in expected {
        assert_eq!(role_of(op), role, "{op}");
    }
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"],
        json!({"type": "http", "scheme": "bearer", "description":
            doc["components"]["securitySchemes"]["bearer"]["description"]})
    );
}

#[actix_web::test]
async fn health_and_documentation_need_no_token() {
    let app = app().await;
    for path in ["/healthz", "/readyz", "/api-docs/openapi.json", "/docs/"] {
        let reply = app.send_anonymous(TestRequest::get().uri(path)).await;
        assert_eq!(reply.status, 200, "{path}");
    }
}

#[derive(diesel::QueryableByName)]
struct StoredToken {
    #[diesel(sql_type = Bytea)]
    token_sha256: Vec<u8>,
    #[diesel(sql_type = Text)]
    row_text: String,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    last_used_at: Option<chrono::DateTime<chrono::Utc>>,
}

#[actix_web::test]
async fn a_created_token_is_shown_once_stored_as_a_hash_and_fails_once_revoked() {
    let app = app().await;
    let created = app
        .send(
            TestRequest::post()
                .uri("/api/v1/tokens")
                .insert_header(("idempotency-key", "tablet-3"))
                .set_json(
                    json!({"name": "Line 3 tablet", "holder": "device", "role": "inspector"}),
                ),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let secret = created.body["token"].as_str().unwrap().to_string();
    let id = created.body["id"].as_str().unwrap().to_string();

    let works = app
        .send_as(&secret, TestRequest::get().uri("/api/v1/lots"))
        .await;
    assert_eq!(works.status, 200);
    let stored: StoredToken = diesel::sql_query(
        "SELECT token_sha256, t::text AS row_text, last_used_at FROM api_tokens t WHERE id = $1::uuid",
    )
    .bind::<Text, _>(&id)
    .get_result(&mut app.db.pool.get().unwrap())
    .unwrap();
    // Reference: SHA-256 as computed by the sha2 crate over the token's text.
    assert_eq!(
        stored.token_sha256,
        Sha256::digest(secret.as_bytes()).to_vec()
    );
    assert!(
        !stored.row_text.contains(&secret[4..20]),
        "the secret is stored"
    );
    assert!(stored.last_used_at.is_some(), "last_used_at was not kept");

    let replay = app
        .send(
            TestRequest::post()
                .uri("/api/v1/tokens")
                .insert_header(("idempotency-key", "tablet-3"))
                .set_json(
                    json!({"name": "Line 3 tablet", "holder": "device", "role": "inspector"}),
                ),
        )
        .await;
    assert_eq!(replay.status, 201);
    assert_eq!(replay.body["id"], created.body["id"]);
    assert_eq!(
        replay.body["token"],
        Value::Null,
        "a replay shows the secret again"
    );
    let listed = app.get("/api/v1/tokens").await;
    assert!(!listed.body.to_string().contains(&secret));

    let revoked = app
        .post(
            &format!("/api/v1/tokens/{id}/revoke"),
            json!({"reason": "tablet lost"}),
        )
        .await;
    assert_eq!(revoked.status, 200, "{}", revoked.body);
    assert!(revoked.body["revoked_at"].is_string());
    let refused = app
        .send_as(&secret, TestRequest::get().uri("/api/v1/lots"))
        .await;
    refused.assert_problem(401);
    let again = app
        .post(&format!("/api/v1/tokens/{id}/revoke"), json!({}))
        .await;
    again.assert_problem(409);
}

#[actix_web::test]
async fn a_malformed_authorization_header_is_a_401() {
    let app = app().await;
    for value in ["Basic dXNlcjpwYXNz", "Bearer", "Bearer    ", "lgt_abc"] {
        let reply = app
            .send(
                TestRequest::get()
                    .uri("/api/v1/lots")
                    .insert_header(("authorization", value)),
            )
            .await;
        reply.assert_problem(401);
    }
}

#[test]
fn lotgate_token_create_prints_a_working_token_as_its_last_line() {
    let db = crate::support::TestDb::new();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_lotgate"))
        .args([
            "token", "create", "--name", "Ana (QA)", "--role", "reviewer",
        ])
        .env("DATABASE_URL", db.url())
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let token = stdout.lines().last().unwrap().trim().to_string();

    actix_web::rt::System::new().block_on(async move {
        let app = crate::support::app_over(db).await;
        let audit = app
            .send_as(&token, TestRequest::get().uri("/api/v1/audit"))
            .await;
        assert_eq!(audit.status, 200, "{}", audit.body);
        let created = &audit.body["items"][0];
        assert_eq!(created["entity"], "token");
        assert_eq!(created["new_value"]["name"], "Ana (QA)");
        assert_eq!(created["token_id"], Value::Null, "made on the command line");
        let part = app
            .send_as(
                &token,
                TestRequest::post()
                    .uri("/api/v1/parts")
                    .set_json(json!({"number": "X", "name": "X", "stage": "part"})),
            )
            .await;
        part.assert_problem(403);
    });
}

#[actix_web::test]
async fn a_token_over_its_rate_gets_429_with_retry_after_and_others_do_not() {
    use std::sync::Arc;
    let db = crate::support::TestDb::new();
    let busy = crate::support::issue_token(&db.pool, "busy script", Role::Inspector);
    let quiet = crate::support::issue_token(&db.pool, "tablet", Role::Inspector);
    let state = lotgate::http::AppState {
        rate_limit: Arc::new(lotgate::http::rate_limit::RateLimiter::new(0.2, 3)),
        ..db.state()
    };
    let service = actix_web::test::init_service(lotgate::http::build_app(state)).await;
    let get = |token: &str| {
        TestRequest::get()
            .uri("/api/v1/lots")
            .insert_header(("authorization", format!("Bearer {token}")))
            .to_request()
    };

    let mut statuses = Vec::new();
    for _ in 0..4 {
        statuses.push(
            actix_web::test::call_service(&service, get(&busy))
                .await
                .status()
                .as_u16(),
        );
    }
    let limited = actix_web::test::call_service(&service, get(&busy)).await;
    let other = actix_web::test::call_service(&service, get(&quiet)).await;

    assert_eq!(statuses, [200, 200, 200, 429]);
    assert_eq!(limited.status(), 429);
    assert_eq!(limited.headers().get("retry-after").unwrap(), "5");
    assert_eq!(
        limited.headers().get("content-type").unwrap(),
        "application/problem+json"
    );
    assert_eq!(other.status(), 200);
}

/// Issue 13: every unknown token was looked up in the database, without limit. An address
/// that sends ten unknown or revoked tokens gets 429 before any lookup until its budget
/// refills; another address is not affected, nor is a token seen valid lately from the
/// same address (a tablet behind the same NAT).
#[actix_web::test]
async fn an_address_sending_unknown_tokens_is_slowed_down_before_any_lookup() {
    let app = app().await;
    let seen = app.token(Role::Inspector);
    let unseen = app.token(Role::Inspector);
    let guess = |i: u32| format!("lgt_{i:064x}");
    let from = |addr: &str| {
        TestRequest::default()
            .uri("/api/v1/parts")
            .peer_addr(addr.parse().unwrap())
    };

    let first = app.send_as(&seen, from("192.0.2.7:4000")).await;
    let mut statuses = Vec::new();
    for i in 0..10 {
        statuses.push(app.send_as(&guess(i), from("192.0.2.7:5000")).await.status);
    }
    let throttled = app.send_as(&guess(10), from("192.0.2.7:5001")).await;
    let elsewhere = app.send_as(&guess(11), from("198.51.100.9:5000")).await;
    let seen_again = app.send_as(&seen, from("192.0.2.7:4001")).await;
    let never_seen = app.send_as(&unseen, from("192.0.2.7:4002")).await;

    assert!(statuses.iter().all(|s| *s == 401), "{statuses:?}");
    throttled.assert_problem(429);
    assert!(
        throttled.body["detail"]
            .as_str()
            .unwrap()
            .contains("too many unknown or revoked tokens came from this address"),
        "{}",
        throttled.body
    );
    let wait: u32 = throttled
        .headers
        .get("retry-after")
        .unwrap()
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=6).contains(&wait), "Retry-After {wait}");
    elsewhere.assert_problem(401);
    assert_eq!(first.status, 200, "{}", first.body);
    assert_eq!(seen_again.status, 200, "{}", seen_again.body);
    // The cache of valid tokens is off in these tests: a valid token never seen from
    // this address waits like a guess.
    never_seen.assert_problem(429);
}
