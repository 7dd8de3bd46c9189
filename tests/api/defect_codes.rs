//! A part's defect-code catalogue, the codes failed attribute results carry, and their
//! Pareto ranking (issue 14, item 4).

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::test::TestRequest;
use lotgate::domain::Role;
use serde_json::{Value, json};

use crate::builders::Fixture;
use crate::support::{Reply, TestApp, app, run_lotgate};

impl<S, B> TestApp<S>
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    /// Adds a code to the part's catalogue (as the admin) and returns its id.
    pub async fn defect_code(&self, part_id: &str, code: &str) -> String {
        let reply = self
            .post(
                &format!("/api/v1/parts/{part_id}/defect-codes"),
                json!({"code": code, "name": code.replace('-', " ")}),
            )
            .await;
        assert_eq!(reply.status, 201, "{}", reply.body);
        reply.body["id"].as_str().unwrap().to_string()
    }
}

/// An inspection of the fixture's lot whose scratch results carry `codes` per unit
/// (an empty list: the unit passed).
pub fn coded_inspection(f: &Fixture, codes: &[&[&str]]) -> (String, Value) {
    let id = uuid::Uuid::new_v4().to_string();
    let units: Vec<Value> = codes
        .iter()
        .zip(1..)
        .map(|(codes, unit)| {
            let mut result = json!({"characteristic_id": f.scratch_id, "pass": codes.is_empty()});
            if !codes.is_empty() {
                result["defect_codes"] = json!(codes);
            }
            json!({"unit": unit, "attributes": [result]})
        })
        .collect();
    let body = json!({"id": id, "source": "factory", "mode": "sampling", "inspector": "kim",
        "inspected_at": "2026-11-20T09:15:00Z", "units": units});
    (id, body)
}

async fn record<S, B>(app: &TestApp<S>, lot: &str, body: Value) -> Reply
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    app.post(&format!("/api/v1/lots/{lot}/inspections"), body)
        .await
}

#[actix_web::test]
async fn a_reviewer_adds_codes_that_an_inspector_lists_by_code() {
    let app = app().await;
    let f = app.fixture().await;
    let reviewer = app.token(Role::Reviewer);
    let inspector = app.token(Role::Inspector);
    let uri = format!("/api/v1/parts/{}/defect-codes", f.part_id);

    for code in ["short-shot", "flash"] {
        let reply = app
            .send_as(
                &reviewer,
                TestRequest::post().uri(&uri).set_json(
                    json!({"code": code, "name": code, "description": "seen at the gate"}),
                ),
            )
            .await;
        assert_eq!(reply.status, 201, "{}", reply.body);
        assert_eq!(reply.body["retired"], false);
    }
    let list = app.send_as(&inspector, TestRequest::get().uri(&uri)).await;

    assert_eq!(list.status, 200, "{}", list.body);
    let codes: Vec<&str> = list
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["flash", "short-shot"]);
}

#[actix_web::test]
async fn an_inspector_cannot_add_a_code() {
    let app = app().await;
    let f = app.fixture().await;
    let inspector = app.token(Role::Inspector);

    let reply = app
        .send_as(
            &inspector,
            TestRequest::post()
                .uri(&format!("/api/v1/parts/{}/defect-codes", f.part_id))
                .set_json(json!({"code": "flash", "name": "Flash"})),
        )
        .await;

    reply.assert_problem(403);
}

#[actix_web::test]
async fn a_code_is_a_slug_unique_within_its_part() {
    let app = app().await;
    let f = app.fixture().await;
    let uri = format!("/api/v1/parts/{}/defect-codes", f.part_id);
    app.defect_code(&f.part_id, "flash").await;

    let twice = app
        .post(&uri, json!({"code": "flash", "name": "Flash again"}))
        .await;
    let not_a_slug = app
        .post(&uri, json!({"code": "Short Shot", "name": "Short shot"}))
        .await;
    let other_part = app.create_part("CLP-2").await;
    let elsewhere = app
        .post(
            &format!("/api/v1/parts/{other_part}/defect-codes"),
            json!({"code": "flash", "name": "Flash"}),
        )
        .await;

    twice.assert_problem(409);
    assert_eq!(twice.error_fields(), ["code"], "{}", twice.body);
    not_a_slug.assert_problem(422);
    assert_eq!(not_a_slug.error_fields(), ["code"], "{}", not_a_slug.body);
    assert_eq!(elsewhere.status, 201, "{}", elsewhere.body);
}

