//! `lotgate audit verify`: the hash chain of the trail, and the data the trail
//! describes. For every audited record the newest audit row holding it is compared with
//! the record as stored now, rebuilt into the same stored form the use case wrote (the
//! same types, and for an inspection the same summary and rows hash). A record changed
//! behind lotgate's back, or removed, is named with the audit row it no longer matches.
//!
//! Records are read a batch at a time, and an inspection's rows a page at a time, so
//! memory stays bounded whatever the size of the database.

use std::collections::{BTreeMap, HashMap};

use diesel::PgConnection;
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::compare::differs;
use crate::audit::{Broken, ChainCursor, hex};
use crate::db::audit::{self as audit_db, Audited};
use crate::db::golden_samples as golden_db;
use crate::db::records;
use crate::domain::{
    CharacteristicId, ConditionEntryId, DecisionId, GoldenSampleId, InspectionId, PartId, PhotoId,
    ResumeId, SupplierId,
};
use crate::service::ServiceError;
use crate::service::golden_samples::revision_details;
use crate::service::inspections::rows_hash::RowsHasher;
use crate::service::inspections::{AuditSummary, RowCounts};
use crate::service::photos::DefectPhotoRecord;

/// Audit rows read per query.
const BATCH: i64 = 500;
/// Rows of inspections read per query while hashing them.
const ROWS_PAGE: i64 = 20_000;
/// Mismatches kept for the report; beyond it they are only counted.
const KEPT: usize = 1000;

/// A record that no longer is what its audit row says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    pub entity: String,
    pub entity_id: String,
    /// The audit row it was compared with.
    pub seq: i64,
    /// What differs: the field and both values, or that the record is gone.
    pub what: String,
}

impl std::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {} differs from audit row {}: {}",
            self.entity, self.entity_id, self.seq, self.what
        )
    }
}

/// What the comparison of the data with the trail found.
#[derive(Debug, Default)]
pub struct DataCheck {
    /// Records compared, by kind.
    pub checked: BTreeMap<&'static str, u64>,
    /// The first mismatches found (at most 1000).
    pub mismatches: Vec<Mismatch>,
    /// Every mismatch, those not kept included.
    pub mismatch_count: u64,
}

impl DataCheck {
    pub fn records(&self) -> u64 {
        self.checked.values().sum()
    }

    fn note(&mut self, mismatch: Mismatch) {
        self.mismatch_count += 1;
        if self.mismatches.len() < KEPT {
            self.mismatches.push(mismatch);
        }
    }
}

/// The chain and the data.
#[derive(Debug)]
pub struct Verification {
    pub chain: Result<ChainCursor, Broken>,
    pub data: DataCheck,
}

impl Verification {
    pub fn intact(&self) -> bool {
        self.chain.is_ok() && self.data.mismatch_count == 0
    }
}

/// Checks the chain, then every audited record against its newest audit row.
pub fn verify(conn: &mut PgConnection) -> Result<Verification, ServiceError> {
    let chain = audit_db::verify(conn)?;
    let data = check_data(conn)?;
    Ok(Verification { chain, data })
}

/// Outcome of one audit row: nothing wrong, or what differs.
type Outcome = Option<String>;

/// How one kind of audited record is checked.
struct Kind {
    /// The name in the report.
    name: &'static str,
    entity: &'static str,
    /// The actions whose rows hold the record.
    actions: &'static [&'static str],
    /// Every such row holds a record of its own (append-only entries kept under their
    /// parent's id); otherwise only the newest row per id counts.
    every_row: bool,
    check: fn(&mut PgConnection, &[Audited]) -> Result<Vec<Outcome>, ServiceError>,
}

