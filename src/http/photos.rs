//! Photos: uploads of golden-sample and defect photos (multipart, streamed and bounded),
//! serving the stored bytes with strong ETags, and side-by-side comparison.

use crate::service::Found;
use actix_multipart::{Multipart, MultipartError};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use futures_util::StreamExt;
use lotgate_imaging::{PhotoError, ProcessedPhoto, UploadLimits};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::access::Caller;
use super::error::{ApiError, responses};
use super::{AppState, db};
use crate::db::photos::{self as photos_db, NewPhoto, PhotoMeta, Rendition};
use crate::domain::{CharacteristicId, InspectionId, PhotoId};
use crate::service::audit;

/// Photos are immutable (a new photo is a new id), so caches may keep them for good.
pub const CACHE_FOREVER: &str = "public, max-age=31536000, immutable";
/// Largest text part of an upload form (`view`), in bytes.
const MAX_TEXT_PART: usize = 256;
/// Most parts an upload form may have; a form is one photo and a few words.
const MAX_PARTS: usize = 8;

/// How much a photo may cost: 25 MiB, at most 10,000 px a side and 50 megapixels.
pub fn photo_limits(state: &AppState) -> UploadLimits {
    UploadLimits {
        max_bytes: state.photo_limit,
        ..UploadLimits::default()
    }
}

/// The default largest photo: 25 MiB fits every tablet or phone camera.
pub const DEFAULT_PHOTO_LIMIT: usize = 25 * 1024 * 1024;

/// Where a stored photo and its thumbnail are served.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PhotoLinks {
    /// Id of the photo.
    pub id: PhotoId,
    /// URL of the original bytes, exactly as uploaded.
    pub href: String,
    /// URL of the thumbnail (longest side 512 px, EXIF orientation applied).
    pub thumbnail: String,
}

impl PhotoLinks {
    pub fn of(id: PhotoId) -> Self {
        PhotoLinks {
            id,
            href: format!("/api/v1/photos/{id}"),
            thumbnail: format!("/api/v1/photos/{id}/thumbnail"),
        }
    }
}

/// A stored photo.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0b6f3d2e-8c4a-4f1b-9e7d-2a5c6b8d9e0f",
    "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "content_type": "image/jpeg", "byte_size": 482113, "width": 4032, "height": 3024,
    "view": "front",
    "links": {"id": "0b6f3d2e-8c4a-4f1b-9e7d-2a5c6b8d9e0f",
        "href": "/api/v1/photos/0b6f3d2e-8c4a-4f1b-9e7d-2a5c6b8d9e0f",
        "thumbnail": "/api/v1/photos/0b6f3d2e-8c4a-4f1b-9e7d-2a5c6b8d9e0f/thumbnail"}
}))]
pub struct PhotoView {
    /// Id of the photo. The same bytes uploaded twice are stored once, under one id.
    pub id: PhotoId,
    /// SHA-256 of the original bytes (64 lowercase hex digits); also the ETag.
    pub sha256: String,
    /// Media type of the original: `image/jpeg`, `image/png` or `image/webp`.
    pub content_type: String,
    /// Size of the original in bytes.
    pub byte_size: i32,
    /// Width in pixels as the photo is seen (after EXIF orientation).
    pub width: i32,
    /// Height in pixels as the photo is seen (after EXIF orientation).
    pub height: i32,
    /// The golden-sample view the photo shows (`front`, `top`, ...); absent for defect photos.
    pub view: Option<String>,
    /// Where the photo and its thumbnail are served.
    pub links: PhotoLinks,
}

impl PhotoView {
    pub fn of(meta: PhotoMeta, view: Option<String>) -> Self {
        PhotoView {
            links: PhotoLinks::of(meta.id),
            id: meta.id,
            sha256: meta.sha256,
            content_type: meta.content_type,
            byte_size: meta.byte_size,
            width: meta.width,
            height: meta.height,
            view,
        }
    }
}

