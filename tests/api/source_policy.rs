//! A supplier's source policy: whose results decide a characteristic that both the
//! factory's own QC and the in-house inspection recorded (never pooled), with its
//! history, its audit trail, who may read and set it, and what decisions make of it.
//!
//! The lot (fixture: 500 units; Width 11.8..12.2 mm major AQL 1.0, level II -> code H,
//! n 50; ISO 2859-1:1999 Table II-A: Ac 1 Re 2) is sampled by both sources: the factory's
//! 50 widths are all 12.0 (0 nonconforming: accept), the in-house sample has 2 above the
//! USL (reject). The count, by GNU R 4:
//!   Rscript -e 'x <- c(rep(12.0,48), 12.25, 12.31); sum(x < 11.8 | x > 12.2)'  ->  [1] 2

use actix_web::http::Method;
use actix_web::test::TestRequest;
use lotgate::domain::Role;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::builders::Fixture;
use crate::support::app;

const ACCEPTED_BY_FACTORY: [f64; 50] = [12.0; 50];

fn rejected_in_house() -> Vec<f64> {
    let mut widths = vec![12.0; 48];
    widths.extend([12.25, 12.31]);
    widths
}

/// An inspection of Width alone by `source` in `mode`, of these widths (serials S-1..).
fn widths(f: &Fixture, source: &str, mode: &str, at: &str, values: &[f64]) -> Value {
    let units: Vec<Value> = values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            json!({"unit": i + 1, "serial": format!("S-{}", i + 1),
                "measurements": [{"characteristic_id": f.width_id, "value": v}]})
        })
        .collect();
    json!({"id": Uuid::new_v4(), "source": source, "mode": mode, "inspector": "kim",
        "inspected_at": at, "units": units})
}

fn width<'a>(decision: &'a Value, f: &Fixture) -> &'a Value {
    decision["characteristics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["characteristic_id"] == f.width_id.as_str())
        .unwrap()
}

fn uri(supplier: &str) -> String {
    format!("/api/v1/suppliers/{supplier}/source-policy")
}

macro_rules! record {
    ($app:expr, $lot:expr, $body:expr) => {{
        let reply = $app
            .post(&format!("/api/v1/lots/{}/inspections", $lot), $body)
            .await;
        assert_eq!(reply.status, 201, "{}", reply.body);
        reply.body["id"].as_str().unwrap().to_string()
    }};
}

macro_rules! set_policy {
    ($app:expr, $token:expr, $supplier:expr, $body:expr) => {
        $app.send_as(
            $token,
            TestRequest::put().uri(&uri($supplier)).set_json($body),
        )
        .await
    };
}

macro_rules! decide {
    ($app:expr, $lot:expr) => {{
        let reply = $app
            .call(
                Method::POST,
                &format!("/api/v1/lots/{}/decision", $lot),
                None,
            )
            .await;
        assert_eq!(reply.status, 201, "{}", reply.body);
        reply.body
    }};
}

#[actix_web::test]
async fn a_supplier_never_given_a_policy_has_in_house_decides_with_an_empty_history() {
    let app = app().await;
    let f = app.fixture().await;

    let reply = app.get(&uri(&f.supplier_id)).await;
    let suppliers = app.get("/api/v1/suppliers").await;

    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(
        reply.body,
        json!({"supplier_id": f.supplier_id, "policy": "in_house_decides", "since": null,
            "set_by": null, "reason": null, "history": []})
    );
    assert_eq!(
        suppliers.body["items"][0]["source_policy"],
        "in_house_decides"
    );
}

