//! The `data` of each event type, as written into the outbox and posted to endpoints:
//! a contract with every receiver, so fields are only ever added. Each names the
//! records it is about by id; a receiver reads the rest through the API.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::decision::types::DecisionVerdict;
use crate::domain::{
    DecisionId, Disposition, DispositionId, DispositionScope, GoldenSampleId,
    GoldenSampleRevisionId, InspectionId, LotId, LotStatus, Mode, NcrId, PartId, ResubmissionId,
    Source, SupplierId,
};

/// `lot.decided`: a decision of a lot was stored (a new revision).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LotDecided {
    /// The decision revision (read it with `get_lot_decision`).
    pub decision_id: DecisionId,
    /// The lot decided.
    pub lot_id: LotId,
    /// The supplier's lot number.
    pub lot_number: String,
    /// The lot's part.
    pub part_id: PartId,
    /// The lot's supplier.
    pub supplier_id: SupplierId,
    /// Revision number: 1 for the lot's first decision, then 2, 3, ...
    pub revision: i32,
    /// The lot's overall verdict.
    pub verdict: DecisionVerdict,
    /// When the decision was computed.
    pub decided_at: DateTime<Utc>,
}

/// `lot.dispositioned`: a disposition of a lot (not accepted) or of its rejected units
/// (accepted) was recorded.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LotDispositioned {
    /// The disposition (see `list_lot_dispositions`).
    pub disposition_id: DispositionId,
    /// The lot.
    pub lot_id: LotId,
    /// The whole lot, or the units rejected individually.
    pub scope: DispositionScope,
    /// What becomes of the lot or units.
    pub disposition: Disposition,
    /// Why.
    pub reason: String,
    /// The decision it answers.
    pub decision_id: DecisionId,
    /// The lot's status after it.
    pub lot_status: LotStatus,
    /// The last day a `use_as_is` concession holds.
    pub expires_on: Option<NaiveDate>,
}

/// `ncr.opened`: a nonconformance report was opened, by a decision that did not accept
/// its lot or by a reviewer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NcrOpened {
    /// The report (read it with `get_ncr`).
    pub ncr_id: NcrId,
    /// Its number, `NCR-<year>-<nnnn>`.
    pub number: String,
    /// The lot it reports on.
    pub lot_id: LotId,
    /// The decision that opened it; `null` when a reviewer did.
    pub decision_id: Option<DecisionId>,
    /// Distinct nonconforming units reported.
    pub quantity_nonconforming: i32,
    /// Who opened it (`lotgate` for a decision).
    pub opened_by: String,
    /// When.
    pub opened_at: DateTime<Utc>,
}

/// `inspection.recorded`: an inspection was recorded (through the API or a CSV import),
/// including a correction and the inspection of a resubmission. Not sent again for a
/// retry that stored nothing new.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct InspectionRecorded {
    /// The inspection (read it with `get_inspection`).
    pub inspection_id: InspectionId,
    /// The lot inspected.
    pub lot_id: LotId,
    /// The factory's own QC or the in-house inspection.
    pub source: Source,
    /// Sampling or full inspection.
    pub mode: Mode,
    /// Who inspected.
    pub inspector: String,
    /// When the units were inspected.
    pub inspected_at: DateTime<Utc>,
    /// The inspection this one corrects, if it is a correction.
    pub supersedes: Option<InspectionId>,
    /// The resubmission it inspects, if any.
    pub resubmission_id: Option<ResubmissionId>,
    /// Units inspected.
    pub units: usize,
}

/// `golden_sample.approved`: a golden-sample revision was approved (superseding the
/// approved one, if any).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct GoldenSampleApproved {
    /// The golden sample (read it with `get_golden_sample`).
    pub golden_sample_id: GoldenSampleId,
    /// The revision approved.
    pub revision_id: GoldenSampleRevisionId,
    /// Its letter.
    pub revision: String,
    /// The letter of the revision it superseded, if one was approved.
    pub superseded_revision: Option<String>,
    /// Who approved it.
    pub approved_by: Option<String>,
    /// When.
    pub approved_at: Option<DateTime<Utc>>,
}
