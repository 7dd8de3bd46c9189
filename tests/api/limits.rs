//! Limits that are settings: results per recorded inspection and photo size.

use lotgate::http::AppState;

use crate::builders::inspection;
use crate::golden_builders::{clip_jpeg, photo_form};
use crate::support::{TestDb, app_configured};

#[actix_web::test]
async fn an_inspection_above_the_results_setting_is_refused_naming_units() {
    let app = app_configured(TestDb::new(), |s| AppState {
        max_results: 6,
        ..s
    })
    .await;
    let f = app.fixture().await;
    let uri = format!("/api/v1/lots/{}/inspections", f.lot_id);

    // Each unit of the builder has one measurement and one attribute result.
    let three = app
        .post(
            &uri,
            inspection(&f, "11111111-1111-4111-8111-111111111111", 3),
        )
        .await;
    let four = app
        .post(
            &uri,
            inspection(&f, "22222222-2222-4222-8222-222222222222", 4),
        )
        .await;

    assert_eq!(three.status, 201, "{}", three.body);
    four.assert_problem(422);
    assert_eq!(four.error_fields(), ["units"]);
    assert!(four.body["detail"].as_str().unwrap().contains("at most 6"));
}

#[actix_web::test]
async fn a_photo_above_the_size_setting_is_a_413() {
    let jpeg = clip_jpeg("front", 0);
    let limit = jpeg.len() - 1;
    let app = app_configured(TestDb::new(), |s| AppState {
        photo_limit: limit,
        ..s
    })
    .await;
    let f = app.fixture().await;
    let sample = app.create_golden_sample(&f.part_id, "GS-1").await;
    app.create_revision(&sample).await;
    let uri = format!("/api/v1/golden-samples/{sample}/revisions/A/photos");

    let reply = app
        .upload(&uri, photo_form(&jpeg, Some("image/jpeg"), Some("front")))
        .await;

    reply.assert_problem(413);
}

/// Issue 13: a body sent a byte now and then must not hold a request for ever. The first
/// chunk arrives, the rest never does: after the body timeout the answer is 408 and
/// nothing is stored.
#[actix_web::test]
async fn a_body_that_stops_arriving_is_answered_408_after_the_body_timeout() {
    use actix_web::dev::Service;
    use futures_util::stream::{self, StreamExt};
    let app = app_configured(TestDb::new(), |state| AppState {
        body_timeout: std::time::Duration::from_millis(300),
        ..state
    })
    .await;
    let head = actix_web::test::TestRequest::post()
        .uri("/api/v1/parts")
        .insert_header(("content-type", "application/json"))
        .insert_header(("content-length", "200"))
        .insert_header(("authorization", format!("Bearer {}", app.admin_token)))
        .to_request();
    let trickle = stream::once(async {
        Ok::<_, actix_web::error::PayloadError>(actix_web::web::Bytes::from_static(
            b"{\"number\": \"CLP-1\",",
        ))
    })
    .chain(stream::pending());
    let (req, _) = head.replace_payload(actix_http::Payload::from(
        Box::pin(trickle) as actix_http::BoxedPayloadStream
    ));

    let started = std::time::Instant::now();
    let res = app.service.call(req).await.unwrap();
    let waited = started.elapsed();

    assert_eq!(res.status(), 408);
    let body: serde_json::Value =
        serde_json::from_slice(&actix_web::test::read_body(res).await).unwrap();
    assert_eq!(body["status"], 408);
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("did not arrive within 0.3 s"),
        "{body}"
    );
    assert!(waited < std::time::Duration::from_secs(5), "{waited:?}");
    assert_eq!(
        app.get("/api/v1/parts").await.body["items"],
        serde_json::json!([])
    );
}

/// Issue 13: three 50-megapixel uploads at once took the server from 31 MB to 620 MB.
/// Photos are decoded only while the pixels already being decoded leave room; one that
/// cannot get its turn in time is a 503 with Retry-After, and nothing is stored.
#[actix_web::test]
async fn a_photo_waits_for_room_in_the_decode_budget_and_is_a_503_when_none_comes() {
    use lotgate_imaging::DecodeBudget;
    use std::sync::Arc;
    let jpeg = clip_jpeg("front", 0);
    let budget = Arc::new(DecodeBudget::new(1_000_000));
    let shared = budget.clone();
    let app = app_configured(TestDb::new(), move |s| AppState {
        decode_budget: shared,
        decode_wait: std::time::Duration::from_millis(300),
        ..s
    })
    .await;
    let f = app.fixture().await;
    let sample = app.create_golden_sample(&f.part_id, "GS-1").await;
    app.create_revision(&sample).await;
    let uri = format!("/api/v1/golden-samples/{sample}/revisions/A/photos");

    // Another decode holds the whole budget.
    let other = budget.enter(1_000_000, std::time::Duration::ZERO).unwrap();
    let refused = app
        .upload(&uri, photo_form(&jpeg, Some("image/jpeg"), Some("front")))
        .await;
    drop(other);
    let stored = app.get(&format!("/api/v1/golden-samples/{sample}")).await;
    let accepted = app
        .upload(&uri, photo_form(&jpeg, Some("image/jpeg"), Some("front")))
        .await;

    refused.assert_problem(503);
    assert_eq!(refused.error_fields(), ["photo"]);
    assert_eq!(refused.headers.get("retry-after").unwrap(), "5");
    assert!(refused.body["detail"].as_str().unwrap().contains("busy"));
    assert_eq!(stored.status, 200, "{}", stored.body);
    assert!(
        !stored.body.to_string().contains("/photos/"),
        "no photo may be stored: {}",
        stored.body
    );
    assert_eq!(accepted.status, 201, "{}", accepted.body);
    assert_eq!(budget.in_use(), 0, "every decode gave its pixels back");
}

/// The decode budget is a setting; one below the largest photo could never decode it, so
/// `serve` refuses it before starting, naming the option.
#[test]
fn a_decode_budget_below_the_largest_photo_is_refused_naming_the_option() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_lotgate"))
        .args(["serve", "--decode-megapixels", "10"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);

    assert!(!out.status.success());
    assert!(stderr.contains("--decode-megapixels"), "{stderr}");
    assert!(stderr.contains("50.."), "{stderr}");
}
