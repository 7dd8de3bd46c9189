//! Replaying from checkpoints gives what replaying everything gives, on random histories:
//! lots decided late (before lots decided already), decided again, cancelled, moved to
//! another production date, and resumes after discontinuation. The store below keeps
//! checkpoints, switches and states as `db::switching::replace_from` does (a checkpoint is
//! keyed by the place its lot had when written; switches are deleted by the place their
//! lot has now), and the service's order of calls (`service::switching::tail_before`,
//! `Tail::before`, `Tail::with_decided`, `store_tail`).

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use lotgate_sampling as sampling;
use proptest::prelude::*;
use uuid::Uuid;

use super::*;
use crate::decision::outcome::CharacteristicOutcome;
use crate::decision::replay::{Switch, replay};
use crate::decision::types::{DecisionVerdict, SwitchingSettingsView, SwitchingSeverity};
use crate::domain::ResumeId;

const CHARACTERISTICS: u128 = 2;

fn characteristic(k: u128) -> CharacteristicId {
    CharacteristicId(Uuid::from_u128(0xc000 + k))
}

struct Lot {
    id: LotId,
    number: String,
    day: NaiveDate,
    cancelled: bool,
    decided: Option<DecidedLot>,
}

struct StoredResume {
    id: ResumeId,
    characteristic_id: CharacteristicId,
    after_lot: LotId,
    reason: String,
}

#[derive(Default)]
struct World {
    lots: Vec<Lot>,
    resumes: Vec<StoredResume>,
    checkpoints: BTreeMap<LotOrder, Checkpoint>,
    /// (characteristic, seq, switch)
    events: Vec<(CharacteristicId, i32, Switch)>,
    states: HashMap<CharacteristicId, CharacteristicHistory>,
    counter: u128,
}

fn day(n: u8) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + chrono::Days::new(u64::from(n % 40))
}

fn without_switches(
    mut h: HashMap<CharacteristicId, CharacteristicHistory>,
) -> HashMap<CharacteristicId, CharacteristicHistory> {
    for v in h.values_mut() {
        v.switches.clear();
    }
    h
}

impl World {
    fn order_of(&self, lot: LotId) -> LotOrder {
        let l = self.lots.iter().find(|l| l.id == lot).unwrap();
        (l.day, l.id)
    }

    /// The latest decisions as the database reads them: with the lot's number and date now.
    fn stream(&self, after: Option<LotOrder>) -> Vec<DecidedLot> {
        let mut lots: Vec<DecidedLot> = self
            .lots
            .iter()
            .filter(|l| !l.cancelled)
            .filter_map(|l| {
                let mut d = l.decided.clone()?;
                d.produced_on = l.day;
                d.lot_number = l.number.clone();
                Some(d)
            })
            .filter(|d| after.is_none_or(|a| d.order() > a))
            .collect();
        lots.sort_by_key(DecidedLot::order);
        lots
    }

    fn all_resumes(&self) -> Vec<Resume> {
        self.resumes
            .iter()
            .map(|r| Resume {
                id: r.id,
                characteristic_id: r.characteristic_id,
                after: self.order_of(r.after_lot),
                reason: r.reason.clone(),
            })
            .collect()
    }

    fn tail_before(&self, key: Option<LotOrder>) -> Tail {
        let base = self
            .checkpoints
            .range(..key.unwrap_or((NaiveDate::MAX, LotId(Uuid::max()))))
            .next_back()
            .map(|(_, c)| {
                let mut c = c.clone();
                c.lot_number = self
                    .lots
                    .iter()
                    .find(|l| l.id == c.lot_id)
                    .unwrap()
                    .number
                    .clone();
                c
            });
        let start = base.as_ref().map(Checkpoint::order);
        Tail {
            lots: self.stream(start),
            resumes: self
                .all_resumes()
                .into_iter()
                .filter(|r| start.is_none_or(|s| r.after >= s))
                .collect(),
            base,
        }
    }

    fn store_tail(&mut self, tail: &Tail) {
        let replayed = tail.replay();
        let start = tail.start();
        match start {
            None => {
                self.checkpoints.clear();
                self.events.clear();
            }
            Some(s) => {
                self.checkpoints.retain(|k, _| *k <= s);
                let orders: HashMap<LotId, LotOrder> =
                    self.lots.iter().map(|l| (l.id, (l.day, l.id))).collect();
                self.events.retain(|(_, _, e)| {
                    let at = orders[&e.lot_id];
                    if e.resume_id.is_some() {
                        at < s
                    } else {
                        at <= s
                    }
                });
            }
        }
        for c in replayed.checkpoints {
            self.checkpoints.insert(c.order(), c);
        }
        self.states.clear();
        for (id, mut h) in replayed.histories {
            let kept = self
                .events
                .iter()
                .filter(|(c, _, _)| *c == id)
                .map(|(_, seq, _)| *seq)
                .max()
                .unwrap_or(0);
            for (k, s) in h.switches.drain(..).enumerate() {
                self.events.push((id, kept + k as i32 + 1, s));
            }
            self.states.insert(id, h);
        }
    }

