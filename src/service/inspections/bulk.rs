//! The bulk path: an inspection imported from an instrument's or a spreadsheet's CSV
//! export, one row per unit and one column per variable characteristic; and the export
//! of a lot's measurements as CSV.
//!
//! ```text
//! unit,serial,Weight,Width,Thickness
//! 1,B-0001,2.41,12.02,1.61
//! 2,B-0002,2.39,,1.58          <- an empty cell: not measured
//! ```
//!
//! Columns name a characteristic of the lot's part by name or id. Every row is checked
//! and every error names its line and column; the inspection is stored in one
//! transaction, through the same checks and the same idempotent store as the JSON path.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use diesel::PgConnection;

use super::{NewInspection, NewMeasurement, NewUnit, Recorded, fingerprint, store};
use crate::auth::Principal;
use crate::db::characteristics as chars_db;
use crate::db::inspections as inspections_db;
use crate::db::models::Characteristic;
use crate::domain::{CharacteristicId, InspectionId, Kind, LotId, Mode, ResubmissionId, Source};
use crate::service::{ServiceError, Violation, scope};

/// Errors reported at most, so a wrong file does not produce a novel.
const MAX_ERRORS: usize = 50;

/// The inspection a CSV file records (its rows carry only units and values).
#[derive(Debug, Clone)]
pub struct ImportHeader {
    /// Client-generated id: importing the same file again with it returns the stored
    /// inspection.
    pub id: InspectionId,
    pub source: Source,
    pub mode: Mode,
    pub inspector: String,
    pub inspected_at: DateTime<Utc>,
    /// The resubmission the file inspects, if any.
    pub resubmission_id: Option<ResubmissionId>,
}

/// Reads, checks and stores a CSV import of an inspection of the lot in one transaction,
/// with its audit row. Errors name the CSV line and column.
pub fn import_csv(
    conn: &mut PgConnection,
    by: &Principal,
    max_results: usize,
    lot_id: LotId,
    header: ImportHeader,
    csv_bytes: &[u8],
) -> Result<Recorded, ServiceError> {
    let resubmission = header.resubmission_id;
    conn.build_transaction().run(|conn| {
        let lot = scope::lot(conn, by, lot_id)?;
        scope::source(by, header.source)?;
        let characteristics = chars_db::of_part(conn, lot.part_id)?;
        let input = parse(header, csv_bytes, &characteristics)?
            .check(Utc::now(), max_results)
            .map_err(name_lines)?;
        let fingerprint = fingerprint::v1(lot_id, &input, None);
        let origin = match resubmission {
            Some(r) => super::Origin::Resubmission(r),
            None => super::Origin::Original,
        };
        store(conn, by, lot_id, &input, origin, &fingerprint).map_err(name_lines)
    })
}

/// Reads the CSV into an inspection, naming the line and column of each error.
fn parse(
    header: ImportHeader,
    csv_bytes: &[u8],
    characteristics: &[Characteristic],
) -> Result<NewInspection, ServiceError> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(false)
        .from_reader(csv_bytes);
    let headers = reader
        .headers()
        .map_err(|e| ServiceError::invalid_field("line 1", format!("cannot read the header: {e}")))?
        .clone();
    let mut errors = Vec::new();
    let columns = columns(&headers, characteristics, &mut errors);
    let mut units = Vec::new();
    let mut seen = HashSet::new();
    for (i, record) in reader.records().enumerate() {
        let line = i + 2;
        if errors.len() >= MAX_ERRORS {
            break;
        }
        let record = match record {
            Ok(r) if r.iter().any(|cell| cell.contains('\0')) => {
                errors.push(Violation::new(
                    format!("line {line}"),
                    "contains the NUL character",
                ));
                continue;
            }
            Ok(r) => r,
            Err(e) => {
                errors.push(Violation::new(format!("line {line}"), e));
                continue;
            }
        };
        let unit = match record.get(0).unwrap_or("").parse::<i64>() {
            Ok(u) if u >= 1 => u,
            _ => {
                errors.push(at(line, "unit", "must be a whole number from 1"));
                continue;
            }
        };
        if !seen.insert(unit) {
            errors.push(at(
                line,
                "unit",
                format!("unit {unit} appears on an earlier line"),
            ));
        }
        let serial = record.get(1).filter(|s| !s.is_empty()).map(str::to_owned);
        let mut measurements = Vec::new();
        let errors_before = errors.len();
        for (col, characteristic) in &columns {
            let cell = record.get(*col).unwrap_or("");
            if cell.is_empty() {
                continue;
            }
            match cell.parse::<f64>() {
                Ok(value) if value.is_finite() => measurements.push(NewMeasurement {
                    characteristic_id: characteristic.id,
                    value,
                }),
                _ => errors.push(at(
                    line,
                    &headers[*col],
                    format!("`{cell}` is not a finite number"),
                )),
            }
        }
        if measurements.is_empty() && errors.len() == errors_before {
            errors.push(Violation::new(
                format!("line {line}"),
                "the row has no measured value",
            ));
        }
        units.push(NewUnit {
            unit,
            serial,
            measurements,
            attributes: Vec::new(),
        });
    }
    if units.is_empty() && errors.is_empty() {
        errors.push(Violation::new(
            "body",
            "the file has no rows after the header",
        ));
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    Ok(NewInspection {
        id: header.id,
        source: header.source,
        mode: header.mode,
        inspector: header.inspector,
        inspected_at: header.inspected_at,
        // A CSV import is judged against the revision approved at `inspected_at`.
        golden_sample_revision_id: None,
        units,
    })
}

/// Maps value columns (from the third on) to variable characteristics of the part.
fn columns<'c>(
    headers: &csv::StringRecord,
    characteristics: &'c [Characteristic],
    errors: &mut Vec<Violation>,
) -> Vec<(usize, &'c Characteristic)> {
    if headers.get(0) != Some("unit") || headers.get(1) != Some("serial") {
        errors.push(Violation::new(
            "line 1",
            "the header must start with `unit,serial`, then one column per characteristic",
        ));
        return Vec::new();
    }
    let by_key: HashMap<String, &Characteristic> = characteristics
        .iter()
        .flat_map(|c| [(c.name.clone(), c), (c.id.to_string(), c)])
        .collect();
    let mut columns = Vec::new();
    for (col, name) in headers.iter().enumerate().skip(2) {
        match by_key.get(name) {
            Some(c) if c.kind == Kind::Variable => columns.push((col, *c)),
            Some(_) => errors.push(at(
                1,
                name,
                "is an attribute characteristic; the import takes measured values only",
            )),
            None => errors.push(at(1, name, "is not a characteristic of the lot's part")),
        }
    }
    if columns.is_empty() && errors.is_empty() {
        errors.push(Violation::new(
            "line 1",
            "no characteristic columns after `unit,serial`",
        ));
    }
    columns
}

fn at(line: usize, column: &str, message: impl ToString) -> Violation {
    Violation::new(format!("line {line}, column {column}"), message)
}

/// Renames `units[i]` in errors of the shared checks to the CSV line it came from.
fn name_lines(err: ServiceError) -> ServiceError {
    err.map_fields(|field| {
        match field
            .strip_prefix("units[")
            .and_then(|rest| rest.split_once(']'))
        {
            Some((index, rest)) => match index.parse::<usize>() {
                Ok(i) => format!(
                    "line {}{}",
                    i + 2,
                    rest.split_once(".unit").map_or(rest, |_| ", column unit")
                ),
                Err(_) => field.to_string(),
            },
            None => field.to_string(),
        }
    })
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
