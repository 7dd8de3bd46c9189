//! Golden samples: the physical references of a part. Registering one, changing where it
//! is kept, its condition log, and reading it with its revisions; the life of a
//! revision (draft, reference measurements, photos, approval, retirement) is in
//! [`revisions`].
//!
//! Audit rows hold the records as stored (the golden sample row, a revision row with its
//! reference measurements and photos, a condition entry), never an API view.

use std::collections::HashMap;

use chrono::Utc;
use diesel::PgConnection;
use serde::Serialize;

use super::{Checks, Found, ServiceError, audit};
use crate::auth::Principal;
use crate::db::golden_samples::{
    self as golden_db, ConditionEntry, GoldenSample, ReferenceRow, Revision,
};
use crate::db::parts as parts_db;
use crate::db::photos::PhotoMeta;
use crate::domain::{ConditionEntryId, GoldenSampleId, GoldenSampleRevisionId, PartId};

mod revisions;

pub use revisions::{
    Approval, Approved, NewRevision, ReferenceValue, References, Retirement, approve, attach_photo,
    open_revision, record_references, retire,
};

/// A golden sample to register, with the first entry of its condition log.
#[derive(Debug, Clone)]
pub struct NewGoldenSample {
    /// A client-generated id (a retry is then harmless); a new one when absent.
    pub id: Option<GoldenSampleId>,
    pub part_id: PartId,
    /// Code on the sample's tag, unique per part (1-32 characters).
    pub code: String,
    /// Where the physical sample is kept (1-200 characters).
    pub storage_location: String,
    /// Who registered it and noted its condition (1-100 characters).
    pub noted_by: String,
    /// Its condition when registered (1-2000 characters).
    pub condition: String,
}

impl NewGoldenSample {
    /// The rules of the fields, without the database.
    pub fn check(&self) -> Result<(), ServiceError> {
        let mut checks = Checks::new();
        checks.text("code", &self.code, 32);
        checks.text("storage_location", &self.storage_location, 200);
        checks.text("noted_by", &self.noted_by, 100);
        checks.text("condition", &self.condition, 2000);
        checks.finish()
    }
}

/// A golden sample's new code and storage location.
#[derive(Debug, Clone)]
pub struct GoldenSampleChange {
    /// 1-32 characters, unique per part.
    pub code: String,
    /// 1-200 characters.
    pub storage_location: String,
}

impl GoldenSampleChange {
    /// The rules of the fields, without the database.
    pub fn check(&self) -> Result<(), ServiceError> {
        let mut checks = Checks::new();
        checks.text("code", &self.code, 32);
        checks.text("storage_location", &self.storage_location, 200);
        checks.finish()
    }
}

/// An entry for the condition log.
#[derive(Debug, Clone)]
pub struct ConditionNote {
    /// Who looked at the sample (1-100 characters).
    pub noted_by: String,
    /// Wear, marks, damage, cleaning (1-2000 characters).
    pub condition: String,
}

impl ConditionNote {
    /// The rules of the fields, without the database.
    pub fn check(&self) -> Result<(), ServiceError> {
        let mut checks = Checks::new();
        checks.text("noted_by", &self.noted_by, 100);
        checks.text("condition", &self.condition, 2000);
        checks.finish()
    }
}

/// A photo of a revision and the fixed view it shows.
#[derive(Debug, Clone, Serialize)]
pub struct RevisionPhoto {
    /// `front`, `top`, `detail`, ...
    pub view: String,
    #[serde(flatten)]
    pub photo: PhotoMeta,
}

/// A revision with its reference measurements (by characteristic) and its photos (in the
/// order they were added).
#[derive(Debug, Clone, Serialize)]
pub struct RevisionDetail {
    #[serde(flatten)]
    pub revision: Revision,
    pub reference_measurements: Vec<ReferenceRow>,
    pub photos: Vec<RevisionPhoto>,
}

/// A golden sample with every revision (oldest first) and its condition log.
#[derive(Debug, Clone)]
pub struct Detail {
    pub sample: GoldenSample,
    pub revisions: Vec<RevisionDetail>,
    pub conditions: Vec<ConditionEntry>,
}

/// A golden sample with its revisions, without their measurements and photos.
#[derive(Debug, Clone)]
pub struct Summary {
    pub sample: GoldenSample,
    pub revisions: Vec<Revision>,
}

/// The audit value of a registration: the golden sample row and its first condition.
#[derive(Serialize)]
struct Registered<'a> {
    #[serde(flatten)]
    sample: &'a GoldenSample,
    condition_log: [&'a ConditionEntry; 1],
}

/// Registers a golden sample of a part with the first entry of its condition log. An
/// unknown part is an unknown `part_id`; a code the part already uses, a conflict.
pub fn create(
    conn: &mut PgConnection,
    by: &Principal,
    new: NewGoldenSample,
) -> Result<Detail, ServiceError> {
    new.check()?;
    conn.build_transaction().run(|conn| {
        parts_db::get(conn, new.part_id).or_unknown("part_id", "part", new.part_id)?;
        let sample = golden_db::insert(
            conn,
            &golden_db::NewGoldenSample {
                id: new.id.unwrap_or_else(GoldenSampleId::new_random),
                part_id: new.part_id,
                code: new.code.trim(),
                storage_location: new.storage_location.trim(),
            },
        )?;
        let entry = insert_condition(conn, sample.id, &new.noted_by, &new.condition)?;
        let value = Registered {
            sample: &sample,
            condition_log: [&entry],
        };
        let registered = detail(conn, sample.clone())?;
        audit::created(conn, by, "golden_sample", sample.id, &value)?;
        Ok(registered)
    })
}

