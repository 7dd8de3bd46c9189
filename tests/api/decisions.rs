//! Lot decisions through the API: plans and verdicts, which inspections count, full
//! inspection or sampling, immutable revisions, and sampling against full inspection.
//!
//! Plans used (ISO 2859-1:1999 Table I and Table II-A, as transcribed in
//! crates/sampling/tests/data/gbt2828_1_2012_resolved.tsv):
//! lot 1000, level II -> J: AQL 1.0 n 80 Ac 2 Re 3;
//! lot 500, level II -> H: AQL 1.0 n 50 Ac 1 Re 2;
//! lot 200, level II -> G (n 32).

use diesel::RunQueryDsl;
use serde_json::{Value, json};

use crate::support::app;

fn only(decision: &Value) -> &Value {
    &decision["characteristics"][0]
}

#[actix_web::test]
async fn accepts_a_lot_when_defectives_stay_within_the_acceptance_number() {
    let app = app().await;
    let s = app.stream(json!({})).await;

    let d = app.decided_lot(&s, "L-1", "2026-11-01", 80, 2).await;

    let c = only(&d);
    assert_eq!(c["plan"]["code_letter"], "J");
    assert_eq!(c["plan"]["sample_size"], 80);
    assert_eq!(c["plan"]["acceptance_number"], 2);
    assert_eq!(c["plan"]["rejection_number"], 3);
    assert_eq!(c["plan"]["severity"], "normal");
    assert_eq!(c["mode"], "sampling");
    assert_eq!(
        (c["units_inspected"].as_u64(), c["defectives"].as_u64()),
        (Some(80), Some(2))
    );
    assert_eq!(c["verdict"], "accept");
    assert_eq!(d["verdict"], "accept");
    assert_eq!(d["revision"], 1);
    assert!(
        d["rule"]
            .as_str()
            .unwrap()
            .contains("rejected when any characteristic")
    );
}

#[actix_web::test]
async fn rejects_a_lot_when_defectives_reach_the_rejection_number() {
    let app = app().await;
    let s = app.stream(json!({})).await;

    let d = app.decided_lot(&s, "L-1", "2026-11-01", 80, 3).await;

    assert_eq!(only(&d)["verdict"], "reject");
    assert_eq!(d["verdict"], "reject");
}

#[actix_web::test]
async fn is_pending_while_the_sample_is_incomplete() {
    let app = app().await;
    let s = app.stream(json!({})).await;

    let d = app.decided_lot(&s, "L-1", "2026-11-01", 40, 1).await;

    assert_eq!(only(&d)["verdict"], "pending");
    assert!(
        only(&d)["explanation"]
            .as_str()
            .unwrap()
            .starts_with("Pending: 40 of 80")
    );
    assert_eq!(d["verdict"], "pending");
}

#[actix_web::test]
async fn counts_a_measurement_outside_its_limits_as_defective_and_one_on_a_limit_as_good() {
    let app = app().await;
    let part = app.create_part("CLP-9").await;
    let width = app
        .create_characteristic(&part, crate::builders::width())
        .await;
    let supplier = app.create_supplier("SUP").await;
    let lot = app
        .create_lot(&part, &supplier, "L-1", 1000, "2026-11-01")
        .await;
    // Width 11.8 .. 12.2 mm: 11.79 and 12.21 are outside, 12.2 is on the limit.
    let units: Vec<Value> = (1..=80)
        .map(|i| {
            let value = match i {
                1 => 11.79,
                2 => 12.21,
                3 => 12.2,
                _ => 12.0,
            };
            json!({"unit": i, "measurements": [{"characteristic_id": width, "value": value}]})
        })
        .collect();
    let body = json!({"id": uuid::Uuid::new_v4(), "source": "factory", "mode": "sampling",
        "inspector": "kim", "inspected_at": "2026-11-02T08:00:00Z", "units": units});
    assert_eq!(
        app.post(&format!("/api/v1/lots/{lot}/inspections"), body)
            .await
            .status,
        201
    );

    let d = app.decide(&lot).await;

    assert_eq!(d.status, 201, "{}", d.body);
    assert_eq!(only(&d.body)["defectives"], 2);
    assert_eq!(only(&d.body)["verdict"], "accept");
}

