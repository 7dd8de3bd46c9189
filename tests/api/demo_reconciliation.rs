//! Every demo lot inspected by both sources: its reconciliation matches an independent
//! computation to 1e-9 (lotgate issue 17, "done when").
//!
//! The reference, `tests/fixtures/demo_reconciliation.json`, was computed by GNU R from
//! `fixtures/demo.json` alone (`t.test(paired = TRUE)`, `t.test` of the unpaired units
//! (Welch), `var.test`, and agreement and Cohen's kappa from their definitions). After
//! changing the demo (`python3 fixtures/make_demo.py > fixtures/demo.json`), regenerate it
//! from the repository's root with
//!
//!     Rscript tests/fixtures/demo_reconciliation.R > tests/fixtures/demo_reconciliation.json
//!
//! (Debian: `apt-get install r-base-core r-cran-jsonlite`). R writes 15 significant
//! digits; every figure is compared with a relative tolerance of 1e-9. Where R has no
//! value (NA: no pairs, one pair, no spread, a kappa whose chance agreement is 1), the
//! service gives null and names the figure in `undefined` with its reason.

use serde_json::Value;

use crate::support::{TestDb, app_over};

const REFERENCE: &str = include_str!("../fixtures/demo_reconciliation.json");

/// `actual` equals R's `expected` to 1e-9 relative, or both are null.
fn same(actual: &Value, expected: &Value, what: &str) {
    if expected.is_null() {
        assert!(actual.is_null(), "{what}: {actual}, R has NA");
        return;
    }
    if let Some(e) = expected.as_array() {
        let a = actual
            .as_array()
            .unwrap_or_else(|| panic!("{what}: {actual}, R has {expected}"));
        assert_eq!(a.len(), e.len(), "{what}");
        for (i, (a, e)) in a.iter().zip(e).enumerate() {
            same(a, e, &format!("{what}[{i}]"));
        }
        return;
    }
    let e = expected.as_f64().unwrap();
    let a = actual
        .as_f64()
        .unwrap_or_else(|| panic!("{what}: {actual}, R has {e}"));
    assert!(
        (a - e).abs() <= 1e-9 * e.abs().max(1e-300),
        "{what}: {a}, R has {e}"
    );
}

/// The service names `field` among the figures that do not exist, with a reason.
fn explained(c: &Value, field: &str, what: &str) {
    let undefined = c["undefined"].as_array().unwrap();
    assert!(
        undefined
            .iter()
            .any(|u| u["field"] == field && !u["reason"].as_str().unwrap().is_empty()),
        "{what}: {field} is null without a reason in {undefined:?}"
    );
}

