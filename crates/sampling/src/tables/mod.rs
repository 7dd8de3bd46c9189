//! ISO 2859-1:1999 tables transcribed as data.
//!
//! Table I (sample-size code letters) lives here; the single sampling master tables
//! II-A, II-B and II-C live in [`normal`], [`tightened`] and [`reduced`]. The sources
//! each table was cross-checked against are named beside the data. The double sampling master
//! tables III-A, III-B and III-C live in [`double`].

mod double;
mod normal;
mod reduced;
mod tightened;

use serde::{Deserialize, Serialize};

use crate::SamplingError;

/// Sample-size code letter of ISO 2859-1 (I and O are skipped; S exists only in Table II-B).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum CodeLetter {
    A,
    B,
    C,
    D,
    E,
    F,
    G,
    H,
    J,
    K,
    L,
    M,
    N,
    P,
    Q,
    R,
    S,
}

impl CodeLetter {
    /// All letters in table order (row index = position).
    pub const ALL: [CodeLetter; 17] = [
        Self::A,
        Self::B,
        Self::C,
        Self::D,
        Self::E,
        Self::F,
        Self::G,
        Self::H,
        Self::J,
        Self::K,
        Self::L,
        Self::M,
        Self::N,
        Self::P,
        Self::Q,
        Self::R,
        Self::S,
    ];

    /// Row index in the master tables (A = 0 ... R = 15, S = 16).
    pub fn index(self) -> usize {
        self as usize
    }

    /// Parses "A".."S" (case-insensitive).
    pub fn parse(text: &str) -> Result<Self, SamplingError> {
        let upper = text.trim().to_ascii_uppercase();
        Self::ALL
            .into_iter()
            .find(|letter| format!("{letter:?}") == upper)
            .ok_or(SamplingError::CodeLetterNotInTable {
                letter: text.to_string(),
            })
    }

    /// The letter as the standard prints it.
    pub fn as_str(self) -> &'static str {
        [
            "A", "B", "C", "D", "E", "F", "G", "H", "J", "K", "L", "M", "N", "P", "Q", "R", "S",
        ][self.index()]
    }
}

/// Inspection level of Table I: special levels S-1..S-4 and general levels I, II, III.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum InspectionLevel {
    S1,
    S2,
    S3,
    S4,
    I,
    II,
    III,
}

impl InspectionLevel {
    /// Parses "S-1".."S-4", "I", "II", "III" (also "S1", "G1".."G3").
    pub fn parse(text: &str) -> Result<Self, SamplingError> {
        match text.trim().to_ascii_uppercase().as_str() {
            "S-1" | "S1" => Ok(Self::S1),
            "S-2" | "S2" => Ok(Self::S2),
            "S-3" | "S3" => Ok(Self::S3),
            "S-4" | "S4" => Ok(Self::S4),
            "I" | "G1" | "G-1" => Ok(Self::I),
            "II" | "G2" | "G-2" => Ok(Self::II),
            "III" | "G3" | "G-3" => Ok(Self::III),
            _ => Err(SamplingError::InspectionLevelNotInTable {
                level: text.to_string(),
            }),
        }
    }

    fn column(self) -> usize {
        self as usize
    }
}

/// Severity of inspection: which master table applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Severity {
    /// Table II-A.
    Normal,
    /// Table II-B.
    Tightened,
    /// Table II-C.
    Reduced,
}

impl Severity {
    /// The ISO 2859-1 table number.
    pub fn table_name(self) -> &'static str {
        match self {
            Self::Normal => "II-A",
            Self::Tightened => "II-B",
            Self::Reduced => "II-C",
        }
    }
}

/// One cell of a master table, as printed in the standard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TableCell {
    /// A plan: accept with at most `acceptance_number` nonconforming, reject at `rejection_number`.
    Plan {
        acceptance_number: u32,
        rejection_number: u32,
    },
    /// "Use the first sampling plan below the arrow."
    ArrowDown,
    /// "Use the first sampling plan above the arrow."
    ArrowUp,
    /// No entry (only in the extra row S of Table II-B).
    Blank,
}

