//! Errors for input that no statistic can be computed from.

use thiserror::Error;

/// Input that is invalid in itself (as opposed to merely too small or too
/// uniform, which gives `None` values plus a [`crate::Warning`]).
#[derive(Debug, Clone, PartialEq, Error)]
pub enum StatsError {
    /// A measurement is NaN or infinite.
    #[error("measurement {index} is {value}, not a finite number")]
    NonFiniteMeasurement {
        /// Zero-based position of the measurement in production order.
        index: usize,
        /// The offending value.
        value: f64,
    },
    /// A specification value (nominal, lsl, usl or golden sample) is NaN or infinite.
    #[error("specification value {name} is {value}, not a finite number")]
    NonFiniteSpecValue {
        /// Which value: "nominal", "lsl", "usl" or "golden_sample".
        name: &'static str,
        /// The offending value.
        value: f64,
    },
    /// The lower specification limit is not below the upper one.
    #[error("lower specification limit {lsl} is not below upper specification limit {usl}")]
    LimitsNotOrdered {
        /// Lower specification limit.
        lsl: f64,
        /// Upper specification limit.
        usl: f64,
    },
    /// The subgroup size is 0 or larger than the control-chart table (25).
    #[error(
        "subgroup size {size} is not supported: use 1 for individual values or 2 to 25 for rational subgroups"
    )]
    SubgroupSizeOutOfRange {
        /// The requested subgroup size.
        size: usize,
    },
}

/// Rejects NaN and infinite measurements, naming the first one.
pub(crate) fn check_finite(values: &[f64]) -> Result<(), StatsError> {
    // Fast path: one branch-free pass; only search for the index on failure.
    if values.iter().fold(true, |ok, v| ok & v.is_finite()) {
        return Ok(());
    }
    let (index, &value) = values
        .iter()
        .enumerate()
        .find(|(_, v)| !v.is_finite())
        .expect("a non-finite value was detected");
    Err(StatsError::NonFiniteMeasurement { index, value })
}

/// Rejects subgroup sizes outside 1..=25.
pub(crate) fn check_subgroup_size(size: usize) -> Result<(), StatsError> {
    if (1..=crate::constants::MAX_SUBGROUP).contains(&size) {
        Ok(())
    } else {
        Err(StatsError::SubgroupSizeOutOfRange { size })
    }
}
