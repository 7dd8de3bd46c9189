//! The life of a golden-sample revision: opened as a draft, given reference measurements
//! and photos, approved (superseding the approved one in the same transaction) and
//! retired. Every change locks the golden sample first, so its revisions change one at
//! a time.

use std::collections::{HashMap, HashSet};

use chrono::{NaiveDate, Utc};
use diesel::PgConnection;
use serde::Serialize;

use super::{RevisionDetail, RevisionPhoto, revision_detail};
use crate::auth::Principal;
use crate::db::characteristics as chars_db;
use crate::db::golden_samples::{self as golden_db, GoldenSample, JudgedLot, Revision};
use crate::domain::{
    CharacteristicId, GoldenSampleId, GoldenSampleRevisionId, Kind, RevisionStatus,
    WebhookEventType,
};
use crate::service::photos::{self, CheckedPhoto};
use crate::service::webhooks::events::GoldenSampleApproved;
use crate::service::{Checks, Found, ServiceError, audit};

/// A revision to open; its letter and its `draft` status are the server's.
#[derive(Debug, Clone)]
pub struct NewRevision {
    /// What changed in this revision (at most 2000 characters).
    pub description: String,
    /// When the sample must be checked again; today or later.
    pub revalidation_due: NaiveDate,
}

impl NewRevision {
    /// The rules of the fields, without the database.
    pub fn check(&self) -> Result<(), ServiceError> {
        let mut checks = Checks::new();
        checks.optional_text("description", Some(&self.description), 2000);
        if self.revalidation_due < Utc::now().date_naive() {
            checks.add("revalidation_due", "must be today or later");
        }
        checks.finish()
    }
}

/// One reference value measured on the golden sample.
#[derive(Debug, Clone, Copy)]
pub struct ReferenceValue {
    /// A variable characteristic of the golden sample's part.
    pub characteristic_id: CharacteristicId,
    /// In the characteristic's unit; finite.
    pub value: f64,
}

/// Reference measurements taken on the golden sample, for a draft revision.
#[derive(Debug, Clone)]
pub struct References {
    /// Who measured (1-100 characters).
    pub measured_by: String,
    /// At least one, each characteristic at most once.
    pub measurements: Vec<ReferenceValue>,
}

impl References {
    /// The rules of the fields, without the database (which characteristics belong to
    /// the part is checked in [`record_references`]).
    pub fn check(&self) -> Result<(), ServiceError> {
        let mut checks = Checks::new();
        checks.text("measured_by", &self.measured_by, 100);
        if self.measurements.is_empty() {
            checks.add("measurements", "must list at least one measurement");
        }
        let mut seen = HashSet::new();
        for (i, m) in self.measurements.iter().enumerate() {
            if !m.value.is_finite() {
                checks.add(
                    format!("measurements[{i}].value"),
                    "must be a finite number",
                );
            }
            if !seen.insert(m.characteristic_id) {
                checks.add(
                    format!("measurements[{i}].characteristic_id"),
                    "is listed more than once",
                );
            }
        }
        checks.finish()
    }
}

/// The approval of a draft.
#[derive(Debug, Clone)]
pub struct Approval {
    /// Who approves (1-100 characters).
    pub approver: String,
    /// Why, or under what conditions (at most 2000 characters).
    pub comment: Option<String>,
}

impl Approval {
    /// The rules of the fields, without the database.
    pub fn check(&self) -> Result<(), ServiceError> {
        let mut checks = Checks::new();
        checks.text("approver", &self.approver, 100);
        checks.optional_text("comment", self.comment.as_deref(), 2000);
        checks.finish()
    }
}

/// Taking a revision out of use.
#[derive(Debug, Clone)]
pub struct Retirement {
    /// Who retires it (1-100 characters).
    pub retired_by: String,
    /// Why (1-2000 characters).
    pub reason: String,
}

impl Retirement {
    /// The rules of the fields, without the database.
    pub fn check(&self) -> Result<(), ServiceError> {
        let mut checks = Checks::new();
        checks.text("retired_by", &self.retired_by, 100);
        checks.text("reason", &self.reason, 2000);
        checks.finish()
    }
}

/// What an approval did; also its value in the audit trail.
#[derive(Debug, Clone, Serialize)]
pub struct Approved {
    /// The revision, now approved.
    pub revision: RevisionDetail,
    /// The letter of the revision it superseded, if one was approved.
    pub superseded_revision: Option<String>,
    /// Open lots whose inspections were judged against an older revision.
    pub lots_judged_against_older_revisions: Vec<JudgedLot>,
}

