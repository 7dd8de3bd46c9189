//! The shapes of a lot decision: the API document [`LotDecisionView`] and its parts.
//!
//! The document is stored as it is first answered (`lot_decisions.decision`) and sent
//! again unchanged, but the server never reads it back: what the switching replay needs
//! of a decision is stored in a format of its own ([`super::stored`]), so this shape may
//! change with the API without making stored history unreadable.

use chrono::{DateTime, NaiveDate, Utc};
use lotgate_sampling as sampling;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::{
    CharacteristicId, Classification, DecisionId, InspectionId, InspectionLevel, Kind, LotId, Mode,
    PartId, ResubmissionAction, ResubmissionId, ResubmissionSeverity, Role, Source, SourcePolicy,
    SupplierId,
};

/// Severity of inspection: which ISO 2859-1 master table a plan is read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PlanSeverity {
    /// Table II-A.
    Normal,
    /// Table II-B.
    Tightened,
    /// Table II-C.
    Reduced,
}

impl PlanSeverity {
    pub fn table(self) -> sampling::Severity {
        match self {
            Self::Normal => sampling::Severity::Normal,
            Self::Tightened => sampling::Severity::Tightened,
            Self::Reduced => sampling::Severity::Reduced,
        }
    }
}

/// Where a supplier and part stand in the switching scheme of ISO 2859-1 clause 9.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SwitchingSeverity {
    /// Normal inspection (Table II-A); every scheme starts here (9.1).
    Normal,
    /// Tightened inspection (Table II-B).
    Tightened,
    /// Reduced inspection (Table II-C).
    Reduced,
    /// Sampling discontinued (9.4): every unit is inspected until the supplier has
    /// corrected the process.
    Discontinued,
}

impl SwitchingSeverity {
    /// Every severity, in the order of the scheme.
    pub const ALL: [Self; 4] = [
        Self::Normal,
        Self::Tightened,
        Self::Reduced,
        Self::Discontinued,
    ];

    /// The severity [`Self::as_str`] spells `text`, as stored in the database's columns.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Normal => "normal",
            Self::Tightened => "tightened",
            Self::Reduced => "reduced",
            Self::Discontinued => "discontinued",
        }
    }

    /// The master table a plan is read from (tightened while discontinued, 9.4).
    pub fn plan_severity(self) -> PlanSeverity {
        match self {
            Self::Normal => PlanSeverity::Normal,
            Self::Tightened | Self::Discontinued => PlanSeverity::Tightened,
            Self::Reduced => PlanSeverity::Reduced,
        }
    }
}

impl From<sampling::InspectionState> for SwitchingSeverity {
    fn from(state: sampling::InspectionState) -> Self {
        match state {
            sampling::InspectionState::Normal => Self::Normal,
            sampling::InspectionState::Tightened => Self::Tightened,
            sampling::InspectionState::Reduced => Self::Reduced,
            sampling::InspectionState::Discontinued => Self::Discontinued,
        }
    }
}

/// The inspection level in the sampling crate's terms.
pub fn table_level(level: InspectionLevel) -> sampling::InspectionLevel {
    match level {
        InspectionLevel::S1 => sampling::InspectionLevel::S1,
        InspectionLevel::S2 => sampling::InspectionLevel::S2,
        InspectionLevel::S3 => sampling::InspectionLevel::S3,
        InspectionLevel::S4 => sampling::InspectionLevel::S4,
        InspectionLevel::I => sampling::InspectionLevel::I,
        InspectionLevel::II => sampling::InspectionLevel::II,
        InspectionLevel::III => sampling::InspectionLevel::III,
    }
}

/// An ISO 2859-1 single sampling plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"standard": "ISO 2859-1", "lot_size": 1000, "inspection_level": "II",
    "aql": 1.0, "severity": "normal", "table_code_letter": "J", "code_letter": "J",
    "sample_size": 80, "acceptance_number": 2, "rejection_number": 3, "full_inspection": false}))]
