//! The bulk path: an inspection imported from an instrument's or a spreadsheet's CSV
//! export, one row per unit and one column per variable characteristic.
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
use serde::Deserialize;
use utoipa::IntoParams;

use super::{MeasurementInput, RecordInspection, UnitInput};
use crate::db::models::Characteristic;
use crate::domain::{InspectionId, Kind, Mode, Source};
use crate::http::error::{ApiError, FieldError};

/// Errors reported at most, so a wrong file does not produce a novel.
const MAX_ERRORS: usize = 50;

/// The inspection the CSV records (the rows carry only units and values).
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ImportMeta {
    /// Client-generated id of the inspection: importing the same file again with the
    /// same id returns the stored inspection.
    pub id: InspectionId,
    /// Who inspected.
    pub source: Source,
    /// `sampling` or `full`.
    pub mode: Mode,
    /// Name or badge of the inspector (1-100 characters).
    #[param(
        min_length = 1,
        max_length = 100,
        pattern = r"[^\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
    )]
    pub inspector: String,
    /// When the inspection was carried out (RFC 3339).
    pub inspected_at: DateTime<Utc>,
}

/// Reads the CSV into an inspection request, naming the line and column of each error.
pub fn parse(
    meta: ImportMeta,
    csv_bytes: &[u8],
    characteristics: &[Characteristic],
) -> Result<RecordInspection, ApiError> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(false)
        .from_reader(csv_bytes);
    let headers = reader
        .headers()
        .map_err(|e| ApiError::invalid_field("line 1", format!("cannot read the header: {e}")))?
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
                errors.push(FieldError::new(
                    format!("line {line}"),
                    "contains the NUL character",
                ));
                continue;
            }
            Ok(r) => r,
            Err(e) => {
                errors.push(FieldError::new(format!("line {line}"), e));
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
                Ok(value) if value.is_finite() => measurements.push(MeasurementInput {
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
            errors.push(FieldError::new(
                format!("line {line}"),
                "the row has no measured value",
            ));
        }
        units.push(UnitInput {
            unit,
            serial,
            measurements,
            attributes: Vec::new(),
        });
    }
    if units.is_empty() && errors.is_empty() {
        errors.push(FieldError::new(
            "body",
            "the file has no rows after the header",
        ));
    }
    if !errors.is_empty() {
        return Err(ApiError::invalid(errors));
    }
    Ok(RecordInspection {
        id: meta.id,
        source: meta.source,
        mode: meta.mode,
        inspector: meta.inspector,
        inspected_at: meta.inspected_at,
        // A CSV import is judged against the revision approved at `inspected_at`.
        golden_sample_revision_id: None,
        units,
    })
}

/// Maps value columns (from the third on) to variable characteristics of the part.
fn columns<'c>(
    headers: &csv::StringRecord,
    characteristics: &'c [Characteristic],
    errors: &mut Vec<FieldError>,
) -> Vec<(usize, &'c Characteristic)> {
    if headers.get(0) != Some("unit") || headers.get(1) != Some("serial") {
        errors.push(FieldError::new(
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
        errors.push(FieldError::new(
            "line 1",
            "no characteristic columns after `unit,serial`",
        ));
    }
    columns
}

fn at(line: usize, column: &str, message: impl ToString) -> FieldError {
    FieldError::new(format!("line {line}, column {column}"), message)
}

/// Renames `units[i]` in errors of the shared checks to the CSV line it came from.
pub fn name_lines(err: ApiError) -> ApiError {
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
