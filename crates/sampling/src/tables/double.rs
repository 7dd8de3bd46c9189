//! ISO 2859-1:1999 Tables III-A (normal), III-B (tightened) and III-C (reduced), double
//! sampling plans (master tables). Sources of III-C: see [`DOUBLE_REDUCED`].
//!
//! Rows are code letters A..R (III-B adds row S); the first sample size n1 of a row is
//! [`first_sample_size`], the second sample n2 = n1, cumulative 2·n1. `D` = arrow down,
//! `U` = arrow up, `S` = "*" ("use the corresponding single sampling plan (or alternatively,
//! use the double sampling plan below, where available)"), `X` = no entry, `d(Ac1, Re1, Ac2,
//! Re2)` = plan (Ac2/Re2 apply to the cumulative count of both samples).
//!
//! Layout: each double table has the arrows of its single table (II-A, II-B); where the single
//! table prints (0, 1) the double table prints `*`, and row A (no double plan) prints `*` in every
//! plan cell. Each single plan of a table has one double counterpart along the same diagonal.
//!
//! Cross-checked cell by cell after resolving arrows (tests/double_tables.rs) against:
//! 1. the ISO 2859-1:1999 double tables embedded in github.com/EGTools/EGToolsPP
//!    src/functions/FxEgQC.cpp (kT2_N, kT2_T and tokens2, commit 697c03f5);
//! 2. ANSI/ASQ Z1.4 double tables of the R package AQLSchemes (J. Lawson), fork
//!    github.com/fjgonzalezmgt/AQLSchemesCust R/AAZ14Double.R (commit c42ea7df).
//!
//! The sources disagree on three diagonals, all where MIL-STD-105E (which AQLSchemes encodes)
//! and ISO 2859-1 (since its 1989 edition) print different double plans for the same single
//! plan. This table follows the ISO source (EGTools):
//! * single 3/4 (III-A and III-B): ISO 1/3;4/5, AQLSchemes 1/4;4/5;
//! * single 7/8 (III-A): ISO 3/6;9/10, AQLSchemes 3/7;8/9;
//! * single 8/9 (III-B): ISO 4/7;10/11, AQLSchemes 3/7;11/12.
//!
//! Each of these is backed by one source only; a second ISO 2859-1:1999 (or GB/T 2828.1)
//! transcription of Tables III-A/III-B was not found. Where EGTools is plainly wrong (token T7
//! = 9/14;23/44: Re2 must be Ac2 + 1) AQLSchemes' 9/14;23/24 is used. AQLSchemes gives no
//! double plan anywhere in row A of III-A, where the arrows lead to rows B..D, and prints
//! Re2 = 26 (for 27) in four cells under AQL 100. Row A under AQL 10 of III-B is `*` here, as
//! lotgate's II-B prints (0, 1) there (ISO 2859-1:1999 / GB/T 2828.1); both sources follow the
//! Z1.4 down arrow instead. tests/double_tables.rs names every cell of disagreement.

use super::DoubleCell;

const D: DoubleCell = DoubleCell::ArrowDown;
const U: DoubleCell = DoubleCell::ArrowUp;
const S: DoubleCell = DoubleCell::UseSingle;
const X: DoubleCell = DoubleCell::Blank;

const fn d(ac1: u32, re1: u32, ac2: u32, re2: u32) -> DoubleCell {
    DoubleCell::Plan {
        first_acceptance_number: ac1,
        first_rejection_number: re1,
        second_acceptance_number: ac2,
        second_rejection_number: re2,
    }
}