pub struct PlanView {
    /// The standard the plan comes from: `ISO 2859-1` (single sampling).
    pub standard: String,
    /// Number of units in the lot (N).
    pub lot_size: u64,
    /// Inspection level used with Table I.
    pub inspection_level: InspectionLevel,
    /// AQL in percent.
    pub aql: f64,
    /// Master table used: normal (II-A), tightened (II-B) or reduced (II-C).
    pub severity: PlanSeverity,
    /// Code letter Table I gives for the lot size and inspection level.
    pub table_code_letter: String,
    /// Code letter of the plan actually used, after following the table's arrows.
    pub code_letter: String,
    /// Units to inspect (n); the lot size when the table's sample reaches it.
    pub sample_size: u64,
    /// Acceptance number Ac: accept with at most this many nonconforming units.
    pub acceptance_number: u32,
    /// Rejection number Re: reject when this many are found.
    pub rejection_number: u32,
    /// True when the table's sample size reaches the lot size: every unit is inspected.
    pub full_inspection: bool,
    /// The double sampling plan (Tables III-A/III-B/III-C), present only when `scheme=double` was
    /// asked for; the fields above then hold the corresponding single plan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub double: Option<DoublePlanView>,
}

/// An ISO 2859-1 double sampling plan (Table III-A normal, III-B tightened, III-C reduced).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"table": "III-A", "code_letter": "J", "first_sample_size": 50,
    "second_sample_size": 50, "first_acceptance_number": 0, "first_rejection_number": 3,
    "second_acceptance_number": 3, "second_rejection_number": 4, "full_inspection": false}))]
pub struct DoublePlanView {
    /// Master table used: III-A (normal), III-B (tightened) or III-C (reduced).
    pub table: String,
    /// Code letter of the double plan used, after following the table's arrows.
    pub code_letter: String,
    /// First sample size n1.
    pub first_sample_size: u64,
    /// Second sample size n2 (= n1); the cumulative sample is n1 + n2.
    pub second_sample_size: u64,
    /// Ac1: accept on the first sample with at most this many nonconforming.
    pub first_acceptance_number: u32,
    /// Re1: reject on the first sample when this many are found; between Ac1 and Re1, take
    /// the second sample.
    pub first_rejection_number: u32,
    /// Ac2: accept when both samples together hold at most this many nonconforming.
    pub second_acceptance_number: u32,
    /// Re2: reject when both samples together hold this many.
    pub second_rejection_number: u32,
    /// True when the cumulative sample n1 + n2 reaches the lot size: every unit is inspected
    /// and the lot is judged by Ac2/Re2.
    pub full_inspection: bool,
}

impl DoublePlanView {
    pub fn new(plan: &sampling::DoublePlan) -> Self {
        DoublePlanView {
            table: match plan.severity {
                sampling::Severity::Normal => "III-A",
                sampling::Severity::Tightened => "III-B",
                sampling::Severity::Reduced => "III-C",
            }
            .into(),
            code_letter: plan.plan_code_letter.as_str().into(),
            first_sample_size: plan.first_sample_size,
            second_sample_size: plan.second_sample_size,
            first_acceptance_number: plan.first_acceptance_number,
            first_rejection_number: plan.first_rejection_number,
            second_acceptance_number: plan.second_acceptance_number,
            second_rejection_number: plan.second_rejection_number,
            full_inspection: plan.full_inspection,
        }
    }
}

impl PlanView {
    pub fn new(
        plan: &sampling::SamplingPlan,
        level: InspectionLevel,
        severity: PlanSeverity,
    ) -> Self {
        PlanView {
            standard: "ISO 2859-1".into(),
            lot_size: plan.lot_size,
            inspection_level: level,
            aql: plan.aql_percent,
            severity,
            table_code_letter: plan.code_letter.as_str().into(),
            code_letter: plan.plan_code_letter.as_str().into(),
            sample_size: plan.sample_size,
            acceptance_number: plan.acceptance_number,
            rejection_number: plan.rejection_number,
            full_inspection: plan.full_inspection,
            double: None,
        }
    }
}

/// Accept, reject or pending. `pending`: not decided yet, because the sample is not
/// completely inspected or, under full inspection, fewer units than the lot size are
/// recorded (and the rejection number is not reached); a pending lot counts neither as
/// accepted nor as rejected in the switching rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DecisionVerdict {
    /// Accepted.
    Accept,
    /// Not accepted.
    Reject,
    /// Not decided yet: the sample is not completely inspected, or, under full
    /// inspection, fewer units than the lot size are recorded. A pending lot counts
    /// neither as accepted nor as rejected in the switching rules.
    Pending,
}

