//! Nonconformance reports (issue 14, item 4): opened by a decision that does not accept
//! a lot (ISO 2859-1:1999 7.5), or by a reviewer for units rejected individually (6.4);
//! changed with If-Match and a reason, closed with a verification.
//!
//! Plan (ISO 2859-1:1999 Table I and II-A, as in resubmissions.rs): lot 500, level II ->
//! code letter H, n 50; AQL 1.0 normal: Ac 1, Re 2. Three nonconforming units in 50
//! reject the lot (3 >= Re 2); one is accepted (1 <= Ac 1).

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::test::TestRequest;
use lotgate::domain::Role;
use serde_json::{Value, json};

use crate::streams::Stream;
use crate::support::{Reply, TestApp, app, run_lotgate};

impl<S, B> TestApp<S>
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    /// Records a sampling inspection of 50 units of the stream's attribute, the units
    /// listed in `failed` failing with their codes; returns the inspection's id.
    async fn coded_sample(&self, lot: &str, s: &Stream, failed: &[(usize, &[&str])]) -> String {
        let id = uuid::Uuid::new_v4().to_string();
        let units: Vec<Value> = (1..=50)
            .map(|unit| {
                let mut result = json!({"characteristic_id": s.char_id, "pass": true});
                if let Some((_, codes)) = failed.iter().find(|(u, _)| *u == unit) {
                    result["pass"] = json!(false);
                    if !codes.is_empty() {
                        result["defect_codes"] = json!(codes);
                    }
                }
                json!({"unit": unit, "serial": format!("C-{unit}"), "attributes": [result]})
            })
            .collect();
        let reply = self
            .post(
                &format!("/api/v1/lots/{lot}/inspections"),
                json!({"id": id, "source": "in_house", "mode": "sampling", "inspector": "kim",
                    "inspected_at": "2026-11-20T09:15:00Z", "units": units}),
            )
            .await;
        assert_eq!(reply.status, 201, "{}", reply.body);
        id
    }

    async fn ncrs_of(&self, lot: &str) -> Vec<Value> {
        let reply = self.get(&format!("/api/v1/ncrs?lot_id={lot}")).await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        reply.body["items"].as_array().unwrap().clone()
    }

    /// A lot rejected by its decision: units 1-3 of 50 fail, coded flash / flash+burr /
    /// flash. Returns the lot and the decision.
    async fn rejected(&self, s: &Stream) -> (String, Value) {
        self.defect_code(&s.part_id, "flash").await;
        self.defect_code(&s.part_id, "burr").await;
        let lot = self.stream_lot(s, "L-1", 500, "2026-11-20").await;
        self.coded_sample(
            &lot,
            s,
            &[(1, &["flash"]), (2, &["flash", "burr"]), (3, &["flash"])],
        )
        .await;
        let decision = self.decide(&lot).await;
        assert_eq!(decision.body["verdict"], "reject", "{}", decision.body);
        (lot, decision.body)
    }

    async fn open_as(&self, token: &str, lot: &str, body: Value) -> Reply {
        self.send_as(
            token,
            TestRequest::post()
                .uri(&format!("/api/v1/lots/{lot}/ncrs"))
                .set_json(body),
        )
        .await
    }

    async fn close(&self, ncr: &str, body: Value) -> Reply {
        self.post(&format!("/api/v1/ncrs/{ncr}/closure"), body)
            .await
    }
}

/// ISO 2859-1 7.5: a lot not accepted gets a report from the decision that rejected it,
/// naming the units the decision found (6.4).
#[actix_web::test]
async fn a_rejecting_decision_opens_a_report_of_the_units_it_found() {
    let app = app().await;
    let s = app.stream(json!({})).await;

    let (lot, decision) = app.rejected(&s).await;

    let ncrs = app.ncrs_of(&lot).await;
    assert_eq!(ncrs.len(), 1, "{ncrs:#?}");
    let ncr = &ncrs[0];
    let named = decision["characteristics"][0]["nonconforming_units"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(named, 3);
    assert_eq!(ncr["quantity_nonconforming"], 3);
    assert_eq!(ncr["decision_id"], decision["id"]);
    assert_eq!(ncr["characteristic_ids"], json!([s.char_id]));
    // flash on units 1, 2 and 3; burr on unit 2.
    assert_eq!(
        ncr["defect_codes"],
        json!([{"code": "flash", "count": 3}, {"code": "burr", "count": 1}])
    );
    assert_eq!(ncr["opened_by"], "lotgate");
    assert_eq!(ncr["status"], "open");
    assert_eq!(ncr["lot_status"], "not_accepted");
    assert_eq!(ncr["disposition"], Value::Null);
    let number = ncr["number"].as_str().unwrap();
    assert!(
        number.starts_with("NCR-") && number.ends_with("-0001") && number.len() == 13,
        "{number}"
    );
}

#[actix_web::test]
async fn deciding_the_lot_again_opens_no_second_report() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    let (lot, _) = app.rejected(&s).await;

    let again = app.decide(&lot).await;

    assert_eq!(again.body["verdict"], "reject");
    assert_eq!(again.body["revision"], 2);
    assert_eq!(app.ncrs_of(&lot).await.len(), 1);
}

