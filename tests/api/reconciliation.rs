//! Factory against in-house: a lot's reconciliation pairs the units both sources
//! inspected and compares them, never pooling the two sources.
//!
//! The lot (fixture: 500 units, Width 11.8..12.2 mm major AQL 1.0, Scratches minor AQL
//! 2.5, level II -> code H, n 50; ISO 2859-1:1999 Table II-A: Width Ac 1 Re 2, Scratches
//! Ac 3 Re 4) is like the demo's biased supplier: the factory sampled serials S-1..S-50,
//! in-house S-31..S-80, so S-31..S-50 are paired. The factory reads about 0.025 mm low,
//! so three units above the USL in-house (S-35, S-41, S-47) pass at the factory.
//!
//! Every expected figure was printed by GNU R 4 (`Rscript`, `options(digits = 17)`)
//! from the data below with the commands beside it.

// The expected values are written as R printed them, 17 significant digits.
#![allow(clippy::excessive_precision)]

use actix_web::test::TestRequest;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::builders::Fixture;
use crate::support::app;

/// In-house Width readings of serials S-31..S-80 (R: `ih`).
const IN_HOUSE: [f64; 50] = [
    12.098, 12.062, 11.84, 12.026, 12.208, 12.073, 12.044, 11.898, 12.05, 12.007, 12.212, 12.023,
    11.926, 12.092, 11.939, 12.06, 12.205, 11.972, 11.883, 11.948, 11.951, 11.989, 11.993, 12.088,
    12.022, 12.062, 11.937, 11.977, 12.052, 12.056, 12.037, 11.973, 11.942, 12.098, 11.96, 11.979,
    12.073, 12.009, 11.968, 12.043, 11.989, 12.072, 11.993, 11.958, 12.131, 12.062, 12.002, 11.999,
    11.928, 11.975,
];
/// The factory's Width readings of serials S-1..S-50 (R: `fa`).
const FACTORY: [f64; 50] = [
    11.892, 11.96, 12.011, 11.961, 11.993, 11.897, 11.96, 11.959, 12.018, 11.979, 11.97, 11.936,
    11.923, 11.971, 12.045, 11.869, 11.821, 12.081, 12.053, 12.008, 12.0, 11.955, 11.968, 11.913,
    11.998, 11.967, 11.876, 11.954, 11.938, 11.941, 12.085, 12.034, 11.817, 11.997, 12.186, 12.046,
    12.029, 11.865, 12.03, 11.981, 12.187, 11.998, 11.891, 12.066, 11.916, 12.03, 12.187, 11.951,
    11.86, 11.938,
];
/// Serials whose Scratches result failed, per source.
const FACTORY_SCRATCHED: [usize; 3] = [12, 40, 44];
const IN_HOUSE_SCRATCHED: [usize; 5] = [33, 38, 44, 52, 60];

pub(crate) fn close(actual: &Value, expected: f64, what: &str) {
    let a = actual
        .as_f64()
        .unwrap_or_else(|| panic!("{what} is {actual}"));
    assert!(
        (a - expected).abs() <= 1e-9 * expected.abs().max(1e-12),
        "{what}: {a} vs R {expected}"
    );
}

/// An inspection of `source` recording Width and Scratches of serials `first..` with
/// `values`; serials are left out when `serials` is false.
pub(crate) fn body(
    f: &Fixture,
    source: &str,
    at: &str,
    first: usize,
    values: &[f64],
    scratched: &[usize],
    serials: bool,
) -> Value {
    let units: Vec<Value> = values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let serial = first + i;
            json!({"unit": i + 1,
                "serial": serials.then(|| format!("S-{serial}")),
                "measurements": [{"characteristic_id": f.width_id, "value": v}],
                "attributes": [{"characteristic_id": f.scratch_id,
                    "pass": !scratched.contains(&serial)}]})
        })
        .collect();
    json!({"id": Uuid::new_v4(), "source": source, "mode": "sampling", "inspector": "kim",
        "inspected_at": at, "units": units})
}

