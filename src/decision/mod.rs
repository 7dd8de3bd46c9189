//! Lot decisions as pure computation over loaded rows: no actix, no SQL. The ISO 2859-1
//! tables, OC, switching rules and verdicts come from the `lotgate-sampling` crate; this
//! module chooses which recorded inspection counts, replays the switching history and
//! assembles the immutable snapshot that is stored.
//!
//! Rules chosen here:
//! * Lot order is `produced_on`, then lot id. The switching state for a lot is the replay
//!   of the latest decision of every *earlier* lot of the same supplier and part.
//! * Only current (not superseded) inspections count. Under sampling, a characteristic
//!   is judged on its original inspection (ISO 2859-1): the first current sampling
//!   inspection that records it, a correction taking the place of the inspection it
//!   superseded, and never a resubmission's. The two sources are never pooled: the
//!   supplier's source policy in force when the decision is made says whose original
//!   comes first, the in-house (incoming) one under `in_house_decides` (the default) or
//!   the supplier's own (factory) one under `factory_results_decide`; the other source's
//!   original decides only a characteristic the preferred source did not record. Later
//!   inspections whose own verdict differs are listed, not counted. Resubmissions (7.6)
//!   are judged apart, at the severity the reviewer chose, and never reach the switching
//!   rules. Under full inspection, on the latest current full inspection of the preferred
//!   source that records it, else on the other source's latest, or failing both on the
//!   original sampling inspection as the first part of the sort. A characteristic
//!   chosen for sampling that a full inspection records is judged on that full
//!   inspection, which covers the lot (the sample is only compared with it).
//! * Under full inspection the plan's Ac and Re apply to the whole lot (Ac 0 for a
//!   critical or fatal characteristic): pending while fewer units than the lot size are
//!   recorded, unless Re is already reached (the count can only grow).
//! * Every nonconforming unit any current inspection found is named in the decision,
//!   whatever the verdict (ISO 2859-1 6.4).
//! * The lot is rejected when any characteristic is rejected, pending while any is
//!   pending, otherwise accepted (the sampling crate's `lot_verdict`).

pub mod checkpoint;
pub mod evaluate;
pub mod outcome;
pub mod rejected_units;
pub mod replay;
pub mod resubmission;
pub mod scorecard;
pub mod stored;
pub mod types;
pub mod units;

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use lotgate_sampling as sampling;
use serde_json::{Value, json};

use crate::db::inspections::InspectionRows;
use crate::db::models::{Characteristic, Inspection, Lot};
use crate::db::resubmissions::Resubmission;
use crate::domain::{
    CharacteristicId, DecisionId, InspectionId, LotSize, Mode, ResubmissionId, SourcePolicy,
};
use evaluate::{CharacteristicInput, evaluate, latest_evidence, original_evidence};
use replay::CharacteristicHistory;
use types::{LotDecisionView, SwitchingSettingsView, SwitchingSeverity};

/// How the characteristics' verdicts combine into the lot's.
pub const LOT_RULE: &str = "The lot is rejected when any characteristic (critical, major or minor) is rejected, pending while any characteristic is pending, and accepted when every characteristic is accepted.";

/// Which inspections a decision counts.
pub const INSPECTIONS_RULE: &str = "Only current (not superseded) inspections count. A characteristic on sampling is judged on its original inspection (ISO 2859-1): the first current sampling inspection that records it, a correction taking the place of the inspection it superseded, the preferred source's before the other's (the supplier's source policy in force when the decision is made, recorded in source_policy: the in-house (incoming) inspection's under in_house_decides, the default, the supplier's own (factory) one's under factory_results_decide; the two sources are never pooled, and a later change of policy never reopens a decision made); a resubmission's inspection never counts here (resubmissions are judged apart, ISO 2859-1 7.6, and never count in the switching rules), and other inspections whose own verdict differs are listed in later_disagreeing; a characteristic on full inspection on the latest current full inspection of the preferred source that records it, else on the other source's latest, or else on its original sampling inspection as the first part of the sort; a characteristic chosen for sampling that a current full inspection records is judged on that full inspection, since it covers the lot. Under full inspection the plan's Ac and Re apply to the whole lot (Ac 0 for a critical or fatal characteristic), and the verdict is pending while fewer units than the lot size are recorded, unless the rejection number is already reached. A full inspection, when present, is also compared with the sampling verdict. Every unit found nonconforming by any current inspection is listed and rejected individually, whatever the verdict (ISO 2859-1 6.4).";

