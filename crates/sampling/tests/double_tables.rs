//! Every cell of Tables III-A and III-B, resolved through the arrows, against two independent
//! arrow-resolved transcriptions (tests/data/*_double_resolved.tsv, sources named in each
//! file's header). Every cell where a source differs is named by a rule below and counted, so
//! a new disagreement fails the test.
//!
//! Table III-C has one public ISO 2859-1:1999 source (EGTools); every cell is checked against
//! it, and its layout, first sample sizes and shared plans against independent tables (II-C
//! from GB/T 2828.1-2012, the Z1.4 sample sizes of AQLSchemes, III-A and III-B).

use std::collections::HashMap;

use lotgate_sampling::tables::{TableCell, double_table_cell, table_cell};
use lotgate_sampling::{
    Aql, CodeLetter, DoubleCell, DoubleMasterPlan, DoubleVerdict, InspectionLevel, SamplingError,
    Severity, double_master_plan, double_sampling_plan, double_verdict,
};

fn rows(text: &str) -> impl Iterator<Item = Vec<&str>> {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| l.split('\t').collect())
}

fn severity(name: &str) -> Severity {
    match name {
        "normal" => Severity::Normal,
        "tightened" => Severity::Tightened,
        "reduced" => Severity::Reduced,
        other => panic!("unknown severity {other}"),
    }
}

/// lotgate's answer for one cell: the plan, or None for "*" (use single sampling).
fn lookup(r: &[&str]) -> Option<DoubleMasterPlan> {
    let aql = Aql::from_percent(r[2].parse().unwrap()).unwrap();
    match double_master_plan(severity(r[0]), CodeLetter::parse(r[1]).unwrap(), aql) {
        Ok(plan) => Some(plan),
        Err(SamplingError::UseSingleSampling { .. }) => None,
        Err(other) => panic!("{r:?}: {other}"),
    }
}

fn numbers(plan: &DoubleMasterPlan) -> [u64; 5] {
    [
        plan.first_sample_size,
        plan.first_acceptance_number.into(),
        plan.first_rejection_number.into(),
        plan.second_acceptance_number.into(),
        plan.second_rejection_number.into(),
    ]
}

fn parsed(fields: &[&str]) -> [u64; 5] {
    let v: Vec<u64> = fields.iter().map(|f| f.parse().unwrap()).collect();
    [v[0], v[1], v[2], v[3], v[4]]
}

/// ISO 2859-1 (since 1989) and MIL-STD-105E print different double plans for the single plans
/// 3/4 and 7/8 (III-A) and 3/4 and 8/9 (III-B); lotgate follows ISO (see src/tables/double.rs).
fn edition_difference(ours: [u64; 5], theirs: [u64; 5]) -> bool {
    let pairs = [
        ([1, 3, 4, 5], [1, 4, 4, 5]),
        ([3, 6, 9, 10], [3, 7, 8, 9]),
        ([4, 7, 10, 11], [3, 7, 11, 12]),
    ];
    ours[0] == theirs[0]
        && pairs
            .iter()
            .any(|(o, t)| ours[1..] == o[..] && theirs[1..] == t[..])
}

#[test]
fn every_cell_matches_the_egtools_iso_2859_1_double_tables_except_named_cells() {
    let data = include_str!("data/egtools_iso2859_1_1999_double_resolved.tsv");
    let (mut agreed, mut row_s, mut typo_t7, mut tightened_a10) = (0, 0, 0, 0);
    for r in rows(data) {
        let ours = lookup(&r);
        match (r[3], &ours) {
            ("single", None) => agreed += 1,
            // The source has no row S; III-B continues the down arrows of rows Q and R there.
            ("no_row_S", Some(plan)) if plan.code_letter == CodeLetter::S => row_s += 1,
            (_, Some(plan)) if r.len() == 9 => {
                let theirs = (r[3], parsed(&r[4..9]));
                let mine = (plan.code_letter.as_str(), numbers(plan));
                if mine == theirs {
                    agreed += 1;
                } else if theirs.1[1..] == [9, 14, 23, 44] && mine.1[1..] == [9, 14, 23, 24] {
                    typo_t7 += 1;
                } else {
                    panic!("{r:?}: lotgate has {mine:?}");
                }
            }
            // II-B (ISO) prints (0, 1) in row A under AQL 10, so III-B prints "*"; the source
            // follows Z1.4's down arrow (to D, n1 = 5).
            (_, None) if r[0] == "tightened" && r[1] == "A" && r[2] == "10" => tightened_a10 += 1,
            _ => panic!("{r:?}: lotgate has {ours:?}"),
        }
    }
    assert_eq!((row_s, typo_t7, tightened_a10), (2, 81, 1));
    assert_eq!(agreed + row_s + typo_t7 + tightened_a10, 2 * 16 * 26);
}