macro_rules! record {
    ($app:expr, $f:expr, $body:expr) => {{
        let reply = $app
            .post(&format!("/api/v1/lots/{}/inspections", $f.lot_id), $body)
            .await;
        assert_eq!(reply.status, 201, "{}", reply.body);
    }};
}

fn characteristic<'a>(r: &'a Value, id: &str) -> &'a Value {
    r["characteristics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["characteristic_id"] == id)
        .unwrap()
}

#[actix_web::test]
async fn a_biased_factory_is_measured_against_the_in_house_readings_of_the_same_serials() {
    let app = app().await;
    let f = app.fixture().await;
    let factory = body(
        &f,
        "factory",
        "2026-11-20T08:00:00Z",
        1,
        &FACTORY,
        &FACTORY_SCRATCHED,
        true,
    );
    let in_house = body(
        &f,
        "in_house",
        "2026-11-21T08:00:00Z",
        31,
        &IN_HOUSE,
        &IN_HOUSE_SCRATCHED,
        true,
    );
    record!(app, f, factory);
    record!(app, f, in_house);

    let reply = app
        .get(&format!("/api/v1/lots/{}/reconciliation", f.lot_id))
        .await;

    assert_eq!(reply.status, 200, "{}", reply.body);
    let w = characteristic(&reply.body, &f.width_id);
    assert_eq!(w["pairing"], "serial");
    assert_eq!(
        (
            &w["factory_units"],
            &w["in_house_units"],
            &w["paired_units"]
        ),
        (&json!(50), &json!(50), &json!(20))
    );
    // x <- ih[1:20]; y <- fa[31:50]; d <- x - y; tt <- t.test(x, y, paired = TRUE)
    // c(mean(d), sd(d), tt$conf.int, tt$statistic, tt$parameter, tt$p.value,
    //   mean(d) + c(-1.96, 1.96) * sd(d))
    close(
        &w["mean_difference"],
        0.023600000000000065,
        "mean difference",
    );
    close(
        &w["sd_difference"],
        0.0063278831581467512,
        "sd of differences",
    );
    close(
        &w["mean_difference_ci95"][0],
        0.020638459519845408,
        "ci low",
    );
    close(
        &w["mean_difference_ci95"][1],
        0.026561540480154727,
        "ci high",
    );
    close(&w["t_statistic"], 16.678943953336301, "t");
    close(&w["degrees_of_freedom"], 19.0, "df");
    close(&w["p_value"], 8.3978729256716257e-13, "p");
    close(
        &w["limits_of_agreement"][0],
        0.011197349010032434,
        "lower limit",
    );
    close(
        &w["limits_of_agreement"][1],
        0.036002650989967695,
        "upper limit",
    );
    // u <- ih[21:50]; v <- fa[1:30]; w <- t.test(u, v); f <- var.test(u, v)
    // c(w$estimate[1] - w$estimate[2], w$statistic, w$parameter, w$p.value, w$conf.int)
    // c(f$statistic, f$p.value, f$conf.int)
    let u = &w["unpaired"];
    assert_eq!(
        (&u["in_house_units"], &u["factory_units"]),
        (&json!(30), &json!(30))
    );
    close(
        &u["welch"]["mean_difference"],
        0.050033333333333374,
        "welch difference",
    );
    close(&u["welch"]["t_statistic"], 3.5496141542146695, "welch t");
    close(
        &u["welch"]["degrees_of_freedom"],
        57.766982971252773,
        "welch df",
    );
    close(&u["welch"]["p_value"], 0.00077464496246562652, "welch p");
    close(
        &u["welch"]["mean_difference_ci95"][0],
        0.021815843784037128,
        "welch low",
    );
    close(
        &u["welch"]["mean_difference_ci95"][1],
        0.078250822882629634,
        "welch high",
    );
    close(&u["variance_ratio"]["ratio"], 0.88056222735334466, "F");
    close(&u["variance_ratio"]["p_value"], 0.73428607922212563, "F p");
    close(
        &u["variance_ratio"]["ratio_ci95"][0],
        0.41911660180817312,
        "F low",
    );
    close(
        &u["variance_ratio"]["ratio_ci95"][1],
        1.8500575565278463,
        "F high",
    );
    // pin <- x >= 11.8 & x <= 12.2; pfa <- y >= 11.8 & y <= 12.2: 17 both pass, 3 escapes;
    // po = 17/20, pe = 0.85, kappa 0.
    assert_eq!(w["factory_passed_in_house_failed"], 3);
    assert_eq!(w["factory_failed_in_house_passed"], 0);
    close(&w["agreement"], 0.84999999999999998, "agreement");
    assert_eq!(w["kappa"], 0.0);
    close(
        &w["factory_fraction_nonconforming"],
        0.0,
        "factory fraction",
    );
    close(
        &w["in_house_fraction_nonconforming"],
        3.0 / 50.0,
        "in-house fraction",
    );
    // Width n 50 Ac 1 Re 2: none out of specification at the factory, three in-house.
    assert_eq!(w["verdicts"]["factory"]["verdict"], "accept");
    assert_eq!(w["verdicts"]["in_house"]["verdict"], "reject");
    assert_eq!(
        w["sentence"],
        "The factory's readings are 0.0236 mm lower than ours over 20 paired units; 3 units it passed failed here."
    );
    assert_eq!(w["undefined"], json!([]));
}