/// Why a decision could not be computed. Both are faults of the server, never of the
/// request: the sampling tables refused a stored AQL or level, or a stored value cannot be.
#[derive(Debug, thiserror::Error)]
pub enum DecisionError {
    #[error(transparent)]
    Sampling(#[from] sampling::SamplingError),
    /// A stored value that breaks the rules it was stored under (a lot size below 1,
    /// specification limits out of order, an unknown severity): computing on would
    /// silently misjudge the lot.
    #[error("{0}")]
    ImpossibleValue(String),
}

/// Everything a decision is computed from.
pub struct DecideInput<'a> {
    pub id: DecisionId,
    pub lot: &'a Lot,
    pub revision: i32,
    pub decided_at: DateTime<Utc>,
    pub settings: SwitchingSettingsView,
    /// The part's characteristics, in the order they were defined.
    pub characteristics: &'a [Characteristic],
    /// The switching history replayed over the lots before this one.
    pub earlier: &'a HashMap<CharacteristicId, CharacteristicHistory>,
    /// The lot's current inspections with their rows, in the order carried out.
    pub current: &'a [(Inspection, InspectionRows)],
    /// The place of each current inspection in the order of original inspection: when
    /// the inspection it replaces (following corrections back) was carried out, and its
    /// id. An inspection missing here takes its own.
    pub original_order: &'a HashMap<InspectionId, (DateTime<Utc>, InspectionId)>,
    /// The lot's resubmissions, in the order recorded.
    pub resubmissions: &'a [Resubmission],
    /// The current inspections recorded against a resubmission, with it.
    pub resubmitted: &'a HashMap<InspectionId, ResubmissionId>,
    /// The supplier's source policy in force when the decision is made: whose inspection
    /// decides a characteristic both sources recorded.
    pub source_policy: SourcePolicy,
}

