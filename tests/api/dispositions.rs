//! Disposition of lots not accepted (ISO 2859-1:1999 7.5), of units rejected individually
//! (6.4) and release of lots, with resubmitted lots (7.6): `dispose_lot`,
//! `list_lot_dispositions`, `release_lot`. The lot's status is read from the database's
//! generated column at each step.
//!
//! Plans (ISO 2859-1:1999 Table I: lot 500 at level II -> code letter H; Table II-A, H,
//! AQL 1.0 normal: n 50, Ac 1, Re 2; Table II-B, tightened: J, n 80, Ac 1, Re 2), by hand:
//! 1 nonconforming in 50 <= Ac 1 accepts; 3 >= Re 2 rejects; 0 in 80 accepts.

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::test::TestRequest;
use diesel::prelude::*;
use diesel::sql_types::{Text, Uuid as SqlUuid};
use lotgate::domain::Role;
use serde_json::{Value, json};

use crate::streams::Stream;
use crate::support::{Reply, TestApp, TestDb, app, run_lotgate};

#[derive(QueryableByName)]
struct Status {
    #[diesel(sql_type = Text)]
    status: String,
}

/// The lot's status as PostgreSQL generated it.
fn status(db: &TestDb, lot: &str) -> String {
    diesel::sql_query("SELECT status FROM lots WHERE id = $1")
        .bind::<SqlUuid, _>(uuid::Uuid::parse_str(lot).unwrap())
        .get_result::<Status>(&mut db.pool.get().unwrap())
        .unwrap()
        .status
}

impl<S, B> TestApp<S>
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    /// An in-house sampling inspection of `units` attribute results with serials
    /// `S-1`, `S-2`..., the first `failures` failed, optionally of a resubmission.
    async fn serial_sample(
        &self,
        lot: &str,
        s: &Stream,
        units: usize,
        failures: usize,
        resubmission: Option<&str>,
    ) -> String {
        let id = uuid::Uuid::new_v4().to_string();
        let units: Vec<Value> = (1..=units)
            .map(|i| {
                json!({"unit": i, "serial": format!("S-{i}"),
                "attributes": [{"characteristic_id": s.char_id, "pass": i > failures}]})
            })
            .collect();
        let mut body = json!({"id": id, "source": "in_house", "mode": "sampling",
            "inspector": "kim", "inspected_at": "2026-11-20T09:15:00Z", "units": units});
        if let Some(r) = resubmission {
            body["resubmission_id"] = json!(r);
        }
        let reply = self
            .post(&format!("/api/v1/lots/{lot}/inspections"), body)
            .await;
        assert_eq!(reply.status, 201, "{}", reply.body);
        id
    }

    /// A lot of 500 sampled (n 50) with `failures` nonconforming, decided with `verdict`.
    async fn sampled_lot(&self, s: &Stream, failures: usize, verdict: &str) -> (String, String) {
        let lot = self.stream_lot(s, "L-1", 500, "2026-11-01").await;
        let inspection = self.serial_sample(&lot, s, 50, failures, None).await;
        let d = self.decide(&lot).await;
        assert_eq!(d.body["verdict"], verdict, "{}", d.body);
        (lot, inspection)
    }

    async fn dispose(&self, lot: &str, body: Value) -> Reply {
        self.post(&format!("/api/v1/lots/{lot}/disposition"), body)
            .await
    }

    async fn release(&self, lot: &str) -> Reply {
        self.post(&format!("/api/v1/lots/{lot}/release"), json!({}))
            .await
    }
}

fn concession() -> Value {
    json!({"disposition": "use_as_is", "reason": "flash is cosmetic on a hidden face",
        "justification": "customer concession C-114", "approver": "J. Moreau",
        "quantity": 500, "expires_on": "2099-12-31"})
}

fn detail(reply: &Reply) -> &str {
    reply.body["detail"].as_str().unwrap_or_default()
}

