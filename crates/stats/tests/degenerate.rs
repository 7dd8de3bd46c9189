//! Degenerate and invalid input: defined results plus an explanation, or a
//! domain error that names the culprit.

use lotgate_stats::{Spec, SpecLimit, StatsError, Warning, capability};

fn two_sided() -> Spec {
    Spec {
        nominal: Some(10.0),
        lsl: Some(9.0),
        usl: Some(11.0),
        golden_sample: None,
    }
}

#[test]
fn an_empty_lot_reports_nothing_but_says_why() {
    let r = capability(&[], &two_sided(), 1).unwrap();
    assert_eq!(
        (r.n, r.mean, r.cpk, r.control_chart.is_none()),
        (0, None, None, true)
    );
    assert_eq!(r.warnings, vec![Warning::TooFewForSpread { n: 0 }]);
}

#[test]
fn a_single_measurement_has_a_deviation_but_no_capability() {
    let r = capability(&[10.3], &two_sided(), 1).unwrap();
    assert_eq!(r.mean, Some(10.3));
    assert!((r.deviation_from_nominal.unwrap() - 0.3).abs() < 1e-12);
    assert_eq!(
        (r.sd, r.cp, r.cpk, r.ppm_above_usl),
        (None, None, None, None)
    );
    assert_eq!(r.deviations[0].z_score, None);
    assert!(r.warnings[0].message().starts_with("only 1 measurement;"));
}

#[test]
fn identical_measurements_have_zero_spread_and_no_indices() {
    let r = capability(&[10.0; 40], &two_sided(), 5).unwrap();
    assert_eq!((r.sd, r.sigma_within), (Some(0.0), Some(0.0)));
    assert_eq!(
        (r.cp, r.cpk, r.pp, r.ppk, r.anderson_darling),
        (None, None, None, None, None)
    );
    assert!(r.warnings.contains(&Warning::ZeroSpread));
}

#[test]
fn no_spec_limits_give_statistics_without_indices() {
    let values: Vec<f64> = (0..40).map(|i| f64::from(i % 7)).collect();
    let r = capability(&values, &Spec::default(), 1).unwrap();
    assert!(r.sd.is_some() && r.sigma_within.is_some());
    assert_eq!(
        (r.cp, r.cpk, r.ppm_below_lsl, r.count_outside),
        (None, None, None, None)
    );
    assert!(r.warnings.contains(&Warning::NoSpecLimits));
}

#[test]
fn an_upper_limit_alone_gives_cpu_as_cpk() {
    let values: Vec<f64> = (0..40).map(|i| 10.0 + f64::from(i % 5) * 0.1).collect();
    let spec = Spec {
        usl: Some(11.0),
        ..Spec::default()
    };
    let r = capability(&values, &spec, 1).unwrap();
    assert_eq!(r.cpk, r.cpu);
    assert_eq!((r.cp, r.cpl), (None, None));
    assert!(r.warnings.contains(&Warning::OneSidedSpec {
        missing: SpecLimit::Lsl
    }));
}

#[test]
fn fewer_values_than_one_subgroup_give_no_within_sigma() {
    let r = capability(&[1.0, 2.0, 3.0], &two_sided(), 5).unwrap();
    assert_eq!(
        (r.sigma_within, r.cp, r.control_chart.is_none()),
        (None, None, true)
    );
    assert!(r.pp.is_some());
    assert!(r.warnings.contains(&Warning::NoCompleteSubgroup {
        n: 3,
        subgroup_size: 5
    }));
}

#[test]
fn rejects_a_non_finite_measurement_naming_its_index() {
    let err = capability(&[1.0, f64::INFINITY], &two_sided(), 1).unwrap_err();
    assert_eq!(
        err,
        StatsError::NonFiniteMeasurement {
            index: 1,
            value: f64::INFINITY
        }
    );
    assert_eq!(err.to_string(), "measurement 1 is inf, not a finite number");
}

#[test]
fn rejects_reversed_limits() {
    let spec = Spec {
        lsl: Some(2.0),
        usl: Some(1.0),
        ..Spec::default()
    };
    assert_eq!(
        capability(&[1.5], &spec, 1),
        Err(StatsError::LimitsNotOrdered { lsl: 2.0, usl: 1.0 })
    );
}

#[test]
fn rejects_a_nan_spec_value_by_name() {
    let spec = Spec {
        golden_sample: Some(f64::NAN),
        ..Spec::default()
    };
    let err = capability(&[1.5], &spec, 1).unwrap_err();
    assert!(matches!(
        err,
        StatsError::NonFiniteSpecValue {
            name: "golden_sample",
            ..
        }
    ));
}

#[test]
fn rejects_subgroup_sizes_outside_the_constants_table() {
    for size in [0, 26] {
        assert_eq!(
            capability(&[1.0; 30], &two_sided(), size),
            Err(StatsError::SubgroupSizeOutOfRange { size })
        );
    }
}

#[test]
fn a_shifted_run_is_flagged_by_western_electric_rule_four() {
    let mut values: Vec<f64> = (0..20)
        .map(|i| 10.0 + if i % 2 == 0 { 0.05 } else { -0.05 })
        .collect();
    values.extend(
        [10.02; 9]
            .iter()
            .zip(0..)
            .map(|(v, i)| v + f64::from(i) * 0.001),
    );
    let r = capability(&values, &two_sided(), 1).unwrap();
    let chart = r.control_chart.unwrap();
    let rule4: Vec<_> = chart
        .location
        .violations
        .iter()
        .filter(|v| v.rule == 4)
        .collect();
    assert_eq!(rule4.len(), 1);
    assert_eq!(rule4[0].points, (20..29).collect::<Vec<_>>());
}
