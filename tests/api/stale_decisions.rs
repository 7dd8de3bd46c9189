//! Stale decisions, and lots needing a decision (issue 14, item 1): an inspection or a
//! correction recorded after a lot's latest decision makes it stale, which the lot and
//! the decision say, with the record that did it; `list_lots?needs_decision=true` lists
//! the lots inspected and never decided or decided before their latest change.
//! Inspections after a decision are full inspections here: a second sample of the same
//! source is refused (tests/api/resubmissions.rs).

use actix_web::test::TestRequest;
use serde_json::{Value, json};

use crate::support::{Reply, app, ids};

fn header<'a>(reply: &'a Reply, name: &str) -> Option<&'a str> {
    reply.headers.get(name).map(|v| v.to_str().unwrap())
}

#[actix_web::test]
async fn a_fresh_decision_is_not_stale_on_the_lot_or_the_decision() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    let lot = app.stream_lot(&s, "L-1", 1000, "2026-11-01").await;
    app.attribute_inspection(&lot, &s.char_id, 80, 0, "sampling", None)
        .await;
    assert_eq!(app.decide(&lot).await.status, 201);

    let read = app.get(&format!("/api/v1/lots/{lot}")).await;
    let decision = app.get(&format!("/api/v1/lots/{lot}/decision")).await;

    assert_eq!(read.status, 200, "{}", read.body);
    assert_eq!(read.body["decision_stale"], false);
    assert_eq!(read.body["needs_decision"], false);
    assert_eq!(read.body["stale_because"], Value::Null);
    assert_eq!(decision.status, 200, "{}", decision.body);
    assert_eq!(header(&decision, "decision-stale"), Some("false"));
    assert_eq!(header(&decision, "decision-stale-because"), None);
}

#[actix_web::test]
async fn an_inspection_recorded_after_the_decision_makes_the_lot_and_the_decision_stale() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    let lot = app.stream_lot(&s, "L-1", 1000, "2026-11-01").await;
    app.attribute_inspection(&lot, &s.char_id, 80, 0, "sampling", None)
        .await;
    let first = app.decide(&lot).await;
    // Read once before, so that a document kept in memory is what answers after.
    let before = app.get(&format!("/api/v1/lots/{lot}/decision")).await;
    assert_eq!(header(&before, "decision-stale"), Some("false"));

    let later = app
        .attribute_inspection(&lot, &s.char_id, 80, 4, "full", None)
        .await;
    let read = app.get(&format!("/api/v1/lots/{lot}")).await;
    let decision = app.get(&format!("/api/v1/lots/{lot}/decision")).await;

    assert_eq!(read.body["decision_stale"], true, "{}", read.body);
    assert_eq!(read.body["needs_decision"], true);
    let why = read.body["stale_because"].as_str().unwrap();
    assert!(
        why.starts_with(&format!("inspection {later} recorded at 20")),
        "{why}"
    );
    assert!(why.ends_with(", after the lot's latest decision"), "{why}");
    assert_eq!(decision.status, 200, "{}", decision.body);
    assert_eq!(header(&decision, "decision-stale"), Some("true"));
    let why = header(&decision, "decision-stale-because").unwrap();
    assert!(
        why.starts_with(&format!("inspection {later} recorded at 20")),
        "{why}"
    );
    assert!(why.ends_with(", after this decision"), "{why}");
    assert_eq!(
        decision.body, first.body,
        "the stored document is unchanged"
    );
}

#[actix_web::test]
async fn a_stale_decision_counts_the_changes_after_the_first_one() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    let lot = app.stream_lot(&s, "L-1", 1000, "2026-11-01").await;
    app.attribute_inspection(&lot, &s.char_id, 80, 0, "sampling", None)
        .await;
    app.decide(&lot).await;

    let second = app
        .attribute_inspection(&lot, &s.char_id, 80, 0, "full", None)
        .await;
    app.attribute_inspection(&lot, &s.char_id, 80, 0, "full", None)
        .await;
    app.attribute_inspection(&lot, &s.char_id, 80, 0, "full", None)
        .await;
    let read = app.get(&format!("/api/v1/lots/{lot}")).await;

    let why = read.body["stale_because"].as_str().unwrap();
    assert!(why.starts_with(&format!("inspection {second} ")), "{why}");
    assert!(
        why.ends_with("after the lot's latest decision; 2 more changes since"),
        "{why}"
    );
}

