//! Photos: uploads stored byte for byte and served with strong ETags; every bad file
//! refused with problem details and nothing stored; comparison; defect photos.

use actix_web::http::Method;
use actix_web::test::TestRequest;
use sha2::{Digest, Sha256};

use crate::builders::inspection;
use crate::golden_builders::{Part, bomb_png, clip_jpeg, clip_png, count, form, photo_form};
use crate::support::{app, run_lotgate};

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn get(uri: &str) -> TestRequest {
    TestRequest::default().method(Method::GET).uri(uri)
}

#[actix_web::test]
async fn a_golden_sample_photo_round_trips_byte_identical_with_cache_headers_and_304s() {
    let app = app().await;
    let f = app.fixture().await;
    let sample = app.create_golden_sample(&f.part_id, "GS-012").await;
    app.create_revision(&sample).await;
    let jpeg = clip_jpeg("front", 0);
    let uri = format!("/api/v1/golden-samples/{sample}/revisions/A/photos");

    let uploaded = app
        .upload(&uri, photo_form(&jpeg, Some("image/jpeg"), Some("front")))
        .await;

    assert_eq!(uploaded.status, 201, "{}", uploaded.body);
    assert_eq!(uploaded.body["sha256"], sha256(&jpeg));
    assert_eq!(uploaded.body["width"], 640);
    assert_eq!(uploaded.body["height"], 480);
    assert_eq!(uploaded.body["view"], "front");
    let href = uploaded.body["links"]["href"].as_str().unwrap().to_string();
    let original = app.send_raw(get(&href)).await;
    assert_eq!(original.status, 200);
    assert_eq!(original.body, jpeg, "the original is served byte for byte");
    assert_eq!(original.header("content-type"), "image/jpeg");
    let etag = format!("\"{}\"", sha256(&jpeg));
    assert_eq!(original.header("etag"), etag);
    assert_eq!(
        original.header("cache-control"),
        "private, max-age=31536000, immutable"
    );
    let again = app
        .send_raw(get(&href).insert_header(("if-none-match", etag.as_str())))
        .await;
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());
    assert_eq!(again.header("etag"), etag);

    let thumb_href = uploaded.body["links"]["thumbnail"].as_str().unwrap();
    let thumb = app.send_raw(get(thumb_href)).await;
    assert_eq!(thumb.status, 200);
    assert!(thumb.header("content-type").starts_with("image/"));
    let thumb_etag = thumb.header("etag").to_string();
    assert_ne!(thumb_etag, etag);
    assert!(thumb.body.len() < jpeg.len());
    let thumb_again = app
        .send_raw(get(thumb_href).insert_header(("if-none-match", thumb_etag.as_str())))
        .await;
    assert_eq!(thumb_again.status, 304);
    let stale = app
        .send_raw(get(&href).insert_header(("if-none-match", "\"0000\"")))
        .await;
    assert_eq!(stale.status, 200);
}

#[actix_web::test]
async fn the_same_bytes_uploaded_twice_are_stored_once() {
    let app = app().await;
    let f = app.fixture().await;
    let sample = app.create_golden_sample(&f.part_id, "GS-1").await;
    app.create_revision(&sample).await;
    let png = clip_png("top");
    let uri = format!("/api/v1/golden-samples/{sample}/revisions/A/photos");

    let first = app.upload(&uri, photo_form(&png, None, Some("top"))).await;
    let second = app.upload(&uri, photo_form(&png, None, Some("top"))).await;

    assert_eq!(first.status, 201, "{}", first.body);
    assert_eq!(second.status, 200, "{}", second.body);
    assert_eq!(first.body["id"], second.body["id"]);
    assert_eq!(first.body["content_type"], "image/png");
    assert_eq!(count(&app.db, "photos"), 1);
    assert_eq!(count(&app.db, "golden_sample_photos"), 1);
}

