//! A lot's life (issue 14, item 2): its status through registration, inspection and
//! decision, or cancellation; a reviewer's correction of its number, size or production
//! date (If-Match, reason, audited, stale decision, switching history replayed); its
//! cancellation before it is decided; and the list filters on status, verdict and lot
//! number.
//!
//! The stream's characteristic is an attribute, major, AQL 1.0, inspection level II
//! (tests/api/streams.rs). Reference plans, read by hand from ISO 2859-1:1999 Table I
//! (sample size code letters) and Table II-A (single sampling, normal inspection):
//!   N = 1000: 501-1200, level II -> J; J, AQL 1.0 -> n = 80, Ac 2, Re 3.
//!   N = 3000: 1201-3200, level II -> K; K, AQL 1.0 -> n = 125, Ac 3, Re 4.
//! So 3 defectives among 80 reject a lot of 1000 and none accepts it.

use actix_web::test::TestRequest;
use serde_json::{Value, json};

use lotgate::domain::Role;

use crate::builders::inspection;
use crate::support::{Reply, app, ids, run_lotgate};

fn etag(reply: &Reply) -> String {
    reply
        .headers
        .get("etag")
        .expect("an ETag header")
        .to_str()
        .unwrap()
        .to_string()
}

fn patch(lot: &str, if_match: Option<&str>, body: Value) -> TestRequest {
    let req = TestRequest::patch()
        .uri(&format!("/api/v1/lots/{lot}"))
        .set_json(body);
    match if_match {
        Some(tag) => req.insert_header(("if-match", tag)),
        None => req,
    }
}

fn cancellation(lot: &str, reason: &str) -> TestRequest {
    TestRequest::post()
        .uri(&format!("/api/v1/lots/{lot}/cancellation"))
        .set_json(json!({"reason": reason}))
}

fn switching_of(body: &Value) -> &Value {
    &body["characteristics"][0]
}

#[actix_web::test]
async fn a_lot_is_registered_then_under_inspection_then_accepted() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    let lot = app.stream_lot(&s, "L-1", 1000, "2026-11-01").await;
    let registered = app.get(&format!("/api/v1/lots/{lot}")).await;

    app.attribute_inspection(&lot, &s.char_id, 80, 0, "sampling", None)
        .await;
    let inspected = app.get(&format!("/api/v1/lots/{lot}")).await;
    assert_eq!(app.decide(&lot).await.status, 201);
    let accepted = app.get(&format!("/api/v1/lots/{lot}")).await;

    assert_eq!(registered.status, 200, "{}", registered.body);
    assert_eq!(registered.body["status"], "registered");
    assert_eq!(registered.body["verdict"], Value::Null);
    assert_eq!(inspected.body["status"], "under_inspection");
    assert_eq!(inspected.body["verdict"], Value::Null);
    // 0 defectives of n = 80 against Ac 2 (Table II-A, J, AQL 1.0).
    assert_eq!(accepted.body["status"], "accepted", "{}", accepted.body);
    assert_eq!(accepted.body["verdict"], "accept");
    for fact in [
        "disposition",
        "released_at",
        "cancelled_at",
        "cancel_reason",
    ] {
        assert_eq!(accepted.body[fact], Value::Null, "{fact}");
    }
}

#[actix_web::test]
async fn a_rejected_lot_is_not_accepted_and_awaits_its_disposition() {
    // ISO 2859-1 7.5: a lot not accepted awaits the responsible authority's disposition.
    let app = app().await;
    let s = app.stream(json!({})).await;
    let lot = app.stream_lot(&s, "L-1", 1000, "2026-11-01").await;
    // 3 defectives of n = 80 reach Re 3 (Table II-A, J, AQL 1.0).
    app.attribute_inspection(&lot, &s.char_id, 80, 3, "sampling", None)
        .await;
    app.decide(&lot).await;

    let read = app.get(&format!("/api/v1/lots/{lot}")).await;

    assert_eq!(read.body["status"], "not_accepted", "{}", read.body);
    assert_eq!(read.body["verdict"], "reject");
    assert_eq!(read.body["disposition"], Value::Null);
}

