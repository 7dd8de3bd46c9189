//! Recording inspections: one transaction, harmless retries, append-only corrections.

use actix_web::http::Method;
use actix_web::test::TestRequest;
use diesel::RunQueryDsl;
use serde_json::json;

use crate::builders::inspection;
use crate::support::app;

const ID: &str = "3f1c2b4a-5d6e-4f70-8a9b-0c1d2e3f4a5b";

fn count(db: &crate::support::TestDb, table: &str) -> i64 {
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut conn = db.pool.get().unwrap();
    let rows: Vec<Count> = diesel::sql_query(format!("SELECT count(*) AS n FROM {table}"))
        .load(&mut conn)
        .unwrap();
    rows[0].n
}

#[actix_web::test]
async fn records_an_inspection_unit_by_unit_and_reads_it_back() {
    let app = app().await;
    let f = app.fixture().await;

    let created = app
        .post(
            &format!("/api/v1/lots/{}/inspections", f.lot_id),
            inspection(&f, ID, 4),
        )
        .await;
    let read = app.get(&format!("/api/v1/inspections/{ID}")).await;

    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(read.status, 200);
    let units = read.body["units"].as_array().unwrap();
    assert_eq!(units.len(), 4);
    assert_eq!(units[2]["serial"], "S-3");
    assert_eq!(units[2]["measurements"][0]["value"], 12.03);
    // Unit 4 failed the scratch check without a defect count: one defect is assumed.
    assert_eq!(units[3]["attributes"][0]["pass"], false);
    assert_eq!(units[3]["attributes"][0]["defects"], 1);
    assert_eq!(read.body["lot_id"], f.lot_id);
}

#[actix_web::test]
async fn a_retried_inspection_is_stored_once_and_answers_200_with_the_stored_record() {
    let app = app().await;
    let f = app.fixture().await;
    let uri = format!("/api/v1/lots/{}/inspections", f.lot_id);

    let first = app.post(&uri, inspection(&f, ID, 3)).await;
    let retry = app.post(&uri, inspection(&f, ID, 3)).await;

    assert_eq!(first.status, 201);
    assert_eq!(retry.status, 200);
    assert_eq!(retry.body["id"], ID);
    assert_eq!(retry.body["units"].as_array().unwrap().len(), 3);
    assert_eq!(count(&app.db, "inspections"), 1);
    assert_eq!(count(&app.db, "measurements"), 3);
}

#[actix_web::test]
async fn simultaneous_retries_store_one_inspection() {
    let app = app().await;
    let f = app.fixture().await;
    let uri = format!("/api/v1/lots/{}/inspections", f.lot_id);

    let (a, b, c) = futures_util::join!(
        app.post(&uri, inspection(&f, ID, 50)),
        app.post(&uri, inspection(&f, ID, 50)),
        app.post(&uri, inspection(&f, ID, 50)),
    );

    let mut statuses = [a.status.as_u16(), b.status.as_u16(), c.status.as_u16()];
    statuses.sort();
    assert_eq!(statuses, [200, 200, 201]);
    assert_eq!(count(&app.db, "inspections"), 1);
    assert_eq!(count(&app.db, "inspection_units"), 50);
}

#[actix_web::test]
async fn the_same_id_with_a_different_body_is_a_conflict_and_changes_nothing() {
    let app = app().await;
    let f = app.fixture().await;
    let uri = format!("/api/v1/lots/{}/inspections", f.lot_id);
    app.post(&uri, inspection(&f, ID, 3)).await;

    let reply = app.post(&uri, inspection(&f, ID, 2)).await;

    reply.assert_problem(409);
    assert_eq!(reply.error_fields(), ["id"]);
    assert_eq!(count(&app.db, "inspection_units"), 3);
}

#[actix_web::test]
async fn refuses_more_units_than_the_lot_holds_and_stores_nothing() {
    let app = app().await;
    let f = app.fixture().await;
    let small = app
        .create_lot(&f.part_id, &f.supplier_id, "TINY", 2, "2026-11-21")
        .await;

    let reply = app
        .post(
            &format!("/api/v1/lots/{small}/inspections"),
            inspection(&f, ID, 3),
        )
        .await;

    reply.assert_problem(422);
    assert!(
        reply.error_fields().contains(&"units".to_string()),
        "{}",
        reply.body
    );
    assert!(
        reply.error_fields().contains(&"units[2].unit".to_string()),
        "{}",
        reply.body
    );
    assert_eq!(count(&app.db, "inspections"), 0);
}

