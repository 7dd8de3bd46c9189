//! A resubmitted lot (ISO 2859-1 7.6) judged on its own inspection, at the severity the
//! reviewer chose (tightened unless normal). The result is shown beside the lot's
//! decision; it never replaces the original inspection's verdict and never reaches the
//! switching rules, which count original inspections only.

use lotgate_sampling as sampling;
use sampling::LotPlan;

use super::DecisionError;
use super::evaluate::count;
use super::types::{
    DecisionVerdict, PlanSeverity, PlanView, ResubmissionDecision, ResubmittedCharacteristic,
    table_level,
};
use crate::db::inspections::InspectionRows;
use crate::db::models::{Characteristic, Inspection};
use crate::db::resubmissions::Resubmission;
use crate::domain::{Classification, ResubmissionSeverity};

/// A resubmission and its current inspection, if recorded.
pub struct ResubmissionInput<'a> {
    pub resubmission: &'a Resubmission,
    pub inspection: Option<&'a (Inspection, InspectionRows)>,
}

fn plan_severity(s: ResubmissionSeverity) -> PlanSeverity {
    match s {
        ResubmissionSeverity::Tightened => PlanSeverity::Tightened,
        ResubmissionSeverity::Normal => PlanSeverity::Normal,
    }
}

/// Judges one resubmission of a lot of `lot_size` units over the characteristics its
/// inspection records.
pub fn judge(
    lot_size: u64,
    characteristics: &[Characteristic],
    input: &ResubmissionInput<'_>,
) -> Result<ResubmissionDecision, DecisionError> {
    let r = input.resubmission;
    let severity = plan_severity(r.severity);
    let mut judged = Vec::new();
    let mut verdicts = Vec::new();
    if let Some((inspection, rows)) = input.inspection {
        for c in characteristics {
            let e = count(c, inspection.id, rows)?;
            if e.units == 0 {
                continue;
            }
            let plan = if lot_size >= 2 {
                Some(sampling::single_sampling_plan(
                    lot_size,
                    table_level(c.inspection_level),
                    c.aql,
                    severity.table(),
                )?)
            } else {
                None
            };
            let lot_plan = plan.map_or(
                LotPlan {
                    sample_size: 1,
                    acceptance_number: 0,
                    rejection_number: 1,
                    full_inspection: true,
                },
                |p| LotPlan {
                    sample_size: p.sample_size,
                    acceptance_number: p.acceptance_number,
                    rejection_number: p.rejection_number,
                    full_inspection: p.full_inspection,
                },
            );
            let v = sampling::characteristic_verdict(&lot_plan, e.units, e.defectives)?;
            let class = match c.classification {
                Classification::Critical => sampling::Classification::Critical,
                Classification::Major => sampling::Classification::Major,
                Classification::Minor => sampling::Classification::Minor,
            };
            verdicts.push((class, v.verdict));
            judged.push(ResubmittedCharacteristic {
                characteristic_id: c.id,
                name: c.name.clone(),
                plan: plan.map(|p| PlanView::new(&p, c.inspection_level, severity)),
                units_inspected: e.units,
                defectives: e.defectives,
                verdict: v.verdict.into(),
                explanation: v.explanation,
            });
        }
    }
    let on = format!(
        "Resubmission ({}, {} inspection, ISO 2859-1 7.6)",
        r.action, r.severity
    );
    let (verdict, explanation) = match input.inspection {
        None => (
            DecisionVerdict::Pending,
            format!("{on}: pending, its sampling inspection is not recorded yet."),
        ),
        Some(_) if judged.is_empty() => (
            DecisionVerdict::Pending,
            format!("{on}: pending, its inspection records no characteristic of the part."),
        ),
        Some(_) => {
            let v = sampling::lot_verdict(&verdicts);
            (v.verdict.into(), format!("{on}: {}", v.explanation))
        }
    };
    Ok(ResubmissionDecision {
        resubmission_id: r.id,
        reason: r.reason.clone(),
        action: r.action,
        severity: r.severity,
        recorded_at: r.recorded_at,
        inspection_id: input.inspection.map(|(i, _)| i.id),
        verdict,
        explanation,
        characteristics: judged,
    })
}
