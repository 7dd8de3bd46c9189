//! The JSON shapes of golden samples and their revisions, built from what the service
//! returns.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::golden_samples::{ConditionEntry, JudgedLot};
use crate::domain::{
    CharacteristicId, ConditionEntryId, GoldenSampleId, GoldenSampleRevisionId, LotId, PartId,
    RevisionStatus,
};
use crate::http::photos::PhotoView;
use crate::service::golden_samples::{Detail, RevisionDetail, RevisionPhoto, Summary};

/// A golden sample with its revisions and condition log.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "5d1e2f3a-4b5c-4d6e-8f7a-9b0c1d2e3f4a", "part_id": "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
    "code": "GS-012", "storage_location": "QA cabinet 2, drawer 3",
    "created_at": "2026-11-02T08:00:00Z", "approved_revision": "B",
    "revisions": [], "condition_log": []
}))]
pub struct GoldenSampleView {
    /// Id of the golden sample.
    pub id: GoldenSampleId,
    /// The part it is the reference of.
    pub part_id: PartId,
    /// Code written on the sample's tag, unique per part (e.g. `GS-012`).
    pub code: String,
    /// Where the physical sample is kept.
    pub storage_location: String,
    /// When it was registered (RFC 3339, UTC).
    pub created_at: DateTime<Utc>,
    /// The revision approved now, if any.
    pub approved_revision: Option<String>,
    /// Every revision, oldest (A) first.
    pub revisions: Vec<RevisionView>,
    /// The sample's condition as noted over time, oldest first.
    pub condition_log: Vec<ConditionView>,
}

/// A golden sample in a list, without its revisions' details.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "5d1e2f3a-4b5c-4d6e-8f7a-9b0c1d2e3f4a", "part_id": "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
    "code": "GS-012", "storage_location": "QA cabinet 2, drawer 3", "approved_revision": "B",
    "revalidation_due": "2027-11-30", "revisions": ["A", "B"]
}))]
pub struct GoldenSampleSummary {
    /// Id of the golden sample.
    pub id: GoldenSampleId,
    /// The part it is the reference of.
    pub part_id: PartId,
    /// Code written on the sample's tag.
    pub code: String,
    /// Where the physical sample is kept.
    pub storage_location: String,
    /// The revision approved now, if any.
    pub approved_revision: Option<String>,
    /// When the approved revision must be revalidated, if there is one.
    pub revalidation_due: Option<NaiveDate>,
    /// Letters of every revision, oldest first.
    pub revisions: Vec<String>,
}

/// One entry of the condition log.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "2f3e4d5c-6b7a-4988-a7b6-c5d4e3f2a1b0", "noted_by": "lee.min",
    "condition": "Light wear on the latch after 40 comparisons", "noted_at": "2026-11-23T09:00:00Z"}))]
pub struct ConditionView {
    /// Id of the entry.
    pub id: ConditionEntryId,
    /// Who looked at the sample.
    pub noted_by: String,
    /// What its condition was (wear, marks, damage, cleaning).
    pub condition: String,
    /// When it was noted (RFC 3339, UTC).
    pub noted_at: DateTime<Utc>,
}

/// A revision of a golden sample.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "8e7d6c5b-4a39-4281-9f0e-1d2c3b4a5968",
    "golden_sample_id": "5d1e2f3a-4b5c-4d6e-8f7a-9b0c1d2e3f4a",
    "revision": "B", "status": "approved", "description": "Re-sampled after the gate insert was replaced",
    "revalidation_due": "2027-11-30",
    "approval": {"approved_by": "sato.qa", "approved_at": "2026-11-23T10:00:00Z",
        "comment": "New insert: width back on nominal", "approved_until": null},
    "retirement": null,
    "reference_measurements": [{"characteristic_id": "6b7c8d9e-0f1a-4b2c-8d3e-4f5a6b7c8d9e",
        "value": 12.01, "measured_by": "lee.min", "measured_at": "2026-11-23T09:40:00Z"}],
    "photos": [{"id": "0b6f3d2e-8c4a-4f1b-9e7d-2a5c6b8d9e0f",
        "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        "content_type": "image/jpeg", "byte_size": 98211, "width": 1024, "height": 768, "view": "front",
        "links": {"id": "0b6f3d2e-8c4a-4f1b-9e7d-2a5c6b8d9e0f",
            "href": "/api/v1/photos/0b6f3d2e-8c4a-4f1b-9e7d-2a5c6b8d9e0f",
            "thumbnail": "/api/v1/photos/0b6f3d2e-8c4a-4f1b-9e7d-2a5c6b8d9e0f/thumbnail"}}],
    "created_at": "2026-11-23T09:30:00Z"
}))]
pub struct RevisionView {
    /// Id of the revision; inspections name it in `golden_sample_revision_id`.
    pub id: GoldenSampleRevisionId,
    /// The golden sample.
    pub golden_sample_id: GoldenSampleId,
    /// Revision letter, assigned in order: A, B, ..., Z, AA, ...
    pub revision: String,
    /// `draft`, `approved`, `superseded` or `retired`.
    pub status: RevisionStatus,
    /// What changed in this revision.
    pub description: String,
    /// When the sample must be checked again.
    pub revalidation_due: NaiveDate,
    /// Who approved it and when; absent while a draft (or retired unapproved).
    pub approval: Option<ApprovalView>,
    /// Who retired it and why; absent unless retired.
    pub retirement: Option<RetirementView>,
    /// Reference value of each variable characteristic, measured on the sample.
    pub reference_measurements: Vec<ReferenceView>,
    /// Photos of the sample from fixed views, in the order they were added.
    pub photos: Vec<PhotoView>,
    /// When the revision was opened (RFC 3339, UTC).
    pub created_at: DateTime<Utc>,
}

