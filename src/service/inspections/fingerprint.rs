//! The retry fingerprint of a recorded inspection: the SHA-256 of a canonical form of what
//! the client sent, stored with the inspection (`inspections.body_sha256`). A retry under
//! the same inspection id is the same inspection only if its fingerprint is the same.
//!
//! # Version 1 is frozen
//!
//! The canonical form is written here by hand, field by field, never by serialising a
//! request type: a field added to the API, a renamed Rust field or a new serde_json or
//! chrono release must not change the fingerprint of a request stored earlier, or the
//! retry of a tablet that was offline across an upgrade would be refused as a different
//! body. Version 1 is exactly the bytes lotgate hashed before this module existed
//! (`serde_json::to_vec(&(lot_id, request))`, with the correction as a third element,
//! under serde_json 1.0.154 and chrono 0.4.45), so every fingerprint stored stays valid.
//! `tests/fixtures/fingerprint-v1.json` holds frozen cases computed by that code; the
//! tests read it.
//!
//! Changing any byte written here makes a version 2: a new function beside [`v1`], a
//! version column stored with the fingerprint (existing rows being version 1) and a
//! replay that hashes a retry with the version of the stored row. A field added to
//! [`NewInspection`] stays out of v1 (the exhaustive patterns below make the compiler
//! point here when one is added); v1 of an input that leaves it empty is unchanged.
//!
//! The form, for reference (JSON without whitespace, fields in this order):
//!
//! ```text
//! ["<lot_id>",{"id":"<uuid>","source":"factory|in_house","mode":"sampling|full",
//!  "inspector":<string, as sent>,"inspected_at":"<timestamp>",
//!  "golden_sample_revision_id":<"uuid"|null>,"units":[
//!   {"unit":<integer>,"serial":<string|null>,
//!    "measurements":[{"characteristic_id":"<uuid>","value":<number>},...],
//!    "attributes":[{"characteristic_id":"<uuid>","pass":<true|false>,
//!                   "defects":<integer|null, as sent>,"note":<string|null>
//!                   (,"defect_codes":[<string>,...] only when not empty)},...]},...]}
//!  (,{"supersedes":"<uuid>","reason":<string, trimmed>} for a correction)]
//! ```

use std::fmt::Write as _;

use chrono::{DateTime, Datelike, Timelike, Utc};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::{NewAttribute, NewInspection, NewMeasurement, NewUnit};
use crate::domain::{InspectionId, LotId, Mode, Source};

/// What a correction adds to the fingerprint: the inspection it supersedes and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Correction<'a> {
    pub supersedes: InspectionId,
    /// The reason as stored (trimmed).
    pub reason: &'a str,
}

/// The version-1 fingerprint: lowercase hex SHA-256 of [`canonical_v1`].
pub fn v1(
    lot_id: LotId,
    inspection: &NewInspection,
    correction: Option<&Correction<'_>>,
) -> String {
    Sha256::digest(canonical_v1(lot_id, inspection, correction).as_bytes())
        .iter()
        .fold(String::with_capacity(64), |mut hex, b| {
            let _ = write!(hex, "{b:02x}");
            hex
        })
}