#[actix_web::test]
async fn a_failed_result_carries_codes_of_the_catalogue_and_the_inspection_shows_them() {
    let app = app().await;
    let f = app.fixture().await;
    app.defect_code(&f.part_id, "flash").await;
    app.defect_code(&f.part_id, "short-shot").await;
    let (id, body) = coded_inspection(&f, &[&["short-shot", "flash"], &[]]);

    let recorded = record(&app, &f.lot_id, body.clone()).await;
    let retry = record(&app, &f.lot_id, body).await;
    let read = app.get(&format!("/api/v1/inspections/{id}")).await;

    assert_eq!(recorded.status, 201, "{}", recorded.body);
    assert_eq!(
        retry.status, 200,
        "a retry is the same inspection: {}",
        retry.body
    );
    let units = &read.body["units"];
    assert_eq!(
        units[0]["attributes"][0]["defect_codes"],
        json!(["short-shot", "flash"])
    );
    assert_eq!(units[1]["attributes"][0]["defect_codes"], json!([]));
}

#[actix_web::test]
async fn a_retry_with_other_codes_is_another_body() {
    let app = app().await;
    let f = app.fixture().await;
    app.defect_code(&f.part_id, "flash").await;
    app.defect_code(&f.part_id, "burr").await;
    let (_, body) = coded_inspection(&f, &[&["flash"]]);
    assert_eq!(record(&app, &f.lot_id, body.clone()).await.status, 201);
    let mut other = body;
    other["units"][0]["attributes"][0]["defect_codes"] = json!(["burr"]);

    let reply = record(&app, &f.lot_id, other).await;

    reply.assert_problem(409);
    assert_eq!(reply.error_fields(), ["id"], "{}", reply.body);
}

#[actix_web::test]
async fn an_unknown_or_retired_code_is_refused_at_its_place_in_the_body() {
    let app = app().await;
    let f = app.fixture().await;
    app.defect_code(&f.part_id, "flash").await;
    let burr = app.defect_code(&f.part_id, "burr").await;
    let retired = app
        .call(
            actix_web::http::Method::PATCH,
            &format!("/api/v1/defect-codes/{burr}"),
            Some(json!({"retired": true, "reason": "merged into flash"})),
        )
        .await;
    assert_eq!(retired.body["retired"], true, "{}", retired.body);
    let (_, body) = coded_inspection(&f, &[&[], &[], &[], &["flash", "sink-mark"], &["burr"]]);

    let reply = record(&app, &f.lot_id, body).await;

    reply.assert_problem(422);
    assert_eq!(
        reply.error_fields(),
        [
            "units[3].attributes[0].defect_codes[1]",
            "units[4].attributes[0].defect_codes[0]"
        ],
        "{}",
        reply.body
    );
}

#[actix_web::test]
async fn a_passed_result_carries_no_code_and_a_code_is_given_once() {
    let app = app().await;
    let f = app.fixture().await;
    app.defect_code(&f.part_id, "flash").await;
    let (_, mut body) = coded_inspection(&f, &[&["flash", "flash"], &["flash"]]);
    body["units"][1]["attributes"][0]["pass"] = json!(true);

    let reply = record(&app, &f.lot_id, body).await;

    reply.assert_problem(422);
    assert_eq!(
        reply.error_fields(),
        [
            "units[0].attributes[0].defect_codes[1]",
            "units[1].attributes[0].defect_codes"
        ],
        "{}",
        reply.body
    );
}

/// The ranking counts failed results carrying each code in current inspections.
///
/// Lot A (supplier A, produced 2026-11-20): recorded with unit 3 coded `short-shot`,
/// then corrected to `flash`; only the correction counts:
///   u1 [flash, scratch], u2 [flash], u3 [flash]      -> flash 3, scratch 1
/// Lot B (supplier B, produced 2026-11-25):
///   u1..u3 [scratch], u4 [short-shot]                -> scratch 3, short-shot 1
/// All lots: scratch 1 + 3 = 4, flash 3, short-shot 1, total 8;
///   shares 4/8 = 0.5, 3/8 = 0.375, 1/8 = 0.125; cumulative 0.5, 0.875, 1.0.
/// Supplier A only: flash 3, scratch 1, total 4; shares 0.75, 0.25; cumulative 0.75, 1.0.
/// From 2026-11-21: lot B only: scratch 3, short-shot 1, total 4; 0.75, 0.25; 0.75, 1.0.
#[actix_web::test]
async fn the_pareto_ranks_codes_by_the_current_results_carrying_them() {
    let app = app().await;
    let f = app.fixture().await;
    for code in ["flash", "scratch", "short-shot"] {
        app.defect_code(&f.part_id, code).await;
    }
    let (first, body) = coded_inspection(&f, &[&["flash", "scratch"], &["flash"], &["short-shot"]]);
    assert_eq!(record(&app, &f.lot_id, body).await.status, 201);
    let (_, corrected) = coded_inspection(&f, &[&["flash", "scratch"], &["flash"], &["flash"]]);
    let correction = app
        .post(
            &format!("/api/v1/inspections/{first}/corrections"),
            json!({"reason": "unit 3 was flash, not a short shot", "inspection": corrected}),
        )
        .await;
    assert_eq!(correction.status, 201, "{}", correction.body);
    let supplier_b = app.create_supplier("SUP-B").await;
    let lot_b = app
        .create_lot(&f.part_id, &supplier_b, "L-B", 500, "2026-11-25")
        .await;
    let (_, body) = coded_inspection(
        &f,
        &[&["scratch"], &["scratch"], &["scratch"], &["short-shot"]],
    );
    assert_eq!(record(&app, &lot_b, body).await.status, 201);
    let uri = format!("/api/v1/parts/{}/defect-pareto", f.part_id);
    let bars = |reply: &Reply| -> Vec<(String, i64, f64, f64)> {
        assert_eq!(reply.status, 200, "{}", reply.body);
        reply.body["codes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| {
                (
                    b["code"].as_str().unwrap().to_string(),
                    b["count"].as_i64().unwrap(),
                    b["share"].as_f64().unwrap(),
                    b["cumulative_share"].as_f64().unwrap(),
                )
            })
            .collect()
    };
    let s = |c: &str| c.to_string();

    let all = app.get(&uri).await;
    let supplier_a = app
        .get(&format!("{uri}?supplier_id={}", f.supplier_id))
        .await;
    let later = app.get(&format!("{uri}?from=2026-11-21")).await;

    assert_eq!(all.body["total"], 8);
    assert_eq!(
        bars(&all),
        [
            (s("scratch"), 4, 0.5, 0.5),
            (s("flash"), 3, 0.375, 0.875),
            (s("short-shot"), 1, 0.125, 1.0)
        ]
    );
    assert_eq!(
        bars(&supplier_a),
        [(s("flash"), 3, 0.75, 0.75), (s("scratch"), 1, 0.25, 1.0)]
    );
    assert_eq!(
        bars(&later),
        [
            (s("scratch"), 3, 0.75, 0.75),
            (s("short-shot"), 1, 0.25, 1.0)
        ]
    );
}