impl DecisionVerdict {
    /// The verdict [`Self::as_str`] spells `text`, as stored in the database's columns.
    pub fn parse(text: &str) -> Option<Self> {
        [Self::Accept, Self::Reject, Self::Pending]
            .into_iter()
            .find(|v| v.as_str() == text)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Accept => "accept",
            Self::Reject => "reject",
            Self::Pending => "pending",
        }
    }
}

impl From<sampling::Verdict> for DecisionVerdict {
    fn from(v: sampling::Verdict) -> Self {
        match v {
            sampling::Verdict::Accept => Self::Accept,
            sampling::Verdict::Reject => Self::Reject,
            sampling::Verdict::Pending => Self::Pending,
        }
    }
}

/// The plan the verdict was actually judged by.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AppliedPlan {
    /// Units that must be inspected: the plan's n, or the lot size under full inspection.
    pub sample_size: u64,
    /// Accept with at most this many defective units.
    pub acceptance_number: u32,
    /// Reject when this many defective units are found.
    pub rejection_number: u32,
    /// Every unit of the lot is to be inspected.
    pub full_inspection: bool,
}

/// Expected cost per lot of sampling against full inspection (Deming's kp rule).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Economics {
    /// k1: cost to inspect one unit.
    pub inspection_cost: f64,
    /// k2: cost of one defective unit reaching the customer.
    pub escape_cost: f64,
    /// p: the supplier's estimated fraction defective used for the rule.
    pub estimated_fraction_defective: f64,
    /// Where p comes from, in words.
    pub estimate_basis: String,
    /// k1 / k2: above this fraction defective full inspection is cheaper.
    pub break_even_fraction_defective: f64,
    /// k1 * ATI + k2 * Pa * p * (N - n): expected cost per lot under the sampling plan
    /// (binomial OC; rejected lots are fully inspected).
    pub expected_cost_sampling: f64,
    /// k1 * N: cost per lot of full inspection.
    pub expected_cost_full_inspection: f64,
}

/// The lot's result for one characteristic as it counts for the switching rules (only
/// accepted or rejected lots on sampling inspection count).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SwitchingOutcome {
    /// Accepted on original inspection.
    pub accepted: bool,
    /// Ac of the plan applied.
    pub acceptance_number: u32,
    /// Defective units found in the sample.
    pub nonconforming: u32,
    /// Ac of the normal plan one AQL step tighter with the same sample size, when one
    /// exists (for the switching score, ISO 2859-1 9.3.3.2).
    pub acceptance_number_one_step_tighter: Option<u32>,
}

/// Sampling against full inspection, for a lot that also has a full inspection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FullComparison {
    /// The full inspection compared with.
    pub full_inspection_id: InspectionId,
    /// Units the full inspection recorded for this characteristic.
    pub units_inspected: u64,
    /// Defective units it found.
    pub defectives: u64,
    /// Fraction defective the full inspection found (defectives / units inspected).
    pub fraction_defective: f64,
    /// What the full inspection says: accept when the fraction defective is at most the
    /// AQL; pending while it has recorded fewer units than the lot size.
    pub full_verdict: DecisionVerdict,
    /// The sampling inspection judged by the ISO plan, when there is one.
    pub sampling_inspection_id: Option<InspectionId>,
    /// Verdict of the ISO sampling plan on that sampling inspection.
    pub sampling_verdict: Option<DecisionVerdict>,
    /// Whether the sampling verdict agrees with the full inspection (absent while either
    /// is pending, or the sampling verdict is missing).
    pub agrees: Option<bool>,
    /// Pa of the ISO plan at the fraction defective the full inspection found
    /// (hypergeometric OC for this lot size).
    pub probability_of_acceptance: f64,
    /// One sentence summing up the comparison.
    pub explanation: String,
}

/// A unit found nonconforming for a characteristic. ISO 2859-1:1999 6.4: it is rejected
/// individually whatever the lot's verdict, found in a sample or not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"unit": 17, "serial": "B-0017",
    "inspection_id": "3f1c2b4a-5d6e-4f70-8a9b-0c1d2e3f4a5b"}))]
