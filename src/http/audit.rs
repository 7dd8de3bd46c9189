//! The audit trail, read by reviewers: who changed what, when, from what to what, and
//! why. Rows are hash-chained; `lotgate audit verify` checks the chain.

use actix_web::{get, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::error::{ApiError, responses};
use super::extract::QueryParams;
use super::pagination::{Page, PageParams};
use super::{AppState, dates, db};
use crate::audit::hex;
use crate::db::audit::{Event, Filter};
use crate::domain::{SupplierId, TokenId};
use crate::service::audit;

/// One change, as recorded in the same transaction as the change itself.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"seq": 41, "at": "2026-11-20T09:15:02Z", "token_id": "18c130ad-951d-4fce-8688-d00d7d2247a4", "actor": "Line 3 tablet", "role": "inspector", "token_supplier_id": null, "action": "create", "entity": "supplier", "entity_id": "e9c16068-68ea-5c93-a650-32fe46a5c550", "old_value": null, "new_value": {"code": "DPM", "name": "Dongguan Precision Moulding"}, "reason": null, "sha256": "2cd21725f917bab9fcf4cc1bdc1eb08e2fcff8458bd14d0e07b1eeabf88fb41c"}))]
pub struct AuditEventView {
    /// Position in the chain, from 1, without gaps.
    pub seq: i64,
    /// When the change was written (RFC 3339, UTC, microseconds).
    pub at: DateTime<Utc>,
    /// The token that made the change; `null` for the server's command line.
    pub token_id: Option<TokenId>,
    /// Who: the token's name, or the command that ran.
    pub actor: String,
    /// The token's role at the time; `null` for the command line.
    pub role: Option<String>,
    /// The supplier the token is bound to (a binding never changes); `null` for a
    /// token that is not bound and for the command line. Read from the token, not part
    /// of the hashed row.
    pub token_supplier_id: Option<SupplierId>,
    /// What was done: `create`, `update`, `record`, `correct`, `decide`, `approve`,
    /// `retire`, `revoke`, ...
    pub action: String,
    /// The kind of entity: `part`, `characteristic`, `supplier`, `lot`, `inspection`,
    /// `decision`, `golden_sample`, `token`, ...
    pub entity: String,
    /// Id of the entity.
    pub entity_id: String,
    /// The entity before the change; `null` for a creation.
    #[schema(value_type = Option<Object>)]
    pub old_value: Option<serde_json::Value>,
    /// The entity after the change.
    #[schema(value_type = Option<Object>)]
    pub new_value: Option<serde_json::Value>,
    /// The reason given, where the operation takes one.
    pub reason: Option<String>,
    /// SHA-256 (hex) of the previous row's hash and this row's canonical text.
    pub sha256: String,
}

impl From<Event> for AuditEventView {
    fn from(e: Event) -> Self {
        AuditEventView {
            seq: e.seq,
            at: e.at,
            token_id: e.token_id,
            actor: e.actor,
            role: e.role,
            token_supplier_id: e.token_supplier_id,
            action: e.action,
            entity: e.entity,
            entity_id: e.entity_id,
            old_value: e.old_value,
            new_value: e.new_value,
            reason: e.reason,
            sha256: hex(&e.sha256),
        }
    }
}

/// Filters and page of `list_audit_events`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListAuditQuery {
    /// Only changes of this kind of entity (e.g. `part`, `inspection`).
    pub entity: Option<String>,
    /// Only changes of the entity with this id.
    pub entity_id: Option<String>,
    /// Only changes made with this token.
    pub token_id: Option<TokenId>,
    /// Only this action (e.g. `approve`).
    pub action: Option<String>,
    /// Only changes at or after this time (RFC 3339).
    #[serde(default, deserialize_with = "dates::optional_timestamp")]
    pub from: Option<DateTime<Utc>>,
    /// Only changes before this time (RFC 3339).
    #[serde(default, deserialize_with = "dates::optional_timestamp")]
    pub to: Option<DateTime<Utc>>,
    /// How many rows to return, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page; omit for the first page.
    pub cursor: Option<String>,
}

/// Read the audit trail, oldest first, with filters.
#[utoipa::path(
    tag = "audit",
    params(ListAuditQuery),
    responses(
        (status = 200, description = "One page of audit rows", body = Page<AuditEventView>),
        (status = 422, response = responses::Unprocessable),
        (status = 503, response = responses::Unavailable),
    )
)]
#[get("/audit")]
pub async fn list_audit_events(
    state: web::Data<AppState>,
    query: QueryParams<ListAuditQuery>,
) -> Result<web::Json<Page<AuditEventView>>, ApiError> {
    let q = query.0;
    let page = PageParams {
        limit: q.limit,
        cursor: q.cursor,
    };
    let (limit, after) = (page.limit()?, page.after::<i64>()?);
    let filter = Filter {
        entity: q.entity,
        entity_id: q.entity_id,
        token_id: q.token_id,
        action: q.action,
        from: q.from,
        to: q.to,
    };
    // Refused before a connection is taken, as every bad request is.
    audit::check_filter(&filter)?;
    let after = after.map(|a| a.key);
    let rows = db(&state, move |conn| {
        Ok(audit::list(conn, &filter, after, limit + 1)?)
    })
    .await?;
    Ok(web::Json(Page::from_rows(
        rows,
        limit,
        |e| (e.seq, uuid::Uuid::nil()),
        AuditEventView::from,
    )))
}
