//! Builders for decision and switching tests: a part with one characteristic and a
//! supplier, lots of it, attribute inspections and decisions, all through the API.

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use serde_json::{Value, json};

use crate::support::{Reply, TestApp};

/// A part with one characteristic, and a supplier.
pub struct Stream {
    pub part_id: String,
    pub char_id: String,
    pub supplier_id: String,
}

impl<S, B> TestApp<S>
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    /// A part with one attribute characteristic (`extra` overrides its fields) and a supplier.
    pub async fn stream(&self, extra: Value) -> Stream {
        let part_id = self.create_part("CLP-9").await;
        let mut body = json!({"name": "Scratches", "kind": "attribute", "classification": "major",
            "aql": 1.0, "inspection_level": "II"});
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        let char_id = self.create_characteristic(&part_id, body).await;
        let supplier_id = self.create_supplier("SUP").await;
        Stream {
            part_id,
            char_id,
            supplier_id,
        }
    }

    pub async fn stream_lot(&self, s: &Stream, number: &str, size: i64, day: &str) -> String {
        self.create_lot(&s.part_id, &s.supplier_id, number, size, day)
            .await
    }

    /// Records `units` attribute results of which the first `failures` failed.
    pub async fn attribute_inspection(
        &self,
        lot_id: &str,
        char_id: &str,
        units: usize,
        failures: usize,
        mode: &str,
        supersedes: Option<&str>,
    ) -> String {
        let id = uuid::Uuid::new_v4().to_string();
        let units: Vec<Value> = (1..=units)
            .map(|i| json!({"unit": i, "attributes": [{"characteristic_id": char_id, "pass": i > failures}]}))
            .collect();
        let body = json!({"id": id, "source": "in_house", "mode": mode, "inspector": "kim",
            "inspected_at": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
            "units": units});
        let reply = match supersedes {
            Some(old) => {
                self.post(
                    &format!("/api/v1/inspections/{old}/corrections"),
                    json!({"reason": "recount", "inspection": body}),
                )
                .await
            }
            None => {
                self.post(&format!("/api/v1/lots/{lot_id}/inspections"), body)
                    .await
            }
        };
        assert_eq!(reply.status, 201, "{}", reply.body);
        id
    }

    pub async fn decide(&self, lot_id: &str) -> Reply {
        self.call(
            actix_web::http::Method::POST,
            &format!("/api/v1/lots/{lot_id}/decision"),
            None,
        )
        .await
    }

    /// A lot of the stream with one sampling inspection, decided; returns the decision.
    pub async fn decided_lot(
        &self,
        s: &Stream,
        number: &str,
        day: &str,
        units: usize,
        failures: usize,
    ) -> Value {
        let lot = self.stream_lot(s, number, 1000, day).await;
        self.attribute_inspection(&lot, &s.char_id, units, failures, "sampling", None)
            .await;
        let reply = self.decide(&lot).await;
        assert_eq!(reply.status, 201, "{}", reply.body);
        reply.body
    }
}
