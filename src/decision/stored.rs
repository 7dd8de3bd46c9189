//! The stored formats the switching replay reads and writes, and their mapping to the
//! domain. Each has a shape of its own, fixed here and by the migrations, so that a
//! change of the API views (or of the sampling crate's types) cannot make stored history
//! unreadable; frozen version-1 copies under `tests/fixtures/` are read by tests.
//!
//! * A decision's outcome: typed columns (`decision_outcomes`,
//!   `decision_characteristic_outcomes`), written with the decision.
//! * A characteristic's replay state: [`SwitchingStateDocument`] in
//!   `switching_states.state` (JSONB), with its `format_version`.

use lotgate_sampling as sampling;
use serde::{Deserialize, Serialize};

use super::DecisionError;
use super::outcome::{CharacteristicOutcome, DecidedLot};
use super::replay::{CharacteristicHistory, StaleLot};
use super::types::{DecisionVerdict, SwitchingSettingsView, SwitchingSeverity};
use crate::db::decisions::{CharacteristicOutcomeRow, DecidedLotRows, OutcomeRow};
use crate::domain::{CharacteristicId, LotId};

fn impossible(what: impl std::fmt::Display) -> DecisionError {
    DecisionError::ImpossibleValue(what.to_string())
}

/// The rows that store the outcome of a decision just computed.
pub fn outcome_rows(
    d: &DecidedLot,
) -> Result<(OutcomeRow, Vec<CharacteristicOutcomeRow>), DecisionError> {
    let too_big = |c: &CharacteristicOutcome, what: &str, n: u64| {
        impossible(format!(
            "characteristic {} of lot {}: {what} {n} is beyond what can be stored",
            c.characteristic_id, d.lot_id
        ))
    };
    let mut rows = Vec::with_capacity(d.characteristics.len());
    for c in &d.characteristics {
        let big = |what: &str, n: u64| i64::try_from(n).map_err(|_| too_big(c, what, n));
        let int = |what: &str, n: u32| i32::try_from(n).map_err(|_| too_big(c, what, n.into()));
        let s = c.switching.as_ref();
        rows.push(CharacteristicOutcomeRow {
            decision_id: d.decision_id,
            characteristic_id: c.characteristic_id,
            severity: c.severity.as_str().into(),
            verdict: c.verdict.as_str().into(),
            units_inspected: big("units inspected", c.units_inspected)?,
            defectives: big("defectives", c.defectives)?,
            switching_accepted: s.map(|s| s.accepted),
            switching_acceptance_number: s
                .map(|s| int("acceptance number", s.acceptance_number))
                .transpose()?,
            switching_nonconforming: s
                .map(|s| int("nonconforming count", s.nonconforming_count))
                .transpose()?,
            switching_acceptance_number_one_step_tighter: s
                .and_then(|s| s.acceptance_number_one_step_tighter)
                .map(|n| int("acceptance number one step tighter", n))
                .transpose()?,
        });
    }
    let outcome = OutcomeRow {
        decision_id: d.decision_id,
        production_steady: d.settings.production_steady,
        reduced_approved: d.settings.reduced_approved,
    };
    Ok((outcome, rows))
}

