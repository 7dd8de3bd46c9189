//! Checks the report against values computed independently in GNU R
//! (`tests/data/reference.R`, see `tests/data/README.md`), to 1e-9 relative.

use std::collections::BTreeMap;
use std::fs;
use std::path::PathBuf;

use lotgate_stats::{CapabilityReport, Spec, Warning, capability};

const REL_TOL: f64 = 1e-9;

struct Reference {
    values: Vec<f64>,
    /// quantity -> (value, R expression); `None` is R's NA.
    expected: BTreeMap<String, (Option<f64>, String)>,
}

fn load(name: &str) -> Reference {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let data = fs::read_to_string(dir.join(format!("{name}.csv"))).expect("dataset");
    let values = data
        .lines()
        .map(|l| l.trim().parse().expect("a number"))
        .collect();
    let table =
        fs::read_to_string(dir.join(format!("{name}.expected.csv"))).expect("expected values");
    let expected = table
        .lines()
        .skip(1)
        .map(|line| {
            let mut cells = line.splitn(3, ',');
            let quantity = cells.next().unwrap().to_string();
            let value = cells.next().unwrap();
            let expr = cells.next().unwrap().trim_matches('"').to_string();
            let value = (value != "NA").then(|| value.parse().expect("a number or NA"));
            (quantity, (value, expr))
        })
        .collect();
    Reference { values, expected }
}

impl Reference {
    fn input(&self, key: &str) -> Option<f64> {
        self.expected[key].0
    }

    fn spec(&self) -> Spec {
        Spec {
            nominal: self.input("spec_nominal"),
            lsl: self.input("spec_lsl"),
            usl: self.input("spec_usl"),
            golden_sample: self.input("spec_golden_sample"),
        }
    }

    fn report(&self) -> CapabilityReport {
        let k = self.input("spec_subgroup_size").expect("subgroup size") as usize;
        capability(&self.values, &self.spec(), k).expect("valid input")
    }
}

/// The report's value for an R quantity; every quantity in the file must be known.
fn actual(r: &CapabilityReport, quantity: &str) -> Option<f64> {
    let chart = r.control_chart.as_ref();
    let count = |c: Option<usize>| c.map(|c| c as f64);
    match quantity {
        "n" => Some(r.n as f64),
        "mean" => r.mean,
        "sd" => r.sd,
        "min" => r.min,
        "max" => r.max,
        "median" => r.median,
        "range" => r.range,
        "deviation_from_nominal" => r.deviation_from_nominal,
        "deviation_from_nominal_pct_of_tolerance" => r.deviation_from_nominal_pct_of_tolerance,
        "deviation_from_golden_sample" => r.deviation_from_golden_sample,
        "count_below_lsl" => count(r.count_below_lsl),
        "count_above_usl" => count(r.count_above_usl),
        "sigma_within" => r.sigma_within,
        "location_centre" => chart.map(|c| c.location.centre_line),
        "location_ucl" => chart.map(|c| c.location.ucl),
        "location_lcl" => chart.map(|c| c.location.lcl),
        "spread_centre" => chart.map(|c| c.spread.centre_line),
        "spread_ucl" => chart.map(|c| c.spread.ucl),
        "spread_lcl" => chart.map(|c| c.spread.lcl),
        "cp" => r.cp,
        "cpu" => r.cpu,
        "cpl" => r.cpl,
        "cpk" => r.cpk,
        "pp" => r.pp,
        "ppk" => r.ppk,
        "ppm_below_lsl" => r.ppm_below_lsl,
        "ppm_above_usl" => r.ppm_above_usl,
        "cpk_ci_lower" => r.cpk_ci_lower,
        "cpk_ci_upper" => r.cpk_ci_upper,
        "anderson_darling" => r.anderson_darling,
        "anderson_darling_p" => r.anderson_darling_p,
        other => panic!("reference quantity {other} is not mapped to the report"),
    }
}

fn assert_matches_r(name: &str) -> CapabilityReport {
    let reference = load(name);
    let report = reference.report();
    let mut failures = Vec::new();
    for (quantity, (want, expr)) in reference
        .expected
        .iter()
        .filter(|(q, _)| !q.starts_with("spec_"))
    {
        let got = actual(&report, quantity);
        let ok = match (got, *want) {
            (Some(g), Some(w)) => (g - w).abs() <= REL_TOL * w.abs().max(1e-300) || g == w,
            (None, None) => true,
            _ => false,
        };
        if !ok {
            failures.push(format!(
                "{quantity}: lotgate {got:?}, R {want:?} from `{expr}`"
            ));
        }
    }
    assert!(failures.is_empty(), "{name}:\n{}", failures.join("\n"));
    assert!(
        reference.expected.len() > 30,
        "{name}: reference table looks truncated"
    );
    report
}

#[test]
fn individual_shaft_diameters_match_r() {
    let report = assert_matches_r("shaft_individuals");
    assert_eq!(report.deviations.len(), 40);
}

#[test]
fn bore_depths_in_subgroups_of_five_match_r() {
    let report = assert_matches_r("bore_subgroups5");
    assert!(
        !report
            .warnings
            .iter()
            .any(|w| matches!(w, Warning::IncompleteSubgroup { .. }))
    );
}

#[test]
fn skewed_one_sided_tensile_strengths_match_r_and_warn() {
    let report = assert_matches_r("tensile_lsl_only");
    for expected in [
        Warning::TooFewForCapability { n: 23 },
        Warning::IncompleteSubgroup {
            subgroup_size: 4,
            ignored: 3,
        },
        Warning::OneSidedSpec {
            missing: lotgate_stats::SpecLimit::Usl,
        },
    ] {
        assert!(
            report.warnings.contains(&expected),
            "missing {expected:?} in {:?}",
            report.warnings
        );
    }
    assert!(
        report
            .warnings
            .iter()
            .any(|w| matches!(w, Warning::NormalityDoubtful { .. }))
    );
}
