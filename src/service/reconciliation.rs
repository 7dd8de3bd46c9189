//! Factory against in-house: what the factory's QC reported about a lot compared with
//! what the in-house inspection found, unit by unit. The two sources are never pooled:
//! each keeps one reading per unit (the latest current inspection's), and only units
//! both inspected are paired.
//!
//! Two steps, like the statistics: a read (`lot_inputs`) and a pure function of what it
//! read (`lot_reconciliation`), run after the connection went back to the pool.

use std::collections::{BTreeMap, HashMap};

use diesel::PgConnection;
use lotgate_stats::{
    LimitsOfAgreement, PairedJudgements, PairedTTest, Undefined, VarianceRatioTest, WelchTTest,
};

use super::switching::history_before;
use super::{ServiceError, scope};
use crate::auth::Principal;
use crate::db::characteristics as chars_db;
use crate::db::decisions as decisions_db;
use crate::db::inspections::InspectionRows;
use crate::db::models::{Characteristic, Inspection, Lot};
use crate::db::resubmissions as resubmissions_db;
use crate::decision::evaluate::stored_limits;
use crate::decision::replay::CharacteristicHistory;
use crate::decision::types::{DecisionVerdict, SwitchingSettingsView};
use crate::decision::{DecideInput, decide};
use crate::domain::{
    CharacteristicId, DecisionId, InspectionId, Kind, LotId, Source, SourcePolicy,
};

pub mod supplier;

/// Confidence of every interval in a reconciliation.
pub const CONFIDENCE: f64 = 0.95;

/// What a lot's reconciliation is computed from.
pub struct LotInputs {
    pub lot: Lot,
    pub characteristics: Vec<Characteristic>,
    /// The switching history of the supplier and part before this lot.
    pub earlier: HashMap<CharacteristicId, CharacteristicHistory>,
    /// The lot's current inspections, resubmissions aside, in the order carried out.
    pub current: Vec<(Inspection, InspectionRows)>,
    pub original_order: HashMap<InspectionId, (chrono::DateTime<chrono::Utc>, InspectionId)>,
}

/// Reads what the reconciliation of a lot needs, if `by` may see the lot, in one
/// read-only snapshot.
pub fn lot_inputs(
    conn: &mut PgConnection,
    by: &Principal,
    lot_id: LotId,
) -> Result<LotInputs, ServiceError> {
    conn.build_transaction()
        .read_only()
        .repeatable_read()
        .run(|conn| {
            let lot = scope::lot(conn, by, lot_id)?;
            let characteristics = chars_db::of_part(conn, lot.part_id)?;
            let earlier = history_before(conn, &lot)?;
            let resubmitted: Vec<InspectionId> = resubmissions_db::linked_of_lot(conn, lot_id)?
                .into_iter()
                .map(|(i, _)| i)
                .collect();
            let current = decisions_db::current_inspections(conn, lot_id)?
                .into_iter()
                .filter(|(i, _)| !resubmitted.contains(&i.id))
                .collect();
            let original_order = decisions_db::original_order(conn, lot_id)?;
            Ok(LotInputs {
                lot,
                characteristics,
                earlier,
                current,
                original_order,
            })
        })
}

/// How units of the two sources were matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pairing {
    /// By serial: every unit of both sources carries one.
    Serial,
    /// By unit number within each source's latest inspection of the characteristic: some
    /// unit has no serial.
    UnitNumber,
}

/// What a source's results alone would decide for one characteristic.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceVerdict {
    pub verdict: DecisionVerdict,
    pub explanation: String,
}

/// A figure that exists, or why it does not.
pub type Figure<T> = Result<T, Undefined>;

/// One characteristic of a lot, factory against in-house.
#[derive(Debug, Clone)]
pub struct CharacteristicReconciliation {
    pub characteristic: Characteristic,
    pub pairing: Pairing,
    /// Units each source inspected (one per unit, the latest reading).
    pub factory_units: usize,
    pub in_house_units: usize,
    pub paired_units: usize,
    /// Variable characteristics: the mean paired difference, from one pair on.
    pub mean_difference: Option<f64>,
    /// Variable characteristics: the paired t test and the limits of agreement.
    pub paired_test: Option<Figure<PairedTTest>>,
    pub limits_of_agreement: Option<Figure<LimitsOfAgreement>>,
    /// Variable characteristics: the units only one source measured.
    pub unpaired_in_house: usize,
    pub unpaired_factory: usize,
    pub welch: Option<Figure<WelchTTest>>,
    pub variance_ratio: Option<Figure<VarianceRatioTest>>,
    /// Conforming or not, paired unit by unit (a measurement against its limits).
    pub judgements: PairedJudgements,
    pub agreement: Figure<f64>,
    pub kappa: Figure<f64>,
    /// (nonconforming, inspected) per source.
    pub factory_nonconforming: (u64, u64),
    pub in_house_nonconforming: (u64, u64),
    pub factory_verdict: SourceVerdict,
    pub in_house_verdict: SourceVerdict,
    pub sentence: String,
}

