//! Every request body and response of the OpenAPI document has an example, and each
//! response example of a read has the shape of what the server really answers, on the
//! demo data. That each example is valid against its own schema is checked by
//! `tests/openapi/examples_valid.py` (Python's `jsonschema`, in CI): the Rust
//! `jsonschema` crate turns on serde_json's `float_roundtrip` for the whole test build,
//! which changes how lotgate itself parses numbers and breaks the frozen fingerprints.

use serde_json::{Value, json};

use crate::support::{TestDb, app, app_over};

/// One documented body: where it is, its media type, schema and example.
struct Documented {
    at: String,
    media: String,
    schema: Value,
    example: Option<Value>,
}

/// Every request body and every response of every operation, error answers included.
fn documented(doc: &Value) -> Vec<Documented> {
    let mut found = Vec::new();
    let schemas = &doc["components"]["schemas"];
    let example_of = |media: &Value| -> Option<Value> {
        if let Some(e) = media.get("example") {
            return Some(e.clone());
        }
        let name = media["schema"]["$ref"].as_str()?.rsplit('/').next()?;
        schemas[name].get("example").cloned()
    };
    let mut add = |at: String, content: &Value| {
        for (media, body) in content.as_object().into_iter().flatten() {
            found.push(Documented {
                at: format!("{at} {media}"),
                media: media.clone(),
                schema: body["schema"].clone(),
                example: example_of(body),
            });
        }
    };
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let id = op["operationId"].as_str().unwrap_or(path);
            if let Some(content) = op["requestBody"].get("content") {
                add(format!("{id} ({method} {path}) request"), content);
            }
            for (status, response) in op["responses"].as_object().unwrap() {
                let response = match response["$ref"].as_str() {
                    Some(r) => &doc["components"]["responses"][r.rsplit('/').next().unwrap()],
                    None => response,
                };
                if let Some(content) = response.get("content") {
                    add(format!("{id} ({method} {path}) {status}"), content);
                }
            }
        }
    }
    found
}

/// Bytes are documented by their media type alone: no example to give.
fn is_binary(media: &str) -> bool {
    media.starts_with("image/") || media == "application/octet-stream"
}

#[actix_web::test]
async fn every_body_and_response_has_an_example() {
    let app = app().await;
    let doc = app.get("/api-docs/openapi.json").await.body;

    let mut missing = Vec::new();
    let mut checked = 0;
    for d in documented(&doc) {
        if is_binary(&d.media) {
            continue;
        }
        let Some(example) = d.example else {
            missing.push(d.at);
            continue;
        };
        let _ = (example, &d.schema);
        checked += 1;
    }

    assert!(
        missing.is_empty(),
        "without an example:\n{}",
        missing.join("\n")
    );
    assert!(checked >= 200, "only {checked} examples checked");
}

/// Whether `example` has the shape of `live`: every key the server sends is in the
/// example (unless it is `null` or an empty list there), with the same JSON type; an
/// example may show an optional key this answer leaves out; arrays are compared by their
/// first items; `null` stands for any value. The audit trail's `old_value` and
/// `new_value` hold the stored record of whatever entity changed, so they are opaque.
fn same_shape(at: &str, example: &Value, live: &Value, out: &mut Vec<String>) {
    match (example, live) {
        (Value::Null, _) | (_, Value::Null) => {}
        (Value::Object(e), Value::Object(l)) => {
            let keys: std::collections::BTreeSet<&String> = e.keys().chain(l.keys()).collect();
            for key in keys {
                let here = format!("{at}.{key}");
                match (e.get(key), l.get(key)) {
                    _ if key == "old_value" || key == "new_value" => {}
                    (Some(x), Some(y)) => same_shape(&here, x, y, out),
                    (Some(v), None) | (None, Some(v)) if is_empty(v) => {}
                    (Some(_), None) => {}
                    (None, Some(_)) => out.push(format!("{here}: missing from the example")),
                    (None, None) => {}
                }
            }
        }
        (Value::Array(e), Value::Array(l)) => {
            if let (Some(x), Some(y)) = (e.first(), l.first()) {
                same_shape(&format!("{at}[0]"), x, y, out);
            }
        }
        (Value::Number(_), Value::Number(_))
        | (Value::String(_), Value::String(_))
        | (Value::Bool(_), Value::Bool(_)) => {}
        _ => out.push(format!("{at}: example {example}, live {live}")),
    }
}

fn is_empty(v: &Value) -> bool {
    v.is_null() || v.as_array().is_some_and(Vec::is_empty)
}

