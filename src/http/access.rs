//! Who may call what. Every `/api/` request carries `Authorization: Bearer <token>`; the
//! token's role must include the role its operation needs (the table below, which the
//! OpenAPI document also states per operation). Unknown or revoked tokens are a 401, too
//! weak a role a 403, both problem+json, before any work is done. An address that sends
//! more unknown or revoked tokens than its budget gets 429 for a while, without a lookup
//! (see [`AuthFailures`](super::rate_limit::AuthFailures)).

use std::collections::HashMap;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::{Method, header};
use actix_web::middleware::Next;
use actix_web::{Error, FromRequest, HttpMessage, HttpRequest, web};
use utoipa::openapi::OpenApi as OpenApiDoc;

use super::error::ApiError;
use super::{AppState, db};
use crate::auth::{Principal, secret_sha256};
use crate::domain::Role;
use crate::service::tokens;

/// The least role each operation needs. Registering the lot being inspected is part of
/// an inspector's work; everything that judges (decisions, approvals, corrections,
/// switching settings, golden-sample references) is a reviewer's; master data and
/// tokens are an admin's.
pub fn role_needed(operation_id: &str) -> Option<Role> {
    use Role::*;
    Some(match operation_id {
        "list_parts" | "get_part" | "get_characteristic" | "list_suppliers" => Inspector,
        "list_lots" | "get_lot" | "get_inspection_plan" => Inspector,
        "create_lot" | "record_inspection" | "import_inspection_csv" => Inspector,
        "get_inspection" | "list_lot_inspections" | "export_lot_measurements" => Inspector,
        "upload_inspection_photo" | "get_photo" | "get_photo_thumbnail" | "compare_photos" => {
            Inspector
        }
        "compute_capability" | "get_lot_statistics" | "get_characteristic_capability" => Inspector,
        "get_lot_reconciliation" | "get_supplier_reconciliation" => Inspector,
        "get_supplier_source_policy" => Inspector,
        "get_lot_decision" | "get_switching" | "list_lot_dispositions" => Inspector,
        "list_lot_resubmissions" | "get_supplier_scorecard" => Inspector,
        "get_lot_histogram" | "get_lot_control_chart" | "get_lot_oc_curve" => Inspector,
        "get_supplier_scorecard_chart" | "get_capability_trend_chart" => Inspector,
        "get_iso2859_plan" | "get_operating_characteristic" | "design_sampling_plan" => Inspector,
        "get_golden_sample" | "list_part_golden_samples" | "record_golden_sample_condition" => {
            Inspector
        }
        "correct_inspection" | "decide_lot" | "set_switching_settings" | "resume_sampling" => {
            Reviewer
        }
        "resubmit_lot" | "dispose_lot" | "release_lot" => Reviewer,
        "update_lot" | "cancel_lot" | "set_supplier_source_policy" => Reviewer,
        "list_part_defect_codes" | "get_defect_pareto" => Inspector,
        "create_defect_code" | "update_defect_code" => Reviewer,
        "get_ncr" | "list_ncrs" => Inspector,
        "open_ncr" | "update_ncr" | "close_ncr" => Reviewer,
        "create_golden_sample" | "update_golden_sample" | "create_golden_sample_revision" => {
            Reviewer
        }
        "record_reference_measurements" | "upload_golden_sample_photo" => Reviewer,
        "approve_golden_sample_revision" | "retire_golden_sample_revision" => Reviewer,
        "list_audit_events" => Reviewer,
        "create_part" | "update_part" | "create_characteristic" | "update_characteristic" => Admin,
        "create_supplier" | "create_token" | "list_tokens" | "revoke_token" => Admin,
        "create_webhook" | "list_webhooks" | "get_webhook" | "update_webhook" => Admin,
        "list_webhook_deliveries" | "redeliver_webhook_delivery" => Admin,
        _ => return None,
    })
}

