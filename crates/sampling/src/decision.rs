//! Full (100 %) inspection or sampling, per characteristic, with the reason in words and
//! the economics behind it (Deming's kp rule and the expected cost per lot).

use serde::{Deserialize, Serialize};

use crate::SamplingError;
use crate::oc::{OcModel, probability_of_acceptance, probability_of_rejection};

/// Classification of a characteristic (or of a nonconformity).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Classification {
    /// A hazard, or a defect that makes the product fail.
    Critical,
    /// Likely to cause failure or reduce usability.
    Major,
    /// Unlikely to reduce usability.
    Minor,
}

/// What to do with a characteristic of a lot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum InspectionMode {
    /// Inspect every unit.
    Full,
    /// Inspect a random sample under the plan.
    Sampling,
}

/// Inputs of the choice for one characteristic of one lot.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CharacteristicContext {
    /// Classification of the characteristic.
    pub classification: Classification,
    /// A single defect makes the product (or the customer's use of it) fail.
    pub one_defect_fatal: bool,
    /// The test destroys the unit (tensile strength, life test): full inspection impossible.
    pub destructive_test: bool,
    /// N.
    pub lot_size: u64,
    /// n of the sampling plan.
    pub sample_size: u64,
    /// Ac of the sampling plan.
    pub acceptance_number: u32,
    /// k1: cost to inspect one unit.
    pub cost_to_inspect_unit: f64,
    /// k2: cost of one defective unit escaping to the customer.
    pub cost_of_escaped_defective: f64,
    /// p: estimated fraction defective of the process (0..1).
    pub estimated_fraction_defective: f64,
}

/// The choice, its reason and its economics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InspectionDecision {
    /// Full inspection or sampling.
    pub mode: InspectionMode,
    /// One or two sentences saying why.
    pub reason: String,
    /// k1 / k2: above this fraction defective full inspection is cheaper (Deming's kp rule).
    pub break_even_fraction_defective: f64,
    /// Expected cost per lot under the sampling plan: k1 * ATI + k2 * Pa * p * (N - n).
    pub expected_cost_sampling: f64,
    /// Cost per lot of full inspection: k1 * N.
    pub expected_cost_full_inspection: f64,
}

/// Chooses full inspection or sampling. Order of the rules: a destructive test forces
/// sampling (full inspection is impossible) and takes precedence; then critical
/// characteristics, fatal single defects, and lots no larger than the sample are fully
/// inspected; then the kp rule (full when p > k1/k2); otherwise sampling.
pub fn choose_inspection(ctx: &CharacteristicContext) -> Result<InspectionDecision, SamplingError> {
    let (k1, k2, p) = (
        ctx.cost_to_inspect_unit,
        ctx.cost_of_escaped_defective,
        ctx.estimated_fraction_defective,
    );
    if !(k1.is_finite() && k1 >= 0.0) {
        return Err(SamplingError::CostOutOfRange {
            name: "cost to inspect one unit",
            value: k1,
        });
    }
    if !(k2.is_finite() && k2 > 0.0) {
        return Err(SamplingError::CostOutOfRange {
            name: "cost of an escaped defective",
            value: k2,
        });
    }
    if ctx.lot_size == 0 || ctx.sample_size == 0 {
        return Err(SamplingError::SampleDoesNotFitLot {
            sample_size: ctx.sample_size,
            lot_size: ctx.lot_size,
        });
    }
    let (big_n, n) = (
        ctx.lot_size as f64,
        ctx.sample_size.min(ctx.lot_size) as f64,
    );
    let plan = (ctx.sample_size.min(ctx.lot_size), ctx.acceptance_number);
    let pa = probability_of_acceptance(OcModel::Binomial, plan.0, plan.1, p)?;
    let rejected = probability_of_rejection(OcModel::Binomial, plan.0, plan.1, p)?;
    let ati = n + rejected * (big_n - n);
    let expected_cost_sampling = k1 * ati + k2 * pa * p * (big_n - n);
    let expected_cost_full_inspection = k1 * big_n;
    let break_even = k1 / k2;
    let (mode, reason) = if ctx.destructive_test {
        let extra = if ctx.classification == Classification::Critical || ctx.one_defect_fatal {
            " Although the characteristic is critical, inspecting every unit would destroy \
             the lot; protect it with a tight plan and process control instead."
        } else {
            ""
        };
        (
            InspectionMode::Sampling,
            format!("Sampling: the test is destructive, so full inspection is impossible.{extra}"),
        )
    } else if ctx.classification == Classification::Critical {
        (
            InspectionMode::Full,
            "Full inspection: the characteristic is critical.".to_string(),
        )
    } else if ctx.one_defect_fatal {
        (
            InspectionMode::Full,
            "Full inspection: a single defect is fatal.".to_string(),
        )
    } else if ctx.lot_size <= ctx.sample_size {
        (
            InspectionMode::Full,
            format!(
                "Full inspection: the lot of {} units is no larger than the sample of {}.",
                ctx.lot_size, ctx.sample_size
            ),
        )
    } else if p > break_even {
        (
            InspectionMode::Full,
            format!(
                "Full inspection: the estimated fraction defective {p:.4} exceeds the break-even \
             k1/k2 = {break_even:.4} (Deming's kp rule), so sorting every unit is cheaper."
            ),
        )
    } else {
        (
            InspectionMode::Sampling,
            format!(
                "Sampling: the estimated fraction defective {p:.4} is at most the break-even \
             k1/k2 = {break_even:.4} and the lot of {} units is larger than the sample.",
                ctx.lot_size
            ),
        )
    };
    Ok(InspectionDecision {
        mode,
        reason,
        break_even_fraction_defective: break_even,
        expected_cost_sampling,
        expected_cost_full_inspection,
    })
}
