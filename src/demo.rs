//! The demo data in `fixtures/demo.json`, loaded through lotgate's own API so that every
//! demo record passes the same checks as a client's.

use std::collections::HashMap;

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::{Method, StatusCode};
use actix_web::test;
use diesel::prelude::*;
use lotgate_imaging::demo::{DemoPart, draw_demo_part, encode_jpeg};
use serde_json::{Value, json};

use crate::auth::Principal;
use crate::db::PgPool;
use crate::db::schema::parts;
use crate::domain::{Role, TokenHolder, TokenId};
use crate::http::{AppState, build_app};
use crate::service::tokens;

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
    let state = AppState::new(pool.clone(), 16 * 1024 * 1024);
    // The demo goes in through the API under a token of its own, revoked when done, so
    // the audit trail shows who made the demo records.
    let loader = Principal::command_line("lotgate demo");
    let (token, secret) = issue(pool, &loader, "demo loader", Role::Admin)?;
    let loaded = actix_web::rt::System::new().block_on(post_all(state, demo, &secret));
    let mut conn = pool.get()?;
    tokens::revoke(&mut conn, &loader, token, Some("demo loaded"))?;
    loaded?;
    Ok(true)
}

/// Creates a token of `role` for `name`.
fn issue(
    pool: &PgPool,
    by: &Principal,
    name: &str,
    role: Role,
) -> Result<(TokenId, String), BoxError> {
    let new = tokens::NewToken {
        name: name.to_string(),
        holder: TokenHolder::Person,
        role,
    };
    let (token, secret) = tokens::issue(&mut *pool.get()?, by, new)?;
    Ok((token.id, secret))
}

/// One token per role for trying the demo, made at every start with `--demo`; the demo
/// tokens of the start before are revoked.
pub fn demo_tokens(pool: &PgPool) -> Result<Vec<(Role, String)>, BoxError> {
    let by = Principal::command_line("lotgate serve --demo");
    let mut conn = pool.get()?;
    for old in tokens::list(&mut conn)? {
        let is_demo = Role::ALL.iter().any(|r| old.name == format!("demo {r}"));
        if old.revoked_at.is_none() && is_demo && old.created_by.is_none() {
            tokens::revoke(&mut conn, &by, old.id, Some("new demo tokens"))?;
        }
    }
    drop(conn);
    Role::ALL
        .iter()
        .map(|role| {
            let (_, secret) = issue(pool, &by, &format!("demo {role}"), *role)?;
            Ok((*role, secret))
        })
        .collect()
}

