//! Strong ETags and If-Match on the mutable resources: parts, characteristics and golden
//! samples. A change without If-Match is 428, with a stale tag 412, and nothing is
//! written; a change with the current tag is audited with the old and new values.

use actix_web::test::TestRequest;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::builders::width;
use crate::support::{Reply, app};

fn etag(reply: &Reply) -> String {
    reply
        .headers
        .get("etag")
        .expect("an ETag header")
        .to_str()
        .unwrap()
        .to_string()
}

fn put(uri: &str, if_match: Option<&str>, body: Value) -> TestRequest {
    let req = TestRequest::put().uri(uri).set_json(body);
    match if_match {
        Some(tag) => req.insert_header(("if-match", tag)),
        None => req,
    }
}

#[actix_web::test]
async fn the_etag_is_the_sha256_of_the_body_the_client_received() {
    let app = app().await;
    let part = app.create_part("CLP-1").await;

    let res = actix_web::test::call_service(
        &app.service,
        TestRequest::get()
            .uri(&format!("/api/v1/parts/{part}"))
            .insert_header(("authorization", format!("Bearer {}", app.admin_token)))
            .to_request(),
    )
    .await;
    let tag = res
        .headers()
        .get("etag")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    let body = actix_web::test::read_body(res).await;

    // Reference: SHA-256 of the received bytes (sha2 crate), first 128 bits in hex.
    let digest: String = Sha256::digest(&body)[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(tag, format!("\"{digest}\""));
}

#[actix_web::test]
async fn a_part_changes_only_with_the_current_etag() {
    let app = app().await;
    let part = app.create_part("CLP-1").await;
    let uri = format!("/api/v1/parts/{part}");
    let read = app.get(&uri).await;
    let tag = etag(&read);
    let change = json!({"number": "CLP-1", "name": "Cable clip, PA66 GF30", "stage": "part",
        "description": "glass-filled from rev C"});

    let without = app.send(put(&uri, None, change.clone())).await;
    let stale = app
        .send(put(
            &uri,
            Some("\"0123456789abcdef0123456789abcdef\""),
            change.clone(),
        ))
        .await;
    let unchanged = app.get(&uri).await;
    let changed = app.send(put(&uri, Some(&tag), change.clone())).await;
    let again = app.send(put(&uri, Some(&tag), change)).await;
    let after = app.get(&uri).await;

    without.assert_problem(428);
    assert_eq!(without.error_fields(), ["If-Match"]);
    stale.assert_problem(412);
    assert_eq!(etag(&unchanged), tag, "a refused change wrote something");
    assert_eq!(changed.status, 200, "{}", changed.body);
    assert_eq!(changed.body["name"], "Cable clip, PA66 GF30");
    assert_ne!(etag(&changed), tag);
    assert_eq!(etag(&after), etag(&changed));
    again.assert_problem(412);

    let trail = app
        .get(&format!(
            "/api/v1/audit?entity=part&entity_id={part}&action=update"
        ))
        .await;
    let row = &trail.body["items"][0];
    assert_eq!(row["old_value"]["name"], read.body["name"]);
    assert_eq!(row["new_value"]["name"], "Cable clip, PA66 GF30");
}

#[actix_web::test]
async fn a_characteristic_keeps_its_kind_and_its_limit_rules() {
    let app = app().await;
    let part = app.create_part("CLP-1").await;
    let id = app.create_characteristic(&part, width()).await;
    let uri = format!("/api/v1/characteristics/{id}");
    let tag = etag(&app.get(&uri).await);

    let mut attribute = width();
    attribute["kind"] = json!("attribute");
    for f in ["nominal", "lsl", "usl", "unit"] {
        attribute.as_object_mut().unwrap().remove(f);
    }
    let kind = app.send(put(&uri, Some(&tag), attribute)).await;
    let mut outside = width();
    outside["nominal"] = json!(13.0);
    let limits = app.send(put(&uri, Some(&tag), outside)).await;
    let mut one_sided = width();
    one_sided.as_object_mut().unwrap().remove("lsl");
    one_sided["usl"] = json!(12.3);
    let changed = app.send(put(&uri, Some(&tag), one_sided)).await;

    kind.assert_problem(422);
    assert_eq!(kind.error_fields(), ["kind"]);
    limits.assert_problem(422);
    assert_eq!(limits.error_fields(), ["nominal"]);
    assert_eq!(changed.status, 200, "{}", changed.body);
    assert_eq!(
        changed.body["lsl"],
        Value::Null,
        "the lower limit was removed"
    );
    assert_eq!(changed.body["usl"], 12.3);
    let part_view = app.get(&format!("/api/v1/parts/{part}")).await;
    assert_eq!(part_view.body["characteristics"][0]["usl"], 12.3);
}

#[actix_web::test]
async fn a_golden_sample_tag_changes_with_its_condition_log() {
    let app = app().await;
    let part = app.create_part("CLP-1").await;
    let sample = app.create_golden_sample(&part, "GS-1").await;
    let uri = format!("/api/v1/golden-samples/{sample}");
    let tag = etag(&app.get(&uri).await);
    app.post(
        &format!("{uri}/conditions"),
        json!({"noted_by": "lee", "condition": "light wear on the latch"}),
    )
    .await;
    let change = json!({"code": "GS-1", "storage_location": "QA lab, cabinet 4"});

    let stale = app.send(put(&uri, Some(&tag), change.clone())).await;
    let fresh = etag(&app.get(&uri).await);
    let changed = app.send(put(&uri, Some(&fresh), change)).await;

    stale.assert_problem(412);
    assert_eq!(changed.status, 200, "{}", changed.body);
    assert_eq!(changed.body["storage_location"], "QA lab, cabinet 4");
}
