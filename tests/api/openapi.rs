//! The OpenAPI document is generated from the code and committed; they must not drift.

use serde_json::Value;

use crate::support::app;

const REQUIRED_OPERATIONS: &[&str] = &[
    "create_part",
    "get_part",
    "list_parts",
    "create_characteristic",
    "create_supplier",
    "list_suppliers",
    "create_lot",
    "get_lot",
    "list_lots",
    "record_inspection",
    "get_inspection",
    "list_lot_inspections",
    "decide_lot",
    "get_lot_decision",
    "get_switching",
    "set_switching_settings",
    "get_iso2859_plan",
    "get_operating_characteristic",
    "design_sampling_plan",
];

#[actix_web::test]
async fn the_served_document_equals_the_committed_one() {
    let app = app().await;
    let committed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json"))
            .unwrap();

    let served = app.get("/api-docs/openapi.json").await;

    let committed: Value = serde_json::from_str(&committed).unwrap();
    assert!(
        served.body == committed,
        "openapi/openapi.json is out of date: run `cargo run -- openapi > openapi/openapi.json`"
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
    for wanted in REQUIRED_OPERATIONS {
        assert!(
            ids.iter().any(|id| id == wanted),
            "operation {wanted} is missing"
        );
    }
}
