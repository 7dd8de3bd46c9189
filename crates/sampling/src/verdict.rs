//! Verdicts: one characteristic under its plan, and the lot over all characteristics.

use serde::{Deserialize, Serialize};

use crate::SamplingError;
use crate::decision::Classification;

/// The plan a characteristic is judged by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LotPlan {
    /// Units to inspect (the lot size under full inspection).
    pub sample_size: u64,
    /// Accept with at most this many nonconforming.
    pub acceptance_number: u32,
    /// Reject when this many nonconforming are found.
    pub rejection_number: u32,
    /// Every unit of the lot is inspected.
    pub full_inspection: bool,
}

/// Accept, reject, or not decided yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Verdict {
    /// The lot is accepted for this characteristic.
    Accept,
    /// The lot is not accepted.
    Reject,
    /// The sample is not complete and the rejection number has not been reached.
    Pending,
}

/// A verdict and the sentence that explains it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerdictResult {
    /// The verdict.
    pub verdict: Verdict,
    /// One sentence for the inspector.
    pub explanation: String,
}

/// Verdict of one characteristic: reject as soon as the rejection number is reached (even
/// with the sample incomplete), accept when the sample is complete with at most Ac
/// nonconforming, otherwise pending.
pub fn characteristic_verdict(
    plan: &LotPlan,
    units_inspected: u64,
    nonconforming: u64,
) -> Result<VerdictResult, SamplingError> {
    if nonconforming > units_inspected {
        return Err(SamplingError::CountsInconsistent {
            detail: format!(
                "{nonconforming} nonconforming among only {units_inspected} units inspected"
            ),
        });
    }
    let what = if plan.full_inspection {
        "lot"
    } else {
        "sample"
    };
    let (verdict, explanation) = if nonconforming >= u64::from(plan.rejection_number) {
        (
            Verdict::Reject,
            format!(
                "Reject: {nonconforming} nonconforming reached the rejection number {} after {units_inspected} of {} units.",
                plan.rejection_number, plan.sample_size
            ),
        )
    } else if units_inspected < plan.sample_size {
        (
            Verdict::Pending,
            format!(
                "Pending: {units_inspected} of {} units of the {what} inspected, {nonconforming} nonconforming so far (reject at {}).",
                plan.sample_size, plan.rejection_number
            ),
        )
    } else {
        (
            Verdict::Accept,
            format!(
                "Accept: {nonconforming} nonconforming in the {what} of {} is within the acceptance number {}.",
                plan.sample_size, plan.acceptance_number
            ),
        )
    };
    Ok(VerdictResult {
        verdict,
        explanation,
    })
}

/// Overall lot verdict. Rule implemented: the lot is rejected if any characteristic of any
/// classification (critical, major or minor) is rejected, since each classification has its
/// own AQL and a reject under any of them means the lot failed that plan; otherwise the lot
/// is pending while any characteristic is pending; otherwise it is accepted. An empty list is
/// pending (nothing has been judged).
pub fn lot_verdict(characteristics: &[(Classification, Verdict)]) -> VerdictResult {
    let name = |c: Classification| match c {
        Classification::Critical => "critical",
        Classification::Major => "major",
        Classification::Minor => "minor",
    };
    let count = |v: Verdict| characteristics.iter().filter(|(_, x)| *x == v).count();
    if let Some((class, _)) = characteristics
        .iter()
        .filter(|(_, v)| *v == Verdict::Reject)
        .min_by_key(|(c, _)| *c as u8)
    {
        return VerdictResult {
            verdict: Verdict::Reject,
            explanation: format!(
                "Reject: {} characteristic(s) rejected, the most serious being {}.",
                count(Verdict::Reject),
                name(*class)
            ),
        };
    }
    if characteristics.is_empty() || count(Verdict::Pending) > 0 {
        return VerdictResult {
            verdict: Verdict::Pending,
            explanation: format!(
                "Pending: {} of {} characteristic(s) not decided yet, none rejected.",
                count(Verdict::Pending),
                characteristics.len()
            ),
        };
    }
    VerdictResult {
        verdict: Verdict::Accept,
        explanation: format!(
            "Accept: all {} characteristic(s) accepted.",
            characteristics.len()
        ),
    }
}
