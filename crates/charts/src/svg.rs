//! A small SVG writer: the outer element with its title, and the shapes the charts use,
//! all with presentation attributes only.

use std::fmt::Write;

use crate::scale::{Linear, label};

/// Size of every chart's coordinate system; the element scales to its container.
pub(crate) const WIDTH: f64 = 720.0;
pub(crate) const HEIGHT: f64 = 400.0;

pub(crate) const INK: &str = "#16202a";
pub(crate) const MUTED: &str = "#5b6670";
pub(crate) const GRID: &str = "#d5dbe0";
pub(crate) const BAD: &str = "#b3121f";
pub(crate) const GOOD: &str = "#1b7a3a";
pub(crate) const BRAND: &str = "#1d3557";
pub(crate) const GOLD: &str = "#8a5a00";

/// The plotting area inside the chart, in pixels.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Area {
    pub left: f64,
    pub right: f64,
    pub top: f64,
    pub bottom: f64,
}

impl Area {
    /// The usual area: room for a title above, tick labels and an axis label on the left
    /// and below, a note under the x axis label; `right` leaves room for a second axis.
    pub fn standard(right_margin: f64) -> Self {
        Area {
            left: 78.0,
            right: WIDTH - right_margin,
            top: 52.0,
            bottom: HEIGHT - 78.0,
        }
    }
}

