//! Inspection orders: which units of a lot to draw for each characteristic, under which
//! plan and why. The order is drawn once, when first asked for, under the lot's row lock
//! (two tablets asking at once get one order), and stored with its seed; every later
//! call returns it as stored. The plan of each characteristic is the one a decision of
//! the lot would use at that moment (`decision::evaluate`, with nothing yet recorded),
//! so the order and the decision never disagree on the rules, only, perhaps, on time:
//! when the switching state changes after the order is drawn, the order stays, and the
//! reader is told the plan a decision would now use.

use std::collections::HashMap;

use chrono::{DateTime, SubsecRound, Utc};
use diesel::PgConnection;
use lotgate_sampling::draw::{DrawnSample, WantedSample, draw_samples};

use super::switching::history_before;
use super::{ServiceError, audit, scope};
use crate::auth::Principal;
use crate::db::characteristics as chars_db;
use crate::db::defect_codes::{self as defect_codes_db, DefectCode};
use crate::db::golden_samples::{self as golden_db, ReferenceRow, Revision};
use crate::db::inspection_orders::{self as orders_db, OrderItemRow, OrderRow, StoredOrder};
use crate::db::models::{Characteristic, Lot, Part, Supplier};
use crate::db::photos::PhotoMeta;
use crate::db::{parts as parts_db, suppliers as suppliers_db};
use crate::decision::evaluate::{CharacteristicInput, evaluate};
use crate::decision::replay::CharacteristicHistory;
use crate::decision::types::{CharacteristicDecision, SwitchingSeverity};
use crate::domain::{CharacteristicId, LotId, LotStatus, Mode};

/// The plan a decision of the lot would use for a characteristic now, with nothing
/// recorded yet: its mode and reason, severity, code letter, n, Ac and Re.
pub type PlanNow = CharacteristicDecision;

/// One characteristic of an order, with the plan a decision would use now.
#[derive(Debug)]
pub struct OrderedCharacteristic {
    pub characteristic: Characteristic,
    /// As drawn.
    pub drawn: OrderItemRow,
    pub now: PlanNow,
}

/// The approved golden-sample revision of the part, its reference values and photos.
#[derive(Debug)]
pub struct GoldenReference {
    pub revision: Revision,
    pub references: Vec<ReferenceRow>,
    /// The approved revision's photos with the view each shows.
    pub photos: Vec<(String, PhotoMeta)>,
}

/// A lot's inspection order, as stored, with what the reader needs beside it.
#[derive(Debug)]
pub struct InspectionOrder {
    pub lot: Lot,
    pub status: LotStatus,
    pub part: Part,
    pub supplier: Supplier,
    pub order: OrderRow,
    pub characteristics: Vec<OrderedCharacteristic>,
    pub golden_sample: Option<GoldenReference>,
    /// The part's defect codes in use (retired ones left out), by code.
    pub defect_codes: Vec<DefectCode>,
    /// Whether this call drew (part of) the order.
    pub drawn_now: bool,
}

/// The lot's inspection order, drawn and stored first if it has none yet (or for the
/// characteristics added to the part since). A cancelled lot has none: conflict. A
/// token bound to a supplier reads only that supplier's lots.
pub fn get(
    conn: &mut PgConnection,
    by: &Principal,
    lot_id: LotId,
) -> Result<InspectionOrder, ServiceError> {
    conn.build_transaction().run(|conn| {
        let lot = scope::lot(conn, by, lot_id)?;
        // Held to the end: a second reader waits here and then finds the order drawn.
        let life = crate::db::lots::lock_lifecycle(conn, lot_id)?;
        if life.cancelled_at.is_some() {
            return Err(ServiceError::conflict(
                None,
                "the lot is cancelled: nothing is to be inspected; register a new lot for units still to be inspected",
            ));
        }
        let characteristics = chars_db::of_part(conn, lot.part_id)?;
        let histories = history_before(conn, &lot)?;
        let lot_size = u64::try_from(lot.lot_size).map_err(ServiceError::internal)?;
        let plans = characteristics
            .iter()
            .map(|c| plan_now(c, lot_size, &histories))
            .collect::<Result<Vec<_>, _>>()?;
        // As PostgreSQL keeps it, so the first answer equals every later one.
        let now = Utc::now().trunc_subsecs(6);
        let (order, mut drawn_now) = match orders_db::find(conn, lot_id)? {
            Some(order) => (order, false),
            None => {
                let order = OrderRow {
                    lot_id,
                    seed: getrandom::u64().map_err(ServiceError::internal)?.to_string(),
                    drawn_at: now,
                };
                orders_db::insert(conn, &order)?;
                (order, true)
            }
        };
        let mut items = orders_db::items(conn, lot_id)?;
        let new_items = draw_missing(&order, lot_size, &characteristics, &plans, &items, now)?;
        if !new_items.is_empty() {
            orders_db::insert_items(conn, &new_items)?;
            let old = (!drawn_now).then(|| {
                serde_json::to_value(StoredOrder {
                    order: order.clone(),
                    items: items.clone(),
                })
            });
            let old = old.transpose().map_err(ServiceError::internal)?;
            items.extend(new_items);
            // The whole order as stored, so `audit verify` compares it with the tables.
            let stored = StoredOrder {
                order: order.clone(),
                items: items.clone(),
            };
            audit::write(
                conn,
                by,
                audit::Entry {
                    action: "draw",
                    entity: "inspection_order",
                    id: lot_id.to_string(),
                    old,
                    reason: None,
                },
                &stored,
            )?;
            drawn_now = true;
        }
        let mut by_id: HashMap<CharacteristicId, (Characteristic, PlanNow)> = characteristics
            .into_iter()
            .zip(plans)
            .map(|(c, p)| (c.id, (c, p)))
            .collect();
        let characteristics = items
            .into_iter()
            .filter_map(|drawn| {
                by_id
                    .remove(&drawn.characteristic_id)
                    .map(|(characteristic, now)| OrderedCharacteristic {
                        characteristic,
                        drawn,
                        now,
                    })
            })
            .collect();
        Ok(InspectionOrder {
            status: life.status,
            part: parts_db::get(conn, lot.part_id)?,
            supplier: suppliers_db::get(conn, lot.supplier_id)?,
            golden_sample: golden_reference(conn, &lot, now)?,
            defect_codes: defect_codes_db::of_part(conn, lot.part_id)?
                .into_iter()
                .filter(|c| !c.retired)
                .collect(),
            lot,
            order,
            characteristics,
            drawn_now,
        })
    })
}

