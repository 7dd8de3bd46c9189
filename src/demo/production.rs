//! The lots of the demo file in production order, with their inspections and
//! corrections.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;

use super::afterwards::Step;
use crate::domain::{
    CharacteristicId, GoldenSampleRevisionId, InspectionId, LotId, LotSize, Mode, PartId, Source,
    SupplierId,
};
use crate::service::inspections::{
    CheckedInspection, DEFAULT_MAX_RESULTS, NewAttribute, NewInspection, NewMeasurement, NewUnit,
};
use crate::service::lots::LotInput;
use crate::service::{Checks, ServiceError};

/// A lot with its inspections, in the order they were carried out.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lot {
    pub id: LotId,
    pub part_id: PartId,
    pub supplier_id: SupplierId,
    pub lot_number: String,
    pub lot_size: i64,
    pub produced_on: NaiveDate,
    pub inspections: Vec<Inspection>,
    /// What happened after its decision, in order: disposition, resubmission, release,
    /// its nonconformance report.
    #[serde(default)]
    pub afterwards: Vec<Step>,
}

impl Lot {
    /// The lot as the lots service takes it.
    pub fn input(&self) -> Result<LotInput, ServiceError> {
        let mut checks = Checks::new();
        checks.text("lot_number", &self.lot_number, 64);
        let lot_size = checks.parse("lot_size", LotSize::parse(self.lot_size));
        checks.finish()?;
        let Some(lot_size) = lot_size else {
            return Err(ServiceError::internal(
                "a lot size that did not parse passed the checks",
            ));
        };
        Ok(LotInput {
            id: Some(self.id),
            part_id: self.part_id,
            supplier_id: self.supplier_id,
            lot_number: self.lot_number.clone(),
            lot_size,
            produced_on: self.produced_on,
        })
    }
}

/// An inspection of a lot, or with `supersedes` a correction of one.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Inspection {
    pub id: InspectionId,
    pub source: Source,
    pub mode: Mode,
    pub inspector: String,
    pub inspected_at: DateTime<Utc>,
    /// The inspection this one corrects.
    pub supersedes: Option<InspectionId>,
    /// Why it was corrected; with `supersedes`.
    pub reason: Option<String>,
    pub units: Vec<Unit>,
}

impl Inspection {
    /// The inspection, checked as a recorded one is, naming the revision it was judged
    /// against.
    pub fn input(
        &self,
        judged_against: Option<GoldenSampleRevisionId>,
    ) -> Result<CheckedInspection, ServiceError> {
        let new = NewInspection {
            id: self.id,
            source: self.source,
            mode: self.mode,
            inspector: self.inspector.clone(),
            inspected_at: self.inspected_at,
            golden_sample_revision_id: judged_against,
            units: self.units.iter().map(Unit::input).collect(),
        };
        new.check(Utc::now(), DEFAULT_MAX_RESULTS)
    }

    /// The inspection it corrects and why, checked as a correction's are; `None` for an
    /// inspection that corrects nothing.
    pub fn correction(&self) -> Result<Option<(InspectionId, &str)>, ServiceError> {
        let Some(supersedes) = self.supersedes else {
            return match self.reason {
                Some(_) => Err(ServiceError::invalid_field(
                    "reason",
                    "only a correction (with `supersedes`) has a reason",
                )),
                None => Ok(None),
            };
        };
        let reason = self.reason.as_deref().unwrap_or_default();
        let mut checks = Checks::new();
        checks.text("reason", reason, 1000);
        if self.id == supersedes {
            checks.add("id", "a correction needs an id of its own");
        }
        checks.finish()?;
        Ok(Some((supersedes, reason)))
    }
}

/// One inspected unit.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Unit {
    pub unit: i64,
    pub serial: Option<String>,
    #[serde(default)]
    pub measurements: Vec<Measurement>,
    #[serde(default)]
    pub attributes: Vec<Attribute>,
}

impl Unit {
    fn input(&self) -> NewUnit {
        NewUnit {
            unit: self.unit,
            serial: self.serial.clone(),
            measurements: self
                .measurements
                .iter()
                .map(|m| NewMeasurement {
                    characteristic_id: m.characteristic_id,
                    value: m.value,
                })
                .collect(),
            attributes: self
                .attributes
                .iter()
                .map(|a| NewAttribute {
                    characteristic_id: a.characteristic_id,
                    pass: a.pass,
                    defects: a.defects,
                    note: a.note.clone(),
                    defect_codes: a.defect_codes.clone(),
                })
                .collect(),
        }
    }
}

/// A measured value of a variable characteristic.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Measurement {
    pub characteristic_id: CharacteristicId,
    pub value: f64,
}

/// The result of an attribute characteristic on one unit.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attribute {
    pub characteristic_id: CharacteristicId,
    pub pass: bool,
    pub defects: Option<i64>,
    pub note: Option<String>,
    /// Codes of the part's defect catalogue, on a failed result.
    #[serde(default)]
    pub defect_codes: Vec<String>,
    /// Photos of the defect, drawn by code when the demo loads.
    #[serde(default)]
    pub photos: Vec<DefectPhoto>,
}

/// A defect photo of a failed result: the part seen from a golden-sample view, with
/// defect `variant` (1 a scratch, 2 a chipped corner, 3 a discoloured patch).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DefectPhoto {
    pub view: super::golden::View,
    pub variant: u32,
}
