//! Small builders for test data, each going through the API like a client would.

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use serde_json::{Value, json};

use crate::support::TestApp;

/// Ids of a part with one variable and one attribute characteristic, a supplier and a lot.
#[derive(Clone)]
pub struct Fixture {
    pub part_id: String,
    pub width_id: String,
    pub scratch_id: String,
    pub supplier_id: String,
    pub lot_id: String,
}

impl<S, B> TestApp<S>
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    /// A token of `role` bound to `supplier`, created through `create_token`.
    pub async fn supplier_token(&self, supplier: &str, role: &str) -> String {
        let reply = self
            .post(
                "/api/v1/tokens",
                json!({"name": "Factory tablet", "holder": "device", "role": role,
                    "supplier_id": supplier}),
            )
            .await;
        assert_eq!(reply.status, 201, "{}", reply.body);
        reply.body["token"].as_str().unwrap().to_string()
    }

    pub async fn create_part(&self, number: &str) -> String {
        let reply = self
            .post(
                "/api/v1/parts",
                json!({"number": number, "name": "Cable clip", "stage": "part"}),
            )
            .await;
        assert_eq!(reply.status, 201, "{}", reply.body);
        reply.body["id"].as_str().unwrap().to_string()
    }

    pub async fn create_characteristic(&self, part_id: &str, body: Value) -> String {
        let reply = self
            .post(&format!("/api/v1/parts/{part_id}/characteristics"), body)
            .await;
        assert_eq!(reply.status, 201, "{}", reply.body);
        reply.body["id"].as_str().unwrap().to_string()
    }

    pub async fn create_supplier(&self, code: &str) -> String {
        let reply = self
            .post(
                "/api/v1/suppliers",
                json!({"name": format!("Factory {code}"), "code": code}),
            )
            .await;
        assert_eq!(reply.status, 201, "{}", reply.body);
        reply.body["id"].as_str().unwrap().to_string()
    }

    pub async fn create_lot(
        &self,
        part_id: &str,
        supplier_id: &str,
        number: &str,
        size: i64,
        produced_on: &str,
    ) -> String {
        let body = json!({"part_id": part_id, "supplier_id": supplier_id, "lot_number": number,
            "lot_size": size, "produced_on": produced_on});
        let reply = self.post("/api/v1/lots", body).await;
        assert_eq!(reply.status, 201, "{}", reply.body);
        reply.body["id"].as_str().unwrap().to_string()
    }

    /// A clip with Width (11.8..12.2 mm) and Scratches (attribute), a supplier and a lot of 500.
    pub async fn fixture(&self) -> Fixture {
        let part_id = self.create_part("CLP-1").await;
        let width_id = self.create_characteristic(&part_id, width()).await;
        let scratch_id = self
            .create_characteristic(
                &part_id,
                json!({"name": "Scratches", "kind": "attribute",
                "classification": "minor", "aql": 2.5, "inspection_level": "II"}),
            )
            .await;
        let supplier_id = self.create_supplier("DPM").await;
        let lot_id = self
            .create_lot(&part_id, &supplier_id, "L-1", 500, "2026-11-20")
            .await;
        Fixture {
            part_id,
            width_id,
            scratch_id,
            supplier_id,
            lot_id,
        }
    }
}

pub fn width() -> Value {
    json!({"name": "Width", "kind": "variable", "unit": "mm", "nominal": 12.0, "lsl": 11.8,
        "usl": 12.2, "classification": "major", "aql": 1.0, "inspection_level": "II"})
}

/// An inspection body of `units` units, each with a width and a scratch result.
pub fn inspection(f: &Fixture, id: &str, units: usize) -> Value {
    let units: Vec<Value> = (1..=units)
        .map(|i| {
            json!({"unit": i, "serial": format!("S-{i}"),
            "measurements": [{"characteristic_id": f.width_id, "value": 12.0 + (i as f64) * 0.01}],
            "attributes": [{"characteristic_id": f.scratch_id, "pass": i % 4 != 0, "note": null}]})
        })
        .collect();
    json!({"id": id, "source": "factory", "mode": "sampling", "inspector": "kim",
        "inspected_at": "2026-11-20T09:15:00Z", "units": units})
}
