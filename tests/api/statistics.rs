//! Statistics through the API, checked against values computed by GNU R.
//!
//! The datasets and expected values are those of the statistics crate:
//! `crates/stats/tests/data/NAME.csv` (measurements) and `NAME.expected.csv`
//! (`quantity,value,r_expression`), produced by `Rscript reference.R` in that folder
//! (GNU R 4.2.2 with nortest 1.0-4; see its README for each expression).

use serde_json::{Value, json};

use crate::builders::inspection;
use crate::support::app;

const DATASETS: &[&str] = &["shaft_individuals", "bore_subgroups5", "tensile_lsl_only"];

struct Reference {
    values: Vec<f64>,
    expected: Vec<(String, Option<f64>)>,
}

fn reference(name: &str) -> Reference {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/crates/stats/tests/data");
    let values = std::fs::read_to_string(format!("{dir}/{name}.csv"))
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.trim().parse().unwrap())
        .collect();
    let expected = std::fs::read_to_string(format!("{dir}/{name}.expected.csv"))
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| {
            let mut cells = l.splitn(3, ',');
            let quantity = cells.next().unwrap().trim_matches('"').to_string();
            let value = cells.next().unwrap();
            (
                quantity,
                if value == "NA" {
                    None
                } else {
                    Some(value.parse().unwrap())
                },
            )
        })
        .collect();
    Reference { values, expected }
}

impl Reference {
    fn spec(&self, name: &str) -> Option<f64> {
        self.expected
            .iter()
            .find(|(q, _)| q == name)
            .and_then(|(_, v)| *v)
    }
}

/// Where a quantity of the reference files sits in the API's response.
fn pointer(quantity: &str) -> Option<&'static str> {
    Some(match quantity {
        "n" => "/n",
        "mean" => "/mean",
        "sd" => "/sd",
        "min" => "/min",
        "max" => "/max",
        "median" => "/median",
        "range" => "/range",
        "deviation_from_nominal" => "/deviation_from_nominal",
        "deviation_from_nominal_pct_of_tolerance" => "/deviation_from_nominal_pct_of_tolerance",
        "deviation_from_golden_sample" => "/deviation_from_golden_sample",
        "count_below_lsl" => "/count_below_lsl",
        "count_above_usl" => "/count_above_usl",
        "spread_centre" => "/control_chart/spread/centre_line",
        "location_centre" => "/control_chart/location/centre_line",
        "sigma_within" => "/sigma_within",
        "location_ucl" => "/control_chart/location/ucl",
        "location_lcl" => "/control_chart/location/lcl",
        "spread_ucl" => "/control_chart/spread/ucl",
        "spread_lcl" => "/control_chart/spread/lcl",
        "cp" => "/cp",
        "cpu" => "/cpu",
        "cpl" => "/cpl",
        "cpk" => "/cpk",
        "pp" => "/pp",
        "ppk" => "/ppk",
        "ppm_below_lsl" => "/ppm_below_lsl",
        "ppm_above_usl" => "/ppm_above_usl",
        "cpk_ci_lower" => "/cpk_ci_lower",
        "cpk_ci_upper" => "/cpk_ci_upper",
        "anderson_darling" => "/anderson_darling",
        "anderson_darling_p" => "/anderson_darling_p",
        _ => return None,
    })
}

#[track_caller]
fn assert_matches_reference(body: &Value, reference: &Reference, dataset: &str) {
    let mut checked = 0;
    for (quantity, expected) in &reference.expected {
        let Some(ptr) = pointer(quantity) else {
            continue;
        };
        let got = body.pointer(ptr).unwrap_or(&Value::Null);
        match expected {
            None => assert!(
                got.is_null(),
                "{dataset} {quantity}: expected null, got {got}"
            ),
            Some(want) => {
                let got = got
                    .as_f64()
                    .unwrap_or_else(|| panic!("{dataset} {quantity}: missing in {body}"));
                let scale = want.abs().max(1e-300);
                assert!(
                    (got - want).abs() / scale <= 1e-9 || (got - want).abs() <= 1e-12,
                    "{dataset} {quantity}: got {got}, R gives {want}"
                );
            }
        }
        checked += 1;
    }
    assert!(
        checked >= 25,
        "{dataset}: only {checked} quantities compared"
    );
}

#[actix_web::test]
async fn compute_capability_matches_gnu_r_on_every_reference_dataset() {
    let app = app().await;
    for dataset in DATASETS {
        let r = reference(dataset);
        let body = json!({"values": r.values, "lsl": r.spec("spec_lsl"), "usl": r.spec("spec_usl"),
            "nominal": r.spec("spec_nominal"), "subgroup_size": r.spec("spec_subgroup_size").map(|k| k as i64),
            "golden_reference": r.spec("spec_golden_sample")});

        let reply = app.post("/api/v1/statistics/capability", body).await;

        assert_eq!(reply.status, 200, "{dataset}: {}", reply.body);
        assert_matches_reference(&reply.body, &r, dataset);
    }
}

