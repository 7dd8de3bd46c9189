//! get_inspection_plan: the order an inspector follows, drawn once and stored.
//!
//! Lots of 1000 at inspection level II. ISO 2859-1:1999 Table I, lot size 501 to 1200,
//! level II -> code letter J; Table II-A (normal), row J: n = 80, AQL 1.0 -> Ac 2 Re 3,
//! AQL 2.5 -> Ac 5 Re 6; Table II-B (tightened), row J, AQL 1.0 -> Ac 1 Re 2. The same
//! cells in the independent transcription of GB/T 2828.1-2012 (identical to ISO 2859-1)
//! in crates/sampling/tests/data/gbt2828_1_2012_resolved.tsv, rows
//! `normal J 1.0 J 80 2 3`, `normal J 2.5 J 80 5 6` and `tightened J 1.0 J 80 1 2`.

use std::collections::HashSet;

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::test::TestRequest;
use diesel::prelude::*;
use diesel::sql_types::Uuid as SqlUuid;
use serde_json::{Value, json};

use crate::builders::width;
use crate::golden_builders::{clip_jpeg, photo_form};
use crate::support::{Reply, TestApp, app, run_lotgate};

impl<S, B> TestApp<S>
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    async fn plan(&self, lot: &str) -> Reply {
        self.get(&format!("/api/v1/lots/{lot}/inspection-plan"))
            .await
    }

    /// A part with these characteristics, a supplier, and a lot of `size` of them.
    async fn lot_of(&self, size: i64, characteristics: &[Value]) -> (String, Vec<String>) {
        let part = self.create_part("HSG-200").await;
        let mut ids = Vec::new();
        for c in characteristics {
            ids.push(self.create_characteristic(&part, c.clone()).await);
        }
        let supplier = self.create_supplier("ACM").await;
        let lot = self
            .create_lot(&part, &supplier, "L-118", size, "2026-11-20")
            .await;
        (lot, ids)
    }
}

fn scratches(extra: Value) -> Value {
    let mut c = json!({"name": "Scratches", "kind": "attribute", "classification": "minor",
        "aql": 2.5, "inspection_level": "II"});
    for (k, v) in extra.as_object().unwrap() {
        c[k] = v.clone();
    }
    c
}

