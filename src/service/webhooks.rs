//! Webhooks: an admin registers endpoints for events, reads each endpoint's delivery
//! log and sends a delivery again. The use cases that change something announce it with
//! [`emit`], in their own transaction: the event is in the outbox exactly when the change
//! is committed. The deliverer ([`crate::webhooks`]) does the sending.

use chrono::{DateTime, Utc};
use diesel::PgConnection;
use serde::Serialize;

use super::{Checks, Found, ServiceError, audit};
use crate::auth::Principal;
use crate::db::After;
use crate::db::webhooks::{self as db, Attempt, Delivery, Event, Redelivery, Webhook};
use crate::domain::{
    DeliveryStatus, WebhookDeliveryId, WebhookEventId, WebhookEventType, WebhookId,
};

pub mod events;

/// Longest endpoint URL, in characters.
pub const URL_MAX: usize = 2000;
/// Longest description, in characters.
pub const DESCRIPTION_MAX: usize = 2000;
/// The prefix of a signing secret.
pub const SECRET_PREFIX: &str = "whsec_";

/// An endpoint to register.
#[derive(Debug, Clone)]
pub struct NewWebhook {
    /// Where events are posted: an `http://` or `https://` URL.
    pub url: String,
    /// The event types it receives; at least one, each once.
    pub events: Vec<WebhookEventType>,
    pub description: String,
    /// Whether deliveries are made to it now.
    pub active: bool,
}

impl NewWebhook {
    /// The rules of an endpoint's fields, without the database.
    pub fn check(&self) -> Result<(), ServiceError> {
        let mut checks = Checks::new();
        check_url(&mut checks, &self.url);
        check_events(&mut checks, &self.events);
        checks.optional_text("description", Some(&self.description), DESCRIPTION_MAX);
        checks.finish()
    }
}

fn check_url(checks: &mut Checks, url: &str) {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    let host = rest.map(|r| r.split(['/', '?', '#']).next().unwrap_or(""));
    if url.chars().count() > URL_MAX {
        checks.add("url", format!("must be at most {URL_MAX} characters"));
    } else if host.is_none_or(str::is_empty) {
        checks.add(
            "url",
            "must be an absolute http:// or https:// URL with a host, e.g. \
             https://qa.example.com/hooks/lotgate",
        );
    } else if url
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || c == '\u{feff}')
    {
        // The same characters as `\s` and the control characters of the schema's pattern.
        checks.add("url", "must not contain spaces or control characters");
    }
}

fn check_events(checks: &mut Checks, events: &[WebhookEventType]) {
    if events.is_empty() {
        checks.add("events", "must list at least one event type");
    }
    for (i, e) in events.iter().enumerate() {
        if events[..i].contains(e) {
            checks.add(
                format!("events[{i}]"),
                format!("{e} is listed more than once"),
            );
        }
    }
}

/// A new signing secret: `whsec_` and 32 random bytes in hex.
fn new_secret() -> Result<String, ServiceError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(ServiceError::internal)?;
    let mut secret = String::from(SECRET_PREFIX);
    for b in bytes {
        secret.push_str(&format!("{b:02x}"));
    }
    Ok(secret)
}

/// Registers an endpoint, with its audit row (never its secret). Returns it and its
/// signing secret, shown to the admin this once.
pub fn create(
    conn: &mut PgConnection,
    by: &Principal,
    new: NewWebhook,
) -> Result<(Webhook, String), ServiceError> {
    new.check()?;
    let secret = new_secret()?;
    let now = Utc::now();
    let webhook = conn.build_transaction().run(|conn| {
        let webhook = db::insert(
            conn,
            &db::NewWebhook {
                id: WebhookId::new_random(),
                url: &new.url,
                events: &new.events,
                description: new.description.trim(),
                secret: &secret,
                active: new.active,
                created_at: now,
                created_by: by.token_id,
                updated_at: now,
            },
        )?;
        audit::created(conn, by, "webhook", webhook.id, &webhook)?;
        Ok::<_, ServiceError>(webhook)
    })?;
    Ok((webhook, secret))
}

/// Every endpoint, oldest first (never their secrets).
pub fn list(conn: &mut PgConnection) -> Result<Vec<Webhook>, ServiceError> {
    Ok(db::list(conn)?)
}

pub fn get(conn: &mut PgConnection, id: WebhookId) -> Result<Webhook, ServiceError> {
    db::get(conn, id).or_not_found("webhook", id)
}

/// A change of an endpoint; what is `None` stays as it is.
#[derive(Debug, Clone, Default)]
pub struct WebhookUpdate {
    pub url: Option<String>,
    pub events: Option<Vec<WebhookEventType>>,
    pub description: Option<String>,
    /// `false` disables the endpoint: no delivery is made to it, and no new event is
    /// queued for it, until it is enabled again (its pending deliveries then resume).
    pub active: Option<bool>,
}