/// Whether a token bound to a supplier may call an operation at all. Those listed either
/// touch no supplier's data (the shared catalogue of parts, characteristics, defect
/// codes and golden samples, the stateless calculators) or are scoped to the token's supplier by their
/// use case (another supplier's lots, inspections, photos, decisions, switching state
/// and statistics are answered 404, lists are filtered). Everything else is refused
/// with a 403 before any work is done: the audit trail (every supplier's changes),
/// golden-sample changes (the startup's references), switching settings and resumes, source
/// policies (whose results decide a supplier's lots is never the supplier's own choice),
/// resubmissions, dispositions and releases of lots (the responsible authority's
/// decisions, never the supplier's own), master data and
/// tokens; and so is any operation added later until it is listed here: bound tokens
/// fail closed.
pub fn open_to_bound_tokens(operation_id: &str) -> bool {
    matches!(
        operation_id,
        "list_parts"
            | "get_part"
            | "get_characteristic"
            | "get_golden_sample"
            | "list_part_golden_samples"
            | "get_iso2859_plan"
            | "get_operating_characteristic"
            | "design_sampling_plan"
            | "compute_capability"
            | "list_suppliers"
            | "get_supplier_source_policy"
            | "list_lots"
            | "get_lot"
            | "get_inspection_plan"
            | "create_lot"
            | "record_inspection"
            | "import_inspection_csv"
            | "get_inspection"
            | "list_lot_inspections"
            | "export_lot_measurements"
            | "correct_inspection"
            | "upload_inspection_photo"
            | "get_photo"
            | "get_photo_thumbnail"
            | "compare_photos"
            | "get_lot_statistics"
            | "get_lot_reconciliation"
            | "get_characteristic_capability"
            | "decide_lot"
            | "get_lot_decision"
            | "get_switching"
            | "list_lot_dispositions"
            | "list_lot_resubmissions"
            | "get_supplier_scorecard"
            | "get_supplier_scorecard_chart"
            | "get_supplier_reconciliation"
            | "get_lot_histogram"
            | "get_lot_control_chart"
            | "get_lot_oc_curve"
            | "get_capability_trend_chart"
            | "list_part_defect_codes"
            | "get_defect_pareto"
            | "get_ncr"
            | "list_ncrs"
    )
}

/// What a route needs: the least role, and whether a supplier-bound token may call it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Access {
    pub role: Role,
    pub open_to_bound: bool,
}

/// The role of every route, keyed by method and path template.
pub struct RouteRoles(HashMap<(Method, String), Access>);

impl RouteRoles {
    /// Reads the routes from the OpenAPI document. Panics on an `/api/` operation that
    /// has no role in [`role_needed`], so a new route cannot go out unprotected.
    pub fn from_document(api: &OpenApiDoc) -> Self {
        let mut roles = HashMap::new();
        for (path, item) in api.paths.paths.iter() {
            if !path.starts_with("/api/") {
                continue;
            }
            for (method, op) in operations(item) {
                let id = op.operation_id.as_deref().unwrap_or_default();
                let role = role_needed(id)
                    .unwrap_or_else(|| panic!("operation `{id}` has no role in role_needed"));
                let access = Access {
                    role,
                    open_to_bound: open_to_bound_tokens(id),
                };
                roles.insert((method, path.clone()), access);
            }
        }
        RouteRoles(roles)
    }

    /// The role a matched route needs: its operation's, or admin for a route the
    /// document does not know.
    pub fn needed(&self, method: &Method, pattern: String) -> Role {
        self.access(method, pattern).role
    }

    /// What a matched route needs; a route the document does not know needs an admin
    /// and is closed to bound tokens.
    pub fn access(&self, method: &Method, pattern: String) -> Access {
        self.0
            .get(&(method.clone(), pattern))
            .copied()
            .unwrap_or(Access {
                role: Role::Admin,
                open_to_bound: false,
            })
    }
}

/// The operations of a path item with their methods.
pub fn operations(
    item: &utoipa::openapi::PathItem,
) -> impl Iterator<Item = (Method, &utoipa::openapi::path::Operation)> {
    [
        (Method::GET, &item.get),
        (Method::POST, &item.post),
        (Method::PUT, &item.put),
        (Method::PATCH, &item.patch),
        (Method::DELETE, &item.delete),
    ]
    .into_iter()
    .filter_map(|(m, op)| op.as_ref().map(|op| (m, op)))
}

/// The token of `Authorization: Bearer <token>`.
fn bearer(req: &ServiceRequest) -> Result<&str, ApiError> {
    let value = req
        .headers()
        .get(header::AUTHORIZATION)
        .ok_or_else(|| {
            ApiError::unauthenticated(
                "send `Authorization: Bearer <token>`; ask an admin for a token",
            )
        })?
        .to_str()
        .unwrap_or_default();
    let (scheme, token) = value.split_once(' ').unwrap_or((value, ""));
    if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
        return Err(ApiError::unauthenticated(
            "the Authorization header must be `Bearer <token>`",
        ));
    }
    Ok(token.trim())
}

