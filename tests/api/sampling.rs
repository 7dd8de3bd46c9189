//! The stateless sampling calculators through the API.
//!
//! Plans are checked against ISO 2859-1:1999 Table I and Tables II-A/B/C as transcribed in
//! crates/sampling/tests/data (GB/T 2828.1-2012, identical to ISO 2859-1:1999, and the R
//! package AQLSchemes); OC, AOQL and designed plans against R 4.2.2 (phyper, pbinom,
//! optimize) in crates/sampling/tests/data/oc_reference.out.

use crate::support::app;

fn close(got: &serde_json::Value, want: f64, tol: f64) -> bool {
    got.as_f64()
        .is_some_and(|g| (g - want).abs() <= tol * want.abs())
}

#[actix_web::test]
async fn looks_up_code_letter_j_for_a_lot_of_1000_at_level_ii_and_aql_1() {
    let app = app().await;

    // Table I: 501-1200 units, level II -> J; Table II-A, J at AQL 1.0 -> n 80, Ac 2, Re 3.
    let reply = app
        .get("/api/v1/sampling/plans/iso2859-1?lot_size=1000&aql=1.0&level=II&severity=normal")
        .await;

    assert_eq!(reply.status, 200, "{}", reply.body);
    let b = &reply.body;
    assert_eq!(b["code_letter"], "J");
    assert_eq!(b["table_code_letter"], "J");
    assert_eq!(b["sample_size"], 80);
    assert_eq!(b["acceptance_number"], 2);
    assert_eq!(b["rejection_number"], 3);
    assert_eq!(b["full_inspection"], false);
}

#[actix_web::test]
async fn follows_the_arrow_to_the_plan_below_and_reports_its_letter() {
    let app = app().await;

    // Table II-A, J at AQL 0.10 is an arrow down: first plan below is K, n 125, Ac 0, Re 1.
    let reply = app
        .get("/api/v1/sampling/plans/iso2859-1?lot_size=1000&aql=0.10")
        .await;

    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.body["table_code_letter"], "J");
    assert_eq!(reply.body["code_letter"], "K");
    assert_eq!(reply.body["sample_size"], 125);
    assert_eq!(reply.body["acceptance_number"], 0);
    assert_eq!(reply.body["rejection_number"], 1);
}

#[actix_web::test]
async fn reads_the_tightened_and_reduced_tables() {
    let app = app().await;

    // Table II-B, J at 1.0: n 80, Ac 1, Re 2. Table II-C, J at 1.0: n 32, Ac 1, Re 2.
    let tightened = app
        .get("/api/v1/sampling/plans/iso2859-1?lot_size=1000&aql=1.0&severity=tightened")
        .await;
    let reduced = app
        .get("/api/v1/sampling/plans/iso2859-1?lot_size=1000&aql=1.0&severity=reduced")
        .await;

    let plan = |b: &serde_json::Value| {
        (
            b["sample_size"].as_u64().unwrap(),
            b["acceptance_number"].as_u64().unwrap(),
            b["rejection_number"].as_u64().unwrap(),
        )
    };
    assert_eq!(plan(&tightened.body), (80, 1, 2));
    assert_eq!(plan(&reduced.body), (32, 1, 2));
}

#[actix_web::test]
async fn inspects_the_whole_lot_when_the_sample_reaches_it() {
    let app = app().await;

    // Lot of 10 at level II -> B; Table II-A, B at AQL 0.65 -> arrow down to F, n 20 > 10.
    let reply = app
        .get("/api/v1/sampling/plans/iso2859-1?lot_size=10&aql=0.65")
        .await;

    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.body["full_inspection"], true);
    assert_eq!(reply.body["sample_size"], 10);
}

#[actix_web::test]
async fn refuses_an_aql_that_is_not_in_the_standard_naming_it() {
    let app = app().await;

    let reply = app
        .get("/api/v1/sampling/plans/iso2859-1?lot_size=1000&aql=2.0")
        .await;

    reply.assert_problem(422);
    assert_eq!(reply.error_fields(), ["aql"]);
}

#[actix_web::test]
async fn refuses_an_inspection_level_that_is_not_in_the_standard_naming_it() {
    let app = app().await;

    let reply = app
        .get("/api/v1/sampling/plans/iso2859-1?lot_size=1000&aql=1.0&level=IV")
        .await;

    reply.assert_problem(422);
    assert_eq!(reply.error_fields(), ["level"]);
}

#[actix_web::test]
async fn refuses_a_lot_of_one_unit_naming_the_lot_size() {
    let app = app().await;

    let reply = app
        .get("/api/v1/sampling/plans/iso2859-1?lot_size=1&aql=1.0")
        .await;

    reply.assert_problem(422);
    assert_eq!(reply.error_fields(), ["lot_size"]);
}