#[actix_web::test]
async fn a_supplier_bound_token_ranks_its_own_lots_only() {
    let app = app().await;
    let f = app.fixture().await;
    app.defect_code(&f.part_id, "flash").await;
    let (_, body) = coded_inspection(&f, &[&["flash"]]);
    assert_eq!(record(&app, &f.lot_id, body).await.status, 201);
    let other = app.create_supplier("SUP-B").await;
    let bound = app
        .post(
            "/api/v1/tokens",
            json!({"name": "factory B tablet", "holder": "device", "role": "inspector",
                "supplier_id": other}),
        )
        .await;
    assert_eq!(bound.status, 201, "{}", bound.body);
    let token = bound.body["token"].as_str().unwrap();

    let reply = app
        .send_as(
            token,
            TestRequest::get().uri(&format!("/api/v1/parts/{}/defect-pareto", f.part_id)),
        )
        .await;

    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.body["total"], 0);
    assert_eq!(reply.body["codes"], json!([]));
}

#[actix_web::test]
async fn the_trail_verifies_with_coded_results_and_a_retired_code() {
    let app = app().await;
    let f = app.fixture().await;
    let flash = app.defect_code(&f.part_id, "flash").await;
    let (_, body) = coded_inspection(&f, &[&["flash"], &[]]);
    assert_eq!(record(&app, &f.lot_id, body).await.status, 201);
    let retired = app
        .call(
            actix_web::http::Method::PATCH,
            &format!("/api/v1/defect-codes/{flash}"),
            Some(json!({"retired": true, "reason": "renamed"})),
        )
        .await;
    assert_eq!(retired.status, 200, "{}", retired.body);

    let (ok, out) = run_lotgate(&app.db.url(), &["audit", "verify"]);

    assert!(ok, "{out}");
}

#[actix_web::test]
async fn a_retired_code_stays_on_recorded_results_and_in_the_pareto() {
    let app = app().await;
    let f = app.fixture().await;
    let flash = app.defect_code(&f.part_id, "flash").await;
    let (id, body) = coded_inspection(&f, &[&["flash"]]);
    assert_eq!(record(&app, &f.lot_id, body).await.status, 201);
    let inspector = app.token(Role::Inspector);
    let by_inspector = app
        .send_as(
            &inspector,
            TestRequest::patch()
                .uri(&format!("/api/v1/defect-codes/{flash}"))
                .set_json(json!({"retired": true, "reason": "merged"})),
        )
        .await;
    by_inspector.assert_problem(403);

    let retired = app
        .call(
            actix_web::http::Method::PATCH,
            &format!("/api/v1/defect-codes/{flash}"),
            Some(json!({"retired": true, "reason": "merged into burr"})),
        )
        .await;

    assert_eq!(retired.status, 200, "{}", retired.body);
    assert_eq!(retired.body["retired"], true);
    let read = app.get(&format!("/api/v1/inspections/{id}")).await;
    assert_eq!(
        read.body["units"][0]["attributes"][0]["defect_codes"],
        json!(["flash"])
    );
    let pareto = app
        .get(&format!("/api/v1/parts/{}/defect-pareto", f.part_id))
        .await;
    assert_eq!(pareto.body["codes"][0]["code"], "flash");
    assert_eq!(pareto.body["codes"][0]["count"], 1);
}
