//! ISO 2859-1 sampling plans and operating characteristics (pure computation).
//!
//! * [`tables`]: ISO 2859-1:1999 Table I (sample-size code letters) and the single
//!   sampling master tables II-A (normal), II-B (tightened) and II-C (reduced).
//! * [`double`]: double sampling plans (Tables III-A, III-B) and their verdict.
//! * [`draw`]: the units of a lot to draw, uniform without replacement, from a seed.
//! * [`plan`]: lot size + inspection level + AQL + severity -> sampling plan.
//! * [`oc`]: operating characteristic, AOQ, AOQL and ATI of a single plan.
//! * [`design`]: a single plan from AQL/LTPD and the producer's/consumer's risks.
//! * [`switching`]: the switching rules of ISO 2859-1 clause 9 as a state machine.
//! * [`decision`]: full (100 %) inspection or sampling per characteristic.
//! * [`verdict`]: accept / reject / pending for a characteristic and for a lot.

pub mod decision;
pub mod design;
pub mod double;
pub mod draw;
mod error;
pub mod oc;
pub mod plan;
pub mod switching;
pub mod tables;
pub mod verdict;

pub use decision::{
    CharacteristicContext, Classification, InspectionDecision, InspectionMode, choose_inspection,
};
pub use design::{DesignedPlan, design_plan};
pub use double::{
    DoubleMasterPlan, DoublePlan, DoubleVerdict, double_master_plan, double_sampling_plan,
    double_verdict,
};
pub use error::SamplingError;
pub use oc::{
    Aoql, OcModel, OcPoint, aoql, default_grid, oc_curve, probability_of_acceptance,
    probability_of_rejection,
};
pub use plan::{
    MasterPlan, SamplingPlan, acceptance_number_one_step_tighter, master_plan,
    normal_plan_one_step_tighter, single_sampling_plan,
};
pub use switching::{
    InspectionState, LotOutcome, SwitchingSettings, SwitchingState, Transition, next_state,
};
pub use tables::{
    AQL_PERCENT, Aql, CodeLetter, DoubleCell, InspectionLevel, Severity, TableCell, code_letter,
};
pub use verdict::{LotPlan, Verdict, VerdictResult, characteristic_verdict, lot_verdict};
