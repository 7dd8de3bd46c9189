//! The `Idempotency-Key` header on every POST (IETF httpapi draft "The Idempotency-Key
//! HTTP Header Field"): the first request is processed and its response stored; a
//! repeat gets the stored response (with `Idempotent-Replayed: true`); the same key
//! while the first is still in flight is a 409; the same key with a different request
//! is a 422. Server errors are not stored, so a retry after a 5xx runs again.

use std::rc::Rc;
use std::time::Duration;

use actix_web::body::{self, BoxBody, EitherBody, MessageBody};
use actix_web::dev::{Service, ServiceRequest, ServiceResponse, Transform, forward_ready};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::{Error, HttpMessage, HttpResponse, ResponseError, web};
use futures_util::future::{Either, LocalBoxFuture, Map, Ready, ready};
use futures_util::{FutureExt, StreamExt};
use sha2::{Digest, Sha256};

use super::error::ApiError;
use super::{AppState, db};
use crate::auth::Principal;
use crate::db::idempotency::{self as keys_db, Claim};

pub const IDEMPOTENCY_KEY: HeaderName = HeaderName::from_static("idempotency-key");
const REPLAYED: HeaderName = HeaderName::from_static("idempotent-replayed");
/// Largest body a keyed request may have (the bulk CSV import's limit).
const BODY_LIMIT: usize = 32 * 1024 * 1024;
/// A request in flight this long without an answer is taken to have died.
const LEASE: Duration = Duration::from_secs(120);

/// Put in a response's extensions by a handler whose answer holds a secret (a new API
/// token): the body to store for replays instead of the one sent.
pub struct StoreInstead(pub web::Bytes);

/// The middleware. A request that is not a POST with an `Idempotency-Key` goes straight
/// to the routes: no allocation, no boxed future, its body untouched, so reads (and
/// unkeyed writes) pay one method comparison and at most one header look-up.
pub struct IdempotentPosts;

impl<S, B> Transform<S, ServiceRequest> for IdempotentPosts
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Transform = IdempotentPostsService<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(IdempotentPostsService {
            service: Rc::new(service),
        }))
    }
}

pub struct IdempotentPostsService<S> {
    service: Rc<S>,
}

type Answer<B> = Result<ServiceResponse<EitherBody<B>>, Error>;

impl<S, B> Service<ServiceRequest> for IdempotentPostsService<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Future = Either<
        Map<S::Future, fn(Result<ServiceResponse<B>, Error>) -> Answer<B>>,
        LocalBoxFuture<'static, Answer<B>>,
    >;

    forward_ready!(service);

    fn call(&self, req: ServiceRequest) -> Self::Future {
        if req.method() != Method::POST || !req.headers().contains_key(&IDEMPOTENCY_KEY) {
            let passed: fn(Result<ServiceResponse<B>, Error>) -> Answer<B> =
                |res| res.map(ServiceResponse::map_into_left_body);
            return Either::Left(self.service.call(req).map(passed));
        }
        let service = Rc::clone(&self.service);
        Either::Right(Box::pin(async move {
            keyed(req, service)
                .await
                .map(ServiceResponse::map_into_right_body)
        }))
    }
}

/// A POST with an `Idempotency-Key`: claim the key, replay or run, store the answer.
async fn keyed<S, B>(mut req: ServiceRequest, service: Rc<S>) -> Result<ServiceResponse, Error>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
    B: MessageBody + 'static,
{
    let key = req
        .headers()
        .get(&IDEMPOTENCY_KEY)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    if key.is_empty() || key.len() > 255 || !key.bytes().all(|b| b.is_ascii_graphic()) {
        let err = ApiError::invalid_field(
            "Idempotency-Key",
            "must be 1 to 255 visible ASCII characters",
        );
        return Ok(req.error_response(err));
    }
    // The draft writes the key as a structured-field string ("abc"); a bare abc is the
    // same key. Any other well-formed value (`"` alone, `""`) is a key as it stands.
    let key = key
        .strip_prefix('"')
        .and_then(|k| k.strip_suffix('"'))
        .filter(|k| !k.is_empty())
        .unwrap_or(key)
        .to_string();
    // Keys belong to the token that sent them.
    let owner = req
        .extensions()
        .get::<Principal>()
        .and_then(|p| p.token_id)
        .map_or_else(String::new, |id| id.to_string());
    let key = format!("{owner}:{key}");
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return Ok(service.call(req).await?.map_into_boxed_body());
    };
    let body = match read_body(&mut req).await {
        Ok(body) => body,
        Err(err) => return Ok(req.error_response(err)),
    };
    let fingerprint = fingerprint(&req, &body);
    req.set_payload(bytes_payload(body));

    let claim = {
        let (key, fingerprint) = (key.clone(), fingerprint.clone());
        db(&state, move |conn| {
            Ok(keys_db::claim(conn, &key, &fingerprint, LEASE)?)
        })
        .await
    };
    let claim = match claim {
        Ok(claim) => claim,
        Err(err) => return Ok(req.error_response(err)),
    };
    if let Claim::Existing(stored) = claim {
        if stored.request_sha256 != fingerprint {
            let err = ApiError::invalid_field(
                "Idempotency-Key",
                "this key was already used for a different request; use a new key",
            );
            return Ok(req.error_response(err));
        }
        let Some(status) = stored.status else {
            return Ok(req.error_response(in_flight()));
        };
        let (http, _) = req.into_parts();
        return Ok(ServiceResponse::new(
            http,
            replay(status, stored.content_type, stored.location, stored.body),
        ));
    }

    let res = service.call(req).await?;
    let status = res.status();
    let (http, res) = res.into_parts();
    let store_instead = res.extensions().get::<StoreInstead>().map(|s| s.0.clone());
    let (head, body) = res.into_parts();
    let Ok(bytes) = body::to_bytes(body).await else {
        return Ok(ServiceResponse::new(
            http,
            ApiError::internal("response body could not be read").error_response(),
        ));
    };
    let content_type = head
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let location = head
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let stored = store_instead.unwrap_or_else(|| bytes.clone());
    let outcome = db(&state, move |conn| {
        if status.is_server_error() {
            Ok(keys_db::release(conn, &key)?)
        } else {
            Ok(keys_db::complete(
                conn,
                &key,
                status.as_u16() as i16,
                content_type.as_deref(),
                location.as_deref(),
                &stored,
            )?)
        }
    })
    .await;
    if let Err(err) = outcome {
        // The work is done and committed; only the stored copy is missing. Answer anyway.
        log::warn!("could not store the response for an Idempotency-Key: {err}");
    }
    Ok(ServiceResponse::new(
        http,
        head.set_body(BoxBody::new(bytes)),
    ))
}