async fn post_all(state: AppState, mut demo: Value, token: &str) -> Result<(), BoxError> {
    let app = test::init_service(build_app(state)).await;
    let bearer = format!("Bearer {token}");
    let post = |uri: String, body: Value| {
        test::TestRequest::default()
            .method(Method::POST)
            .uri(&uri)
            .insert_header(("authorization", bearer.as_str()))
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
    // Golden samples first, so the demo inspections are judged against their revision;
    // revisions approved "after_lots" wait until the lots are loaded.
    let mut judged_against: HashMap<String, Value> = HashMap::new();
    let mut later = Vec::new();
    for mut sample in take(&mut demo, "golden_samples") {
        let revisions = take(&mut sample, "revisions");
        let drawing = match sample.as_object_mut().and_then(|o| o.remove("drawing")) {
            Some(Value::String(d)) if d == "pcb" => DemoPart::Pcb,
            Some(Value::String(d)) if d == "product" => DemoPart::Product,
            _ => DemoPart::PlasticClip,
        };
        let id = sample["id"].as_str().unwrap_or_default().to_string();
        let part = sample["part_id"].as_str().unwrap_or_default().to_string();
        let res = test::call_service(&app, post("/api/v1/golden-samples".into(), sample)).await;
        read(res, "golden sample").await?;
        for revision in revisions {
            if revision["approve"] == "after_lots" {
                later.push((id.clone(), drawing, revision));
                continue;
            }
            let approved = golden_revision(&app, &bearer, &id, drawing, revision).await?;
            judged_against.insert(part.clone(), approved["revision"]["id"].clone());
        }
    }
    for lot in take(&mut demo, "lots") {
        let mut lot = lot;
        let inspections = take(&mut lot, "inspections");
        let id = lot["id"].as_str().unwrap_or_default().to_string();
        let revision = lot["part_id"]
            .as_str()
            .and_then(|p| judged_against.get(p))
            .cloned();
        expect_created(
            test::call_service(&app, post("/api/v1/lots".into(), lot))
                .await
                .status(),
            "lot",
        )?;
        for mut inspection in inspections {
            // The demo's inspections predate the approval made while loading, so they
            // name the revision they were judged against instead of relying on the date.
            if let Some(revision) = &revision {
                inspection["golden_sample_revision_id"] = revision.clone();
            }
            // A correction goes to the inspection it corrects, with its reason.
            let fields = inspection.as_object_mut();
            let (supersedes, reason) = match fields {
                Some(f) => (f.remove("supersedes"), f.remove("reason")),
                None => (None, None),
            };
            let (uri, body) = match supersedes {
                Some(Value::String(old)) => (
                    format!("/api/v1/inspections/{old}/corrections"),
                    json!({"reason": reason, "inspection": inspection}),
                ),
                _ => (format!("/api/v1/lots/{id}/inspections"), inspection),
            };
            let res = test::call_service(&app, post(uri, body)).await;
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
            .insert_header(("authorization", bearer.as_str()))
            .to_request();
        expect_created(
            test::call_service(&app, decision).await.status(),
            "decision",
        )?;
    }
    for (id, drawing, revision) in later {
        golden_revision(&app, &bearer, &id, drawing, revision).await?;
    }
    Ok(())
}

/// Opens a revision of a golden sample, records its reference values, uploads its
/// photos (drawn by code) and approves it; returns the approval outcome.
async fn golden_revision<S, B>(
    app: &S,
    bearer: &str,
    sample: &str,
    drawing: DemoPart,
    mut revision: Value,
) -> Result<Value, BoxError>
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let base = format!("/api/v1/golden-samples/{sample}/revisions");
    let opened = json!({"description": revision["description"],
        "revalidation_due": revision["revalidation_due"]});
    let res = test::call_service(app, post_json(bearer, &base, opened)).await;
    let letter = read(res, "golden-sample revision").await?["revision"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let references = json!({"measured_by": revision["measured_by"],
        "measurements": revision["references"].take()});
    let uri = format!("{base}/{letter}/reference-measurements");
    read(
        test::call_service(app, post_json(bearer, &uri, references)).await,
        "reference measurements",
    )
    .await?;
    for photo in take(&mut revision, "photos") {
        let view = photo["view"].as_str().unwrap_or("front");
        let jpeg = encode_jpeg(&demo_photo(drawing, view), 88)?;
        let uri = format!("{base}/{letter}/photos");
        read(
            test::call_service(app, upload(bearer, &uri, &jpeg, view)).await,
            "golden-sample photo",
        )
        .await?;
    }
    let approval = json!({"approver": revision["approver"], "comment": revision["comment"]});
    let uri = format!("{base}/{letter}/approval");
    read(
        test::call_service(app, post_json(bearer, &uri, approval)).await,
        "approval",
    )
    .await
}

/// A demo photo of the part from `view`. The drawing distinguishes face, front light and
/// side; the other views are made distinct the way a camera would see them: the underside
/// mirrored, a detail as a close-up of the centre.
fn demo_photo(drawing: DemoPart, view: &str) -> image::RgbImage {
    let (w, h) = (1024, 768);
    let face = draw_demo_part(drawing, view, w, h, 0);
    match view {
        "bottom" | "back" => image::imageops::flip_horizontal(&face),
        "detail" => {
            let centre = image::imageops::crop_imm(&face, w / 4, h / 4, w / 2, h / 2).to_image();
            image::imageops::resize(&centre, w, h, image::imageops::FilterType::Triangle)
        }
        _ => face,
    }
}

fn post_json(bearer: &str, uri: &str, body: Value) -> actix_http::Request {
    test::TestRequest::default()
        .method(Method::POST)
        .uri(uri)
        .insert_header(("authorization", bearer))
        .set_json(body)
        .to_request()
}

/// A multipart/form-data upload of a JPEG photo and its view.
fn upload(bearer: &str, uri: &str, jpeg: &[u8], view: &str) -> actix_http::Request {
    const BOUNDARY: &str = "lotgate-demo-photo";
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"view\"\r\n\r\n{view}\r\n\
         --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"{view}.jpg\"\r\n\
         Content-Type: image/jpeg\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(jpeg);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    test::TestRequest::default()
        .method(Method::POST)
        .uri(uri)
        .insert_header(("authorization", bearer))
        .insert_header((
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        ))
        .set_payload(body)
        .to_request()
}

/// The JSON body of a successful response, or an error saying what was refused.
async fn read<B: MessageBody>(res: ServiceResponse<B>, what: &str) -> Result<Value, BoxError> {
    let status = res.status();
    let body = test::read_body(res).await;
    if !status.is_success() {
        return Err(format!(
            "demo {what} refused with status {status}: {}",
            String::from_utf8_lossy(&body)
        )
        .into());
    }
    Ok(serde_json::from_slice(&body).unwrap_or(Value::Null))
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
