//! Shewhart control-chart constants for subgroup sizes 2..=25.
//!
//! Source: D. C. Montgomery, *Introduction to Statistical Quality Control*,
//! Appendix VI "Factors for Constructing Variables Control Charts" (values from
//! ASTM STP 15D, *Manual on Presentation of Data and Control Chart Analysis*;
//! the same d2 values appear in ASTM E2587 and in the NIST/SEMATECH
//! e-Handbook of Statistical Methods, section 6.3.2). Tabled to three decimals,
//! exactly as printed, so that limits agree with hand calculations and with
//! commercial SPC software that uses the table.

/// Smallest rational subgroup size with tabled constants.
pub const MIN_SUBGROUP: usize = 2;
/// Largest rational subgroup size with tabled constants.
pub const MAX_SUBGROUP: usize = 25;

/// z(0.975), the two-sided 95 % standard-normal quantile (R: `qnorm(0.975)`).
pub const Z_975: f64 = 1.959_963_984_540_054;

/// Row of the table: (d2, A2, D3, D4), index = subgroup size - 2.
const TABLE: [(f64, f64, f64, f64); 24] = [
    (1.128, 1.880, 0.000, 3.267),
    (1.693, 1.023, 0.000, 2.574),
    (2.059, 0.729, 0.000, 2.282),
    (2.326, 0.577, 0.000, 2.114),
    (2.534, 0.483, 0.000, 2.004),
    (2.704, 0.419, 0.076, 1.924),
    (2.847, 0.373, 0.136, 1.864),
    (2.970, 0.337, 0.184, 1.816),
    (3.078, 0.308, 0.223, 1.777),
    (3.173, 0.285, 0.256, 1.744),
    (3.258, 0.266, 0.283, 1.717),
    (3.336, 0.249, 0.307, 1.693),
    (3.407, 0.235, 0.328, 1.672),
    (3.472, 0.223, 0.347, 1.653),
    (3.532, 0.212, 0.363, 1.637),
    (3.588, 0.203, 0.378, 1.622),
    (3.640, 0.194, 0.391, 1.608),
    (3.689, 0.187, 0.403, 1.597),
    (3.735, 0.180, 0.415, 1.585),
    (3.778, 0.173, 0.425, 1.575),
    (3.819, 0.167, 0.434, 1.566),
    (3.858, 0.162, 0.443, 1.557),
    (3.895, 0.157, 0.451, 1.548),
    (3.931, 0.153, 0.459, 1.541),
];

/// Control-chart constants for one subgroup size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChartConstants {
    /// d2: expected range of `size` standard-normal values; sigma = R-bar / d2.
    pub d2: f64,
    /// A2: X-bar chart limits are X-double-bar ± A2 · R-bar.
    pub a2: f64,
    /// D3: lower R-chart limit is D3 · R-bar.
    pub d3: f64,
    /// D4: upper R-chart limit is D4 · R-bar.
    pub d4: f64,
}

/// Constants for a subgroup of `size` values (2..=25); `None` outside the table.
///
/// For individual values (size 1) use size 2: the moving range of span 2 is a
/// range of two values, hence d2 = 1.128 and D4 = 3.267.
pub fn chart_constants(size: usize) -> Option<ChartConstants> {
    if !(MIN_SUBGROUP..=MAX_SUBGROUP).contains(&size) {
        return None;
    }
    let (d2, a2, d3, d4) = TABLE[size - MIN_SUBGROUP];
    Some(ChartConstants { d2, a2, d3, d4 })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_covers_sizes_two_to_twenty_five_only() {
        assert!(chart_constants(1).is_none());
        assert!(chart_constants(26).is_none());
        assert_eq!(chart_constants(5).map(|c| c.d2), Some(2.326));
    }

    #[test]
    fn tabled_a2_agrees_with_three_over_d2_root_n_to_table_precision() {
        // A2 = 3 / (d2 sqrt(n)) by definition; a typo in the table would show here.
        for n in MIN_SUBGROUP..=MAX_SUBGROUP {
            let c = chart_constants(n).unwrap();
            let a2 = 3.0 / (c.d2 * (n as f64).sqrt());
            assert!((a2 - c.a2).abs() < 1.5e-3, "n={n}: {a2} vs {}", c.a2);
        }
    }

    #[test]
    fn tabled_d3_and_d4_are_symmetric_about_one() {
        for n in 7..=MAX_SUBGROUP {
            let c = chart_constants(n).unwrap();
            assert!((c.d3 + c.d4 - 2.0).abs() <= 1.5e-3, "n={n}");
        }
    }
}