#[actix_web::test]
async fn an_accepting_decision_opens_no_report() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    let lot = app.stream_lot(&s, "L-1", 500, "2026-11-20").await;
    app.coded_sample(&lot, &s, &[(7, &[])]).await;

    let decision = app.decide(&lot).await;

    assert_eq!(decision.body["verdict"], "accept", "{}", decision.body);
    assert!(app.ncrs_of(&lot).await.is_empty());
}

/// ISO 2859-1 6.4: a unit found nonconforming is rejected whatever the lot's verdict; a
/// reviewer reports it from an accepted lot.
#[actix_web::test]
async fn a_reviewer_opens_a_report_for_the_rejected_unit_of_an_accepted_lot() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    app.defect_code(&s.part_id, "flash").await;
    let lot = app.stream_lot(&s, "L-1", 500, "2026-11-20").await;
    app.coded_sample(&lot, &s, &[(7, &["flash"])]).await;
    assert_eq!(app.decide(&lot).await.body["verdict"], "accept");
    let reviewer = app.token(Role::Reviewer);

    let opened = app
        .open_as(
            &reviewer,
            &lot,
            json!({"description": "Unit C-7 has flash at the parting line.",
                "containment": "Unit C-7 quarantined."}),
        )
        .await;

    assert_eq!(opened.status, 201, "{}", opened.body);
    assert_eq!(opened.body["quantity_nonconforming"], 1);
    assert_eq!(opened.body["decision_id"], Value::Null);
    assert_eq!(opened.body["opened_by"], "test reviewer");
    assert_eq!(opened.body["lot_status"], "accepted");
    assert_eq!(
        opened.body["defect_codes"],
        json!([{"code": "flash", "count": 1}])
    );
    assert_eq!(opened.body["containment"], "Unit C-7 quarantined.");
}

#[actix_web::test]
async fn an_inspector_cannot_open_a_report() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    let lot = app.stream_lot(&s, "L-1", 500, "2026-11-20").await;
    app.coded_sample(&lot, &s, &[(7, &[])]).await;
    let inspector = app.token(Role::Inspector);

    let reply = app
        .open_as(&inspector, &lot, json!({"description": "flash"}))
        .await;

    reply.assert_problem(403);
}

#[actix_web::test]
async fn a_lot_without_nonconforming_units_gets_no_report() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    let lot = app.stream_lot(&s, "L-1", 500, "2026-11-20").await;
    app.coded_sample(&lot, &s, &[]).await;

    let reply = app
        .post(
            &format!("/api/v1/lots/{lot}/ncrs"),
            json!({"description": "nothing"}),
        )
        .await;

    reply.assert_problem(409);
    let detail = reply.body["detail"].as_str().unwrap();
    assert!(detail.contains("no nonconforming units"), "{detail}");
}

#[actix_web::test]
async fn a_lot_not_accepted_with_an_open_report_gets_no_second_one() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    let (lot, _) = app.rejected(&s).await;

    let reply = app
        .post(
            &format!("/api/v1/lots/{lot}/ncrs"),
            json!({"description": "again"}),
        )
        .await;

    reply.assert_problem(409);
    let detail = reply.body["detail"].as_str().unwrap();
    assert!(detail.contains("update_ncr"), "{detail}");
}

#[actix_web::test]
async fn a_report_changes_with_if_match_and_a_reason() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    let (lot, _) = app.rejected(&s).await;
    let id = app.ncrs_of(&lot).await[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let uri = format!("/api/v1/ncrs/{id}");
    let read = app.get(&uri).await;
    let tag = read
        .headers
        .get("etag")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    let change = json!({"containment": "Lot held in cage Q2.", "reason": "containment agreed"});

    let without = app
        .send(TestRequest::patch().uri(&uri).set_json(change.clone()))
        .await;
    let with = app
        .send(
            TestRequest::patch()
                .uri(&uri)
                .insert_header(("If-Match", tag.clone()))
                .set_json(change.clone()),
        )
        .await;
    let stale = app
        .send(
            TestRequest::patch()
                .uri(&uri)
                .insert_header(("If-Match", tag))
                .set_json(change),
        )
        .await;

    without.assert_problem(428);
    assert_eq!(with.status, 200, "{}", with.body);
    assert_eq!(with.body["containment"], "Lot held in cage Q2.");
    stale.assert_problem(412);
}

#[actix_web::test]
async fn closing_needs_a_verification() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    let (lot, _) = app.rejected(&s).await;
    let id = app.ncrs_of(&lot).await[0]["id"]
        .as_str()
        .unwrap()
        .to_string();

    let reply = app.close(&id, json!({"reason": "done"})).await;

    reply.assert_problem(422);
    assert_eq!(
        reply.error_fields(),
        ["verification_note"],
        "{}",
        reply.body
    );
}