#[actix_web::test]
async fn a_correction_without_if_match_is_428_and_changes_nothing() {
    let app = app().await;
    let f = app.fixture().await;

    let reply = app
        .send(patch(
            &f.lot_id,
            None,
            json!({"lot_size": 600, "reason": "recount"}),
        ))
        .await;
    let read = app.get(&format!("/api/v1/lots/{}", f.lot_id)).await;

    reply.assert_problem(428);
    assert_eq!(reply.error_fields(), ["If-Match"]);
    assert!(
        reply.body["detail"]
            .as_str()
            .unwrap()
            .contains("send If-Match"),
        "{}",
        reply.body
    );
    assert_eq!(read.body["lot_size"], 500);
}

#[actix_web::test]
async fn a_correction_with_a_stale_etag_is_412() {
    let app = app().await;
    let f = app.fixture().await;
    let tag = etag(&app.get(&format!("/api/v1/lots/{}", f.lot_id)).await);
    let first = app
        .send(patch(
            &f.lot_id,
            Some(&tag),
            json!({"lot_size": 600, "reason": "recount"}),
        ))
        .await;
    assert_eq!(first.status, 200, "{}", first.body);

    let second = app
        .send(patch(
            &f.lot_id,
            Some(&tag),
            json!({"lot_size": 700, "reason": "recount again"}),
        ))
        .await;
    let read = app.get(&format!("/api/v1/lots/{}", f.lot_id)).await;

    second.assert_problem(412);
    assert!(
        second.body["detail"]
            .as_str()
            .unwrap()
            .contains("changed since it was read"),
        "{}",
        second.body
    );
    assert_eq!(read.body["lot_size"], 600);
    assert_eq!(etag(&first), etag(&read));
}

#[actix_web::test]
async fn an_inspection_leaves_the_lot_etag_as_it_is() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    let lot = app.stream_lot(&s, "L-1", 1000, "2026-11-01").await;
    let before = etag(&app.get(&format!("/api/v1/lots/{lot}")).await);

    app.attribute_inspection(&lot, &s.char_id, 80, 0, "sampling", None)
        .await;
    let after = etag(&app.get(&format!("/api/v1/lots/{lot}")).await);

    assert_eq!(before, after);
}

#[actix_web::test]
async fn a_correction_names_each_bad_field() {
    let app = app().await;
    let f = app.fixture().await;
    let tag = etag(&app.get(&format!("/api/v1/lots/{}", f.lot_id)).await);
    let cases = [
        (json!({"lot_size": 0, "reason": "x"}), "lot_size"),
        (
            json!({"produced_on": "1999-12-31", "reason": "x"}),
            "produced_on",
        ),
        (json!({"lot_number": "   ", "reason": "x"}), "lot_number"),
        (json!({"lot_size": 600, "reason": "  "}), "reason"),
        (json!({"reason": "nothing given"}), "lot_number"),
    ];

    for (body, field) in cases {
        let reply = app.send(patch(&f.lot_id, Some(&tag), body.clone())).await;

        reply.assert_problem(422);
        assert_eq!(reply.error_fields(), [field], "{body}: {}", reply.body);
    }
    let read = app.get(&format!("/api/v1/lots/{}", f.lot_id)).await;
    assert_eq!(etag(&read), tag, "nothing changed");
}

#[actix_web::test]
async fn a_correction_to_the_number_of_another_lot_of_the_part_and_supplier_is_409() {
    let app = app().await;
    let f = app.fixture().await;
    app.create_lot(&f.part_id, &f.supplier_id, "L-2", 500, "2026-11-21")
        .await;
    let tag = etag(&app.get(&format!("/api/v1/lots/{}", f.lot_id)).await);

    let reply = app
        .send(patch(
            &f.lot_id,
            Some(&tag),
            json!({"lot_number": " L-2 ", "reason": "typo"}),
        ))
        .await;

    reply.assert_problem(409);
    assert_eq!(reply.error_fields(), ["lot_number"]);
    assert!(
        reply.body["detail"]
            .as_str()
            .unwrap()
            .contains("already has a lot with this number"),
        "{}",
        reply.body
    );
}