#[actix_web::test]
async fn deciding_again_after_a_correction_makes_a_new_revision_and_keeps_the_old_one() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    let lot = app.stream_lot(&s, "L-1", 1000, "2026-11-01").await;
    let first = app
        .attribute_inspection(&lot, &s.char_id, 80, 0, "sampling", None)
        .await;
    let rev1 = app.decide(&lot).await.body;

    let correction = app
        .attribute_inspection(&lot, &s.char_id, 80, 3, "sampling", Some(&first))
        .await;
    let rev2 = app.decide(&lot).await;

    assert_eq!(rev2.status, 201, "{}", rev2.body);
    assert_eq!(rev2.body["revision"], 2);
    assert_eq!(rev2.body["verdict"], "reject");
    assert_eq!(only(&rev2.body)["inspection_id"], correction.as_str());
    assert_eq!(
        rev2.headers.get("location").unwrap(),
        format!("/api/v1/lots/{lot}/decision?revision=2").as_str()
    );
    let latest = app.get(&format!("/api/v1/lots/{lot}/decision")).await;
    assert_eq!(latest.body, rev2.body);
    let old = app
        .get(&format!("/api/v1/lots/{lot}/decision?revision=1"))
        .await;
    assert_eq!(old.body, rev1);
    assert_eq!(old.body["verdict"], "accept");
}

#[actix_web::test]
async fn the_database_refuses_to_change_a_stored_decision() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    app.decided_lot(&s, "L-1", "2026-11-01", 80, 0).await;
    let mut conn = app.db.pool.get().unwrap();

    let update =
        diesel::sql_query("UPDATE lot_decisions SET verdict = 'reject'").execute(&mut conn);
    let delete = diesel::sql_query("DELETE FROM lot_decisions").execute(&mut conn);
    let outcome = diesel::sql_query("UPDATE decision_characteristic_outcomes SET defectives = 0")
        .execute(&mut conn);

    assert_eq!(
        update.unwrap_err().to_string(),
        "lot decisions are immutable: UPDATE on lot_decisions is not allowed; decide again for a new revision"
    );
    assert_eq!(
        delete.unwrap_err().to_string(),
        "lot decisions are immutable: DELETE on lot_decisions is not allowed; decide again for a new revision"
    );
    assert_eq!(
        outcome.unwrap_err().to_string(),
        "lot decisions are immutable: UPDATE on decision_characteristic_outcomes is not allowed; decide again for a new revision"
    );
}

#[actix_web::test]
async fn an_impossible_stored_limit_fails_the_decision_instead_of_finding_nothing_defective() {
    let app = app().await;
    let part = app.create_part("CLP-9").await;
    let width = app
        .create_characteristic(&part, crate::builders::width())
        .await;
    let supplier = app.create_supplier("SUP").await;
    let lot = app
        .create_lot(&part, &supplier, "L-1", 1000, "2026-11-01")
        .await;
    let units: Vec<Value> = (1..=80)
        .map(|i| json!({"unit": i, "measurements": [{"characteristic_id": width, "value": 99.0}]}))
        .collect();
    let body = json!({"id": uuid::Uuid::new_v4(), "source": "factory", "mode": "sampling",
        "inspector": "kim", "inspected_at": "2026-11-02T08:00:00Z", "units": units});
    assert_eq!(
        app.post(&format!("/api/v1/lots/{lot}/inspections"), body)
            .await
            .status,
        201
    );
    // An infinite limit passes the table's checks but is no specification limit: read as
    // "no limit", every unit above would have been good.
    diesel::sql_query(format!(
        "UPDATE characteristics SET lsl = '-Infinity' WHERE id = '{width}'"
    ))
    .execute(&mut app.db.pool.get().unwrap())
    .unwrap();

    let d = app.decide(&lot).await;

    d.assert_problem(500);
    assert_eq!(d.body["type"], "urn:lotgate:problem:internal-error");
    app.get(&format!("/api/v1/lots/{lot}/decision"))
        .await
        .assert_problem(404);
}

