//! Plain-language cautions attached to a capability report.

use serde::Serialize;

/// Below this many values capability indices are too uncertain to act on
/// (common SPC guidance; the Cpk interval shows why).
pub const MIN_CAPABILITY_SAMPLE: usize = 30;

/// A specification limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SpecLimit {
    /// Lower specification limit.
    Lsl,
    /// Upper specification limit.
    Usl,
}

/// Why some numbers in a report are missing or should be read with care.
/// [`Warning::message`] says it in a sentence for the reviewer.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Warning {
    /// n < 2: no spread, hence no sd, indices, ppm or z-scores.
    TooFewForSpread {
        /// Number of measurements.
        n: usize,
    },
    /// 2 <= n < 30: indices are computed but very uncertain.
    TooFewForCapability {
        /// Number of measurements.
        n: usize,
    },
    /// 2 <= n < 8: the Anderson-Darling test was not run.
    NormalityNotTested {
        /// Number of measurements.
        n: usize,
    },
    /// Anderson-Darling p < 0.05: the normal model behind ppm and indices is doubtful.
    NormalityDoubtful {
        /// Anderson-Darling p-value.
        p_value: f64,
    },
    /// n is not a multiple of the subgroup size; trailing values were left out
    /// of the within-subgroup sigma and the X-bar/R chart.
    IncompleteSubgroup {
        /// Values per subgroup.
        subgroup_size: usize,
        /// Number of trailing values left out.
        ignored: usize,
    },
    /// Fewer values than one subgroup: no within sigma, Cp/Cpk or chart.
    NoCompleteSubgroup {
        /// Number of measurements.
        n: usize,
        /// Values per subgroup.
        subgroup_size: usize,
    },
    /// All values are identical (sd = 0).
    ZeroSpread,
    /// The values vary between but not within subgroups (σw = 0).
    ZeroWithinSpread,
    /// Neither LSL nor USL given.
    NoSpecLimits,
    /// Only one limit given: Cp and Pp need both.
    OneSidedSpec {
        /// The limit that is absent.
        missing: SpecLimit,
    },
}

impl Warning {
    /// The warning as a sentence a QA reviewer understands.
    pub fn message(&self) -> String {
        match *self {
            Warning::TooFewForSpread { n } => format!(
                "only {n} measurement{}; at least 2 are needed to measure spread, so sd, \
                 capability indices, ppm estimates and z-scores are not available",
                if n == 1 { "" } else { "s" }
            ),
            Warning::TooFewForCapability { n } => format!(
                "only {n} measurements; capability indices need at least {MIN_CAPABILITY_SAMPLE} \
                 to be meaningful"
            ),
            Warning::NormalityNotTested { n } => format!(
                "only {n} measurements; the normality check needs at least 8, so the ppm \
                 estimates rest on an untested normal assumption"
            ),
            Warning::NormalityDoubtful { p_value } => format!(
                "the measurements do not look normally distributed (Anderson-Darling p = \
                 {p_value:.4} < 0.05); capability indices and ppm estimates assume a normal \
                 distribution and may be misleading"
            ),
            Warning::IncompleteSubgroup {
                subgroup_size,
                ignored,
            } => format!(
                "the measurements do not divide into subgroups of {subgroup_size}; the last \
                 {ignored} were left out of the within-subgroup sigma and the X-bar/R chart"
            ),
            Warning::NoCompleteSubgroup { n, subgroup_size } => format!(
                "only {n} measurements, fewer than one subgroup of {subgroup_size}; \
                 within-subgroup sigma, Cp, Cpk and the control chart are not available"
            ),
            Warning::ZeroSpread => "all measurements are identical; with zero spread the \
                 capability indices, ppm estimates, z-scores and normality test are undefined \
                 (check the gauge resolution)"
                .to_string(),
            Warning::ZeroWithinSpread => "the measurements do not vary within subgroups \
                 (within-subgroup sigma is 0), so Cp and Cpk are undefined; check the gauge \
                 resolution"
                .to_string(),
            Warning::NoSpecLimits => "no specification limits are given; capability indices \
                 and ppm estimates need at least one limit"
                .to_string(),
            Warning::OneSidedSpec { missing } => {
                let (absent, given) = match missing {
                    SpecLimit::Lsl => ("lower", "upper"),
                    SpecLimit::Usl => ("upper", "lower"),
                };
                format!(
                    "there is no {absent} specification limit; Cp and Pp need both limits, \
                     Cpk and Ppk use the {given} limit only"
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_sample_message_names_the_count_and_the_threshold() {
        let m = Warning::TooFewForCapability { n: 12 }.message();
        assert_eq!(
            m,
            "only 12 measurements; capability indices need at least 30 to be meaningful"
        );
    }

    #[test]
    fn incomplete_subgroup_message_says_how_many_were_ignored() {
        let m = Warning::IncompleteSubgroup {
            subgroup_size: 5,
            ignored: 3,
        }
        .message();
        assert!(m.contains("subgroups of 5") && m.contains("last 3"), "{m}");
    }
}
