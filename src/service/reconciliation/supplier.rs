//! Factory against in-house over a supplier's lots: per characteristic, the bias of the
//! factory's readings lot by lot and over all lots, its escapes, and whether it reports
//! significantly fewer nonconforming units than the in-house inspection finds.
//!
//! Each lot is paired exactly as its own reconciliation pairs it (one reading per unit
//! and source, by serial or by unit number); the two sources are never pooled. A read
//! (`supplier_inputs`, one read-only snapshot) and a pure computation
//! (`supplier_reconciliation`), run after the connection went back to the pool.

use chrono::NaiveDate;
use diesel::PgConnection;
use lotgate_stats::{Findings, PairedJudgements, PairedTTest};

use super::{CONFIDENCE, Figure, Pairing, nonconforming, pair, paired_readings, records, short};
use crate::auth::Principal;
use crate::db::characteristics as chars_db;
use crate::db::decisions as decisions_db;
use crate::db::inspections::InspectionRows;
use crate::db::models::{Characteristic, Inspection, Lot, Supplier};
use crate::db::reconciliation as reconciliation_db;
use crate::db::resubmissions as resubmissions_db;
use crate::db::{parts as parts_db, suppliers as suppliers_db};
use crate::domain::{InspectionId, Kind, PartId, Source, SupplierId};
use crate::service::{Found, ServiceError, scope};

/// Significance level of the flag on a factory that reports fewer nonconforming units.
pub const FLAG_LEVEL: f64 = 0.05;

/// The name of the test behind `factory_reports_fewer`.
pub const FEWER_TEST: &str =
    "Fisher's exact test, one-sided: the factory reports fewer nonconforming units than in-house";

/// Which lots of the supplier are compared.
#[derive(Debug, Clone, Copy, Default)]
pub struct SupplierQuery {
    pub part_id: Option<PartId>,
    /// First production day (inclusive).
    pub from: Option<NaiveDate>,
    /// Last production day (inclusive); not before `from`.
    pub to: Option<NaiveDate>,
}

/// One lot inspected by both sources, with its current inspections (resubmissions aside).
pub struct ComparedLot {
    pub lot: Lot,
    pub current: Vec<(Inspection, InspectionRows)>,
}

/// What a supplier's reconciliation is computed from.
pub struct SupplierInputs {
    pub supplier: Supplier,
    pub query: SupplierQuery,
    /// The characteristics of each part compared, parts in the order of their first lot.
    pub parts: Vec<(PartId, Vec<Characteristic>)>,
    /// The lots compared, in production order.
    pub lots: Vec<ComparedLot>,
}

/// Reads the supplier's lots (not cancelled, of `query`) that both sources inspected, if
/// `by` may see the supplier, in one read-only snapshot. `to` before `from` is refused
/// naming `to`; an unknown `part_id` is an unknown reference naming it.
pub fn supplier_inputs(
    conn: &mut PgConnection,
    by: &Principal,
    supplier: SupplierId,
    query: SupplierQuery,
) -> Result<SupplierInputs, ServiceError> {
    if let (Some(from), Some(to)) = (query.from, query.to)
        && from > to
    {
        return Err(ServiceError::invalid_field("to", "must not be before from"));
    }
    scope::supplier(by, supplier)?;
    conn.build_transaction()
        .read_only()
        .repeatable_read()
        .run(|conn| {
            let found = suppliers_db::get(conn, supplier).or_not_found("supplier", supplier)?;
            if let Some(part) = query.part_id {
                parts_db::get(conn, part).or_unknown("part_id", "part", part)?;
            }
            let all = reconciliation_db::lots_inspected_by_both(
                conn,
                supplier,
                query.part_id,
                query.from,
                query.to,
            )?;
            let mut lots = Vec::new();
            let mut parts: Vec<(PartId, Vec<Characteristic>)> = Vec::new();
            for lot in all {
                let resubmitted: Vec<InspectionId> = resubmissions_db::linked_of_lot(conn, lot.id)?
                    .into_iter()
                    .map(|(i, _)| i)
                    .collect();
                let current: Vec<_> = decisions_db::current_inspections(conn, lot.id)?
                    .into_iter()
                    .filter(|(i, _)| !resubmitted.contains(&i.id))
                    .collect();
                let has = |s: Source| current.iter().any(|(i, _)| i.source == s);
                if !(has(Source::Factory) && has(Source::InHouse)) {
                    continue;
                }
                if !parts.iter().any(|(p, _)| *p == lot.part_id) {
                    parts.push((lot.part_id, chars_db::of_part(conn, lot.part_id)?));
                }
                lots.push(ComparedLot { lot, current });
            }
            Ok(SupplierInputs {
                supplier: found,
                query,
                parts,
                lots,
            })
        })
}