/// A decided lot read back from its outcome rows. A value the columns' checks should have
/// refused is an error naming the decision, the characteristic and the value.
pub fn decided_lot(rows: DecidedLotRows) -> Result<DecidedLot, DecisionError> {
    let DecidedLotRows {
        decision_id,
        lot_id,
        lot_number,
        produced_on,
        outcome,
        characteristics,
    } = rows;
    let outcome = outcome.ok_or_else(|| {
        impossible(format!(
            "decision {decision_id} of lot '{lot_number}' ({lot_id}) has no stored outcome \
             (decision_outcomes)"
        ))
    })?;
    let characteristics = characteristics
        .into_iter()
        .map(|c| {
            let bad = |what: &str, value: &dyn std::fmt::Display| {
                impossible(format!(
                    "the stored outcome of characteristic {} in decision {decision_id} of lot \
                     '{lot_number}' has an impossible {what}: {value}",
                    c.characteristic_id
                ))
            };
            let unsigned = |what: &str, n: i64| u64::try_from(n).map_err(|_| bad(what, &n));
            let small = |what: &str, n: i32| u32::try_from(n).map_err(|_| bad(what, &n));
            let switching = match (
                c.switching_accepted,
                c.switching_acceptance_number,
                c.switching_nonconforming,
            ) {
                (None, None, None) => None,
                (Some(accepted), Some(ac), Some(nonconforming)) => Some(sampling::LotOutcome {
                    accepted,
                    acceptance_number: small("switching acceptance number", ac)?,
                    nonconforming_count: small("switching nonconforming count", nonconforming)?,
                    acceptance_number_one_step_tighter: c
                        .switching_acceptance_number_one_step_tighter
                        .map(|n| small("acceptance number one step tighter", n))
                        .transpose()?,
                }),
                partial => {
                    return Err(bad(
                        "switching outcome (partly null)",
                        &format!("{partial:?}"),
                    ));
                }
            };
            Ok(CharacteristicOutcome {
                characteristic_id: c.characteristic_id,
                severity: SwitchingSeverity::parse(&c.severity)
                    .ok_or_else(|| bad("severity", &c.severity))?,
                verdict: DecisionVerdict::parse(&c.verdict)
                    .ok_or_else(|| bad("verdict", &c.verdict))?,
                units_inspected: unsigned("number of units inspected", c.units_inspected)?,
                defectives: unsigned("number of defectives", c.defectives)?,
                switching,
            })
        })
        .collect::<Result<Vec<_>, DecisionError>>()?;
    Ok(DecidedLot {
        decision_id,
        lot_id,
        lot_number,
        produced_on,
        settings: SwitchingSettingsView {
            production_steady: outcome.production_steady,
            reduced_approved: outcome.reduced_approved,
        },
        characteristics,
    })
}

/// The version of [`SwitchingStateDocument`] written now.
pub const SWITCHING_STATE_FORMAT: u32 = 1;

/// Where one characteristic of a supplier and part stands after the replay, as stored in
/// `switching_states.state`. Version 1 is the shape stored before the format had a
/// version (the migration added `format_version` and dropped an always-empty `switches`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SwitchingStateDocument {
    pub format_version: u32,
    pub state: SchemeState,
    pub lots_counted: u32,
    pub units: u64,
    pub defectives: u64,
    pub lots_with_units: u64,
    pub stale: Vec<StoredStaleLot>,
}

/// The state of the ISO 2859-1 scheme and its counters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SchemeState {
    pub severity: StoredScheme,
    pub recent_normal_results: Vec<bool>,
    pub consecutive_accepted_on_tightened: u32,
    pub not_accepted_on_tightened: u32,
    pub switching_score: u32,
}

/// The scheme's severity; version 1 spells it with a capital (`"Normal"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum StoredScheme {
    Normal,
    Tightened,
    Reduced,
    Discontinued,
}

/// A lot to decide again; version 1 spells severities in lower case (`"normal"`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredStaleLot {
    pub lot_id: LotId,
    pub lot_number: String,
    pub severity_applied: StoredSeverity,
    pub severity_by_rules: StoredSeverity,
}

/// A severity as version 1 spells it in a stale lot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StoredSeverity {
    Normal,
    Tightened,
    Reduced,
    Discontinued,
}

impl From<SwitchingSeverity> for StoredSeverity {
    fn from(s: SwitchingSeverity) -> Self {
        match s {
            SwitchingSeverity::Normal => Self::Normal,
            SwitchingSeverity::Tightened => Self::Tightened,
            SwitchingSeverity::Reduced => Self::Reduced,
            SwitchingSeverity::Discontinued => Self::Discontinued,
        }
    }
}

impl From<StoredSeverity> for SwitchingSeverity {
    fn from(s: StoredSeverity) -> Self {
        match s {
            StoredSeverity::Normal => Self::Normal,
            StoredSeverity::Tightened => Self::Tightened,
            StoredSeverity::Reduced => Self::Reduced,
            StoredSeverity::Discontinued => Self::Discontinued,
        }
    }
}

impl From<sampling::InspectionState> for StoredScheme {
    fn from(s: sampling::InspectionState) -> Self {
        match s {
            sampling::InspectionState::Normal => Self::Normal,
            sampling::InspectionState::Tightened => Self::Tightened,
            sampling::InspectionState::Reduced => Self::Reduced,
            sampling::InspectionState::Discontinued => Self::Discontinued,
        }
    }
}

