//! Tokens bound to a supplier (issue 13, item 3): a factory's tablet sees and writes
//! only its own supplier's lots, inspections, photos, decisions and statistics (another
//! supplier's are 404, lists are filtered), and never records in-house inspections.

use actix_web::http::Method;
use actix_web::test::TestRequest;
use lotgate::domain::Role;
use serde_json::{Value, json};

use crate::builders::{Fixture, inspection};
use crate::golden_builders::{BOUNDARY, clip_jpeg, count, photo_form};
use crate::support::{Reply, TestApp, app, ids};

/// Supplier A's fixture (part, lot) and supplier B with a lot of the same part.
struct TwoSuppliers {
    a: Fixture,
    b_supplier: String,
    b_lot: String,
}

impl<S, B> TestApp<S>
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    async fn two_suppliers(&self) -> TwoSuppliers {
        let a = self.fixture().await;
        let b_supplier = self.create_supplier("BRV").await;
        let b_lot = self
            .create_lot(&a.part_id, &b_supplier, "B-1", 500, "2026-11-21")
            .await;
        TwoSuppliers {
            a,
            b_supplier,
            b_lot,
        }
    }

    /// A token of `role` bound to `supplier`, created through `create_token`.
    async fn bound_token(&self, supplier: &str, role: &str) -> String {
        let reply = self
            .post(
                "/api/v1/tokens",
                json!({"name": "Line 3 tablet", "holder": "device", "role": role,
                    "supplier_id": supplier}),
            )
            .await;
        assert_eq!(reply.status, 201, "{}", reply.body);
        assert_eq!(reply.body["supplier_id"], supplier);
        reply.body["token"].as_str().unwrap().to_string()
    }

    async fn get_as(&self, token: &str, uri: &str) -> Reply {
        self.send_as(token, TestRequest::get().uri(uri)).await
    }

    async fn post_as(&self, token: &str, uri: &str, body: Value) -> Reply {
        self.send_as(token, TestRequest::post().uri(uri).set_json(body))
            .await
    }

    async fn upload_as(&self, token: &str, uri: &str, body: Vec<u8>) -> Reply {
        let req = TestRequest::default()
            .method(Method::POST)
            .uri(uri)
            .insert_header((
                "content-type",
                format!("multipart/form-data; boundary={BOUNDARY}"),
            ))
            .set_payload(body);
        self.send_as(token, req).await
    }
}

/// The body of `inspection` for the lot of supplier B (same part as A's fixture).
fn b_inspection(s: &TwoSuppliers, id: &str, source: &str) -> Value {
    let mut body = inspection(&s.a, id, 4);
    body["source"] = json!(source);
    body
}

#[actix_web::test]
async fn a_bound_token_reads_its_own_lot_and_gets_404_for_another_suppliers() {
    let app = app().await;
    let s = app.two_suppliers().await;
    let token = app.bound_token(&s.b_supplier, "inspector").await;

    let own = app
        .get_as(&token, &format!("/api/v1/lots/{}", s.b_lot))
        .await;
    let other = app
        .get_as(&token, &format!("/api/v1/lots/{}", s.a.lot_id))
        .await;
    let missing_id = uuid::Uuid::new_v4();
    let missing = app
        .get_as(&token, &format!("/api/v1/lots/{missing_id}"))
        .await;

    assert_eq!(own.status, 200, "{}", own.body);
    other.assert_problem(404);
    missing.assert_problem(404);
    // Word for word the answer for a lot that does not exist: nothing is disclosed.
    assert_eq!(
        other.body["detail"],
        format!("no lot with id {}", s.a.lot_id)
    );
    assert_eq!(
        missing.body["detail"],
        format!("no lot with id {missing_id}")
    );
}