/// Text safe inside an element or an attribute.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A pixel coordinate: two decimals are far below what a screen or printer resolves.
pub(crate) fn px(v: f64) -> String {
    let s = format!("{v:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.into() }
}

pub(crate) struct Svg {
    out: String,
}

impl Svg {
    /// Opens a chart of `kind` (its `data-chart`) titled `title`, described by `desc`.
    pub fn new(kind: &str, title: &str, desc: &str) -> Self {
        Self::with_series(kind, None, title, desc)
    }

    /// [`Svg::new`] for one of a pair of charts (`data-series`, e.g. a control chart's
    /// `location` or `spread`).
    pub fn with_series(kind: &str, series: Option<&str>, title: &str, desc: &str) -> Self {
        let series = series
            .map(|s| format!(" data-series=\"{}\"", escape(s)))
            .unwrap_or_default();
        let mut out = String::with_capacity(16 * 1024);
        let _ = write!(
            out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" class=\"chart\" \
             data-chart=\"{kind}\"{series} viewBox=\"0 0 {WIDTH} {HEIGHT}\" width=\"100%\" \
             preserveAspectRatio=\"xMidYMid meet\" font-family=\"system-ui, sans-serif\">\
             <title>{}</title><desc>{}</desc>\
             <rect x=\"0\" y=\"0\" width=\"{WIDTH}\" height=\"{HEIGHT}\" fill=\"#fff\"/>",
            escape(title),
            escape(desc)
        );
        let mut svg = Svg { out };
        svg.text(
            WIDTH / 2.0,
            26.0,
            "middle",
            18.0,
            INK,
            title,
            "font-weight=\"600\"",
        );
        svg
    }

    #[allow(clippy::too_many_arguments)]
    pub fn line(
        &mut self,
        x1: f64,
        y1: f64,
        x2: f64,
        y2: f64,
        stroke: &str,
        width: f64,
        extra: &str,
    ) {
        let _ = write!(
            self.out,
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{stroke}\" stroke-width=\"{width}\"{}{extra}/>",
            px(x1),
            px(y1),
            px(x2),
            px(y2),
            if extra.is_empty() { "" } else { " " }
        );
    }

    #[allow(clippy::too_many_arguments)]
    pub fn text(
        &mut self,
        x: f64,
        y: f64,
        anchor: &str,
        size: f64,
        fill: &str,
        text: &str,
        extra: &str,
    ) {
        let _ = write!(
            self.out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"{anchor}\" font-size=\"{size}\" fill=\"{fill}\"{}{extra}>{}</text>",
            px(x),
            px(y),
            if extra.is_empty() { "" } else { " " },
            escape(text)
        );
    }

    pub fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, fill: &str, extra: &str) {
        let _ = write!(
            self.out,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{fill}\"{}{extra}/>",
            px(x),
            px(y),
            px(w.max(0.0)),
            px(h.max(0.0)),
            if extra.is_empty() { "" } else { " " }
        );
    }

    pub fn circle(&mut self, x: f64, y: f64, r: f64, fill: &str, extra: &str) {
        let _ = write!(
            self.out,
            "<circle cx=\"{}\" cy=\"{}\" r=\"{r}\" fill=\"{fill}\"{}{extra}/>",
            px(x),
            px(y),
            if extra.is_empty() { "" } else { " " }
        );
    }

    pub fn polyline(&mut self, points: &[(f64, f64)], stroke: &str, width: f64, extra: &str) {
        if points.is_empty() {
            return;
        }
        let coords: Vec<String> = points
            .iter()
            .map(|(x, y)| format!("{},{}", px(*x), px(*y)))
            .collect();
        let _ = write!(
            self.out,
            "<polyline points=\"{}\" fill=\"none\" stroke=\"{stroke}\" stroke-width=\"{width}\" \
             stroke-linejoin=\"round\"{}{extra}/>",
            coords.join(" "),
            if extra.is_empty() { "" } else { " " }
        );
    }

    /// A reference line across the plot at `value`, labelled at its right end, with its
    /// exact value in `data-value`.
    #[allow(clippy::too_many_arguments)]
    pub fn horizontal_mark(
        &mut self,
        area: Area,
        y: &Linear,
        role: &str,
        value: f64,
        text: &str,
        stroke: &str,
        dash: &str,
    ) {
        let at = y.at(value);
        self.line(
            area.left,
            at,
            area.right,
            at,
            stroke,
            1.6,
            &format!("stroke-dasharray=\"{dash}\" data-role=\"{role}\" data-value=\"{value}\""),
        );
        self.text(area.right - 4.0, at - 4.0, "end", 12.0, stroke, text, "");
    }

    /// A reference line from top to bottom at `value` on the x axis.
    #[allow(clippy::too_many_arguments)]
    pub fn vertical_mark(
        &mut self,
        area: Area,
        x: &Linear,
        role: &str,
        value: f64,
        text: &str,
        stroke: &str,
        dash: &str,
        row: usize,
    ) {
        let at = x.at(value);
        self.line(
            at,
            area.top,
            at,
            area.bottom,
            stroke,
            1.8,
            &format!("stroke-dasharray=\"{dash}\" data-role=\"{role}\" data-value=\"{value}\""),
        );
        let anchor = if at > (area.left + area.right) / 2.0 {
            "end"
        } else {
            "start"
        };
        let dx = if anchor == "end" { -4.0 } else { 4.0 };
        self.text(
            at + dx,
            area.top + 14.0 + 14.0 * row as f64,
            anchor,
            12.0,
            stroke,
            text,
            "",
        );
    }

    /// Grid lines and tick labels of the y axis at `ticks`, and its label.
    pub fn y_axis(&mut self, area: Area, y: &Linear, ticks: &[f64], step: f64, title: &str) {
        for &t in ticks {
            let at = y.at(t);
            self.line(area.left, at, area.right, at, GRID, 1.0, "");
            self.text(
                area.left - 6.0,
                at + 4.0,
                "end",
                12.0,
                MUTED,
                &label(t, step),
                "",
            );
        }
        let mid = (area.top + area.bottom) / 2.0;
        self.text(
            18.0,
            mid,
            "middle",
            13.0,
            INK,
            title,
            &format!("transform=\"rotate(-90 18 {})\" data-axis=\"y\"", px(mid)),
        );
    }

    /// Tick labels of the x axis at `ticks`, the axis line, and its label.
    pub fn x_axis(&mut self, area: Area, x: &Linear, ticks: &[f64], step: f64, title: &str) {
        self.line(
            area.left,
            area.bottom,
            area.right,
            area.bottom,
            INK,
            1.2,
            "",
        );
        self.line(area.left, area.top, area.left, area.bottom, INK, 1.2, "");
        for &t in ticks {
            let at = x.at(t);
            self.line(at, area.bottom, at, area.bottom + 5.0, INK, 1.0, "");
            self.text(
                at,
                area.bottom + 19.0,
                "middle",
                12.0,
                MUTED,
                &label(t, step),
                "",
            );
        }
        self.x_title(area, title);
    }

    pub fn x_title(&mut self, area: Area, title: &str) {
        self.text(
            (area.left + area.right) / 2.0,
            area.bottom + 40.0,
            "middle",
            13.0,
            INK,
            title,
            "data-axis=\"x\"",
        );
    }

    /// A line of small print under the chart (thinning, what was left out).
    pub fn note(&mut self, text: &str) {
        self.text(
            12.0,
            HEIGHT - 10.0,
            "start",
            12.0,
            MUTED,
            text,
            "data-note=\"\"",
        );
    }

    pub fn finish(mut self) -> String {
        self.out.push_str("</svg>");
        self.out
    }
}

/// "1,250" for 1250: counts in notes read better grouped.
pub(crate) fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_for_elements_and_attributes() {
        assert_eq!(escape("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
    }

    #[test]
    fn pixel_coordinates_drop_trailing_zeros() {
        assert_eq!(px(12.5), "12.5");
        assert_eq!(px(12.0), "12");
        assert_eq!(px(-0.001), "0");
    }

    #[test]
    fn counts_are_grouped_by_thousands() {
        assert_eq!(grouped(125_000), "125,000");
        assert_eq!(grouped(999), "999");
    }
}
