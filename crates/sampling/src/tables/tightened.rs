//! ISO 2859-1:1999 Table II-B, single sampling plans for tightened inspection (master table).
//!
//! Rows A..R plus the extra row S (n = 3150), which holds a single plan (1, 2) under AQL 0.025:
//! it is reached only through the down arrows of rows Q and R in that column; its other cells
//! are blank (`X`), as in the standard.
//!
//! Cross-checked (arrow-resolved) against GB/T 2828.1-2012 as transcribed in
//! github.com/nihantao-crosis/quality-platform src/core/aql.ts (MASTER_2B_RAW), against
//! AQLSchemes (github.com/fjgonzalezmgt/AQLSchemesCust R/AAZ14Single.R) and, for AQL 0.65..15,
//! against www.nibs.org/FMOC/DPW_AC/AC-TABLE.ASC (Table 1-B). They agree on every resolved
//! plan except row A under AQL 10: GB/T 2828.1 (= ISO 2859-1:1999) prints the plan (0, 1)
//! there, while the MIL-STD-105E / Z1.4 reproductions (AQLSchemes, nibs.org) print a down
//! arrow (resolving to D, n = 8, (1, 2)). This crate follows ISO and keeps (0, 1).

use super::{TableCell, p};

const D: TableCell = TableCell::ArrowDown;
const U: TableCell = TableCell::ArrowUp;
const X: TableCell = TableCell::Blank;

#[rustfmt::skip]
pub(crate) const TIGHTENED: [[TableCell; 26]; 17] = [
    // A
    [D, D, D, D, D, D, D, D, D, D, D, D, D, D, D, p(0, 1), D, D, p(1, 2), p(2, 3), p(3, 4), p(5, 6), p(8, 9), p(12, 13), p(18, 19), p(27, 28)],
    // B
    [D, D, D, D, D, D, D, D, D, D, D, D, D, D, p(0, 1), D, D, p(1, 2), p(2, 3), p(3, 4), p(5, 6), p(8, 9), p(12, 13), p(18, 19), p(27, 28), p(41, 42)],
    // C
    [D, D, D, D, D, D, D, D, D, D, D, D, D, p(0, 1), D, D, p(1, 2), p(2, 3), p(3, 4), p(5, 6), p(8, 9), p(12, 13), p(18, 19), p(27, 28), p(41, 42), U],
    // D
    [D, D, D, D, D, D, D, D, D, D, D, D, p(0, 1), D, D, p(1, 2), p(2, 3), p(3, 4), p(5, 6), p(8, 9), p(12, 13), p(18, 19), p(27, 28), p(41, 42), U, U],
    // E
    [D, D, D, D, D, D, D, D, D, D, D, p(0, 1), D, D, p(1, 2), p(2, 3), p(3, 4), p(5, 6), p(8, 9), p(12, 13), p(18, 19), p(27, 28), p(41, 42), U, U, U],
    // F
    [D, D, D, D, D, D, D, D, D, D, p(0, 1), D, D, p(1, 2), p(2, 3), p(3, 4), p(5, 6), p(8, 9), p(12, 13), p(18, 19), U, U, U, U, U, U],
    // G
    [D, D, D, D, D, D, D, D, D, p(0, 1), D, D, p(1, 2), p(2, 3), p(3, 4), p(5, 6), p(8, 9), p(12, 13), p(18, 19), U, U, U, U, U, U, U],
    // H
    [D, D, D, D, D, D, D, D, p(0, 1), D, D, p(1, 2), p(2, 3), p(3, 4), p(5, 6), p(8, 9), p(12, 13), p(18, 19), U, U, U, U, U, U, U, U],
    // J
    [D, D, D, D, D, D, D, p(0, 1), D, D, p(1, 2), p(2, 3), p(3, 4), p(5, 6), p(8, 9), p(12, 13), p(18, 19), U, U, U, U, U, U, U, U, U],
    // K
    [D, D, D, D, D, D, p(0, 1), D, D, p(1, 2), p(2, 3), p(3, 4), p(5, 6), p(8, 9), p(12, 13), p(18, 19), U, U, U, U, U, U, U, U, U, U],
    // L
    [D, D, D, D, D, p(0, 1), D, D, p(1, 2), p(2, 3), p(3, 4), p(5, 6), p(8, 9), p(12, 13), p(18, 19), U, U, U, U, U, U, U, U, U, U, U],
    // M
    [D, D, D, D, p(0, 1), D, D, p(1, 2), p(2, 3), p(3, 4), p(5, 6), p(8, 9), p(12, 13), p(18, 19), U, U, U, U, U, U, U, U, U, U, U, U],
    // N
    [D, D, D, p(0, 1), D, D, p(1, 2), p(2, 3), p(3, 4), p(5, 6), p(8, 9), p(12, 13), p(18, 19), U, U, U, U, U, U, U, U, U, U, U, U, U],
    // P
    [D, D, p(0, 1), D, D, p(1, 2), p(2, 3), p(3, 4), p(5, 6), p(8, 9), p(12, 13), p(18, 19), U, U, U, U, U, U, U, U, U, U, U, U, U, U],
    // Q
    [D, p(0, 1), D, D, p(1, 2), p(2, 3), p(3, 4), p(5, 6), p(8, 9), p(12, 13), p(18, 19), U, U, U, U, U, U, U, U, U, U, U, U, U, U, U],
    // R
    [p(0, 1), U, D, p(1, 2), p(2, 3), p(3, 4), p(5, 6), p(8, 9), p(12, 13), p(18, 19), U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U],
    // S
    [X, X, p(1, 2), X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X],
];
