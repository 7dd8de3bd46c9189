//! A supplier's scorecard: how its decided lots fared over a period (acceptance on
//! original inspection, resubmissions, nonconforming units in ppm), month by month for a
//! trend, with the current switching severity of each characteristic of its parts.
//!
//! Every figure is summed from one row per lot ([`crate::db::scorecard`]) by
//! [`crate::decision::scorecard::tally`], so the totals are the sum of the months and
//! of the lots listed in them. The defect codes and the nonconformance reports are
//! counted over the same lots: the codes month by month (each month's lots), the total
//! ranking as their sum; the reports with each lot's row.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use diesel::PgConnection;

use super::defect_codes::{ParetoBar, rank};
use super::{Found, ServiceError, scope, switching};
use crate::auth::Principal;
use crate::db::defect_codes::{self as codes_db, CodeCount, CountFilter};
use crate::db::scorecard as scorecard_db;
use crate::db::switching as switching_db;
use crate::db::{characteristics as chars_db, parts as parts_db, suppliers as suppliers_db};
use crate::decision::scorecard::{Figures, Month, ScoredLot, tally};
use crate::decision::types::SwitchingSeverity;
use crate::domain::{CharacteristicId, DefectCodeId, LotId, PartId, SupplierId};

/// Which lots the scorecard counts.
#[derive(Debug, Clone, Copy)]
pub struct ScorecardQuery {
    pub part_id: Option<PartId>,
    /// First production day counted (inclusive).
    pub from: Option<NaiveDate>,
    /// Last production day counted (inclusive); not before `from`.
    pub to: Option<NaiveDate>,
}

/// The figures of one month of production and the lots behind them.
#[derive(Debug, Clone)]
pub struct MonthScore {
    pub month: Month,
    pub figures: Figures,
    /// The lots counted, in production order.
    pub lots: Vec<LotId>,
    /// The defect codes found in those lots, most frequent first.
    pub defects: Vec<ParetoBar>,
}

/// The current severity of one characteristic.
#[derive(Debug, Clone)]
pub struct CharacteristicSeverity {
    pub characteristic_id: CharacteristicId,
    pub name: String,
    pub severity: SwitchingSeverity,
}

/// The switching state of one part of the supplier.
#[derive(Debug, Clone)]
pub struct PartSwitching {
    pub part_id: PartId,
    pub part_number: String,
    pub characteristics: Vec<CharacteristicSeverity>,
}

/// A supplier's scorecard.
#[derive(Debug, Clone)]
pub struct Scorecard {
    pub supplier_id: SupplierId,
    pub query: ScorecardQuery,
    pub figures: Figures,
    /// The defect codes of every counted lot: the sums of the months', ranked.
    pub defects: Vec<ParetoBar>,
    /// Months of production with counted lots, in order.
    pub by_month: Vec<MonthScore>,
    /// The part asked for, or every part the supplier has lots of, by part number.
    pub switching: Vec<PartSwitching>,
}

