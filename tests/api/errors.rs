//! Every 4xx and 5xx is RFC 9457 problem+json, and bad input names its field.

use actix_web::http::Method;
use actix_web::test::TestRequest;
use serde_json::json;

use crate::support::app;

#[actix_web::test]
async fn malformed_json_is_a_400_problem() {
    let app = app().await;
    let req = TestRequest::default()
        .method(Method::POST)
        .uri("/api/v1/parts")
        .insert_header(("content-type", "application/json"))
        .set_payload("{\"number\": \"A\",");

    app.send(req).await.assert_problem(400);
}

#[actix_web::test]
async fn a_wrong_type_names_the_field() {
    let app = app().await;

    let reply = app
        .post(
            "/api/v1/parts",
            json!({"number": 7, "name": "Clip", "stage": "part"}),
        )
        .await;

    reply.assert_problem(422);
    assert_eq!(reply.error_fields(), ["number"]);
}

#[actix_web::test]
async fn an_unknown_stage_names_the_allowed_values() {
    let app = app().await;

    let reply = app
        .post(
            "/api/v1/parts",
            json!({"number": "A", "name": "Clip", "stage": "widget"}),
        )
        .await;

    reply.assert_problem(422);
    assert_eq!(reply.error_fields(), ["stage"]);
    assert!(
        reply.body["detail"]
            .as_str()
            .unwrap()
            .contains("subassembly")
    );
}

#[actix_web::test]
async fn a_number_beyond_double_precision_is_refused() {
    let app = app().await;
    let req = TestRequest::default().method(Method::POST).uri("/api/v1/parts/00000000-0000-4000-8000-000000000000/characteristics")
        .insert_header(("content-type", "application/json"))
        .set_payload(r#"{"name":"W","kind":"variable","lsl":1e999,"classification":"minor","aql":1.0,"inspection_level":"II"}"#);

    let reply = app.send(req).await;

    assert!(
        matches!(reply.status.as_u16(), 400 | 422),
        "{}",
        reply.status
    );
    assert_eq!(reply.content_type(), "application/problem+json");
}

#[actix_web::test]
async fn an_unknown_route_is_a_404_problem() {
    let app = app().await;

    app.get("/api/v1/gizmos").await.assert_problem(404);
}

#[actix_web::test]
async fn an_id_that_is_not_a_uuid_is_a_404_problem() {
    let app = app().await;

    app.get("/api/v1/lots/not-a-uuid").await.assert_problem(404);
}

#[actix_web::test]
async fn a_body_over_the_limit_is_a_413_problem() {
    let app = app().await;
    let big = "x".repeat(2 * 1024 * 1024);

    let reply = app
        .post(
            "/api/v1/parts",
            json!({"number": "A", "name": big, "stage": "part"}),
        )
        .await;

    reply.assert_problem(413);
}

#[actix_web::test]
async fn a_body_that_is_not_json_is_a_415_problem() {
    let app = app().await;
    let req = TestRequest::default()
        .method(Method::POST)
        .uri("/api/v1/parts")
        .insert_header(("content-type", "text/plain"))
        .set_payload("number=A");

    app.send(req).await.assert_problem(415);
}

#[actix_web::test]
async fn every_response_carries_a_request_id_and_keeps_the_clients() {
    let app = app().await;
    let req = TestRequest::get()
        .uri("/healthz")
        .insert_header(("x-request-id", "tablet-7-retry-2"));

    let reply = app.send(req).await;

    assert_eq!(
        reply.headers.get("x-request-id").unwrap(),
        "tablet-7-retry-2"
    );
    let generated = app.get("/healthz").await;
    assert_eq!(generated.headers.get("x-request-id").unwrap().len(), 36);
}

#[actix_web::test]
async fn readiness_checks_the_database() {
    let app = app().await;

    let reply = app.get("/readyz").await;

    assert_eq!(reply.status, 200);
    assert_eq!(reply.body["status"], "ok");
}

#[actix_web::test]
async fn a_known_path_with_a_wrong_method_is_a_405_naming_the_allowed_methods() {
    let app = app().await;

    let reply = app.call(Method::DELETE, "/api/v1/parts", None).await;
    let on_a_lot = app
        .call(
            Method::PUT,
            "/api/v1/lots/4b0e0c8e-7d3f-4a55-9f4e-0c1b2a3d4e5f",
            None,
        )
        .await;

    reply.assert_problem(405);
    assert_eq!(reply.headers.get("allow").unwrap(), "GET, POST");
    on_a_lot.assert_problem(405);
    assert_eq!(on_a_lot.headers.get("allow").unwrap(), "GET, PATCH");
}

#[actix_web::test]
async fn an_empty_cursor_means_the_first_page() {
    let app = app().await;
    app.create_part("CLP-1").await;

    let reply = app.get("/api/v1/parts?cursor=").await;

    assert_eq!(reply.status, 200);
    assert_eq!(reply.body["items"].as_array().unwrap().len(), 1);
}

#[actix_web::test]
async fn text_with_a_nul_character_is_refused_not_a_server_error() {
    let app = app().await;
    let req = TestRequest::default()
        .method(Method::POST)
        .uri("/api/v1/suppliers")
        .insert_header(("content-type", "application/json"))
        .set_payload(r#"{"name": "Width", "code": "A\u0000B"}"#);

    let reply = app.send(req).await;

    reply.assert_problem(422);
    assert_eq!(app.get("/api/v1/suppliers").await.body["items"], json!([]));
}

#[actix_web::test]
async fn a_whole_number_written_as_a_float_is_an_integer() {
    // JSON and JSON Schema count 4.0 as the integer 4; serde did not (found by schemathesis).
    let app = app().await;
    let body =
        |k: f64| json!({"values": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0], "subgroup_size": k});

    let whole = app.post("/api/v1/statistics/capability", body(4.0)).await;
    let fraction = app.post("/api/v1/statistics/capability", body(4.5)).await;

    assert_eq!(whole.status, 200, "{}", whole.body);
    fraction.assert_problem(422);
    assert_eq!(fraction.error_fields(), ["subgroup_size"]);
}
