//! Stale decisions. A decision is stale when a change to the lot's inputs was recorded
//! after it: an inspection, a correction of one, a resubmission of the lot, or a
//! correction of the lot itself (its number, size or production date); each counts by
//! calling the database's `lot_input_changed` in the transaction that records it. Changes are numbered per lot by the database, and a
//! decision keeps the number it was computed from, so "after" means "not seen by the
//! decision", whatever the clocks say.
//!
//! Staleness is worked out when a lot or a decision is read: the stored decision
//! document never changes, and does not say whether it is stale.

use chrono::SecondsFormat;
use diesel::PgConnection;

use super::ServiceError;
use crate::db::decisions as decisions_db;
use crate::db::inspections::{self as inspections_db, InputChange};
use crate::db::lots::{self as lots_db, InputCounts, LotCorrection};
use crate::db::resubmissions::{self as resubmissions_db, ResubmissionChange};
use crate::domain::LotId;

/// Where a lot stands with its decision.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LotDecisionState {
    /// Inspected, and never decided or decided before its latest change.
    pub needs_decision: bool,
    /// Why its latest decision is stale; `None` when it is not (or there is none).
    pub stale_because: Option<String>,
}

/// Whether one revision of a decision is stale, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionStaleness {
    pub stale_because: Option<String>,
}

