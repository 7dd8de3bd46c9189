//! Photos: uploads of golden-sample and defect photos (multipart, streamed and bounded),
//! serving the stored bytes with strong ETags, and side-by-side comparison.

use crate::http::respond::created_or_ok;
use actix_multipart::Multipart;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use lotgate_imaging::UploadLimits;
use serde::Serialize;
use utoipa::ToSchema;

use super::access::Caller;
use super::error::{ApiError, responses};
use super::{AppState, db, db_then};
use crate::db::photos::{PhotoMeta, Rendition};
use crate::domain::{CharacteristicId, InspectionId, PhotoId};
use crate::service::photos::{self as service, AttributeResultRef};

mod upload;

pub use upload::{PhotoForm, Upload, ViewPhotoForm, process, read_upload, refused, view_name};

/// Photos are immutable (a new photo is a new id), so a client may keep them for good;
/// they are served only to a token, so shared caches (proxies) may not (issue 13).
pub const CACHE_FOREVER: &str = "private, max-age=31536000, immutable";

/// How much a photo may cost: 25 MiB, at most 10,000 px a side and 50 megapixels.
pub fn photo_limits(state: &AppState) -> UploadLimits {
    UploadLimits {
        max_bytes: state.photo_limit,
        ..UploadLimits::default()
    }
}

/// The default largest photo: 25 MiB fits every tablet or phone camera.
pub const DEFAULT_PHOTO_LIMIT: usize = 25 * 1024 * 1024;

/// Pixels decoded at once by default: one photo of the largest accepted size (50
/// megapixels) or several phone photos, a few hundred MB at most.
pub const DEFAULT_DECODE_PIXELS: u64 = 64_000_000;

/// How long a photo waits for its turn to be decoded before the answer is 503.
pub const DEFAULT_DECODE_WAIT: std::time::Duration = std::time::Duration::from_secs(20);

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
    /// The golden-sample view the photo shows (`front`, `top`, ...); null for a defect
    /// photo sent without one.
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

/// Add a defect photo to an attribute result of a recorded inspection. The inspection
/// itself is not changed; photos are only ever added.
///
/// A token bound to a supplier adds photos only to inspections of that supplier's lots;
/// another supplier's inspection is answered 404.
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
    let upload = read_upload(form, state.photo_limit, true).await?;
    let view = upload.view.as_deref().map(upload::view_name).transpose()?;
    let photo = process(&state, upload.bytes, upload.declared_type).await?;
    let at = AttributeResultRef {
        inspection,
        unit,
        characteristic,
    };
    let (meta, view, created) = db(&state, move |conn| {
        Ok(service::attach_to_attribute_result(
            conn,
            &caller.0,
            at,
            view.as_deref(),
            &photo,
        )?)
    })
    .await?;
    let location = format!("/api/v1/photos/{}", meta.id);
    Ok(created_or_ok(created, location, &PhotoView::of(meta, view)))
}

/// Download a photo exactly as it was uploaded.
///
/// A token bound to a supplier gets golden-sample photos and the photos of its own
/// supplier's inspections; any other photo is answered 404.
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
                ("Cache-Control" = String, description = "`private, max-age=31536000, immutable`: a photo never changes"),
            )),
        (status = 304, description = "The copy named by If-None-Match is current"),
        (status = 404, response = responses::NotFound),
        (status = 503, response = responses::Unavailable),
    )
)]
#[get("/photos/{photo_id}")]
pub async fn get_photo(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<PhotoId>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    serve(&state, caller, path.into_inner(), Rendition::Original, &req).await
}

/// Download the thumbnail of a photo (longest side 512 px, EXIF orientation applied).
///
/// A token bound to a supplier gets golden-sample photos and the photos of its own
/// supplier's inspections; any other photo is answered 404.
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
                ("Cache-Control" = String, description = "`private, max-age=31536000, immutable`"),
            )),
        (status = 304, description = "The copy named by If-None-Match is current"),
        (status = 404, response = responses::NotFound),
        (status = 503, response = responses::Unavailable),
    )
)]
#[get("/photos/{photo_id}/thumbnail")]
pub async fn get_photo_thumbnail(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<PhotoId>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    serve(
        &state,
        caller,
        path.into_inner(),
        Rendition::Thumbnail,
        &req,
    )
    .await
}