#[actix_web::test]
async fn a_critical_characteristic_is_fully_inspected_and_one_defective_rejects() {
    let app = app().await;
    let s = app
        .stream(json!({"classification": "critical", "aql": 0.010}))
        .await;
    let lot = app.stream_lot(&s, "L-1", 200, "2026-11-01").await;
    app.attribute_inspection(&lot, &s.char_id, 32, 0, "sampling", None)
        .await;

    let clean = app.decide(&lot).await.body;
    let c = only(&clean);
    assert_eq!(c["mode"], "full");
    assert_eq!(
        c["mode_reason"],
        "Full inspection: the characteristic is critical."
    );
    assert_eq!(c["applied"]["sample_size"], 200);
    assert_eq!(c["applied"]["acceptance_number"], 0);
    assert_eq!(c["verdict"], "pending");

    // The sort goes on as a full inspection: a second sampling inspection of the lot
    // would be refused (the lot is judged on its original inspection, ISO 2859-1).
    let second = app
        .attribute_inspection(&lot, &s.char_id, 32, 1, "full", None)
        .await;
    let found = app.decide(&lot).await.body;
    assert_eq!(only(&found)["inspection_id"], second.as_str());
    assert_eq!(only(&found)["verdict"], "reject");
}

#[actix_web::test]
async fn a_destructive_test_is_sampled_even_when_one_defect_is_fatal() {
    let app = app().await;
    let s = app
        .stream(json!({"destructive": true, "one_defect_fatal": true}))
        .await;

    let d = app.decided_lot(&s, "L-1", "2026-11-01", 80, 0).await;

    assert_eq!(only(&d)["mode"], "sampling");
    assert!(
        only(&d)["mode_reason"]
            .as_str()
            .unwrap()
            .contains("destructive")
    );
    assert_eq!(only(&d)["verdict"], "accept");
}

#[actix_web::test]
async fn demings_rule_chooses_full_inspection_when_the_history_puts_p_above_k1_over_k2() {
    let app = app().await;
    // k1 / k2 = 1 / 10: full inspection pays when p > 0.1.
    let s = app
        .stream(json!({"inspection_cost": 1.0, "escape_cost": 10.0}))
        .await;
    let first = app.decided_lot(&s, "L-1", "2026-11-01", 80, 16).await;

    let second = app.decided_lot(&s, "L-2", "2026-11-08", 80, 0).await;

    assert_eq!(only(&first)["mode"], "sampling");
    let c = only(&second);
    assert_eq!(c["mode"], "full", "{c}");
    assert!(c["mode_reason"].as_str().unwrap().contains("kp rule"));
    let e = &c["economics"];
    assert_eq!(e["estimated_fraction_defective"], 0.2);
    assert_eq!(e["break_even_fraction_defective"], 0.1);
    assert_eq!(e["expected_cost_full_inspection"], 1000.0);
    // Pa(0.2) of n 80, c 2 is about 1e-5, so sampling costs almost a full sort (k1 * ATI
    // ~ 1000) plus the escapes of the rare accepted lots.
    assert!(e["expected_cost_sampling"].as_f64().unwrap() > 999.0);
    assert_eq!(c["verdict"], "pending");
}