#[actix_web::test]
async fn degenerate_inputs_give_defined_json_with_an_explanation() {
    let app = app().await;
    let cases = [
        json!({"values": []}),
        json!({"values": [5.0]}),
        json!({"values": [2.0, 2.0, 2.0], "lsl": 1.0, "usl": 3.0}),
        json!({"values": [1.0, 2.0, 3.0]}),
    ];
    for body in cases {
        let reply = app
            .post("/api/v1/statistics/capability", body.clone())
            .await;

        assert_eq!(reply.status, 200, "{body}: {}", reply.body);
        assert!(
            reply.body["cpk"].is_null(),
            "{body}: cpk should be undefined"
        );
        assert!(
            !reply.body["warnings"].as_array().unwrap().is_empty(),
            "{body}: no explanation"
        );
    }
}

#[actix_web::test]
async fn refuses_a_subgroup_size_without_a_d2_constant() {
    let app = app().await;

    let reply = app
        .post(
            "/api/v1/statistics/capability",
            json!({"values": [1.0, 2.0], "subgroup_size": 26}),
        )
        .await;

    reply.assert_problem(422);
    assert_eq!(reply.error_fields(), ["subgroup_size"]);
}

#[actix_web::test]
async fn refuses_limits_out_of_order_in_the_calculator() {
    let app = app().await;

    let reply = app
        .post(
            "/api/v1/statistics/capability",
            json!({"values": [1.0, 2.0], "lsl": 3.0, "usl": 1.0}),
        )
        .await;

    reply.assert_problem(422);
    assert_eq!(reply.error_fields(), ["lsl"]);
}

/// Records `values` as one inspection of a new lot of the fixture's part (width).
async fn record_values<S, B>(
    app: &crate::support::TestApp<S>,
    f: &crate::builders::Fixture,
    lot: &str,
    id: &str,
    values: &[f64],
) -> Value
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    let mut body = inspection(f, id, values.len());
    for (i, v) in values.iter().enumerate() {
        body["units"][i]["measurements"][0]["value"] = json!(v);
    }
    let reply = app
        .post(&format!("/api/v1/lots/{lot}/inspections"), body.clone())
        .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    body
}

#[actix_web::test]
async fn lot_statistics_pool_the_current_inspections_and_match_gnu_r() {
    let app = app().await;
    let f = app.fixture().await;
    // The shaft dataset recorded against a characteristic with the same specification.
    let r = reference("shaft_individuals");
    let shaft = json!({"name": "Shaft diameter", "kind": "variable", "unit": "mm", "nominal": 25.0,
        "lsl": r.spec("spec_lsl"), "usl": r.spec("spec_usl"), "classification": "major", "aql": 1.0,
        "inspection_level": "II"});
    let shaft_id = app.create_characteristic(&f.part_id, shaft).await;
    let fixture = crate::builders::Fixture {
        width_id: shaft_id.clone(),
        ..f
    };
    // A first inspection with wrong values, then a correction carrying the dataset.
    let wrong = "11111111-1111-4111-8111-111111111111";
    record_values(
        &app,
        &fixture,
        &fixture.lot_id,
        wrong,
        &vec![30.0; r.values.len()],
    )
    .await;
    let mut fix = inspection(
        &fixture,
        "22222222-2222-4222-8222-222222222222",
        r.values.len(),
    );
    for (i, v) in r.values.iter().enumerate() {
        fix["units"][i]["measurements"][0]["value"] = json!(v);
    }
    assert_eq!(
        app.post(
            &format!("/api/v1/inspections/{wrong}/corrections"),
            json!({"reason": "values typed into the wrong field", "inspection": fix})
        )
        .await
        .status,
        201
    );

    let reply = app
        .get(&format!("/api/v1/lots/{}/statistics", fixture.lot_id))
        .await;

    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(
        reply.body["inspections"],
        json!(["22222222-2222-4222-8222-222222222222"])
    );
    let chars = reply.body["characteristics"].as_array().unwrap();
    let shaft = chars
        .iter()
        .find(|c| c["characteristic_id"] == shaft_id.as_str())
        .unwrap();
    for quantity in [
        "n",
        "mean",
        "sd",
        "median",
        "cp",
        "cpk",
        "pp",
        "ppk",
        "sigma_within",
        "anderson_darling_p",
    ] {
        let want = r
            .expected
            .iter()
            .find(|(q, _)| q == quantity)
            .unwrap()
            .1
            .unwrap();
        // The one current inspection is the pool: its own statistics match R too.
        for (what, got) in [
            ("pooled", &shaft["pooled"][quantity]),
            (
                "per inspection",
                &shaft["per_inspection"][0]["statistics"][quantity],
            ),
        ] {
            let got = got.as_f64().unwrap();
            assert!(
                (got - want).abs() <= want.abs() * 1e-9,
                "{what} {quantity}: got {got}, R gives {want}"
            );
        }
    }
    assert_eq!(shaft["spec"]["lsl"], r.spec("spec_lsl").unwrap());
    assert_eq!(shaft["per_inspection"].as_array().unwrap().len(), 1);
    assert!(shaft["pooled"]["control_chart"].is_object());
    assert_eq!(
        shaft["per_inspection"][0]["statistics"]["control_chart"],
        Value::Null,
        "a summary has no chart"
    );
}