/// ISO 2859-1 7.5: a lot not accepted and returned to its supplier is never released.
#[actix_web::test]
async fn a_lot_returned_to_its_supplier_cannot_be_released() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    let (lot, _) = app.sampled_lot(&s, 3, "reject").await;
    assert_eq!(status(&app.db, &lot), "not_accepted");

    let d = app
        .dispose(
            &lot,
            json!({"disposition": "return_to_supplier", "reason": "scratched housings"}),
        )
        .await;
    assert_eq!(d.status, 201, "{}", d.body);
    assert_eq!(d.body["disposition"]["scope"], "lot");
    assert_eq!(d.body["lot_status"], "dispositioned");
    assert_eq!(d.body["disposition"]["units"].as_array().unwrap().len(), 3);
    assert_eq!(status(&app.db, &lot), "dispositioned");

    let r = app.release(&lot).await;

    r.assert_problem(409);
    assert!(detail(&r).contains("cannot be released"), "{}", r.body);
    assert_eq!(status(&app.db, &lot), "dispositioned");
}

/// ISO 2859-1 7.5: the responsible authority may use a lot not accepted as it is, under a
/// concession; it is then released.
#[actix_web::test]
async fn a_lot_used_as_is_under_a_concession_is_released() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    let (lot, _) = app.sampled_lot(&s, 3, "reject").await;

    let d = app.dispose(&lot, concession()).await;
    assert_eq!(d.status, 201, "{}", d.body);
    assert_eq!(d.body["disposition"]["approver"], "J. Moreau");
    assert_eq!(d.body["disposition"]["quantity"], 500);
    assert_eq!(status(&app.db, &lot), "dispositioned");
    let r = app.release(&lot).await;

    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["lot_status"], "released");
    assert_eq!(status(&app.db, &lot), "released");
    let list = app.get(&format!("/api/v1/lots/{lot}/dispositions")).await;
    assert_eq!(list.status, 200, "{}", list.body);
    assert_eq!(list.body["items"][0]["disposition"], "use_as_is");
}

/// ISO 2859-1 6.4: the units found nonconforming in an accepted lot are rejected
/// individually; the lot is released once they have a disposition. Audit verify then
/// finds every disposition and the release intact.
#[actix_web::test]
async fn an_accepted_lot_is_released_once_its_rejected_units_are_dispositioned() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    let (lot, inspection) = app.sampled_lot(&s, 1, "accept").await;
    assert_eq!(status(&app.db, &lot), "accepted");

    let refused = app.release(&lot).await;
    refused.assert_problem(409);
    let named = format!("unit 1 (serial S-1) of inspection {inspection}");
    assert!(detail(&refused).contains(&named), "{}", refused.body);
    assert!(detail(&refused).contains("dispose_lot"), "{}", refused.body);

    let d = app
        .dispose(
            &lot,
            json!({"disposition": "scrap", "reason": "deep scratch"}),
        )
        .await;
    assert_eq!(d.status, 201, "{}", d.body);
    assert_eq!(d.body["disposition"]["scope"], "rejected_units");
    assert_eq!(d.body["disposition"]["units"][0]["serial"], "S-1");
    assert_eq!(d.body["lot_status"], "accepted");
    assert_eq!(status(&app.db, &lot), "accepted");

    let r = app.release(&lot).await;

    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(status(&app.db, &lot), "released");
    let (intact, report) = run_lotgate(&app.db.url(), &["audit", "verify"]);
    assert!(intact, "{report}");
}