#[actix_web::test]
async fn deciding_again_makes_the_lot_and_its_decision_current() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    let lot = app.stream_lot(&s, "L-1", 1000, "2026-11-01").await;
    app.attribute_inspection(&lot, &s.char_id, 80, 0, "sampling", None)
        .await;
    app.decide(&lot).await;
    app.attribute_inspection(&lot, &s.char_id, 80, 4, "full", None)
        .await;

    let again = app.decide(&lot).await;
    let read = app.get(&format!("/api/v1/lots/{lot}")).await;
    let decision = app.get(&format!("/api/v1/lots/{lot}/decision")).await;
    let first = app
        .get(&format!("/api/v1/lots/{lot}/decision?revision=1"))
        .await;

    assert_eq!(again.status, 201, "{}", again.body);
    assert_eq!(read.body["decision_stale"], false, "{}", read.body);
    assert_eq!(read.body["needs_decision"], false);
    assert_eq!(read.body["stale_because"], Value::Null);
    assert_eq!(decision.body["revision"], 2);
    assert_eq!(header(&decision, "decision-stale"), Some("false"));
    // Revision 1 was computed without the second inspection, and still says so.
    assert_eq!(header(&first, "decision-stale"), Some("true"));
}

#[actix_web::test]
async fn a_correction_recorded_after_the_decision_makes_it_stale() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    let lot = app.stream_lot(&s, "L-1", 1000, "2026-11-01").await;
    let original = app
        .attribute_inspection(&lot, &s.char_id, 80, 0, "sampling", None)
        .await;
    app.decide(&lot).await;

    let correction = app
        .attribute_inspection(&lot, &s.char_id, 80, 3, "sampling", Some(&original))
        .await;
    let read = app.get(&format!("/api/v1/lots/{lot}")).await;
    let decision = app.get(&format!("/api/v1/lots/{lot}/decision")).await;

    assert_eq!(read.body["decision_stale"], true, "{}", read.body);
    let why = read.body["stale_because"].as_str().unwrap();
    assert!(
        why.starts_with(&format!(
            "correction {correction} of inspection {original} recorded at"
        )),
        "{why}"
    );
    assert_eq!(header(&decision, "decision-stale"), Some("true"));
    assert!(
        header(&decision, "decision-stale-because")
            .unwrap()
            .starts_with(&format!("correction {correction} of inspection {original}"))
    );
}

#[actix_web::test]
async fn needs_decision_lists_the_undecided_and_the_stale_lots_only_and_pages() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    // Not inspected: nothing to decide.
    app.stream_lot(&s, "L-EMPTY", 1000, "2026-11-05").await;
    // Inspected, never decided.
    let undecided = app.stream_lot(&s, "L-NEW", 1000, "2026-11-04").await;
    app.attribute_inspection(&undecided, &s.char_id, 80, 0, "sampling", None)
        .await;
    // Decided, nothing since.
    app.decided_lot(&s, "L-DONE", "2026-11-03", 80, 0).await;
    // Decided, then inspected again.
    let stale = app.stream_lot(&s, "L-STALE", 1000, "2026-11-02").await;
    app.attribute_inspection(&stale, &s.char_id, 80, 0, "sampling", None)
        .await;
    app.decide(&stale).await;
    app.attribute_inspection(&stale, &s.char_id, 80, 0, "full", None)
        .await;
    // Inspected, never decided, the oldest.
    let oldest = app.stream_lot(&s, "L-OLD", 1000, "2026-11-01").await;
    app.attribute_inspection(&oldest, &s.char_id, 80, 0, "sampling", None)
        .await;

    let all = app.get("/api/v1/lots?needs_decision=true").await;
    let page1 = app.get("/api/v1/lots?needs_decision=true&limit=2").await;
    let cursor = page1.body["next_cursor"].as_str().unwrap().to_string();
    let page2 = app
        .get(&format!(
            "/api/v1/lots?needs_decision=true&limit=2&cursor={cursor}"
        ))
        .await;
    let unfiltered = app.get("/api/v1/lots?needs_decision=false").await;

    assert_eq!(all.status, 200, "{}", all.body);
    assert_eq!(
        ids(&all.body),
        vec![undecided.as_str(), stale.as_str(), oldest.as_str()]
    );
    assert_eq!(all.body["items"][1]["decision_stale"], true);
    assert_eq!(all.body["items"][0]["decision_stale"], false);
    assert_eq!(all.body["items"][0]["needs_decision"], true);
    assert_eq!(ids(&page1.body), vec![undecided.as_str(), stale.as_str()]);
    assert_eq!(ids(&page2.body), vec![oldest.as_str()]);
    assert_eq!(page2.body["next_cursor"], Value::Null);
    assert_eq!(ids(&unfiltered.body).len(), 5, "false does not filter");
}

