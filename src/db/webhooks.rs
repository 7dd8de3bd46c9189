//! Webhooks: the endpoints, the outbox of events, the deliveries (one per endpoint and
//! event) and the log of their attempts.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Double, Int4, Jsonb, Nullable, Text, Timestamptz, Uuid as SqlUuid};

use super::After;
use super::schema::{webhook_deliveries, webhook_delivery_attempts, webhook_events, webhooks};
use crate::domain::{
    DeliveryStatus, TokenId, WebhookDeliveryId, WebhookEventId, WebhookEventType, WebhookId,
};

/// The channel a delivery that became due is announced on (trigger
/// `webhook_delivery_due`).
pub const DUE_CHANNEL: &str = "lotgate_webhooks";

/// An endpoint as stored, without its secret; also its value in the audit trail.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = webhooks, check_for_backend(diesel::pg::Pg))]
pub struct Webhook {
    pub id: WebhookId,
    pub url: String,
    pub events: Vec<WebhookEventType>,
    pub description: String,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub created_by: Option<TokenId>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = webhooks)]
pub struct NewWebhook<'a> {
    pub id: WebhookId,
    pub url: &'a str,
    pub events: &'a [WebhookEventType],
    pub description: &'a str,
    pub secret: &'a str,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub created_by: Option<TokenId>,
    pub updated_at: DateTime<Utc>,
}

/// What an update changes.
#[derive(Debug, AsChangeset)]
#[diesel(table_name = webhooks)]
pub struct WebhookChange<'a> {
    pub url: &'a str,
    pub events: &'a [WebhookEventType],
    pub description: &'a str,
    pub active: bool,
    pub updated_at: DateTime<Utc>,
}

pub fn insert(conn: &mut PgConnection, new: &NewWebhook<'_>) -> QueryResult<Webhook> {
    diesel::insert_into(webhooks::table)
        .values(new)
        .returning(Webhook::as_returning())
        .get_result(conn)
}

pub fn get(conn: &mut PgConnection, id: WebhookId) -> QueryResult<Webhook> {
    webhooks::table
        .find(id)
        .select(Webhook::as_select())
        .first(conn)
}

/// The endpoint, its row locked until the transaction ends.
pub fn lock(conn: &mut PgConnection, id: WebhookId) -> QueryResult<Webhook> {
    webhooks::table
        .find(id)
        .select(Webhook::as_select())
        .for_update()
        .first(conn)
}

/// Every endpoint, oldest first.
pub fn list(conn: &mut PgConnection) -> QueryResult<Vec<Webhook>> {
    webhooks::table
        .select(Webhook::as_select())
        .order((webhooks::created_at, webhooks::id))
        .load(conn)
}

pub fn update(
    conn: &mut PgConnection,
    id: WebhookId,
    change: &WebhookChange<'_>,
) -> QueryResult<Webhook> {
    diesel::update(webhooks::table.find(id))
        .set(change)
        .returning(Webhook::as_returning())
        .get_result(conn)
}

/// Writes an event into the outbox with one delivery, due now, per active endpoint that
/// subscribes to its type, in one statement; nothing when no endpoint subscribes. Run
/// in the transaction of the change the event announces. The number of deliveries.
pub fn emit(
    conn: &mut PgConnection,
    id: WebhookEventId,
    event_type: WebhookEventType,
    occurred_at: DateTime<Utc>,
    data: &serde_json::Value,
) -> QueryResult<usize> {
    diesel::sql_query(
        "WITH targets AS ( \
             SELECT id FROM webhooks WHERE active AND $2 = ANY (events)), \
         event AS ( \
             INSERT INTO webhook_events (id, event_type, occurred_at, data) \
             SELECT $1, $2, $3, $4 WHERE EXISTS (SELECT 1 FROM targets) \
             RETURNING id) \
         INSERT INTO webhook_deliveries \
             (id, webhook_id, event_id, status, attempts, next_attempt_at, created_at) \
         SELECT gen_random_uuid(), t.id, e.id, 'pending', 0, now(), now() \
         FROM event e CROSS JOIN targets t",
    )
    .bind::<SqlUuid, _>(id.0)
    .bind::<Text, _>(event_type.as_str())
    .bind::<Timestamptz, _>(occurred_at)
    .bind::<Jsonb, _>(data)
    .execute(conn)
}

