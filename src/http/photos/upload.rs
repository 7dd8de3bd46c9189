//! Reading a photo upload: the multipart form, streamed and bounded, and the photo
//! checked by `lotgate_imaging` off the request threads. A refused photo becomes problem
//! details naming the `photo` form part, with the status the API documents.

use actix_multipart::{Multipart, MultipartError};
use actix_web::http::StatusCode;
use actix_web::web;
use futures_util::StreamExt;
use lotgate_imaging::PhotoError;
use serde::Deserialize;
use utoipa::ToSchema;

use super::photo_limits;
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::service::photos::CheckedPhoto;

/// Largest text part of an upload form (`view`), in bytes.
const MAX_TEXT_PART: usize = 256;
/// Most parts an upload form may have; a form is one photo and a few words.
const MAX_PARTS: usize = 8;

/// A defect photo upload form (`multipart/form-data`): a `photo` part and, optionally,
/// the `view` it shows.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
#[schema(example = json!({"photo": "(the JPEG, PNG or WebP file)", "view": "top"}))]
pub struct PhotoForm {
    /// The photo file: JPEG, PNG or WebP, at most 25 MiB, 10,000 px a side and 50
    /// megapixels. Its part's Content-Type, when given, must match the bytes.
    #[schema(
        value_type = String,
        format = Binary,
        content_media_type = "application/octet-stream",
        min_length = 1
    )]
    pub photo: Vec<u8>,
    /// The golden-sample view the photo is taken from (`front`, `top`, ..., the views of
    /// the part's golden-sample photos), so a reviewer sees the two side by side; leave it
    /// out when the defect is seen from no particular view. The same rule as a
    /// golden-sample photo's view.
    #[schema(pattern = r"^[a-z][a-z0-9_-]{0,31}$")]
    pub view: Option<String>,
}

/// A golden-sample photo upload form (`multipart/form-data`): a `photo` and its `view`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
#[schema(example = json!({"photo": "(the JPEG, PNG or WebP file)", "view": "front"}))]
pub struct ViewPhotoForm {
    /// The photo file: JPEG, PNG or WebP, at most 25 MiB, 10,000 px a side and 50
    /// megapixels. Its part's Content-Type, when given, must match the bytes.
    #[schema(
        value_type = String,
        format = Binary,
        content_media_type = "application/octet-stream",
        min_length = 1
    )]
    pub photo: Vec<u8>,
    /// The fixed view the photo shows, a lowercase word such as `front`, `back`, `top`,
    /// `bottom`, `left`, `right`, `side` or `detail` (1-32 characters: a letter, then
    /// letters, digits, `-`, `_`).
    #[schema(pattern = r"^[a-z][a-z0-9_-]{0,31}$")]
    pub view: String,
}

/// A view name: a lowercase word such as `front` or `detail` (the database checks the
/// same rule).
pub fn view_name(view: &str) -> Result<String, ApiError> {
    let mut chars = view.chars();
    let ok = view.len() <= 32
        && chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if ok {
        Ok(view.to_string())
    } else {
        Err(ApiError::invalid_field(
            "view",
            "must be a lowercase word of 1-32 letters, digits, `-` or `_`, such as `front` or `detail`",
        ))
    }
}

/// An upload read from the form: the photo's bytes and declared type, and the view.
pub struct Upload {
    pub bytes: Vec<u8>,
    pub declared_type: Option<String>,
    pub view: Option<String>,
}

/// Reads an upload form, streaming the photo part and refusing it with 413 as soon as it
/// passes `max_bytes`, before the rest is received. `view` is accepted only when `with_view`.
pub async fn read_upload(
    mut form: Multipart,
    max_bytes: usize,
    with_view: bool,
) -> Result<Upload, ApiError> {
    let mut upload = Upload {
        bytes: Vec::new(),
        declared_type: None,
        view: None,
    };
    let mut seen_photo = false;
    let mut parts = 0;
    while let Some(field) = form.next().await {
        let mut field = field.map_err(multipart_error)?;
        parts += 1;
        if parts > MAX_PARTS {
            return Err(ApiError::malformed(
                format!("an upload form has at most {MAX_PARTS} parts"),
                None,
            ));
        }
        let name = field.name().unwrap_or_default().to_string();
        let (limit, is_photo) = match name.as_str() {
            "photo" if !seen_photo => (max_bytes, true),
            "view" if with_view && upload.view.is_none() => (MAX_TEXT_PART, false),
            "photo" | "view" if with_view || name == "photo" => {
                return Err(ApiError::invalid_field(name, "must appear once"));
            }
            _ => {
                let expected = if with_view {
                    "unknown form part; send `photo` and `view`"
                } else {
                    "unknown form part; send `photo`"
                };
                return Err(ApiError::invalid_field(name, expected));
            }
        };
        let mut buf = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(multipart_error)?;
            if buf.len() + chunk.len() > limit {
                return Err(if is_photo {
                    refused(PhotoError::TooLarge {
                        size: buf.len() + chunk.len(),
                        max: limit,
                    })
                } else {
                    ApiError::invalid_field(name, format!("must be at most {limit} bytes"))
                });
            }
            buf.extend_from_slice(&chunk);
        }
        if is_photo {
            seen_photo = true;
            upload.declared_type = field.content_type().map(|m| m.essence_str().to_string());
            upload.bytes = buf;
        } else {
            let text = String::from_utf8(buf)
                .map_err(|_| ApiError::invalid_field("view", "must be UTF-8 text"))?;
            upload.view = Some(text.trim().to_string());
        }
    }
    if !seen_photo {
        return Err(ApiError::invalid_field(
            "photo",
            "the form has no `photo` file part",
        ));
    }
    Ok(upload)
}

