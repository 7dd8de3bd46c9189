//! A Shewhart control chart (individuals or subgroup means, or their ranges): the points
//! in production order, the centre line, the control limits, and the points that break
//! a rule marked so that they read without colour too.

use crate::MAX_DRAWN_POINTS;
use crate::histogram::trimmed;
use crate::scale::{Linear, padded, ticks};
use crate::svg::{Area, BAD, BRAND, GOOD, Svg, grouped};

/// Points that break one rule, as the statistics report them.
#[derive(Debug, Clone)]
pub struct RuleMark {
    /// Western Electric rule number (1 to 4).
    pub rule: u8,
    /// Indices (from 0) into the chart's points.
    pub points: Vec<usize>,
}

/// What a control chart shows.
#[derive(Debug, Clone, Copy)]
pub struct ControlChartInput<'a> {
    /// The chart's title, e.g. "Width: individuals chart".
    pub title: &'a str,
    /// Label of the y axis with its unit, e.g. "Width (mm)".
    pub y_label: &'a str,
    /// Label of the x axis, e.g. "Unit, in inspection order".
    pub x_label: &'a str,
    /// Unit shown with the limits' values.
    pub unit: Option<&'a str>,
    /// Plotted points in order; `None` for a point that could not be computed.
    pub points: &'a [Option<f64>],
    pub centre_line: Option<f64>,
    pub ucl: Option<f64>,
    pub lcl: Option<f64>,
    pub violations: &'a [RuleMark],
    /// Whether the points are ranges (moving ranges or subgroup ranges: `data-series`
    /// `spread`) rather than the values or subgroup means (`location`).
    pub spread: bool,
}

/// Which points are drawn: all of them up to [`MAX_DRAWN_POINTS`]; beyond that the
/// lowest and the highest point of each of `MAX_DRAWN_POINTS / 2` equal stretches, in
/// order, and every point that breaks a rule. The outline of the series (its extremes
/// and its signals) survives; the limits are always those computed from every point.
pub fn drawn_points(points: &[Option<f64>], flagged: &[usize]) -> Vec<usize> {
    let n = points.len();
    if n <= MAX_DRAWN_POINTS {
        return (0..n).collect();
    }
    let stretches = MAX_DRAWN_POINTS / 2;
    let mut keep: Vec<usize> = Vec::with_capacity(MAX_DRAWN_POINTS + flagged.len());
    for s in 0..stretches {
        let (from, to) = (s * n / stretches, (s + 1) * n / stretches);
        let mut low: Option<(usize, f64)> = None;
        let mut high: Option<(usize, f64)> = None;
        for (i, v) in points.iter().enumerate().take(to).skip(from) {
            let Some(v) = *v else { continue };
            if low.is_none_or(|(_, l)| v < l) {
                low = Some((i, v));
            }
            if high.is_none_or(|(_, h)| v > h) {
                high = Some((i, v));
            }
        }
        keep.extend(low.map(|(i, _)| i));
        keep.extend(high.map(|(i, _)| i));
    }
    keep.extend(flagged.iter().copied().filter(|i| *i < n));
    keep.sort_unstable();
    keep.dedup();
    keep
}

