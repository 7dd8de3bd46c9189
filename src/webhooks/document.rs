//! The `webhooks` section of the OpenAPI document (OpenAPI 3.1, 4.8.1): one entry per
//! event type, the POST lotgate makes to a registered endpoint. Its body is the
//! delivered envelope (the event's id, type and time, and its `data`, the payload types
//! of [`crate::service::webhooks::events`]); its header parameters are the signature
//! headers of [`super::signature`]; a 2xx answer is a delivery, any other is retried.
//!
//! The route macros cannot describe requests lotgate makes, so the entries are added to
//! the collected document here, from the payload types' `ToSchema` (registered as
//! components by the route table's `OpenApi` derive).

use serde_json::{Value, json};
use utoipa::openapi::path::PathItem;
use utoipa::openapi::schema::Schema;
use utoipa::openapi::{OpenApi, RefOr};

use super::signature::{
    DELIVERY_ID_HEADER, EVENT_ID_HEADER, EVENT_TYPE_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER,
};
use crate::domain::WebhookEventType;

/// The name of the component schema of an event type's `data`.
pub fn payload_schema(event: WebhookEventType) -> &'static str {
    match event {
        WebhookEventType::LotDecided => "LotDecided",
        WebhookEventType::LotDispositioned => "LotDispositioned",
        WebhookEventType::NcrOpened => "NcrOpened",
        WebhookEventType::InspectionRecorded => "InspectionRecorded",
        WebhookEventType::GoldenSampleApproved => "GoldenSampleApproved",
    }
}

/// The name of the component schema of a whole delivered body of an event type.
pub fn envelope_schema(event: WebhookEventType) -> String {
    format!("{}Event", payload_schema(event))
}

/// What an event type announces, for the entry's summary.
fn summary(event: WebhookEventType) -> &'static str {
    match event {
        WebhookEventType::LotDecided => "A lot decision was stored",
        WebhookEventType::LotDispositioned => "A disposition was recorded",
        WebhookEventType::NcrOpened => "A nonconformance report was opened",
        WebhookEventType::InspectionRecorded => "An inspection was recorded",
        WebhookEventType::GoldenSampleApproved => "A golden-sample revision was approved",
    }
}

/// The example of the envelopes: one event, at a fixed time.
const EXAMPLE_EVENT_ID: &str = "4d6f8a0c-2e4a-4c6e-8a0c-2e4a6c8e0a2c";
const EXAMPLE_CREATED_AT: &str = "2026-12-03T09:30:00Z";

/// Adds the envelope schemas and one `webhooks` entry per event type. An event type
/// whose payload schema is missing from the components is left out (the webhooks test
/// then fails: it checks every event type is documented).
pub fn with_webhooks(mut api: OpenApi) -> OpenApi {
    let Some(components) = api.components.as_mut() else {
        return api;
    };
    let mut webhooks = api.webhooks.take().unwrap_or_default();
    for &event in WebhookEventType::ALL {
        let payload = payload_schema(event);
        let Some(RefOr::T(Schema::Object(data))) = components.schemas.get(payload) else {
            continue;
        };
        let data_example = data
            .example
            .clone()
            .or_else(|| data.examples.first().cloned());
        let example = json!({
            "id": EXAMPLE_EVENT_ID,
            "type": event.as_str(),
            "created_at": EXAMPLE_CREATED_AT,
            "data": data_example,
        });
        let envelope = envelope_schema(event);
        let Ok(schema) = serde_json::from_value::<RefOr<Schema>>(envelope_json(event, example))
        else {
            continue;
        };
        components.schemas.insert(envelope.clone(), schema);
        let Ok(item) = serde_json::from_value::<PathItem>(entry_json(event, &envelope)) else {
            continue;
        };
        webhooks.paths.insert(event.as_str().to_string(), item);
    }
    api.webhooks = Some(webhooks);
    api
}

