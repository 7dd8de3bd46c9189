//! The specification a characteristic is measured against.

use serde::Serialize;

use crate::error::StatsError;

/// Specification of one variable characteristic, in the unit of the
/// measurements (mm, g, ...). Every field is optional; one-sided limits are allowed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Spec {
    /// Nominal (target) value.
    pub nominal: Option<f64>,
    /// Lower specification limit.
    pub lsl: Option<f64>,
    /// Upper specification limit.
    pub usl: Option<f64>,
    /// Reference value measured on the approved golden sample.
    pub golden_sample: Option<f64>,
}

impl Spec {
    /// Tolerance width `usl - lsl`, when both limits are given.
    pub fn tolerance(&self) -> Option<f64> {
        Some(self.usl? - self.lsl?)
    }

    /// Checks that all given values are finite and that `lsl < usl`.
    pub fn validate(&self) -> Result<(), StatsError> {
        let named = [
            ("nominal", self.nominal),
            ("lsl", self.lsl),
            ("usl", self.usl),
            ("golden_sample", self.golden_sample),
        ];
        for (name, value) in named {
            if let Some(value) = value.filter(|v| !v.is_finite()) {
                return Err(StatsError::NonFiniteSpecValue { name, value });
            }
        }
        match (self.lsl, self.usl) {
            (Some(lsl), Some(usl)) if lsl >= usl => Err(StatsError::LimitsNotOrdered { lsl, usl }),
            _ => Ok(()),
        }
    }
}
