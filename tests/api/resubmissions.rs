//! A lot is judged on its original inspection; a resubmission is recorded as such
//! (ISO 2859-1:1999, the original inspection and 7.6, resubmitted lots).
//!
//! Plans used (ISO 2859-1:1999 Table I, Tables II-A and II-B, as transcribed in
//! crates/sampling/tests/data/gbt2828_1_2012_resolved.tsv), lot 500, level II -> H:
//! AQL 1.0 normal: H n 50 Ac 1 Re 2; tightened: J n 80 Ac 1 Re 2.

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::test::TestRequest;
use lotgate::domain::Role;
use serde_json::{Value, json};

use crate::streams::Stream;
use crate::support::{Reply, TestApp, app};

impl<S, B> TestApp<S>
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    /// Posts a sampling inspection of `units` attribute results, the first `failures`
    /// failed, optionally against a resubmission.
    async fn sample(
        &self,
        lot: &str,
        s: &Stream,
        units: usize,
        failures: usize,
        resubmission: Option<&str>,
    ) -> (String, Reply) {
        self.sample_from("in_house", lot, s, units, failures, resubmission)
            .await
    }

    async fn sample_from(
        &self,
        source: &str,
        lot: &str,
        s: &Stream,
        units: usize,
        failures: usize,
        resubmission: Option<&str>,
    ) -> (String, Reply) {
        let id = uuid::Uuid::new_v4().to_string();
        let units: Vec<Value> = (1..=units)
            .map(|i| json!({"unit": i, "attributes": [{"characteristic_id": s.char_id, "pass": i > failures}]}))
            .collect();
        let mut body = json!({"id": id, "source": source, "mode": "sampling",
            "inspector": "kim", "inspected_at": "2026-11-20T09:15:00Z", "units": units});
        if let Some(r) = resubmission {
            body["resubmission_id"] = json!(r);
        }
        let reply = self
            .post(&format!("/api/v1/lots/{lot}/inspections"), body)
            .await;
        (id, reply)
    }

    /// A lot of 500 whose original sample (3 nonconforming in 50, Re 2) rejected it.
    async fn rejected_lot(&self, s: &Stream) -> (String, String) {
        let lot = self.stream_lot(s, "L-1", 500, "2026-11-01").await;
        let (original, reply) = self.sample(&lot, s, 50, 3, None).await;
        assert_eq!(reply.status, 201, "{}", reply.body);
        let d = self.decide(&lot).await;
        assert_eq!(d.body["verdict"], "reject", "{}", d.body);
        (lot, original)
    }

    async fn resubmit(&self, lot: &str, body: Value) -> Reply {
        self.post(&format!("/api/v1/lots/{lot}/resubmissions"), body)
            .await
    }

    async fn switching(&self, s: &Stream) -> Value {
        let reply = self
            .get(&format!(
                "/api/v1/suppliers/{}/switching?part_id={}",
                s.supplier_id, s.part_id
            ))
            .await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        reply.body
    }
}

/// ISO 2859-1: the lot is judged on its original inspection. The probe: a clean
/// second sample of a lot rejected on its first is no way to get it accepted.
#[actix_web::test]
async fn a_second_sample_of_a_rejected_lot_is_refused_and_the_lot_stays_rejected() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    let (lot, original) = app.rejected_lot(&s).await;

    let (_, second) = app.sample(&lot, &s, 50, 0, None).await;

    second.assert_problem(409);
    assert_eq!(second.error_fields(), ["units"], "{}", second.body);
    let detail = second.body["detail"].as_str().unwrap();
    assert!(detail.contains(&original), "{detail}");
    assert!(detail.contains("correct_inspection"), "{detail}");
    assert!(detail.contains("resubmit_lot"), "{detail}");
    let d = app.decide(&lot).await.body;
    assert_eq!(d["verdict"], "reject");
    assert_eq!(d["characteristics"][0]["decided_by"], original.as_str());
    assert_eq!(d["characteristics"][0]["later_disagreeing"], json!([]));
}

