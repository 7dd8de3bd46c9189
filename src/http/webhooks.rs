//! Webhooks: admins register endpoints for events, read each endpoint's delivery log and
//! send a delivery again. The signing secret is shown once, in the answer to the
//! creation.

use actix_web::{HttpResponse, get, patch, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::access::Caller;
use super::error::{ApiError, responses};
use super::extract::{JsonBody, QueryParams};
use super::pagination::{Page, PageParams};
use super::{AppState, db};
use crate::db::webhooks::{Attempt, Webhook};
use crate::domain::{
    DeliveryStatus, TokenId, WebhookDeliveryId, WebhookEventId, WebhookEventType, WebhookId,
};
use crate::service::webhooks::{self as service, DeliveryRecord, NewWebhook, WebhookUpdate};

/// An endpoint to register.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"url": "https://qa.example.com/hooks/lotgate", "events": ["lot.decided", "ncr.opened"], "description": "QA dashboard"}))]
pub struct CreateWebhook {
    /// Where events are posted (`POST`, JSON): an absolute `http://` or `https://` URL.
    #[schema(
        min_length = 8,
        max_length = 2000,
        pattern = r"^https?://[^/?#\s\x00-\x1f\x7f-\x9f]+[^\s\x00-\x1f\x7f-\x9f]*$"
    )]
    pub url: String,
    /// The event types it receives: at least one, each once.
    #[schema(min_items = 1)]
    pub events: Vec<WebhookEventType>,
    /// What the endpoint is for (up to 2,000 characters).
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub description: Option<String>,
    /// Whether deliveries are made to it (default `true`).
    #[serde(default)]
    pub active: Option<bool>,
}

/// A change of an endpoint; what is left out stays as it is.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"active": false}))]
pub struct UpdateWebhook {
    /// A new URL.
    #[schema(
        min_length = 8,
        max_length = 2000,
        pattern = r"^https?://[^/?#\s\x00-\x1f\x7f-\x9f]+[^\s\x00-\x1f\x7f-\x9f]*$"
    )]
    pub url: Option<String>,
    /// The new list of event types (replaces the old one).
    #[schema(min_items = 1)]
    pub events: Option<Vec<WebhookEventType>>,
    /// A new description.
    #[schema(max_length = 2000)]
    pub description: Option<String>,
    /// `false` disables the endpoint: nothing is delivered to it, and no new event is
    /// queued for it, until it is enabled again; its pending deliveries then resume.
    pub active: Option<bool>,
}

/// An endpoint, without its secret.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"id": "6a1f3c2e-9b4d-4e8a-a1c7-3d5e9f0b2c41",
    "url": "https://qa.example.com/hooks/lotgate", "events": ["lot.decided", "ncr.opened"],
    "description": "QA dashboard", "active": true, "created_at": "2026-12-03T08:00:00Z",
    "created_by": "0b7e9a52-3c1d-4f6e-8a2b-5c4d3e2f1a09", "updated_at": "2026-12-03T08:00:00Z"}))]
pub struct WebhookView {
    /// Id of the endpoint.
    pub id: WebhookId,
    /// Where events are posted.
    pub url: String,
    /// The event types it receives.
    pub events: Vec<WebhookEventType>,
    /// What it is for.
    pub description: String,
    /// Whether deliveries are made to it.
    pub active: bool,
    /// When it was registered.
    pub created_at: DateTime<Utc>,
    /// The token that registered it; `null` from the command line.
    pub created_by: Option<TokenId>,
    /// When it was last changed.
    pub updated_at: DateTime<Utc>,
}

impl From<Webhook> for WebhookView {
    fn from(w: Webhook) -> Self {
        WebhookView {
            id: w.id,
            url: w.url,
            events: w.events,
            description: w.description,
            active: w.active,
            created_at: w.created_at,
            created_by: w.created_by,
            updated_at: w.updated_at,
        }
    }
}

