//! Designing a single sampling plan from two points of the OC curve: (AQL, 1 - alpha) and
//! (LTPD, beta), under the binomial model.

use serde::{Deserialize, Serialize};

use crate::SamplingError;
use crate::oc::{OcModel, probability_of_acceptance};

/// Largest sample size the search considers.
pub const MAX_DESIGN_SAMPLE_SIZE: u64 = 1_000_000;

/// A designed plan and the risks it actually achieves.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DesignedPlan {
    /// Sample size n.
    pub sample_size: u64,
    /// Acceptance number c (reject at c + 1).
    pub acceptance_number: u32,
    /// Achieved producer's risk 1 - Pa(AQL) (at most alpha).
    pub producer_risk: f64,
    /// Achieved consumer's risk Pa(LTPD) (at most beta).
    pub consumer_risk: f64,
}

fn pa(n: u64, c: u32, p: f64) -> f64 {
    probability_of_acceptance(OcModel::Binomial, n, c, p).expect("fraction checked")
}

/// Smallest n with Pa(LTPD) <= beta for acceptance number c (Pa falls as n grows).
fn smallest_n_for_consumer_risk(c: u32, ltpd: f64, beta: f64) -> Option<u64> {
    let (mut lo, mut hi) = (u64::from(c) + 1, MAX_DESIGN_SAMPLE_SIZE);
    if pa(hi, c, ltpd) > beta {
        return None;
    }
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if pa(mid, c, ltpd) <= beta {
            hi = mid
        } else {
            lo = mid + 1
        }
    }
    Some(lo)
}

/// For c = 0, 1, 2, ...: the smallest n with Pa(LTPD) <= beta; the first c for which that n
/// also gives Pa(AQL) >= 1 - alpha is the plan. AQL and LTPD are fractions (0.01 = 1 %).
pub fn design_plan(
    aql: f64,
    ltpd: f64,
    alpha: f64,
    beta: f64,
) -> Result<DesignedPlan, SamplingError> {
    for (name, value) in [("AQL", aql), ("LTPD", ltpd)] {
        if !(value > 0.0 && value < 1.0) {
            return Err(SamplingError::FractionOutOfRange { name, value });
        }
    }
    for (name, value) in [
        ("alpha (producer's risk)", alpha),
        ("beta (consumer's risk)", beta),
    ] {
        if !(value > 0.0 && value < 1.0) {
            return Err(SamplingError::RiskOutOfRange { name, value });
        }
    }
    if aql >= ltpd {
        return Err(SamplingError::AqlNotBelowLtpd { aql, ltpd });
    }
    let bound = SamplingError::NoPlanWithinSearchBound {
        max_sample_size: MAX_DESIGN_SAMPLE_SIZE,
    };
    for c in 0u32.. {
        let n = smallest_n_for_consumer_risk(c, ltpd, beta).ok_or(bound.clone())?;
        let accept_at_aql = pa(n, c, aql);
        if accept_at_aql >= 1.0 - alpha {
            return Ok(DesignedPlan {
                sample_size: n,
                acceptance_number: c,
                producer_risk: 1.0 - accept_at_aql,
                consumer_risk: pa(n, c, ltpd),
            });
        }
    }
    Err(bound)
}
