//! Golden samples: records, revisions, approval (one approved revision, even under
//! concurrent approvals), reference measurements, and the revision inspections record.

use chrono::{Duration, SecondsFormat, Utc};
use diesel::RunQueryDsl;
use serde_json::{Value, json};

use crate::builders::inspection;
use crate::golden_builders::count;
use crate::support::app;

fn at(t: chrono::DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

#[actix_web::test]
async fn registers_a_golden_sample_and_reads_it_back_with_its_condition_log() {
    let app = app().await;
    let f = app.fixture().await;

    let id = app.create_golden_sample(&f.part_id, "GS-012").await;
    let noted = app
        .post(
            &format!("/api/v1/golden-samples/{id}/conditions"),
            json!({"noted_by": "kim", "condition": "light wear on the latch"}),
        )
        .await;
    let read = app.get(&format!("/api/v1/golden-samples/{id}")).await;
    let listed = app
        .get(&format!("/api/v1/parts/{}/golden-samples", f.part_id))
        .await;

    assert_eq!(noted.status, 201, "{}", noted.body);
    assert_eq!(read.status, 200);
    assert_eq!(read.body["code"], "GS-012");
    assert_eq!(read.body["storage_location"], "QA cabinet 2");
    assert_eq!(read.body["approved_revision"], Value::Null);
    let log = read.body["condition_log"].as_array().unwrap();
    assert_eq!(log.len(), 2);
    assert_eq!(log[1]["condition"], "light wear on the latch");
    assert_eq!(listed.body[0]["id"], id.as_str());
}

#[actix_web::test]
async fn refuses_bad_golden_samples_naming_the_field_and_stores_nothing() {
    let app = app().await;
    let f = app.fixture().await;
    app.create_golden_sample(&f.part_id, "GS-1").await;
    let base = json!({"part_id": f.part_id, "code": "GS-2", "storage_location": "shelf",
        "noted_by": "lee", "condition": "new"});
    let with = |key: &str, value: Value| {
        let mut body = base.clone();
        body[key] = value;
        body
    };

    let blank = app
        .post("/api/v1/golden-samples", with("code", json!(" ")))
        .await;
    let duplicate = app
        .post("/api/v1/golden-samples", with("code", json!("GS-1")))
        .await;
    let unknown_part = app
        .post(
            "/api/v1/golden-samples",
            with("part_id", json!(uuid::Uuid::new_v4())),
        )
        .await;
    let server_owned = app
        .post(
            &format!("/api/v1/golden-samples/{}/revisions", uuid::Uuid::new_v4()),
            json!({"revalidation_due": "2099-01-01", "status": "approved"}),
        )
        .await;

    blank.assert_problem(422);
    assert_eq!(blank.error_fields(), ["code"]);
    duplicate.assert_problem(409);
    assert_eq!(duplicate.error_fields(), ["code"]);
    unknown_part.assert_problem(404);
    assert_eq!(unknown_part.error_fields(), ["part_id"]);
    server_owned.assert_problem(422);
    assert_eq!(server_owned.error_fields(), ["status"]);
    assert_eq!(count(&app.db, "golden_samples"), 1);
    assert_eq!(count(&app.db, "golden_sample_conditions"), 1);
}

#[actix_web::test]
async fn revisions_are_lettered_in_order_and_start_as_drafts() {
    let app = app().await;
    let f = app.fixture().await;
    let id = app.create_golden_sample(&f.part_id, "GS-1").await;

    let a = app.create_revision(&id).await;
    let b = app.create_revision(&id).await;

    assert_eq!(a.body["revision"], "A");
    assert_eq!(b.body["revision"], "B");
    assert_eq!(b.body["status"], "draft");
    assert_eq!(b.body["approval"], Value::Null);
    let past = app
        .post(
            &format!("/api/v1/golden-samples/{id}/revisions"),
            json!({"revalidation_due": "2020-01-01"}),
        )
        .await;
    past.assert_problem(422);
    assert_eq!(past.error_fields(), ["revalidation_due"]);
}

#[actix_web::test]
async fn approving_a_revision_supersedes_the_one_approved_before() {
    let app = app().await;
    let f = app.fixture().await;
    let id = app.create_golden_sample(&f.part_id, "GS-1").await;
    app.create_revision(&id).await;
    app.create_revision(&id).await;

    let first = app.approve(&id, "A").await;
    let second = app.approve(&id, "B").await;
    let read = app.get(&format!("/api/v1/golden-samples/{id}")).await;

    assert_eq!(first.status, 200, "{}", first.body);
    assert_eq!(first.body["superseded_revision"], Value::Null);
    assert_eq!(second.body["superseded_revision"], "A");
    assert_eq!(second.body["revision"]["approval"]["approved_by"], "sato");
    assert_eq!(read.body["approved_revision"], "B");
    let a = &read.body["revisions"][0];
    assert_eq!(a["status"], "superseded");
    assert_eq!(
        a["approval"]["approved_until"],
        read.body["revisions"][1]["approval"]["approved_at"]
    );
    let again = app.approve(&id, "A").await;
    again.assert_problem(409);
}

#[actix_web::test]
async fn concurrent_approvals_leave_exactly_one_approved_revision() {
    let app = app().await;
    let f = app.fixture().await;
    let id = app.create_golden_sample(&f.part_id, "GS-1").await;
    for _ in 0..5 {
        app.create_revision(&id).await;
    }

    let replies = futures_util::future::join_all(
        ["A", "B", "C", "D", "E", "A", "C"].map(|r| app.approve(&id, r)),
    )
    .await;

    let ok = replies.iter().filter(|r| r.status == 200).count();
    let refused = replies.iter().filter(|r| r.status == 409).count();
    assert_eq!((ok, refused), (5, 2), "each draft is approved exactly once");
    #[derive(diesel::QueryableByName)]
    struct Statuses {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        approved: i64,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        superseded: i64,
    }
    let mut conn = app.db.pool.get().unwrap();
    let s: Vec<Statuses> = diesel::sql_query(
        "SELECT count(*) FILTER (WHERE status = 'approved') AS approved, \
         count(*) FILTER (WHERE status = 'superseded') AS superseded \
         FROM golden_sample_revisions",
    )
    .load(&mut conn)
    .unwrap();
    assert_eq!((s[0].approved, s[0].superseded), (1, 4));
}

#[actix_web::test]
async fn the_database_refuses_a_second_approved_revision() {
    let app = app().await;
    let f = app.fixture().await;
    let id = app.create_golden_sample(&f.part_id, "GS-1").await;
    app.create_revision(&id).await;
    app.create_revision(&id).await;
    app.approve(&id, "A").await;
    let mut conn = app.db.pool.get().unwrap();

    let forced = diesel::sql_query(
        "UPDATE golden_sample_revisions SET status = 'approved', approved_by = 'x', \
         approved_at = now() WHERE revision = 'B'",
    )
    .execute(&mut conn);

    let err = forced.unwrap_err().to_string();
    assert!(
        err.contains("golden_sample_revisions_one_approved"),
        "{err}"
    );
}

#[actix_web::test]
async fn reference_measurements_are_recorded_on_drafts_of_variable_characteristics_only() {
    let app = app().await;
    let f = app.fixture().await;
    let id = app.create_golden_sample(&f.part_id, "GS-1").await;
    app.create_revision(&id).await;
    let uri = format!("/api/v1/golden-samples/{id}/revisions/A/reference-measurements");

    let recorded = app
        .post(
            &uri,
            json!({"measured_by": "lee", "measurements": [{"characteristic_id": f.width_id, "value": 12.02}]}),
        )
        .await;
    let attribute = app
        .post(
            &uri,
            json!({"measured_by": "lee", "measurements": [
                {"characteristic_id": f.width_id, "value": 12.05},
                {"characteristic_id": f.scratch_id, "value": 1.0}]}),
        )
        .await;
    app.approve(&id, "A").await;
    let frozen = app
        .post(
            &uri,
            json!({"measured_by": "lee", "measurements": [{"characteristic_id": f.width_id, "value": 12.1}]}),
        )
        .await;
    let read = app.get(&format!("/api/v1/golden-samples/{id}")).await;

    assert_eq!(recorded.status, 200, "{}", recorded.body);
    attribute.assert_problem(422);
    assert_eq!(
        attribute.error_fields(),
        ["measurements[1].characteristic_id"]
    );
    frozen.assert_problem(409);
    let refs = &read.body["revisions"][0]["reference_measurements"];
    assert_eq!(refs.as_array().unwrap().len(), 1);
    assert_eq!(
        refs[0]["value"], 12.02,
        "nothing half-written by the refused request"
    );
}

#[actix_web::test]
async fn an_inspection_records_the_revision_approved_when_it_was_carried_out() {
    let app = app().await;
    let f = app.fixture().await;
    let id = app.create_golden_sample(&f.part_id, "GS-1").await;
    let a = app.create_revision(&id).await;
    let before = Utc::now() - Duration::hours(1);
    app.approve(&id, "A").await;
    let uri = format!("/api/v1/lots/{}/inspections", f.lot_id);
    let mut earlier = inspection(&f, "00000000-0000-4000-8000-000000000001", 2);
    earlier["inspected_at"] = json!(at(before));
    let mut now = inspection(&f, "00000000-0000-4000-8000-000000000002", 2);
    now["inspected_at"] = json!(at(Utc::now()));
    // A second sampling inspection of the lot would be refused (original inspection).
    now["mode"] = json!("full");

    let judged_before = app.post(&uri, earlier).await;
    let judged_now = app.post(&uri, now).await;

    assert_eq!(judged_before.status, 201, "{}", judged_before.body);
    assert_eq!(judged_before.body["golden_sample_revision_id"], Value::Null);
    assert_eq!(judged_now.status, 201, "{}", judged_now.body);
    assert_eq!(judged_now.body["golden_sample_revision_id"], a.body["id"]);
}

#[actix_web::test]
async fn an_inspection_may_name_its_revision_but_never_a_draft_or_another_parts() {
    let app = app().await;
    let f = app.fixture().await;
    let id = app.create_golden_sample(&f.part_id, "GS-1").await;
    let a = app.create_revision(&id).await;
    let b = app.create_revision(&id).await;
    app.approve(&id, "A").await;
    let other_part = app.create_part("OTHER-1").await;
    let other = app.create_golden_sample(&other_part, "GS-9").await;
    let other_rev = app.create_revision(&other).await;
    app.approve(&other, "A").await;
    let uri = format!("/api/v1/lots/{}/inspections", f.lot_id);
    let body = |n: u32, revision: &Value| {
        let mut body = inspection(&f, &format!("00000000-0000-4000-8000-00000000000{n}"), 1);
        body["golden_sample_revision_id"] = revision.clone();
        body
    };

    let named = app.post(&uri, body(1, &a.body["id"])).await;
    let draft = app.post(&uri, body(2, &b.body["id"])).await;
    let foreign = app.post(&uri, body(3, &other_rev.body["id"])).await;

    assert_eq!(named.status, 201, "{}", named.body);
    assert_eq!(named.body["golden_sample_revision_id"], a.body["id"]);
    draft.assert_problem(422);
    assert_eq!(draft.error_fields(), ["golden_sample_revision_id"]);
    foreign.assert_problem(422);
    assert_eq!(count(&app.db, "inspections"), 1);
}

#[actix_web::test]
async fn approving_a_new_revision_lists_the_open_lots_judged_against_an_older_one() {
    let app = app().await;
    let f = app.fixture().await;
    let id = app.create_golden_sample(&f.part_id, "GS-1").await;
    app.create_revision(&id).await;
    app.approve(&id, "A").await;
    let mut judged = inspection(&f, "00000000-0000-4000-8000-000000000001", 2);
    judged["inspected_at"] = json!(at(Utc::now()));
    let recorded = app
        .post(&format!("/api/v1/lots/{}/inspections", f.lot_id), judged)
        .await;
    assert_eq!(recorded.status, 201, "{}", recorded.body);
    // A second lot, judged against A too but already accepted: it is not open.
    let closed = app
        .create_lot(&f.part_id, &f.supplier_id, "L-2", 500, "2026-11-21")
        .await;
    let mut judged = inspection(&f, "00000000-0000-4000-8000-000000000002", 2);
    judged["inspected_at"] = json!(at(Utc::now()));
    let recorded = app
        .post(&format!("/api/v1/lots/{closed}/inspections"), judged)
        .await;
    assert_eq!(recorded.status, 201, "{}", recorded.body);
    let mut conn = app.db.pool.get().unwrap();
    diesel::sql_query(format!(
        "INSERT INTO lot_decisions (id, lot_id, revision, verdict, inputs, decision) \
         VALUES (gen_random_uuid(), '{closed}', 1, 'accept', '{{}}', '{{}}')"
    ))
    .execute(&mut conn)
    .unwrap();
    app.create_revision(&id).await;

    let approved = app.approve(&id, "B").await;

    assert_eq!(approved.status, 200, "{}", approved.body);
    let lots = &approved.body["lots_judged_against_older_revisions"];
    assert_eq!(lots.as_array().unwrap().len(), 1);
    assert_eq!(lots[0]["lot_id"], f.lot_id.as_str());
    assert_eq!(lots[0]["judged_against"], "A");
    assert_eq!(lots[0]["inspections"], 1);
}

#[actix_web::test]
async fn retiring_the_approved_revision_leaves_none_approved() {
    let app = app().await;
    let f = app.fixture().await;
    let id = app.create_golden_sample(&f.part_id, "GS-1").await;
    app.create_revision(&id).await;
    app.approve(&id, "A").await;
    let uri = format!("/api/v1/golden-samples/{id}/revisions/A/retirement");
    let body = json!({"retired_by": "sato", "reason": "sample cracked"});

    let retired = app.post(&uri, body.clone()).await;
    let again = app.post(&uri, body).await;
    let read = app.get(&format!("/api/v1/golden-samples/{id}")).await;

    assert_eq!(retired.status, 200, "{}", retired.body);
    assert_eq!(retired.body["status"], "retired");
    assert_eq!(retired.body["retirement"]["reason"], "sample cracked");
    assert!(retired.body["approval"]["approved_until"].is_string());
    again.assert_problem(409);
    assert_eq!(read.body["approved_revision"], Value::Null);
}

#[actix_web::test]
async fn the_audit_trail_keeps_golden_samples_and_revisions_as_stored() {
    let app = app().await;
    let f = app.fixture().await;
    let id = app.create_golden_sample(&f.part_id, "GS-1").await;
    app.create_revision(&id).await;
    app.approve(&id, "A").await;

    let created = app
        .get(&format!(
            "/api/v1/audit?entity=golden_sample&entity_id={id}&action=create"
        ))
        .await;
    let approved = app
        .get(&format!(
            "/api/v1/audit?entity=golden_sample_revision&entity_id={id}/A&action=approve"
        ))
        .await;

    let created = &created.body["items"][0]["new_value"];
    assert_eq!(created["id"], id.as_str());
    assert_eq!(created["code"], "GS-1");
    assert_eq!(created["condition_log"][0]["condition"], "new, no marks");
    let approved = &approved.body["items"][0];
    assert_eq!(approved["reason"], "matches drawing");
    assert_eq!(approved["old_value"]["status"], "draft");
    assert_eq!(approved["new_value"]["revision"]["status"], "approved");
    assert_eq!(approved["new_value"]["revision"]["approved_by"], "sato");
    assert_eq!(approved["new_value"]["superseded_revision"], Value::Null);
}

#[actix_web::test]
async fn reference_values_for_a_lot_come_from_the_revision_its_inspection_recorded() {
    let app = app().await;
    let f = app.fixture().await;
    let id = app.create_golden_sample(&f.part_id, "GS-1").await;
    let a = app.create_revision(&id).await;
    app.post(
        &format!("/api/v1/golden-samples/{id}/revisions/A/reference-measurements"),
        json!({"measured_by": "lee", "measurements": [{"characteristic_id": f.width_id, "value": 12.02}]}),
    )
    .await;
    app.approve(&id, "A").await;
    let mut judged = inspection(&f, "00000000-0000-4000-8000-000000000001", 2);
    judged["inspected_at"] = json!(at(Utc::now()));
    app.post(&format!("/api/v1/lots/{}/inspections", f.lot_id), judged)
        .await;
    app.create_revision(&id).await;
    app.approve(&id, "B").await;

    let stats = app
        .get(&format!("/api/v1/lots/{}/statistics", f.lot_id))
        .await;

    assert_eq!(stats.status, 200, "{}", stats.body);
    let width = &stats.body["characteristics"][0];
    assert_eq!(width["characteristic_id"], f.width_id.as_str());
    assert_eq!(width["golden_sample"]["value"], 12.02);
    assert_eq!(
        width["golden_sample"]["revision"], "A",
        "the revision the lot was judged against, not B approved since"
    );
    assert_eq!(width["golden_sample"]["revision_id"], a.body["id"]);
}

#[actix_web::test]
async fn lot_statistics_report_the_deviation_from_the_judged_revisions_reference() {
    let app = app().await;
    let f = app.fixture().await;
    let id = app.create_golden_sample(&f.part_id, "GS-1").await;
    let a = app.create_revision(&id).await;
    app.post(
        &format!("/api/v1/golden-samples/{id}/revisions/A/reference-measurements"),
        json!({"measured_by": "lee", "measurements": [{"characteristic_id": f.width_id, "value": 12.02}]}),
    )
    .await;
    app.approve(&id, "A").await;
    // Widths 12.01, 12.02, 12.03, 12.04: mean 12.025.
    let mut judged = inspection(&f, "00000000-0000-4000-8000-000000000001", 4);
    judged["inspected_at"] = json!(at(Utc::now()));
    app.post(&format!("/api/v1/lots/{}/inspections", f.lot_id), judged)
        .await;

    let stats = app
        .get(&format!("/api/v1/lots/{}/statistics", f.lot_id))
        .await;

    assert_eq!(stats.status, 200, "{}", stats.body);
    let width = &stats.body["characteristics"][0];
    assert_eq!(width["golden_sample"]["revision"], "A");
    assert_eq!(width["golden_sample"]["revision_id"], a.body["id"]);
    assert_eq!(width["golden_sample"]["value"], 12.02);
    let deviation = width["pooled"]["deviation_from_golden_sample"]
        .as_f64()
        .unwrap();
    assert!((deviation - 0.005).abs() < 1e-9, "{deviation}");
    let own = &width["per_inspection"][0];
    assert_eq!(own["golden_sample_revision_id"], a.body["id"]);
    assert_eq!(own["statistics"]["golden_reference"], 12.02);
}