pub struct NonconformingUnit {
    /// Position of the unit in the inspection that found it (from 1).
    #[schema(minimum = 1)]
    pub unit: i32,
    /// Serial number of the unit, when it was recorded with one.
    pub serial: Option<String>,
    /// The inspection that found it (the first one, when several found the same serial).
    pub inspection_id: InspectionId,
}

/// The decision for one characteristic of the lot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CharacteristicDecision {
    /// The characteristic.
    pub characteristic_id: CharacteristicId,
    /// Its name.
    pub name: String,
    /// `variable` or `attribute`.
    pub kind: Kind,
    /// Its classification.
    pub classification: Classification,
    /// Severity of the switching scheme for this supplier, part and characteristic at
    /// this lot (replayed from the earlier lots in lot order).
    pub severity: SwitchingSeverity,
    /// The ISO 2859-1 plan at that severity (absent only for a lot of one unit).
    pub plan: Option<PlanView>,
    /// `full` (every unit) or `sampling`.
    pub mode: Mode,
    /// Why full inspection or sampling, in words.
    pub mode_reason: String,
    /// Costs of sampling against full inspection; absent when the characteristic has no
    /// `inspection_cost` and `escape_cost`.
    pub economics: Option<Economics>,
    /// Ppk of the measured values in the counted sampling inspection (variable
    /// characteristics with at least 30 measured units); 1.33 or more counts as capable.
    #[serde(default)]
    pub process_performance: Option<f64>,
    /// The plan the verdict is judged by.
    pub applied: AppliedPlan,
    /// The inspection whose results were counted (see the decision's `inspections_rule`).
    pub inspection_id: Option<InspectionId>,
    /// Units of that inspection with a result for this characteristic.
    pub units_inspected: u64,
    /// Defective units among them: a measurement outside its specification limits, or an
    /// attribute result that failed.
    pub defectives: u64,
    /// Accept, reject, or pending while the sample is not complete (under full
    /// inspection: while fewer units than the lot size are recorded and the rejection
    /// number is not reached).
    pub verdict: DecisionVerdict,
    /// One sentence explaining the verdict.
    pub explanation: String,
    /// How this lot counts for the switching rules; absent when it does not count (full
    /// inspection, or verdict pending).
    pub switching_outcome: Option<SwitchingOutcome>,
    /// Sampling against full inspection, when the lot also has a full inspection.
    pub comparison: Option<FullComparison>,
    /// Every unit found nonconforming for this characteristic by any current inspection of
    /// the lot, in the order the inspections were carried out; a serial found by several
    /// is listed once. Each is rejected individually whatever the verdict (ISO 2859-1
    /// 6.4). Decisions stored before this field was added do not have it.
    #[serde(default)]
    pub nonconforming_units: Vec<NonconformingUnit>,
    /// The inspection that decided this characteristic (the same as `inspection_id`): on
    /// sampling, the lot's original inspection of it (ISO 2859-1: the first sampling
    /// inspection that recorded it, a superseded record replaced by its correction, the
    /// source the lot's `source_policy` prefers before the other); on full inspection, the
    /// latest full inspection of the preferred source, else of the other. Decisions stored
    /// before this field was added do not have it.
    #[serde(default)]
    pub decided_by: Option<InspectionId>,
    /// Who carried out the inspection that decided this characteristic: `factory` (the
    /// supplier's own QC) or `in_house`; null while no inspection records it. The two
    /// sources are never pooled: one of them decides. Decisions stored before this field
    /// was added do not have it.
    #[serde(default)]
    pub decided_by_source: Option<Source>,
    /// The other current inspections of the lot (resubmissions aside, they are judged in
    /// `resubmissions`) that record this characteristic and whose own verdict, accept or
    /// reject, differs from this one: a sampling inspection judged by the plan above, a
    /// full inspection by the plan applied to the whole lot. They do not change the
    /// verdict.
    #[serde(default)]
    pub later_disagreeing: Vec<InspectionId>,
    /// For a characteristic judged on a sampling inspection of a lot whose inspection order
    /// was drawn (`get_inspection_plan`): whether the units recorded are the units the order
    /// drew. Absent when no order was drawn, under full inspection, and in decisions stored
    /// before this field was added.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sample_as_drawn: Option<DrawnSampleCheck>,
}