#[actix_web::test]
async fn characteristic_capability_gives_one_point_per_lot_oldest_first() {
    let app = app().await;
    let f = app.fixture().await;
    let later = app
        .create_lot(&f.part_id, &f.supplier_id, "L-2", 500, "2026-11-21")
        .await;
    let earlier = app
        .create_lot(&f.part_id, &f.supplier_id, "L-0", 500, "2026-11-19")
        .await;
    record_values(
        &app,
        &f,
        &later,
        "11111111-1111-4111-8111-111111111111",
        &[12.0, 12.1, 12.2],
    )
    .await;
    record_values(
        &app,
        &f,
        &earlier,
        "22222222-2222-4222-8222-222222222222",
        &[11.9, 12.0],
    )
    .await;

    let reply = app
        .get(&format!(
            "/api/v1/parts/{}/characteristics/{}/capability",
            f.part_id, f.width_id
        ))
        .await;

    assert_eq!(reply.status, 200, "{}", reply.body);
    let lots: Vec<(&str, u64)> = reply.body["lots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["lot_number"].as_str().unwrap(),
                l["statistics"]["n"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(lots, [("L-0", 2), ("L-2", 3)]);
    assert_eq!(reply.body["overall"]["n"], 5);
    // mean of 11.9, 12.0, 12.0, 12.1, 12.2 (hand-computed) = 12.04
    assert!((reply.body["overall"]["mean"].as_f64().unwrap() - 12.04).abs() < 1e-12);
}

#[actix_web::test]
async fn an_attribute_characteristic_has_no_capability() {
    let app = app().await;
    let f = app.fixture().await;

    let reply = app
        .get(&format!(
            "/api/v1/parts/{}/characteristics/{}/capability",
            f.part_id, f.scratch_id
        ))
        .await;

    reply.assert_problem(422);
    assert_eq!(reply.error_fields(), ["characteristic_id"]);
}

#[actix_web::test]
async fn a_chart_that_overflows_a_double_says_null_where_the_document_allows_it() {
    // Values this far apart make sigma and the limits infinite; JSON has no infinity, so
    // they were null where the document promised numbers (found by schemathesis).
    let app = app().await;
    let body = json!({"values": [-1.7976931348623155e308, 1.7976931348623157e308, 1.0, 2.0]});

    let reply = app.post("/api/v1/statistics/capability", body).await;
    let document = app.get("/api-docs/openapi.json").await.body;

    assert_eq!(reply.status, 200, "{}", reply.body);
    let chart = &reply.body["control_chart"];
    assert!(chart["sigma_within"].is_null(), "{chart}");
    let schemas = &document["components"]["schemas"];
    let nullable = |schema: &str, field: &str| {
        schemas[schema]["properties"][field]["type"]
            .as_array()
            .is_some_and(|types| types.contains(&json!("null")))
    };
    assert!(nullable("ControlChartView", "sigma_within"));
    assert!(nullable("ChartSeriesView", "ucl"));
    assert!(nullable("ChartSeriesView", "centre_line"));
}

#[actix_web::test]
async fn an_inspection_of_attributes_only_is_listed_and_adds_no_values() {
    let app = app().await;
    let f = app.fixture().await;
    let mut attributes_only = inspection(&f, "00000000-0000-4000-8000-00000000000a", 3);
    attributes_only["inspected_at"] = json!("2026-11-20T08:00:00Z");
    for unit in attributes_only["units"].as_array_mut().unwrap() {
        unit["measurements"] = json!([]);
    }
    let mut measured = inspection(&f, "00000000-0000-4000-8000-00000000000b", 4);
    // Both sample Scratches: a second factory sample of the lot would be refused
    // (original inspection), so this one is the incoming inspection's.
    measured["source"] = json!("in_house");
    for body in [attributes_only, measured] {
        let reply = app
            .post(&format!("/api/v1/lots/{}/inspections", f.lot_id), body)
            .await;
        assert_eq!(reply.status, 201, "{}", reply.body);
    }

    let stats = app
        .get(&format!("/api/v1/lots/{}/statistics", f.lot_id))
        .await;

    assert_eq!(stats.status, 200, "{}", stats.body);
    assert_eq!(
        stats.body["inspections"],
        json!([
            "00000000-0000-4000-8000-00000000000a",
            "00000000-0000-4000-8000-00000000000b"
        ]),
        "every current inspection, in the order carried out"
    );
    let width = &stats.body["characteristics"][0];
    // Widths 12.01 .. 12.04 of the measured inspection only.
    assert_eq!(width["pooled"]["n"], 4);
    assert_eq!(width["per_inspection"].as_array().unwrap().len(), 1);
    assert_eq!(
        width["per_inspection"][0]["inspection_id"],
        "00000000-0000-4000-8000-00000000000b"
    );
}
