//! A reviewer's changes of a lot itself: the correction of its number, size or
//! production date, and its cancellation before it is decided. Both take the supplier
//! and part's switching lock, then the lot's row lock (the order `decide` takes them
//! in), and replay the switching history when the lot's place or presence in it changes.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use diesel::PgConnection;

use super::{LotState, with_state};
use crate::auth::Principal;
use crate::db::lots::{self as lots_db, LotCancellation, LotChanges, LotCorrection, LotLifecycle};
use crate::db::models::Lot;
use crate::db::switching as switching_db;
use crate::domain::{LotId, LotSize, LotStatus, dates};
use crate::service::switching::{store_tail, tail_before};
use crate::service::{Checks, ServiceError, audit, scope};

/// Longest `reason` of a correction or a cancellation, in characters.
pub const REASON_MAX: usize = 2000;

/// A correction of a lot: the fields given change, the others stay.
#[derive(Debug, Clone)]
pub struct LotCorrectionInput {
    /// Stored trimmed.
    pub lot_number: Option<String>,
    pub lot_size: Option<LotSize>,
    pub produced_on: Option<NaiveDate>,
    pub reason: String,
}

impl LotCorrectionInput {
    fn check(&self, now: DateTime<Utc>) -> Result<(), ServiceError> {
        let mut checks = Checks::new();
        if let Some(number) = &self.lot_number {
            checks.text("lot_number", number, 64);
        }
        if let Some(why) = self
            .produced_on
            .and_then(|day| dates::implausible_date(day, now))
        {
            checks.add("produced_on", why);
        }
        if self.lot_number.is_none() && self.lot_size.is_none() && self.produced_on.is_none() {
            checks.add(
                "lot_number",
                "nothing to correct: give lot_number, lot_size or produced_on",
            );
        }
        checks.text("reason", &self.reason, REASON_MAX);
        checks.finish()
    }
}

/// Refuses (409) a change to a lot that is cancelled or released.
fn refuse_closed(lot: &Lot, lifecycle: &LotLifecycle, what: &str) -> Result<(), ServiceError> {
    match lifecycle.status {
        LotStatus::Cancelled => Err(cancelled(lot.id, lifecycle, what)),
        LotStatus::Released => Err(ServiceError::conflict(
            None,
            format!(
                "lot {} is released; {what} is refused after release",
                lot.id
            ),
        )),
        _ => Ok(()),
    }
}

/// " at <time>" of a cancellation, for messages.
fn at(lifecycle: &LotLifecycle) -> String {
    lifecycle
        .cancelled_at
        .map(|t| format!(" at {}", t.to_rfc3339_opts(SecondsFormat::AutoSi, true)))
        .unwrap_or_default()
}

fn cancelled(id: LotId, lifecycle: &LotLifecycle, what: &str) -> ServiceError {
    let at = at(lifecycle);
    ServiceError::conflict(
        None,
        format!(
            "lot {id} was cancelled{at}; {what} is refused on a cancelled lot: register \
             the lot again under a new id if it is to be inspected"
        ),
    )
}

/// Refuses (409) recording, importing, deciding or resubmitting on a cancelled lot,
/// naming the cancellation. `what` is the refused action in words. Locks the lot's row
/// (as a change to its inputs does anyway) so that the lot stays uncancelled until the
/// caller's transaction ends.
pub fn refuse_cancelled(
    conn: &mut PgConnection,
    id: LotId,
    what: &str,
) -> Result<(), ServiceError> {
    refuse_if_cancelled(id, &lots_db::lock_lifecycle(conn, id)?, what)
}

/// [`refuse_cancelled`] on a lifecycle the caller read under the lot's row lock.
pub fn refuse_if_cancelled(
    id: LotId,
    lifecycle: &LotLifecycle,
    what: &str,
) -> Result<(), ServiceError> {
    if lifecycle.status == LotStatus::Cancelled {
        return Err(cancelled(id, lifecycle, what));
    }
    Ok(())
}