/// The plan a decision of the lot would use for `c` now: the decision's own evaluation,
/// with nothing recorded.
fn plan_now(
    c: &Characteristic,
    lot_size: u64,
    histories: &HashMap<CharacteristicId, CharacteristicHistory>,
) -> Result<PlanNow, ServiceError> {
    let history = histories.get(&c.id);
    evaluate(&CharacteristicInput {
        characteristic: c,
        lot_size,
        severity: history.map_or(SwitchingSeverity::Normal, CharacteristicHistory::severity),
        history: history.map_or((0, 0, 0), |h| (h.units, h.defectives, h.lots_with_units)),
        sampling: None,
        full: None,
        nonconforming_units: Vec::new(),
        others: Vec::new(),
    })
    .map_err(ServiceError::internal)
}

/// The rows of the characteristics the order does not hold yet, their units drawn with
/// the order's seed beside those already drawn (`lotgate_sampling::draw`).
fn draw_missing(
    order: &OrderRow,
    lot_size: u64,
    characteristics: &[Characteristic],
    plans: &[PlanNow],
    items: &[OrderItemRow],
    now: DateTime<Utc>,
) -> Result<Vec<OrderItemRow>, ServiceError> {
    let missing: Vec<(usize, &Characteristic, &PlanNow)> = characteristics
        .iter()
        .zip(plans)
        .enumerate()
        .filter(|(_, (c, _))| !items.iter().any(|i| i.characteristic_id == c.id))
        .map(|(position, (c, p))| (position, c, p))
        .collect();
    if missing.is_empty() {
        return Ok(Vec::new());
    }
    let seed: u64 = order.seed.parse().map_err(ServiceError::internal)?;
    let stored: Vec<Vec<u64>> = items
        .iter()
        .map(|i| {
            i.units
                .iter()
                .map(|u| u64::from(u.unsigned_abs()))
                .collect()
        })
        .collect();
    let drawn: Vec<DrawnSample<'_>> = items
        .iter()
        .zip(&stored)
        .filter(|(i, _)| i.inspection == Mode::Sampling)
        .map(|(i, units)| DrawnSample {
            sample_size: u64::try_from(i.sample_size).unwrap_or(0),
            destructive: i.destructive,
            units,
        })
        .collect();
    let sampled: Vec<&(usize, &Characteristic, &PlanNow)> = missing
        .iter()
        .filter(|(_, _, p)| p.mode == Mode::Sampling)
        .collect();
    let wanted: Vec<WantedSample> = sampled
        .iter()
        .map(|(_, c, p)| WantedSample {
            sample_size: p.applied.sample_size,
            destructive: c.destructive,
        })
        .collect();
    let mut units: HashMap<CharacteristicId, Vec<u64>> = sampled
        .iter()
        .map(|(_, c, _)| c.id)
        .zip(draw_samples(seed, lot_size, &drawn, &wanted))
        .collect();
    missing
        .into_iter()
        .map(|(position, c, p)| {
            let units = units
                .remove(&c.id)
                .unwrap_or_default()
                .into_iter()
                .map(i32::try_from)
                .collect::<Result<Vec<_>, _>>()
                .map_err(ServiceError::internal)?;
            Ok(OrderItemRow {
                lot_id: order.lot_id,
                characteristic_id: c.id,
                position: i32::try_from(position).map_err(ServiceError::internal)?,
                inspection: p.mode,
                reason: p.mode_reason.clone(),
                code_letter: p.plan.as_ref().map(|plan| plan.code_letter.clone()),
                severity: Some(p.severity.as_str().to_string()),
                sample_size: i64::try_from(p.applied.sample_size)
                    .map_err(ServiceError::internal)?,
                acceptance_number: i32::try_from(p.applied.acceptance_number).ok(),
                rejection_number: i32::try_from(p.applied.rejection_number).ok(),
                destructive: c.destructive,
                units,
                drawn_at: now,
            })
        })
        .collect()
}

/// The part's golden-sample revision approved now, with its reference values and photos.
fn golden_reference(
    conn: &mut PgConnection,
    lot: &Lot,
    now: DateTime<Utc>,
) -> Result<Option<GoldenReference>, ServiceError> {
    let Some(id) = golden_db::approved_at(conn, lot.part_id, now)? else {
        return Ok(None);
    };
    let (revision, _) = golden_db::revision_by_id(conn, id)?;
    Ok(Some(GoldenReference {
        references: golden_db::references(conn, &[id])?,
        photos: golden_db::photos_of(conn, &[id])?
            .into_iter()
            .map(|(_, view, photo)| (view, photo))
            .collect(),
        revision,
    }))
}
