//! Deviation statistics and process capability: a stateless calculator, per lot, and per
//! characteristic across lots.

mod calculator;
mod characteristic;
mod lot;
mod view;

pub use calculator::{CapabilityRequest, compute_capability};
pub use characteristic::{
    CapabilityQuery, CharacteristicCapability, LotPoint, get_characteristic_capability,
};
pub use lot::{
    CharacteristicStatistics, GoldenReferenceView, InspectionStatistics, LotStatistics,
    SourceStatistics, get_lot_statistics,
};
pub use view::{
    CapabilityView, ChartSeriesView, ControlChartView, ValuesView, ViolationView, WarningView,
};

use serde::Serialize;
use utoipa::ToSchema;

use super::error::ApiError;
use crate::db::models::Characteristic;

/// Subgroup sizes with a d2 constant (ISO 7870-2 / ASTM E2587 tables): 1 to 25.
const MAX_SUBGROUP: i64 = 25;

/// The specification the statistics were computed against.
#[derive(Debug, Serialize, ToSchema)]
pub struct SpecView {
    /// Nominal value.
    pub nominal: Option<f64>,
    /// Lower specification limit.
    pub lsl: Option<f64>,
    /// Upper specification limit.
    pub usl: Option<f64>,
    /// Unit of measurement.
    pub unit: Option<String>,
}

impl From<&Characteristic> for SpecView {
    fn from(c: &Characteristic) -> Self {
        SpecView {
            nominal: c.nominal,
            lsl: c.lsl,
            usl: c.usl,
            unit: c.unit.clone(),
        }
    }
}

/// Checks a requested subgroup size (query or body field `subgroup_size`).
fn subgroup_size(requested: Option<i64>) -> Result<usize, String> {
    match requested.unwrap_or(1) {
        n @ 1..=MAX_SUBGROUP => Ok(n as usize),
        n => Err(format!("must be between 1 and {MAX_SUBGROUP}, got {n}")),
    }
}

/// The subgroup size of a query, refused by name when out of range.
pub(crate) fn subgroup_param(requested: Option<i64>) -> Result<usize, ApiError> {
    subgroup_size(requested).map_err(|message| ApiError::invalid_field("subgroup_size", message))
}