/// A delivery as stored.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = webhook_deliveries, check_for_backend(diesel::pg::Pg))]
pub struct Delivery {
    pub id: WebhookDeliveryId,
    pub webhook_id: WebhookId,
    pub event_id: WebhookEventId,
    pub status: DeliveryStatus,
    pub attempts: i32,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
}

/// What the audit trail keeps of a redelivery: the delivery sent again.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = webhook_deliveries, check_for_backend(diesel::pg::Pg))]
pub struct Redelivery {
    pub id: WebhookDeliveryId,
    pub webhook_id: WebhookId,
    pub event_id: WebhookEventId,
}

/// An event of the outbox.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = webhook_events, check_for_backend(diesel::pg::Pg))]
pub struct Event {
    pub id: WebhookEventId,
    pub event_type: WebhookEventType,
    pub occurred_at: DateTime<Utc>,
    pub data: serde_json::Value,
}

/// One attempt of a delivery, as logged.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = webhook_delivery_attempts, check_for_backend(diesel::pg::Pg))]
pub struct Attempt {
    pub delivery_id: WebhookDeliveryId,
    pub attempt: i32,
    pub started_at: DateTime<Utc>,
    pub duration_ms: i32,
    pub status_code: Option<i32>,
    pub error: Option<String>,
}

/// The deliveries of an endpoint, newest first, after the cursor, at most `limit`, with
/// their events.
pub fn deliveries(
    conn: &mut PgConnection,
    webhook: WebhookId,
    status: Option<DeliveryStatus>,
    after: Option<After<DateTime<Utc>>>,
    limit: i64,
) -> QueryResult<Vec<(Delivery, Event)>> {
    let mut query = webhook_deliveries::table
        .inner_join(webhook_events::table)
        .filter(webhook_deliveries::webhook_id.eq(webhook))
        .select((Delivery::as_select(), Event::as_select()))
        .order((
            webhook_deliveries::created_at.desc(),
            webhook_deliveries::id.desc(),
        ))
        .limit(limit)
        .into_boxed();
    if let Some(status) = status {
        query = query.filter(webhook_deliveries::status.eq(status));
    }
    if let Some(After { key, id }) = after {
        query = query.filter(
            webhook_deliveries::created_at
                .lt(key)
                .or(webhook_deliveries::created_at
                    .eq(key)
                    .and(webhook_deliveries::id.lt(id))),
        );
    }
    query.load(conn)
}

/// The attempts of these deliveries, oldest first.
pub fn attempts_of(
    conn: &mut PgConnection,
    ids: &[WebhookDeliveryId],
) -> QueryResult<Vec<Attempt>> {
    webhook_delivery_attempts::table
        .filter(webhook_delivery_attempts::delivery_id.eq_any(ids))
        .select(Attempt::as_select())
        .order((
            webhook_delivery_attempts::delivery_id,
            webhook_delivery_attempts::attempt,
        ))
        .load(conn)
}

/// The delivery, its row locked until the transaction ends.
pub fn lock_delivery(conn: &mut PgConnection, id: WebhookDeliveryId) -> QueryResult<Delivery> {
    webhook_deliveries::table
        .find(id)
        .select(Delivery::as_select())
        .for_update()
        .first(conn)
}

pub fn event(conn: &mut PgConnection, id: WebhookEventId) -> QueryResult<Event> {
    webhook_events::table
        .find(id)
        .select(Event::as_select())
        .first(conn)
}

/// Makes a delivery pending and due now, whatever it was (the trigger wakes the
/// deliverers at commit).
pub fn make_due(conn: &mut PgConnection, id: WebhookDeliveryId) -> QueryResult<Delivery> {
    diesel::update(webhook_deliveries::table.find(id))
        .set((
            webhook_deliveries::status.eq(DeliveryStatus::Pending),
            webhook_deliveries::next_attempt_at
                .eq(diesel::dsl::sql::<Nullable<Timestamptz>>("now()")),
            webhook_deliveries::delivered_at.eq(None::<DateTime<Utc>>),
        ))
        .returning(Delivery::as_returning())
        .get_result(conn)
}

