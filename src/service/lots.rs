//! Lots: register (a retry with the same id and content is harmless), read, list; and
//! the changes of a lot's life that are not inspections or decisions: a reviewer's
//! correction of its number, size or production date, and its cancellation.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::PgConnection;

use super::staleness::{self, LotDecisionState};
use super::{Checks, Found, ServiceError, audit, scope};
use crate::auth::Principal;
use crate::db::After;
use crate::db::lots::{self as lots_db, InputCounts, LotLifecycle};
use crate::db::models::{Lot, NewLot};
use crate::db::{parts as parts_db, suppliers as suppliers_db};
use crate::domain::{LotId, LotSize, PartId, SupplierId, dates};

mod changes;

pub use changes::{
    LotCorrectionInput, REASON_MAX, cancel, refuse_cancelled, refuse_if_cancelled, update,
};

/// What a list of lots is filtered on: part, supplier, production dates, need of a
/// decision, status, verdict, lot number.
pub use crate::db::lots::{LotFilter, StatusFilter};

/// A lot as a reader sees it: as registered (or corrected), where it is in its life,
/// and where it stands with its decision.
#[derive(Debug, Clone)]
pub struct LotState {
    pub lot: Lot,
    pub lifecycle: LotLifecycle,
    pub decision: LotDecisionState,
}

/// A lot to register: a quantity of one part number from one supplier.
#[derive(Debug, Clone)]
pub struct LotInput {
    /// The client's id, so that a retry finds the lot it registered; new when absent.
    pub id: Option<LotId>,
    pub part_id: PartId,
    pub supplier_id: SupplierId,
    /// The supplier's lot number; stored trimmed.
    pub lot_number: String,
    pub lot_size: LotSize,
    pub produced_on: NaiveDate,
}

impl LotInput {
    /// The rules of a lot's fields, without the database: its production date lies
    /// between 2000 and a day ahead of `now`.
    pub fn check(&self, now: DateTime<Utc>) -> Result<(), ServiceError> {
        let mut checks = Checks::new();
        if let Some(why) = dates::implausible_date(self.produced_on, now) {
            checks.add("produced_on", why);
        }
        checks.finish()
    }
}

/// The lot as stored, and whether this call registered it (false for a retry).
#[derive(Debug, Clone)]
pub struct Registered {
    /// The lot; a retry may find it inspected, decided or cancelled.
    pub state: LotState,
    pub created: bool,
}

/// Registers a lot of a known part and supplier. The same id with the same content
/// returns the stored lot; with different content it is a conflict on `id`.
pub fn create(
    conn: &mut PgConnection,
    by: &Principal,
    input: &LotInput,
) -> Result<Registered, ServiceError> {
    input.check(Utc::now())?;
    conn.build_transaction().run(|conn| {
        parts_db::get(conn, input.part_id).or_unknown("part_id", "part", input.part_id)?;
        // Another supplier's id, for a bound token, is as unknown as one that does not
        // exist: the answer does not tell which.
        scope::supplier_reference(by, "supplier_id", input.supplier_id)?;
        suppliers_db::get(conn, input.supplier_id).or_unknown(
            "supplier_id",
            "supplier",
            input.supplier_id,
        )?;
        let new = NewLot {
            id: input.id.unwrap_or_else(LotId::new_random),
            part_id: input.part_id,
            supplier_id: input.supplier_id,
            lot_number: input.lot_number.trim(),
            lot_size: input.lot_size.get(),
            produced_on: input.produced_on,
        };
        let (lot, created) = lots_db::insert_or_get(conn, &new)?;
        let same = lot.part_id == new.part_id
            && lot.supplier_id == new.supplier_id
            && lot.lot_number == new.lot_number
            && lot.lot_size == new.lot_size
            && lot.produced_on == new.produced_on;
        if !created && !same {
            return Err(ServiceError::conflict(
                Some("id"),
                "a lot with this id is already registered with different content",
            ));
        }
        if created {
            audit::created(conn, by, "lot", lot.id, &lot)?;
        }
        let state = with_state(conn, lot)?;
        Ok(Registered { state, created })
    })
}

/// The lot, if `by` may see it, with where it is in its life and with its decision.
pub fn get(conn: &mut PgConnection, by: &Principal, id: LotId) -> Result<LotState, ServiceError> {
    let lot = scope::lot(conn, by, id)?;
    with_state(conn, lot)
}

fn with_state(conn: &mut PgConnection, lot: Lot) -> Result<LotState, ServiceError> {
    let lifecycle = lots_db::lifecycle(conn, lot.id)?;
    let counts = lots_db::input_counts(conn, lot.id)?;
    states(conn, vec![(lot, lifecycle, counts)])?
        .pop()
        .ok_or_else(|| ServiceError::internal("a lot read went missing"))
}

/// The lots with their decision states, worked out for all of them at once.
fn states(
    conn: &mut PgConnection,
    rows: Vec<(Lot, LotLifecycle, InputCounts)>,
) -> Result<Vec<LotState>, ServiceError> {
    let rows = rows
        .into_iter()
        .map(|(lot, lifecycle, counts)| ((lot, lifecycle), counts))
        .collect();
    Ok(staleness::of_lots(conn, rows, |(lot, _)| lot.id)?
        .into_iter()
        .map(|((lot, lifecycle), decision)| LotState {
            lot,
            lifecycle,
            decision,
        })
        .collect())
}

/// Lots newest production date first, filtered (`needs_decision`: only those never
/// decided or decided before their latest inspection or correction), each with where it
/// stands with its decision: at most `limit` after the keyset position. A token bound to
/// a supplier sees only that supplier's lots.
pub fn list(
    conn: &mut PgConnection,
    by: &Principal,
    filter: &LotFilter,
    after: Option<After<NaiveDate>>,
    limit: i64,
) -> Result<Vec<LotState>, ServiceError> {
    let Some(supplier_id) = scope::supplier_filter(by, filter.supplier_id) else {
        return Ok(Vec::new());
    };
    let filter = LotFilter {
        supplier_id,
        ..filter.clone()
    };
    let lots = lots_db::list_with_counts(conn, &filter, after, limit)?;
    states(conn, lots)
}