/// A defect photo upload form (`multipart/form-data`): one `photo` part, nothing else.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct PhotoForm {
    /// The photo file: JPEG, PNG or WebP, at most 25 MiB, 10,000 px a side and 50
    /// megapixels. Its part's Content-Type, when given, must match the bytes.
    #[schema(value_type = String, format = Binary, min_length = 1)]
    pub photo: Vec<u8>,
}

/// A golden-sample photo upload form (`multipart/form-data`): a `photo` and its `view`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct ViewPhotoForm {
    /// The photo file: JPEG, PNG or WebP, at most 25 MiB, 10,000 px a side and 50
    /// megapixels. Its part's Content-Type, when given, must match the bytes.
    #[schema(value_type = String, format = Binary, min_length = 1)]
    pub photo: Vec<u8>,
    /// The fixed view the photo shows, a lowercase word such as `front`, `back`, `top`,
    /// `bottom`, `left`, `right`, `side` or `detail` (1-32 characters: a letter, then
    /// letters, digits, `-`, `_`).
    #[schema(pattern = r"^[a-z][a-z0-9_-]{0,31}$")]
    pub view: String,
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
) -> Result<(Vec<u8>, ProcessedPhoto), ApiError> {
    let limits = photo_limits(state);
    web::block(move || {
        let processed = lotgate_imaging::process_upload(&bytes, declared.as_deref(), &limits);
        processed.map(|p| (bytes, p))
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(refused)
}

/// Stores a processed photo, or finds the stored one with the same bytes.
pub fn store(
    conn: &mut diesel::PgConnection,
    bytes: &[u8],
    p: &ProcessedPhoto,
) -> Result<PhotoMeta, ApiError> {
    let new = NewPhoto {
        id: PhotoId::new_random(),
        sha256: &p.sha256,
        content_type: p.content_type,
        byte_size: p.byte_size as i32,
        width: p.width as i32,
        height: p.height as i32,
        bytes,
        thumbnail_content_type: p.thumbnail.content_type,
        thumbnail_width: p.thumbnail.width as i32,
        thumbnail_height: p.thumbnail.height as i32,
        thumbnail: &p.thumbnail.bytes,
    };
    Ok(photos_db::insert_or_get(conn, &new)?)
}

/// A refused photo as problem details naming the `photo` form part. The status is the
/// API's choice, made here from what the imaging crate says is wrong with the photo:
/// too many bytes is 413; not a JPEG, PNG or WebP (or not what its Content-Type says)
/// is 415; empty, damaged or too many pixels (a decompression bomb) is 422.
pub fn refused(err: PhotoError) -> ApiError {
    let (status, slug) = match &err {
        PhotoError::Internal(_) => return ApiError::internal(err),
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

/// Add a defect photo to an attribute result of a recorded inspection. The inspection
/// itself is not changed; photos are only ever added.
#[utoipa::path(
    tag = "inspections",
    params(
        ("inspection_id" = InspectionId, Path, description = "Id of the inspection"),
        ("unit" = i32, Path, description = "Position of the unit in the inspection, from 1"),
        ("characteristic_id" = CharacteristicId, Path, description = "The attribute characteristic whose result the photo shows"),
    ),
    request_body(content_type = "multipart/form-data", content = PhotoForm,
        description = "A `photo` file part (JPEG, PNG or WebP)"),
    responses(
        (status = 201, description = "The photo was stored and added to the result", body = PhotoView),
        (status = 200, description = "This photo was already on the result: nothing new was stored", body = PhotoView),
        (status = 400, response = responses::BadRequest),
        (status = 404, response = responses::NotFound),
        (status = 413, response = responses::PayloadTooLarge),
        (status = 415, response = responses::UnsupportedMediaType),
        (status = 422, response = responses::Unprocessable),
        (status = 503, response = responses::Unavailable),
    )
)]
#[post("/inspections/{inspection_id}/units/{unit}/attributes/{characteristic_id}/photos")]
pub async fn upload_inspection_photo(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(InspectionId, i32, CharacteristicId)>,
    form: Multipart,
) -> Result<HttpResponse, ApiError> {
    let (inspection, unit, characteristic) = path.into_inner();
    let upload = read_upload(form, state.photo_limit, false).await?;
    let (bytes, processed) = process(&state, upload.bytes, upload.declared_type).await?;
    let (meta, created) = db(&state, move |conn| {
        conn.build_transaction().run(|conn| {
            if !photos_db::attribute_result_exists(conn, inspection, unit, characteristic)? {
                return Err(ApiError::not_found(
                    "attribute result",
                    format!("{characteristic} on unit {unit} of inspection {inspection}"),
                ));
            }
            let meta = store(conn, &bytes, &processed)?;
            let created = photos_db::link_to_attribute_result(
                conn,
                inspection,
                unit,
                characteristic,
                meta.id,
            )?;
            if created {
                let id = format!("{inspection}/{unit}/{characteristic}/{}", meta.id);
                let view = PhotoView::of(meta.clone(), None);
                audit::write(
                    conn,
                    &caller.0,
                    audit::Entry {
                        action: "attach_photo",
                        entity: "attribute_result",
                        id: id.to_string(),
                        old: None,
                        reason: None,
                    },
                    &view,
                )?;
            }
            Ok((meta, created))
        })
    })
    .await?;
    let mut res = if created {
        HttpResponse::Created()
    } else {
        HttpResponse::Ok()
    };
    Ok(res
        .insert_header(("Location", format!("/api/v1/photos/{}", meta.id)))
        .json(PhotoView::of(meta, None)))
}

/// Download a photo exactly as it was uploaded.
#[utoipa::path(
    tag = "photos",
    params(
        ("photo_id" = PhotoId, Path, description = "Id of the photo"),
        ("If-None-Match" = Option<String>, Header, description = "ETag of a copy already held: answered 304 when it matches"),
    ),
    responses(
        (status = 200, description = "The original bytes, with their media type (`image/jpeg`, `image/png` or `image/webp`)",
            content(("image/jpeg"), ("image/png"), ("image/webp")),
            headers(
                ("ETag" = String, description = "Strong ETag: the SHA-256 of the original, quoted"),
                ("Cache-Control" = String, description = "`public, max-age=31536000, immutable`: a photo never changes"),
            )),
        (status = 304, description = "The copy named by If-None-Match is current"),
        (status = 404, response = responses::NotFound),
        (status = 503, response = responses::Unavailable),
    )
)]
#[get("/photos/{photo_id}")]
pub async fn get_photo(
    state: web::Data<AppState>,
    path: web::Path<PhotoId>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    serve(&state, path.into_inner(), Rendition::Original, &req).await
}

