//! A supplier's months: the acceptance rate as bars (left axis, %) and nonconforming
//! units in parts per million as a line (right axis).

use crate::scale::{Linear, label, ticks};
use crate::svg::{Area, BAD, BRAND, INK, MUTED, Svg, px};

/// One month of a scorecard.
#[derive(Debug, Clone)]
pub struct Month {
    /// `2026-03`.
    pub month: String,
    /// Share of lots accepted on original inspection, 0..=1.
    pub acceptance_rate: Option<f64>,
    /// Nonconforming units per million inspected.
    pub ppm: Option<f64>,
}

/// What a monthly chart shows.
#[derive(Debug, Clone, Copy)]
pub struct MonthlyInput<'a> {
    pub title: &'a str,
    pub months: &'a [Month],
}

/// The monthly chart as SVG: each bar has `data-month` and `data-rate`, each point of
/// the line `data-month` and `data-ppm`.
pub fn monthly(input: &MonthlyInput) -> String {
    let desc = format!(
        "Acceptance rate (bars, left axis) and nonconforming ppm (line, right axis) over {} months.",
        input.months.len()
    );
    let mut svg = Svg::new("monthly", input.title, &desc);
    let area = Area::standard(78.0);
    if input.months.is_empty() {
        svg.text(
            360.0,
            200.0,
            "middle",
            16.0,
            MUTED,
            "No decided lots yet.",
            "",
        );
        return svg.finish();
    }
    let y = Linear::new((0.0, 100.0), (area.bottom, area.top));
    let (y_ticks, y_step) = ticks(0.0, 100.0, 5);
    svg.y_axis(area, &y, &y_ticks, y_step, "Lots accepted (%)");
    let ppm_top = input
        .months
        .iter()
        .filter_map(|m| m.ppm)
        .fold(0.0f64, f64::max);
    let (ppm_ticks, ppm_step) = ticks(0.0, ppm_top.max(1.0) * 1.1, 5);
    let ppm_hi = ppm_ticks
        .last()
        .copied()
        .unwrap_or(1.0)
        .max(ppm_top)
        .max(1.0);
    let y2 = Linear::new((0.0, ppm_hi), (area.bottom, area.top));
    for t in &ppm_ticks {
        svg.text(
            area.right + 6.0,
            y2.at(*t) + 4.0,
            "start",
            12.0,
            BAD,
            &label(*t, ppm_step),
            "",
        );
    }
    let mid = (area.top + area.bottom) / 2.0;
    let x_right = area.right + 64.0;
    svg.text(
        x_right,
        mid,
        "middle",
        13.0,
        BAD,
        "Nonconforming units (ppm)",
        &format!(
            "transform=\"rotate(90 {} {})\" data-axis=\"y2\"",
            px(x_right),
            px(mid)
        ),
    );
    let k = input.months.len() as f64;
    let slot = (area.right - area.left) / k;
    svg.line(
        area.left,
        area.bottom,
        area.right,
        area.bottom,
        INK,
        1.2,
        "",
    );
    let every = (input.months.len() / 12).max(1);
    let mut line = Vec::new();
    for (i, m) in input.months.iter().enumerate() {
        let cx = area.left + slot * (i as f64 + 0.5);
        if let Some(rate) = m.acceptance_rate {
            let top = y.at(rate * 100.0);
            svg.rect(
                cx - slot * 0.35,
                top,
                slot * 0.7,
                area.bottom - top,
                BRAND,
                &format!(
                    "fill-opacity=\"0.8\" data-month=\"{}\" data-rate=\"{rate}\"",
                    m.month
                ),
            );
        }
        if let Some(ppm) = m.ppm {
            line.push((cx, y2.at(ppm), ppm, &m.month));
        }
        if i.is_multiple_of(every) {
            svg.text(cx, area.bottom + 19.0, "middle", 12.0, MUTED, &m.month, "");
        }
    }
    let path: Vec<(f64, f64)> = line.iter().map(|(x, y, _, _)| (*x, *y)).collect();
    svg.polyline(&path, BAD, 2.0, "stroke-dasharray=\"6 3\"");
    for (cx, cy, ppm, month) in &line {
        svg.rect(
            cx - 4.0,
            cy - 4.0,
            8.0,
            8.0,
            BAD,
            &format!("data-month=\"{month}\" data-ppm=\"{ppm}\""),
        );
    }
    svg.x_title(area, "Month of production");
    svg.note("Bars: lots accepted on original inspection; dashed line with squares: ppm.");
    svg.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_month_carries_its_exact_rate_and_ppm() {
        let months = [
            Month {
                month: "2026-01".into(),
                acceptance_rate: Some(0.75),
                ppm: Some(1250.0),
            },
            Month {
                month: "2026-02".into(),
                acceptance_rate: Some(1.0),
                ppm: Some(0.0),
            },
        ];
        let svg = monthly(&MonthlyInput {
            title: "Acme",
            months: &months,
        });
        assert!(
            svg.contains("data-month=\"2026-01\" data-rate=\"0.75\""),
            "{svg}"
        );
        assert!(
            svg.contains("data-month=\"2026-01\" data-ppm=\"1250\""),
            "{svg}"
        );
        assert!(
            svg.contains("data-month=\"2026-02\" data-rate=\"1\""),
            "{svg}"
        );
        assert!(svg.contains(">Nonconforming units (ppm)</text>"));
    }
}