#[actix_web::test]
async fn attribute_results_are_compared_by_agreement_kappa_and_escapes() {
    let app = app().await;
    let f = app.fixture().await;
    record!(
        app,
        f,
        body(
            &f,
            "factory",
            "2026-11-20T08:00:00Z",
            1,
            &FACTORY,
            &FACTORY_SCRATCHED,
            true
        )
    );
    record!(
        app,
        f,
        body(
            &f,
            "in_house",
            "2026-11-21T08:00:00Z",
            31,
            &IN_HOUSE,
            &IN_HOUSE_SCRATCHED,
            true
        )
    );

    let reply = app
        .get(&format!("/api/v1/lots/{}/reconciliation", f.lot_id))
        .await;

    let s = characteristic(&reply.body, &f.scratch_id);
    // fs <- !(1:50 %in% c(12, 40, 44)); is <- !(31:80 %in% c(33, 38, 44, 52, 60))
    // tab <- table(fs[31:50], is[1:20]); po <- (tab[1,1] + tab[2,2]) / n
    // pe <- sum(rowSums(tab) * colSums(tab)) / n^2; (po - pe) / (1 - pe)
    assert_eq!(s["kind"], "attribute");
    assert_eq!(s["paired_units"], 20);
    assert_eq!(
        (&s["both_passed"], &s["both_failed"]),
        (&json!(16), &json!(1))
    );
    assert_eq!(s["factory_passed_in_house_failed"], 2);
    assert_eq!(s["factory_failed_in_house_passed"], 1);
    close(&s["agreement"], 0.84999999999999998, "agreement");
    close(&s["kappa"], 0.31818181818181801, "kappa");
    assert_eq!(
        (&s["factory_nonconforming"], &s["in_house_nonconforming"]),
        (&json!(3), &json!(5))
    );
    close(
        &s["factory_fraction_nonconforming"],
        0.06,
        "factory fraction",
    );
    close(
        &s["in_house_fraction_nonconforming"],
        0.1,
        "in-house fraction",
    );
    // Scratches n 50 Ac 3 Re 4: 3 at the factory accept, 5 in-house reject.
    assert_eq!(s["verdicts"]["factory"]["verdict"], "accept");
    assert_eq!(s["verdicts"]["in_house"]["verdict"], "reject");
    assert_eq!(s["t_statistic"], Value::Null);
    assert_eq!(s["unpaired"], Value::Null);
    assert_eq!(
        s["sentence"],
        "The factory judged 17 of the 20 paired units as we did; 2 units it passed failed here."
    );
}

