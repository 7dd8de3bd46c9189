//! Crash safety: lotgate is killed with SIGKILL in the middle of a stream of inspection
//! writes whose clients retry; after the restart every acknowledged inspection is
//! stored exactly once, with all its units.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use diesel::RunQueryDsl;
use diesel::sql_types::{BigInt, Uuid as SqlUuid};
use serde_json::{Value, json};

use lotgate::domain::Role;

use crate::support::{TestDb, issue_token};
use crate::wire::{free_port, request, signal, start, wait_until_ready};

const CLIENTS: usize = 4;
const PER_CLIENT: usize = 30;
const UNITS: usize = 10;

fn post_ok(port: u16, token: &str, path: &str, body: &Value) -> Value {
    let (status, reply) = request(port, token, "POST", path, Some(body)).expect("lotgate answers");
    assert_eq!(status, 201, "{reply}");
    reply
}

/// A tablet: sends its inspections one after another and retries each until answered.
fn tablet(
    port: u16,
    token: String,
    lot: String,
    width: String,
    client: usize,
    acked: Arc<Mutex<Vec<String>>>,
) {
    for k in 0..PER_CLIENT {
        let id = format!("{:08x}-0000-4000-8000-{:012x}", client, k);
        let units: Vec<Value> = (1..=UNITS)
            .map(|u| json!({"unit": u, "measurements": [{"characteristic_id": width, "value": 12.0 + u as f64 / 100.0}]}))
            .collect();
        // Full inspections: a lot takes any number of them, while a second sampling
        // inspection of it is refused (the lot is judged on its original inspection).
        let body = json!({"id": id, "source": "factory", "mode": "full", "inspector": format!("tablet-{client}"),
            "inspected_at": "2026-11-20T09:15:00Z", "units": units});
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            match request(
                port,
                &token,
                "POST",
                &format!("/api/v1/lots/{lot}/inspections"),
                Some(&body),
            ) {
                Some((200 | 201, _)) => {
                    acked.lock().unwrap().push(id.clone());
                    break;
                }
                Some((status, reply)) if status < 500 => {
                    panic!("{id}: refused with {status}: {reply}")
                }
                _ => {
                    assert!(Instant::now() < deadline, "{id} was never acknowledged");
                    thread::sleep(Duration::from_millis(50));
                }
            }
        }
    }
}

#[test]
fn every_acknowledged_inspection_survives_a_sigkill_exactly_once() {
    let db = TestDb::new();
    let url = db.url();
    let token = issue_token(&db.pool, "tablets", Role::Inspector);
    let admin = issue_token(&db.pool, "admin", Role::Admin);
    let port = free_port();
    let mut server = start(port, Some(&url), None, &[]);
    wait_until_ready(port, &mut server);
    let part = post_ok(
        port,
        &admin,
        "/api/v1/parts",
        &json!({"number": "CLP-1", "name": "Clip", "stage": "part"}),
    );
    let width = post_ok(
        port,
        &admin,
        &format!(
            "/api/v1/parts/{}/characteristics",
            part["id"].as_str().unwrap()
        ),
        &crate::builders::width(),
    );
    let supplier = post_ok(
        port,
        &admin,
        "/api/v1/suppliers",
        &json!({"name": "Factory", "code": "F"}),
    );
    let lot = post_ok(
        port,
        &token,
        "/api/v1/lots",
        &json!({"part_id": part["id"], "supplier_id": supplier["id"],
        "lot_number": "L", "lot_size": 10_000, "produced_on": "2026-11-20"}),
    );
    let acked = Arc::new(Mutex::new(Vec::new()));

    let tablets: Vec<_> = (0..CLIENTS)
        .map(|c| {
            let (token, lot, width, acked) = (
                token.clone(),
                lot["id"].as_str().unwrap().to_string(),
                width["id"].as_str().unwrap().to_string(),
                acked.clone(),
            );
            thread::spawn(move || tablet(port, token, lot, width, c, acked))
        })
        .collect();
    while acked.lock().unwrap().len() < CLIENTS * PER_CLIENT / 3 {
        thread::sleep(Duration::from_millis(10));
    }
    signal(&server, "-KILL");
    server.wait().unwrap();
    let acked_before_kill = acked.lock().unwrap().len();
    let mut server = start(port, Some(&url), None, &[]);
    wait_until_ready(port, &mut server);
    for t in tablets {
        t.join().unwrap();
    }
    signal(&server, "-TERM");
    server.wait().unwrap();

    let acked = acked.lock().unwrap().clone();
    assert!(
        acked_before_kill < CLIENTS * PER_CLIENT,
        "the kill came after the stream ended"
    );
    assert_eq!(
        acked.iter().collect::<HashSet<_>>().len(),
        CLIENTS * PER_CLIENT
    );
    let mut conn = db.pool.get().unwrap();
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let total: Count = diesel::sql_query("SELECT count(*) AS n FROM inspections")
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(
        total.n as usize,
        CLIENTS * PER_CLIENT,
        "an inspection was stored twice or lost"
    );
    for id in &acked {
        let units: Count = diesel::sql_query(
            "SELECT count(*) AS n FROM inspection_units WHERE inspection_id = $1",
        )
        .bind::<SqlUuid, _>(uuid::Uuid::parse_str(id).unwrap())
        .get_result(&mut conn)
        .unwrap();
        assert_eq!(units.n as usize, UNITS, "{id} is missing units");
    }
}
