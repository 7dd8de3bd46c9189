//! The CSV exports of a lot: an inspection as one row per unit and a column per
//! characteristic (the format the import reads, [`super::bulk`]), and the long format of
//! every measurement, one row per measured value.

use std::collections::HashMap;

use diesel::PgConnection;

use super::bulk::{DEFECT_CODES, DEFECTS, NOTE};
use crate::auth::Principal;
use crate::db::characteristics as chars_db;
use crate::db::inspections::{self as inspections_db, InspectionRows};
use crate::db::models::Characteristic;
use crate::domain::{CharacteristicId, InspectionId, Kind, LotId};
use crate::service::{ServiceError, scope};

/// One inspection of a lot as CSV, one row per unit and a column per characteristic of
/// the part (an attribute characteristic with its three companion columns), in the
/// format [`super::import_csv`] reads: importing it into another lot of the part records
/// every value again. Without `inspection`, the lot's one current inspection (none: the
/// header alone, a template; several: a conflict naming `inspection_id`).
pub fn export_units_csv(
    conn: &mut PgConnection,
    by: &Principal,
    lot_id: LotId,
    inspection: Option<InspectionId>,
) -> Result<Vec<u8>, ServiceError> {
    let lot = scope::lot(conn, by, lot_id)?;
    let characteristics = chars_db::of_part(conn, lot.part_id)?;
    let chosen = match inspection {
        Some(id) => {
            let found = inspections_db::list_for_lot(conn, lot_id, None, i64::MAX)?
                .into_iter()
                .any(|i| i.id == id);
            if !found {
                return Err(ServiceError::unknown_reference(
                    "inspection_id",
                    "inspection of this lot",
                    id,
                ));
            }
            Some(id)
        }
        None => {
            let all = inspections_db::list_for_lot(conn, lot_id, None, i64::MAX)?;
            let ids: Vec<InspectionId> = all.iter().map(|i| i.id).collect();
            let later = inspections_db::superseded_by(conn, &ids)?;
            let current: Vec<InspectionId> =
                ids.into_iter().filter(|i| !later.contains_key(i)).collect();
            match current.as_slice() {
                [] => None,
                [one] => Some(*one),
                many => {
                    let listed: Vec<String> = many.iter().map(ToString::to_string).collect();
                    return Err(ServiceError::conflict(
                        Some("inspection_id"),
                        format!(
                            "the lot has {} current inspections ({}): name one with inspection_id",
                            many.len(),
                            listed.join(", ")
                        ),
                    ));
                }
            }
        }
    };
    let rows = match chosen {
        Some(id) => Some(inspections_db::rows(conn, id)?),
        None => None,
    };
    write_units(&characteristics, rows.as_ref()).map_err(ServiceError::internal)
}

/// The header, then one row per unit of `rows` in unit order.
fn write_units(
    characteristics: &[Characteristic],
    rows: Option<&InspectionRows>,
) -> Result<Vec<u8>, Box<dyn std::error::Error>> {
    let mut out = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["unit".to_string(), "serial".to_string()];
    for c in characteristics {
        header.push(c.name.clone());
        if c.kind == Kind::Attribute {
            for suffix in [DEFECTS, DEFECT_CODES, NOTE] {
                header.push(format!("{} {suffix}", c.name));
            }
        }
    }
    out.write_record(&header)?;
    let Some(rows) = rows else {
        return Ok(out.into_inner()?);
    };
    let values: HashMap<(i32, CharacteristicId), f64> = rows
        .measurements
        .iter()
        .map(|m| ((m.unit_index, m.characteristic_id), m.value))
        .collect();
    let results: HashMap<(i32, CharacteristicId), _> = rows
        .attributes
        .iter()
        .map(|a| ((a.unit_index, a.characteristic_id), a))
        .collect();
    let mut codes: HashMap<(i32, CharacteristicId), Vec<&str>> = HashMap::new();
    for (defect, code) in &rows.defects {
        codes
            .entry((defect.unit_index, defect.characteristic_id))
            .or_default()
            .push(code);
    }
    let mut units: Vec<_> = rows.units.iter().collect();
    units.sort_by_key(|u| u.unit_index);
    for unit in units {
        let mut record = vec![
            unit.unit_index.to_string(),
            unit.serial.clone().unwrap_or_default(),
        ];
        for c in characteristics {
            let key = (unit.unit_index, c.id);
            if c.kind == Kind::Variable {
                // `{}` of an f64 is the shortest text that reads back as the same number.
                record.push(values.get(&key).map(f64::to_string).unwrap_or_default());
                continue;
            }
            match results.get(&key) {
                Some(a) => {
                    record.push(if a.pass { "pass" } else { "fail" }.to_string());
                    record.push(a.defects.to_string());
                    record.push(codes.get(&key).map(|c| c.join(" ")).unwrap_or_default());
                    record.push(a.note.clone().unwrap_or_default());
                }
                None => record.extend(std::iter::repeat_n(String::new(), 4)),
            }
        }
        out.write_record(&record)?;
    }
    Ok(out.into_inner()?)
}

/// Every measurement of a lot as CSV, one row per measured value, corrections and
/// superseded inspections included (column `current`):
/// `inspection_id,inspected_at,source,mode,current,unit,serial,characteristic_id,characteristic,value`.
pub fn export_measurements_csv(
    conn: &mut PgConnection,
    by: &Principal,
    lot_id: LotId,
) -> Result<Vec<u8>, ServiceError> {
    let lot = scope::lot(conn, by, lot_id)?;
    let names: HashMap<CharacteristicId, String> = chars_db::of_part(conn, lot.part_id)?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect();
    let all = inspections_db::list_for_lot(conn, lot_id, None, i64::MAX)?;
    let ids: Vec<InspectionId> = all.iter().map(|i| i.id).collect();
    let later = inspections_db::superseded_by(conn, &ids)?;
    let mut out = csv::Writer::from_writer(Vec::new());
    let header = [
        "inspection_id",
        "inspected_at",
        "source",
        "mode",
        "current",
        "unit",
        "serial",
        "characteristic_id",
        "characteristic",
        "value",
    ];
    out.write_record(header).map_err(ServiceError::internal)?;
    for inspection in all {
        let rows = inspections_db::rows(conn, inspection.id)?;
        let serials: HashMap<i32, Option<String>> = rows
            .units
            .into_iter()
            .map(|u| (u.unit_index, u.serial))
            .collect();
        for m in rows.measurements {
            out.write_record([
                inspection.id.to_string(),
                inspection
                    .inspected_at
                    .to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
                inspection.source.to_string(),
                inspection.mode.to_string(),
                (!later.contains_key(&inspection.id)).to_string(),
                m.unit_index.to_string(),
                serials
                    .get(&m.unit_index)
                    .cloned()
                    .flatten()
                    .unwrap_or_default(),
                m.characteristic_id.to_string(),
                names.get(&m.characteristic_id).cloned().unwrap_or_default(),
                m.value.to_string(),
            ])
            .map_err(ServiceError::internal)?;
        }
    }
    out.into_inner().map_err(ServiceError::internal)
}
