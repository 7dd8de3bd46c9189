//! OC, AOQL and plan design against values computed independently in R
//! (tests/data/oc_reference.R, output in tests/data/oc_reference.out).

use lotgate_sampling::{
    OcModel, SamplingError, aoql, default_grid, design_plan, oc_curve, probability_of_acceptance,
    probability_of_rejection,
};

fn reference(kind: &str) -> Vec<Vec<f64>> {
    include_str!("data/oc_reference.out")
        .lines()
        .filter(|l| l.split_whitespace().next() == Some(kind))
        .map(|l| {
            l.split_whitespace()
                .skip(1)
                .map(|x| x.parse().unwrap())
                .collect()
        })
        .collect()
}

fn close(got: f64, want: f64, tol: f64) -> bool {
    (got - want).abs() <= tol * want.abs().max(1e-300)
}

/// Issue 13: 1 - Pa lost its relative precision when Pa is close to 1 (8e-9 at N = 50,000,
/// n = 500, c = 10, p = 0.001); the upper tail is now summed on its own.
#[test]
fn the_probability_of_rejection_matches_r_upper_tails_to_1e_9_relative() {
    let mut checked = 0;
    for (kind, model_of) in [
        (
            "rejection_hypergeometric",
            (|n| OcModel::Hypergeometric { lot_size: n }) as fn(u64) -> OcModel,
        ),
        ("rejection_binomial", |_| OcModel::Binomial),
        ("rejection_poisson", |_| OcModel::Poisson),
    ] {
        for r in reference(kind) {
            let (lot, n, c, p, want) = (r[0] as u64, r[1] as u64, r[2] as u32, r[3], r[4]);
            let got = probability_of_rejection(model_of(lot), n, c, p).unwrap();
            assert!(close(got, want, 1e-9), "{kind} {r:?}: {got:e}");
            let ati = oc_curve(model_of(lot), lot, n, c, &[p]).unwrap()[0].average_total_inspection;
            let want_ati = n as f64 + want * (lot - n) as f64;
            assert!(close(ati, want_ati, 1e-12), "{kind} {r:?}: ATI {ati}");
            checked += 1;
        }
    }
    assert_eq!(checked, 6);
}

#[test]
fn binomial_pa_matches_r_pbinom() {
    for r in reference("binomial") {
        let pa =
            probability_of_acceptance(OcModel::Binomial, r[0] as u64, r[1] as u32, r[2]).unwrap();
        assert!(close(pa, r[3], 1e-10), "{r:?}: {pa}");
    }
}

#[test]
fn hypergeometric_pa_matches_r_phyper() {
    for r in reference("hypergeometric") {
        let model = OcModel::Hypergeometric {
            lot_size: r[0] as u64,
        };
        let pa = probability_of_acceptance(model, r[1] as u64, r[2] as u32, r[3]).unwrap();
        assert!(close(pa, r[4], 1e-9), "{r:?}: {pa}");
    }
}

#[test]
fn poisson_pa_matches_r_ppois() {
    for r in reference("poisson") {
        let pa =
            probability_of_acceptance(OcModel::Poisson, r[0] as u64, r[1] as u32, r[2]).unwrap();
        assert!(close(pa, r[3], 1e-10), "{r:?}: {pa}");
    }
}

#[test]
fn aoql_matches_r_for_binomial_and_hypergeometric_models() {
    for r in reference("aoql_binomial") {
        let a = aoql(OcModel::Binomial, r[0] as u64, r[1] as u64, r[2] as u32).unwrap();
        assert!(close(a.aoql, r[3], 1e-9), "{r:?}: {a:?}");
        assert!(close(a.at_fraction_defective, r[4], 1e-4), "{r:?}: {a:?}");
    }
    for r in reference("aoql_hypergeometric") {
        let model = OcModel::Hypergeometric {
            lot_size: r[0] as u64,
        };
        let a = aoql(model, r[0] as u64, r[1] as u64, r[2] as u32).unwrap();
        assert!(close(a.aoql, r[3], 1e-9), "{r:?}: {a:?}");
        assert!(close(a.at_fraction_defective, r[4], 1e-12), "{r:?}: {a:?}");
    }
}

#[test]
fn designed_plans_match_the_same_search_written_in_r() {
    // Montgomery's nomograph example (p1 = 0.01, alpha = 0.05, p2 = 0.06, beta = 0.10) reads
    // n = 89, c = 2 off the chart; the exact binomial search needs c = 3, n = 110, as R agrees.
    for r in reference("design") {
        let plan = design_plan(r[0], r[1], r[2], r[3]).unwrap();
        assert_eq!(
            (plan.sample_size, plan.acceptance_number),
            (r[4] as u64, r[5] as u32),
            "{r:?}"
        );
        assert!(close(plan.producer_risk, r[6], 1e-9) && close(plan.consumer_risk, r[7], 1e-9));
    }
}

#[test]
fn design_refuses_impossible_inputs() {
    assert_eq!(
        design_plan(0.06, 0.01, 0.05, 0.1).unwrap_err(),
        SamplingError::AqlNotBelowLtpd {
            aql: 0.06,
            ltpd: 0.01
        }
    );
    assert_eq!(
        design_plan(0.01, 0.06, 0.0, 0.1).unwrap_err(),
        SamplingError::RiskOutOfRange {
            name: "alpha (producer's risk)",
            value: 0.0
        }
    );
    assert_eq!(
        design_plan(0.01, 0.06, 0.05, 1.0).unwrap_err(),
        SamplingError::RiskOutOfRange {
            name: "beta (consumer's risk)",
            value: 1.0
        }
    );
    assert_eq!(
        design_plan(0.0, 0.06, 0.05, 0.1).unwrap_err(),
        SamplingError::FractionOutOfRange {
            name: "AQL",
            value: 0.0
        }
    );
}

#[test]
fn oc_curve_reports_aoq_and_ati_from_pa() {
    let grid = default_grid(80, 2);
    assert_eq!(grid.len(), 101);
    let curve = oc_curve(
        OcModel::Hypergeometric { lot_size: 1000 },
        1000,
        80,
        2,
        &grid,
    )
    .unwrap();
    assert_eq!(curve[0].probability_of_acceptance, 1.0);
    assert_eq!(curve[0].average_total_inspection, 80.0);
    let last = curve.last().unwrap();
    assert!(last.probability_of_acceptance < 0.01);
    let mid = curve[30];
    let expected_aoq = mid.probability_of_acceptance * mid.fraction_defective * 920.0 / 1000.0;
    assert!(close(mid.average_outgoing_quality, expected_aoq, 1e-12));
    let expected_ati = 80.0 + (1.0 - mid.probability_of_acceptance) * 920.0;
    assert!(close(mid.average_total_inspection, expected_ati, 1e-12));
}