#[actix_web::test]
async fn a_bound_token_lists_only_its_suppliers_lots_and_only_its_supplier() {
    let app = app().await;
    let s = app.two_suppliers().await;
    let token = app.bound_token(&s.b_supplier, "inspector").await;

    let lots = app.get_as(&token, "/api/v1/lots").await;
    let asked_for_a = app
        .get_as(
            &token,
            &format!("/api/v1/lots?supplier_id={}", s.a.supplier_id),
        )
        .await;
    let suppliers = app.get_as(&token, "/api/v1/suppliers").await;
    let all_lots = app.get("/api/v1/lots").await;

    assert_eq!(lots.status, 200, "{}", lots.body);
    assert_eq!(ids(&lots.body), vec![s.b_lot.as_str()]);
    assert_eq!(asked_for_a.status, 200, "{}", asked_for_a.body);
    assert!(ids(&asked_for_a.body).is_empty());
    assert_eq!(ids(&suppliers.body), vec![s.b_supplier.as_str()]);
    assert_eq!(ids(&all_lots.body).len(), 2, "an unbound token sees both");
}

#[actix_web::test]
async fn a_bound_token_gets_404_for_everything_keyed_by_another_suppliers_lot() {
    let app = app().await;
    let s = app.two_suppliers().await;
    let a_inspection = "6a1d2c3b-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
    let recorded = app
        .post(
            &format!("/api/v1/lots/{}/inspections", s.a.lot_id),
            inspection(&s.a, a_inspection, 4),
        )
        .await;
    assert_eq!(recorded.status, 201, "{}", recorded.body);
    let decided = app
        .call(
            Method::POST,
            &format!("/api/v1/lots/{}/decision", s.a.lot_id),
            None,
        )
        .await;
    assert_eq!(decided.status, 201, "{}", decided.body);
    let token = app.bound_token(&s.b_supplier, "reviewer").await;
    let a = &s.a.lot_id;

    let reads = [
        format!("/api/v1/inspections/{a_inspection}"),
        format!("/api/v1/lots/{a}/inspections"),
        format!("/api/v1/lots/{a}/statistics"),
        format!("/api/v1/lots/{a}/measurements.csv"),
        format!("/api/v1/lots/{a}/decision"),
        format!("/api/v1/lots/{a}/decision?revision=1"),
        format!(
            "/api/v1/suppliers/{}/switching?part_id={}",
            s.a.supplier_id, s.a.part_id
        ),
    ];
    for uri in &reads {
        let reply = app.get_as(&token, uri).await;
        assert_eq!(reply.status, 404, "{uri}: {}", reply.body);
        reply.assert_problem(404);
    }
    let decide = app
        .send_as(
            &token,
            TestRequest::post().uri(&format!("/api/v1/lots/{a}/decision")),
        )
        .await;
    decide.assert_problem(404);
    // The same reads of its own lot and supplier answer.
    let own_csv = app
        .get_as(
            &token,
            &format!("/api/v1/lots/{}/measurements.csv", s.b_lot),
        )
        .await;
    let own_switching = app
        .get_as(
            &token,
            &format!(
                "/api/v1/suppliers/{}/switching?part_id={}",
                s.b_supplier, s.a.part_id
            ),
        )
        .await;
    assert_eq!(own_csv.status, 200, "{}", own_csv.body);
    assert_eq!(own_switching.status, 200, "{}", own_switching.body);
}

