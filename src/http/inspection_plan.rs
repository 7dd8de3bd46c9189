//! The inspection order of a lot: what the tablet shows the inspector before the first
//! unit is drawn (which units, what to check on each, under which plan and why).

use std::collections::BTreeMap;

use actix_web::{get, web};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::access::Caller;
use super::error::{ApiError, responses};
use super::{AppState, db};
use crate::db::defect_codes::DefectCode;
use crate::decision::types::{PlanSeverity, SwitchingSeverity};
use crate::domain::{
    CharacteristicId, GoldenSampleId, GoldenSampleRevisionId, Kind, LotId, LotStatus, Mode, PartId,
    PhotoId, SupplierId,
};
use crate::service::inspection_orders::{self as service, InspectionOrder, OrderedCharacteristic};

/// Under full inspection every unit 1..=N is listed when N is at most this; above it the
/// list is empty and `units_listed` false (a lot of 100,000,000 would be a list of that
/// many numbers): the inspector takes every unit.
pub const FULL_INSPECTION_LIST_LIMIT: u64 = 10_000;

/// The part of a lot.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrderPart {
    /// The part.
    pub id: PartId,
    /// Its part number.
    pub number: String,
    /// Its name.
    pub name: String,
}

/// The supplier of a lot.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrderSupplier {
    /// The supplier.
    pub id: SupplierId,
    /// Its name.
    pub name: String,
}

/// A photo of the golden sample.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrderPhoto {
    /// The photo.
    pub photo_id: PhotoId,
    /// Where its thumbnail is served (`get_photo_thumbnail`).
    pub thumbnail_url: String,
    /// The fixed view it shows (`front`, `top`, ...): a defect photo taken from the same
    /// view is shown beside it.
    pub view: String,
}

/// The part's golden-sample revision approved now.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrderGoldenSample {
    /// The golden sample.
    pub golden_sample_id: GoldenSampleId,
    /// The approved revision.
    pub revision_id: GoldenSampleRevisionId,
    /// Its number (1, 2, ...).
    pub revision: i32,
    /// Its photos, in the order they were added.
    pub photos: Vec<OrderPhoto>,
}

/// A defect code of the part's catalogue.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrderDefectCode {
    /// The code.
    pub code: String,
    /// What it means.
    pub name: String,
}

/// One characteristic of the order: what to check, on which units, under which plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrderCharacteristic {
    /// The characteristic.
    pub characteristic_id: CharacteristicId,
    /// Its name.
    pub name: String,
    /// `variable` (measured) or `attribute` (pass/fail).
    pub kind: Kind,
    /// Unit of the measured values.
    pub unit_of_measure: Option<String>,
    /// Nominal value.
    pub nominal: Option<f64>,
    /// Lower specification limit (LSL).
    pub lower_limit: Option<f64>,
    /// Upper specification limit (USL).
    pub upper_limit: Option<f64>,
    /// The approved golden-sample revision's reference value, when it has one.
    pub reference_value: Option<f64>,
    /// A destructive test: its units are its own (disjoint from every other
    /// characteristic's while the lot has enough units) and are used up.
    pub destructive: bool,
    /// `sampling` or `full` (every unit), as drawn.
    pub inspection: Mode,
    /// Why, in the decision's words.
    pub reason: String,
    /// Sample-size code letter of the plan used (after the table's arrows); absent for a
    /// lot of one unit.
    pub code_letter: Option<String>,
    /// Master table of the plan as drawn: normal (II-A), tightened (II-B) or reduced (II-C).
    pub severity: Option<PlanSeverity>,
    /// The switching state the order was drawn at (ISO 2859-1 clause 9).
    pub switching_severity: Option<SwitchingSeverity>,
    /// The switching state a decision of this lot would use now.
    pub severity_now: SwitchingSeverity,
    /// Present when the plan a decision would use now differs from the one drawn: what
    /// changed, and what happens instead of drawing again.
    pub plan_changed: Option<String>,
    /// Units to inspect (n); the lot size under full inspection.
    pub sample_size: u64,
    /// Acceptance number Ac.
    pub ac: Option<u32>,
    /// Rejection number Re.
    pub re: Option<u32>,
    /// Lot unit numbers (1..=N) to draw, ascending. Under full inspection 1..=N, or empty
    /// when N is above 10,000 (`units_listed` false: take every unit).
    pub units: Vec<u64>,
    /// False only under full inspection of a lot of more than 10,000 units.
    pub units_listed: bool,
    /// The part's defect codes in use, for a failed result of an attribute
    /// characteristic (`defect_codes` of record_inspection); empty for a variable one or
    /// a part without a catalogue.
    pub defect_codes: Vec<OrderDefectCode>,
}

/// A unit to draw and what to check on it.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrderUnit {
    /// Lot unit number (1..=N), the `unit` to send with `record_inspection`.
    pub unit: u64,
    /// The characteristics to check on it.
    pub characteristic_ids: Vec<CharacteristicId>,
}

