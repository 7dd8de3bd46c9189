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
