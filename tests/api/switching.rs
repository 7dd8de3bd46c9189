//! ISO 2859-1 switching rules through the API: sequences of lots decided one after the
//! other, out of lot order, and at the same time.
//!
//! Lots of 1000 at level II, AQL 1.0 (ISO 2859-1 Table I and Tables II-A/B/C, transcribed
//! in crates/sampling/tests/data/gbt2828_1_2012_resolved.tsv): normal J n 80 Ac 2 Re 3;
//! tightened J n 80 Ac 1 Re 2; reduced J n 32 Ac 1 Re 2; one AQL step tighter (0.65) on
//! normal is J n 80 Ac 1, so an accepted lot with at most 1 defective adds 3 to the
//! switching score (9.3.3.2).

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use serde_json::{Value, json};

use crate::streams::Stream;
use crate::support::{TestApp, app};

fn switching_of(body: &Value) -> &Value {
    &body["characteristics"][0]
}

#[actix_web::test]
async fn tightens_after_two_of_five_lots_are_rejected_and_returns_after_five_accepted() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    // Normal: reject, accept, reject -> 2 of the last 3 not accepted (9.3.2).
    app.decided_lot(&s, "L-01", "2026-10-01", 80, 3).await;
    app.decided_lot(&s, "L-02", "2026-10-02", 80, 0).await;
    app.decided_lot(&s, "L-03", "2026-10-03", 80, 3).await;

    // Tightened: Ac 1, so 2 defectives now reject; then 5 accepted in a row (9.3.4).
    let tightened = app.decided_lot(&s, "L-04", "2026-10-04", 80, 2).await;
    for k in 5..=9 {
        let d = app
            .decided_lot(&s, &format!("L-{k:02}"), &format!("2026-10-{k:02}"), 80, 1)
            .await;
        assert_eq!(d["characteristics"][0]["severity"], "tightened", "lot {k}");
        assert_eq!(d["verdict"], "accept", "lot {k}");
    }
    let back = app.decided_lot(&s, "L-10", "2026-10-10", 80, 2).await;

    let c = &tightened["characteristics"][0];
    assert_eq!(c["severity"], "tightened");
    assert_eq!(c["plan"]["severity"], "tightened");
    assert_eq!(c["plan"]["acceptance_number"], 1);
    assert_eq!(c["verdict"], "reject");
    assert_eq!(back["characteristics"][0]["severity"], "normal");
    assert_eq!(back["characteristics"][0]["verdict"], "accept");
    let history = app
        .get(&format!(
            "/api/v1/suppliers/{}/switching?part_id={}",
            s.supplier_id, s.part_id
        ))
        .await;
    assert_eq!(history.status, 200, "{}", history.body);
    let h = switching_of(&history.body);
    assert_eq!(h["severity"], "normal");
    assert_eq!(h["lots_counted"], 10);
    let switches: Vec<(&str, &str, &str)> = h["switches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["lot_number"].as_str().unwrap(),
                s["from"].as_str().unwrap(),
                s["to"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        switches,
        [
            ("L-03", "normal", "tightened"),
            ("L-09", "tightened", "normal")
        ]
    );
    assert!(
        h["switches"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("9.3.2")
    );
    assert!(
        h["switches"][1]["reason"]
            .as_str()
            .unwrap()
            .contains("9.3.4")
    );
}

#[actix_web::test]
async fn reduces_when_the_score_reaches_30_only_with_steady_production_and_approval() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    let settings = app
        .call(
            actix_web::http::Method::PUT,
            &format!("/api/v1/suppliers/{}/switching/settings", s.supplier_id),
            Some(
                json!({"part_id": s.part_id, "production_steady": true, "reduced_approved": true}),
            ),
        )
        .await;
    assert_eq!(settings.status, 200, "{}", settings.body);

    // Ten accepted lots with at most 1 defective: score 3, 6, ..., 30 -> reduced (9.3.3).
    for k in 1..=10 {
        let d = app
            .decided_lot(&s, &format!("L-{k:02}"), &format!("2026-10-{k:02}"), 80, 1)
            .await;
        assert_eq!(d["characteristics"][0]["severity"], "normal", "lot {k}");
    }
    let reduced = app.decided_lot(&s, "L-11", "2026-10-11", 32, 0).await;

    let c = &reduced["characteristics"][0];
    assert_eq!(c["severity"], "reduced");
    assert_eq!(c["plan"]["sample_size"], 32);
    assert_eq!(c["verdict"], "accept");
    let history = app
        .get(&format!(
            "/api/v1/suppliers/{}/switching?part_id={}",
            s.supplier_id, s.part_id
        ))
        .await;
    let h = switching_of(&history.body);
    assert_eq!(h["switches"][0]["lot_number"], "L-10");
    assert!(
        h["switches"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("score 30")
    );
    assert_eq!(history.body["settings"]["reduced_approved"], true);
}

#[actix_web::test]
async fn stays_on_normal_without_the_authoritys_approval() {
    let app = app().await;
    let s = app.stream(json!({})).await;

    for k in 1..=11 {
        app.decided_lot(&s, &format!("L-{k:02}"), &format!("2026-10-{k:02}"), 80, 0)
            .await;
    }

    let history = app
        .get(&format!(
            "/api/v1/suppliers/{}/switching?part_id={}",
            s.supplier_id, s.part_id
        ))
        .await;
    let h = switching_of(&history.body);
    assert_eq!(h["severity"], "normal");
    assert_eq!(h["switching_score"], 33);
    assert_eq!(h["switches"], json!([]));
}

#[actix_web::test]
async fn an_earlier_lot_decided_late_is_replayed_in_lot_order() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    // B and C are decided first; A, produced before both, last.
    app.decided_lot(&s, "B", "2026-10-10", 80, 3).await;
    let c_first = app.decided_lot(&s, "C", "2026-10-20", 80, 0).await;
    app.decided_lot(&s, "A", "2026-10-01", 80, 3).await;

    let uri = format!(
        "/api/v1/suppliers/{}/switching?part_id={}",
        s.supplier_id, s.part_id
    );
    let history = app.get(&uri).await;
    let h = switching_of(&history.body);
    // In lot order A and B are both rejected: tightened from lot B on (9.3.2).
    assert_eq!(h["switches"][0]["lot_number"], "B");
    assert_eq!(h["switches"][0]["to"], "tightened");
    // C was decided on normal before A was known: it must be decided again.
    assert_eq!(c_first["characteristics"][0]["severity"], "normal");
    assert_eq!(h["lots_to_decide_again"][0]["lot_number"], "C");
    assert_eq!(
        h["lots_to_decide_again"][0]["severity_by_rules"],
        "tightened"
    );

    let c_lot = c_first["lot_id"].as_str().unwrap();
    let c_again = app.decide(c_lot).await.body;
    assert_eq!(c_again["revision"], 2);
    assert_eq!(c_again["characteristics"][0]["severity"], "tightened");
    let history = app.get(&uri).await;
    assert_eq!(
        switching_of(&history.body)["lots_to_decide_again"],
        json!([])
    );
}

