//! Query parameters an operation does not document are refused (422 naming the
//! parameter), on every operation alike: a misspelt filter (`/parts?number=CLP-100`)
//! must not silently return the whole list. The names come from the OpenAPI document,
//! so what is accepted is what is documented.

use std::collections::{HashMap, HashSet};

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::{Error, web};
use utoipa::openapi::OpenApi as OpenApiDoc;
use utoipa::openapi::RefOr;
use utoipa::openapi::path::ParameterIn;

use super::access::operations;
use super::error::ApiError;

/// The documented query parameters of every operation, by method and path template.
pub struct QueryNames(HashMap<(Method, String), HashSet<String>>);

impl QueryNames {
    pub fn from_document(api: &OpenApiDoc) -> Self {
        let mut names = HashMap::new();
        for (path, item) in api.paths.paths.iter() {
            for (method, op) in operations(item) {
                let documented = op
                    .parameters
                    .iter()
                    .flatten()
                    // lotgate declares every parameter inline, never by reference.
                    .filter_map(|p| match p {
                        RefOr::T(p) if matches!(p.parameter_in, ParameterIn::Query) => {
                            Some(p.name.clone())
                        }
                        _ => None,
                    })
                    .collect();
                names.insert((method, path.clone()), documented);
            }
        }
        QueryNames(names)
    }

    /// The first parameter of `query` that the operation does not document, with the
    /// message to answer; `None` when all are documented or the route is not an
    /// operation of the document.
    fn unknown(&self, method: &Method, pattern: String, query: &str) -> Option<ApiError> {
        let documented = self.0.get(&(method.clone(), pattern))?;
        let (name, _) = form_urlencoded::parse(query.as_bytes())
            .find(|(name, _)| !documented.contains(name.as_ref()))?;
        let mut known: Vec<&str> = documented.iter().map(String::as_str).collect();
        known.sort_unstable();
        let takes = if known.is_empty() {
            "this operation takes no query parameters".to_string()
        } else {
            format!("this operation takes {}", known.join(", "))
        };
        Some(ApiError::invalid_field(
            name.to_string(),
            format!("unknown query parameter `{name}`; {takes}"),
        ))
    }
}

/// Refuses a request that carries a query parameter its operation does not document.
pub async fn refuse_unknown(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    if !req.query_string().is_empty()
        && let Some(names) = req.app_data::<web::Data<QueryNames>>()
        && let Some(pattern) = req.match_pattern()
        && let Some(err) = names.unknown(req.method(), pattern, req.query_string())
    {
        return Ok(req.error_response(err));
    }
    Ok(next.call(req).await?.map_into_boxed_body())
}
