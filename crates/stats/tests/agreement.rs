//! The comparison of the two inspectors against GNU R 4.x, to 1e-9 relative.
//! Every expected value was printed by `Rscript -e` with `options(digits = 17)` on the
//! data beside it; the R command is written above each block.
// The expected values are written as R printed them, 17 significant digits.
#![allow(clippy::excessive_precision)]

use lotgate_stats::{
    Findings, PairedJudgements, Undefined, cohens_kappa, fisher_factory_reports_fewer,
    limits_of_agreement, paired_t_test, variance_ratio_test, welch_t_test,
};

fn close(actual: f64, expected: f64, what: &str) {
    let tol = 1e-9 * expected.abs().max(1e-300);
    assert!(
        (actual - expected).abs() <= tol,
        "{what}: {actual} vs R {expected}"
    );
}

/// In-house readings of ten serials (mm).
const IN_HOUSE: [f64; 10] = [
    12.031, 12.018, 12.044, 12.027, 12.039, 12.022, 12.035, 12.029, 12.041, 12.025,
];
/// The factory's readings of the same ten serials, in the same order.
const FACTORY: [f64; 10] = [
    12.004, 11.995, 12.021, 12.001, 12.016, 11.994, 12.012, 12.006, 12.013, 12.002,
];
/// Units only one source measured.
const IN_HOUSE_ONLY: [f64; 6] = [12.036, 12.019, 12.047, 12.024, 12.031, 12.040];
const FACTORY_ONLY: [f64; 7] = [12.008, 12.003, 12.011, 12.006, 12.010, 12.005, 12.009];

fn differences() -> Vec<f64> {
    IN_HOUSE.iter().zip(FACTORY).map(|(x, y)| x - y).collect()
}

#[test]
fn the_paired_t_test_matches_r() {
    // x <- IN_HOUSE; y <- FACTORY; tt <- t.test(x, y, paired = TRUE); d <- x - y
    // c(mean(d), sd(d), tt$statistic, tt$parameter, tt$p.value, tt$conf.int)
    let t = paired_t_test(&differences(), 0.95).unwrap();
    assert_eq!(t.pairs, 10);
    close(t.mean_difference, 2.4700000000000166e-02, "mean");
    close(t.sd_difference, 2.2632326929026571e-03, "sd");
    close(t.t_statistic, 3.4511810672893532e+01, "t");
    close(t.degrees_of_freedom, 9.0, "df");
    close(t.p_value, 7.1086311927030444e-11, "p");
    close(t.mean_difference_ci[0], 2.3080980863313665e-02, "ci low");
    close(t.mean_difference_ci[1], 2.6319019136686665e-02, "ci high");
}

#[test]
fn the_limits_of_agreement_match_r() {
    // mean(d) + c(-1.96, 1.96) * sd(d)
    let l = limits_of_agreement(&differences()).unwrap();
    close(l.lower, 2.0264063921910960e-02, "lower");
    close(l.upper, 2.9135936078089373e-02, "upper");
}

#[test]
fn welchs_test_of_the_unpaired_units_matches_r() {
    // w <- t.test(IN_HOUSE_ONLY, FACTORY_ONLY)
    // c(w$estimate[1] - w$estimate[2], w$statistic, w$parameter, w$p.value, w$conf.int)
    let w = welch_t_test(&IN_HOUSE_ONLY, &FACTORY_ONLY, 0.95).unwrap();
    close(w.mean_difference, 0.0254047619047614859, "difference");
    close(w.t_statistic, 5.8264965540274733513, "t");
    close(w.degrees_of_freedom, 5.6651789581261189355, "df");
    close(w.p_value, 0.0013746878487354067, "p");
    close(w.mean_difference_ci[0], 0.0145809774859784885, "ci low");
    close(w.mean_difference_ci[1], 0.0362285463235444832, "ci high");
}

