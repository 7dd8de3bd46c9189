//! Disposition of lots (ISO 2859-1:1999 7.5) and of units rejected individually (6.4):
//! a reviewer, for the responsible authority, records what becomes of a lot its latest
//! decision did not accept (scrap, sort, rework, return to the supplier, or use as is
//! under a concession), or of the units an accepted lot's latest decision found
//! nonconforming. A lot-scope disposition sets the lot's `disposition`, from which its
//! status follows; a lot's release (`release`) checks what is recorded here.

use chrono::{NaiveDate, Utc};
use diesel::PgConnection;

use super::{Checks, ServiceError, audit, scope};
use crate::auth::Principal;
use crate::db::dispositions::{self as db, LotDisposition};
use crate::db::lots::{self as lots_db, InputCounts, LotLifecycle};
use crate::db::models::Lot;
use crate::decision::rejected_units::{self, CoveredUnit};
use crate::domain::{
    DecisionId, Disposition, DispositionId, DispositionScope, LotId, LotStatus, WebhookEventType,
};
use crate::service::webhooks::events::LotDispositioned;

mod release;

pub use release::{Released, release};

/// Longest reason, justification or note, in characters.
pub const TEXT_MAX: usize = 2000;
/// Longest approver name, in characters.
pub const APPROVER_MAX: usize = 200;

/// A disposition to record.
#[derive(Debug, Clone)]
pub struct DisposeInput {
    /// Client-generated id, making a retry harmless; a new one when absent.
    pub id: Option<DispositionId>,
    pub disposition: Disposition,
    /// Why (not blank; stored trimmed).
    pub reason: String,
    /// Why a concession is acceptable; required for `use_as_is`.
    pub justification: Option<String>,
    /// Who approved the concession; required for `use_as_is`.
    pub approver: Option<String>,
    /// How many units the concession covers (1..=lot size); `use_as_is` only.
    pub quantity: Option<i64>,
    /// The last day the concession holds (not in the past); `use_as_is` only.
    pub expires_on: Option<NaiveDate>,
}

/// What `dispose` did.
#[derive(Debug)]
pub struct Disposed {
    pub disposition: LotDisposition,
    /// The lot's status after it, as the database works it out.
    pub lot_status: LotStatus,
    /// False for a retry of a disposition already stored: nothing new was written.
    pub created: bool,
}

/// The rules of a disposition that need no database.
fn check(input: &DisposeInput, today: NaiveDate) -> Result<(), ServiceError> {
    let mut checks = Checks::new();
    checks.text("reason", &input.reason, TEXT_MAX);
    checks.optional_text("justification", input.justification.as_deref(), TEXT_MAX);
    checks.optional_text("approver", input.approver.as_deref(), APPROVER_MAX);
    let blank = |v: &Option<String>| v.as_deref().is_none_or(|s| s.trim().is_empty());
    if input.disposition == Disposition::UseAsIs {
        if blank(&input.justification) {
            checks.add(
                "justification",
                "a use_as_is concession needs a justification (ISO 2859-1 7.5)",
            );
        }
        if blank(&input.approver) {
            checks.add(
                "approver",
                "a use_as_is concession needs the name of its approver",
            );
        }
    } else {
        for (field, present) in [
            ("quantity", input.quantity.is_some()),
            ("expires_on", input.expires_on.is_some()),
        ] {
            if present {
                checks.add(
                    field,
                    format!(
                        "only a use_as_is concession is limited by {field}; leave it out for {}",
                        input.disposition
                    ),
                );
            }
        }
    }
    if let Some(q) = input.quantity
        && q < 1
    {
        checks.add("quantity", "must be at least 1");
    }
    if let Some(day) = input.expires_on
        && day < today
    {
        checks.add(
            "expires_on",
            format!(
                "{day} is in the past (today is {today}, UTC); a concession must not have expired"
            ),
        );
    }
    checks.finish()
}