/// A lot's reconciliation.
pub struct LotReconciliation {
    pub lot: Lot,
    pub factory_inspections: Vec<InspectionId>,
    pub in_house_inspections: Vec<InspectionId>,
    pub characteristics: Vec<CharacteristicReconciliation>,
}

/// One unit's reading of one characteristic by one source.
#[derive(Debug, Clone, Copy)]
struct Reading {
    value: Option<f64>,
    conforming: bool,
}

/// Key of a unit within one source: its serial, or its unit number.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum UnitKey {
    Serial(String),
    Number(i32),
}

/// The readings of `c` by one source's inspections, with whether every unit has a serial.
/// Later inspections replace earlier readings of the same serial; by unit number only the
/// latest inspection that records `c` counts (unit numbers of different inspections are
/// different units).
fn readings(
    c: &Characteristic,
    inspections: &[&(Inspection, InspectionRows)],
    by_serial: bool,
) -> Result<BTreeMap<UnitKey, Reading>, ServiceError> {
    let limits = match c.kind {
        Kind::Variable => Some(stored_limits(c).map_err(ServiceError::internal)?),
        Kind::Attribute => None,
    };
    let mut out = BTreeMap::new();
    let mut chosen: Vec<&&(Inspection, InspectionRows)> = inspections
        .iter()
        .filter(|(_, rows)| records(c, rows))
        .collect();
    if !by_serial {
        chosen = chosen.into_iter().last().into_iter().collect();
    }
    for (_, rows) in chosen {
        let serials: HashMap<i32, &str> = rows
            .units
            .iter()
            .filter_map(|u| u.serial.as_deref().map(|s| (u.unit_index, s)))
            .collect();
        let key = |unit: i32| match (by_serial, serials.get(&unit)) {
            (true, Some(s)) => UnitKey::Serial((*s).to_string()),
            _ => UnitKey::Number(unit),
        };
        match &limits {
            Some(limits) => {
                for m in rows
                    .measurements
                    .iter()
                    .filter(|m| m.characteristic_id == c.id)
                {
                    let reading = Reading {
                        value: Some(m.value),
                        conforming: !limits.is_outside(m.value),
                    };
                    out.insert(key(m.unit_index), reading);
                }
            }
            None => {
                for a in rows
                    .attributes
                    .iter()
                    .filter(|a| a.characteristic_id == c.id)
                {
                    let reading = Reading {
                        value: None,
                        conforming: a.pass,
                    };
                    out.insert(key(a.unit_index), reading);
                }
            }
        }
    }
    Ok(out)
}

/// Whether `rows` hold a result for `c`.
fn records(c: &Characteristic, rows: &InspectionRows) -> bool {
    match c.kind {
        Kind::Variable => rows
            .measurements
            .iter()
            .any(|m| m.characteristic_id == c.id),
        Kind::Attribute => rows.attributes.iter().any(|a| a.characteristic_id == c.id),
    }
}

/// Whether every unit with a result for `c` in `inspections` carries a serial.
fn all_serialised(c: &Characteristic, inspections: &[&(Inspection, InspectionRows)]) -> bool {
    inspections.iter().all(|(_, rows)| {
        let serial = |unit: i32| {
            rows.units
                .iter()
                .any(|u| u.unit_index == unit && u.serial.is_some())
        };
        match c.kind {
            Kind::Variable => rows
                .measurements
                .iter()
                .filter(|m| m.characteristic_id == c.id)
                .all(|m| serial(m.unit_index)),
            Kind::Attribute => rows
                .attributes
                .iter()
                .filter(|a| a.characteristic_id == c.id)
                .all(|a| serial(a.unit_index)),
        }
    })
}

/// How the two sources' units of `c` are matched, and each source's readings keyed so.
#[allow(clippy::type_complexity)]
fn paired_readings(
    c: &Characteristic,
    factory: &[&(Inspection, InspectionRows)],
    in_house: &[&(Inspection, InspectionRows)],
) -> Result<
    (
        Pairing,
        BTreeMap<UnitKey, Reading>,
        BTreeMap<UnitKey, Reading>,
    ),
    ServiceError,
