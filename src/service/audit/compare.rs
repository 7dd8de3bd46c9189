//! Comparing a record as the audit trail holds it with the record as stored now: pure,
//! over JSON values, so it is tested without a database.

use chrono::{DateTime, Utc};
use serde_json::Value;

/// The first field where the stored record differs from its audit value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// A path into the record: `lot_size`, `reference_measurements[1].value`.
    pub field: String,
    pub audited: String,
    pub stored: String,
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} is {} in the audit row but {} in the database",
            self.field,
            short(&self.audited),
            short(&self.stored)
        )
    }
}

fn short(text: &str) -> String {
    if text.chars().count() <= 80 {
        text.to_string()
    } else {
        format!("{}...", text.chars().take(77).collect::<String>())
    }
}

/// Compares the fields of `stored` with the same fields of `audited`. A field the
/// audit value does not hold (written by an older version, or kept elsewhere) is not
/// compared, nor is a field in `skip`; inside a field every value counts. Timestamps
/// compare as instants to the microsecond PostgreSQL keeps (an audit value may have been
/// serialised from a time with nanoseconds before it was stored).
pub fn differs(audited: &Value, stored: &Value, skip: &[&str]) -> Option<Difference> {
    match (audited, stored) {
        (Value::Object(a), Value::Object(s)) => {
            for (key, value) in s {
                if skip.contains(&key.as_str()) {
                    continue;
                }
                let Some(held) = a.get(key) else {
                    continue;
                };
                if let Some(d) = deep(held, value, key.clone()) {
                    return Some(d);
                }
            }
            None
        }
        _ => deep(audited, stored, String::new()),
    }
}

fn deep(audited: &Value, stored: &Value, path: String) -> Option<Difference> {
    let different = || {
        Some(Difference {
            field: if path.is_empty() {
                "the record".into()
            } else {
                path.clone()
            },
            audited: audited.to_string(),
            stored: stored.to_string(),
        })
    };
    match (audited, stored) {
        (Value::Object(a), Value::Object(s)) => {
            let keys = a.keys().chain(s.keys().filter(|k| !a.contains_key(*k)));
            for key in keys {
                let child = format!("{path}.{key}");
                let child = child.trim_start_matches('.').to_string();
                match (a.get(key), s.get(key)) {
                    (Some(x), Some(y)) => {
                        if let Some(d) = deep(x, y, child) {
                            return Some(d);
                        }
                    }
                    (x, y) => {
                        return Some(Difference {
                            field: child,
                            audited: x.map_or("absent".into(), Value::to_string),
                            stored: y.map_or("absent".into(), Value::to_string),
                        });
                    }
                }
            }
            None
        }
        (Value::Array(a), Value::Array(s)) => {
            if a.len() != s.len() {
                return Some(Difference {
                    field: format!("{path} (number of entries)"),
                    audited: a.len().to_string(),
                    stored: s.len().to_string(),
                });
            }
            a.iter()
                .zip(s)
                .enumerate()
                .find_map(|(i, (x, y))| deep(x, y, format!("{path}[{i}]")))
        }
        (Value::Number(a), Value::Number(s)) => {
            let same = match (a.as_i64(), s.as_i64()) {
                (Some(x), Some(y)) => x == y,
                _ => a.as_f64() == s.as_f64(),
            };
            if same { None } else { different() }
        }
        (Value::String(a), Value::String(s)) if a != s => match (instant(a), instant(s)) {
            (Some(x), Some(y)) if (x - y).num_nanoseconds().is_some_and(|n| n.abs() < 1000) => None,
            _ => different(),
        },
        (a, s) if a == s => None,
        _ => different(),
    }
}

fn instant(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_unchanged_record_does_not_differ() {
        let lot = json!({"id": "l1", "lot_size": 500, "produced_on": "2026-11-02"});
        assert_eq!(differs(&lot, &lot.clone(), &[]), None);
    }

    #[test]
    fn names_the_changed_field_with_both_values() {
        let audited = json!({"id": "l1", "lot_size": 500});
        let stored = json!({"id": "l1", "lot_size": 505});

        let d = differs(&audited, &stored, &[]).unwrap();

        assert_eq!(d.field, "lot_size");
        assert_eq!((d.audited.as_str(), d.stored.as_str()), ("500", "505"));
        assert!(d.to_string().contains("lot_size is 500 in the audit row"));
    }

    #[test]
    fn names_a_nested_field_and_a_missing_entry() {
        let audited = json!({"refs": [{"value": 1.5}, {"value": 2.0}]});
        let changed = json!({"refs": [{"value": 1.5}, {"value": 2.5}]});
        let shorter = json!({"refs": [{"value": 1.5}]});

        assert_eq!(
            differs(&audited, &changed, &[]).unwrap().field,
            "refs[1].value"
        );
        assert_eq!(
            differs(&audited, &shorter, &[]).unwrap().field,
            "refs (number of entries)"
        );
    }

    #[test]
    fn fields_the_audit_value_does_not_hold_or_that_are_skipped_are_not_compared() {
        let audited = json!({"id": "t1", "last_used_at": null});
        let stored = json!({"id": "t1", "last_used_at": "2026-12-01T00:00:00Z", "new": 1});

        assert_eq!(differs(&audited, &stored, &["last_used_at"]), None);
        assert!(differs(&audited, &stored, &[]).is_some());
    }

    #[test]
    fn times_compare_to_the_microsecond_and_numbers_by_value() {
        let audited = json!({"at": "2026-12-01T10:00:00.123456789Z", "x": 5.0});
        let stored = json!({"at": "2026-12-01T10:00:00.123457Z", "x": 5.0});
        let later = json!({"at": "2026-12-01T10:00:00.123459Z", "x": 5.0});

        assert_eq!(differs(&audited, &stored, &[]), None);
        assert_eq!(differs(&audited, &later, &[]).unwrap().field, "at");
        assert!(differs(&json!({"x": 0.1}), &json!({"x": 0.1000001}), &[]).is_some());
    }
}
