//! The statements of the hot paths have a fixed text, so a connection prepares each
//! once and then only binds and runs it (PostgreSQL's `pg_prepared_statements` lists a
//! session's prepared statements).

use diesel::prelude::*;
use lotgate::db::inspections::{self as inspections_db, InspectionRows};
use lotgate::db::models::{AttributeResultRow, InspectionUnit, MeasurementRow, NewInspection};
use lotgate::domain::{CharacteristicId, InspectionId, LotId};

use crate::support::app;

#[derive(QueryableByName)]
struct Prepared {
    #[diesel(sql_type = diesel::sql_types::Text)]
    statement: String,
}

fn rows(
    id: InspectionId,
    width: CharacteristicId,
    scratch: CharacteristicId,
    units: i32,
) -> InspectionRows {
    InspectionRows {
        units: (1..=units)
            .map(|u| InspectionUnit {
                inspection_id: id,
                unit_index: u,
                serial: (u % 2 == 0).then(|| format!("S-{u}")),
            })
            .collect(),
        measurements: (1..=units)
            .map(|u| MeasurementRow {
                inspection_id: id,
                unit_index: u,
                characteristic_id: width,
                value: 12.0 + f64::from(u) / 100.0,
            })
            .collect(),
        attributes: (1..=units)
            .map(|u| AttributeResultRow {
                inspection_id: id,
                unit_index: u,
                characteristic_id: scratch,
                pass: u != 2,
                defects: i32::from(u == 2),
                note: (u == 2).then(|| "scratch on the hinge".to_string()),
            })
            .collect(),
        photos: Vec::new(),
        defects: Vec::new(),
    }
}

#[actix_web::test]
async fn recording_and_reading_an_inspection_prepare_each_statement_once() {
    let app = app().await;
    let f = app.fixture().await;
    let lot = LotId(f.lot_id.parse().unwrap());
    let width = CharacteristicId(f.width_id.parse().unwrap());
    let scratch = CharacteristicId(f.scratch_id.parse().unwrap());
    let mut conn = app.db.pool.get().unwrap();

    // Three inspections of different sizes: a multi-row VALUES would be three texts.
    for (k, units) in [(1, 1), (2, 3), (3, 7)] {
        let id = InspectionId(uuid::Uuid::from_u128(k));
        let new = NewInspection {
            id,
            lot_id: lot,
            source: "factory".parse().unwrap(),
            mode: "sampling".parse().unwrap(),
            inspector: "kim",
            inspected_at: chrono::Utc::now(),
            supersedes: None,
            reason: None,
            body_sha256: "test",
            golden_sample_revision_id: None,
        };
        let stored =
            inspections_db::insert_new(&mut conn, &new, &rows(id, width, scratch, units)).unwrap();
        assert!(stored.is_some());
        lotgate::db::statistics::lot_series(&mut conn, lot).unwrap();
        let part = lotgate::domain::PartId(f.part_id.parse().unwrap());
        lotgate::db::golden_samples::reference_values_for_lot(&mut conn, lot, part).unwrap();
    }

    // Audit rows with and without an old value and a reason.
    let by = lotgate::auth::Principal::command_line("tests");
    for (old, reason) in [
        (None, None),
        (Some(serde_json::json!({"n": 1})), Some("typo")),
    ] {
        lotgate::db::audit::append(
            &mut conn,
            &by,
            &lotgate::db::audit::Change {
                action: "update",
                entity: "part",
                entity_id: f.part_id.clone(),
                old_value: old,
                new_value: Some(serde_json::json!({"n": 2})),
                reason,
            },
        )
        .unwrap();
    }

    let series = lotgate::db::statistics::lot_series(&mut conn, lot).unwrap();
    let stored = inspections_db::rows(&mut conn, InspectionId(uuid::Uuid::from_u128(3))).unwrap();
    let prepared: Vec<String> =
        diesel::sql_query("SELECT statement FROM pg_prepared_statements ORDER BY statement")
            .load::<Prepared>(&mut conn)
            .unwrap()
            .into_iter()
            .map(|p| p.statement)
            .collect();

    let count = |start: &str| prepared.iter().filter(|s| s.starts_with(start)).count();
    assert_eq!(count("INSERT INTO \"inspections\""), 1, "{prepared:#?}");
    assert_eq!(count("INSERT INTO inspection_units"), 1, "{prepared:#?}");
    assert_eq!(count("INSERT INTO measurements"), 1, "{prepared:#?}");
    assert_eq!(count("INSERT INTO attribute_results"), 1, "{prepared:#?}");
    assert_eq!(count("SELECT i.id, i.lot_id"), 1, "{prepared:#?}");
    assert_eq!(count("SELECT coalesce("), 1, "{prepared:#?}");
    assert_eq!(count("INSERT INTO \"audit_events\""), 1, "{prepared:#?}");
    // And the rows went in as given.
    assert_eq!(series.len(), 3);
    assert_eq!(
        series[2].series[&width],
        vec![12.01, 12.02, 12.03, 12.04, 12.05, 12.06, 12.07]
    );
    assert_eq!(stored.units.len(), 7);
    assert_eq!(stored.units[1].serial.as_deref(), Some("S-2"));
    assert_eq!(stored.units[0].serial, None);
    assert_eq!(stored.attributes.len(), 7);
    assert_eq!(
        stored.attributes[1].note.as_deref(),
        Some("scratch on the hinge")
    );
    assert_eq!(stored.attributes[1].defects, 1);
}
