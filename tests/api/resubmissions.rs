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
