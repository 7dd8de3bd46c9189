//! A part's catalogue of defect codes (`short-shot`, `flash`, `scratch`), which failed
//! attribute results carry so that defects can be counted and ranked: add, list, change
//! or retire a code, and the Pareto ranking of the codes found.

use chrono::{NaiveDate, Utc};
use diesel::PgConnection;

use super::{Checks, Found, ServiceError, audit, scope};
use crate::auth::Principal;
use crate::db::defect_codes::{self as codes_db, CodeCount, CountFilter, DefectCode};
use crate::db::parts as parts_db;
use crate::domain::{DefectCodeId, PartId, SupplierId};

/// Longest code, in characters.
pub const CODE_MAX: usize = 40;
/// Longest name.
pub const NAME_MAX: usize = 200;
/// Longest description.
pub const DESCRIPTION_MAX: usize = 2000;
/// Longest reason for a change.
pub const REASON_MAX: usize = 2000;

/// A code to add to a part's catalogue.
#[derive(Debug, Clone)]
pub struct NewCode {
    pub id: Option<DefectCodeId>,
    /// A short slug: lowercase letters and digits in words joined by `-`.
    pub code: String,
    pub name: String,
    pub description: String,
}

/// Whether `code` is a slug such as `short-shot`: words of lowercase ASCII letters and
/// digits joined by single hyphens, at most [`CODE_MAX`] characters.
pub fn is_slug(code: &str) -> bool {
    !code.is_empty()
        && code.len() <= CODE_MAX
        && code.split('-').all(|word| {
            !word.is_empty()
                && word
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// Adds a code to the part's catalogue, audited. A code already in the catalogue is a
/// conflict (409 naming `code`).
pub fn create(
    conn: &mut PgConnection,
    by: &Principal,
    part_id: PartId,
    input: &NewCode,
) -> Result<DefectCode, ServiceError> {
    let mut checks = Checks::new();
    if !is_slug(&input.code) {
        checks.add(
            "code",
            format!(
                "must be a short slug such as `short-shot`: lowercase letters and digits, \
                 words joined by single hyphens, at most {CODE_MAX} characters"
            ),
        );
    }
    checks.text("name", &input.name, NAME_MAX);
    checks.optional_text("description", Some(&input.description), DESCRIPTION_MAX);
    checks.finish()?;
    conn.build_transaction().run(|conn| {
        parts_db::get(conn, part_id).or_not_found("part", part_id)?;
        let row = codes_db::insert(
            conn,
            &DefectCode {
                id: input.id.unwrap_or_else(DefectCodeId::new_random),
                part_id,
                code: input.code.clone(),
                name: input.name.trim().to_string(),
                description: input.description.trim().to_string(),
                retired: false,
                created_at: Utc::now(),
            },
        )?;
        audit::created(conn, by, "defect_code", row.id, &row)?;
        Ok(row)
    })
}

/// The part's catalogue, retired codes included, by code.
pub fn list(conn: &mut PgConnection, part_id: PartId) -> Result<Vec<DefectCode>, ServiceError> {
    parts_db::get(conn, part_id).or_not_found("part", part_id)?;
    Ok(codes_db::of_part(conn, part_id)?)
}

/// A change of a code: what is absent stays. The code itself never changes, since
/// recorded results name it.
#[derive(Debug, Clone)]
pub struct CodeChange {
    pub name: Option<String>,
    pub description: Option<String>,
    /// True retires the code (new results may no longer carry it), false reinstates it.
    pub retired: Option<bool>,
    pub reason: String,
}

/// Changes a code's name, description or retired flag, audited with the reason.
pub fn update(
    conn: &mut PgConnection,
    by: &Principal,
    id: DefectCodeId,
    change: &CodeChange,
) -> Result<DefectCode, ServiceError> {
    let mut checks = Checks::new();
    if let Some(name) = &change.name {
        checks.text("name", name, NAME_MAX);
    }
    checks.optional_text(
        "description",
        change.description.as_deref(),
        DESCRIPTION_MAX,
    );
    checks.text("reason", &change.reason, REASON_MAX);
    if change.name.is_none() && change.description.is_none() && change.retired.is_none() {
        checks.add(
            "retired",
            "nothing to change: give name, description or retired",
        );
    }
    checks.finish()?;
    conn.build_transaction().run(|conn| {
        let before = codes_db::lock(conn, id).or_not_found("defect code", id)?;
        let mut after = before.clone();
        if let Some(name) = &change.name {
            after.name = name.trim().to_string();
        }
        if let Some(description) = &change.description {
            after.description = description.trim().to_string();
        }
        if let Some(retired) = change.retired {
            after.retired = retired;
        }
        let after = codes_db::update(conn, &after)?;
        let action = match (before.retired, after.retired) {
            (false, true) => "retire",
            (true, false) => "reinstate",
            _ => "update",
        };
        audit::write(
            conn,
            by,
            audit::Entry {
                action,
                entity: "defect_code",
                id: id.to_string(),
                old: Some(serde_json::to_value(&before).map_err(ServiceError::internal)?),
                reason: Some(change.reason.trim()),
            },
            &after,
        )?;
        Ok(after)
    })
}

/// One bar of a Pareto chart.
#[derive(Debug, Clone, PartialEq)]
pub struct ParetoBar {
    pub count: CodeCount,
    /// Its share of all codes counted, 0 to 1.
    pub share: f64,
    /// The share of this bar and every bar before it, 0 to 1 (1 at the last bar).
    pub cumulative_share: f64,
}

/// The Pareto ranking of a part's defect codes.
#[derive(Debug, Clone, PartialEq)]
pub struct Pareto {
    pub part_id: PartId,
    pub supplier_id: Option<SupplierId>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Codes counted in all (the sum of the bars).
    pub total: i64,
    pub bars: Vec<ParetoBar>,
}

/// Shares and cumulative shares of counts already ranked (most frequent first).
pub fn rank(counts: Vec<CodeCount>) -> (i64, Vec<ParetoBar>) {
    let total: i64 = counts.iter().map(|c| c.results).sum();
    let mut running = 0;
    let bars = counts
        .into_iter()
        .map(|count| {
            running += count.results;
            ParetoBar {
                share: count.results as f64 / total as f64,
                cumulative_share: running as f64 / total as f64,
                count,
            }
        })
        .collect();
    (total, bars)
}

/// The part's defect codes ranked by how many failed attribute results carry them, in
/// the current inspections of its lots produced from `from` to `to` (both included),
/// of one supplier or all. A token bound to a supplier counts its supplier's lots only.
pub fn pareto(
    conn: &mut PgConnection,
    by: &Principal,
    part_id: PartId,
    supplier_id: Option<SupplierId>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<Pareto, ServiceError> {
    if let (Some(from), Some(to)) = (from, to)
        && from > to
    {
        return Err(ServiceError::invalid_field("from", "must not be after to"));
    }
    parts_db::get(conn, part_id).or_not_found("part", part_id)?;
    let counts = match scope::supplier_filter(by, supplier_id) {
        Some(supplier_id) => codes_db::counts(
            conn,
            &CountFilter {
                supplier_id,
                part_id: Some(part_id),
                from,
                to,
            },
        )?,
        None => Vec::new(),
    };
    let (total, bars) = rank(counts);
    Ok(Pareto {
        part_id,
        supplier_id,
        from,
        to,
        total,
        bars,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn count(code: &str, results: i64) -> CodeCount {
        CodeCount {
            defect_code_id: DefectCodeId(Uuid::nil()),
            part_id: PartId(Uuid::nil()),
            code: code.into(),
            name: code.into(),
            results,
        }
    }

    #[test]
    fn slugs_are_lowercase_words_joined_by_single_hyphens() {
        assert!(is_slug("short-shot") && is_slug("flash") && is_slug("burr-2"));
        for bad in [
            "",
            "Short-shot",
            "short--shot",
            "-flash",
            "flash-",
            "short shot",
            "é",
        ] {
            assert!(!is_slug(bad), "{bad}");
        }
        assert!(!is_slug(&"a".repeat(CODE_MAX + 1)));
    }

    #[test]
    fn ranks_shares_and_cumulative_shares() {
        // 5 + 3 + 2 = 10 codes: shares 0.5, 0.3, 0.2; cumulative 0.5, 0.8, 1.0.
        let (total, bars) = rank(vec![
            count("flash", 5),
            count("scratch", 3),
            count("burr", 2),
        ]);
        assert_eq!(total, 10);
        let shares: Vec<(f64, f64)> = bars.iter().map(|b| (b.share, b.cumulative_share)).collect();
        assert_eq!(shares, vec![(0.5, 0.5), (0.3, 0.8), (0.2, 1.0)]);
        assert!(rank(Vec::new()).1.is_empty());
    }
}
