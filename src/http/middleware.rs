//! Request logging with a request id, and problem+json for errors raised outside the
//! handlers (unknown routes, wrong methods, oversized bodies).

use std::time::Instant;

use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::{ErrorHandlerResponse, Next};
use actix_web::{Error, HttpResponse, ResponseError};

use super::error::{ApiError, PROBLEM_JSON};

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Logs one line per request (method, path, status, duration, request id) and returns
/// the request id. A client-sent `X-Request-Id` of up to 64 plain characters is kept, so
/// a tablet's retries can be followed in the log.
pub async fn log_request(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let started = Instant::now();
    let id = req
        .headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty()
                && v.len() <= 64
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
        })
        .map(str::to_owned)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    // Copied only when the line will be written: most deployments log at warn.
    let logged = log::log_enabled!(target: "lotgate::request", log::Level::Info)
        .then(|| (req.method().clone(), req.path().to_owned()));
    let mut res = next.call(req).await?;
    if let Some((method, path)) = logged {
        log::info!(
            target: "lotgate::request",
            "{method} {path} {} {:.1}ms request_id={id}",
            res.status().as_u16(),
            started.elapsed().as_secs_f64() * 1000.0
        );
    }
    if let Ok(value) = HeaderValue::try_from(id) {
        res.headers_mut().insert(REQUEST_ID, value);
    }
    Ok(res)
}

/// Rewrites any 4xx/5xx that is not yet problem+json into one, keeping its status and
/// the message actix gave it.
pub fn problem_for_bare_errors<B: MessageBody + 'static>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let is_problem = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(PROBLEM_JSON.as_bytes()));
    if is_problem {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let detail = res.response().error().map(|e| e.to_string());
    let allow = res.headers().get(header::ALLOW).cloned();
    let (req, _) = res.into_parts();
    let mut problem: HttpResponse<BoxBody> = ApiError::from_status(status, detail).error_response();
    if let Some(allow) = allow {
        problem.headers_mut().insert(header::ALLOW, allow);
    }
    let res: ServiceResponse<EitherBody<B, BoxBody>> =
        ServiceResponse::new(req, problem).map_into_right_body();
    Ok(ErrorHandlerResponse::Response(res))
}