#[actix_web::test]
async fn compares_the_sampling_verdict_with_a_full_inspection_that_decides_the_lot() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    let lot = app.stream_lot(&s, "L-1", 500, "2026-11-01").await;
    let sample = app
        .attribute_inspection(&lot, &s.char_id, 50, 1, "sampling", None)
        .await;
    let full = app
        .attribute_inspection(&lot, &s.char_id, 500, 15, "full", None)
        .await;

    let d = app.decide(&lot).await.body;

    let c = only(&d);
    // The full inspection covers the lot, so it decides (Ac 1 Re 2 applied to the 500
    // units); the sample, accepted by the plan, is only compared with it.
    assert_eq!(c["verdict"], "reject");
    assert_eq!(c["inspection_id"], full.as_str());
    // Recorded without serials, the sample's unit 1 cannot be told from the full
    // inspection's: 1 + 15 units are listed.
    assert_eq!(c["nonconforming_units"].as_array().unwrap().len(), 16);
    let cmp = &c["comparison"];
    assert_eq!(cmp["sampling_inspection_id"], sample.as_str());
    assert_eq!(cmp["full_inspection_id"], full.as_str());
    assert_eq!(cmp["fraction_defective"], 0.03);
    assert_eq!(cmp["full_verdict"], "reject");
    assert_eq!(cmp["sampling_verdict"], "accept");
    assert_eq!(cmp["agrees"], false);
    // Exact hypergeometric, sum_{x<=1} C(15,x) C(485,50-x) / C(500,50) (Python math.comb).
    let pa = cmp["probability_of_acceptance"].as_f64().unwrap();
    assert!((pa - 0.5468782337301074).abs() < 1e-9, "{pa}");
}

#[actix_web::test]
async fn a_lot_without_a_decision_and_an_unknown_lot_are_not_found() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    let lot = app.stream_lot(&s, "L-1", 1000, "2026-11-01").await;
    let nobody = uuid::Uuid::new_v4();

    let undecided = app.get(&format!("/api/v1/lots/{lot}/decision")).await;
    let no_revision = app
        .get(&format!("/api/v1/lots/{lot}/decision?revision=2"))
        .await;
    let unknown = app.decide(&nobody.to_string()).await;
    let zero = app
        .get(&format!("/api/v1/lots/{lot}/decision?revision=0"))
        .await;

    undecided.assert_problem(404);
    assert_eq!(
        undecided.body["detail"],
        format!("no decision for the lot with id {lot}")
    );
    no_revision.assert_problem(404);
    assert_eq!(
        no_revision.body["detail"],
        format!("no decision revision with id 2 of lot {lot}")
    );
    unknown.assert_problem(404);
    assert_eq!(unknown.body["detail"], format!("no lot with id {nobody}"));
    zero.assert_problem(422);
    assert_eq!(zero.error_fields(), ["revision"]);
    assert_eq!(zero.body["errors"][0]["message"], "revisions start at 1");
}

#[actix_web::test]
async fn a_characteristic_keeps_its_costs_and_refuses_a_zero_escape_cost() {
    let app = app().await;
    let part = app.create_part("CLP-9").await;
    let body = json!({"name": "Flash", "kind": "attribute", "classification": "minor",
        "aql": 2.5, "inspection_level": "II", "inspection_cost": 0.5, "escape_cost": 0.0});

    let bad = app
        .post(
            &format!("/api/v1/parts/{part}/characteristics"),
            body.clone(),
        )
        .await;
    let mut good_body = body;
    good_body["escape_cost"] = json!(20.0);
    let good = app
        .post(&format!("/api/v1/parts/{part}/characteristics"), good_body)
        .await;

    bad.assert_problem(422);
    assert_eq!(bad.error_fields(), ["escape_cost"]);
    assert_eq!(good.status, 201);
    assert_eq!(good.body["inspection_cost"], 0.5);
    assert_eq!(good.body["one_defect_fatal"], false);
}