/// The approval of a revision.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApprovalView {
    /// Who approved it.
    pub approved_by: String,
    /// When (RFC 3339, UTC).
    pub approved_at: DateTime<Utc>,
    /// The approver's comment.
    pub comment: Option<String>,
    /// When it stopped being the approved reference (superseded or retired); absent
    /// while approved.
    pub approved_until: Option<DateTime<Utc>>,
}

/// The retirement of a revision.
#[derive(Debug, Serialize, ToSchema)]
pub struct RetirementView {
    /// Who retired it.
    pub retired_by: String,
    /// When (RFC 3339, UTC).
    pub retired_at: DateTime<Utc>,
    /// Why.
    pub reason: String,
}

/// A reference measurement on the golden sample.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReferenceView {
    /// The variable characteristic measured.
    pub characteristic_id: CharacteristicId,
    /// The value measured on the golden sample, in the characteristic's unit.
    pub value: f64,
    /// Who measured it.
    pub measured_by: String,
    /// When it was recorded (RFC 3339, UTC).
    pub measured_at: DateTime<Utc>,
}

/// A lot judged against an older revision than the one just approved.
#[derive(Debug, Serialize, ToSchema)]
pub struct JudgedLotView {
    /// Id of the lot.
    pub lot_id: LotId,
    /// The lot number.
    pub lot_number: String,
    /// The older revision its inspections were judged against.
    pub judged_against: String,
    /// How many of its inspections (corrections replaced by a later one not counted).
    pub inspections: i64,
}

impl From<&JudgedLot> for JudgedLotView {
    fn from(l: &JudgedLot) -> Self {
        JudgedLotView {
            lot_id: l.lot_id,
            lot_number: l.lot_number.clone(),
            judged_against: l.revision.clone(),
            inspections: l.inspections,
        }
    }
}

impl From<&ConditionEntry> for ConditionView {
    fn from(c: &ConditionEntry) -> Self {
        ConditionView {
            id: c.id,
            noted_by: c.noted_by.clone(),
            condition: c.condition.clone(),
            noted_at: c.noted_at,
        }
    }
}

/// A photo of a revision as the API shows it.
pub fn photo(p: &RevisionPhoto) -> PhotoView {
    PhotoView::of(p.photo.clone(), Some(p.view.clone()))
}

/// A revision with its reference measurements and photos.
pub fn revision(d: &RevisionDetail) -> RevisionView {
    let r = &d.revision;
    let approval = match (&r.approved_by, r.approved_at) {
        (Some(approved_by), Some(approved_at)) => Some(ApprovalView {
            approved_by: approved_by.clone(),
            approved_at,
            comment: r.approval_comment.clone(),
            approved_until: r.approved_until,
        }),
        _ => None,
    };
    let retirement = match (&r.retired_by, r.retired_at) {
        (Some(retired_by), Some(retired_at)) => Some(RetirementView {
            retired_by: retired_by.clone(),
            retired_at,
            reason: r.retire_reason.clone().unwrap_or_default(),
        }),
        _ => None,
    };
    RevisionView {
        id: r.id,
        golden_sample_id: r.golden_sample_id,
        revision: r.revision.clone(),
        status: r.status,
        description: r.description.clone(),
        revalidation_due: r.revalidation_due,
        approval,
        retirement,
        reference_measurements: d
            .reference_measurements
            .iter()
            .map(|m| ReferenceView {
                characteristic_id: m.characteristic_id,
                value: m.value,
                measured_by: m.measured_by.clone(),
                measured_at: m.measured_at,
            })
            .collect(),
        photos: d.photos.iter().map(photo).collect(),
        created_at: r.created_at,
    }
}

/// A golden sample with its revisions and condition log: the body of `GET`, whose hash
/// is the ETag.
pub fn golden_sample(d: &Detail) -> GoldenSampleView {
    let s = &d.sample;
    let revisions: Vec<RevisionView> = d.revisions.iter().map(revision).collect();
    GoldenSampleView {
        approved_revision: revisions
            .iter()
            .find(|r| r.status == RevisionStatus::Approved)
            .map(|r| r.revision.clone()),
        id: s.id,
        part_id: s.part_id,
        code: s.code.clone(),
        storage_location: s.storage_location.clone(),
        created_at: s.created_at,
        revisions,
        condition_log: d.conditions.iter().map(Into::into).collect(),
    }
}

/// A golden sample in a list.
pub fn summary(s: &Summary) -> GoldenSampleSummary {
    let approved = s
        .revisions
        .iter()
        .find(|r| r.status == RevisionStatus::Approved);
    GoldenSampleSummary {
        approved_revision: approved.map(|r| r.revision.clone()),
        revalidation_due: approved.map(|r| r.revalidation_due),
        revisions: s.revisions.iter().map(|r| r.revision.clone()).collect(),
        id: s.sample.id,
        part_id: s.sample.part_id,
        code: s.sample.code.clone(),
        storage_location: s.sample.storage_location.clone(),
    }
}
