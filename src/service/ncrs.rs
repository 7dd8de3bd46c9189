//! Nonconformance reports (NCR). A decision that does not accept a lot opens one in its
//! own transaction (ISO 2859-1 7.5: a lot not accepted is dispositioned, and the report
//! records what was found); a reviewer opens one for the units rejected individually
//! from a lot (6.4), accepted or not. A report names the nonconforming units found by
//! the lot's current inspections, their characteristics, defect codes and photos; the
//! reviewer describes the containment, and closes it with a verification: a note, or a
//! re-inspection of the lot recorded after it was opened.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Datelike, Utc};
use diesel::PgConnection;
use serde::Serialize;

use super::{Checks, Found, ServiceError, audit, scope};
use crate::auth::Principal;
use crate::db::After;
use crate::db::characteristics as chars_db;
use crate::db::decisions as decisions_db;
use crate::db::inspections::InspectionRows;
use crate::db::lots as lots_db;
use crate::db::models::{Inspection, Lot};
use crate::db::ncrs::{self as ncrs_db, LotFacts, Ncr, NcrFilter};
use crate::decision::types::{DecisionVerdict, LotDecisionView, NonconformingUnit};
use crate::decision::units::{PhysicalUnit, nonconforming_units};
use crate::domain::{
    CharacteristicId, InspectionId, LotId, NcrId, NcrStatus, PhotoId, WebhookEventType,
};
use crate::service::webhooks::events::NcrOpened;

/// Longest description or containment, in characters.
pub const TEXT_MAX: usize = 4000;
/// Longest reason or verification note.
pub const REASON_MAX: usize = 2000;
/// Who opens a report on a decision's behalf.
pub const SYSTEM: &str = "lotgate";

/// A report with the facts of its lot it shows, and, when read alone, what changed it.
#[derive(Debug, Clone)]
pub struct NcrRecord {
    pub ncr: Ncr,
    pub lot: LotFacts,
    /// Its audit rows, oldest first; `None` in a list.
    pub changes: Option<Vec<NcrEvent>>,
}

/// One change of a report, from the audit trail.
#[derive(Debug, Clone, PartialEq)]
pub struct NcrEvent {
    pub at: DateTime<Utc>,
    pub actor: String,
    /// `open`, `update` or `close`.
    pub action: String,
    pub reason: Option<String>,
}

/// Audit rows read for one report; a report changes a few times.
const CHANGES_MAX: i64 = 1000;

/// What changed the report, from its audit rows.
fn changes(conn: &mut PgConnection, id: NcrId) -> Result<Option<Vec<NcrEvent>>, ServiceError> {
    let filter = crate::db::audit::Filter {
        entity: Some("ncr".into()),
        entity_id: Some(id.to_string()),
        token_id: None,
        action: None,
        from: None,
        to: None,
    };
    let events = crate::db::audit::list(conn, &filter, None, CHANGES_MAX)?;
    Ok(Some(
        events
            .into_iter()
            .map(|e| NcrEvent {
                at: e.at,
                actor: e.actor,
                action: e.action,
                reason: e.reason,
            })
            .collect(),
    ))
}

/// How often a defect code was found on the reported units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CodeTally {
    pub code: String,
    pub count: i64,
}

/// What a report says was found: worked out from the nonconforming units of each
/// characteristic and the lot's current inspections.
#[derive(Debug, Clone, PartialEq)]
pub struct Findings {
    pub characteristic_ids: Vec<CharacteristicId>,
    /// Distinct units: a unit with a serial counts once however many characteristics or
    /// inspections found it; one without, once per inspection that found it.
    pub quantity_nonconforming: i32,
    /// Defect codes on the reported attribute results, most frequent first (ties by code).
    pub defect_codes: Vec<CodeTally>,
    /// Photos of the reported attribute results.
    pub photo_ids: Vec<PhotoId>,
}