/// The units recorded for a sampled characteristic against the units the lot's stored
/// inspection order drew for it at random (uniform, without replacement, from 1..N).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"seed": "14638921357209614407", "units_drawn": 13,
    "units_recorded": 13, "recorded_not_drawn": [], "drawn_not_recorded": [], "as_drawn": true,
    "explanation": "The 13 units recorded are the 13 units the inspection order drew (seed 14638921357209614407)."}))]
pub struct DrawnSampleCheck {
    /// The seed the order was drawn with (a u64 in decimal): with the lot size and the
    /// characteristic's sample size it reproduces the units drawn.
    pub seed: String,
    /// How many units the order drew for this characteristic.
    pub units_drawn: u64,
    /// How many units the deciding inspection recorded for it.
    pub units_recorded: u64,
    /// Unit numbers recorded that the order did not draw, ascending (extra units taken
    /// because the plan grew after the order was drawn, or a sample not taken from the
    /// order).
    pub recorded_not_drawn: Vec<i32>,
    /// Unit numbers the order drew that were not recorded, ascending.
    pub drawn_not_recorded: Vec<i32>,
    /// True when every unit recorded was drawn by the order.
    pub as_drawn: bool,
    /// One sentence saying how the sample compares with the order.
    pub explanation: String,
}

/// The switching settings a decision used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SwitchingSettingsView {
    /// Production is at a steady rate (ISO 2859-1 9.3.3 b).
    pub production_steady: bool,
    /// The responsible authority approves reduced inspection (9.3.3 c).
    pub reduced_approved: bool,
}

/// A decision on a lot: one immutable revision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"id": "1d2c3b4a-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
    "lot_id": "5a3e1f0c-8d2b-4c1e-9f3a-2b7c6d5e4f10", "lot_number": "DPM-2026-1120-A",
    "lot_size": 1000, "part_id": "0b9e6c1a-3f4d-4e2b-8a7c-1d2e3f4a5b6c",
    "supplier_id": "7c8d9e0f-1a2b-4c3d-8e4f-5a6b7c8d9e0f", "produced_on": "2026-11-20",
    "revision": 1, "decided_at": "2026-11-21T10:00:00Z", "verdict": "accept",
    "explanation": "Accept: all 1 characteristic(s) accepted.",
    "rule": "The lot is rejected when any characteristic is rejected, pending while any is pending, otherwise accepted.",
    "inspections_rule": "Only current (not superseded) inspections count; ...",
    "settings": {"production_steady": false, "reduced_approved": false},
    "source_policy": "factory_results_decide",
    "characteristics": [{"characteristic_id": "6b7c8d9e-0f1a-4b2c-8d3e-4f5a6b7c8d9e",
        "name": "Width", "kind": "variable", "classification": "major", "severity": "normal",
        "plan": {"standard": "ISO 2859-1", "lot_size": 1000, "inspection_level": "II", "aql": 1.0,
            "severity": "normal", "table_code_letter": "J", "code_letter": "J", "sample_size": 80,
            "acceptance_number": 2, "rejection_number": 3, "full_inspection": false},
        "mode": "sampling", "mode_reason": "Sampling: ...", "economics": null,
        "process_performance": 1.52,
        "applied": {"sample_size": 80, "acceptance_number": 2, "rejection_number": 3, "full_inspection": false},
        "inspection_id": "3f1c2b4a-5d6e-4f70-8a9b-0c1d2e3f4a5b",
        "decided_by": "3f1c2b4a-5d6e-4f70-8a9b-0c1d2e3f4a5b", "decided_by_source": "factory", "units_inspected": 80, "defectives": 1,
        "verdict": "accept", "explanation": "Accept: 1 nonconforming in the sample of 80 is within the acceptance number 2.",
        "switching_outcome": {"accepted": true, "acceptance_number": 2, "nonconforming": 1,
            "acceptance_number_one_step_tighter": 1},
        "comparison": null,
        "nonconforming_units": [{"unit": 17, "serial": "B-0017",
            "inspection_id": "3f1c2b4a-5d6e-4f70-8a9b-0c1d2e3f4a5b"}]}],
    "decider": {"name": "amara (QA)", "role": "reviewer"}}))]