/// Opens a new draft revision, lettered after the last one (A, B, ..., Z, AA, ...).
pub fn open_revision(
    conn: &mut PgConnection,
    by: &Principal,
    id: GoldenSampleId,
    new: NewRevision,
) -> Result<RevisionDetail, ServiceError> {
    new.check()?;
    conn.build_transaction().run(|conn| {
        golden_db::lock(conn, id).or_not_found("golden sample", id)?;
        let number = golden_db::last_number(conn, id)? + 1;
        let letter = golden_db::revision_letter(number);
        let revision = golden_db::insert_revision(
            conn,
            &golden_db::NewRevision {
                id: GoldenSampleRevisionId::new_random(),
                golden_sample_id: id,
                number,
                revision: &letter,
                description: new.description.trim(),
                revalidation_due: new.revalidation_due,
            },
        )?;
        let detail = revision_detail(conn, revision)?;
        let key = format!("{id}/{letter}");
        audit::created(conn, by, "golden_sample_revision", key, &detail)?;
        Ok(detail)
    })
}

/// Records reference values on a draft revision, replacing earlier values of the same
/// characteristics. Each must be a variable characteristic of the golden sample's part.
pub fn record_references(
    conn: &mut PgConnection,
    by: &Principal,
    id: GoldenSampleId,
    letter: &str,
    references: References,
) -> Result<RevisionDetail, ServiceError> {
    references.check()?;
    conn.build_transaction().run(|conn| {
        let (sample, revision) = locked_revision(conn, id, letter)?;
        require_draft(&revision, "reference measurements")?;
        let kinds: HashMap<CharacteristicId, Kind> = chars_db::of_part(conn, sample.part_id)?
            .into_iter()
            .map(|c| (c.id, c.kind))
            .collect();
        let mut checks = Checks::new();
        for (i, m) in references.measurements.iter().enumerate() {
            let field = format!("measurements[{i}].characteristic_id");
            match kinds.get(&m.characteristic_id) {
                None => checks.add(field, "is not a characteristic of the golden sample's part"),
                Some(Kind::Attribute) => checks.add(
                    field,
                    "is an attribute characteristic; reference values are for variable ones",
                ),
                Some(Kind::Variable) => {}
            }
        }
        checks.finish()?;
        let now = Utc::now();
        let rows: Vec<golden_db::ReferenceRow> = references
            .measurements
            .iter()
            .map(|m| golden_db::ReferenceRow {
                revision_id: revision.id,
                characteristic_id: m.characteristic_id,
                value: m.value,
                measured_by: references.measured_by.trim().to_string(),
                measured_at: now,
            })
            .collect();
        let before = revision_detail(conn, revision.clone())?;
        golden_db::upsert_references(conn, &rows)?;
        let after = revision_detail(conn, revision)?;
        let entry = audit::Entry {
            action: "record_references",
            entity: "golden_sample_revision",
            id: format!("{id}/{letter}"),
            old: Some(to_value(&before)?),
            reason: None,
        };
        audit::write(conn, by, entry, &after)?;
        Ok(after)
    })
}

/// Approves a draft revision and supersedes the approved one, if any, in the same
/// transaction (a partial unique index keeps one approved revision per golden sample,
/// even under simultaneous approvals). Lists the open lots judged against older
/// revisions: their results may need a second look against the new reference.
pub fn approve(
    conn: &mut PgConnection,
    by: &Principal,
    id: GoldenSampleId,
    letter: &str,
    approval: Approval,
) -> Result<Approved, ServiceError> {
    approval.check()?;
    conn.build_transaction().run(|conn| {
        let (_, draft) = locked_revision(conn, id, letter)?;
        require_draft(&draft, "an approval")?;
        let before = revision_detail(conn, draft.clone())?;
        let comment = approval.comment.as_deref().map(str::trim);
        let approver = approval.approver.trim();
        let (approved, superseded) =
            golden_db::approve(conn, &draft, approver, comment, Utc::now())?;
        let lots = golden_db::lots_judged_before(conn, id, approved.number)?;
        let outcome = Approved {
            revision: revision_detail(conn, approved)?,
            superseded_revision: superseded.map(|r| r.revision),
            lots_judged_against_older_revisions: lots,
        };
        let entry = audit::Entry {
            action: "approve",
            entity: "golden_sample_revision",
            id: format!("{id}/{letter}"),
            old: Some(to_value(&before)?),
            reason: comment,
        };
        audit::write(conn, by, entry, &outcome)?;
        let approved = &outcome.revision.revision;
        crate::service::webhooks::emit(
            conn,
            WebhookEventType::GoldenSampleApproved,
            &GoldenSampleApproved {
                golden_sample_id: id,
                revision_id: approved.id,
                revision: approved.revision.clone(),
                superseded_revision: outcome.superseded_revision.clone(),
                approved_by: approved.approved_by.clone(),
                approved_at: approved.approved_at,
            },
        )?;
        Ok(outcome)
    })
}

