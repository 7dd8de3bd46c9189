//! Factory against in-house over a supplier's lots: the bias of the factory's readings
//! lot by lot and pooled, its escapes, and a flag when it reports significantly fewer
//! nonconforming units than the in-house inspection finds.
//!
//! The supplier DPM (fixture part: Width 11.8..12.2 mm, Scratches attribute) has three
//! lots inspected by both sources and one by the factory alone:
//!
//! - L-1, 2026-11-20: factory S-1..S-8, in-house S-3..S-10 (6 pairs by serial);
//! - L-2, 2026-11-25: both S-1..S-5 (5 pairs);
//! - L-4, 2026-11-28: the factory alone (not compared);
//! - L-3, 2026-12-01: four units each without serials (4 pairs by unit number).
//!
//! Every expected figure was printed by GNU R 4 (`Rscript`, `options(digits = 17)`) from
//! the data below with the commands beside it; the escape rates are counted by hand.

// The expected values are written as R printed them, 17 significant digits.
#![allow(clippy::excessive_precision)]

use actix_web::test::TestRequest;
use serde_json::{Value, json};

use crate::builders::Fixture;
use crate::reconciliation::{body, close};
use crate::support::{Reply, app};

// R: f1 <- c(11.95, 12.02, 12.18, 11.99, 12.05, 12.19, 11.97, 12.01)
const F1: [f64; 8] = [11.95, 12.02, 12.18, 11.99, 12.05, 12.19, 11.97, 12.01];
// R: h1 <- c(12.205, 12.015, 12.072, 12.214, 11.998, 12.036, 12.10, 11.92)
const H1: [f64; 8] = [12.205, 12.015, 12.072, 12.214, 11.998, 12.036, 12.10, 11.92];
// R: f2 <- c(12.00, 11.90, 12.19, 12.05, 11.85); h2 <- c(12.021, 11.93, 12.212, 12.079, 11.871)
const F2: [f64; 5] = [12.00, 11.90, 12.19, 12.05, 11.85];
const H2: [f64; 5] = [12.021, 11.93, 12.212, 12.079, 11.871];
// R: f3 <- c(12.1, 11.95, 12.0, 12.03); h3 <- c(12.127, 11.97, 12.03, 12.05)
const F3: [f64; 4] = [12.1, 11.95, 12.0, 12.03];
const H3: [f64; 4] = [12.127, 11.97, 12.03, 12.05];

async fn record<S, B>(app: &crate::support::TestApp<S>, lot: &str, body: Value)
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    let reply = app
        .post(&format!("/api/v1/lots/{lot}/inspections"), body)
        .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
}

/// The supplier's reconciliation over all its lots, answered 200.
async fn reconciliation<S, B>(app: &crate::support::TestApp<S>, supplier: &str) -> Reply
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    let reply = app
        .get(&format!("/api/v1/suppliers/{supplier}/reconciliation"))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply
}

/// The lots of the module comment; returns the fixture and the ids of L-1..L-4.
async fn three_compared_lots<S, B>(app: &crate::support::TestApp<S>) -> (Fixture, [String; 4])
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    let f = app.fixture().await;
    let lot = |n: &'static str, day: &'static str| {
        let (part, supplier) = (f.part_id.clone(), f.supplier_id.clone());
        async move { app.create_lot(&part, &supplier, n, 500, day).await }
    };
    let l2 = lot("L-2", "2026-11-25").await;
    let l3 = lot("L-3", "2026-12-01").await;
    let l4 = lot("L-4", "2026-11-28").await;
    let (at_f, at_h) = ("2026-11-20T08:00:00Z", "2026-11-21T08:00:00Z");
    // Scratches: the factory fails L-1 S-2 alone; in-house fails L-1 S-4, S-5, S-9, S-10,
    // L-2 S-1, S-3, S-5 and L-3 unit 2.
    let l1 = f.lot_id.clone();
    record(app, &l1, body(&f, "factory", at_f, 1, &F1, &[2], true)).await;
    record(
        app,
        &l1,
        body(&f, "in_house", at_h, 3, &H1, &[4, 5, 9, 10], true),
    )
    .await;
    record(app, &l2, body(&f, "factory", at_f, 1, &F2, &[], true)).await;
    record(
        app,
        &l2,
        body(&f, "in_house", at_h, 1, &H2, &[1, 3, 5], true),
    )
    .await;
    record(app, &l3, body(&f, "factory", at_f, 1, &F3, &[], false)).await;
    record(app, &l3, body(&f, "in_house", at_h, 1, &H3, &[2], false)).await;
    record(app, &l4, body(&f, "factory", at_f, 1, &F2, &[], true)).await;
    (f, [l1, l2, l3, l4])
}