impl WebhookUpdate {
    /// The rules of the fields given, without the database.
    pub fn check(&self) -> Result<(), ServiceError> {
        let mut checks = Checks::new();
        if let Some(url) = &self.url {
            check_url(&mut checks, url);
        }
        if let Some(events) = &self.events {
            check_events(&mut checks, events);
        }
        checks.optional_text("description", self.description.as_deref(), DESCRIPTION_MAX);
        checks.finish()
    }
}

/// Changes an endpoint (its URL, events, description, or whether it is active), with
/// its audit row (before and after).
pub fn update(
    conn: &mut PgConnection,
    by: &Principal,
    id: WebhookId,
    change: WebhookUpdate,
) -> Result<Webhook, ServiceError> {
    change.check()?;
    conn.build_transaction().run(|conn| {
        let before = db::lock(conn, id).or_not_found("webhook", id)?;
        let url = change.url.as_deref().unwrap_or(&before.url);
        let events = change.events.as_deref().unwrap_or(&before.events);
        let description = change
            .description
            .as_deref()
            .map_or(before.description.as_str(), str::trim);
        let after = db::update(
            conn,
            id,
            &db::WebhookChange {
                url,
                events,
                description,
                active: change.active.unwrap_or(before.active),
                updated_at: Utc::now(),
            },
        )?;
        audit::updated(conn, by, "webhook", id, &before, &after)?;
        Ok(after)
    })
}

/// A delivery with its event and its attempts, oldest first.
#[derive(Debug, Clone)]
pub struct DeliveryRecord {
    pub delivery: Delivery,
    pub event: Event,
    pub attempts: Vec<Attempt>,
}

/// The deliveries of an endpoint, newest first, with their attempts: at most `limit`
/// after the cursor.
pub fn deliveries(
    conn: &mut PgConnection,
    id: WebhookId,
    status: Option<DeliveryStatus>,
    after: Option<After<DateTime<Utc>>>,
    limit: i64,
) -> Result<Vec<DeliveryRecord>, ServiceError> {
    db::get(conn, id).or_not_found("webhook", id)?;
    let rows = db::deliveries(conn, id, status, after, limit)?;
    let ids: Vec<WebhookDeliveryId> = rows.iter().map(|(d, _)| d.id).collect();
    let mut attempts = db::attempts_of(conn, &ids)?;
    Ok(rows
        .into_iter()
        .map(|(delivery, event)| {
            let (mine, rest): (Vec<Attempt>, Vec<Attempt>) = std::mem::take(&mut attempts)
                .into_iter()
                .partition(|a| a.delivery_id == delivery.id);
            attempts = rest;
            DeliveryRecord {
                delivery,
                event,
                attempts: mine,
            }
        })
        .collect())
}

/// Sends a delivery of the endpoint again, now: delivered, failed or still pending, it
/// becomes pending and due at once (its attempts so far stay in its log). Audited.
pub fn redeliver(
    conn: &mut PgConnection,
    by: &Principal,
    webhook: WebhookId,
    id: WebhookDeliveryId,
) -> Result<DeliveryRecord, ServiceError> {
    conn.build_transaction().run(|conn| {
        let before = db::lock_delivery(conn, id).or_not_found("webhook delivery", id)?;
        if before.webhook_id != webhook {
            return Err(ServiceError::not_found("webhook delivery", id));
        }
        let delivery = db::make_due(conn, id)?;
        let entry = audit::Entry {
            action: "redeliver",
            entity: "webhook_delivery",
            id: id.to_string(),
            old: None,
            reason: None,
        };
        let value = Redelivery {
            id,
            webhook_id: webhook,
            event_id: delivery.event_id,
        };
        audit::write(conn, by, entry, &value)?;
        let event = db::event(conn, delivery.event_id)?;
        let attempts = db::attempts_of(conn, &[id])?;
        Ok(DeliveryRecord {
            delivery,
            event,
            attempts,
        })
    })
}

/// Announces a change to the endpoints subscribed to its type: writes the event and
/// its deliveries into the outbox, in the caller's transaction (so it is there exactly
/// when the change commits). Writes nothing when no active endpoint subscribes.
pub(crate) fn emit(
    conn: &mut PgConnection,
    event_type: WebhookEventType,
    data: &impl Serialize,
) -> Result<(), ServiceError> {
    let data = serde_json::to_value(data).map_err(ServiceError::internal)?;
    db::emit(
        conn,
        WebhookEventId::new_random(),
        event_type,
        Utc::now(),
        &data,
    )?;
    Ok(())
}