const KINDS: &[Kind] = &[
    Kind {
        name: "supplier",
        entity: "supplier",
        actions: &["create"],
        every_row: false,
        check: suppliers,
    },
    Kind {
        name: "part",
        entity: "part",
        actions: &["create", "update"],
        every_row: false,
        check: parts,
    },
    Kind {
        name: "characteristic",
        entity: "characteristic",
        actions: &["create", "update"],
        every_row: false,
        check: characteristics,
    },
    Kind {
        name: "lot",
        entity: "lot",
        actions: &["create", "update"],
        every_row: false,
        check: lots,
    },
    Kind {
        name: "lot_cancellation",
        entity: "lot",
        actions: &["cancel"],
        every_row: false,
        check: lot_cancellations,
    },
    Kind {
        name: "token",
        entity: "token",
        actions: &["create", "revoke"],
        every_row: false,
        check: tokens,
    },
    Kind {
        name: "golden_sample",
        entity: "golden_sample",
        actions: &["create", "update"],
        every_row: false,
        check: golden_samples,
    },
    Kind {
        name: "golden_sample_condition",
        entity: "golden_sample",
        actions: &["create", "note_condition"],
        every_row: true,
        check: conditions,
    },
    Kind {
        name: "golden_sample_revision",
        entity: "golden_sample_revision",
        actions: &[
            "create",
            "record_references",
            "approve",
            "retire",
            "attach_photo",
        ],
        every_row: false,
        check: revisions,
    },
    Kind {
        name: "inspection",
        entity: "inspection",
        actions: &["record", "correct"],
        every_row: false,
        check: inspections,
    },
    Kind {
        name: "attribute_result_photo",
        entity: "attribute_result",
        actions: &["attach_photo"],
        every_row: false,
        check: attribute_result_photos,
    },
    Kind {
        name: "lot_decision",
        entity: "lot_decision",
        actions: &["decide"],
        every_row: false,
        check: decisions,
    },
    Kind {
        name: "switching_settings",
        entity: "switching_settings",
        actions: &["update"],
        every_row: false,
        check: switching_settings,
    },
    Kind {
        name: "resubmission",
        entity: "resubmission",
        actions: &["resubmit"],
        every_row: false,
        check: resubmissions,
    },
    Kind {
        name: "lot_disposition",
        entity: "lot_disposition",
        actions: &["dispose"],
        every_row: false,
        check: dispositions,
    },
    Kind {
        name: "lot_release",
        entity: "lot_release",
        actions: &["release"],
        every_row: false,
        check: releases,
    },
    Kind {
        name: "defect_code",
        entity: "defect_code",
        actions: &["create", "update", "retire", "reinstate"],
        every_row: false,
        check: defect_codes,
    },
    Kind {
        name: "ncr",
        entity: "ncr",
        actions: &["open", "update", "close"],
        every_row: false,
        check: ncrs,
    },
    Kind {
        name: "inspection_order",
        entity: "inspection_order",
        actions: &["draw"],
        every_row: false,
        check: inspection_orders,
    },
    Kind {
        name: "webhook",
        entity: "webhook",
        actions: &["create", "update"],
        every_row: false,
        check: webhooks,
    },
    Kind {
        name: "webhook_redelivery",
        entity: "webhook_delivery",
        actions: &["redeliver"],
        every_row: false,
        check: redeliveries,
    },
    Kind {
        name: "switching_resume",
        entity: "switching",
        actions: &["resume"],
        every_row: false,
        check: resumes,
    },
];

/// Compares every audited record with its newest audit row.
pub fn check_data(conn: &mut PgConnection) -> Result<DataCheck, ServiceError> {
    let mut report = DataCheck::default();
    for kind in KINDS {
        let mut checked = 0;
        let mut before: Option<String> = None;
        let mut after_seq = 0;
        loop {
            let batch = if kind.every_row {
                audit_db::every_value(conn, kind.entity, kind.actions, after_seq, BATCH)?
            } else {
                audit_db::newest_values(conn, kind.entity, kind.actions, before.as_deref(), BATCH)?
            };
            let Some(last) = batch.last() else { break };
            after_seq = last.seq;
            before = Some(last.entity_id.clone());
            let outcomes = (kind.check)(conn, &batch)?;
            for (row, outcome) in batch.iter().zip(outcomes) {
                checked += 1;
                if let Some(what) = outcome {
                    report.note(Mismatch {
                        entity: kind.entity.to_string(),
                        entity_id: row.entity_id.clone(),
                        seq: row.seq,
                        what,
                    });
                }
            }
        }
        report.checked.insert(kind.name, checked);
    }
    report.mismatches.sort_by_key(|m| m.seq);
    Ok(report)
}

