//! The switching history of one supplier and part: the latest decision of every decided
//! lot, replayed through the ISO 2859-1 switching rules in lot order (production date,
//! then lot id). The history is always recomputed, never patched, so a decision for an
//! earlier lot, or a new revision of one, cannot leave it inconsistent.
//!
//! A reviewer's resume of sampling after discontinuation (ISO 2859-1 9.4) is replayed in
//! the same order: it sits right after the lot it names (the latest decided lot when it was
//! recorded) and, when the characteristic is discontinued there, the next lots start on
//! tightened inspection with fresh counters, as if 9.3.2 had just been invoked. A resume
//! that finds the characteristic not discontinued (a lot before it was decided again
//! since, with another result) changes nothing.

use std::collections::HashMap;

use chrono::NaiveDate;
use lotgate_sampling as sampling;
use serde::Serialize;
use utoipa::ToSchema;

use super::outcome::DecidedLot;
use super::types::SwitchingSeverity;
use crate::domain::{CharacteristicId, DecisionId, LotId, ResumeId};

/// A change of severity and the rule that caused it: a lot's result (`decision_id`), or a
/// reviewer's resume after discontinuation (`resume_id`, placed after `lot_id`).
#[derive(Debug, Clone, PartialEq)]
pub struct Switch {
    pub lot_id: LotId,
    pub decision_id: Option<DecisionId>,
    pub resume_id: Option<ResumeId>,
    pub from: SwitchingSeverity,
    pub to: SwitchingSeverity,
    pub reason: String,
}

/// A lot whose latest decision used another severity than the replayed history gives it
/// (an earlier lot was decided, or decided again, after it): decide it again.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct StaleLot {
    /// The lot to decide again.
    pub lot_id: LotId,
    /// Its supplier's lot number.
    pub lot_number: String,
    /// The severity its latest decision used.
    pub severity_applied: SwitchingSeverity,
    /// The severity the switching rules give it now.
    pub severity_by_rules: SwitchingSeverity,
}

/// Where one characteristic stands after the replay. Stored as
/// [`super::stored::SwitchingStateDocument`], never in this shape.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CharacteristicHistory {
    pub state: sampling::SwitchingState,
    /// Lots that counted for the switching rules.
    pub lots_counted: u32,
    /// Units and defectives in all decided lots (for the estimated fraction defective).
    pub units: u64,
    pub defectives: u64,
    /// Decided lots with at least one unit inspected.
    pub lots_with_units: usize,
    pub switches: Vec<Switch>,
    pub stale: Vec<StaleLot>,
}

impl CharacteristicHistory {
    pub fn severity(&self) -> SwitchingSeverity {
        self.state.severity.into()
    }
}

/// A position in the lot order: production date, then lot id.
pub type LotOrder = (NaiveDate, LotId);

/// A reviewer's resume of sampling inspection of one characteristic after discontinuation.
#[derive(Debug, Clone, PartialEq)]
pub struct Resume {
    pub id: ResumeId,
    pub characteristic_id: CharacteristicId,
    /// The lot after which it takes effect, as its place in the lot order.
    pub after: LotOrder,
    /// What the supplier corrected, in the reviewer's words.
    pub reason: String,
}

/// The reason of the switch a resume causes.
pub fn resume_reason(corrective_action: &str) -> String {
    format!(
        "Tightened inspection resumed after discontinuation: the supplier acted to improve \
         quality and the reviewer approved resuming, as if 9.3.2 had been invoked \
         (ISO 2859-1 9.4). Corrective action: {corrective_action}"
    )
}

fn apply_resume(histories: &mut HashMap<CharacteristicId, CharacteristicHistory>, r: &Resume) {
    let h = histories.entry(r.characteristic_id).or_default();
    if h.state.severity != sampling::InspectionState::Discontinued {
        return;
    }
    h.switches.push(Switch {
        lot_id: r.after.1,
        decision_id: None,
        resume_id: Some(r.id),
        from: SwitchingSeverity::Discontinued,
        to: SwitchingSeverity::Tightened,
        reason: resume_reason(&r.reason),
    });
    h.state = sampling::SwitchingState::start(sampling::InspectionState::Tightened);
}

/// Replays the decided lots (the outcome of the latest revision of each, in lot order) and
/// the resumes (in the order recorded), each resume right after the lot it names.
pub fn replay(
    decisions: &[DecidedLot],
    resumes: &[Resume],
) -> HashMap<CharacteristicId, CharacteristicHistory> {
    replay_from(HashMap::new(), decisions, resumes, |_, _| {})
}

