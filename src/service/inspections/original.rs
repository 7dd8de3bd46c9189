//! A lot is judged on its original inspection (ISO 2859-1:1999): for each characteristic,
//! the first sampling inspection of the lot that recorded it, a superseded record being
//! replaced by its correction. A later sampling inspection of the same lot recording the
//! same characteristic does not silently replace it: it is either a correction of an
//! erroneous record (`correct_inspection`) or the inspection of a resubmission
//! (`resubmit_lot`, 7.6). Anything else is refused here with 409. A full inspection
//! covers the whole lot and is always allowed.
//!
//! The rule holds per source: the supplier's outgoing inspection (`factory`) and the
//! incoming inspection (`in_house`) are two parties' inspections, and one must not block
//! the other: a supplier's clean sample recorded first would otherwise shield its lot
//! from incoming inspection. The decision judges on the original of the source the
//! supplier's source policy prefers (in-house by default) when there is one, else on the
//! other's (see `decision::original_place`).

use std::collections::HashSet;

use diesel::PgConnection;

use super::NewInspection;
use crate::db::inspections as inspections_db;
use crate::db::models::{Characteristic, Lot};
use crate::db::resubmissions as resubmissions_db;
use crate::domain::{CharacteristicId, InspectionId, Mode, ResubmissionId};
use crate::service::{Found, ServiceError};

/// The characteristics `input` records, in the order first recorded.
fn recorded(input: &NewInspection) -> Vec<CharacteristicId> {
    let mut seen = HashSet::new();
    input
        .units
        .iter()
        .flat_map(|u| {
            u.measurements
                .iter()
                .map(|m| m.characteristic_id)
                .chain(u.attributes.iter().map(|a| a.characteristic_id))
        })
        .filter(|c| seen.insert(*c))
        .collect()
}

/// Refuses a sampling inspection that records a characteristic the lot's original
/// inspection already recorded. The caller holds the lot's row lock.
pub(super) fn check(
    conn: &mut PgConnection,
    lot: &Lot,
    input: &NewInspection,
    characteristics: &[Characteristic],
) -> Result<(), ServiceError> {
    if input.mode != Mode::Sampling {
        return Ok(());
    }
    let chars = recorded(input);
    let all = inspections_db::list_for_lot(conn, lot.id, None, i64::MAX)?;
    let superseded: HashSet<InspectionId> = all.iter().filter_map(|i| i.supersedes).collect();
    let resubmitted: HashSet<InspectionId> = resubmissions_db::linked_of_lot(conn, lot.id)?
        .into_iter()
        .map(|(i, _)| i)
        .collect();
    let originals: Vec<InspectionId> = all
        .iter()
        .filter(|i| i.mode == Mode::Sampling && i.source == input.source && i.id != input.id)
        .filter(|i| !superseded.contains(&i.id) && !resubmitted.contains(&i.id))
        .map(|i| i.id)
        .collect();
    if originals.is_empty() || chars.is_empty() {
        return Ok(());
    }
    let found = resubmissions_db::sampling_records(conn, &originals, &chars)?;
    // The first characteristic of the input that an earlier sampling inspection recorded.
    let Some((earlier, characteristic)) = chars.iter().find_map(|c| {
        originals
            .iter()
            .find(|i| found.contains(&(**i, *c)))
            .map(|i| (*i, *c))
    }) else {
        return Ok(());
    };
    let name = characteristics
        .iter()
        .find(|c| c.id == characteristic)
        .map_or_else(|| characteristic.to_string(), |c| c.name.clone());
    Err(ServiceError::conflict(
        Some("units"),
        format!(
            "characteristic '{name}' of lot '{}' was already recorded by {} sampling inspection \
             {earlier}, the lot's original inspection, and the lot is judged on it (ISO 2859-1); \
             a second sample does not replace it. If that record is wrong, correct it \
             (correct_inspection: POST /api/v1/inspections/{earlier}/corrections); if the \
             supplier has sorted or reworked the lot, a reviewer records a resubmission \
             (resubmit_lot: POST /api/v1/lots/{}/resubmissions) and this inspection is sent \
             with its resubmission_id",
            lot.lot_number, input.source, lot.id
        ),
    ))
}

/// Checks that the inspection may be the one of resubmission `id`: a sampling
/// inspection of the same lot, and the resubmission's first. The caller holds the lot's
/// row lock.
pub(super) fn check_resubmission(
    conn: &mut PgConnection,
    lot: &Lot,
    input: &NewInspection,
    id: ResubmissionId,
) -> Result<ResubmissionId, ServiceError> {
    const FIELD: &str = "resubmission_id";
    let resubmission = resubmissions_db::find(conn, id)
        .and_then(|r| r.ok_or(diesel::result::Error::NotFound))
        .or_unknown(FIELD, "resubmission", id)?;
    if resubmission.lot_id != lot.id {
        return Err(ServiceError::invalid_field(
            FIELD,
            "the resubmission is of another lot than the inspection's",
        ));
    }
    if input.mode != Mode::Sampling {
        return Err(ServiceError::invalid_field(
            "mode",
            "the inspection of a resubmission is a sampling inspection (ISO 2859-1 7.6); \
             a full inspection covers the lot and needs no resubmission",
        ));
    }
    if let Some(other) = resubmissions_db::inspections_of(conn, id)?
        .into_iter()
        .find(|i| *i != input.id)
    {
        return Err(ServiceError::conflict(
            Some(FIELD),
            format!(
                "resubmission {id} already has its inspection {other}; correct that one if its \
                 record is wrong (POST /api/v1/inspections/{other}/corrections), or record a \
                 new resubmission"
            ),
        ));
    }
    Ok(id)
}
