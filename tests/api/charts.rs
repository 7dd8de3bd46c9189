//! The reviewer's charts (SVG) through the API: each line drawn is the number the JSON
//! of the same lot reports, read back from the chart's `data-*` attributes.

use actix_web::http::Method;
use actix_web::test::TestRequest;
use serde_json::{Value, json};

use crate::builders::{Fixture, inspection};
use crate::support::{TestApp, app};

/// The chart of `uri` as text, after checking it is an accessible SVG.
async fn chart<S, B>(app: &TestApp<S>, uri: &str) -> String
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    let reply = app
        .send_raw(TestRequest::default().method(Method::GET).uri(uri))
        .await;
    assert_eq!(
        reply.status,
        200,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    assert_eq!(reply.header("content-type"), "image/svg+xml");
    let svg = String::from_utf8(reply.body).unwrap();
    assert!(
        svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\""),
        "{svg}"
    );
    assert!(svg.contains("<title>"), "{svg}");
    svg
}

/// The body of a JSON answer as text.
async fn json_text<S, B>(app: &TestApp<S>, uri: &str) -> String
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    let reply = app.send_raw(TestRequest::get().uri(uri)).await;
    assert_eq!(reply.status, 200);
    String::from_utf8(reply.body).unwrap()
}

/// Every number under `key` in a JSON text, in document order, parsed by the standard
/// library from its text (serde_json's default parser may be one ulp off, and the test
/// is about exact equality).
fn numbers(json: &str, key: &str) -> Vec<f64> {
    let key = format!("\"{key}\":");
    json.match_indices(&key)
        .filter_map(|(i, _)| {
            let rest = &json[i + key.len()..];
            let end = rest.find([',', '}', ']']).unwrap();
            rest[..end].trim().parse().ok()
        })
        .collect()
}

/// Every value of attribute `name` in `svg`, in order.
fn attrs(svg: &str, name: &str) -> Vec<String> {
    let key = format!(" {name}=\"");
    svg.match_indices(&key)
        .map(|(i, _)| {
            let rest = &svg[i + key.len()..];
            rest[..rest.find('"').unwrap()].to_string()
        })
        .collect()
}

/// The exact value of the line whose `data-role` is `role`.
fn line(svg: &str, role: &str) -> f64 {
    let key = format!("data-role=\"{role}\" data-value=\"");
    let at = svg
        .find(&key)
        .unwrap_or_else(|| panic!("no {role} line: {svg}"))
        + key.len();
    svg[at..at + svg[at..].find('"').unwrap()].parse().unwrap()
}

/// The fixture's lot with one sampling inspection of 50 units recorded.
async fn inspected<S, B>(app: &TestApp<S>) -> Fixture
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    let f = app.fixture().await;
    let body = inspection(&f, "4b0c8a52-1d3e-4f60-9a7b-8c9d0e1f2a3b", 50);
    let reply = app
        .post(&format!("/api/v1/lots/{}/inspections", f.lot_id), body)
        .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    f
}

#[actix_web::test]
async fn the_control_chart_draws_the_limits_and_centre_line_of_the_lot_statistics() {
    let app = app().await;
    let f = inspected(&app).await;

    let stats = json_text(&app, &format!("/api/v1/lots/{}/statistics", f.lot_id)).await;
    let svg = chart(
        &app,
        &format!(
            "/api/v1/lots/{}/charts/{}/control-chart",
            f.lot_id, f.width_id
        ),
    )
    .await;

    // The location chart comes first in `control_chart`, then the spread chart.
    assert_eq!(line(&svg, "ucl"), numbers(&stats, "ucl")[0]);
    assert_eq!(line(&svg, "lcl"), numbers(&stats, "lcl")[0]);
    assert_eq!(line(&svg, "centre"), numbers(&stats, "centre_line")[0]);
    assert!(
        svg.contains("<title>Width: individuals chart</title>"),
        "{svg}"
    );
    assert!(
        svg.contains(">Width (mm)</text>"),
        "the y axis names the unit"
    );
}

