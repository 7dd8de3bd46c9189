//! Dates and times as the API reads them: RFC 3339, whose years have four digits.
//!
//! chrono also reads years with a sign and more digits (`-262143-01-01`,
//! `+10000-01-01`), which PostgreSQL cannot store or compare; a query with one failed in
//! the database. These readers refuse such years while the request is parsed, so the
//! problem names the field. Use them with `#[serde(deserialize_with = ...)]` on every
//! date or time a request carries (and `default` beside the optional ones).

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Deserializer, de::Error};

/// The years RFC 3339 can write.
const YEARS: std::ops::RangeInclusive<i32> = 1..=9999;

fn in_range<E: Error>(year: i32) -> Result<(), E> {
    if YEARS.contains(&year) {
        Ok(())
    } else {
        Err(E::custom(format!(
            "the year {year} is outside 0001 to 9999; write the date as YYYY-MM-DD (RFC 3339)"
        )))
    }
}

/// A `YYYY-MM-DD` date with a year from 0001 to 9999.
pub fn date<'de, D: Deserializer<'de>>(de: D) -> Result<NaiveDate, D::Error> {
    let date = NaiveDate::deserialize(de)?;
    in_range(date.year())?;
    Ok(date)
}

/// An optional [`date`]: absent (with `default`) or `null` is `None`.
pub fn optional_date<'de, D: Deserializer<'de>>(de: D) -> Result<Option<NaiveDate>, D::Error> {
    let date = Option::<NaiveDate>::deserialize(de)?;
    if let Some(d) = date {
        in_range(d.year())?;
    }
    Ok(date)
}

/// An RFC 3339 timestamp whose UTC year is from 0001 to 9999.
pub fn timestamp<'de, D: Deserializer<'de>>(de: D) -> Result<DateTime<Utc>, D::Error> {
    let at = DateTime::<Utc>::deserialize(de)?;
    in_range(at.year())?;
    Ok(at)
}

/// An optional [`timestamp`]: absent (with `default`) or `null` is `None`.
pub fn optional_timestamp<'de, D: Deserializer<'de>>(
    de: D,
) -> Result<Option<DateTime<Utc>>, D::Error> {
    let at = Option::<DateTime<Utc>>::deserialize(de)?;
    if let Some(t) = at {
        in_range(t.year())?;
    }
    Ok(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    struct Dated {
        #[serde(deserialize_with = "date")]
        on: NaiveDate,
        #[serde(default, deserialize_with = "optional_timestamp")]
        at: Option<DateTime<Utc>>,
    }

    fn read(json: &str) -> Result<Dated, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    #[test]
    fn four_digit_years_are_read() {
        let d = read(r#"{"on": "0001-01-01", "at": "9999-12-31T23:59:59Z"}"#).unwrap();
        assert_eq!(d.on, NaiveDate::from_ymd_opt(1, 1, 1).unwrap());
        assert_eq!(d.at.unwrap().year(), 9999);
        assert!(read(r#"{"on": "2026-12-03"}"#).unwrap().at.is_none());
        assert!(
            read(r#"{"on": "2026-12-03", "at": null}"#)
                .unwrap()
                .at
                .is_none()
        );
    }

    #[test]
    fn years_chrono_reads_beyond_rfc_3339_are_refused() {
        // Each of these parses as a chrono date or time; none is RFC 3339.
        for json in [
            r#"{"on": "-262143-01-01"}"#,
            r#"{"on": "+10000-01-01"}"#,
            r#"{"on": "0000-12-31"}"#,
            r#"{"on": "2026-01-01", "at": "+10000-01-01T00:00:00Z"}"#,
        ] {
            let err = read(json).unwrap_err();
            assert!(err.contains("outside 0001 to 9999"), "{json}: {err}");
        }
    }
}