/// A golden sample with its revisions and condition log.
pub fn get(conn: &mut PgConnection, id: GoldenSampleId) -> Result<Detail, ServiceError> {
    let sample = golden_db::get(conn, id).or_not_found("golden sample", id)?;
    detail(conn, sample)
}

/// Changes a golden sample's code and storage location. `precondition` is given the
/// golden sample as it is under the row lock, before the change; its error (typically
/// [`ServiceError::PreconditionFailed`] for a stale `If-Match`) stops the change.
pub fn update(
    conn: &mut PgConnection,
    by: &Principal,
    id: GoldenSampleId,
    change: GoldenSampleChange,
    precondition: impl FnOnce(&Detail) -> Result<(), ServiceError>,
) -> Result<Detail, ServiceError> {
    change.check()?;
    conn.build_transaction().run(|conn| {
        let sample = golden_db::lock(conn, id).or_not_found("golden sample", id)?;
        let before = detail(conn, sample)?;
        precondition(&before)?;
        let code = change.code.trim();
        let updated = golden_db::update(conn, id, code, change.storage_location.trim())?;
        audit::updated(conn, by, "golden_sample", id, &before.sample, &updated)?;
        Ok(Detail {
            sample: updated,
            ..before
        })
    })
}

/// The golden samples of a part, by code; an unknown part is not found.
pub fn of_part(conn: &mut PgConnection, part: PartId) -> Result<Vec<Summary>, ServiceError> {
    parts_db::get(conn, part).or_not_found("part", part)?;
    let samples = golden_db::of_part(conn, part)?;
    let ids: Vec<GoldenSampleId> = samples.iter().map(|s| s.id).collect();
    let mut revisions: HashMap<GoldenSampleId, Vec<Revision>> = HashMap::new();
    for r in golden_db::revisions(conn, &ids)? {
        revisions.entry(r.golden_sample_id).or_default().push(r);
    }
    Ok(samples
        .into_iter()
        .map(|sample| Summary {
            revisions: revisions.remove(&sample.id).unwrap_or_default(),
            sample,
        })
        .collect())
}

/// Adds an entry to a golden sample's condition log.
pub fn note_condition(
    conn: &mut PgConnection,
    by: &Principal,
    id: GoldenSampleId,
    note: ConditionNote,
) -> Result<ConditionEntry, ServiceError> {
    note.check()?;
    conn.build_transaction().run(|conn| {
        golden_db::get(conn, id).or_not_found("golden sample", id)?;
        let entry = insert_condition(conn, id, &note.noted_by, &note.condition)?;
        let audit_entry = audit::Entry {
            action: "note_condition",
            entity: "golden_sample",
            id: id.to_string(),
            old: None,
            reason: None,
        };
        audit::write(conn, by, audit_entry, &entry)?;
        Ok(entry)
    })
}

fn insert_condition(
    conn: &mut PgConnection,
    sample: GoldenSampleId,
    noted_by: &str,
    condition: &str,
) -> Result<ConditionEntry, ServiceError> {
    let entry = ConditionEntry {
        id: ConditionEntryId::new_random(),
        golden_sample_id: sample,
        noted_by: noted_by.trim().to_string(),
        condition: condition.trim().to_string(),
        noted_at: Utc::now(),
    };
    golden_db::insert_condition(conn, &entry)?;
    Ok(entry)
}

/// The revisions given, each with its reference measurements and photos, read in two
/// queries whatever their number.
pub(crate) fn revision_details(
    conn: &mut PgConnection,
    revisions: Vec<Revision>,
) -> Result<Vec<RevisionDetail>, ServiceError> {
    let ids: Vec<GoldenSampleRevisionId> = revisions.iter().map(|r| r.id).collect();
    let mut references: HashMap<GoldenSampleRevisionId, Vec<ReferenceRow>> = HashMap::new();
    for r in golden_db::references(conn, &ids)? {
        references.entry(r.revision_id).or_default().push(r);
    }
    let mut photos: HashMap<GoldenSampleRevisionId, Vec<RevisionPhoto>> = HashMap::new();
    for (revision, view, photo) in golden_db::photos_of(conn, &ids)? {
        photos
            .entry(revision)
            .or_default()
            .push(RevisionPhoto { view, photo });
    }
    Ok(revisions
        .into_iter()
        .map(|revision| RevisionDetail {
            reference_measurements: references.remove(&revision.id).unwrap_or_default(),
            photos: photos.remove(&revision.id).unwrap_or_default(),
            revision,
        })
        .collect())
}

fn revision_detail(
    conn: &mut PgConnection,
    revision: Revision,
) -> Result<RevisionDetail, ServiceError> {
    let mut details = revision_details(conn, vec![revision])?;
    details
        .pop()
        .ok_or_else(|| ServiceError::internal("a revision without its detail"))
}

fn detail(conn: &mut PgConnection, sample: GoldenSample) -> Result<Detail, ServiceError> {
    let revisions = golden_db::revisions(conn, &[sample.id])?;
    let revisions = revision_details(conn, revisions)?;
    let conditions = golden_db::conditions(conn, sample.id)?;
    Ok(Detail {
        sample,
        revisions,
        conditions,
    })
}