/// A new endpoint, with its signing secret shown this once.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "6a1f3c2e-9b4d-4e8a-a1c7-3d5e9f0b2c41",
    "url": "https://qa.example.com/hooks/lotgate", "events": ["lot.decided", "ncr.opened"],
    "description": "QA dashboard", "active": true, "created_at": "2026-12-03T08:00:00Z",
    "created_by": "0b7e9a52-3c1d-4f6e-8a2b-5c4d3e2f1a09", "updated_at": "2026-12-03T08:00:00Z",
    "secret": "whsec_5f2c9e1a7b3d4c6e8f0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6a"}))]
pub struct CreatedWebhook {
    #[serde(flatten)]
    pub view: WebhookView,
    /// The key of the `Lotgate-Signature` header of every delivery:
    /// `sha256=` HMAC-SHA256(secret, `Lotgate-Timestamp` + "." + body), in hex. Shown
    /// only in this answer; store it now. A replay of this request under the same
    /// `Idempotency-Key` gets `null` here.
    pub secret: Option<String>,
}

/// An event as posted to endpoints: the body of every delivery of it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WebhookEventView {
    /// Id of the event (header `Lotgate-Event-Id`): the same in every attempt and for
    /// every endpoint, so a receiver can drop a duplicate.
    pub id: WebhookEventId,
    /// Its type (header `Lotgate-Event-Type`).
    #[serde(rename = "type")]
    pub event_type: WebhookEventType,
    /// When the change happened.
    pub created_at: DateTime<Utc>,
    /// What changed: the ids of the records concerned and a few facts (see the README,
    /// "Webhooks").
    pub data: serde_json::Value,
}

/// One attempt of a delivery.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DeliveryAttemptView {
    /// Its number, from 1.
    pub attempt: i32,
    /// When it started.
    pub started_at: DateTime<Utc>,
    /// How long it took, in milliseconds.
    pub duration_ms: i32,
    /// The HTTP status the endpoint answered; `null` when it did not answer.
    pub status_code: Option<i32>,
    /// Why it failed without an answer (connection refused, timeout...); `null` when
    /// the endpoint answered.
    pub error: Option<String>,
}

impl From<Attempt> for DeliveryAttemptView {
    fn from(a: Attempt) -> Self {
        DeliveryAttemptView {
            attempt: a.attempt,
            started_at: a.started_at,
            duration_ms: a.duration_ms,
            status_code: a.status_code,
            error: a.error,
        }
    }
}

/// The delivery of one event to one endpoint, with its log.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"id": "9c3e5a7b-1d2f-4a6c-8e0b-2f4a6c8e0b1d",
    "webhook_id": "6a1f3c2e-9b4d-4e8a-a1c7-3d5e9f0b2c41",
    "event": {"id": "4d6f8a0c-2e4a-4c6e-8a0c-2e4a6c8e0a2c", "type": "lot.decided",
        "created_at": "2026-12-03T09:30:00Z",
        "data": {"lot_id": "3f1c2b4a-5d6e-4f70-8a9b-0c1d2e3f4a5b", "verdict": "accept"}},
    "status": "delivered", "attempts": 2, "next_attempt_at": null,
    "created_at": "2026-12-03T09:30:00Z", "delivered_at": "2026-12-03T09:30:31Z",
    "log": [
        {"attempt": 1, "started_at": "2026-12-03T09:30:00Z", "duration_ms": 12, "status_code": 503, "error": null},
        {"attempt": 2, "started_at": "2026-12-03T09:30:31Z", "duration_ms": 9, "status_code": 200, "error": null}]}))]
pub struct WebhookDeliveryView {
    /// Id of the delivery (header `Lotgate-Delivery-Id`).
    pub id: WebhookDeliveryId,
    /// The endpoint.
    pub webhook_id: WebhookId,
    /// The event, as posted.
    pub event: WebhookEventView,
    /// Where it stands.
    pub status: DeliveryStatus,
    /// Attempts made (or under way).
    pub attempts: i32,
    /// When it is next tried; `null` once delivered or failed.
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// When it was queued.
    pub created_at: DateTime<Utc>,
    /// When the endpoint answered 2xx.
    pub delivered_at: Option<DateTime<Utc>>,
    /// Every attempt logged, oldest first.
    pub log: Vec<DeliveryAttemptView>,
}