#[actix_web::test]
async fn refuses_a_measurement_of_another_parts_characteristic_naming_its_path() {
    let app = app().await;
    let f = app.fixture().await;
    let other = app.create_part("PCB-200").await;
    let foreign = app
        .create_characteristic(&other, crate::builders::width())
        .await;
    let mut body = inspection(&f, ID, 2);
    body["units"][1]["measurements"][0]["characteristic_id"] = json!(foreign);

    let reply = app
        .post(&format!("/api/v1/lots/{}/inspections", f.lot_id), body)
        .await;

    reply.assert_problem(422);
    assert_eq!(
        reply.error_fields(),
        ["units[1].measurements[0].characteristic_id"]
    );
    assert_eq!(count(&app.db, "inspections"), 0);
}

#[actix_web::test]
async fn refuses_a_measurement_of_an_attribute_characteristic() {
    let app = app().await;
    let f = app.fixture().await;
    let mut body = inspection(&f, ID, 1);
    body["units"][0]["measurements"][0]["characteristic_id"] = json!(f.scratch_id);
    body["units"][0]["attributes"] = json!([]);

    let reply = app
        .post(&format!("/api/v1/lots/{}/inspections", f.lot_id), body)
        .await;

    reply.assert_problem(422);
    assert_eq!(
        reply.error_fields(),
        ["units[0].measurements[0].characteristic_id"]
    );
}

#[actix_web::test]
async fn an_unknown_characteristic_is_not_found_and_names_the_field() {
    let app = app().await;
    let f = app.fixture().await;
    let mut body = inspection(&f, ID, 1);
    body["units"][0]["measurements"][0]["characteristic_id"] =
        json!("9d9d9d9d-9d9d-4d9d-9d9d-9d9d9d9d9d9d");

    let reply = app
        .post(&format!("/api/v1/lots/{}/inspections", f.lot_id), body)
        .await;

    reply.assert_problem(404);
    assert_eq!(
        reply.error_fields(),
        ["units[0].measurements[0].characteristic_id"]
    );
}

#[actix_web::test]
async fn an_inspection_of_an_unknown_lot_is_not_found() {
    let app = app().await;
    let f = app.fixture().await;

    let reply = app
        .post(
            "/api/v1/lots/9d9d9d9d-9d9d-4d9d-9d9d-9d9d9d9d9d9d/inspections",
            inspection(&f, ID, 1),
        )
        .await;

    reply.assert_problem(404);
}

#[actix_web::test]
async fn refuses_a_unit_number_given_twice() {
    let app = app().await;
    let f = app.fixture().await;
    let mut body = inspection(&f, ID, 2);
    body["units"][1]["unit"] = json!(1);

    let reply = app
        .post(&format!("/api/v1/lots/{}/inspections", f.lot_id), body)
        .await;

    reply.assert_problem(422);
    assert_eq!(reply.error_fields(), ["units[1].unit"]);
}

#[actix_web::test]
async fn a_correction_supersedes_the_earlier_inspection_and_says_why() {
    let app = app().await;
    let f = app.fixture().await;
    let uri = format!("/api/v1/lots/{}/inspections", f.lot_id);
    app.post(&uri, inspection(&f, ID, 2)).await;
    let fix_id = "7e6d5c4b-3a29-4817-8f6e-5d4c3b2a1908";
    let fix = inspection(&f, fix_id, 2);

    let created = app
        .post(
            &correction_uri(ID),
            json!({"reason": "unit 2 was measured on the wrong gauge", "inspection": fix}),
        )
        .await;
    let old = app.get(&format!("/api/v1/inspections/{ID}")).await;
    let list = app.get(&uri).await;

    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(created.body["supersedes"], ID);
    assert_eq!(old.body["superseded_by"], fix_id);
    let listed: Vec<(&str, &serde_json::Value)> = list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["id"].as_str().unwrap(), &i["superseded_by"]))
        .collect();
    assert_eq!(listed.len(), 2);
    assert!(listed.contains(&(ID, &json!(fix_id))));
}

#[actix_web::test]
async fn an_inspection_can_be_superseded_only_once() {
    let app = app().await;
    let f = app.fixture().await;
    let uri = format!("/api/v1/lots/{}/inspections", f.lot_id);
    app.post(&uri, inspection(&f, ID, 2)).await;
    for (i, id) in [
        "7e6d5c4b-3a29-4817-8f6e-5d4c3b2a1908",
        "8e6d5c4b-3a29-4817-8f6e-5d4c3b2a1908",
    ]
    .iter()
    .enumerate()
    {
        let fix = inspection(&f, id, 2);
        let reply = app
            .post(
                &correction_uri(ID),
                json!({"reason": "wrong gauge", "inspection": fix}),
            )
            .await;
        if i == 0 {
            assert_eq!(reply.status, 201);
        } else {
            reply.assert_problem(409);
            assert_eq!(reply.error_fields(), ["inspection_id"]);
        }
    }
}

