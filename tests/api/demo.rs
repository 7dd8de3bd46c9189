//! The demo data: every lot is decided through the API, the switching history of the
//! demo suppliers is there, and the fully inspected lot is judged on its full inspection
//! and compared with its sample.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use crate::support::TestDb;

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = Text)]
    text: String,
}

fn count(conn: &mut PgConnection, sql: &str) -> i64 {
    diesel::sql_query(sql).get_result::<Count>(conn).unwrap().n
}

#[test]
fn every_demo_lot_is_decided_with_history_and_a_sampling_versus_full_comparison() {
    let db = TestDb::new();

    assert!(lotgate::demo::load(&db.pool).unwrap());

    let mut conn = db.pool.get().unwrap();
    let undecided = count(
        &mut conn,
        "SELECT count(*) AS n FROM lots l WHERE NOT EXISTS \
         (SELECT 1 FROM lot_decisions d WHERE d.lot_id = l.id)",
    );
    assert_eq!(undecided, 0);
    let pending = count(
        &mut conn,
        "SELECT count(*) AS n FROM lot_decisions WHERE verdict = 'pending'",
    );
    assert_eq!(pending, 0, "every demo sample is large enough for its plan");
    let switches: Vec<Row> = diesel::sql_query(
        "SELECT l.lot_number || ' ' || e.from_severity || '->' || e.to_severity AS text \
         FROM switching_events e JOIN lots l ON l.id = e.lot_id ORDER BY 1",
    )
    .load(&mut conn)
    .unwrap();
    assert!(
        switches
            .iter()
            .any(|r| r.text == "DPM-2610-04 normal->tightened"),
        "{:?}",
        switches.iter().map(|r| &r.text).collect::<Vec<_>>()
    );
    let compared = count(
        &mut conn,
        "SELECT count(*) AS n FROM lot_decisions d JOIN lots l ON l.id = d.lot_id, \
         jsonb_array_elements(d.decision -> 'characteristics') c \
         WHERE l.lot_number = 'DPM-2611-01' AND c -> 'comparison' -> 'agrees' IS NOT NULL \
         AND c -> 'comparison' ->> 'agrees' <> 'null'",
    );
    assert!(compared >= 3, "{compared} characteristics compared");
    // DPM-2611-01 was fully inspected in-house: every unit of the lot is known, so it is
    // judged on that full inspection, not on the factory's accepted sample of 80. Its
    // Weight, 25 of 500 units out of specification, is far past Re (ISO 2859-1 Table II
    // plan applied to the whole lot), and every nonconforming unit is listed to be
    // rejected individually (6.4), the factory's included.
    let weight: Vec<Row> = diesel::sql_query(
        "SELECT d.verdict || ' ' || (c ->> 'mode') || ' ' || (c ->> 'verdict') || ' ' ||          (c ->> 'units_inspected') || '/' || (c ->> 'defectives') || ' listed ' ||          jsonb_array_length(c -> 'nonconforming_units') AS text          FROM lot_decisions d JOIN lots l ON l.id = d.lot_id,          jsonb_array_elements(d.decision -> 'characteristics') c          WHERE l.lot_number = 'DPM-2611-01' AND c ->> 'name' = 'Weight'",
    )
    .load(&mut conn)
    .unwrap();
    assert_eq!(weight.len(), 1);
    assert_eq!(weight[0].text, "reject full reject 500/25 listed 26");
}
