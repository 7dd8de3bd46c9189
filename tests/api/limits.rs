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
