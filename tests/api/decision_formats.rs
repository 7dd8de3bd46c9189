//! The stored formats of decisions and switching states, read from frozen version-1
//! copies in `tests/fixtures/` (never edited: a change that cannot read them would make
//! stored history unreadable):
//! * `lot_decisions.v1.json`: decisions and switching states stored before decisions had
//!   a format of their own, converted by the migration and replayed;
//! * `decision_outcomes.v1.json`: the outcome rows the replay reads, replayed with no
//!   decision document to read at all.
//!
//! Plans (ISO 2859-1 Table I and II-A/B, as in tests/api/switching.rs): lots of 1000 at
//! level II, AQL 1.0 -> J: normal n 80 Ac 2 Re 3, tightened n 80 Ac 1 Re 2.

use diesel::migration::{Migration, MigrationSource};
use diesel::pg::Pg;
use diesel::sql_types::{Jsonb, Text, Uuid as SqlUuid};
use diesel::{QueryableByName, RunQueryDsl};
use diesel_migrations::MigrationHarness;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::support::app;

const LOT_DECISIONS_V1: &str = include_str!("../fixtures/lot_decisions.v1.json");
const OUTCOMES_V1: &str = include_str!("../fixtures/decision_outcomes.v1.json");

/// The migration that gave decisions their stored format.
fn decision_outcomes_migration() -> Box<dyn Migration<Pg>> {
    MigrationSource::<Pg>::migrations(&lotgate::db::MIGRATIONS)
        .unwrap()
        .into_iter()
        .find(|m| m.name().to_string().ends_with("_decision_outcomes"))
        .expect("the decision_outcomes migration")
}

/// The fixture's text with its ids replaced by those of the rows the test created.
fn with_ids(fixture: &str, ids: &[(&str, &str)]) -> Value {
    let mut text = fixture.to_string();
    for (from, to) in ids {
        text = text.replace(from, to);
    }
    serde_json::from_str(&text).unwrap()
}

fn uuid(text: &str) -> Uuid {
    text.parse().unwrap()
}

#[derive(QueryableByName)]
struct JsonRow {
    #[diesel(sql_type = Text)]
    json: String,
}

fn query_json(conn: &mut diesel::PgConnection, sql: &str) -> Value {
    let rows: Vec<JsonRow> = diesel::sql_query(sql).load(conn).unwrap();
    serde_json::from_str(&rows[0].json).unwrap()
}