fn in_flight() -> ApiError {
    ApiError::conflict(
        Some("Idempotency-Key"),
        "a request with this key is still being processed; retry shortly",
    )
}

fn replay(
    status: i16,
    content_type: Option<String>,
    location: Option<String>,
    body: Option<Vec<u8>>,
) -> HttpResponse {
    let status = StatusCode::from_u16(status as u16).unwrap_or(StatusCode::OK);
    let mut res = HttpResponse::build(status);
    res.insert_header((REPLAYED, HeaderValue::from_static("true")));
    if let Some(ct) = content_type {
        res.insert_header((header::CONTENT_TYPE, ct));
    }
    if let Some(location) = location {
        res.insert_header((header::LOCATION, location));
    }
    res.body(body.unwrap_or_default())
}

async fn read_body(req: &mut ServiceRequest) -> Result<web::Bytes, ApiError> {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
    if declared.is_some_and(|n| n > BODY_LIMIT) {
        return Err(ApiError::too_large(BODY_LIMIT));
    }
    let mut payload = req.take_payload();
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk
            .map_err(|e| ApiError::malformed(format!("the body could not be read: {e}"), None))?;
        if body.len() + chunk.len() > BODY_LIMIT {
            return Err(ApiError::too_large(BODY_LIMIT));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

fn bytes_payload(bytes: web::Bytes) -> actix_web::dev::Payload {
    let (_, mut payload) = actix_http::h1::Payload::create(true);
    payload.unread_data(bytes);
    actix_web::dev::Payload::from(payload)
}

/// SHA-256 of method, path, query and body: what makes two requests "the same". A
/// multipart body is hashed without its boundary: an HTTP client draws a new random
/// boundary for every send, so a retry of the same upload differs only there.
fn fingerprint(req: &ServiceRequest, body: &[u8]) -> String {
    let mut hash = Sha256::new();
    hash.update(req.method().as_str().as_bytes());
    hash.update(b" ");
    hash.update(req.uri().path().as_bytes());
    hash.update(b"?");
    hash.update(req.query_string().as_bytes());
    hash.update(b"\n");
    match multipart_boundary(req) {
        Some(boundary) => {
            // The boundary never occurs inside the parts (RFC 2046 5.1.1), so what is
            // left between its occurrences is the parts, headers and bytes, unchanged.
            let delimiter = format!("--{boundary}");
            let mut rest = body;
            while let Some(at) = find(rest, delimiter.as_bytes()) {
                hash.update(&rest[..at]);
                hash.update(b"--");
                rest = &rest[at + delimiter.len()..];
            }
            hash.update(rest);
        }
        None => hash.update(body),
    }
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The boundary of a `multipart/form-data` body, from its Content-Type.
fn multipart_boundary(req: &ServiceRequest) -> Option<String> {
    use actix_web::mime;
    let mime: mime::Mime = req
        .headers()
        .get(header::CONTENT_TYPE)?
        .to_str()
        .ok()?
        .parse()
        .ok()?;
    if mime.type_() != mime::MULTIPART || mime.subtype() != mime::FORM_DATA {
        return None;
    }
    let boundary = mime.get_param(mime::BOUNDARY)?.as_str();
    (!boundary.is_empty()).then(|| boundary.to_string())
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
