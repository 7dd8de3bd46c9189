//! A decision names the units found nonconforming (ISO 2859-1:1999 6.4: each is rejected
//! individually, in a sample or not, whatever the lot's verdict), and a full inspection
//! covers the lot: it decides once every unit is recorded, and is pending before.
//!
//! Plans (ISO 2859-1:1999 Table I and Table II-A, as in tests/api/decisions.rs):
//! lot 1000, level II -> J: AQL 1.0 n 80 Ac 2 Re 3;
//! lot 500, level II -> H: AQL 1.0 n 50 Ac 1 Re 2;
//! lot 2000, level II -> K: AQL 1.0 n 125 Ac 3 Re 4.

use serde_json::{Value, json};
use uuid::Uuid;

use crate::streams::Stream;
use crate::support::app;

/// An attribute inspection body: units 1..=`units`, unit i with serial
/// `S-{serial_from + i - 1}` (four digits), failing the units whose index is in `failing`.
fn inspection(
    s: &Stream,
    mode: &str,
    at: &str,
    units: i64,
    serial_from: i64,
    failing: &[i64],
) -> Value {
    let units: Vec<Value> = (1..=units)
        .map(|i| {
            json!({"unit": i, "serial": format!("S-{:04}", serial_from + i - 1),
                "attributes": [{"characteristic_id": s.char_id, "pass": !failing.contains(&i)}]})
        })
        .collect();
    json!({"id": Uuid::new_v4(), "source": "in_house", "mode": mode, "inspector": "kim",
        "inspected_at": at, "units": units})
}

fn only(decision: &Value) -> &Value {
    &decision["characteristics"][0]
}