#[actix_web::test]
async fn computes_the_hypergeometric_oc_and_aoql_of_n_80_c_2_in_a_lot_of_1000() {
    let app = app().await;

    let reply = app
        .get("/api/v1/sampling/oc?sample_size=80&acceptance_number=2&lot_size=1000&model=hypergeometric&p=0.01,0.02,0.05")
        .await;

    assert_eq!(reply.status, 200, "{}", reply.body);
    let points = reply.body["points"].as_array().unwrap();
    // R: phyper(2, D, 1000 - D, 80) with D = 10, 20, 50.
    for (point, want) in
        points
            .iter()
            .zip([0.960751681552386, 0.789247136289097, 0.218644725404169])
    {
        assert!(close(&point["pa"], want, 1e-9), "{point}");
    }
    let p = points[0]["p"].as_f64().unwrap();
    let pa = points[0]["pa"].as_f64().unwrap();
    assert!(close(&points[0]["aoq"], pa * p * 920.0 / 1000.0, 1e-12));
    // ATI from the upper tail itself. R: 80 + 920 * phyper(2, 10, 990, 80,
    // lower.tail = FALSE) = 116.108452971805.
    assert!(
        close(&points[0]["ati"], 116.108452971805, 1e-10),
        "{}",
        points[0]
    );
    // R: max over D of AOQ -> 0.0156858243626705 at D/N = 0.027.
    assert!(
        close(&reply.body["aoql"], 0.0156858243626705, 1e-9),
        "{}",
        reply.body
    );
    assert!(
        close(&reply.body["aoql_at_p"], 0.027, 1e-12),
        "{}",
        reply.body
    );
}

#[actix_web::test]
async fn gives_a_grid_of_101_points_without_fractions() {
    let app = app().await;

    let reply = app
        .get("/api/v1/sampling/oc?sample_size=80&acceptance_number=2&lot_size=1000")
        .await;

    assert_eq!(reply.status, 200, "{}", reply.body);
    let points = reply.body["points"].as_array().unwrap();
    assert_eq!(points.len(), 101);
    assert_eq!(points[0]["pa"], 1.0);
    assert_eq!(reply.body["model"], "binomial");
}

#[actix_web::test]
async fn refuses_a_fraction_above_one_and_a_sample_larger_than_the_lot() {
    let app = app().await;

    let bad_p = app
        .get("/api/v1/sampling/oc?sample_size=80&acceptance_number=2&lot_size=1000&p=0.01,1.5")
        .await;
    let bad_n = app
        .get("/api/v1/sampling/oc?sample_size=80&acceptance_number=2&lot_size=50")
        .await;
    let bad_model = app
        .get("/api/v1/sampling/oc?sample_size=80&acceptance_number=2&lot_size=1000&model=normal")
        .await;

    bad_p.assert_problem(422);
    assert_eq!(bad_p.error_fields(), ["p"]);
    bad_n.assert_problem(422);
    assert_eq!(bad_n.error_fields(), ["sample_size"]);
    bad_model.assert_problem(422);
    assert_eq!(bad_model.error_fields(), ["model"]);
}

#[actix_web::test]
async fn fractions_are_plain_decimals_as_the_document_says() {
    // The document's pattern for `p` and the parser agree (found by schemathesis).
    let app = app().await;
    let oc = |p: &str| {
        format!("/api/v1/sampling/oc?sample_size=80&acceptance_number=2&lot_size=1000&p={p}")
    };

    let plain = app.get(&oc("0.01,%20.5%20,1.,0")).await;
    let exponent = app.get(&oc("1e-2")).await;
    let not_a_number = app.get(&oc("NaN")).await;

    assert_eq!(plain.status, 200, "{}", plain.body);
    assert_eq!(plain.body["points"].as_array().unwrap().len(), 4);
    exponent.assert_problem(422);
    assert_eq!(exponent.error_fields(), ["p"]);
    not_a_number.assert_problem(422);
}

#[actix_web::test]
async fn designs_the_plan_that_meets_both_risks() {
    let app = app().await;

    // R, the same exact binomial search: AQL 1 %, LTPD 6 %, alpha 0.05, beta 0.10 ->
    // n 110, c 3, producer's risk 0.0250381463652285, consumer's risk 0.0980303807536211.
    let reply = app
        .get("/api/v1/sampling/design?aql=0.01&ltpd=0.06&alpha=0.05&beta=0.10")
        .await;

    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.body["sample_size"], 110);
    assert_eq!(reply.body["acceptance_number"], 3);
    assert_eq!(reply.body["rejection_number"], 4);
    assert!(close(
        &reply.body["producer_risk"],
        0.0250381463652285,
        1e-9
    ));
    assert!(close(
        &reply.body["consumer_risk"],
        0.0980303807536211,
        1e-9
    ));
}

#[actix_web::test]
async fn refuses_an_ltpd_not_above_the_aql_and_a_risk_outside_zero_and_one() {
    let app = app().await;

    let reply = app
        .get("/api/v1/sampling/design?aql=0.05&ltpd=0.01&beta=1.5")
        .await;

    reply.assert_problem(422);
    let mut fields = reply.error_fields();
    fields.sort();
    assert_eq!(fields, ["beta", "ltpd"]);
}

