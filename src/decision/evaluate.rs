//! One characteristic of one lot: its ISO 2859-1 plan at the current severity, full
//! inspection or sampling and why, the inspection counted, and the verdict.

use lotgate_sampling as sampling;
use sampling::{CharacteristicContext, LotPlan, OcModel};

use super::DecisionError;
use super::types::{
    AppliedPlan, CharacteristicDecision, DecisionVerdict, Economics, FullComparison,
    NonconformingUnit, PlanSeverity, PlanView, SwitchingOutcome, SwitchingSeverity, table_level,
};
use crate::db::inspections::InspectionRows;
use crate::db::models::{Characteristic, Inspection};
use crate::domain::{Classification, InspectionId, Kind, Mode, SpecLimits};

/// Units and defective units one inspection recorded for one characteristic.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Evidence {
    pub inspection_id: InspectionId,
    pub units: u64,
    pub defectives: u64,
    /// Ppk of the measured values (variable characteristics with enough units).
    pub ppk: Option<f64>,
}

/// Fewest measured units for a performance index to mean anything.
pub const MIN_UNITS_FOR_PPK: usize = 30;
/// Ppk at or above which a process counts as capable (the common 1.33).
pub const CAPABLE_PPK: f64 = 1.33;

/// Ppk = min(USL - mean, mean - LSL) / (3 s) of the values, with the lotgate-stats crate.
fn ppk(values: &[f64], limits: &SpecLimits) -> Option<f64> {
    if values.len() < MIN_UNITS_FOR_PPK {
        return None;
    }
    let d = lotgate_stats::describe(values).ok()?;
    let spec = lotgate_stats::Spec {
        nominal: limits.nominal(),
        lsl: limits.lsl(),
        usl: limits.usl(),
        golden_sample: None,
    };
    lotgate_stats::indices(&spec, d.n, d.mean?, d.sd, None).ppk
}

/// The stored limits of a variable characteristic. Limits that break the rules they were
/// stored under are an error: read as "no limits" they would find nothing defective.
pub(crate) fn stored_limits(c: &Characteristic) -> Result<SpecLimits, DecisionError> {
    SpecLimits::parse(c.nominal, c.lsl, c.usl).map_err(|e| {
        let show = |v: Option<f64>| v.map_or_else(|| "none".to_string(), |v| v.to_string());
        DecisionError::ImpossibleValue(format!(
            "characteristic '{}' ({}) has impossible stored specification limits \
             (nominal {}, lsl {}, usl {}): {e}",
            c.name,
            c.id,
            show(c.nominal),
            show(c.lsl),
            show(c.usl)
        ))
    })
}

/// Counts the units of `rows` with a result for `c`, and the defective ones among them: a
/// measurement outside the specification limits, or an attribute result that failed.
pub fn count(
    c: &Characteristic,
    inspection_id: InspectionId,
    rows: &InspectionRows,
) -> Result<Evidence, DecisionError> {
    let (mut units, mut defectives, mut performance) = (0, 0, None);
    match c.kind {
        Kind::Variable => {
            let limits = stored_limits(c)?;
            let values: Vec<f64> = rows
                .measurements
                .iter()
                .filter(|m| m.characteristic_id == c.id)
                .map(|m| m.value)
                .collect();
            units = values.len() as u64;
            defectives = values.iter().filter(|v| limits.is_outside(**v)).count() as u64;
            performance = ppk(&values, &limits);
        }
        Kind::Attribute => {
            for a in rows
                .attributes
                .iter()
                .filter(|a| a.characteristic_id == c.id)
            {
                units += 1;
                defectives += u64::from(!a.pass);
            }
        }
    }
    Ok(Evidence {
        inspection_id,
        units,
        defectives,
        ppk: performance,
    })
}

/// The latest of the current inspections (given in the order they were carried out) in
/// `mode` that records `c` at all.
pub fn latest_evidence(
    c: &Characteristic,
    current: &[&(Inspection, InspectionRows)],
    mode: Mode,
) -> Result<Option<Evidence>, DecisionError> {
    for (i, rows) in current
        .iter()
        .copied()
        .rev()
        .filter(|(i, _)| i.mode == mode)
    {
        let evidence = count(c, i.id, rows)?;
        if evidence.units > 0 {
            return Ok(Some(evidence));
        }
    }
    Ok(None)
}