const MISSING: &str = "the record is missing from the database";

/// The outcome of one comparison.
fn judge(audited: Option<&Value>, stored: Option<Value>, skip: &[&str]) -> Outcome {
    let Some(audited) = audited else {
        return Some("the audit row holds no value".into());
    };
    match stored {
        None => Some(MISSING.into()),
        Some(stored) => differs(audited, &stored, skip).map(|d| d.to_string()),
    }
}

fn json(value: &impl Serialize) -> Result<Value, ServiceError> {
    serde_json::to_value(value).map_err(ServiceError::internal)
}

fn uuid(text: &str) -> Option<Uuid> {
    Uuid::parse_str(text).ok()
}

/// The ids of a batch whose audit ids are plain UUIDs.
fn ids<T>(batch: &[Audited], wrap: fn(Uuid) -> T) -> Vec<T> {
    batch
        .iter()
        .filter_map(|a| uuid(&a.entity_id))
        .map(wrap)
        .collect()
}

/// Compares each row of a batch of single-id records with the stored records (by id,
/// as text), skipping `skip`.
fn by_id(batch: &[Audited], stored: HashMap<String, Value>, skip: &[&str]) -> Vec<Outcome> {
    batch
        .iter()
        .map(|a| {
            let current = stored.get(&a.entity_id).cloned();
            judge(a.new_value.as_ref(), current, skip)
        })
        .collect()
}

fn keyed<T: Serialize>(
    rows: Vec<T>,
    id: impl Fn(&T) -> String,
) -> Result<HashMap<String, Value>, ServiceError> {
    rows.into_iter().map(|r| Ok((id(&r), json(&r)?))).collect()
}

fn suppliers(conn: &mut PgConnection, batch: &[Audited]) -> Result<Vec<Outcome>, ServiceError> {
    let rows = records::suppliers(conn, &ids(batch, SupplierId))?;
    Ok(by_id(batch, keyed(rows, |r| r.id.to_string())?, &[]))
}

/// A part's audit value after an update also lists its characteristics as they were;
/// only the part's own fields are compared (the characteristics have rows of their own).
fn parts(conn: &mut PgConnection, batch: &[Audited]) -> Result<Vec<Outcome>, ServiceError> {
    let rows = records::parts(conn, &ids(batch, PartId))?;
    Ok(by_id(batch, keyed(rows, |r| r.id.to_string())?, &[]))
}

fn characteristics(
    conn: &mut PgConnection,
    batch: &[Audited],
) -> Result<Vec<Outcome>, ServiceError> {
    let rows = records::characteristics(conn, &ids(batch, CharacteristicId))?;
    Ok(by_id(batch, keyed(rows, |r| r.id.to_string())?, &[]))
}

fn lots(conn: &mut PgConnection, batch: &[Audited]) -> Result<Vec<Outcome>, ServiceError> {
    let rows = records::lots(conn, &ids(batch, crate::domain::LotId))?;
    Ok(by_id(batch, keyed(rows, |r| r.id.to_string())?, &[]))
}

fn lot_cancellations(
    conn: &mut PgConnection,
    batch: &[Audited],
) -> Result<Vec<Outcome>, ServiceError> {
    let rows = records::lot_cancellations(conn, &ids(batch, crate::domain::LotId))?;
    Ok(by_id(batch, keyed(rows, |r| r.id.to_string())?, &[]))
}

fn resubmissions(conn: &mut PgConnection, batch: &[Audited]) -> Result<Vec<Outcome>, ServiceError> {
    let rows = records::resubmissions(conn, &ids(batch, crate::domain::ResubmissionId))?;
    Ok(by_id(batch, keyed(rows, |r| r.id.to_string())?, &[]))
}