/// Retires a revision: it is no longer a reference. Retiring the approved revision
/// leaves the golden sample without one until another is approved.
pub fn retire(
    conn: &mut PgConnection,
    by: &Principal,
    id: GoldenSampleId,
    letter: &str,
    retirement: Retirement,
) -> Result<RevisionDetail, ServiceError> {
    retirement.check()?;
    conn.build_transaction().run(|conn| {
        let (_, revision) = locked_revision(conn, id, letter)?;
        if revision.status == RevisionStatus::Retired {
            return Err(ServiceError::conflict(
                None,
                format!("revision {letter} is already retired"),
            ));
        }
        let before = revision_detail(conn, revision.clone())?;
        let reason = retirement.reason.trim();
        let retired = golden_db::retire(
            conn,
            &revision,
            retirement.retired_by.trim(),
            reason,
            Utc::now(),
        )?;
        let after = revision_detail(conn, retired)?;
        let entry = audit::Entry {
            action: "retire",
            entity: "golden_sample_revision",
            id: format!("{id}/{letter}"),
            old: Some(to_value(&before)?),
            reason: Some(reason),
        };
        audit::write(conn, by, entry, &after)?;
        Ok(after)
    })
}

/// Adds a photo from a fixed view to a draft revision, storing it unless the same bytes
/// are stored. Returns the photo and whether it was newly added (false: it was already
/// on the revision, nothing was written).
pub fn attach_photo(
    conn: &mut PgConnection,
    by: &Principal,
    id: GoldenSampleId,
    letter: &str,
    view: &str,
    photo: &CheckedPhoto,
) -> Result<(RevisionPhoto, bool), ServiceError> {
    conn.build_transaction().run(|conn| {
        let (_, revision) = locked_revision(conn, id, letter)?;
        require_draft(&revision, "photos")?;
        let meta = photos::store(conn, photo)?;
        let created = golden_db::link_photo(conn, revision.id, meta.id, view)?;
        // Linked before under its own view, which is kept.
        let view = golden_db::photo_view(conn, revision.id, meta.id)?;
        let attached = RevisionPhoto { view, photo: meta };
        if created {
            let entry = audit::Entry {
                action: "attach_photo",
                entity: "golden_sample_revision",
                id: format!("{id}/{letter}/{}", attached.photo.id),
                old: None,
                reason: None,
            };
            audit::write(conn, by, entry, &attached)?;
        }
        Ok((attached, created))
    })
}

/// Locks the golden sample (so its revisions change one request at a time) and reads
/// the revision; either missing is not found. Call inside a transaction.
fn locked_revision(
    conn: &mut PgConnection,
    id: GoldenSampleId,
    letter: &str,
) -> Result<(GoldenSample, Revision), ServiceError> {
    let sample = golden_db::lock(conn, id).or_not_found("golden sample", id)?;
    let revision = golden_db::revision(conn, id, letter)
        .or_not_found("revision", format!("{letter} of golden sample {id}"))?;
    Ok((sample, revision))
}

/// An approved, superseded or retired revision is frozen: what was approved stays what
/// inspections were judged against.
fn require_draft(revision: &Revision, what: &str) -> Result<(), ServiceError> {
    if revision.status == RevisionStatus::Draft {
        return Ok(());
    }
    Err(ServiceError::conflict(
        None,
        format!(
            "revision {} is {}; {what} can only be added to a draft; open a new revision",
            revision.revision, revision.status
        ),
    ))
}

fn to_value(value: &impl Serialize) -> Result<serde_json::Value, ServiceError> {
    serde_json::to_value(value).map_err(ServiceError::internal)
}
