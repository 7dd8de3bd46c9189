//! Lots: register (a retry with the same id and content is harmless), read, list.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::PgConnection;

use super::staleness::{self, LotDecisionState};
use super::{Checks, Found, ServiceError, audit, scope};
use crate::auth::Principal;
use crate::db::After;
use crate::db::lots as lots_db;
use crate::db::models::{Lot, NewLot};
use crate::db::{parts as parts_db, suppliers as suppliers_db};
use crate::domain::{LotId, LotSize, PartId, SupplierId, dates};

/// What a list of lots is filtered on: part, supplier, production dates, need of a
/// decision.
pub use crate::db::lots::LotFilter;

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
    pub lot: Lot,
    pub created: bool,
    /// Where the lot stands with its decision (a retry may find it inspected).
    pub decision: LotDecisionState,
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
            return Ok(Registered {
                lot,
                created,
                decision: LotDecisionState::default(),
            });
        }
        let (lot, decision) = with_state(conn, lot)?;
        Ok(Registered {
            lot,
            created,
            decision,
        })
    })
}

/// The lot, if `by` may see it, with where it stands with its decision.
pub fn get(
    conn: &mut PgConnection,
    by: &Principal,
    id: LotId,
) -> Result<(Lot, LotDecisionState), ServiceError> {
    let lot = scope::lot(conn, by, id)?;
    with_state(conn, lot)
}

fn with_state(conn: &mut PgConnection, lot: Lot) -> Result<(Lot, LotDecisionState), ServiceError> {
    let counts = lots_db::input_counts(conn, lot.id)?;
    staleness::of_lots(conn, vec![(lot, counts)])?
        .pop()
        .ok_or_else(|| ServiceError::internal("a lot read went missing"))
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
) -> Result<Vec<(Lot, LotDecisionState)>, ServiceError> {
    let Some(supplier_id) = scope::supplier_filter(by, filter.supplier_id) else {
        return Ok(Vec::new());
    };
    let filter = LotFilter {
        supplier_id,
        ..filter.clone()
    };
    let lots = lots_db::list_with_counts(conn, &filter, after, limit)?;
    staleness::of_lots(conn, lots)
}