#[actix_web::test]
async fn simultaneous_decisions_are_serialised_and_keep_the_history_whole() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    let mut lots = Vec::new();
    for (number, day, failures) in [
        ("A", "2026-10-01", 3),
        ("B", "2026-10-02", 3),
        ("C", "2026-10-03", 0),
    ] {
        let lot = app.stream_lot(&s, number, 1000, day).await;
        app.attribute_inspection(&lot, &s.char_id, 80, failures, "sampling", None)
            .await;
        lots.push(lot);
    }

    let (a1, b, c, a2) = futures_util::join!(
        app.decide(&lots[0]),
        app.decide(&lots[1]),
        app.decide(&lots[2]),
        app.decide(&lots[0]),
    );

    for reply in [&a1, &b, &c, &a2] {
        assert_eq!(reply.status, 201, "{}", reply.body);
    }
    let mut revisions = [a1.body["revision"].as_i64(), a2.body["revision"].as_i64()];
    revisions.sort();
    assert_eq!(revisions, [Some(1), Some(2)]);
    let history = app
        .get(&format!(
            "/api/v1/suppliers/{}/switching?part_id={}",
            s.supplier_id, s.part_id
        ))
        .await;
    let h = switching_of(&history.body);
    assert_eq!(h["lots_counted"], 3);
    assert_eq!(h["switches"].as_array().unwrap().len(), 1);
    assert_eq!(h["switches"][0]["lot_number"], "B");
    assert_eq!(h["severity"], "tightened");
}

