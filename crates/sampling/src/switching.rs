//! The switching rules of ISO 2859-1:1999 clause 9 as a pure state machine.
//!
//! * 9.3.2 normal -> tightened: 2 lots out of 5 or fewer consecutive lots are not accepted
//!   on original inspection.
//! * 9.3.3 normal -> reduced: switching score >= 30, production at a steady rate, and the
//!   responsible authority approves reduced inspection.
//! * 9.3.3.2 switching score (single sampling), started at 0 at the start of normal
//!   inspection and updated after every lot on original normal inspection: when the
//!   acceptance number is 2 or more, add 3 if the lot would have been accepted had the AQL
//!   been one step tighter, otherwise reset to 0; when the acceptance number is 0 or 1, add 2
//!   if the lot is accepted, otherwise reset to 0. (Wording as implemented in the
//!   GB/T 2828.1-2012 = ISO 2859-1:1999 application github.com/nihantao-crosis/quality-platform
//!   and summarised at www.sqconline.com/switching-rules-iso-2859-1.)
//! * 9.3.4 tightened -> normal: 5 consecutive lots accepted on original inspection.
//! * 9.3.5 reduced -> normal: a lot is not accepted, production becomes irregular or
//!   delayed, or other conditions warrant it (here: the authority withdraws its approval).
//! * 9.4 discontinuation: the cumulative number of lots not accepted in a sequence of
//!   consecutive lots on original tightened inspection reaches 5.

use serde::{Deserialize, Serialize};

/// Where a part/supplier stands in the ISO 2859-1 scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum InspectionState {
    /// Table II-A.
    Normal,
    /// Table II-B.
    Tightened,
    /// Table II-C.
    Reduced,
    /// Acceptance sampling discontinued (9.4) until the supplier has corrected the process.
    Discontinued,
}

/// The state of the scheme and the counters the rules need.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SwitchingState {
    /// Current severity (or discontinued).
    pub severity: InspectionState,
    /// Results of the last (at most 5) lots on normal inspection, oldest first; true = accepted.
    pub recent_normal_results: Vec<bool>,
    /// Consecutive lots accepted since the switch to tightened inspection.
    pub consecutive_accepted_on_tightened: u32,
    /// Lots not accepted since the switch to tightened inspection (9.4 counts to 5).
    pub not_accepted_on_tightened: u32,
    /// Switching score of 9.3.3.2 (normal inspection only).
    pub switching_score: u32,
}

impl Default for SwitchingState {
    fn default() -> Self {
        Self::start(InspectionState::Normal)
    }
}

impl SwitchingState {
    /// A fresh state on `severity` with all counters at zero (inspection starts on normal,
    /// 9.1; after discontinuation it resumes on tightened, 9.4).
    pub fn start(severity: InspectionState) -> Self {
        Self {
            severity,
            recent_normal_results: Vec::new(),
            consecutive_accepted_on_tightened: 0,
            not_accepted_on_tightened: 0,
            switching_score: 0,
        }
    }
}

/// The result of original inspection of one lot, in lot order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LotOutcome {
    /// The lot was accepted on original inspection (resubmitted lots are not counted).
    pub accepted: bool,
    /// Ac of the plan applied to the lot.
    pub acceptance_number: u32,
    /// Nonconforming units (or nonconformities) found in the sample.
    pub nonconforming_count: u32,
    /// Ac of the normal plan at the next tighter AQL with the same sample size, when one
    /// exists (see `plan::acceptance_number_one_step_tighter`); `None` counts as "would not
    /// have been accepted".
    pub acceptance_number_one_step_tighter: Option<u32>,
}

/// Conditions outside the lot results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SwitchingSettings {
    /// Production is at a steady rate (not irregular or delayed).
    pub production_steady: bool,
    /// The responsible authority approves (continued) reduced inspection.
    pub reduced_approved: bool,
}

/// The state after one lot and, when the severity changed, why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transition {
    /// The new state.
    pub state: SwitchingState,
    /// One sentence naming the rule, present only when the severity changed.
    pub reason: Option<String>,
}

fn switch(to: InspectionState, reason: String) -> Transition {
    Transition {
        state: SwitchingState::start(to),
        reason: Some(reason),
    }
}

fn updated_score(score: u32, lot: &LotOutcome) -> u32 {
    if !lot.accepted {
        return 0;
    }
    if lot.acceptance_number >= 2 {
        match lot.acceptance_number_one_step_tighter {
            Some(tighter_ac) if lot.nonconforming_count <= tighter_ac => score + 3,
            _ => 0,
        }
    } else {
        score + 2
    }
}

/// Applies the switching rules to the next lot.
pub fn next_state(
    state: &SwitchingState,
    lot: &LotOutcome,
    settings: &SwitchingSettings,
) -> Transition {
    let mut next = state.clone();
    match state.severity {
        InspectionState::Normal => {
            next.recent_normal_results.push(lot.accepted);
            let excess = next.recent_normal_results.len().saturating_sub(5);
            next.recent_normal_results.drain(..excess);
            let rejected = next.recent_normal_results.iter().filter(|&&ok| !ok).count();
            if rejected >= 2 {
                return switch(
                    InspectionState::Tightened,
                    format!(
                        "Tightened inspection: {rejected} of the last {} consecutive lots were \
                         not accepted on normal inspection (ISO 2859-1 9.3.2).",
                        next.recent_normal_results.len()
                    ),
                );
            }
            next.switching_score = updated_score(state.switching_score, lot);
            if next.switching_score >= 30 && settings.production_steady && settings.reduced_approved
            {
                return switch(
                    InspectionState::Reduced,
                    format!(
                        "Reduced inspection: switching score {} reached 30, production is \
                         steady and the responsible authority approves (ISO 2859-1 9.3.3).",
                        next.switching_score
                    ),
                );
            }
        }
        InspectionState::Tightened => {
            if lot.accepted {
                next.consecutive_accepted_on_tightened += 1;
                if next.consecutive_accepted_on_tightened >= 5 {
                    return switch(
                        InspectionState::Normal,
                        "Normal inspection: 5 consecutive lots were accepted on tightened \
                         inspection (ISO 2859-1 9.3.4)."
                            .to_string(),
                    );
                }
            } else {
                next.consecutive_accepted_on_tightened = 0;
                next.not_accepted_on_tightened += 1;
                if next.not_accepted_on_tightened >= 5 {
                    return switch(
                        InspectionState::Discontinued,
                        "Sampling inspection discontinued: 5 lots were not accepted while on \
                         tightened inspection (ISO 2859-1 9.4)."
                            .to_string(),
                    );
                }
            }
        }
        InspectionState::Reduced => {
            let reason = if !lot.accepted {
                Some("a lot was not accepted on reduced inspection")
            } else if !settings.production_steady {
                Some("production became irregular or delayed")
            } else if !settings.reduced_approved {
                Some("the responsible authority no longer approves reduced inspection")
            } else {
                None
            };
            if let Some(reason) = reason {
                return switch(
                    InspectionState::Normal,
                    format!("Normal inspection: {reason} (ISO 2859-1 9.3.5)."),
                );
            }
        }
        InspectionState::Discontinued => {}
    }
    Transition {
        state: next,
        reason: None,
    }
}
