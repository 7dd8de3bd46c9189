//! A database outage: requests get 503 with Retry-After at once, /readyz says 503, and
//! the service serves again by itself when PostgreSQL is back. Uses a private cluster of
//! its own, stopped and started for real.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use actix_web::test as web_test;
use diesel::{Connection, PgConnection};
use lotgate::db;
use lotgate::embedded_postgres::EmbeddedPostgres;
use lotgate::http::{AppState, build_app};

fn cluster_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("outage-{}", uuid::Uuid::new_v4().simple()))
}

#[actix_web::test]
async fn answers_503_while_postgres_is_down_and_recovers_without_a_restart() {
    let dir = cluster_dir();
    let cluster = EmbeddedPostgres::start(&dir).unwrap();
    lotgate::cli::ensure_database(&cluster, "lotgate").unwrap();
    let url = cluster.url("lotgate");
    db::run_migrations(&mut PgConnection::establish(&url).unwrap()).unwrap();
    let pool = db::pool(&url, 4, Duration::from_secs(1)).unwrap();
    let token = crate::support::issue_token(&pool, "reader", lotgate::domain::Role::Inspector);
    let bearer = format!("Bearer {token}");
    let app = web_test::init_service(build_app(AppState::new(pool, 1 << 20))).await;
    let get = |uri: &'static str| {
        web_test::TestRequest::get()
            .uri(uri)
            .insert_header(("authorization", bearer.as_str()))
            .to_request()
    };
    assert_eq!(
        web_test::call_service(&app, get("/api/v1/lots"))
            .await
            .status(),
        200
    );

    cluster.stop().unwrap();
    let asked = Instant::now();
    let down = web_test::call_service(&app, get("/api/v1/lots")).await;
    let waited = asked.elapsed();
    let ready = web_test::call_service(&app, get("/readyz")).await;

    assert_eq!(down.status(), 503);
    assert_eq!(down.headers().get("retry-after").unwrap(), "1");
    assert_eq!(
        down.headers().get("content-type").unwrap(),
        "application/problem+json"
    );
    // The pool gives up after its 1 s checkout timeout; allow for a slow test machine.
    assert!(waited < Duration::from_secs(3), "503 took {waited:?}");
    assert_eq!(ready.status(), 503);

    let cluster = EmbeddedPostgres::start(&dir).unwrap();
    let back = Instant::now();
    let mut status = 0;
    while back.elapsed() < Duration::from_secs(5) {
        status = web_test::call_service(&app, get("/api/v1/lots"))
            .await
            .status()
            .as_u16();
        if status == 200 {
            break;
        }
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        status, 200,
        "not serving again 5 s after PostgreSQL came back"
    );
    cluster.stop().unwrap();
    crate::shared_cluster::remove(&dir);
}

#[actix_web::test]
async fn serves_again_within_5_s_of_a_restart_however_many_connections_were_pooled() {
    let dir = cluster_dir();
    let cluster = EmbeddedPostgres::start(&dir).unwrap();
    lotgate::cli::ensure_database(&cluster, "lotgate").unwrap();
    let url = cluster.url("lotgate");
    db::run_migrations(&mut PgConnection::establish(&url).unwrap()).unwrap();
    let pool = db::pool(&url, 8, Duration::from_secs(1)).unwrap();
    let token = crate::support::issue_token(&pool, "reader", lotgate::domain::Role::Inspector);
    let bearer = format!("Bearer {token}");
    let app = web_test::init_service(build_app(AppState::new(pool.clone(), 1 << 20))).await;
    let get = || {
        web_test::TestRequest::get()
            .uri("/api/v1/lots")
            .insert_header(("authorization", bearer.as_str()))
            .to_request()
    };
    assert_eq!(web_test::call_service(&app, get()).await.status(), 200);
    // Every connection the pool may have is open, and all of them outlive the server.
    let full: Vec<_> = (0..8).map(|_| pool.get().unwrap()).collect();

    cluster.stop().unwrap();
    let cluster = EmbeddedPostgres::start(&dir).unwrap();
    drop(full);
    let back = Instant::now();
    let mut refused = 0;
    while back.elapsed() < Duration::from_secs(10) {
        if web_test::call_service(&app, get()).await.status() == 200 {
            break;
        }
        refused += 1;
        actix_web::rt::time::sleep(Duration::from_millis(20)).await;
    }
    let recovered = back.elapsed();
    let mut after = Vec::new();
    for _ in 0..16 {
        after.push(web_test::call_service(&app, get()).await.status().as_u16());
    }
    cluster.stop().unwrap();
    crate::shared_cluster::remove(&dir);

    eprintln!(
        "serving again {recovered:?} after PostgreSQL came back, {refused} request(s) refused meanwhile"
    );
    assert!(
        recovered < Duration::from_secs(5),
        "not serving again 5 s after PostgreSQL came back ({refused} requests refused)"
    );
    assert!(
        after.iter().all(|s| *s == 200),
        "a dead connection was still pooled: {after:?}"
    );
}