/// Uploads `photo` to a fresh draft and checks it is refused with `status`, names the
/// `photo` part, and leaves nothing stored.
async fn assert_refused(photo: Vec<u8>, declared: Option<&str>, status: u16) {
    let app = app().await;
    let f = app.fixture().await;
    let sample = app.create_golden_sample(&f.part_id, "GS-1").await;
    app.create_revision(&sample).await;
    let uri = format!("/api/v1/golden-samples/{sample}/revisions/A/photos");

    let reply = app
        .upload(&uri, photo_form(&photo, declared, Some("front")))
        .await;

    reply.assert_problem(status);
    assert_eq!(reply.error_fields(), ["photo"]);
    assert_eq!(count(&app.db, "photos"), 0);
    assert_eq!(count(&app.db, "golden_sample_photos"), 0);
}

#[actix_web::test]
async fn an_empty_photo_is_refused_with_422() {
    assert_refused(Vec::new(), Some("image/jpeg"), 422).await;
}

#[actix_web::test]
async fn a_photo_over_25_mib_is_refused_with_413() {
    let mut big = clip_jpeg("front", 0);
    big.resize(25 * 1024 * 1024 + 1, 0);
    assert_refused(big, Some("image/jpeg"), 413).await;
}

#[actix_web::test]
async fn a_file_that_is_not_an_image_is_refused_with_415() {
    assert_refused(b"%PDF-1.7 not a photo".to_vec(), Some("image/jpeg"), 415).await;
}

#[actix_web::test]
async fn a_png_sent_as_a_jpeg_is_refused_with_415() {
    assert_refused(clip_png("front"), Some("image/jpeg"), 415).await;
}

#[actix_web::test]
async fn a_truncated_jpeg_is_refused_with_422() {
    let jpeg = clip_jpeg("front", 0);
    assert_refused(jpeg[..jpeg.len() / 2].to_vec(), Some("image/jpeg"), 422).await;
}

#[actix_web::test]
async fn a_decompression_bomb_is_refused_with_422_from_its_header() {
    let bomb = bomb_png(100_000, 100_000);
    assert!(bomb.len() < 100);
    assert_refused(bomb, Some("image/png"), 422).await;
}

#[actix_web::test]
async fn a_golden_sample_photo_without_a_valid_view_is_refused_naming_view() {
    let app = app().await;
    let f = app.fixture().await;
    let sample = app.create_golden_sample(&f.part_id, "GS-1").await;
    app.create_revision(&sample).await;
    let uri = format!("/api/v1/golden-samples/{sample}/revisions/A/photos");
    let jpeg = clip_jpeg("front", 0);

    let missing = app.upload(&uri, photo_form(&jpeg, None, None)).await;
    let bad = app
        .upload(&uri, photo_form(&jpeg, None, Some("Front View!")))
        .await;

    missing.assert_problem(422);
    assert_eq!(missing.error_fields(), ["view"]);
    bad.assert_problem(422);
    assert_eq!(bad.error_fields(), ["view"]);
    assert_eq!(count(&app.db, "photos"), 0);
}

#[actix_web::test]
async fn an_upload_that_is_not_multipart_is_refused_with_415_and_an_unknown_part_with_422() {
    let app = app().await;
    let f = app.fixture().await;
    let sample = app.create_golden_sample(&f.part_id, "GS-1").await;
    app.create_revision(&sample).await;
    let uri = format!("/api/v1/golden-samples/{sample}/revisions/A/photos");

    let raw = app
        .send(
            TestRequest::default()
                .method(Method::POST)
                .uri(&uri)
                .insert_header(("content-type", "image/jpeg"))
                .set_payload(clip_jpeg("front", 0)),
        )
        .await;
    let unknown = app
        .upload(
            &uri,
            form(&[Part {
                name: "picture",
                filename: Some("a.jpg"),
                content_type: Some("image/jpeg"),
                bytes: b"x",
            }]),
        )
        .await;

    raw.assert_problem(415);
    unknown.assert_problem(422);
    assert_eq!(unknown.error_fields(), ["picture"]);
}