fn dispositions(conn: &mut PgConnection, batch: &[Audited]) -> Result<Vec<Outcome>, ServiceError> {
    let rows = records::dispositions(conn, &ids(batch, crate::domain::DispositionId))?;
    Ok(by_id(batch, keyed(rows, |r| r.id.to_string())?, &[]))
}

/// An inspection order, keyed by its lot: the head and every characteristic drawn.
fn inspection_orders(
    conn: &mut PgConnection,
    batch: &[Audited],
) -> Result<Vec<Outcome>, ServiceError> {
    let rows = crate::db::inspection_orders::of_lots(conn, &ids(batch, crate::domain::LotId))?;
    Ok(by_id(
        batch,
        keyed(rows, |r| r.order.lot_id.to_string())?,
        &[],
    ))
}

/// A release is the lot's `released_at`; a lot released and then unreleased behind
/// lotgate's back differs in it.
fn releases(conn: &mut PgConnection, batch: &[Audited]) -> Result<Vec<Outcome>, ServiceError> {
    let rows = crate::db::dispositions::releases(conn, &ids(batch, crate::domain::LotId))?;
    Ok(by_id(batch, keyed(rows, |r| r.id.to_string())?, &[]))
}

fn defect_codes(conn: &mut PgConnection, batch: &[Audited]) -> Result<Vec<Outcome>, ServiceError> {
    let rows = records::defect_codes(conn, &ids(batch, crate::domain::DefectCodeId))?;
    Ok(by_id(batch, keyed(rows, |r| r.id.to_string())?, &[]))
}

fn ncrs(conn: &mut PgConnection, batch: &[Audited]) -> Result<Vec<Outcome>, ServiceError> {
    let rows = records::ncrs(conn, &ids(batch, crate::domain::NcrId))?;
    Ok(by_id(batch, keyed(rows, |r| r.id.to_string())?, &[]))
}

/// A token's last use is noted without an audit row (it is no change of the token).
fn tokens(conn: &mut PgConnection, batch: &[Audited]) -> Result<Vec<Outcome>, ServiceError> {
    let rows = records::tokens(conn, &ids(batch, crate::domain::TokenId))?;
    Ok(by_id(
        batch,
        keyed(rows, |r| r.id.to_string())?,
        &["last_used_at"],
    ))
}

fn webhooks(conn: &mut PgConnection, batch: &[Audited]) -> Result<Vec<Outcome>, ServiceError> {
    let rows = records::webhooks(conn, &ids(batch, crate::domain::WebhookId))?;
    Ok(by_id(batch, keyed(rows, |r| r.id.to_string())?, &[]))
}

/// A redelivery's value names the delivery, its endpoint and its event, which never
/// change (the deliverer moves only its state on).
fn redeliveries(conn: &mut PgConnection, batch: &[Audited]) -> Result<Vec<Outcome>, ServiceError> {
    let rows = records::redeliveries(conn, &ids(batch, crate::domain::WebhookDeliveryId))?;
    Ok(by_id(batch, keyed(rows, |r| r.id.to_string())?, &[]))
}

/// The registration's value also holds the first condition entry, checked with the
/// condition log.
fn golden_samples(
    conn: &mut PgConnection,
    batch: &[Audited],
) -> Result<Vec<Outcome>, ServiceError> {
    let rows = records::golden_samples(conn, &ids(batch, GoldenSampleId))?;
    Ok(by_id(batch, keyed(rows, |r| r.id.to_string())?, &[]))
}

/// The entry of the condition log an audit row holds: the first one in a registration.
fn condition_value(row: &Audited) -> Option<&Value> {
    let value = row.new_value.as_ref()?;
    match row.action.as_str() {
        "create" => value.get("condition_log")?.get(0),
        _ => Some(value),
    }
}