    fn decide(&mut self, index: usize, roll: u8) {
        if self.lots[index].cancelled {
            return;
        }
        let key = (self.lots[index].day, self.lots[index].id);
        let mut tail = self.tail_before(Some(key));
        let earlier = tail.before(key);
        let full: Vec<DecidedLot> = self
            .stream(None)
            .into_iter()
            .filter(|d| d.order() < key)
            .collect();
        let resumes: Vec<Resume> = self
            .all_resumes()
            .into_iter()
            .filter(|r| r.after < key)
            .collect();
        assert_eq!(
            without_switches(earlier.clone()),
            without_switches(replay(&full, &resumes)),
            "the history before a lot, from its checkpoint"
        );
        self.counter += 1;
        let characteristics = (0..CHARACTERISTICS)
            .map(|k| {
                let r = roll.rotate_left((k * 3) as u32);
                let severity = earlier
                    .get(&characteristic(k))
                    .map_or(SwitchingSeverity::Normal, CharacteristicHistory::severity);
                let ac = u32::from(r % 4);
                let accepted = r % 5 < 3;
                let counts = !r.is_multiple_of(11);
                let nonconforming = if accepted {
                    ac.min(u32::from(r % 3))
                } else {
                    ac + 1
                };
                CharacteristicOutcome {
                    characteristic_id: characteristic(k),
                    severity,
                    verdict: match (counts, accepted) {
                        (false, _) => DecisionVerdict::Pending,
                        (true, true) => DecisionVerdict::Accept,
                        (true, false) => DecisionVerdict::Reject,
                    },
                    units_inspected: 50,
                    defectives: u64::from(nonconforming),
                    switching: counts.then_some(sampling::LotOutcome {
                        accepted,
                        acceptance_number: ac,
                        nonconforming_count: nonconforming,
                        acceptance_number_one_step_tighter: (!r.is_multiple_of(7))
                            .then(|| ac.saturating_sub(1)),
                    }),
                }
            })
            .collect();
        let lot = &self.lots[index];
        let decided = DecidedLot {
            decision_id: DecisionId(Uuid::from_u128(0xd000_0000 + self.counter)),
            lot_id: lot.id,
            lot_number: lot.number.clone(),
            produced_on: lot.day,
            settings: SwitchingSettingsView {
                production_steady: roll.is_multiple_of(2),
                reduced_approved: !roll.is_multiple_of(3),
            },
            characteristics,
        };
        self.lots[index].decided = Some(decided.clone());
        tail.with_decided(decided);
        self.store_tail(&tail);
    }

    fn apply(&mut self, (kind, a, b, c): (u8, u8, u8, u8)) {
        let pick = |n: usize| usize::from(b) % n;
        match kind % 6 {
            0 | 1 => {
                self.counter += 1;
                self.lots.push(Lot {
                    id: LotId(Uuid::from_u128((u128::from(c) << 64) | self.counter)),
                    number: format!("L-{}", self.counter),
                    day: day(a),
                    cancelled: false,
                    decided: None,
                });
                self.decide(self.lots.len() - 1, c);
            }
            2 if !self.lots.is_empty() => {
                let i = pick(self.lots.len());
                self.decide(i, c);
            }
            3 if !self.lots.is_empty() => {
                let i = pick(self.lots.len());
                if !self.lots[i].cancelled && self.lots[i].decided.is_some() {
                    let l = &mut self.lots[i];
                    l.cancelled = true;
                    let key = (l.day, l.id);
                    let tail = self.tail_before(Some(key));
                    self.store_tail(&tail);
                }
            }
            4 if !self.lots.is_empty() => {
                let i = pick(self.lots.len());
                if !self.lots[i].cancelled && self.lots[i].decided.is_some() {
                    let before = (self.lots[i].day, self.lots[i].id);
                    self.lots[i].day = day(a);
                    self.lots[i].number = format!("{}-moved", self.lots[i].number);
                    let key = before.min((self.lots[i].day, self.lots[i].id));
                    let tail = self.tail_before(Some(key));
                    self.store_tail(&tail);
                }
            }
            5 => {
                let k = u128::from(a) % CHARACTERISTICS;
                let mut tail = self.tail_before(None);
                let discontinued = tail
                    .replay()
                    .histories
                    .get(&characteristic(k))
                    .is_some_and(|h| h.severity() == SwitchingSeverity::Discontinued);
                let last = tail
                    .lots
                    .last()
                    .map(DecidedLot::order)
                    .or(tail.base.as_ref().map(Checkpoint::order));
                if let (true, Some(last)) = (discontinued, last) {
                    self.counter += 1;
                    let id = ResumeId(Uuid::from_u128(0xe000_0000 + self.counter));
                    self.resumes.push(StoredResume {
                        id,
                        characteristic_id: characteristic(k),
                        after_lot: last.1,
                        reason: "fixed".into(),
                    });
                    tail.resumes.push(Resume {
                        id,
                        characteristic_id: characteristic(k),
                        after: last,
                        reason: "fixed".into(),
                    });
                    self.store_tail(&tail);
                }
            }
            _ => {}
        }
    }

