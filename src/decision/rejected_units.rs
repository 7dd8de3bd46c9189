//! The units a decision rejected individually (ISO 2859-1:1999 6.4), as a disposition
//! covers them and as a release checks them. Pure: it reads the stored decision document
//! and the units earlier dispositions covered, and says which units remain.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::types::NonconformingUnit;
use super::units::PhysicalUnit;
use crate::domain::{CharacteristicId, InspectionId};

/// A unit a disposition covers, as the decision it answers named it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"characteristic_id": "6b7c8d9e-0f1a-4b2c-8d3e-4f5a6b7c8d9e",
    "unit": 17, "serial": "B-0017", "inspection_id": "3f1c2b4a-5d6e-4f70-8a9b-0c1d2e3f4a5b"}))]
pub struct CoveredUnit {
    /// The characteristic it was found nonconforming for.
    pub characteristic_id: CharacteristicId,
    /// Its position in the inspection that found it (from 1).
    #[schema(minimum = 1)]
    pub unit: i32,
    /// Its serial number, when it was recorded with one.
    pub serial: Option<String>,
    /// The inspection that found it.
    pub inspection_id: InspectionId,
}

impl CoveredUnit {
    /// The physical unit it is.
    fn key(&self) -> PhysicalUnit<'_> {
        PhysicalUnit::of(self.serial.as_deref(), self.inspection_id, self.unit)
    }

    /// How a message names it: `unit 3 (serial B-3) of inspection <id>`.
    pub fn describe(&self) -> String {
        match &self.serial {
            Some(s) => format!(
                "unit {} (serial {s}) of inspection {}",
                self.unit, self.inspection_id
            ),
            None => format!("unit {} of inspection {}", self.unit, self.inspection_id),
        }
    }
}

/// What is read of a stored decision document: the units each characteristic names.
/// Decisions stored before `nonconforming_units` existed name none.
#[derive(Deserialize)]
struct Document {
    characteristics: Vec<Characteristic>,
}

#[derive(Deserialize)]
struct Characteristic {
    characteristic_id: CharacteristicId,
    #[serde(default)]
    nonconforming_units: Vec<NonconformingUnit>,
}

/// Every unit a stored decision document names as nonconforming, one entry per physical
/// unit (the first characteristic that names it), in the document's order.
pub fn named(document: &Value) -> Result<Vec<CoveredUnit>, serde_json::Error> {
    let doc = Document::deserialize(document)?;
    let mut units: Vec<CoveredUnit> = Vec::new();
    for c in doc.characteristics {
        for u in c.nonconforming_units {
            let unit = CoveredUnit {
                characteristic_id: c.characteristic_id,
                unit: u.unit,
                serial: u.serial,
                inspection_id: u.inspection_id,
            };
            if !units.iter().any(|k| k.key() == unit.key()) {
                units.push(unit);
            }
        }
    }
    Ok(units)
}

/// The units of `named` that none of `covered` covers.
pub fn uncovered(named: &[CoveredUnit], covered: &[CoveredUnit]) -> Vec<CoveredUnit> {
    named
        .iter()
        .filter(|n| !covered.iter().any(|c| c.key() == n.key()))
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_serial_named_for_two_characteristics_is_one_unit_and_unserialed_units_stay_apart() {
        let (a, b) = (
            CharacteristicId::new_random(),
            CharacteristicId::new_random(),
        );
        let (i1, i2) = (InspectionId::new_random(), InspectionId::new_random());
        let doc = json!({"characteristics": [
            {"characteristic_id": a, "nonconforming_units": [
                {"unit": 1, "serial": "S-1", "inspection_id": i1},
                {"unit": 2, "serial": null, "inspection_id": i1}]},
            {"characteristic_id": b, "nonconforming_units": [
                {"unit": 4, "serial": "S-1", "inspection_id": i2},
                {"unit": 2, "serial": null, "inspection_id": i2}]},
            {"characteristic_id": b}]});

        let units = named(&doc).unwrap();

        let listed: Vec<_> = units
            .iter()
            .map(|u| (u.characteristic_id, u.unit, u.inspection_id))
            .collect();
        assert_eq!(listed, [(a, 1, i1), (a, 2, i1), (b, 2, i2)]);
        let rest = uncovered(&units, &units[..2]);
        assert_eq!(rest, units[2..]);
    }
}
