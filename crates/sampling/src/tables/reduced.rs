//! ISO 2859-1:1999 Table II-C, single sampling plans for reduced inspection (master table).
//!
//! ISO 2859-1:1999 removed the gap between Ac and Re that MIL-STD-105E / ANSI Z1.4 reduced
//! plans have (0/2, 1/3, 1/4 ...): here Re = Ac + 1 in every cell (foreword of ISO 2859-1:1999,
//! quoted at www.pinzhi.org/thread-103021-1-1.html: "reduced plans have been changed to
//! eliminate the gap between the acceptance and rejection numbers"). Reduced sample sizes
//! are A, B, C = 2, D = 3, E = 5 ... R = 800.
//!
//! Sources: GB/T 2828.1-2012 (identical to ISO 2859-1:1999) as transcribed in
//! github.com/nihantao-crosis/quality-platform src/core/aql.ts (MASTER_2C_RAW), checked cell
//! by cell. Independent partial checks: the arrow-resolved sample sizes agree with the Z1.4
//! reduced table of AQLSchemes (fjgonzalezmgt/AQLSchemesCust R/AAZ14Single.R) everywhere
//! except on the two diagonals where Z1.4 prints its 0/2 gap plans (replaced by arrows in
//! ISO) and at Q/R under AQL 0.025 (ISO: long up arrow to N) (tests/tables.rs). No second
//! public source of the ISO 1999 reduced acceptance numbers (e.g. the 6/7 and 8/9 plans) was
//! found; they rest on the GB/T 2828.1-2012 transcription alone.

use super::{TableCell, p};

const D: TableCell = TableCell::ArrowDown;
const U: TableCell = TableCell::ArrowUp;

#[rustfmt::skip]
pub(crate) const REDUCED: [[TableCell; 26]; 16] = [
    // A
    [D, D, D, D, D, D, D, D, D, D, D, D, D, D, p(0, 1), D, D, p(1, 2), p(2, 3), p(3, 4), p(5, 6), p(7, 8), p(10, 11), p(14, 15), p(21, 22), p(30, 31)],
    // B
    [D, D, D, D, D, D, D, D, D, D, D, D, D, p(0, 1), U, D, D, p(1, 2), p(2, 3), p(3, 4), p(5, 6), p(7, 8), p(10, 11), p(14, 15), p(21, 22), p(30, 31)],
    // C
    [D, D, D, D, D, D, D, D, D, D, D, D, p(0, 1), U, D, D, p(1, 2), p(2, 3), p(3, 4), p(5, 6), p(6, 7), p(8, 9), p(10, 11), p(14, 15), p(21, 22), U],
    // D
    [D, D, D, D, D, D, D, D, D, D, D, p(0, 1), U, D, D, p(1, 2), p(2, 3), p(3, 4), p(5, 6), p(6, 7), p(8, 9), p(10, 11), p(14, 15), p(21, 22), U, U],
    // E
    [D, D, D, D, D, D, D, D, D, D, p(0, 1), U, D, D, p(1, 2), p(2, 3), p(3, 4), p(5, 6), p(6, 7), p(8, 9), p(10, 11), p(14, 15), p(21, 22), U, U, U],
    // F
    [D, D, D, D, D, D, D, D, D, p(0, 1), U, D, D, p(1, 2), p(2, 3), p(3, 4), p(5, 6), p(6, 7), p(8, 9), p(10, 11), U, U, U, U, U, U],
    // G
    [D, D, D, D, D, D, D, D, p(0, 1), U, D, D, p(1, 2), p(2, 3), p(3, 4), p(5, 6), p(6, 7), p(8, 9), p(10, 11), U, U, U, U, U, U, U],
    // H
    [D, D, D, D, D, D, D, p(0, 1), U, D, D, p(1, 2), p(2, 3), p(3, 4), p(5, 6), p(6, 7), p(8, 9), p(10, 11), U, U, U, U, U, U, U, U],
    // J
    [D, D, D, D, D, D, p(0, 1), U, D, D, p(1, 2), p(2, 3), p(3, 4), p(5, 6), p(6, 7), p(8, 9), p(10, 11), U, U, U, U, U, U, U, U, U],
    // K
    [D, D, D, D, D, p(0, 1), U, D, D, p(1, 2), p(2, 3), p(3, 4), p(5, 6), p(6, 7), p(8, 9), p(10, 11), U, U, U, U, U, U, U, U, U, U],
    // L
    [D, D, D, D, p(0, 1), U, D, D, p(1, 2), p(2, 3), p(3, 4), p(5, 6), p(6, 7), p(8, 9), p(10, 11), U, U, U, U, U, U, U, U, U, U, U],
    // M
    [D, D, D, p(0, 1), U, D, D, p(1, 2), p(2, 3), p(3, 4), p(5, 6), p(6, 7), p(8, 9), p(10, 11), U, U, U, U, U, U, U, U, U, U, U, U],
    // N
    [D, D, p(0, 1), U, D, D, p(1, 2), p(2, 3), p(3, 4), p(5, 6), p(6, 7), p(8, 9), p(10, 11), U, U, U, U, U, U, U, U, U, U, U, U, U],
    // P
    [D, p(0, 1), U, D, D, p(1, 2), p(2, 3), p(3, 4), p(5, 6), p(6, 7), p(8, 9), p(10, 11), U, U, U, U, U, U, U, U, U, U, U, U, U, U],
    // Q
    [p(0, 1), U, U, D, p(1, 2), p(2, 3), p(3, 4), p(5, 6), p(6, 7), p(8, 9), p(10, 11), U, U, U, U, U, U, U, U, U, U, U, U, U, U, U],
    // R
    [U, U, U, p(1, 2), p(2, 3), p(3, 4), p(5, 6), p(6, 7), p(8, 9), p(10, 11), U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U],
];