#[actix_web::test]
async fn a_correction_is_stored_and_audited_with_its_reason_and_verify_passes() {
    let app = app().await;
    let f = app.fixture().await;
    let tag = etag(&app.get(&format!("/api/v1/lots/{}", f.lot_id)).await);

    let reply = app
        .send(patch(
            &f.lot_id,
            Some(&tag),
            json!({"lot_number": " L-1B ", "produced_on": "2026-11-19",
                "reason": "Lot label misread"}),
        ))
        .await;
    let audit = app
        .get(&format!(
            "/api/v1/audit?entity=lot&entity_id={}&action=update",
            f.lot_id
        ))
        .await;

    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.body["lot_number"], "L-1B");
    assert_eq!(reply.body["produced_on"], "2026-11-19");
    assert_eq!(reply.body["lot_size"], 500);
    // A lot nothing was recorded against stays registered, with nothing to decide.
    assert_eq!(reply.body["status"], "registered");
    assert_eq!(reply.body["needs_decision"], false);
    let rows = audit.body["items"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "{}", audit.body);
    assert_eq!(rows[0]["reason"], "Lot label misread");
    assert_eq!(rows[0]["old_value"]["lot_number"], "L-1");
    assert_eq!(rows[0]["new_value"]["lot_number"], "L-1B");
    assert_eq!(rows[0]["new_value"]["produced_on"], "2026-11-19");
    let (ok, text) = run_lotgate(&app.db.url(), &["audit", "verify"]);
    assert!(ok, "{text}");
}

#[actix_web::test]
async fn a_lot_size_correction_makes_the_decision_stale_and_the_next_plan_follow_it() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    let lot = app.stream_lot(&s, "L-1", 1000, "2026-11-01").await;
    app.attribute_inspection(&lot, &s.char_id, 80, 0, "sampling", None)
        .await;
    let first = app.decide(&lot).await;
    let tag = etag(&app.get(&format!("/api/v1/lots/{lot}")).await);

    let corrected = app
        .send(patch(
            &lot,
            Some(&tag),
            json!({"lot_size": 3000, "reason": "Delivery note: 3000 units"}),
        ))
        .await;
    let decision = app.get(&format!("/api/v1/lots/{lot}/decision")).await;
    let again = app.decide(&lot).await;

    assert_eq!(corrected.status, 200, "{}", corrected.body);
    assert_eq!(corrected.body["decision_stale"], true);
    assert_eq!(corrected.body["needs_decision"], true);
    let why = corrected.body["stale_because"].as_str().unwrap();
    assert!(
        why.starts_with("lot correction of lot_size recorded at 20"),
        "{why}"
    );
    assert!(why.ends_with(", after the lot's latest decision"), "{why}");
    assert!(
        decision
            .headers
            .get("decision-stale-because")
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("lot correction of lot_size")
    );
    // Table I: N = 1000 -> J, n = 80; N = 3000 -> K, n = 125 (Table II-A, AQL 1.0: Ac 3).
    let before = &first.body["characteristics"][0]["plan"];
    assert_eq!(
        (
            before["code_letter"].as_str(),
            before["sample_size"].as_u64()
        ),
        (Some("J"), Some(80))
    );
    let after = &again.body["characteristics"][0]["plan"];
    assert_eq!(again.status, 201, "{}", again.body);
    assert_eq!(after["code_letter"], "K");
    assert_eq!(after["sample_size"], 125);
    assert_eq!(after["acceptance_number"], 3);
}