/// Reads the scorecard of a supplier `by` may see, in one read-only snapshot so that
/// the figures and the switching state agree. `to` before `from` is refused naming `to`;
/// an unknown `part_id` is an unknown reference naming it.
pub fn get(
    conn: &mut PgConnection,
    by: &Principal,
    supplier: SupplierId,
    query: ScorecardQuery,
) -> Result<Scorecard, ServiceError> {
    if let (Some(from), Some(to)) = (query.from, query.to)
        && from > to
    {
        return Err(ServiceError::invalid_field("to", "must not be before from"));
    }
    scope::supplier(by, supplier)?;
    conn.build_transaction()
        .repeatable_read()
        .read_only()
        .run(|conn| {
            suppliers_db::get(conn, supplier).or_not_found("supplier", supplier)?;
            let parts = match query.part_id {
                Some(part) => {
                    parts_db::get(conn, part).or_unknown("part_id", "part", part)?;
                    vec![part]
                }
                None => scorecard_db::parts_of_supplier(conn, supplier)?,
            };
            let rows =
                scorecard_db::decided_lots(conn, supplier, query.part_id, query.from, query.to)?;
            let lots: Vec<ScoredLot> = rows.iter().map(scored).collect();
            let (figures, months) = tally(&lots);
            // Each month's lots, and the defect codes of all of them in one statement.
            let mut lots_of: BTreeMap<Month, Vec<LotId>> = BTreeMap::new();
            for r in &rows {
                lots_of
                    .entry(Month::of(r.produced_on))
                    .or_default()
                    .push(r.lot());
            }
            let counted: Vec<LotId> = rows.iter().map(|r| r.lot()).collect();
            let mut codes_of: BTreeMap<Month, Vec<CodeCount>> = BTreeMap::new();
            for c in codes_db::counts_by_month(
                conn,
                &CountFilter {
                    supplier_id: Some(supplier),
                    part_id: query.part_id,
                    from: query.from,
                    to: query.to,
                    lots: Some(&counted),
                    original_only: true,
                },
            )? {
                codes_of
                    .entry(Month::of(c.month))
                    .or_default()
                    .push(c.count);
            }
            let found: Vec<CodeCount> = codes_of.values().flatten().cloned().collect();
            let by_month = months
                .into_iter()
                .map(|(month, figures)| MonthScore {
                    month,
                    figures,
                    lots: lots_of.remove(&month).unwrap_or_default(),
                    defects: rank(codes_of.remove(&month).unwrap_or_default()).1,
                })
                .collect();
            let switching = parts_switching(conn, supplier, &parts)?;
            Ok(Scorecard {
                supplier_id: supplier,
                query,
                figures,
                defects: rank(summed(found)).1,
                by_month,
                switching,
            })
        })
}

/// The counts of each code summed, most frequent first (ties by code, then id).
fn summed(counts: Vec<CodeCount>) -> Vec<CodeCount> {
    let mut by_code: std::collections::HashMap<DefectCodeId, CodeCount> = Default::default();
    for count in counts {
        by_code
            .entry(count.defect_code_id)
            .and_modify(|c| c.results += count.results)
            .or_insert(count);
    }
    let mut all: Vec<CodeCount> = by_code.into_values().collect();
    all.sort_by(|a, b| {
        (b.results.cmp(&a.results))
            .then_with(|| a.code.cmp(&b.code))
            .then_with(|| a.defect_code_id.cmp(&b.defect_code_id))
    });
    all
}

fn scored(row: &scorecard_db::ScoredLotRow) -> ScoredLot {
    // Counts from SQL are never negative.
    let count = |n: i64| u64::try_from(n).unwrap_or(0);
    ScoredLot {
        produced_on: row.produced_on,
        accepted: row.accepted,
        resubmissions: count(row.resubmissions),
        units_inspected: count(row.units_inspected),
        units_nonconforming: count(row.units_nonconforming),
        ncrs_open: count(row.ncrs_open),
        ncrs_closed: count(row.ncrs_closed),
        ncrs_dispositioned: count(row.ncrs_dispositioned),
        days_to_disposition: row.days_to_disposition,
    }
}

/// The current switching severity of each characteristic of `parts`, by part number, in
/// three statements whatever the number of parts (a statement per part and table took
/// 45 ms for a supplier of 67 parts). The severity is that of the stored switching
/// state, as the switching report reads it.
fn parts_switching(
    conn: &mut PgConnection,
    supplier: SupplierId,
    parts: &[PartId],
) -> Result<Vec<PartSwitching>, ServiceError> {
    let mut states: HashMap<CharacteristicId, serde_json::Value> =
        switching_db::states_of_parts(conn, supplier, parts)?
            .into_iter()
            .map(|s| (s.characteristic_id, s.state))
            .collect();
    let mut characteristics: HashMap<PartId, Vec<CharacteristicSeverity>> = HashMap::new();
    for c in chars_db::of_parts(conn, parts)? {
        let history = switching::history_of(c.id, states.remove(&c.id))?;
        characteristics
            .entry(c.part_id)
            .or_default()
            .push(CharacteristicSeverity {
                characteristic_id: c.id,
                severity: history.severity(),
                name: c.name,
            });
    }
    let mut switching: Vec<PartSwitching> = parts_db::numbers(conn, parts)?
        .into_iter()
        .map(|(part, number)| PartSwitching {
            part_id: part,
            part_number: number,
            characteristics: characteristics.remove(&part).unwrap_or_default(),
        })
        .collect();
    switching.sort_by(|a, b| a.part_number.cmp(&b.part_number));
    Ok(switching)
}
