//! What the switching replay reads of a decided lot: the outcome of its latest decision,
//! per characteristic. It is stored in columns of its own beside the decision (see
//! [`super::stored`]), in the same transaction, so the replay never reads the API
//! document (`LotDecisionView`), whose shape may change with the API.

use chrono::NaiveDate;
use lotgate_sampling as sampling;

use super::types::{DecisionVerdict, LotDecisionView, SwitchingSettingsView, SwitchingSeverity};
use crate::domain::{CharacteristicId, DecisionId, LotId};

/// A decided lot as the switching rules see it: its latest decision's outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct DecidedLot {
    /// The decision revision that counts (the lot's latest).
    pub decision_id: DecisionId,
    pub lot_id: LotId,
    pub lot_number: String,
    /// With the lot id, the lot's place in the lot order.
    pub produced_on: NaiveDate,
    /// The switching settings the decision was made under.
    pub settings: SwitchingSettingsView,
    /// One entry per characteristic the decision judged.
    pub characteristics: Vec<CharacteristicOutcome>,
}

/// One characteristic of a decided lot, as the switching rules and the supplier's record
/// count it.
#[derive(Debug, Clone, PartialEq)]
pub struct CharacteristicOutcome {
    pub characteristic_id: CharacteristicId,
    /// The severity the decision applied.
    pub severity: SwitchingSeverity,
    pub verdict: DecisionVerdict,
    /// Units of the counted inspection with a result for the characteristic.
    pub units_inspected: u64,
    /// Defective units among them.
    pub defectives: u64,
    /// The lot's result for the switching rules; `None` when it does not count (full
    /// inspection, or verdict pending).
    pub switching: Option<sampling::LotOutcome>,
}

impl DecidedLot {
    /// The outcome of a decision just computed, to be stored beside it.
    pub fn of(view: &LotDecisionView) -> Self {
        DecidedLot {
            decision_id: view.id,
            lot_id: view.lot_id,
            lot_number: view.lot_number.clone(),
            produced_on: view.produced_on,
            settings: view.settings,
            characteristics: view
                .characteristics
                .iter()
                .map(|c| CharacteristicOutcome {
                    characteristic_id: c.characteristic_id,
                    severity: c.severity,
                    verdict: c.verdict,
                    units_inspected: c.units_inspected,
                    defectives: c.defectives,
                    switching: c.switching_outcome.map(|o| sampling::LotOutcome {
                        accepted: o.accepted,
                        acceptance_number: o.acceptance_number,
                        nonconforming_count: o.nonconforming,
                        acceptance_number_one_step_tighter: o.acceptance_number_one_step_tighter,
                    }),
                })
                .collect(),
        }
    }

    /// Its place in the lot order: production date, then lot id.
    pub fn order(&self) -> (NaiveDate, LotId) {
        (self.produced_on, self.lot_id)
    }
}