/// `(unit, serial, inspection)` of each listed nonconforming unit.
fn listed(c: &Value) -> Vec<(i64, String, String)> {
    c["nonconforming_units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            (
                u["unit"].as_i64().unwrap(),
                u["serial"].as_str().unwrap().to_string(),
                u["inspection_id"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

macro_rules! record {
    ($app:expr, $lot:expr, $body:expr) => {{
        let body = $body;
        let reply = $app
            .post(&format!("/api/v1/lots/{}/inspections", $lot), body.clone())
            .await;
        assert_eq!(reply.status, 201, "{}", reply.body);
        body["id"].as_str().unwrap().to_string()
    }};
}

// ISO 2859-1:1999 6.4.
#[actix_web::test]
async fn an_accepted_lot_names_the_nonconforming_unit_of_its_sample() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    let lot = app.stream_lot(&s, "L-1", 1000, "2026-11-01").await;
    let sample = record!(
        app,
        lot,
        inspection(&s, "sampling", "2026-11-02T08:00:00Z", 80, 1, &[7])
    );

    let d = app.decide(&lot).await.body;

    let c = only(&d);
    assert_eq!(c["verdict"], "accept", "{c}");
    assert_eq!(d["verdict"], "accept");
    assert_eq!(listed(c), [(7, "S-0007".to_string(), sample)]);
}

// ISO 2859-1:1999 6.4: every nonconforming item found, by any inspection of the lot.
#[actix_web::test]
async fn units_found_by_two_inspections_are_listed_once_and_a_corrected_record_as_corrected() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    let lot = app.stream_lot(&s, "L-1", 1000, "2026-11-01").await;
    let first = record!(
        app,
        lot,
        inspection(&s, "sampling", "2026-11-02T08:00:00Z", 80, 1, &[3])
    );
    // The correction says unit 3 (S-0003) passed and unit 5 (S-0005) failed.
    let correction = inspection(&s, "sampling", "2026-11-02T08:00:00Z", 80, 1, &[5]);
    let corrected = app
        .post(
            &format!("/api/v1/inspections/{first}/corrections"),
            json!({"reason": "results entered on the wrong rows", "inspection": correction}),
        )
        .await;
    assert_eq!(corrected.status, 201, "{}", corrected.body);
    let correction_id = correction["id"].as_str().unwrap().to_string();
    // The supplier's own sample (factory; serials S-0100.. for its units 1..) draws
    // S-0005 again as its unit 1; its units 1 (S-0005) and 2 (S-0101) fail.
    let mut second = inspection(&s, "sampling", "2026-11-03T08:00:00Z", 80, 100, &[1, 2]);
    second["source"] = json!("factory");
    second["units"][0]["serial"] = json!("S-0005");
    let second_id = record!(app, lot, second);

    let d = app.decide(&lot).await.body;

    let c = only(&d);
    assert_eq!(
        listed(c),
        [
            (5, "S-0005".to_string(), correction_id.clone()),
            (2, "S-0101".to_string(), second_id),
        ],
        "{c}"
    );
    // The verdict is the in-house original's, as corrected: 1 nonconforming in 80,
    // within Ac 2 (ISO 2859-1: the lot is judged on its original inspection).
    assert_eq!(c["inspection_id"], correction_id.as_str());
    assert_eq!(c["verdict"], "accept");
}

// ISO 2859-1:1999 6.4; a 100 % inspection is judged on the whole lot.
#[actix_web::test]
async fn a_full_inspection_of_fewer_units_than_the_lot_is_pending_whatever_the_sample_said() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    let lot = app.stream_lot(&s, "L-1", 2000, "2026-11-01").await;
    record!(
        app,
        lot,
        inspection(&s, "sampling", "2026-11-02T08:00:00Z", 125, 1, &[])
    );
    let full = record!(
        app,
        lot,
        inspection(&s, "full", "2026-11-03T08:00:00Z", 300, 1, &[42])
    );

    let d = app.decide(&lot).await.body;

    let c = only(&d);
    assert_eq!(c["mode"], "full");
    assert_eq!(c["inspection_id"], full.as_str());
    assert_eq!(c["verdict"], "pending", "{c}");
    let explanation = c["explanation"].as_str().unwrap();
    assert!(
        explanation.starts_with("Pending: 300 of 2000 units inspected"),
        "{explanation}"
    );
    assert_eq!(d["verdict"], "pending");
    assert_eq!(c["switching_outcome"], Value::Null);
    // The part inspected says nothing of the rest: no "found 0.33 %", no agreement.
    let cmp = &c["comparison"];
    assert_eq!(cmp["full_verdict"], "pending");
    assert_eq!(cmp["sampling_verdict"], "accept");
    assert_eq!(cmp["agrees"], Value::Null);
    let said = cmp["explanation"].as_str().unwrap();
    assert!(said.contains("300 of 2000 units inspected"), "{said}");
    assert!(!said.contains("found"), "{said}");
    // The unit already found is rejected individually all the same.
    assert_eq!(listed(c), [(42, "S-0042".to_string(), full)]);
}

// ISO 2859-1:1999 6.4; the plan's Ac and Re applied to the whole lot.
#[actix_web::test]
async fn a_full_inspection_of_every_unit_decides_the_lot_over_an_accepted_sample() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    let lot = app.stream_lot(&s, "L-1", 500, "2026-11-01").await;
    let sample = record!(
        app,
        lot,
        inspection(&s, "sampling", "2026-11-02T08:00:00Z", 50, 1, &[])
    );
    let full = record!(
        app,
        lot,
        inspection(&s, "full", "2026-11-03T08:00:00Z", 500, 1, &[60, 61])
    );

    let d = app.decide(&lot).await.body;

    let c = only(&d);
    assert_eq!(c["mode"], "full");
    assert!(
        c["mode_reason"]
            .as_str()
            .unwrap()
            .contains("also fully inspected"),
        "{c}"
    );
    assert_eq!(c["inspection_id"], full.as_str());
    assert_eq!(c["applied"]["sample_size"], 500);
    assert_eq!(c["applied"]["rejection_number"], 2);
    assert_eq!(c["verdict"], "reject");
    assert_eq!(d["verdict"], "reject");
    assert_eq!(c["comparison"]["sampling_inspection_id"], sample.as_str());
    assert_eq!(c["comparison"]["sampling_verdict"], "accept");
    assert_eq!(
        listed(c),
        [
            (60, "S-0060".to_string(), full.clone()),
            (61, "S-0061".to_string(), full)
        ]
    );
}