/// The original inspection of `c` (ISO 2859-1): of the current sampling inspections
/// `originals` (resubmissions excluded), the one that records `c` and comes first in
/// `order` (a correction takes the place of the inspection it superseded).
pub fn original_evidence<K: Ord>(
    c: &Characteristic,
    originals: &[&(Inspection, InspectionRows)],
    order: impl Fn(&Inspection) -> K,
) -> Result<Option<Evidence>, DecisionError> {
    let mut best: Option<(K, Evidence)> = None;
    for (i, rows) in originals
        .iter()
        .copied()
        .filter(|(i, _)| i.mode == Mode::Sampling)
    {
        let evidence = count(c, i.id, rows)?;
        let key = order(i);
        if evidence.units > 0 && best.as_ref().is_none_or(|(k, _)| key < *k) {
            best = Some((key, evidence));
        }
    }
    Ok(best.map(|(_, e)| e))
}

/// What the decision of one characteristic needs.
pub struct CharacteristicInput<'a> {
    pub characteristic: &'a Characteristic,
    pub lot_size: u64,
    /// Severity of the switching scheme at this lot.
    pub severity: SwitchingSeverity,
    /// Units and defectives of this characteristic in the earlier lots' decisions, and
    /// how many lots they come from.
    pub history: (u64, u64, usize),
    pub sampling: Option<Evidence>,
    pub full: Option<Evidence>,
    /// The units found nonconforming by every current inspection of the lot.
    pub nonconforming_units: Vec<NonconformingUnit>,
    /// What every current inspection of the lot (resubmissions aside) that records the
    /// characteristic found, with its mode; those other than the deciding one whose own
    /// verdict differs are listed in `later_disagreeing`.
    pub others: Vec<(Mode, Evidence)>,
}

fn classification(c: Classification) -> sampling::Classification {
    match c {
        Classification::Critical => sampling::Classification::Critical,
        Classification::Major => sampling::Classification::Major,
        Classification::Minor => sampling::Classification::Minor,
    }
}

