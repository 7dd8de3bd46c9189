//! The Idempotency-Key header: a tablet may retry any POST without doing the work twice.

use actix_web::test::TestRequest;
use diesel::RunQueryDsl;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::golden_builders::{BOUNDARY, clip_png, photo_form};
use crate::support::app;

fn create_part(key: &str, number: &str) -> TestRequest {
    TestRequest::post()
        .uri("/api/v1/parts")
        .insert_header(("idempotency-key", key))
        .set_json(json!({"number": number, "name": "Clip", "stage": "part"}))
}

#[actix_web::test]
async fn a_repeated_post_gets_the_stored_response_and_does_the_work_once() {
    let app = app().await;

    let first = app.send(create_part("tablet-7-0001", "CLP-1")).await;
    let repeat = app.send(create_part("tablet-7-0001", "CLP-1")).await;

    assert_eq!(first.status, 201, "{}", first.body);
    assert_eq!(repeat.status, 201, "{}", repeat.body);
    assert_eq!(repeat.body, first.body);
    assert_eq!(repeat.headers.get("idempotent-replayed").unwrap(), "true");
    assert!(first.headers.get("idempotent-replayed").is_none());
    assert_eq!(
        app.get("/api/v1/parts").await.body["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[actix_web::test]
async fn a_refusal_is_replayed_too() {
    let app = app().await;
    let bad = || {
        TestRequest::post()
            .uri("/api/v1/parts")
            .insert_header(("idempotency-key", "k-1"))
            .set_json(json!({"number": "", "name": "Clip", "stage": "part"}))
    };

    let first = app.send(bad()).await;
    let repeat = app.send(bad()).await;

    first.assert_problem(422);
    repeat.assert_problem(422);
    assert_eq!(repeat.headers.get("idempotent-replayed").unwrap(), "true");
}

#[actix_web::test]
async fn the_same_key_with_a_different_request_is_a_422() {
    let app = app().await;
    app.send(create_part("tablet-7-0002", "CLP-1")).await;

    let reply = app.send(create_part("tablet-7-0002", "CLP-2")).await;

    reply.assert_problem(422);
    assert_eq!(reply.error_fields(), ["Idempotency-Key"]);
    assert_eq!(
        app.get("/api/v1/parts").await.body["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[actix_web::test]
async fn the_same_key_while_the_first_request_is_in_flight_is_a_409() {
    let app = app().await;
    let body = json!({"number": "CLP-1", "name": "Clip", "stage": "part"});
    // The fingerprint the middleware documents: SHA-256 of "METHOD PATH?QUERY\nBODY".
    let mut hash = Sha256::new();
    hash.update(format!("POST /api/v1/parts?\n{body}").as_bytes());
    let fingerprint: String = hash.finalize().iter().map(|b| format!("{b:02x}")).collect();
    let mut conn = app.db.pool.get().unwrap();
    diesel::sql_query(format!(
        "INSERT INTO idempotency_keys (key, request_sha256) \
         SELECT id::text || ':busy-key', '{fingerprint}' FROM api_tokens WHERE name = 'test admin'"
    ))
    .execute(&mut conn)
    .unwrap();
    let req = TestRequest::post()
        .uri("/api/v1/parts")
        .insert_header(("idempotency-key", "busy-key"))
        .insert_header(("content-type", "application/json"))
        .set_payload(body.to_string());

    let reply = app.send(req).await;

    reply.assert_problem(409);
    assert_eq!(reply.error_fields(), ["Idempotency-Key"]);
    assert_eq!(app.get("/api/v1/parts").await.body["items"], json!([]));
}

#[actix_web::test]
async fn a_key_that_is_not_plain_ascii_is_refused() {
    let app = app().await;

    let reply = app.send(create_part(&"k".repeat(256), "CLP-1")).await;

    reply.assert_problem(422);
    assert_eq!(reply.error_fields(), ["Idempotency-Key"]);
}

#[actix_web::test]
async fn a_quoted_key_is_the_bare_key_and_a_lone_quote_is_a_key_of_its_own() {
    // Every value of 1-255 visible ASCII characters is a key, as the document says;
    // a lone `"` used to be trimmed to nothing and refused (found by schemathesis).
    let app = app().await;

    let bare = app.send(create_part("tablet-7-0003", "CLP-1")).await;
    let quoted = app.send(create_part("\"tablet-7-0003\"", "CLP-1")).await;
    let lone_quote = app.send(create_part("\"", "CLP-2")).await;

    assert_eq!(bare.status, 201, "{}", bare.body);
    assert_eq!(quoted.headers.get("idempotent-replayed").unwrap(), "true");
    assert_eq!(lone_quote.status, 201, "{}", lone_quote.body);
}

#[actix_web::test]
async fn requests_without_a_key_behave_as_before() {
    let app = app().await;
    let plain = || {
        TestRequest::post()
            .uri("/api/v1/parts")
            .set_json(json!({"number": "CLP-1", "name": "Clip", "stage": "part"}))
    };

    assert_eq!(app.send(plain()).await.status, 201);
    app.send(plain()).await.assert_problem(409);
}

#[actix_web::test]
async fn a_key_belongs_to_the_token_that_sent_it() {
    let app = app().await;
    let other_admin = app.token(lotgate::domain::Role::Admin);

    let first = app.send(create_part("shared-key", "CLP-1")).await;
    let second = app
        .send_as(&other_admin, create_part("shared-key", "CLP-2"))
        .await;

    assert_eq!(first.status, 201, "{}", first.body);
    assert_eq!(second.status, 201, "{}", second.body);
    assert_ne!(first.body["id"], second.body["id"]);
}

/// The photo form of `golden_builders`, drawn with another boundary, as an HTTP client
/// does for every send.
fn upload_with_boundary(uri: &str, key: &str, boundary: &str) -> TestRequest {
    let form = photo_form(&clip_png("top"), None, Some("top"));
    let body = replace(&form, BOUNDARY.as_bytes(), boundary.as_bytes());
    TestRequest::post()
        .uri(uri)
        .insert_header(("idempotency-key", key))
        .insert_header((
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        ))
        .set_payload(body)
}

fn replace(haystack: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut rest = haystack;
    while let Some(at) = rest.windows(from.len()).position(|w| w == from) {
        out.extend_from_slice(&rest[..at]);
        out.extend_from_slice(to);
        rest = &rest[at + from.len()..];
    }
    out.extend_from_slice(rest);
    out
}

#[actix_web::test]
async fn a_retried_upload_with_a_new_multipart_boundary_is_the_same_request() {
    let app = app().await;
    let f = app.fixture().await;
    let sample = app.create_golden_sample(&f.part_id, "GS-1").await;
    app.create_revision(&sample).await;
    let uri = format!("/api/v1/golden-samples/{sample}/revisions/A/photos");

    let first = app
        .send(upload_with_boundary(
            &uri,
            "cam-1",
            "----client-boundary-1111",
        ))
        .await;
    let retry = app
        .send(upload_with_boundary(
            &uri,
            "cam-1",
            "----client-boundary-2222",
        ))
        .await;

    assert_eq!(first.status, 201, "{}", first.body);
    assert_eq!(retry.status, 201, "{}", retry.body);
    assert_eq!(retry.headers.get("idempotent-replayed").unwrap(), "true");
    assert_eq!(retry.body, first.body);
}

#[actix_web::test]
async fn a_different_upload_under_the_same_key_is_still_a_422() {
    let app = app().await;
    let f = app.fixture().await;
    let sample = app.create_golden_sample(&f.part_id, "GS-1").await;
    app.create_revision(&sample).await;
    let uri = format!("/api/v1/golden-samples/{sample}/revisions/A/photos");
    app.send(upload_with_boundary(&uri, "cam-2", "b-1")).await;

    let form = photo_form(&clip_png("front"), None, Some("front"));
    let other = TestRequest::post()
        .uri(&uri)
        .insert_header(("idempotency-key", "cam-2"))
        .insert_header((
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        ))
        .set_payload(form);
    let reply = app.send(other).await;

    reply.assert_problem(422);
    assert_eq!(reply.error_fields(), ["Idempotency-Key"]);
}
