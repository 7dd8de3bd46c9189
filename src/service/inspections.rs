//! Inspections of a lot, recorded unit by unit: record, correct, import from CSV, read.
//! Append-only: a correction is a new inspection naming the one it supersedes.
//!
//! A recording is idempotent by the inspection's client-generated id: the same id with
//! the same content (the same [`fingerprint`]) returns the stored inspection, the same
//! id with other content is a conflict.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::PgConnection;
use serde::Serialize;

use super::{Found, ServiceError, audit, scope};
use crate::auth::Principal;
use crate::db::After;
use crate::db::characteristics as chars_db;
use crate::db::defect_codes::{self as defect_codes_db, ResultDefect};
use crate::db::golden_samples as golden_db;
use crate::db::inspections::{self as inspections_db, InspectionRows};
use crate::db::models::{self, AttributeResultRow, Inspection, InspectionUnit, MeasurementRow};
use crate::db::resubmissions as resubmissions_db;
use crate::domain::{
    CharacteristicId, DefectCodeId, GoldenSampleRevisionId, InspectionId, Kind, LotId, Mode,
    ResubmissionId, RevisionStatus, Source, WebhookEventType,
};
use crate::service::webhooks::events::InspectionRecorded;

mod bulk;
mod check;
mod export;
pub mod fingerprint;
mod original;
pub mod rows_hash;

pub use bulk::{ImportHeader, import_csv};
pub use check::{CheckedInspection, DEFAULT_MAX_RESULTS, MAX_UNITS};
pub use export::{export_measurements_csv, export_units_csv};
pub use fingerprint::Correction;

/// An inspection to record, as a client sent it (read from a request body or a CSV
/// file). [`NewInspection::check`] checks its shape before it can be stored.
#[derive(Debug, Clone, PartialEq)]
pub struct NewInspection {
    /// Client-generated id: makes a retry harmless.
    pub id: InspectionId,
    pub source: Source,
    pub mode: Mode,
    /// As sent: stored trimmed, fingerprinted as sent.
    pub inspector: String,
    pub inspected_at: DateTime<Utc>,
    /// The golden-sample revision the units were judged against, when not the one
    /// approved at `inspected_at`.
    pub golden_sample_revision_id: Option<GoldenSampleRevisionId>,
    pub units: Vec<NewUnit>,
}

/// One inspected unit.
#[derive(Debug, Clone, PartialEq)]
pub struct NewUnit {
    /// Position in the sample, from 1.
    pub unit: i64,
    pub serial: Option<String>,
    pub measurements: Vec<NewMeasurement>,
    pub attributes: Vec<NewAttribute>,
}

/// A measured value of a variable characteristic.
#[derive(Debug, Clone, PartialEq)]
pub struct NewMeasurement {
    pub characteristic_id: CharacteristicId,
    pub value: f64,
}

/// The result of an attribute characteristic on one unit.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAttribute {
    pub characteristic_id: CharacteristicId,
    pub pass: bool,
    /// As sent; stored as 1 for a failed unit and 0 for a passed one when absent.
    pub defects: Option<i64>,
    pub note: Option<String>,
    /// Codes of the part's defect catalogue, only on a failed result, in the order sent.
    pub defect_codes: Vec<String>,
}

/// An inspection as stored, with every unit, measurement and attribute result.
#[derive(Debug)]
pub struct StoredInspection {
    pub inspection: Inspection,
    pub rows: InspectionRows,
    /// The correction that replaced it, if any.
    pub superseded_by: Option<InspectionId>,
    /// The resubmission it inspects (or, for a correction, that of the inspection it
    /// corrects), if any.
    pub resubmission_id: Option<ResubmissionId>,
}

/// What a recording did.
#[derive(Debug)]
pub struct Recorded {
    pub stored: StoredInspection,
    /// False for a retry of an inspection already stored: nothing new was written.
    pub created: bool,
}

/// Records an inspection of a lot in one transaction, with its audit row.
pub fn record(
    conn: &mut PgConnection,
    by: &Principal,
    lot_id: LotId,
    input: &CheckedInspection,
) -> Result<Recorded, ServiceError> {
    let fingerprint = fingerprint::v1(lot_id, input, None);
    conn.build_transaction()
        .run(|conn| store(conn, by, lot_id, input, Origin::Original, &fingerprint))
}