/// One lot's comparison of one characteristic.
#[derive(Debug, Clone)]
pub struct LotComparison {
    pub lot: Lot,
    pub pairing: Pairing,
    pub paired_units: u64,
    /// Variable: mean paired difference (in-house minus factory), from one pair on.
    pub mean_difference: Option<f64>,
    /// Variable: the paired differences themselves.
    pub differences: Vec<f64>,
    pub judgements: PairedJudgements,
    pub factory: Findings,
    pub in_house: Findings,
}

/// The paired differences of every lot together.
#[derive(Debug, Clone)]
pub struct Bias {
    pub pairs: usize,
    /// Mean difference, from one pair on.
    pub mean_difference: Option<f64>,
    /// The paired t test (sd, interval, t, p), from two varying pairs on.
    pub test: Figure<PairedTTest>,
}

/// Escapes over the paired units the factory passed.
#[derive(Debug, Clone, Copy)]
pub struct EscapeRate {
    pub escapes: u64,
    pub factory_passed: u64,
    /// `escapes / factory_passed`, or why it does not exist.
    pub rate: Result<f64, &'static str>,
}

/// The one-sided test of whether the factory reports fewer nonconforming units.
#[derive(Debug, Clone, Copy)]
pub struct FewerTest {
    pub p_value: Figure<f64>,
    pub flag: bool,
}

/// One characteristic over the supplier's compared lots.
#[derive(Debug, Clone)]
pub struct CharacteristicOverLots {
    pub characteristic: Characteristic,
    /// The lots where both sources recorded it, in production order.
    pub lots: Vec<LotComparison>,
    /// Variable characteristics only.
    pub bias: Option<Bias>,
    pub escape_rate: EscapeRate,
    pub factory: Findings,
    pub in_house: Findings,
    pub factory_reports_fewer: FewerTest,
    pub sentence: String,
}

/// A supplier's reconciliation.
pub struct SupplierReconciliation {
    pub supplier: Supplier,
    pub query: SupplierQuery,
    pub lots_compared: usize,
    pub characteristics: Vec<CharacteristicOverLots>,
    pub flagged_characteristics: usize,
    pub summary: String,
}

/// Computes a supplier's reconciliation from what [`supplier_inputs`] read.
pub fn supplier_reconciliation(
    inputs: SupplierInputs,
) -> Result<SupplierReconciliation, ServiceError> {
    let mut characteristics = Vec::new();
    for (part, chars) in &inputs.parts {
        for c in chars {
            let mut lots = Vec::new();
            for compared in inputs.lots.iter().filter(|l| l.lot.part_id == *part) {
                if let Some(l) = lot_comparison(c, compared)? {
                    lots.push(l);
                }
            }
            if !lots.is_empty() {
                characteristics.push(over_lots(c.clone(), lots));
            }
        }
    }
    let flagged = characteristics
        .iter()
        .filter(|c| c.factory_reports_fewer.flag)
        .count();
    let summary = summary(&inputs.supplier, inputs.lots.len(), &characteristics);
    Ok(SupplierReconciliation {
        supplier: inputs.supplier,
        query: inputs.query,
        lots_compared: inputs.lots.len(),
        characteristics,
        flagged_characteristics: flagged,
        summary,
    })
}