/// ISO 2859-1 7.6: a sorted lot resubmitted is judged apart, on tightened inspection by
/// default; the original rejection stands and the switching rules do not count it.
#[actix_web::test]
async fn a_sorted_resubmission_is_judged_on_tightened_beside_the_original_rejection() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    let (lot, original) = app.rejected_lot(&s).await;
    let switching_before = app.switching(&s).await;

    let r = app
        .resubmit(
            &lot,
            json!({"reason": "every unit checked for scratches, 9 removed", "action": "sorted"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.body["severity"], "tightened");
    let rid = r.body["id"].as_str().unwrap().to_string();
    let (resampled, reply) = app.sample(&lot, &s, 80, 0, Some(&rid)).await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    let d = app.decide(&lot).await.body;

    assert_eq!(d["verdict"], "reject", "{d}");
    assert_eq!(d["characteristics"][0]["decided_by"], original.as_str());
    assert_eq!(d["characteristics"][0]["verdict"], "reject");
    let judged = &d["resubmissions"][0];
    assert_eq!(judged["resubmission_id"], rid.as_str());
    assert_eq!(judged["action"], "sorted");
    assert_eq!(judged["severity"], "tightened");
    assert_eq!(judged["inspection_id"], resampled.as_str());
    assert_eq!(judged["verdict"], "accept", "{judged}");
    let plan = &judged["characteristics"][0]["plan"];
    assert_eq!(plan["severity"], "tightened");
    assert_eq!(
        (&plan["code_letter"], &plan["sample_size"]),
        (&json!("J"), &json!(80))
    );
    assert_eq!(app.switching(&s).await, switching_before);
}

/// ISO 2859-1 7.6: the responsible authority may choose normal inspection for the
/// resubmission; the choice is recorded and its plan applied (H n 50, not J n 80).
#[actix_web::test]
async fn a_resubmission_on_normal_inspection_is_recorded_and_judged_on_the_normal_plan() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    let (lot, _) = app.rejected_lot(&s).await;

    let r = app
        .resubmit(
            &lot,
            json!({"reason": "mould reworked, every unit retested", "action": "reworked",
                "severity": "normal"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let rid = r.body["id"].as_str().unwrap().to_string();
    let (_, reply) = app.sample(&lot, &s, 50, 0, Some(&rid)).await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    let d = app.decide(&lot).await.body;

    assert_eq!(r.body["severity"], "normal");
    let judged = &d["resubmissions"][0];
    assert_eq!(judged["severity"], "normal");
    assert_eq!(judged["action"], "reworked");
    assert_eq!(judged["characteristics"][0]["plan"]["sample_size"], 50);
    assert_eq!(judged["verdict"], "accept", "{judged}");
    assert_eq!(d["verdict"], "reject");
}

/// ISO 2859-1 7.6: one inspection per resubmission.
#[actix_web::test]
async fn a_resubmission_takes_one_inspection() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    let (lot, _) = app.rejected_lot(&s).await;
    let r = app
        .resubmit(&lot, json!({"reason": "sorted", "action": "sorted"}))
        .await;
    let rid = r.body["id"].as_str().unwrap().to_string();
    let (first, _) = app.sample(&lot, &s, 80, 2, Some(&rid)).await;

    let (_, again) = app.sample(&lot, &s, 80, 0, Some(&rid)).await;

    again.assert_problem(409);
    assert_eq!(again.error_fields(), ["resubmission_id"], "{}", again.body);
    assert!(again.body["detail"].as_str().unwrap().contains(&first));
}

/// ISO 2859-1 7.6: only a lot not accepted is resubmitted.
#[actix_web::test]
async fn an_accepted_lot_cannot_be_resubmitted() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    let lot = app.stream_lot(&s, "L-1", 500, "2026-11-01").await;
    app.sample(&lot, &s, 50, 0, None).await;
    app.decide(&lot).await;

    let r = app
        .resubmit(&lot, json!({"reason": "sorted", "action": "sorted"}))
        .await;

    r.assert_problem(409);
    assert!(
        r.body["detail"].as_str().unwrap().contains("not rejected"),
        "{}",
        r.body
    );
}

/// The inspection that decided and the other inspections whose own verdict differs are
/// named: here a full inspection (ISO 2859-1: it covers the lot) decides, and the
/// original sample that rejected is listed as disagreeing.
#[actix_web::test]
async fn the_decision_names_the_deciding_inspection_and_those_that_disagree() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    let (lot, original) = app.rejected_lot(&s).await;

    let full = app
        .attribute_inspection(&lot, &s.char_id, 500, 0, "full", None)
        .await;
    let d = app.decide(&lot).await.body;

    let c = &d["characteristics"][0];
    assert_eq!(c["verdict"], "accept", "{c}");
    assert_eq!(c["decided_by"], full.as_str());
    assert_eq!(c["later_disagreeing"], json!([original]));
}

