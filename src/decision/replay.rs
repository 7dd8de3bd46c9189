//! The switching history of one supplier and part: the latest decision of every decided
//! lot, replayed through the ISO 2859-1 switching rules in lot order (production date,
//! then lot id). The history is always recomputed, never patched, so a decision for an
//! earlier lot, or a new revision of one, cannot leave it inconsistent.

use std::collections::HashMap;

use chrono::NaiveDate;
use lotgate_sampling as sampling;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::types::{LotDecisionView, SwitchingSeverity};
use crate::domain::{CharacteristicId, DecisionId, LotId};

/// A change of severity and the rule that caused it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Switch {
    pub lot_id: LotId,
    pub decision_id: DecisionId,
    pub from: SwitchingSeverity,
    pub to: SwitchingSeverity,
    pub reason: String,
}

/// A lot whose latest decision used another severity than the replayed history gives it
/// (an earlier lot was decided, or decided again, after it): decide it again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
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

/// Where one characteristic stands after the replay.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
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

/// Sort key of the lot order.
pub fn lot_order(d: &LotDecisionView) -> (NaiveDate, LotId) {
    (d.produced_on, d.lot_id)
}

/// Replays the decisions (the latest revision of each lot, in lot order).
pub fn replay(decisions: &[LotDecisionView]) -> HashMap<CharacteristicId, CharacteristicHistory> {
    let mut histories: HashMap<CharacteristicId, CharacteristicHistory> = HashMap::new();
    for d in decisions {
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
            let Some(o) = c.switching_outcome else {
                continue;
            };
            let outcome = sampling::LotOutcome {
                accepted: o.accepted,
                acceptance_number: o.acceptance_number,
                nonconforming_count: o.nonconforming,
                acceptance_number_one_step_tighter: o.acceptance_number_one_step_tighter,
            };
            let t = sampling::next_state(&h.state, &outcome, &settings);
            h.lots_counted += 1;
            if let Some(reason) = t.reason {
                h.switches.push(Switch {
                    lot_id: d.lot_id,
                    decision_id: d.id,
                    from: by_rules,
                    to: t.state.severity.into(),
                    reason,
                });
            }
            h.state = t.state;
        }
    }
    histories
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const CHAR: &str = "6b7c8d9e-0f1a-4b2c-8d3e-4f5a6b7c8d9e";

    /// A decision of one characteristic on a plan with Ac 2 (ISO 2859-1 J at AQL 1.0),
    /// counting for switching, decided under `severity`.
    fn decided(lot: u8, day: &str, severity: &str, accepted: bool) -> LotDecisionView {
        let plan = json!({"sample_size": 80, "acceptance_number": 2, "rejection_number": 3,
            "full_inspection": false});
        serde_json::from_value(json!({
            "id": format!("00000000-0000-4000-8000-0000000000{lot:02}"),
            "lot_id": format!("10000000-0000-4000-8000-0000000000{lot:02}"),
            "lot_number": format!("L-{lot}"), "lot_size": 1000,
            "part_id": "20000000-0000-4000-8000-000000000000",
            "supplier_id": "30000000-0000-4000-8000-000000000000",
            "produced_on": day, "revision": 1, "decided_at": "2026-11-21T10:00:00Z",
            "verdict": if accepted { "accept" } else { "reject" }, "explanation": "",
            "rule": "", "inspections_rule": "",
            "settings": {"production_steady": false, "reduced_approved": false},
            "characteristics": [{"characteristic_id": CHAR, "name": "Scratches",
                "kind": "attribute", "classification": "major", "severity": severity,
                "plan": null, "mode": "sampling", "mode_reason": "", "economics": null,
                "applied": plan, "inspection_id": null, "units_inspected": 80,
                "defectives": if accepted { 0 } else { 3 },
                "verdict": if accepted { "accept" } else { "reject" }, "explanation": "",
                "switching_outcome": {"accepted": accepted, "acceptance_number": 2,
                    "nonconforming": if accepted { 0 } else { 3 },
                    "acceptance_number_one_step_tighter": 1},
                "comparison": null}]
        }))
        .unwrap()
    }

    fn history(decisions: &[LotDecisionView]) -> CharacteristicHistory {
        let id: CharacteristicId = serde_json::from_value(json!(CHAR)).unwrap();
        replay(decisions).remove(&id).unwrap()
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
}