#[test]
fn every_cell_matches_the_aqlschemes_z1_4_double_tables_except_named_cells() {
    let data = include_str!("data/z14_aqlschemes_double_resolved.tsv");
    let (mut agreed, mut edition, mut row_a, mut re26, mut tightened_a10) = (0, 0, 0, 0, 0);
    for r in rows(data) {
        let ours = lookup(&r);
        match (r[3], ours) {
            ("single", None) => agreed += 1,
            // The source leaves row A of III-A empty; the arrows of the standard lead on.
            ("single", Some(_)) if r[0] == "normal" && r[1] == "A" => row_a += 1,
            (_, None) if r[0] == "tightened" && r[1] == "A" && r[2] == "10" => tightened_a10 += 1,
            (_, Some(plan)) => {
                let (mine, theirs) = (numbers(&plan), parsed(&r[3..8]));
                if mine == theirs {
                    agreed += 1;
                } else if edition_difference(mine, theirs) {
                    edition += 1;
                } else if theirs[4] == 26 && theirs[3] == 26 && mine[4] == 27 {
                    re26 += 1;
                } else {
                    panic!("{r:?}: lotgate has {mine:?}");
                }
            }
            _ => panic!("{r:?}: lotgate has {ours:?}"),
        }
    }
    assert_eq!((row_a, re26, tightened_a10), (2, 4, 1));
    assert_eq!(edition, 60);
    assert_eq!(agreed + edition + row_a + re26 + tightened_a10, 2 * 16 * 26);
}

#[test]
fn looks_up_a_double_plan_for_a_lot_of_1000_at_level_ii() {
    // Table I: 501-1200 at level II is J; III-A J under AQL 1.0 (single 2/3): n1 = 50, 0/3, 3/4.
    let plan = double_sampling_plan(1000, InspectionLevel::II, 1.0, Severity::Normal).unwrap();
    assert_eq!(plan.code_letter, CodeLetter::J);
    assert_eq!((plan.first_sample_size, plan.second_sample_size), (50, 50));
    assert_eq!(
        (
            plan.first_acceptance_number,
            plan.first_rejection_number,
            plan.second_acceptance_number,
            plan.second_rejection_number
        ),
        (0, 3, 3, 4)
    );
    assert!(!plan.full_inspection);
}

#[test]
fn inspects_the_whole_lot_when_the_cumulative_sample_reaches_the_lot_size() {
    // 6 units at level III is B; III-A B under AQL 10 points down to C, 0/2;1/2 with n1 = 3:
    // the cumulative sample 2 x 3 = 6 reaches the lot. 9 units at level III is C itself: 6 < 9.
    let plan = double_sampling_plan(6, InspectionLevel::III, 10.0, Severity::Normal).unwrap();
    assert_eq!(plan.plan_code_letter, CodeLetter::C);
    assert!(plan.full_inspection);
    let plan = double_sampling_plan(9, InspectionLevel::III, 10.0, Severity::Normal).unwrap();
    assert!(!plan.full_inspection);
}

#[test]
fn an_asterisk_cell_sends_the_inspector_to_single_sampling() {
    // III-A K under AQL 0.10 is "*" (II-A prints 0/1 there).
    let error = double_sampling_plan(2000, InspectionLevel::II, 0.10, Severity::Normal);
    assert!(matches!(
        error,
        Err(SamplingError::UseSingleSampling { .. })
    ));
}

#[test]
fn looks_up_a_reduced_double_plan_from_table_iii_c() {
    // Table I: 1000 at level II is J. Expected plan from the EGTools transcription of ISO
    // 2859-1:1999 Table III-C (tests/data/egtools_iso2859_1_1999_reduced_double_resolved.tsv,
    // row "reduced J 1.0"): n1 = 20, 0/2;1/2.
    let plan = double_sampling_plan(1000, InspectionLevel::II, 1.0, Severity::Reduced).unwrap();
    assert_eq!(plan.plan_code_letter, CodeLetter::J);
    assert_eq!((plan.first_sample_size, plan.second_sample_size), (20, 20));
    assert_eq!(
        (
            plan.first_acceptance_number,
            plan.first_rejection_number,
            plan.second_acceptance_number,
            plan.second_rejection_number
        ),
        (0, 2, 1, 2)
    );
    assert!(!plan.full_inspection);
}