    /// The stored state and switches equal those of the replay of everything.
    fn check(&self) {
        let full = replay(&self.stream(None), &self.all_resumes());
        for (id, h) in &full {
            let mut stored: Vec<&(CharacteristicId, i32, Switch)> =
                self.events.iter().filter(|(c, _, _)| c == id).collect();
            stored.sort_by_key(|(_, seq, _)| *seq);
            let seqs: Vec<i32> = stored.iter().map(|(_, seq, _)| *seq).collect();
            assert_eq!(seqs, (1..=h.switches.len() as i32).collect::<Vec<_>>());
            let switches: Vec<Switch> = stored.into_iter().map(|(_, _, s)| s.clone()).collect();
            assert_eq!(switches, h.switches, "switches of {id}");
        }
        assert_eq!(self.states, without_switches(full), "stored states");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn replaying_from_checkpoints_equals_replaying_everything(
        ops in prop::collection::vec((0u8..6, any::<u8>(), any::<u8>(), any::<u8>()), 1..80)
    ) {
        let mut world = World::default();
        for op in ops {
            world.apply(op);
            world.check();
        }
    }
}

/// A history that reaches tightened, discontinuation and a resume, then a late lot before
/// all of it and a re-decision of an early lot: the cases the property must cover, run
/// every time whatever the random draws.
#[test]
fn a_late_lot_and_a_re_decision_after_a_resume_replay_as_everything_would() {
    let mut world = World::default();
    // 12 lots on consecutive days, each rejected on the first characteristic (roll 4:
    // 4 % 5 >= 3).
    for n in 0..12u8 {
        world.apply((0, n + 10, 0, 4));
    }
    assert_eq!(
        world.states[&characteristic(0)].severity(),
        SwitchingSeverity::Discontinued
    );
    world.apply((5, 0, 0, 0));
    assert_eq!(world.resumes.len(), 1);
    world.check();
    // A late lot before every other, accepted; then lot 3 decided again, accepted.
    world.apply((0, 1, 0, 0));
    world.check();
    world.apply((2, 0, 3, 0));
    world.check();
    // Lot 5 moved after the others, lot 2 cancelled.
    world.apply((4, 39, 5, 0));
    world.check();
    world.apply((3, 0, 2, 0));
    world.check();
    assert!(world.events.iter().any(|(_, _, s)| s.resume_id.is_some()));
    assert!(world.states.values().any(|h| !h.stale.is_empty()));
}

/// A `switching_checkpoints.histories` of version 1, frozen: never edit it, a change that
/// cannot read it makes stored checkpoints unreadable.
const CHECKPOINT_V1: &str = include_str!("../../tests/fixtures/switching_checkpoint.v1.json");

fn checkpoint_lot() -> LotId {
    LotId(Uuid::from_u128(0x1000_0000_0000_4000_8000_0000_0000_0003))
}

#[test]
fn reads_a_frozen_version_1_checkpoint_and_writes_it_back_unchanged() {
    let value: serde_json::Value = serde_json::from_str(CHECKPOINT_V1).unwrap();

    let histories = CheckpointDocument::read(checkpoint_lot(), value.clone()).unwrap();

    let second = CharacteristicId(Uuid::from_u128(0xc100_0000_0000_4000_8000_0000_0000_0002));
    let h = &histories[&second];
    assert_eq!(h.severity(), SwitchingSeverity::Tightened);
    assert_eq!(h.state.not_accepted_on_tightened, 2);
    assert_eq!((h.lots_counted, h.units, h.defectives), (3, 150, 7));
    assert_eq!(h.stale[0].lot_number, "L-03");
    assert_eq!(
        serde_json::to_value(CheckpointDocument::of(&histories)).unwrap(),
        value
    );
}

#[test]
fn refuses_a_checkpoint_of_another_version_naming_the_lot() {
    let mut value: serde_json::Value = serde_json::from_str(CHECKPOINT_V1).unwrap();
    value["format_version"] = serde_json::json!(2);

    let err = CheckpointDocument::read(checkpoint_lot(), value).unwrap_err();

    assert_eq!(
        err.to_string(),
        "the stored switching checkpoint after lot 10000000-0000-4000-8000-000000000003 has \
         format version 2; this lotgate reads version 1"
    );
}
