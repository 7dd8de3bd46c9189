//! The cache of valid tokens: requests stop looking their token up once a listener runs,
//! and a revocation made anywhere empties it.

use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_web::test::{self as web_test, TestRequest};
use diesel::prelude::*;
use lotgate::auth::secret_sha256;
use lotgate::db::tokens as tokens_db;
use lotgate::domain::Role;
use lotgate::token_cache::TokenCache;

use crate::support::{TestDb, issue_token};

/// Waits for the listener to reach the state wanted. The bound only keeps a broken
/// listener from hanging the test; the listener polls every few milliseconds.
fn wait_until(what: &str, done: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        std::thread::sleep(Duration::from_millis(2));
    }
}

fn token_id(db: &TestDb, token: &str) -> uuid::Uuid {
    tokens_db::by_hash(&mut db.pool.get().unwrap(), &secret_sha256(token))
        .unwrap()
        .unwrap()
        .id
        .0
}

/// Revokes a token behind lotgate's back: no trigger fires, so no notification is sent.
fn revoke_silently(db: &TestDb, token: &str) {
    let id = token_id(db, token);
    let mut conn = db.pool.get().unwrap();
    conn.transaction(|conn| {
        diesel::sql_query("SET LOCAL session_replication_role = replica").execute(conn)?;
        diesel::sql_query("UPDATE api_tokens SET revoked_at = now() WHERE id = $1")
            .bind::<diesel::sql_types::Uuid, _>(id)
            .execute(conn)
    })
    .unwrap();
}

fn lots_with(token: &str) -> actix_http::Request {
    TestRequest::get()
        .uri("/api/v1/lots")
        .insert_header(("authorization", format!("Bearer {token}")))
        .to_request()
}

#[actix_web::test]
async fn a_cached_token_is_not_looked_up_until_a_revocation_is_announced() {
    let db = TestDb::new();
    let tablet = issue_token(&db.pool, "tablet 7", Role::Inspector);
    let bystander = issue_token(&db.pool, "tablet 8", Role::Inspector);
    let cache = Arc::new(TokenCache::new());
    let _listener = tokens_db::listen(cache.clone(), db.url()).unwrap();
    wait_until("the listener listens", || cache.is_live());
    let state = lotgate::http::AppState {
        tokens: cache.clone(),
        ..db.state()
    };
    let service = web_test::init_service(lotgate::http::build_app(state)).await;

    let first = web_test::call_service(&service, lots_with(&tablet)).await;
    assert_eq!(first.status(), 200);
    // Revoked in the database without a notification: the cached token still works,
    // which shows that requests no longer read api_tokens.
    revoke_silently(&db, &tablet);
    let cached = web_test::call_service(&service, lots_with(&tablet)).await;
    assert_eq!(cached.status(), 200, "served from the cache");

    // Another process revokes another token the way `lotgate token revoke` does: the
    // trigger announces it, the cache is emptied, and the tablet's token is read again.
    let epoch = cache.epoch();
    let by = lotgate::auth::Principal::command_line("tests");
    tokens_db::revoke_audited(
        &mut db.pool.get().unwrap(),
        &by,
        lotgate::domain::TokenId(token_id(&db, &bystander)),
        None,
        lotgate::http::tokens::audit_value,
    )
    .unwrap()
    .unwrap();
    wait_until("the notification arrives", || cache.epoch() != epoch);
    let after = web_test::call_service(&service, lots_with(&tablet)).await;
    assert_eq!(after.status(), 401);
}

#[actix_web::test]
async fn a_revocation_through_the_api_fails_the_very_next_request() {
    let db = TestDb::new();
    let admin = issue_token(&db.pool, "admin", Role::Admin);
    let tablet = issue_token(&db.pool, "tablet 7", Role::Inspector);
    let cache = Arc::new(TokenCache::new());
    let _listener = tokens_db::listen(cache.clone(), db.url()).unwrap();
    wait_until("the listener listens", || cache.is_live());
    let state = lotgate::http::AppState {
        tokens: cache.clone(),
        ..db.state()
    };
    let service = web_test::init_service(lotgate::http::build_app(state)).await;
    assert_eq!(
        web_test::call_service(&service, lots_with(&tablet))
            .await
            .status(),
        200
    );

    let revoke = TestRequest::post()
        .uri(&format!("/api/v1/tokens/{}/revoke", token_id(&db, &tablet)))
        .insert_header(("authorization", format!("Bearer {admin}")))
        .set_json(serde_json::json!({"reason": "tablet lost"}))
        .to_request();
    assert_eq!(web_test::call_service(&service, revoke).await.status(), 200);
    // No waiting: the handler empties the cache before it answers.
    let next = web_test::call_service(&service, lots_with(&tablet)).await;
    assert_eq!(next.status(), 401);
}

#[actix_web::test]
async fn without_its_listener_the_cache_is_off_and_every_token_is_read() {
    let db = TestDb::new();
    let tablet = issue_token(&db.pool, "tablet 7", Role::Inspector);
    let cache = Arc::new(TokenCache::new());
    let _listener = tokens_db::listen(cache.clone(), db.url()).unwrap();
    wait_until("the listener listens", || cache.is_live());
    let state = lotgate::http::AppState {
        tokens: cache.clone(),
        ..db.state()
    };
    let service = web_test::init_service(lotgate::http::build_app(state)).await;
    assert_eq!(
        web_test::call_service(&service, lots_with(&tablet))
            .await
            .status(),
        200
    );

    // The listener's connection is cut: it could miss a notification, so the cache
    // must stop answering until it listens again.
    diesel::sql_query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = current_database() AND pid <> pg_backend_pid() \
         AND (query LIKE 'LISTEN%' OR query = 'SELECT 1')",
    )
    .execute(&mut db.pool.get().unwrap())
    .unwrap();
    wait_until("the listener notices", || !cache.is_live());
    revoke_silently(&db, &tablet);
    let read = web_test::call_service(&service, lots_with(&tablet)).await;
    assert_eq!(read.status(), 401, "looked up, not served from the cache");

    wait_until("the listener listens again", || cache.is_live());
}