fn conditions(conn: &mut PgConnection, batch: &[Audited]) -> Result<Vec<Outcome>, ServiceError> {
    let id_of = |row: &Audited| {
        condition_value(row)
            .and_then(|v| v.get("id"))
            .and_then(Value::as_str)
            .and_then(uuid)
    };
    let wanted: Vec<ConditionEntryId> = batch
        .iter()
        .filter_map(id_of)
        .map(ConditionEntryId)
        .collect();
    let stored = keyed(records::conditions(conn, &wanted)?, |r| r.id.to_string())?;
    Ok(batch
        .iter()
        .map(|row| {
            let current = id_of(row).and_then(|id| stored.get(&id.to_string()).cloned());
            judge(condition_value(row), current, &[])
        })
        .collect())
}

/// Revision rows are keyed `<golden sample>/<letter>`, photo rows
/// `<golden sample>/<letter>/<photo>`. A revision's photos are checked by their own rows
/// (one may be added after the newest revision row), and a revision superseded by the
/// approval of the next one keeps no audit row of its own for it: that approval records
/// it (`superseded_revision`), so its status and end of approval are not compared.
fn revisions(conn: &mut PgConnection, batch: &[Audited]) -> Result<Vec<Outcome>, ServiceError> {
    let samples: Vec<GoldenSampleId> = {
        let mut ids: Vec<GoldenSampleId> = batch
            .iter()
            .filter_map(|a| a.entity_id.split('/').next().and_then(uuid))
            .map(GoldenSampleId)
            .collect();
        ids.sort();
        ids.dedup();
        ids
    };
    let stored = golden_db::revisions(conn, &samples)?;
    let details = revision_details(conn, stored)?;
    let details: HashMap<String, _> = details
        .into_iter()
        .map(|d| {
            (
                format!("{}/{}", d.revision.golden_sample_id, d.revision.revision),
                d,
            )
        })
        .collect();
    batch
        .iter()
        .map(|row| {
            let parts: Vec<&str> = row.entity_id.split('/').collect();
            let detail = parts
                .get(..2)
                .and_then(|p| details.get(&format!("{}/{}", p[0], p[1])));
            match (parts.len(), detail) {
                (3, detail) => {
                    let photo = detail
                        .and_then(|d| d.photos.iter().find(|p| p.photo.id.to_string() == parts[2]));
                    let stored = photo.map(json).transpose()?;
                    Ok(judge(row.new_value.as_ref(), stored, &[]))
                }
                (_, detail) => {
                    let audited = match row.action.as_str() {
                        "approve" => row.new_value.as_ref().and_then(|v| v.get("revision")),
                        _ => row.new_value.as_ref(),
                    };
                    let stored = detail.map(json).transpose()?;
                    let superseded = stored.as_ref().is_some_and(|s| s["status"] == "superseded")
                        && audited.is_some_and(|a| a["status"] == "approved");
                    let skip: &[&str] = if superseded {
                        &["photos", "status", "approved_until"]
                    } else {
                        &["photos"]
                    };
                    Ok(judge(audited, stored, skip))
                }
            }
        })
        .collect()
}

/// Inspection rows are rebuilt into the audit summary the recording wrote: header,
/// counts and the hash of every stored unit, measurement and attribute result.
fn inspections(conn: &mut PgConnection, batch: &[Audited]) -> Result<Vec<Outcome>, ServiceError> {
    let wanted: Vec<InspectionId> = ids(batch, InspectionId);
    let headers = records::inspections(conn, &wanted)?;
    let present: Vec<InspectionId> = headers.iter().map(|h| h.id).collect();
    let mut counts = hash_rows(conn, &present)?;
    let mut stored = HashMap::new();
    for header in &headers {
        let rows = counts.remove(&header.id).unwrap_or_default();
        stored.insert(
            header.id.to_string(),
            json(&AuditSummary::of(header, rows))?,
        );
    }
    Ok(batch
        .iter()
        .map(|row| {
            let outcome = judge(
                row.new_value.as_ref(),
                stored.get(&row.entity_id).cloned(),
                &[],
            );
            outcome.map(|what| match what.split_once(" is ") {
                Some(("rows_sha256", _)) => {
                    "its stored units, measurements or attribute results are not the ones \
                     recorded (rows_sha256 differs)"
                        .to_string()
                }
                _ => what,
            })
        })
        .collect())
}