#[actix_web::test]
async fn connections_the_server_dropped_fail_one_request_at_most() {
    let db = crate::support::TestDb::new();
    let pool = db::pool(&db.url(), 4, Duration::from_secs(1)).unwrap();
    let token = crate::support::issue_token(&pool, "reader", lotgate::domain::Role::Inspector);
    let bearer = format!("Bearer {token}");
    let app = web_test::init_service(build_app(AppState::new(pool.clone(), 1 << 20))).await;
    let get = || {
        web_test::TestRequest::get()
            .uri("/api/v1/lots")
            .insert_header(("authorization", bearer.as_str()))
            .to_request()
    };
    assert_eq!(web_test::call_service(&app, get()).await.status(), 200);
    let mut full: Vec<_> = (0..4).map(|_| pool.get().unwrap()).collect();
    let pids: Vec<i32> = full
        .iter_mut()
        .map(|conn| {
            diesel::RunQueryDsl::get_result(
                diesel::select(diesel::dsl::sql::<diesel::sql_types::Integer>(
                    "pg_backend_pid()",
                )),
                &mut **conn,
            )
            .unwrap()
        })
        .collect();
    drop(full);

    // As a failover, an idle-session timeout or an administrator would: all four go.
    let mut admin = PgConnection::establish(&db.url()).unwrap();
    for pid in &pids {
        diesel::RunQueryDsl::execute(
            diesel::sql_query(format!("SELECT pg_terminate_backend({pid}, 5000)")),
            &mut admin,
        )
        .unwrap();
    }
    let mut statuses = Vec::new();
    for _ in 0..8 {
        statuses.push(web_test::call_service(&app, get()).await.status().as_u16());
    }

    assert!(
        statuses[1..].iter().all(|s| *s == 200),
        "only the request that met the first dead connection may fail: {statuses:?}"
    );
}

#[test]
fn refuses_a_database_that_could_lose_acknowledged_writes() {
    let db = crate::support::TestDb::new();
    let mut conn = db.pool.get().unwrap();
    diesel::RunQueryDsl::execute(
        diesel::sql_query(format!(
            "ALTER DATABASE {} SET synchronous_commit = off",
            db.name()
        )),
        &mut conn,
    )
    .unwrap();
    let mut fresh = PgConnection::establish(&db.url()).unwrap();

    let refused = lotgate::operations::check_durability(&mut fresh, false);
    let throwaway = lotgate::operations::check_durability(&mut fresh, true);

    assert!(
        refused
            .unwrap_err()
            .to_string()
            .contains("synchronous_commit")
    );
    assert!(throwaway.is_ok());
}

#[test]
fn a_statement_running_past_the_timeout_is_cancelled() {
    let db = crate::support::TestDb::new();
    let pool = db::pool_with_statement_timeout(
        &db.url(),
        1,
        Duration::from_secs(5),
        Some(Duration::from_millis(200)),
    )
    .unwrap();
    let mut conn = pool.get().unwrap();

    let slow = diesel::RunQueryDsl::execute(diesel::sql_query("SELECT pg_sleep(2)"), &mut conn);
    let quick = diesel::RunQueryDsl::execute(diesel::sql_query("SELECT 1"), &mut conn);

    assert!(slow.unwrap_err().to_string().contains("statement timeout"));
    assert!(quick.is_ok());
}