/// The inspection order of a lot.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "lot_id": "0b7e3f5c-2d1a-4c8e-9f00-6a5b4c3d2e1f", "lot_number": "L-2026-118",
    "lot_size": 1000, "status": "registered",
    "part": {"id": "7d9f0c1e-6a2b-4e3c-8d4f-5a6b7c8d9e0f", "number": "HSG-200", "name": "Housing"},
    "supplier": {"id": "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f", "name": "Acme Moulding"},
    "seed": "14638921357209614407", "drawn_at": "2026-12-03T08:00:00Z", "golden_sample": null,
    "characteristics": [{"characteristic_id": "3f4e5d6c-7b8a-4d9e-8f0a-1b2c3d4e5f60",
        "name": "Width", "kind": "variable", "unit_of_measure": "mm", "nominal": 12.0,
        "lower_limit": 11.8, "upper_limit": 12.2, "reference_value": null, "destructive": false,
        "inspection": "sampling", "reason": "Sampling: the lot of 1000 units is larger than the sample of 80.",
        "code_letter": "J", "severity": "normal", "switching_severity": "normal",
        "severity_now": "normal", "plan_changed": null, "sample_size": 80, "ac": 2, "re": 3,
        "units": [4, 17, 981], "units_listed": true, "defect_codes": []}],
    "units": [{"unit": 4, "characteristic_ids": ["3f4e5d6c-7b8a-4d9e-8f0a-1b2c3d4e5f60"]}]
}))]
pub struct InspectionPlanView {
    /// The lot.
    pub lot_id: LotId,
    /// Its number.
    pub lot_number: String,
    /// Its size N.
    pub lot_size: u64,
    /// Where it stands in its life.
    pub status: LotStatus,
    /// Its part.
    pub part: OrderPart,
    /// Its supplier.
    pub supplier: OrderSupplier,
    /// The seed the units were drawn with (a u64 in decimal), kept with the lot.
    pub seed: String,
    /// When the order was first drawn.
    pub drawn_at: DateTime<Utc>,
    /// The part's golden-sample revision approved now, if any.
    pub golden_sample: Option<OrderGoldenSample>,
    /// What to check, per characteristic, in the order the part defines them.
    pub characteristics: Vec<OrderCharacteristic>,
    /// Every unit to draw, ascending, with what to check on it.
    pub units: Vec<OrderUnit>,
}

impl InspectionPlanView {
    fn new(o: InspectionOrder) -> InspectionPlanView {
        let lot_size = u64::from(o.lot.lot_size.unsigned_abs());
        let references: BTreeMap<CharacteristicId, f64> = o
            .golden_sample
            .iter()
            .flat_map(|g| g.references.iter().map(|r| (r.characteristic_id, r.value)))
            .collect();
        let characteristics: Vec<OrderCharacteristic> = o
            .characteristics
            .into_iter()
            .map(|c| characteristic(c, lot_size, &references, &o.defect_codes))
            .collect();
        let mut units: BTreeMap<u64, Vec<CharacteristicId>> = BTreeMap::new();
        for c in &characteristics {
            for u in &c.units {
                units.entry(*u).or_default().push(c.characteristic_id);
            }
        }
        InspectionPlanView {
            lot_id: o.lot.id,
            lot_number: o.lot.lot_number,
            lot_size,
            status: o.status,
            part: OrderPart {
                id: o.part.id,
                number: o.part.number,
                name: o.part.name,
            },
            supplier: OrderSupplier {
                id: o.supplier.id,
                name: o.supplier.name,
            },
            seed: o.order.seed,
            drawn_at: o.order.drawn_at,
            golden_sample: o.golden_sample.map(|g| OrderGoldenSample {
                golden_sample_id: g.revision.golden_sample_id,
                revision_id: g.revision.id,
                revision: g.revision.number,
                photos: g
                    .photos
                    .into_iter()
                    .map(|(view, p)| OrderPhoto {
                        photo_id: p.id,
                        thumbnail_url: format!("/api/v1/photos/{}/thumbnail", p.id),
                        view,
                    })
                    .collect(),
            }),
            characteristics,
            units: units
                .into_iter()
                .map(|(unit, characteristic_ids)| OrderUnit {
                    unit,
                    characteristic_ids,
                })
                .collect(),
        }
    }
}

