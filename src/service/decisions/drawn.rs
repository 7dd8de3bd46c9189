//! Whether a decision's samples are the ones the lot's inspection order drew: for each
//! characteristic judged on a sampling inspection, the unit numbers that inspection
//! recorded against the units the stored order drew at random for it. The order is
//! drawn once and never redrawn (service::inspection_orders), so a decision made any time
//! later can still show it.

use std::collections::{BTreeSet, HashMap};

use diesel::PgConnection;

use crate::db::inspection_orders as orders_db;
use crate::db::inspections::InspectionRows;
use crate::db::models::Inspection;
use crate::decision::types::{DrawnSampleCheck, LotDecisionView};
use crate::domain::{CharacteristicId, InspectionId, LotId, Mode};

/// Fills `sample_as_drawn` of each sampled characteristic of `view`, when the lot has an
/// order: one read of the order, nothing when there is none.
pub fn compare_with_order(
    conn: &mut PgConnection,
    lot: LotId,
    view: &mut LotDecisionView,
    current: &[(Inspection, InspectionRows)],
) -> diesel::QueryResult<()> {
    let Some(order) = orders_db::find(conn, lot)? else {
        return Ok(());
    };
    let drawn: HashMap<CharacteristicId, Vec<i32>> = orders_db::items(conn, lot)?
        .into_iter()
        .filter(|item| item.inspection == Mode::Sampling)
        .map(|item| (item.characteristic_id, item.units))
        .collect();
    let sampled: HashMap<InspectionId, &InspectionRows> = current
        .iter()
        .filter(|(i, _)| i.mode == Mode::Sampling)
        .map(|(i, rows)| (i.id, rows))
        .collect();
    for c in &mut view.characteristics {
        // Judged on a full inspection (chosen, or one covering the lot): no sample.
        let (Some(units), Some(rows)) = (
            drawn.get(&c.characteristic_id),
            c.inspection_id.and_then(|id| sampled.get(&id)),
        ) else {
            continue;
        };
        let recorded = recorded_units(rows, c.characteristic_id);
        c.sample_as_drawn = Some(check(&order.seed, units, &recorded));
    }
    Ok(())
}

/// The unit numbers an inspection recorded a result for, for one characteristic.
fn recorded_units(rows: &InspectionRows, characteristic: CharacteristicId) -> BTreeSet<i32> {
    let measured = rows
        .measurements
        .iter()
        .filter(|m| m.characteristic_id == characteristic)
        .map(|m| m.unit_index);
    let judged = rows
        .attributes
        .iter()
        .filter(|a| a.characteristic_id == characteristic)
        .map(|a| a.unit_index);
    measured.chain(judged).collect()
}

/// The comparison of the units recorded with the units drawn.
pub fn check(seed: &str, drawn: &[i32], recorded: &BTreeSet<i32>) -> DrawnSampleCheck {
    let drawn_set: BTreeSet<i32> = drawn.iter().copied().collect();
    let extra: Vec<i32> = recorded.difference(&drawn_set).copied().collect();
    let missing: Vec<i32> = drawn_set.difference(recorded).copied().collect();
    let (n_drawn, n_recorded) = (drawn_set.len(), recorded.len());
    let explanation = match (extra.is_empty(), missing.is_empty()) {
        (true, true) => format!(
            "The {n_recorded} units recorded are the {n_drawn} units the inspection order drew (seed {seed})."
        ),
        (true, false) => format!(
            "Every unit recorded was drawn by the inspection order (seed {seed}); {} of the {n_drawn} units drawn are not recorded: {}.",
            missing.len(),
            list(&missing)
        ),
        (false, _) => format!(
            "{} of the {n_recorded} units recorded were not drawn by the inspection order (seed {seed}): {}. Extra units are expected only when the plan grew after the order was drawn; otherwise the sample is not the one drawn at random.",
            extra.len(),
            list(&extra)
        ),
    };
    DrawnSampleCheck {
        seed: seed.to_owned(),
        units_drawn: n_drawn as u64,
        units_recorded: n_recorded as u64,
        as_drawn: extra.is_empty(),
        recorded_not_drawn: extra,
        drawn_not_recorded: missing,
        explanation,
    }
}

/// Up to ten unit numbers in words, then how many more.
fn list(units: &[i32]) -> String {
    let shown: Vec<String> = units.iter().take(10).map(|u| format!("unit {u}")).collect();
    match units.len().saturating_sub(10) {
        0 => shown.join(", "),
        more => format!("{} and {more} more", shown.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sample_recorded_from_the_order_is_as_drawn() {
        let check = check("7", &[3, 9, 12], &BTreeSet::from([3, 9, 12]));

        assert!(check.as_drawn);
        assert!(check.recorded_not_drawn.is_empty() && check.drawn_not_recorded.is_empty());
        assert_eq!((check.units_drawn, check.units_recorded), (3, 3));
    }

    #[test]
    fn a_unit_not_drawn_makes_the_sample_not_as_drawn_and_is_named() {
        let check = check("7", &[3, 9, 12], &BTreeSet::from([1, 3, 9]));

        assert!(!check.as_drawn);
        assert_eq!(check.recorded_not_drawn, [1]);
        assert_eq!(check.drawn_not_recorded, [12]);
        assert!(
            check.explanation.contains("unit 1"),
            "{}",
            check.explanation
        );
    }

    #[test]
    fn a_sample_still_being_recorded_is_as_drawn_with_the_rest_named() {
        let check = check("7", &[3, 9, 12], &BTreeSet::from([9]));

        assert!(check.as_drawn);
        assert_eq!(check.drawn_not_recorded, [3, 12]);
    }

    #[test]
    fn long_lists_of_units_are_cut_at_ten() {
        let units: Vec<i32> = (1..=14).collect();

        assert_eq!(
            list(&units),
            "unit 1, unit 2, unit 3, unit 4, unit 5, unit 6, unit 7, unit 8, unit 9, unit 10 and 4 more"
        );
    }
}