#[actix_web::test]
async fn photos_cannot_be_added_to_an_approved_revision() {
    let app = app().await;
    let f = app.fixture().await;
    let sample = app.create_golden_sample(&f.part_id, "GS-1").await;
    app.create_revision(&sample).await;
    assert_eq!(app.approve(&sample, "A").await.status, 200);

    let reply = app
        .upload(
            &format!("/api/v1/golden-samples/{sample}/revisions/A/photos"),
            photo_form(&clip_jpeg("front", 0), None, Some("front")),
        )
        .await;

    reply.assert_problem(409);
    assert_eq!(count(&app.db, "photos"), 0);
}

#[actix_web::test]
async fn compare_puts_two_photos_side_by_side_with_a_difference_score() {
    let app = app().await;
    let f = app.fixture().await;
    let sample = app.create_golden_sample(&f.part_id, "GS-1").await;
    app.create_revision(&sample).await;
    let uri = format!("/api/v1/golden-samples/{sample}/revisions/A/photos");
    let good = app
        .upload(&uri, photo_form(&clip_jpeg("top", 0), None, Some("top")))
        .await;
    let scratched = app
        .upload(&uri, photo_form(&clip_jpeg("top", 1), None, Some("detail")))
        .await;
    let (a, b) = (
        good.body["id"].as_str().unwrap(),
        scratched.body["id"].as_str().unwrap(),
    );

    let different = app
        .send_raw(get(&format!("/api/v1/photos/{a}/compare/{b}")))
        .await;
    let same = app
        .send_raw(get(&format!("/api/v1/photos/{a}/compare/{a}")))
        .await;

    assert_eq!(different.status, 200);
    assert_eq!(different.header("content-type"), "image/png");
    assert!(different.body.starts_with(b"\x89PNG"));
    let score: f64 = different.header("x-difference-score").parse().unwrap();
    let ssim: f64 = different.header("x-ssim").parse().unwrap();
    assert!(score > 0.0 && score < 0.5, "{score}");
    assert!(ssim > 0.0 && ssim < 1.0, "{ssim}");
    assert_eq!(
        same.header("x-difference-score").parse::<f64>().unwrap(),
        0.0
    );
    assert_eq!(same.header("x-ssim").parse::<f64>().unwrap(), 1.0);
    let missing = app
        .get(&format!(
            "/api/v1/photos/{a}/compare/{}",
            uuid::Uuid::new_v4()
        ))
        .await;
    missing.assert_problem(404);
}

#[actix_web::test]
async fn a_defect_photo_is_added_to_an_attribute_result_and_shown_with_the_inspection() {
    let app = app().await;
    let f = app.fixture().await;
    let id = "3f1c2b4a-5d6e-4f70-8a9b-0c1d2e3f4a5b";
    let recorded = app
        .post(
            &format!("/api/v1/lots/{}/inspections", f.lot_id),
            inspection(&f, id, 4),
        )
        .await;
    assert_eq!(recorded.status, 201, "{}", recorded.body);
    let uri = format!(
        "/api/v1/inspections/{id}/units/4/attributes/{}/photos",
        f.scratch_id
    );

    let uploaded = app
        .upload(
            &uri,
            photo_form(&clip_jpeg("top", 1), Some("image/jpeg"), None),
        )
        .await;
    let read = app.get(&format!("/api/v1/inspections/{id}")).await;
    let no_result = app
        .upload(
            &format!(
                "/api/v1/inspections/{id}/units/9/attributes/{}/photos",
                f.scratch_id
            ),
            photo_form(&clip_jpeg("top", 2), None, None),
        )
        .await;

    assert_eq!(uploaded.status, 201, "{}", uploaded.body);
    let photos = &read.body["units"][3]["attributes"][0]["photos"];
    assert_eq!(photos[0]["id"], uploaded.body["id"]);
    // Sent without a view, it shows none.
    assert_eq!(photos[0]["view"], serde_json::Value::Null);
    assert_eq!(uploaded.body["view"], serde_json::Value::Null);
    assert_eq!(
        read.body["units"][0]["attributes"][0]["photos"],
        serde_json::json!([])
    );
    no_result.assert_problem(404);
    assert_eq!(count(&app.db, "attribute_result_photos"), 1);
    assert_eq!(count(&app.db, "photos"), 1);
}

