//! The SHA-256 of an inspection's stored rows (units, measurements, attribute results),
//! kept in the inspection's audit row so that `lotgate audit verify` can tell when a
//! stored value no longer is what was recorded.
//!
//! The retry fingerprint (`body_sha256`) cannot serve here: it covers the request as
//! sent (the inspector's name untrimmed, defects as sent or absent), which the stored rows
//! do not reproduce. This hash covers the rows as stored, so the writer (from the rows it
//! inserts) and the verifier (from the rows it reads back, a page at a time) compute it
//! with the same [`RowsHasher`].
//!
//! # Version 1 is frozen
//!
//! Each row is one line, its fields separated by `:`; text as `<octet length>:<text>` or
//! `-` when absent; ids as hyphenated lowercase UUIDs; values as the 16 lowercase hex
//! digits of their IEEE 754 bits (exact, independent of any number formatting):
//!
//! ```text
//! units:        u:<unit>:<serial>\n             ordered by unit
//! measurements: m:<unit>:<characteristic>:<bits>\n   ordered by unit, characteristic
//! attributes:   a:<unit>:<characteristic>:<1|0>:<defects>:<note>\n   same order
//! ```
//!
//! The three kinds are hashed apart (so each can be read in its own order) and the
//! result is the SHA-256 of `lotgate-rows-v1\n` followed by the three hashes in hex.
//!
//! Defect codes of failed attribute results (added with the defect catalogue) are a
//! fourth kind, `d:<unit>:<characteristic>:<position>:<defect code id>\n` ordered by
//! unit, characteristic, position, whose hash is appended after the other three only
//! when the inspection has at least one: the hash of every inspection recorded without
//! codes, all those stored before, stays what its audit row holds.

use std::fmt::Write as _;

use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::db::inspections::InspectionRows;

/// Hashes the rows of one inspection, fed in the order the module documentation gives.
#[derive(Default, Clone)]
pub struct RowsHasher {
    units: Sha256,
    measurements: Sha256,
    attributes: Sha256,
    defects: Option<Sha256>,
    line: String,
}

impl RowsHasher {
    pub fn unit(&mut self, unit: i32, serial: Option<&str>) {
        self.line.clear();
        let _ = write!(self.line, "u:{unit}:");
        text(&mut self.line, serial);
        self.line.push('\n');
        self.units.update(self.line.as_bytes());
    }

    pub fn measurement(&mut self, unit: i32, characteristic: Uuid, value: f64) {
        self.line.clear();
        let _ = writeln!(
            self.line,
            "m:{unit}:{}:{:016x}",
            characteristic.hyphenated(),
            value.to_bits()
        );
        self.measurements.update(self.line.as_bytes());
    }

    pub fn attribute(
        &mut self,
        unit: i32,
        characteristic: Uuid,
        pass: bool,
        defects: i32,
        note: Option<&str>,
    ) {
        self.line.clear();
        let _ = write!(
            self.line,
            "a:{unit}:{}:{}:{defects}:",
            characteristic.hyphenated(),
            u8::from(pass)
        );
        text(&mut self.line, note);
        self.line.push('\n');
        self.attributes.update(self.line.as_bytes());
    }

    pub fn defect(&mut self, unit: i32, characteristic: Uuid, position: i32, code: Uuid) {
        self.line.clear();
        let _ = writeln!(
            self.line,
            "d:{unit}:{}:{position}:{}",
            characteristic.hyphenated(),
            code.hyphenated()
        );
        self.defects
            .get_or_insert_with(Sha256::new)
            .update(self.line.as_bytes());
    }

    /// The hash in lowercase hex.
    pub fn finish(self) -> String {
        let mut outer = Sha256::new();
        outer.update(b"lotgate-rows-v1\n");
        for part in [self.units, self.measurements, self.attributes]
            .into_iter()
            .chain(self.defects)
        {
            outer.update(hex(&part.finalize()).as_bytes());
        }
        hex(&outer.finalize())
    }
}

/// The hash of rows held in memory, in whatever order they are.
pub fn rows_sha256(rows: &InspectionRows) -> String {
    let mut hasher = RowsHasher::default();
    let mut units: Vec<_> = rows.units.iter().collect();
    units.sort_by_key(|u| u.unit_index);
    for u in units {
        hasher.unit(u.unit_index, u.serial.as_deref());
    }
    let mut measurements: Vec<_> = rows.measurements.iter().collect();
    measurements.sort_by_key(|m| (m.unit_index, m.characteristic_id));
    for m in measurements {
        hasher.measurement(m.unit_index, m.characteristic_id.0, m.value);
    }
    let mut attributes: Vec<_> = rows.attributes.iter().collect();
    attributes.sort_by_key(|a| (a.unit_index, a.characteristic_id));
    for a in attributes {
        hasher.attribute(
            a.unit_index,
            a.characteristic_id.0,
            a.pass,
            a.defects,
            a.note.as_deref(),
        );
    }
    let mut defects: Vec<_> = rows.defects.iter().map(|(d, _)| d).collect();
    defects.sort_by_key(|d| (d.unit_index, d.characteristic_id, d.position));
    for d in defects {
        hasher.defect(
            d.unit_index,
            d.characteristic_id.0,
            d.position,
            d.defect_code_id.0,
        );
    }
    hasher.finish()
}

