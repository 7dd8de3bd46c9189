//! The audit trail: every change writes a row in its own transaction, rows cannot be
//! altered, the hash chain written by PostgreSQL is recomputed independently by
//! `lotgate audit verify`, and tampering is found.

use actix_web::test::TestRequest;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use lotgate::domain::Role;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::support::{TestDb, app, run_lotgate};

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn audit_rows(db: &TestDb) -> i64 {
    diesel::sql_query("SELECT count(*) AS n FROM audit_events")
        .get_result::<Count>(&mut db.pool.get().unwrap())
        .unwrap()
        .n
}

fn verify(db: &TestDb) -> (bool, String) {
    run_lotgate(&db.url(), &["audit", "verify"])
}

#[actix_web::test]
async fn a_change_is_recorded_with_who_what_when_and_the_new_value() {
    let app = app().await;
    let before = audit_rows(&app.db);

    let part = app
        .post(
            "/api/v1/parts",
            json!({"number": "CLP-100", "name": "Cable clip", "stage": "part"}),
        )
        .await;
    let duplicate = app
        .post(
            "/api/v1/parts",
            json!({"number": "CLP-100", "name": "Twin", "stage": "part"}),
        )
        .await;
    let trail = app
        .get(&format!(
            "/api/v1/audit?entity=part&entity_id={}",
            part.body["id"].as_str().unwrap()
        ))
        .await;

    duplicate.assert_problem(409);
    assert_eq!(
        audit_rows(&app.db),
        before + 1,
        "a refused change writes no row"
    );
    let row = &trail.body["items"][0];
    assert_eq!(trail.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(row["action"], "create");
    assert_eq!(row["actor"], "test admin");
    assert_eq!(row["role"], "admin");
    assert!(row["token_id"].is_string());
    assert_eq!(row["old_value"], Value::Null);
    assert_eq!(row["new_value"]["number"], "CLP-100");
    assert_eq!(row["new_value"]["id"], part.body["id"]);
    assert_eq!(row["sha256"].as_str().unwrap().len(), 64);
}

#[actix_web::test]
async fn a_reason_and_the_old_value_are_kept_for_a_revocation() {
    let app = app().await;
    let created = app
        .post(
            "/api/v1/tokens",
            json!({"name": "Line 2 tablet", "holder": "device", "role": "inspector"}),
        )
        .await;
    let id = created.body["id"].as_str().unwrap();
    app.post(
        &format!("/api/v1/tokens/{id}/revoke"),
        json!({"reason": "screen broken"}),
    )
    .await;

    let trail = app
        .get(&format!(
            "/api/v1/audit?entity=token&entity_id={id}&action=revoke"
        ))
        .await;

    let row = &trail.body["items"][0];
    assert_eq!(row["reason"], "screen broken");
    assert_eq!(row["old_value"]["revoked_at"], Value::Null);
    assert!(row["new_value"]["revoked_at"].is_string());
    assert!(
        !trail.body.to_string().contains("lgt_"),
        "a secret reached the trail"
    );
}

#[actix_web::test]
async fn the_database_refuses_to_change_or_remove_audit_rows() {
    let app = app().await;
    app.post(
        "/api/v1/suppliers",
        json!({"name": "Dongguan Precision Moulding", "code": "DPM"}),
    )
    .await;
    let mut conn = app.db.pool.get().unwrap();

    let update =
        diesel::sql_query("UPDATE audit_events SET actor = 'someone else'").execute(&mut conn);
    let delete = diesel::sql_query("DELETE FROM audit_events").execute(&mut conn);
    let truncate = diesel::sql_query("TRUNCATE audit_events").execute(&mut conn);

    for result in [update, delete, truncate] {
        assert!(
            result.unwrap_err().to_string().contains("append-only"),
            "the audit trail was changed"
        );
    }
    assert!(audit_rows(&app.db) >= 2);
}

#[actix_web::test]
async fn reviewers_filter_and_page_through_the_trail() {
    let app = app().await;
    let reviewer = app.token(Role::Reviewer);
    for code in ["A", "B", "C"] {
        app.post(
            "/api/v1/suppliers",
            json!({"name": format!("Factory {code}"), "code": code}),
        )
        .await;
    }

    let first = app
        .send_as(
            &reviewer,
            TestRequest::get().uri("/api/v1/audit?entity=supplier&limit=2"),
        )
        .await;
    let cursor = first.body["next_cursor"].as_str().unwrap().to_string();
    let second = app
        .send_as(
            &reviewer,
            TestRequest::get().uri(&format!(
                "/api/v1/audit?entity=supplier&limit=2&cursor={cursor}"
            )),
        )
        .await;
    let future = app.get("/api/v1/audit?from=2999-01-01T00:00:00Z").await;
    let reversed = app
        .get("/api/v1/audit?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z")
        .await;

    let codes: Vec<&str> = first.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .chain(second.body["items"].as_array().unwrap())
        .map(|r| r["new_value"]["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["A", "B", "C"]);
    assert_eq!(second.body["next_cursor"], Value::Null);
    assert_eq!(future.body["items"], json!([]));
    reversed.assert_problem(422);
    assert_eq!(reversed.error_fields(), ["from"]);
}

#[derive(QueryableByName)]
struct HashRow {
    #[diesel(sql_type = Text)]
    canonical: String,
    #[diesel(sql_type = Text)]
    prev: String,
    #[diesel(sql_type = Text)]
    hash: String,
}

#[actix_web::test]
async fn each_row_hashes_the_previous_hash_and_its_own_canonical_text() {
    let app = app().await;
    app.post(
        "/api/v1/parts",
        json!({"number": "PCB-200", "name": "Board", "stage": "subassembly"}),
    )
    .await;
    let rows: Vec<HashRow> = diesel::sql_query(
        "SELECT audit_canonical_text(e) AS canonical, encode(prev_sha256, 'hex') AS prev, \
         encode(sha256, 'hex') AS hash FROM audit_events e ORDER BY seq",
    )
    .load(&mut app.db.pool.get().unwrap())
    .unwrap();

    // Reference: SHA-256 by the sha2 crate, over the bytes PostgreSQL's sha256() hashed.
    let mut prev = "0".repeat(64);
    for row in &rows {
        assert_eq!(row.prev, prev);
        let mut input = (0..32)
            .map(|i| u8::from_str_radix(&prev[2 * i..2 * i + 2], 16).unwrap())
            .collect::<Vec<u8>>();
        input.extend_from_slice(row.canonical.as_bytes());
        let expected: String = Sha256::digest(&input)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(row.hash, expected);
        prev = row.hash.clone();
    }
    assert!(rows.len() >= 2);
}

#[actix_web::test]
async fn concurrent_changes_keep_one_unbroken_chain() {
    let app = app().await;
    let requests = (0..12).map(|i| {
        app.post(
            "/api/v1/suppliers",
            json!({"name": format!("Factory {i}"), "code": format!("F{i}")}),
        )
    });
    let replies = futures_util::future::join_all(requests).await;
    assert!(replies.iter().all(|r| r.status == 201));

    let (ok, text) = verify(&app.db);
    assert!(ok, "{text}");
    assert!(text.contains("13 row(s)"), "{text}");
}

#[test]
fn the_demo_is_traced_and_verify_finds_an_altered_row() {
    let db = TestDb::new();
    assert!(lotgate::demo::load(&db.pool).unwrap());

    let (ok, text) = verify(&db);
    assert!(ok, "{text}");
    let mut conn = db.pool.get().unwrap();
    #[derive(QueryableByName)]
    struct Kind {
        #[diesel(sql_type = Text)]
        entity: String,
    }
    let kinds: Vec<String> =
        diesel::sql_query("SELECT DISTINCT entity FROM audit_events ORDER BY entity")
            .load::<Kind>(&mut conn)
            .unwrap()
            .into_iter()
            .map(|k| k.entity)
            .collect();
    for kind in [
        "characteristic",
        "golden_sample",
        "golden_sample_revision",
        "inspection",
        "lot",
        "lot_decision",
        "part",
        "supplier",
        "token",
    ] {
        assert!(kinds.contains(&kind.to_string()), "no {kind} in {kinds:?}");
    }

    // A superuser bypasses the append-only trigger; the chain still tells.
    diesel::sql_query("SET session_replication_role = replica")
        .execute(&mut conn)
        .unwrap();
    diesel::sql_query("UPDATE audit_events SET actor = 'someone else' WHERE seq = 5")
        .execute(&mut conn)
        .unwrap();
    diesel::sql_query("SET session_replication_role = origin")
        .execute(&mut conn)
        .unwrap();

    let (ok, text) = verify(&db);
    assert!(!ok, "an altered row passed: {text}");
    assert!(text.contains("row 5"), "{text}");
}

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = Text)]
    id: String,
}