/// Table III-A, normal inspection.
#[rustfmt::skip]
pub(crate) const DOUBLE_NORMAL: [[DoubleCell; 26]; 16] = [
    // A
    [D, D, D, D, D, D, D, D, D, D, D, D, D, D, S, D, D, S, S, S, S, S, S, S, S, S],
    // B
    [D, D, D, D, D, D, D, D, D, D, D, D, D, S, U, D, d(0, 2, 1, 2), d(0, 3, 3, 4), d(1, 3, 4, 5), d(2, 5, 6, 7), d(3, 6, 9, 10), d(5, 9, 12, 13), d(7, 11, 18, 19), d(11, 16, 26, 27), d(17, 22, 37, 38), d(25, 31, 56, 57)],
    // C
    [D, D, D, D, D, D, D, D, D, D, D, D, S, U, D, d(0, 2, 1, 2), d(0, 3, 3, 4), d(1, 3, 4, 5), d(2, 5, 6, 7), d(3, 6, 9, 10), d(5, 9, 12, 13), d(7, 11, 18, 19), d(11, 16, 26, 27), d(17, 22, 37, 38), d(25, 31, 56, 57), U],
    // D
    [D, D, D, D, D, D, D, D, D, D, D, S, U, D, d(0, 2, 1, 2), d(0, 3, 3, 4), d(1, 3, 4, 5), d(2, 5, 6, 7), d(3, 6, 9, 10), d(5, 9, 12, 13), d(7, 11, 18, 19), d(11, 16, 26, 27), d(17, 22, 37, 38), d(25, 31, 56, 57), U, U],
    // E
    [D, D, D, D, D, D, D, D, D, D, S, U, D, d(0, 2, 1, 2), d(0, 3, 3, 4), d(1, 3, 4, 5), d(2, 5, 6, 7), d(3, 6, 9, 10), d(5, 9, 12, 13), d(7, 11, 18, 19), d(11, 16, 26, 27), d(17, 22, 37, 38), d(25, 31, 56, 57), U, U, U],
    // F
    [D, D, D, D, D, D, D, D, D, S, U, D, d(0, 2, 1, 2), d(0, 3, 3, 4), d(1, 3, 4, 5), d(2, 5, 6, 7), d(3, 6, 9, 10), d(5, 9, 12, 13), d(7, 11, 18, 19), d(11, 16, 26, 27), U, U, U, U, U, U],
    // G
    [D, D, D, D, D, D, D, D, S, U, D, d(0, 2, 1, 2), d(0, 3, 3, 4), d(1, 3, 4, 5), d(2, 5, 6, 7), d(3, 6, 9, 10), d(5, 9, 12, 13), d(7, 11, 18, 19), d(11, 16, 26, 27), U, U, U, U, U, U, U],
    // H
    [D, D, D, D, D, D, D, S, U, D, d(0, 2, 1, 2), d(0, 3, 3, 4), d(1, 3, 4, 5), d(2, 5, 6, 7), d(3, 6, 9, 10), d(5, 9, 12, 13), d(7, 11, 18, 19), d(11, 16, 26, 27), U, U, U, U, U, U, U, U],
    // J
    [D, D, D, D, D, D, S, U, D, d(0, 2, 1, 2), d(0, 3, 3, 4), d(1, 3, 4, 5), d(2, 5, 6, 7), d(3, 6, 9, 10), d(5, 9, 12, 13), d(7, 11, 18, 19), d(11, 16, 26, 27), U, U, U, U, U, U, U, U, U],
    // K
    [D, D, D, D, D, S, U, D, d(0, 2, 1, 2), d(0, 3, 3, 4), d(1, 3, 4, 5), d(2, 5, 6, 7), d(3, 6, 9, 10), d(5, 9, 12, 13), d(7, 11, 18, 19), d(11, 16, 26, 27), U, U, U, U, U, U, U, U, U, U],
    // L
    [D, D, D, D, S, U, D, d(0, 2, 1, 2), d(0, 3, 3, 4), d(1, 3, 4, 5), d(2, 5, 6, 7), d(3, 6, 9, 10), d(5, 9, 12, 13), d(7, 11, 18, 19), d(11, 16, 26, 27), U, U, U, U, U, U, U, U, U, U, U],
    // M
    [D, D, D, S, U, D, d(0, 2, 1, 2), d(0, 3, 3, 4), d(1, 3, 4, 5), d(2, 5, 6, 7), d(3, 6, 9, 10), d(5, 9, 12, 13), d(7, 11, 18, 19), d(11, 16, 26, 27), U, U, U, U, U, U, U, U, U, U, U, U],
    // N
    [D, D, S, U, D, d(0, 2, 1, 2), d(0, 3, 3, 4), d(1, 3, 4, 5), d(2, 5, 6, 7), d(3, 6, 9, 10), d(5, 9, 12, 13), d(7, 11, 18, 19), d(11, 16, 26, 27), U, U, U, U, U, U, U, U, U, U, U, U, U],
    // P
    [D, S, U, D, d(0, 2, 1, 2), d(0, 3, 3, 4), d(1, 3, 4, 5), d(2, 5, 6, 7), d(3, 6, 9, 10), d(5, 9, 12, 13), d(7, 11, 18, 19), d(11, 16, 26, 27), U, U, U, U, U, U, U, U, U, U, U, U, U, U],
    // Q
    [S, U, D, d(0, 2, 1, 2), d(0, 3, 3, 4), d(1, 3, 4, 5), d(2, 5, 6, 7), d(3, 6, 9, 10), d(5, 9, 12, 13), d(7, 11, 18, 19), d(11, 16, 26, 27), U, U, U, U, U, U, U, U, U, U, U, U, U, U, U],
    // R
    [U, U, d(0, 2, 1, 2), d(0, 3, 3, 4), d(1, 3, 4, 5), d(2, 5, 6, 7), d(3, 6, 9, 10), d(5, 9, 12, 13), d(7, 11, 18, 19), d(11, 16, 26, 27), U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U],
];