/// Trimmed, `None` when blank.
fn trimmed(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// Records a disposition of the lot (not accepted) or of its rejected units (accepted
/// with nonconforming units), with its audit row, in one transaction.
pub fn dispose(
    conn: &mut PgConnection,
    by: &Principal,
    lot_id: LotId,
    input: DisposeInput,
) -> Result<Disposed, ServiceError> {
    let now = Utc::now();
    check(&input, now.date_naive())?;
    conn.build_transaction().run(|conn| {
        let lot = scope::lot(conn, by, lot_id)?;
        let (_, life, counts) = lots_db::lock(conn, lot_id)?;
        let mut row = LotDisposition {
            id: input.id.unwrap_or_else(DispositionId::new_random),
            lot_id,
            scope: DispositionScope::Lot,
            disposition: input.disposition,
            reason: input.reason.trim().to_string(),
            justification: trimmed(input.justification.clone()),
            approver: trimmed(input.approver.clone()),
            quantity: input.quantity.and_then(|q| i32::try_from(q).ok()),
            expires_on: input.expires_on,
            units: serde_json::Value::Null,
            decision_id: DecisionId::new_random(),
            recorded_at: now,
            recorded_by: by.name.clone(),
            token_id: by.token_id,
        };
        if input.id.is_some()
            && let Some(stored) = db::find(conn, row.id)?
        {
            return retried(conn, stored, &row);
        }
        let (decision_id, units) = answered(conn, &lot, &life, counts, &input)?;
        if let Some(q) = input.quantity
            && q > i64::from(lot.lot_size)
        {
            return Err(ServiceError::invalid_field(
                "quantity",
                format!("must be at most the lot size {}", lot.lot_size),
            ));
        }
        if life.status == LotStatus::Accepted {
            row.scope = DispositionScope::RejectedUnits;
        }
        row.decision_id = decision_id;
        row.units = serde_json::to_value(&units).map_err(ServiceError::internal)?;
        let row = db::insert(conn, &row)?;
        if row.scope == DispositionScope::Lot {
            db::set_disposition(conn, lot_id, row.disposition)?;
        }
        audit::write(
            conn,
            by,
            audit::Entry {
                action: "dispose",
                entity: "lot_disposition",
                id: row.id.to_string(),
                old: None,
                reason: Some(&row.reason),
            },
            &row,
        )?;
        let lot_status = db::status(conn, lot_id)?;
        super::webhooks::emit(
            conn,
            WebhookEventType::LotDispositioned,
            &LotDispositioned {
                disposition_id: row.id,
                lot_id,
                scope: row.scope,
                disposition: row.disposition,
                reason: row.reason.clone(),
                decision_id: row.decision_id,
                lot_status,
                expires_on: row.expires_on,
            },
        )?;
        Ok(Disposed {
            lot_status,
            disposition: row,
            created: true,
        })
    })
}

/// A retry with a stored id: the stored disposition when the content is the same.
fn retried(
    conn: &mut PgConnection,
    stored: LotDisposition,
    asked: &LotDisposition,
) -> Result<Disposed, ServiceError> {
    let same = stored.lot_id == asked.lot_id
        && stored.disposition == asked.disposition
        && stored.reason == asked.reason
        && stored.justification == asked.justification
        && stored.approver == asked.approver
        && stored.quantity == asked.quantity
        && stored.expires_on == asked.expires_on;
    if !same {
        return Err(ServiceError::conflict(
            Some("id"),
            "a disposition with this id is already recorded with other content; use a new id",
        ));
    }
    Ok(Disposed {
        lot_status: db::status(conn, stored.lot_id)?,
        disposition: stored,
        created: false,
    })
}

/// The decision a new disposition answers and the units it covers, or why the lot
/// takes none now.
fn answered(
    conn: &mut PgConnection,
    lot: &Lot,
    life: &LotLifecycle,
    counts: InputCounts,
    input: &DisposeInput,
) -> Result<(DecisionId, Vec<CoveredUnit>), ServiceError> {
    let name = &lot.lot_number;
    let refuse = |detail: String| Err(ServiceError::conflict(None, detail));
    if life.cancelled_at.is_some() {
        return refuse(format!(
            "lot '{name}' is cancelled: it takes no disposition"
        ));
    }
    if let Some(at) = life.released_at {
        return refuse(format!(
            "lot '{name}' was released at {at}: a released lot takes no disposition"
        ));
    }
    if let Some(d) = life.disposition {
        return refuse(format!(
            "lot '{name}' already has the disposition {d}, which is final (ISO 2859-1 7.5); \
             see list_lot_dispositions; after sort or rework record the resubmission \
             (resubmit_lot), after use_as_is release it (release_lot)"
        ));
    }
    let decision = current_decision(conn, lot, counts)?;
    let named = rejected_units::named(&decision.document).map_err(ServiceError::internal)?;
    match life.status {
        LotStatus::NotAccepted => Ok((decision.id, named)),
        LotStatus::Accepted => {
            if named.is_empty() {
                return refuse(format!(
                    "lot '{name}' is accepted and its latest decision names no nonconforming \
                     unit: there is nothing to dispose of; release it (release_lot)"
                ));
            }
            let remaining = rejected_units::uncovered(&named, &covered(conn, decision.id)?);
            if remaining.is_empty() {
                return refuse(format!(
                    "every unit the latest decision of lot '{name}' rejected already has a \
                     disposition; release the lot (release_lot)"
                ));
            }
            if input.disposition == Disposition::Sort {
                return Err(ServiceError::invalid_field(
                    "disposition",
                    format!(
                        "lot '{name}' is accepted: its rejected units (ISO 2859-1 6.4) are \
                         already singled out, so sort does not apply; choose scrap, rework, \
                         return_to_supplier or use_as_is"
                    ),
                ));
            }
            Ok((decision.id, remaining))
        }
        other => refuse(format!(
            "lot '{name}' is {other}: only a lot not accepted, or an accepted lot with \
             rejected units, takes a disposition"
        )),
    }
}

/// The lot's latest decision, when it is a current, final one.
pub(crate) struct CurrentDecision {
    pub id: DecisionId,
    pub document: serde_json::Value,
}

/// The lot's latest decision; refused (409) when there is none, when it is stale or when
/// its verdict is pending, each with what to do instead.
pub(crate) fn current_decision(
    conn: &mut PgConnection,
    lot: &Lot,
    counts: InputCounts,
) -> Result<CurrentDecision, ServiceError> {
    let name = &lot.lot_number;
    let Some((id, verdict, document)) = db::latest_decision(conn, lot.id)? else {
        return Err(ServiceError::conflict(
            None,
            format!(
                "lot '{name}' is not decided: record its inspection and decide it (decide_lot) first"
            ),
        ));
    };
    if counts.stale() {
        return Err(ServiceError::conflict(
            None,
            format!(
                "the latest decision of lot '{name}' is stale: a change to its inputs \
                 was recorded after it; decide the lot again (decide_lot) first"
            ),
        ));
    }
    if verdict == "pending" {
        return Err(ServiceError::conflict(
            None,
            format!(
                "the latest decision of lot '{name}' is pending: complete its inspection and \
                 decide it again (decide_lot) first"
            ),
        ));
    }
    Ok(CurrentDecision { id, document })
}

/// The units the dispositions of rejected units answering `decision` cover.
pub(crate) fn covered(
    conn: &mut PgConnection,
    decision: DecisionId,
) -> Result<Vec<CoveredUnit>, ServiceError> {
    let mut units = Vec::new();
    for value in db::units_covered_for(conn, decision)? {
        let some: Vec<CoveredUnit> =
            serde_json::from_value(value).map_err(ServiceError::internal)?;
        units.extend(some);
    }
    Ok(units)
}

/// The lot's dispositions, in the order recorded.
pub fn list(
    conn: &mut PgConnection,
    by: &Principal,
    lot_id: LotId,
) -> Result<Vec<LotDisposition>, ServiceError> {
    scope::lot(conn, by, lot_id)?;
    Ok(db::of_lot(conn, lot_id)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(disposition: Disposition) -> DisposeInput {
        DisposeInput {
            id: None,
            disposition,
            reason: "burrs on every edge".into(),
            justification: None,
            approver: None,
            quantity: None,
            expires_on: None,
        }
    }

    fn fields(err: ServiceError) -> Vec<String> {
        match err {
            ServiceError::Invalid(v) => v.into_iter().map(|v| v.field).collect(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_concession_needs_a_justification_and_an_approver_and_may_not_have_expired() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        let mut asked = input(Disposition::UseAsIs);
        asked.quantity = Some(0);
        asked.expires_on = NaiveDate::from_ymd_opt(2026, 12, 2);

        let err = check(&asked, today).unwrap_err();

        assert_eq!(
            fields(err),
            ["justification", "approver", "quantity", "expires_on"]
        );
    }

    #[test]
    fn only_a_concession_takes_a_quantity_or_an_expiry() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        let mut asked = input(Disposition::Scrap);
        asked.quantity = Some(3);
        asked.expires_on = Some(today);

        assert_eq!(
            fields(check(&asked, today).unwrap_err()),
            ["quantity", "expires_on"]
        );
        assert!(check(&input(Disposition::Scrap), today).is_ok());
    }
}
