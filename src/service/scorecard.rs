//! A supplier's scorecard: how its decided lots fared over a period (acceptance on
//! original inspection, resubmissions, nonconforming units in ppm), month by month for a
//! trend, with the current switching severity of each characteristic of its parts.
//!
//! Every figure is summed from one row per lot ([`crate::db::scorecard`]) by
//! [`crate::decision::scorecard::tally`], so the totals are the sum of the months and
//! of the lots listed in them. Defect codes and NCRs are to join the report as two more
//! fields of [`Scorecard`], each computed from the same counted lots.

use chrono::NaiveDate;
use diesel::PgConnection;

use super::{Found, ServiceError, scope, switching};
use crate::auth::Principal;
use crate::db::scorecard as scorecard_db;
use crate::db::{parts as parts_db, suppliers as suppliers_db};
use crate::decision::scorecard::{Figures, Month, ScoredLot, tally};
use crate::decision::types::SwitchingSeverity;
use crate::domain::{CharacteristicId, LotId, PartId, SupplierId};

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
            let by_month = months
                .into_iter()
                .map(|(month, figures)| MonthScore {
                    month,
                    figures,
                    lots: rows
                        .iter()
                        .filter(|r| Month::of(r.produced_on) == month)
                        .map(|r| r.lot())
                        .collect(),
                })
                .collect();
            let mut switching = parts
                .into_iter()
                .map(|part| part_switching(conn, by, supplier, part))
                .collect::<Result<Vec<_>, _>>()?;
            switching.sort_by(|a, b| a.part_number.cmp(&b.part_number));
            Ok(Scorecard {
                supplier_id: supplier,
                query,
                figures,
                by_month,
                switching,
            })
        })
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
    }
}

fn part_switching(
    conn: &mut PgConnection,
    by: &Principal,
    supplier: SupplierId,
    part: PartId,
) -> Result<PartSwitching, ServiceError> {
    let number = parts_db::get(conn, part)?.number;
    let report = switching::get(conn, by, supplier, part)?;
    Ok(PartSwitching {
        part_id: part,
        part_number: number,
        characteristics: report
            .characteristics
            .into_iter()
            .map(|c| CharacteristicSeverity {
                characteristic_id: c.characteristic_id,
                severity: c.history.severity(),
                name: c.name,
            })
            .collect(),
    })
}