/// Computes the decision of a lot.
pub fn decide(input: &DecideInput<'_>) -> Result<LotDecisionView, DecisionError> {
    let lot = input.lot;
    let lot_size = LotSize::parse(i64::from(lot.lot_size)).map_err(|e| {
        DecisionError::ImpossibleValue(format!(
            "lot '{}' ({}) has an impossible stored lot size {}: {e}",
            lot.lot_number, lot.id, lot.lot_size
        ))
    })?;
    let lot_size = u64::from(lot_size.get().unsigned_abs());
    let originals: Vec<&(Inspection, InspectionRows)> = input
        .current
        .iter()
        .filter(|(i, _)| !input.resubmitted.contains_key(&i.id))
        .collect();
    let order = |i: &Inspection| original_place(i, input.original_order, input.source_policy);
    let preferred = input.source_policy.preferred();
    let (first, second): (Vec<_>, Vec<_>) = originals
        .iter()
        .copied()
        .partition(|(i, _)| i.source == preferred);
    let mut characteristics = Vec::with_capacity(input.characteristics.len());
    for c in input.characteristics {
        let history = input.earlier.get(&c.id);
        let mut others = Vec::new();
        for (i, rows) in originals.iter().copied() {
            let e = evaluate::count(c, i.id, rows)?;
            if e.units > 0 {
                others.push((i.mode, e));
            }
        }
        let mut evaluated = evaluate(&CharacteristicInput {
            characteristic: c,
            lot_size,
            severity: history.map_or(SwitchingSeverity::Normal, CharacteristicHistory::severity),
            history: history.map_or((0, 0, 0), |h| (h.units, h.defectives, h.lots_with_units)),
            sampling: original_evidence(c, &originals, order)?,
            full: match latest_evidence(c, &first, Mode::Full)? {
                Some(e) => Some(e),
                None => latest_evidence(c, &second, Mode::Full)?,
            },
            nonconforming_units: units::nonconforming_units(c, input.current)?,
            others,
        })?;
        evaluated.decided_by_source = evaluated.decided_by.and_then(|id| {
            input
                .current
                .iter()
                .find(|(i, _)| i.id == id)
                .map(|(i, _)| i.source)
        });
        characteristics.push(evaluated);
    }
    let resubmissions = input
        .resubmissions
        .iter()
        .map(|r| {
            let inspection = input
                .current
                .iter()
                .find(|(i, _)| input.resubmitted.get(&i.id) == Some(&r.id));
            resubmission::judge(
                lot_size,
                input.characteristics,
                &resubmission::ResubmissionInput {
                    resubmission: r,
                    inspection,
                },
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    let verdicts: Vec<(sampling::Classification, sampling::Verdict)> = characteristics
        .iter()
        .map(|c| {
            let class = match c.classification {
                crate::domain::Classification::Critical => sampling::Classification::Critical,
                crate::domain::Classification::Major => sampling::Classification::Major,
                crate::domain::Classification::Minor => sampling::Classification::Minor,
            };
            let verdict = match c.verdict {
                types::DecisionVerdict::Accept => sampling::Verdict::Accept,
                types::DecisionVerdict::Reject => sampling::Verdict::Reject,
                types::DecisionVerdict::Pending => sampling::Verdict::Pending,
            };
            (class, verdict)
        })
        .collect();
    let verdict = sampling::lot_verdict(&verdicts);
    Ok(LotDecisionView {
        id: input.id,
        lot_id: input.lot.id,
        lot_number: input.lot.lot_number.clone(),
        lot_size,
        part_id: input.lot.part_id,
        supplier_id: input.lot.supplier_id,
        produced_on: input.lot.produced_on,
        revision: input.revision,
        decided_at: input.decided_at,
        verdict: verdict.verdict.into(),
        explanation: verdict.explanation,
        rule: LOT_RULE.into(),
        inspections_rule: INSPECTIONS_RULE.into(),
        settings: input.settings,
        source_policy: Some(input.source_policy),
        characteristics,
        resubmissions,
        decider: None,
    })
}

/// Where an inspection stands among a lot's candidates for original inspection: those
/// of the source `policy` prefers (in-house under `in_house_decides`, the factory's own
/// under `factory_results_decide`) before the other source's, then by when the
/// inspection it replaces (following corrections back) was carried out.
pub fn original_place(
    i: &Inspection,
    original_order: &HashMap<InspectionId, (DateTime<Utc>, InspectionId)>,
    policy: SourcePolicy,
) -> (bool, (DateTime<Utc>, InspectionId)) {
    let place = original_order
        .get(&i.id)
        .copied()
        .unwrap_or((i.inspected_at, i.id));
    (i.source != policy.preferred(), place)
}

/// What a decision was computed from, stored beside it: the lot, the settings, every
/// characteristic's settings and switching state before the lot, and the lot's current
/// inspections.
pub fn inputs_snapshot(input: &DecideInput<'_>) -> Value {
    let lot = input.lot;
    json!({
        "lot": {"id": lot.id, "lot_size": lot.lot_size, "produced_on": lot.produced_on},
        "settings": input.settings,
        "source_policy": input.source_policy,
        "characteristics": input.characteristics.iter().map(|c| json!({
            "id": c.id, "kind": c.kind, "classification": c.classification, "aql": c.aql,
            "inspection_level": c.inspection_level, "lsl": c.lsl, "usl": c.usl,
            "destructive": c.destructive, "one_defect_fatal": c.one_defect_fatal,
            "inspection_cost": c.inspection_cost, "escape_cost": c.escape_cost,
            "switching_before": input.earlier.get(&c.id).map(|h| json!({
                "severity": h.severity(), "state": h.state, "lots_counted": h.lots_counted,
                "units": h.units, "defectives": h.defectives,
                "lots_with_units": h.lots_with_units,
            })),
        })).collect::<Vec<_>>(),
        "current_inspections": input.current.iter().map(|(i, rows)| json!({
            "id": i.id, "mode": i.mode, "source": i.source, "inspected_at": i.inspected_at,
            "units": rows.units.len(),
            "resubmission_id": input.resubmitted.get(&i.id),
        })).collect::<Vec<_>>(),
        "resubmissions": input.resubmissions.iter().map(|r| json!({
            "id": r.id, "action": r.action, "severity": r.severity,
        })).collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{LotId, PartId, Source, SupplierId};

    fn lot(lot_size: i32) -> Lot {
        Lot {
            id: LotId::new_random(),
            part_id: PartId::new_random(),
            supplier_id: SupplierId::new_random(),
            lot_number: "L-1".into(),
            lot_size,
            produced_on: chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
            created_at: Utc::now(),
        }
    }

    fn decide_lot(lot: &Lot) -> Result<LotDecisionView, DecisionError> {
        decide(&DecideInput {
            id: DecisionId::new_random(),
            lot,
            revision: 1,
            decided_at: Utc::now(),
            settings: SwitchingSettingsView {
                production_steady: false,
                reduced_approved: false,
            },
            characteristics: &[],
            earlier: &HashMap::new(),
            current: &[],
            original_order: &HashMap::new(),
            resubmissions: &[],
            resubmitted: &HashMap::new(),
            source_policy: SourcePolicy::DEFAULT,
        })
    }

    /// A sampling inspection of `c` from `source` carried out at `at`, of these values.
    fn sampled(
        c: &Characteristic,
        source: crate::domain::Source,
        at: &str,
        values: &[f64],
    ) -> (Inspection, InspectionRows) {
        let id = InspectionId::new_random();
        let inspection = Inspection {
            id,
            lot_id: LotId::new_random(),
            source,
            mode: Mode::Sampling,
            inspector: "kim".into(),
            inspected_at: at.parse().unwrap(),
            supersedes: None,
            reason: None,
            body_sha256: String::new(),
            recorded_at: Utc::now(),
            golden_sample_revision_id: None,
        };
        let rows = InspectionRows {
            measurements: values
                .iter()
                .zip(1..)
                .map(|(v, unit_index)| crate::db::models::MeasurementRow {
                    inspection_id: id,
                    unit_index,
                    characteristic_id: c.id,
                    value: *v,
                })
                .collect(),
            ..InspectionRows::default()
        };
        (inspection, rows)
    }

    fn width() -> Characteristic {
        Characteristic {
            id: CharacteristicId::new_random(),
            part_id: PartId::new_random(),
            name: "Width".into(),
            kind: crate::domain::Kind::Variable,
            unit: Some("mm".into()),
            nominal: Some(12.0),
            lsl: Some(11.8),
            usl: Some(12.2),
            classification: crate::domain::Classification::Major,
            aql: 1.0,
            inspection_level: crate::domain::InspectionLevel::II,
            destructive: false,
            created_at: Utc::now(),
            inspection_cost: None,
            escape_cost: None,
            one_defect_fatal: false,
        }
    }

    // ISO 2859-1: the lot is judged on its original inspection. A correction made after
    // a (legacy) second sample takes the place of the record it corrects, and the
    // incoming in-house inspection comes before the supplier's own, earlier, sample.
    #[test]
    fn the_original_is_the_first_in_house_sample_a_correction_standing_in_its_place() {
        let c = width();
        let factory = sampled(&c, Source::Factory, "2026-11-01T08:00:00Z", &[12.0]);
        let first = sampled(&c, Source::InHouse, "2026-11-02T08:00:00Z", &[12.3]);
        let second = sampled(&c, Source::InHouse, "2026-11-03T08:00:00Z", &[12.0]);
        let correction = sampled(&c, Source::InHouse, "2026-11-04T08:00:00Z", &[12.4, 12.0]);
        let order = HashMap::from([(correction.0.id, (first.0.inspected_at, first.0.id))]);

        // `first` is superseded by `correction`: not current.
        let current = [&factory, &second, &correction];
        let e = original_evidence(&c, &current, |i| {
            original_place(i, &order, SourcePolicy::InHouseDecides)
        })
        .unwrap()
        .unwrap();

        assert_eq!(e.inspection_id, correction.0.id);
        assert_eq!((e.units, e.defectives), (2, 1));
    }

    // The supplier's source policy says whose original comes first: the in-house one by
    // default, the factory's own under `factory_results_decide`, whichever was earlier;
    // within a source, the earlier one.
    #[test]
    fn the_source_policy_orders_the_two_sources_originals() {
        let c = width();
        let factory = sampled(&c, Source::Factory, "2026-11-01T08:00:00Z", &[12.0]);
        let later_factory = sampled(&c, Source::Factory, "2026-11-05T08:00:00Z", &[12.0]);
        let in_house = sampled(&c, Source::InHouse, "2026-11-02T08:00:00Z", &[12.3]);
        let order = HashMap::new();
        let place = |i: &(Inspection, InspectionRows), policy| original_place(&i.0, &order, policy);

        let by_default = SourcePolicy::InHouseDecides;
        assert!(place(&in_house, by_default) < place(&factory, by_default));
        assert!(place(&factory, by_default) < place(&later_factory, by_default));
        let trusted = SourcePolicy::FactoryResultsDecide;
        assert!(place(&factory, trusted) < place(&in_house, trusted));
        assert!(place(&later_factory, trusted) < place(&in_house, trusted));
        assert!(place(&factory, trusted) < place(&later_factory, trusted));

        let current = [&in_house, &factory];
        let decided = |policy| {
            original_evidence(&c, &current, |i| original_place(i, &order, policy))
                .unwrap()
                .unwrap()
                .inspection_id
        };
        assert_eq!(decided(by_default), in_house.0.id);
        assert_eq!(decided(trusted), factory.0.id);
    }

    #[test]
    fn decides_a_lot_of_one_unit() {
        let d = decide_lot(&lot(1)).unwrap();

        assert_eq!(d.lot_size, 1);
    }

    #[test]
    fn an_impossible_stored_lot_size_is_an_error_naming_the_lot_and_value() {
        // It was read as a lot of one unit.
        let lot = lot(0);

        let err = decide_lot(&lot).unwrap_err();

        let DecisionError::ImpossibleValue(message) = err else {
            panic!("not an impossible value: {err}");
        };
        assert_eq!(
            message,
            format!(
                "lot 'L-1' ({}) has an impossible stored lot size 0: lot size must be at least 1, got 0",
                lot.id
            )
        );
    }
}
