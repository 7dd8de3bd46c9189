//! Webhooks: endpoints registered through the API receive the events of committed
//! changes, signed, at least once, across failures of the endpoint and restarts of
//! lotgate; a rolled-back change sends nothing; a dead endpoint slows no request.
//!
//! The receiver is a tiny HTTP server on 127.0.0.1 in the test, answering as told.

use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use actix_web::http::Method;
use diesel::connection::SimpleConnection;
use diesel::{QueryableByName, RunQueryDsl};
use serde_json::{Value, json};

use lotgate::domain::Role;
use lotgate::webhooks::{Deliverer, DelivererConfig, Schedule};

use crate::builders::inspection;
use crate::support::{TestDb, app, issue_token};
use crate::wire::{free_port, request, signal, start, wait_until_ready};

/// How the receiver answers one request.
#[derive(Debug, Clone, Copy)]
enum Answer {
    Status(u16),
    /// Reads the request and never answers, holding the connection open.
    Hang,
}

/// One request the receiver got.
#[derive(Debug, Clone)]
struct Received {
    headers: HashMap<String, String>,
    body: Vec<u8>,
    answered: Option<u16>,
}

impl Received {
    fn header(&self, name: &str) -> &str {
        self.headers
            .get(&name.to_ascii_lowercase())
            .map_or("", String::as_str)
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap()
    }
}

/// A local HTTP endpoint: answers its planned answers in order, then 200.
struct Receiver {
    port: u16,
    received: Arc<Mutex<Vec<Received>>>,
    /// True while a hung request's connection is held open.
    hanging: Arc<AtomicBool>,
}

impl Receiver {
    fn start(plan: &[Answer]) -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let received = Arc::new(Mutex::new(Vec::new()));
        let hanging = Arc::new(AtomicBool::new(false));
        let plan = Arc::new(Mutex::new(plan.iter().copied().collect::<VecDeque<_>>()));
        let (log, hung) = (received.clone(), hanging.clone());
        thread::spawn(move || {
            let mut held = Vec::new();
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let answer = plan.lock().unwrap().pop_front();
                if let Some(stream) = serve(stream, answer.unwrap_or(Answer::Status(200)), &log) {
                    hung.store(true, Ordering::SeqCst);
                    held.push(stream);
                }
            }
        });
        Receiver {
            port,
            received,
            hanging,
        }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}/hooks/lotgate", self.port)
    }

    fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    /// Waits (up to a minute, for a loaded machine) until `n` requests have arrived.
    fn wait_for(&self, n: usize) -> Vec<Received> {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let got = self.received();
            if got.len() >= n {
                return got;
            }
            assert!(
                Instant::now() < deadline,
                "{} of {n} requests arrived",
                got.len()
            );
            thread::sleep(Duration::from_millis(20));
        }
    }
}

