//! The lots a supplier's reconciliation compares, found in SQL so that the lots only
//! one source inspected are never loaded.

use chrono::NaiveDate;
use diesel::dsl::exists;
use diesel::prelude::*;

use super::models::Lot;
use super::schema::{inspections, lots};
use crate::domain::{PartId, Source, SupplierId};

/// The supplier's lots, not cancelled, of `part` if given, produced from `from` to `to`
/// (inclusive, each optional), with at least one inspection of each source, in
/// production order (then lot number). The caller still keeps only current inspections
/// outside resubmissions: this only spares loading the other lots.
pub fn lots_inspected_by_both(
    conn: &mut PgConnection,
    supplier: SupplierId,
    part: Option<PartId>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> QueryResult<Vec<Lot>> {
    let by = |source: Source| {
        exists(
            inspections::table
                .filter(inspections::lot_id.eq(lots::id))
                .filter(inspections::source.eq(source)),
        )
    };
    let mut query = lots::table
        .filter(lots::supplier_id.eq(supplier))
        .filter(lots::cancelled_at.is_null())
        .filter(by(Source::Factory))
        .filter(by(Source::InHouse))
        .select(Lot::as_select())
        .order((lots::produced_on, lots::lot_number, lots::id))
        .into_boxed();
    if let Some(part) = part {
        query = query.filter(lots::part_id.eq(part));
    }
    if let Some(from) = from {
        query = query.filter(lots::produced_on.ge(from));
    }
    if let Some(to) = to {
        query = query.filter(lots::produced_on.le(to));
    }
    query.load(conn)
}
