//! The operating characteristic of a sampling plan: the probability of accepting a lot
//! against its fraction nonconforming, with one lot's observed fraction marked.

use crate::histogram::trimmed;
use crate::scale::{Linear, ticks};
use crate::svg::{Area, BAD, BRAND, GOOD, Svg};

/// What an OC chart shows.
#[derive(Debug, Clone, Copy)]
pub struct OcInput<'a> {
    /// e.g. "Width: OC curve of n = 80, Ac = 2".
    pub title: &'a str,
    /// The curve: (fraction nonconforming p in 0..=1, probability of acceptance Pa).
    pub curve: &'a [(f64, f64)],
    /// The lot's observed fraction nonconforming and Pa at it.
    pub marked: Option<(f64, f64)>,
    /// The AQL as a fraction (1 % is 0.01), drawn for reference.
    pub aql: Option<f64>,
}

/// The OC curve as SVG; the marked point has `data-role="observed"` with `data-p` and
/// `data-pa`; the curve's polyline has `data-points`.
pub fn oc_curve(input: &OcInput) -> String {
    let desc = match input.marked {
        Some((p, pa)) => format!(
            "Probability of acceptance against the fraction nonconforming; this lot: {} nonconforming, Pa {:.3}.",
            trimmed(p * 100.0, "%"),
            pa
        ),
        None => "Probability of acceptance against the fraction nonconforming.".into(),
    };
    let mut svg = Svg::new("oc", input.title, &desc);
    let area = Area::standard(24.0);
    let p_max = input
        .curve
        .iter()
        .map(|(p, _)| *p)
        .chain(input.marked.map(|(p, _)| p))
        .fold(0.0f64, f64::max)
        .max(1e-6);
    let x = Linear::new((0.0, p_max * 100.0), (area.left, area.right));
    let y = Linear::new((0.0, 1.0), (area.bottom, area.top));
    let (y_ticks, y_step) = ticks(0.0, 1.0, 5);
    svg.y_axis(area, &y, &y_ticks, y_step, "Probability of acceptance Pa");
    let (x_ticks, x_step) = ticks(0.0, p_max * 100.0, 8);
    svg.x_axis(
        area,
        &x,
        &x_ticks,
        x_step,
        "Fraction nonconforming in the lot (%)",
    );
    let path: Vec<(f64, f64)> = input
        .curve
        .iter()
        .map(|(p, pa)| (x.at(p * 100.0), y.at(*pa)))
        .collect();
    svg.polyline(
        &path,
        BRAND,
        2.2,
        &format!("data-points=\"{}\"", path.len()),
    );
    if let Some(aql) = input.aql.filter(|a| *a <= p_max) {
        svg.vertical_mark(
            area,
            &x,
            "aql",
            aql * 100.0,
            &format!("AQL {}", trimmed(aql * 100.0, "%")),
            GOOD,
            "2 3",
            0,
        );
    }
    if let Some((p, pa)) = input.marked {
        let (cx, cy) = (x.at(p * 100.0), y.at(pa));
        svg.line(
            cx,
            area.bottom,
            cx,
            cy,
            BAD,
            1.4,
            "stroke-dasharray=\"6 3\"",
        );
        svg.line(area.left, cy, cx, cy, BAD, 1.4, "stroke-dasharray=\"6 3\"");
        svg.circle(cx, cy, 6.0, BAD, &format!(
            "stroke=\"#fff\" stroke-width=\"2\" data-role=\"observed\" data-p=\"{p}\" data-pa=\"{pa}\""
        ));
        let anchor = if cx > (area.left + area.right) / 2.0 {
            "end"
        } else {
            "start"
        };
        let dx = if anchor == "end" { -10.0 } else { 10.0 };
        svg.text(
            cx + dx,
            cy - 10.0,
            anchor,
            13.0,
            BAD,
            &format!(
                "This lot: {} nonconforming, Pa {:.3}",
                trimmed(p * 100.0, "%"),
                pa
            ),
            "font-weight=\"600\"",
        );
    }
    svg.note(
        "Pa: the chance that a lot with this fraction nonconforming is accepted under the plan.",
    );
    svg.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_observed_point_keeps_its_exact_values() {
        let curve = [(0.0, 1.0), (0.05, 0.5), (0.1, 0.1)];
        let svg = oc_curve(&OcInput {
            title: "OC",
            curve: &curve,
            marked: Some((0.0125, 0.9)),
            aql: Some(0.01),
        });
        assert!(
            svg.contains("data-role=\"observed\" data-p=\"0.0125\" data-pa=\"0.9\""),
            "{svg}"
        );
        assert!(svg.contains("data-points=\"3\""));
        assert!(
            svg.contains("This lot: 1.25 % nonconforming, Pa 0.900"),
            "{svg}"
        );
    }
}