#[actix_web::test]
async fn switching_needs_a_known_supplier_and_part() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    let nobody = uuid::Uuid::new_v4();

    let no_supplier = app
        .get(&format!(
            "/api/v1/suppliers/{nobody}/switching?part_id={}",
            s.part_id
        ))
        .await;
    no_supplier.assert_problem(404);
    assert_eq!(
        no_supplier.body["detail"],
        format!("no supplier with id {nobody}")
    );
    let missing = app
        .get(&format!("/api/v1/suppliers/{}/switching", s.supplier_id))
        .await;
    missing.assert_problem(422);
    // A missing query parameter is named in the message; the field is the query.
    assert_eq!(missing.error_fields(), ["query"]);
    assert_eq!(
        missing.body["errors"][0]["message"],
        "missing field `part_id`"
    );
    let unknown_part = app
        .call(
            actix_web::http::Method::PUT,
            &format!("/api/v1/suppliers/{}/switching/settings", s.supplier_id),
            Some(json!({"part_id": nobody, "production_steady": true, "reduced_approved": false})),
        )
        .await;
    unknown_part.assert_problem(404);
    assert_eq!(unknown_part.error_fields(), ["part_id"]);
    assert_eq!(
        unknown_part.body["errors"][0]["message"],
        format!("no part with id {nobody}")
    );
}

fn switching_uri(s: &Stream) -> String {
    format!(
        "/api/v1/suppliers/{}/switching?part_id={}",
        s.supplier_id, s.part_id
    )
}

fn resume_uri(s: &Stream) -> String {
    format!("/api/v1/suppliers/{}/switching/resume", s.supplier_id)
}

/// Two lots rejected on normal (tightened from L-02, 9.3.2), then five not accepted on
/// tightened (2 defectives against Ac 1): discontinued from L-07 (9.4).
async fn discontinue<S, B>(app: &TestApp<S>, s: &Stream)
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    app.decided_lot(s, "L-01", "2026-10-01", 80, 3).await;
    app.decided_lot(s, "L-02", "2026-10-02", 80, 3).await;
    for k in 3..=7 {
        let d = app
            .decided_lot(s, &format!("L-{k:02}"), &format!("2026-10-{k:02}"), 80, 2)
            .await;
        assert_eq!(d["characteristics"][0]["severity"], "tightened", "lot {k}");
        assert_eq!(d["verdict"], "reject", "lot {k}");
    }
}

#[actix_web::test]
async fn resumes_sampling_on_tightened_after_discontinuation_with_the_reason_in_the_history() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    discontinue(&app, &s).await;
    let during = app.decided_lot(&s, "L-08", "2026-10-08", 80, 0).await;

    let resumed = app
        .post(
            &resume_uri(&s),
            json!({"part_id": s.part_id, "characteristic_id": s.char_id,
                "reason": "Mould cavity 3 re-polished; 8D report closed"}),
        )
        .await;
    let next = app.decided_lot(&s, "L-09", "2026-10-09", 80, 1).await;

    assert_eq!(during["characteristics"][0]["severity"], "discontinued");
    assert_eq!(during["characteristics"][0]["mode"], "full");
    assert_eq!(resumed.status, 201, "{}", resumed.body);
    assert_eq!(resumed.body["after_lot_number"], "L-08");
    assert_eq!(resumed.body["severity"], "tightened");
    let c = &next["characteristics"][0];
    assert_eq!(c["severity"], "tightened");
    assert_eq!(c["mode"], "sampling");
    assert_eq!(c["plan"]["severity"], "tightened");
    assert_eq!(c["plan"]["acceptance_number"], 1);
    assert_eq!(next["verdict"], "accept");
    let history = app.get(&switching_uri(&s)).await;
    assert_eq!(history.status, 200, "{}", history.body);
    let h = switching_of(&history.body);
    assert_eq!(h["severity"], "tightened");
    assert_eq!(h["not_accepted_on_tightened"], 0);
    assert_eq!(h["consecutive_accepted_on_tightened"], 1);
    assert_eq!(h["lots_to_decide_again"], json!([]));
    let switches = h["switches"].as_array().unwrap();
    let path: Vec<(&str, &str, &str)> = switches
        .iter()
        .map(|s| {
            (
                s["lot_number"].as_str().unwrap(),
                s["from"].as_str().unwrap(),
                s["to"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        path,
        [
            ("L-02", "normal", "tightened"),
            ("L-07", "tightened", "discontinued"),
            ("L-08", "discontinued", "tightened"),
        ]
    );
    let resume = &switches[2];
    assert_eq!(resume["resume_id"], resumed.body["id"]);
    assert_eq!(resume["decision_id"], Value::Null);
    let reason = resume["reason"].as_str().unwrap();
    assert!(
        reason.contains("Mould cavity 3 re-polished; 8D report closed"),
        "{reason}"
    );
    assert!(reason.contains("9.4"), "{reason}");
}

#[actix_web::test]
async fn refuses_a_resume_without_a_reason() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    discontinue(&app, &s).await;

    let missing = app
        .post(
            &resume_uri(&s),
            json!({"part_id": s.part_id, "characteristic_id": s.char_id}),
        )
        .await;
    let blank = app
        .post(
            &resume_uri(&s),
            json!({"part_id": s.part_id, "characteristic_id": s.char_id, "reason": "  "}),
        )
        .await;

    missing.assert_problem(422);
    assert_eq!(missing.error_fields(), ["reason"]);
    blank.assert_problem(422);
    assert_eq!(blank.error_fields(), ["reason"]);
    assert_eq!(blank.body["errors"][0]["message"], "must not be empty");
    let history = app.get(&switching_uri(&s)).await;
    assert_eq!(switching_of(&history.body)["severity"], "discontinued");
}

#[actix_web::test]
async fn refuses_a_resume_when_sampling_is_not_discontinued() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    let body = json!({"part_id": s.part_id, "characteristic_id": s.char_id,
        "reason": "New gauge"});

    let never_decided = app.post(&resume_uri(&s), body.clone()).await;
    app.decided_lot(&s, "L-01", "2026-10-01", 80, 3).await;
    app.decided_lot(&s, "L-02", "2026-10-02", 80, 3).await;
    let on_tightened = app.post(&resume_uri(&s), body.clone()).await;

    never_decided.assert_problem(409);
    assert_eq!(never_decided.error_fields(), ["characteristic_id"]);
    assert_eq!(
        never_decided.body["detail"],
        "sampling inspection of 'Scratches' is not discontinued (the next lot is on normal \
         inspection): ISO 2859-1 9.4 resumes sampling only after it was discontinued"
    );
    on_tightened.assert_problem(409);
    assert_eq!(on_tightened.error_fields(), ["characteristic_id"]);
    assert_eq!(
        on_tightened.body["detail"],
        "sampling inspection of 'Scratches' is not discontinued (the next lot is on tightened \
         inspection): ISO 2859-1 9.4 resumes sampling only after it was discontinued"
    );
}

