//! A supplier's source policy: whose results decide a characteristic that both the
//! factory's own QC and the in-house inspection recorded, with its history.

use actix_web::{get, put, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::access::Caller;
use super::error::{ApiError, responses};
use super::extract::JsonBody;
use super::{AppState, db};
use crate::db::source_policies::SourcePolicyRow;
use crate::domain::{SourcePolicy, SupplierId};
use crate::service::source_policies::{self as service, SourcePolicyReport};

/// A new source policy for a supplier.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"policy": "factory_results_decide",
    "reason": "Twelve months of factory reports matched our in-house results (audit 2026-11)."}))]
pub struct SetSourcePolicy {
    /// `in_house_decides` (the default) or `factory_results_decide`.
    pub policy: SourcePolicy,
    /// Why the policy is set (1-1000 characters); kept in the history and the audit trail.
    #[schema(
        min_length = 1,
        max_length = 1000,
        pattern = r"[^\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
    )]
    pub reason: String,
}

/// One policy set for a supplier.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"policy": "factory_results_decide",
    "reason": "Twelve months of factory reports matched our in-house results (audit 2026-11).",
    "set_by": "Mei (reviewer)", "set_at": "2026-12-01T09:30:00Z"}))]
pub struct SourcePolicyEntry {
    /// The policy set.
    pub policy: SourcePolicy,
    /// Why it was set.
    pub reason: String,
    /// Who set it: the actor as the audit trail names it (the token's name).
    pub set_by: String,
    /// When it was set (RFC 3339, UTC).
    pub set_at: DateTime<Utc>,
}

impl From<SourcePolicyRow> for SourcePolicyEntry {
    fn from(r: SourcePolicyRow) -> Self {
        SourcePolicyEntry {
            policy: r.policy,
            reason: r.reason,
            set_by: r.set_by,
            set_at: r.set_at,
        }
    }
}

/// A supplier's source policy in force, and every policy set for it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"supplier_id": "7c8d9e0f-1a2b-4c3d-8e4f-5a6b7c8d9e0f",
    "policy": "factory_results_decide", "since": "2026-12-01T09:30:00Z",
    "set_by": "Mei (reviewer)",
    "reason": "Twelve months of factory reports matched our in-house results (audit 2026-11).",
    "history": [{"policy": "factory_results_decide",
        "reason": "Twelve months of factory reports matched our in-house results (audit 2026-11).",
        "set_by": "Mei (reviewer)", "set_at": "2026-12-01T09:30:00Z"},
        {"policy": "in_house_decides", "reason": "New supplier: in-house inspection decides.",
        "set_by": "Mei (reviewer)", "set_at": "2026-06-01T08:00:00Z"}]}))]
pub struct SourcePolicyView {
    /// The supplier.
    pub supplier_id: SupplierId,
    /// The policy in force: `in_house_decides` (the in-house inspection decides a
    /// characteristic both sources recorded; the default) or `factory_results_decide`
    /// (the factory's own results decide it).
    pub policy: SourcePolicy,
    /// When the policy in force was set; null while the default applies (never set).
    pub since: Option<DateTime<Utc>>,
    /// Who set the policy in force; null for the default.
    pub set_by: Option<String>,
    /// Why the policy in force was set; null for the default.
    pub reason: Option<String>,
    /// Every policy set for the supplier, newest first; empty while the default applies.
    pub history: Vec<SourcePolicyEntry>,
}

impl From<SourcePolicyReport> for SourcePolicyView {
    fn from(r: SourcePolicyReport) -> Self {
        let current = r.current().cloned();
        SourcePolicyView {
            supplier_id: r.supplier_id,
            policy: r.policy,
            since: current.as_ref().map(|c| c.set_at),
            set_by: current.as_ref().map(|c| c.set_by.clone()),
            reason: current.map(|c| c.reason),
            history: r.history.into_iter().map(SourcePolicyEntry::from).collect(),
        }
    }
}

/// Read a supplier's source policy (whose results decide when the factory and in-house inspections both recorded a characteristic) and its history.
///
/// A supplier never given a policy has the default, `in_house_decides`, with an empty
/// history. A token bound to a supplier reads only its own supplier's; another supplier
/// is answered 404.
#[utoipa::path(
    tag = "suppliers",
    params(("supplier_id" = SupplierId, Path, description = "Id of the supplier")),
    responses(
        (status = 200, description = "The policy in force and its history", body = SourcePolicyView),
        (status = 404, response = responses::NotFound),
        (status = 422, response = responses::Unprocessable),
        (status = 503, response = responses::Unavailable),
    )
)]
#[get("/suppliers/{supplier_id}/source-policy")]
pub async fn get_supplier_source_policy(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<SupplierId>,
) -> Result<web::Json<SourcePolicyView>, ApiError> {
    let supplier = path.into_inner();
    let report = db(&state, move |conn| {
        Ok(service::get(conn, &caller.0, supplier)?)
    })
    .await?;
    Ok(web::Json(report.into()))
}

/// Set a supplier's source policy, with the reason; audited and kept in its history.
///
/// `factory_results_decide` makes the factory's own original inspection of a
/// characteristic decide it when the in-house inspection recorded it too (and its latest
/// full inspection count before the in-house one); `in_house_decides`, the default, the
/// other way round. The two sources are never pooled. The policy applies to decisions
/// made from now on, and each decision records the policy it used: a decision already
/// made is not reopened and its verdict is not overturned; decide the lot again to apply
/// the new policy to it. Two changes of the same supplier's policy at the same moment:
/// the second is refused with 409 (read the policy and set it again).
#[utoipa::path(
    tag = "suppliers",
    params(("supplier_id" = SupplierId, Path, description = "Id of the supplier")),
    request_body = SetSourcePolicy,
    responses(
        (status = 200, description = "The policy was set; the policy in force and its history", body = SourcePolicyView),
        (status = 400, response = responses::BadRequest),
        (status = 404, response = responses::NotFound),
        (status = 409, response = responses::Conflict),
        (status = 413, response = responses::PayloadTooLarge),
        (status = 415, response = responses::UnsupportedMediaType),
        (status = 422, response = responses::Unprocessable),
        (status = 503, response = responses::Unavailable),
    )
)]
#[put("/suppliers/{supplier_id}/source-policy")]
pub async fn set_supplier_source_policy(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<SupplierId>,
    body: JsonBody<SetSourcePolicy>,
) -> Result<web::Json<SourcePolicyView>, ApiError> {
    let (supplier, req) = (path.into_inner(), body.0);
    let report = db(&state, move |conn| {
        Ok(service::set(
            conn,
            &caller.0,
            supplier,
            req.policy,
            &req.reason,
        )?)
    })
    .await?;
    Ok(web::Json(report.into()))
}