#[actix_web::test]
async fn an_inspector_may_not_resubmit_a_lot() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    let (lot, _) = app.rejected_lot(&s).await;
    let inspector = app.token(Role::Inspector);

    let reply = app
        .send_as(
            &inspector,
            TestRequest::post()
                .uri(&format!("/api/v1/lots/{lot}/resubmissions"))
                .set_json(json!({"reason": "sorted", "action": "sorted"})),
        )
        .await;

    reply.assert_problem(403);
    let reviewer = app.token(Role::Reviewer);
    let allowed = app
        .send_as(
            &reviewer,
            TestRequest::post()
                .uri(&format!("/api/v1/lots/{lot}/resubmissions"))
                .set_json(json!({"reason": "sorted", "action": "sorted"})),
        )
        .await;
    assert_eq!(allowed.status, 201, "{}", allowed.body);
}

/// The supplier's outgoing sample (factory) and the incoming one (in-house) are two
/// parties' original inspections: the factory's clean sample does not block incoming
/// inspection, and the lot is judged on the in-house one (ISO 2859-1 original inspection).
#[actix_web::test]
async fn a_factory_sample_does_not_block_incoming_inspection_which_decides() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    let lot = app.stream_lot(&s, "L-1", 500, "2026-11-01").await;
    let (factory, first) = app.sample_from("factory", &lot, &s, 50, 0, None).await;
    assert_eq!(first.status, 201, "{}", first.body);

    let (in_house, second) = app.sample(&lot, &s, 50, 3, None).await;
    let (_, again) = app.sample_from("factory", &lot, &s, 50, 0, None).await;

    assert_eq!(second.status, 201, "{}", second.body);
    again.assert_problem(409);
    assert_eq!(again.error_fields(), ["units"]);
    let d = app.decide(&lot).await.body;
    let c = &d["characteristics"][0];
    assert_eq!(d["verdict"], "reject");
    assert_eq!(c["decided_by"], in_house.as_str());
    assert_eq!(c["later_disagreeing"], json!([factory]));
}

/// The inspection views say which inspection is a resubmission's (ISO 2859-1 7.6): the
/// resubmission's id on its inspection, null on the lot's original one.
#[actix_web::test]
async fn inspection_views_name_the_resubmission_an_inspection_inspects() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    let (lot, original) = app.rejected_lot(&s).await;
    let r = app
        .resubmit(&lot, json!({"reason": "sorted", "action": "sorted"}))
        .await;
    let rid = r.body["id"].as_str().unwrap().to_string();
    let (resampled, reply) = app.sample(&lot, &s, 80, 0, Some(&rid)).await;

    let one = app.get(&format!("/api/v1/inspections/{resampled}")).await;
    let first = app.get(&format!("/api/v1/inspections/{original}")).await;
    let list = app.get(&format!("/api/v1/lots/{lot}/inspections")).await;

    assert_eq!(
        reply.body["resubmission_id"],
        rid.as_str(),
        "{}",
        reply.body
    );
    assert_eq!(one.body["resubmission_id"], rid.as_str(), "{}", one.body);
    assert_eq!(first.body["resubmission_id"], Value::Null, "{}", first.body);
    let listed: std::collections::HashMap<&str, &Value> = list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["id"].as_str().unwrap(), &i["resubmission_id"]))
        .collect();
    assert_eq!(listed.len(), 2, "{}", list.body);
    assert_eq!(listed[original.as_str()], &Value::Null);
    assert_eq!(listed[resampled.as_str()], &json!(rid));
}