/// The version-1 canonical form (see the module documentation). Frozen.
pub fn canonical_v1(
    lot_id: LotId,
    inspection: &NewInspection,
    correction: Option<&Correction<'_>>,
) -> String {
    // Every field is named, so that a field added to an input type fails to compile here
    // until someone decides that v1 leaves it out.
    let NewInspection {
        id,
        source,
        mode,
        inspector,
        inspected_at,
        golden_sample_revision_id,
        units,
    } = inspection;
    let mut out = Canonical(String::with_capacity(256 + 160 * units.len()));
    out.raw("[");
    out.uuid(lot_id.0);
    out.raw(",{\"id\":");
    out.uuid(id.0);
    out.raw(",\"source\":");
    out.string(match source {
        Source::Factory => "factory",
        Source::InHouse => "in_house",
    });
    out.raw(",\"mode\":");
    out.string(match mode {
        Mode::Sampling => "sampling",
        Mode::Full => "full",
    });
    out.raw(",\"inspector\":");
    out.string(inspector);
    out.raw(",\"inspected_at\":");
    out.timestamp(inspected_at);
    out.raw(",\"golden_sample_revision_id\":");
    match golden_sample_revision_id {
        Some(revision) => out.uuid(revision.0),
        None => out.raw("null"),
    }
    out.raw(",\"units\":[");
    for (i, unit) in units.iter().enumerate() {
        if i > 0 {
            out.raw(",");
        }
        out.unit(unit);
    }
    out.raw("]}");
    if let Some(Correction { supersedes, reason }) = correction {
        out.raw(",{\"supersedes\":");
        out.uuid(supersedes.0);
        out.raw(",\"reason\":");
        out.string(reason);
        out.raw("}");
    }
    out.raw("]");
    out.0
}

/// The canonical text being written. Writing to a `String` cannot fail, so the results of
/// `write!` are ignored.
struct Canonical(String);

impl Canonical {
    fn raw(&mut self, text: &str) {
        self.0.push_str(text);
    }

    fn unit(&mut self, unit: &NewUnit) {
        let NewUnit {
            unit,
            serial,
            measurements,
            attributes,
        } = unit;
        let _ = write!(self.0, "{{\"unit\":{unit},\"serial\":");
        match serial {
            Some(serial) => self.string(serial),
            None => self.raw("null"),
        }
        self.raw(",\"measurements\":[");
        for (i, measurement) in measurements.iter().enumerate() {
            if i > 0 {
                self.raw(",");
            }
            let NewMeasurement {
                characteristic_id,
                value,
            } = measurement;
            self.raw("{\"characteristic_id\":");
            self.uuid(characteristic_id.0);
            self.raw(",\"value\":");
            self.number(*value);
            self.raw("}");
        }
        self.raw("],\"attributes\":[");
        for (i, attribute) in attributes.iter().enumerate() {
            if i > 0 {
                self.raw(",");
            }
            let NewAttribute {
                characteristic_id,
                pass,
                defects,
                note,
                defect_codes,
            } = attribute;
            self.raw("{\"characteristic_id\":");
            self.uuid(characteristic_id.0);
            self.raw(if *pass {
                ",\"pass\":true"
            } else {
                ",\"pass\":false"
            });
            match defects {
                Some(d) => {
                    let _ = write!(self.0, ",\"defects\":{d}");
                }
                None => self.raw(",\"defects\":null"),
            }
            self.raw(",\"note\":");
            match note {
                Some(note) => self.string(note),
                None => self.raw("null"),
            }
            // Written only when present: v1 of an attribute without codes (every
            // request before the defect catalogue) is unchanged.
            if !defect_codes.is_empty() {
                self.raw(",\"defect_codes\":[");
                for (k, code) in defect_codes.iter().enumerate() {
                    if k > 0 {
                        self.raw(",");
                    }
                    self.string(code);
                }
                self.raw("]");
            }
            self.raw("}");
        }
        self.raw("]}");
    }

    /// A JSON string: `"` and `\` escaped with a backslash, the control characters below
    /// U+0020 as `\b \t \n \f \r` or `\u00xx` (lowercase hex); everything else, DEL and
    /// U+2028 included, as it is (UTF-8).
    fn string(&mut self, text: &str) {
        self.0.push('"');
        for c in text.chars() {
            match c {
                '"' => self.raw("\\\""),
                '\\' => self.raw("\\\\"),
                '\u{08}' => self.raw("\\b"),
                '\t' => self.raw("\\t"),
                '\n' => self.raw("\\n"),
                '\u{0c}' => self.raw("\\f"),
                '\r' => self.raw("\\r"),
                c if c < ' ' => {
                    let _ = write!(self.0, "\\u{:04x}", c as u32);
                }
                c => self.0.push(c),
            }
        }
        self.0.push('"');
    }