#[actix_web::test]
async fn a_verification_inspection_is_a_later_inspection_of_the_same_lot() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    let other_lot = app.stream_lot(&s, "L-0", 500, "2026-11-19").await;
    let other = app.coded_sample(&other_lot, &s, &[]).await;
    let (lot, _) = app.rejected(&s).await;
    let id = app.ncrs_of(&lot).await[0]["id"]
        .as_str()
        .unwrap()
        .to_string();

    let reply = app
        .close(
            &id,
            json!({"verification_inspection_id": other, "reason": "done"}),
        )
        .await;

    reply.assert_problem(422);
    assert_eq!(
        reply.error_fields(),
        ["verification_inspection_id"],
        "{}",
        reply.body
    );
}

#[actix_web::test]
async fn a_report_closes_once_with_a_re_inspection_of_its_lot() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    let (lot, _) = app.rejected(&s).await;
    let id = app.ncrs_of(&lot).await[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    // A full inspection of the sorted lot re-inspects it (always recorded).
    let units: Vec<Value> = (1..=500)
        .map(|u| json!({"unit": u, "attributes": [{"characteristic_id": s.char_id, "pass": true}]}))
        .collect();
    let full = app
        .post(
            &format!("/api/v1/lots/{lot}/inspections"),
            json!({"id": uuid::Uuid::new_v4(), "source": "in_house", "mode": "full",
                "inspector": "kim", "inspected_at": "2026-11-22T09:00:00Z", "units": units}),
        )
        .await;
    assert_eq!(full.status, 201, "{}", full.body);

    let closed = app
        .close(
            &id,
            json!({"verification_inspection_id": full.body["id"],
                "verification_note": "500 of 500 conform after sorting", "reason": "verified"}),
        )
        .await;
    let again = app
        .close(
            &id,
            json!({"verification_note": "again", "reason": "twice"}),
        )
        .await;
    let change = app
        .send(
            TestRequest::patch()
                .uri(&format!("/api/v1/ncrs/{id}"))
                .insert_header(("If-Match", "*"))
                .set_json(json!({"containment": "late", "reason": "late"})),
        )
        .await;

    assert_eq!(closed.status, 200, "{}", closed.body);
    assert_eq!(closed.body["status"], "closed");
    assert_eq!(closed.body["verification_inspection_id"], full.body["id"]);
    assert_eq!(closed.body["closed_by"], "test admin");
    again.assert_problem(409);
    change.assert_problem(409);
    let open = app
        .get(&format!("/api/v1/ncrs?status=open&lot_id={lot}"))
        .await;
    assert_eq!(open.body["items"], json!([]));
}

#[actix_web::test]
async fn a_supplier_bound_token_sees_only_its_suppliers_reports() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    let (lot, _) = app.rejected(&s).await;
    let id = app.ncrs_of(&lot).await[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let other = app.create_supplier("OTHER").await;
    let mut tokens = Vec::new();
    for supplier in [&s.supplier_id, &other] {
        let reply = app
            .post(
                "/api/v1/tokens",
                json!({"name": "tablet", "holder": "device", "role": "inspector",
                    "supplier_id": supplier}),
            )
            .await;
        assert_eq!(reply.status, 201, "{}", reply.body);
        tokens.push(reply.body["token"].as_str().unwrap().to_string());
    }
    let get = |uri: &str| TestRequest::get().uri(uri);

    let own = app.send_as(&tokens[0], get("/api/v1/ncrs")).await;
    let foreign_list = app.send_as(&tokens[1], get("/api/v1/ncrs")).await;
    let foreign_read = app
        .send_as(&tokens[1], get(&format!("/api/v1/ncrs/{id}")))
        .await;

    assert_eq!(
        own.body["items"].as_array().unwrap().len(),
        1,
        "{}",
        own.body
    );
    assert_eq!(foreign_list.body["items"], json!([]));
    foreign_read.assert_problem(404);
}

#[actix_web::test]
async fn the_trail_verifies_after_a_report_is_opened_changed_and_closed() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    let (lot, decision) = app.rejected(&s).await;
    let id = app.ncrs_of(&lot).await[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let changed = app
        .send(
            TestRequest::patch()
                .uri(&format!("/api/v1/ncrs/{id}"))
                .insert_header(("If-Match", "*"))
                .set_json(json!({"description": "Flash on three clips.", "reason": "clearer"})),
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.body);
    let closed = app
        .close(
            &id,
            json!({"verification_note": "supplier 8D accepted", "reason": "verified"}),
        )
        .await;
    assert_eq!(closed.status, 200, "{}", closed.body);
    let read = app.get(&format!("/api/v1/ncrs/{id}")).await;

    let (ok, out) = run_lotgate(&app.db.url(), &["audit", "verify"]);

    assert!(ok, "{out}");
    let changes: Vec<(&str, &str)> = read.body["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["action"].as_str().unwrap(), c["reason"].as_str().unwrap()))
        .collect();
    assert_eq!(
        changes,
        [
            (
                "open",
                format!(
                    "decision {} did not accept the lot",
                    decision["id"].as_str().unwrap()
                )
                .as_str()
            ),
            ("update", "clearer"),
            ("close", "verified")
        ]
    );
}