/// The decision for one characteristic. Errors are faults of the sampling tables (a
/// stored AQL or level is always one of the standard's).
pub fn evaluate(input: &CharacteristicInput<'_>) -> Result<CharacteristicDecision, DecisionError> {
    let c = input.characteristic;
    let big_n = input.lot_size;
    let plan_severity = input.severity.plan_severity();
    // Table I starts at lots of 2; a lot of one unit is simply inspected.
    let plan = if big_n >= 2 {
        let p = sampling::single_sampling_plan(
            big_n,
            table_level(c.inspection_level),
            c.aql,
            plan_severity.table(),
        )?;
        Some(p)
    } else {
        None
    };
    let (n, ac, re) = plan.map_or((1, 0, 1), |p| {
        (p.sample_size, p.acceptance_number, p.rejection_number)
    });

    let (hist_units, hist_defectives, hist_lots) = input.history;
    let (p_hat, basis) = if hist_units > 0 {
        (
            hist_defectives as f64 / hist_units as f64,
            format!(
                "{hist_defectives} defective in {hist_units} units inspected over {hist_lots} earlier lot(s) of this supplier"
            ),
        )
    } else {
        (
            (c.aql / 100.0).min(1.0),
            "no earlier lots of this supplier: the AQL is taken as the estimate".to_string(),
        )
    };
    let costs = c.inspection_cost.zip(c.escape_cost);
    let ctx = CharacteristicContext {
        classification: classification(c.classification),
        one_defect_fatal: c.one_defect_fatal,
        destructive_test: c.destructive,
        lot_size: big_n,
        sample_size: n,
        acceptance_number: ac,
        // Without costs the kp rule cannot be applied: p = 0 never triggers it, and the
        // reason is rewritten below.
        cost_to_inspect_unit: costs.map_or(0.0, |k| k.0),
        cost_of_escaped_defective: costs.map_or(1.0, |k| k.1),
        estimated_fraction_defective: if costs.is_some() { p_hat } else { 0.0 },
    };
    let choice = sampling::choose_inspection(&ctx)?;
    let mut mode = match choice.mode {
        sampling::InspectionMode::Full => Mode::Full,
        sampling::InspectionMode::Sampling => Mode::Sampling,
    };
    let mut mode_reason = choice.reason.clone();
    if costs.is_none() && mode == Mode::Sampling && !c.destructive {
        mode_reason = format!(
            "Sampling: the lot of {big_n} units is larger than the sample of {n}; the characteristic has no inspection_cost and escape_cost, so Deming's kp rule was not applied."
        );
    }
    let performance = input.sampling.and_then(|e| e.ppk.map(|k| (k, e.units)));
    if mode == Mode::Sampling
        && !c.destructive
        && let Some((k, units)) = performance
    {
        mode_reason.push_str(&if k >= CAPABLE_PPK {
            format!(
                " The process is capable (Ppk {k:.2} over the {units} measured units of this lot), so sampling suffices for a lot this large."
            )
        } else {
            format!(
                " The process is not capable (Ppk {k:.2} below {CAPABLE_PPK} over the {units} measured units): the plan guards the AQL, not the spread."
            )
        });
    }
    if input.severity == SwitchingSeverity::Discontinued && !c.destructive {
        mode = Mode::Full;
        mode_reason = "Full inspection: sampling inspection is discontinued for this supplier and part (ISO 2859-1 9.4) until the supplier has corrected the process.".into();
    }
    // A full inspection covers the lot: once one records the characteristic, the lot's
    // nonconforming units are (or will be) all known, and a sample drawn from the same
    // lot cannot outweigh it.
    if mode == Mode::Sampling && input.full.is_some() {
        mode = Mode::Full;
        mode_reason.push_str(if input.sampling.is_none() {
            " No sampling inspection records it, but the lot was fully inspected: it is judged on that full inspection."
        } else {
            " The lot was also fully inspected: a full inspection covers every unit of the lot, so it is judged on that full inspection, and the sampling inspection is only compared with it."
        });
    }
    let economics = costs.map(|(k1, k2)| Economics {
        inspection_cost: k1,
        escape_cost: k2,
        estimated_fraction_defective: p_hat,
        estimate_basis: basis,
        break_even_fraction_defective: choice.break_even_fraction_defective,
        expected_cost_sampling: choice.expected_cost_sampling,
        expected_cost_full_inspection: choice.expected_cost_full_inspection,
    });

    let zero_defects = c.classification == Classification::Critical || c.one_defect_fatal;
    let applied = match mode {
        // A critical or fatal characteristic under full inspection accepts no defective.
        Mode::Full if zero_defects => AppliedPlan {
            sample_size: big_n,
            acceptance_number: 0,
            rejection_number: 1,
            full_inspection: true,
        },
        Mode::Full => AppliedPlan {
            sample_size: big_n,
            acceptance_number: ac,
            rejection_number: re,
            full_inspection: true,
        },
        Mode::Sampling => AppliedPlan {
            sample_size: n,
            acceptance_number: ac,
            rejection_number: re,
            full_inspection: plan.is_none_or(|p| p.full_inspection),
        },
    };
    // Under full inspection a sampling inspection counts as the first part of the sort.
    let evidence = match mode {
        Mode::Full => input.full.or(input.sampling),
        Mode::Sampling => input.sampling,
    };
    let (verdict, explanation, units, defectives) = match evidence {
        None => (
            DecisionVerdict::Pending,
            format!(
                "Pending: no current {} inspection of this lot records this characteristic.",
                if mode == Mode::Full {
                    "full or sampling"
                } else {
                    "sampling"
                }
            ),
            0,
            0,
        ),
        Some(e) => {
            let lot_plan = LotPlan {
                sample_size: applied.sample_size,
                acceptance_number: applied.acceptance_number,
                rejection_number: applied.rejection_number,
                full_inspection: applied.full_inspection,
            };
            let v = sampling::characteristic_verdict(&lot_plan, e.units, e.defectives)?;
            let mut text = v.explanation;
            if mode == Mode::Full && v.verdict == sampling::Verdict::Pending {
                text = format!(
                    "Pending: {} of {big_n} units inspected; a full inspection covers the lot, so it is decided once every unit is ({} nonconforming so far, reject at {}).",
                    e.units, e.defectives, applied.rejection_number
                );
            }
            if e.units > applied.sample_size {
                text.push_str(&format!(
                    " {} units were inspected, more than the plan's {}; every defective found counts.",
                    e.units, applied.sample_size
                ));
            }
            (v.verdict.into(), text, e.units, e.defectives)
        }
    };

    let later_disagreeing = disagreeing(input, evidence, verdict, (n, ac, re), plan)?;
    let switching_outcome = match (mode, verdict, plan) {
        (Mode::Sampling, DecisionVerdict::Accept | DecisionVerdict::Reject, Some(p)) => {
            let aql = sampling::Aql::from_percent(c.aql)?;
            Some(SwitchingOutcome {
                accepted: verdict == DecisionVerdict::Accept,
                acceptance_number: p.acceptance_number,
                nonconforming: u32::try_from(defectives).unwrap_or(u32::MAX),
                // Only the switching score on normal inspection uses it (9.3.3.2).
                acceptance_number_one_step_tighter: if plan_severity == PlanSeverity::Normal {
                    sampling::acceptance_number_one_step_tighter(p.code_letter, aql, p.sample_size)?
                } else {
                    None
                },
            })
        }
        _ => None,
    };
    let comparison = match (input.full, plan) {
        (Some(full), Some(p)) => Some(compare(c, big_n, &p, full, input.sampling)?),
        _ => None,
    };
    Ok(CharacteristicDecision {
        process_performance: performance.map(|(k, _)| k),
        characteristic_id: c.id,
        name: c.name.clone(),
        kind: c.kind,
        classification: c.classification,
        severity: input.severity,
        plan: plan.map(|p| PlanView::new(&p, c.inspection_level, plan_severity)),
        mode,
        mode_reason,
        economics,
        applied,
        inspection_id: evidence.map(|e| e.inspection_id),
        units_inspected: units,
        defectives,
        verdict,
        explanation,
        switching_outcome,
        comparison,
        nonconforming_units: input.nonconforming_units.clone(),
        decided_by: evidence.map(|e| e.inspection_id),
        // Filled in by `decide`, which knows the inspections.
        decided_by_source: None,
        later_disagreeing,
        sample_as_drawn: None,
    })
}