/// Counts and hashes the rows of these inspections, reading each table a page at a time.
fn hash_rows(
    conn: &mut PgConnection,
    ids: &[InspectionId],
) -> Result<HashMap<InspectionId, RowCounts>, ServiceError> {
    let mut hashers: HashMap<InspectionId, (RowCounts, RowsHasher)> =
        ids.iter().map(|id| (*id, Default::default())).collect();
    let nil = InspectionId(Uuid::nil());
    let mut after = (nil, i32::MIN);
    loop {
        let page = records::units_after(conn, ids, after, ROWS_PAGE)?;
        let Some(last) = page.last() else { break };
        after = (last.inspection_id, last.unit_index);
        for u in &page {
            if let Some((counts, hasher)) = hashers.get_mut(&u.inspection_id) {
                counts.units += 1;
                hasher.unit(u.unit_index, u.serial.as_deref());
            }
        }
    }
    let start = (nil, i32::MIN, CharacteristicId(Uuid::nil()));
    let mut after = start;
    loop {
        let page = records::measurements_after(conn, ids, after, ROWS_PAGE)?;
        let Some(last) = page.last() else { break };
        after = (last.inspection_id, last.unit_index, last.characteristic_id);
        for m in &page {
            if let Some((counts, hasher)) = hashers.get_mut(&m.inspection_id) {
                counts.measurements += 1;
                hasher.measurement(m.unit_index, m.characteristic_id.0, m.value);
            }
        }
    }
    let mut after = start;
    loop {
        let page = records::attributes_after(conn, ids, after, ROWS_PAGE)?;
        let Some(last) = page.last() else { break };
        after = (last.inspection_id, last.unit_index, last.characteristic_id);
        for a in &page {
            if let Some((counts, hasher)) = hashers.get_mut(&a.inspection_id) {
                counts.attributes += 1;
                hasher.attribute(
                    a.unit_index,
                    a.characteristic_id.0,
                    a.pass,
                    a.defects,
                    a.note.as_deref(),
                );
            }
        }
    }
    let mut after = (nil, i32::MIN, CharacteristicId(Uuid::nil()), i32::MIN);
    loop {
        let page = crate::db::defect_codes::after(conn, ids, after, ROWS_PAGE)?;
        let Some(last) = page.last() else { break };
        after = (
            last.inspection_id,
            last.unit_index,
            last.characteristic_id,
            last.position,
        );
        for d in &page {
            if let Some((_, hasher)) = hashers.get_mut(&d.inspection_id) {
                hasher.defect(
                    d.unit_index,
                    d.characteristic_id.0,
                    d.position,
                    d.defect_code_id.0,
                );
            }
        }
    }
    Ok(hashers
        .into_iter()
        .map(|(id, (mut counts, hasher))| {
            counts.rows_sha256 = hasher.finish();
            (id, counts)
        })
        .collect())
}

/// A defect photo, keyed `<inspection>/<unit>/<characteristic>/<photo>`: still linked,
/// with the same metadata, and bytes that still hash to its SHA-256.
fn attribute_result_photos(
    conn: &mut PgConnection,
    batch: &[Audited],
) -> Result<Vec<Outcome>, ServiceError> {
    batch
        .iter()
        .map(|row| {
            let parts: Vec<&str> = row.entity_id.split('/').collect();
            let key = match parts[..] {
                [i, u, c, p] => match (uuid(i), u.parse::<i32>().ok(), uuid(c), uuid(p)) {
                    (Some(i), Some(u), Some(c), Some(p)) => Some((i, u, c, p)),
                    _ => None,
                },
                _ => None,
            };
            let Some((i, u, c, p)) = key else {
                return Ok(Some("its audit id names no attribute result".into()));
            };
            let meta = records::attribute_result_photo(
                conn,
                InspectionId(i),
                u,
                CharacteristicId(c),
                PhotoId(p),
            )?;
            let stored = match meta {
                Some((mut meta, view)) => {
                    if let Some(bytes) = records::photo_bytes(conn, meta.id)? {
                        // The stored form's hash is that of the bytes as they are now.
                        meta.sha256 = hex(&Sha256::digest(&bytes));
                    }
                    Some(json(&DefectPhotoRecord {
                        meta: &meta,
                        view: view.as_deref(),
                    })?)
                }
                None => None,
            };
            Ok(judge(row.new_value.as_ref(), stored, &[]))
        })
        .collect()
}

