//! A histogram of a lot's measurements against the specification limits, the nominal
//! and the golden sample's reference value.

use crate::scale::{Linear, padded, ticks};
use crate::svg::{Area, BAD, BRAND, GOLD, GOOD, INK, MUTED, Svg, grouped};

/// What a histogram shows.
#[derive(Debug, Clone, Copy)]
pub struct HistogramInput<'a> {
    /// What is measured, e.g. `Width`; the title says "Width: distribution of 80 values".
    pub name: &'a str,
    /// Unit of the values, e.g. `mm` (axis label).
    pub unit: Option<&'a str>,
    /// The measurements (finite).
    pub values: &'a [f64],
    pub lsl: Option<f64>,
    pub usl: Option<f64>,
    pub nominal: Option<f64>,
    /// The golden sample's reference value for this characteristic.
    pub golden_reference: Option<f64>,
}

/// Number of bins: Sturges' rule (log2 n + 1), at least 5 and at most 40 so that bars
/// stay readable on a tablet whatever the count.
pub fn bin_count(n: usize) -> usize {
    (((n.max(1) as f64).log2().ceil() as usize) + 1).clamp(5, 40)
}

/// The histogram as SVG. Bars whose middle lies outside the specification are red and
/// named in the description; every bar carries `data-from`, `data-to` and `data-count`.
pub fn histogram(input: &HistogramInput) -> String {
    let n = input.values.len();
    let unit = input.unit.unwrap_or("");
    let title = format!("{}: distribution of {} values", input.name, grouped(n));
    let (below, above) = outside(input);
    let desc = format!(
        "Histogram of {} measured values of {} against LSL {}, USL {}, nominal {} and golden \
         sample {}; {} below LSL, {} above USL.",
        n,
        input.name,
        shown(input.lsl, unit),
        shown(input.usl, unit),
        shown(input.nominal, unit),
        shown(input.golden_reference, unit),
        below,
        above
    );
    let mut svg = Svg::new("histogram", &title, &desc);
    let area = Area::standard(24.0);
    let finite = input.values.iter().copied().filter(|v| v.is_finite());
    let (lo, hi) = finite.fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), v| {
        (l.min(v), h.max(v))
    });
    if n == 0 || lo > hi {
        svg.text(
            360.0,
            200.0,
            "middle",
            16.0,
            MUTED,
            "No measurements recorded yet.",
            "",
        );
        return svg.finish();
    }
    let bins = bin_count(n);
    let width = if hi > lo {
        (hi - lo) / bins as f64
    } else {
        1.0
    };
    // Per bin: every value, and those outside the specification (drawn red on top).
    let mut counts = vec![0usize; bins];
    let mut outs = vec![0usize; bins];
    for v in input.values.iter().copied().filter(|v| v.is_finite()) {
        let k = (((v - lo) / width) as usize).min(bins - 1);
        counts[k] += 1;
        if input.lsl.is_some_and(|l| v < l) || input.usl.is_some_and(|u| v > u) {
            outs[k] += 1;
        }
    }
    let marks = [input.lsl, input.usl, input.nominal, input.golden_reference];
    let (x_lo, x_hi) = marks
        .iter()
        .flatten()
        .fold((lo, lo + width * bins as f64), |(l, h), v| {
            (l.min(*v), h.max(*v))
        });
    let x = Linear::new(padded(x_lo, x_hi), (area.left, area.right));
    let peak = counts.iter().copied().max().unwrap_or(1).max(1);
    let (y_ticks, y_step) = ticks(0.0, peak as f64, 5);
    let y_top = y_ticks.last().copied().unwrap_or(1.0).max(peak as f64);
    let y = Linear::new((0.0, y_top * 1.08), (area.bottom, area.top));
    svg.y_axis(area, &y, &y_ticks, y_step.max(1.0), "Number of values");
    let (dx_lo, dx_hi) = x.domain();
    let (x_ticks, x_step) = ticks(dx_lo, dx_hi, 7);
    let x_title = if unit.is_empty() {
        format!("{} (measured value)", input.name)
    } else {
        format!("{} ({unit})", input.name)
    };
    svg.x_axis(area, &x, &x_ticks, x_step, &x_title);
    for (k, &count) in counts.iter().enumerate() {
        let from = lo + width * k as f64;
        let to = if k + 1 == bins {
            hi.max(from + width)
        } else {
            from + width
        };
        let (x0, x1) = (x.at(from), x.at(to));
        let w = (x1 - x0 - 1.0).max(1.0);
        let inside = count - outs[k];
        svg.rect(
            x0 + 0.5,
            y.at(count as f64),
            w,
            y.at(0.0) - y.at(count as f64),
            BRAND,
            &format!(
                "fill-opacity=\"0.85\" data-from=\"{from}\" data-to=\"{to}\" data-count=\"{count}\" data-outside=\"{}\"",
                outs[k]
            ),
        );
        if outs[k] > 0 {
            // The values beyond a limit, as a red, hatched-by-outline block on the bar.
            svg.rect(
                x0 + 0.5,
                y.at(count as f64),
                w,
                y.at(inside as f64) - y.at(count as f64),
                BAD,
                &format!("stroke=\"{INK}\" stroke-width=\"1\""),
            );
        }
    }
    let mut row = 0;
    let mut mark =
        |svg: &mut Svg, role: &str, value: Option<f64>, name: &str, colour: &str, dash: &str| {
            if let Some(v) = value {
                let text = format!("{name} {}", trimmed(v, unit));
                svg.vertical_mark(area, &x, role, v, &text, colour, dash, row);
                row += 1;
            }
        };
    mark(&mut svg, "lsl", input.lsl, "LSL", BAD, "8 4");
    mark(&mut svg, "usl", input.usl, "USL", BAD, "8 4");
    mark(&mut svg, "nominal", input.nominal, "Nominal", GOOD, "2 3");
    mark(
        &mut svg,
        "golden",
        input.golden_reference,
        "Golden sample",
        GOLD,
        "12 3 2 3",
    );
    svg.note(&format!(
        "{} bins of {}; red, outlined: values outside the specification ({below} below LSL, {above} above USL).",
        bins,
        trimmed(width, unit)
    ));
    svg.finish()
}