/// The findings of these nonconforming units (per characteristic) in these inspections.
pub fn findings(
    found: &[(CharacteristicId, &[NonconformingUnit])],
    current: &[(Inspection, InspectionRows)],
) -> Findings {
    let mut characteristic_ids = Vec::new();
    let mut units: HashSet<PhysicalUnit<'_>> = HashSet::new();
    let mut codes: BTreeMap<&str, i64> = BTreeMap::new();
    let mut photo_ids = Vec::new();
    for (c, nonconforming) in found {
        if nonconforming.is_empty() {
            continue;
        }
        characteristic_ids.push(*c);
        for u in *nonconforming {
            units.insert(u.physical());
            let Some((_, rows)) = current.iter().find(|(i, _)| i.id == u.inspection_id) else {
                continue;
            };
            for (d, code) in &rows.defects {
                if d.unit_index == u.unit && d.characteristic_id == *c {
                    *codes.entry(code.as_str()).or_default() += 1;
                }
            }
            for (unit, characteristic, photo, _) in &rows.photos {
                if *unit == u.unit && characteristic == c && !photo_ids.contains(photo) {
                    photo_ids.push(*photo);
                }
            }
        }
    }
    let mut defect_codes: Vec<CodeTally> = codes
        .into_iter()
        .map(|(code, count)| CodeTally {
            code: code.to_string(),
            count,
        })
        .collect();
    defect_codes.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.code.cmp(&b.code)));
    Findings {
        characteristic_ids,
        quantity_nonconforming: units.len() as i32,
        defect_codes,
        photo_ids,
    }
}

/// Called by a decision, in its transaction, after it is stored: when it does not
/// accept the lot (and no resubmission of the lot was accepted since), and the lot has
/// no open report, opens one in the decision's name, audited as done by whoever decided.
pub(super) fn open_for_decision(
    conn: &mut PgConnection,
    by: &Principal,
    lot: &Lot,
    view: &LotDecisionView,
    current: &[(Inspection, InspectionRows)],
) -> Result<Option<Ncr>, ServiceError> {
    let resubmission_accepted = view
        .resubmissions
        .last()
        .is_some_and(|r| r.verdict == DecisionVerdict::Accept);
    if view.verdict != DecisionVerdict::Reject || resubmission_accepted {
        return Ok(None);
    }
    if !ncrs_db::open_of_lot(conn, lot.id)?.is_empty() {
        return Ok(None);
    }
    let found: Vec<(CharacteristicId, &[NonconformingUnit])> = view
        .characteristics
        .iter()
        .map(|c| (c.characteristic_id, c.nonconforming_units.as_slice()))
        .collect();
    let mut findings = findings(&found, current);
    // A characteristic that rejected the lot is named even without a unit listed.
    for c in &view.characteristics {
        if c.verdict == DecisionVerdict::Reject
            && !findings.characteristic_ids.contains(&c.characteristic_id)
        {
            findings.characteristic_ids.push(c.characteristic_id);
        }
    }
    let description = format!(
        "Lot {} not accepted by decision revision {} (ISO 2859-1 7.5): {}",
        lot.lot_number, view.revision, view.explanation
    );
    let ncr = open(
        conn,
        by,
        lot.id,
        Some(view.id),
        findings,
        description,
        String::new(),
        SYSTEM.to_string(),
        &format!("decision {} did not accept the lot", view.id),
    )?;
    Ok(Some(ncr))
}

/// Numbers, stores and audits a new report.
#[allow(clippy::too_many_arguments)]
fn open(
    conn: &mut PgConnection,
    by: &Principal,
    lot_id: LotId,
    decision_id: Option<crate::domain::DecisionId>,
    findings: Findings,
    description: String,
    containment: String,
    opened_by: String,
    reason: &str,
) -> Result<Ncr, ServiceError> {
    let opened_at = Utc::now();
    let number = ncrs_db::next_number(conn, opened_at.year())?;
    let row = ncrs_db::insert(
        conn,
        &Ncr {
            id: NcrId::new_random(),
            number,
            lot_id,
            decision_id,
            characteristic_ids: findings.characteristic_ids,
            quantity_nonconforming: findings.quantity_nonconforming,
            defect_codes: serde_json::to_value(&findings.defect_codes)
                .map_err(ServiceError::internal)?,
            photo_ids: findings.photo_ids,
            description,
            containment,
            status: NcrStatus::Open,
            opened_at,
            opened_by,
            closed_at: None,
            closed_by: None,
            verification_note: None,
            verification_inspection_id: None,
        },
    )?;
    audit::write(
        conn,
        by,
        audit::Entry {
            action: "open",
            entity: "ncr",
            id: row.id.to_string(),
            old: None,
            reason: Some(reason),
        },
        &row,
    )?;
    super::webhooks::emit(
        conn,
        WebhookEventType::NcrOpened,
        &NcrOpened {
            ncr_id: row.id,
            number: row.number.clone(),
            lot_id: row.lot_id,
            decision_id: row.decision_id,
            quantity_nonconforming: row.quantity_nonconforming,
            opened_by: row.opened_by.clone(),
            opened_at: row.opened_at,
        },
    )?;
    Ok(row)
}