fn characteristic(
    o: OrderedCharacteristic,
    lot_size: u64,
    references: &BTreeMap<CharacteristicId, f64>,
    codes: &[DefectCode],
) -> OrderCharacteristic {
    let (c, d, now) = (o.characteristic, o.drawn, o.now);
    let drawn_severity = d.severity.as_deref().and_then(SwitchingSeverity::parse);
    let sample_size = u64::try_from(d.sample_size).unwrap_or(0);
    let ac = d.acceptance_number.and_then(|a| u32::try_from(a).ok());
    let re = d.rejection_number.and_then(|r| u32::try_from(r).ok());
    let full = d.inspection == Mode::Full;
    let units_listed = !full || lot_size <= FULL_INSPECTION_LIST_LIMIT;
    let units = if full {
        if units_listed {
            (1..=lot_size).collect()
        } else {
            Vec::new()
        }
    } else {
        d.units
            .iter()
            .map(|u| u64::from(u.unsigned_abs()))
            .collect()
    };
    let now_plan = (
        now.mode,
        now.applied.sample_size,
        Some(now.applied.acceptance_number),
        Some(now.applied.rejection_number),
    );
    let plan_changed = (drawn_severity != Some(now.severity)
        || now_plan != (d.inspection, sample_size, ac, re))
        .then(|| {
            format!(
                "The switching state is now {} (the order was drawn at {}): a decision made now would use {} (n {}, Ac {}, Re {}) instead of {} (n {sample_size}). The order is not drawn again: the units stay those drawn, so the sample recorded is the one drawn. The decision judges the units actually recorded under the plan of the switching state when it is made: while fewer units are recorded than that plan's n it stays pending, and the extra units are to be taken at random from those not yet inspected.",
                now.severity.as_str(),
                drawn_severity.map_or("an unknown state", SwitchingSeverity::as_str),
                mode_words(now.mode),
                now.applied.sample_size,
                now.applied.acceptance_number,
                now.applied.rejection_number,
                mode_words(d.inspection),
            )
        });
    // The master table exists only when there is a plan (not for a lot of one unit).
    let severity = drawn_severity
        .filter(|_| d.code_letter.is_some())
        .map(SwitchingSeverity::plan_severity);
    let mut reason = d.reason;
    if !units_listed {
        reason.push_str(&format!(
            " Every unit of the lot is to be inspected: the {lot_size} unit numbers are not listed (more than {FULL_INSPECTION_LIST_LIMIT})."
        ));
    }
    OrderCharacteristic {
        characteristic_id: c.id,
        reference_value: references.get(&c.id).copied(),
        name: c.name,
        kind: c.kind,
        unit_of_measure: c.unit,
        nominal: c.nominal,
        lower_limit: c.lsl,
        upper_limit: c.usl,
        destructive: d.destructive,
        inspection: d.inspection,
        reason,
        code_letter: d.code_letter,
        severity,
        switching_severity: drawn_severity,
        severity_now: now.severity,
        plan_changed,
        sample_size,
        ac,
        re,
        units,
        units_listed,
        defect_codes: match c.kind {
            Kind::Attribute => codes
                .iter()
                .map(|d| OrderDefectCode {
                    code: d.code.clone(),
                    name: d.name.clone(),
                })
                .collect(),
            Kind::Variable => Vec::new(),
        },
    }
}

fn mode_words(mode: Mode) -> &'static str {
    match mode {
        Mode::Sampling => "sampling",
        Mode::Full => "full inspection",
    }
}

/// Read the inspection order of a lot: which units to draw and what to check on each.
///
/// Per characteristic: full inspection or sampling and why (the decision's reasons), the
/// code letter, the severity from the switching state, n, Ac and Re, the spec limits
/// and nominal, the approved golden-sample revision's reference value; and the lot unit
/// numbers to draw, chosen uniformly at random without replacement from 1..=N.
/// Characteristics with the same n share their units (a smaller sample is part of a
/// larger one); a destructive test gets units of its own while the lot has enough.
///
/// The order is drawn on the first call and stored with its seed: every later call, from
/// any tablet, returns the same units. When the switching state changes afterwards, the
/// order stays as drawn: `severity_now` and `plan_changed` say what a decision would now
/// use. The decision judges the sample actually recorded, under the plan of the
/// switching state when it is made (pending while fewer units are recorded than its n).
///
/// Record what was inspected with `record_inspection`, `unit` being the lot unit number.
/// A cancelled lot has no order (409). A token bound to a supplier reads only that
/// supplier's lots.
#[utoipa::path(
    tag = "lots",
    params(("lot_id" = LotId, Path, description = "Id of the lot")),
    responses(
        (status = 200, description = "The lot's inspection order", body = InspectionPlanView),
        (status = 404, response = responses::NotFound),
        (status = 409, response = responses::Conflict),
        (status = 503, response = responses::Unavailable),
    )
)]
#[get("/lots/{lot_id}/inspection-plan")]
pub async fn get_inspection_plan(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<LotId>,
) -> Result<web::Json<InspectionPlanView>, ApiError> {
    let id = path.into_inner();
    let order = db(&state, move |conn| Ok(service::get(conn, &caller.0, id)?)).await?;
    Ok(web::Json(InspectionPlanView::new(order)))
}
