//! The web app, served by lotgate itself outside `/api/v1`: the pages (`/` and
//! `/inspect/{lot_id}` for the tablet; `/lots/{id}`, `/suppliers/{id}` and `/parts/{id}`
//! for the reviewer, whose charts are SVG from the API's `charts` operations), their
//! embedded assets, the service worker that keeps the app working without a network,
//! and the web manifest. Nothing here needs a token: the pages hold no data, and the
//! app sends the token the worker signed in with on every API call it makes.
//!
//! Every asset is compiled into the binary ([`assets`]); no CDN, no foreign origin, no
//! build step outside `cargo build`.

pub mod assets;
mod pages;

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, HttpResponseBuilder, web};

/// The web routes with the name `/metrics` counts their requests under.
pub const ROUTES: &[(&str, &str)] = &[
    ("web_home_page", "/"),
    ("web_inspect_page", "/inspect/{lot_id}"),
    ("web_lot_page", "/lots/{lot_id}"),
    ("web_supplier_page", "/suppliers/{supplier_id}"),
    ("web_part_page", "/parts/{part_id}"),
    ("web_asset", "/assets/{version}/{name}"),
    ("web_service_worker", "/sw.js"),
    ("web_manifest", "/manifest.webmanifest"),
];

/// Same origin only. Images may also be `blob:` URLs (photos taken on the tablet and
/// thumbnails fetched with the token) and `data:` (none are used, but browsers render
/// some form controls with them).
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; img-src 'self' blob: data:; \
    object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/// Registers the pages and assets on the app.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(pages::home))
        .route("/inspect/{lot_id}", web::get().to(pages::inspect))
        .route("/lots/{lot_id}", web::get().to(pages::lot))
        .route("/suppliers/{supplier_id}", web::get().to(pages::supplier))
        .route("/parts/{part_id}", web::get().to(pages::part))
        .route("/assets/{version}/{name}", web::get().to(assets::serve))
        .route("/sw.js", web::get().to(assets::service_worker))
        .route("/manifest.webmanifest", web::get().to(assets::manifest));
}

/// A response of the web app: its content type, cache policy and the headers every
/// page and asset carries.
fn respond(
    mut res: HttpResponseBuilder,
    content_type: &'static str,
    cache: &'static str,
) -> HttpResponseBuilder {
    res.insert_header((header::CONTENT_TYPE, HeaderValue::from_static(content_type)))
        .insert_header((header::CACHE_CONTROL, HeaderValue::from_static(cache)))
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ))
        .insert_header((
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .insert_header((
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ));
    res
}

/// Pages and the service worker are checked with the server on every load (the service
/// worker answers for them when the network is gone).
const REVALIDATE: &str = "no-cache";

/// A 404 in problem details, as every other unknown address of lotgate gets.
fn not_found(what: &str) -> HttpResponse {
    actix_web::ResponseError::error_response(&crate::http::error::ApiError::from_status(
        actix_web::http::StatusCode::NOT_FOUND,
        Some(what.to_string()),
    ))
}