#[actix_web::test]
async fn a_production_date_correction_replays_the_switching_history_in_the_new_order() {
    // ISO 2859-1 9.3.2: normal -> tightened when 2 of 5 or fewer consecutive lots are
    // not accepted on original inspection. A (Nov 1) rejected, B (Nov 2) accepted,
    // C (Nov 3) rejected: the switch comes with C. A moved to Nov 4: B, C, A, and the
    // switch comes with A.
    let app = app().await;
    let s = app.stream(json!({})).await;
    let a = app.stream_lot(&s, "L-A", 1000, "2026-11-01").await;
    app.attribute_inspection(&a, &s.char_id, 80, 3, "sampling", None)
        .await;
    app.decide(&a).await;
    app.decided_lot(&s, "L-B", "2026-11-02", 80, 0).await;
    app.decided_lot(&s, "L-C", "2026-11-03", 80, 3).await;
    let uri = format!(
        "/api/v1/suppliers/{}/switching?part_id={}",
        s.supplier_id, s.part_id
    );
    let before = app.get(&uri).await;
    assert_eq!(
        switching_of(&before.body)["switches"][0]["lot_number"],
        "L-C"
    );
    let tag = etag(&app.get(&format!("/api/v1/lots/{a}")).await);

    let corrected = app
        .send(patch(
            &a,
            Some(&tag),
            json!({"produced_on": "2026-11-04", "reason": "Date code on the reel is 11/04"}),
        ))
        .await;
    let after = app.get(&uri).await;

    assert_eq!(corrected.status, 200, "{}", corrected.body);
    let h = switching_of(&after.body);
    let switches = h["switches"].as_array().unwrap();
    assert_eq!(switches.len(), 1, "{}", after.body);
    assert_eq!(switches[0]["lot_id"], a.as_str());
    assert_eq!(switches[0]["produced_on"], "2026-11-04");
    assert_eq!(switches[0]["to"], "tightened");
    assert_eq!(h["severity"], "tightened");
    let why = corrected.body["stale_because"].as_str().unwrap();
    assert!(
        why.starts_with("lot correction of produced_on recorded at"),
        "{why}"
    );
}

#[actix_web::test]
async fn a_cancelled_or_released_lot_cannot_be_corrected() {
    let app = app().await;
    let f = app.fixture().await;
    let tag = etag(&app.get(&format!("/api/v1/lots/{}", f.lot_id)).await);
    app.send(cancellation(&f.lot_id, "Registered twice")).await;

    let reply = app
        .send(patch(
            &f.lot_id,
            Some(&tag),
            json!({"lot_size": 600, "reason": "recount"}),
        ))
        .await;

    reply.assert_problem(409);
    assert!(
        reply.body["detail"]
            .as_str()
            .unwrap()
            .contains("was cancelled at"),
        "{}",
        reply.body
    );
}

#[actix_web::test]
async fn a_lot_not_yet_decided_is_cancelled_with_its_reason_and_audited() {
    let app = app().await;
    let f = app.fixture().await;

    let reply = app
        .send(cancellation(&f.lot_id, "  Registered twice  "))
        .await;
    let retry = app.send(cancellation(&f.lot_id, "Registered twice")).await;
    let other = app.send(cancellation(&f.lot_id, "Another reason")).await;

    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.body["status"], "cancelled");
    assert_eq!(reply.body["cancel_reason"], "Registered twice");
    assert!(reply.body["cancelled_at"].is_string());
    assert_eq!(retry.status, 200, "{}", retry.body);
    assert_eq!(retry.body["cancelled_at"], reply.body["cancelled_at"]);
    other.assert_problem(409);
    assert_eq!(other.error_fields(), ["reason"]);
    let audit = app
        .get(&format!(
            "/api/v1/audit?entity=lot&entity_id={}&action=cancel",
            f.lot_id
        ))
        .await;
    let rows = audit.body["items"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "{}", audit.body);
    assert_eq!(rows[0]["reason"], "Registered twice");
    assert_eq!(rows[0]["new_value"]["cancel_reason"], "Registered twice");
    let (ok, text) = run_lotgate(&app.db.url(), &["audit", "verify"]);
    assert!(ok, "{text}");
}

#[actix_web::test]
async fn a_lot_accepted_or_rejected_by_a_decision_cannot_be_cancelled() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    let accepted = app.stream_lot(&s, "L-1", 1000, "2026-11-01").await;
    app.attribute_inspection(&accepted, &s.char_id, 80, 0, "sampling", None)
        .await;
    app.decide(&accepted).await;
    let rejected = app.stream_lot(&s, "L-2", 1000, "2026-11-02").await;
    app.attribute_inspection(&rejected, &s.char_id, 80, 3, "sampling", None)
        .await;
    app.decide(&rejected).await;

    for (lot, words) in [
        (
            &accepted,
            "is accepted by its latest decision (verdict accept)",
        ),
        (
            &rejected,
            "is not accepted by its latest decision (verdict reject)",
        ),
    ] {
        let reply = app.send(cancellation(lot, "changed our mind")).await;
        let read = app.get(&format!("/api/v1/lots/{lot}")).await;

        reply.assert_problem(409);
        let detail = reply.body["detail"].as_str().unwrap();
        assert!(detail.contains(words), "{detail}");
        assert!(detail.contains("record a disposition"), "{detail}");
        assert_eq!(read.body["cancelled_at"], Value::Null);
    }
}

