//! The units of a lot found nonconforming for one characteristic, from every current
//! inspection of the lot. ISO 2859-1:1999 6.4: each nonconforming item found is
//! rejected individually, in a sample or not, whether the lot is accepted or not, so the
//! decision names them whatever its verdict.

use std::collections::HashSet;

use super::DecisionError;
use super::evaluate::stored_limits;
use super::types::NonconformingUnit;
use crate::db::inspections::InspectionRows;
use crate::db::models::{Characteristic, Inspection};
use crate::domain::{InspectionId, Kind};

/// One physical unit of a lot: its serial when it was recorded with one (the same serial
/// is one unit whatever characteristic or inspection found it), else its position in
/// the inspection that recorded it (a unit without a serial cannot be recognised across
/// inspections). Units are counted, covered and compared by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PhysicalUnit<'a> {
    Serial(&'a str),
    Recorded(InspectionId, i32),
}

impl<'a> PhysicalUnit<'a> {
    pub fn of(serial: Option<&'a str>, inspection: InspectionId, unit: i32) -> Self {
        match serial {
            Some(s) => PhysicalUnit::Serial(s),
            None => PhysicalUnit::Recorded(inspection, unit),
        }
    }
}

impl NonconformingUnit {
    /// The physical unit it is.
    pub fn physical(&self) -> PhysicalUnit<'_> {
        PhysicalUnit::of(self.serial.as_deref(), self.inspection_id, self.unit)
    }
}

/// The nonconforming units of `c` in the lot's current inspections (given in the order
/// they were carried out; superseded ones are not among them, so a corrected record
/// counts once, as corrected). A unit with a serial is one physical unit: found again by
/// a later inspection, it is listed once, as its first finder recorded it. A unit without
/// a serial cannot be recognised across inspections and is listed as each recorded it.
pub fn nonconforming_units(
    c: &Characteristic,
    current: &[(Inspection, InspectionRows)],
) -> Result<Vec<NonconformingUnit>, DecisionError> {
    let limits = match c.kind {
        Kind::Variable => Some(stored_limits(c)?),
        Kind::Attribute => None,
    };
    let mut found = Vec::new();
    let mut serials_seen = HashSet::new();
    for (inspection, rows) in current {
        let mut failed: Vec<i32> = match &limits {
            Some(limits) => rows
                .measurements
                .iter()
                .filter(|m| m.characteristic_id == c.id && limits.is_outside(m.value))
                .map(|m| m.unit_index)
                .collect(),
            None => rows
                .attributes
                .iter()
                .filter(|a| a.characteristic_id == c.id && !a.pass)
                .map(|a| a.unit_index)
                .collect(),
        };
        failed.sort_unstable();
        failed.dedup();
        for unit in failed {
            let serial = rows
                .units
                .iter()
                .find(|u| u.unit_index == unit)
                .and_then(|u| u.serial.clone());
            if let Some(s) = &serial
                && !serials_seen.insert(s.clone())
            {
                continue;
            }
            found.push(NonconformingUnit {
                unit,
                serial,
                inspection_id: inspection.id,
            });
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::models::{InspectionUnit, MeasurementRow};
    use crate::domain::{
        CharacteristicId, Classification, InspectionId, InspectionLevel, LotId, Mode, PartId,
        Source,
    };

    /// Weight 2.4 g, 2.3 .. 2.5.
    fn weight() -> Characteristic {
        Characteristic {
            id: CharacteristicId::new_random(),
            part_id: PartId::new_random(),
            name: "Weight".into(),
            kind: Kind::Variable,
            unit: Some("g".into()),
            nominal: Some(2.4),
            lsl: Some(2.3),
            usl: Some(2.5),
            classification: Classification::Major,
            aql: 1.0,
            inspection_level: InspectionLevel::II,
            destructive: false,
            created_at: chrono::Utc::now(),
            inspection_cost: None,
            escape_cost: None,
            one_defect_fatal: false,
        }
    }

    /// An inspection of units 1.. with these serials and values.
    fn inspection(
        c: &Characteristic,
        units: &[(Option<&str>, f64)],
    ) -> (Inspection, InspectionRows) {
        let id = InspectionId::new_random();
        let inspection = Inspection {
            id,
            lot_id: LotId::new_random(),
            source: Source::InHouse,
            mode: Mode::Sampling,
            inspector: "kim".into(),
            inspected_at: chrono::Utc::now(),
            supersedes: None,
            reason: None,
            body_sha256: String::new(),
            recorded_at: chrono::Utc::now(),
            golden_sample_revision_id: None,
        };
        let rows = InspectionRows {
            units: (1..)
                .zip(units)
                .map(|(unit_index, (serial, _))| InspectionUnit {
                    inspection_id: id,
                    unit_index,
                    serial: serial.map(str::to_string),
                })
                .collect(),
            measurements: (1..)
                .zip(units)
                .map(|(unit_index, (_, value))| MeasurementRow {
                    inspection_id: id,
                    unit_index,
                    characteristic_id: c.id,
                    value: *value,
                })
                .collect(),
            ..InspectionRows::default()
        };
        (inspection, rows)
    }

    #[test]
    fn lists_a_serial_found_twice_once_and_units_without_serial_as_each_found_them() {
        let c = weight();
        let first = inspection(&c, &[(Some("A-1"), 2.6), (None, 2.2), (Some("A-3"), 2.4)]);
        let second = inspection(&c, &[(Some("A-1"), 2.55), (None, 2.1), (Some("A-3"), 2.5)]);
        let ids = (first.0.id, second.0.id);

        let found = nonconforming_units(&c, &[first, second]).unwrap();

        let listed: Vec<_> = found
            .iter()
            .map(|u| (u.unit, u.serial.as_deref(), u.inspection_id))
            .collect();
        // A-3 at 2.5 lies on the USL: conforming.
        assert_eq!(
            listed,
            [(1, Some("A-1"), ids.0), (2, None, ids.0), (2, None, ids.1)]
        );
    }
}