#[actix_web::test]
async fn needs_decision_must_be_true_or_false() {
    let app = app().await;

    let reply = app.get("/api/v1/lots?needs_decision=maybe").await;

    assert_eq!(reply.status, 422, "{}", reply.body);
    assert_eq!(reply.body["errors"][0]["field"], "needs_decision");
}

#[actix_web::test]
async fn a_bound_token_lists_only_its_suppliers_lots_needing_a_decision() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    let own = app.stream_lot(&s, "L-OWN", 1000, "2026-11-01").await;
    app.attribute_inspection(&own, &s.char_id, 80, 0, "sampling", None)
        .await;
    let other_supplier = app.create_supplier("OTH").await;
    let other = app
        .create_lot(&s.part_id, &other_supplier, "L-OTH", 1000, "2026-11-02")
        .await;
    app.attribute_inspection(&other, &s.char_id, 80, 0, "sampling", None)
        .await;
    let made = app
        .post(
            "/api/v1/tokens",
            json!({"name": "Line 1 tablet", "holder": "device", "role": "reviewer",
                "supplier_id": s.supplier_id}),
        )
        .await;
    assert_eq!(made.status, 201, "{}", made.body);
    let token = made.body["token"].as_str().unwrap().to_string();

    let bound = app
        .send_as(
            &token,
            TestRequest::get().uri("/api/v1/lots?needs_decision=true"),
        )
        .await;
    let unbound = app.get("/api/v1/lots?needs_decision=true").await;

    assert_eq!(bound.status, 200, "{}", bound.body);
    assert_eq!(ids(&bound.body), vec![own.as_str()]);
    assert_eq!(ids(&unbound.body), vec![other.as_str(), own.as_str()]);
}

/// A resubmission (ISO 2859-1 7.6) recorded after the decision that rejected the lot
/// makes it stale, naming the resubmission: that decision does not list it.
#[actix_web::test]
async fn a_resubmission_recorded_after_the_decision_makes_it_stale() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    // Lot 1000, AQL 1.0, level II: J, n 80, Ac 2, Re 3 (ISO 2859-1 Tables I and II-A);
    // 3 failures reject it.
    let lot = app.stream_lot(&s, "L-1", 1000, "2026-11-01").await;
    app.attribute_inspection(&lot, &s.char_id, 80, 3, "sampling", None)
        .await;
    let decided = app.decide(&lot).await;
    assert_eq!(decided.body["verdict"], "reject", "{}", decided.body);

    let r = app
        .post(
            &format!("/api/v1/lots/{lot}/resubmissions"),
            json!({"reason": "sorted at the supplier", "action": "sorted"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let rid = r.body["id"].as_str().unwrap();
    let read = app.get(&format!("/api/v1/lots/{lot}")).await;
    let decision = app.get(&format!("/api/v1/lots/{lot}/decision")).await;

    assert_eq!(read.body["decision_stale"], true, "{}", read.body);
    assert_eq!(read.body["needs_decision"], true);
    let why = read.body["stale_because"].as_str().unwrap();
    assert!(
        why.starts_with(&format!("resubmission {rid} recorded at 20")),
        "{why}"
    );
    assert_eq!(header(&decision, "decision-stale"), Some("true"));

    let again = app.decide(&lot).await;
    assert_eq!(again.body["resubmissions"][0]["resubmission_id"], rid);
    let read = app.get(&format!("/api/v1/lots/{lot}")).await;
    assert_eq!(read.body["decision_stale"], false, "{}", read.body);
}