#[actix_web::test]
async fn a_bound_token_gets_404_for_photos_of_another_suppliers_inspection_only() {
    let app = app().await;
    let s = app.two_suppliers().await;
    let token = app.bound_token(&s.b_supplier, "inspector").await;
    let (a_id, b_id) = (uuid::Uuid::new_v4(), uuid::Uuid::new_v4());
    let a_rec = app
        .post(
            &format!("/api/v1/lots/{}/inspections", s.a.lot_id),
            inspection(&s.a, &a_id.to_string(), 4),
        )
        .await;
    let b_rec = app
        .post_as(
            &token,
            &format!("/api/v1/lots/{}/inspections", s.b_lot),
            b_inspection(&s, &b_id.to_string(), "factory"),
        )
        .await;
    assert_eq!(
        (a_rec.status.as_u16(), b_rec.status.as_u16()),
        (201, 201),
        "{}",
        b_rec.body
    );
    let photo_uri = |id: uuid::Uuid| {
        format!(
            "/api/v1/inspections/{id}/units/4/attributes/{}/photos",
            s.a.scratch_id
        )
    };
    let a_photo = app
        .upload(
            &photo_uri(a_id),
            photo_form(&clip_jpeg("top", 1), None, None),
        )
        .await;
    let b_photo = app
        .upload_as(
            &token,
            &photo_uri(b_id),
            photo_form(&clip_jpeg("top", 2), None, None),
        )
        .await;
    assert_eq!(
        (a_photo.status.as_u16(), b_photo.status.as_u16()),
        (201, 201),
        "{}",
        b_photo.body
    );
    let (a_photo, b_photo) = (&a_photo.body["id"], &b_photo.body["id"]);

    let original = app
        .get_as(
            &token,
            &format!("/api/v1/photos/{}", a_photo.as_str().unwrap()),
        )
        .await;
    let thumbnail = app
        .get_as(
            &token,
            &format!("/api/v1/photos/{}/thumbnail", a_photo.as_str().unwrap()),
        )
        .await;
    let compared = app
        .get_as(
            &token,
            &format!(
                "/api/v1/photos/{}/compare/{}",
                b_photo.as_str().unwrap(),
                a_photo.as_str().unwrap()
            ),
        )
        .await;
    let attach_to_a = app
        .upload_as(
            &token,
            &photo_uri(a_id),
            photo_form(&clip_jpeg("top", 3), None, None),
        )
        .await;
    let own = app
        .get_as(
            &token,
            &format!("/api/v1/photos/{}/thumbnail", b_photo.as_str().unwrap()),
        )
        .await;

    original.assert_problem(404);
    thumbnail.assert_problem(404);
    compared.assert_problem(404);
    attach_to_a.assert_problem(404);
    assert_eq!(own.status, 200);
    assert_eq!(
        count(&app.db, "attribute_result_photos"),
        2,
        "nothing added to A's"
    );
}

#[actix_web::test]
async fn a_bound_token_cannot_record_on_another_suppliers_lot() {
    let app = app().await;
    let s = app.two_suppliers().await;
    let token = app.bound_token(&s.b_supplier, "inspector").await;
    let id = uuid::Uuid::new_v4().to_string();

    let reply = app
        .post_as(
            &token,
            &format!("/api/v1/lots/{}/inspections", s.a.lot_id),
            inspection(&s.a, &id, 4),
        )
        .await;
    let csv = app
        .send_as(
            &token,
            TestRequest::post()
                .uri(&format!(
                    "/api/v1/lots/{}/inspections/import?id={}&source=factory&mode=sampling&inspector=kim&inspected_at=2026-11-21T08:00:00Z",
                    s.a.lot_id,
                    uuid::Uuid::new_v4()
                ))
                .insert_header(("content-type", "text/csv"))
                .set_payload("unit,serial,Width\n1,S-1,12.01\n"),
        )
        .await;

    reply.assert_problem(404);
    assert_eq!(
        reply.body["detail"],
        format!("no lot with id {}", s.a.lot_id)
    );
    csv.assert_problem(404);
    assert_eq!(count(&app.db, "inspections"), 0);
}

#[actix_web::test]
async fn a_bound_token_cannot_record_in_house_work_even_on_its_own_lot() {
    let app = app().await;
    let s = app.two_suppliers().await;
    let inspector = app.bound_token(&s.b_supplier, "inspector").await;
    let reviewer = app.bound_token(&s.b_supplier, "reviewer").await;
    let factory_id = uuid::Uuid::new_v4().to_string();
    let recorded = app
        .post_as(
            &inspector,
            &format!("/api/v1/lots/{}/inspections", s.b_lot),
            b_inspection(&s, &factory_id, "factory"),
        )
        .await;
    assert_eq!(recorded.status, 201, "{}", recorded.body);

    let json = app
        .post_as(
            &inspector,
            &format!("/api/v1/lots/{}/inspections", s.b_lot),
            b_inspection(&s, &uuid::Uuid::new_v4().to_string(), "in_house"),
        )
        .await;
    let csv = app
        .send_as(
            &inspector,
            TestRequest::post()
                .uri(&format!(
                    "/api/v1/lots/{}/inspections/import?id={}&source=in_house&mode=sampling&inspector=kim&inspected_at=2026-11-21T08:00:00Z",
                    s.b_lot,
                    uuid::Uuid::new_v4()
                ))
                .insert_header(("content-type", "text/csv"))
                .set_payload("unit,serial,Width\n1,S-1,12.01\n"),
        )
        .await;
    let correction = app
        .post_as(
            &reviewer,
            &format!("/api/v1/inspections/{factory_id}/corrections"),
            json!({"reason": "recount",
                "inspection": b_inspection(&s, &uuid::Uuid::new_v4().to_string(), "in_house")}),
        )
        .await;

    json.assert_problem(422);
    assert_eq!(json.error_fields(), vec!["source"]);
    let message = json.body["errors"][0]["message"].as_str().unwrap();
    assert_eq!(
        message,
        format!(
            "a token bound to supplier {} cannot record in-house inspections; use a token \
             that is not bound to a supplier",
            s.b_supplier
        )
    );
    csv.assert_problem(422);
    assert_eq!(csv.error_fields(), vec!["source"]);
    correction.assert_problem(422);
    assert_eq!(correction.error_fields(), vec!["inspection.source"]);
    assert_eq!(
        count(&app.db, "inspections"),
        1,
        "only the factory's inspection"
    );
}

