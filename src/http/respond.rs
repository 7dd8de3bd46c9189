//! Response shapes shared by the handlers.

use actix_web::HttpResponse;
use serde::Serialize;

/// The answer to a create that a client may retry: 201 Created when this request stored
/// the record, 200 OK when a retry found it stored already; either way with a `Location`
/// header naming it and the record as JSON.
pub fn created_or_ok(created: bool, location: String, body: &impl Serialize) -> HttpResponse {
    let mut res = if created {
        HttpResponse::Created()
    } else {
        HttpResponse::Ok()
    };
    res.insert_header(("Location", location)).json(body)
}