/// ISO 2859-1 7.5, 7.6: a sorted lot is released once its resubmission is accepted, and
/// not while the decision does not yet judge the resubmission's inspection.
#[actix_web::test]
async fn a_sorted_lot_is_released_once_its_resubmission_is_accepted() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    let (lot, _) = app.sampled_lot(&s, 3, "reject").await;
    let d = app
        .dispose(
            &lot,
            json!({"disposition": "sort", "reason": "screen every unit"}),
        )
        .await;
    assert_eq!(d.status, 201, "{}", d.body);
    let early = app.release(&lot).await;
    early.assert_problem(409);
    assert!(detail(&early).contains("resubmit_lot"), "{}", early.body);

    let r = app
        .post(
            &format!("/api/v1/lots/{lot}/resubmissions"),
            json!({"reason": "sorted, 9 removed", "action": "sorted"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let rid = r.body["id"].as_str().unwrap();
    app.serial_sample(&lot, &s, 80, 0, Some(rid)).await;
    let stale = app.release(&lot).await;
    stale.assert_problem(409);
    assert!(detail(&stale).contains("stale"), "{}", stale.body);
    let decided = app.decide(&lot).await;
    assert_eq!(decided.body["resubmissions"][0]["verdict"], "accept");
    assert_eq!(status(&app.db, &lot), "dispositioned");

    let released = app.release(&lot).await;

    assert_eq!(released.status, 200, "{}", released.body);
    assert_eq!(status(&app.db, &lot), "released");
}

/// ISO 2859-1 7.5: a concession names its justification and its approver.
#[actix_web::test]
async fn a_concession_without_justification_or_approver_is_refused() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    let (lot, _) = app.sampled_lot(&s, 3, "reject").await;

    let d = app
        .dispose(
            &lot,
            json!({"disposition": "use_as_is", "reason": "cosmetic", "approver": " "}),
        )
        .await;

    d.assert_problem(422);
    assert_eq!(
        d.error_fields(),
        ["justification", "approver"],
        "{}",
        d.body
    );
    assert_eq!(status(&app.db, &lot), "not_accepted");
}

/// ISO 2859-1 7.5: a concession covers at most the lot.
#[actix_web::test]
async fn a_concession_for_more_units_than_the_lot_is_refused() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    let (lot, _) = app.sampled_lot(&s, 3, "reject").await;
    let mut body = concession();
    body["quantity"] = json!(501);

    let d = app.dispose(&lot, body).await;

    d.assert_problem(422);
    assert_eq!(d.error_fields(), ["quantity"], "{}", d.body);
    assert!(detail(&d).contains("lot size 500"), "{}", d.body);
}

/// ISO 2859-1 7.5: a concession that has already expired is refused.
#[actix_web::test]
async fn a_concession_expired_already_is_refused() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    let (lot, _) = app.sampled_lot(&s, 3, "reject").await;
    let mut body = concession();
    body["expires_on"] = json!("2020-01-01");

    let d = app.dispose(&lot, body).await;

    d.assert_problem(422);
    assert_eq!(d.error_fields(), ["expires_on"], "{}", d.body);
    assert!(detail(&d).contains("in the past"), "{}", d.body);
}

/// ISO 2859-1 6.4: units rejected individually are already singled out: no sort.
#[actix_web::test]
async fn rejected_units_of_an_accepted_lot_are_not_sorted() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    let (lot, _) = app.sampled_lot(&s, 1, "accept").await;

    let d = app
        .dispose(&lot, json!({"disposition": "sort", "reason": "screen"}))
        .await;

    d.assert_problem(422);
    assert_eq!(d.error_fields(), ["disposition"], "{}", d.body);
    assert!(detail(&d).contains("sort does not apply"), "{}", d.body);
}

/// ISO 2859-1 7.5: disposition follows a decision; a lot never decided has none.
#[actix_web::test]
async fn a_lot_without_a_decision_takes_no_disposition() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    let lot = app.stream_lot(&s, "L-1", 500, "2026-11-01").await;
    app.serial_sample(&lot, &s, 50, 3, None).await;

    let d = app
        .dispose(&lot, json!({"disposition": "scrap", "reason": "scratches"}))
        .await;

    d.assert_problem(409);
    assert!(detail(&d).contains("decide_lot"), "{}", d.body);
    assert_eq!(status(&app.db, &lot), "under_inspection");
}

/// ISO 2859-1 7.5: the disposition answers the current decision; a stale one is decided
/// again first, and so is a release.
#[actix_web::test]
async fn a_stale_decision_is_decided_again_before_disposition_or_release() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    let (lot, _) = app.sampled_lot(&s, 3, "reject").await;
    app.attribute_inspection(&lot, &s.char_id, 10, 0, "full", None)
        .await;

    let d = app
        .dispose(&lot, json!({"disposition": "scrap", "reason": "scratches"}))
        .await;
    let r = app.release(&lot).await;

    d.assert_problem(409);
    assert!(detail(&d).contains("stale"), "{}", d.body);
    assert!(detail(&d).contains("decide the lot again"), "{}", d.body);
    r.assert_problem(409);
    assert!(detail(&r).contains("stale"), "{}", r.body);
}

