//! The in-memory caches: requests stop reading the database for a token or a stored
//! decision once the listener runs, and a change made anywhere empties the cache.

use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_web::test::{self as web_test, TestRequest};
use diesel::prelude::*;
use lotgate::auth::secret_sha256;
use lotgate::cache::{DecisionCache, Listening, TokenCache};
use lotgate::db::notify::{self, Listener};
use lotgate::db::tokens as tokens_db;
use lotgate::domain::Role;

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

/// Both caches with a running listener on the test's database.
fn listening(db: &TestDb) -> (Arc<TokenCache>, Arc<DecisionCache>, Listener) {
    let tokens = Arc::new(lotgate::cache::tokens());
    let decisions = Arc::new(lotgate::cache::decisions());
    let listener = notify::listen(
        vec![
            (tokens_db::CHANGES_CHANNEL, tokens.clone()),
            (lotgate::db::decisions::CHANGES_CHANNEL, decisions.clone()),
        ],
        db.url(),
    )
    .unwrap();
    wait_until("the listener listens", || {
        tokens.is_live() && decisions.is_live()
    });
    (tokens, decisions, listener)
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

/// The status of `GET /api/v1/lots` with `token`.
async fn lots_status<S, B>(service: &S, token: &str) -> u16
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
{
    web_test::call_service(service, lots_with(token))
        .await
        .status()
        .as_u16()
}

#[actix_web::test]
async fn a_cached_token_is_not_looked_up_until_a_revocation_is_announced() {
    let db = TestDb::new();
    let tablet = issue_token(&db.pool, "tablet 7", Role::Inspector);
    let bystander = issue_token(&db.pool, "tablet 8", Role::Inspector);
    let (cache, _, _listener) = listening(&db);
    let state = lotgate::http::AppState {
        tokens: cache.clone(),
        ..db.state()
    };
    let service = web_test::init_service(lotgate::http::build_app(state)).await;

    let first = lots_status(&service, &tablet).await;
    assert_eq!(first, 200);
    // Revoked in the database without a notification: the cached token still works,
    // which shows that requests no longer read api_tokens.
    revoke_silently(&db, &tablet);
    let cached = lots_status(&service, &tablet).await;
    assert_eq!(cached, 200, "served from the cache");

    // Another process revokes another token the way `lotgate token revoke` does: the
    // trigger announces it, the cache is emptied, and the tablet's token is read again.
    let epoch = cache.epoch();
    let by = lotgate::auth::Principal::command_line("tests");
    lotgate::service::tokens::revoke(
        &mut db.pool.get().unwrap(),
        &by,
        lotgate::domain::TokenId(token_id(&db, &bystander)),
        None,
    )
    .unwrap();
    wait_until("the notification arrives", || cache.epoch() != epoch);
    let after = lots_status(&service, &tablet).await;
    assert_eq!(after, 401);
}

#[actix_web::test]
async fn a_revocation_through_the_api_fails_the_very_next_request() {
    let db = TestDb::new();
    let admin = issue_token(&db.pool, "admin", Role::Admin);
    let tablet = issue_token(&db.pool, "tablet 7", Role::Inspector);
    // Live without a listener, so that only the handler can empty it.
    let cache = Arc::new(lotgate::cache::tokens());
    cache.set_live(true);
    let state = lotgate::http::AppState {
        tokens: cache.clone(),
        ..db.state()
    };
    let service = web_test::init_service(lotgate::http::build_app(state)).await;
    assert_eq!(lots_status(&service, &tablet).await, 200);
    assert!(cache.get(&secret_sha256(&tablet)).is_some(), "cached");

    let revoke = TestRequest::post()
        .uri(&format!("/api/v1/tokens/{}/revoke", token_id(&db, &tablet)))
        .insert_header(("authorization", format!("Bearer {admin}")))
        .set_json(serde_json::json!({"reason": "tablet lost"}))
        .to_request();
    assert_eq!(web_test::call_service(&service, revoke).await.status(), 200);
    // No waiting: the handler empties the cache before it answers.
    let next = lots_status(&service, &tablet).await;
    assert_eq!(next, 401);
}

#[actix_web::test]
async fn without_its_listener_the_cache_is_off_and_every_token_is_read() {
    let db = TestDb::new();
    let tablet = issue_token(&db.pool, "tablet 7", Role::Inspector);
    let (cache, _, _listener) = listening(&db);
    let state = lotgate::http::AppState {
        tokens: cache.clone(),
        ..db.state()
    };
    let service = web_test::init_service(lotgate::http::build_app(state)).await;
    assert_eq!(lots_status(&service, &tablet).await, 200);

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
    // Read while the cache is off: nothing may be kept from it.
    let read_while_off = lots_status(&service, &tablet).await;
    revoke_silently(&db, &tablet);
    let read = lots_status(&service, &tablet).await;
    assert_eq!(read_while_off, 200);
    assert_eq!(read, 401, "looked up, not served from the cache");

    wait_until("the listener listens again", || cache.is_live());
}

/// Adds revision 2 of a lot's decision without the trigger: a copy of revision 1 whose
/// document says `"revision": 2`. No notification is sent.
fn add_revision_silently(db: &TestDb, lot: &str) {
    let mut conn = db.pool.get().unwrap();
    conn.transaction(|conn| {
        diesel::sql_query("SET LOCAL session_replication_role = replica").execute(conn)?;
        diesel::sql_query(
            "INSERT INTO lot_decisions (id, lot_id, revision, verdict, inputs, decision, \
                                        input_changes) \
             SELECT gen_random_uuid(), lot_id, 2, verdict, inputs, \
                    jsonb_set(decision, '{revision}', '2'), input_changes \
             FROM lot_decisions WHERE lot_id = $1 AND revision = 1",
        )
        .bind::<diesel::sql_types::Uuid, _>(lot.parse::<uuid::Uuid>().unwrap())
        .execute(conn)
    })
    .unwrap();
}

#[actix_web::test]
async fn a_cached_decision_is_served_until_a_new_one_is_announced() {
    let db = TestDb::new();
    let (tokens, decisions, _listener) = listening(&db);
    let app = crate::support::app_configured(db, |s| lotgate::http::AppState {
        tokens,
        decisions: decisions.clone(),
        ..s
    })
    .await;
    let s = app.stream(serde_json::json!({})).await;
    let lot = app.stream_lot(&s, "L-1", 1000, "2026-11-01").await;
    app.attribute_inspection(&lot, &s.char_id, 80, 0, "sampling", None)
        .await;
    let before = decisions.epoch();
    assert_eq!(app.decide(&lot).await.status, 201);
    // The decision empties the cache twice: in decide_lot, then when its own
    // notification arrives. Wait for both, so the document cached next stays.
    wait_until("the decision's notification arrives", || {
        decisions.epoch() >= before + 2
    });
    let latest = format!("/api/v1/lots/{lot}/decision");
    assert_eq!(app.get(&latest).await.body["revision"], 1);

    // Stored behind the server's back: the cached document is still served, which
    // shows that the request did not read the database.
    add_revision_silently(&app.db, &lot);
    assert_eq!(app.get(&latest).await.body["revision"], 1, "from the cache");
    // A given revision is its own entry, read from the database the first time.
    let second = app.get(&format!("{latest}?revision=2")).await;
    assert_eq!(second.body["revision"], 2);

    // Announced as the trigger does: the cache is emptied and the latest is read again.
    let epoch = decisions.epoch();
    diesel::sql_query("NOTIFY lotgate_decisions")
        .execute(&mut app.db.pool.get().unwrap())
        .unwrap();
    wait_until("the notification arrives", || decisions.epoch() != epoch);
    assert_eq!(app.get(&latest).await.body["revision"], 2);
}

#[actix_web::test]
async fn a_decision_made_through_the_api_is_served_at_once() {
    let db = TestDb::new();
    // Live without a listener, so that only the handler can empty it.
    let decisions = Arc::new(lotgate::cache::decisions());
    decisions.set_live(true);
    let app = crate::support::app_configured(db, |s| lotgate::http::AppState {
        decisions: decisions.clone(),
        ..s
    })
    .await;
    let s = app.stream(serde_json::json!({})).await;
    let lot = app.stream_lot(&s, "L-1", 1000, "2026-11-01").await;
    let first = app
        .attribute_inspection(&lot, &s.char_id, 80, 0, "sampling", None)
        .await;
    app.decide(&lot).await;
    let latest = format!("/api/v1/lots/{lot}/decision");
    assert_eq!(app.get(&latest).await.body["verdict"], "accept");
    let key = (lotgate::domain::LotId(lot.parse().unwrap()), None);
    assert!(decisions.get(&key).is_some(), "cached");

    app.attribute_inspection(&lot, &s.char_id, 80, 3, "sampling", Some(&first))
        .await;
    let rev2 = app.decide(&lot).await;
    // No waiting: decide_lot empties the cache before it answers.
    let read = app.get(&latest).await;

    assert_eq!(rev2.status, 201, "{}", rev2.body);
    assert_eq!(read.body, rev2.body);
    assert_eq!(read.body["verdict"], "reject");
}
