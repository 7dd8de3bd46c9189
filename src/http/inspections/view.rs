//! The JSON shapes of a recorded inspection.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::models::Inspection;
use crate::domain::{
    CharacteristicId, GoldenSampleRevisionId, InspectionId, LotId, Mode, ResubmissionId, Source,
};
use crate::http::photos::PhotoLinks;
use crate::service::inspections::StoredInspection;

/// A recorded inspection with all its units.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "5d1ece60-aedb-5bce-8e4f-24963b0e5167", "lot_id": "c99e71b2-05bb-5458-9fc0-af5964e27878", "source": "factory", "mode": "sampling", "inspector": "li.wei", "inspected_at": "2026-11-20T16:00:00Z", "supersedes": null, "reason": null, "superseded_by": null, "recorded_at": "2026-12-03T22:46:42.913127Z", "golden_sample_revision_id": "a294d92b-2046-49bd-8898-c8426219002d", "resubmission_id": null, "units": [{"unit": 1, "serial": "HUB-1300001", "measurements": [{"characteristic_id": "3c66544b-ae46-5cc5-a220-946a11be966a", "value": 1.264}], "attributes": [{"characteristic_id": "629df179-01b3-50eb-b6c9-fb87840a3ff5", "pass": true, "defects": 0, "note": null, "photos": [], "defect_codes": []}, {"characteristic_id": "763523fc-5d91-54de-b0e6-4153883d3820", "pass": true, "defects": 0, "note": null, "photos": [], "defect_codes": []}]}, {"unit": 2, "serial": "HUB-1300002", "measurements": [{"characteristic_id": "3c66544b-ae46-5cc5-a220-946a11be966a", "value": 1.335}], "attributes": [{"characteristic_id": "629df179-01b3-50eb-b6c9-fb87840a3ff5", "pass": true, "defects": 0, "note": null, "photos": [], "defect_codes": []}, {"characteristic_id": "763523fc-5d91-54de-b0e6-4153883d3820", "pass": true, "defects": 0, "note": null, "photos": [], "defect_codes": []}]}]}))]
pub struct InspectionView {
    /// Id of the inspection (chosen by the client that recorded it).
    pub id: InspectionId,
    /// The inspected lot.
    pub lot_id: LotId,
    /// Who inspected: the factory's QC or in-house inspection.
    pub source: Source,
    /// `sampling` or `full`.
    pub mode: Mode,
    /// Name or badge of the inspector.
    pub inspector: String,
    /// When the inspection was carried out (RFC 3339, UTC).
    pub inspected_at: DateTime<Utc>,
    /// The inspection this one corrects, if it is a correction.
    pub supersedes: Option<InspectionId>,
    /// Why this correction replaces the earlier inspection.
    pub reason: Option<String>,
    /// The correction that replaced this inspection, if any; a superseded inspection no
    /// longer counts for the lot.
    pub superseded_by: Option<InspectionId>,
    /// When lotgate stored it (RFC 3339, UTC).
    pub recorded_at: DateTime<Utc>,
    /// The golden-sample revision the units were judged against, if any.
    pub golden_sample_revision_id: Option<GoldenSampleRevisionId>,
    /// The resubmission (ISO 2859-1 7.6) this inspection inspects, or for a correction
    /// that of the inspection it corrects; null for the lot's own inspections.
    pub resubmission_id: Option<ResubmissionId>,
    /// The inspected units in unit order.
    pub units: Vec<UnitView>,
}

/// One inspected unit with its results.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnitView {
    /// Position of the unit in the sample, from 1.
    pub unit: i32,
    /// Serial number, when the unit has one.
    pub serial: Option<String>,
    /// Measured values.
    pub measurements: Vec<MeasurementView>,
    /// Attribute results.
    pub attributes: Vec<AttributeView>,
}

/// A measured value.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeasurementView {
    /// The variable characteristic measured.
    pub characteristic_id: CharacteristicId,
    /// The measured value in the characteristic's unit.
    pub value: f64,
}

/// A defect photo: where it is served, and the view it shows when the inspector named one.
#[derive(Debug, Serialize, ToSchema)]
pub struct DefectPhoto {
    #[serde(flatten)]
    pub links: PhotoLinks,
    /// The golden-sample view the photo shows (`front`, `top`, ...), or null when none
    /// was named.
    pub view: Option<String>,
}