#[actix_web::test]
async fn a_cancelled_lot_refuses_inspections_imports_decisions_and_resubmissions() {
    let app = app().await;
    let f = app.fixture().await;
    let lot = f.lot_id.clone();
    app.send(cancellation(&lot, "Delivery returned unopened"))
        .await;

    let inspection = app
        .post(
            &format!("/api/v1/lots/{lot}/inspections"),
            inspection(&f, &uuid::Uuid::new_v4().to_string(), 5),
        )
        .await;
    let decision = app.decide(&lot).await;
    let import = app
        .send(
            TestRequest::post()
                .uri(&format!(
                    "/api/v1/lots/{lot}/inspections/import?id={}&source=in_house\
                     &mode=sampling&inspector=kim&inspected_at=2026-11-21T08:00:00Z",
                    uuid::Uuid::new_v4()
                ))
                .insert_header(("content-type", "text/csv"))
                .set_payload("unit,serial,Width\n1,,12.0\n"),
        )
        .await;
    let resubmission = app
        .post(
            &format!("/api/v1/lots/{lot}/resubmissions"),
            json!({"reason": "sorted", "action": "sorted"}),
        )
        .await;
    let listed = app.get(&format!("/api/v1/lots/{lot}/inspections")).await;

    for reply in [&inspection, &decision, &import, &resubmission] {
        reply.assert_problem(409);
        let detail = reply.body["detail"].as_str().unwrap();
        assert!(
            detail.contains(&format!("lot {lot} was cancelled at")),
            "{detail}"
        );
    }
    assert_eq!(listed.body["items"], json!([]));
}

#[actix_web::test]
async fn a_cancelled_lot_leaves_the_switching_history() {
    // P (Nov 5) is decided first, on normal inspection, with half its sample: pending.
    // A and B (Nov 1, 2), decided after it, are both rejected: tightened after B (ISO
    // 2859-1 9.3.2), so P's decision no longer has the severity the rules give it.
    // Cancelled, P leaves the history.
    let app = app().await;
    let s = app.stream(json!({})).await;
    let p = app.stream_lot(&s, "L-P", 1000, "2026-11-05").await;
    app.attribute_inspection(&p, &s.char_id, 40, 0, "sampling", None)
        .await;
    let pending = app.decide(&p).await;
    assert_eq!(pending.body["verdict"], "pending", "{}", pending.body);
    app.decided_lot(&s, "L-A", "2026-11-01", 80, 3).await;
    app.decided_lot(&s, "L-B", "2026-11-02", 80, 3).await;
    let uri = format!(
        "/api/v1/suppliers/{}/switching?part_id={}",
        s.supplier_id, s.part_id
    );
    let before = app.get(&uri).await;
    let stale = &switching_of(&before.body)["lots_to_decide_again"];
    assert_eq!(stale[0]["lot_id"], p.as_str(), "{}", before.body);

    let cancelled = app
        .send(cancellation(&p, "Wrong part number on the label"))
        .await;
    let after = app.get(&uri).await;

    assert_eq!(cancelled.status, 200, "{}", cancelled.body);
    let h = switching_of(&after.body);
    assert_eq!(h["lots_to_decide_again"], json!([]), "{}", after.body);
    assert_eq!(h["severity"], "tightened");
    assert_eq!(h["switches"][0]["lot_number"], "L-B");
}