/// A report a reviewer opens.
#[derive(Debug, Clone)]
pub struct OpenInput {
    pub description: String,
    pub containment: String,
}

/// Opens a report for the units of the lot found nonconforming by its current
/// inspections (ISO 2859-1 6.4), audited. Refused (409) when none was found, and when
/// the lot is not accepted and already has an open report (update that one).
pub fn open_manual(
    conn: &mut PgConnection,
    by: &Principal,
    lot_id: LotId,
    input: &OpenInput,
) -> Result<NcrRecord, ServiceError> {
    let mut checks = Checks::new();
    checks.text("description", &input.description, TEXT_MAX);
    checks.optional_text("containment", Some(&input.containment), TEXT_MAX);
    checks.finish()?;
    conn.build_transaction().run(|conn| {
        let lot = scope::lot(conn, by, lot_id)?;
        lots_db::lock_inputs(conn, lot_id)?;
        let facts = ncrs_db::lot_facts(conn, lot_id)?;
        let characteristics = chars_db::of_part(conn, lot.part_id)?;
        let current = decisions_db::current_inspections(conn, lot_id)?;
        let mut per_characteristic = Vec::new();
        for c in &characteristics {
            let units = nonconforming_units(c, &current).map_err(ServiceError::internal)?;
            per_characteristic.push((c.id, units));
        }
        let found: Vec<(CharacteristicId, &[NonconformingUnit])> = per_characteristic
            .iter()
            .map(|(c, units)| (*c, units.as_slice()))
            .collect();
        let findings = findings(&found, &current);
        if findings.quantity_nonconforming == 0 {
            return Err(ServiceError::conflict(
                None,
                format!(
                    "lot '{}' has no nonconforming units in its current inspections: record \
                     the inspection that found them first",
                    lot.lot_number
                ),
            ));
        }
        let open_now = ncrs_db::open_of_lot(conn, lot_id)?;
        if facts.status == "not_accepted"
            && let Some(existing) = open_now.first()
        {
            return Err(ServiceError::conflict(
                None,
                format!(
                    "lot '{}' is not accepted and {} is open for it: update that report \
                     (update_ncr) instead of opening another",
                    lot.lot_number, existing.number
                ),
            ));
        }
        let ncr = open(
            conn,
            by,
            lot_id,
            None,
            findings,
            input.description.trim().to_string(),
            input.containment.trim().to_string(),
            by.name.clone(),
            "units rejected individually (ISO 2859-1 6.4)",
        )?;
        let changes = changes(conn, ncr.id)?;
        Ok(NcrRecord {
            ncr,
            lot: facts,
            changes,
        })
    })
}

/// The report, if `by` may see its lot.
pub fn get(conn: &mut PgConnection, by: &Principal, id: NcrId) -> Result<NcrRecord, ServiceError> {
    let ncr = ncrs_db::get(conn, id).or_not_found("nonconformance report", id)?;
    let lot = ncrs_db::lot_facts(conn, ncr.lot_id)?;
    if !by.sees(lot.supplier_id) {
        return Err(ServiceError::not_found("nonconformance report", id));
    }
    let changes = changes(conn, id)?;
    Ok(NcrRecord { ncr, lot, changes })
}

/// Reports newest first; a token bound to a supplier sees its supplier's only.
pub fn list(
    conn: &mut PgConnection,
    by: &Principal,
    filter: NcrFilter,
    after: Option<After<DateTime<Utc>>>,
    limit: i64,
) -> Result<Vec<NcrRecord>, ServiceError> {
    let Some(supplier_id) = scope::supplier_filter(by, filter.supplier_id) else {
        return Ok(Vec::new());
    };
    let filter = NcrFilter {
        supplier_id,
        ..filter
    };
    Ok(ncrs_db::list(conn, &filter, after, limit)?
        .into_iter()
        .map(|(ncr, lot)| NcrRecord {
            ncr,
            lot,
            changes: None,
        })
        .collect())
}

