//! Resubmitting a lot (ISO 2859-1 7.6): a reviewer records that the supplier has
//! re-examined or retested every unit of a lot not accepted and removed (sorted) or
//! corrected (reworked) the nonconforming ones, with the severity the resubmission is
//! inspected at (tightened unless the responsible authority chooses normal). One sampling
//! inspection is then recorded against it (`resubmission_id`); the decision judges it
//! apart from the original inspection and the switching rules never count it.

use chrono::Utc;
use diesel::PgConnection;

use super::{Checks, ServiceError, audit, scope};
use crate::auth::Principal;
use crate::db::inspections as inspections_db;
use crate::db::resubmissions::{self as resubmissions_db, Resubmission};
use crate::domain::{
    InspectionId, LotId, ResubmissionAction, ResubmissionId, ResubmissionSeverity,
};

/// Longest reason, in characters.
pub const REASON_MAX: usize = 2000;

/// A resubmission to record.
#[derive(Debug, Clone)]
pub struct ResubmitInput {
    /// Client-generated id, making a retry harmless; a new one when absent.
    pub id: Option<ResubmissionId>,
    /// Why the lot is resubmitted (not blank, at most [`REASON_MAX`] characters; stored
    /// trimmed).
    pub reason: String,
    pub action: ResubmissionAction,
    pub severity: ResubmissionSeverity,
}

/// What `resubmit` did.
#[derive(Debug)]
pub struct Resubmitted {
    pub resubmission: Resubmission,
    /// False for a retry of a resubmission already stored: nothing new was written.
    pub created: bool,
}

/// Records a resubmission of a lot whose latest decision rejected it, with its audit
/// row, in one transaction. Refused (409) while the lot is not rejected, while an
/// earlier resubmission of it awaits its inspection, or when the id is stored with
/// other content.
pub fn resubmit(
    conn: &mut PgConnection,
    by: &Principal,
    lot_id: LotId,
    input: ResubmitInput,
) -> Result<Resubmitted, ServiceError> {
    let mut checks = Checks::new();
    checks.text("reason", &input.reason, REASON_MAX);
    checks.finish()?;
    conn.build_transaction().run(|conn| {
        let lot = scope::lot(conn, by, lot_id)?;
        super::lots::refuse_cancelled(conn, lot_id, "a resubmission")?;
        let reason = input.reason.trim();
        if let Some(id) = input.id
            && let Some(stored) = resubmissions_db::find(conn, id)?
        {
            let same = stored.lot_id == lot_id
                && stored.reason == reason
                && stored.action == input.action
                && stored.severity == input.severity;
            if !same {
                return Err(ServiceError::conflict(
                    Some("id"),
                    "a resubmission with this id is already recorded with other content; use a new id",
                ));
            }
            return Ok(Resubmitted {
                resubmission: stored,
                created: false,
            });
        }
        match resubmissions_db::latest_verdict(conn, lot_id)?.as_deref() {
            Some("reject") => {}
            verdict => {
                return Err(ServiceError::conflict(
                    None,
                    format!(
                        "lot '{}' is {}: only a lot not accepted on inspection is resubmitted \
                         (ISO 2859-1 7.6); decide the lot first",
                        lot.lot_number,
                        verdict.map_or_else(
                            || "not decided".to_string(),
                            |v| format!("not rejected by its latest decision ({v})")
                        )
                    ),
                ));
            }
        }
        for earlier in resubmissions_db::of_lot(conn, lot_id)? {
            if resubmissions_db::inspections_of(conn, earlier.id)?.is_empty() {
                return Err(ServiceError::conflict(
                    None,
                    format!(
                        "resubmission {} of lot '{}' awaits its inspection: record it (with \
                         resubmission_id) before resubmitting the lot again",
                        earlier.id, lot.lot_number
                    ),
                ));
            }
        }
        let row = resubmissions_db::insert(
            conn,
            &Resubmission {
                id: input.id.unwrap_or_else(ResubmissionId::new_random),
                lot_id,
                reason: reason.to_string(),
                action: input.action,
                severity: input.severity,
                recorded_at: Utc::now(),
            },
        )?;
        audit::write(
            conn,
            by,
            audit::Entry {
                action: "resubmit",
                entity: "resubmission",
                id: row.id.to_string(),
                old: None,
                reason: Some(&row.reason),
            },
            &row,
        )?;
        Ok(Resubmitted {
            resubmission: row,
            created: true,
        })
    })
}

/// A resubmission with the current (not superseded) inspection recorded against it.
#[derive(Debug)]
pub struct ListedResubmission {
    pub resubmission: Resubmission,
    /// Its inspection, or the correction that replaced it; `None` while it awaits one.
    pub inspection_id: Option<InspectionId>,
}

/// The resubmissions of a lot `by` may see, in the order recorded.
pub fn list(
    conn: &mut PgConnection,
    by: &Principal,
    lot_id: LotId,
) -> Result<Vec<ListedResubmission>, ServiceError> {
    scope::lot(conn, by, lot_id)?;
    let linked = resubmissions_db::linked_of_lot(conn, lot_id)?;
    let ids: Vec<InspectionId> = linked.iter().map(|(i, _)| *i).collect();
    let superseded = inspections_db::superseded_by(conn, &ids)?;
    Ok(resubmissions_db::of_lot(conn, lot_id)?
        .into_iter()
        .map(|r| ListedResubmission {
            inspection_id: linked
                .iter()
                .find(|(i, of)| *of == r.id && !superseded.contains_key(i))
                .map(|(i, _)| *i),
            resubmission: r,
        })
        .collect())
}