/// Download the thumbnail of a photo (longest side 512 px, EXIF orientation applied).
#[utoipa::path(
    tag = "photos",
    params(
        ("photo_id" = PhotoId, Path, description = "Id of the photo"),
        ("If-None-Match" = Option<String>, Header, description = "ETag of a copy already held: answered 304 when it matches"),
    ),
    responses(
        (status = 200, description = "The thumbnail",
            content(("image/jpeg"), ("image/png")),
            headers(
                ("ETag" = String, description = "Strong ETag: the SHA-256 of the original with `-thumbnail`, quoted"),
                ("Cache-Control" = String, description = "`public, max-age=31536000, immutable`"),
            )),
        (status = 304, description = "The copy named by If-None-Match is current"),
        (status = 404, response = responses::NotFound),
        (status = 503, response = responses::Unavailable),
    )
)]
#[get("/photos/{photo_id}/thumbnail")]
pub async fn get_photo_thumbnail(
    state: web::Data<AppState>,
    path: web::Path<PhotoId>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    serve(&state, path.into_inner(), Rendition::Thumbnail, &req).await
}

async fn serve(
    state: &AppState,
    id: PhotoId,
    rendition: Rendition,
    req: &HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let if_none_match = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let (etag, content_type, bytes) = db(state, move |conn| {
        let (sha256, content_type) =
            photos_db::tag(conn, id, rendition).or_not_found("photo", id)?;
        let etag = match rendition {
            Rendition::Original => format!("\"{sha256}\""),
            Rendition::Thumbnail => format!("\"{sha256}-thumbnail\""),
        };
        if if_none_match.is_some_and(|h| etag_matches(&h, &etag)) {
            return Ok((etag, content_type, None));
        }
        Ok((
            etag,
            content_type,
            Some(photos_db::bytes(conn, id, rendition)?),
        ))
    })
    .await?;
    let mut res = match bytes {
        None => HttpResponse::NotModified(),
        Some(_) => HttpResponse::Ok(),
    };
    res.insert_header((header::ETAG, etag)).insert_header((
        header::CACHE_CONTROL,
        HeaderValue::from_static(CACHE_FOREVER),
    ));
    Ok(match bytes {
        None => res.finish(),
        Some(bytes) => res.content_type(content_type).body(bytes),
    })
}