fn one_id(conn: &mut PgConnection, sql: &str) -> String {
    diesel::sql_query(sql).get_result::<Id>(conn).unwrap().id
}

/// Runs `sql` as a superuser with every trigger off, as someone bypassing lotgate would.
fn tamper(conn: &mut PgConnection, sql: &str) {
    diesel::sql_query("SET session_replication_role = replica")
        .execute(conn)
        .unwrap();
    let changed = diesel::sql_query(sql).execute(conn).unwrap();
    assert!(changed > 0, "{sql} changed nothing");
    diesel::sql_query("SET session_replication_role = origin")
        .execute(conn)
        .unwrap();
}

#[test]
fn verify_compares_the_untouched_demo_data_with_the_trail_and_finds_it_intact() {
    let db = TestDb::new();
    assert!(lotgate::demo::load(&db.pool).unwrap());

    let (ok, text) = verify(&db);

    assert!(ok, "{text}");
    assert!(text.contains("; 0 differ"), "{text}");
    for kind in [
        "inspection ",
        "lot ",
        "lot_decision ",
        "golden_sample_revision ",
    ] {
        assert!(text.contains(kind), "no {kind}in: {text}");
    }
}

#[test]
fn verify_names_the_inspection_whose_measurements_were_changed_in_the_database() {
    let db = TestDb::new();
    assert!(lotgate::demo::load(&db.pool).unwrap());
    let mut conn = db.pool.get().unwrap();
    let inspection = one_id(
        &mut conn,
        "SELECT inspection_id::text AS id FROM measurements ORDER BY inspection_id LIMIT 1",
    );

    tamper(
        &mut conn,
        &format!("UPDATE measurements SET value = value + 5 WHERE inspection_id = '{inspection}'"),
    );
    let (ok, text) = verify(&db);

    assert!(!ok, "a changed measurement passed: {text}");
    assert!(text.contains("audit trail intact"), "{text}");
    let line = text
        .lines()
        .find(|l| l.starts_with(&format!("inspection {inspection} differs from audit row")))
        .unwrap_or_else(|| panic!("inspection {inspection} not named: {text}"));
    assert!(line.contains("measurements"), "{line}");
    assert!(text.contains("1 record(s) differ"), "{text}");
}