/// A correction of a resubmission's inspection stays the resubmission's, in the views too.
#[actix_web::test]
async fn a_correction_of_a_resubmissions_inspection_shows_its_resubmission() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    let (lot, _) = app.rejected_lot(&s).await;
    let r = app
        .resubmit(&lot, json!({"reason": "sorted", "action": "sorted"}))
        .await;
    let rid = r.body["id"].as_str().unwrap().to_string();
    let (resampled, _) = app.sample(&lot, &s, 80, 0, Some(&rid)).await;

    let corrected = app
        .attribute_inspection(&lot, &s.char_id, 80, 1, "sampling", Some(&resampled))
        .await;

    let view = app.get(&format!("/api/v1/inspections/{corrected}")).await;
    assert_eq!(view.body["resubmission_id"], rid.as_str(), "{}", view.body);
    assert_eq!(view.body["supersedes"], resampled.as_str());
}

/// The CSV import records a resubmission's inspection (ISO 2859-1 7.6) under the same
/// rules as the JSON path: one inspection per resubmission.
#[actix_web::test]
async fn the_csv_import_records_the_inspection_of_a_resubmission() {
    let app = app().await;
    let s = app
        .stream(
            json!({"name": "Width", "kind": "variable", "unit": "mm", "nominal": 12.0,
            "lsl": 11.8, "usl": 12.2}),
        )
        .await;
    let lot = app.stream_lot(&s, "L-1", 500, "2026-11-01").await;
    // H n 50 Ac 1 Re 2: 3 widths above the USL of 12.2 reject the lot.
    let units: Vec<Value> = (1..=50)
        .map(|i| {
            json!({"unit": i, "measurements": [{"characteristic_id": s.char_id,
            "value": if i <= 3 { 12.5 } else { 12.0 }}]})
        })
        .collect();
    let first = app
        .post(
            &format!("/api/v1/lots/{lot}/inspections"),
            json!({"id": uuid::Uuid::new_v4(), "source": "in_house", "mode": "sampling",
                "inspector": "kim", "inspected_at": "2026-11-20T09:15:00Z", "units": units}),
        )
        .await;
    assert_eq!(first.status, 201, "{}", first.body);
    assert_eq!(app.decide(&lot).await.body["verdict"], "reject");
    let r = app
        .resubmit(
            &lot,
            json!({"reason": "sorted by width", "action": "sorted"}),
        )
        .await;
    let rid = r.body["id"].as_str().unwrap().to_string();
    // Tightened J n 80: 80 rows in spec.
    let csv: String = std::iter::once("unit,serial,Width\n".to_string())
        .chain((1..=80).map(|i| format!("{i},,12.0\n")))
        .collect();
    let import = |id: String| {
        TestRequest::post()
            .uri(&format!(
                "/api/v1/lots/{lot}/inspections/import?id={id}&source=in_house&mode=sampling\
                 &inspector=kim&inspected_at=2026-11-21T08:00:00Z&resubmission_id={rid}"
            ))
            .insert_header(("content-type", "text/csv"))
            .set_payload(csv.clone())
    };

    let id = uuid::Uuid::new_v4().to_string();
    let imported = app.send(import(id.clone())).await;
    let again = app.send(import(uuid::Uuid::new_v4().to_string())).await;

    assert_eq!(imported.status, 201, "{}", imported.body);
    assert_eq!(imported.body["resubmission_id"], rid.as_str());
    again.assert_problem(409);
    assert_eq!(again.error_fields(), ["resubmission_id"], "{}", again.body);
    let judged = &app.decide(&lot).await.body["resubmissions"][0];
    assert_eq!(judged["inspection_id"], id.as_str(), "{judged}");
    assert_eq!(judged["verdict"], "accept", "{judged}");
}