fn findings((nonconforming, inspected): (u64, u64)) -> Findings {
    Findings {
        nonconforming,
        inspected,
    }
}

/// `c` in one lot, when both sources recorded it there.
fn lot_comparison(
    c: &Characteristic,
    compared: &ComparedLot,
) -> Result<Option<LotComparison>, ServiceError> {
    let of = |s: Source| -> Vec<&(Inspection, InspectionRows)> {
        compared
            .current
            .iter()
            .filter(|(i, rows)| i.source == s && records(c, rows))
            .collect()
    };
    let (factory, in_house) = (of(Source::Factory), of(Source::InHouse));
    if factory.is_empty() || in_house.is_empty() {
        return Ok(None);
    }
    let (pairing, f, h) = paired_readings(c, &factory, &in_house)?;
    let (judgements, differences) = pair(&f, &h);
    Ok(Some(LotComparison {
        lot: compared.lot.clone(),
        pairing,
        paired_units: judgements.pairs(),
        mean_difference: mean(&differences),
        differences,
        judgements,
        factory: findings(nonconforming(&f)),
        in_house: findings(nonconforming(&h)),
    }))
}

fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

/// `c` over its lots: the pooled paired differences, escapes and each source's findings.
fn over_lots(c: Characteristic, lots: Vec<LotComparison>) -> CharacteristicOverLots {
    let mut judgements = PairedJudgements::default();
    let (mut factory, mut in_house) = (findings((0, 0)), findings((0, 0)));
    let mut differences = Vec::new();
    for l in &lots {
        judgements.both_passed += l.judgements.both_passed;
        judgements.both_failed += l.judgements.both_failed;
        judgements.factory_passed_in_house_failed += l.judgements.factory_passed_in_house_failed;
        judgements.factory_failed_in_house_passed += l.judgements.factory_failed_in_house_passed;
        factory.nonconforming += l.factory.nonconforming;
        factory.inspected += l.factory.inspected;
        in_house.nonconforming += l.in_house.nonconforming;
        in_house.inspected += l.in_house.inspected;
        differences.extend_from_slice(&l.differences);
    }
    let bias = (c.kind == Kind::Variable).then(|| Bias {
        pairs: differences.len(),
        mean_difference: mean(&differences),
        test: lotgate_stats::paired_t_test(&differences, CONFIDENCE),
    });
    let escapes = judgements.factory_passed_in_house_failed;
    let factory_passed = judgements.both_passed + escapes;
    let escape_rate = EscapeRate {
        escapes,
        factory_passed,
        rate: if judgements.pairs() == 0 {
            Err("no unit was inspected by both sources")
        } else if factory_passed == 0 {
            Err("the factory passed none of the units both sources inspected")
        } else {
            Ok(escapes as f64 / factory_passed as f64)
        },
    };
    let p_value = lotgate_stats::fisher_factory_reports_fewer(factory, in_house);
    let fewer = FewerTest {
        flag: p_value.is_ok_and(|p| p < FLAG_LEVEL),
        p_value,
    };
    let mut r = CharacteristicOverLots {
        characteristic: c,
        lots,
        bias,
        escape_rate,
        factory,
        in_house,
        factory_reports_fewer: fewer,
        sentence: String::new(),
    };
    r.sentence = sentence(&r, &judgements);
    r
}

fn percent(f: Findings) -> String {
    if f.inspected == 0 {
        return "nothing".into();
    }
    format!(
        "{} % nonconforming ({} of {})",
        short(100.0 * f.nonconforming as f64 / f.inspected as f64),
        f.nonconforming,
        f.inspected
    )
}

fn unit_suffix(c: &Characteristic) -> String {
    c.unit
        .as_deref()
        .map(|u| format!(" {u}"))
        .unwrap_or_default()
}