/// A change of an open report's text; what is absent stays.
#[derive(Debug, Clone)]
pub struct NcrChange {
    pub description: Option<String>,
    pub containment: Option<String>,
    pub reason: String,
}

/// Changes an open report's description or containment, audited with the reason.
/// `precondition` sees the report as it is under the row lock (the caller's
/// `If-Match`); when it refuses, nothing changes.
pub fn update(
    conn: &mut PgConnection,
    by: &Principal,
    id: NcrId,
    change: &NcrChange,
    precondition: impl FnOnce(&NcrRecord) -> Result<(), ServiceError>,
) -> Result<NcrRecord, ServiceError> {
    let mut checks = Checks::new();
    if let Some(d) = &change.description {
        checks.text("description", d, TEXT_MAX);
    }
    checks.optional_text("containment", change.containment.as_deref(), TEXT_MAX);
    checks.text("reason", &change.reason, REASON_MAX);
    if change.description.is_none() && change.containment.is_none() {
        checks.add(
            "description",
            "nothing to change: give description or containment",
        );
    }
    checks.finish()?;
    conn.build_transaction().run(|conn| {
        let (before, lot) = locked(conn, by, id)?;
        let record = NcrRecord {
            ncr: before.clone(),
            lot,
            changes: changes(conn, id)?,
        };
        precondition(&record)?;
        refuse_closed(&before)?;
        let mut after = before.clone();
        if let Some(d) = &change.description {
            after.description = d.trim().to_string();
        }
        if let Some(c) = &change.containment {
            after.containment = c.trim().to_string();
        }
        let after = ncrs_db::update(conn, &after)?;
        changed(conn, by, "update", &before, &after, &change.reason)?;
        Ok(NcrRecord {
            ncr: after,
            lot: record.lot,
            changes: changes(conn, id)?,
        })
    })
}

/// How a report is verified when it is closed.
#[derive(Debug, Clone)]
pub struct Closure {
    pub verification_note: Option<String>,
    pub verification_inspection_id: Option<InspectionId>,
    pub reason: String,
}

/// Closes an open report with its verification, audited with the reason. The
/// verification is a note, a re-inspection of the report's lot recorded after the
/// report was opened, or both; neither is a 422, a closed report a 409.
pub fn close(
    conn: &mut PgConnection,
    by: &Principal,
    id: NcrId,
    closure: &Closure,
) -> Result<NcrRecord, ServiceError> {
    let mut checks = Checks::new();
    if let Some(note) = &closure.verification_note {
        checks.text("verification_note", note, REASON_MAX);
    } else if closure.verification_inspection_id.is_none() {
        checks.add(
            "verification_note",
            "a report is closed with a verification: give verification_note or \
             verification_inspection_id (a re-inspection of the lot)",
        );
    }
    checks.text("reason", &closure.reason, REASON_MAX);
    checks.finish()?;
    conn.build_transaction().run(|conn| {
        let (before, lot) = locked(conn, by, id)?;
        refuse_closed(&before)?;
        if let Some(inspection_id) = closure.verification_inspection_id {
            const FIELD: &str = "verification_inspection_id";
            let inspection = match scope::inspection(conn, by, inspection_id) {
                Err(ServiceError::NotFound { .. }) => {
                    return Err(ServiceError::unknown_reference(
                        FIELD,
                        "inspection",
                        inspection_id,
                    ));
                }
                other => other?,
            };
            if inspection.lot_id != before.lot_id {
                return Err(ServiceError::invalid_field(
                    FIELD,
                    "the inspection is of another lot; a verification re-inspects the report's lot",
                ));
            }
            if inspection.recorded_at < before.opened_at {
                return Err(ServiceError::invalid_field(
                    FIELD,
                    "the inspection was recorded before the report was opened: a verification \
                     is a re-inspection made after it",
                ));
            }
        }
        let mut after = before.clone();
        after.status = NcrStatus::Closed;
        after.closed_at = Some(Utc::now());
        after.closed_by = Some(by.name.clone());
        after.verification_note = closure
            .verification_note
            .as_deref()
            .map(|n| n.trim().to_string());
        after.verification_inspection_id = closure.verification_inspection_id;
        let after = ncrs_db::update(conn, &after)?;
        changed(conn, by, "close", &before, &after, &closure.reason)?;
        Ok(NcrRecord {
            ncr: after,
            lot,
            changes: changes(conn, id)?,
        })
    })
}