/// The control chart as SVG. Limits and centre line carry `data-role` (`ucl`, `lcl`,
/// `centre`) and their exact values in `data-value`; a point breaking a rule is a red
/// ring labelled with the rule's number, with `data-rules`.
pub fn control_chart(input: &ControlChartInput) -> String {
    let unit = input.unit.unwrap_or("");
    let n = input.points.len();
    let mut rules_of: Vec<Vec<u8>> = vec![Vec::new(); n];
    for v in input.violations {
        for &i in v.points.iter().filter(|i| **i < n) {
            if !rules_of[i].contains(&v.rule) {
                rules_of[i].push(v.rule);
            }
        }
    }
    let flagged: Vec<usize> = (0..n).filter(|i| !rules_of[*i].is_empty()).collect();
    let desc = format!(
        "{} points with centre line {}, UCL {} and LCL {}; {} points break a rule.",
        n,
        shown(input.centre_line, unit),
        shown(input.ucl, unit),
        shown(input.lcl, unit),
        flagged.len()
    );
    let series = if input.spread { "spread" } else { "location" };
    let mut svg = Svg::with_series("control", Some(series), input.title, &desc);
    let area = Area::standard(24.0);
    let values = input.points.iter().flatten().copied();
    let lines = [input.centre_line, input.ucl, input.lcl];
    let (lo, hi) = values
        .chain(lines.iter().flatten().copied())
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), v| {
            (l.min(v), h.max(v))
        });
    if lo > hi {
        svg.text(
            360.0,
            200.0,
            "middle",
            16.0,
            BRAND,
            "Too few values for a control chart.",
            "",
        );
        return svg.finish();
    }
    let y = Linear::new(padded(lo, hi), (area.bottom, area.top));
    let (y_lo, y_hi) = y.domain();
    let (y_ticks, y_step) = ticks(y_lo, y_hi, 6);
    svg.y_axis(area, &y, &y_ticks, y_step, input.y_label);
    let x = Linear::new((0.5, n.max(1) as f64 + 0.5), (area.left, area.right));
    let (x_ticks, x_step) = ticks(1.0, n.max(1) as f64, 8);
    let x_ticks: Vec<f64> = x_ticks.into_iter().filter(|t| *t >= 1.0).collect();
    svg.x_axis(area, &x, &x_ticks, x_step.max(1.0), input.x_label);
    if let Some(v) = input.ucl {
        svg.horizontal_mark(
            area,
            &y,
            "ucl",
            v,
            &format!("UCL {}", trimmed(v, unit)),
            BAD,
            "8 4",
        );
    }
    if let Some(v) = input.centre_line {
        svg.horizontal_mark(
            area,
            &y,
            "centre",
            v,
            &format!("CL {}", trimmed(v, unit)),
            GOOD,
            "2 3",
        );
    }
    if let Some(v) = input.lcl {
        svg.horizontal_mark(
            area,
            &y,
            "lcl",
            v,
            &format!("LCL {}", trimmed(v, unit)),
            BAD,
            "8 4",
        );
    }
    let drawn = drawn_points(input.points, &flagged);
    let path: Vec<(f64, f64)> = drawn
        .iter()
        .filter_map(|&i| input.points[i].map(|v| (x.at(i as f64 + 1.0), y.at(v))))
        .collect();
    svg.polyline(
        &path,
        BRAND,
        1.4,
        &format!("data-points=\"{}\"", path.len()),
    );
    let small = drawn.len() <= 200;
    let mut labelled = 0;
    for &i in &drawn {
        let Some(v) = input.points[i] else { continue };
        let (cx, cy) = (x.at(i as f64 + 1.0), y.at(v));
        if rules_of[i].is_empty() {
            if small {
                svg.circle(cx, cy, 3.0, BRAND, "");
            }
            continue;
        }
        let rules: Vec<String> = rules_of[i].iter().map(u8::to_string).collect();
        svg.circle(
            cx,
            cy,
            6.0,
            "none",
            &format!(
                "stroke=\"{BAD}\" stroke-width=\"2.4\" data-point=\"{i}\" data-rules=\"{}\"",
                rules.join(",")
            ),
        );
        svg.circle(cx, cy, 2.6, BAD, "");
        // Labels on the first few signals only: past that they would cover each other.
        if labelled < 40 {
            svg.text(
                cx,
                cy - 10.0,
                "middle",
                11.0,
                BAD,
                &rules.join(","),
                "font-weight=\"700\"",
            );
            labelled += 1;
        }
    }
    let mut note = format!(
        "{} points breaking a rule are ringed in red and numbered by rule (1: beyond 3σ, 2: 2 of 3 beyond 2σ, 3: 4 of 5 beyond 1σ, 4: 8 on one side).",
        flagged.len()
    );
    if drawn.len() < n {
        note = format!(
            "Thinned for drawing: {} of {} points (each stretch's lowest and highest, and every signal); limits from all points. {}",
            grouped(drawn.len()),
            grouped(n),
            format_args!("{} signals.", flagged.len())
        );
    }
    svg.note(&note);
    svg.finish()
}

fn shown(v: Option<f64>, unit: &str) -> String {
    v.map_or_else(|| "none".into(), |v| trimmed(v, unit))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_series_are_drawn_point_by_point() {
        let points: Vec<Option<f64>> = (0..10).map(|i| Some(i as f64)).collect();
        assert_eq!(drawn_points(&points, &[]), (0..10).collect::<Vec<_>>());
    }

    #[test]
    fn long_series_keep_each_stretch_extremes_and_every_flagged_point() {
        let points: Vec<Option<f64>> = (0..125_000)
            .map(|i| Some(((i * 7919) % 1000) as f64))
            .collect();
        let flagged = [3, 77_777];
        let drawn = drawn_points(&points, &flagged);
        assert!(drawn.len() <= MAX_DRAWN_POINTS + flagged.len());
        assert!(drawn.contains(&3) && drawn.contains(&77_777));
        assert!(drawn.windows(2).all(|w| w[0] < w[1]), "in order, once each");
        let max = points.iter().flatten().fold(f64::MIN, |a, b| a.max(*b));
        assert!(
            drawn.iter().any(|i| points[*i] == Some(max)),
            "the highest point is kept"
        );
    }

    #[test]
    fn a_thinned_chart_says_so() {
        let points: Vec<Option<f64>> = (0..5000).map(|i| Some((i % 13) as f64)).collect();
        let svg = control_chart(&ControlChartInput {
            title: "t",
            y_label: "y",
            x_label: "x",
            unit: None,
            points: &points,
            centre_line: Some(6.0),
            ucl: Some(20.0),
            lcl: Some(-8.0),
            violations: &[],
            spread: false,
        });
        assert!(
            svg.contains("Thinned for drawing: 1,000 of 5,000 points"),
            "{svg}"
        );
    }
}