#[actix_web::test]
async fn looks_up_a_double_plan_when_the_scheme_is_double() {
    let app = app().await;

    // Table I: 1000 units at level II -> J; ISO 2859-1 Table III-A, J under AQL 1.0 (single
    // 2/3 in II-A): n1 = n2 = 50, Ac1 0, Re1 3, Ac2 3, Re2 4 (crates/sampling/tests/data/
    // egtools_iso2859_1_1999_double_resolved.tsv and z14_aqlschemes_double_resolved.tsv agree).
    let reply = app
        .get("/api/v1/sampling/plans/iso2859-1?lot_size=1000&aql=1.0&scheme=double")
        .await;

    assert_eq!(reply.status, 200, "{}", reply.body);
    let d = &reply.body["double"];
    assert_eq!(d["table"], "III-A");
    assert_eq!(d["code_letter"], "J");
    assert_eq!(d["first_sample_size"], 50);
    assert_eq!(d["second_sample_size"], 50);
    assert_eq!(d["first_acceptance_number"], 0);
    assert_eq!(d["first_rejection_number"], 3);
    assert_eq!(d["second_acceptance_number"], 3);
    assert_eq!(d["second_rejection_number"], 4);
    assert_eq!(d["full_inspection"], false);
    // The single plan of the same lot stays beside it.
    assert_eq!(reply.body["sample_size"], 80);
}

#[actix_web::test]
async fn looks_up_a_tightened_double_plan_from_table_iii_b() {
    let app = app().await;

    // Table I: 1000 units at level II -> J; Table III-B, J under AQL 6.5 (single 8/9 in II-B):
    // ISO 2859-1 n1 = 50, 4/7 and 10/11 (EGTools; MIL-STD-105E prints 3/7 and 11/12).
    let reply = app
        .get("/api/v1/sampling/plans/iso2859-1?lot_size=1000&aql=6.5&severity=tightened&scheme=double")
        .await;

    assert_eq!(reply.status, 200, "{}", reply.body);
    let d = &reply.body["double"];
    assert_eq!(d["table"], "III-B");
    assert_eq!(d["first_sample_size"], 50);
    assert_eq!(
        [
            &d["first_acceptance_number"],
            &d["first_rejection_number"],
            &d["second_acceptance_number"],
            &d["second_rejection_number"]
        ],
        [4, 7, 10, 11]
    );
}

#[actix_web::test]
async fn looks_up_a_reduced_double_plan_from_table_iii_c() {
    let app = app().await;

    // Table I: 1000 units at level II -> J; Table III-C, J under AQL 1.0 (single 1/2 in II-C):
    // n1 = 20, 0/2 and 1/2 (EGTools transcription of ISO 2859-1:1999, the only one found;
    // III-A gives the same 0/2;1/2 to the single plan 1/2).
    let reply = app
        .get(
            "/api/v1/sampling/plans/iso2859-1?lot_size=1000&aql=1.0&severity=reduced&scheme=double",
        )
        .await;

    assert_eq!(reply.status, 200, "{}", reply.body);
    let d = &reply.body["double"];
    assert_eq!(d["table"], "III-C");
    assert_eq!(d["code_letter"], "J");
    assert_eq!(d["first_sample_size"], 20);
    assert_eq!(d["second_sample_size"], 20);
    assert_eq!(
        [
            &d["first_acceptance_number"],
            &d["first_rejection_number"],
            &d["second_acceptance_number"],
            &d["second_rejection_number"]
        ],
        [0, 2, 1, 2]
    );
}

#[actix_web::test]
async fn a_single_plan_has_no_double_object() {
    let app = app().await;

    let reply = app
        .get("/api/v1/sampling/plans/iso2859-1?lot_size=1000&aql=1.0&scheme=single")
        .await;

    assert_eq!(reply.status, 200, "{}", reply.body);
    assert!(reply.body.get("double").is_none(), "{}", reply.body);
}

#[actix_web::test]
async fn refuses_an_unknown_scheme_naming_it() {
    let app = app().await;

    let reply = app
        .get("/api/v1/sampling/plans/iso2859-1?lot_size=1000&aql=1.0&scheme=triple")
        .await;

    reply.assert_problem(422);
    assert_eq!(reply.error_fields(), ["scheme"]);
}

#[actix_web::test]
async fn refuses_double_sampling_where_the_table_says_use_single_naming_the_scheme() {
    let app = app().await;

    // III-A J under AQL 0.15 is "*" (II-A prints 0/1): use the single sampling plan.
    let star = app
        .get("/api/v1/sampling/plans/iso2859-1?lot_size=1000&aql=0.15&scheme=double")
        .await;
    // III-C J under AQL 0.15 is "*" too (II-C prints 0/1).
    let reduced = app
        .get(
            "/api/v1/sampling/plans/iso2859-1?lot_size=1000&aql=0.15&severity=reduced&scheme=double",
        )
        .await;

    star.assert_problem(422);
    assert_eq!(star.error_fields(), ["scheme"]);
    reduced.assert_problem(422);
    assert_eq!(reduced.error_fields(), ["scheme"]);
}