impl From<StoredScheme> for sampling::InspectionState {
    fn from(s: StoredScheme) -> Self {
        match s {
            StoredScheme::Normal => Self::Normal,
            StoredScheme::Tightened => Self::Tightened,
            StoredScheme::Reduced => Self::Reduced,
            StoredScheme::Discontinued => Self::Discontinued,
        }
    }
}

impl SwitchingStateDocument {
    /// The document that stores a replayed history (its switches are stored as rows of
    /// their own).
    pub fn of(h: &CharacteristicHistory) -> Self {
        SwitchingStateDocument {
            format_version: SWITCHING_STATE_FORMAT,
            state: SchemeState {
                severity: h.state.severity.into(),
                recent_normal_results: h.state.recent_normal_results.clone(),
                consecutive_accepted_on_tightened: h.state.consecutive_accepted_on_tightened,
                not_accepted_on_tightened: h.state.not_accepted_on_tightened,
                switching_score: h.state.switching_score,
            },
            lots_counted: h.lots_counted,
            units: h.units,
            defectives: h.defectives,
            lots_with_units: h.lots_with_units as u64,
            stale: h
                .stale
                .iter()
                .map(|s| StoredStaleLot {
                    lot_id: s.lot_id,
                    lot_number: s.lot_number.clone(),
                    severity_applied: s.severity_applied.into(),
                    severity_by_rules: s.severity_by_rules.into(),
                })
                .collect(),
        }
    }

    /// Reads a stored document of `characteristic`; one of another version, or of another
    /// shape, is an error naming the characteristic.
    pub fn read(
        characteristic: CharacteristicId,
        value: serde_json::Value,
    ) -> Result<CharacteristicHistory, DecisionError> {
        let doc: SwitchingStateDocument = serde_json::from_value(value).map_err(|e| {
            impossible(format!(
                "the stored switching state of characteristic {characteristic} cannot be read: {e}"
            ))
        })?;
        doc.into_history(characteristic)
    }

