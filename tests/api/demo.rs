//! The demo data: every lot is decided through the API, the switching history of the
//! demo suppliers is there, the fully inspected lot is judged on its full inspection
//! and compared with its sample, and lots go on after their decision: dispositions, a
//! resubmission, releases, nonconformance reports, defect codes and a scorecard with a
//! trend (issue 14 item 7).

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use lotgate::auth::Principal;
use lotgate::domain::SupplierId;
use lotgate::service::scorecard::{self, ScorecardQuery};

use crate::support::{TestDb, run_lotgate};

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

fn texts(conn: &mut PgConnection, sql: &str) -> Vec<String> {
    diesel::sql_query(sql)
        .load::<Row>(conn)
        .unwrap()
        .into_iter()
        .map(|r| r.text)
        .collect()
}

/// One text per lot of the demo supplier DPM, in production order, built by `sql` from
/// the lot `l` and its latest decision `d`.
fn per_dpm_lot(conn: &mut PgConnection, text: &str) -> Vec<String> {
    texts(
        conn,
        &format!(
            "SELECT l.lot_number || ' ' || {text} AS text FROM lots l \
             JOIN suppliers s ON s.id = l.supplier_id \
             JOIN LATERAL (SELECT * FROM lot_decisions x WHERE x.lot_id = l.id \
             ORDER BY x.revision DESC LIMIT 1) d ON true \
             WHERE s.code = 'DPM' ORDER BY l.produced_on"
        ),
    )
}

