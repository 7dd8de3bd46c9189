//! The reviewer's charts as SVG (`image/svg+xml`), drawn on the server by
//! `lotgate-charts` from the same use cases and numbers as the JSON they picture, and
//! protected like that JSON. The web pages fetch them with the token and insert them;
//! any client can save or embed them.

mod lot;
mod part;
mod supplier;

pub use lot::{get_lot_control_chart, get_lot_histogram, get_lot_oc_curve};
pub use part::get_capability_trend_chart;
pub use supplier::get_supplier_scorecard_chart;

use actix_web::HttpResponse;
use actix_web::http::header::{self, HeaderValue};

/// The media type of every chart.
pub const SVG: &str = "image/svg+xml";

/// A chart as the answer: SVG, never sniffed, drawn afresh at each read (the data it
/// shows changes as inspections are recorded).
fn svg(body: String) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, HeaderValue::from_static(SVG)))
        .insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .insert_header((
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .body(body)
}

/// "Width (mm)", or "Width" without a unit.
fn with_unit(name: &str, unit: Option<&str>) -> String {
    match unit {
        Some(u) if !u.is_empty() => format!("{name} ({u})"),
        _ => name.to_string(),
    }
}