fn characteristic<'a>(r: &'a Value, id: &str) -> &'a Value {
    r["characteristics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["characteristic_id"] == id)
        .unwrap_or_else(|| panic!("no characteristic {id} in {r}"))
}

fn reasons(c: &Value) -> Vec<(String, String)> {
    c["undefined"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            (
                u["field"].as_str().unwrap().to_string(),
                u["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn has(c: &Value, field: &str, reason: &str) -> bool {
    reasons(c).iter().any(|(f, r)| f == field && r == reason)
}

#[actix_web::test]
async fn a_biased_factory_is_measured_over_its_lots_and_flagged_where_it_reports_fewer() {
    let app = app().await;
    let (f, [l1, l2, l3, _]) = three_compared_lots(&app).await;

    let reply = reconciliation(&app, &f.supplier_id).await;

    assert_eq!(reply.status, 200, "{}", reply.body);
    let r = &reply.body;
    assert_eq!(r["lots_compared"], 3);
    assert_eq!(r["flagged_characteristics"], 1);
    assert_eq!(
        r["summary"],
        "Factory QC of DPM reports fewer nonconforming units than in-house on 1 of 2 \
         characteristics (3 lots compared); its readings of Width run 0.0247 mm low."
    );
    let w = characteristic(r, &f.width_id);
    assert_eq!((&w["kind"], &w["unit"]), (&json!("variable"), &json!("mm")));
    assert_eq!(w["part_id"], f.part_id.as_str());
    // Lots in production order, L-4 (the factory alone) left out.
    let lots = w["lots"].as_array().unwrap();
    let ids: Vec<&str> = lots.iter().map(|l| l["lot_id"].as_str().unwrap()).collect();
    assert_eq!(ids, [l1.as_str(), l2.as_str(), l3.as_str()]);
    // d1 <- h1[1:6] - f1[3:8]; d2 <- h2 - f2; d3 <- h3 - f3; c(mean(d1), mean(d2), mean(d3))
    // [1] 0.024999999999999762 0.024600000000000222 0.024250000000000771
    let means = [
        0.024999999999999762,
        0.024600000000000222,
        0.024250000000000771,
    ];
    let expected = [
        // (pairing, pairs, escapes, factory nc/n, in-house nc/n): counted by hand.
        ("serial", 6, 2, 0, 8, 2, 8),
        ("serial", 5, 1, 0, 5, 1, 5),
        ("unit_number", 4, 0, 0, 4, 0, 4),
    ];
    for (i, (l, e)) in lots.iter().zip(expected).enumerate() {
        assert_eq!(l["pairing"], e.0, "lot {i}");
        assert_eq!(l["paired_units"], e.1, "lot {i}");
        assert_eq!(l["escapes"], e.2, "lot {i}");
        assert_eq!(
            [
                &l["factory_nonconforming"],
                &l["factory_inspected"],
                &l["in_house_nonconforming"],
                &l["in_house_inspected"]
            ],
            [&json!(e.3), &json!(e.4), &json!(e.5), &json!(e.6)],
            "lot {i}"
        );
        close(&l["mean_difference"], means[i], "lot mean difference");
    }
    assert_eq!(lots[0]["lot_number"], "L-1");
    assert_eq!(lots[0]["produced_on"], "2026-11-20");
    // d <- c(d1, d2, d3); tt <- t.test(d)
    // c(mean(d), sd(d), tt$conf.int, tt$statistic, tt$parameter, tt$p.value)
    // 2.4666666666666850e-02 3.5790395093544675e-03 2.2684660649854967e-02
    // 2.6648672683478737e-02 2.6692521542932401e+01 1.4000000000000000e+01
    // 2.0850027884833540e-13
    let b = &w["bias"];
    assert_bias(
        b,
        15,
        [
            2.4666666666666850e-02,
            3.5790395093544675e-03,
            2.2684660649854967e-02,
            2.6648672683478737e-02,
            2.6692521542932401e+01,
            2.0850027884833540e-13,
        ],
    );
    close(&b["degrees_of_freedom"], 14.0, "df");
    // Escapes: L-1 S-3 (12.18 / 12.205), S-6 (12.19 / 12.214), L-2 S-3 (12.19 / 12.212);
    // the factory passed all 15 paired units: 3 / 15.
    assert_eq!(
        (&w["escapes"], &w["factory_passed"]),
        (&json!(3), &json!(15))
    );
    close(&w["escape_rate"], 0.2, "escape rate");
    let fa = &w["factory_fraction_nonconforming"];
    let ih = &w["in_house_fraction_nonconforming"];
    assert_eq!(
        (&fa["nonconforming"], &fa["inspected"]),
        (&json!(0), &json!(17))
    );
    assert_eq!(
        (&ih["nonconforming"], &ih["inspected"]),
        (&json!(3), &json!(17))
    );
    assert_eq!(fa["fraction"], json!(0.0));
    close(&ih["fraction"], 3.0 / 17.0, "in-house fraction");
    // fisher.test(matrix(c(0, 3, 17, 14), nrow = 2), alternative = "less")$p.value
    // [1] 0.11363636363636366
    let fewer = &w["factory_reports_fewer"];
    assert_eq!(
        fewer["test"],
        "Fisher's exact test, one-sided: the factory reports fewer nonconforming units than in-house"
    );
    close(&fewer["p_value"], 0.11363636363636366, "Width Fisher p");
    assert_eq!(fewer["flag"], false);
    assert_eq!(
        w["sentence"],
        "Over 3 lots, the factory's readings of Width are 0.0247 mm lower than ours over 15 \
         paired units; 3 of the 15 paired units it passed failed here; it reported 0 % \
         nonconforming (0 of 17) against our 17.6 % nonconforming (3 of 17), not \
         significantly fewer (Fisher's exact test, one-sided p = 0.114)."
    );
    assert_eq!(w["undefined"], json!([]));

    let s = characteristic(r, &f.scratch_id);
    assert_eq!(s["kind"], "attribute");
    assert_eq!(s["bias"], Value::Null);
    assert_eq!(s["lots"][0]["mean_difference"], Value::Null);
    // Paired escapes: L-1 S-4, S-5; L-2 S-1, S-3, S-5; L-3 unit 2: 6 of the 15 passed.
    assert_eq!(
        (&s["escapes"], &s["factory_passed"]),
        (&json!(6), &json!(15))
    );
    close(&s["escape_rate"], 0.4, "scratches escape rate");
    // fisher.test(matrix(c(1, 8, 16, 9), nrow = 2), alternative = "less")$p.value
    // [1] 0.0083426028921023566
    close(
        &s["factory_reports_fewer"]["p_value"],
        0.0083426028921023566,
        "Scratches Fisher p",
    );
    assert_eq!(s["factory_reports_fewer"]["flag"], true);
    assert_eq!(
        (
            &s["factory_fraction_nonconforming"]["nonconforming"],
            &s["in_house_fraction_nonconforming"]["nonconforming"]
        ),
        (&json!(1), &json!(8))
    );
    assert_eq!(
        s["sentence"],
        "Over 3 lots, the factory judged 9 of the 15 paired units of Scratches as we did; 6 of \
         the 15 paired units it passed failed here; it reported 5.88 % nonconforming (1 of 17) \
         against our 47.1 % nonconforming (8 of 17), significantly fewer (Fisher's exact test, \
         one-sided p = 0.00834)."
    );
}

#[actix_web::test]
async fn the_dates_bound_the_lots_compared() {
    let app = app().await;
    let (f, [l1, l2, _, _]) = three_compared_lots(&app).await;

    let reply = app
        .get(&format!(
            "/api/v1/suppliers/{}/reconciliation?from=2026-11-20&to=2026-11-30",
            f.supplier_id
        ))
        .await;

    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.body["lots_compared"], 2);
    assert_eq!(reply.body["to"], "2026-11-30");
    let w = characteristic(&reply.body, &f.width_id);
    let ids: Vec<&str> = w["lots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["lot_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [l1.as_str(), l2.as_str()]);
    // tt2 <- t.test(c(d1, d2))
    // c(mean(c(d1, d2)), sd(c(d1, d2)), tt2$conf.int, tt2$statistic, tt2$p.value)
    // 2.4818181818181791e-02 3.1880458534397122e-03 2.2676423471377185e-02
    // 2.6959940164986398e-02 2.5819138385641153e+01 1.7459940604945077e-10
    assert_bias(
        &w["bias"],
        11,
        [
            2.4818181818181791e-02,
            3.1880458534397122e-03,
            2.2676423471377185e-02,
            2.6959940164986398e-02,
            2.5819138385641153e+01,
            1.7459940604945077e-10,
        ],
    );
}

#[actix_web::test]
async fn the_part_filter_leaves_out_the_lots_of_other_parts() {
    let app = app().await;
    let (f, _) = three_compared_lots(&app).await;
    let other_part = app.create_part("CLP-2").await;
    let length = app
        .create_characteristic(
            &other_part,
            json!({"name": "Length", "kind": "variable", "unit": "mm", "nominal": 30.0,
                "lsl": 29.5, "usl": 30.5, "classification": "major", "aql": 1.0,
                "inspection_level": "II"}),
        )
        .await;
    let lot = app
        .create_lot(&other_part, &f.supplier_id, "P-1", 100, "2026-11-22")
        .await;
    // The factory reads Length high. R: h <- c(29.9, 30.09, 29.81); f <- c(30.0, 30.2, 29.9)
    // d <- h - f; mean(d); t.test(d)$p.value
    // [1] -0.10000000000000024
    // [1] 0.0033167587223567043
    for (source, values) in [
        ("factory", [30.0, 30.2, 29.9]),
        ("in_house", [29.9, 30.09, 29.81]),
    ] {
        let units: Vec<Value> = values
            .iter()
            .enumerate()
            .map(|(i, v)| {
                json!({"unit": i + 1, "serial": format!("P-{i}"),
                    "measurements": [{"characteristic_id": length, "value": v}]})
            })
            .collect();
        let b = json!({"id": uuid::Uuid::new_v4(), "source": source, "mode": "sampling",
            "inspector": "kim", "inspected_at": "2026-11-22T08:00:00Z", "units": units});
        record(&app, &lot, b).await;
    }
    let uri = format!("/api/v1/suppliers/{}/reconciliation", f.supplier_id);

    let all = app.get(&uri).await;
    let clip = app.get(&format!("{uri}?part_id={}", f.part_id)).await;

    assert_eq!(all.body["lots_compared"], 4, "{}", all.body);
    let l = characteristic(&all.body, &length);
    assert_eq!(l["lots"][0]["lot_id"], lot);
    close(
        &l["bias"]["mean_difference"],
        -0.10000000000000024,
        "Length mean",
    );
    close(&l["bias"]["p_value"], 0.0033167587223567043, "Length p");
    assert_eq!(
        all.body["summary"],
        "Factory QC of DPM reports fewer nonconforming units than in-house on 1 of 3 \
         characteristics (4 lots compared); its readings of Width run 0.0247 mm low and of \
         Length 0.1 mm high."
    );
    assert_eq!(clip.status, 200, "{}", clip.body);
    assert_eq!(clip.body["lots_compared"], 3);
    assert_eq!(clip.body["part_id"], f.part_id.as_str());
    let ids: Vec<&str> = clip.body["characteristics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["characteristic_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [f.width_id.as_str(), f.scratch_id.as_str()]);
}

#[actix_web::test]
async fn without_a_lot_inspected_by_both_sources_nothing_is_compared_and_it_says_so() {
    let app = app().await;
    let f = app.fixture().await;
    record(
        &app,
        &f.lot_id,
        body(&f, "factory", "2026-11-20T08:00:00Z", 1, &F1, &[], true),
    )
    .await;

    let reply = reconciliation(&app, &f.supplier_id).await;

    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.body["lots_compared"], 0);
    assert_eq!(reply.body["flagged_characteristics"], 0);
    assert_eq!(reply.body["characteristics"], json!([]));
    assert_eq!(
        reply.body["summary"],
        "No lot of DPM was inspected both by its factory QC and in-house, so its reports \
         cannot be compared yet."
    );
}

#[actix_web::test]
async fn without_pairs_the_bias_and_the_escape_rate_are_null_with_the_reason() {
    let app = app().await;
    let f = app.fixture().await;
    // Factory S-1..S-3, in-house S-4..S-6: both inspected the lot, no unit twice.
    record(
        &app,
        &f.lot_id,
        body(
            &f,
            "factory",
            "2026-11-20T08:00:00Z",
            1,
            &F1[..3],
            &[],
            true,
        ),
    )
    .await;
    record(
        &app,
        &f.lot_id,
        body(
            &f,
            "in_house",
            "2026-11-21T08:00:00Z",
            4,
            &H1[..3],
            &[],
            true,
        ),
    )
    .await;

    let reply = reconciliation(&app, &f.supplier_id).await;

    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.body["lots_compared"], 1);
    let w = characteristic(&reply.body, &f.width_id);
    assert_eq!(w["bias"]["pairs"], 0);
    assert_eq!(w["bias"]["mean_difference"], Value::Null);
    assert_eq!(w["bias"]["t_statistic"], Value::Null);
    assert_eq!(w["escape_rate"], Value::Null);
    assert!(
        has(
            w,
            "bias.t_statistic",
            "no unit was inspected by both sources"
        ),
        "{:?}",
        reasons(w)
    );
    assert!(
        has(w, "escape_rate", "no unit was inspected by both sources"),
        "{:?}",
        reasons(w)
    );
    // Each source's own units still count: 1 of 3 in-house (12.205) against 0 of 3.
    // fisher.test(matrix(c(0, 1, 3, 2), nrow = 2), alternative = "less")$p.value
    // [1] 0.49999999999999989
    close(
        &w["factory_reports_fewer"]["p_value"],
        0.49999999999999989,
        "p",
    );
    assert_eq!(w["lots"][0]["mean_difference"], Value::Null);
}

