//! The error responses the OpenAPI document shares between operations, all of them
//! problem+json: one table, one line each, written out by [`problem_responses`].

use utoipa::ToResponse;

use super::Problem;

/// Declares each shared response as a type utoipa collects: its name, its description
/// and, where the answer carries one, the header it sets.
macro_rules! problem_responses {
    ($($(#[doc = $doc:tt])* $name:ident = $description:tt $(, headers($($header:tt)*))?;)*) => {
        $(
            $(#[doc = $doc])*
            #[derive(ToResponse)]
            #[response(
                description = $description,
                content_type = "application/problem+json"
                $(, headers($($header)*))?
            )]
            pub struct $name(#[allow(dead_code)] Problem);
        )*
    };
}

problem_responses! {
    /// The body, query or path could not be read (malformed JSON, a wrong type).
    BadRequest = "The request could not be read";
    /// A field breaks a rule; `errors` names each field.
    Unprocessable = "The request has invalid fields; `errors` names each one";
    /// No valid token: `Authorization: Bearer <token>` is missing, unknown or revoked.
    Unauthorized = "No valid bearer token (missing, unknown or revoked)",
        headers(("WWW-Authenticate" = String, description = "`Bearer realm=\"lotgate\"`"));
    /// The change came without `If-Match`.
    PreconditionRequired = "`If-Match` with the resource's ETag is required for a change";
    /// The resource changed since the client read it.
    PreconditionFailed = "The resource changed since it was read: its ETag differs from `If-Match`";
    /// The token's role may not perform this operation.
    Forbidden = "The token's role may not perform this operation";
    /// The token sent more requests than its rate allows.
    TooManyRequests = "Too many requests from this token; retry after `Retry-After` seconds",
        headers(("Retry-After" = u32, description = "Seconds to wait before retrying"));
    /// What the URL (or an id in the body) names does not exist.
    NotFound = "Not found";
    /// The request clashes with a stored record.
    Conflict = "Conflicts with a stored record";
    /// The body is larger than the server accepts.
    PayloadTooLarge = "Request body too large";
    /// The body is not JSON.
    UnsupportedMediaType = "The body must be application/json";
    /// The database cannot be reached; retry after the `Retry-After` seconds.
    Unavailable = "The database cannot be reached; retry after `Retry-After` seconds",
        headers(("Retry-After" = u32, description = "Seconds to wait before retrying"));
    /// A fault of the server, logged with its cause.
    Internal = "A fault of the server; the cause is logged, not shown";
}