    /// A UUID as a JSON string: lowercase hex, hyphenated 8-4-4-4-12.
    fn uuid(&mut self, id: Uuid) {
        self.0.push('"');
        for (i, b) in id.as_bytes().iter().enumerate() {
            if matches!(i, 4 | 6 | 8 | 10) {
                self.0.push('-');
            }
            let _ = write!(self.0, "{b:02x}");
        }
        self.0.push('"');
    }

    /// A UTC time as a JSON string, `YYYY-MM-DDTHH:MM:SS[.fraction]Z`: the year in four
    /// digits (outside 0..=9999 with its sign and at least four digits); the fraction
    /// left out when zero, else in 3, 6 or 9 digits, the fewest that hold it exactly; a
    /// leap second as second 60.
    fn timestamp(&mut self, at: &DateTime<Utc>) {
        let year = at.year();
        let (mut second, mut nano) = (at.second(), at.nanosecond());
        if nano >= 1_000_000_000 {
            second += 1;
            nano -= 1_000_000_000;
        }
        let _ = if (0..=9999).contains(&year) {
            write!(self.0, "\"{year:04}")
        } else {
            write!(self.0, "\"{year:+05}")
        };
        let _ = write!(
            self.0,
            "-{:02}-{:02}T{:02}:{:02}:{second:02}",
            at.month(),
            at.day(),
            at.hour(),
            at.minute()
        );
        let _ = if nano == 0 {
            Ok(())
        } else if nano % 1_000_000 == 0 {
            write!(self.0, ".{:03}", nano / 1_000_000)
        } else if nano % 1_000 == 0 {
            write!(self.0, ".{:06}", nano / 1_000)
        } else {
            write!(self.0, ".{nano:09}")
        };
        self.raw("Z\"");
    }