#[actix_web::test]
async fn one_pair_gives_its_difference_but_no_test_and_no_escape_rate_when_the_factory_failed_it() {
    let app = app().await;
    let f = app.fixture().await;
    record(
        &app,
        &f.lot_id,
        body(
            &f,
            "factory",
            "2026-11-20T08:00:00Z",
            1,
            &[12.0],
            &[1],
            true,
        ),
    )
    .await;
    record(
        &app,
        &f.lot_id,
        body(
            &f,
            "in_house",
            "2026-11-21T08:00:00Z",
            1,
            &[12.03],
            &[],
            true,
        ),
    )
    .await;

    let reply = reconciliation(&app, &f.supplier_id).await;

    let w = characteristic(&reply.body, &f.width_id);
    assert_eq!(w["bias"]["pairs"], 1);
    close(&w["bias"]["mean_difference"], 12.03 - 12.0, "difference");
    assert_eq!(w["bias"]["sd_difference"], Value::Null);
    assert!(
        has(
            w,
            "bias.t_statistic",
            "only one unit was inspected by both sources: a spread needs at least two"
        ),
        "{:?}",
        reasons(w)
    );
    // The factory failed the one paired Scratches result: no escape can be counted.
    let s = characteristic(&reply.body, &f.scratch_id);
    assert_eq!(
        (&s["escapes"], &s["factory_passed"]),
        (&json!(0), &json!(0))
    );
    assert_eq!(s["escape_rate"], Value::Null);
    assert!(
        has(
            s,
            "escape_rate",
            "the factory passed none of the units both sources inspected"
        ),
        "{:?}",
        reasons(s)
    );
    // fisher.test(matrix(c(1, 0, 0, 1), nrow = 2), alternative = "less")$p.value
    // [1] 1
    close(&s["factory_reports_fewer"]["p_value"], 1.0, "p");
    assert_eq!(s["factory_reports_fewer"]["flag"], false);
}

