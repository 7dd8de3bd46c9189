//! Values with rules: an AQL from the standard's series, a positive lot size, ordered
//! specification limits, a finite measurement.

use thiserror::Error;

/// Why a value was refused, in the words of the shop floor.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum DomainError {
    #[error("AQL {0} is not in the ISO 2859-1 series (0.010, 0.015, 0.025, ..., 650, 1000)")]
    AqlNotInTable(f64),
    #[error("lot size must be at least 1, got {0}")]
    LotSizeTooSmall(i64),
    #[error("lot size {0} is larger than lotgate accepts ({max})", max = LotSize::MAX)]
    LotSizeTooLarge(i64),
    #[error("value must be a finite number")]
    NotFinite,
    #[error("lower specification limit {lsl} must be below the upper limit {usl}")]
    LimitsOutOfOrder { lsl: f64, usl: f64 },
    #[error("nominal {nominal} lies outside the specification limits")]
    NominalOutsideLimits { nominal: f64 },
    #[error("an attribute characteristic has no nominal value or specification limits")]
    LimitsOnAttribute,
}

/// Acceptance quality limit in percent, one of the 26 preferred values of ISO 2859-1
/// (percent nonconforming up to 10, nonconformities per hundred units above): the
/// sampling tables' own column, so the series is written down once.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Aql(lotgate_sampling::Aql);

impl Aql {
    /// The preferred AQL series of ISO 2859-1:1999, Tables II-A to II-C (column heads).
    pub const SERIES: [f64; 26] = lotgate_sampling::AQL_PERCENT;

    /// Accepts a value of the standard's series (to within rounding of its decimal form).
    pub fn parse(percent: f64) -> Result<Self, DomainError> {
        lotgate_sampling::Aql::from_percent(percent)
            .map(Aql)
            .map_err(|_| DomainError::AqlNotInTable(percent))
    }

    /// The AQL in percent.
    pub fn percent(self) -> f64 {
        self.0.percent()
    }

    /// The column of the sampling tables.
    pub fn column(self) -> lotgate_sampling::Aql {
        self.0
    }
}

/// Number of units in a lot: at least 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LotSize(i32);

impl LotSize {
    /// Lots beyond this are continuous production, not a lot.
    pub const MAX: i32 = 100_000_000;

    pub fn parse(n: i64) -> Result<Self, DomainError> {
        if n < 1 {
            Err(DomainError::LotSizeTooSmall(n))
        } else if n > i64::from(Self::MAX) {
            Err(DomainError::LotSizeTooLarge(n))
        } else {
            Ok(LotSize(n as i32))
        }
    }

    pub fn get(self) -> i32 {
        self.0
    }
}

/// A measured value: always a finite number.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Measurement(f64);

impl Measurement {
    pub fn parse(value: f64) -> Result<Self, DomainError> {
        if value.is_finite() {
            Ok(Measurement(value))
        } else {
            Err(DomainError::NotFinite)
        }
    }

    pub fn get(self) -> f64 {
        self.0
    }
}

/// Nominal value and specification limits of a variable characteristic. Either limit
/// may be absent (a one-sided specification); when both are present `lsl < usl`, and a
/// nominal lies within the limits that exist.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct SpecLimits {
    nominal: Option<f64>,
    lsl: Option<f64>,
    usl: Option<f64>,
}

impl SpecLimits {
    /// The error names which rule was broken; the caller knows which field it came from.
    pub fn parse(
        nominal: Option<f64>,
        lsl: Option<f64>,
        usl: Option<f64>,
    ) -> Result<Self, DomainError> {
        for v in [nominal, lsl, usl].into_iter().flatten() {
            if !v.is_finite() {
                return Err(DomainError::NotFinite);
            }
        }
        if let (Some(lsl), Some(usl)) = (lsl, usl)
            && lsl >= usl
        {
            return Err(DomainError::LimitsOutOfOrder { lsl, usl });
        }
        if let Some(nominal) = nominal
            && (lsl.is_some_and(|l| nominal < l) || usl.is_some_and(|u| nominal > u))
        {
            return Err(DomainError::NominalOutsideLimits { nominal });
        }
        Ok(SpecLimits { nominal, lsl, usl })
    }

    pub fn nominal(&self) -> Option<f64> {
        self.nominal
    }
    pub fn lsl(&self) -> Option<f64> {
        self.lsl
    }
    pub fn usl(&self) -> Option<f64> {
        self.usl
    }

    /// Whether a value lies outside the limits that exist (a limit itself is in spec).
    pub fn is_outside(&self, value: f64) -> bool {
        self.lsl.is_some_and(|l| value < l) || self.usl.is_some_and(|u| value > u)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_every_aql_of_the_standard_series_as_written_in_decimal() {
        // Column heads of ISO 2859-1 Table II-A, as a client would type them.
        for text in ["0.010", "0.065", "0.65", "1.0", "2.5", "6.5", "65", "1000"] {
            let v: f64 = text.parse().unwrap();
            assert_eq!(Aql::parse(v).unwrap().percent(), v);
        }
    }

    #[test]
    fn refuses_an_aql_between_the_preferred_values() {
        assert_eq!(Aql::parse(0.5), Err(DomainError::AqlNotInTable(0.5)));
        assert_eq!(Aql::parse(2.0), Err(DomainError::AqlNotInTable(2.0)));
    }

    #[test]
    fn refuses_limits_out_of_order_and_equal_limits() {
        assert!(matches!(
            SpecLimits::parse(None, Some(2.0), Some(1.0)),
            Err(DomainError::LimitsOutOfOrder { .. })
        ));
        assert!(SpecLimits::parse(None, Some(1.0), Some(1.0)).is_err());
    }

    #[test]
    fn refuses_a_nominal_outside_a_one_sided_limit() {
        assert_eq!(
            SpecLimits::parse(Some(0.5), Some(1.0), None),
            Err(DomainError::NominalOutsideLimits { nominal: 0.5 })
        );
    }

    #[test]
    fn a_value_on_a_limit_is_in_specification() {
        let spec = SpecLimits::parse(Some(10.0), Some(9.9), Some(10.1)).unwrap();
        assert!(!spec.is_outside(9.9));
        assert!(!spec.is_outside(10.1));
        assert!(spec.is_outside(10.100001));
    }

    proptest! {
        #[test]
        fn parsed_limits_are_always_ordered(a in -1e6f64..1e6, b in -1e6f64..1e6) {
            if let Ok(spec) = SpecLimits::parse(None, Some(a), Some(b)) {
                prop_assert!(spec.lsl().unwrap() < spec.usl().unwrap());
            } else {
                prop_assert!(a >= b);
            }
        }

        #[test]
        fn measurements_are_finite_or_refused(v in proptest::num::f64::ANY) {
            prop_assert_eq!(Measurement::parse(v).is_ok(), v.is_finite());
        }

        #[test]
        fn lot_sizes_below_one_are_refused(n in -1000i64..1000) {
            prop_assert_eq!(LotSize::parse(n).is_ok(), n >= 1);
        }
    }
}