#[actix_web::test]
async fn a_reviewer_sets_the_policy_and_the_history_lists_it_newest_first_and_audited() {
    let app = app().await;
    let f = app.fixture().await;
    let reviewer = app.token(Role::Reviewer);

    let first = set_policy!(
        app,
        &reviewer,
        &f.supplier_id,
        json!({"policy": "factory_results_decide", "reason": "  A year of matching reports. "})
    );
    let second = set_policy!(
        app,
        &reviewer,
        &f.supplier_id,
        json!({"policy": "in_house_decides", "reason": "Escapes found in November."})
    );
    let read = app.get(&uri(&f.supplier_id)).await;
    let suppliers = app.get("/api/v1/suppliers").await;
    let trail = app
        .get(&format!(
            "/api/v1/audit?entity=source_policy&entity_id={}",
            f.supplier_id
        ))
        .await;

    assert_eq!(first.status, 200, "{}", first.body);
    assert_eq!(first.body["policy"], "factory_results_decide");
    assert_eq!(first.body["reason"], "A year of matching reports.");
    assert_eq!(second.status, 200, "{}", second.body);
    assert_eq!(read.body, second.body);
    let b = &read.body;
    assert_eq!(b["policy"], "in_house_decides");
    assert_eq!(b["set_by"], "test reviewer");
    assert_eq!(b["reason"], "Escapes found in November.");
    assert_eq!(b["since"], b["history"][0]["set_at"]);
    let history = b["history"].as_array().unwrap();
    let policies: Vec<&Value> = history.iter().map(|h| &h["policy"]).collect();
    assert_eq!(policies, ["in_house_decides", "factory_results_decide"]);
    assert_eq!(history[1]["reason"], "A year of matching reports.");
    assert_eq!(history[1]["set_by"], "test reviewer");
    assert!(history[0]["set_at"].as_str() >= history[1]["set_at"].as_str());
    assert_eq!(
        suppliers.body["items"][0]["source_policy"],
        "in_house_decides"
    );
    assert_eq!(trail.status, 200, "{}", trail.body);
    let rows = trail.body["items"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    // The trail lists the changes in the order made, each with the policy it replaced.
    assert_eq!(rows[0]["old_value"]["policy"], "in_house_decides");
    assert_eq!(rows[0]["new_value"]["policy"], "factory_results_decide");
    assert_eq!(rows[1]["action"], "update");
    assert_eq!(rows[1]["actor"], "test reviewer");
    assert_eq!(rows[1]["role"], "reviewer");
    assert_eq!(rows[1]["reason"], "Escapes found in November.");
    assert_eq!(rows[1]["new_value"]["policy"], "in_house_decides");
    assert_eq!(rows[1]["old_value"]["policy"], "factory_results_decide");
}

#[actix_web::test]
async fn an_inspector_reads_the_policy_but_cannot_set_it() {
    let app = app().await;
    let f = app.fixture().await;
    let inspector = app.token(Role::Inspector);

    let read = app
        .send_as(&inspector, TestRequest::get().uri(&uri(&f.supplier_id)))
        .await;
    let set = set_policy!(
        app,
        &inspector,
        &f.supplier_id,
        json!({"policy": "factory_results_decide", "reason": "trusted"})
    );

    assert_eq!(read.status, 200, "{}", read.body);
    set.assert_problem(403);
    let after = app.get(&uri(&f.supplier_id)).await;
    assert_eq!(after.body["history"], json!([]));
}

#[actix_web::test]
async fn an_unknown_policy_or_a_missing_or_blank_reason_is_422_naming_the_field() {
    let app = app().await;
    let f = app.fixture().await;
    let reviewer = app.token(Role::Reviewer);

    let unknown = set_policy!(
        app,
        &reviewer,
        &f.supplier_id,
        json!({"policy": "factory_decides", "reason": "trusted"})
    );
    let missing = set_policy!(
        app,
        &reviewer,
        &f.supplier_id,
        json!({"policy": "factory_results_decide"})
    );
    let blank = set_policy!(
        app,
        &reviewer,
        &f.supplier_id,
        json!({"policy": "factory_results_decide", "reason": " \t "})
    );

    unknown.assert_problem(422);
    assert_eq!(unknown.error_fields(), ["policy"]);
    missing.assert_problem(422);
    assert_eq!(missing.error_fields(), ["reason"]);
    blank.assert_problem(422);
    assert_eq!(blank.error_fields(), ["reason"]);
    let after = app.get(&uri(&f.supplier_id)).await;
    assert_eq!(after.body["history"], json!([]));
}

#[actix_web::test]
async fn an_unknown_supplier_is_404_to_read_and_to_set() {
    let app = app().await;
    let reviewer = app.token(Role::Reviewer);
    let nobody = Uuid::new_v4().to_string();

    let read = app.get(&uri(&nobody)).await;
    let set = set_policy!(
        app,
        &reviewer,
        &nobody,
        json!({"policy": "factory_results_decide", "reason": "trusted"})
    );

    read.assert_problem(404);
    set.assert_problem(404);
}

#[actix_web::test]
async fn a_token_bound_to_another_supplier_can_neither_read_nor_set_the_policy() {
    let app = app().await;
    let f = app.fixture().await;
    let other = app.create_supplier("OTH").await;
    let bound = app.supplier_token(&other, "reviewer").await;
    let own = app.supplier_token(&f.supplier_id, "reviewer").await;

    let read = app
        .send_as(&bound, TestRequest::get().uri(&uri(&f.supplier_id)))
        .await;
    let set = set_policy!(
        app,
        &bound,
        &f.supplier_id,
        json!({"policy": "factory_results_decide", "reason": "we trust ourselves"})
    );
    let own_read = app
        .send_as(&own, TestRequest::get().uri(&uri(&f.supplier_id)))
        .await;
    // Whose results decide a supplier's lots is never the supplier's own choice.
    let own_set = set_policy!(
        app,
        &own,
        &f.supplier_id,
        json!({"policy": "factory_results_decide", "reason": "we trust ourselves"})
    );

    read.assert_problem(404);
    set.assert_problem(403);
    assert_eq!(own_read.status, 200, "{}", own_read.body);
    own_set.assert_problem(403);
    let after = app.get(&uri(&f.supplier_id)).await;
    assert_eq!(after.body["history"], json!([]));
}

#[actix_web::test]
async fn the_policy_in_force_chooses_whose_sample_decides_and_an_earlier_decision_stands() {
    let app = app().await;
    let f = app.fixture().await;
    let factory = record!(
        app,
        f.lot_id,
        widths(
            &f,
            "factory",
            "sampling",
            "2026-11-20T08:00:00Z",
            &ACCEPTED_BY_FACTORY
        )
    );
    let in_house = record!(
        app,
        f.lot_id,
        widths(
            &f,
            "in_house",
            "sampling",
            "2026-11-21T08:00:00Z",
            &rejected_in_house()
        )
    );

    let by_default = decide!(app, f.lot_id);
    let set = set_policy!(
        app,
        &app.admin_token,
        &f.supplier_id,
        json!({"policy": "factory_results_decide", "reason": "Trusted after the 2026 audit."})
    );
    let first_after_change = app
        .get(&format!("/api/v1/lots/{}/decision?revision=1", f.lot_id))
        .await;
    let trusted = decide!(app, f.lot_id);

    assert_eq!(by_default["source_policy"], "in_house_decides");
    let w = width(&by_default, &f);
    assert_eq!(w["decided_by_source"], "in_house");
    assert_eq!(w["decided_by"], in_house.as_str());
    assert_eq!(
        (&w["units_inspected"], &w["defectives"]),
        (&json!(50), &json!(2))
    );
    assert_eq!(w["verdict"], "reject");
    assert_eq!(set.status, 200, "{}", set.body);
    // The policy change does not reopen the decision already made.
    assert_eq!(
        first_after_change.status, 200,
        "{}",
        first_after_change.body
    );
    assert_eq!(first_after_change.body, by_default);
    assert_eq!(trusted["revision"], 2);
    assert_eq!(trusted["source_policy"], "factory_results_decide");
    let w = width(&trusted, &f);
    assert_eq!(w["decided_by_source"], "factory");
    assert_eq!(w["decided_by"], factory.as_str());
    assert_eq!(
        (&w["units_inspected"], &w["defectives"]),
        (&json!(50), &json!(0))
    );
    assert_eq!(w["verdict"], "accept");
    // The in-house sample is still listed as disagreeing, never pooled.
    assert_eq!(w["later_disagreeing"], json!([in_house]));
}

#[actix_web::test]
async fn under_full_inspection_the_preferred_sources_latest_full_inspection_decides() {
    let app = app().await;
    let f = app.fixture().await;
    let lot = app
        .create_lot(&f.part_id, &f.supplier_id, "L-5", 5, "2026-11-22")
        .await;
    let in_house = record!(
        app,
        lot,
        widths(
            &f,
            "in_house",
            "full",
            "2026-11-22T08:00:00Z",
            &[12.0, 12.0, 12.3, 12.0, 12.0]
        )
    );
    // Later than the in-house one: the latest full inspection, but not the preferred
    // source's under the default policy.
    let factory = record!(
        app,
        lot,
        widths(&f, "factory", "full", "2026-11-23T08:00:00Z", &[12.0; 5])
    );

    let by_default = decide!(app, lot);
    let set = set_policy!(
        app,
        &app.admin_token,
        &f.supplier_id,
        json!({"policy": "factory_results_decide", "reason": "Trusted after the 2026 audit."})
    );
    let trusted = decide!(app, lot);

    assert_eq!(set.status, 200, "{}", set.body);
    let w = width(&by_default, &f);
    assert_eq!(w["decided_by_source"], "in_house");
    assert_eq!(w["decided_by"], in_house.as_str());
    assert_eq!(w["defectives"], 1);
    let w = width(&trusted, &f);
    assert_eq!(w["decided_by_source"], "factory");
    assert_eq!(w["decided_by"], factory.as_str());
    assert_eq!(w["defectives"], 0);
}

#[actix_web::test]
async fn the_database_refuses_to_change_or_remove_a_policy_of_the_history() {
    use diesel::RunQueryDsl;
    let app = app().await;
    let f = app.fixture().await;
    let set = set_policy!(
        app,
        &app.admin_token,
        &f.supplier_id,
        json!({"policy": "factory_results_decide", "reason": "Trusted after the 2026 audit."})
    );
    assert_eq!(set.status, 200, "{}", set.body);
    let mut conn = app.db.pool.get().unwrap();

    let update =
        diesel::sql_query("UPDATE supplier_source_policies SET policy = 'in_house_decides'")
            .execute(&mut conn);
    let delete = diesel::sql_query("DELETE FROM supplier_source_policies").execute(&mut conn);

    for result in [update, delete] {
        assert!(
            result.unwrap_err().to_string().contains("append-only"),
            "a source policy was changed"
        );
    }
    let after = app.get(&uri(&f.supplier_id)).await;
    assert_eq!(after.body["policy"], "factory_results_decide");
}

#[actix_web::test]
async fn a_change_made_at_the_same_moment_as_another_is_refused_with_409() {
    use diesel::RunQueryDsl;
    let app = app().await;
    let f = app.fixture().await;
    // Another change, not yet committed when this one reads the history.
    let mut other = app.db.pool.get().unwrap();
    diesel::sql_query("BEGIN").execute(&mut other).unwrap();
    diesel::sql_query(format!(
        "INSERT INTO supplier_source_policies (supplier_id, position, policy, reason, set_by) \
         VALUES ('{}', 1, 'in_house_decides', 'New supplier.', 'someone')",
        f.supplier_id
    ))
    .execute(&mut other)
    .unwrap();
    let mut watcher = app.db.pool.get().unwrap();
    // Commits once this change waits for it on the primary key (or after 10 s).
    let committer = std::thread::spawn(move || {
        #[derive(diesel::QueryableByName)]
        struct Waiting {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        for _ in 0..200 {
            let waiting: Waiting = diesel::sql_query(
                "SELECT count(*) AS n FROM pg_stat_activity \
                 WHERE datname = current_database() AND wait_event_type = 'Lock'",
            )
            .get_result(&mut watcher)
            .unwrap();
            if waiting.n > 0 {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        diesel::sql_query("COMMIT").execute(&mut other).unwrap();
    });

    let reply = set_policy!(
        app,
        &app.admin_token,
        &f.supplier_id,
        json!({"policy": "factory_results_decide", "reason": "Trusted after the 2026 audit."})
    );
    committer.join().unwrap();

    reply.assert_problem(409);
    let after = app.get(&uri(&f.supplier_id)).await;
    assert_eq!(after.body["policy"], "in_house_decides");
    assert_eq!(after.body["history"].as_array().unwrap().len(), 1);
}