/// One plain sentence: the bias or the agreement, the escapes, and the fractions.
fn sentence(r: &CharacteristicOverLots, j: &PairedJudgements) -> String {
    let c = &r.characteristic;
    let lots = match r.lots.len() {
        1 => "In 1 lot".to_string(),
        n => format!("Over {n} lots"),
    };
    let pairs = j.pairs();
    let reading = match (&r.bias, pairs) {
        (_, 0) => format!("no unit of {} was inspected by both sources", c.name),
        (
            Some(Bias {
                mean_difference: Some(d),
                ..
            }),
            n,
        ) => {
            let unit = unit_suffix(c);
            let how = if *d > 0.0 {
                format!("{}{unit} lower than ours", short(*d))
            } else if *d < 0.0 {
                format!("{}{unit} higher than ours", short(-d))
            } else {
                "equal to ours on average".into()
            };
            format!(
                "the factory's readings of {} are {how} over {n} paired units",
                c.name
            )
        }
        (_, n) => format!(
            "the factory judged {} of the {n} paired units of {} as we did",
            j.both_passed + j.both_failed,
            c.name
        ),
    };
    let escapes = match r.escape_rate.rate {
        Ok(_) => format!(
            "; {} of the {} paired units it passed failed here",
            r.escape_rate.escapes, r.escape_rate.factory_passed
        ),
        Err(_) => String::new(),
    };
    let test = match r.factory_reports_fewer.p_value {
        Ok(p) if r.factory_reports_fewer.flag => {
            format!(
                ", significantly fewer (Fisher's exact test, one-sided p = {})",
                short(p)
            )
        }
        Ok(p) => format!(
            ", not significantly fewer (Fisher's exact test, one-sided p = {})",
            short(p)
        ),
        Err(_) => String::new(),
    };
    format!(
        "{lots}, {reading}{escapes}; it reported {} against our {}{test}.",
        percent(r.factory),
        percent(r.in_house)
    )
}

/// The sentence a reviewer reads at a glance.
fn summary(supplier: &Supplier, lots: usize, characteristics: &[CharacteristicOverLots]) -> String {
    if lots == 0 {
        return format!(
            "No lot of {} was inspected both by its factory QC and in-house, so its reports cannot be compared yet.",
            supplier.code
        );
    }
    let flagged = characteristics
        .iter()
        .filter(|c| c.factory_reports_fewer.flag)
        .count();
    let lots = if lots == 1 {
        "1 lot".to_string()
    } else {
        format!("{lots} lots")
    };
    let code = &supplier.code;
    let mut text = match (flagged, characteristics.len()) {
        (0, 1) => format!(
            "Factory QC of {code} does not report significantly fewer nonconforming units than in-house on its one characteristic compared ({lots} compared)"
        ),
        (0, n) => format!(
            "Factory QC of {code} does not report significantly fewer nonconforming units than in-house on any of {n} characteristics ({lots} compared)"
        ),
        (k, 1) => format!(
            "Factory QC of {code} reports fewer nonconforming units than in-house on {k} of 1 characteristic ({lots} compared)"
        ),
        (k, n) => format!(
            "Factory QC of {code} reports fewer nonconforming units than in-house on {k} of {n} characteristics ({lots} compared)"
        ),
    };
    // Only a bias the paired t test finds significant is named: "its readings of Width
    // run 0.025 mm low, of Depth 0.1 mm low and of Length 0.2 mm high".
    let biased: Vec<(&str, String)> = characteristics
        .iter()
        .filter_map(|c| {
            let t = c.bias.as_ref()?.test.as_ref().ok()?;
            if t.p_value >= FLAG_LEVEL {
                return None;
            }
            let unit = unit_suffix(&c.characteristic);
            let d = t.mean_difference;
            let way = if d > 0.0 { "low" } else { "high" };
            Some((
                c.characteristic.name.as_str(),
                format!("{}{unit} {way}", short(d.abs())),
            ))
        })
        .collect();
    for (i, (name, amount)) in biased.iter().enumerate() {
        text.push_str(&match i {
            0 => format!("; its readings of {name} run {amount}"),
            i if i + 1 == biased.len() => format!(" and of {name} {amount}"),
            _ => format!(", of {name} {amount}"),
        });
    }
    text.push('.');
    text
}