#[test]
fn shapes_differ_by_a_key_the_server_sends_or_a_type_but_not_by_a_null() {
    let mut out = Vec::new();
    same_shape(
        "",
        &json!({"a": 1, "b": null, "c": [{"d": "x"}], "e": true}),
        &json!({"a": 2.5, "b": "y", "c": [{"d": 3}], "f": 1}),
        &mut out,
    );
    assert_eq!(
        out,
        [
            ".c[0].d: example \"x\", live 3",
            ".f: missing from the example"
        ]
    );
}

#[actix_web::test]
async fn the_example_of_every_read_has_the_shape_of_its_live_answer() {
    let db = TestDb::new();
    assert!(lotgate::demo::load(&db.pool).unwrap());
    let app = app_over(db).await;
    let doc = app.get("/api-docs/openapi.json").await.body;
    // Ids of the demo data, read through the API.
    let first = |page: &Value| page["items"][0]["id"].as_str().unwrap().to_string();
    let part = app.get("/api/v1/parts?limit=1").await.body;
    let part_id = first(&part);
    let detail = app.get(&format!("/api/v1/parts/{part_id}")).await.body;
    let characteristic_id = detail["characteristics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == "variable")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let supplier_id = first(&app.get("/api/v1/suppliers").await.body);
    let lots = app.get("/api/v1/lots?limit=200").await.body;
    // A lot whose decision has dispositions and an NCR, so that those reads answer too.
    let ncr = app.get("/api/v1/ncrs?limit=1").await.body;
    let ncr_id = first(&ncr);
    let lot_id = ncr["items"][0]["lot_id"]
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| first(&lots));
    let inspection_id = first(
        &app.get(&format!("/api/v1/lots/{lot_id}/inspections"))
            .await
            .body,
    );
    let samples = app
        .get(&format!("/api/v1/parts/{part_id}/golden-samples"))
        .await
        .body;
    let golden_sample_id = samples[0]["id"].as_str().unwrap().to_string();
    let webhook = app
        .post(
            "/api/v1/webhooks",
            serde_json::json!({"url": "http://127.0.0.1:9/hook", "events": ["lot.decided"]}),
        )
        .await;
    assert_eq!(webhook.status, 201, "{}", webhook.body);
    let webhook_id = webhook.body["id"].as_str().unwrap().to_string();
    let values = [
        ("webhook_id", webhook_id),
        ("part_id", part_id),
        ("characteristic_id", characteristic_id),
        ("supplier_id", supplier_id),
        ("lot_id", lot_id),
        ("inspection_id", inspection_id),
        ("golden_sample_id", golden_sample_id),
        ("ncr_id", ncr_id),
    ];
    let value_of = |name: &str| {
        values
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.clone())
    };

    let mut problems = Vec::new();
    let mut compared = Vec::new();
    for d in documented(&doc) {
        let Some((id, rest)) = d.at.split_once(" (get ") else {
            continue;
        };
        let Some((path, status_media)) = rest.split_once(") ") else {
            continue;
        };
        if !status_media.starts_with("200 application/json") {
            continue;
        }
        let op = &doc["paths"][path]["get"];
        let mut uri = path.to_string();
        let mut query = Vec::new();
        for p in op["parameters"].as_array().into_iter().flatten() {
            let name = p["name"].as_str().unwrap();
            let value = value_of(name).or_else(|| {
                p.get("example")
                    .or_else(|| p["schema"].get("example"))
                    .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
            });
            match (p["in"].as_str(), value) {
                (Some("path"), Some(v)) => uri = uri.replace(&format!("{{{name}}}"), &v),
                (Some("query"), Some(v)) if p["required"] == true || name == "part_id" => {
                    query.push(format!("{name}={v}"))
                }
                _ => {}
            }
        }
        if !query.is_empty() {
            uri = format!("{uri}?{}", query.join("&"));
        }
        let reply = app.get(&uri).await;
        if reply.status != 200 {
            problems.push(format!(
                "{id}: GET {uri} answered {}: {}",
                reply.status, reply.body
            ));
            continue;
        }
        let mut differences = Vec::new();
        same_shape(
            "",
            d.example.as_ref().unwrap(),
            &reply.body,
            &mut differences,
        );
        if !differences.is_empty() {
            problems.push(format!("{id}: {}", differences.join("; ")));
        }
        compared.push(id.to_string());
    }

    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(
        compared.len() >= 25,
        "only {} reads compared: {compared:?}",
        compared.len()
    );
}
