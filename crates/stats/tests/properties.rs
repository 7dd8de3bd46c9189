//! Invariants that must hold for any finite input.

use lotgate_stats::{Spec, capability, control_chart, describe};
use proptest::prelude::*;

fn measurements() -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec(-1e6..1e6f64, 0..200)
}

fn close(a: f64, b: f64, scale: f64) -> bool {
    (a - b).abs() <= 1e-9 * scale.max(1.0)
}

proptest! {
    #[test]
    fn median_lies_between_min_and_max(v in measurements()) {
        let d = describe(&v).unwrap();
        if let (Some(lo), Some(med), Some(hi)) = (d.min, d.median, d.max) {
            prop_assert!(lo <= med && med <= hi);
            prop_assert!(lo <= d.mean.unwrap() && d.mean.unwrap() <= hi);
        } else {
            prop_assert!(v.is_empty());
        }
    }

    #[test]
    fn sd_is_never_negative_and_range_bounds_it(v in measurements()) {
        let d = describe(&v).unwrap();
        if let Some(sd) = d.sd {
            prop_assert!(sd >= 0.0);
            // Sample sd never exceeds range * sqrt(n / (2(n-1))) <= range.
            prop_assert!(sd <= d.range.unwrap() * (1.0 + 1e-12) + 1e-12);
        }
    }

    #[test]
    fn shifting_values_shifts_the_mean_and_keeps_the_sd(v in measurements(), shift in -1e3..1e3f64) {
        let moved: Vec<f64> = v.iter().map(|x| x + shift).collect();
        let (a, b) = (describe(&v).unwrap(), describe(&moved).unwrap());
        if let (Some(ma), Some(mb)) = (a.mean, b.mean) {
            prop_assert!(close(ma + shift, mb, 1e6));
            prop_assert!(close(a.median.unwrap() + shift, b.median.unwrap(), 1e6));
        }
        if let (Some(sa), Some(sb)) = (a.sd, b.sd) {
            prop_assert!(close(sa, sb, 1e6), "{} vs {}", sa, sb);
        }
    }

    #[test]
    fn median_does_not_depend_on_order(mut v in measurements()) {
        let before = describe(&v).unwrap().median;
        v.reverse();
        prop_assert_eq!(before, describe(&v).unwrap().median);
    }

    #[test]
    fn report_never_contains_nan_or_infinity(
        v in prop::collection::vec(-10.0..10.0f64, 0..60),
        k in 1usize..=25,
        lsl in prop::option::of(-20.0..-1.0f64),
        usl in prop::option::of(1.0..20.0f64),
    ) {
        let spec = Spec { nominal: Some(0.0), lsl, usl, golden_sample: Some(0.1) };
        let r = capability(&v, &spec, k).unwrap();
        let json = serde_json::to_string(&r).unwrap();
        // serde_json writes non-finite floats as null, so compare with the fields directly.
        let fields = [r.mean, r.sd, r.cp, r.cpk, r.pp, r.ppk, r.ppm_below_lsl, r.ppm_above_usl,
            r.cpk_ci_lower, r.cpk_ci_upper, r.anderson_darling, r.anderson_darling_p, r.sigma_within];
        prop_assert!(fields.iter().flatten().all(|x| x.is_finite()), "{}", json);
        prop_assert!(r.deviations.iter().all(|d| d.deviation.is_finite()));
    }

    #[test]
    fn cpk_never_exceeds_cp_and_ppk_never_exceeds_pp(v in prop::collection::vec(-5.0..5.0f64, 2..80)) {
        let spec = Spec { lsl: Some(-10.0), usl: Some(10.0), ..Spec::default() };
        let r = capability(&v, &spec, 1).unwrap();
        if let (Some(cp), Some(cpk)) = (r.cp, r.cpk) {
            prop_assert!(cpk <= cp * (1.0 + 1e-12));
        }
        if let (Some(pp), Some(ppk)) = (r.pp, r.ppk) {
            prop_assert!(ppk <= pp * (1.0 + 1e-12));
        }
    }

    #[test]
    fn control_limits_enclose_the_centre_line(v in prop::collection::vec(-5.0..5.0f64, 0..100), k in 1usize..=25) {
        if let Some(chart) = control_chart(&v, k).unwrap() {
            prop_assert!(chart.location.lcl <= chart.location.centre_line);
            prop_assert!(chart.location.centre_line <= chart.location.ucl);
            prop_assert!(chart.spread.lcl <= chart.spread.centre_line);
            prop_assert_eq!(chart.location.points.len(), if k == 1 { v.len() } else { v.len() / k });
        }
    }
}
