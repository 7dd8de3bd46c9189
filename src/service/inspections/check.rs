//! The rules a recorded inspection must follow: first its own shape, then against the
//! lot and the lot's part. Every broken rule is reported with the field that breaks it,
//! named as in the request body (`units[0].measurements[1].value`).

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use diesel::PgConnection;

use super::NewInspection;
use crate::db::models::Lot;
use crate::domain::{CharacteristicId, Kind, dates};
use crate::service::{Checks, ServiceError};

/// Inspections of more units than this go through the bulk import.
pub const MAX_UNITS: usize = 10_000;
/// Measurements and attribute results per request, all units together, by default.
pub const DEFAULT_MAX_RESULTS: usize = 200_000;

/// An inspection whose shape has been checked: only these can be recorded.
#[derive(Debug, Clone)]
pub struct CheckedInspection(NewInspection);

impl std::ops::Deref for CheckedInspection {
    type Target = NewInspection;

    fn deref(&self) -> &NewInspection {
        &self.0
    }
}

impl NewInspection {
    /// Checks the rules that need nothing but the inspection itself (and the clock):
    /// text lengths, unit numbers, at most `max_results` results, consistent defects.
    pub fn check(
        self,
        now: DateTime<Utc>,
        max_results: usize,
    ) -> Result<CheckedInspection, ServiceError> {
        shape(&self, now, max_results)?;
        Ok(CheckedInspection(self))
    }
}

fn shape(
    input: &NewInspection,
    now: DateTime<Utc>,
    max_results: usize,
) -> Result<(), ServiceError> {
    let mut checks = Checks::new();
    checks.text("inspector", &input.inspector, 100);
    if let Some(why) = dates::implausible_time(input.inspected_at, now) {
        checks.add("inspected_at", why);
    }
    if input.units.is_empty() {
        checks.add("units", "an inspection records at least one unit");
    } else if input.units.len() > MAX_UNITS {
        checks.add("units", format!("at most {MAX_UNITS} units per request"));
    }
    let results: usize = input
        .units
        .iter()
        .map(|u| u.measurements.len() + u.attributes.len())
        .sum();
    if results > max_results {
        checks.add(
            "units",
            format!("{results} results in one request; at most {max_results}"),
        );
    }
    let mut seen_units = HashSet::new();
    for (i, unit) in input.units.iter().enumerate() {
        let at = format!("units[{i}]");
        if unit.unit < 1 {
            checks.add(format!("{at}.unit"), "unit numbers start at 1");
        } else if !seen_units.insert(unit.unit) {
            checks.add(
                format!("{at}.unit"),
                format!("unit {} appears more than once", unit.unit),
            );
        }
        checks.optional_text(&format!("{at}.serial"), unit.serial.as_deref(), 64);
        if unit.measurements.is_empty() && unit.attributes.is_empty() {
            checks.add(
                &at,
                "a unit records at least one measurement or attribute result",
            );
        }
        let mut seen_chars = HashSet::new();
        for (j, m) in unit.measurements.iter().enumerate() {
            if !seen_chars.insert(m.characteristic_id) {
                checks.add(
                    format!("{at}.measurements[{j}].characteristic_id"),
                    "recorded twice for this unit",
                );
            }
            if !m.value.is_finite() {
                checks.add(
                    format!("{at}.measurements[{j}].value"),
                    "must be a finite number",
                );
            }
        }
        for (j, a) in unit.attributes.iter().enumerate() {
            let field = format!("{at}.attributes[{j}]");
            if !seen_chars.insert(a.characteristic_id) {
                checks.add(
                    format!("{field}.characteristic_id"),
                    "recorded twice for this unit",
                );
            }
            match a.defects {
                Some(d) if d < 0 => checks.add(format!("{field}.defects"), "must not be negative"),
                Some(d) if d > 0 && a.pass => checks.add(
                    format!("{field}.defects"),
                    "a unit that passed has no defects",
                ),
                Some(0) if !a.pass => checks.add(
                    format!("{field}.defects"),
                    "a unit that failed has at least one defect",
                ),
                Some(d) if d > i64::from(i32::MAX) => {
                    checks.add(format!("{field}.defects"), "is too large")
                }
                _ => {}
            }
            checks.optional_text(&format!("{field}.note"), a.note.as_deref(), 500);
            defect_codes_shape(&mut checks, &field, a);
        }
    }
    checks.finish()
}

