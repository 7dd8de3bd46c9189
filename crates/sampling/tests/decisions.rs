//! Full inspection vs sampling, and lot verdicts.

use lotgate_sampling::{
    CharacteristicContext, Classification, InspectionMode, LotPlan, SamplingError, Verdict,
    characteristic_verdict, choose_inspection, lot_verdict,
};

fn ctx() -> CharacteristicContext {
    CharacteristicContext {
        classification: Classification::Major,
        one_defect_fatal: false,
        destructive_test: false,
        lot_size: 1000,
        sample_size: 80,
        acceptance_number: 2,
        cost_to_inspect_unit: 1.0,
        cost_of_escaped_defective: 50.0,
        estimated_fraction_defective: 0.01,
    }
}

#[test]
fn samples_a_large_lot_of_a_capable_process() {
    let d = choose_inspection(&ctx()).unwrap();
    assert_eq!(d.mode, InspectionMode::Sampling);
    assert_eq!(d.break_even_fraction_defective, 0.02);
    assert_eq!(d.expected_cost_full_inspection, 1000.0);
    assert!(d.expected_cost_sampling < d.expected_cost_full_inspection);
}

#[test]
fn inspects_everything_when_the_fraction_defective_exceeds_k1_over_k2() {
    let d = choose_inspection(&CharacteristicContext {
        estimated_fraction_defective: 0.05,
        ..ctx()
    })
    .unwrap();
    assert_eq!(d.mode, InspectionMode::Full);
    assert!(d.reason.contains("kp rule"));
}

#[test]
fn inspects_everything_for_critical_fatal_or_small_lots() {
    let critical = CharacteristicContext {
        classification: Classification::Critical,
        ..ctx()
    };
    assert_eq!(
        choose_inspection(&critical).unwrap().mode,
        InspectionMode::Full
    );
    let fatal = CharacteristicContext {
        one_defect_fatal: true,
        ..ctx()
    };
    assert_eq!(
        choose_inspection(&fatal).unwrap().mode,
        InspectionMode::Full
    );
    let small = CharacteristicContext {
        lot_size: 80,
        ..ctx()
    };
    assert_eq!(
        choose_inspection(&small).unwrap().mode,
        InspectionMode::Full
    );
}

#[test]
fn a_destructive_test_forces_sampling_even_when_critical() {
    let d = choose_inspection(&CharacteristicContext {
        destructive_test: true,
        classification: Classification::Critical,
        ..ctx()
    })
    .unwrap();
    assert_eq!(d.mode, InspectionMode::Sampling);
    assert!(d.reason.contains("destructive"));
}

const PLAN: LotPlan = LotPlan {
    sample_size: 80,
    acceptance_number: 2,
    rejection_number: 3,
    full_inspection: false,
};

#[test]
fn rejects_a_lot_when_defects_reach_the_rejection_number() {
    let v = characteristic_verdict(&PLAN, 40, 3).unwrap();
    assert_eq!(v.verdict, Verdict::Reject);
}

#[test]
fn is_pending_until_the_sample_is_complete() {
    assert_eq!(
        characteristic_verdict(&PLAN, 79, 2).unwrap().verdict,
        Verdict::Pending
    );
    assert_eq!(
        characteristic_verdict(&PLAN, 80, 2).unwrap().verdict,
        Verdict::Accept
    );
    assert!(matches!(
        characteristic_verdict(&PLAN, 5, 6),
        Err(SamplingError::CountsInconsistent { .. })
    ));
}

#[test]
fn any_rejected_characteristic_rejects_the_lot() {
    let v = lot_verdict(&[
        (Classification::Major, Verdict::Accept),
        (Classification::Minor, Verdict::Reject),
        (Classification::Critical, Verdict::Pending),
    ]);
    assert_eq!(v.verdict, Verdict::Reject);
    assert!(v.explanation.contains("minor"));
    let v = lot_verdict(&[
        (Classification::Major, Verdict::Accept),
        (Classification::Minor, Verdict::Pending),
    ]);
    assert_eq!(v.verdict, Verdict::Pending);
    let v = lot_verdict(&[(Classification::Major, Verdict::Accept)]);
    assert_eq!(v.verdict, Verdict::Accept);
}