#[actix_web::test]
async fn every_demo_lot_inspected_by_both_sources_reconciles_as_r_computes_it() {
    let db = TestDb::new();
    assert!(lotgate::demo::load(&db.pool).unwrap());
    let app = app_over(db).await;
    let reference: Value = serde_json::from_str(REFERENCE).unwrap();
    let reference = reference["lots"].as_array().unwrap();

    // The lots R found inspected by both sources are exactly those the service does.
    let lots = app.get("/api/v1/lots?limit=100").await;
    assert_eq!(lots.status, 200, "{}", lots.body);
    let mut both = Vec::new();
    for lot in lots.body["items"].as_array().unwrap() {
        let r = app
            .get(&format!(
                "/api/v1/lots/{}/reconciliation",
                lot["id"].as_str().unwrap()
            ))
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let has = |source: &str| !r.body[source].as_array().unwrap().is_empty();
        if has("factory_inspections") && has("in_house_inspections") {
            both.push(lot["lot_number"].as_str().unwrap().to_string());
        }
    }
    let mut expected_lots: Vec<String> = reference
        .iter()
        .map(|l| l["lot_number"].as_str().unwrap().to_string())
        .collect();
    both.sort();
    expected_lots.sort();
    assert_eq!(both, expected_lots);
    // The biased supplier FRP is among them, with every one of its lots.
    assert_eq!(
        expected_lots
            .iter()
            .filter(|n| n.starts_with("FRP-"))
            .count(),
        4
    );

    let mut compared = 0;
    for lot in reference {
        let number = lot["lot_number"].as_str().unwrap();
        let r = app
            .get(&format!(
                "/api/v1/lots/{}/reconciliation",
                lot["lot_id"].as_str().unwrap()
            ))
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let mine = r.body["characteristics"].as_array().unwrap();
        let theirs = lot["characteristics"].as_array().unwrap();
        assert_eq!(mine.len(), theirs.len(), "{number}");
        for e in theirs {
            let name = e["name"].as_str().unwrap();
            let what = format!("{number} {name}");
            let c = mine
                .iter()
                .find(|c| c["characteristic_id"] == e["characteristic_id"])
                .unwrap_or_else(|| panic!("{what} missing"));
            for field in ["kind", "pairing"] {
                assert_eq!(c[field], e[field], "{what} {field}");
            }
            for field in [
                "factory_units",
                "in_house_units",
                "paired_units",
                "both_passed",
                "both_failed",
                "factory_passed_in_house_failed",
                "factory_failed_in_house_passed",
                "factory_nonconforming",
                "in_house_nonconforming",
            ] {
                assert_eq!(c[field].as_u64(), e[field].as_u64(), "{what} {field}");
            }
            for field in [
                "agreement",
                "kappa",
                "factory_fraction_nonconforming",
                "in_house_fraction_nonconforming",
            ] {
                same(&c[field], &e[field], &format!("{what} {field}"));
                compared += 1;
            }
            if e["paired_units"] == 0 {
                explained(c, "agreement", &what);
            } else if e["kappa"].is_null() {
                explained(c, "kappa", &what);
            }
            if e["kind"] == "attribute" {
                for field in ["mean_difference", "t_statistic", "unpaired"] {
                    assert!(c[field].is_null(), "{what} {field}: {}", c[field]);
                }
                continue;
            }
            for field in [
                "mean_difference",
                "sd_difference",
                "mean_difference_ci95",
                "t_statistic",
                "degrees_of_freedom",
                "p_value",
                "limits_of_agreement",
            ] {
                same(&c[field], &e[field], &format!("{what} {field}"));
                compared += 1;
            }
            if e["limits_of_agreement"].is_null() {
                explained(c, "limits_of_agreement", &what);
            }
            if e["t_statistic"].is_null() {
                explained(c, "t_statistic", &what);
            }
            let (u, eu) = (&c["unpaired"], &e["unpaired"]);
            for field in ["in_house_units", "factory_units"] {
                assert_eq!(
                    u[field].as_u64(),
                    eu[field].as_u64(),
                    "{what} unpaired {field}"
                );
            }
            for (test, fields) in [
                (
                    "welch",
                    &[
                        "mean_difference",
                        "t_statistic",
                        "degrees_of_freedom",
                        "p_value",
                        "mean_difference_ci95",
                    ][..],
                ),
                (
                    "variance_ratio",
                    &[
                        "ratio",
                        "numerator_df",
                        "denominator_df",
                        "p_value",
                        "ratio_ci95",
                    ][..],
                ),
            ] {
                if eu[test].is_null() {
                    assert!(u[test].is_null(), "{what} {test}: {}, R has NA", u[test]);
                    explained(c, &format!("unpaired.{test}"), &what);
                    continue;
                }
                for field in fields {
                    same(
                        &u[test][field],
                        &eu[test][field],
                        &format!("{what} unpaired.{test}.{field}"),
                    );
                    compared += 1;
                }
            }
        }
    }
    assert!(compared > 400, "{compared} figures compared");
}

#[actix_web::test]
async fn the_biased_demo_supplier_reads_width_low_and_passes_units_that_fail_here() {
    let db = TestDb::new();
    assert!(lotgate::demo::load(&db.pool).unwrap());
    let app = app_over(db).await;
    let reference: Value = serde_json::from_str(REFERENCE).unwrap();
    // FRP's factory gauge reads Width 0.025 mm low (fixtures/make_demo.py, FACTORY_GAUGE):
    // on every lot the paired t test finds it (R: p < 1e-70), its interval holds 0.025,
    // and over the four lots its factory passed units that failed in-house.
    let mut escapes = 0;
    let mut missed = Vec::new();
    for lot in reference["lots"].as_array().unwrap() {
        if !lot["lot_number"].as_str().unwrap().starts_with("FRP-") {
            continue;
        }
        let r = app
            .get(&format!(
                "/api/v1/lots/{}/reconciliation",
                lot["lot_id"].as_str().unwrap()
            ))
            .await;
        let characteristics = r.body["characteristics"].as_array().unwrap();
        let width = characteristics
            .iter()
            .find(|c| c["name"] == "Width")
            .unwrap();
        assert!(width["p_value"].as_f64().unwrap() < 1e-70, "{width}");
        let ci = width["mean_difference_ci95"].as_array().unwrap();
        assert!(ci[0].as_f64().unwrap() < 0.025 && 0.025 < ci[1].as_f64().unwrap());
        assert!(
            width["sentence"]
                .as_str()
                .unwrap()
                .starts_with("The factory's readings are 0.02"),
            "{}",
            width["sentence"]
        );
        for c in characteristics {
            let verdict = |source: &str| c["verdicts"][source]["verdict"].clone();
            if verdict("factory") == "accept" && verdict("in_house") == "reject" {
                missed.push(format!(
                    "{} {}",
                    lot["lot_number"].as_str().unwrap(),
                    c["name"].as_str().unwrap()
                ));
            }
        }
        escapes += characteristics
            .iter()
            .map(|c| c["factory_passed_in_house_failed"].as_u64().unwrap())
            .sum::<u64>();
    }
    // Counted from R's reference (the sum of factory_passed_in_house_failed over FRP's
    // lots and characteristics).
    assert_eq!(escapes, 29);
    // Its own results would have accepted two lots that the in-house sample rejects,
    // both on short shots it did not see.
    assert_eq!(missed, ["FRP-2610-01 Short shot", "FRP-2611-02 Short shot"]);
}