#[actix_web::test]
async fn equal_differences_have_no_spread_and_no_test() {
    let app = app().await;
    let f = app.fixture().await;
    // Differences of exactly 0.125 (binary fractions), three times.
    record(
        &app,
        &f.lot_id,
        body(
            &f,
            "factory",
            "2026-11-20T08:00:00Z",
            1,
            &[12.0, 11.5, 12.25],
            &[],
            true,
        ),
    )
    .await;
    record(
        &app,
        &f.lot_id,
        body(
            &f,
            "in_house",
            "2026-11-21T08:00:00Z",
            1,
            &[12.125, 11.625, 12.375],
            &[],
            true,
        ),
    )
    .await;

    let reply = reconciliation(&app, &f.supplier_id).await;

    let w = characteristic(&reply.body, &f.width_id);
    assert_eq!(w["bias"]["pairs"], 3);
    close(&w["bias"]["mean_difference"], 0.125, "mean");
    assert_eq!(w["bias"]["t_statistic"], Value::Null);
    assert_eq!(w["bias"]["p_value"], Value::Null);
    assert!(
        has(
            w,
            "bias.t_statistic",
            "every paired difference is the same, so their spread is zero and no t statistic exists"
        ),
        "{:?}",
        reasons(w)
    );
    assert!(!reply.body.to_string().contains("NaN"));
}

