//! The dates lotgate records: a lot's production and an inspection's time lie between
//! the start of 2000 and a day ahead of the server's clock. Anything earlier is a typo
//! (`0001-01-01`, `1926` for `2026`) that would sort first in every history; a day ahead
//! allows for a factory in a time zone ahead of UTC and a tablet's clock running fast.

use chrono::{DateTime, Duration, NaiveDate, Utc};

/// The earliest production or inspection date lotgate records.
pub const EARLIEST: NaiveDate = match NaiveDate::from_ymd_opt(2000, 1, 1) {
    Some(date) => date,
    None => panic!("2000-01-01 is a date"),
};

/// How far ahead of the server's clock a recorded date or time may lie.
pub const CLOCK_SKEW: Duration = Duration::hours(24);

/// Why a production or inspection date cannot be recorded, or `None` when it can.
pub fn implausible_date(date: NaiveDate, now: DateTime<Utc>) -> Option<String> {
    if date < EARLIEST {
        Some(format!(
            "{date} is before {EARLIEST}, the earliest date lotgate records; check the year"
        ))
    } else if date > (now + CLOCK_SKEW).date_naive() {
        Some(format!(
            "{date} lies more than a day in the future; check the date and the device's clock"
        ))
    } else {
        None
    }
}

/// Why an inspection time cannot be recorded, or `None` when it can.
pub fn implausible_time(at: DateTime<Utc>, now: DateTime<Utc>) -> Option<String> {
    if at.date_naive() < EARLIEST {
        Some(format!(
            "{} is before {EARLIEST}, the earliest date lotgate records; check the year",
            at.format("%Y-%m-%dT%H:%M:%SZ")
        ))
    } else if at > now + CLOCK_SKEW {
        Some("lies more than a day in the future; check the tablet's clock".to_string())
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn dates_from_2000_to_a_day_ahead_are_recorded() {
        let now = day(2026, 12, 3).and_hms_opt(22, 0, 0).unwrap().and_utc();
        assert_eq!(implausible_date(day(2000, 1, 1), now), None);
        assert_eq!(implausible_date(day(2026, 12, 4), now), None);
        assert_eq!(implausible_time(now + Duration::hours(24), now), None);
    }

    #[test]
    fn earlier_and_later_dates_are_refused_saying_why() {
        let now = day(2026, 12, 3).and_hms_opt(22, 0, 0).unwrap().and_utc();
        let early = implausible_date(day(1, 1, 1), now).unwrap();
        assert!(early.contains("before 2000-01-01"), "{early}");
        assert!(implausible_date(day(1999, 12, 31), now).is_some());
        let late = implausible_date(day(2026, 12, 5), now).unwrap();
        assert!(late.contains("in the future"), "{late}");
        let at = day(1999, 12, 31).and_hms_opt(23, 59, 59).unwrap().and_utc();
        assert!(
            implausible_time(at, now)
                .unwrap()
                .contains("before 2000-01-01")
        );
        assert!(implausible_time(now + Duration::hours(25), now).is_some());
    }
}
