//! The one error type of the HTTP layer, rendered as RFC 9457 problem details.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};

use crate::service::ServiceError;

pub use problem::{FieldError, PROBLEM_JSON, Problem};

mod problem;
pub mod responses;

/// An error answered to the client. Server faults keep their cause for the log and never
/// show it to the client.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    slug: &'static str,
    title: &'static str,
    detail: String,
    errors: Vec<FieldError>,
    cause: Option<String>,
    /// Seconds for a `Retry-After` header (429).
    retry_after: Option<u32>,
}

impl ApiError {
    fn new(status: StatusCode, slug: &'static str, title: &'static str, detail: String) -> Self {
        ApiError {
            status,
            slug,
            title,
            detail,
            errors: Vec::new(),
            cause: None,
            retry_after: None,
        }
    }

    /// 422: the request is well-formed but some fields are invalid.
    pub fn invalid(errors: Vec<FieldError>) -> Self {
        let detail = errors
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect::<Vec<_>>()
            .join("; ");
        let mut err = Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation-error",
            "The request has invalid fields",
            detail,
        );
        err.errors = errors;
        err
    }

    /// 422 for a single field.
    pub fn invalid_field(field: impl Into<String>, message: impl ToString) -> Self {
        Self::invalid(vec![FieldError::new(field, message)])
    }

    /// 400: the body or query could not be read at all.
    pub fn malformed(detail: impl Into<String>, field: Option<String>) -> Self {
        let detail = detail.into();
        let mut err = Self::new(
            StatusCode::BAD_REQUEST,
            "malformed-request",
            "The request could not be read",
            detail.clone(),
        );
        err.errors = field
            .map(|f| FieldError::new(f, detail))
            .into_iter()
            .collect();
        err
    }

    /// 404 for a resource addressed by the URL.
    pub fn not_found(what: &str, id: impl std::fmt::Display) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not-found",
            "Not found",
            format!("no {what} with id {id}"),
        )
    }

    /// 404 for an id given in the body that refers to nothing.
    pub fn unknown_reference(
        field: impl Into<String>,
        what: &str,
        id: impl std::fmt::Display,
    ) -> Self {
        let mut err = Self::not_found(what, &id);
        err.errors = vec![FieldError::new(field, format!("no {what} with id {id}"))];
        err
    }

    /// 409: the request clashes with what is stored.
    pub fn conflict(field: Option<&str>, detail: impl Into<String>) -> Self {
        let detail = detail.into();
        let mut err = Self::new(
            StatusCode::CONFLICT,
            "conflict",
            "Conflicts with a stored record",
            detail.clone(),
        );
        err.errors = field
            .map(|f| FieldError::new(f, detail))
            .into_iter()
            .collect();
        err
    }

    /// 401: no token, or one that is unknown or revoked.
    pub fn unauthenticated(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "Authentication required",
            detail.into(),
        )
    }

    /// 403: the token's role may not do this.
    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "Not allowed for this role",
            detail.into(),
        )
    }

    /// 428: a change of a mutable resource came without `If-Match`.
    pub fn precondition_required(detail: impl Into<String>) -> Self {
        let detail = detail.into();
        let mut err = Self::new(
            StatusCode::PRECONDITION_REQUIRED,
            "precondition-required",
            "If-Match required",
            detail.clone(),
        );
        err.errors = vec![FieldError::new("If-Match", detail)];
        err
    }

    /// 412: `If-Match` names a version that is no longer current.
    pub fn precondition_failed(detail: impl Into<String>) -> Self {
        let detail = detail.into();
        let mut err = Self::new(
            StatusCode::PRECONDITION_FAILED,
            "precondition-failed",
            "The resource changed",
            detail.clone(),
        );
        err.errors = vec![FieldError::new("If-Match", detail)];
        err
    }

    /// 429: the token sent more requests than its rate allows.
    pub fn too_many_requests(retry_after_secs: u32) -> Self {
        let mut err = Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate-limited",
            "Too many requests",
            format!("this token sent too many requests; retry after {retry_after_secs} s"),
        );
        err.retry_after = Some(retry_after_secs);
        err
    }

    /// 429: this address sent too many unknown or revoked tokens.
    pub fn too_many_failures(retry_after_secs: u32) -> Self {
        let mut err = Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too-many-failed-authentications",
            "Too many requests",
            format!(
                "too many unknown or revoked tokens came from this address; check the token \
                 and retry after {retry_after_secs} s"
            ),
        );
        err.retry_after = Some(retry_after_secs);
        err
    }

    /// 413: the body is larger than the operation accepts.
    pub fn too_large(limit: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload-too-large",
            "Request body too large",
            format!("the body is larger than the {limit} bytes this operation accepts"),
        )
    }

    /// 415: the body is not of a type the operation reads.
    pub fn unsupported_media_type(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "Unsupported media type",
            detail.into(),
        )
    }

    /// A refused upload (413, 415 or 422) whose problem names the form field it came in.
    pub fn refused_field(
        status: StatusCode,
        slug: &'static str,
        field: &str,
        detail: impl Into<String>,
    ) -> Self {
        let detail = detail.into();
        let mut err = Self::new(status, slug, title_static(status), detail.clone());
        err.errors = vec![FieldError::new(field, detail)];
        err
    }

    /// 503 with Retry-After: the database cannot be reached right now.
    pub fn unavailable(cause: impl std::fmt::Display) -> Self {
        let mut err = Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "database-unavailable",
            "Service temporarily unavailable",
            "the database cannot be reached right now; nothing was stored, retry shortly".into(),
        );
        err.cause = Some(cause.to_string());
        err
    }

    /// 503 with Retry-After: the server is busy with other work of this kind and this
    /// request could not start in time; nothing was stored.
    pub fn busy(
        slug: &'static str,
        field: &str,
        detail: impl Into<String>,
        retry_after_secs: u32,
    ) -> Self {
        let mut err = Self::refused_field(StatusCode::SERVICE_UNAVAILABLE, slug, field, detail);
        err.retry_after = Some(retry_after_secs);
        err
    }

    /// 500: a fault of the server. The cause is logged, never sent.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        let mut err = Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal-error",
            "Internal server error",
            "the server failed to handle the request; it has been logged".into(),
        );
        err.cause = Some(cause.to_string());
        err
    }

    /// A problem for a bare status produced outside the handlers (unknown route, wrong
    /// method, oversized body).
    pub fn from_status(status: StatusCode, detail: Option<String>) -> Self {
        let title = status.canonical_reason().unwrap_or("Error");
        let detail = detail
            .filter(|d| !d.is_empty())
            .unwrap_or_else(|| title.to_string());
        Self::new(status, "http-error", title_static(status), detail)
    }

    /// The same error with its field names rewritten (e.g. to name CSV lines).
    pub fn map_fields(mut self, rename: impl Fn(&str) -> String) -> Self {
        for e in &mut self.errors {
            e.field = rename(&e.field);
        }
        if !self.errors.is_empty() && self.status == StatusCode::UNPROCESSABLE_ENTITY {
            self.detail = self
                .errors
                .iter()
                .map(|e| format!("{}: {}", e.field, e.message))
                .collect::<Vec<_>>()
                .join("; ");
        }
        self
    }

    pub fn problem(&self) -> Problem {
        Problem {
            problem_type: format!("urn:lotgate:problem:{}", self.slug),
            title: self.title.to_string(),
            status: self.status.as_u16(),
            detail: self.detail.clone(),
            errors: self.errors.clone(),
        }
    }
}