/// An unknown resubmission in the CSV import is an unknown reference (404) naming
/// `resubmission_id`, as in the JSON path.
#[actix_web::test]
async fn the_csv_import_refuses_an_unknown_resubmission_naming_it() {
    let app = app().await;
    let f = app.fixture().await;
    let unknown = uuid::Uuid::new_v4();
    let req = TestRequest::post()
        .uri(&format!(
            "/api/v1/lots/{}/inspections/import?id={}&source=in_house&mode=sampling\
             &inspector=kim&inspected_at=2026-11-21T08:00:00Z&resubmission_id={unknown}",
            f.lot_id,
            uuid::Uuid::new_v4()
        ))
        .insert_header(("content-type", "text/csv"))
        .set_payload("unit,serial,Width\n1,,12.0\n");

    let reply = app.send(req).await;

    reply.assert_problem(404);
    assert_eq!(reply.error_fields(), ["resubmission_id"], "{}", reply.body);
}

/// `list_lot_resubmissions`: the lot's resubmissions in the order recorded, each with
/// its inspection as it stands (the correction, once corrected), null while it awaits one.
#[actix_web::test]
async fn a_lots_resubmissions_are_listed_in_order_with_their_inspections() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    let (lot, _) = app.rejected_lot(&s).await;
    let first = app
        .resubmit(&lot, json!({"reason": "sorted", "action": "sorted"}))
        .await;
    let first_id = first.body["id"].as_str().unwrap().to_string();
    let (sample, _) = app.sample(&lot, &s, 80, 3, Some(&first_id)).await;
    let corrected = app
        .attribute_inspection(&lot, &s.char_id, 80, 2, "sampling", Some(&sample))
        .await;
    // Still rejected on the original inspection, so it may be resubmitted again.
    let second = app
        .resubmit(&lot, json!({"reason": "reworked", "action": "reworked"}))
        .await;
    assert_eq!(second.status, 201, "{}", second.body);

    let list = app.get(&format!("/api/v1/lots/{lot}/resubmissions")).await;

    assert_eq!(list.status, 200, "{}", list.body);
    let rows: Vec<(&Value, &Value, &Value)> = list
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (&r["id"], &r["action"], &r["inspection_id"]))
        .collect();
    assert_eq!(
        rows,
        [
            (&json!(first_id), &json!("sorted"), &json!(corrected)),
            (&second.body["id"], &json!("reworked"), &Value::Null),
        ]
    );
}

/// A token bound to another supplier does not see the lot's resubmissions (404); one
/// bound to the lot's supplier does.
#[actix_web::test]
async fn a_bound_token_lists_only_its_own_suppliers_resubmissions() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    let (lot, _) = app.rejected_lot(&s).await;
    let other = app.create_supplier("OTH").await;
    let own = app.supplier_token(&s.supplier_id, "inspector").await;
    let foreign = app.supplier_token(&other, "inspector").await;
    let uri = format!("/api/v1/lots/{lot}/resubmissions");

    let seen = app.send_as(&own, TestRequest::get().uri(&uri)).await;
    let hidden = app.send_as(&foreign, TestRequest::get().uri(&uri)).await;

    assert_eq!(seen.status, 200, "{}", seen.body);
    assert_eq!(seen.body, json!([]));
    hidden.assert_problem(404);
    assert!(
        hidden.body["detail"].as_str().unwrap().contains("lot"),
        "{}",
        hidden.body
    );
}