/// Most defect codes on one attribute result.
pub const MAX_DEFECT_CODES: usize = 20;

/// Codes name what made a result fail: none on a passed result, each once.
fn defect_codes_shape(checks: &mut Checks, field: &str, a: &super::NewAttribute) {
    if a.defect_codes.is_empty() {
        return;
    }
    let at = format!("{field}.defect_codes");
    if a.pass {
        checks.add(
            at,
            "a unit that passed has no defects to code; leave defect_codes out",
        );
        return;
    }
    if a.defect_codes.len() > MAX_DEFECT_CODES {
        checks.add(
            at,
            format!("at most {MAX_DEFECT_CODES} defect codes per result"),
        );
        return;
    }
    let mut seen = HashSet::new();
    for (k, code) in a.defect_codes.iter().enumerate() {
        if !seen.insert(code.as_str()) {
            checks.add(format!("{at}[{k}]"), format!("`{code}` is given twice"));
        }
    }
}

/// The part's defect catalogue resolves the codes of every failed result: an unknown or
/// retired code is refused, naming its place (`units[3].attributes[0].defect_codes[1]`).
pub(super) fn defect_codes(
    input: &NewInspection,
    catalogue: &HashMap<&str, (crate::domain::DefectCodeId, bool)>,
) -> Result<(), ServiceError> {
    let mut checks = Checks::new();
    for (i, unit) in input.units.iter().enumerate() {
        for (j, a) in unit.attributes.iter().enumerate() {
            for (k, code) in a.defect_codes.iter().enumerate() {
                let field = format!("units[{i}].attributes[{j}].defect_codes[{k}]");
                match catalogue.get(code.as_str()) {
                    None => checks.add(
                        field,
                        format!(
                            "`{code}` is not in the defect catalogue of the lot's part; \
                             add it with create_defect_code or use one of its codes"
                        ),
                    ),
                    Some((_, true)) => checks.add(
                        field,
                        format!("`{code}` is retired from the part's defect catalogue"),
                    ),
                    Some((_, false)) => {}
                }
            }
        }
    }
    checks.finish()
}

/// Rules that need the lot and the characteristics of its part.
pub(super) fn against_lot(
    conn: &mut PgConnection,
    input: &NewInspection,
    lot: &Lot,
    kinds: &HashMap<CharacteristicId, Kind>,
) -> Result<(), ServiceError> {
    let mut checks = Checks::new();
    let lot_size = i64::from(lot.lot_size);
    if input.units.len() as i64 > lot_size {
        checks.add(
            "units",
            format!(
                "{} units recorded but the lot has only {lot_size}",
                input.units.len()
            ),
        );
    }
    let mut unknown = Vec::new();
    for (i, unit) in input.units.iter().enumerate() {
        if unit.unit > lot_size {
            checks.add(
                format!("units[{i}].unit"),
                format!("unit {} is beyond the lot size {lot_size}", unit.unit),
            );
        }
        let results = unit
            .measurements
            .iter()
            .enumerate()
            .map(|(j, m)| {
                (
                    format!("units[{i}].measurements[{j}].characteristic_id"),
                    m.characteristic_id,
                    Kind::Variable,
                )
            })
            .chain(unit.attributes.iter().enumerate().map(|(j, a)| {
                (
                    format!("units[{i}].attributes[{j}].characteristic_id"),
                    a.characteristic_id,
                    Kind::Attribute,
                )
            }));
        for (field, id, wanted) in results {
            match kinds.get(&id) {
                None => unknown.push((field, id)),
                Some(kind) if *kind != wanted => checks.add(
                    field,
                    format!(
                        "characteristic {id} is a {kind} characteristic; record it under {}",
                        if *kind == Kind::Variable {
                            "measurements"
                        } else {
                            "attributes"
                        }
                    ),
                ),
                Some(_) => {}
            }
        }
    }
    for (field, id) in unknown {
        if crate::db::characteristics::exists(conn, id)? {
            checks.add(
                field,
                format!("characteristic {id} belongs to another part"),
            );
        } else {
            return Err(ServiceError::unknown_reference(field, "characteristic", id));
        }
    }
    checks.finish()
}