/// Records the sampling inspection of a resubmission of the lot (ISO 2859-1 7.6): one per
/// resubmission, judged separately from the lot's original inspection.
pub fn record_resubmitted(
    conn: &mut PgConnection,
    by: &Principal,
    lot_id: LotId,
    resubmission: ResubmissionId,
    input: &CheckedInspection,
) -> Result<Recorded, ServiceError> {
    let fingerprint = fingerprint::v1(lot_id, input, None);
    conn.build_transaction().run(|conn| {
        store(
            conn,
            by,
            lot_id,
            input,
            Origin::Resubmission(resubmission),
            &fingerprint,
        )
    })
}

/// What an inspection being stored is: the lot's own (original) inspection, a
/// correction of a recorded one, or the inspection of a resubmission.
#[derive(Debug, Clone, Copy)]
enum Origin<'a> {
    Original,
    Correction(&'a Correction<'a>),
    Resubmission(ResubmissionId),
}

/// Records a correction: a new inspection of the lot of `supersedes` that replaces it,
/// with the reason (trimmed) in the inspection and in the audit row.
pub fn correct(
    conn: &mut PgConnection,
    by: &Principal,
    supersedes: InspectionId,
    reason: &str,
    input: &CheckedInspection,
) -> Result<Recorded, ServiceError> {
    conn.build_transaction().run(|conn| {
        let lot_id = scope::inspection(conn, by, supersedes)?.lot_id;
        let correction = Correction {
            supersedes,
            reason: reason.trim(),
        };
        let fingerprint = fingerprint::v1(lot_id, input, Some(&correction));
        store(
            conn,
            by,
            lot_id,
            input,
            Origin::Correction(&correction),
            &fingerprint,
        )
    })
}

/// An inspection with its rows and the correction that replaced it, if any, if `by` may
/// see it.
pub fn get(
    conn: &mut PgConnection,
    by: &Principal,
    id: InspectionId,
) -> Result<StoredInspection, ServiceError> {
    let inspection = scope::inspection(conn, by, id)?;
    let rows = inspections_db::rows(conn, id)?;
    let superseded_by = inspections_db::superseded_by(conn, &[id])?
        .get(&id)
        .copied();
    let resubmission_id = resubmissions_db::of_inspection(conn, id)?;
    Ok(StoredInspection {
        inspection,
        rows,
        superseded_by,
        resubmission_id,
    })
}

/// One page of a lot's inspections, without their rows.
#[derive(Debug)]
pub struct LotInspections {
    /// In the order they were carried out; up to the `limit` asked for.
    pub inspections: Vec<Inspection>,
    pub unit_counts: HashMap<InspectionId, i64>,
    /// For each corrected inspection, the correction that replaced it.
    pub superseded_by: HashMap<InspectionId, InspectionId>,
    /// For each inspection of a resubmission (or correction of one), the resubmission.
    pub resubmissions: HashMap<InspectionId, ResubmissionId>,
}

/// The lot's inspections after the cursor `after`, at most `limit`, corrections included.
pub fn list(
    conn: &mut PgConnection,
    by: &Principal,
    lot_id: LotId,
    after: Option<After<DateTime<Utc>>>,
    limit: i64,
) -> Result<LotInspections, ServiceError> {
    scope::lot(conn, by, lot_id)?;
    let inspections = inspections_db::list_for_lot(conn, lot_id, after, limit)?;
    let ids: Vec<InspectionId> = inspections.iter().map(|r| r.id).collect();
    Ok(LotInspections {
        unit_counts: inspections_db::unit_counts(conn, &ids)?,
        superseded_by: inspections_db::superseded_by(conn, &ids)?,
        resubmissions: resubmissions_db::of_inspections(conn, &ids)?,
        inspections,
    })
}