/// A numbered change to a lot's inputs, as its record says.
#[derive(Debug, Clone, Copy)]
enum Change<'a> {
    Inspection(&'a InputChange),
    LotCorrection(&'a LotCorrection),
    Resubmission(&'a ResubmissionChange),
}

/// The records of the changes wanted, of every kind.
struct Changes {
    inspections: Vec<InputChange>,
    corrections: Vec<LotCorrection>,
    resubmissions: Vec<ResubmissionChange>,
}

impl Changes {
    fn read(conn: &mut PgConnection, wanted: &[(LotId, i32)]) -> Result<Self, ServiceError> {
        Ok(Self {
            inspections: inspections_db::changes(conn, wanted)?,
            corrections: lots_db::correction_changes(conn, wanted)?,
            resubmissions: resubmissions_db::changes(conn, wanted)?,
        })
    }
}

/// The record of change `number` of `lot` among those read.
fn find(changes: &Changes, lot: LotId, number: i32) -> Option<Change<'_>> {
    changes
        .inspections
        .iter()
        .find(|c| c.lot_id == lot && c.lot_change == number)
        .map(Change::Inspection)
        .or_else(|| {
            changes
                .corrections
                .iter()
                .find(|c| c.lot_id == lot && c.lot_change == Some(number))
                .map(Change::LotCorrection)
        })
        .or_else(|| {
            changes
                .resubmissions
                .iter()
                .find(|r| r.lot_id == lot && r.lot_change == number)
                .map(Change::Resubmission)
        })
}

/// The first change a decision did not see, in words: which record, when it was
/// recorded, and how many more followed it.
fn because(change: Option<Change<'_>>, number: i32, changes: i32, decision: &str) -> String {
    let first = match change {
        // The reason stays out: this text is also a response header.
        Some(Change::LotCorrection(c)) => format!(
            "lot correction of {} recorded at {}, after {decision}",
            c.fields.join(", "),
            c.corrected_at.to_rfc3339_opts(SecondsFormat::AutoSi, true)
        ),
        Some(Change::Resubmission(r)) => format!(
            "resubmission {} recorded at {}, after {decision}",
            r.resubmission_id,
            r.recorded_at.to_rfc3339_opts(SecondsFormat::AutoSi, true)
        ),
        Some(Change::Inspection(c)) => {
            let record = match c.supersedes {
                Some(old) => format!("correction {} of inspection {old}", c.inspection_id),
                None => format!("inspection {}", c.inspection_id),
            };
            format!(
                "{record} recorded at {}, after {decision}",
                c.recorded_at.to_rfc3339_opts(SecondsFormat::AutoSi, true)
            )
        }
        // A kind of change without a record of its own is still named by its number.
        None => format!("change {number} to the lot's inputs was recorded after {decision}"),
    };
    match changes - number {
        0 => first,
        1 => format!("{first}; 1 more change since"),
        more => format!("{first}; {more} more changes since"),
    }
}

/// The decision state of each lot (`id` tells a lot's id), with two queries for all the
/// stale ones: their first unseen inspections, lot corrections and resubmissions.
pub fn of_lots<T>(
    conn: &mut PgConnection,
    lots: Vec<(T, InputCounts)>,
    id: impl Fn(&T) -> LotId,
) -> Result<Vec<(T, LotDecisionState)>, ServiceError> {
    let wanted: Vec<(LotId, i32)> = lots
        .iter()
        .filter(|(_, counts)| counts.stale())
        .filter_map(|(lot, counts)| Some((id(lot), counts.decided? + 1)))
        .collect();
    let changes = Changes::read(conn, &wanted)?;
    Ok(lots
        .into_iter()
        .map(|(lot, counts)| {
            let stale_because = counts.decided.filter(|_| counts.stale()).map(|seen| {
                let first = find(&changes, id(&lot), seen + 1);
                because(first, seen + 1, counts.changes, "the lot's latest decision")
            });
            let state = LotDecisionState {
                needs_decision: counts.needs_decision(),
                stale_because,
            };
            (lot, state)
        })
        .collect())
}

/// Whether a revision of the lot's decision (the latest when `revision` is `None`) is
/// stale. The caller has found the revision (and checked who may read it).
pub fn of_decision(
    conn: &mut PgConnection,
    lot: LotId,
    revision: Option<i32>,
) -> Result<DecisionStaleness, ServiceError> {
    let (seen, count) = decisions_db::seen_changes(conn, lot, revision)?;
    if count <= seen {
        return Ok(DecisionStaleness {
            stale_because: None,
        });
    }
    let wanted = [(lot, seen + 1)];
    let changes = Changes::read(conn, &wanted)?;
    let first = find(&changes, lot, seen + 1);
    Ok(DecisionStaleness {
        stale_because: Some(because(first, seen + 1, count, "this decision")),
    })
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;
    use crate::domain::InspectionId;

    fn change(supersedes: Option<InspectionId>) -> InputChange {
        InputChange {
            lot_id: LotId(uuid::Uuid::nil()),
            lot_change: 3,
            inspection_id: InspectionId(uuid::Uuid::from_u128(7)),
            supersedes,
            recorded_at: Utc.with_ymd_and_hms(2026, 12, 3, 10, 0, 0).unwrap(),
        }
    }

    #[test]
    fn names_the_first_unseen_inspection_and_its_time() {
        assert_eq!(
            because(
                Some(Change::Inspection(&change(None))),
                3,
                3,
                "this decision"
            ),
            "inspection 00000000-0000-0000-0000-000000000007 recorded at \
             2026-12-03T10:00:00Z, after this decision"
        );
    }

    #[test]
    fn names_a_correction_with_the_inspection_it_corrects_and_counts_the_rest() {
        let text = because(
            Some(Change::Inspection(&change(Some(InspectionId(
                uuid::Uuid::from_u128(5),
            ))))),
            3,
            5,
            "this decision",
        );
        assert!(
            text.starts_with(
                "correction 00000000-0000-0000-0000-000000000007 of inspection \
                 00000000-0000-0000-0000-000000000005 recorded at"
            ),
            "{text}"
        );
        assert!(text.ends_with("; 2 more changes since"), "{text}");
    }

    #[test]
    fn names_a_lot_correction_by_its_fields_and_time() {
        let correction = LotCorrection {
            id: uuid::Uuid::nil(),
            lot_id: LotId(uuid::Uuid::nil()),
            lot_change: Some(4),
            fields: vec!["lot_size".into(), "produced_on".into()],
            reason: "the delivery note said 1200".into(),
            corrected_at: Utc.with_ymd_and_hms(2026, 12, 3, 11, 30, 0).unwrap(),
        };
        assert_eq!(
            because(
                Some(Change::LotCorrection(&correction)),
                4,
                5,
                "this decision"
            ),
            "lot correction of lot_size, produced_on recorded at 2026-12-03T11:30:00Z, \
             after this decision; 1 more change since"
        );
    }
}