#[actix_web::test]
async fn costs_beyond_the_documented_bounds_are_refused_so_decisions_stay_finite() {
    // An escape cost of 1e-308 made k1 / k2 infinite: the decision was stored with nulls
    // the document does not allow, and every later decision of the lot failed with a 500
    // reading it back (found by schemathesis).
    let app = app().await;
    let part = app.create_part("CLP-9").await;
    let uri = format!("/api/v1/parts/{part}/characteristics");
    let body = |k1: f64, k2: f64| {
        json!({"name": "Flash", "kind": "attribute", "classification": "minor", "aql": 2.5,
            "inspection_level": "II", "inspection_cost": k1, "escape_cost": k2})
    };

    let tiny_escape = app.post(&uri, body(2e307, 2.2e-308)).await;
    let edges = app.post(&uri, body(1e9, 1e-6)).await;

    tiny_escape.assert_problem(422);
    assert_eq!(
        tiny_escape.error_fields(),
        ["inspection_cost", "escape_cost"]
    );
    assert_eq!(edges.status, 201, "{}", edges.body);
}

#[actix_web::test]
async fn a_retried_decision_with_the_same_id_returns_the_stored_revision() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    let lot = app.stream_lot(&s, "L-1", 1000, "2026-11-01").await;
    let other = app.stream_lot(&s, "L-2", 1000, "2026-11-02").await;
    app.attribute_inspection(&lot, &s.char_id, 80, 0, "sampling", None)
        .await;
    let body = json!({"id": "1d2c3b4a-5e6f-4a7b-8c9d-0e1f2a3b4c5d"});
    let uri = format!("/api/v1/lots/{lot}/decision");

    let first = app.post(&uri, body.clone()).await;
    let retry = app.post(&uri, body.clone()).await;
    let elsewhere = app
        .post(&format!("/api/v1/lots/{other}/decision"), body)
        .await;
    let bad = app.post(&uri, json!({"id": "not-a-uuid"})).await;

    assert_eq!(first.status, 201, "{}", first.body);
    assert_eq!(retry.status, 200, "{}", retry.body);
    assert_eq!(retry.body, first.body);
    assert_eq!(first.body["id"], "1d2c3b4a-5e6f-4a7b-8c9d-0e1f2a3b4c5d");
    elsewhere.assert_problem(409);
    assert_eq!(elsewhere.error_fields(), ["id"]);
    assert_eq!(
        elsewhere.body["detail"],
        "a decision with this id is stored for another lot; use a new id"
    );
    bad.assert_problem(422);
    assert_eq!(bad.error_fields(), ["id"]);
    let latest = app.get(&uri).await;
    assert_eq!(latest.body["revision"], 1);
}

#[actix_web::test]
async fn a_json_null_body_is_refused_as_not_the_documented_object() {
    // The document describes the optional body as an object; no body decides, `null`
    // is a wrong type (found by schemathesis once the `null` alternative was dropped
    // for client generators).
    let app = app().await;
    let s = app.stream(json!({})).await;
    let lot = app.stream_lot(&s, "L-1", 1000, "2026-11-01").await;
    app.attribute_inspection(&lot, &s.char_id, 80, 0, "sampling", None)
        .await;

    let decided = app
        .post(&format!("/api/v1/lots/{lot}/decision"), Value::Null)
        .await;

    decided.assert_problem(422);
}

#[actix_web::test]
async fn a_lot_of_one_unit_is_fully_inspected_without_a_table_plan() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    let lot = app.stream_lot(&s, "L-1", 1, "2026-11-01").await;
    app.attribute_inspection(&lot, &s.char_id, 1, 1, "sampling", None)
        .await;

    let d = app.decide(&lot).await;

    assert_eq!(d.status, 201, "{}", d.body);
    let c = only(&d.body);
    assert_eq!(c["plan"], Value::Null);
    assert_eq!(c["mode"], "full");
    assert_eq!(c["verdict"], "reject");
}