#[actix_web::test]
async fn bad_dates_reversed_dates_an_unknown_part_and_an_unknown_supplier_are_refused() {
    let app = app().await;
    let f = app.fixture().await;
    let uri = format!("/api/v1/suppliers/{}/reconciliation", f.supplier_id);

    let bad_from = app.get(&format!("{uri}?from=2026-13-01")).await;
    let bad_to = app.get(&format!("{uri}?to=yesterday")).await;
    let bad_part = app.get(&format!("{uri}?part_id=clip")).await;
    let reversed = app
        .get(&format!("{uri}?from=2026-11-02&to=2026-11-01"))
        .await;
    let unknown_part = app
        .get(&format!("{uri}?part_id={}", uuid::Uuid::new_v4()))
        .await;
    let no_supplier = app
        .get(&format!(
            "/api/v1/suppliers/{}/reconciliation",
            uuid::Uuid::new_v4()
        ))
        .await;

    for (reply, field) in [
        (&bad_from, "from"),
        (&bad_to, "to"),
        (&bad_part, "part_id"),
        (&reversed, "to"),
    ] {
        reply.assert_problem(422);
        assert_eq!(reply.error_fields(), [field], "{}", reply.body);
    }
    unknown_part.assert_problem(404);
    assert_eq!(
        unknown_part.error_fields(),
        ["part_id"],
        "{}",
        unknown_part.body
    );
    no_supplier.assert_problem(404);
}

