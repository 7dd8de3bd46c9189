//! Switching rules (ISO 2859-1:1999 clause 9) on lot sequences worked through by hand.

use lotgate_sampling::{
    Aql, CodeLetter, InspectionState, LotOutcome, SwitchingSettings, SwitchingState,
    acceptance_number_one_step_tighter, next_state,
};

const STEADY: SwitchingSettings = SwitchingSettings {
    production_steady: true,
    reduced_approved: true,
};

/// A lot under a plan with Ac = 1 (so the switching score adds 2 per accepted lot).
fn lot(accepted: bool) -> LotOutcome {
    LotOutcome {
        accepted,
        acceptance_number: 1,
        nonconforming_count: if accepted { 0 } else { 2 },
        acceptance_number_one_step_tighter: None,
    }
}

fn run(
    mut state: SwitchingState,
    lots: &[LotOutcome],
    settings: SwitchingSettings,
) -> (SwitchingState, Vec<Option<String>>) {
    let mut reasons = Vec::new();
    for l in lots {
        let t = next_state(&state, l, &settings);
        state = t.state;
        reasons.push(t.reason);
    }
    (state, reasons)
}

#[test]
fn two_rejections_within_five_lots_on_normal_switch_to_tightened() {
    // Lots: A R A A R. After lot 5 the last five lots hold 2 not accepted -> tightened (9.3.2).
    let lots = [lot(true), lot(false), lot(true), lot(true), lot(false)];
    let (state, reasons) = run(SwitchingState::default(), &lots, STEADY);
    assert_eq!(state.severity, InspectionState::Tightened);
    assert!(reasons[..4].iter().all(Option::is_none));
    assert!(reasons[4].as_deref().unwrap().contains("9.3.2"));
}

#[test]
fn two_rejections_six_lots_apart_stay_on_normal() {
    // Lots: R A A A A R. When the second rejection comes, the first is 6 lots back: the last
    // five lots (A A A A R) hold only one -> stay on normal.
    let lots = [
        lot(false),
        lot(true),
        lot(true),
        lot(true),
        lot(true),
        lot(false),
    ];
    let (state, _) = run(SwitchingState::default(), &lots, STEADY);
    assert_eq!(state.severity, InspectionState::Normal);
}

#[test]
fn five_consecutive_acceptances_on_tightened_return_to_normal() {
    // On tightened: A A R A A A A A. The rejection resets the run; lots 4..8 are five
    // consecutive acceptances -> normal after lot 8 (9.3.4), with a fresh switching score.
    let lots = [
        lot(true),
        lot(true),
        lot(false),
        lot(true),
        lot(true),
        lot(true),
        lot(true),
        lot(true),
    ];
    let (state, reasons) = run(
        SwitchingState::start(InspectionState::Tightened),
        &lots,
        STEADY,
    );
    assert_eq!(state.severity, InspectionState::Normal);
    assert_eq!(state.switching_score, 0);
    assert!(reasons[6].is_none());
    assert!(reasons[7].as_deref().unwrap().contains("9.3.4"));
}

#[test]
fn five_rejections_on_tightened_discontinue_inspection() {
    // On tightened: R A R A R R A R. Never five accepted in a row; the cumulative count of
    // not-accepted lots reaches 5 at lot 8 -> discontinue (9.4).
    let seq = [false, true, false, true, false, false, true, false];
    let lots: Vec<_> = seq.iter().map(|&a| lot(a)).collect();
    let (state, reasons) = run(
        SwitchingState::start(InspectionState::Tightened),
        &lots,
        STEADY,
    );
    assert_eq!(state.severity, InspectionState::Discontinued);
    assert!(reasons[7].as_deref().unwrap().contains("9.4"));
}

#[test]
fn switching_score_of_30_with_steady_production_and_approval_switches_to_reduced() {
    // Ac = 1: +2 per accepted lot. 15 accepted lots -> score 30 -> reduced at lot 15 (9.3.3).
    let lots = [lot(true); 15];
    let (state, reasons) = run(SwitchingState::default(), &lots, STEADY);
    assert_eq!(state.severity, InspectionState::Reduced);
    assert!(reasons[13].is_none());
    assert!(reasons[14].as_deref().unwrap().contains("9.3.3"));
}

#[test]
fn a_score_of_30_without_approval_stays_on_normal() {
    let no_approval = SwitchingSettings {
        production_steady: true,
        reduced_approved: false,
    };
    let (state, _) = run(SwitchingState::default(), &[lot(true); 20], no_approval);
    assert_eq!(state.severity, InspectionState::Normal);
    assert_eq!(state.switching_score, 40);
}

#[test]
fn a_rejection_resets_the_switching_score() {
    // 10 accepted (score 20), 1 rejected (score 0), 14 accepted (28): still normal.
    let mut lots = vec![lot(true); 10];
    lots.push(lot(false));
    lots.extend(vec![lot(true); 14]);
    let (state, _) = run(SwitchingState::default(), &lots, STEADY);
    assert_eq!(
        (state.severity, state.switching_score),
        (InspectionState::Normal, 28)
    );
}

#[test]
fn with_acceptance_number_two_or_more_the_score_needs_acceptance_at_the_tighter_aql() {
    // Code letter K (n = 125) at AQL 1.0 normal: Ac = 3. One step tighter, AQL 0.65, is
    // K (n = 125) Ac = 2 -- same sample, so counts compare.
    let tighter =
        acceptance_number_one_step_tighter(CodeLetter::K, Aql::from_percent(1.0).unwrap(), 125)
            .unwrap();
    assert_eq!(tighter, Some(2));
    let with = |found| LotOutcome {
        accepted: true,
        acceptance_number: 3,
        nonconforming_count: found,
        acceptance_number_one_step_tighter: tighter,
    };
    // 2 found: accepted at Ac 2 too -> +3; 3 found: accepted, but not at Ac 2 -> reset to 0.
    let t1 = next_state(&SwitchingState::default(), &with(2), &STEADY);
    assert_eq!(t1.state.switching_score, 3);
    let t2 = next_state(&t1.state, &with(3), &STEADY);
    assert_eq!(t2.state.switching_score, 0);
    // Ten lots with at most 2 found: 10 x 3 = 30 -> reduced.
    let (state, _) = run(SwitchingState::default(), &[with(1); 10], STEADY);
    assert_eq!(state.severity, InspectionState::Reduced);
}

#[test]
fn reduced_returns_to_normal_on_a_rejection_or_irregular_production() {
    let reduced = SwitchingState::start(InspectionState::Reduced);
    let t = next_state(&reduced, &lot(false), &STEADY);
    assert_eq!(t.state.severity, InspectionState::Normal);
    assert!(t.reason.unwrap().contains("not accepted"));
    let irregular = SwitchingSettings {
        production_steady: false,
        reduced_approved: true,
    };
    let t = next_state(&reduced, &lot(true), &irregular);
    assert_eq!(t.state.severity, InspectionState::Normal);
    assert!(t.reason.unwrap().contains("irregular"));
    let t = next_state(&reduced, &lot(true), &STEADY);
    assert_eq!(
        (t.state.severity, t.reason),
        (InspectionState::Reduced, None)
    );
}