#[actix_web::test]
async fn units_without_serials_are_paired_by_unit_number_and_it_says_so() {
    let app = app().await;
    let f = app.fixture().await;
    // Ten units each, no serials: unit i of one source is paired with unit i of the other.
    record!(
        app,
        f,
        body(
            &f,
            "factory",
            "2026-11-20T08:00:00Z",
            31,
            &FACTORY[30..40],
            &[],
            false
        )
    );
    record!(
        app,
        f,
        body(
            &f,
            "in_house",
            "2026-11-21T08:00:00Z",
            31,
            &IN_HOUSE[0..10],
            &[],
            false
        )
    );

    let reply = app
        .get(&format!("/api/v1/lots/{}/reconciliation", f.lot_id))
        .await;

    let w = characteristic(&reply.body, &f.width_id);
    assert_eq!(w["pairing"], "unit_number");
    assert_eq!(w["paired_units"], 10);
    // x <- ih[1:10]; y <- fa[31:40]; mean(x - y); t.test(x, y, paired = TRUE)$p.value
    close(
        &w["mean_difference"],
        0.023600000000000065,
        "mean difference",
    );
    close(&w["p_value"], 8.5122334366219974e-07, "p");
}

#[actix_web::test]
async fn without_pairs_the_paired_figures_are_null_with_the_reason() {
    let app = app().await;
    let f = app.fixture().await;
    record!(
        app,
        f,
        body(
            &f,
            "factory",
            "2026-11-20T08:00:00Z",
            1,
            &FACTORY,
            &FACTORY_SCRATCHED,
            true
        )
    );

    let reply = app
        .get(&format!("/api/v1/lots/{}/reconciliation", f.lot_id))
        .await;

    assert_eq!(reply.status, 200, "{}", reply.body);
    let w = characteristic(&reply.body, &f.width_id);
    assert_eq!(w["paired_units"], 0);
    assert_eq!(w["mean_difference"], Value::Null);
    assert_eq!(w["t_statistic"], Value::Null);
    assert_eq!(w["limits_of_agreement"], Value::Null);
    let reasons: Vec<(&str, &str)> = w["undefined"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| (u["field"].as_str().unwrap(), u["reason"].as_str().unwrap()))
        .collect();
    assert!(
        reasons.contains(&("t_statistic", "no unit was inspected by both sources")),
        "{reasons:?}"
    );
    assert!(
        reasons.contains(&(
            "unpaired.welch",
            "a source has fewer than two units to compare"
        )),
        "{reasons:?}"
    );
    assert_eq!(w["verdicts"]["in_house"]["verdict"], "pending");
    assert!(
        w["sentence"]
            .as_str()
            .unwrap()
            .starts_with("No unit was inspected by both sources"),
        "{}",
        w["sentence"]
    );
}

#[actix_web::test]
async fn one_pair_gives_its_difference_but_no_spread() {
    let app = app().await;
    let f = app.fixture().await;
    record!(
        app,
        f,
        body(&f, "factory", "2026-11-20T08:00:00Z", 1, &[12.0], &[], true)
    );
    record!(
        app,
        f,
        body(
            &f,
            "in_house",
            "2026-11-21T08:00:00Z",
            1,
            &[12.03],
            &[],
            true
        )
    );

    let reply = app
        .get(&format!("/api/v1/lots/{}/reconciliation", f.lot_id))
        .await;

    let w = characteristic(&reply.body, &f.width_id);
    assert_eq!(w["paired_units"], 1);
    close(&w["mean_difference"], 12.03 - 12.0, "difference");
    assert_eq!(w["sd_difference"], Value::Null);
    assert!(
        w["undefined"]
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u["field"] == "limits_of_agreement"
                && u["reason"]
                    == "only one unit was inspected by both sources: a spread needs at least two"),
        "{}",
        w["undefined"]
    );
}

#[actix_web::test]
async fn a_token_bound_to_another_supplier_cannot_read_the_reconciliation() {
    let app = app().await;
    let f = app.fixture().await;
    let uri = format!("/api/v1/lots/{}/reconciliation", f.lot_id);
    only_the_suppliers_own_tokens_read(&app, &f.supplier_id, &uri).await;
}

