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
#[schema(example = json!({"decision_id": "0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e",
    "lot_id": "3f1c2b4a-5d6e-4f70-8a9b-0c1d2e3f4a5b", "lot_number": "L-2026-0042",
    "part_id": "7e8f9a0b-1c2d-4e3f-8a4b-5c6d7e8f9a0b", "supplier_id": "2a3b4c5d-6e7f-4a8b-9c0d-1e2f3a4b5c6d",
    "revision": 1, "verdict": "reject", "decided_at": "2026-12-03T09:30:00Z"}))]
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
#[schema(example = json!({"disposition_id": "5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b",
    "lot_id": "3f1c2b4a-5d6e-4f70-8a9b-0c1d2e3f4a5b", "scope": "lot", "disposition": "scrap",
    "reason": "scratched surfaces", "decision_id": "0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e",
    "lot_status": "dispositioned", "expires_on": null}))]
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
#[schema(example = json!({"ncr_id": "8c9d0e1f-2a3b-4c4d-9e5f-6a7b8c9d0e1f", "number": "NCR-2026-0007",
    "lot_id": "3f1c2b4a-5d6e-4f70-8a9b-0c1d2e3f4a5b", "decision_id": "0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e",
    "quantity_nonconforming": 12, "opened_by": "lotgate", "opened_at": "2026-12-03T09:30:00Z"}))]
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
#[schema(example = json!({"inspection_id": "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
    "lot_id": "3f1c2b4a-5d6e-4f70-8a9b-0c1d2e3f4a5b", "source": "in_house", "mode": "sampling",
    "inspector": "sato", "inspected_at": "2026-12-03T09:00:00Z", "supersedes": null,
    "resubmission_id": null, "units": 50}))]
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
#[schema(example = json!({"golden_sample_id": "4b5c6d7e-8f9a-4b0c-9d1e-2f3a4b5c6d7e",
    "revision_id": "6d7e8f9a-0b1c-4d2e-8f3a-4b5c6d7e8f9a", "revision": "B",
    "superseded_revision": "A", "approved_by": "sato", "approved_at": "2026-12-03T10:15:00Z"}))]
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