async fn serve(
    state: &AppState,
    caller: Caller,
    id: PhotoId,
    rendition: Rendition,
    req: &HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let if_none_match = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let etag = move |sha256: &str| match rendition {
        Rendition::Original => format!("\"{sha256}\""),
        Rendition::Thumbnail => format!("\"{sha256}-thumbnail\""),
    };
    let rendered = db(state, move |conn| {
        let held = |sha256: &str| if_none_match.is_some_and(|h| etag_matches(&h, &etag(sha256)));
        Ok(service::read(conn, &caller.0, id, rendition, held)?)
    })
    .await?;
    let (etag, content_type, bytes) = (
        etag(&rendered.sha256),
        rendered.content_type,
        rendered.bytes,
    );
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
        Some(bytes) => res.content_type(labelled(req, &content_type)).body(bytes),
    })
}

/// The media type to label an image with: its own, unless the request's `Accept` takes
/// neither it nor any image but does take `application/octet-stream` (a client that
/// reads every binary body as bytes). The bytes are the same either way.
fn labelled<'a>(req: &HttpRequest, media: &'a str) -> &'a str {
    let Some(accept) = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
    else {
        return media;
    };
    let ranges: Vec<String> = accept
        .split(',')
        .map(|r| {
            r.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .collect();
    let takes = |range: &str| ranges.iter().any(|r| r == range);
    if takes(media) || takes("image/*") || takes("*/*") {
        media
    } else if takes("application/octet-stream") || takes("application/*") {
        "application/octet-stream"
    } else {
        media
    }
}

/// If-None-Match uses the weak comparison (RFC 9110 13.1.2): `W/` is ignored.
fn etag_matches(header: &str, etag: &str) -> bool {
    header.split(',').map(str::trim).any(|candidate| {
        candidate == "*" || candidate.strip_prefix("W/").unwrap_or(candidate) == etag
    })
}

/// Put two photos side by side with a difference score. The score is an aid for the
/// inspector's eye, never a decision: framing and light move it as much as the part.
///
/// A token bound to a supplier gets golden-sample photos and the photos of its own
/// supplier's inspections; any other photo is answered 404.
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
                ("Cache-Control" = String, description = "`private, max-age=31536000, immutable`: both photos never change"),
            )),
        (status = 404, response = responses::NotFound),
        (status = 422, response = responses::Unprocessable),
        (status = 503, response = responses::Unavailable),
    )
)]
#[get("/photos/{photo_id}/compare/{other_id}")]
pub async fn compare_photos(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(PhotoId, PhotoId)>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let (left, right) = path.into_inner();
    let limits = photo_limits(&state);
    let (budget, wait) = (state.decode_budget.clone(), state.decode_wait);
    // Compared on the same blocking thread once the connection is back in the pool.
    let comparison = db_then(
        &state,
        move |conn| Ok(service::originals(conn, &caller.0, left, right)?),
        move |(a, b)| {
            let pixels = lotgate_imaging::declared_pixels(&a, &limits).map_err(refused)?
                + lotgate_imaging::declared_pixels(&b, &limits).map_err(refused)?;
            let _turn = budget.enter(pixels, wait).map_err(refused)?;
            lotgate_imaging::compare(&a, &b, &limits).map_err(refused)
        },
    )
    .await?;
    Ok(HttpResponse::Ok()
        .content_type(labelled(&req, "image/png"))
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
    use super::{etag_matches, labelled};

    #[test]
    fn an_image_is_labelled_octet_stream_only_for_a_client_that_takes_nothing_else() {
        let with = |accept: &str| {
            actix_web::test::TestRequest::default()
                .insert_header(("Accept", accept))
                .to_http_request()
        };
        let none = actix_web::test::TestRequest::default().to_http_request();
        assert_eq!(labelled(&none, "image/png"), "image/png");
        assert_eq!(labelled(&with("*/*"), "image/png"), "image/png");
        assert_eq!(labelled(&with("image/*;q=0.9"), "image/png"), "image/png");
        assert_eq!(
            labelled(&with("application/octet-stream"), "image/png"),
            "application/octet-stream"
        );
        assert_eq!(
            labelled(&with("application/json, application/*"), "image/webp"),
            "application/octet-stream"
        );
        assert_eq!(labelled(&with("text/html"), "image/png"), "image/png");
    }

    #[test]
    fn if_none_match_matches_a_listed_tag_weak_or_strong_and_the_star() {
        assert!(etag_matches("\"abc\"", "\"abc\""));
        assert!(etag_matches("\"x\", W/\"abc\"", "\"abc\""));
        assert!(etag_matches("*", "\"abc\""));
        assert!(!etag_matches("\"abd\"", "\"abc\""));
    }
}