fn units(c: &Value) -> Vec<u64> {
    c["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u.as_u64().unwrap())
        .collect()
}

#[actix_web::test]
async fn gives_each_characteristic_its_iso_2859_plan_and_the_decisions_reason() {
    let app = app().await;
    let (lot, ids) = app.lot_of(1000, &[width(), scratches(json!({}))]).await;

    let reply = app.plan(&lot).await;
    let decision = app.decide(&lot).await;

    assert_eq!(reply.status, 200, "{}", reply.body);
    let b = &reply.body;
    assert_eq!(
        (b["lot_size"].as_u64(), b["status"].as_str()),
        (Some(1000), Some("registered"))
    );
    assert_eq!(b["part"]["number"], "HSG-200");
    assert_eq!(b["supplier"]["name"], "Factory ACM");
    let plan = |c: &Value| {
        (
            c["inspection"].clone(),
            c["code_letter"].clone(),
            c["severity"].clone(),
            c["sample_size"].clone(),
            c["ac"].clone(),
            c["re"].clone(),
        )
    };
    let w = &b["characteristics"][0];
    let s = &b["characteristics"][1];
    assert_eq!(w["characteristic_id"], ids[0].as_str());
    assert_eq!(
        plan(w),
        (
            json!("sampling"),
            json!("J"),
            json!("normal"),
            json!(80),
            json!(2),
            json!(3)
        )
    );
    assert_eq!(
        plan(s),
        (
            json!("sampling"),
            json!("J"),
            json!("normal"),
            json!(80),
            json!(5),
            json!(6)
        )
    );
    assert_eq!(
        (w["lower_limit"].as_f64(), w["upper_limit"].as_f64()),
        (Some(11.8), Some(12.2))
    );
    assert_eq!(
        (w["nominal"].as_f64(), w["unit_of_measure"].as_str()),
        (Some(12.0), Some("mm"))
    );
    assert_eq!(w["defect_codes"], json!([]));
    // The reason is the decision's own, word for word.
    assert_eq!(decision.status, 201, "{}", decision.body);
    assert_eq!(
        w["reason"],
        decision.body["characteristics"][0]["mode_reason"]
    );
    assert_eq!(
        s["reason"],
        decision.body["characteristics"][1]["mode_reason"]
    );
}

#[actix_web::test]
async fn draws_n_distinct_units_of_the_lot_shared_by_characteristics_of_the_same_n() {
    let app = app().await;
    let (lot, ids) = app.lot_of(1000, &[width(), scratches(json!({}))]).await;

    let b = app.plan(&lot).await.body;

    let drawn = units(&b["characteristics"][0]);
    assert_eq!(drawn.len(), 80);
    assert_eq!(drawn.iter().collect::<HashSet<_>>().len(), 80);
    assert!(drawn.windows(2).all(|w| w[0] < w[1]), "ascending");
    assert!(drawn.iter().all(|u| (1..=1000).contains(u)));
    assert_eq!(units(&b["characteristics"][1]), drawn);
    let listed: Vec<u64> = b["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["unit"].as_u64().unwrap())
        .collect();
    assert_eq!(listed, drawn);
    assert_eq!(b["units"][0]["characteristic_ids"], json!([ids[0], ids[1]]));
    assert!(
        b["seed"].as_str().unwrap().parse::<u64>().is_ok(),
        "{}",
        b["seed"]
    );
}

#[actix_web::test]
async fn the_same_order_comes_back_on_every_call() {
    let app = app().await;
    let (lot, _) = app.lot_of(1000, &[width(), scratches(json!({}))]).await;

    let first = app.plan(&lot).await;
    let second = app.plan(&lot).await;

    assert_eq!(first.status, 200, "{}", first.body);
    assert_eq!(first.body, second.body);
    let stored: i64 = diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(
        "(SELECT count(*) FROM lot_inspection_orders)",
    ))
    .get_result(&mut app.db.pool.get().unwrap())
    .unwrap();
    assert_eq!(stored, 1);
}

#[actix_web::test]
async fn a_destructive_test_gets_units_of_its_own() {
    let app = app().await;
    let (lot, _) = app
        .lot_of(
            1000,
            &[
                width(),
                scratches(json!({"name": "Pull-off", "destructive": true})),
            ],
        )
        .await;

    let b = app.plan(&lot).await.body;

    let measured: HashSet<u64> = units(&b["characteristics"][0]).into_iter().collect();
    let destroyed: HashSet<u64> = units(&b["characteristics"][1]).into_iter().collect();
    assert_eq!(b["characteristics"][1]["destructive"], true);
    assert_eq!((measured.len(), destroyed.len()), (80, 80));
    assert!(measured.is_disjoint(&destroyed));
    assert_eq!(b["units"].as_array().unwrap().len(), 160);
}

/// A critical characteristic is inspected in full (the decision's rule): every unit.
#[actix_web::test]
async fn full_inspection_lists_every_unit_of_a_small_lot() {
    let app = app().await;
    let (lot, _) = app
        .lot_of(
            200,
            &[scratches(
                json!({"classification": "critical", "aql": 0.065}),
            )],
        )
        .await;

    let b = app.plan(&lot).await.body;

    let c = &b["characteristics"][0];
    assert_eq!(c["inspection"], "full", "{c}");
    assert_eq!(c["sample_size"], 200);
    assert_eq!(units(c), (1..=200).collect::<Vec<u64>>());
    assert_eq!(c["units_listed"], true);
}

#[actix_web::test]
async fn full_inspection_of_a_huge_lot_lists_no_units_and_says_so() {
    let app = app().await;
    let (lot, _) = app
        .lot_of(
            100_000_000,
            &[scratches(
                json!({"classification": "critical", "aql": 0.065}),
            )],
        )
        .await;

    let b = app.plan(&lot).await.body;

    let c = &b["characteristics"][0];
    assert_eq!(c["inspection"], "full", "{c}");
    assert_eq!(
        (c["units"].clone(), c["units_listed"].clone()),
        (json!([]), json!(false))
    );
    assert!(
        c["reason"].as_str().unwrap().contains("are not listed"),
        "{}",
        c["reason"]
    );
    assert_eq!(b["units"], json!([]));
}

/// ISO 2859-1 9.3.1: two of (at most) five consecutive lots not accepted on normal
/// inspection switch to tightened. The order drawn before stays as drawn.
#[actix_web::test]
async fn a_later_switch_to_tightened_leaves_the_drawn_order_and_says_what_changed() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    let lot = app.stream_lot(&s, "L-10", 1000, "2026-10-10").await;
    let before = app.plan(&lot).await.body;

    // Two earlier lots, each with 3 defectives in 80 (Re 3): rejected.
    app.decided_lot(&s, "L-01", "2026-10-01", 80, 3).await;
    app.decided_lot(&s, "L-02", "2026-10-02", 80, 3).await;
    let after = app.plan(&lot).await.body;

    let (b, a) = (&before["characteristics"][0], &after["characteristics"][0]);
    assert_eq!(
        (b["severity_now"].clone(), b["plan_changed"].clone()),
        (json!("normal"), json!(null))
    );
    assert_eq!(a["units"], b["units"]);
    assert_eq!(after["seed"], before["seed"]);
    assert_eq!(
        (a["severity"].clone(), a["ac"].clone(), a["re"].clone()),
        (json!("normal"), json!(2), json!(3))
    );
    assert_eq!(a["severity_now"], "tightened");
    let note = a["plan_changed"].as_str().unwrap();
    assert!(
        note.contains("now tightened") && note.contains("Ac 1, Re 2"),
        "{note}"
    );
    assert!(note.contains("not drawn again"), "{note}");
}