#[actix_web::test]
async fn a_token_that_is_not_bound_may_record_in_house_work() {
    let app = app().await;
    let s = app.two_suppliers().await;
    let unbound = app.token(Role::Inspector);

    let reply = app
        .post_as(
            &unbound,
            &format!("/api/v1/lots/{}/inspections", s.b_lot),
            b_inspection(&s, &uuid::Uuid::new_v4().to_string(), "in_house"),
        )
        .await;

    assert_eq!(reply.status, 201, "{}", reply.body);
    assert_eq!(reply.body["source"], "in_house");
}

/// The probe of issue 13: B's tablet recorded a failing in-house inspection on A's lot,
/// and A's decision went from accept to reject.
#[actix_web::test]
async fn a_token_of_supplier_b_cannot_change_the_verdict_of_supplier_as_lot() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    let a_lot = app.stream_lot(&s, "A-1", 1000, "2026-11-01").await;
    app.attribute_inspection(&a_lot, &s.char_id, 80, 0, "sampling", None)
        .await;
    let before = app.decide(&a_lot).await;
    assert_eq!(before.body["verdict"], "accept", "{}", before.body);
    let b_supplier = app.create_supplier("BRV").await;
    let b_token = app.bound_token(&b_supplier, "inspector").await;
    let units: Vec<Value> = (1..=80)
        .map(
            |i| json!({"unit": i, "attributes": [{"characteristic_id": s.char_id, "pass": false}]}),
        )
        .collect();
    let failing = json!({"id": uuid::Uuid::new_v4(), "source": "in_house", "mode": "sampling",
        "inspector": "probe", "inspected_at": "2026-11-02T08:00:00Z", "units": units});

    let probe = app
        .post_as(
            &b_token,
            &format!("/api/v1/lots/{a_lot}/inspections"),
            failing,
        )
        .await;
    let after = app.decide(&a_lot).await;

    probe.assert_problem(404);
    assert_eq!(after.status, 201, "{}", after.body);
    assert_eq!(after.body["verdict"], "accept");
    assert_eq!(count(&app.db, "inspections"), 1);
}

#[actix_web::test]
async fn a_bound_token_cannot_register_a_lot_for_another_supplier() {
    let app = app().await;
    let s = app.two_suppliers().await;
    let token = app.bound_token(&s.b_supplier, "inspector").await;
    let lot = |supplier: &str, number: &str| {
        json!({"part_id": s.a.part_id, "supplier_id": supplier, "lot_number": number,
            "lot_size": 200, "produced_on": "2026-11-22"})
    };

    let other = app
        .post_as(&token, "/api/v1/lots", lot(&s.a.supplier_id, "X-1"))
        .await;
    let own = app
        .post_as(&token, "/api/v1/lots", lot(&s.b_supplier, "B-2"))
        .await;

    // Answered like a supplier that does not exist: 404 naming the field.
    other.assert_problem(404);
    assert_eq!(other.error_fields(), vec!["supplier_id"]);
    assert_eq!(
        other.body["detail"],
        format!("no supplier with id {}", s.a.supplier_id)
    );
    assert_eq!(own.status, 201, "{}", own.body);
    assert_eq!(count(&app.db, "lots"), 3);
}