#[test]
fn every_cell_of_table_iii_c_matches_the_egtools_iso_2859_1_transcription() {
    let data = include_str!("data/egtools_iso2859_1_1999_reduced_double_resolved.tsv");
    let mut cells = 0;
    for r in rows(data) {
        let ours = lookup(&r).map(|plan| (plan.code_letter.as_str(), numbers(&plan)));
        let theirs = (r[3] != "single").then(|| (r[3], parsed(&r[4..9])));
        assert_eq!(ours, theirs, "{r:?}");
        cells += 1;
    }
    assert_eq!(cells, 16 * 26);
}

#[test]
fn reduced_double_first_sample_sizes_match_z1_4_except_where_iso_removed_the_gap_plans() {
    let data = include_str!("data/z14_aqlschemes_reduced_double_sample_sizes.tsv");
    let mut differ = 0;
    for r in rows(data) {
        let (letter, a) = (CodeLetter::parse(r[1]).unwrap(), aql(r[2]));
        let ours = lookup(&r).map_or("single".to_string(), |p| p.first_sample_size.to_string());
        // The diagonals of Table II-C where Z1.4 keeps its gap plans (ISO points to the plans
        // below instead), and the long up arrow of ISO at Q/R under 0.025: the rule of
        // tests/tables.rs for the single reduced table, unchanged.
        let d = letter.index() as i64 + a.index() as i64 - 14;
        let gap_plan_cell = match letter {
            CodeLetter::A => d == 1,
            CodeLetter::B => d == 2,
            _ => d == 2 || d == 3,
        };
        let iso_change =
            gap_plan_cell || (a.index() == 2 && matches!(letter, CodeLetter::Q | CodeLetter::R));
        if ours != r[3] {
            assert!(iso_change, "{r:?}: lotgate has {ours}");
            differ += 1;
        }
    }
    assert_eq!(differ, 29);
}

fn aql(text: &str) -> Aql {
    Aql::from_percent(text.parse().unwrap()).unwrap()
}

#[test]
fn table_iii_c_prints_a_double_plan_where_table_ii_c_prints_a_single_plan_above_0_1() {
    for letter in &CodeLetter::ALL[..16] {
        for a in Aql::all() {
            let single = table_cell(Severity::Reduced, *letter, a).unwrap();
            let double = double_table_cell(Severity::Reduced, *letter, a).unwrap();
            let expected = match single {
                TableCell::ArrowDown => "down",
                TableCell::ArrowUp => "up",
                TableCell::Blank => "blank",
                // Rows A, B and C have no double plan; a 0/1 plan has no double counterpart.
                TableCell::Plan { .. } if letter.index() < 3 => "single",
                TableCell::Plan {
                    acceptance_number: 0,
                    ..
                } => "single",
                TableCell::Plan { .. } => "plan",
            };
            let found = match double {
                DoubleCell::ArrowDown => "down",
                DoubleCell::ArrowUp => "up",
                DoubleCell::UseSingle => "single",
                DoubleCell::Plan { .. } => "plan",
                DoubleCell::Blank => "blank",
            };
            assert_eq!(found, expected, "{} AQL {}", letter.as_str(), a.percent());
        }
    }
}

/// The double plan each single plan (Ac, Re) has in Tables III-A and III-B (same cell).
fn double_counterparts() -> HashMap<(u32, u32), [u32; 4]> {
    let mut map = HashMap::new();
    for severity in [Severity::Normal, Severity::Tightened] {
        for letter in &CodeLetter::ALL[..16] {
            for a in Aql::all() {
                if let (
                    Some(TableCell::Plan {
                        acceptance_number,
                        rejection_number,
                    }),
                    Some(DoubleCell::Plan {
                        first_acceptance_number,
                        first_rejection_number,
                        second_acceptance_number,
                        second_rejection_number,
                    }),
                ) = (
                    table_cell(severity, *letter, a),
                    double_table_cell(severity, *letter, a),
                ) {
                    let double = [
                        first_acceptance_number,
                        first_rejection_number,
                        second_acceptance_number,
                        second_rejection_number,
                    ];
                    let known = map.insert((acceptance_number, rejection_number), double);
                    assert!(known.is_none_or(|k| k == double), "{acceptance_number}");
                }
            }
        }
    }
    map
}

