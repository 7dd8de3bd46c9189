//! What the reviewer's charts are drawn from: a variable characteristic's values in a
//! lot with the same statistics `get_lot_statistics` reports, and the operating
//! characteristic of the plan a lot's decision used for a sampled characteristic.
//!
//! Like the statistics, each comes as a read that holds the connection and a pure step
//! run after it went back to the pool.

use diesel::PgConnection;
use lotgate_sampling::{self as sampling, OcModel, OcPoint};

use super::ServiceError;
use super::statistics::{self, CharacteristicReport, LotSeries};
use crate::auth::Principal;
use crate::decision::types::{CharacteristicDecision, LotDecisionView};
use crate::domain::{CharacteristicId, Kind, LotId, Mode};

/// A lot's series narrowed to one variable characteristic.
pub fn variable_series(
    conn: &mut PgConnection,
    by: &Principal,
    lot_id: LotId,
    characteristic_id: CharacteristicId,
) -> Result<LotSeries, ServiceError> {
    let mut series = statistics::lot_series(conn, by, lot_id)?;
    series
        .characteristics
        .retain(|c| c.id == characteristic_id && c.kind == Kind::Variable);
    if series.characteristics.is_empty() {
        return Err(ServiceError::not_found(
            "variable characteristic of the lot's part",
            characteristic_id,
        ));
    }
    Ok(series)
}

/// The values of one variable characteristic, pooled as the statistics pool them (in
/// inspection then unit order), with its report.
pub struct VariableChart {
    pub values: Vec<f64>,
    pub report: CharacteristicReport,
}

/// The pooled values and the report of the one characteristic left in `series`.
pub fn variable_chart(series: LotSeries, subgroup: usize) -> Result<VariableChart, ServiceError> {
    let id = series
        .characteristics
        .first()
        .map(|c| c.id)
        .ok_or_else(|| ServiceError::internal("a chart's series without its characteristic"))?;
    let values: Vec<f64> = series
        .inspections
        .iter()
        .filter_map(|i| i.series.get(&id))
        .flat_map(|v| v.iter().copied())
        .collect();
    let report = statistics::lot_report(series, subgroup)?
        .characteristics
        .pop()
        .ok_or_else(|| ServiceError::internal("the report left out the chart's characteristic"))?;
    Ok(VariableChart { values, report })
}

/// The OC curve of the plan a lot was decided under, for one characteristic.
pub struct OperatingCharacteristic {
    pub decision: CharacteristicDecision,
    pub lot_size: u64,
    /// The curve under the hypergeometric model for the lot size (type A: a finite lot).
    pub curve: Vec<OcPoint>,
    /// The fraction nonconforming the lot's sample showed, and Pa at it.
    pub observed: Option<(f64, f64)>,
}

/// Reads the lot's latest decision and the entry of `characteristic_id` in it.
pub fn decided_characteristic(
    conn: &mut PgConnection,
    by: &Principal,
    lot_id: LotId,
    characteristic_id: CharacteristicId,
) -> Result<(u64, CharacteristicDecision), ServiceError> {
    let text = super::decisions::document(conn, by, lot_id, None)?;
    let view: LotDecisionView = serde_json::from_slice(&text.0).map_err(ServiceError::internal)?;
    let lot_size = view.lot_size;
    let decision = view
        .characteristics
        .into_iter()
        .find(|c| c.characteristic_id == characteristic_id)
        .ok_or_else(|| {
            ServiceError::not_found("characteristic in the lot's decision", characteristic_id)
        })?;
    Ok((lot_size, decision))
}

/// The OC curve of a sampled characteristic's plan with the lot's observed fraction;
/// a characteristic inspected in full has no OC curve (404).
pub fn operating_characteristic(
    lot_size: u64,
    decision: CharacteristicDecision,
) -> Result<OperatingCharacteristic, ServiceError> {
    let plan = decision.applied;
    if decision.mode != Mode::Sampling || plan.full_inspection || plan.sample_size >= lot_size {
        return Err(ServiceError::not_found(
            "sampling plan (the characteristic was inspected in full) for characteristic",
            decision.characteristic_id,
        ));
    }
    let model = OcModel::Hypergeometric { lot_size };
    let (n, c) = (plan.sample_size, plan.acceptance_number);
    let curve = sampling::oc_curve(model, lot_size, n, c, &sampling::default_grid(n, c))
        .map_err(ServiceError::internal)?;
    let observed = match decision.units_inspected {
        0 => None,
        units => {
            let p = decision.defectives as f64 / units as f64;
            let pa = sampling::probability_of_acceptance(model, n, c, p)
                .map_err(ServiceError::internal)?;
            Some((p, pa))
        }
    };
    Ok(OperatingCharacteristic {
        decision,
        lot_size,
        curve,
        observed,
    })
}
