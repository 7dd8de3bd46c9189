//! Double sampling (ISO 2859-1:1999 Tables III-A, III-B and III-C): from lot size,
//! inspection level, AQL and severity to a double plan, and the verdict of its two stages.
//!
//! Table III-C (reduced inspection) rests on one public ISO 2859-1:1999 transcription
//! (EGTools), checked for layout and sample sizes against independent tables; see
//! `tables::double::DOUBLE_REDUCED`. The Z1.4 reduced double table differs from ISO's
//! (ISO 2859-1:1999 removed the gap between Ac and Re).

use serde::{Deserialize, Serialize};

use crate::SamplingError;
use crate::tables::{
    Aql, CodeLetter, DoubleCell, InspectionLevel, Severity, code_letter, double_first_sample_size,
    double_row_count, double_table_cell,
};

/// A double plan read from a master table after following its arrows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DoubleMasterPlan {
    /// Code letter of the row where the plan was found.
    pub code_letter: CodeLetter,
    /// First sample size n1 (the second sample n2 has the same size).
    pub first_sample_size: u64,
    /// Accept on the first sample with at most this many nonconforming (Ac1).
    pub first_acceptance_number: u32,
    /// Reject on the first sample when this many are found (Re1).
    pub first_rejection_number: u32,
    /// Accept when both samples together hold at most this many (Ac2).
    pub second_acceptance_number: u32,
    /// Reject when both samples together hold this many (Re2 = Ac2 + 1).
    pub second_rejection_number: u32,
}

/// A double sampling plan for one lot, ready for the inspector.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DoublePlan {
    /// Number of units in the lot.
    pub lot_size: u64,
    /// Inspection level used with Table I.
    pub inspection_level: InspectionLevel,
    /// AQL in percent.
    pub aql_percent: f64,
    /// Severity of inspection: which double master table was used.
    pub severity: Severity,
    /// Code letter given by Table I.
    pub code_letter: CodeLetter,
    /// Code letter of the plan used after following the arrows.
    pub plan_code_letter: CodeLetter,
    /// First sample size n1.
    pub first_sample_size: u64,
    /// Second sample size n2 (= n1).
    pub second_sample_size: u64,
    /// Ac1.
    pub first_acceptance_number: u32,
    /// Re1.
    pub first_rejection_number: u32,
    /// Ac2 (for the cumulative count of both samples).
    pub second_acceptance_number: u32,
    /// Re2 (for the cumulative count of both samples).
    pub second_rejection_number: u32,
    /// True when the cumulative sample 2·n1 reaches the lot size: every unit is inspected.
    pub full_inspection: bool,
}

fn table_name(severity: Severity) -> &'static str {
    match severity {
        Severity::Normal => "III-A",
        Severity::Tightened => "III-B",
        Severity::Reduced => "III-C",
    }
}

/// Reads Table III-A, III-B or III-C at (`letter`, `aql`), following arrows (in the direction of the
/// starting cell) to the first plan below or above. A `*` cell, reached directly or through an
/// arrow, gives [`SamplingError::UseSingleSampling`]: the standard's footnote says to use the
/// corresponding single sampling plan there.
pub fn double_master_plan(
    severity: Severity,
    letter: CodeLetter,
    aql: Aql,
) -> Result<DoubleMasterPlan, SamplingError> {
    let table = table_name(severity);
    let rows = double_row_count(severity);
    let no_plan = || SamplingError::NoPlanInCell {
        letter: letter.as_str().to_string(),
        aql_percent: aql.percent(),
        table,
    };
    let mut row = letter.index();
    if row >= rows {
        return Err(SamplingError::CodeLetterNotInTable {
            letter: letter.as_str().to_string(),
        });
    }
    let direction = double_table_cell(severity, letter, aql).ok_or_else(no_plan)?;
    loop {
        let current = CodeLetter::ALL[row];
        match double_table_cell(severity, current, aql).ok_or_else(no_plan)? {
            DoubleCell::Plan {
                first_acceptance_number,
                first_rejection_number,
                second_acceptance_number,
                second_rejection_number,
            } => {
                return Ok(DoubleMasterPlan {
                    code_letter: current,
                    first_sample_size: double_first_sample_size(severity, current)
                        .ok_or_else(no_plan)?,
                    first_acceptance_number,
                    first_rejection_number,
                    second_acceptance_number,
                    second_rejection_number,
                });
            }
            DoubleCell::UseSingle => {
                return Err(SamplingError::UseSingleSampling {
                    letter: letter.as_str().to_string(),
                    aql_percent: aql.percent(),
                    table,
                });
            }
            DoubleCell::Blank => return Err(no_plan()),
            DoubleCell::ArrowDown | DoubleCell::ArrowUp => {
                row = if matches!(direction, DoubleCell::ArrowDown) {
                    row + 1
                } else {
                    row.checked_sub(1).ok_or_else(no_plan)?
                };
                if row >= rows {
                    return Err(no_plan());
                }
            }
        }
    }
}

