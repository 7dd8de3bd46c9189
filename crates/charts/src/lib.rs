//! lotgate's charts as SVG text: a histogram against the specification and the golden
//! sample, a control chart with its limits and rule violations, the OC curve of a
//! sampling plan with a lot's observed fraction, a supplier's months, and a
//! characteristic's capability lot by lot.
//!
//! Pure: plain numbers in, a `String` out, no I/O. Every chart is an
//! `<svg role="img">` whose first child is a `<title>` saying what it shows, with axis
//! labels that carry units; it scales to its container (`viewBox`) and uses only
//! presentation attributes (no `style`), so it passes a strict Content Security Policy
//! and prints in black and white (limits are dashed as well as coloured, and labelled).
//!
//! Every reference line also carries its exact value in `data-value` (Rust's shortest
//! round-trip form of the `f64`), so a test can read back that the line drawn is the
//! statistics' number, not a rounded copy.

mod control;
mod histogram;
mod monthly;
mod oc;
mod scale;
mod svg;
mod trend;

pub use control::{ControlChartInput, RuleMark, control_chart};
pub use histogram::{HistogramInput, histogram};
pub use monthly::{Month, MonthlyInput, monthly};
pub use oc::{OcInput, oc_curve};
pub use trend::{TrendInput, TrendPoint, capability_trend};

/// Most points a line chart draws; longer series are thinned (see [`control_chart`]).
pub const MAX_DRAWN_POINTS: usize = 1000;