/// Each switch of a characteristic as `lot: from -> to`.
fn switches(characteristic: &Value) -> Vec<String> {
    characteristic["switches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| format!("{}: {} -> {}", s["lot_number"], s["from"], s["to"]).replace('"', ""))
        .collect()
}

#[actix_web::test]
async fn a_version_1_history_is_converted_by_the_migration_and_replayed() {
    let app = app().await;
    let part = app.create_part("CLP-9").await;
    let scratches = app
        .create_characteristic(
            &part,
            json!({"name": "Scratches", "kind": "attribute", "classification": "major",
                "aql": 1.0, "inspection_level": "II"}),
        )
        .await;
    let cracks = app
        .create_characteristic(
            &part,
            json!({"name": "Cracks", "kind": "attribute", "classification": "critical",
                "aql": 0.010, "inspection_level": "II"}),
        )
        .await;
    let supplier = app.create_supplier("SUP").await;
    let mut lots = Vec::new();
    for (number, day) in [
        ("L-01", "2026-10-01"),
        ("L-02", "2026-10-02"),
        ("L-03", "2026-10-03"),
    ] {
        lots.push(app.create_lot(&part, &supplier, number, 1000, day).await);
    }
    let frozen: Value = serde_json::from_str(LOT_DECISIONS_V1).unwrap();
    let ids = &frozen["ids"];
    let fixture = with_ids(
        LOT_DECISIONS_V1,
        &[
            (ids["supplier"].as_str().unwrap(), &supplier),
            (ids["part"].as_str().unwrap(), &part),
            (ids["scratches"].as_str().unwrap(), &scratches),
            (ids["cracks"].as_str().unwrap(), &cracks),
            (ids["lots"][0].as_str().unwrap(), &lots[0]),
            (ids["lots"][1].as_str().unwrap(), &lots[1]),
            (ids["lots"][2].as_str().unwrap(), &lots[2]),
        ],
    );
    let mut conn = app.db.pool.get().unwrap();
    let migration = decision_outcomes_migration();
    // The database as a version-1 lotgate left it.
    conn.revert_migration(&*migration).unwrap();
    diesel::sql_query(
        "INSERT INTO lot_decisions \
         SELECT * FROM jsonb_populate_recordset(NULL::lot_decisions, $1)",
    )
    .bind::<Jsonb, _>(&fixture["lot_decisions"])
    .execute(&mut conn)
    .unwrap();
    diesel::sql_query(
        "INSERT INTO switching_states (supplier_id, part_id, characteristic_id, severity, state) \
         SELECT $2, $3, s.characteristic_id, s.severity, s.state \
         FROM jsonb_to_recordset($1) AS s(characteristic_id uuid, severity text, state jsonb)",
    )
    .bind::<Jsonb, _>(&fixture["switching_states"])
    .bind::<SqlUuid, _>(uuid(&supplier))
    .bind::<SqlUuid, _>(uuid(&part))
    .execute(&mut conn)
    .unwrap();

    conn.run_migration(&*migration).unwrap();

    // Revision 2 of L-02 (1 scratched, accepted) counts; its Cracks did not count.
    let l02 = query_json(
        &mut conn,
        "SELECT jsonb_agg(to_jsonb(o) - 'decision_id' - 'characteristic_id' \
                          ORDER BY o.switching_accepted NULLS LAST)::text AS json \
         FROM decision_characteristic_outcomes o \
         WHERE o.decision_id = 'd0000000-0000-4000-8000-000000000003'",
    );
    assert_eq!(
        l02,
        json!([
            {"severity": "normal", "verdict": "accept", "units_inspected": 80, "defectives": 1,
             "switching_accepted": true, "switching_acceptance_number": 2,
             "switching_nonconforming": 1, "switching_acceptance_number_one_step_tighter": 1},
            {"severity": "normal", "verdict": "pending", "units_inspected": 80, "defectives": 0,
             "switching_accepted": null, "switching_acceptance_number": null,
             "switching_nonconforming": null, "switching_acceptance_number_one_step_tighter": null}
        ])
    );
    drop(conn);
    let uri = format!("/api/v1/suppliers/{supplier}/switching?part_id={part}");
    let converted = app.get(&uri).await;
    assert_eq!(converted.status, 200, "{}", converted.body);
    assert_eq!(
        converted.body["characteristics"][0]["severity"],
        "tightened"
    );
    assert_eq!(converted.body["characteristics"][0]["lots_counted"], 3);
    assert_eq!(converted.body["characteristics"][1]["severity"], "normal");
    // The stored document is still the answer, unchanged.
    let stored = app.get(&format!("/api/v1/lots/{}/decision", lots[1])).await;
    assert_eq!(stored.body, fixture["lot_decisions"][2]["decision"]);
    // Stored before decisions named their nonconforming units: not filled in afterwards.
    assert!(
        stored.body["characteristics"][0]
            .get("nonconforming_units")
            .is_none()
    );

    let lot = app
        .create_lot(&part, &supplier, "L-04", 1000, "2026-10-04")
        .await;
    let units: Vec<Value> = (1..=80)
        .map(|i| {
            json!({"unit": i, "attributes": [
                {"characteristic_id": scratches, "pass": i > 2},
                {"characteristic_id": cracks, "pass": true}]})
        })
        .collect();
    let recorded = app
        .post(
            &format!("/api/v1/lots/{lot}/inspections"),
            json!({"id": Uuid::new_v4(), "source": "in_house", "mode": "sampling",
                "inspector": "kim", "inspected_at": "2026-10-05T08:00:00Z", "units": units}),
        )
        .await;
    assert_eq!(recorded.status, 201, "{}", recorded.body);
    let decided = app.decide(&lot).await;

    assert_eq!(decided.status, 201, "{}", decided.body);
    let c = &decided.body["characteristics"][0];
    assert_eq!(c["severity"], "tightened");
    assert_eq!(c["plan"]["acceptance_number"], 1);
    assert_eq!(c["verdict"], "reject");
    let history = app.get(&uri).await;
    let h = &history.body["characteristics"][0];
    assert_eq!(h["lots_counted"], 4);
    assert_eq!(switches(h), ["L-03: normal -> tightened"]);
    assert_eq!(
        h["switches"][0]["decision_id"],
        "d0000000-0000-4000-8000-000000000004"
    );
    assert_eq!(history.body["characteristics"][1]["lots_counted"], 0);
}

#[actix_web::test]
async fn version_1_outcome_rows_are_replayed_without_any_decision_document() {
    let app = app().await;
    let s = app.stream(json!({})).await;
    let frozen: Value = serde_json::from_str(OUTCOMES_V1).unwrap();
    let mut ids = vec![(
        "c1000000-0000-4000-8000-000000000001".to_string(),
        s.char_id.clone(),
    )];
    for lot in frozen["lots"].as_array().unwrap() {
        let id = app
            .stream_lot(
                &s,
                lot["lot_number"].as_str().unwrap(),
                1000,
                lot["produced_on"].as_str().unwrap(),
            )
            .await;
        ids.push((lot["id"].as_str().unwrap().to_string(), id));
    }
    let pairs: Vec<(&str, &str)> = ids.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let fixture = with_ids(OUTCOMES_V1, &pairs);
    let mut conn = app.db.pool.get().unwrap();
    // Documents the replay could not read even if it tried.
    diesel::sql_query(
        "INSERT INTO lot_decisions (id, lot_id, revision, verdict, inputs, decision) \
         SELECT d.id, d.lot_id, d.revision, 'reject', '{}', '{}' \
         FROM jsonb_to_recordset($1) AS d(id uuid, lot_id uuid, revision integer)",
    )
    .bind::<Jsonb, _>(&fixture["lot_decisions"])
    .execute(&mut conn)
    .unwrap();
    for table in ["decision_outcomes", "decision_characteristic_outcomes"] {
        diesel::sql_query(format!(
            "INSERT INTO {table} SELECT * FROM jsonb_populate_recordset(NULL::{table}, $1)"
        ))
        .bind::<Jsonb, _>(&fixture[table])
        .execute(&mut conn)
        .unwrap();
    }
    drop(conn);

    let next = app.decided_lot(&s, "L-08", "2026-10-08", 80, 0).await;

    let c = &next["characteristics"][0];
    assert_eq!(c["severity"], "discontinued");
    assert_eq!(c["mode"], "full");
    let history = app
        .get(&format!(
            "/api/v1/suppliers/{}/switching?part_id={}",
            s.supplier_id, s.part_id
        ))
        .await;
    let h = &history.body["characteristics"][0];
    assert_eq!(h["severity"], "discontinued");
    assert_eq!(h["lots_counted"], 7);
    assert_eq!(
        switches(h),
        [
            "L-02: normal -> tightened",
            "L-07: tightened -> discontinued"
        ]
    );
}