> {
    let pairing = if all_serialised(c, factory) && all_serialised(c, in_house) {
        Pairing::Serial
    } else {
        Pairing::UnitNumber
    };
    let by_serial = pairing == Pairing::Serial;
    Ok((
        pairing,
        readings(c, factory, by_serial)?,
        readings(c, in_house, by_serial)?,
    ))
}

/// What each characteristic's verdict would be if only `source`'s inspections existed,
/// under the lot's plan and switching state.
fn verdicts_of(
    inputs: &LotInputs,
    source: Source,
) -> Result<HashMap<CharacteristicId, SourceVerdict>, ServiceError> {
    let current: Vec<(Inspection, InspectionRows)> = inputs
        .current
        .iter()
        .filter(|(i, _)| i.source == source)
        .cloned()
        .collect();
    let view = decide(&DecideInput {
        id: DecisionId::new_random(),
        lot: &inputs.lot,
        revision: 0,
        decided_at: chrono::Utc::now(),
        settings: SwitchingSettingsView {
            production_steady: false,
            reduced_approved: false,
        },
        characteristics: &inputs.characteristics,
        earlier: &inputs.earlier,
        current: &current,
        original_order: &inputs.original_order,
        resubmissions: &[],
        resubmitted: &HashMap::new(),
        // Only one source's inspections are given: the policy has nothing to choose.
        source_policy: SourcePolicy::DEFAULT,
    })
    .map_err(ServiceError::internal)?;
    Ok(view
        .characteristics
        .into_iter()
        .map(|c| {
            (
                c.characteristic_id,
                SourceVerdict {
                    verdict: c.verdict,
                    explanation: c.explanation,
                },
            )
        })
        .collect())
}

/// Computes a lot's reconciliation.
pub fn lot_reconciliation(inputs: LotInputs) -> Result<LotReconciliation, ServiceError> {
    let of = |source: Source| -> Vec<&(Inspection, InspectionRows)> {
        inputs
            .current
            .iter()
            .filter(|(i, _)| i.source == source)
            .collect()
    };
    let (factory, in_house) = (of(Source::Factory), of(Source::InHouse));
    let mut factory_verdicts = verdicts_of(&inputs, Source::Factory)?;
    let mut in_house_verdicts = verdicts_of(&inputs, Source::InHouse)?;
    let mut characteristics = Vec::with_capacity(inputs.characteristics.len());
    for c in &inputs.characteristics {
        let (pairing, f, h) = paired_readings(c, &factory, &in_house)?;
        let missing = || SourceVerdict {
            verdict: DecisionVerdict::Pending,
            explanation: "No inspection of this source records this characteristic.".into(),
        };
        let factory_verdict = factory_verdicts.remove(&c.id).unwrap_or_else(missing);
        let in_house_verdict = in_house_verdicts.remove(&c.id).unwrap_or_else(missing);
        characteristics.push(compare(
            c.clone(),
            pairing,
            &f,
            &h,
            factory_verdict,
            in_house_verdict,
        ));
    }
    let ids = |list: &[&(Inspection, InspectionRows)]| list.iter().map(|(i, _)| i.id).collect();
    Ok(LotReconciliation {
        factory_inspections: ids(&factory),
        in_house_inspections: ids(&in_house),
        lot: inputs.lot,
        characteristics,
    })
}

/// The units both sources read, paired: their judgements counted, and the differences
/// of their values (in-house minus factory) where both measured.
fn pair(
    factory: &BTreeMap<UnitKey, Reading>,
    in_house: &BTreeMap<UnitKey, Reading>,
) -> (PairedJudgements, Vec<f64>) {
    let mut judgements = PairedJudgements::default();
    let mut differences = Vec::new();
    for (key, h) in in_house {
        let Some(f) = factory.get(key) else { continue };
        match (f.conforming, h.conforming) {
            (true, true) => judgements.both_passed += 1,
            (true, false) => judgements.factory_passed_in_house_failed += 1,
            (false, true) => judgements.factory_failed_in_house_passed += 1,
            (false, false) => judgements.both_failed += 1,
        }
        if let (Some(hv), Some(fv)) = (h.value, f.value) {
            differences.push(hv - fv);
        }
    }
    (judgements, differences)
}