#[actix_web::test]
async fn a_token_bound_to_another_supplier_cannot_read_the_reconciliation() {
    let app = app().await;
    let f = app.fixture().await;
    let uri = format!("/api/v1/suppliers/{}/reconciliation", f.supplier_id);
    crate::reconciliation::only_the_suppliers_own_tokens_read(&app, &f.supplier_id, &uri).await;
}

#[actix_web::test]
async fn a_cancelled_lot_is_not_compared() {
    let app = app().await;
    let (f, [_, _, l3, _]) = three_compared_lots(&app).await;
    let cancelled = app
        .send(
            TestRequest::post()
                .uri(&format!("/api/v1/lots/{l3}/cancellation"))
                .set_json(json!({"reason": "Registered twice"})),
        )
        .await;
    assert!(cancelled.status.is_success(), "{}", cancelled.body);

    let reply = reconciliation(&app, &f.supplier_id).await;

    assert_eq!(reply.body["lots_compared"], 2, "{}", reply.body);
    assert_eq!(
        characteristic(&reply.body, &f.width_id)["bias"]["pairs"],
        11
    );
}

/// A pooled bias against R's `t.test` of the differences: the pairs, then mean and sd of
/// the differences, the 95 % interval (low, high), t and the two-sided p.
fn assert_bias(b: &Value, pairs: i64, [mean, sd, low, high, t, p]: [f64; 6]) {
    assert_eq!(b["pairs"], pairs, "{b}");
    close(&b["mean_difference"], mean, "mean");
    close(&b["sd_difference"], sd, "sd");
    close(&b["mean_difference_ci95"][0], low, "ci low");
    close(&b["mean_difference_ci95"][1], high, "ci high");
    close(&b["t_statistic"], t, "t");
    close(&b["p_value"], p, "p");
}