fn locked(
    conn: &mut PgConnection,
    by: &Principal,
    id: NcrId,
) -> Result<(Ncr, LotFacts), ServiceError> {
    let ncr = ncrs_db::lock(conn, id).or_not_found("nonconformance report", id)?;
    let lot = ncrs_db::lot_facts(conn, ncr.lot_id)?;
    if !by.sees(lot.supplier_id) {
        return Err(ServiceError::not_found("nonconformance report", id));
    }
    Ok((ncr, lot))
}

fn refuse_closed(ncr: &Ncr) -> Result<(), ServiceError> {
    if ncr.status == NcrStatus::Closed {
        return Err(ServiceError::conflict(
            None,
            format!(
                "{} is closed; open a new report (open_ncr) for what was found since",
                ncr.number
            ),
        ));
    }
    Ok(())
}

fn changed(
    conn: &mut PgConnection,
    by: &Principal,
    action: &str,
    before: &Ncr,
    after: &Ncr,
    reason: &str,
) -> Result<(), ServiceError> {
    audit::write(
        conn,
        by,
        audit::Entry {
            action,
            entity: "ncr",
            id: after.id.to_string(),
            old: Some(serde_json::to_value(before).map_err(ServiceError::internal)?),
            reason: Some(reason.trim()),
        },
        after,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::defect_codes::ResultDefect;
    use crate::domain::{DefectCodeId, Mode, Source};
    use uuid::Uuid;

    fn inspection(n: u128) -> Inspection {
        Inspection {
            id: InspectionId(Uuid::from_u128(n)),
            lot_id: LotId(Uuid::nil()),
            source: Source::InHouse,
            mode: Mode::Sampling,
            inspector: "kim".into(),
            inspected_at: Utc::now(),
            supersedes: None,
            reason: None,
            body_sha256: String::new(),
            recorded_at: Utc::now(),
            golden_sample_revision_id: None,
        }
    }

    fn unit(n: u128, unit: i32, serial: Option<&str>) -> NonconformingUnit {
        NonconformingUnit {
            unit,
            serial: serial.map(str::to_string),
            inspection_id: InspectionId(Uuid::from_u128(n)),
        }
    }

    #[test]
    fn a_unit_counts_once_and_codes_are_tallied_most_frequent_first() {
        let (colour, gap, fit) = (
            CharacteristicId(Uuid::from_u128(10)),
            CharacteristicId(Uuid::from_u128(11)),
            CharacteristicId(Uuid::from_u128(12)),
        );
        let code = |unit_index, characteristic_id, position, code: &str| {
            (
                ResultDefect {
                    inspection_id: InspectionId(Uuid::from_u128(1)),
                    unit_index,
                    characteristic_id,
                    position,
                    defect_code_id: DefectCodeId(Uuid::nil()),
                },
                code.to_string(),
            )
        };
        let rows = InspectionRows {
            defects: vec![
                code(1, colour, 0, "scratch"),
                code(2, colour, 0, "flash"),
                code(2, colour, 1, "scratch"),
                code(3, colour, 0, "scratch"),
            ],
            photos: vec![(2, colour, PhotoId(Uuid::from_u128(7)), None)],
            ..InspectionRows::default()
        };
        let current = vec![(inspection(1), rows)];
        // Colour: units 1, 2, 3 (no serial); gap: unit 2 again and
        // unit 3 without a serial of inspection 1 again; fit: nothing.
        let colour_units = [
            unit(1, 1, Some("A-1")),
            unit(1, 2, Some("A-2")),
            unit(1, 3, None),
        ];
        let gap_units = [unit(1, 2, Some("A-2")), unit(1, 3, None)];

        let f = findings(
            &[(colour, &colour_units), (gap, &gap_units), (fit, &[])],
            &current,
        );

        // Distinct units, (inspection 1, unit 3) = 3.
        assert_eq!(f.quantity_nonconforming, 3);
        assert_eq!(f.characteristic_ids, [colour, gap]);
        // scratch on units 1, 2, 3 = 3; flash on unit 2 = 1.
        assert_eq!(
            f.defect_codes,
            [
                CodeTally {
                    code: "scratch".into(),
                    count: 3
                },
                CodeTally {
                    code: "flash".into(),
                    count: 1
                }
            ]
        );
        assert_eq!(f.photo_ids, [PhotoId(Uuid::from_u128(7))]);
    }
}