fn outside(input: &HistogramInput) -> (usize, usize) {
    let below = input
        .lsl
        .map_or(0, |l| input.values.iter().filter(|v| **v < l).count());
    let above = input
        .usl
        .map_or(0, |u| input.values.iter().filter(|v| **v > u).count());
    (below, above)
}

fn shown(v: Option<f64>, unit: &str) -> String {
    v.map_or_else(|| "none".into(), |v| trimmed(v, unit))
}

/// A value in a label: up to 4 significant decimals, with its unit.
pub(crate) fn trimmed(v: f64, unit: &str) -> String {
    let s = format!("{v:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if unit.is_empty() {
        s.to_string()
    } else {
        format!("{s} {unit}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attr_values(svg: &str, role: &str) -> Vec<f64> {
        let key = format!("data-role=\"{role}\" data-value=\"");
        svg.match_indices(&key)
            .map(|(i, _)| {
                let rest = &svg[i + key.len()..];
                rest[..rest.find('"').unwrap()].parse().unwrap()
            })
            .collect()
    }

    fn counts(svg: &str) -> Vec<usize> {
        svg.match_indices("data-count=\"")
            .map(|(i, _)| {
                let rest = &svg[i + 12..];
                rest[..rest.find('"').unwrap()].parse().unwrap()
            })
            .collect()
    }

    const VALUES: [f64; 10] = [
        9.98, 10.01, 10.0, 10.02, 9.99, 10.03, 10.0, 9.97, 10.11, 10.01,
    ];

    fn input() -> HistogramInput<'static> {
        HistogramInput {
            name: "Width",
            unit: Some("mm"),
            values: &VALUES,
            lsl: Some(9.9),
            usl: Some(10.1),
            nominal: Some(10.0),
            golden_reference: Some(10.004),
        }
    }

    #[test]
    fn the_limits_nominal_and_golden_sample_are_drawn_at_their_exact_values() {
        let svg = histogram(&input());
        assert_eq!(attr_values(&svg, "lsl"), vec![9.9]);
        assert_eq!(attr_values(&svg, "usl"), vec![10.1]);
        assert_eq!(attr_values(&svg, "nominal"), vec![10.0]);
        assert_eq!(attr_values(&svg, "golden"), vec![10.004]);
    }

    #[test]
    fn every_value_falls_in_exactly_one_bar() {
        let svg = histogram(&input());
        let c = counts(&svg);
        // Sturges: ceil(log2 10) + 1 = 5 bins.
        assert_eq!(c.len(), 5);
        assert_eq!(c.iter().sum::<usize>(), VALUES.len());
    }

    #[test]
    fn a_bar_beyond_the_usl_is_marked_outside_and_the_title_names_the_count() {
        let svg = histogram(&input());
        assert!(
            svg.contains("<title>Width: distribution of 10 values</title>"),
            "{svg}"
        );
        let outside: Vec<&str> = svg
            .match_indices("data-outside=\"")
            .map(|(i, _)| &svg[i + 14..i + 15])
            .collect();
        assert_eq!(
            outside,
            ["0", "0", "0", "0", "1"],
            "10.11 falls in the last bar"
        );
        assert!(svg.contains("0 below LSL, 1 above USL"), "{svg}");
        assert!(svg.contains(">Width (mm)</text>"), "{svg}");
    }

    #[test]
    fn no_values_say_so_instead_of_drawing() {
        let svg = histogram(&HistogramInput {
            values: &[],
            ..input()
        });
        assert!(svg.contains("No measurements recorded yet."));
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
    }

    #[test]
    fn bins_follow_sturges_within_bounds() {
        assert_eq!(bin_count(1), 5);
        assert_eq!(bin_count(80), 8);
        assert_eq!(bin_count(125_000), 18);
        assert_eq!(bin_count(usize::MAX), 40);
    }
}