/// Table III-B, tightened inspection (with row S, n1 = 2000).
#[rustfmt::skip]
pub(crate) const DOUBLE_TIGHTENED: [[DoubleCell; 26]; 17] = [
    // A
    [D, D, D, D, D, D, D, D, D, D, D, D, D, D, D, S, D, D, S, S, S, S, S, S, S, S],
    // B
    [D, D, D, D, D, D, D, D, D, D, D, D, D, D, S, D, D, d(0, 2, 1, 2), d(0, 3, 3, 4), d(1, 3, 4, 5), d(2, 5, 6, 7), d(4, 7, 10, 11), d(6, 10, 15, 16), d(9, 14, 23, 24), d(15, 20, 34, 35), d(23, 29, 52, 53)],
    // C
    [D, D, D, D, D, D, D, D, D, D, D, D, D, S, D, D, d(0, 2, 1, 2), d(0, 3, 3, 4), d(1, 3, 4, 5), d(2, 5, 6, 7), d(4, 7, 10, 11), d(6, 10, 15, 16), d(9, 14, 23, 24), d(15, 20, 34, 35), d(23, 29, 52, 53), U],
    // D
    [D, D, D, D, D, D, D, D, D, D, D, D, S, D, D, d(0, 2, 1, 2), d(0, 3, 3, 4), d(1, 3, 4, 5), d(2, 5, 6, 7), d(4, 7, 10, 11), d(6, 10, 15, 16), d(9, 14, 23, 24), d(15, 20, 34, 35), d(23, 29, 52, 53), U, U],
    // E
    [D, D, D, D, D, D, D, D, D, D, D, S, D, D, d(0, 2, 1, 2), d(0, 3, 3, 4), d(1, 3, 4, 5), d(2, 5, 6, 7), d(4, 7, 10, 11), d(6, 10, 15, 16), d(9, 14, 23, 24), d(15, 20, 34, 35), d(23, 29, 52, 53), U, U, U],
    // F
    [D, D, D, D, D, D, D, D, D, D, S, D, D, d(0, 2, 1, 2), d(0, 3, 3, 4), d(1, 3, 4, 5), d(2, 5, 6, 7), d(4, 7, 10, 11), d(6, 10, 15, 16), d(9, 14, 23, 24), U, U, U, U, U, U],
    // G
    [D, D, D, D, D, D, D, D, D, S, D, D, d(0, 2, 1, 2), d(0, 3, 3, 4), d(1, 3, 4, 5), d(2, 5, 6, 7), d(4, 7, 10, 11), d(6, 10, 15, 16), d(9, 14, 23, 24), U, U, U, U, U, U, U],
    // H
    [D, D, D, D, D, D, D, D, S, D, D, d(0, 2, 1, 2), d(0, 3, 3, 4), d(1, 3, 4, 5), d(2, 5, 6, 7), d(4, 7, 10, 11), d(6, 10, 15, 16), d(9, 14, 23, 24), U, U, U, U, U, U, U, U],
    // J
    [D, D, D, D, D, D, D, S, D, D, d(0, 2, 1, 2), d(0, 3, 3, 4), d(1, 3, 4, 5), d(2, 5, 6, 7), d(4, 7, 10, 11), d(6, 10, 15, 16), d(9, 14, 23, 24), U, U, U, U, U, U, U, U, U],
    // K
    [D, D, D, D, D, D, S, D, D, d(0, 2, 1, 2), d(0, 3, 3, 4), d(1, 3, 4, 5), d(2, 5, 6, 7), d(4, 7, 10, 11), d(6, 10, 15, 16), d(9, 14, 23, 24), U, U, U, U, U, U, U, U, U, U],
    // L
    [D, D, D, D, D, S, D, D, d(0, 2, 1, 2), d(0, 3, 3, 4), d(1, 3, 4, 5), d(2, 5, 6, 7), d(4, 7, 10, 11), d(6, 10, 15, 16), d(9, 14, 23, 24), U, U, U, U, U, U, U, U, U, U, U],
    // M
    [D, D, D, D, S, D, D, d(0, 2, 1, 2), d(0, 3, 3, 4), d(1, 3, 4, 5), d(2, 5, 6, 7), d(4, 7, 10, 11), d(6, 10, 15, 16), d(9, 14, 23, 24), U, U, U, U, U, U, U, U, U, U, U, U],
    // N
    [D, D, D, S, D, D, d(0, 2, 1, 2), d(0, 3, 3, 4), d(1, 3, 4, 5), d(2, 5, 6, 7), d(4, 7, 10, 11), d(6, 10, 15, 16), d(9, 14, 23, 24), U, U, U, U, U, U, U, U, U, U, U, U, U],
    // P
    [D, D, S, D, D, d(0, 2, 1, 2), d(0, 3, 3, 4), d(1, 3, 4, 5), d(2, 5, 6, 7), d(4, 7, 10, 11), d(6, 10, 15, 16), d(9, 14, 23, 24), U, U, U, U, U, U, U, U, U, U, U, U, U, U],
    // Q
    [D, S, D, D, d(0, 2, 1, 2), d(0, 3, 3, 4), d(1, 3, 4, 5), d(2, 5, 6, 7), d(4, 7, 10, 11), d(6, 10, 15, 16), d(9, 14, 23, 24), U, U, U, U, U, U, U, U, U, U, U, U, U, U, U],
    // R
    [S, U, D, d(0, 2, 1, 2), d(0, 3, 3, 4), d(1, 3, 4, 5), d(2, 5, 6, 7), d(4, 7, 10, 11), d(6, 10, 15, 16), d(9, 14, 23, 24), U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U],
    // S
    [X, X, d(0, 2, 1, 2), X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X],

];

