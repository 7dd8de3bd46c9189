//! The charts drawn from lotgate's own statistics: the lines on the chart are the
//! report's numbers, read back from the SVG.

use lotgate_charts::{ControlChartInput, RuleMark, control_chart};
use lotgate_stats::{Spec, capability};

/// The value in `data-value` of the line whose `data-role` is `role`.
fn line(svg: &str, role: &str) -> f64 {
    let key = format!("data-role=\"{role}\" data-value=\"");
    let at = svg
        .find(&key)
        .unwrap_or_else(|| panic!("no {role} line in {svg}"))
        + key.len();
    svg[at..at + svg[at..].find('"').unwrap()].parse().unwrap()
}

/// The y pixel of the line whose `data-role` is `role`.
fn line_y(svg: &str, role: &str) -> f64 {
    let key = format!("data-role=\"{role}\"");
    let end = svg.find(&key).unwrap();
    let start = svg[..end].rfind("<line").unwrap();
    let tag = &svg[start..end];
    let y1 = tag.find("y1=\"").unwrap() + 4;
    tag[y1..y1 + tag[y1..].find('"').unwrap()].parse().unwrap()
}

fn chart_of(values: &[f64]) -> (lotgate_stats::ControlChart, String) {
    let spec = Spec {
        nominal: Some(10.0),
        lsl: Some(9.9),
        usl: Some(10.1),
        golden_sample: None,
    };
    let report = capability(values, &spec, 1).unwrap();
    let chart = report.control_chart.unwrap();
    let points: Vec<Option<f64>> = chart.location.points.iter().copied().map(Some).collect();
    let marks: Vec<RuleMark> = chart
        .location
        .violations
        .iter()
        .map(|v| RuleMark {
            rule: v.rule,
            points: v.points.clone(),
        })
        .collect();
    let svg = control_chart(&ControlChartInput {
        title: "Width: individuals chart",
        y_label: "Width (mm)",
        x_label: "Unit, in inspection order",
        unit: Some("mm"),
        points: &points,
        centre_line: Some(chart.location.centre_line),
        ucl: Some(chart.location.ucl),
        lcl: Some(chart.location.lcl),
        violations: &marks,
        spread: false,
    });
    (chart, svg)
}

// A drifting series: units 13 to 20 sit above the mean, so rule 4 fires on them.
const VALUES: [f64; 20] = [
    10.00, 9.99, 10.01, 10.00, 9.98, 10.02, 10.00, 9.99, 10.01, 9.97, 10.00, 9.99, 10.03, 10.04,
    10.03, 10.05, 10.04, 10.03, 10.05, 10.04,
];

#[test]
fn the_drawn_limits_and_centre_line_are_the_reports_exact_numbers() {
    let (chart, svg) = chart_of(&VALUES);
    assert_eq!(line(&svg, "ucl"), chart.location.ucl);
    assert_eq!(line(&svg, "lcl"), chart.location.lcl);
    assert_eq!(line(&svg, "centre"), chart.location.centre_line);
}

#[test]
fn the_limits_are_drawn_where_the_report_puts_them_relative_to_each_other() {
    let (chart, svg) = chart_of(&VALUES);
    let (ucl, cl, lcl) = (
        line_y(&svg, "ucl"),
        line_y(&svg, "centre"),
        line_y(&svg, "lcl"),
    );
    assert!(ucl < cl && cl < lcl, "UCL above CL above LCL on screen");
    // The centre line is the midpoint of the limits for an individuals chart (mean ± 3σ),
    // so it is drawn half way between them, to the pixel rounding of two decimals.
    assert!(((ucl + lcl) / 2.0 - cl).abs() < 0.02);
    let sigma = (chart.location.ucl - chart.location.centre_line) / 3.0;
    assert!((chart.location.centre_line - chart.location.lcl - 3.0 * sigma).abs() < 1e-12);
}

#[test]
fn every_point_the_report_flags_is_ringed_with_its_rules() {
    let (chart, svg) = chart_of(&VALUES);
    assert!(
        !chart.location.violations.is_empty(),
        "the drift breaks a rule"
    );
    for v in &chart.location.violations {
        for p in &v.points {
            let key = format!("data-point=\"{p}\" data-rules=\"");
            let at = svg
                .find(&key)
                .unwrap_or_else(|| panic!("point {p} not ringed"))
                + key.len();
            let rules = &svg[at..at + svg[at..].find('"').unwrap()];
            assert!(
                rules.split(',').any(|r| r == v.rule.to_string()),
                "{p}: {rules}"
            );
        }
    }
}
