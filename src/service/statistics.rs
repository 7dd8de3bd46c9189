//! Deviation statistics and capability of stored measurements: of a lot, pooled over its
//! current inspections, and of a characteristic across the part's lots.
//!
//! Each comes in two steps so that the computation runs after the connection went back
//! to the pool: a read that takes the connection (`lot_series`, `characteristic_series`)
//! and a pure function of what it read (`lot_report`, `capability_over_time`).

use std::collections::HashMap;

use diesel::PgConnection;
use lotgate_stats::{CapabilityReport, PerValue, Spec, StatsError};

use super::{Found, ServiceError, scope};
use crate::auth::Principal;
use crate::db::golden_samples::{self as golden_db, RevisionRef};
use crate::db::lots::{self as lots_db, LotFilter};
use crate::db::models::{Characteristic, Inspection, Lot};
use crate::db::statistics::{self as stats_db, InspectionSeries, LotValue};
use crate::db::{characteristics as chars_db, parts as parts_db};
use crate::domain::{
    CharacteristicId, GoldenSampleRevisionId, InspectionId, Kind, LotId, PartId, Source,
};

/// Which lots the capability of a characteristic covers: production dates, supplier.
pub use crate::db::statistics::LotRange;

/// Control-chart data, no per-value deviations: what a pooled series shows.
const CHART: PerValue = PerValue {
    deviations: false,
    chart: true,
};
/// The figures only: what each inspection on its own shows.
const SUMMARY: PerValue = PerValue {
    deviations: false,
    chart: false,
};

/// The specification of a characteristic, with the golden-sample reference to compare
/// the mean with.
pub fn spec_of(c: &Characteristic, golden_sample: Option<f64>) -> Spec {
    Spec {
        nominal: c.nominal,
        lsl: c.lsl,
        usl: c.usl,
        golden_sample,
    }
}

/// The statistics of `values`, building only the per-value parts `per_value` asks for.
/// An error names the offending value (`values[3]`) or specification field.
pub fn capability(
    values: &[f64],
    spec: &Spec,
    subgroup: usize,
    per_value: PerValue,
) -> Result<CapabilityReport, ServiceError> {
    lotgate_stats::capability_with(values, spec, subgroup, per_value).map_err(|err| match err {
        StatsError::NonFiniteMeasurement { index, .. } => {
            ServiceError::invalid_field(format!("values[{index}]"), err)
        }
        StatsError::SubgroupSizeOutOfRange { .. } => {
            ServiceError::invalid_field("subgroup_size", err)
        }
        StatsError::NonFiniteSpecValue { name, .. } => ServiceError::invalid_field(name, err),
        StatsError::LimitsNotOrdered { .. } => ServiceError::invalid_field("lsl", err),
    })
}

/// What the statistics of a lot are computed from.
pub struct LotSeries {
    pub lot: Lot,
    /// The part's characteristics, in the order they were defined.
    pub characteristics: Vec<Characteristic>,
    /// The current inspections in the order carried out, with their values.
    pub inspections: Vec<InspectionSeries>,
    /// The lot's golden-sample reference per characteristic: from the revision its
    /// latest inspection recorded, otherwise the one approved now.
    pub golden: HashMap<CharacteristicId, (RevisionRef, f64)>,
    /// The reference values of every revision an inspection was judged against.
    pub judged: HashMap<(GoldenSampleRevisionId, CharacteristicId), f64>,
}

/// Reads a lot's current inspections with their values and the golden-sample references
/// they are compared with, if `by` may see the lot.
pub fn lot_series(
    conn: &mut PgConnection,
    by: &Principal,
    lot_id: LotId,
) -> Result<LotSeries, ServiceError> {
    let lot = scope::lot(conn, by, lot_id)?;
    let characteristics = chars_db::of_part(conn, lot.part_id)?;
    let inspections = stats_db::lot_series(conn, lot_id)?;
    let revisions: Vec<GoldenSampleRevisionId> = inspections
        .iter()
        .filter_map(|i| i.inspection.golden_sample_revision_id)
        .collect();
    let judged = golden_db::references(conn, &revisions)?
        .into_iter()
        .map(|r| ((r.revision_id, r.characteristic_id), r.value))
        .collect();
    let golden = golden_db::reference_values_for_lot(conn, lot_id, lot.part_id)?;
    Ok(LotSeries {
        lot,
        characteristics,
        inspections,
        golden,
        judged,
    })
}

/// The statistics of a lot.
pub struct LotReport {
    pub lot: Lot,
    /// The current inspections the statistics use, in the order carried out.
    pub inspections: Vec<InspectionId>,
    /// One per variable characteristic of the part, in the order they were defined.
    pub characteristics: Vec<CharacteristicReport>,
}