/// The diagonal of Table II-C where the two ISO 2859-1:1999 transcriptions disagree
/// (tests/tables.rs `egtools_disputed_cell`): GB/T 2828.1-2012 (and lotgate's II-C) 5/6,
/// EGTools 4/5. EGTools' Table III-C prints 2/4;5/6 there, a plan no other table has, which
/// fits its 4/5 and not 5/6 (whose double plan in III-A is 2/5;6/7).
fn ii_c_disputed_cell(letter: CodeLetter, a: Aql) -> bool {
    letter.index() >= 2 && letter.index() + a.index() == 21
}

#[test]
fn table_iii_c_gives_a_single_plan_the_double_plan_tables_iii_a_and_iii_b_give_it() {
    let counterparts = double_counterparts();
    let mut reduced_only: HashMap<(u32, u32), [u32; 4]> = HashMap::new();
    let mut disputed = 0;
    for letter in &CodeLetter::ALL[3..16] {
        for a in Aql::all() {
            let (
                Some(TableCell::Plan {
                    acceptance_number,
                    rejection_number,
                }),
                Some(DoubleCell::Plan {
                    first_acceptance_number,
                    first_rejection_number,
                    second_acceptance_number,
                    second_rejection_number,
                }),
            ) = (
                table_cell(Severity::Reduced, *letter, a),
                double_table_cell(Severity::Reduced, *letter, a),
            )
            else {
                continue;
            };
            let single = (acceptance_number, rejection_number);
            let double = [
                first_acceptance_number,
                first_rejection_number,
                second_acceptance_number,
                second_rejection_number,
            ];
            if ii_c_disputed_cell(*letter, a) {
                assert_eq!((single, double), ((5, 6), [2, 4, 5, 6]));
                disputed += 1;
                continue;
            }
            match counterparts.get(&single) {
                Some(expected) => assert_eq!(&double, expected, "{single:?}"),
                None => {
                    let known = reduced_only.insert(single, double);
                    assert!(known.is_none_or(|k| k == double), "{single:?}");
                }
            }
        }
    }
    assert_eq!(disputed, 13);
    // The single plan only Table II-C has: its double plan rests on EGTools alone.
    let alone: Vec<_> = reduced_only.into_iter().collect();
    assert_eq!(alone, [((6, 7), [3, 6, 7, 8])]);
}

#[test]
fn reduced_double_plans_have_no_gap_between_ac2_and_re2() {
    for letter in &CodeLetter::ALL[..16] {
        for a in Aql::all() {
            if let Some(DoubleCell::Plan {
                first_acceptance_number,
                first_rejection_number,
                second_acceptance_number,
                second_rejection_number,
            }) = double_table_cell(Severity::Reduced, *letter, a)
            {
                assert_eq!(second_rejection_number, second_acceptance_number + 1);
                assert!(first_acceptance_number + 1 < first_rejection_number);
                assert!(first_rejection_number <= second_rejection_number);
            }
        }
    }
}

#[test]
fn double_verdict_follows_both_stages() {
    let plan = DoubleMasterPlan {
        code_letter: CodeLetter::J,
        first_sample_size: 50,
        first_acceptance_number: 1,
        first_rejection_number: 3,
        second_acceptance_number: 4,
        second_rejection_number: 5,
    };
    assert_eq!(double_verdict(&plan, 1, None), Ok(DoubleVerdict::Accept));
    assert_eq!(double_verdict(&plan, 3, None), Ok(DoubleVerdict::Reject));
    assert_eq!(
        double_verdict(&plan, 2, None),
        Ok(DoubleVerdict::TakeSecondSample)
    );
    assert_eq!(double_verdict(&plan, 2, Some(2)), Ok(DoubleVerdict::Accept));
    assert_eq!(double_verdict(&plan, 2, Some(3)), Ok(DoubleVerdict::Reject));
    assert!(matches!(
        double_verdict(&plan, 51, None),
        Err(SamplingError::CountsInconsistent { .. })
    ));
}