#[actix_web::test]
async fn a_cancelled_lot_has_no_order() {
    let app = app().await;
    let (lot, _) = app.lot_of(1000, &[width()]).await;
    diesel::sql_query(
        "UPDATE lots SET cancelled_at = now(), cancel_reason = 'order withdrawn' WHERE id = $1",
    )
    .bind::<SqlUuid, _>(uuid::Uuid::parse_str(&lot).unwrap())
    .execute(&mut app.db.pool.get().unwrap())
    .unwrap();

    let reply = app.plan(&lot).await;

    reply.assert_problem(409);
    assert!(
        reply.body["detail"].as_str().unwrap().contains("cancelled"),
        "{}",
        reply.body
    );
}

#[actix_web::test]
async fn an_unknown_lot_is_not_found() {
    let app = app().await;

    let reply = app.plan(&uuid::Uuid::new_v4().to_string()).await;

    reply.assert_problem(404);
    assert!(
        reply.body["detail"].as_str().unwrap().contains("lot"),
        "{}",
        reply.body
    );
}

#[actix_web::test]
async fn a_supplier_bound_token_reads_only_its_own_suppliers_orders() {
    let app = app().await;
    let (lot, _) = app.lot_of(1000, &[width()]).await;
    let supplier = app.get(&format!("/api/v1/lots/{lot}")).await.body["supplier_id"].clone();
    let other = app.create_supplier("OTH").await;
    let token = |supplier: Value| {
        let app = &app;
        async move {
            let reply = app
                .post(
                    "/api/v1/tokens",
                    json!({"name": "Line 3 tablet", "holder": "device", "role": "inspector",
                        "supplier_id": supplier}),
                )
                .await;
            assert_eq!(reply.status, 201, "{}", reply.body);
            reply.body["token"].as_str().unwrap().to_string()
        }
    };
    let own = token(supplier).await;
    let stranger = token(json!(other)).await;
    let uri = format!("/api/v1/lots/{lot}/inspection-plan");

    let mine = app.send_as(&own, TestRequest::get().uri(&uri)).await;
    let theirs = app.send_as(&stranger, TestRequest::get().uri(&uri)).await;
    let anonymous = app.send_anonymous(TestRequest::get().uri(&uri)).await;

    assert_eq!(mine.status, 200, "{}", mine.body);
    theirs.assert_problem(404);
    anonymous.assert_problem(401);
}