#[actix_web::test]
async fn the_range_chart_of_subgroups_draws_the_r_chart_of_the_same_subgroup_size() {
    let app = app().await;
    let f = inspected(&app).await;

    let stats = json_text(
        &app,
        &format!("/api/v1/lots/{}/statistics?subgroup_size=5", f.lot_id),
    )
    .await;
    let svg = chart(
        &app,
        &format!(
            "/api/v1/lots/{}/charts/{}/control-chart?subgroup_size=5&series=spread",
            f.lot_id, f.width_id
        ),
    )
    .await;

    assert_eq!(line(&svg, "ucl"), numbers(&stats, "ucl")[1]);
    assert_eq!(line(&svg, "lcl"), numbers(&stats, "lcl")[1]);
    assert_eq!(line(&svg, "centre"), numbers(&stats, "centre_line")[1]);
    assert!(svg.contains("<title>Width: range chart</title>"), "{svg}");
    assert!(
        svg.contains("data-chart=\"control\" data-series=\"spread\""),
        "{svg}"
    );
    assert!(svg.contains("Subgroup of 5 consecutive units"));
}

#[actix_web::test]
async fn the_histogram_counts_every_value_and_draws_the_specification_of_the_characteristic() {
    let app = app().await;
    let f = inspected(&app).await;

    let stats = app
        .get(&format!("/api/v1/lots/{}/statistics", f.lot_id))
        .await;
    let svg = chart(
        &app,
        &format!("/api/v1/lots/{}/charts/{}/histogram", f.lot_id, f.width_id),
    )
    .await;

    let pooled = &stats.body["characteristics"][0]["pooled"];
    let counted: u64 = attrs(&svg, "data-count")
        .iter()
        .map(|c| c.parse::<u64>().unwrap())
        .sum();
    let outside: u64 = attrs(&svg, "data-outside")
        .iter()
        .map(|c| c.parse::<u64>().unwrap())
        .sum();
    assert_eq!(counted, pooled["n"].as_u64().unwrap());
    assert_eq!(outside, pooled["count_outside"].as_u64().unwrap());
    // The fixture's Width: 11.8 .. 12.2 mm, nominal 12.0 (tests/api/builders.rs).
    assert_eq!(
        (line(&svg, "lsl"), line(&svg, "usl"), line(&svg, "nominal")),
        (11.8, 12.2, 12.0)
    );
}

#[actix_web::test]
async fn the_oc_curve_marks_the_lots_observed_fraction_at_its_probability_of_acceptance() {
    let app = app().await;
    let f = inspected(&app).await;
    let decided = app
        .post(&format!("/api/v1/lots/{}/decision", f.lot_id), json!({}))
        .await;
    assert_eq!(decided.status, 201, "{}", decided.body);

    let svg = chart(
        &app,
        &format!("/api/v1/lots/{}/charts/{}/oc-curve", f.lot_id, f.scratch_id),
    )
    .await;

    // Scratches, AQL 2.5, level II, N = 500: code letter H, n = 50, Ac = 3 (ISO 2859-1
    // Tables I and II-A); 12 of the 50 units fail (every fourth), p = 0.24.
    assert!(
        svg.contains("<title>Scratches: OC curve of n = 50, Ac = 3 (N = 500)</title>"),
        "{svg}"
    );
    assert_eq!(attrs(&svg, "data-p"), ["0.24"]);
    // Pa = P(X <= 3), X hypergeometric with N = 500, D = 120, n = 50.
    // GNU R 4.2.2: print(phyper(3, 120, 380, 50), digits=17) -> 0.00051321830103585127
    let pa: f64 = attrs(&svg, "data-pa")[0].parse().unwrap();
    assert!((pa - 0.000_513_218_301_035_851_3).abs() < 1e-15, "{pa}");
}

#[actix_web::test]
async fn an_undecided_lot_and_an_unknown_characteristic_have_no_oc_curve() {
    let app = app().await;
    let f = inspected(&app).await;

    let undecided = app
        .get(&format!(
            "/api/v1/lots/{}/charts/{}/oc-curve",
            f.lot_id, f.scratch_id
        ))
        .await;
    undecided.assert_problem(404);
    assert_eq!(
        undecided.body["detail"],
        format!("no decision for the lot with id {}", f.lot_id)
    );
    let unknown = app
        .get(&format!(
            "/api/v1/lots/{}/charts/{}/histogram",
            f.lot_id, f.part_id
        ))
        .await;
    unknown.assert_problem(404);
    assert_eq!(
        unknown.body["detail"],
        format!(
            "no variable characteristic of the lot's part with id {}",
            f.part_id
        )
    );
}