fn envelope_json(event: WebhookEventType, example: Value) -> Value {
    let name = event.as_str();
    json!({
        "type": "object",
        "description": format!(
            "The body of a `{name}` delivery: the event's id, type and time, and its `data`. \
             Every attempt and every endpoint gets the same body for one event; fields are \
             only ever added, so a receiver should ignore keys it does not know."
        ),
        "required": ["id", "type", "created_at", "data"],
        "properties": {
            "id": {
                "type": "string",
                "format": "uuid",
                "description": "The event's id, the same in every attempt and redelivery \
                    (also in the `Lotgate-Event-Id` header): a receiver drops a repeat by it."
            },
            "type": {
                "type": "string",
                "enum": [name],
                "description": "The event type (also in the `Lotgate-Event-Type` header)."
            },
            "created_at": {
                "type": "string",
                "format": "date-time",
                "description": "When the change was committed."
            },
            "data": {"$ref": format!("#/components/schemas/{}", payload_schema(event))}
        },
        "example": example,
    })
}

fn header(name: &str, description: &str, schema: Value, example: Value) -> Value {
    json!({
        "name": name,
        "in": "header",
        "required": true,
        "description": description,
        "schema": schema,
        "example": example,
    })
}

fn entry_json(event: WebhookEventType, envelope: &str) -> Value {
    let name = event.as_str();
    json!({
        "post": {
            "tags": ["webhooks"],
            "summary": summary(event),
            "description": format!(
                "lotgate POSTs this to every active endpoint subscribed to `{name}` \
                 (`create_webhook`), from a transactional outbox: the event exists exactly \
                 when the change committed, and arrives at least once (a receiver drops \
                 repeats by the event's id). The body is signed: `Lotgate-Signature` is \
                 `sha256=` and the lower-case hex HMAC-SHA256, keyed with the endpoint's \
                 secret, of the `Lotgate-Timestamp` value, a dot and the raw body; a \
                 receiver recomputes it over the bytes it got and refuses old timestamps."
            ),
            "operationId": format!("on_{}", name.replace('.', "_")),
            "parameters": [
                header(EVENT_ID_HEADER, "The event's id, as `id` in the body.",
                    json!({"type": "string", "format": "uuid"}), json!(EXAMPLE_EVENT_ID)),
                header(EVENT_TYPE_HEADER, "The event type, as `type` in the body.",
                    json!({"type": "string", "enum": [name]}), json!(name)),
                header(DELIVERY_ID_HEADER,
                    "The delivery's id (one per endpoint and event; see \
                     `list_webhook_deliveries`).",
                    json!({"type": "string", "format": "uuid"}),
                    json!("9c3e5a7b-1d2f-4a6c-8e0b-2f4a6c8e0b1d")),
                header(TIMESTAMP_HEADER,
                    "When this attempt was made, in Unix seconds; part of what is signed.",
                    json!({"type": "string", "pattern": "^[0-9]+$"}), json!("1796290200")),
                header(SIGNATURE_HEADER,
                    "`sha256=` and the hex HMAC-SHA256 of the timestamp, a dot and the body.",
                    json!({"type": "string", "pattern": "^sha256=[0-9a-f]{64}$"}),
                    json!("sha256=3b6b3c9b09023e4d9411e8ac79fbcdc123b1f85f24cfb146d7197e77444e6dc8")),
            ],
            "requestBody": {
                "required": true,
                "description": format!("The `{name}` event."),
                "content": {
                    "application/json": {
                        "schema": {"$ref": format!("#/components/schemas/{envelope}")}
                    }
                }
            },
            "responses": {
                "2XX": {
                    "description": "Delivered: any 2xx answer ends the delivery (its body is \
                        ignored)."
                },
                "default": {
                    "description": "Not delivered: any other status, no answer within 10 s \
                        or no connection. Retried with exponential backoff and jitter for at \
                        least a day, then marked failed; `redeliver_webhook_delivery` sends \
                        it again."
                }
            },
            "security": []
        }
    })
}