/// A characteristic added after the order was drawn is drawn on the next call, beside
/// the stored ones; each draw is audited with the whole order, which `lotgate audit
/// verify` compares with the tables.
#[actix_web::test]
async fn a_characteristic_added_later_is_drawn_next_time_and_audit_verify_checks_the_order() {
    let app = app().await;
    let (lot, _) = app.lot_of(1000, &[width()]).await;
    let first = app.plan(&lot).await.body;
    let part = first["part"]["id"].as_str().unwrap().to_string();
    let pull = app
        .create_characteristic(
            &part,
            scratches(json!({"name": "Pull-off", "destructive": true})),
        )
        .await;

    let second = app.plan(&lot).await.body;
    let (intact, report) = run_lotgate(&app.db.url(), &["audit", "verify"]);

    assert_eq!(second["characteristics"][0], first["characteristics"][0]);
    let added = &second["characteristics"][1];
    assert_eq!(added["characteristic_id"], pull.as_str());
    let kept: HashSet<u64> = units(&first["characteristics"][0]).into_iter().collect();
    assert!(
        units(added).iter().all(|u| !kept.contains(u)),
        "destructive: units of its own"
    );
    assert!(intact, "{report}");
    assert!(report.contains("inspection_order"), "{report}");

    // As the tables' owner, with the trigger that refuses it switched off.
    diesel::connection::SimpleConnection::batch_execute(
        &mut app.db.pool.get().unwrap(),
        &format!(
            "ALTER TABLE lot_inspection_order_items DISABLE TRIGGER USER; \
             UPDATE lot_inspection_order_items SET units = units[2:] WHERE lot_id = '{lot}'; \
             ALTER TABLE lot_inspection_order_items ENABLE TRIGGER USER"
        ),
    )
    .unwrap();
    let (intact, report) = run_lotgate(&app.db.url(), &["audit", "verify"]);

    assert!(!intact, "{report}");
    assert!(
        report
            .lines()
            .any(|l| l.starts_with(&format!("inspection_order {lot} differs"))),
        "{report}"
    );
}

/// Two tablets asking at once: the second waits for the lot's lock and reads the order
/// the first drew.
#[actix_web::test]
async fn two_tablets_asking_at_once_get_one_order() {
    let app = app().await;
    let (lot, _) = app.lot_of(1000, &[width(), scratches(json!({}))]).await;

    let (a, b) = futures_util::join!(app.plan(&lot), app.plan(&lot));

    assert_eq!(
        (a.status.as_u16(), b.status.as_u16()),
        (200, 200),
        "{} {}",
        a.body,
        b.body
    );
    assert_eq!(a.body, b.body);
}

/// The approved golden-sample revision's reference values and photo thumbnails.
#[actix_web::test]
async fn shows_the_approved_golden_samples_reference_value_and_photo_thumbnails() {
    let app = app().await;
    let f = app.fixture().await;
    let sample = app.create_golden_sample(&f.part_id, "GS-1").await;
    let revision = app.create_revision(&sample).await.body["id"].clone();
    let references = app
        .post(
            &format!("/api/v1/golden-samples/{sample}/revisions/A/reference-measurements"),
            json!({"measured_by": "lee", "measurements": [{"characteristic_id": f.width_id, "value": 12.02}]}),
        )
        .await;
    assert!(references.status.is_success(), "{}", references.body);
    let photo = app
        .upload(
            &format!("/api/v1/golden-samples/{sample}/revisions/A/photos"),
            photo_form(&clip_jpeg("front", 0), Some("image/jpeg"), Some("front")),
        )
        .await;
    assert_eq!(photo.status, 201, "{}", photo.body);
    assert_eq!(app.approve(&sample, "A").await.status, 200);

    let b = app.plan(&f.lot_id).await.body;

    let g = &b["golden_sample"];
    assert_eq!(
        (g["golden_sample_id"].as_str(), g["revision"].as_i64()),
        (Some(sample.as_str()), Some(1))
    );
    assert_eq!(g["revision_id"], revision);
    let photo_id = photo.body["id"].as_str().unwrap();
    assert_eq!(
        g["photos"],
        json!([{"photo_id": photo_id, "thumbnail_url": format!("/api/v1/photos/{photo_id}/thumbnail"),
            "view": "front"}])
    );
    let width = &b["characteristics"][0];
    assert_eq!(width["characteristic_id"], f.width_id.as_str());
    assert_eq!(width["reference_value"].as_f64(), Some(12.02));
    assert_eq!(b["characteristics"][1]["reference_value"], Value::Null);
    let thumbnail = app
        .get(g["photos"][0]["thumbnail_url"].as_str().unwrap())
        .await;
    assert_eq!(thumbnail.status, 200);
}

