use thiserror::Error;

/// What went wrong in a sampling computation, in the words of the standard.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum SamplingError {
    /// The AQL is not one of the 26 preferred values of ISO 2859-1 Tables II-A/B/C.
    #[error(
        "AQL {aql_percent} is not in the ISO 2859-1 table; use one of 0.010, 0.015, 0.025, 0.040, 0.065, 0.10, 0.15, 0.25, 0.40, 0.65, 1.0, 1.5, 2.5, 4.0, 6.5, 10, 15, 25, 40, 65, 100, 150, 250, 400, 650, 1000"
    )]
    AqlNotInTable { aql_percent: f64 },
    /// The inspection level is not S-1, S-2, S-3, S-4, I, II or III.
    #[error(
        "inspection level {level:?} is not in ISO 2859-1 Table I; use S-1, S-2, S-3, S-4, I, II or III"
    )]
    InspectionLevelNotInTable { level: String },
    /// The code letter is not one of A..R (or S on tightened inspection).
    #[error(
        "code letter {letter:?} is not in ISO 2859-1 Table II; use A..R (S exists only in Table II-B)"
    )]
    CodeLetterNotInTable { letter: String },
    /// Table I starts at lots of 2 units.
    #[error("lot size {lot_size} is too small: ISO 2859-1 Table I starts at 2 units")]
    LotSizeTooSmall { lot_size: u64 },
    /// The cell has no plan in the standard (only the tightened table's row S has such cells).
    #[error("code letter {letter} has no plan at AQL {aql_percent} in Table {table}")]
    NoPlanInCell {
        letter: String,
        aql_percent: f64,
        table: &'static str,
    },
    /// The double sampling table has "*" here: use the corresponding single sampling plan.
    #[error(
        "Table {table} has no double plan for code letter {letter} at AQL {aql_percent} (\"*\"): use the corresponding single sampling plan"
    )]
    UseSingleSampling {
        letter: String,
        aql_percent: f64,
        table: &'static str,
    },
    /// A fraction (fraction defective, AQL, LTPD) outside [0, 1].
    #[error("{name} must be a fraction between 0 and 1, got {value}")]
    FractionOutOfRange { name: &'static str, value: f64 },
    /// A risk (alpha, beta) outside the open interval (0, 1).
    #[error("{name} must lie strictly between 0 and 1, got {value}")]
    RiskOutOfRange { name: &'static str, value: f64 },
    /// The AQL must be strictly better (smaller) than the LTPD.
    #[error("AQL {aql} must be smaller than LTPD {ltpd}")]
    AqlNotBelowLtpd { aql: f64, ltpd: f64 },
    /// No plan satisfies both risks within the search bound.
    #[error("no single sampling plan with sample size up to {max_sample_size} meets both risks")]
    NoPlanWithinSearchBound { max_sample_size: u64 },
    /// The sample cannot be larger than the lot, nor empty.
    #[error("sample size {sample_size} does not fit lot size {lot_size}")]
    SampleDoesNotFitLot { sample_size: u64, lot_size: u64 },
    /// A cost must be a finite, non-negative number (positive for the cost of an escape).
    #[error("{name} must be a finite non-negative amount, got {value}")]
    CostOutOfRange { name: &'static str, value: f64 },
    /// More nonconforming units than units inspected, or more inspected than the lot holds.
    #[error("{detail}")]
    CountsInconsistent { detail: String },
}
