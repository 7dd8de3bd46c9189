//! Losing the primary: a write meeting a server that no longer takes writes gets 503 and
//! its connection is discarded, and the rehearsal of docs/operations.md (a synchronous
//! standby promoted under retrying clients) loses nothing acknowledged.

use std::process::Command;
use std::time::Duration;

use actix_web::http::StatusCode;
use diesel::RunQueryDsl;
use serde_json::Value;

use crate::builders::inspection;
use crate::support::{TestDb, app_configured};

#[actix_web::test]
async fn a_write_meeting_a_read_only_server_gets_503_and_the_retry_reaches_a_writable_one() {
    let db = TestDb::new();
    // One connection, so the request below surely gets the one made read-only.
    let one = lotgate::db::pool(&db.url(), 1, Duration::from_secs(5)).unwrap();
    let app = app_configured(db, |state| lotgate::http::AppState {
        pool: one.clone(),
        ..state
    })
    .await;
    let f = app.fixture().await;
    let id = uuid::Uuid::new_v4().to_string();
    let body = inspection(&f, &id, 3);
    // As a primary demoted to a standby, or set read-only for a switchover, answers.
    diesel::sql_query("SET default_transaction_read_only = on")
        .execute(&mut *one.get().unwrap())
        .unwrap();

    let refused = app
        .post(
            &format!("/api/v1/lots/{}/inspections", f.lot_id),
            body.clone(),
        )
        .await;
    let retried = app
        .post(&format!("/api/v1/lots/{}/inspections", f.lot_id), body)
        .await;

    refused.assert_problem(503);
    assert_eq!(refused.headers.get("retry-after").unwrap(), "1");
    assert_eq!(
        refused.body["detail"],
        "the database cannot be reached right now; nothing was stored, retry shortly"
    );
    assert_eq!(retried.status, StatusCode::CREATED, "{}", retried.body);
    assert_eq!(retried.body["id"], id.as_str());
}

/// `scripts/failover-rehearsal.py`, short: 4 clients for 8 s, the primary stopped after
/// 3 s and the standby promoted 1 s later. About 20 s in all; needs `python3`.
#[test]
fn a_promoted_synchronous_standby_holds_every_acknowledged_inspection() {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/failover-rehearsal.py");
    let run = Command::new("python3")
        .arg(script)
        .args(["--lotgate", env!("CARGO_BIN_EXE_lotgate")])
        .args(["--clients", "4", "--duration", "8", "--kill-after", "3"])
        .args(["--promote-after", "1", "--json"])
        .output()
        .expect("python3 runs the rehearsal script");
    let stdout = String::from_utf8_lossy(&run.stdout);
    let summary: Value = serde_json::from_str(stdout.lines().last().unwrap_or_default())
        .unwrap_or_else(|e| {
            panic!(
                "no summary ({e}): {stdout}\n{}",
                String::from_utf8_lossy(&run.stderr)
            )
        });
    eprintln!("{summary:#}");

    let acknowledged = summary["acknowledged"].as_u64().unwrap();
    assert!(
        summary["acknowledged_before_kill"].as_u64().unwrap() > 0,
        "nothing was written before the primary was lost"
    );
    assert_eq!(
        summary["lost"], 0,
        "acknowledged but not on the new primary"
    );
    assert_eq!(summary["stored"].as_u64().unwrap(), acknowledged);
    assert_eq!(summary["incomplete"], 0, "an inspection lacks units");
    assert_eq!(
        summary["unexpected_replies"],
        Value::Array(vec![]),
        "a write got something other than 503 with Retry-After"
    );
    let back = summary["seconds_promote_to_first_write"]
        .as_f64()
        .expect("a write succeeded after the promotion");
    assert!(
        back < 5.0,
        "writes came back {back} s after the promote command"
    );
    assert!(
        acknowledged > summary["acknowledged_before_kill"].as_u64().unwrap(),
        "nothing was written on the promoted standby"
    );
    assert!(run.status.success());
}
