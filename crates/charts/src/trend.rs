//! The capability of a characteristic lot by lot: Cpk and Ppk per lot in production
//! order, against the usual thresholds 1.33 (capable) and 1.0 (minimum).

use crate::scale::{Linear, label, ticks};
use crate::svg::{Area, BAD, BRAND, GOOD, INK, MUTED, Svg};

/// One lot of the trend.
#[derive(Debug, Clone)]
pub struct TrendPoint {
    /// The lot's number, shown under its point.
    pub lot: String,
    pub cpk: Option<f64>,
    pub ppk: Option<f64>,
}

/// What a capability trend shows.
#[derive(Debug, Clone, Copy)]
pub struct TrendInput<'a> {
    pub title: &'a str,
    pub points: &'a [TrendPoint],
}

/// The trend as SVG: each Cpk point has `data-lot` and `data-cpk`, each Ppk point
/// `data-lot` and `data-ppk`; the thresholds are lines with `data-role` `capable` and
/// `minimum`. A lot with too few values for an index has no point for it.
pub fn capability_trend(input: &TrendInput) -> String {
    let desc = format!(
        "Cpk (solid, circles) and Ppk (dashed, squares) of {} lots in production order, against 1.33 and 1.0.",
        input.points.len()
    );
    let mut svg = Svg::new("trend", input.title, &desc);
    let area = Area::standard(24.0);
    let values = input.points.iter().flat_map(|p| [p.cpk, p.ppk]).flatten();
    let (lo, hi) = values.fold((0.0f64, 2.0f64), |(l, h), v| (l.min(v), h.max(v)));
    let (y_ticks, y_step) = ticks(lo, hi * 1.05, 6);
    let y = Linear::new((lo.min(y_ticks[0]), hi * 1.05), (area.bottom, area.top));
    svg.y_axis(area, &y, &y_ticks, y_step, "Capability index");
    svg.line(
        area.left,
        area.bottom,
        area.right,
        area.bottom,
        INK,
        1.2,
        "",
    );
    if input.points.is_empty() {
        svg.text(
            360.0,
            200.0,
            "middle",
            16.0,
            MUTED,
            "No lot measured yet.",
            "",
        );
        return svg.finish();
    }
    svg.horizontal_mark(area, &y, "capable", 1.33, "1.33 capable", GOOD, "2 3");
    svg.horizontal_mark(area, &y, "minimum", 1.0, "1.0 minimum", BAD, "8 4");
    let slot = (area.right - area.left) / input.points.len() as f64;
    // Every k-th lot is labelled so that labels of about 7 px a character do not touch.
    let longest = input
        .points
        .iter()
        .map(|p| p.lot.chars().count())
        .max()
        .unwrap_or(1);
    let every = ((longest as f64 * 6.5 + 8.0) / slot).ceil().max(1.0) as usize;
    let x = |i: usize| area.left + slot * (i as f64 + 0.5);
    let mut cpk = Vec::new();
    let mut ppk = Vec::new();
    for (i, p) in input.points.iter().enumerate() {
        if let Some(v) = p.cpk {
            cpk.push((x(i), y.at(v), v, &p.lot));
        }
        if let Some(v) = p.ppk {
            ppk.push((x(i), y.at(v), v, &p.lot));
        }
        if i.is_multiple_of(every) {
            svg.text(x(i), area.bottom + 19.0, "middle", 11.0, MUTED, &p.lot, "");
        }
    }
    let path = |pts: &[(f64, f64, f64, &String)]| {
        pts.iter().map(|(a, b, _, _)| (*a, *b)).collect::<Vec<_>>()
    };
    svg.polyline(&path(&ppk), MUTED, 1.6, "stroke-dasharray=\"6 3\"");
    svg.polyline(&path(&cpk), BRAND, 2.0, "");
    for (cx, cy, v, lot) in &ppk {
        svg.rect(
            cx - 3.5,
            cy - 3.5,
            7.0,
            7.0,
            MUTED,
            &format!("data-lot=\"{}\" data-ppk=\"{v}\"", crate::svg::escape(lot)),
        );
    }
    for (cx, cy, v, lot) in &cpk {
        let colour = if *v < 1.0 { BAD } else { BRAND };
        svg.circle(
            *cx,
            *cy,
            4.5,
            colour,
            &format!("data-lot=\"{}\" data-cpk=\"{v}\"", crate::svg::escape(lot)),
        );
    }
    svg.x_title(area, "Lot, in production order");
    svg.note(&format!(
        "Solid: Cpk (within-subgroup σ); dashed: Ppk (overall σ); a red point is below 1.0. Scale step {}.",
        label(y_step, y_step)
    ));
    svg.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_lot_carries_its_exact_indices_and_a_lot_without_one_has_no_point() {
        let points = [
            TrendPoint {
                lot: "L-1".into(),
                cpk: Some(1.4321),
                ppk: Some(1.3),
            },
            TrendPoint {
                lot: "L-2".into(),
                cpk: None,
                ppk: None,
            },
            TrendPoint {
                lot: "L-3".into(),
                cpk: Some(0.8),
                ppk: Some(0.75),
            },
        ];
        let svg = capability_trend(&TrendInput {
            title: "Width",
            points: &points,
        });
        assert!(
            svg.contains("data-lot=\"L-1\" data-cpk=\"1.4321\""),
            "{svg}"
        );
        assert!(svg.contains("data-lot=\"L-3\" data-ppk=\"0.75\""), "{svg}");
        assert!(!svg.contains("data-lot=\"L-2\""));
        assert!(svg.contains("data-role=\"capable\" data-value=\"1.33\""));
        assert!(svg.contains("data-role=\"minimum\" data-value=\"1\""));
    }
}
