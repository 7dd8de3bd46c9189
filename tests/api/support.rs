//! Test databases: one migrated template per set of migrations, and a fresh copy of it
//! per test, so tests run in parallel and never see each other's rows.
//!
//! The server is `LOTGATE_TEST_DATABASE_URL` (a URL to a database on a server where the
//! tests may create databases) when set, otherwise a private cluster started with
//! lotgate's own embedded PostgreSQL under `target/tmp/test-postgres`.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use actix_web::HttpMessage;
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::{Method, StatusCode, header};
use actix_web::test;
use diesel::{Connection, PgConnection, RunQueryDsl};
use lotgate::auth::Principal;
use lotgate::db::{self, PgPool};
use lotgate::domain::{Role, TokenHolder};
use lotgate::embedded_postgres::EmbeddedPostgres;
use lotgate::http::{AppState, build_app};
use serde_json::Value;
use sha2::{Digest, Sha256};

struct Server {
    /// URL of a maintenance database, with `{db}` where the database name goes.
    url_pattern: String,
    template: String,
}

fn lock_file() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("test-postgres.lock")
}

fn server() -> &'static Server {
    static SERVER: OnceLock<Server> = OnceLock::new();
    SERVER.get_or_init(|| {
        let lock = File::create(lock_file()).expect("create the test lock file");
        lock.lock().expect("lock the test database server");
        let url_pattern = match std::env::var("LOTGATE_TEST_DATABASE_URL") {
            Ok(url) => with_database_placeholder(&url),
            Err(_) => {
                let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("test-postgres");
                let cluster =
                    EmbeddedPostgres::start(&dir).expect("start the test PostgreSQL cluster");
                cluster.url("{db}")
            }
        };
        let template = format!("lotgate_tpl_{}", migrations_fingerprint());
        let mut admin = PgConnection::establish(&url_pattern.replace("{db}", "postgres"))
            .expect("connect to the test server");
        let exists: i64 = diesel::sql_query(format!(
            "SELECT 1 AS one FROM pg_database WHERE datname = '{template}'"
        ))
        .execute(&mut admin)
        .expect("look up the template") as i64;
        if exists == 0 {
            let building = format!("{template}_building");
            diesel::sql_query(format!("DROP DATABASE IF EXISTS {building}"))
                .execute(&mut admin)
                .unwrap();
            diesel::sql_query(format!("CREATE DATABASE {building}"))
                .execute(&mut admin)
                .unwrap();
            let mut conn =
                PgConnection::establish(&url_pattern.replace("{db}", &building)).unwrap();
            db::run_migrations(&mut conn).expect("migrate the template database");
            drop(conn);
            diesel::sql_query(format!("ALTER DATABASE {building} RENAME TO {template}"))
                .execute(&mut admin)
                .unwrap();
        }
        Server {
            url_pattern,
            template,
        }
    })
}

/// Replaces the database name in a URL by `{db}`.
fn with_database_placeholder(url: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let cut = base.rfind('/').expect("a database URL has a path");
    let mut pattern = format!("{}/{{db}}", &base[..cut]);
    if let Some(q) = query {
        pattern = format!("{pattern}?{q}");
    }
    pattern
}

/// A hash of the migrations, so a changed migration gets a fresh template.
fn migrations_fingerprint() -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    let mut files: Vec<PathBuf> = walk(&dir);
    files.sort();
    let mut hash = Sha256::new();
    for f in files {
        hash.update(f.strip_prefix(&dir).unwrap().to_string_lossy().as_bytes());
        hash.update(std::fs::read(&f).unwrap());
    }
    hash.finalize()
        .iter()
        .take(6)
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .flat_map(|e| {
            let path = e.unwrap().path();
            if path.is_dir() {
                walk(&path)
            } else {
                vec![path]
            }
        })
        .collect()
}

/// A database of its own for one test, dropped when the test ends.
pub struct TestDb {
    pub pool: PgPool,
    name: String,
}

impl TestDb {
    pub fn new() -> TestDb {
        let server = server();
        let name = format!("lotgate_test_{}", uuid::Uuid::new_v4().simple());
        let lock = File::open(lock_file()).unwrap();
        lock.lock_shared().unwrap();
        let mut admin =
            PgConnection::establish(&server.url_pattern.replace("{db}", "postgres")).unwrap();
        diesel::sql_query(format!(
            "CREATE DATABASE {name} TEMPLATE {}",
            server.template
        ))
        .execute(&mut admin)
        .expect("copy the template database");
        drop(lock);
        let url = server.url_pattern.replace("{db}", &name);
        let pool = db::pool(&url, 4, std::time::Duration::from_secs(5)).unwrap();
        TestDb { pool, name }
    }

    /// The database's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// A URL to this database.
    pub fn url(&self) -> String {
        server().url_pattern.replace("{db}", &self.name)
    }

    /// An empty database (no tables), dropped with the returned guard.
    pub fn empty() -> TestDb {
        let server = server();
        let name = format!("lotgate_test_{}", uuid::Uuid::new_v4().simple());
        let mut admin =
            PgConnection::establish(&server.url_pattern.replace("{db}", "postgres")).unwrap();
        diesel::sql_query(format!("CREATE DATABASE {name} TEMPLATE template0"))
            .execute(&mut admin)
            .unwrap();
        let pool = db::pool(
            &server.url_pattern.replace("{db}", &name),
            2,
            std::time::Duration::from_secs(5),
        )
        .unwrap();
        TestDb { pool, name }
    }

