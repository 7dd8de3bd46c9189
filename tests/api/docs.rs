//! `/docs`: the interactive documentation is served by the binary itself, so it works on
//! a factory network with no way out to a CDN.

use actix_web::test::TestRequest;

use crate::support::app;

/// The `src`/`href` values of `<script>` and `<link>` tags in `html`.
fn script_and_style_sources(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for tag in html.split('<').skip(1) {
        if !(tag.starts_with("script") || tag.starts_with("link")) {
            continue;
        }
        let tag = tag.split('>').next().unwrap_or_default();
        for attribute in ["src=\"", "href=\""] {
            if let Some(start) = tag.find(attribute) {
                let rest = &tag[start + attribute.len()..];
                found.push(rest.split('"').next().unwrap_or_default().to_string());
            }
        }
    }
    found
}

#[actix_web::test]
async fn the_docs_page_and_its_assets_come_from_the_binary_not_a_cdn() {
    let app = app().await;

    let page = app.send_anonymous(TestRequest::get().uri("/docs/")).await;

    assert_eq!(page.status, 200);
    let html = page.body.as_str().expect("an HTML page");
    let sources = script_and_style_sources(html);
    assert!(
        sources.iter().any(|s| s.ends_with(".js")) && sources.iter().any(|s| s.ends_with(".css")),
        "{sources:?}"
    );
    for source in &sources {
        assert!(
            !source.contains("http://")
                && !source.contains("https://")
                && !source.starts_with("//"),
            "{source} is loaded from another origin"
        );
        let asset = format!("/docs/{}", source.trim_start_matches("./"));
        let reply = app.send_anonymous(TestRequest::get().uri(&asset)).await;
        assert_eq!(reply.status, 200, "{asset}");
    }
    // The initializer points the viewer at the document this binary serves.
    let init = app
        .send_anonymous(TestRequest::get().uri("/docs/swagger-initializer.js"))
        .await;
    let init = init.body.as_str().expect("JavaScript");
    assert!(init.contains("/api-docs/openapi.json"), "{init}");
}

#[actix_web::test]
async fn docs_without_the_slash_redirects_to_the_page() {
    let app = app().await;

    let reply = app.send_anonymous(TestRequest::get().uri("/docs")).await;

    assert_eq!(reply.status, 308);
    assert_eq!(reply.headers.get("location").unwrap(), "/docs/");
}