/// ISO 2859-1 7.5: a pending decision has not found the lot not accepted.
#[actix_web::test]
async fn a_pending_decision_takes_no_disposition() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    let lot = app.stream_lot(&s, "L-1", 500, "2026-11-01").await;
    // Full inspection of 10 of the 500 units, none nonconforming: pending until every
    // unit is recorded or Re is reached.
    app.attribute_inspection(&lot, &s.char_id, 10, 0, "full", None)
        .await;
    let decided = app.decide(&lot).await;
    assert_eq!(decided.body["verdict"], "pending", "{}", decided.body);

    let d = app
        .dispose(&lot, json!({"disposition": "scrap", "reason": "scratches"}))
        .await;

    d.assert_problem(409);
    assert!(detail(&d).contains("pending"), "{}", d.body);
}

/// ISO 2859-1 7.5: a lot not accepted gets one disposition.
#[actix_web::test]
async fn a_lot_already_dispositioned_takes_no_other_disposition() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    let (lot, _) = app.sampled_lot(&s, 3, "reject").await;
    let first = app
        .dispose(&lot, json!({"disposition": "scrap", "reason": "scratches"}))
        .await;
    assert_eq!(first.status, 201, "{}", first.body);

    let d = app.dispose(&lot, concession()).await;

    d.assert_problem(409);
    assert!(
        detail(&d).contains("already has the disposition scrap"),
        "{}",
        d.body
    );
    assert_eq!(status(&app.db, &lot), "dispositioned");
}

/// ISO 2859-1 6.4: an accepted lot without nonconforming units has nothing to dispose
/// of, and is released as it is.
#[actix_web::test]
async fn an_accepted_lot_without_rejected_units_takes_no_disposition_and_is_released() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    let (lot, _) = app.sampled_lot(&s, 0, "accept").await;

    let d = app
        .dispose(&lot, json!({"disposition": "scrap", "reason": "scratches"}))
        .await;
    let r = app.release(&lot).await;

    d.assert_problem(409);
    assert!(detail(&d).contains("release_lot"), "{}", d.body);
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(status(&app.db, &lot), "released");
}

/// ISO 2859-1 7.5: once released, a lot takes no disposition and no second release.
#[actix_web::test]
async fn a_released_lot_takes_no_disposition_and_no_second_release() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    let (lot, _) = app.sampled_lot(&s, 0, "accept").await;
    assert_eq!(app.release(&lot).await.status, 200);

    let d = app
        .dispose(&lot, json!({"disposition": "scrap", "reason": "scratches"}))
        .await;
    let again = app.release(&lot).await;

    d.assert_problem(409);
    assert!(detail(&d).contains("released"), "{}", d.body);
    again.assert_problem(409);
    assert!(
        detail(&again).contains("already released"),
        "{}",
        again.body
    );
}

/// A cancelled lot takes no disposition (ISO 2859-1 7.5 concerns lots submitted).
#[actix_web::test]
async fn a_cancelled_lot_takes_no_disposition_and_is_not_released() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    let (lot, _) = app.sampled_lot(&s, 3, "reject").await;
    // No operation cancels a lot yet: the fact is set as its use case will set it.
    diesel::sql_query(
        "UPDATE lots SET cancelled_at = now(), cancel_reason = 'order withdrawn' WHERE id = $1",
    )
    .bind::<SqlUuid, _>(uuid::Uuid::parse_str(&lot).unwrap())
    .execute(&mut app.db.pool.get().unwrap())
    .unwrap();

    let d = app
        .dispose(&lot, json!({"disposition": "scrap", "reason": "scratches"}))
        .await;
    let r = app.release(&lot).await;

    d.assert_problem(409);
    assert!(detail(&d).contains("cancelled"), "{}", d.body);
    r.assert_problem(409);
    assert!(detail(&r).contains("cancelled"), "{}", r.body);
    assert_eq!(status(&app.db, &lot), "cancelled");
}

/// ISO 2859-1 7.5: a lot not accepted is dispositioned before it is released.
#[actix_web::test]
async fn a_lot_not_accepted_is_not_released_before_its_disposition() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    let (lot, _) = app.sampled_lot(&s, 3, "reject").await;

    let r = app.release(&lot).await;

    r.assert_problem(409);
    assert!(detail(&r).contains("dispose_lot"), "{}", r.body);
    assert_eq!(status(&app.db, &lot), "not_accepted");
}