    pub fn state(&self) -> AppState {
        AppState::new(self.pool.clone(), 1024 * 1024)
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let url = server().url_pattern.replace("{db}", "postgres");
        if let Ok(mut admin) = PgConnection::establish(&url) {
            let _ = diesel::sql_query(format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ))
            .execute(&mut admin);
        }
    }
}

/// The real application over a fresh database, with an admin token that every request
/// carries unless it sets its own `Authorization`.
pub struct TestApp<S> {
    pub db: TestDb,
    pub service: S,
    pub admin_token: String,
}

/// Creates a token of `role` directly in the database, as `lotgate token create` does.
pub fn issue_token(pool: &PgPool, name: &str, role: Role) -> String {
    let new = lotgate::service::tokens::NewToken {
        name: name.to_string(),
        holder: TokenHolder::Person,
        role,
        supplier_id: None,
    };
    let by = Principal::command_line("tests");
    let (_, secret) = lotgate::service::tokens::issue(&mut pool.get().unwrap(), &by, new).unwrap();
    secret
}

pub async fn app() -> TestApp<
    impl Service<
        actix_http::Request,
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
    >,
> {
    app_over(TestDb::new()).await
}

/// The real application over a given database.
pub async fn app_over(
    db: TestDb,
) -> TestApp<
    impl Service<
        actix_http::Request,
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
    >,
> {
    app_configured(db, |state| state).await
}

/// The real application with settings other than the defaults.
pub async fn app_configured(
    db: TestDb,
    configure: impl FnOnce(AppState) -> AppState,
) -> TestApp<
    impl Service<
        actix_http::Request,
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
    >,
> {
    let admin_token = issue_token(&db.pool, "test admin", Role::Admin);
    let service = test::init_service(build_app(configure(db.state()))).await;
    TestApp {
        db,
        service,
        admin_token,
    }
}

/// A response read whole: status, headers and body as JSON (Null when empty).
pub struct Reply {
    pub status: StatusCode,
    pub headers: actix_web::http::header::HeaderMap,
    pub body: Value,
}

impl<S, B> TestApp<S>
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    pub async fn call(&self, method: Method, uri: &str, body: Option<Value>) -> Reply {
        let mut req = test::TestRequest::default().method(method).uri(uri);
        if let Some(body) = body {
            req = req.set_json(body);
        }
        self.send(req).await
    }

    /// A token of `role` in this app's database.
    pub fn token(&self, role: Role) -> String {
        issue_token(&self.db.pool, &format!("test {role}"), role)
    }

    /// The request, with the admin token unless it names its own.
    fn authorised(&self, req: test::TestRequest) -> actix_http::Request {
        let mut req = req.to_request();
        if !req.headers().contains_key(header::AUTHORIZATION) {
            let value = format!("Bearer {}", self.admin_token);
            req.headers_mut()
                .insert(header::AUTHORIZATION, value.parse().unwrap());
        }
        req
    }

    /// Sends a request without any token.
    pub async fn send_anonymous(&self, req: test::TestRequest) -> Reply {
        self.reply(test::call_service(&self.service, req.to_request()).await)
            .await
    }

    /// Sends a request with `token` instead of the admin's.
    pub async fn send_as(&self, token: &str, req: test::TestRequest) -> Reply {
        let req = req.insert_header((header::AUTHORIZATION, format!("Bearer {token}")));
        self.send(req).await
    }

    pub async fn send(&self, req: test::TestRequest) -> Reply {
        let res = test::call_service(&self.service, self.authorised(req)).await;
        self.reply(res).await
    }

    async fn reply(&self, res: ServiceResponse<B>) -> Reply {
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = test::read_body(res).await;
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or(Value::String(String::from_utf8_lossy(&bytes).into()))
        };
        Reply {
            status,
            headers,
            body,
        }
    }

    /// Sends a request and keeps the body as bytes (photos).
    pub async fn send_raw(&self, req: test::TestRequest) -> RawReply {
        let res = test::call_service(&self.service, self.authorised(req)).await;
        let status = res.status();
        let headers = res.headers().clone();
        let body = test::read_body(res).await.to_vec();
        RawReply {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&self, uri: &str) -> Reply {
        self.call(Method::GET, uri, None).await
    }

    pub async fn post(&self, uri: &str, body: Value) -> Reply {
        self.call(Method::POST, uri, Some(body)).await
    }
}

/// A response whose body is kept as bytes.
pub struct RawReply {
    pub status: StatusCode,
    pub headers: actix_web::http::header::HeaderMap,
    pub body: Vec<u8>,
}

impl RawReply {
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

impl Reply {
    /// The content type, for checking problem+json.
    pub fn content_type(&self) -> &str {
        self.headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// The field names of a problem's `errors`.
    pub fn error_fields(&self) -> Vec<String> {
        self.body["errors"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|e| e["field"].as_str().unwrap_or("").to_string())
                    .collect()
            })
            .unwrap_or_default()
    }

    #[track_caller]
    pub fn assert_problem(&self, status: u16) -> &Self {
        assert_eq!(self.status.as_u16(), status, "body: {}", self.body);
        assert_eq!(
            self.content_type(),
            "application/problem+json",
            "body: {}",
            self.body
        );
        assert_eq!(self.body["status"], status);
        self
    }
}

/// Runs the lotgate binary with `args` against the database at `url` (warnings only in
/// its log): whether it succeeded, and what it printed on stdout and stderr.
pub fn run_lotgate(url: &str, args: &[&str]) -> (bool, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_lotgate"))
        .args(args)
        .env("DATABASE_URL", url)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// The ids of a list page's items, in order.
pub fn ids(page: &Value) -> Vec<&str> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect()
}