/// [`replay`] continued from `histories`, the state right after an earlier lot (see
/// [`super::checkpoint`]): `decisions` are the lots after it, `resumes` those placed at
/// or after it. `after_lot` sees the state right after each lot, before the resumes
/// placed after that lot.
pub fn replay_from(
    mut histories: HashMap<CharacteristicId, CharacteristicHistory>,
    decisions: &[DecidedLot],
    resumes: &[Resume],
    mut after_lot: impl FnMut(&DecidedLot, &HashMap<CharacteristicId, CharacteristicHistory>),
) -> HashMap<CharacteristicId, CharacteristicHistory> {
    let mut resumes: Vec<&Resume> = resumes.iter().collect();
    // Stable: resumes after the same lot keep the order they were recorded in.
    resumes.sort_by_key(|r| r.after);
    let mut resumes = resumes.into_iter().peekable();
    for d in decisions {
        while let Some(r) = resumes.next_if(|r| r.after < d.order()) {
            apply_resume(&mut histories, r);
        }
        let settings = sampling::SwitchingSettings {
            production_steady: d.settings.production_steady,
            reduced_approved: d.settings.reduced_approved,
        };
        for c in &d.characteristics {
            let h = histories.entry(c.characteristic_id).or_default();
            let by_rules = h.severity();
            if c.severity != by_rules {
                h.stale.push(StaleLot {
                    lot_id: d.lot_id,
                    lot_number: d.lot_number.clone(),
                    severity_applied: c.severity,
                    severity_by_rules: by_rules,
                });
            }
            if c.units_inspected > 0 {
                h.units += c.units_inspected;
                h.defectives += c.defectives;
                h.lots_with_units += 1;
            }
            let Some(outcome) = &c.switching else {
                continue;
            };
            let t = sampling::next_state(&h.state, outcome, &settings);
            h.lots_counted += 1;
            if let Some(reason) = t.reason {
                h.switches.push(Switch {
                    lot_id: d.lot_id,
                    decision_id: Some(d.decision_id),
                    resume_id: None,
                    from: by_rules,
                    to: t.state.severity.into(),
                    reason,
                });
            }
            h.state = t.state;
        }
        after_lot(d, &histories);
    }
    for r in resumes {
        apply_resume(&mut histories, r);
    }
    histories
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decision::outcome::CharacteristicOutcome;
    use crate::decision::types::{DecisionVerdict, SwitchingSettingsView};
    use serde_json::json;

    const CHAR: &str = "6b7c8d9e-0f1a-4b2c-8d3e-4f5a6b7c8d9e";

    /// A decision of one characteristic on a plan with Ac 2 (ISO 2859-1 J at AQL 1.0),
    /// counting for switching, decided under `severity`.
    fn decided(lot: u8, day: &str, severity: &str, accepted: bool) -> DecidedLot {
        let defectives = if accepted { 0 } else { 3 };
        DecidedLot {
            decision_id: serde_json::from_value(json!(format!(
                "00000000-0000-4000-8000-0000000000{lot:02}"
            )))
            .unwrap(),
            lot_id: serde_json::from_value(json!(format!(
                "10000000-0000-4000-8000-0000000000{lot:02}"
            )))
            .unwrap(),
            lot_number: format!("L-{lot}"),
            produced_on: day.parse().unwrap(),
            settings: SwitchingSettingsView {
                production_steady: false,
                reduced_approved: false,
            },
            characteristics: vec![CharacteristicOutcome {
                characteristic_id: serde_json::from_value(json!(CHAR)).unwrap(),
                severity: serde_json::from_value(json!(severity)).unwrap(),
                verdict: if accepted {
                    DecisionVerdict::Accept
                } else {
                    DecisionVerdict::Reject
                },
                units_inspected: 80,
                defectives,
                switching: Some(sampling::LotOutcome {
                    accepted,
                    acceptance_number: 2,
                    nonconforming_count: defectives as u32,
                    acceptance_number_one_step_tighter: Some(1),
                }),
            }],
        }
    }

    fn history(decisions: &[DecidedLot]) -> CharacteristicHistory {
        let id: CharacteristicId = serde_json::from_value(json!(CHAR)).unwrap();
        replay(decisions, &[]).remove(&id).unwrap()
    }

    /// A resume after lot `lot` (of the lots built by `decided`, produced on `lot` October).
    fn resume_after(lot: u8) -> Resume {
        let lot_id = format!("10000000-0000-4000-8000-0000000000{lot:02}");
        let day = NaiveDate::from_ymd_opt(2026, 10, u32::from(lot)).unwrap();
        Resume {
            id: serde_json::from_value(json!("40000000-0000-4000-8000-000000000001")).unwrap(),
            characteristic_id: serde_json::from_value(json!(CHAR)).unwrap(),
            after: (day, serde_json::from_value(json!(lot_id)).unwrap()),
            reason: "Mould cavity 3 re-polished".into(),
        }
    }

    /// Lots 1-2 rejected on normal (tightened from lot 2, 9.3.2), lots 3-7 rejected on
    /// tightened (discontinued from lot 7, 9.4), produced on 1-7 October.
    fn discontinued_at_lot_7() -> Vec<DecidedLot> {
        let mut lots = vec![
            decided(1, "2026-10-01", "normal", false),
            decided(2, "2026-10-02", "normal", false),
        ];
        for lot in 3..=7 {
            lots.push(decided(lot, &format!("2026-10-0{lot}"), "tightened", false));
        }
        lots
    }

    fn history_with(decisions: &[DecidedLot], resumes: &[Resume]) -> CharacteristicHistory {
        let id: CharacteristicId = serde_json::from_value(json!(CHAR)).unwrap();
        replay(decisions, resumes).remove(&id).unwrap()
    }

    #[test]
    fn two_rejections_in_lot_order_tighten_at_the_second() {
        let h = history(&[
            decided(1, "2026-10-01", "normal", false),
            decided(2, "2026-10-02", "normal", true),
            decided(3, "2026-10-03", "normal", false),
        ]);

        assert_eq!(h.severity(), SwitchingSeverity::Tightened);
        assert_eq!(h.switches.len(), 1);
        assert_eq!(h.switches[0].from, SwitchingSeverity::Normal);
        assert!(h.switches[0].reason.contains("9.3.2"));
        assert_eq!((h.units, h.defectives, h.lots_counted), (240, 6, 3));
    }

    #[test]
    fn a_lot_decided_on_another_severity_than_the_rules_give_is_stale() {
        // Lot 3 was decided on normal before lots 1 and 2 (both rejected) were known.
        let h = history(&[
            decided(1, "2026-10-01", "normal", false),
            decided(2, "2026-10-02", "normal", false),
            decided(3, "2026-10-03", "normal", true),
        ]);

        assert_eq!(h.stale.len(), 1);
        assert_eq!(h.stale[0].lot_number, "L-3");
        assert_eq!(h.stale[0].severity_by_rules, SwitchingSeverity::Tightened);
    }

    #[test]
    fn five_lots_not_accepted_on_tightened_discontinue_without_a_way_back_by_lots() {
        let mut lots = discontinued_at_lot_7();
        lots.push(decided(8, "2026-10-08", "discontinued", true));

        let h = history(&lots);

        assert_eq!(h.severity(), SwitchingSeverity::Discontinued);
        assert_eq!(
            h.switches.last().unwrap().to,
            SwitchingSeverity::Discontinued
        );
        assert!(h.switches.last().unwrap().reason.contains("9.4"));
    }

    #[test]
    fn a_resume_after_the_last_lot_makes_the_next_lot_start_on_tightened_with_fresh_counters() {
        let h = history_with(&discontinued_at_lot_7(), &[resume_after(7)]);

        assert_eq!(h.severity(), SwitchingSeverity::Tightened);
        assert_eq!(h.state.not_accepted_on_tightened, 0);
        assert_eq!(h.state.consecutive_accepted_on_tightened, 0);
        let last = h.switches.last().unwrap();
        assert_eq!(
            (last.from, last.to),
            (
                SwitchingSeverity::Discontinued,
                SwitchingSeverity::Tightened
            )
        );
        assert_eq!(last.decision_id, None);
        assert_eq!(last.resume_id, Some(resume_after(7).id));
        assert!(last.reason.contains("Mould cavity 3 re-polished"));
        assert!(last.reason.contains("9.4"));
    }

    #[test]
    fn lots_after_a_resume_count_on_tightened_and_lots_before_it_stay_discontinued() {
        let mut lots = discontinued_at_lot_7();
        lots.push(decided(8, "2026-10-08", "discontinued", true));
        lots.push(decided(9, "2026-10-09", "tightened", true));
        lots.push(decided(10, "2026-10-10", "tightened", false));

        let h = history_with(&lots, &[resume_after(8)]);

        // Lot 8 was decided while discontinued, lots 9 and 10 after the resume: none is stale.
        assert_eq!(h.stale, []);
        assert_eq!(h.severity(), SwitchingSeverity::Tightened);
        assert_eq!(h.state.not_accepted_on_tightened, 1);
        assert_eq!(h.state.consecutive_accepted_on_tightened, 0);
        let resumed: Vec<_> = h
            .switches
            .iter()
            .filter(|s| s.resume_id.is_some())
            .collect();
        assert_eq!(resumed.len(), 1);
        assert_eq!(resumed[0].lot_id, lots[7].lot_id);
    }

    #[test]
    fn five_more_lots_not_accepted_after_a_resume_discontinue_again() {
        let mut lots = discontinued_at_lot_7();
        for lot in 8..=12 {
            lots.push(decided(
                lot,
                &format!("2026-10-{lot:02}"),
                "tightened",
                false,
            ));
        }

        let h = history_with(&lots, &[resume_after(7)]);

        assert_eq!(h.severity(), SwitchingSeverity::Discontinued);
        let to: Vec<_> = h.switches.iter().map(|s| s.to).collect();
        assert_eq!(
            to,
            [
                SwitchingSeverity::Tightened,
                SwitchingSeverity::Discontinued,
                SwitchingSeverity::Tightened,
                SwitchingSeverity::Discontinued,
            ]
        );
    }

    #[test]
    fn a_resume_that_finds_sampling_not_discontinued_changes_nothing() {
        let lots = discontinued_at_lot_7();

        // After lot 3 the characteristic is on tightened with one lot not accepted.
        let h = history_with(&lots[..3], &[resume_after(3)]);

        assert_eq!(h.severity(), SwitchingSeverity::Tightened);
        assert_eq!(h.state.not_accepted_on_tightened, 1);
        assert!(h.switches.iter().all(|s| s.resume_id.is_none()));
    }
}