#[actix_web::test]
async fn says_when_a_large_lot_comes_from_a_capable_process() {
    let app = app().await;
    let part = app.create_part("CLP-9").await;
    let width = app
        .create_characteristic(&part, crate::builders::width())
        .await;
    let supplier = app.create_supplier("SUP").await;
    let lot = app
        .create_lot(&part, &supplier, "L-1", 1000, "2026-11-01")
        .await;
    // 12.00 mm -0.02 .. +0.02 in steps of 0.01, 16 times: mean 12.00, s^2 = 0.016 / 79.
    let units: Vec<Value> = (1..=80)
        .map(|i| {
            let value = 12.0 + 0.01 * f64::from((i % 5) - 2);
            json!({"unit": i, "measurements": [{"characteristic_id": width, "value": value}]})
        })
        .collect();
    let body = json!({"id": uuid::Uuid::new_v4(), "source": "factory", "mode": "sampling",
        "inspector": "kim", "inspected_at": "2026-11-02T08:00:00Z", "units": units});
    assert_eq!(
        app.post(&format!("/api/v1/lots/{lot}/inspections"), body)
            .await
            .status,
        201
    );

    let d = app.decide(&lot).await.body;

    let c = only(&d);
    // Ppk = min(12.2 - 12.0, 12.0 - 11.8) / (3 s).
    let want = 0.2 / (3.0 * (0.016f64 / 79.0).sqrt());
    let got = c["process_performance"].as_f64().unwrap();
    assert!((got - want).abs() < 1e-6 * want, "{got} vs {want}");
    assert_eq!(c["mode"], "sampling");
    assert!(
        c["mode_reason"]
            .as_str()
            .unwrap()
            .contains("The process is capable (Ppk 4.68")
    );
}

#[actix_web::test]
async fn a_lot_only_fully_inspected_is_judged_on_the_full_inspection() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    let lot = app.stream_lot(&s, "L-1", 500, "2026-11-01").await;
    // Lot 500, level II, AQL 1.0 -> H: n 50, Ac 1, Re 2, applied to the whole lot.
    let full = app
        .attribute_inspection(&lot, &s.char_id, 500, 1, "full", None)
        .await;

    let d = app.decide(&lot).await.body;

    let c = only(&d);
    assert_eq!(c["mode"], "full");
    assert!(
        c["mode_reason"]
            .as_str()
            .unwrap()
            .contains("fully inspected")
    );
    assert_eq!(c["inspection_id"], full.as_str());
    assert_eq!(c["applied"]["sample_size"], 500);
    assert_eq!(c["verdict"], "accept");
    assert_eq!(c["switching_outcome"], Value::Null);
    // Accepted, yet its one nonconforming unit is rejected individually (ISO 2859-1 6.4).
    assert_eq!(c["nonconforming_units"][0]["unit"], 1);
    assert_eq!(c["nonconforming_units"][0]["inspection_id"], full.as_str());
    assert_eq!(c["nonconforming_units"].as_array().unwrap().len(), 1);
}

#[actix_web::test]
async fn the_decision_names_who_asked_for_it_and_keeps_the_name_when_read_back() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    let lot = app.stream_lot(&s, "L-1", 1000, "2026-11-01").await;
    app.attribute_inspection(&lot, &s.char_id, 80, 0, "sampling", None)
        .await;
    let reviewer =
        crate::support::issue_token(&app.db.pool, "amara (QA)", lotgate::domain::Role::Reviewer);

    let made = app
        .send_as(
            &reviewer,
            actix_web::test::TestRequest::post().uri(&format!("/api/v1/lots/{lot}/decision")),
        )
        .await;

    assert_eq!(made.status, 201, "{}", made.body);
    let expected = json!({"name": "amara (QA)", "role": "reviewer"});
    assert_eq!(made.body["decider"], expected);
    let read = app.get(&format!("/api/v1/lots/{lot}/decision")).await;
    assert_eq!(read.body["decider"], expected);
    // The next revision names whoever asked for it.
    let again = app.decide(&lot).await;
    assert_eq!(again.status, 201, "{}", again.body);
    assert_eq!(
        again.body["decider"],
        json!({"name": "test admin", "role": "admin"})
    );
}
