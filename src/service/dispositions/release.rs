//! Releasing a lot for use: the last step of its life. Released are an accepted lot whose
//! individually rejected units (ISO 2859-1:1999 6.4) all have a disposition answering
//! its latest decision; a lot not accepted used as is under a concession that has not
//! expired (7.5); and a lot sorted or reworked whose resubmission was accepted (7.6).
//! Never while the latest decision is stale or pending: the release rests on it.

use chrono::{DateTime, Utc};
use diesel::PgConnection;

use super::{TEXT_MAX, covered, current_decision};
use crate::auth::Principal;
use crate::db::dispositions::{self as db, Release};
use crate::db::lots as lots_db;
use crate::decision::rejected_units;
use crate::domain::{Disposition, LotId, LotStatus};
use crate::service::{Checks, ServiceError, audit, scope};

/// What `release` did.
#[derive(Debug)]
pub struct Released {
    pub lot_id: LotId,
    pub released_at: DateTime<Utc>,
    /// The lot's status after it (`released`), as the database works it out.
    pub lot_status: LotStatus,
    /// The note given, trimmed.
    pub note: Option<String>,
}

/// Releases the lot, with its audit row (the note as its reason), in one transaction;
/// refused (409) with the reason and what to do instead when the lot may not be released.
pub fn release(
    conn: &mut PgConnection,
    by: &Principal,
    lot_id: LotId,
    note: Option<String>,
) -> Result<Released, ServiceError> {
    let mut checks = Checks::new();
    checks.optional_text("note", note.as_deref(), TEXT_MAX);
    checks.finish()?;
    let note = note.map(|n| n.trim().to_string()).filter(|n| !n.is_empty());
    let now = Utc::now();
    conn.build_transaction().run(|conn| {
        let lot = scope::lot(conn, by, lot_id)?;
        let (_, life, counts) = lots_db::lock(conn, lot_id)?;
        let name = &lot.lot_number;
        let refuse = |detail: String| Err(ServiceError::conflict(None, detail));
        if life.cancelled_at.is_some() {
            return refuse(format!("lot '{name}' is cancelled: it cannot be released"));
        }
        if let Some(at) = life.released_at {
            return refuse(format!("lot '{name}' was already released at {at}"));
        }
        let decision = current_decision(conn, &lot, counts)?;
        match (life.status, life.disposition) {
            (LotStatus::Accepted, _) => {
                let named = rejected_units::named(&decision.document)
                    .map_err(ServiceError::internal)?;
                let open = rejected_units::uncovered(&named, &covered(conn, decision.id)?);
                if !open.is_empty() {
                    let listed: Vec<String> = open.iter().map(|u| u.describe()).collect();
                    return refuse(format!(
                        "lot '{name}' has units rejected individually (ISO 2859-1 6.4) without \
                         a disposition: {}; record one (dispose_lot) first",
                        listed.join(", ")
                    ));
                }
            }
            (LotStatus::NotAccepted, _) => {
                return refuse(format!(
                    "lot '{name}' was not accepted: record its disposition (dispose_lot) first \
                     (ISO 2859-1 7.5)"
                ));
            }
            (LotStatus::Dispositioned, Some(Disposition::UseAsIs)) => {
                let today = now.date_naive();
                if let Some(d) = db::of_lot_scope(conn, lot_id)?
                    && let Some(day) = d.expires_on
                    && day < today
                {
                    return refuse(format!(
                        "the use_as_is concession of lot '{name}' expired on {day}: the lot \
                         cannot be released under an expired concession"
                    ));
                }
            }
            (LotStatus::Dispositioned, Some(d @ (Disposition::Scrap | Disposition::ReturnToSupplier))) => {
                return refuse(format!(
                    "lot '{name}' has the disposition {d}: a scrapped or returned lot cannot be released"
                ));
            }
            (LotStatus::Dispositioned, Some(d)) if !life.accepted_on_resubmission => {
                return refuse(format!(
                    "lot '{name}' has the disposition {d} and no accepted resubmission: record \
                     the resubmission (resubmit_lot) and its inspection, decide the lot \
                     (decide_lot), then release it (ISO 2859-1 7.6)"
                ));
            }
            (LotStatus::Dispositioned, Some(_)) => {}
            (other, _) => {
                return refuse(format!("lot '{name}' is {other}: it cannot be released"));
            }
        }
        let at = db::set_released(conn, lot_id, now)?;
        let released = Release {
            id: lot_id,
            released_at: Some(at),
        };
        audit::write(
            conn,
            by,
            audit::Entry {
                action: "release",
                entity: "lot_release",
                id: lot_id.to_string(),
                old: None,
                reason: note.as_deref(),
            },
            &released,
        )?;
        Ok(Released {
            lot_id,
            released_at: at,
            lot_status: db::status(conn, lot_id)?,
            note: note.clone(),
        })
    })
}