fn decisions(conn: &mut PgConnection, batch: &[Audited]) -> Result<Vec<Outcome>, ServiceError> {
    let rows = records::decision_documents(conn, &ids(batch, DecisionId))?;
    let stored = rows
        .into_iter()
        .map(|(id, d)| (id.to_string(), d))
        .collect();
    Ok(by_id(batch, stored, &[]))
}

/// Keyed `<supplier>/<part>`.
fn switching_settings(
    conn: &mut PgConnection,
    batch: &[Audited],
) -> Result<Vec<Outcome>, ServiceError> {
    batch
        .iter()
        .map(|row| {
            let stored = match row.entity_id.split_once('/') {
                Some((s, p)) => match (uuid(s), uuid(p)) {
                    (Some(s), Some(p)) => {
                        crate::db::switching::settings(conn, SupplierId(s), PartId(p))?
                            .map(|s| json(&s))
                            .transpose()?
                    }
                    _ => None,
                },
                None => None,
            };
            Ok(judge(row.new_value.as_ref(), stored, &[]))
        })
        .collect()
}

/// The audit value of a resume adds the lot's number and the severity it restarts at
/// to the stored row; the row's own fields are compared.
fn resumes(conn: &mut PgConnection, batch: &[Audited]) -> Result<Vec<Outcome>, ServiceError> {
    batch
        .iter()
        .map(|row| {
            let stored = match uuid(&row.entity_id) {
                Some(id) => records::resume(conn, ResumeId(id))?.map(|r| {
                    serde_json::json!({
                        "id": r.id,
                        "supplier_id": r.supplier_id,
                        "part_id": r.part_id,
                        "characteristic_id": r.characteristic_id,
                        "after_lot_id": r.after_lot_id,
                        "reason": r.reason,
                        "recorded_at": r.recorded_at,
                    })
                }),
                None => None,
            };
            Ok(judge(row.new_value.as_ref(), stored, &[]))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn row(action: &str, value: Value) -> Audited {
        Audited {
            seq: 7,
            entity_id: "g1".into(),
            action: action.into(),
            new_value: Some(value),
        }
    }

    #[test]
    fn a_missing_record_and_a_changed_field_are_mismatches() {
        let audited = json!({"id": "x", "lot_size": 500});

        assert_eq!(judge(Some(&audited), None, &[]).as_deref(), Some(MISSING));
        assert!(
            judge(
                Some(&audited),
                Some(json!({"id": "x", "lot_size": 505})),
                &[]
            )
            .unwrap()
            .starts_with("lot_size is 500")
        );
        assert_eq!(judge(Some(&audited), Some(audited.clone()), &[]), None);
    }

    #[test]
    fn a_registration_holds_the_first_condition_entry() {
        let entry = json!({"id": "c1", "condition": "new"});
        let registration = row("create", json!({"id": "g1", "condition_log": [entry]}));
        let note = row("note_condition", json!({"id": "c2", "condition": "worn"}));

        assert_eq!(condition_value(&registration), Some(&entry));
        assert_eq!(condition_value(&note).unwrap()["id"], "c2");
    }

    #[test]
    fn a_mismatch_names_entity_id_and_audit_row() {
        let m = Mismatch {
            entity: "lot".into(),
            entity_id: "l1".into(),
            seq: 12,
            what: MISSING.into(),
        };
        assert_eq!(
            m.to_string(),
            "lot l1 differs from audit row 12: the record is missing from the database"
        );
    }
}
