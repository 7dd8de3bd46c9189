//! The demo data in `fixtures/demo.json`, loaded through lotgate's own API so that every
//! demo record passes the same checks as a client's.

use actix_web::http::{Method, StatusCode};
use actix_web::test;
use diesel::prelude::*;
use serde_json::Value;

use crate::db::PgPool;
use crate::db::schema::parts;
use crate::http::{AppState, build_app};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The demo file, compiled into the binary so `lotgate demo` works from any directory.
pub const DEMO_JSON: &str = include_str!("../fixtures/demo.json");

/// Loads the demo unless the database already has parts; returns whether it loaded.
pub fn load(pool: &PgPool) -> Result<bool, BoxError> {
    let mut conn = pool.get()?;
    let has_parts: bool = diesel::select(diesel::dsl::exists(parts::table.select(parts::id)))
        .get_result(&mut conn)?;
    drop(conn);
    if has_parts {
        return Ok(false);
    }
    let demo: Value = serde_json::from_str(DEMO_JSON)?;
    let state = AppState {
        pool: pool.clone(),
        json_limit: 16 * 1024 * 1024,
    };
    actix_web::rt::System::new().block_on(post_all(state, demo))?;
    Ok(true)
}

async fn post_all(state: AppState, mut demo: Value) -> Result<(), BoxError> {
    let app = test::init_service(build_app(state)).await;
    let post = |uri: String, body: Value| {
        test::TestRequest::default()
            .method(Method::POST)
            .uri(&uri)
            .set_json(body)
            .to_request()
    };
    for part in take(&mut demo, "parts") {
        let mut part = part;
        let characteristics = take(&mut part, "characteristics");
        let id = part["id"].as_str().unwrap_or_default().to_string();
        expect_created(
            test::call_service(&app, post("/api/v1/parts".into(), part))
                .await
                .status(),
            "part",
        )?;
        for c in characteristics {
            let uri = format!("/api/v1/parts/{id}/characteristics");
            expect_created(
                test::call_service(&app, post(uri, c)).await.status(),
                "characteristic",
            )?;
        }
    }
    for supplier in take(&mut demo, "suppliers") {
        expect_created(
            test::call_service(&app, post("/api/v1/suppliers".into(), supplier))
                .await
                .status(),
            "supplier",
        )?;
    }
    for lot in take(&mut demo, "lots") {
        let mut lot = lot;
        let inspections = take(&mut lot, "inspections");
        let id = lot["id"].as_str().unwrap_or_default().to_string();
        expect_created(
            test::call_service(&app, post("/api/v1/lots".into(), lot))
                .await
                .status(),
            "lot",
        )?;
        for inspection in inspections {
            let uri = format!("/api/v1/lots/{id}/inspections");
            let res = test::call_service(&app, post(uri, inspection)).await;
            if res.status() != StatusCode::CREATED {
                let body = test::read_body(res).await;
                return Err(format!(
                    "demo inspection refused: {}",
                    String::from_utf8_lossy(&body)
                )
                .into());
            }
        }
        // Every lot is decided once its inspections are in; lots come in production
        // order per supplier and part, so the switching history builds up as it would.
        let uri = format!("/api/v1/lots/{id}/decision");
        let decision = test::TestRequest::default()
            .method(Method::POST)
            .uri(&uri)
            .to_request();
        expect_created(
            test::call_service(&app, decision).await.status(),
            "decision",
        )?;
    }
    Ok(())
}

fn take(object: &mut Value, key: &str) -> Vec<Value> {
    match object.as_object_mut().and_then(|o| o.remove(key)) {
        Some(Value::Array(items)) => items,
        _ => Vec::new(),
    }
}

fn expect_created(status: StatusCode, what: &str) -> Result<(), BoxError> {
    if status == StatusCode::CREATED {
        Ok(())
    } else {
        Err(format!("demo {what} refused with status {status}").into())
    }
}