    /// A double as a JSON number, from the shortest decimal digits that read back as the
    /// same double, the even last digit when two such are equally near (d1 d2 ... dn,
    /// the first digit at decimal exponent e): for -5 <= e <= 15 in positional notation
    /// with at least one digit after the point (`12.0`, `0.00001`, `1000000000000000.0`),
    /// else `d1[.d2...dn]e(+|-)|e|` (`1e-7`, `1e+16`, `1.2345678901234568e+29`). Zero is
    /// `0.0` (`-0.0` when negative). A value that is not finite (refused before it gets
    /// here) is `null`.
    fn number(&mut self, value: f64) {
        if !value.is_finite() {
            return self.raw("null");
        }
        if value.is_sign_negative() {
            self.0.push('-');
        }
        if value == 0.0 {
            return self.raw("0.0");
        }
        let value = value.abs();
        // Rust's `{:e}` writes the shortest digits that read back as the same value, but
        // takes the upper of two equally near candidates (1262743178594836.25 becomes
        // ...836.3) where v1 took the even one (...836.2). Its fixed-precision form
        // rounds half to even, so with as many digits it gives v1's choice, and the
        // same digits whenever there is no tie.
        let shortest = format!("{value:e}");
        let length = shortest
            .split('e')
            .next()
            .map_or(1, |m| m.chars().filter(char::is_ascii_digit).count());
        let even = format!("{value:.*e}", length.saturating_sub(1));
        let scientific = if even != shortest && even.parse::<f64>() == Ok(value) {
            even
        } else {
            shortest
        };
        let (mantissa, exponent) = scientific
            .split_once('e')
            .unwrap_or((scientific.as_str(), "0"));
        let e: i32 = exponent.parse().unwrap_or(0);
        let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
        // Rounding to even may end in zeros (2.50 for 2.5): the shortest has none.
        let digits = match digits.trim_end_matches('0') {
            "" => "0",
            trimmed => trimmed,
        };
        let n = digits.len() as i32;
        if (-5..=15).contains(&e) {
            if e >= n - 1 {
                self.raw(digits);
                (0..e - (n - 1)).for_each(|_| self.0.push('0'));
                self.raw(".0");
            } else if e >= 0 {
                let (whole, fraction) = digits.split_at(e as usize + 1);
                self.raw(whole);
                self.0.push('.');
                self.raw(fraction);
            } else {
                self.raw("0.");
                (0..-e - 1).for_each(|_| self.0.push('0'));
                self.raw(digits);
            }
        } else {
            let (first, rest) = digits.split_at(1);
            self.raw(first);
            if !rest.is_empty() {
                self.0.push('.');
                self.raw(rest);
            }
            let _ = write!(
                self.0,
                "e{}{}",
                if e < 0 { '-' } else { '+' },
                e.unsigned_abs()
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn number(value: f64) -> String {
        let mut out = Canonical(String::new());
        out.number(value);
        out.0
    }

    #[test]
    fn writes_numbers_as_version_1_did() {
        // Frozen: the text serde_json 1.0.154 wrote for these values.
        let cases: &[(f64, &str)] = &[
            (0.1, "0.1"),
            (1e-7, "1e-7"),
            (-0.0, "-0.0"),
            (0.0, "0.0"),
            (12.0, "12.0"),
            (-273.15, "-273.15"),
            (0.00001, "0.00001"),
            (0.000012345, "0.000012345"),
            (1.5e-6, "1.5e-6"),
            (1e15, "1000000000000000.0"),
            (1.5e15, "1500000000000000.0"),
            (9007199254740992.0, "9007199254740992.0"),
            (1e16, "1e+16"),
            (1.2345678901234568e29, "1.2345678901234568e+29"),
            (5e-324, "5e-324"),
            (f64::MAX, "1.7976931348623157e+308"),
            (f64::MIN_POSITIVE, "2.2250738585072014e-308"),
            (123.456, "123.456"),
            (0.30000000000000004, "0.30000000000000004"),
            // Two shortest candidates equally near: the even one. (Quarters written as
            // exact divisions: 1262743178594836.25, 959058246061883.25, ...836.75.)
            (5_050_972_714_379_345.0 / 4.0, "1262743178594836.2"),
            (3_836_232_984_247_533.0 / 4.0, "959058246061883.2"),
            (5_050_972_714_379_347.0 / 4.0, "1262743178594836.8"),
        ];
        for (value, text) in cases {
            assert_eq!(number(*value), *text, "{value:e}");
        }
    }

    #[test]
    fn writes_times_as_version_1_did() {
        let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        let cases = [
            ("2026-11-20T09:15:00Z", "\"2026-11-20T09:15:00Z\""),
            ("2026-11-20T09:15:00.5Z", "\"2026-11-20T09:15:00.500Z\""),
            (
                "2026-11-20T09:15:00.000001Z",
                "\"2026-11-20T09:15:00.000001Z\"",
            ),
            (
                "2026-11-20T09:15:00.1234567Z",
                "\"2026-11-20T09:15:00.123456700Z\"",
            ),
            ("2026-11-20T14:45:00+05:30", "\"2026-11-20T09:15:00Z\""),
            ("0999-12-31T23:59:59Z", "\"0999-12-31T23:59:59Z\""),
            ("2016-12-31T23:59:60.25Z", "\"2016-12-31T23:59:60.250Z\""),
        ];
        for (input, text) in cases {
            let mut out = Canonical(String::new());
            out.timestamp(&at(input));
            assert_eq!(out.0, text, "{input}");
        }
    }

    #[test]
    fn escapes_strings_as_version_1_did() {
        let mut out = Canonical(String::new());
        out.string("\"\\\u{08}\t\n\u{0c}\r\u{01}\u{1f} \u{7f}\u{2028}é😀");
        assert_eq!(
            out.0,
            "\"\\\"\\\\\\b\\t\\n\\f\\r\\u0001\\u001f \u{7f}\u{2028}é😀\""
        );
    }
}