/// The order offers an attribute characteristic the part's defect codes in use, for the
/// tablet to attach to a failed result; a retired code and a variable characteristic get
/// none.
#[actix_web::test]
async fn an_attribute_characteristic_offers_the_parts_defect_codes_in_use() {
    let app = app().await;
    let (lot, ids) = app.lot_of(1000, &[width(), scratches(json!({}))]).await;
    let part = app.plan(&lot).await.body["part"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    app.defect_code(&part, "scratch").await;
    let retired = app.defect_code(&part, "flash").await;
    let reply = app
        .call(
            actix_web::http::Method::PATCH,
            &format!("/api/v1/defect-codes/{retired}"),
            Some(json!({"retired": true, "reason": "not seen on this part"})),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);

    let plan = app.plan(&lot).await.body;
    let of = |id: &str| {
        plan["characteristics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["characteristic_id"] == id)
            .unwrap()["defect_codes"]
            .clone()
    };
    assert_eq!(of(&ids[1]), json!([{"code": "scratch", "name": "scratch"}]));
    assert_eq!(of(&ids[0]), json!([]));
}

/// A sampling inspection of `units` of the lot, each with a width within its limits.
fn widths_of(width_id: &str, units: &[u64]) -> Value {
    let units: Vec<Value> = units
        .iter()
        .map(|u| json!({"unit": u, "measurements": [{"characteristic_id": width_id, "value": 12.0}]}))
        .collect();
    json!({"id": uuid::Uuid::new_v4(), "source": "in_house", "mode": "sampling",
        "inspector": "kim", "inspected_at": "2026-11-20T09:15:00Z", "units": units})
}

#[actix_web::test]
async fn the_decision_shows_that_the_sample_recorded_is_the_one_drawn() {
    let app = app().await;
    let (lot, ids) = app.lot_of(1000, &[width()]).await;
    let order = app.plan(&lot).await.body;
    let drawn = units(&order["characteristics"][0]);
    let recorded = app
        .post(
            &format!("/api/v1/lots/{lot}/inspections"),
            widths_of(&ids[0], &drawn),
        )
        .await;
    assert_eq!(recorded.status, 201, "{}", recorded.body);

    let decision = app.decide(&lot).await;

    assert_eq!(decision.status, 201, "{}", decision.body);
    let check = &decision.body["characteristics"][0]["sample_as_drawn"];
    assert_eq!(check["as_drawn"], true, "{check}");
    assert_eq!(check["seed"], order["seed"]);
    assert_eq!(
        (
            check["units_drawn"].as_u64(),
            check["units_recorded"].as_u64()
        ),
        (Some(80), Some(80))
    );
    assert_eq!(check["recorded_not_drawn"], json!([]));
}

#[actix_web::test]
async fn the_decision_names_units_recorded_that_the_order_did_not_draw() {
    let app = app().await;
    let (lot, ids) = app.lot_of(1000, &[width()]).await;
    let drawn = units(&app.plan(&lot).await.body["characteristics"][0]);
    // The first 80 units of the lot, as a worker ignoring the order would take them.
    let first: Vec<u64> = (1..=80).collect();
    let not_drawn: Vec<u64> = first
        .iter()
        .copied()
        .filter(|u| !drawn.contains(u))
        .collect();
    assert!(
        !not_drawn.is_empty(),
        "80 of 1000 drawn at random are not units 1..80"
    );
    app.post(
        &format!("/api/v1/lots/{lot}/inspections"),
        widths_of(&ids[0], &first),
    )
    .await;

    let decision = app.decide(&lot).await;

    let check = &decision.body["characteristics"][0]["sample_as_drawn"];
    assert_eq!(check["as_drawn"], false, "{check}");
    assert_eq!(check["recorded_not_drawn"], json!(not_drawn));
    let missing = drawn.iter().filter(|u| !first.contains(u)).count();
    assert_eq!(
        check["drawn_not_recorded"].as_array().unwrap().len(),
        missing
    );
    assert!(
        check["explanation"]
            .as_str()
            .unwrap()
            .contains("not drawn by the inspection order"),
        "{check}"
    );
}

#[actix_web::test]
async fn a_lot_decided_without_an_order_has_no_drawn_sample_check() {
    let app = app().await;
    let (lot, ids) = app.lot_of(1000, &[width()]).await;
    app.post(
        &format!("/api/v1/lots/{lot}/inspections"),
        widths_of(&ids[0], &(1..=80).collect::<Vec<u64>>()),
    )
    .await;

    let decision = app.decide(&lot).await;

    assert_eq!(decision.status, 201, "{}", decision.body);
    assert!(
        decision.body["characteristics"][0]
            .get("sample_as_drawn")
            .is_none(),
        "{}",
        decision.body
    );
}