/// A delivery claimed for one attempt, with what it takes to send it.
#[derive(Debug, Clone, QueryableByName)]
pub struct Claimed {
    #[diesel(sql_type = SqlUuid)]
    pub id: uuid::Uuid,
    /// The number of this attempt, from 1.
    #[diesel(sql_type = Int4)]
    pub attempt: i32,
    #[diesel(sql_type = Timestamptz)]
    pub created_at: DateTime<Utc>,
    #[diesel(sql_type = Text)]
    pub url: String,
    #[diesel(sql_type = Text)]
    pub secret: String,
    #[diesel(sql_type = SqlUuid)]
    pub event_id: uuid::Uuid,
    #[diesel(sql_type = Text)]
    pub event_type: String,
    #[diesel(sql_type = Timestamptz)]
    pub occurred_at: DateTime<Utc>,
    #[diesel(sql_type = Jsonb)]
    pub data: serde_json::Value,
}

/// Claims the delivery due longest, of an active endpoint, that no other deliverer holds
/// (`FOR UPDATE SKIP LOCKED`): counts the attempt and moves `next_attempt_at` past the
/// lease, so that a deliverer that dies mid-attempt leaves it to be tried again then.
/// Commits on its own (no transaction is held during the attempt).
pub fn claim(conn: &mut PgConnection, lease_seconds: f64) -> QueryResult<Option<Claimed>> {
    diesel::sql_query(
        "WITH claimed AS ( \
             UPDATE webhook_deliveries SET attempts = attempts + 1, \
                 next_attempt_at = now() + make_interval(secs => $1) \
             WHERE id = ( \
                 SELECT d.id FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id \
                 WHERE d.status = 'pending' AND d.next_attempt_at <= now() AND w.active \
                 ORDER BY d.next_attempt_at LIMIT 1 \
                 FOR UPDATE OF d SKIP LOCKED) \
             RETURNING id, attempts, created_at, webhook_id, event_id) \
         SELECT c.id, c.attempts AS attempt, c.created_at, w.url, w.secret, \
             e.id AS event_id, e.event_type, e.occurred_at, e.data \
         FROM claimed c JOIN webhooks w ON w.id = c.webhook_id \
             JOIN webhook_events e ON e.id = c.event_id",
    )
    .bind::<Double, _>(lease_seconds)
    .get_result(conn)
    .optional()
}

/// What became of an attempt.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Next {
    Delivered,
    /// Try again after this many seconds.
    Retry(f64),
    /// The retry period is over.
    GiveUp,
}

/// Logs an attempt and moves its delivery on, in one transaction. A delivery whose
/// attempt count moved on meanwhile (sent again by a redelivery) keeps its new state.
pub fn finish(conn: &mut PgConnection, attempt: &Attempt, next: Next) -> QueryResult<()> {
    conn.transaction(|conn| {
        diesel::insert_into(webhook_delivery_attempts::table)
            .values(attempt)
            .on_conflict_do_nothing()
            .execute(conn)?;
        let (status, after, delivered) = match next {
            Next::Delivered => ("delivered", None, true),
            Next::Retry(seconds) => ("pending", Some(seconds), false),
            Next::GiveUp => ("failed", None, false),
        };
        diesel::sql_query(
            "UPDATE webhook_deliveries SET status = $3, \
                 next_attempt_at = now() + make_interval(secs => $4), \
                 delivered_at = CASE WHEN $5 THEN now() END \
             WHERE id = $1 AND attempts = $2 AND status = 'pending'",
        )
        .bind::<SqlUuid, _>(attempt.delivery_id.0)
        .bind::<Int4, _>(attempt.attempt)
        .bind::<Text, _>(status)
        .bind::<Nullable<Double>, _>(after)
        .bind::<diesel::sql_types::Bool, _>(delivered)
        .execute(conn)?;
        Ok(())
    })
}