#[actix_web::test]
async fn an_unknown_photo_is_a_404_problem() {
    let app = app().await;

    let reply = app
        .get(&format!("/api/v1/photos/{}", uuid::Uuid::new_v4()))
        .await;

    reply.assert_problem(404);
}

#[actix_web::test]
async fn simultaneous_uploads_of_the_same_defect_photo_store_it_once() {
    let app = app().await;
    let f = app.fixture().await;
    let id = "3f1c2b4a-5d6e-4f70-8a9b-0c1d2e3f4a5b";
    app.post(
        &format!("/api/v1/lots/{}/inspections", f.lot_id),
        inspection(&f, id, 4),
    )
    .await;
    let uri = format!(
        "/api/v1/inspections/{id}/units/4/attributes/{}/photos",
        f.scratch_id
    );
    let png = clip_png("top");

    let replies = futures_util::future::join_all(
        (0..4).map(|_| app.upload(&uri, photo_form(&png, Some("image/png"), None))),
    )
    .await;

    let mut statuses: Vec<u16> = replies.iter().map(|r| r.status.as_u16()).collect();
    statuses.sort();
    assert_eq!(statuses, [200, 200, 200, 201]);
    assert!(
        replies
            .iter()
            .all(|r| r.body["id"] == replies[0].body["id"])
    );
    assert_eq!(count(&app.db, "photos"), 1);
    assert_eq!(count(&app.db, "attribute_result_photos"), 1);
}

#[actix_web::test]
async fn a_defect_photo_names_the_view_it_shows_and_a_bad_view_is_refused_naming_view() {
    let app = app().await;
    let f = app.fixture().await;
    let id = "3f1c2b4a-5d6e-4f70-8a9b-0c1d2e3f4a5b";
    let recorded = app
        .post(
            &format!("/api/v1/lots/{}/inspections", f.lot_id),
            inspection(&f, id, 4),
        )
        .await;
    assert_eq!(recorded.status, 201, "{}", recorded.body);
    let uri = format!(
        "/api/v1/inspections/{id}/units/4/attributes/{}/photos",
        f.scratch_id
    );
    let jpeg = clip_jpeg("top", 1);

    let bad = app
        .upload(&uri, photo_form(&jpeg, None, Some("Top View!")))
        .await;
    let uploaded = app.upload(&uri, photo_form(&jpeg, None, Some("top"))).await;
    // The same photo again, under another view: already on the result, it keeps its view.
    let again = app
        .upload(&uri, photo_form(&jpeg, None, Some("front")))
        .await;
    let read = app.get(&format!("/api/v1/inspections/{id}")).await;

    bad.assert_problem(422);
    assert_eq!(bad.error_fields(), ["view"]);
    assert_eq!(uploaded.status, 201, "{}", uploaded.body);
    assert_eq!(uploaded.body["view"], "top");
    assert_eq!(again.status, 200, "{}", again.body);
    assert_eq!(again.body["view"], "top");
    let photos = &read.body["units"][3]["attributes"][0]["photos"];
    assert_eq!(photos.as_array().unwrap().len(), 1);
    assert_eq!(photos[0]["view"], "top");
    assert_eq!(photos[0]["id"], uploaded.body["id"]);
    // The audit trail keeps the view: its check finds the record as audited, and a view
    // changed behind lotgate's back.
    let (ok, text) = run_lotgate(&app.db.url(), &["audit", "verify"]);
    assert!(ok, "{text}");
    let mut conn = app.db.pool.get().unwrap();
    for sql in [
        "SET session_replication_role = replica",
        "UPDATE attribute_result_photos SET view = 'front'",
        "SET session_replication_role = origin",
    ] {
        diesel::RunQueryDsl::execute(diesel::sql_query(sql), &mut conn).unwrap();
    }
    let (ok, text) = run_lotgate(&app.db.url(), &["audit", "verify"]);
    assert!(!ok, "{text}");
    assert!(
        text.lines()
            .any(|l| l.starts_with("attribute_result ") && l.contains("view is")),
        "{text}"
    );
}
