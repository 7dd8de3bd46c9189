//! API tokens: admins create, list and revoke them. A token is shown once, in the answer
//! to its creation; lotgate keeps only its SHA-256.

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::access::Caller;
use super::error::{ApiError, responses};
use super::extract::JsonBody;
use super::{AppState, db};
use crate::cache::Listening;
use crate::db::tokens::Token;
use crate::domain::{Role, SupplierId, TokenHolder, TokenId};
use crate::service::tokens::{self as service, NewToken};

/// A token to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Line 3 tablet", "holder": "device", "role": "inspector", "supplier_id": "0b6f1a52-3c1e-4d7a-9f0e-2a4c8d1e5b70"}))]
pub struct CreateToken {
    /// Who holds it: a person's name or a device's label (1-200 characters).
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"[^\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
    )]
    pub name: String,
    /// A person or a shared device.
    pub holder: TokenHolder,
    /// What the token may do.
    pub role: Role,
    /// Binds the token to this supplier: it then sees and writes only that supplier's
    /// lots, inspections, photos, decisions, switching state and statistics (another
    /// supplier's are answered 404, lists are filtered), lists only its own supplier,
    /// and cannot record `source: in_house` inspections. Omit (or `null`) for a token
    /// that is not bound, which is what recording in-house work needs. Only inspector
    /// and reviewer tokens can be bound. The binding never changes: to move a device to
    /// another supplier, revoke its token and create a new one.
    #[serde(default)]
    pub supplier_id: Option<SupplierId>,
}

/// A token, without its secret.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"id": "18c130ad-951d-4fce-8688-d00d7d2247a4", "name": "Line 3 tablet", "holder": "device", "role": "inspector", "supplier_id": null, "created_at": "2026-11-18T08:00:00Z", "created_by": "9a8f6227-2bb5-4f33-a7db-66d02cdaa146", "revoked_at": null, "revoked_by": null, "last_used_at": "2026-11-20T09:15:02Z"}))]
pub struct TokenView {
    /// Id of the token (not the token itself).
    pub id: TokenId,
    /// Who holds it.
    pub name: String,
    /// A person or a shared device.
    pub holder: TokenHolder,
    /// What the token may do.
    pub role: Role,
    /// The supplier the token is bound to (it sees and writes only that supplier's
    /// data); `null`: not bound.
    pub supplier_id: Option<SupplierId>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// The token that created it; `null` when made on the command line.
    pub created_by: Option<TokenId>,
    /// When it was revoked; `null` while it works.
    pub revoked_at: Option<DateTime<Utc>>,
    /// The token that revoked it.
    pub revoked_by: Option<TokenId>,
    /// When it was last used, to the minute; `null` if never.
    pub last_used_at: Option<DateTime<Utc>>,
}

impl From<Token> for TokenView {
    fn from(t: Token) -> Self {
        TokenView {
            id: t.id,
            name: t.name,
            holder: t.holder,
            role: t.role,
            supplier_id: t.supplier_id,
            created_at: t.created_at,
            created_by: t.created_by,
            revoked_at: t.revoked_at,
            revoked_by: t.revoked_by,
            last_used_at: t.last_used_at,
        }
    }
}

/// A new token, with its secret shown this once.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "18c130ad-951d-4fce-8688-d00d7d2247a4", "name": "Line 3 tablet", "holder": "device", "role": "inspector", "supplier_id": null, "created_at": "2026-11-18T08:00:00Z", "created_by": "9a8f6227-2bb5-4f33-a7db-66d02cdaa146", "revoked_at": null, "revoked_by": null, "last_used_at": null, "token": "lgt_0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"}))]
pub struct CreatedToken {
    #[serde(flatten)]
    pub view: TokenView,
    /// The token to send as `Authorization: Bearer <token>`. Shown only in this answer;
    /// store it now. A replay of this request under the same `Idempotency-Key` gets
    /// `null` here.
    pub token: Option<String>,
}

