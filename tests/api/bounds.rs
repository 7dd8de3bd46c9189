//! Issue 13, item 5: values beyond what lotgate can store or documents are refused with
//! a problem naming the parameter, before anything reaches the database.

use actix_web::http::Method;
use serde_json::json;

use crate::builders::inspection;
use crate::support::{TestDb, app, app_over};

/// chrono reads signed, long years that PostgreSQL cannot hold; these used to fail in
/// the database with a 500.
#[actix_web::test]
async fn dates_with_years_outside_rfc_3339_are_a_422_naming_the_field() {
    let app = app().await;
    let f = app.fixture().await;

    let cases = [
        ("/api/v1/lots?produced_from=-262143-01-01", "produced_from"),
        ("/api/v1/lots?produced_to=%2B10000-01-01", "produced_to"),
        ("/api/v1/audit?from=-262143-01-01T00:00:00Z", "from"),
        (
            &format!(
                "/api/v1/parts/{}/characteristics/{}/capability?to=-262143-01-01",
                f.part_id, f.width_id
            ),
            "to",
        ),
    ];
    for (uri, field) in cases {
        let reply = app.get(uri).await;
        reply.assert_problem(422);
        assert_eq!(reply.error_fields(), [field], "{uri}: {}", reply.body);
        let detail = reply.body["errors"][0]["message"].as_str().unwrap_or("");
        assert!(
            detail.contains("outside 0001 to 9999"),
            "{uri}: {}",
            reply.body
        );
    }

    let lot = app
        .post(
            "/api/v1/lots",
            json!({"part_id": f.part_id, "supplier_id": f.supplier_id, "lot_number": "L-2",
                   "lot_size": 500, "produced_on": "-262143-01-01"}),
        )
        .await;
    lot.assert_problem(422);
    assert_eq!(lot.error_fields(), ["produced_on"]);
}

#[actix_web::test]
async fn a_production_date_before_2000_is_refused_and_nothing_is_stored() {
    let app = app().await;
    let f = app.fixture().await;

    let reply = app
        .post(
            "/api/v1/lots",
            json!({"part_id": f.part_id, "supplier_id": f.supplier_id, "lot_number": "L-2",
                   "lot_size": 500, "produced_on": "0001-01-01"}),
        )
        .await;

    reply.assert_problem(422);
    assert_eq!(reply.error_fields(), ["produced_on"]);
    let message = reply.body["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("before 2000-01-01"), "{message}");
    let lots = app.get("/api/v1/lots").await;
    assert_eq!(
        lots.body["items"].as_array().unwrap().len(),
        1,
        "{}",
        lots.body
    );
}

#[actix_web::test]
async fn a_production_date_days_ahead_is_refused() {
    let app = app().await;
    let f = app.fixture().await;
    let ahead = (chrono::Utc::now() + chrono::Duration::days(3))
        .date_naive()
        .to_string();

    let reply = app
        .post(
            "/api/v1/lots",
            json!({"part_id": f.part_id, "supplier_id": f.supplier_id, "lot_number": "L-2",
                   "lot_size": 500, "produced_on": ahead}),
        )
        .await;

    reply.assert_problem(422);
    assert_eq!(reply.error_fields(), ["produced_on"]);
    let message = reply.body["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("in the future"), "{message}");
}

#[actix_web::test]
async fn an_inspection_time_before_2000_is_refused_naming_inspected_at() {
    let app = app().await;
    let f = app.fixture().await;
    let mut body = inspection(&f, "33333333-3333-4333-8333-333333333333", 1);
    body["inspected_at"] = json!("0001-01-01T00:00:00Z");

    let reply = app
        .post(&format!("/api/v1/lots/{}/inspections", f.lot_id), body)
        .await;

    reply.assert_problem(422);
    assert_eq!(reply.error_fields(), ["inspected_at"]);
    let message = reply.body["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("before 2000-01-01"), "{message}");
}

/// The plan lookup documents `maximum: 100000000` for `lot_size`; the probe got a plan
/// for 667,123,874 units.
#[actix_web::test]
async fn the_plan_lookup_holds_to_its_documented_lot_size_maximum() {
    let app = app().await;
    let document = app.get("/api-docs/openapi.json").await.body;
    let maximum = document["paths"]["/api/v1/sampling/plans/iso2859-1"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "lot_size")
        .and_then(|p| p["schema"]["maximum"].as_i64())
        .expect("lot_size documents a maximum");

    let at = app
        .get(&format!(
            "/api/v1/sampling/plans/iso2859-1?lot_size={maximum}&aql=1.0"
        ))
        .await;
    let above = app
        .get(&format!(
            "/api/v1/sampling/plans/iso2859-1?lot_size={}&aql=1.0",
            maximum + 1
        ))
        .await;
    let probe = app
        .get("/api/v1/sampling/plans/iso2859-1?lot_size=667123874&aql=1.0")
        .await;

    assert_eq!(at.status, 200, "{}", at.body);
    // ISO 2859-1 Table I: 500,001 and over at level II is code letter Q.
    assert_eq!(at.body["table_code_letter"], "Q", "{}", at.body);
    for reply in [above, probe] {
        reply.assert_problem(422);
        assert_eq!(reply.error_fields(), ["lot_size"]);
        assert!(
            reply.body["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("at most 100000000"),
            "{}",
            reply.body
        );
    }
}

/// `/parts?number=CLP-100` returned every part: a misspelt filter looked like a match.
#[actix_web::test]
async fn an_undocumented_query_parameter_is_refused_naming_it() {
    let app = app().await;
    let f = app.fixture().await;

    let parts = app.get("/api/v1/parts?number=CLP-100").await;
    let lot = app
        .get(&format!("/api/v1/lots/{}?expand=inspections", f.lot_id))
        .await;
    let documented = app.get("/api/v1/parts?limit=1").await;

    parts.assert_problem(422);
    assert_eq!(parts.error_fields(), ["number"]);
    let message = parts.body["errors"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("unknown query parameter `number`") && message.contains("cursor, limit"),
        "{message}"
    );
    lot.assert_problem(422);
    assert_eq!(lot.error_fields(), ["expand"]);
    assert!(
        lot.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("takes no query parameters"),
        "{}",
        lot.body
    );
    assert_eq!(documented.status, 200, "{}", documented.body);
}

/// Every operation of the document, with a parameter it does not document: each is a
/// 422 naming it, whatever the method and whether the ids exist.
#[actix_web::test]
async fn every_documented_operation_refuses_an_undocumented_query_parameter() {
    let app = app_over(TestDb::new()).await;
    let document = app.get("/api-docs/openapi.json").await.body;
    let mut checked = 0;
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, _) in item.as_object().unwrap() {
            let method = match method.as_str() {
                "get" => Method::GET,
                "post" => Method::POST,
                "put" => Method::PUT,
                "patch" => Method::PATCH,
                "delete" => Method::DELETE,
                _ => continue,
            };
            let concrete = path
                .split('/')
                .map(|s| {
                    if s.starts_with('{') {
                        "0b9e6c1a-3f4d-4e2b-8a7c-1d2e3f4a5b6c"
                    } else {
                        s
                    }
                })
                .collect::<Vec<_>>()
                .join("/");
            let uri = format!("{concrete}?not_a_parameter=1");
            let reply = app.call(method.clone(), &uri, Some(json!({}))).await;
            assert_eq!(reply.status, 422, "{method} {uri}: {}", reply.body);
            assert_eq!(reply.error_fields(), ["not_a_parameter"], "{method} {uri}");
            checked += 1;
        }
    }
    assert!(checked > 40, "only {checked} operations in the document");
}