/// One variable characteristic in a lot.
pub struct CharacteristicReport {
    pub characteristic: Characteristic,
    /// The lot's golden-sample reference and its value, the `golden_sample` of `pooled`.
    pub golden_sample: Option<(RevisionRef, f64)>,
    /// Pooled over every current inspection, in inspection then unit order; with
    /// control-chart data.
    pub pooled: CapabilityReport,
    /// Each source on its own, one value per unit (figures only).
    pub per_source: Vec<SourceReport>,
    /// Each inspection that measured it, on its own (figures only).
    pub per_inspection: Vec<InspectionReport>,
}

/// One characteristic as one source measured it.
pub struct SourceReport {
    pub source: Source,
    pub report: CapabilityReport,
}

/// The values of the inspections `rank` admits (`None` leaves one out), one per physical
/// unit, in inspection then unit order: a serial measured by several inspections counts
/// once, with the reading of the highest rank and, among equals, the latest inspection's.
/// A unit without a serial cannot be recognised across inspections and counts as recorded.
fn one_per_unit(
    measured: &[(&Inspection, Vec<f64>, Spec)],
    serials: &[Vec<Option<String>>],
    rank: impl Fn(&Inspection) -> Option<u8>,
) -> Vec<f64> {
    let mut chosen: HashMap<&str, (u8, usize)> = HashMap::new();
    for (at, ((inspection, _, _), serials)) in measured.iter().zip(serials).enumerate() {
        let Some(r) = rank(inspection) else { continue };
        for serial in serials.iter().flatten() {
            let best = chosen.entry(serial.as_str()).or_insert((r, at));
            if (r, at) >= *best {
                *best = (r, at);
            }
        }
    }
    let mut values = Vec::new();
    for (at, ((inspection, series, _), serials)) in measured.iter().zip(serials).enumerate() {
        if rank(inspection).is_none() {
            continue;
        }
        for (i, v) in series.iter().enumerate() {
            let keep = match serials.get(i).and_then(Option::as_deref) {
                Some(serial) => chosen.get(serial).is_some_and(|(_, best)| *best == at),
                None => true,
            };
            if keep {
                values.push(*v);
            }
        }
    }
    values
}

/// One characteristic in one inspection.
pub struct InspectionReport {
    pub inspection: Inspection,
    /// The reference value of the revision the inspection was judged against, if that
    /// revision has one for this characteristic.
    pub golden_reference: Option<f64>,
    pub report: CapabilityReport,
}

