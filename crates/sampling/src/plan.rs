//! From lot size, inspection level, AQL and severity to a single sampling plan.

use serde::{Deserialize, Serialize};

use crate::SamplingError;
use crate::tables::{
    Aql, CodeLetter, InspectionLevel, Severity, TableCell, code_letter, reduced_sample_size,
    row_count, sample_size, table_cell,
};

/// A plan read from a master table after following its arrows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MasterPlan {
    /// Code letter of the row where the plan was found (differs from the starting letter
    /// when the cell held an arrow).
    pub code_letter: CodeLetter,
    /// Sample size of that row.
    pub sample_size: u64,
    /// Accept the lot with at most this many nonconforming units (or nonconformities).
    pub acceptance_number: u32,
    /// Reject the lot when this many are found.
    pub rejection_number: u32,
}

/// A single sampling plan for one lot, ready for the inspector.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SamplingPlan {
    /// Number of units in the lot.
    pub lot_size: u64,
    /// Inspection level used with Table I.
    pub inspection_level: InspectionLevel,
    /// AQL in percent (nonconformities per 100 units above 10).
    pub aql_percent: f64,
    /// Severity of inspection: which master table was used.
    pub severity: Severity,
    /// Code letter given by Table I for the lot size and level.
    pub code_letter: CodeLetter,
    /// Code letter of the plan actually used after following the table's arrows.
    pub plan_code_letter: CodeLetter,
    /// Units to inspect: the table's sample size, or the lot size under full inspection.
    pub sample_size: u64,
    /// Accept with at most this many nonconforming.
    pub acceptance_number: u32,
    /// Reject when this many nonconforming are found.
    pub rejection_number: u32,
    /// True when the table's sample size reaches the lot size: every unit is inspected.
    pub full_inspection: bool,
}

fn row_sample_size(severity: Severity, letter: CodeLetter) -> u64 {
    match severity {
        Severity::Reduced => reduced_sample_size(letter).unwrap_or(0),
        _ => sample_size(letter),
    }
}

/// Reads the master table for `severity` at (`letter`, `aql`), following arrows to the first
/// plan below or above, and reports that plan's row (code letter and sample size).
pub fn master_plan(
    severity: Severity,
    letter: CodeLetter,
    aql: Aql,
) -> Result<MasterPlan, SamplingError> {
    let rows = row_count(severity);
    let no_plan = || SamplingError::NoPlanInCell {
        letter: letter.as_str().to_string(),
        aql_percent: aql.percent(),
        table: severity.table_name(),
    };
    let mut row = letter.index();
    if row >= rows {
        return Err(SamplingError::CodeLetterNotInTable {
            letter: letter.as_str().to_string(),
        });
    }
    let direction = table_cell(severity, letter, aql).ok_or_else(no_plan)?;
    loop {
        let current = CodeLetter::ALL[row];
        match table_cell(severity, current, aql).ok_or_else(no_plan)? {
            TableCell::Plan {
                acceptance_number,
                rejection_number,
            } => {
                return Ok(MasterPlan {
                    code_letter: current,
                    sample_size: row_sample_size(severity, current),
                    acceptance_number,
                    rejection_number,
                });
            }
            TableCell::Blank => return Err(no_plan()),
            // An arrow keeps the direction of the starting cell: a long arrow spans several
            // cells in the printed table.
            TableCell::ArrowDown | TableCell::ArrowUp => {
                let down = matches!(direction, TableCell::ArrowDown);
                row = if down {
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

/// The single sampling plan for a lot: Table I gives the code letter, the master table of
/// `severity` gives the plan; when its sample size reaches the lot size, the whole lot is
/// inspected (`full_inspection`, sample size = lot size, same Ac/Re).
pub fn single_sampling_plan(
    lot_size: u64,
    inspection_level: InspectionLevel,
    aql_percent: f64,
    severity: Severity,
) -> Result<SamplingPlan, SamplingError> {
    let aql = Aql::from_percent(aql_percent)?;
    let letter = code_letter(lot_size, inspection_level)?;
    let plan = master_plan(severity, letter, aql)?;
    let full_inspection = plan.sample_size >= lot_size;
    Ok(SamplingPlan {
        lot_size,
        inspection_level,
        aql_percent: aql.percent(),
        severity,
        code_letter: letter,
        plan_code_letter: plan.code_letter,
        sample_size: if full_inspection {
            lot_size
        } else {
            plan.sample_size
        },
        acceptance_number: plan.acceptance_number,
        rejection_number: plan.rejection_number,
        full_inspection,
    })
}

/// For the switching score (ISO 2859-1 9.3.3.2): the normal-inspection plan of the same
/// starting code letter at the next tighter AQL. `None` at AQL 0.010 (nothing tighter).
pub fn normal_plan_one_step_tighter(
    letter: CodeLetter,
    aql: Aql,
) -> Result<Option<MasterPlan>, SamplingError> {
    aql.one_step_tighter()
        .map(|tighter| master_plan(Severity::Normal, letter, tighter))
        .transpose()
}

/// The acceptance number to use for "would the lot have been accepted had the AQL been one
/// step tighter": the tighter normal plan's Ac when it uses the same sample size as the plan
/// actually applied (only then can the same count of nonconforming be compared), else `None`.
pub fn acceptance_number_one_step_tighter(
    letter: CodeLetter,
    aql: Aql,
    applied_sample_size: u64,
) -> Result<Option<u32>, SamplingError> {
    Ok(normal_plan_one_step_tighter(letter, aql)?
        .filter(|plan| plan.sample_size == applied_sample_size)
        .map(|plan| plan.acceptance_number))
}