/// The 26 AQL values of Tables II-A/B/C, in percent (percent nonconforming up to 10,
/// nonconformities per 100 units from 15 on).
pub const AQL_PERCENT: [f64; 26] = [
    0.010, 0.015, 0.025, 0.040, 0.065, 0.10, 0.15, 0.25, 0.40, 0.65, 1.0, 1.5, 2.5, 4.0, 6.5, 10.0,
    15.0, 25.0, 40.0, 65.0, 100.0, 150.0, 250.0, 400.0, 650.0, 1000.0,
];

/// An AQL that is one of the 26 columns of the master tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Aql(usize);

impl Aql {
    /// Accepts an AQL in percent if it is one of the table's 26 values.
    pub fn from_percent(aql_percent: f64) -> Result<Self, SamplingError> {
        AQL_PERCENT
            .iter()
            .position(|&value| (value - aql_percent).abs() <= value * 1e-9)
            .map(Aql)
            .ok_or(SamplingError::AqlNotInTable { aql_percent })
    }

    /// The AQL in percent.
    pub fn percent(self) -> f64 {
        AQL_PERCENT[self.0]
    }

    /// Column index (0.010 = 0 ... 1000 = 25).
    pub fn index(self) -> usize {
        self.0
    }

    /// The next tighter (smaller) AQL of the table, if any.
    pub fn one_step_tighter(self) -> Option<Aql> {
        self.0.checked_sub(1).map(Aql)
    }

    /// All 26 AQLs in table order.
    pub fn all() -> impl Iterator<Item = Aql> {
        (0..AQL_PERCENT.len()).map(Aql)
    }
}

/// Table I, lot-size ranges (upper bounds; the last range is open).
const LOT_SIZE_UPPER: [u64; 15] = [
    8,
    15,
    25,
    50,
    90,
    150,
    280,
    500,
    1200,
    3200,
    10_000,
    35_000,
    150_000,
    500_000,
    u64::MAX,
];

// ISO 2859-1:1999 Table I, columns S-1, S-2, S-3, S-4, I, II, III.
// Cross-checked against: the Table I matrix of the R package AQLSchemes (J. Lawson; fork
// github.com/fjgonzalezmgt/AQLSchemesCust, R/AAZ14Single.R), the PyPI package
// garment-aql-calculator 1.0.0 (_SAMPLE_SIZE_CODE_LETTERS), and GOST R ISO 2859-1
// Table A.1 (base.garant.ru/71446952). All three agree cell by cell.
#[rustfmt::skip]
const TABLE_I: [&str; 15] = [
    "AAAAAAB", // 2-8
    "AAAAABC", // 9-15
    "AABBBCD", // 16-25
    "ABBCCDE", // 26-50
    "BBCCCEF", // 51-90
    "BBCDDFG", // 91-150
    "BCDEEGH", // 151-280
    "BCDEFHJ", // 281-500
    "CCEFGJK", // 501-1200
    "CDEGHKL", // 1201-3200
    "CDFGJLM", // 3201-10000
    "CDFHKMN", // 10001-35000
    "DEGJLNP", // 35001-150000
    "DEGJMPQ", // 150001-500000
    "DEHKNQR", // 500001 and over
];

/// Table I: the sample-size code letter for a lot size and inspection level.
pub fn code_letter(lot_size: u64, level: InspectionLevel) -> Result<CodeLetter, SamplingError> {
    if lot_size < 2 {
        return Err(SamplingError::LotSizeTooSmall { lot_size });
    }
    let row = LOT_SIZE_UPPER
        .iter()
        .position(|&upper| lot_size <= upper)
        .unwrap_or(14);
    let byte = TABLE_I[row].as_bytes()[level.column()];
    Ok(CodeLetter::ALL
        .into_iter()
        .find(|letter| letter.as_str().as_bytes()[0] == byte)
        .expect("Table I holds only code letters"))
}

/// Sample size of a code letter on normal and tightened inspection (Tables II-A, II-B).
pub fn sample_size(letter: CodeLetter) -> u64 {
    [
        2, 3, 5, 8, 13, 20, 32, 50, 80, 125, 200, 315, 500, 800, 1250, 2000, 3150,
    ][letter.index()]
}