/// The double sampling plan for a lot: Table I gives the code letter, Table III-A/III-B/III-C
/// the plan. Full inspection rule (ISO 2859-1 10.1, "if the sample size equals or exceeds the lot
/// size, carry out 100 % inspection", applied to the largest sample the plan can call for):
/// when the cumulative sample 2·n1 reaches the lot size, `full_inspection` is set; the
/// inspector inspects every unit and judges the lot by Ac2/Re2.
pub fn double_sampling_plan(
    lot_size: u64,
    inspection_level: InspectionLevel,
    aql_percent: f64,
    severity: Severity,
) -> Result<DoublePlan, SamplingError> {
    let aql = Aql::from_percent(aql_percent)?;
    let letter = code_letter(lot_size, inspection_level)?;
    let plan = double_master_plan(severity, letter, aql)?;
    Ok(DoublePlan {
        lot_size,
        inspection_level,
        aql_percent: aql.percent(),
        severity,
        code_letter: letter,
        plan_code_letter: plan.code_letter,
        first_sample_size: plan.first_sample_size,
        second_sample_size: plan.first_sample_size,
        first_acceptance_number: plan.first_acceptance_number,
        first_rejection_number: plan.first_rejection_number,
        second_acceptance_number: plan.second_acceptance_number,
        second_rejection_number: plan.second_rejection_number,
        full_inspection: 2 * plan.first_sample_size >= lot_size,
    })
}

/// Outcome of a double plan after one or two samples.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DoubleVerdict {
    /// The lot is accepted.
    Accept,
    /// The lot is not accepted.
    Reject,
    /// The first sample fell between Ac1 and Re1: inspect the second sample.
    TakeSecondSample,
}

/// Verdict of a double plan (ISO 2859-1 11.1.2): accept if d1 <= Ac1, reject if d1 >= Re1,
/// otherwise take the second sample (`second_sample_nonconforming` = `None` while it is not
/// inspected); then accept if d1 + d2 <= Ac2, else reject.
pub fn double_verdict(
    plan: &DoubleMasterPlan,
    first_sample_nonconforming: u64,
    second_sample_nonconforming: Option<u64>,
) -> Result<DoubleVerdict, SamplingError> {
    let n = plan.first_sample_size;
    for (count, stage) in [
        (Some(first_sample_nonconforming), "first"),
        (second_sample_nonconforming, "second"),
    ] {
        if let Some(count) = count.filter(|&c| c > n) {
            return Err(SamplingError::CountsInconsistent {
                detail: format!("{count} nonconforming in the {stage} sample of only {n} units"),
            });
        }
    }
    let d1 = first_sample_nonconforming;
    if d1 <= u64::from(plan.first_acceptance_number) {
        return Ok(DoubleVerdict::Accept);
    }
    if d1 >= u64::from(plan.first_rejection_number) {
        return Ok(DoubleVerdict::Reject);
    }
    Ok(match second_sample_nonconforming {
        None => DoubleVerdict::TakeSecondSample,
        Some(d2) if d1 + d2 <= u64::from(plan.second_acceptance_number) => DoubleVerdict::Accept,
        Some(_) => DoubleVerdict::Reject,
    })
}
