//! lotgate served by a role that owns nothing (docs/operations.md): the owner migrates
//! and runs the grants `lotgate grants` prints; the service role then runs every use
//! case but can neither change append-only rows nor switch their triggers off, and
//! `serve` warns when it runs as the owner instead.

use std::io::Read;
use std::process::{Child, Command, Stdio};

use actix_web::test::{self, TestRequest};
use diesel::{Connection, PgConnection, RunQueryDsl, connection::SimpleConnection};
use lotgate::db;
use lotgate::domain::Role;
use lotgate::http::{AppState, build_app};
use serde_json::json;

use crate::support::{TestDb, issue_token, run_lotgate};
use crate::wire::{free_port, signal, wait_until_ready};

/// `url` with another user and password.
fn as_role(url: &str, role: &str) -> String {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let base = match base.split_once("://") {
        Some((scheme, rest)) => match rest.split_once('@') {
            Some((_, host)) => format!("{scheme}://{host}"),
            None => base.to_string(),
        },
        None => base.to_string(),
    };
    let mut params: Vec<&str> = query
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("user=") && !p.starts_with("password="))
        .collect();
    let user = format!("user={role}");
    let password = format!("password={role}-pw");
    params.push(&user);
    params.push(&password);
    format!("{base}?{}", params.join("&"))
}

/// An owner role and a service role (cluster-wide, so named after the test database),
/// dropped after the database they are used in.
struct Roles {
    owner: String,
    service: String,
    database: String,
    maintenance_url: String,
}

impl Roles {
    fn create(db: &TestDb) -> Roles {
        let suffix = db.name().trim_start_matches("lotgate_test_");
        let roles = Roles {
            owner: format!("lg_owner_{suffix}"),
            service: format!("lg_service_{suffix}"),
            database: db.name().to_string(),
            maintenance_url: db.url().replace(db.name(), "postgres"),
        };
        let (owner, service) = (&roles.owner, &roles.service);
        // The steps of docs/operations.md, as a superuser.
        db.pool
            .get()
            .unwrap()
            .batch_execute(&format!(
                "CREATE ROLE {owner} LOGIN PASSWORD '{owner}-pw'; \
                 CREATE ROLE {service} LOGIN PASSWORD '{service}-pw'; \
                 ALTER DATABASE {} OWNER TO {owner}; \
                 ALTER SCHEMA public OWNER TO {owner}; \
                 REVOKE CREATE ON SCHEMA public FROM PUBLIC;",
                roles.database
            ))
            .unwrap();
        roles
    }
}

impl Drop for Roles {
    fn drop(&mut self) {
        // One statement at a time: DROP DATABASE cannot run in a transaction block.
        if let Ok(mut admin) = PgConnection::establish(&self.maintenance_url) {
            for sql in [
                format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.database),
                format!("DROP ROLE IF EXISTS {}", self.service),
                format!("DROP ROLE IF EXISTS {}", self.owner),
            ] {
                let _ = admin.batch_execute(&sql);
            }
        }
    }
}

/// Starts `lotgate serve` on `url`, waits until it is ready, stops it and returns what
/// it logged.
fn serve_log(url: &str) -> String {
    let port = free_port();
    let mut child: Child = Command::new(env!("CARGO_BIN_EXE_lotgate"))
        .args(["serve", "--throwaway-database", "--bind"])
        .arg(format!("127.0.0.1:{port}"))
        .env("DATABASE_URL", url)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start lotgate serve");
    wait_until_ready(port, &mut child);
    signal(&child, "-TERM");
    child.wait().unwrap();
    let mut log = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut log)
        .unwrap();
    log
}

const WARNING: &str = "which owns lotgate's tables";

#[actix_web::test]
async fn a_service_role_with_only_the_printed_grants_serves_lotgate_and_cannot_disable_triggers() {
    let db = TestDb::empty();
    let roles = Roles::create(&db);
    let owner_url = as_role(&db.url(), &roles.owner);
    let service_url = as_role(&db.url(), &roles.service);
    let (migrated, text) = run_lotgate(&owner_url, &["migrate"]);
    assert!(migrated, "{text}");
    let (printed, grants) = run_lotgate(&owner_url, &["grants", "--role", &roles.service]);
    assert!(printed, "{grants}");
    PgConnection::establish(&owner_url)
        .unwrap()
        .batch_execute(&grants)
        .unwrap();

    // Every use case the demo runs (parts, defect codes, lots, inspections, photos, golden
    // samples, decisions, switching, NCRs, dispositions, resubmissions, releases,
    // tokens), then a few API calls, as the service role.
    let pool = db::pool(&service_url, 4, std::time::Duration::from_secs(5)).unwrap();
    assert!(lotgate::demo::load(&pool).unwrap());
    let admin = issue_token(&pool, "service admin", Role::Admin);
    let app = test::init_service(build_app(AppState::new(pool.clone(), 1 << 20))).await;
    let bearer = ("authorization", format!("Bearer {admin}"));
    let created = test::call_service(
        &app,
        TestRequest::post()
            .uri("/api/v1/suppliers")
            .insert_header(bearer.clone())
            .insert_header(("idempotency-key", "supplier-1"))
            .set_json(json!({"name": "Ningbo Springs", "code": "NBS"}))
            .to_request(),
    )
    .await;
    assert_eq!(created.status(), 201);
    let lots = test::call_service(
        &app,
        TestRequest::get()
            .uri("/api/v1/lots")
            .insert_header(bearer.clone())
            .to_request(),
    )
    .await;
    assert_eq!(lots.status(), 200);
    let mut conn = pool.get().unwrap();
    let disable = conn.batch_execute("ALTER TABLE measurements DISABLE TRIGGER ALL");
    let change = conn.batch_execute("UPDATE measurements SET value = value + 5");
    let replica = conn.batch_execute("SET session_replication_role = replica");
    let (verified, report) = run_lotgate(&service_url, &["audit", "verify"]);
    let service_log = serve_log(&service_url);
    let owner_log = serve_log(&owner_url);

    let disable = disable.unwrap_err().to_string();
    assert!(
        disable.contains("must be owner of table measurements"),
        "{disable}"
    );
    let change = change.unwrap_err().to_string();
    assert!(
        change.contains("permission denied for table measurements"),
        "{change}"
    );
    let replica = replica.unwrap_err().to_string();
    assert!(replica.contains("permission denied"), "{replica}");
    assert!(verified, "{report}");
    assert!(report.contains("; 0 differ"), "{report}");
    assert!(!service_log.contains(WARNING), "{service_log}");
    let warning = format!("lotgate serves as role '{}', {WARNING}", roles.owner);
    assert_eq!(owner_log.matches(&warning).count(), 1, "{owner_log}");
    assert!(owner_log.contains("Running lotgate as a role that owns nothing"));
    drop(conn);
    drop(pool);
    drop(roles);
}

#[test]
fn the_grants_cover_exactly_the_tables_the_migrations_create() {
    let db = TestDb::new();
    #[derive(diesel::QueryableByName)]
    struct Table {
        #[diesel(sql_type = diesel::sql_types::Text)]
        name: String,
    }
    let tables: Vec<String> = diesel::sql_query(
        "SELECT tablename::text AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1",
    )
    .load::<Table>(&mut db.pool.get().unwrap())
    .unwrap()
    .into_iter()
    .map(|t| t.name)
    .collect();

    let mut granted: Vec<&str> = db::roles::TABLE_PRIVILEGES
        .iter()
        .map(|(t, _)| *t)
        .collect();
    granted.sort();

    assert_eq!(granted, tables);
}