/// Computes a lot's statistics: per variable characteristic, each inspection against
/// the golden-sample revision it was judged against, and the pool of all of them
/// against the lot's reference. The values of a characteristic are dropped before the
/// next one is computed.
pub fn lot_report(series: LotSeries, subgroup: usize) -> Result<LotReport, ServiceError> {
    let LotSeries {
        lot,
        characteristics,
        mut inspections,
        mut golden,
        judged,
    } = series;
    let ids = inspections.iter().map(|i| i.inspection.id).collect();
    let mut out = Vec::new();
    for c in characteristics
        .into_iter()
        .filter(|c| c.kind == Kind::Variable)
    {
        let reference = golden.remove(&c.id);
        let spec = spec_of(&c, reference.as_ref().map(|(_, value)| *value));
        // Each inspection's values with the spec it was judged against.
        let mut measured = Vec::new();
        let mut serials = Vec::new();
        for InspectionSeries {
            inspection,
            series: by_char,
            serials: serials_by_char,
        } in &mut inspections
        {
            let Some(values) = by_char.remove(&c.id).filter(|v| !v.is_empty()) else {
                continue;
            };
            let revision = inspection.golden_sample_revision_id;
            let own = spec_of(&c, revision.and_then(|r| judged.get(&(r, c.id)).copied()));
            serials.push(serials_by_char.remove(&c.id).unwrap_or_default());
            measured.push((&*inspection, values, own));
        }
        let per_source = [Source::Factory, Source::InHouse]
            .into_iter()
            .filter_map(|source| {
                let values =
                    one_per_unit(&measured, &serials, |i| (i.source == source).then_some(0));
                (!values.is_empty()).then(|| {
                    capability(&values, &spec, subgroup, SUMMARY)
                        .map(|report| SourceReport { source, report })
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let of = |inspection: &Inspection, own: &Spec, report| InspectionReport {
            inspection: inspection.clone(),
            golden_reference: own.golden_sample,
            report,
        };
        let mut per_inspection = Vec::with_capacity(measured.len());
        let pooled = match measured.as_slice() {
            // One inspection judged against the lot's reference (the usual case) is its
            // own pool: computed once, its summary is the pool's without chart.
            [(inspection, values, own)] if *own == spec => {
                let mut report = capability(values, &spec, subgroup, CHART)?;
                let chart = report.control_chart.take();
                per_inspection.push(of(inspection, own, report.clone()));
                report.control_chart = chart;
                report
            }
            _ => {
                for (inspection, values, own) in &measured {
                    let report = capability(values, own, subgroup, SUMMARY)?;
                    per_inspection.push(of(inspection, own, report));
                }
                // A serial measured by both sources counts once, with the in-house
                // reading (the thorough one).
                let pooled = one_per_unit(&measured, &serials, |i| {
                    Some(u8::from(i.source == Source::InHouse))
                });
                capability(&pooled, &spec, subgroup, CHART)?
            }
        };
        out.push(CharacteristicReport {
            characteristic: c,
            golden_sample: reference,
            pooled,
            per_source,
            per_inspection,
        });
    }
    Ok(LotReport {
        lot,
        inspections: ids,
        characteristics: out,
    })
}

/// What the capability of a characteristic across lots is computed from.
pub struct CharacteristicSeries {
    pub characteristic: Characteristic,
    /// Every current measurement of the included lots, in production order.
    pub values: Vec<LotValue>,
    /// The included lots, newest production first.
    pub lots: Vec<Lot>,
}

/// Reads every current measurement of a variable characteristic of the part, in the
/// lots `range` includes; for a token bound to a supplier, only that supplier's lots.
pub fn characteristic_series(
    conn: &mut PgConnection,
    by: &Principal,
    part_id: PartId,
    characteristic_id: CharacteristicId,
    range: LotRange,
) -> Result<CharacteristicSeries, ServiceError> {
    parts_db::get(conn, part_id).or_not_found("part", part_id)?;
    let characteristic = chars_db::of_part(conn, part_id)?
        .into_iter()
        .find(|c| c.id == characteristic_id)
        .ok_or_else(|| ServiceError::not_found("characteristic of this part", characteristic_id))?;
    if characteristic.kind != Kind::Variable {
        return Err(ServiceError::invalid_field(
            "characteristic_id",
            "an attribute characteristic has no capability; pick a variable one",
        ));
    }
    // Another supplier asked for by a bound token: answered as a supplier without lots.
    let Some(supplier) = scope::supplier_filter(by, range.supplier) else {
        return Ok(CharacteristicSeries {
            characteristic,
            values: Vec::new(),
            lots: Vec::new(),
        });
    };
    let range = LotRange { supplier, ..range };
    let values = stats_db::characteristic_values(conn, part_id, characteristic_id, range)?;
    let filter = LotFilter {
        part_id: Some(part_id),
        supplier_id: range.supplier,
        produced_from: range.from,
        produced_to: range.to,
        ..LotFilter::default()
    };
    let lots = lots_db::list(conn, &filter, None, i64::MAX)?;
    Ok(CharacteristicSeries {
        characteristic,
        values,
        lots,
    })
}

/// The capability of a characteristic over time.
pub struct CapabilityOverTime {
    pub characteristic: Characteristic,
    /// Over every value, with control-chart data.
    pub overall: CapabilityReport,
    /// Each lot with values, oldest production first (figures only).
    pub lots: Vec<(Lot, CapabilityReport)>,
}

/// Computes the capability overall and per lot.
pub fn capability_over_time(
    series: CharacteristicSeries,
    subgroup: usize,
) -> Result<CapabilityOverTime, ServiceError> {
    let CharacteristicSeries {
        characteristic,
        values,
        lots,
    } = series;
    let spec = spec_of(&characteristic, None);
    let mut by_lot: HashMap<LotId, Vec<f64>> = HashMap::new();
    for v in &values {
        by_lot.entry(v.lot_id).or_default().push(v.value);
    }
    let mut points = Vec::new();
    // The lots come newest first; a trend reads oldest first.
    for lot in lots.into_iter().rev() {
        let Some(lot_values) = by_lot.get(&lot.id) else {
            continue;
        };
        let report = capability(lot_values, &spec, subgroup, SUMMARY)?;
        points.push((lot, report));
    }
    let all: Vec<f64> = values.iter().map(|v| v.value).collect();
    let overall = capability(&all, &spec, subgroup, CHART)?;
    Ok(CapabilityOverTime {
        characteristic,
        overall,
        lots: points,
    })
}