#[test]
fn the_f_test_of_variances_matches_r() {
    // f <- var.test(IN_HOUSE_ONLY, FACTORY_ONLY)
    // c(f$statistic, f$parameter, f$p.value, f$conf.int)
    let f = variance_ratio_test(&IN_HOUSE_ONLY, &FACTORY_ONLY, 0.95).unwrap();
    close(f.ratio, 12.9097701149459176406, "F");
    close(f.numerator_df, 5.0, "df1");
    close(f.denominator_df, 6.0, "df2");
    close(f.p_value, 0.0073146995180617402, "p");
    close(f.ratio_ci[0], 2.1560968178510853122, "ci low");
    close(f.ratio_ci[1], 90.0805269243251274247, "ci high");
}

#[test]
fn cohens_kappa_matches_its_definition_computed_in_r() {
    // a <- 40; b <- 6; c <- 2; d <- 2; n <- a + b + c + d; po <- (a + d) / n
    // fp <- (a + b) / n; ip <- (a + c) / n; pe <- fp * ip + (1 - fp) * (1 - ip)
    // c(po, (po - pe) / (1 - pe))
    let j = PairedJudgements {
        both_passed: 40,
        factory_passed_in_house_failed: 6,
        factory_failed_in_house_passed: 2,
        both_failed: 2,
    };
    close(j.agreement().unwrap(), 0.83999999999999997, "agreement");
    close(cohens_kappa(&j).unwrap(), 0.25373134328358166, "kappa");
}

#[test]
fn fishers_one_sided_test_matches_r() {
    // fisher.test(matrix(c(3, 11, 77, 69), 2), alternative = "less")$p.value
    // (rows: factory, in-house; columns: nonconforming, conforming)
    let p = fisher_factory_reports_fewer(
        Findings {
            nonconforming: 3,
            inspected: 80,
        },
        Findings {
            nonconforming: 11,
            inspected: 80,
        },
    )
    .unwrap();
    close(p, 0.023419914399645574, "p");
    // fisher.test(matrix(c(0, 0, 50, 40), 2), alternative = "less")$p.value == 1
    let none = fisher_factory_reports_fewer(
        Findings {
            nonconforming: 0,
            inspected: 50,
        },
        Findings {
            nonconforming: 0,
            inspected: 40,
        },
    )
    .unwrap();
    assert_eq!(none, 1.0);
}

#[test]
fn no_pair_one_pair_and_constant_differences_are_undefined_with_a_reason() {
    assert_eq!(paired_t_test(&[], 0.95), Err(Undefined::NoPairs));
    assert_eq!(paired_t_test(&[0.02], 0.95), Err(Undefined::OnePair));
    assert_eq!(limits_of_agreement(&[0.02]), Err(Undefined::OnePair));
    let constant = [0.5, 0.5, 0.5];
    assert_eq!(
        paired_t_test(&constant, 0.95),
        Err(Undefined::ZeroVarianceOfDifferences)
    );
    // The limits exist (both equal the mean) when the differences do not vary.
    let l = limits_of_agreement(&constant).unwrap();
    assert_eq!((l.lower, l.upper), (0.5, 0.5));
    assert!(Undefined::OnePair.to_string().contains("at least two"));
}

#[test]
fn unpaired_tests_need_two_varying_units_per_source() {
    assert_eq!(
        welch_t_test(&[1.0], &[1.0, 2.0], 0.95),
        Err(Undefined::TooFewUnits)
    );
    assert_eq!(
        welch_t_test(&[1.0, 1.0], &[2.0, 2.0], 0.95),
        Err(Undefined::ZeroVariance)
    );
    assert_eq!(
        variance_ratio_test(&[1.0, 2.0], &[2.0, 2.0], 0.95),
        Err(Undefined::ZeroVariance)
    );
}

#[test]
fn kappa_is_undefined_when_every_unit_is_judged_alike_in_one_category() {
    let all_pass = PairedJudgements {
        both_passed: 20,
        ..Default::default()
    };
    assert_eq!(all_pass.agreement(), Ok(1.0));
    assert_eq!(
        cohens_kappa(&all_pass),
        Err(Undefined::ChanceAgreementIsCertain)
    );
    assert_eq!(
        cohens_kappa(&PairedJudgements::default()),
        Err(Undefined::NoPairs)
    );
    assert_eq!(
        fisher_factory_reports_fewer(
            Findings {
                nonconforming: 0,
                inspected: 0
            },
            Findings {
                nonconforming: 1,
                inspected: 5
            },
        ),
        Err(Undefined::NoUnits)
    );
}