/// The other inspections whose own verdict (accept or reject) differs from `verdict`: a
/// sampling inspection judged by the sampling plan `(n, ac, re)`, a full inspection by
/// the plan applied to the whole lot.
fn disagreeing(
    input: &CharacteristicInput<'_>,
    decided_by: Option<Evidence>,
    verdict: DecisionVerdict,
    (n, ac, re): (u64, u32, u32),
    plan: Option<sampling::SamplingPlan>,
) -> Result<Vec<InspectionId>, DecisionError> {
    let zero_defects = input.characteristic.classification == Classification::Critical
        || input.characteristic.one_defect_fatal;
    let sample_plan = LotPlan {
        sample_size: n,
        acceptance_number: ac,
        rejection_number: re,
        full_inspection: plan.is_none_or(|p| p.full_inspection),
    };
    let full_plan = LotPlan {
        sample_size: input.lot_size,
        acceptance_number: if zero_defects { 0 } else { ac },
        rejection_number: if zero_defects { 1 } else { re },
        full_inspection: true,
    };
    let mut found = Vec::new();
    for (mode, e) in &input.others {
        if Some(e.inspection_id) == decided_by.map(|d| d.inspection_id) {
            continue;
        }
        let own = match mode {
            Mode::Sampling => &sample_plan,
            Mode::Full => &full_plan,
        };
        let own: DecisionVerdict = sampling::characteristic_verdict(own, e.units, e.defectives)?
            .verdict
            .into();
        if own != DecisionVerdict::Pending && own != verdict {
            found.push(e.inspection_id);
        }
    }
    Ok(found)
}