/// Corrects a lot's number, size or production date, with a reason. `precondition`
/// sees the lot as locked (the caller's `If-Match`). Refused for a cancelled or
/// released lot. A correction of a lot with inspections counts as a change to its
/// inputs: its decision becomes stale, naming the correction. A lot with decisions
/// gets its supplier and part's switching history replayed, in the lot order the new
/// production date gives.
pub fn update(
    conn: &mut PgConnection,
    by: &Principal,
    id: LotId,
    input: &LotCorrectionInput,
    precondition: impl FnOnce(&Lot) -> Result<(), ServiceError>,
) -> Result<LotState, ServiceError> {
    input.check(Utc::now())?;
    conn.build_transaction().run(|conn| {
        let seen = scope::lot(conn, by, id)?;
        switching_db::lock(conn, seen.supplier_id, seen.part_id)?;
        let (before, lifecycle, counts) = lots_db::lock(conn, id)?;
        precondition(&before)?;
        refuse_closed(&before, &lifecycle, "a correction")?;
        let number = input.lot_number.as_deref().map(str::trim);
        let changes = LotChanges {
            lot_number: number.filter(|n| *n != before.lot_number),
            lot_size: input
                .lot_size
                .map(LotSize::get)
                .filter(|n| *n != before.lot_size),
            produced_on: input.produced_on.filter(|d| *d != before.produced_on),
        };
        let fields: Vec<String> = [
            ("lot_number", changes.lot_number.is_some()),
            ("lot_size", changes.lot_size.is_some()),
            ("produced_on", changes.produced_on.is_some()),
        ]
        .into_iter()
        .filter(|(_, changed)| *changed)
        .map(|(name, _)| name.to_string())
        .collect();
        if fields.is_empty() {
            // Already as asked: nothing to record (a retry after a lost answer).
            return with_state(conn, before);
        }
        let after = lots_db::update(conn, id, &changes)?;
        // A lot nothing was recorded against has no evidence to make stale: it stays
        // registered.
        let lot_change = if counts.changes > 0 {
            Some(lots_db::input_changed(conn, id)?)
        } else {
            None
        };
        lots_db::insert_correction(
            conn,
            &LotCorrection {
                id: uuid::Uuid::new_v4(),
                lot_id: id,
                lot_change,
                fields,
                reason: input.reason.trim().to_string(),
                corrected_at: Utc::now(),
            },
        )?;
        let entry = audit::Entry {
            action: "update",
            entity: "lot",
            id: id.to_string(),
            old: Some(serde_json::to_value(&before).map_err(ServiceError::internal)?),
            reason: Some(input.reason.trim()),
        };
        audit::write(conn, by, entry, &after)?;
        if counts.decided.is_some() {
            replay_history(conn, &before, &after)?;
        }
        with_state(conn, after)
    })
}

/// Cancels a lot with a reason, before it is decided: refused (409) once a decision
/// accepted or rejected it, or when it is cancelled already with another reason (the
/// same reason again returns the lot). A cancelled lot leaves its supplier and part's
/// switching history, which is replayed without it.
pub fn cancel(
    conn: &mut PgConnection,
    by: &Principal,
    id: LotId,
    reason: &str,
) -> Result<LotState, ServiceError> {
    let mut checks = Checks::new();
    checks.text("reason", reason, REASON_MAX);
    checks.finish()?;
    let reason = reason.trim();
    conn.build_transaction().run(|conn| {
        let seen = scope::lot(conn, by, id)?;
        switching_db::lock(conn, seen.supplier_id, seen.part_id)?;
        let (lot, before, counts) = lots_db::lock(conn, id)?;
        match before.status {
            LotStatus::Registered | LotStatus::UnderInspection => {}
            LotStatus::Cancelled if before.cancel_reason.as_deref() == Some(reason) => {
                return with_state(conn, lot);
            }
            LotStatus::Cancelled => {
                return Err(ServiceError::conflict(
                    Some("reason"),
                    format!(
                        "lot {id} was already cancelled{} with another reason; it stays \
                         cancelled with that one",
                        at(&before)
                    ),
                ));
            }
            LotStatus::Dispositioned | LotStatus::Released => {
                return Err(ServiceError::conflict(
                    None,
                    format!(
                        "lot {id} is {} ({}); a lot with a disposition or a release \
                         cannot be cancelled: what was decided stands; open a \
                         nonconformance report of the lot (open_ncr) to record what is \
                         wrong with it",
                        before.status.as_str(),
                        match (before.disposition, before.released_at) {
                            (_, Some(at)) => format!(
                                "released at {}",
                                at.to_rfc3339_opts(SecondsFormat::AutoSi, true)
                            ),
                            (Some(d), None) => format!("disposition {}", d.as_str()),
                            (None, None) => "no disposition".to_string(),
                        },
                    ),
                ));
            }
            decided => {
                return Err(ServiceError::conflict(
                    None,
                    format!(
                        "lot {id} is {} by its latest decision (verdict {}); only a lot not \
                         yet accepted or rejected can be cancelled: record a disposition \
                         of the lot instead",
                        decided.as_str().replace('_', " "),
                        before.verdict.as_deref().unwrap_or("none"),
                    ),
                ));
            }
        }
        let after = lots_db::cancel(conn, id, reason, Utc::now())?;
        let entry = audit::Entry {
            action: "cancel",
            entity: "lot",
            id: id.to_string(),
            old: Some(
                serde_json::to_value(LotCancellation {
                    id,
                    cancelled_at: before.cancelled_at,
                    cancel_reason: before.cancel_reason.clone(),
                })
                .map_err(ServiceError::internal)?,
            ),
            reason: Some(reason),
        };
        audit::write(conn, by, entry, &after)?;
        if counts.decided.is_some() {
            replay_history(conn, &lot, &lot)?;
        }
        with_state(conn, lot)
    })
}

/// Replays the switching history of the lot's supplier and part from the stored
/// outcomes, as they stand now (lot order, cancelled lots left out), from the last
/// checkpoint before the earlier of the lot's places before and after the change. Call
/// under the switching lock.
fn replay_history(conn: &mut PgConnection, before: &Lot, after: &Lot) -> Result<(), ServiceError> {
    let key = (before.produced_on, before.id).min((after.produced_on, after.id));
    let tail = tail_before(conn, after.supplier_id, after.part_id, Some(key))?;
    store_tail(conn, after.supplier_id, after.part_id, &tail)
}