#[test]
fn verify_names_every_measurement_changed_by_one_statement() {
    let db = TestDb::new();
    assert!(lotgate::demo::load(&db.pool).unwrap());
    let mut conn = db.pool.get().unwrap();
    #[derive(QueryableByName)]
    struct N {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let measured = diesel::sql_query("SELECT count(DISTINCT inspection_id) AS n FROM measurements")
        .get_result::<N>(&mut conn)
        .unwrap()
        .n;

    tamper(&mut conn, "UPDATE measurements SET value = value + 5");
    let (ok, text) = verify(&db);

    assert!(!ok, "{text}");
    let named = text
        .lines()
        .filter(|l| l.starts_with("inspection ") && l.contains("measurements"))
        .count();
    assert_eq!(named as i64, measured, "{text}");
}

#[test]
fn verify_names_a_changed_lot_and_records_whose_rows_were_deleted() {
    let db = TestDb::new();
    assert!(lotgate::demo::load(&db.pool).unwrap());
    let mut conn = db.pool.get().unwrap();
    let lot = one_id(
        &mut conn,
        "SELECT id::text AS id FROM lots ORDER BY id LIMIT 1",
    );
    let inspection = one_id(
        &mut conn,
        "SELECT inspection_id::text AS id FROM attribute_results ORDER BY inspection_id DESC LIMIT 1",
    );
    let condition = one_id(
        &mut conn,
        "SELECT id::text AS id FROM golden_sample_conditions ORDER BY id LIMIT 1",
    );
    let sample = one_id(
        &mut conn,
        &format!(
            "SELECT golden_sample_id::text AS id FROM golden_sample_conditions WHERE id = '{condition}'"
        ),
    );

    tamper(
        &mut conn,
        &format!("UPDATE lots SET lot_size = lot_size + 1 WHERE id = '{lot}'"),
    );
    tamper(
        &mut conn,
        &format!(
            "DELETE FROM attribute_results WHERE ctid = \
             (SELECT ctid FROM attribute_results WHERE inspection_id = '{inspection}' LIMIT 1)"
        ),
    );
    tamper(
        &mut conn,
        &format!("DELETE FROM golden_sample_conditions WHERE id = '{condition}'"),
    );
    let (ok, text) = verify(&db);

    assert!(!ok, "{text}");
    let named = |prefix: String, what: &str| {
        assert!(
            text.lines()
                .any(|l| l.starts_with(&prefix) && l.contains(what)),
            "no '{prefix}...{what}' in: {text}"
        );
    };
    named(format!("lot {lot} differs"), "lot_size is ");
    named(format!("inspection {inspection} differs"), "attributes is ");
    named(
        format!("golden_sample {sample} differs"),
        "missing from the database",
    );
    assert!(text.contains("3 record(s) differ"), "{text}");
}

#[actix_web::test]
async fn verify_allows_the_changes_lotgate_makes_without_an_audit_row() {
    let app = app().await;
    let part = app
        .post(
            "/api/v1/parts",
            json!({"number": "CLP-100", "name": "Cable clip", "stage": "part"}),
        )
        .await;
    assert_eq!(part.status, 201, "{}", part.body);
    let token = app.token(Role::Inspector);
    // A token's last use is noted without an audit row.
    let used = app
        .send_as(&token, TestRequest::get().uri("/api/v1/parts"))
        .await;
    assert_eq!(used.status, 200);

    let (ok, text) = verify(&app.db);

    assert!(ok, "{text}");
    assert!(text.contains("token 2"), "{text}");
}

/// A token bound to a supplier, and its revocation, are audited with the binding; the
/// data check rebuilds the token with it and finds the trail intact.
#[actix_web::test]
async fn verify_finds_a_supplier_bound_token_and_its_revocation_intact() {
    let app = app().await;
    let supplier = app.create_supplier("DPM").await;
    let created = app
        .post(
            "/api/v1/tokens",
            json!({"name": "DPM tablet 1", "holder": "device", "role": "inspector",
                   "supplier_id": supplier}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.body["id"].as_str().unwrap();
    let revoked = app
        .post(
            &format!("/api/v1/tokens/{id}/revoke"),
            json!({"reason": "tablet replaced"}),
        )
        .await;
    assert_eq!(revoked.status, 200, "{}", revoked.body);

    let (intact, text) = verify(&app.db);
    // As the tables' owner, with the triggers that refuse it switched off.
    diesel::connection::SimpleConnection::batch_execute(
        &mut app.db.pool.get().unwrap(),
        "ALTER TABLE api_tokens DISABLE TRIGGER USER; \
         UPDATE api_tokens SET supplier_id = NULL WHERE name = 'DPM tablet 1'; \
         ALTER TABLE api_tokens ENABLE TRIGGER USER",
    )
    .unwrap();
    let (unbound_ok, unbound) = verify(&app.db);

    assert!(intact, "{text}");
    assert!(!unbound_ok, "{unbound}");
    assert!(
        unbound.contains(id) && unbound.contains("supplier_id"),
        "{unbound}"
    );
}