/// Reads one request and answers it; a hung request's stream is handed back to be held.
fn serve(stream: TcpStream, answer: Answer, log: &Mutex<Vec<Received>>) -> Option<TcpStream> {
    let mut reader = BufReader::new(stream);
    let mut headers = HashMap::new();
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    loop {
        line.clear();
        reader.read_line(&mut line).ok()?;
        let trimmed = line.trim_end();
        if trimmed.is_empty() {
            break;
        }
        if let Some((name, value)) = trimmed.split_once(':') {
            headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_string());
        }
    }
    let length: usize = headers
        .get("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    let mut stream = reader.into_inner();
    let answered = match answer {
        Answer::Status(code) => Some(code),
        Answer::Hang => None,
    };
    log.lock().unwrap().push(Received {
        headers,
        body,
        answered,
    });
    match answer {
        Answer::Status(code) => {
            let _ = write!(
                stream,
                "HTTP/1.1 {code} Answer\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
            None
        }
        Answer::Hang => Some(stream),
    }
}

/// Checks a delivery's signature as a receiver would, with Python's standard library
/// (the few lines the README gives), not with lotgate's own code.
fn python_verifies(secret: &str, received: &Received) -> bool {
    let dir = std::env::temp_dir().join(format!("lotgate-webhook-{}", uuid::Uuid::new_v4()));
    std::fs::write(&dir, &received.body).unwrap();
    let script = r#"
import hashlib, hmac, sys
secret, timestamp, signature, path = sys.argv[1:5]
body = open(path, "rb").read()
expected = "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
sys.exit(0 if hmac.compare_digest(expected, signature) else 1)
"#;
    let status = std::process::Command::new("python3")
        .args(["-c", script, secret])
        .arg(received.header("Lotgate-Timestamp"))
        .arg(received.header("Lotgate-Signature"))
        .arg(&dir)
        .status()
        .unwrap();
    let _ = std::fs::remove_file(&dir);
    status.success()
}

/// The deliverer of `lotgate serve`, over the test's database, with a short backoff.
fn deliverer(db: &TestDb, backoff: Duration, workers: usize) -> Deliverer {
    Deliverer::start(
        db.url(),
        DelivererConfig {
            schedule: Schedule { base: backoff },
            timeout: Duration::from_secs(30),
            workers,
        },
    )
    .unwrap()
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

fn count(db: &TestDb, sql: &str) -> i64 {
    diesel::sql_query(sql)
        .get_result::<Count>(&mut db.pool.get().unwrap())
        .unwrap()
        .n
}

#[actix_web::test]
async fn an_event_arrives_signed_and_the_signature_verifies() {
    let app = app().await;
    let f = app.fixture().await;
    let receiver = Receiver::start(&[]);
    let created = app
        .post(
            "/api/v1/webhooks",
            json!({"url": receiver.url(), "events": ["inspection.recorded"], "description": "QA"}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let secret = created.body["secret"].as_str().unwrap().to_string();
    assert!(
        secret.starts_with("whsec_") && secret.len() == 70,
        "{secret}"
    );
    let webhook = created.body["id"].as_str().unwrap().to_string();
    let _deliverer = deliverer(&app.db, Duration::from_millis(50), 2);

    let id = "5f0c1d2e-3a4b-4c5d-8e6f-7a8b9c0d1e2f";
    let recorded = app
        .post(
            &format!("/api/v1/lots/{}/inspections", f.lot_id),
            inspection(&f, id, 5),
        )
        .await;
    assert_eq!(recorded.status, 201, "{}", recorded.body);
    let got = receiver.wait_for(1);

    let event = got[0].json();
    assert_eq!(event["type"], "inspection.recorded");
    assert_eq!(event["data"]["inspection_id"], id);
    assert_eq!(event["data"]["lot_id"], f.lot_id.as_str());
    assert_eq!(event["data"]["units"], 5);
    assert_eq!(
        got[0].header("Lotgate-Event-Id"),
        event["id"].as_str().unwrap()
    );
    assert_eq!(got[0].header("Lotgate-Event-Type"), "inspection.recorded");
    assert_eq!(got[0].header("Content-Type"), "application/json");
    assert!(python_verifies(&secret, &got[0]));
    let mut forged = got[0].clone();
    forged.body = forged.body.replace_first(b"\"units\":5", b"\"units\":6");
    assert!(
        !python_verifies(&secret, &forged),
        "a changed body must not verify"
    );

    // The log says what happened; the listing never shows the secret.
    let deliveries = wait_for_status(&app, &webhook, "delivered").await;
    let delivery = &deliveries["items"][0];
    assert_eq!(delivery["event"]["id"], event["id"]);
    assert_eq!(delivery["log"][0]["status_code"], 200);
    assert_eq!(delivery["log"][0]["error"], Value::Null);
    assert_eq!(
        got[0].header("Lotgate-Delivery-Id"),
        delivery["id"].as_str().unwrap()
    );
    let listed = app.get("/api/v1/webhooks").await;
    assert_eq!(listed.body[0]["id"], webhook.as_str());
    assert!(listed.body[0].get("secret").is_none(), "{}", listed.body);
}

trait ReplaceFirst {
    fn replace_first(&self, from: &[u8], to: &[u8]) -> Vec<u8>;
}

impl ReplaceFirst for Vec<u8> {
    fn replace_first(&self, from: &[u8], to: &[u8]) -> Vec<u8> {
        let at = self
            .windows(from.len())
            .position(|w| w == from)
            .expect("the text to replace");
        [&self[..at], to, &self[at + from.len()..]].concat()
    }
}

/// Polls `list_webhook_deliveries` (up to a minute) until the newest delivery has
/// `status`; the page.
async fn wait_for_status<S, B>(
    app: &crate::support::TestApp<S>,
    webhook: &str,
    status: &str,
) -> Value
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let page = app
            .get(&format!("/api/v1/webhooks/{webhook}/deliveries"))
            .await;
        assert_eq!(page.status, 200, "{}", page.body);
        if page.body["items"][0]["status"] == status {
            return page.body;
        }
        assert!(Instant::now() < deadline, "never {status}: {}", page.body);
        actix_web::rt::time::sleep(Duration::from_millis(20)).await;
    }
}

#[actix_web::test]
async fn a_rolled_back_decision_sends_no_event_and_a_committed_one_does() {
    let app = app().await;
    let f = app.fixture().await;
    let receiver = Receiver::start(&[]);
    let created = app
        .post(
            "/api/v1/webhooks",
            json!({"url": receiver.url(), "events": ["lot.decided"]}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    // 12 of 50 units scratched (every fourth): the lot is not accepted, and its decision
    // opens an NCR in the same transaction, after the decision's event is written.
    let recorded = app
        .post(
            &format!("/api/v1/lots/{}/inspections", f.lot_id),
            inspection(&f, "4e9f0a1b-2c3d-4e5f-8a6b-7c8d9e0f1a2b", 50),
        )
        .await;
    assert_eq!(recorded.status, 201, "{}", recorded.body);
    let mut conn = app.db.pool.get().unwrap();
    // A fault after the event: the database refuses the NCR, the whole decision rolls back.
    conn.batch_execute(
        "CREATE FUNCTION refuse_ncr() RETURNS trigger LANGUAGE plpgsql AS \
         $$ BEGIN RAISE EXCEPTION 'no NCR today'; END $$; \
         CREATE TRIGGER refuse_ncr BEFORE INSERT ON ncrs \
         FOR EACH ROW EXECUTE FUNCTION refuse_ncr()",
    )
    .unwrap();
    let failed = app
        .call(
            Method::POST,
            &format!("/api/v1/lots/{}/decision", f.lot_id),
            None,
        )
        .await;
    failed.assert_problem(500);
    assert_eq!(count(&app.db, "SELECT count(*) AS n FROM lot_decisions"), 0);
    assert_eq!(
        count(&app.db, "SELECT count(*) AS n FROM webhook_events"),
        0
    );
    assert_eq!(
        count(&app.db, "SELECT count(*) AS n FROM webhook_deliveries"),
        0
    );
    diesel::sql_query("DROP TRIGGER refuse_ncr ON ncrs")
        .execute(&mut conn)
        .unwrap();
    drop(conn);

    let _deliverer = deliverer(&app.db, Duration::from_millis(50), 2);
    let decided = app
        .call(
            Method::POST,
            &format!("/api/v1/lots/{}/decision", f.lot_id),
            None,
        )
        .await;
    assert_eq!(decided.status, 201, "{}", decided.body);
    let got = receiver.wait_for(1);
    assert_eq!(got[0].json()["data"]["decision_id"], decided.body["id"]);
    assert_eq!(got[0].json()["data"]["revision"], 1);
    assert_eq!(got[0].json()["data"]["verdict"], "reject");
    assert_eq!(
        count(&app.db, "SELECT count(*) AS n FROM webhook_events"),
        1
    );
}

#[actix_web::test]
async fn a_receiver_that_fails_then_recovers_gets_the_event_after_retries() {
    let app = app().await;
    let f = app.fixture().await;
    let receiver = Receiver::start(&[Answer::Status(500), Answer::Status(503)]);
    let created = app
        .post(
            "/api/v1/webhooks",
            json!({"url": receiver.url(), "events": ["inspection.recorded", "lot.decided"]}),
        )
        .await;
    let webhook = created.body["id"].as_str().unwrap().to_string();
    let backoff = Duration::from_millis(100);
    let _deliverer = deliverer(&app.db, backoff, 2);

    let recorded = app
        .post(
            &format!("/api/v1/lots/{}/inspections", f.lot_id),
            inspection(&f, "6a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d", 3),
        )
        .await;
    assert_eq!(recorded.status, 201, "{}", recorded.body);
    let page = wait_for_status(&app, &webhook, "delivered").await;

    let got = receiver.received();
    let answers: Vec<Option<u16>> = got.iter().map(|r| r.answered).collect();
    assert_eq!(answers, [Some(500), Some(503), Some(200)]);
    let ids: Vec<&str> = got.iter().map(|r| r.header("Lotgate-Event-Id")).collect();
    assert!(
        ids.iter().all(|id| *id == ids[0]),
        "one event, sent three times"
    );
    assert_eq!(got[0].body, got[2].body, "the same body each time");
    let delivery = &page["items"][0];
    assert_eq!(delivery["attempts"], 3);
    let log = delivery["log"].as_array().unwrap();
    let codes: Vec<&Value> = log.iter().map(|a| &a["status_code"]).collect();
    assert_eq!(codes, [&json!(500), &json!(503), &json!(200)]);
    // Each retry waited at least half its backoff (jitter picks between half and all):
    // 100 ms after the first failure, 200 ms after the second.
    let at = |i: usize| {
        chrono::DateTime::parse_from_rfc3339(log[i]["started_at"].as_str().unwrap()).unwrap()
    };
    assert!((at(1) - at(0)).num_milliseconds() >= 50, "{log:?}");
    assert!((at(2) - at(1)).num_milliseconds() >= 100, "{log:?}");
}

#[actix_web::test]
async fn a_dead_endpoint_does_not_hold_up_recording_an_inspection() {
    let app = app().await;
    let f = app.fixture().await;
    let receiver = Receiver::start(&[Answer::Hang, Answer::Hang, Answer::Hang]);
    let created = app
        .post(
            "/api/v1/webhooks",
            json!({"url": receiver.url(), "events": ["inspection.recorded"]}),
        )
        .await;
    assert_eq!(created.status, 201);
    let _deliverer = deliverer(&app.db, Duration::from_millis(50), 1);
    let first = app
        .post(
            &format!("/api/v1/lots/{}/inspections", f.lot_id),
            full_inspection(&f, "7b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e"),
        )
        .await;
    assert_eq!(first.status, 201, "{}", first.body);
    receiver.wait_for(1);
    assert!(receiver.hanging.load(Ordering::SeqCst));

    // The endpoint holds its delivery and never answers; recording goes on.
    let second = app
        .post(
            &format!("/api/v1/lots/{}/inspections", f.lot_id),
            full_inspection(&f, "8c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f"),
        )
        .await;
    assert_eq!(second.status, 201, "{}", second.body);
    assert!(
        receiver.hanging.load(Ordering::SeqCst),
        "answered while the endpoint still hung"
    );
    assert_eq!(
        receiver.received().len(),
        1,
        "the one deliverer is still held"
    );
    assert_eq!(
        count(
            &app.db,
            "SELECT count(*) AS n FROM webhook_deliveries WHERE status = 'pending'"
        ),
        2
    );
}

/// A full inspection: a lot takes any number of them.
fn full_inspection(f: &crate::builders::Fixture, id: &str) -> Value {
    let mut body = inspection(f, id, 2);
    body["mode"] = json!("full");
    body
}

#[test]
fn a_delivery_retried_across_a_restart_of_lotgate_arrives() {
    let db = TestDb::new();
    let url = db.url();
    let admin = issue_token(&db.pool, "admin", Role::Admin);
    let receiver = Receiver::start(&[Answer::Status(500), Answer::Status(500)]);
    let port = free_port();
    let backoff = ["--webhook-backoff-ms", "1000"];
    let mut server = start(port, Some(&url), None, &backoff);
    wait_until_ready(port, &mut server);
    let post = |path: &str, body: Value| {
        let (status, reply) = request(port, &admin, "POST", path, Some(&body)).unwrap();
        assert_eq!(status, 201, "{path}: {reply}");
        reply
    };
    let webhook = post(
        "/api/v1/webhooks",
        json!({"url": receiver.url(), "events": ["inspection.recorded"]}),
    );
    let part = post(
        "/api/v1/parts",
        json!({"number": "CLP-1", "name": "Clip", "stage": "part"}),
    );
    let width = post(
        &format!(
            "/api/v1/parts/{}/characteristics",
            part["id"].as_str().unwrap()
        ),
        crate::builders::width(),
    );
    let supplier = post("/api/v1/suppliers", json!({"name": "Factory", "code": "F"}));
    let lot = post(
        "/api/v1/lots",
        json!({"part_id": part["id"], "supplier_id": supplier["id"], "lot_number": "L",
            "lot_size": 100, "produced_on": "2026-11-20"}),
    );
    post(
        &format!("/api/v1/lots/{}/inspections", lot["id"].as_str().unwrap()),
        json!({"id": "9d4e5f6a-7b8c-4d9e-8f0a-2b3c4d5e6f7a", "source": "factory",
            "mode": "full", "inspector": "kim", "inspected_at": "2026-11-20T09:15:00Z",
            "units": [{"unit": 1, "measurements": [{"characteristic_id": width["id"], "value": 12.0}]}]}),
    );

    // The first attempt fails and is logged; lotgate dies before the retry.
    receiver.wait_for(1);
    let deadline = Instant::now() + Duration::from_secs(60);
    while count(&db, "SELECT count(*) AS n FROM webhook_delivery_attempts") < 1 {
        assert!(
            Instant::now() < deadline,
            "the first attempt was never logged"
        );
        thread::sleep(Duration::from_millis(10));
    }
    signal(&server, "-KILL");
    server.wait().unwrap();
    let before_restart = receiver.received().len();

    let mut server = start(port, Some(&url), None, &backoff);
    wait_until_ready(port, &mut server);
    let got = receiver.wait_for(3);
    let deadline = Instant::now() + Duration::from_secs(60);
    let delivered = loop {
        let (status, page) = request(
            port,
            &admin,
            "GET",
            &format!(
                "/api/v1/webhooks/{}/deliveries",
                webhook["id"].as_str().unwrap()
            ),
            None,
        )
        .unwrap();
        assert_eq!(status, 200, "{page}");
        if page["items"][0]["status"] == "delivered" {
            break page["items"][0].clone();
        }
        assert!(Instant::now() < deadline, "never delivered: {page}");
        thread::sleep(Duration::from_millis(20));
    };
    signal(&server, "-TERM");
    server.wait().unwrap();

    assert!(before_restart < 3, "the retries came before the restart");
    assert_eq!(got.last().unwrap().answered, Some(200));
    let event_id = got[0].header("Lotgate-Event-Id");
    assert!(got.iter().all(|r| r.header("Lotgate-Event-Id") == event_id));
    assert_eq!(delivered["event"]["id"], event_id);
    assert_eq!(
        delivered["log"].as_array().unwrap().last().unwrap()["status_code"],
        200
    );
}

#[actix_web::test]
async fn a_delivered_event_is_sent_again_on_request_with_the_same_id() {
    let app = app().await;
    let f = app.fixture().await;
    let receiver = Receiver::start(&[]);
    let created = app
        .post(
            "/api/v1/webhooks",
            json!({"url": receiver.url(), "events": ["lot.decided"]}),
        )
        .await;
    let webhook = created.body["id"].as_str().unwrap().to_string();
    let _deliverer = deliverer(&app.db, Duration::from_millis(50), 2);
    let decided = app
        .call(
            Method::POST,
            &format!("/api/v1/lots/{}/decision", f.lot_id),
            None,
        )
        .await;
    assert_eq!(decided.status, 201);
    let page = wait_for_status(&app, &webhook, "delivered").await;
    let delivery = page["items"][0]["id"].as_str().unwrap().to_string();

    let again = app
        .call(
            Method::POST,
            &format!("/api/v1/webhooks/{webhook}/deliveries/{delivery}/redelivery"),
            None,
        )
        .await;
    assert_eq!(again.status, 202, "{}", again.body);
    assert_eq!(again.body["status"], "pending");
    let got = receiver.wait_for(2);
    assert_eq!(
        got[0].header("Lotgate-Event-Id"),
        got[1].header("Lotgate-Event-Id")
    );
    let page = wait_for_status(&app, &webhook, "delivered").await;
    assert_eq!(page["items"][0]["attempts"], 2);

    let elsewhere = app
        .call(
            Method::POST,
            &format!(
                "/api/v1/webhooks/{}/deliveries/{delivery}/redelivery",
                uuid::Uuid::new_v4()
            ),
            None,
        )
        .await;
    elsewhere.assert_problem(404);
}

#[actix_web::test]
async fn a_disabled_endpoint_gets_no_new_events() {
    let app = app().await;
    let f = app.fixture().await;
    let created = app
        .post(
            "/api/v1/webhooks",
            json!({"url": "http://127.0.0.1:9/hooks", "events": ["lot.decided"]}),
        )
        .await;
    let webhook = created.body["id"].as_str().unwrap().to_string();
    let disabled = app
        .call(
            Method::PATCH,
            &format!("/api/v1/webhooks/{webhook}"),
            Some(json!({"active": false})),
        )
        .await;
    assert_eq!(disabled.status, 200, "{}", disabled.body);
    assert_eq!(disabled.body["active"], false);
    assert_eq!(disabled.body["events"], json!(["lot.decided"]));

    let decided = app
        .call(
            Method::POST,
            &format!("/api/v1/lots/{}/decision", f.lot_id),
            None,
        )
        .await;
    assert_eq!(decided.status, 201);
    assert_eq!(
        count(&app.db, "SELECT count(*) AS n FROM webhook_deliveries"),
        0
    );
    let read = app.get(&format!("/api/v1/webhooks/{webhook}")).await;
    assert_eq!(read.body["active"], false);
    assert!(read.body.get("secret").is_none());
}

#[actix_web::test]
async fn a_bad_endpoint_is_refused_naming_each_field() {
    let app = app().await;
    let reply = app
        .post(
            "/api/v1/webhooks",
            json!({"url": "ftp://example.com/x", "events": ["lot.decided", "lot.decided"]}),
        )
        .await;
    reply.assert_problem(422);
    assert_eq!(reply.error_fields(), ["url", "events[1]"]);

    let unknown = app
        .post(
            "/api/v1/webhooks",
            json!({"url": "https://example.com/x", "events": ["lot.eaten"]}),
        )
        .await;
    unknown.assert_problem(422);

    let inspector = app.token(Role::Inspector);
    let refused = app
        .send_as(
            &inspector,
            actix_web::test::TestRequest::get().uri("/api/v1/webhooks"),
        )
        .await;
    refused.assert_problem(403);
    let missing = app
        .get(&format!("/api/v1/webhooks/{}", uuid::Uuid::new_v4()))
        .await;
    missing.assert_problem(404);
}

#[actix_web::test]
async fn each_event_type_arrives_naming_what_changed_and_the_trail_verifies() {
    let app = app().await;
    let f = app.fixture().await;
    let receiver = Receiver::start(&[]);
    let created = app
        .post(
            "/api/v1/webhooks",
            json!({"url": receiver.url(), "events": ["lot.decided", "lot.dispositioned",
                "ncr.opened", "inspection.recorded", "golden_sample.approved"]}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let webhook = created.body["id"].as_str().unwrap().to_string();
    let _deliverer = deliverer(&app.db, Duration::from_millis(50), 2);

    // 12 of 50 units scratched: not accepted, an NCR opened, the lot scrapped.
    let inspection_id = "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d";
    let recorded = app
        .post(
            &format!("/api/v1/lots/{}/inspections", f.lot_id),
            inspection(&f, inspection_id, 50),
        )
        .await;
    assert_eq!(recorded.status, 201, "{}", recorded.body);
    let decided = app
        .call(
            Method::POST,
            &format!("/api/v1/lots/{}/decision", f.lot_id),
            None,
        )
        .await;
    assert_eq!(decided.body["verdict"], "reject", "{}", decided.body);
    let disposed = app
        .post(
            &format!("/api/v1/lots/{}/disposition", f.lot_id),
            json!({"disposition": "scrap", "reason": "scratched surfaces"}),
        )
        .await;
    assert_eq!(disposed.status, 201, "{}", disposed.body);
    let sample = app.create_golden_sample(&f.part_id, "GS-001").await;
    let revision = app.create_revision(&sample).await;
    let letter = revision.body["revision"].as_str().unwrap().to_string();
    let approved = app.approve(&sample, &letter).await;
    assert_eq!(approved.status, 200, "{}", approved.body);

    let got = receiver.wait_for(5);
    // Each delivery, body and headers, is what the document's `webhooks` entry of its
    // type says; the document has an entry for every event type and no other.
    let doc = app.get("/api-docs/openapi.json").await.body;
    let documented: Vec<&String> = doc["webhooks"].as_object().unwrap().keys().collect();
    assert_eq!(
        documented,
        [
            "golden_sample.approved",
            "inspection.recorded",
            "lot.decided",
            "lot.dispositioned",
            "ncr.opened"
        ]
    );
    for r in &got {
        let problems = against_webhook_entry(&doc, r);
        assert!(
            problems.is_empty(),
            "{}:\n{}",
            r.json(),
            problems.join("\n")
        );
        // The entry's example shows every key a delivery has, and the same keys.
        let body = r.json();
        let schema = &doc["webhooks"][body["type"].as_str().unwrap()]["post"]["requestBody"]["content"]
            ["application/json"]["schema"]["$ref"];
        let name = schema.as_str().unwrap().rsplit('/').next().unwrap();
        let example = &doc["components"]["schemas"][name]["example"];
        let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
        assert_eq!(keys(example), keys(&body), "{name}");
        assert_eq!(keys(&example["data"]), keys(&body["data"]), "{name}");
    }
    let by_type: HashMap<String, Value> = got
        .iter()
        .map(|r| {
            let event = r.json();
            (
                event["type"].as_str().unwrap().to_string(),
                event["data"].clone(),
            )
        })
        .collect();
    assert_eq!(by_type.len(), 5, "{:?}", by_type.keys());
    assert_eq!(
        by_type["inspection.recorded"]["inspection_id"],
        inspection_id
    );
    assert_eq!(by_type["lot.decided"]["decision_id"], decided.body["id"]);
    assert_eq!(by_type["lot.decided"]["verdict"], "reject");
    assert_eq!(by_type["ncr.opened"]["lot_id"], f.lot_id.as_str());
    assert_eq!(by_type["ncr.opened"]["decision_id"], decided.body["id"]);
    assert_eq!(by_type["ncr.opened"]["opened_by"], "lotgate");
    assert_eq!(by_type["lot.dispositioned"]["disposition"], "scrap");
    assert_eq!(by_type["lot.dispositioned"]["lot_status"], "dispositioned");
    assert_eq!(
        by_type["golden_sample.approved"]["golden_sample_id"],
        sample.as_str()
    );
    assert_eq!(
        by_type["golden_sample.approved"]["revision"],
        letter.as_str()
    );
    assert_eq!(by_type["golden_sample.approved"]["approved_by"], "sato");

    // Registration, change and redelivery are in the audit trail, which still verifies.
    let changed = app
        .call(
            Method::PATCH,
            &format!("/api/v1/webhooks/{webhook}"),
            Some(json!({"description": "QA dashboard"})),
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.body);
    let page = wait_for_status(&app, &webhook, "delivered").await;
    let delivery = page["items"][0]["id"].as_str().unwrap();
    let again = app
        .call(
            Method::POST,
            &format!("/api/v1/webhooks/{webhook}/deliveries/{delivery}/redelivery"),
            None,
        )
        .await;
    assert_eq!(again.status, 202, "{}", again.body);
    let (ok, text) = crate::support::run_lotgate(&app.db.url(), &["audit", "verify"]);
    assert!(ok, "{text}");
    for kind in ["webhook", "webhook_delivery"] {
        assert_eq!(
            count(
                &app.db,
                &format!("SELECT count(*) AS n FROM audit_events WHERE entity = '{kind}'")
            ),
            if kind == "webhook" { 2 } else { 1 }
        );
    }
}

/// Where a received delivery departs from the document's `webhooks` entry of its type:
/// every header parameter is present and valid, and the body is valid against the
/// request body's schema.
fn against_webhook_entry(doc: &Value, received: &Received) -> Vec<String> {
    let mut problems = Vec::new();
    let body = received.json();
    let event = body["type"].as_str().unwrap_or_default();
    let entry = &doc["webhooks"][event]["post"];
    if entry.is_null() {
        return vec![format!("no webhooks entry for {event:?}")];
    }
    for param in entry["parameters"].as_array().unwrap() {
        let name = param["name"].as_str().unwrap();
        assert_eq!(param["in"], "header");
        let value = received.header(name);
        if value.is_empty() {
            problems.push(format!("header {name}: missing"));
            continue;
        }
        conforms(
            doc,
            &param["schema"],
            &json!(value),
            &format!("header {name}"),
            &mut problems,
        );
    }
    let schema = &entry["requestBody"]["content"]["application/json"]["schema"];
    conforms(doc, schema, &body, "body", &mut problems);
    problems
}

/// A small JSON Schema check (the keywords the document's webhook schemas use): `$ref`,
/// `type` (one or a list), `enum`, `oneOf` and `anyOf`, `required`, `properties`, `format`
/// (`uuid`, `date`, `date-time`), `minimum` and the two `pattern`s of the signature
/// headers. Stricter than JSON Schema on one point: an object may have no key that its
/// schema does not name, so a field added to a payload must be documented.
fn conforms(doc: &Value, schema: &Value, value: &Value, at: &str, out: &mut Vec<String>) {
    if let Some(r) = schema["$ref"].as_str() {
        let name = r.rsplit('/').next().unwrap();
        return conforms(doc, &doc["components"]["schemas"][name], value, at, out);
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(options) = schema[key].as_array() {
            let fits = options
                .iter()
                .filter(|o| {
                    let mut p = Vec::new();
                    conforms(doc, o, value, at, &mut p);
                    p.is_empty()
                })
                .count();
            let ok = if key == "oneOf" { fits == 1 } else { fits >= 1 };
            if !ok {
                out.push(format!("{at}: {value} fits {fits} of the {key} schemas"));
            }
        }
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let kind = match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    };
    if !types.is_empty()
        && !types
            .iter()
            .any(|t| *t == kind || (*t == "number" && kind == "integer"))
    {
        out.push(format!("{at}: {value} is {kind}, not {types:?}"));
        return;
    }
    if let Some(allowed) = schema["enum"].as_array()
        && !allowed.contains(value)
    {
        out.push(format!("{at}: {value} not in {allowed:?}"));
    }
    if let (Some(min), Some(n)) = (schema["minimum"].as_f64(), value.as_f64())
        && n < min
    {
        out.push(format!("{at}: {n} below the minimum {min}"));
    }
    if let Value::String(s) = value {
        let valid = match schema["format"].as_str() {
            Some("uuid") => uuid::Uuid::parse_str(s).is_ok(),
            Some("date-time") => chrono::DateTime::parse_from_rfc3339(s).is_ok(),
            Some("date") => chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok(),
            _ => true,
        };
        let matches = match schema["pattern"].as_str() {
            Some("^[0-9]+$") => !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()),
            Some("^sha256=[0-9a-f]{64}$") => s.strip_prefix("sha256=").is_some_and(|h| {
                h.len() == 64
                    && h.bytes()
                        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
            }),
            Some(other) => {
                out.push(format!("{at}: pattern {other} not known to this check"));
                true
            }
            None => true,
        };
        if !valid || !matches {
            out.push(format!("{at}: {s:?} is not a valid {schema}"));
        }
    }
    if let Value::Object(fields) = value {
        let properties = &schema["properties"];
        for name in schema["required"].as_array().into_iter().flatten() {
            if !fields.contains_key(name.as_str().unwrap()) {
                out.push(format!("{at}.{name}: required, missing"));
            }
        }
        if properties.is_object() {
            for (name, field) in fields {
                match properties.get(name) {
                    Some(s) => conforms(doc, s, field, &format!("{at}.{name}"), out),
                    None => out.push(format!("{at}.{name}: not in the schema")),
                }
            }
        }
    }
}

#[test]
fn the_webhook_check_refuses_a_wrong_type_a_missing_field_and_an_undocumented_one() {
    let doc = json!({"components": {"schemas": {
        "Id": {"type": "string", "format": "uuid"},
        "E": {"type": "object", "required": ["id", "n"], "properties": {
            "id": {"$ref": "#/components/schemas/Id"},
            "n": {"type": "integer", "minimum": 0},
            "at": {"type": ["string", "null"], "format": "date-time"},
            "kind": {"type": "string", "enum": ["a"]},
            "sup": {"oneOf": [{"$ref": "#/components/schemas/Id"}, {"type": "null"}]}}}}}});
    let schema = json!({"$ref": "#/components/schemas/E"});
    let check = |v: Value| {
        let mut out = Vec::new();
        conforms(&doc, &schema, &v, "body", &mut out);
        out
    };
    let id = "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d";
    assert!(check(json!({"id": id, "n": 3, "at": null, "kind": "a", "sup": null})).is_empty());
    assert!(check(json!({"id": id, "n": 0, "at": "2026-12-03T09:30:00Z", "sup": id})).is_empty());
    assert_eq!(check(json!({"id": "x", "n": 1})).len(), 1);
    assert_eq!(check(json!({"id": id, "n": -1})).len(), 1);
    assert_eq!(check(json!({"id": id, "n": "1"})).len(), 1);
    assert_eq!(check(json!({"id": id})).len(), 1);
    assert_eq!(check(json!({"id": id, "n": 1, "kind": "b"})).len(), 1);
    assert_eq!(check(json!({"id": id, "n": 1, "sup": 5})).len(), 1);
    assert_eq!(check(json!({"id": id, "n": 1, "extra": true})).len(), 1);
}