impl From<DeliveryRecord> for WebhookDeliveryView {
    fn from(r: DeliveryRecord) -> Self {
        let d = r.delivery;
        WebhookDeliveryView {
            id: d.id,
            webhook_id: d.webhook_id,
            event: WebhookEventView {
                id: r.event.id,
                event_type: r.event.event_type,
                created_at: r.event.occurred_at,
                data: r.event.data,
            },
            status: d.status,
            attempts: d.attempts,
            next_attempt_at: d.next_attempt_at,
            created_at: d.created_at,
            delivered_at: d.delivered_at,
            log: r.attempts.into_iter().map(Into::into).collect(),
        }
    }
}

/// Register a webhook endpoint.
///
/// Events of the listed types are posted to `url` as JSON (`id`, `type`, `created_at`,
/// `data`) with the headers `Lotgate-Event-Id`, `Lotgate-Event-Type`,
/// `Lotgate-Delivery-Id`, `Lotgate-Timestamp` (Unix seconds) and `Lotgate-Signature`
/// (`sha256=` HMAC-SHA256 of timestamp "." body, keyed with `secret`). An answer other
/// than 2xx, or none within 10 s, is retried with exponential backoff and jitter
/// (30 s doubling up to 6 h) for 3 days. Delivery is at least once: drop duplicates by
/// event id.
#[utoipa::path(
    tag = "webhooks",
    request_body = CreateWebhook,
    responses(
        (status = 201, description = "The endpoint is registered; `secret` is shown only now", body = CreatedWebhook),
        (status = 400, response = responses::BadRequest),
        (status = 413, response = responses::PayloadTooLarge),
        (status = 415, response = responses::UnsupportedMediaType),
        (status = 422, response = responses::Unprocessable),
        (status = 503, response = responses::Unavailable),
    )
)]
#[post("/webhooks")]
pub async fn create_webhook(
    state: web::Data<AppState>,
    caller: Caller,
    body: JsonBody<CreateWebhook>,
) -> Result<HttpResponse, ApiError> {
    let req = body.0;
    let new = NewWebhook {
        url: req.url,
        events: req.events,
        description: req.description.unwrap_or_default(),
        active: req.active.unwrap_or(true),
    };
    new.check()?;
    let (webhook, secret) = db(&state, move |conn| {
        Ok(service::create(conn, &caller.0, new)?)
    })
    .await?;
    let id = webhook.id;
    let view = WebhookView::from(webhook);
    let replay = serde_json::to_vec(&CreatedWebhook {
        view: view.clone(),
        secret: None,
    })
    .map_err(ApiError::internal)?;
    let mut res = HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/webhooks/{id}")))
        .json(CreatedWebhook {
            view,
            secret: Some(secret),
        });
    res.extensions_mut()
        .insert(super::idempotency::StoreInstead(replay.into()));
    Ok(res)
}

/// List webhook endpoints (without their secrets).
#[utoipa::path(
    tag = "webhooks",
    responses(
        (status = 200, description = "Every endpoint, oldest first", body = Vec<WebhookView>),
        (status = 503, response = responses::Unavailable),
    )
)]
#[get("/webhooks")]
pub async fn list_webhooks(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let all = db(&state, |conn| Ok(service::list(conn)?)).await?;
    Ok(HttpResponse::Ok().json(all.into_iter().map(WebhookView::from).collect::<Vec<_>>()))
}

/// Get a webhook endpoint (without its secret).
#[utoipa::path(
    tag = "webhooks",
    params(("webhook_id" = WebhookId, Path, description = "Id of the endpoint")),
    responses(
        (status = 200, description = "The endpoint", body = WebhookView),
        (status = 404, response = responses::NotFound),
        (status = 503, response = responses::Unavailable),
    )
)]
#[get("/webhooks/{webhook_id}")]
pub async fn get_webhook(
    state: web::Data<AppState>,
    path: web::Path<WebhookId>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let webhook = db(&state, move |conn| Ok(service::get(conn, id)?)).await?;
    Ok(HttpResponse::Ok().json(WebhookView::from(webhook)))
}