fn text(line: &mut String, value: Option<&str>) {
    match value {
        Some(v) => {
            let _ = write!(line, "{}:{v}", v.len());
        }
        None => line.push('-'),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::models::{AttributeResultRow, InspectionUnit, MeasurementRow};
    use crate::domain::{CharacteristicId, InspectionId};

    fn rows(value: f64) -> InspectionRows {
        let inspection = InspectionId(Uuid::from_u128(1));
        let length = CharacteristicId(Uuid::from_u128(2));
        let colour = CharacteristicId(Uuid::from_u128(3));
        InspectionRows {
            units: vec![
                InspectionUnit {
                    inspection_id: inspection,
                    unit_index: 2,
                    serial: None,
                },
                InspectionUnit {
                    inspection_id: inspection,
                    unit_index: 1,
                    serial: Some("SN-1".into()),
                },
            ],
            measurements: vec![
                MeasurementRow {
                    inspection_id: inspection,
                    unit_index: 2,
                    characteristic_id: length,
                    value: 10.02,
                },
                MeasurementRow {
                    inspection_id: inspection,
                    unit_index: 1,
                    characteristic_id: length,
                    value,
                },
            ],
            attributes: vec![AttributeResultRow {
                inspection_id: inspection,
                unit_index: 1,
                characteristic_id: colour,
                pass: false,
                defects: 2,
                note: Some("scratch".into()),
            }],
            photos: vec![],
            defects: vec![],
        }
    }

    #[test]
    fn version_1_hashes_these_lines() {
        // The lines of version 1, hashed here by hand: the frozen reference.
        let section = |text: &str| hex(&Sha256::digest(text.as_bytes()));
        let units = section("u:1:4:SN-1\nu:2:-\n");
        let measurements = section(&format!(
            "m:1:00000000-0000-0000-0000-000000000002:{:016x}\n\
             m:2:00000000-0000-0000-0000-000000000002:{:016x}\n",
            10.0f64.to_bits(),
            10.02f64.to_bits()
        ));
        let attributes = section("a:1:00000000-0000-0000-0000-000000000003:0:2:7:scratch\n");
        let expected = section(&format!(
            "lotgate-rows-v1\n{units}{measurements}{attributes}"
        ));

        assert_eq!(rows_sha256(&rows(10.0)), expected);
    }

    #[test]
    fn any_changed_value_changes_the_hash() {
        assert_ne!(rows_sha256(&rows(10.0)), rows_sha256(&rows(15.0)));
        assert_ne!(rows_sha256(&rows(0.0)), rows_sha256(&rows(-0.0)));
        let mut fewer = rows(10.0);
        fewer.measurements.pop();
        assert_ne!(rows_sha256(&rows(10.0)), rows_sha256(&fewer));
    }

    #[test]
    fn defect_codes_append_a_fourth_section_only_when_present() {
        use crate::db::defect_codes::ResultDefect;
        use crate::domain::DefectCodeId;
        let section = |text: &str| hex(&Sha256::digest(text.as_bytes()));
        let plain = rows(10.0);
        let mut coded = rows(10.0);
        coded.defects.push((
            ResultDefect {
                inspection_id: InspectionId(Uuid::from_u128(1)),
                unit_index: 1,
                characteristic_id: CharacteristicId(Uuid::from_u128(3)),
                position: 0,
                defect_code_id: DefectCodeId(Uuid::from_u128(4)),
            },
            "scratch".into(),
        ));
        // The v1 hash without codes is the outer hash of three sections; with codes the
        // fourth section's hash is appended to the same text.
        let without = rows_sha256(&plain);
        let fourth = section(
            "d:1:00000000-0000-0000-0000-000000000003:0:00000000-0000-0000-0000-000000000004\n",
        );
        assert_ne!(rows_sha256(&coded), without);
        let mut inner = RowsHasher::default();
        for u in [(1, Some("SN-1")), (2, None)] {
            inner.unit(u.0, u.1);
        }
        inner.measurement(1, Uuid::from_u128(2), 10.0);
        inner.measurement(2, Uuid::from_u128(2), 10.02);
        inner.attribute(1, Uuid::from_u128(3), false, 2, Some("scratch"));
        let three = [&inner.units, &inner.measurements, &inner.attributes]
            .map(|h| hex(&h.clone().finalize()))
            .concat();
        assert_eq!(
            rows_sha256(&coded),
            section(&format!("lotgate-rows-v1\n{three}{fourth}"))
        );
        assert_eq!(without, section(&format!("lotgate-rows-v1\n{three}")));
    }
}
