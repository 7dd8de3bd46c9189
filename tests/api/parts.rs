//! Parts and characteristics through the API.

use serde_json::json;

use crate::builders::width;
use crate::support::app;

#[actix_web::test]
async fn registers_a_part_and_reads_it_back_with_its_characteristics() {
    let app = app().await;
    let part_id = app.create_part("CLP-100").await;
    let width_id = app.create_characteristic(&part_id, width()).await;

    let reply = app.get(&format!("/api/v1/parts/{part_id}")).await;

    assert_eq!(reply.status, 200);
    assert_eq!(reply.body["number"], "CLP-100");
    assert_eq!(reply.body["stage"], "part");
    let chars = reply.body["characteristics"].as_array().unwrap();
    assert_eq!(chars.len(), 1);
    assert_eq!(chars[0]["id"], width_id);
    assert_eq!(chars[0]["lsl"], 11.8);
    assert_eq!(chars[0]["usl"], 12.2);
    assert_eq!(chars[0]["inspection_level"], "II");
}

#[actix_web::test]
async fn refuses_a_second_part_with_the_same_number() {
    let app = app().await;
    app.create_part("CLP-100").await;

    let reply = app
        .post(
            "/api/v1/parts",
            json!({"number": "CLP-100", "name": "Other", "stage": "part"}),
        )
        .await;

    reply.assert_problem(409);
    assert_eq!(reply.error_fields(), ["number"]);
}

#[actix_web::test]
async fn refuses_limits_out_of_order_naming_the_lower_limit() {
    let app = app().await;
    let part_id = app.create_part("CLP-100").await;
    let mut body = width();
    body["lsl"] = json!(12.2);
    body["usl"] = json!(11.8);

    let reply = app
        .post(&format!("/api/v1/parts/{part_id}/characteristics"), body)
        .await;

    reply.assert_problem(422);
    assert_eq!(reply.error_fields(), ["lsl"]);
    assert_eq!(
        app.get(&format!("/api/v1/parts/{part_id}")).await.body["characteristics"],
        json!([])
    );
}

#[actix_web::test]
async fn refuses_a_nominal_outside_the_limits() {
    let app = app().await;
    let part_id = app.create_part("CLP-100").await;
    let mut body = width();
    body["nominal"] = json!(12.5);

    let reply = app
        .post(&format!("/api/v1/parts/{part_id}/characteristics"), body)
        .await;

    reply.assert_problem(422);
    assert_eq!(reply.error_fields(), ["nominal"]);
}

#[actix_web::test]
async fn refuses_an_aql_that_is_not_in_the_iso_2859_series() {
    let app = app().await;
    let part_id = app.create_part("CLP-100").await;
    let mut body = width();
    body["aql"] = json!(0.5);

    let reply = app
        .post(&format!("/api/v1/parts/{part_id}/characteristics"), body)
        .await;

    reply.assert_problem(422);
    assert_eq!(reply.error_fields(), ["aql"]);
}

#[actix_web::test]
async fn refuses_specification_limits_on_an_attribute_characteristic() {
    let app = app().await;
    let part_id = app.create_part("CLP-100").await;
    let body = json!({"name": "Colour", "kind": "attribute", "usl": 3.0, "classification": "minor",
        "aql": 2.5, "inspection_level": "S-2"});

    let reply = app
        .post(&format!("/api/v1/parts/{part_id}/characteristics"), body)
        .await;

    reply.assert_problem(422);
    assert_eq!(reply.error_fields(), ["usl"]);
}

#[actix_web::test]
async fn reports_every_invalid_field_at_once() {
    let app = app().await;

    let reply = app
        .post(
            "/api/v1/parts",
            json!({"number": " ", "name": "", "stage": "part"}),
        )
        .await;

    reply.assert_problem(422);
    assert_eq!(reply.error_fields(), ["number", "name"]);
}

#[actix_web::test]
async fn an_unknown_part_is_not_found() {
    let app = app().await;

    let reply = app
        .get("/api/v1/parts/4b0e0c8e-7d3f-4a55-9f4e-0c1b2a3d4e5f")
        .await;

    reply.assert_problem(404);
}

#[actix_web::test]
async fn pages_through_parts_with_a_cursor_without_repeating_any() {
    let app = app().await;
    for i in 0..5 {
        app.create_part(&format!("P-{i}")).await;
    }

    let first = app.get("/api/v1/parts?limit=2").await;
    let cursor = first.body["next_cursor"].as_str().unwrap().to_string();
    let second = app
        .get(&format!("/api/v1/parts?limit=2&cursor={cursor}"))
        .await;
    let cursor = second.body["next_cursor"].as_str().unwrap().to_string();
    let third = app
        .get(&format!("/api/v1/parts?limit=2&cursor={cursor}"))
        .await;

    let numbers: Vec<String> = [&first, &second, &third]
        .iter()
        .flat_map(|r| {
            r.body["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["number"].as_str().unwrap().to_string())
        })
        .collect();
    assert_eq!(numbers, ["P-0", "P-1", "P-2", "P-3", "P-4"]);
    assert_eq!(third.body["next_cursor"], serde_json::Value::Null);
}

#[actix_web::test]
async fn refuses_a_page_size_above_the_cap_naming_limit() {
    let app = app().await;

    let reply = app.get("/api/v1/parts?limit=201").await;

    reply.assert_problem(422);
    assert_eq!(reply.error_fields(), ["limit"]);
}