/// A token bound to another supplier is answered 404 at `uri` (as if it did not exist); a
/// token bound to `supplier` reads it.
pub(crate) async fn only_the_suppliers_own_tokens_read<S, B>(
    app: &crate::support::TestApp<S>,
    supplier: &str,
    uri: &str,
) where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    let other = app.create_supplier("OTH").await;
    let own_token = app.supplier_token(supplier, "inspector").await;
    let other_token = app.supplier_token(&other, "inspector").await;

    let theirs = app.send_as(&other_token, TestRequest::get().uri(uri)).await;
    let own = app.send_as(&own_token, TestRequest::get().uri(uri)).await;

    assert_eq!(theirs.status, 404, "{}", theirs.body);
    assert_eq!(own.status, 200, "{}", own.body);
}

#[actix_web::test]
async fn lot_statistics_give_each_source_apart_and_never_count_a_serial_twice() {
    let app = app().await;
    let f = app.fixture().await;
    record!(
        app,
        f,
        body(
            &f,
            "factory",
            "2026-11-20T08:00:00Z",
            1,
            &FACTORY,
            &FACTORY_SCRATCHED,
            true
        )
    );
    record!(
        app,
        f,
        body(
            &f,
            "in_house",
            "2026-11-21T08:00:00Z",
            31,
            &IN_HOUSE,
            &IN_HOUSE_SCRATCHED,
            true
        )
    );

    let reply = app
        .get(&format!("/api/v1/lots/{}/statistics", f.lot_id))
        .await;

    assert_eq!(reply.status, 200, "{}", reply.body);
    let w = characteristic(&reply.body, &f.width_id);
    // 100 readings of 80 serials: S-31..S-50 count once, with the in-house reading.
    // p <- c(fa[1:30], ih); c(length(p), mean(p), sd(p))
    assert_eq!(w["pooled"]["n"], 80);
    close(&w["pooled"]["mean"], 11.9962625, "pooled mean");
    close(&w["pooled"]["sd"], 0.075548415819998466, "pooled sd");
    // c(mean(fa), sd(fa), mean(ih), sd(ih))
    let per_source = w["per_source"].as_array().unwrap();
    assert_eq!(per_source.len(), 2);
    assert_eq!(per_source[0]["source"], "factory");
    assert_eq!(per_source[0]["statistics"]["n"], 50);
    close(
        &per_source[0]["statistics"]["mean"],
        11.97822,
        "factory mean",
    );
    close(
        &per_source[0]["statistics"]["sd"],
        0.082529472781249544,
        "factory sd",
    );
    assert_eq!(per_source[1]["source"], "in_house");
    assert_eq!(per_source[1]["statistics"]["n"], 50);
    close(
        &per_source[1]["statistics"]["mean"],
        12.01768,
        "in-house mean",
    );
    close(
        &per_source[1]["statistics"]["sd"],
        0.077961382381645489,
        "in-house sd",
    );
}

#[actix_web::test]
async fn the_decision_says_which_source_decided_each_characteristic() {
    let app = app().await;
    let f = app.fixture().await;
    record!(
        app,
        f,
        body(
            &f,
            "factory",
            "2026-11-20T08:00:00Z",
            1,
            &FACTORY,
            &FACTORY_SCRATCHED,
            true
        )
    );
    record!(
        app,
        f,
        body(
            &f,
            "in_house",
            "2026-11-21T08:00:00Z",
            31,
            &IN_HOUSE,
            &IN_HOUSE_SCRATCHED,
            true
        )
    );

    let reply = app.decide(&f.lot_id).await;

    // Both sampled the lot: the in-house inspection is the original one (in_house_decides),
    // and its three widths above the USL reject the lot under Ac 1 Re 2.
    assert_eq!(reply.status, 201, "{}", reply.body);
    let w = characteristic(&reply.body, &f.width_id);
    assert_eq!(w["decided_by_source"], "in_house");
    assert_eq!(w["verdict"], "reject");
    assert_eq!(
        characteristic(&reply.body, &f.scratch_id)["decided_by_source"],
        "in_house"
    );
}
