//! ISO 2859-1:1999 Table II-A, single sampling plans for normal inspection (master table).
//!
//! Rows are code letters A..R (sample sizes 2 .. 2000), columns the 26 AQLs 0.010 .. 1000.
//! `D` = arrow down, `U` = arrow up, `p(Ac, Re)` = plan.
//!
//! Cross-checked cell by cell (after resolving arrows to (code letter, n, Ac)) against:
//! 1. GB/T 2828.1-2012 (identical to ISO 2859-1:1999) as transcribed in
//!    github.com/nihantao-crosis/quality-platform, src/core/aql.ts (MASTER_2A_RAW);
//! 2. ANSI/ASQ Z1.4 as encoded in the R package AQLSchemes (J. Lawson), fork
//!    github.com/fjgonzalezmgt/AQLSchemesCust, R/AAZ14Single.R (sample-size and Ac matrices);
//! 3. for AQL 0.65..15: MIL-STD-105E Table II-A as reproduced at
//!    www.nibs.org/FMOC/DPW_AC/AC-TABLE.ASC (Table 1-A) and the "ANSI Z1.4 Sampling and
//!    Inspection Tables, How To Guide" (scribd.com/document/423570819) for the Ac/Re rows.
//!
//! Sources 1 and 2 agree on every one of the 416 resolved plans (tests/tables.rs checks both).
//! The up arrow that some reproductions print in row A under AQL 10 is resolved downward here,
//! as both sources 1 and 2 do: there is no plan above row A.

use super::{TableCell, p};

const D: TableCell = TableCell::ArrowDown;
const U: TableCell = TableCell::ArrowUp;

#[rustfmt::skip]
pub(crate) const NORMAL: [[TableCell; 26]; 16] = [
    // A
    [D, D, D, D, D, D, D, D, D, D, D, D, D, D, p(0, 1), D, D, p(1, 2), p(2, 3), p(3, 4), p(5, 6), p(7, 8), p(10, 11), p(14, 15), p(21, 22), p(30, 31)],
    // B
    [D, D, D, D, D, D, D, D, D, D, D, D, D, p(0, 1), U, D, p(1, 2), p(2, 3), p(3, 4), p(5, 6), p(7, 8), p(10, 11), p(14, 15), p(21, 22), p(30, 31), p(44, 45)],
    // C
    [D, D, D, D, D, D, D, D, D, D, D, D, p(0, 1), U, D, p(1, 2), p(2, 3), p(3, 4), p(5, 6), p(7, 8), p(10, 11), p(14, 15), p(21, 22), p(30, 31), p(44, 45), U],
    // D
    [D, D, D, D, D, D, D, D, D, D, D, p(0, 1), U, D, p(1, 2), p(2, 3), p(3, 4), p(5, 6), p(7, 8), p(10, 11), p(14, 15), p(21, 22), p(30, 31), p(44, 45), U, U],
    // E
    [D, D, D, D, D, D, D, D, D, D, p(0, 1), U, D, p(1, 2), p(2, 3), p(3, 4), p(5, 6), p(7, 8), p(10, 11), p(14, 15), p(21, 22), p(30, 31), p(44, 45), U, U, U],
    // F
    [D, D, D, D, D, D, D, D, D, p(0, 1), U, D, p(1, 2), p(2, 3), p(3, 4), p(5, 6), p(7, 8), p(10, 11), p(14, 15), p(21, 22), U, U, U, U, U, U],
    // G
    [D, D, D, D, D, D, D, D, p(0, 1), U, D, p(1, 2), p(2, 3), p(3, 4), p(5, 6), p(7, 8), p(10, 11), p(14, 15), p(21, 22), U, U, U, U, U, U, U],
    // H
    [D, D, D, D, D, D, D, p(0, 1), U, D, p(1, 2), p(2, 3), p(3, 4), p(5, 6), p(7, 8), p(10, 11), p(14, 15), p(21, 22), U, U, U, U, U, U, U, U],
    // J
    [D, D, D, D, D, D, p(0, 1), U, D, p(1, 2), p(2, 3), p(3, 4), p(5, 6), p(7, 8), p(10, 11), p(14, 15), p(21, 22), U, U, U, U, U, U, U, U, U],
    // K
    [D, D, D, D, D, p(0, 1), U, D, p(1, 2), p(2, 3), p(3, 4), p(5, 6), p(7, 8), p(10, 11), p(14, 15), p(21, 22), U, U, U, U, U, U, U, U, U, U],
    // L
    [D, D, D, D, p(0, 1), U, D, p(1, 2), p(2, 3), p(3, 4), p(5, 6), p(7, 8), p(10, 11), p(14, 15), p(21, 22), U, U, U, U, U, U, U, U, U, U, U],
    // M
    [D, D, D, p(0, 1), U, D, p(1, 2), p(2, 3), p(3, 4), p(5, 6), p(7, 8), p(10, 11), p(14, 15), p(21, 22), U, U, U, U, U, U, U, U, U, U, U, U],
    // N
    [D, D, p(0, 1), U, D, p(1, 2), p(2, 3), p(3, 4), p(5, 6), p(7, 8), p(10, 11), p(14, 15), p(21, 22), U, U, U, U, U, U, U, U, U, U, U, U, U],
    // P
    [D, p(0, 1), U, D, p(1, 2), p(2, 3), p(3, 4), p(5, 6), p(7, 8), p(10, 11), p(14, 15), p(21, 22), U, U, U, U, U, U, U, U, U, U, U, U, U, U],
    // Q
    [p(0, 1), U, D, p(1, 2), p(2, 3), p(3, 4), p(5, 6), p(7, 8), p(10, 11), p(14, 15), p(21, 22), U, U, U, U, U, U, U, U, U, U, U, U, U, U, U],
    // R
    [U, U, p(1, 2), p(2, 3), p(3, 4), p(5, 6), p(7, 8), p(10, 11), p(14, 15), p(21, 22), U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U],
];