/// (nonconforming, inspected) among one source's readings.
fn nonconforming(readings: &BTreeMap<UnitKey, Reading>) -> (u64, u64) {
    (
        readings.values().filter(|r| !r.conforming).count() as u64,
        readings.len() as u64,
    )
}

/// Compares one characteristic's readings by the two sources.
fn compare(
    c: Characteristic,
    pairing: Pairing,
    factory: &BTreeMap<UnitKey, Reading>,
    in_house: &BTreeMap<UnitKey, Reading>,
    factory_verdict: SourceVerdict,
    in_house_verdict: SourceVerdict,
) -> CharacteristicReconciliation {
    let (judgements, differences) = pair(factory, in_house);
    let only = |a: &BTreeMap<UnitKey, Reading>, b: &BTreeMap<UnitKey, Reading>| -> Vec<f64> {
        a.iter()
            .filter(|(k, _)| !b.contains_key(*k))
            .filter_map(|(_, r)| r.value)
            .collect()
    };
    let (in_house_only, factory_only) = (only(in_house, factory), only(factory, in_house));
    let variable = c.kind == Kind::Variable;
    let mut r = CharacteristicReconciliation {
        pairing,
        factory_units: factory.len(),
        in_house_units: in_house.len(),
        paired_units: judgements.pairs() as usize,
        // The mean difference exists from one pair on, even where the t test does not.
        mean_difference: (!differences.is_empty())
            .then(|| differences.iter().sum::<f64>() / differences.len() as f64),
        paired_test: variable.then(|| lotgate_stats::paired_t_test(&differences, CONFIDENCE)),
        limits_of_agreement: variable.then(|| lotgate_stats::limits_of_agreement(&differences)),
        unpaired_in_house: if variable { in_house_only.len() } else { 0 },
        unpaired_factory: if variable { factory_only.len() } else { 0 },
        welch: variable
            .then(|| lotgate_stats::welch_t_test(&in_house_only, &factory_only, CONFIDENCE)),
        variance_ratio: variable
            .then(|| lotgate_stats::variance_ratio_test(&in_house_only, &factory_only, CONFIDENCE)),
        agreement: judgements.agreement(),
        kappa: lotgate_stats::cohens_kappa(&judgements),
        judgements,
        factory_nonconforming: nonconforming(factory),
        in_house_nonconforming: nonconforming(in_house),
        factory_verdict,
        in_house_verdict,
        sentence: String::new(),
        characteristic: c,
    };
    r.sentence = sentence(&r, r.mean_difference);
    r
}

/// `x` to three significant figures, without trailing zeros.
fn short(x: f64) -> String {
    if x == 0.0 {
        return "0".into();
    }
    let decimals = (2 - x.abs().log10().floor() as i32).clamp(0, 12) as usize;
    let text = format!("{x:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

fn units(n: u64) -> String {
    if n == 1 {
        "1 unit".into()
    } else {
        format!("{n} units")
    }
}

/// One plain sentence: how far the factory's readings are from ours, and its escapes.
fn sentence(r: &CharacteristicReconciliation, mean_difference: Option<f64>) -> String {
    if r.paired_units == 0 {
        return format!(
            "No unit was inspected by both sources (the factory inspected {}, we inspected {}), so they cannot be compared unit by unit.",
            units(r.factory_units as u64),
            units(r.in_house_units as u64)
        );
    }
    let unit = r
        .characteristic
        .unit
        .as_deref()
        .map(|u| format!(" {u}"))
        .unwrap_or_default();
    let mut text = match mean_difference {
        Some(d) if d > 0.0 => format!(
            "The factory's readings are {}{unit} lower than ours",
            short(d)
        ),
        Some(d) if d < 0.0 => format!(
            "The factory's readings are {}{unit} higher than ours",
            short(-d)
        ),
        Some(_) => "The factory's readings equal ours on average".into(),
        None => format!(
            "The factory judged {} of the {} paired units as we did",
            r.judgements.both_passed + r.judgements.both_failed,
            r.paired_units
        ),
    };
    if mean_difference.is_some() {
        text.push_str(&match r.paired_units {
            1 => " over 1 paired unit".to_string(),
            n => format!(" over {n} paired units"),
        });
    }
    let escapes = r.judgements.factory_passed_in_house_failed;
    text.push_str(&match escapes {
        0 => "; no unit it passed failed here.".to_string(),
        1 => "; 1 unit it passed failed here.".to_string(),
        n => format!("; {n} units it passed failed here."),
    });
    text
}
