//! Strong ETags for the mutable resources (parts, characteristics, golden samples) and
//! the `If-Match` precondition their changes need (RFC 9110 13.1.1): without it 428,
//! with a stale one 412, so two reviewers editing the same part cannot overwrite each
//! other unseen.
//!
//! The tag is the SHA-256 (first 128 bits, hex) of the resource's JSON as `GET` returns
//! it: it changes exactly when what a client sees changes.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::error::ApiError;
use crate::service::ServiceError;

/// The strong entity tag of a representation, quoted.
pub fn of(view: &impl Serialize) -> Result<String, ApiError> {
    let json = serde_json::to_vec(view).map_err(ApiError::internal)?;
    Ok(of_bytes(&json))
}

fn of_bytes(json: &[u8]) -> String {
    let digest = Sha256::digest(json);
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}

/// A 200 with the view as JSON and the ETag of exactly those bytes, serialised once.
pub fn tagged(view: &impl Serialize) -> Result<HttpResponse, ApiError> {
    let json = serde_json::to_vec(view).map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok()
        .insert_header(("ETag", of_bytes(&json)))
        .content_type("application/json")
        .body(json))
}

/// The `If-Match` header of a change; 428 when it is missing.
pub fn required(req: &HttpRequest) -> Result<String, ApiError> {
    let value = req
        .headers()
        .get(header::IF_MATCH)
        .ok_or_else(|| {
            ApiError::precondition_required(
                "send If-Match with the ETag from reading the resource, so a change made \
                 since then is not overwritten",
            )
        })?
        .to_str()
        .map_err(|_| ApiError::invalid_field("If-Match", "must be visible ASCII"))?;
    Ok(value.to_string())
}

/// Checks `If-Match` against the current tag with the strong comparison: `*` or one of
/// the listed tags equal to it; a weak tag never matches.
pub fn check(if_match: &str, current: &str) -> Result<(), ApiError> {
    Ok(strong_match(if_match, current)?)
}

/// The `If-Match` precondition a use case checks under its row lock: met when
/// `if_match` matches the tag of `view`, the `GET` view of the record as the use case
/// found it; otherwise [`ServiceError::PreconditionFailed`] (412), and nothing changes.
pub fn precondition(if_match: &str, view: &impl Serialize) -> Result<(), ServiceError> {
    let json = serde_json::to_vec(view).map_err(ServiceError::internal)?;
    strong_match(if_match, &of_bytes(&json))
}

fn strong_match(if_match: &str, current: &str) -> Result<(), ServiceError> {
    let matches = if_match.trim() == "*"
        || if_match
            .split(',')
            .map(str::trim)
            .any(|tag| !tag.starts_with("W/") && tag == current);
    if matches {
        Ok(())
    } else {
        Err(ServiceError::PreconditionFailed(format!(
            "the resource changed since it was read (its ETag is now {current}); read it \
             again and reapply the change"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tag_is_the_quoted_start_of_the_sha256_of_the_json() {
        // Reference: `printf '{"a":1}' | sha256sum` (GNU coreutils 9.1) starts with
        // 015abd7f5cc57a2dd94b7590f04ad808.
        let tag = of(&serde_json::json!({"a": 1})).unwrap();
        assert_eq!(tag, "\"015abd7f5cc57a2dd94b7590f04ad808\"");
    }

    #[test]
    fn strong_comparison_accepts_star_and_lists_and_refuses_weak_tags() {
        let current = "\"abc\"";
        assert!(check("\"abc\"", current).is_ok());
        assert!(check("*", current).is_ok());
        assert!(check("\"x\", \"abc\"", current).is_ok());
        assert_eq!(
            check("W/\"abc\"", current).unwrap_err().problem().status,
            412
        );
        assert_eq!(check("\"old\"", current).unwrap_err().problem().status, 412);
    }

    #[test]
    fn a_precondition_compares_with_the_tag_of_the_view() {
        let view = serde_json::json!({"a": 1});
        let tag = of(&view).unwrap();
        assert!(precondition(&tag, &view).is_ok());
        assert!(matches!(
            precondition(&tag, &serde_json::json!({"a": 2})),
            Err(ServiceError::PreconditionFailed(_))
        ));
    }
}