#[actix_web::test]
async fn a_retried_disposition_returns_the_stored_one_and_other_content_is_refused() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    let (lot, _) = app.sampled_lot(&s, 3, "reject").await;
    let id = uuid::Uuid::new_v4().to_string();
    let body = json!({"id": id, "disposition": "scrap", "reason": "scratches"});
    let first = app.dispose(&lot, body.clone()).await;
    assert_eq!(first.status, 201, "{}", first.body);

    let again = app.dispose(&lot, body).await;
    let other = app
        .dispose(
            &lot,
            json!({"id": id, "disposition": "rework", "reason": "scratches"}),
        )
        .await;

    assert_eq!(again.status, 200, "{}", again.body);
    assert_eq!(again.body["disposition"], first.body["disposition"]);
    other.assert_problem(409);
    assert_eq!(other.error_fields(), ["id"], "{}", other.body);
}

/// Disposition and release are the responsible authority's (ISO 2859-1 7.5): an
/// inspector and a supplier-bound reviewer get 403; a bound token reads its own lot's
/// dispositions and gets 404 for another supplier's.
#[actix_web::test]
async fn only_unbound_reviewers_dispose_and_bound_tokens_read_only_their_lots() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    let (lot, _) = app.sampled_lot(&s, 3, "reject").await;
    let other_supplier = app.create_supplier("OTHER").await;
    let inspector = app.token(Role::Inspector);
    let bound = app.supplier_token(&s.supplier_id, "reviewer").await;
    let stranger = app.supplier_token(&other_supplier, "reviewer").await;
    let body = json!({"disposition": "scrap", "reason": "scratches"});
    let uri = format!("/api/v1/lots/{lot}/disposition");
    let post = || TestRequest::post().uri(&uri).set_json(body.clone());

    let by_inspector = app.send_as(&inspector, post()).await;
    let by_bound = app.send_as(&bound, post()).await;
    let release = app
        .send_as(
            &bound,
            TestRequest::post()
                .uri(&format!("/api/v1/lots/{lot}/release"))
                .set_json(json!({})),
        )
        .await;
    let list = format!("/api/v1/lots/{lot}/dispositions");
    let own = app.send_as(&bound, TestRequest::get().uri(&list)).await;
    let foreign = app.send_as(&stranger, TestRequest::get().uri(&list)).await;

    by_inspector.assert_problem(403);
    by_bound.assert_problem(403);
    release.assert_problem(403);
    assert_eq!(own.status, 200, "{}", own.body);
    foreign.assert_problem(404);
    assert_eq!(status(&app.db, &lot), "not_accepted");
}

/// A release undone behind lotgate's back, and a disposition changed behind it, are
/// found by `lotgate audit verify`.
#[actix_web::test]
async fn audit_verify_finds_a_release_or_a_disposition_changed_behind_lotgates_back() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    let (lot, _) = app.sampled_lot(&s, 3, "reject").await;
    let d = app.dispose(&lot, concession()).await;
    let disposition = d.body["disposition"]["id"].as_str().unwrap().to_string();
    assert_eq!(app.release(&lot).await.status, 200);
    assert!(run_lotgate(&app.db.url(), &["audit", "verify"]).0);

    // As the tables' owner, with the trigger that refuses it switched off.
    diesel::connection::SimpleConnection::batch_execute(
        &mut app.db.pool.get().unwrap(),
        &format!(
            "UPDATE lots SET released_at = NULL WHERE id = '{lot}'; \
             ALTER TABLE lot_dispositions DISABLE TRIGGER USER; \
             UPDATE lot_dispositions SET approver = 'nobody' WHERE id = '{disposition}'; \
             ALTER TABLE lot_dispositions ENABLE TRIGGER USER"
        ),
    )
    .unwrap();
    let (intact, report) = run_lotgate(&app.db.url(), &["audit", "verify"]);

    assert!(!intact, "{report}");
    let found = |prefix: String| report.lines().any(|l| l.starts_with(&prefix));
    assert!(found(format!("lot_release {lot} differs")), "{report}");
    assert!(
        found(format!("lot_disposition {disposition} differs")),
        "{report}"
    );
    assert_eq!(status(&app.db, &lot), "dispositioned");
}
