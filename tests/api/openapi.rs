//! The OpenAPI document is generated from the code and committed; they must not drift.

use serde_json::Value;

use crate::support::app;

#[actix_web::test]
async fn the_served_document_equals_the_committed_one() {
    let app = app().await;
    let committed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json"))
            .unwrap();

    let served = app.get("/api-docs/openapi.json").await;

    let committed: Value = serde_json::from_str(&committed).unwrap();
    let mut differences = Vec::new();
    differ("", &committed, &served.body, &mut differences);
    assert!(
        differences.is_empty(),
        "openapi/openapi.json is out of date: run `cargo run -- openapi > openapi/openapi.json`.\n\
         Committed and served differ at:\n{}",
        differences.join("\n")
    );
}

/// The JSON pointers where two documents differ, with both values (at most 40 places).
fn differ(at: &str, committed: &Value, served: &Value, out: &mut Vec<String>) {
    if out.len() >= 40 || committed == served {
        return;
    }
    match (committed, served) {
        (Value::Object(a), Value::Object(b)) => {
            let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            for key in keys {
                let here = format!("{at}/{}", key.replace('~', "~0").replace('/', "~1"));
                match (a.get(key), b.get(key)) {
                    (Some(x), Some(y)) => differ(&here, x, y, out),
                    (Some(_), None) => out.push(format!("- {here} (only committed)")),
                    (None, Some(y)) => out.push(format!("+ {here} (only served): {y}")),
                    (None, None) => {}
                }
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (k, (x, y)) in a.iter().zip(b).enumerate() {
                differ(&format!("{at}/{k}"), x, y, out);
            }
        }
        _ => out.push(format!("~ {at}: committed {committed}, served {served}")),
    }
}

#[test]
fn the_difference_names_the_places_that_differ() {
    let committed = serde_json::json!({"paths": {"/a/b": {"get": 1}, "/c": 2}, "list": [1, 2]});
    let served = serde_json::json!({"paths": {"/a/b": {"get": 3}, "/d": 2}, "list": [1, 2, 3]});
    let mut out = Vec::new();
    differ("", &committed, &served, &mut out);
    assert_eq!(
        out,
        [
            "~ /list: committed [1,2], served [1,2,3]",
            "~ /paths/~1a~1b/get: committed 1, served 3",
            "- /paths/~1c (only committed)",
            "+ /paths/~1d (only served): 2",
        ]
    );
}

#[actix_web::test]
async fn every_operation_has_an_id_a_summary_and_its_error_responses() {
    let app = app().await;
    let doc = app.get("/api-docs/openapi.json").await.body;
    assert_eq!(doc["openapi"], "3.1.0");

    let mut ids = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let id = op["operationId"]
                .as_str()
                .unwrap_or_else(|| panic!("{method} {path} has no operationId"));
            assert!(
                op["summary"].as_str().is_some_and(|s| !s.is_empty()),
                "{id} has no summary"
            );
            if path.starts_with("/api/v1") {
                assert!(
                    op["responses"]["503"].is_object(),
                    "{id} does not document 503"
                );
                let errors = op["responses"]
                    .as_object()
                    .unwrap()
                    .keys()
                    .filter(|k| k.starts_with('4'))
                    .count();
                assert!(errors > 0, "{id} documents no client error");
            }
            ids.push(id.to_string());
        }
    }
    assert!(ids.len() >= 40, "only {} operations documented", ids.len());
}

/// Every documented operation reaches a handler: none of them meets the router's own
/// "no such route" or "method not allowed" answer, so the document lists nothing that
/// is not served. (The other way round, a route served but not documented has no role
/// and is refused to all but admins: see `access::RouteRoles::needed`.)
#[actix_web::test]
async fn every_documented_operation_is_routed() {
    let app = app().await;
    let doc = app.get("/api-docs/openapi.json").await.body;
    let mut reached = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        let concrete = path
            .split('/')
            .map(|s| match s {
                "{unit}" => "1",
                "{revision}" => "A",
                s if s.starts_with('{') => "00000000-0000-4000-8000-000000000000",
                s => s,
            })
            .collect::<Vec<_>>()
            .join("/");
        for method in item.as_object().unwrap().keys() {
            let method: actix_web::http::Method = method.to_uppercase().parse().unwrap();
            let reply = app
                .send(
                    actix_web::test::TestRequest::default()
                        .method(method.clone())
                        .uri(&concrete),
                )
                .await;
            assert_ne!(
                reply.body["type"], "urn:lotgate:problem:http-error",
                "{method} {path} is documented but not routed: {}",
                reply.body
            );
            reached += 1;
        }
    }
    assert!(reached >= 40, "only {reached} operations reached");
}
