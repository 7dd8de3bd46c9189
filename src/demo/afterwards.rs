//! What happens to a demo lot after its decision, step by step, through the same
//! services a reviewer's requests go to: its disposition (ISO 2859-1 7.5), a
//! resubmission with its inspection and new decision (7.6), its release, and the
//! nonconformance report its rejection opened (containment written, closed with a note).

use chrono::{Days, Utc};
use diesel::PgConnection;
use serde::Deserialize;

use super::production::Inspection;
use super::{BoxError, refused};
use crate::auth::Principal;
use crate::db::ncrs::NcrFilter;
use crate::domain::{
    Disposition, DispositionId, GoldenSampleRevisionId, LotId, NcrId, ResubmissionAction,
    ResubmissionId, ResubmissionSeverity,
};
use crate::service::{ServiceError, decisions, dispositions, inspections, ncrs, resubmissions};

/// One step in a lot's life after its decision, in the order they happened.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Step {
    Dispose(Dispose),
    Resubmit(Resubmit),
    Release(Release),
    /// Describes the containment of the report the lot's rejection opened.
    Ncr(NcrUpdate),
    /// Closes that report with a verification note.
    CloseNcr(NcrClosure),
}

/// A disposition of the lot, or of the units its decision rejected individually.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dispose {
    pub id: DispositionId,
    pub disposition: Disposition,
    pub reason: String,
    pub justification: Option<String>,
    pub approver: Option<String>,
    pub quantity: Option<i64>,
    /// Days after loading that a `use_as_is` concession expires: counted from the day
    /// the demo is loaded, since a concession must not have expired when recorded.
    pub expires_in_days: Option<u64>,
}

/// A resubmission of the lot, its sampling inspection and the decision on it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Resubmit {
    pub id: ResubmissionId,
    pub reason: String,
    pub action: ResubmissionAction,
    pub severity: ResubmissionSeverity,
    pub inspection: Inspection,
}

/// The lot's release for use.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Release {
    pub note: Option<String>,
}

/// A change of the lot's open report.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NcrUpdate {
    pub containment: Option<String>,
    pub description: Option<String>,
    pub reason: String,
}

/// The closing of the lot's open report.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NcrClosure {
    pub verification_note: String,
    pub reason: String,
}

/// Carries out `step` on the lot `lot_id` (number `name`); a resubmission's inspection
/// is judged against `revision`, as the lot's other inspections are.
pub fn apply(
    conn: &mut PgConnection,
    by: &Principal,
    lot_id: LotId,
    name: &str,
    revision: Option<GoldenSampleRevisionId>,
    step: &Step,
) -> Result<(), BoxError> {
    match step {
        Step::Dispose(d) => {
            let what = format!("disposition {} of lot {name}", d.disposition);
            let expires_on = match d.expires_in_days {
                Some(days) => Some(
                    Utc::now()
                        .date_naive()
                        .checked_add_days(Days::new(days))
                        .ok_or_else(|| format!("demo {what}: expiry out of range"))?,
                ),
                None => None,
            };
            let input = dispositions::DisposeInput {
                id: Some(d.id),
                disposition: d.disposition,
                reason: d.reason.clone(),
                justification: d.justification.clone(),
                approver: d.approver.clone(),
                quantity: d.quantity,
                expires_on,
            };
            dispositions::dispose(conn, by, lot_id, input).map_err(refused(&what))?;
        }
        Step::Resubmit(r) => {
            let what = format!("resubmission of lot {name}");
            let input = resubmissions::ResubmitInput {
                id: Some(r.id),
                reason: r.reason.clone(),
                action: r.action,
                severity: r.severity,
            };
            resubmissions::resubmit(conn, by, lot_id, input).map_err(refused(&what))?;
            let what = format!("inspection of the {what}");
            let checked = r.inspection.input(revision).map_err(refused(&what))?;
            inspections::record_resubmitted(conn, by, lot_id, r.id, &checked)
                .map_err(refused(&what))?;
            decisions::decide(conn, by, lot_id, None)
                .map_err(refused(format!("decision of the resubmitted lot {name}")))?;
        }
        Step::Release(r) => {
            dispositions::release(conn, by, lot_id, r.note.clone())
                .map_err(refused(format!("release of lot {name}")))?;
        }
        Step::Ncr(u) => {
            let id = open_ncr(conn, by, lot_id).map_err(refused(format!("NCR of lot {name}")))?;
            let change = ncrs::NcrChange {
                description: u.description.clone(),
                containment: u.containment.clone(),
                reason: u.reason.clone(),
            };
            ncrs::update(conn, by, id, &change, |_| Ok(()))
                .map_err(refused(format!("containment of the NCR of lot {name}")))?;
        }
        Step::CloseNcr(c) => {
            let id = open_ncr(conn, by, lot_id).map_err(refused(format!("NCR of lot {name}")))?;
            let closure = ncrs::Closure {
                verification_note: Some(c.verification_note.clone()),
                verification_inspection_id: None,
                reason: c.reason.clone(),
            };
            ncrs::close(conn, by, id, &closure)
                .map_err(refused(format!("closing of the NCR of lot {name}")))?;
        }
    }
    Ok(())
}

/// The lot's newest open report: the one its latest rejection opened.
fn open_ncr(conn: &mut PgConnection, by: &Principal, lot_id: LotId) -> Result<NcrId, ServiceError> {
    let filter = NcrFilter {
        status: Some(crate::domain::NcrStatus::Open),
        supplier_id: None,
        part_id: None,
        lot_id: Some(lot_id),
    };
    ncrs::list(conn, by, filter, None, 1)?
        .into_iter()
        .next()
        .map(|r| r.ncr.id)
        .ok_or_else(|| ServiceError::not_found("open nonconformance report of lot", lot_id))
}