#[actix_web::test]
async fn a_second_resume_of_the_same_discontinuation_is_refused() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    discontinue(&app, &s).await;
    let body = json!({"part_id": s.part_id, "characteristic_id": s.char_id,
        "reason": "Tool replaced"});

    let first = app.post(&resume_uri(&s), body.clone()).await;
    let second = app.post(&resume_uri(&s), body).await;

    assert_eq!(first.status, 201, "{}", first.body);
    second.assert_problem(409);
    assert_eq!(second.error_fields(), ["characteristic_id"]);
    assert!(
        second.body["detail"]
            .as_str()
            .unwrap()
            .contains("is not discontinued (the next lot is on tightened inspection)"),
        "{}",
        second.body
    );
    let history = app.get(&switching_uri(&s)).await;
    let resumes = switching_of(&history.body)["switches"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| !s["resume_id"].is_null())
        .count();
    assert_eq!(resumes, 1);
}

#[actix_web::test]
async fn a_resume_needs_a_known_supplier_part_and_characteristic_of_the_part() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    let nobody = uuid::Uuid::new_v4();

    let supplier = app
        .post(
            &format!("/api/v1/suppliers/{nobody}/switching/resume"),
            json!({"part_id": s.part_id, "characteristic_id": s.char_id, "reason": "x"}),
        )
        .await;
    let part = app
        .post(
            &resume_uri(&s),
            json!({"part_id": nobody, "characteristic_id": s.char_id, "reason": "x"}),
        )
        .await;
    let characteristic = app
        .post(
            &resume_uri(&s),
            json!({"part_id": s.part_id, "characteristic_id": nobody, "reason": "x"}),
        )
        .await;

    supplier.assert_problem(404);
    assert_eq!(
        supplier.body["detail"],
        format!("no supplier with id {nobody}")
    );
    part.assert_problem(404);
    assert_eq!(part.error_fields(), ["part_id"]);
    assert_eq!(part.body["detail"], format!("no part with id {nobody}"));
    characteristic.assert_problem(404);
    assert_eq!(characteristic.error_fields(), ["characteristic_id"]);
    assert_eq!(
        characteristic.body["detail"],
        format!("no characteristic of this part with id {nobody}")
    );
}
