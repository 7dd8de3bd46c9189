//! Lots through the API.

use serde_json::json;

use crate::support::app;

#[actix_web::test]
async fn lists_lots_filtered_by_part_supplier_and_date() {
    let app = app().await;
    let clip = app.create_part("CLP-100").await;
    let pcb = app.create_part("PCB-200").await;
    let dpm = app.create_supplier("DPM").await;
    let nha = app.create_supplier("NHA").await;
    app.create_lot(&clip, &dpm, "A", 500, "2026-10-01").await;
    let wanted = app.create_lot(&clip, &dpm, "B", 500, "2026-11-01").await;
    app.create_lot(&clip, &nha, "C", 500, "2026-11-02").await;
    app.create_lot(&pcb, &dpm, "D", 500, "2026-11-03").await;

    let reply = app
        .get(&format!("/api/v1/lots?part_id={clip}&supplier_id={dpm}&produced_from=2026-10-15&produced_to=2026-11-30"))
        .await;

    assert_eq!(reply.status, 200, "{}", reply.body);
    let ids: Vec<&str> = reply.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [wanted.as_str()]);
}

#[actix_web::test]
async fn lists_the_newest_production_first() {
    let app = app().await;
    let part = app.create_part("CLP-100").await;
    let supplier = app.create_supplier("DPM").await;
    for (number, day) in [
        ("A", "2026-10-01"),
        ("B", "2026-11-05"),
        ("C", "2026-10-20"),
    ] {
        app.create_lot(&part, &supplier, number, 100, day).await;
    }

    let reply = app.get("/api/v1/lots").await;

    let numbers: Vec<&str> = reply.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["lot_number"].as_str().unwrap())
        .collect();
    assert_eq!(numbers, ["B", "C", "A"]);
}

#[actix_web::test]
async fn a_retried_lot_with_the_same_id_and_body_is_stored_once() {
    let app = app().await;
    let part = app.create_part("CLP-100").await;
    let supplier = app.create_supplier("DPM").await;
    let body = json!({"id": "0f7d5c8e-2b1a-4c3d-9e8f-7a6b5c4d3e2f", "part_id": part, "supplier_id": supplier,
        "lot_number": "A", "lot_size": 100, "produced_on": "2026-11-01"});

    let first = app.post("/api/v1/lots", body.clone()).await;
    let retry = app.post("/api/v1/lots", body).await;

    assert_eq!(first.status, 201);
    assert_eq!(retry.status, 200);
    assert_eq!(first.body, retry.body);
    assert_eq!(
        app.get("/api/v1/lots").await.body["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[actix_web::test]
async fn the_same_lot_id_with_a_different_body_is_a_conflict() {
    let app = app().await;
    let part = app.create_part("CLP-100").await;
    let supplier = app.create_supplier("DPM").await;
    let mut body = json!({"id": "0f7d5c8e-2b1a-4c3d-9e8f-7a6b5c4d3e2f", "part_id": part, "supplier_id": supplier,
        "lot_number": "A", "lot_size": 100, "produced_on": "2026-11-01"});
    app.post("/api/v1/lots", body.clone()).await;
    body["lot_size"] = json!(200);

    let reply = app.post("/api/v1/lots", body).await;

    reply.assert_problem(409);
    let stored = app
        .get("/api/v1/lots/0f7d5c8e-2b1a-4c3d-9e8f-7a6b5c4d3e2f")
        .await;
    assert_eq!(stored.body["lot_size"], 100);
}

#[actix_web::test]
async fn a_lot_of_an_unknown_part_is_not_found_and_names_the_field() {
    let app = app().await;
    let supplier = app.create_supplier("DPM").await;
    let body = json!({"part_id": "0f7d5c8e-2b1a-4c3d-9e8f-7a6b5c4d3e2f", "supplier_id": supplier,
        "lot_number": "A", "lot_size": 100, "produced_on": "2026-11-01"});

    let reply = app.post("/api/v1/lots", body).await;

    reply.assert_problem(404);
    assert_eq!(reply.error_fields(), ["part_id"]);
}

#[actix_web::test]
async fn refuses_an_empty_lot_naming_lot_size() {
    let app = app().await;
    let part = app.create_part("CLP-100").await;
    let supplier = app.create_supplier("DPM").await;
    let body = json!({"part_id": part, "supplier_id": supplier, "lot_number": "A", "lot_size": 0,
        "produced_on": "2026-11-01"});

    let reply = app.post("/api/v1/lots", body).await;

    reply.assert_problem(422);
    assert_eq!(reply.error_fields(), ["lot_size"]);
}

#[actix_web::test]
async fn refuses_a_date_range_that_ends_before_it_starts() {
    let app = app().await;

    let reply = app
        .get("/api/v1/lots?produced_from=2026-11-02&produced_to=2026-11-01")
        .await;

    reply.assert_problem(422);
    assert_eq!(reply.error_fields(), ["produced_from"]);
}

#[actix_web::test]
async fn refuses_a_malformed_date_filter_naming_it() {
    let app = app().await;

    let reply = app.get("/api/v1/lots?produced_from=yesterday").await;

    reply.assert_problem(422);
    assert_eq!(reply.error_fields(), ["produced_from"]);
}
