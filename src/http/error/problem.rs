//! The problem document (RFC 9457) every 4xx and 5xx response carries.

use serde::Serialize;
use utoipa::ToSchema;

pub const PROBLEM_JSON: &str = "application/problem+json";

/// RFC 9457 problem details, returned for every 4xx and 5xx response.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "urn:lotgate:problem:validation-error",
    "title": "The request has invalid fields",
    "status": 422,
    "detail": "lsl: lower specification limit 10.2 must be below the upper limit 9.8",
    "errors": [{"field": "lsl", "message": "lower specification limit 10.2 must be below the upper limit 9.8"}]
}))]
pub struct Problem {
    /// A URI naming the kind of problem (`urn:lotgate:problem:<slug>`).
    #[serde(rename = "type")]
    pub problem_type: String,
    /// A short summary of the kind of problem.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong with this request, in words a person can act on.
    pub detail: String,
    /// One entry per invalid field of the request, naming the field.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

/// A problem with one field of the request.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct FieldError {
    /// Path of the field in the request, e.g. `units[0].measurements[1].value` or the
    /// name of a query parameter.
    pub field: String,
    /// What is wrong with the value.
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl ToString) -> Self {
        FieldError {
            field: field.into(),
            message: message.to_string(),
        }
    }
}