    /// The history a document read from storage holds; one of another version is an
    /// error naming the characteristic.
    pub fn into_history(
        self,
        characteristic: CharacteristicId,
    ) -> Result<CharacteristicHistory, DecisionError> {
        let doc = self;
        if doc.format_version != SWITCHING_STATE_FORMAT {
            return Err(impossible(format!(
                "the stored switching state of characteristic {characteristic} has format \
                 version {}; this lotgate reads version {SWITCHING_STATE_FORMAT}",
                doc.format_version
            )));
        }
        let lots_with_units = usize::try_from(doc.lots_with_units).map_err(|_| {
            impossible(format!(
                "the stored switching state of characteristic {characteristic} counts {} lots",
                doc.lots_with_units
            ))
        })?;
        Ok(CharacteristicHistory {
            state: sampling::SwitchingState {
                severity: doc.state.severity.into(),
                recent_normal_results: doc.state.recent_normal_results,
                consecutive_accepted_on_tightened: doc.state.consecutive_accepted_on_tightened,
                not_accepted_on_tightened: doc.state.not_accepted_on_tightened,
                switching_score: doc.state.switching_score,
            },
            lots_counted: doc.lots_counted,
            units: doc.units,
            defectives: doc.defectives,
            lots_with_units,
            switches: Vec::new(),
            stale: doc
                .stale
                .into_iter()
                .map(|s| StaleLot {
                    lot_id: s.lot_id,
                    lot_number: s.lot_number,
                    severity_applied: s.severity_applied.into(),
                    severity_by_rules: s.severity_by_rules.into(),
                })
                .collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A `switching_states.state` of version 1, frozen: never edit it, a change that
    /// cannot read it makes stored states unreadable.
    const STATE_V1: &str = include_str!("../../tests/fixtures/switching_state.v1.json");

    fn characteristic() -> CharacteristicId {
        serde_json::from_value(json!("c1000000-0000-4000-8000-000000000001")).unwrap()
    }

    #[test]
    fn reads_a_frozen_version_1_switching_state() {
        let value: serde_json::Value = serde_json::from_str(STATE_V1).unwrap();

        let h = SwitchingStateDocument::read(characteristic(), value).unwrap();

        assert_eq!(h.severity(), SwitchingSeverity::Tightened);
        assert_eq!(h.state.consecutive_accepted_on_tightened, 2);
        assert_eq!(h.state.not_accepted_on_tightened, 1);
        assert_eq!((h.lots_counted, h.units, h.defectives), (6, 480, 9));
        assert_eq!(h.lots_with_units, 6);
        assert_eq!(h.stale.len(), 1);
        assert_eq!(h.stale[0].lot_number, "L-06");
        assert_eq!(h.stale[0].severity_applied, SwitchingSeverity::Normal);
        assert_eq!(h.stale[0].severity_by_rules, SwitchingSeverity::Tightened);
    }

    #[test]
    fn writes_version_1_as_it_reads_it() {
        let value: serde_json::Value = serde_json::from_str(STATE_V1).unwrap();
        let h = SwitchingStateDocument::read(characteristic(), value.clone()).unwrap();

        let written = serde_json::to_value(SwitchingStateDocument::of(&h)).unwrap();

        assert_eq!(written, value);
    }

    #[test]
    fn refuses_a_switching_state_of_another_version() {
        let mut value: serde_json::Value = serde_json::from_str(STATE_V1).unwrap();
        value["format_version"] = json!(2);

        let err = SwitchingStateDocument::read(characteristic(), value).unwrap_err();

        assert_eq!(
            err.to_string(),
            "the stored switching state of characteristic c1000000-0000-4000-8000-000000000001 \
             has format version 2; this lotgate reads version 1"
        );
    }

    fn decided() -> DecidedLot {
        DecidedLot {
            decision_id: serde_json::from_value(json!("d0000000-0000-4000-8000-000000000001"))
                .unwrap(),
            lot_id: serde_json::from_value(json!("10000000-0000-4000-8000-000000000001")).unwrap(),
            lot_number: "L-01".into(),
            produced_on: "2026-10-01".parse().unwrap(),
            settings: SwitchingSettingsView {
                production_steady: true,
                reduced_approved: false,
            },
            characteristics: vec![
                CharacteristicOutcome {
                    characteristic_id: characteristic(),
                    severity: SwitchingSeverity::Normal,
                    verdict: DecisionVerdict::Reject,
                    units_inspected: 80,
                    defectives: 3,
                    switching: Some(sampling::LotOutcome {
                        accepted: false,
                        acceptance_number: 2,
                        nonconforming_count: 3,
                        acceptance_number_one_step_tighter: Some(1),
                    }),
                },
                CharacteristicOutcome {
                    characteristic_id: serde_json::from_value(json!(
                        "c1000000-0000-4000-8000-000000000002"
                    ))
                    .unwrap(),
                    severity: SwitchingSeverity::Normal,
                    verdict: DecisionVerdict::Pending,
                    units_inspected: 80,
                    defectives: 0,
                    switching: None,
                },
            ],
        }
    }

    fn rows_of(d: &DecidedLot) -> DecidedLotRows {
        let (outcome, characteristics) = outcome_rows(d).unwrap();
        DecidedLotRows {
            decision_id: d.decision_id,
            lot_id: d.lot_id,
            lot_number: d.lot_number.clone(),
            produced_on: d.produced_on,
            outcome: Some(outcome),
            characteristics,
        }
    }

    #[test]
    fn a_decided_lot_reads_back_from_its_outcome_rows_unchanged() {
        let d = decided();

        assert_eq!(decided_lot(rows_of(&d)).unwrap(), d);
    }

    #[test]
    fn an_impossible_stored_outcome_is_an_error_naming_the_characteristic_and_value() {
        let mut rows = rows_of(&decided());
        rows.characteristics[0].severity = "sideways".into();

        let err = decided_lot(rows).unwrap_err();

        assert_eq!(
            err.to_string(),
            "the stored outcome of characteristic c1000000-0000-4000-8000-000000000001 in \
             decision d0000000-0000-4000-8000-000000000001 of lot 'L-01' has an impossible \
             severity: sideways"
        );
    }

    #[test]
    fn a_decision_without_its_outcome_is_an_error() {
        let mut rows = rows_of(&decided());
        rows.outcome = None;

        let err = decided_lot(rows).unwrap_err();

        assert!(err.to_string().contains("has no stored outcome"), "{err}");
    }
}