/// Change a webhook endpoint: its URL, events or description, or disable it.
///
/// `"active": false` disables it: nothing is delivered to it and no new event is queued
/// for it until `"active": true`; its pending deliveries then resume.
#[utoipa::path(
    tag = "webhooks",
    params(("webhook_id" = WebhookId, Path, description = "Id of the endpoint")),
    request_body = UpdateWebhook,
    responses(
        (status = 200, description = "The changed endpoint", body = WebhookView),
        (status = 400, response = responses::BadRequest),
        (status = 404, response = responses::NotFound),
        (status = 413, response = responses::PayloadTooLarge),
        (status = 415, response = responses::UnsupportedMediaType),
        (status = 422, response = responses::Unprocessable),
        (status = 503, response = responses::Unavailable),
    )
)]
#[patch("/webhooks/{webhook_id}")]
pub async fn update_webhook(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<WebhookId>,
    body: JsonBody<UpdateWebhook>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let req = body.0;
    let change = WebhookUpdate {
        url: req.url,
        events: req.events,
        description: req.description,
        active: req.active,
    };
    change.check()?;
    let webhook = db(&state, move |conn| {
        Ok(service::update(conn, &caller.0, id, change)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(WebhookView::from(webhook)))
}

/// Filters and page of `list_webhook_deliveries`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListDeliveriesQuery {
    /// Only deliveries `pending`, `delivered` or `failed`.
    pub status: Option<DeliveryStatus>,
    /// How many deliveries to return, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page; omit for the first page.
    pub cursor: Option<String>,
}

/// List the deliveries of a webhook endpoint, newest first, each with its log.
///
/// The log has one entry per attempt: when, how long, the status answered or the error.
#[utoipa::path(
    tag = "webhooks",
    params(
        ("webhook_id" = WebhookId, Path, description = "Id of the endpoint"),
        ListDeliveriesQuery,
    ),
    responses(
        (status = 200, description = "One page of deliveries", body = Page<WebhookDeliveryView>),
        (status = 404, response = responses::NotFound),
        (status = 422, response = responses::Unprocessable),
        (status = 503, response = responses::Unavailable),
    )
)]
#[get("/webhooks/{webhook_id}/deliveries")]
pub async fn list_webhook_deliveries(
    state: web::Data<AppState>,
    path: web::Path<WebhookId>,
    query: QueryParams<ListDeliveriesQuery>,
) -> Result<web::Json<Page<WebhookDeliveryView>>, ApiError> {
    let id = path.into_inner();
    let q = query.0;
    let page = PageParams {
        limit: q.limit,
        cursor: q.cursor,
    };
    let (limit, after) = (page.limit()?, page.after()?);
    let status = q.status;
    let rows = db(&state, move |conn| {
        Ok(service::deliveries(conn, id, status, after, limit + 1)?)
    })
    .await?;
    Ok(web::Json(Page::from_rows(
        rows,
        limit,
        |r| (r.delivery.created_at, r.delivery.id.0),
        WebhookDeliveryView::from,
    )))
}

/// Send a webhook delivery again, now.
///
/// Delivered, failed or pending, the delivery becomes pending and due at once, with the
/// same event id; its earlier attempts stay in its log.
#[utoipa::path(
    tag = "webhooks",
    params(
        ("webhook_id" = WebhookId, Path, description = "Id of the endpoint"),
        ("delivery_id" = WebhookDeliveryId, Path, description = "Id of the delivery"),
    ),
    responses(
        (status = 202, description = "The delivery is queued to be sent now", body = WebhookDeliveryView),
        (status = 404, response = responses::NotFound),
        (status = 422, response = responses::Unprocessable),
        (status = 503, response = responses::Unavailable),
    )
)]
#[post("/webhooks/{webhook_id}/deliveries/{delivery_id}/redelivery")]
pub async fn redeliver_webhook_delivery(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(WebhookId, WebhookDeliveryId)>,
) -> Result<HttpResponse, ApiError> {
    let (webhook, delivery) = path.into_inner();
    let record = db(&state, move |conn| {
        Ok(service::redeliver(conn, &caller.0, webhook, delivery)?)
    })
    .await?;
    Ok(HttpResponse::Accepted().json(WebhookDeliveryView::from(record)))
}