/// Sample size of a code letter on reduced inspection (Table II-C; A, B and C all take 2).
pub fn reduced_sample_size(letter: CodeLetter) -> Option<u64> {
    [
        2, 2, 2, 3, 5, 8, 13, 20, 32, 50, 80, 125, 200, 315, 500, 800,
    ]
    .get(letter.index())
    .copied()
}

/// The cell of a master table, as printed; `None` when the table has no such row
/// (row S exists only in Table II-B).
pub fn table_cell(severity: Severity, letter: CodeLetter, aql: Aql) -> Option<TableCell> {
    let table: &[[TableCell; 26]] = match severity {
        Severity::Normal => &normal::NORMAL,
        Severity::Tightened => &tightened::TIGHTENED,
        Severity::Reduced => &reduced::REDUCED,
    };
    table.get(letter.index()).map(|row| row[aql.index()])
}

/// Number of rows of a master table (16, or 17 for Table II-B with its row S).
pub fn row_count(severity: Severity) -> usize {
    match severity {
        Severity::Tightened => tightened::TIGHTENED.len(),
        Severity::Normal => normal::NORMAL.len(),
        Severity::Reduced => reduced::REDUCED.len(),
    }
}

/// Shorthand for the data modules.
const fn p(acceptance_number: u32, rejection_number: u32) -> TableCell {
    TableCell::Plan {
        acceptance_number,
        rejection_number,
    }
}

/// One cell of a double sampling master table (III-A, III-B, III-C), as printed in the standard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DoubleCell {
    /// A double plan: first sample judged by Ac1/Re1, the cumulative count of both samples by
    /// Ac2/Re2.
    Plan {
        first_acceptance_number: u32,
        first_rejection_number: u32,
        second_acceptance_number: u32,
        second_rejection_number: u32,
    },
    /// "*": use the corresponding single sampling plan.
    UseSingle,
    /// "Use the first sampling plan below the arrow."
    ArrowDown,
    /// "Use the first sampling plan above the arrow."
    ArrowUp,
    /// No entry (row S of Table III-B).
    Blank,
}

/// The cell of a double sampling master table; `None` when the table has no such row (row S
/// exists only in Table III-B).
pub fn double_table_cell(severity: Severity, letter: CodeLetter, aql: Aql) -> Option<DoubleCell> {
    let table: &[[DoubleCell; 26]] = match severity {
        Severity::Normal => &double::DOUBLE_NORMAL,
        Severity::Tightened => &double::DOUBLE_TIGHTENED,
        Severity::Reduced => &double::DOUBLE_REDUCED,
    };
    table.get(letter.index()).map(|row| row[aql.index()])
}

/// Number of rows of a double master table (16 for III-A and III-C, 17 for III-B).
pub fn double_row_count(severity: Severity) -> usize {
    match severity {
        Severity::Normal => double::DOUBLE_NORMAL.len(),
        Severity::Tightened => double::DOUBLE_TIGHTENED.len(),
        Severity::Reduced => double::DOUBLE_REDUCED.len(),
    }
}

/// First (and second) sample size of a code letter in Tables III-A and III-B: the single
/// sample size of the letter before it (B = 2 ... R = 1250, S = 2000); `None` for A, which has
/// no double plan.
pub fn first_sample_size(letter: CodeLetter) -> Option<u64> {
    letter
        .index()
        .checked_sub(1)
        .map(|previous| sample_size(CodeLetter::ALL[previous]))
}

/// First (and second) sample size of a code letter in a double master table of `severity`:
/// in Table III-C the reduced single sample size of the letter before it (D = 2 ... R = 500);
/// `None` for A, B and C there, which have no double plan.
pub fn double_first_sample_size(severity: Severity, letter: CodeLetter) -> Option<u64> {
    match severity {
        Severity::Normal | Severity::Tightened => first_sample_size(letter),
        Severity::Reduced if letter.index() < 3 => None,
        Severity::Reduced => reduced_sample_size(CodeLetter::ALL[letter.index() - 1]),
    }
}