#[actix_web::test]
async fn an_attribute_characteristic_has_no_histogram() {
    let app = app().await;
    let f = inspected(&app).await;

    let reply = app
        .get(&format!(
            "/api/v1/lots/{}/charts/{}/histogram",
            f.lot_id, f.scratch_id
        ))
        .await;

    reply.assert_problem(404);
}

#[actix_web::test]
async fn a_subgroup_size_beyond_the_tables_is_refused_naming_it() {
    let app = app().await;
    let f = inspected(&app).await;

    let reply = app
        .get(&format!(
            "/api/v1/lots/{}/charts/{}/control-chart?subgroup_size=26",
            f.lot_id, f.width_id
        ))
        .await;

    reply.assert_problem(422);
    assert_eq!(reply.error_fields(), ["subgroup_size"]);
}

#[actix_web::test]
async fn the_scorecard_chart_shows_each_month_of_the_scorecard() {
    let app = app().await;
    let f = inspected(&app).await;
    app.post(&format!("/api/v1/lots/{}/decision", f.lot_id), json!({}))
        .await;

    let card = json_text(
        &app,
        &format!("/api/v1/suppliers/{}/scorecard", f.supplier_id),
    )
    .await;
    let svg = chart(
        &app,
        &format!("/api/v1/suppliers/{}/charts/scorecard", f.supplier_id),
    )
    .await;

    // One month (November 2026); the totals come first, then the month's figures.
    let months = serde_json::from_str::<Value>(&card).unwrap()["by_month"].clone();
    assert_eq!(months.as_array().unwrap().len(), 1);
    assert_eq!(
        attrs(&svg, "data-month"),
        ["2026-11", "2026-11"],
        "a bar and a point"
    );
    let rate: f64 = attrs(&svg, "data-rate")[0].parse().unwrap();
    let ppm: f64 = attrs(&svg, "data-ppm")[0].parse().unwrap();
    assert_eq!(rate, numbers(&card, "acceptance_rate")[1]);
    assert_eq!(ppm, numbers(&card, "ppm")[1]);
}

#[actix_web::test]
async fn a_token_bound_to_another_supplier_cannot_read_a_lots_chart() {
    let app = app().await;
    let f = inspected(&app).await;
    let other = app.create_supplier("OTH").await;
    let token = app.supplier_token(&other, "inspector").await;

    let reply = app
        .send_as(
            &token,
            TestRequest::get().uri(&format!(
                "/api/v1/lots/{}/charts/{}/histogram",
                f.lot_id, f.width_id
            )),
        )
        .await;

    reply.assert_problem(404);
}

#[actix_web::test]
async fn the_capability_trend_draws_each_lots_cpk_and_ppk_as_the_capability_reports_them() {
    let app = app().await;
    let f = inspected(&app).await;

    let uri = format!("/api/v1/parts/{}/characteristics/{}", f.part_id, f.width_id);
    let capability = json_text(&app, &format!("{uri}/capability")).await;
    let svg = chart(&app, &format!("{uri}/charts/capability")).await;

    // `overall` comes first in the report, then the one lot.
    let cpk: Vec<f64> = attrs(&svg, "data-cpk")
        .iter()
        .map(|v| v.parse().unwrap())
        .collect();
    let ppk: Vec<f64> = attrs(&svg, "data-ppk")
        .iter()
        .map(|v| v.parse().unwrap())
        .collect();
    assert_eq!(cpk, [numbers(&capability, "cpk")[1]]);
    assert_eq!(ppk, [numbers(&capability, "ppk")[1]]);
    assert!(
        svg.contains("<title>Width: capability by lot</title>"),
        "{svg}"
    );
    assert!(svg.contains("data-role=\"capable\" data-value=\"1.33\""));
}
