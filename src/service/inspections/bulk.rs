//! The bulk path: an inspection imported from a CSV file, one row per unit and one
//! column per characteristic, in the format the export writes ([`super::export`]), so
//! that a lot's inspection exported and imported into another lot is recorded again
//! value for value.
//!
//! ```text
//! unit,serial,Width,Scratches,Scratches defects,Scratches defect_codes,Scratches note
//! 1,B-0001,12.02,pass,0,,
//! 2,B-0002,,fail,2,scratch flash,on the lid   <- an empty cell: not recorded
//! ```
//!
//! Columns name a characteristic of the lot's part by name or id. A variable
//! characteristic's cell is the measured value; an attribute characteristic's is `pass`
//! or `fail`, completed by the optional columns `<name> defects`, `<name> defect_codes`
//! (space-separated codes of the part's catalogue) and `<name> note`. Every row is
//! checked and every error names its line and column; the inspection is stored in one
//! transaction, through the same checks and the same idempotent store as the JSON path.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use diesel::PgConnection;

use super::{NewAttribute, NewInspection, NewMeasurement, NewUnit, Recorded, fingerprint, store};
use crate::auth::Principal;
use crate::db::characteristics as chars_db;
use crate::db::models::Characteristic;
use crate::domain::{InspectionId, Kind, LotId, Mode, ResubmissionId, Source};
use crate::service::{ServiceError, Violation, scope};

/// Errors reported at most, so a wrong file does not produce a novel.
const MAX_ERRORS: usize = 50;

/// The columns that complete an attribute characteristic's result, after its name and a
/// space: the number of defects, the defect codes (separated by spaces) and the note.
pub const DEFECTS: &str = "defects";
pub const DEFECT_CODES: &str = "defect_codes";
pub const NOTE: &str = "note";

/// What a value column holds.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Column {
    Value,
    Result,
    Defects,
    Codes,
    Note,
}

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
        // Cells are trimmed one by one: a note keeps its spaces, so that it round-trips.
        .trim(csv::Trim::Headers)
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
        let unit = match record.get(0).unwrap_or("").trim().parse::<i64>() {
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
        let serial = record
            .get(1)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned);
        let errors_before = errors.len();
        let recorded = read_cells(&record, line, &headers, &columns, &mut errors);
        if recorded.measurements.is_empty()
            && recorded.attributes.is_empty()
            && errors.len() == errors_before
        {
            errors.push(Violation::new(
                format!("line {line}"),
                "the row has no recorded value",
            ));
        }
        units.push(NewUnit {
            unit,
            serial,
            measurements: recorded.measurements,
            attributes: recorded.attributes,
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

/// The values of one row: measurements, and attribute results with their companions.
struct RowValues {
    measurements: Vec<NewMeasurement>,
    attributes: Vec<NewAttribute>,
}

/// Reads the value cells of a row, naming the line and column of each error.
fn read_cells(
    record: &csv::StringRecord,
    line: usize,
    headers: &csv::StringRecord,
    columns: &[(usize, &Characteristic, Column)],
    errors: &mut Vec<Violation>,
) -> RowValues {
    let mut values = RowValues {
        measurements: Vec::new(),
        attributes: Vec::new(),
    };
    // Companion cells, keyed by characteristic, joined to its result afterwards.
    let mut companions: Vec<(usize, &Characteristic, Column, &str)> = Vec::new();
    for &(col, characteristic, column) in columns {
        let raw = record.get(col).unwrap_or("");
        if raw.trim().is_empty() {
            continue;
        }
        let cell = if column == Column::Note {
            raw
        } else {
            raw.trim()
        };
        let name = &headers[col];
        match column {
            Column::Value => match cell.parse::<f64>() {
                Ok(value) if value.is_finite() => values.measurements.push(NewMeasurement {
                    characteristic_id: characteristic.id,
                    value,
                }),
                _ => errors.push(at(line, name, format!("`{cell}` is not a finite number"))),
            },
            Column::Result => match cell {
                "pass" | "fail" => values.attributes.push(NewAttribute {
                    characteristic_id: characteristic.id,
                    pass: cell == "pass",
                    defects: None,
                    note: None,
                    defect_codes: Vec::new(),
                }),
                _ => errors.push(at(
                    line,
                    name,
                    format!("`{cell}` is neither `pass` nor `fail`"),
                )),
            },
            _ => companions.push((col, characteristic, column, cell)),
        }
    }
    for (col, characteristic, column, cell) in companions {
        let name = &headers[col];
        let Some(result) = values
            .attributes
            .iter_mut()
            .find(|a| a.characteristic_id == characteristic.id)
        else {
            errors.push(at(
                line,
                name,
                format!("given without a result in column `{}`", characteristic.name),
            ));
            continue;
        };
        match column {
            Column::Defects => match cell.parse::<i64>() {
                Ok(n) => result.defects = Some(n),
                Err(_) => errors.push(at(line, name, format!("`{cell}` is not a whole number"))),
            },
            Column::Codes => {
                result.defect_codes = cell.split_whitespace().map(str::to_owned).collect();
            }
            Column::Note => result.note = Some(cell.to_owned()),
            Column::Value | Column::Result => {}
        }
    }
    values
}

/// Maps the columns from the third on to characteristics of the part: a characteristic's
/// name or id, or an attribute characteristic's name followed by a companion's.
fn columns<'c>(
    headers: &csv::StringRecord,
    characteristics: &'c [Characteristic],
    errors: &mut Vec<Violation>,
) -> Vec<(usize, &'c Characteristic, Column)> {
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
    let companion = |name: &str| {
        [
            (DEFECTS, Column::Defects),
            (DEFECT_CODES, Column::Codes),
            (NOTE, Column::Note),
        ]
        .into_iter()
        .find_map(|(suffix, column)| {
            let owner = name.strip_suffix(suffix)?.strip_suffix(' ')?;
            Some((by_key.get(owner).copied()?, column))
        })
    };
    let mut columns = Vec::new();
    let mut seen = HashSet::new();
    for (col, name) in headers.iter().enumerate().skip(2) {
        let found = match by_key.get(name) {
            Some(c) if c.kind == Kind::Variable => Some((*c, Column::Value)),
            Some(c) => Some((*c, Column::Result)),
            None => companion(name),
        };
        match found {
            Some((c, column)) if !seen.insert((c.id, column as u8)) => {
                errors.push(at(1, name, "names the same column as an earlier one"));
            }
            Some((c, column)) if c.kind == Kind::Variable && column != Column::Value => {
                errors.push(at(
                    1,
                    name,
                    "completes an attribute result, but the characteristic is variable",
                ));
            }
            Some((c, column)) => columns.push((col, c, column)),
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