/// Authenticates `/api/` requests and checks the role; the principal is left in the
/// request's extensions for the handlers (see [`Caller`]).
pub async fn authenticate(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    if !req.path().starts_with("/api/") {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    let (Some(state), Some(roles)) = (
        req.app_data::<web::Data<AppState>>().cloned(),
        req.app_data::<web::Data<RouteRoles>>().cloned(),
    ) else {
        return Ok(req.error_response(ApiError::internal("access control is not configured")));
    };
    let hash = match bearer(&req) {
        Ok(token) => secret_sha256(token),
        Err(err) => return Ok(req.error_response(err)),
    };
    let principal = match state.tokens.get(&hash) {
        Some(principal) => principal,
        None => {
            // A token not in the cache costs a database lookup: an address that keeps
            // sending unknown tokens waits before it may try another.
            let client = req.peer_addr().map(|a| a.ip());
            if let Err(wait) = state.auth_failures.may_look_up(client, &hash) {
                return Ok(req.error_response(ApiError::too_many_failures(wait)));
            }
            match look_up(&state, hash).await {
                Ok(principal) => {
                    state.auth_failures.succeeded(hash);
                    principal
                }
                Err(err) => {
                    if actix_web::ResponseError::status_code(&err)
                        == actix_web::http::StatusCode::UNAUTHORIZED
                    {
                        state.auth_failures.failed(client, &hash);
                    }
                    return Ok(req.error_response(err));
                }
            }
        }
    };
    let (Some(token_id), Some(role)) = (principal.token_id, principal.role) else {
        return Ok(req.error_response(ApiError::internal("a token without id or role")));
    };
    // An admin may do everything: no need to find the route's role. A request that
    // matched no route goes on to its 404; a route that matched but has no role in the
    // table (registered outside the documented route table) is an admin's: fail closed.
    let needed = (role != Role::Admin)
        .then(|| req.match_pattern())
        .flatten()
        .map(|pattern| roles.access(req.method(), pattern));
    if let Some(Access { role: needed, .. }) = needed
        && !role.includes(needed)
    {
        return Ok(req.error_response(ApiError::forbidden(format!(
            "this needs the {needed} role; the token `{}` has the {role} role",
            principal.name
        ))));
    }
    if let (Some(supplier), Some(access)) = (principal.supplier, needed)
        && !access.open_to_bound
    {
        return Ok(req.error_response(ApiError::forbidden(format!(
            "the token `{}` is bound to supplier {supplier}, and this operation is open \
             only to tokens that are not bound to a supplier",
            principal.name
        ))));
    }
    if let Err(wait) = state.rate_limit.check(token_id) {
        return Ok(req.error_response(ApiError::too_many_requests(wait)));
    }
    req.extensions_mut().insert(principal);
    Ok(next.call(req).await?.map_into_boxed_body())
}

/// Looks a token up in the database (noting `last_used_at` once a minute) and keeps it
/// in the cache when it is valid.
async fn look_up(state: &AppState, hash: [u8; 32]) -> Result<Principal, ApiError> {
    let epoch = state.tokens.epoch();
    let found = db(state, move |conn| Ok(tokens::look_up(conn, &hash)?)).await?;
    match found {
        Some(token) if token.revoked_at.is_none() => {
            let principal = Principal::token(token.id, token.name, token.role, token.supplier_id);
            state.tokens.put(hash, principal.clone(), epoch);
            Ok(principal)
        }
        Some(_) => Err(ApiError::unauthenticated("this token was revoked")),
        None => Err(ApiError::unauthenticated("unknown token")),
    }
}

/// The principal a request acts as, for handlers that record who did what.
pub struct Caller(pub Principal);

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(
            req.extensions()
                .get::<Principal>()
                .cloned()
                .map(Caller)
                .ok_or_else(|| ApiError::unauthenticated("no token was checked")),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_route_the_document_does_not_know_needs_an_admin() {
        let roles = RouteRoles::from_document(&crate::http::openapi());

        let known = roles.needed(&Method::GET, "/api/v1/lots".into());
        let unknown = roles.needed(&Method::GET, "/api/v1/not-in-the-document".into());
        let wrong_method = roles.needed(&Method::DELETE, "/api/v1/lots".into());

        assert_eq!(known, Role::Inspector);
        assert_eq!(unknown, Role::Admin);
        assert_eq!(wrong_method, Role::Admin);
    }

    #[test]
    fn bound_tokens_reach_only_listed_operations_and_never_the_audit_trail() {
        let roles = RouteRoles::from_document(&crate::http::openapi());

        let lots = roles.access(&Method::GET, "/api/v1/lots".into());
        let audit = roles.access(&Method::GET, "/api/v1/audit".into());
        let unknown = roles.access(&Method::GET, "/api/v1/not-in-the-document".into());

        assert!(lots.open_to_bound);
        assert!(!audit.open_to_bound);
        assert!(!unknown.open_to_bound);
    }

    #[test]
    fn every_operation_open_to_bound_tokens_exists_and_needs_no_admin() {
        let api = crate::http::openapi();
        let ids: Vec<String> = api
            .paths
            .paths
            .values()
            .flat_map(|item| operations(item).map(|(_, op)| op.operation_id.clone()))
            .flatten()
            .collect();
        for id in ids.iter().filter(|id| open_to_bound_tokens(id)) {
            assert_ne!(role_needed(id), Some(Role::Admin), "{id}");
        }
        let open = ids.iter().filter(|id| open_to_bound_tokens(id)).count();
        assert_eq!(open, 44, "an operation listed for bound tokens is missing");
    }
}