#[actix_web::test]
async fn a_bound_token_is_refused_the_audit_trail_and_switching_settings_with_403() {
    let app = app().await;
    let s = app.two_suppliers().await;
    let token = app.bound_token(&s.b_supplier, "reviewer").await;

    let audit = app.get_as(&token, "/api/v1/audit").await;
    let settings = app
        .send_as(
            &token,
            TestRequest::put()
                .uri(&format!(
                    "/api/v1/suppliers/{}/switching/settings",
                    s.b_supplier
                ))
                .set_json(json!({"part_id": s.a.part_id, "production_steady": true,
                    "reduced_approved": true})),
        )
        .await;
    let catalogue = app
        .get_as(&token, &format!("/api/v1/parts/{}", s.a.part_id))
        .await;

    audit.assert_problem(403);
    assert!(
        audit.body["detail"]
            .as_str()
            .unwrap()
            .contains("not bound to a supplier"),
        "{}",
        audit.body
    );
    settings.assert_problem(403);
    assert_eq!(catalogue.status, 200, "the shared catalogue stays readable");
}

#[actix_web::test]
async fn the_capability_of_a_characteristic_covers_only_the_bound_suppliers_lots() {
    let app = app().await;
    let s = app.two_suppliers().await;
    let token = app.bound_token(&s.b_supplier, "inspector").await;
    for (lot, n) in [(&s.a.lot_id, "1"), (&s.b_lot, "2")] {
        let id = format!("00000000-0000-4000-8000-00000000000{n}");
        let reply = app
            .post(
                &format!("/api/v1/lots/{lot}/inspections"),
                inspection(&s.a, &id, 4),
            )
            .await;
        assert_eq!(reply.status, 201, "{}", reply.body);
    }
    let uri = format!(
        "/api/v1/parts/{}/characteristics/{}/capability",
        s.a.part_id, s.a.width_id
    );

    let bound = app.get_as(&token, &uri).await;
    let unbound = app.get(&uri).await;

    assert_eq!(bound.status, 200, "{}", bound.body);
    let lots: Vec<&str> = bound.body["lots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["lot_id"].as_str().unwrap())
        .collect();
    assert_eq!(lots, vec![s.b_lot.as_str()]);
    assert_eq!(unbound.body["lots"].as_array().unwrap().len(), 2);
}

#[actix_web::test]
async fn a_token_for_an_unknown_supplier_is_404_and_a_bound_admin_422_naming_supplier_id() {
    let app = app().await;
    let supplier = app.create_supplier("BRV").await;
    let token = |role: &str, supplier: &str| json!({"name": "tablet", "holder": "device", "role": role, "supplier_id": supplier});

    let unknown = app
        .post(
            "/api/v1/tokens",
            token("inspector", &uuid::Uuid::new_v4().to_string()),
        )
        .await;
    let admin = app.post("/api/v1/tokens", token("admin", &supplier)).await;

    unknown.assert_problem(404);
    assert_eq!(unknown.error_fields(), vec!["supplier_id"]);
    admin.assert_problem(422);
    assert_eq!(admin.error_fields(), vec!["supplier_id"]);
    assert_eq!(count(&app.db, "api_tokens"), 1, "only the test's admin");
}

#[actix_web::test]
async fn the_token_list_and_the_audit_trail_show_the_binding() {
    let app = app().await;
    let s = app.two_suppliers().await;
    let token = app.bound_token(&s.b_supplier, "inspector").await;
    let lot = app
        .post_as(
            &token,
            "/api/v1/lots",
            json!({"part_id": s.a.part_id, "supplier_id": s.b_supplier, "lot_number": "B-9",
                "lot_size": 200, "produced_on": "2026-11-22"}),
        )
        .await;
    assert_eq!(lot.status, 201, "{}", lot.body);

    let tokens = app.get("/api/v1/tokens").await;
    let created = app.get("/api/v1/audit?entity=token&action=create").await;
    let by_tablet = app
        .get(&format!(
            "/api/v1/audit?entity=lot&entity_id={}",
            lot.body["id"].as_str().unwrap()
        ))
        .await;
    let by_admin = app
        .get(&format!("/api/v1/audit?entity=lot&entity_id={}", s.b_lot))
        .await;

    let bindings: Vec<&Value> = tokens
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|t| &t["supplier_id"])
        .collect();
    assert_eq!(bindings, vec![&Value::Null, &json!(s.b_supplier)]);
    // The test's admin token was made first (unbound), the tablet's second.
    let created = created.body["items"].as_array().unwrap();
    assert_eq!(created.len(), 2, "{created:?}");
    assert_eq!(created[0]["new_value"]["supplier_id"], Value::Null);
    assert_eq!(created[1]["new_value"]["supplier_id"], s.b_supplier);
    assert_eq!(
        by_tablet.body["items"][0]["token_supplier_id"],
        s.b_supplier
    );
    assert_eq!(by_admin.body["items"][0]["token_supplier_id"], Value::Null);
}