/// Table III-C, reduced inspection. First sample sizes: rows A, B, C have no double plan;
/// D = 2, E = 3, F = 5 ... R = 500 (the reduced single sample size of the letter before).
///
/// Source: the ISO 2859-1:1999 Table III-C embedded in github.com/EGTools/EGToolsPP
/// src/functions/FxEgQC.cpp (kT2_R and tokens R1..R9, commit 697c03f5). It is the ONLY public
/// transcription of the ISO 1999 table found: MIL-STD-105E / ANSI/ASQ Z1.4 (e.g. the R package
/// AQLSchemes) print other reduced double plans, with a gap between Ac2 and Re2, which ISO
/// 2859-1:1999 removed; no GB/T 2828.1, JIS Z 9015-1 or IS 2500-1 transcription of III-C was
/// found in readable form. What is checked independently (tests/double_tables.rs):
/// * the layout: every plan sits where Table II-C (from the GB/T 2828.1-2012 transcription)
///   prints a single plan, every "*" where II-C prints 0/1, every arrow where II-C has one;
/// * the plans for the single plans II-C shares with II-A/II-B (1/2, 2/3, 3/4, 8/9, 10/11,
///   14/15, 21/22) equal the double plans III-A/III-B give them;
/// * the first sample sizes, against the Z1.4 reduced double table of AQLSchemes, wherever
///   neither edition's gap plans intervene.
///
/// Resting on EGTools alone: 3/6;7/8 (for single 6/7) and 2/4;5/6, which only this table has.
/// 2/4;5/6 sits on the diagonal of II-C where the two ISO sources of II-C disagree (GB/T
/// 2828.1-2012 5/6, which lotgate's II-C keeps; EGTools 4/5): it is the double plan of a 4/5
/// single plan (the double plan of 5/6 is 2/5;6/7 in III-A), so on those 13 cells (D under 40
/// down to R under 0.15) lotgate's single and double reduced plans do not correspond. This
/// table keeps the only III-C source as printed; the II-C diagonal is the open question.
#[rustfmt::skip]
pub(crate) const DOUBLE_REDUCED: [[DoubleCell; 26]; 16] = [
    // A
    [D, D, D, D, D, D, D, D, D, D, D, D, D, D, S, D, D, S, S, S, S, S, S, S, S, S],
    // B
    [D, D, D, D, D, D, D, D, D, D, D, D, D, S, U, D, D, S, S, S, S, S, S, S, S, S],
    // C
    [D, D, D, D, D, D, D, D, D, D, D, D, S, U, D, D, S, S, S, S, S, S, S, S, S, U],
    // D
    [D, D, D, D, D, D, D, D, D, D, D, S, U, D, D, d(0, 2, 1, 2), d(0, 3, 3, 4), d(1, 3, 4, 5), d(2, 4, 5, 6), d(3, 6, 7, 8), d(4, 7, 10, 11), d(5, 9, 12, 13), d(7, 11, 18, 19), d(11, 16, 26, 27), U, U],
    // E
    [D, D, D, D, D, D, D, D, D, D, S, U, D, D, d(0, 2, 1, 2), d(0, 3, 3, 4), d(1, 3, 4, 5), d(2, 4, 5, 6), d(3, 6, 7, 8), d(4, 7, 10, 11), d(5, 9, 12, 13), d(7, 11, 18, 19), d(11, 16, 26, 27), U, U, U],
    // F
    [D, D, D, D, D, D, D, D, D, S, U, D, D, d(0, 2, 1, 2), d(0, 3, 3, 4), d(1, 3, 4, 5), d(2, 4, 5, 6), d(3, 6, 7, 8), d(4, 7, 10, 11), d(5, 9, 12, 13), U, U, U, U, U, U],
    // G
    [D, D, D, D, D, D, D, D, S, U, D, D, d(0, 2, 1, 2), d(0, 3, 3, 4), d(1, 3, 4, 5), d(2, 4, 5, 6), d(3, 6, 7, 8), d(4, 7, 10, 11), d(5, 9, 12, 13), U, U, U, U, U, U, U],
    // H
    [D, D, D, D, D, D, D, S, U, D, D, d(0, 2, 1, 2), d(0, 3, 3, 4), d(1, 3, 4, 5), d(2, 4, 5, 6), d(3, 6, 7, 8), d(4, 7, 10, 11), d(5, 9, 12, 13), U, U, U, U, U, U, U, U],
    // J
    [D, D, D, D, D, D, S, U, D, D, d(0, 2, 1, 2), d(0, 3, 3, 4), d(1, 3, 4, 5), d(2, 4, 5, 6), d(3, 6, 7, 8), d(4, 7, 10, 11), d(5, 9, 12, 13), U, U, U, U, U, U, U, U, U],
    // K
    [D, D, D, D, D, S, U, D, D, d(0, 2, 1, 2), d(0, 3, 3, 4), d(1, 3, 4, 5), d(2, 4, 5, 6), d(3, 6, 7, 8), d(4, 7, 10, 11), d(5, 9, 12, 13), U, U, U, U, U, U, U, U, U, U],
    // L
    [D, D, D, D, S, U, D, D, d(0, 2, 1, 2), d(0, 3, 3, 4), d(1, 3, 4, 5), d(2, 4, 5, 6), d(3, 6, 7, 8), d(4, 7, 10, 11), d(5, 9, 12, 13), U, U, U, U, U, U, U, U, U, U, U],
    // M
    [D, D, D, S, U, D, D, d(0, 2, 1, 2), d(0, 3, 3, 4), d(1, 3, 4, 5), d(2, 4, 5, 6), d(3, 6, 7, 8), d(4, 7, 10, 11), d(5, 9, 12, 13), U, U, U, U, U, U, U, U, U, U, U, U],
    // N
    [D, D, S, U, D, D, d(0, 2, 1, 2), d(0, 3, 3, 4), d(1, 3, 4, 5), d(2, 4, 5, 6), d(3, 6, 7, 8), d(4, 7, 10, 11), d(5, 9, 12, 13), U, U, U, U, U, U, U, U, U, U, U, U, U],
    // P
    [D, S, U, D, D, d(0, 2, 1, 2), d(0, 3, 3, 4), d(1, 3, 4, 5), d(2, 4, 5, 6), d(3, 6, 7, 8), d(4, 7, 10, 11), d(5, 9, 12, 13), U, U, U, U, U, U, U, U, U, U, U, U, U, U],
    // Q
    [S, U, U, D, d(0, 2, 1, 2), d(0, 3, 3, 4), d(1, 3, 4, 5), d(2, 4, 5, 6), d(3, 6, 7, 8), d(4, 7, 10, 11), d(5, 9, 12, 13), U, U, U, U, U, U, U, U, U, U, U, U, U, U, U],
    // R
    [U, U, U, d(0, 2, 1, 2), d(0, 3, 3, 4), d(1, 3, 4, 5), d(2, 4, 5, 6), d(3, 6, 7, 8), d(4, 7, 10, 11), d(5, 9, 12, 13), U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U],
];