fn title_static(status: StatusCode) -> &'static str {
    match status {
        StatusCode::NOT_FOUND => "Not found",
        StatusCode::UNAUTHORIZED => "Authentication required",
        StatusCode::FORBIDDEN => "Not allowed for this role",
        StatusCode::METHOD_NOT_ALLOWED => "Method not allowed",
        StatusCode::PAYLOAD_TOO_LARGE => "Request body too large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "Unsupported media type",
        StatusCode::BAD_REQUEST => "The request could not be read",
        StatusCode::UNPROCESSABLE_ENTITY => "The request has invalid fields",
        s if s.is_server_error() => "Server error",
        _ => "Request refused",
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.status.as_u16(), self.detail)?;
        if let Some(cause) = &self.cause {
            write!(f, " (cause: {cause})")?;
        }
        Ok(())
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        if self.status.is_server_error() {
            log::error!("{self}");
        }
        let mut res = HttpResponse::build(self.status);
        res.insert_header((header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON)));
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            res.insert_header((header::RETRY_AFTER, HeaderValue::from_static("1")));
        }
        if let Some(secs) = self.retry_after {
            res.insert_header((header::RETRY_AFTER, secs.to_string()));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            res.insert_header((
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"lotgate\""),
            ));
        }
        res.body(serde_json::to_vec(&self.problem()).unwrap_or_default())
    }
}

impl From<ServiceError> for ApiError {
    fn from(err: ServiceError) -> Self {
        match err {
            ServiceError::NotFound { what, .. } if what.is_empty() => {
                ApiError::from_status(StatusCode::NOT_FOUND, None)
            }
            ServiceError::NotFound { what, id } => ApiError::not_found(&what, id),
            ServiceError::UnknownReference { field, what, id } => {
                ApiError::unknown_reference(field, &what, id)
            }
            ServiceError::Invalid(violations) => ApiError::invalid(
                violations
                    .into_iter()
                    .map(|v| FieldError::new(v.field, v.message))
                    .collect(),
            ),
            ServiceError::Conflict { field, detail } => {
                ApiError::conflict(field.as_deref(), detail)
            }
            ServiceError::PreconditionFailed(detail) => ApiError::precondition_failed(detail),
            ServiceError::Unavailable(cause) => ApiError::unavailable(cause),
            ServiceError::Internal(cause) => ApiError::internal(cause),
        }
    }
}

/// Database errors met by the handlers' own reads take the same way as a use case's.
impl From<diesel::result::Error> for ApiError {
    fn from(err: diesel::result::Error) -> Self {
        ServiceError::from(err).into()
    }
}

impl From<r2d2::Error> for ApiError {
    fn from(err: r2d2::Error) -> Self {
        ApiError::unavailable(err)
    }
}