pub struct LotDecisionView {
    /// Id of this revision of the decision.
    pub id: DecisionId,
    /// The lot decided.
    pub lot_id: LotId,
    /// The supplier's lot number.
    pub lot_number: String,
    /// Lot size N.
    pub lot_size: u64,
    /// The part of the lot.
    pub part_id: PartId,
    /// The supplier of the lot.
    pub supplier_id: SupplierId,
    /// Production date: lots are ordered by it (then by id) for the switching rules.
    pub produced_on: NaiveDate,
    /// Revision number: 1 for the first decision of the lot, then 2, 3, ...
    pub revision: i32,
    /// When this revision was computed (RFC 3339, UTC).
    pub decided_at: DateTime<Utc>,
    /// Overall verdict of the lot.
    pub verdict: DecisionVerdict,
    /// One sentence explaining the overall verdict.
    pub explanation: String,
    /// The rule that combines the characteristics' verdicts into the lot's.
    pub rule: String,
    /// Which recorded inspections the decision counts.
    pub inspections_rule: String,
    /// The switching settings of the supplier and part when the lot was decided.
    pub settings: SwitchingSettingsView,
    /// The supplier's source policy in force when the lot was decided: whose inspection
    /// decided a characteristic that both the factory's own QC and the in-house
    /// inspection recorded (`in_house_decides`, the default, or `factory_results_decide`).
    /// A later change of the policy does not change this decision. Absent in decisions
    /// stored before this field was added (they were decided as `in_house_decides`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_policy: Option<SourcePolicy>,
    /// One entry per characteristic of the part, in the order they were defined.
    pub characteristics: Vec<CharacteristicDecision>,
    /// The lot's resubmissions (ISO 2859-1 7.6), in the order recorded, each judged on
    /// its own inspection at the severity the reviewer chose. They never change the
    /// verdict above, which is the original inspection's, and never count in the
    /// switching rules. Decisions stored before this field was added do not have it.
    #[serde(default)]
    pub resubmissions: Vec<ResubmissionDecision>,
    /// Who asked for this revision: the token's name (a person or a device) and role, or
    /// the command line. Decisions stored before this field was added do not have it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decider: Option<Decider>,
}

/// Who asked for a decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"name": "amara (QA)", "role": "reviewer"}))]
pub struct Decider {
    /// The token's name, or what ran on the server's command line and as whom.
    pub name: String,
    /// The token's role; null for the command line, which may do anything.
    pub role: Option<Role>,
}

/// A resubmission of the lot as judged in a decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ResubmissionDecision {
    /// The resubmission.
    pub resubmission_id: ResubmissionId,
    /// Why the lot was resubmitted, as the reviewer recorded it.
    pub reason: String,
    /// What the supplier did: `sorted` or `reworked`.
    pub action: ResubmissionAction,
    /// The severity the reviewer chose for it: `tightened` unless `normal` was chosen.
    pub severity: ResubmissionSeverity,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
    /// Its sampling inspection (the current one, after corrections); absent until recorded.
    pub inspection_id: Option<InspectionId>,
    /// Its verdict over the characteristics its inspection records (rejected when any
    /// is, pending until the inspection is recorded or while a sample is incomplete).
    pub verdict: DecisionVerdict,
    /// One sentence explaining the verdict.
    pub explanation: String,
    /// One entry per characteristic the inspection records, in the part's order.
    pub characteristics: Vec<ResubmittedCharacteristic>,
}

/// One characteristic of a resubmission's inspection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ResubmittedCharacteristic {
    /// The characteristic.
    pub characteristic_id: CharacteristicId,
    /// Its name.
    pub name: String,
    /// The ISO 2859-1 plan at the resubmission's severity (absent for a lot of one unit).
    pub plan: Option<PlanView>,
    /// Units of the inspection with a result for it.
    pub units_inspected: u64,
    /// Defective units among them.
    pub defectives: u64,
    /// Accept, reject, or pending while the sample is incomplete.
    pub verdict: DecisionVerdict,
    /// One sentence explaining the verdict.
    pub explanation: String,
}