#[test]
fn every_demo_lot_is_decided_with_history_and_a_sampling_versus_full_comparison() {
    let db = TestDb::new();

    assert!(lotgate::demo::load(&db.pool).unwrap());

    let mut conn = db.pool.get().unwrap();
    // Every inspected lot is decided; the two registered lots wait for the tablet.
    let undecided = texts(
        &mut conn,
        "SELECT l.lot_number || ' ' || l.status AS text FROM lots l WHERE NOT EXISTS \
         (SELECT 1 FROM lot_decisions d WHERE d.lot_id = l.id) ORDER BY 1",
    );
    assert_eq!(
        undecided,
        ["DPM-2612-01 registered", "NHA-PCB-2612A registered"]
    );
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

#[test]
fn demo_lots_go_on_after_their_decision() {
    let db = TestDb::new();

    assert!(lotgate::demo::load(&db.pool).unwrap());

    let mut conn = db.pool.get().unwrap();
    // The life of each DPM lot (fixtures/make_demo.py, AFTERWARDS): status, lot-scope
    // disposition, verdict of the original inspection. 2610-01 is accepted with two
    // units rejected individually (6.4), scrapped, then released; 2610-03 is not accepted
    // and used as is under a concession (7.5), released; 2610-04 is sorted and
    // resubmitted (7.6), its resubmission accepted, released; 2611-01 is returned to the
    // supplier; 2611-02 is accepted and released. The September lots are new history.
    assert_eq!(
        per_dpm_lot(
            &mut conn,
            "l.status || ' ' || coalesce(l.disposition, '-') || ' ' || d.verdict"
        ),
        [
            "DPM-2609-01 accepted - accept",
            "DPM-2609-02 accepted - accept",
            "DPM-2610-01 released - accept",
            "DPM-2610-02 accepted - accept",
            "DPM-2610-03 released use_as_is reject",
            "DPM-2610-04 released sort reject",
            "DPM-2611-01 dispositioned return_to_supplier reject",
            "DPM-2611-02 released - accept",
        ]
    );
    let scrapped = texts(
        &mut conn,
        "SELECT p.scope || ' ' || p.disposition || ' ' || jsonb_array_length(p.units) AS text \
         FROM lot_dispositions p JOIN lots l ON l.id = p.lot_id \
         WHERE l.lot_number = 'DPM-2610-01'",
    );
    assert_eq!(
        scrapped,
        ["rejected_units scrap 2"],
        "a flash and a short-shot unit"
    );
    // The concession (ISO 2859-1 7.5) covers the whole lot of 8000, names its approver and
    // expires 120 days after the demo is loaded, so it has not expired when released.
    let concession = texts(
        &mut conn,
        "SELECT p.quantity || ' ' || p.approver || ' ' || \
         (p.expires_on - current_date) || ' ' || (p.justification <> '') AS text \
         FROM lot_dispositions p JOIN lots l ON l.id = p.lot_id \
         WHERE l.lot_number = 'DPM-2610-03'",
    );
    assert_eq!(concession, ["8000 r.tanaka (design engineering) 120 true"]);
}

#[test]
fn the_demo_resubmission_is_inspected_tightened_and_accepted() {
    let db = TestDb::new();

    assert!(lotgate::demo::load(&db.pool).unwrap());

    let mut conn = db.pool.get().unwrap();
    // DPM-2610-04, sorted and resubmitted at tightened inspection (ISO 2859-1 7.6): lot of
    // 8000, level II gives code letter L, n = 200; Table II-B at L gives Ac/Re 3/4 for
    // AQL 1.0 (weight, width), 8/9 for 2.5 (thickness, flash), 2/3 for 0.65 (short
    // shot). The destructive latch test (S-3, letter F, AQL 0.65) meets a down arrow in
    // Table II-B and takes letter G's plan: n = 32, Ac 0, Re 1.
    let resubmitted = texts(
        &mut conn,
        "SELECT l.lot_number || ' ' || (r ->> 'action') || ' ' || (r ->> 'severity') || ' ' || \
         (r ->> 'verdict') || ' ' || l.accepted_on_resubmission || ' ' || \
         (SELECT string_agg((c ->> 'name') || ' ' || (c -> 'plan' ->> 'sample_size') || ' ' || \
         (c -> 'plan' ->> 'acceptance_number') || '/' || (c -> 'plan' ->> 'rejection_number'), \
         ', ') FROM jsonb_array_elements(r -> 'characteristics') c) AS text \
         FROM lots l JOIN LATERAL (SELECT * FROM lot_decisions x WHERE x.lot_id = l.id \
         ORDER BY x.revision DESC LIMIT 1) d ON true, \
         jsonb_array_elements(d.decision -> 'resubmissions') r ORDER BY 1",
    );
    assert_eq!(
        resubmitted,
        [
            "DPM-2610-04 sorted tightened accept true Weight 200 3/4, Width 200 3/4, \
             Thickness 200 8/9, Latch retention force 32 0/1, Flash and burrs 200 8/9, \
             Short shot 200 2/3"
        ]
    );
    // The resubmission never counts in the switching rules: the lots after it stay
    // tightened where the two rejections put them.
    let switches = texts(
        &mut conn,
        "SELECT l.lot_number || ' ' || e.from_severity || '->' || e.to_severity AS text \
         FROM switching_events e JOIN lots l ON l.id = e.lot_id \
         WHERE l.lot_number LIKE 'DPM-%' ORDER BY l.produced_on, 1",
    );
    assert!(
        !switches.is_empty()
            && switches
                .iter()
                .all(|s| s.starts_with("DPM-2610-04 normal->tightened")),
        "{switches:?}"
    );
}

#[test]
fn demo_reports_and_defect_codes_name_what_was_found() {
    let db = TestDb::new();

    assert!(lotgate::demo::load(&db.pool).unwrap());

    let mut conn = db.pool.get().unwrap();
    // A rejecting decision opens a report; the demo writes the containment of
    // DPM-2611-01's (returned to DPM) and closes DPM-2610-04's after its resubmission was
    // accepted. The other rejected lots' reports stay open, awaiting their reviewer (FRP's
    // three: rejected on the in-house results, see tests/api/demo_reconciliation.rs).
    let reports = texts(
        &mut conn,
        "SELECT l.lot_number || ' ' || n.status || ' ' || (n.containment <> '') || ' ' || \
         coalesce(n.verification_note <> '', false) AS text \
         FROM ncrs n JOIN lots l ON l.id = n.lot_id ORDER BY 1",
    );
    assert_eq!(
        reports,
        [
            "DPM-2610-03 open false false",
            "DPM-2610-04 closed true true",
            "DPM-2611-01 open true false",
            "FRP-2610-01 open false false",
            "FRP-2611-01 open false false",
            "FRP-2611-02 open false false",
            "NHA-HUB-2611A open false false",
            "NHA-PCB-2610B open false false",
        ]
    );
    // The fully inspected DPM-2611-01 names its nonconforming units one by one (6.4):
    // its report counts each unit once, whatever characteristics it failed, and tallies
    // the codes its failed results carry.
    let full = texts(
        &mut conn,
        "SELECT (n.quantity_nonconforming >= 26)::text || ' ' || \
         (SELECT string_agg(c ->> 'code', ',' ORDER BY c ->> 'code') \
          FROM jsonb_array_elements(n.defect_codes) c) AS text \
         FROM ncrs n JOIN lots l ON l.id = n.lot_id WHERE l.lot_number = 'DPM-2611-01'",
    );
    assert_eq!(full, ["true flash,scratch,short-shot,sink-mark"]);
    // Every failed attribute result of the demo carries a code of its part's catalogue,
    // so the Pareto and the scorecard have defects to rank.
    let uncoded = count(
        &mut conn,
        "SELECT count(*) AS n FROM attribute_results a WHERE NOT a.pass AND NOT EXISTS \
         (SELECT 1 FROM attribute_result_defects r WHERE r.inspection_id = a.inspection_id \
         AND r.unit_index = a.unit_index AND r.characteristic_id = a.characteristic_id)",
    );
    assert_eq!(uncoded, 0);
    let catalogue = texts(
        &mut conn,
        "SELECT string_agg(c.code, ',' ORDER BY c.code) AS text FROM defect_codes c \
         JOIN parts p ON p.id = c.part_id WHERE p.number = 'CLP-100'",
    );
    assert_eq!(catalogue, ["flash,scratch,short-shot,sink-mark"]);
}

#[test]
fn the_demo_scorecard_shows_a_trend_over_three_months() {
    let db = TestDb::new();

    assert!(lotgate::demo::load(&db.pool).unwrap());

    let mut conn = db.pool.get().unwrap();
    let dpm = texts(
        &mut conn,
        "SELECT id::text AS text FROM suppliers WHERE code = 'DPM'",
    );
    let dpm = SupplierId(dpm[0].parse().unwrap());
    let query = ScorecardQuery {
        part_id: None,
        from: None,
        to: None,
    };
    let card = scorecard::get(&mut conn, &Principal::command_line("test"), dpm, query).unwrap();
    // Counted by hand from the demo lots (fixtures/make_demo.py): September 2 lots, both
    // accepted; October 4, 2610-03 and -04 rejected on original inspection, -04
    // resubmitted once (a resubmission never makes the original verdict an acceptance);
    // November 2, 2611-01 rejected.
    let months: Vec<String> = card
        .by_month
        .iter()
        .map(|m| {
            format!(
                "{} {}/{} resubmitted {}",
                m.month, m.figures.lots_accepted, m.figures.lots_decided, m.figures.resubmissions
            )
        })
        .collect();
    assert_eq!(
        months,
        [
            "2026-09 2/2 resubmitted 0",
            "2026-10 2/4 resubmitted 1",
            "2026-11 1/2 resubmitted 0",
        ]
    );
    // The drift shows in the nonconforming units too: far more of them per unit inspected
    // in October than in September.
    let ppm: Vec<f64> = card
        .by_month
        .iter()
        .map(|m| m.figures.ppm().unwrap().estimate)
        .collect();
    assert!(ppm[1] > 10.0 * ppm[0], "{ppm:?}");
    drop(conn);
    let (intact, report) = run_lotgate(&db.url(), &["audit", "verify"]);
    assert!(intact, "{report}");
}