/// Checks the input against the lot and its part, then stores it unless an inspection
/// with its id exists (a retry: returned as stored, or refused if the content differs).
/// Runs inside the caller's transaction. Every way of recording (record, correct,
/// import) comes through here, so this is where a supplier-bound token is kept to its
/// supplier's lots and away from in-house inspections.
fn store(
    conn: &mut PgConnection,
    by: &Principal,
    lot_id: LotId,
    input: &NewInspection,
    origin: Origin<'_>,
    fingerprint: &str,
) -> Result<Recorded, ServiceError> {
    let lot = scope::lot(conn, by, lot_id)?;
    scope::source(by, input.source)?;
    let characteristics = chars_db::of_part(conn, lot.part_id)?;
    let kinds: HashMap<CharacteristicId, Kind> =
        characteristics.iter().map(|c| (c.id, c.kind)).collect();
    check::against_lot(conn, input, &lot, &kinds)?;
    let catalogue = if input
        .units
        .iter()
        .any(|u| u.attributes.iter().any(|a| !a.defect_codes.is_empty()))
    {
        defect_codes_db::of_part(conn, lot.part_id)?
    } else {
        Vec::new()
    };
    let codes: HashMap<&str, (DefectCodeId, bool)> = catalogue
        .iter()
        .map(|c| (c.code.as_str(), (c.id, c.retired)))
        .collect();
    check::defect_codes(input, &codes)?;
    let golden_sample_revision_id = judged_against(conn, input, &lot)?;
    // After every check of the request itself: a refusal for what is stored comes last.
    let correction = match origin {
        Origin::Correction(c) => Some(c),
        _ => None,
    };
    // Locks the lot's row before the lot's inspections are read below, so that two
    // recordings cannot both be taken for the lot's original, and no cancellation
    // commits meanwhile.
    super::lots::refuse_cancelled(conn, lot_id, "recording an inspection")?;
    // The resubmission the stored inspection belongs to: the one named, or, for a
    // correction, that of the inspection it supersedes.
    let resubmission = match origin {
        Origin::Original => {
            original::check(conn, &lot, input, &characteristics)?;
            None
        }
        Origin::Correction(c) => resubmissions_db::of_inspection(conn, c.supersedes)?,
        Origin::Resubmission(r) => Some(original::check_resubmission(conn, &lot, input, r)?),
    };
    let rows = rows_of(input, &codes);
    let new = models::NewInspection {
        id: input.id,
        lot_id,
        source: input.source,
        mode: input.mode,
        inspector: input.inspector.trim(),
        inspected_at: input.inspected_at,
        supersedes: correction.map(|c| c.supersedes),
        reason: correction.map(|c| c.reason),
        body_sha256: fingerprint,
        golden_sample_revision_id,
    };
    match inspections_db::insert_new(conn, &new, &rows)? {
        Some(inspection) => {
            if let Some(r) = resubmission {
                resubmissions_db::link(conn, inspection.id, r)?;
            }
            let (action, reason) = match correction {
                Some(c) => ("correct", Some(c.reason)),
                None => ("record", None),
            };
            let entry = audit::Entry {
                action,
                entity: "inspection",
                id: inspection.id.to_string(),
                old: None,
                reason,
            };
            let summary = AuditSummary::of(&inspection, RowCounts::of(&rows));
            audit::write(conn, by, entry, &summary)?;
            super::webhooks::emit(
                conn,
                WebhookEventType::InspectionRecorded,
                &InspectionRecorded {
                    inspection_id: inspection.id,
                    lot_id,
                    source: inspection.source,
                    mode: inspection.mode,
                    inspector: inspection.inspector.clone(),
                    inspected_at: inspection.inspected_at,
                    supersedes: inspection.supersedes,
                    resubmission_id: resubmission,
                    units: rows.units.len(),
                },
            )?;
            Ok(Recorded {
                stored: StoredInspection {
                    inspection,
                    rows,
                    superseded_by: None,
                    resubmission_id: resubmission,
                },
                created: true,
            })
        }
        // An inspection with this id is stored already (a retry, or a concurrent twin):
        // INSERT ... ON CONFLICT (id) DO NOTHING wrote nothing, so answer with it.
        None => {
            let existing = inspections_db::get(conn, input.id)?;
            if resubmissions_db::of_inspection(conn, existing.id)? != resubmission {
                return Err(ServiceError::conflict(
                    Some("id"),
                    "an inspection with this id is already recorded for another resubmission \
                     (or for none); use a new id",
                ));
            }
            replay(conn, existing, fingerprint, resubmission)
        }
    }
}

/// The golden-sample revision the inspection was judged against: the one named in the
/// input, checked against the lot's part, or the one approved at `inspected_at`.
fn judged_against(
    conn: &mut PgConnection,
    input: &NewInspection,
    lot: &models::Lot,
) -> Result<Option<GoldenSampleRevisionId>, ServiceError> {
    const FIELD: &str = "golden_sample_revision_id";
    let Some(id) = input.golden_sample_revision_id else {
        return Ok(golden_db::approved_at(
            conn,
            lot.part_id,
            input.inspected_at,
        )?);
    };
    let (revision, part) =
        golden_db::revision_by_id(conn, id).or_unknown(FIELD, "golden-sample revision", id)?;
    if part != lot.part_id {
        return Err(ServiceError::invalid_field(
            FIELD,
            "the revision belongs to a golden sample of another part than the lot's",
        ));
    }
    if revision.status == RevisionStatus::Draft {
        return Err(ServiceError::invalid_field(
            FIELD,
            "a draft revision is not a reference yet; approve it first",
        ));
    }
    Ok(Some(id))
}