/// The ISO plan's verdict on the sampling inspection against what the full inspection
/// found. The full inspection "accepts" when its fraction defective is at most the AQL,
/// and is pending while it has recorded fewer units than the lot size: a fraction of part
/// of the lot says nothing of the rest.
fn compare(
    c: &Characteristic,
    big_n: u64,
    plan: &sampling::SamplingPlan,
    full: Evidence,
    sample: Option<Evidence>,
) -> Result<FullComparison, sampling::SamplingError> {
    let fraction = full.defectives as f64 / full.units.max(1) as f64;
    let complete = full.units >= big_n;
    let full_verdict = if !complete {
        DecisionVerdict::Pending
    } else if fraction * 100.0 <= c.aql {
        DecisionVerdict::Accept
    } else {
        DecisionVerdict::Reject
    };
    let lot_plan = LotPlan {
        sample_size: plan.sample_size,
        acceptance_number: plan.acceptance_number,
        rejection_number: plan.rejection_number,
        full_inspection: plan.full_inspection,
    };
    let sampling_verdict = sample
        .map(|s| sampling::characteristic_verdict(&lot_plan, s.units, s.defectives))
        .transpose()?
        .map(|v| DecisionVerdict::from(v.verdict));
    let agrees = sampling_verdict
        .filter(|v| complete && *v != DecisionVerdict::Pending)
        .map(|v| v == full_verdict);
    let pa = sampling::probability_of_acceptance(
        OcModel::Hypergeometric { lot_size: big_n },
        plan.sample_size,
        plan.acceptance_number,
        fraction,
    )?;
    let percent = fraction * 100.0;
    let explanation = match (sampling_verdict, agrees) {
        _ if !complete => format!(
            "The full inspection is pending: {} of {big_n} units inspected, {} nonconforming so far; it is compared with the sampling plan once every unit is.",
            full.units, full.defectives
        ),
        (Some(v), Some(true)) => format!(
            "The full inspection found {percent:.2}% defective (AQL {}%), so it would {}; the sampling plan's {} agrees. Pa at that fraction is {pa:.3}.",
            c.aql,
            full_verdict.as_str(),
            v.as_str()
        ),
        (Some(v), Some(false)) => format!(
            "The full inspection found {percent:.2}% defective (AQL {}%), so it would {}; the sampling plan's {} disagrees. Pa at that fraction is {pa:.3}.",
            c.aql,
            full_verdict.as_str(),
            v.as_str()
        ),
        _ => format!(
            "The full inspection found {percent:.2}% defective (AQL {}%), so it would {}; no complete sampling inspection to compare. Pa at that fraction is {pa:.3}.",
            c.aql,
            full_verdict.as_str()
        ),
    };
    Ok(FullComparison {
        full_inspection_id: full.inspection_id,
        units_inspected: full.units,
        defectives: full.defectives,
        fraction_defective: fraction,
        full_verdict,
        sampling_inspection_id: sample.map(|s| s.inspection_id),
        sampling_verdict,
        agrees,
        probability_of_acceptance: pa,
        explanation,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::models::MeasurementRow;
    use crate::domain::{CharacteristicId, InspectionLevel, PartId};

    /// Width 12.0 mm, 11.8 .. 12.2, with the limits given instead.
    fn width(lsl: Option<f64>, usl: Option<f64>) -> Characteristic {
        Characteristic {
            id: CharacteristicId::new_random(),
            part_id: PartId::new_random(),
            name: "Width".into(),
            kind: Kind::Variable,
            unit: Some("mm".into()),
            nominal: Some(12.0),
            lsl,
            usl,
            classification: Classification::Major,
            aql: 1.0,
            inspection_level: InspectionLevel::II,
            destructive: false,
            created_at: chrono::Utc::now(),
            inspection_cost: None,
            escape_cost: None,
            one_defect_fatal: false,
        }
    }

    fn measured(c: &Characteristic, values: &[f64]) -> InspectionRows {
        InspectionRows {
            measurements: values
                .iter()
                .zip(1..)
                .map(|(v, unit)| MeasurementRow {
                    inspection_id: InspectionId(uuid::Uuid::nil()),
                    unit_index: unit,
                    characteristic_id: c.id,
                    value: *v,
                })
                .collect(),
            ..InspectionRows::default()
        }
    }

    #[test]
    fn counts_a_value_beyond_a_stored_limit_as_defective() {
        let c = width(Some(11.8), Some(12.2));

        let e = count(
            &c,
            InspectionId(uuid::Uuid::nil()),
            &measured(&c, &[12.0, 12.3]),
        )
        .unwrap();

        assert_eq!((e.units, e.defectives), (2, 1));
    }

    #[test]
    fn impossible_stored_limits_are_an_error_naming_the_characteristic_and_values() {
        // An infinite limit passes the table's `lsl < usl` check but no SpecLimits rule;
        // read as "no limits" it made every value good.
        let c = width(Some(f64::NEG_INFINITY), Some(12.2));

        let err = count(&c, InspectionId(uuid::Uuid::nil()), &measured(&c, &[99.0])).unwrap_err();

        let DecisionError::ImpossibleValue(message) = err else {
            panic!("not an impossible value: {err}");
        };
        assert_eq!(
            message,
            format!(
                "characteristic 'Width' ({}) has impossible stored specification limits \
                 (nominal 12, lsl -inf, usl 12.2): value must be a finite number",
                c.id
            )
        );
    }
}