#[test]
fn lotgate_token_create_binds_a_token_to_the_supplier_of_supplier_id() {
    let db = crate::support::TestDb::new();
    let supplier = lotgate::service::suppliers::create(
        &mut db.pool.get().unwrap(),
        &lotgate::auth::Principal::command_line("tests"),
        None,
        &lotgate::service::suppliers::SupplierInput {
            name: "Factory BRV".into(),
            code: "BRV".into(),
        },
    )
    .unwrap();
    let create = |supplier: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_lotgate"))
            .args([
                "token",
                "create",
                "--name",
                "Line 3 tablet",
                "--role",
                "inspector",
                "--holder",
                "device",
                "--supplier-id",
                supplier,
            ])
            .env("DATABASE_URL", db.url())
            .env("RUST_LOG", "warn")
            .output()
            .unwrap()
    };

    let out = create(&supplier.id.to_string());
    let unknown = create(&uuid::Uuid::new_v4().to_string());

    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!unknown.status.success());
    assert!(
        String::from_utf8_lossy(&unknown.stderr).contains("--supplier-id: no supplier with id"),
        "{}",
        String::from_utf8_lossy(&unknown.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let token = stdout.lines().last().unwrap().trim().to_string();
    let supplier_id = supplier.id.to_string();
    actix_web::rt::System::new().block_on(async move {
        let app = crate::support::app_over(db).await;
        let suppliers = app.get_as(&token, "/api/v1/suppliers").await;
        let lot = app
            .post_as(
                &token,
                "/api/v1/lots",
                json!({"part_id": uuid::Uuid::new_v4(), "supplier_id": supplier_id,
                    "lot_number": "B-1", "lot_size": 10, "produced_on": "2026-11-22"}),
            )
            .await;
        let listed = app.get("/api/v1/tokens").await;

        assert_eq!(ids(&suppliers.body), vec![supplier_id.as_str()]);
        // The part is unknown; what matters is that the supplier was accepted.
        lot.assert_problem(404);
        assert_eq!(lot.error_fields(), vec!["part_id"]);
        let bound: Vec<&Value> = listed
            .body
            .as_array()
            .unwrap()
            .iter()
            .map(|t| &t["supplier_id"])
            .filter(|s| !s.is_null())
            .collect();
        assert_eq!(bound, vec![&json!(supplier_id)]);
    });
}

#[actix_web::test]
async fn the_database_refuses_to_change_a_tokens_binding() {
    use diesel::RunQueryDsl;
    let app = app().await;
    let s = app.two_suppliers().await;
    app.bound_token(&s.b_supplier, "inspector").await;
    let mut conn = app.db.pool.get().unwrap();

    let moved = diesel::sql_query(format!(
        "UPDATE api_tokens SET supplier_id = '{}' WHERE supplier_id IS NOT NULL",
        s.a.supplier_id
    ))
    .execute(&mut conn);
    let unbound =
        diesel::sql_query("UPDATE api_tokens SET supplier_id = NULL WHERE supplier_id IS NOT NULL")
            .execute(&mut conn);
    let revoked =
        diesel::sql_query("UPDATE api_tokens SET revoked_at = now() WHERE supplier_id IS NOT NULL")
            .execute(&mut conn);

    let message = moved.unwrap_err().to_string();
    assert!(message.contains("cannot change"), "{message}");
    assert!(unbound.is_err());
    assert_eq!(
        revoked.unwrap(),
        1,
        "other changes of a bound token still work"
    );
}