/// Why a token is revoked.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "tablet lost on line 3"}))]
pub struct RevokeToken {
    /// Why (kept in the audit trail; up to 2,000 characters).
    #[schema(max_length = 2000)]
    pub reason: Option<String>,
}

/// Create an API token.
///
/// With `supplier_id` the token is bound to that supplier, for a factory's tablets and
/// staff: it sees and writes only that supplier's data and cannot record in-house
/// inspections. An unknown `supplier_id` is a 404 naming `supplier_id` (as every
/// unknown reference is); a `supplier_id` for an admin token is a 422 naming it.
#[utoipa::path(
    tag = "tokens",
    request_body = CreateToken,
    responses(
        (status = 201, description = "The token was created; `token` is shown only now", body = CreatedToken),
        (status = 400, response = responses::BadRequest),
        (status = 404, response = responses::NotFound),
        (status = 413, response = responses::PayloadTooLarge),
        (status = 415, response = responses::UnsupportedMediaType),
        (status = 422, response = responses::Unprocessable),
        (status = 503, response = responses::Unavailable),
    )
)]
#[post("/tokens")]
pub async fn create_token(
    state: web::Data<AppState>,
    caller: Caller,
    body: JsonBody<CreateToken>,
) -> Result<HttpResponse, ApiError> {
    let req = body.0;
    let new = NewToken {
        name: req.name,
        holder: req.holder,
        role: req.role,
        supplier_id: req.supplier_id,
    };
    // Refused before a connection is taken: a bad request gets its 422 even while the
    // database is down.
    new.check()?;
    let (token, secret) = db(&state, move |conn| {
        Ok(service::issue(conn, &caller.0, new)?)
    })
    .await?;
    let id = token.id;
    let view = TokenView::from(token);
    let replay = serde_json::to_vec(&CreatedToken {
        view: view.clone(),
        token: None,
    })
    .map_err(ApiError::internal)?;
    let mut res = HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/tokens/{id}")))
        .json(CreatedToken {
            view,
            token: Some(secret),
        });
    res.extensions_mut()
        .insert(super::idempotency::StoreInstead(replay.into()));
    Ok(res)
}

/// List API tokens (without their secrets).
#[utoipa::path(
    tag = "tokens",
    responses(
        (status = 200, description = "Every token, oldest first", body = Vec<TokenView>),
        (status = 503, response = responses::Unavailable),
    )
)]
#[get("/tokens")]
pub async fn list_tokens(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let tokens = db(&state, |conn| Ok(service::list(conn)?)).await?;
    Ok(HttpResponse::Ok().json(tokens.into_iter().map(TokenView::from).collect::<Vec<_>>()))
}

/// Revoke an API token; it fails on its next request.
#[utoipa::path(
    tag = "tokens",
    params(("token_id" = TokenId, Path, description = "Id of the token")),
    request_body = RevokeToken,
    responses(
        (status = 200, description = "The token is revoked", body = TokenView),
        (status = 400, response = responses::BadRequest),
        (status = 404, response = responses::NotFound),
        (status = 409, response = responses::Conflict),
        (status = 415, response = responses::UnsupportedMediaType),
        (status = 422, response = responses::Unprocessable),
        (status = 503, response = responses::Unavailable),
    )
)]
#[post("/tokens/{token_id}/revoke")]
pub async fn revoke_token(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<TokenId>,
    body: JsonBody<RevokeToken>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let reason = body.0.reason;
    service::check_reason(reason.as_deref())?;
    let token = db(&state, move |conn| {
        Ok(service::revoke(conn, &caller.0, id, reason.as_deref())?)
    })
    .await?;
    // Committed: forget cached tokens now rather than when the notification arrives, so
    // the revoked token fails on its next request to this server.
    state.tokens.forget_all();
    Ok(HttpResponse::Ok().json(TokenView::from(token)))
}
