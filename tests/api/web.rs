//! The tablet app's pages and assets: served without a token, from this origin only
//! (Content-Security-Policy), with their content types, and cached by content: the
//! versioned assets for good, the pages and the service worker checked on every load.

use actix_web::test::TestRequest;

use crate::support::app;

const CSP: &str = "default-src 'self'";

#[actix_web::test]
async fn the_pages_need_no_token_and_allow_only_this_origin() {
    let app = app().await;
    let lot = "5a3e1f0c-8d2b-4c1e-9f3a-2b7c6d5e4f10";

    for uri in [
        "/".to_string(),
        format!("/inspect/{lot}"),
        format!("/lots/{lot}"),
        format!("/suppliers/{lot}"),
        format!("/parts/{lot}"),
    ] {
        let page = app.send_anonymous(TestRequest::get().uri(&uri)).await;

        assert_eq!(page.status, 200, "{uri}");
        assert_eq!(page.content_type(), "text/html; charset=utf-8", "{uri}");
        let csp = page.headers.get("content-security-policy").unwrap();
        assert!(csp.to_str().unwrap().starts_with(CSP), "{uri}: {csp:?}");
        assert_eq!(page.headers.get("cache-control").unwrap(), "no-cache");
        let html = page.body.as_str().unwrap();
        assert!(html.contains(&format!(
            "/assets/{}/app.js",
            lotgate::web::assets::version()
        )));
    }
}

#[actix_web::test]
async fn an_inspection_page_for_something_that_is_not_a_lot_id_is_not_found() {
    let app = app().await;

    let page = app
        .send_anonymous(TestRequest::get().uri("/inspect/not-a-lot"))
        .await;

    page.assert_problem(404);
}

#[actix_web::test]
async fn a_reviewer_page_for_something_that_is_not_an_id_is_not_found() {
    let app = app().await;

    for uri in ["/lots/L-1", "/suppliers/DPM", "/parts/CLP-100"] {
        let page = app.send_anonymous(TestRequest::get().uri(uri)).await;

        page.assert_problem(404);
    }
}

#[actix_web::test]
async fn assets_of_this_build_are_kept_for_good_and_older_addresses_are_not() {
    let app = app().await;
    let v = lotgate::web::assets::version();

    let current = app
        .send_anonymous(TestRequest::get().uri(&format!("/assets/{v}/app.js")))
        .await;
    let older = app
        .send_anonymous(TestRequest::get().uri("/assets/0000000000000000/app.css"))
        .await;
    let unknown = app
        .send_anonymous(TestRequest::get().uri(&format!("/assets/{v}/nothing.js")))
        .await;

    assert_eq!(current.status, 200);
    assert_eq!(current.content_type(), "text/javascript; charset=utf-8");
    assert_eq!(
        current.headers.get("cache-control").unwrap(),
        "public, max-age=31536000, immutable"
    );
    assert_eq!(older.status, 200);
    assert_eq!(older.content_type(), "text/css; charset=utf-8");
    assert_eq!(older.headers.get("cache-control").unwrap(), "no-cache");
    assert_eq!(unknown.status, 404);
}

#[actix_web::test]
async fn the_service_worker_is_at_the_root_and_names_this_build() {
    let app = app().await;

    let sw = app.send_anonymous(TestRequest::get().uri("/sw.js")).await;
    let manifest = app
        .send_anonymous(TestRequest::get().uri("/manifest.webmanifest"))
        .await;

    assert_eq!(sw.status, 200);
    assert_eq!(sw.content_type(), "text/javascript; charset=utf-8");
    assert_eq!(sw.headers.get("cache-control").unwrap(), "no-cache");
    let text = sw.body.as_str().unwrap();
    assert!(text.contains(lotgate::web::assets::version()), "{text}");
    assert_eq!(manifest.status, 200);
    assert_eq!(manifest.content_type(), "application/manifest+json");
    assert_eq!(manifest.body["start_url"], "/");
}
