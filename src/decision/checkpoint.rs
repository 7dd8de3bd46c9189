//! Checkpoints of the switching replay: where every characteristic of a supplier and part
//! stands right after each decided lot, so that a change replays only the lots from the
//! earliest one it touches, not the whole history.
//!
//! A checkpoint after lot `p` holds the replay of every lot up to `p` (in lot order) and of
//! the resumes placed before `p`; a resume placed after `p` itself is not in it (the full
//! replay applies it only before the next lot). A replay from `p` ([`Tail`]) therefore
//! reads the lots after `p` and the resumes placed at or after `p`, and gives the same
//! state, switches after `p`, and stale lots as the replay of everything
//! ([`super::replay::replay`]); the tests below check that on random histories.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::DecisionError;
use super::outcome::DecidedLot;
use super::replay::{CharacteristicHistory, LotOrder, Resume, replay_from};
use super::stored::SwitchingStateDocument;
use crate::domain::{CharacteristicId, DecisionId, LotId};

/// The replayed switching state right after one decided lot. Its histories hold no
/// switches (those are stored as rows of their own); they keep the counters and the
/// stale lots up to this lot.
#[derive(Debug, Clone, PartialEq)]
pub struct Checkpoint {
    pub lot_id: LotId,
    pub lot_number: String,
    pub produced_on: NaiveDate,
    /// The lot's decision revision that was counted (its latest).
    pub decision_id: DecisionId,
    pub histories: HashMap<CharacteristicId, CharacteristicHistory>,
}

impl Checkpoint {
    /// Its place in the lot order.
    pub fn order(&self) -> LotOrder {
        (self.produced_on, self.lot_id)
    }
}

/// What a replay from a checkpoint reads: the checkpoint (`None`: from the first lot),
/// the decided lots after it in lot order, and the resumes placed at or after it.
#[derive(Debug, Clone, Default)]
pub struct Tail {
    pub base: Option<Checkpoint>,
    pub lots: Vec<DecidedLot>,
    pub resumes: Vec<Resume>,
}

/// What a replay from a checkpoint gives: the state after every lot and resume, whose
/// switches are those after the checkpoint, and a new checkpoint after each lot replayed.
#[derive(Debug, Clone)]
pub struct Replayed {
    pub histories: HashMap<CharacteristicId, CharacteristicHistory>,
    pub checkpoints: Vec<Checkpoint>,
}

impl Tail {
    /// Where the replay starts: after the checkpoint's lot, or before every lot.
    pub fn start(&self) -> Option<LotOrder> {
        self.base.as_ref().map(Checkpoint::order)
    }

    fn base_histories(&self) -> HashMap<CharacteristicId, CharacteristicHistory> {
        self.base
            .as_ref()
            .map(|b| b.histories.clone())
            .unwrap_or_default()
    }

    /// The switching history at `key` (a place after the checkpoint): the lots and resumes
    /// before it. A decision of the lot at `key` judges at the severity this gives.
    pub fn before(&self, key: LotOrder) -> HashMap<CharacteristicId, CharacteristicHistory> {
        let lots: Vec<DecidedLot> = self
            .lots
            .iter()
            .filter(|d| d.order() < key)
            .cloned()
            .collect();
        let resumes: Vec<Resume> = self
            .resumes
            .iter()
            .filter(|r| r.after < key)
            .cloned()
            .collect();
        replay_from(self.base_histories(), &lots, &resumes, |_, _| {})
    }

    /// Puts a lot's latest decision in its place (replacing the one it had).
    pub fn with_decided(&mut self, decided: DecidedLot) {
        self.lots.retain(|d| d.lot_id != decided.lot_id);
        self.lots.push(decided);
        self.lots.sort_by_key(DecidedLot::order);
    }

    /// Replays the lots and resumes after the checkpoint.
    pub fn replay(&self) -> Replayed {
        let mut checkpoints = Vec::with_capacity(self.lots.len());
        let histories = replay_from(
            self.base_histories(),
            &self.lots,
            &self.resumes,
            |d, histories| {
                checkpoints.push(Checkpoint {
                    lot_id: d.lot_id,
                    lot_number: d.lot_number.clone(),
                    produced_on: d.produced_on,
                    decision_id: d.decision_id,
                    histories: histories
                        .iter()
                        .map(|(id, h)| {
                            let mut h = h.clone();
                            h.switches = Vec::new();
                            (*id, h)
                        })
                        .collect(),
                });
            },
        );
        Replayed {
            histories,
            checkpoints,
        }
    }
}

/// The version of [`CheckpointDocument`] written now.
pub const CHECKPOINT_FORMAT: u32 = 1;

/// A checkpoint's histories as stored in `switching_checkpoints.histories`: each
/// characteristic's state in the stored format of `switching_states.state`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckpointDocument {
    pub format_version: u32,
    pub characteristics: Vec<CheckpointCharacteristic>,
}

/// One characteristic of a [`CheckpointDocument`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckpointCharacteristic {
    pub characteristic_id: CharacteristicId,
    pub state: SwitchingStateDocument,
}

impl CheckpointDocument {
    /// The document of a checkpoint's histories, characteristics in id order.
    pub fn of(histories: &HashMap<CharacteristicId, CharacteristicHistory>) -> Self {
        let mut characteristics: Vec<CheckpointCharacteristic> = histories
            .iter()
            .map(|(id, h)| CheckpointCharacteristic {
                characteristic_id: *id,
                state: SwitchingStateDocument::of(h),
            })
            .collect();
        characteristics.sort_by_key(|c| c.characteristic_id);
        CheckpointDocument {
            format_version: CHECKPOINT_FORMAT,
            characteristics,
        }
    }

    /// Reads a stored document of the checkpoint after `lot`; another version or shape is
    /// an error naming the lot.
    pub fn read(
        lot: LotId,
        value: serde_json::Value,
    ) -> Result<HashMap<CharacteristicId, CharacteristicHistory>, DecisionError> {
        let doc: CheckpointDocument = serde_json::from_value(value).map_err(|e| {
            DecisionError::ImpossibleValue(format!(
                "the stored switching checkpoint after lot {lot} cannot be read: {e}"
            ))
        })?;
        if doc.format_version != CHECKPOINT_FORMAT {
            return Err(DecisionError::ImpossibleValue(format!(
                "the stored switching checkpoint after lot {lot} has format version {}; this \
                 lotgate reads version {CHECKPOINT_FORMAT}",
                doc.format_version
            )));
        }
        doc.characteristics
            .into_iter()
            .map(|c| {
                Ok((
                    c.characteristic_id,
                    c.state.into_history(c.characteristic_id)?,
                ))
            })
            .collect()
    }
}

#[cfg(test)]
#[path = "checkpoint_tests.rs"]
mod tests;