#[actix_web::test]
async fn a_correction_without_a_reason_is_refused() {
    let app = app().await;
    let f = app.fixture().await;
    app.post(
        &format!("/api/v1/lots/{}/inspections", f.lot_id),
        inspection(&f, ID, 1),
    )
    .await;
    let fix = inspection(&f, "7e6d5c4b-3a29-4817-8f6e-5d4c3b2a1908", 1);

    let missing = app
        .post(&correction_uri(ID), json!({"inspection": fix}))
        .await;
    let blank = app
        .post(
            &correction_uri(ID),
            json!({"reason": "  ", "inspection": fix}),
        )
        .await;

    missing.assert_problem(422);
    assert_eq!(missing.error_fields(), ["reason"]);
    blank.assert_problem(422);
    assert_eq!(blank.error_fields(), ["reason"]);
}

#[actix_web::test]
async fn only_a_reviewer_corrects_and_a_new_inspection_cannot_name_what_it_supersedes() {
    let app = app().await;
    let f = app.fixture().await;
    let uri = format!("/api/v1/lots/{}/inspections", f.lot_id);
    app.post(&uri, inspection(&f, ID, 1)).await;
    let inspector = app.token(lotgate::domain::Role::Inspector);
    let mut smuggled = inspection(&f, "7e6d5c4b-3a29-4817-8f6e-5d4c3b2a1908", 1);
    smuggled["supersedes"] = json!(ID);
    smuggled["reason"] = json!("wrong gauge");
    let fix = inspection(&f, "7e6d5c4b-3a29-4817-8f6e-5d4c3b2a1908", 1);

    let via_record = app
        .send_as(&inspector, TestRequest::post().uri(&uri).set_json(smuggled))
        .await;
    let via_corrections = app
        .send_as(
            &inspector,
            TestRequest::post()
                .uri(&correction_uri(ID))
                .set_json(json!({"reason": "wrong gauge", "inspection": fix})),
        )
        .await;

    via_record.assert_problem(422);
    let field = via_record.error_fields().concat();
    assert!(
        field == "supersedes" || field == "reason",
        "names an unknown field: {field}"
    );
    via_corrections.assert_problem(403);
    assert_eq!(count(&app.db, "inspections"), 1);
}

fn correction_uri(id: &str) -> String {
    format!("/api/v1/inspections/{id}/corrections")
}

#[actix_web::test]
async fn the_database_refuses_to_change_a_recorded_measurement() {
    let app = app().await;
    let f = app.fixture().await;
    app.post(
        &format!("/api/v1/lots/{}/inspections", f.lot_id),
        inspection(&f, ID, 1),
    )
    .await;
    let mut conn = app.db.pool.get().unwrap();

    let update = diesel::sql_query("UPDATE measurements SET value = 0").execute(&mut conn);
    let delete = diesel::sql_query("DELETE FROM inspections").execute(&mut conn);

    assert!(update.unwrap_err().to_string().contains("append-only"));
    assert!(delete.unwrap_err().to_string().contains("append-only"));
    assert_eq!(count(&app.db, "measurements"), 1);
}

#[actix_web::test]
async fn lists_a_lots_inspections_with_their_unit_counts() {
    let app = app().await;
    let f = app.fixture().await;
    let uri = format!("/api/v1/lots/{}/inspections", f.lot_id);
    app.post(&uri, inspection(&f, ID, 3)).await;

    let reply = app.call(Method::GET, &uri, None).await;

    assert_eq!(reply.status, 200);
    assert_eq!(reply.body["items"][0]["unit_count"], 3);
    assert_eq!(reply.body["items"][0]["source"], "factory");
}

#[actix_web::test]
async fn a_retried_correction_is_stored_once() {
    let app = app().await;
    let f = app.fixture().await;
    let uri = format!("/api/v1/lots/{}/inspections", f.lot_id);
    app.post(&uri, inspection(&f, ID, 2)).await;
    let fix = json!({"reason": "wrong gauge",
        "inspection": inspection(&f, "7e6d5c4b-3a29-4817-8f6e-5d4c3b2a1908", 2)});

    let first = app.post(&correction_uri(ID), fix.clone()).await;
    let retry = app.post(&correction_uri(ID), fix).await;

    assert_eq!(first.status, 201, "{}", first.body);
    assert_eq!(retry.status, 200, "{}", retry.body);
    assert_eq!(retry.body["supersedes"], ID);
    assert_eq!(count(&app.db, "inspections"), 2);
}