/// If-None-Match uses the weak comparison (RFC 9110 13.1.2): `W/` is ignored.
fn etag_matches(header: &str, etag: &str) -> bool {
    header.split(',').map(str::trim).any(|candidate| {
        candidate == "*" || candidate.strip_prefix("W/").unwrap_or(candidate) == etag
    })
}

/// Put two photos side by side with a difference score. The score is an aid for the
/// inspector's eye, never a decision: framing and light move it as much as the part.
#[utoipa::path(
    tag = "photos",
    params(
        ("photo_id" = PhotoId, Path, description = "The photo drawn on the left, e.g. the golden sample's"),
        ("other_id" = PhotoId, Path, description = "The photo drawn on the right, e.g. the inspected unit's"),
    ),
    responses(
        (status = 200, description = "PNG image: both photos 512 px high, side by side",
            content(("image/png")),
            headers(
                ("X-Difference-Score" = f64, description = "Mean absolute difference of the two photos reduced to 128 x 128 grayscale: 0 identical, 1 black against white everywhere"),
                ("X-SSIM" = f64, description = "Structural similarity of the same reduced photos, -1 to 1; 1 is identical, about 0 unrelated"),
                ("Cache-Control" = String, description = "`public, max-age=31536000, immutable`: both photos never change"),
            )),
        (status = 404, response = responses::NotFound),
        (status = 422, response = responses::Unprocessable),
        (status = 503, response = responses::Unavailable),
    )
)]
#[get("/photos/{photo_id}/compare/{other_id}")]
pub async fn compare_photos(
    state: web::Data<AppState>,
    path: web::Path<(PhotoId, PhotoId)>,
) -> Result<HttpResponse, ApiError> {
    let (left, right) = path.into_inner();
    let (a, b) = db(&state, move |conn| {
        let a = photos_db::bytes(conn, left, Rendition::Original).or_not_found("photo", left)?;
        let b = photos_db::bytes(conn, right, Rendition::Original).or_not_found("photo", right)?;
        Ok((a, b))
    })
    .await?;
    let limits = photo_limits(&state);
    let comparison = web::block(move || lotgate_imaging::compare(&a, &b, &limits))
        .await
        .map_err(ApiError::internal)?
        .map_err(refused)?;
    Ok(HttpResponse::Ok()
        .content_type("image/png")
        .insert_header((
            "X-Difference-Score",
            format!("{:.6}", comparison.mean_abs_difference),
        ))
        .insert_header(("X-SSIM", format!("{:.6}", comparison.ssim)))
        .insert_header((
            header::CACHE_CONTROL,
            HeaderValue::from_static(CACHE_FOREVER),
        ))
        .body(comparison.side_by_side_png))
}

#[cfg(test)]
mod tests {
    use super::{etag_matches, refused};
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

    #[test]
    fn if_none_match_matches_a_listed_tag_weak_or_strong_and_the_star() {
        assert!(etag_matches("\"abc\"", "\"abc\""));
        assert!(etag_matches("\"x\", W/\"abc\"", "\"abc\""));
        assert!(etag_matches("*", "\"abc\""));
        assert!(!etag_matches("\"abd\"", "\"abc\""));
    }
}