/// An attribute result.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttributeView {
    /// The attribute characteristic checked.
    pub characteristic_id: CharacteristicId,
    /// Whether the unit passed.
    pub pass: bool,
    /// Number of defects found on the unit.
    pub defects: i32,
    /// What was seen.
    pub note: Option<String>,
    /// Photos of the defects, oldest first.
    pub photos: Vec<DefectPhoto>,
    /// Codes of the part's defect catalogue the result carries, in the order sent.
    pub defect_codes: Vec<String>,
}

/// An inspection in a list, without its units.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "5d1ece60-aedb-5bce-8e4f-24963b0e5167", "lot_id": "c99e71b2-05bb-5458-9fc0-af5964e27878", "source": "factory", "mode": "sampling", "inspector": "li.wei", "inspected_at": "2026-11-20T16:00:00Z", "unit_count": 80, "supersedes": null, "reason": null, "superseded_by": null, "resubmission_id": null, "recorded_at": "2026-11-20T16:05:00Z"}))]
pub struct InspectionSummary {
    /// Id of the inspection.
    pub id: InspectionId,
    /// The inspected lot.
    pub lot_id: LotId,
    /// Who inspected.
    pub source: Source,
    /// `sampling` or `full`.
    pub mode: Mode,
    /// Name or badge of the inspector.
    pub inspector: String,
    /// When the inspection was carried out.
    pub inspected_at: DateTime<Utc>,
    /// Number of units recorded.
    pub unit_count: i64,
    /// The inspection this one corrects, if any.
    pub supersedes: Option<InspectionId>,
    /// Why this correction replaces the earlier inspection.
    pub reason: Option<String>,
    /// The correction that replaced this inspection, if any.
    pub superseded_by: Option<InspectionId>,
    /// The resubmission (ISO 2859-1 7.6) this inspection inspects, or for a correction
    /// that of the inspection it corrects; null for the lot's own inspections.
    pub resubmission_id: Option<ResubmissionId>,
    /// When lotgate stored it.
    pub recorded_at: DateTime<Utc>,
}

/// Groups the rows (each sorted by unit) under their units.
pub fn inspection(stored: StoredInspection) -> InspectionView {
    let StoredInspection {
        inspection: i,
        rows,
        superseded_by,
        resubmission_id,
    } = stored;
    let mut units: Vec<UnitView> = rows
        .units
        .into_iter()
        .map(|u| UnitView {
            unit: u.unit_index,
            serial: u.serial,
            measurements: Vec::new(),
            attributes: Vec::new(),
        })
        .collect();
    units.sort_by_key(|u| u.unit);
    let position =
        |units: &[UnitView], index: i32| units.binary_search_by_key(&index, |u| u.unit).ok();
    for m in rows.measurements {
        if let Some(p) = position(&units, m.unit_index) {
            units[p].measurements.push(MeasurementView {
                characteristic_id: m.characteristic_id,
                value: m.value,
            });
        }
    }
    for a in rows.attributes {
        if let Some(p) = position(&units, a.unit_index) {
            units[p].attributes.push(AttributeView {
                characteristic_id: a.characteristic_id,
                pass: a.pass,
                defects: a.defects,
                note: a.note,
                photos: rows
                    .photos
                    .iter()
                    .filter(|(u, c, _, _)| *u == a.unit_index && *c == a.characteristic_id)
                    .map(|(_, _, id, view)| DefectPhoto {
                        links: PhotoLinks::of(*id),
                        view: view.clone(),
                    })
                    .collect(),
                defect_codes: rows
                    .defects
                    .iter()
                    .filter(|(d, _)| {
                        d.unit_index == a.unit_index && d.characteristic_id == a.characteristic_id
                    })
                    .map(|(_, code)| code.clone())
                    .collect(),
            });
        }
    }
    InspectionView {
        id: i.id,
        lot_id: i.lot_id,
        source: i.source,
        mode: i.mode,
        inspector: i.inspector,
        inspected_at: i.inspected_at,
        supersedes: i.supersedes,
        reason: i.reason,
        superseded_by,
        recorded_at: i.recorded_at,
        golden_sample_revision_id: i.golden_sample_revision_id,
        resubmission_id,
        units,
    }
}

pub fn summary(
    i: Inspection,
    unit_count: i64,
    superseded_by: Option<InspectionId>,
    resubmission_id: Option<ResubmissionId>,
) -> InspectionSummary {
    InspectionSummary {
        id: i.id,
        lot_id: i.lot_id,
        source: i.source,
        mode: i.mode,
        inspector: i.inspector,
        inspected_at: i.inspected_at,
        unit_count,
        supersedes: i.supersedes,
        reason: i.reason,
        superseded_by,
        resubmission_id,
        recorded_at: i.recorded_at,
    }
}