/// Checks and measures the photo on the blocking pool: decoding takes tens to hundreds
/// of milliseconds and must not hold an actix worker.
pub async fn process(
    state: &AppState,
    bytes: Vec<u8>,
    declared: Option<String>,
) -> Result<CheckedPhoto, ApiError> {
    let limits = photo_limits(state);
    let (budget, wait) = (state.decode_budget.clone(), state.decode_wait);
    web::block(move || {
        let pixels = lotgate_imaging::declared_pixels(&bytes, &limits)?;
        let _turn = budget.enter(pixels, wait)?;
        let processed = lotgate_imaging::process_upload(&bytes, declared.as_deref(), &limits);
        processed.map(|processed| CheckedPhoto { bytes, processed })
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(refused)
}

/// Seconds a client is asked to wait when other photos hold the decode budget.
const BUSY_RETRY: u32 = 5;

/// A refused photo as problem details naming the `photo` form part. The status is the
/// API's choice, made here from what the imaging crate says is wrong with the photo:
/// too many bytes is 413; not a JPEG, PNG or WebP (or not what its Content-Type says)
/// is 415; empty, damaged or too many pixels (a decompression bomb) is 422; waiting too
/// long for other photos to be decoded is 503 with Retry-After.
pub fn refused(err: PhotoError) -> ApiError {
    let (status, slug) = match &err {
        PhotoError::Internal(_) => return ApiError::internal(err),
        PhotoError::Busy => {
            return ApiError::busy("photo-decoding-busy", "photo", err.to_string(), BUSY_RETRY);
        }
        PhotoError::Empty => (StatusCode::UNPROCESSABLE_ENTITY, "empty-photo"),
        PhotoError::TooLarge { .. } => (StatusCode::PAYLOAD_TOO_LARGE, "photo-too-large"),
        PhotoError::NotAnImage
        | PhotoError::UnsupportedFormat { .. }
        | PhotoError::ContentTypeMismatch { .. } => {
            (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported-photo-type")
        }
        PhotoError::Corrupt { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "corrupt-photo"),
        PhotoError::DimensionsTooLarge { .. } => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "photo-dimensions-too-large",
        ),
    };
    ApiError::refused_field(status, slug, "photo", err.to_string())
}

fn multipart_error(err: MultipartError) -> ApiError {
    match err {
        MultipartError::ContentTypeMissing
        | MultipartError::ContentTypeParse
        | MultipartError::ContentTypeIncompatible
        | MultipartError::BoundaryMissing => ApiError::unsupported_media_type(
            "send the photo as multipart/form-data with a `photo` file part",
        ),
        other => ApiError::malformed(format!("the upload form could not be read: {other}"), None),
    }
}

#[cfg(test)]
mod tests {
    use super::refused;
    use lotgate_imaging::PhotoError;

    #[test]
    fn each_refused_photo_gets_the_status_and_slug_the_api_documents() {
        let cases = [
            (PhotoError::Empty, 422, "empty-photo"),
            (
                PhotoError::TooLarge { size: 2, max: 1 },
                413,
                "photo-too-large",
            ),
            (PhotoError::NotAnImage, 415, "unsupported-photo-type"),
            (
                PhotoError::UnsupportedFormat { found: "GIF" },
                415,
                "unsupported-photo-type",
            ),
            (
                PhotoError::ContentTypeMismatch {
                    declared: "image/jpeg".into(),
                    actual: "image/png",
                },
                415,
                "unsupported-photo-type",
            ),
            (
                PhotoError::Corrupt {
                    reason: "truncated".into(),
                },
                422,
                "corrupt-photo",
            ),
            (
                PhotoError::DimensionsTooLarge {
                    width: 100_000,
                    height: 100_000,
                    max_width: 10_000,
                    max_height: 10_000,
                    max_pixels: 50_000_000,
                },
                422,
                "photo-dimensions-too-large",
            ),
            (PhotoError::Internal("x".into()), 500, "internal-error"),
        ];
        for (error, status, slug) in cases {
            let message = error.to_string();
            let problem = refused(error).problem();
            assert_eq!(problem.status, status, "{message}");
            assert_eq!(problem.problem_type, format!("urn:lotgate:problem:{slug}"));
            if status != 500 {
                assert_eq!(problem.detail, message);
                assert_eq!(problem.errors[0].field, "photo");
            }
        }
    }
}