/// The stored inspection of a retry, if its content is the same.
fn replay(
    conn: &mut PgConnection,
    existing: Inspection,
    fingerprint: &str,
    resubmission_id: Option<ResubmissionId>,
) -> Result<Recorded, ServiceError> {
    if existing.body_sha256 != fingerprint {
        return Err(ServiceError::conflict(
            Some("id"),
            "an inspection with this id is already recorded with a different body; use a new id, or supersede it with a correction",
        ));
    }
    let rows = inspections_db::rows(conn, existing.id)?;
    let superseded_by = inspections_db::superseded_by(conn, &[existing.id])?
        .get(&existing.id)
        .copied();
    Ok(Recorded {
        stored: StoredInspection {
            inspection: existing,
            rows,
            superseded_by,
            resubmission_id,
        },
        created: false,
    })
}

/// The rows to insert; defects default to 1 for a failed unit and 0 for a passed one.
/// `codes` resolves every defect code (checked before).
fn rows_of(input: &NewInspection, codes: &HashMap<&str, (DefectCodeId, bool)>) -> InspectionRows {
    let mut rows = InspectionRows::default();
    for u in &input.units {
        let unit_index = u.unit as i32;
        rows.units.push(InspectionUnit {
            inspection_id: input.id,
            unit_index,
            serial: u.serial.clone(),
        });
        rows.measurements
            .extend(u.measurements.iter().map(|m| MeasurementRow {
                inspection_id: input.id,
                unit_index,
                characteristic_id: m.characteristic_id,
                value: m.value,
            }));
        rows.attributes
            .extend(u.attributes.iter().map(|a| AttributeResultRow {
                inspection_id: input.id,
                unit_index,
                characteristic_id: a.characteristic_id,
                pass: a.pass,
                defects: a.defects.unwrap_or(if a.pass { 0 } else { 1 }) as i32,
                note: a.note.clone(),
            }));
        for a in &u.attributes {
            for (position, code) in a.defect_codes.iter().enumerate() {
                if let Some((id, _)) = codes.get(code.as_str()) {
                    rows.defects.push((
                        ResultDefect {
                            inspection_id: input.id,
                            unit_index,
                            characteristic_id: a.characteristic_id,
                            position: position as i32,
                            defect_code_id: *id,
                        },
                        code.clone(),
                    ));
                }
            }
        }
    }
    rows
}

/// What the audit trail keeps of a recorded inspection: its header, its size, the
/// fingerprint of what was sent and the SHA-256 of the rows as stored
/// ([`rows_hash`]). The values themselves are append-only rows already (the database
/// refuses to change them), so they are not copied again; `lotgate audit verify`
/// rebuilds this summary from the stored rows and compares.
#[derive(Debug, Serialize)]
pub(crate) struct AuditSummary<'a> {
    id: InspectionId,
    lot_id: LotId,
    source: Source,
    mode: Mode,
    inspector: &'a str,
    inspected_at: DateTime<Utc>,
    supersedes: Option<InspectionId>,
    golden_sample_revision_id: Option<GoldenSampleRevisionId>,
    units: usize,
    measurements: usize,
    attributes: usize,
    body_sha256: &'a str,
    rows_sha256: String,
}

/// How many rows of each kind an inspection has, and their hash.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct RowCounts {
    pub units: usize,
    pub measurements: usize,
    pub attributes: usize,
    pub rows_sha256: String,
}

impl RowCounts {
    fn of(rows: &InspectionRows) -> Self {
        RowCounts {
            units: rows.units.len(),
            measurements: rows.measurements.len(),
            attributes: rows.attributes.len(),
            rows_sha256: rows_hash::rows_sha256(rows),
        }
    }
}

impl<'a> AuditSummary<'a> {
    pub(crate) fn of(stored: &'a Inspection, rows: RowCounts) -> Self {
        AuditSummary {
            id: stored.id,
            lot_id: stored.lot_id,
            source: stored.source,
            mode: stored.mode,
            inspector: &stored.inspector,
            inspected_at: stored.inspected_at,
            supersedes: stored.supersedes,
            golden_sample_revision_id: stored.golden_sample_revision_id,
            units: rows.units,
            measurements: rows.measurements,
            attributes: rows.attributes,
            body_sha256: &stored.body_sha256,
            rows_sha256: rows.rows_sha256,
        }
    }
}
