//! A supplier's scorecard figures, summed from its decided lots: pure arithmetic over
//! one row per lot, so that the totals and every month add up to the lots behind them.

use chrono::{Datelike, NaiveDate};
use lotgate_stats::{Proportion, clopper_pearson};

/// Confidence of the ppm interval.
pub const PPM_CONFIDENCE: f64 = 0.95;

/// One decided lot as the scorecard counts it.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoredLot {
    pub produced_on: NaiveDate,
    /// The latest decision accepted the lot (its verdict is the original inspection's).
    pub accepted: bool,
    /// Resubmissions of the lot recorded (ISO 2859-1 7.6).
    pub resubmissions: u64,
    /// Units counted in the lot (see the API field `units_inspected`).
    pub units_inspected: u64,
    /// Of those, the units with any nonconforming result.
    pub units_nonconforming: u64,
}

/// The figures of a set of lots.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Figures {
    pub lots_decided: u64,
    pub lots_accepted: u64,
    pub resubmissions: u64,
    pub units_inspected: u64,
    pub units_nonconforming: u64,
}

impl Figures {
    fn add(&mut self, lot: &ScoredLot) {
        self.lots_decided += 1;
        self.lots_accepted += u64::from(lot.accepted);
        self.resubmissions += lot.resubmissions;
        self.units_inspected += lot.units_inspected;
        self.units_nonconforming += lot.units_nonconforming;
    }

    /// Lots accepted over lots decided; `None` without lots.
    pub fn acceptance_rate(&self) -> Option<f64> {
        (self.lots_decided > 0).then(|| self.lots_accepted as f64 / self.lots_decided as f64)
    }

    /// Nonconforming units per million inspected, with its exact 95 % interval (also in
    /// ppm); `None` without units.
    pub fn ppm(&self) -> Option<Proportion> {
        clopper_pearson(
            self.units_nonconforming,
            self.units_inspected,
            PPM_CONFIDENCE,
        )
        .map(|p| Proportion {
            estimate: p.estimate * 1e6,
            lower: p.lower * 1e6,
            upper: p.upper * 1e6,
        })
    }
}

/// A calendar month of production.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    pub year: i32,
    pub month: u32,
}

impl Month {
    pub fn of(day: NaiveDate) -> Self {
        Month {
            year: day.year(),
            month: day.month(),
        }
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// The figures of all `lots`, and of each month of production that has lots, months in
/// order.
pub fn tally(lots: &[ScoredLot]) -> (Figures, Vec<(Month, Figures)>) {
    let mut total = Figures::default();
    let mut months: std::collections::BTreeMap<Month, Figures> = Default::default();
    for lot in lots {
        total.add(lot);
        months
            .entry(Month::of(lot.produced_on))
            .or_default()
            .add(lot);
    }
    (total, months.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lot(day: &str, accepted: bool, units: u64, bad: u64) -> ScoredLot {
        ScoredLot {
            produced_on: day.parse().unwrap(),
            accepted,
            resubmissions: u64::from(!accepted),
            units_inspected: units,
            units_nonconforming: bad,
        }
    }

    #[test]
    fn the_total_is_the_sum_of_the_months_in_order() {
        let lots = [
            lot("2026-11-03", true, 50, 0),
            lot("2026-10-30", false, 50, 3),
            lot("2026-11-20", true, 80, 1),
        ];

        let (total, months) = tally(&lots);

        assert_eq!(
            months
                .iter()
                .map(|(m, _)| m.to_string())
                .collect::<Vec<_>>(),
            ["2026-10", "2026-11"]
        );
        let (oct, nov) = (&months[0].1, &months[1].1);
        assert_eq!((oct.lots_decided, oct.lots_accepted), (1, 0));
        assert_eq!((nov.lots_decided, nov.lots_accepted), (2, 2));
        assert_eq!(total.lots_decided, 3);
        assert_eq!(total.lots_accepted, 2);
        assert_eq!(total.resubmissions, 1);
        assert_eq!((total.units_inspected, total.units_nonconforming), (180, 4));
    }

    /// 4 nonconforming in 180: 22,222.2 ppm; SciPy 1.17.1
    /// `binomtest(4, 180).proportion_ci(method="exact")` gives
    /// (0.006087231522827558, 0.055917697081776296).
    #[test]
    fn ppm_is_per_million_with_the_exact_interval() {
        let f = Figures {
            units_inspected: 180,
            units_nonconforming: 4,
            ..Figures::default()
        };
        let p = f.ppm().unwrap();
        assert!((p.estimate - 22_222.222_222).abs() < 1e-3);
        assert!((p.lower - 6_087.231_522_828).abs() < 1e-3, "{}", p.lower);
        assert!((p.upper - 55_917.697_081_776).abs() < 1e-3, "{}", p.upper);
        assert_eq!(Figures::default().ppm(), None);
        assert_eq!(Figures::default().acceptance_rate(), None);
    }
}