#[actix_web::test]
async fn lists_leave_cancelled_lots_out_unless_asked_for() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    let kept = app.stream_lot(&s, "L-1", 1000, "2026-11-01").await;
    let gone = app.stream_lot(&s, "L-2", 1000, "2026-11-02").await;
    app.send(cancellation(&gone, "Registered twice")).await;

    let default = app.get("/api/v1/lots").await;
    let cancelled = app.get("/api/v1/lots?status=cancelled").await;
    let by_number = app.get("/api/v1/lots?lot_number=L-2").await;

    assert_eq!(ids(&default.body), [kept.as_str()]);
    assert_eq!(ids(&cancelled.body), [gone.as_str()]);
    assert_eq!(cancelled.body["items"][0]["status"], "cancelled");
    assert_eq!(ids(&by_number.body), Vec::<&str>::new());
}

#[actix_web::test]
async fn lists_filter_on_status_verdict_and_lot_number() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    let registered = app.stream_lot(&s, "L-REG", 1000, "2026-11-05").await;
    let inspected = app.stream_lot(&s, "L-INS", 1000, "2026-11-04").await;
    app.attribute_inspection(&inspected, &s.char_id, 40, 0, "sampling", None)
        .await;
    app.decide(&inspected).await;
    let accepted = app.decided_lot(&s, "L-ACC", "2026-11-03", 80, 0).await["lot_id"]
        .as_str()
        .unwrap()
        .to_string();
    let rejected = app.decided_lot(&s, "L-REJ", "2026-11-02", 80, 3).await["lot_id"]
        .as_str()
        .unwrap()
        .to_string();

    let by_status = [
        ("registered", &registered),
        ("under_inspection", &inspected),
        ("accepted", &accepted),
        ("not_accepted", &rejected),
    ];
    for (status, lot) in by_status {
        let page = app.get(&format!("/api/v1/lots?status={status}")).await;
        assert_eq!(ids(&page.body), [lot.as_str()], "{status}");
    }
    let by_verdict = [
        ("accept", &accepted),
        ("reject", &rejected),
        ("pending", &inspected),
    ];
    for (verdict, lot) in by_verdict {
        let page = app.get(&format!("/api/v1/lots?verdict={verdict}")).await;
        assert_eq!(ids(&page.body), [lot.as_str()], "{verdict}");
    }
    let by_number = app.get("/api/v1/lots?lot_number=%20L-ACC%20").await;
    assert_eq!(ids(&by_number.body), [accepted.as_str()]);
    let combined = app
        .get(&format!(
            "/api/v1/lots?status=accepted&supplier_id={}&part_id={}\
             &produced_from=2026-11-03&produced_to=2026-11-03",
            s.supplier_id, s.part_id
        ))
        .await;
    assert_eq!(ids(&combined.body), [accepted.as_str()]);
    let outside = app
        .get("/api/v1/lots?verdict=accept&produced_to=2026-11-02")
        .await;
    assert_eq!(ids(&outside.body), Vec::<&str>::new());
}

#[actix_web::test]
async fn a_list_filter_with_an_unknown_value_is_422_naming_it() {
    let app = app().await;

    let status = app.get("/api/v1/lots?status=shipped").await;
    let verdict = app.get("/api/v1/lots?verdict=maybe").await;
    let blank = app.get("/api/v1/lots?lot_number=%20%20").await;

    status.assert_problem(422);
    assert_eq!(status.error_fields(), ["status"]);
    verdict.assert_problem(422);
    assert_eq!(verdict.error_fields(), ["verdict"]);
    blank.assert_problem(422);
    assert_eq!(blank.error_fields(), ["lot_number"]);
}

#[actix_web::test]
async fn an_inspector_can_neither_correct_nor_cancel_a_lot() {
    let app = app().await;
    let f = app.fixture().await;
    let inspector = app.token(Role::Inspector);
    let tag = etag(&app.get(&format!("/api/v1/lots/{}", f.lot_id)).await);

    let correction = app
        .send_as(
            &inspector,
            patch(
                &f.lot_id,
                Some(&tag),
                json!({"lot_size": 600, "reason": "recount"}),
            ),
        )
        .await;
    let cancelled = app
        .send_as(&inspector, cancellation(&f.lot_id, "not needed"))
        .await;

    correction.assert_problem(403);
    cancelled.assert_problem(403);
    let read = app.get(&format!("/api/v1/lots/{}", f.lot_id)).await;
    assert_eq!(read.body["status"], "registered");
    assert_eq!(read.body["lot_size"], 500);
}
