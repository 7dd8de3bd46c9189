//! Statistics of a lot: per variable characteristic, per inspection and pooled over the
//! lot's current inspections.

use crate::service::Found;
use actix_web::http::header::ContentType;
use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::view::{CapabilityView, Detail};
use super::{SpecView, compute, spec_of, subgroup_param};
use lotgate_stats::Spec;
use std::collections::HashMap;

use crate::db::golden_samples as golden_db;
use crate::db::models::{Characteristic, Inspection, Lot};
use crate::db::statistics::{self as stats_db, InspectionSeries};
use crate::db::{characteristics as chars_db, lots as lots_db};
use crate::domain::{
    CharacteristicId, GoldenSampleId, GoldenSampleRevisionId, InspectionId, Kind, LotId, Mode,
    PartId, Source,
};
use crate::http::body::Slices;
use crate::http::error::{ApiError, responses};
use crate::http::extract::QueryParams;
use crate::http::{AppState, db_then};

/// Options of `get_lot_statistics`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct LotStatisticsQuery {
    /// Consecutive units per rational subgroup for the within sigma, 1 (default) to 25.
    #[param(minimum = 1, maximum = 25)]
    pub subgroup_size: Option<i64>,
}

/// Statistics of every variable characteristic of a lot.
#[derive(Debug, Serialize, ToSchema)]
pub struct LotStatistics {
    /// The lot.
    pub lot_id: LotId,
    /// Its part.
    pub part_id: PartId,
    /// The current (not superseded) inspections the statistics use, in the order carried out.
    pub inspections: Vec<InspectionId>,
    /// One entry per variable characteristic of the part.
    pub characteristics: Vec<CharacteristicStatistics>,
}

/// Statistics of one variable characteristic in a lot.
#[derive(Debug, Serialize, ToSchema)]
pub struct CharacteristicStatistics {
    /// The characteristic.
    pub characteristic_id: CharacteristicId,
    /// Its name.
    pub name: String,
    /// The specification the values were judged against.
    pub spec: SpecView,
    /// The golden-sample reference the pooled mean is compared with: from the revision
    /// the lot's latest inspection recorded, otherwise the one approved now. Absent when
    /// that revision has no reference value for this characteristic.
    pub golden_sample: Option<GoldenReferenceView>,
    /// Pooled over all current inspections of the lot, in inspection then unit order,
    /// with control-chart data.
    pub pooled: CapabilityView,
    /// Each current inspection on its own (summaries without chart data).
    pub per_inspection: Vec<InspectionStatistics>,
}

/// A reference value measured on a golden-sample revision.
#[derive(Debug, Serialize, ToSchema)]
pub struct GoldenReferenceView {
    /// The golden sample.
    pub golden_sample_id: GoldenSampleId,
    /// Its code, e.g. `GS-012`.
    pub code: String,
    /// The revision the value was measured on.
    pub revision_id: GoldenSampleRevisionId,
    /// Its letter.
    pub revision: String,
    /// The reference value, in the characteristic's unit.
    pub value: f64,
}

/// Statistics of one characteristic in one inspection.
#[derive(Debug, Serialize, ToSchema)]
pub struct InspectionStatistics {
    /// The inspection.
    pub inspection_id: InspectionId,
    /// Who inspected.
    pub source: Source,
    /// `sampling` or `full`.
    pub mode: Mode,
    /// When it was carried out.
    pub inspected_at: DateTime<Utc>,
    /// The golden-sample revision it was judged against; its reference value, if it has
    /// one for this characteristic, is the `golden_reference` of these statistics.
    pub golden_sample_revision_id: Option<GoldenSampleRevisionId>,
    /// The statistics of its values.
    pub statistics: CapabilityView,
}

/// What `get_lot_statistics` reads: the lot, its part's characteristics, its current
/// inspections with their values, the golden-sample reference per characteristic and
/// the reference values of every revision its inspections were judged against.
type LotReading = (
    Lot,
    Vec<Characteristic>,
    Vec<InspectionSeries>,
    HashMap<CharacteristicId, (golden_db::RevisionRef, f64)>,
    HashMap<(GoldenSampleRevisionId, CharacteristicId), f64>,
);

/// Deviation statistics and capability of every variable characteristic of a lot.
#[utoipa::path(
    tag = "statistics",
    params(("lot_id" = LotId, Path, description = "Id of the lot"), LotStatisticsQuery),
    responses(
        (status = 200, description = "Statistics per variable characteristic", body = LotStatistics),
        (status = 404, response = responses::NotFound),
        (status = 422, response = responses::Unprocessable),
        (status = 503, response = responses::Unavailable),
    )
)]
#[get("/lots/{lot_id}/statistics")]
pub async fn get_lot_statistics(
    state: web::Data<AppState>,
    path: web::Path<LotId>,
    query: QueryParams<LotStatisticsQuery>,
) -> Result<HttpResponse, ApiError> {
    let lot_id = path.into_inner();
    let subgroup = subgroup_param(query.0.subgroup_size)?;
    let read = move |conn: &mut diesel::PgConnection| {
        let lot = lots_db::get(conn, lot_id).or_not_found("lot", lot_id)?;
        let chars = chars_db::of_part(conn, lot.part_id)?;
        let inspections = stats_db::lot_series(conn, lot_id)?;
        let revisions: Vec<GoldenSampleRevisionId> = inspections
            .iter()
            .filter_map(|i| i.inspection.golden_sample_revision_id)
            .collect();
        let judged: HashMap<(GoldenSampleRevisionId, CharacteristicId), f64> =
            golden_db::references(conn, &revisions)?
                .into_iter()
                .map(|r| ((r.revision_id, r.characteristic_id), r.value))
                .collect();
        let golden = golden_db::reference_values_for_lot(conn, lot_id, lot.part_id)?;
        Ok((lot, chars, inspections, golden, judged))
    };
    // Computed and serialised off the workers, straight into the body's buffer, after
    // the connection went back; the values of one characteristic are dropped before the
    // next is computed.
    let compute = move |(lot, chars, mut inspections, golden, judged): LotReading| {
        let ids = inspections.iter().map(|i| i.inspection.id).collect();
        let mut out = Vec::new();
        for c in chars.iter().filter(|c| c.kind == Kind::Variable) {
            let reference = golden.get(&c.id);
            let spec = spec_of(c, reference.map(|(_, value)| *value));
            // Each inspection's values with the spec it was judged against.
            let mut measured = Vec::new();
            for InspectionSeries {
                inspection,
                series: by_char,
            } in &mut inspections
            {
                let Some(values) = by_char.remove(&c.id).filter(|v| !v.is_empty()) else {
                    continue;
                };
                let revision = inspection.golden_sample_revision_id;
                let own = spec_of(c, revision.and_then(|r| judged.get(&(r, c.id)).copied()));
                measured.push((&*inspection, values, own));
            }
            let of = |inspection: &Inspection, own: &Spec, report| InspectionStatistics {
                inspection_id: inspection.id,
                source: inspection.source,
                mode: inspection.mode,
                inspected_at: inspection.inspected_at,
                golden_sample_revision_id: inspection.golden_sample_revision_id,
                statistics: CapabilityView::from_report(report, own.golden_sample, Detail::SUMMARY),
            };
            let mut per_inspection = Vec::with_capacity(measured.len());
            let report = match measured.as_slice() {
                // One inspection judged against the lot's reference (the usual case) is
                // its own pool: computed once, its summary is the pool's without chart.
                [(inspection, values, own)] if *own == spec => {
                    let mut report = compute(values, &spec, subgroup, Detail::CHART)?;
                    let chart = report.control_chart.take();
                    per_inspection.push(of(inspection, own, report.clone()));
                    report.control_chart = chart;
                    report
                }
                _ => {
                    for (inspection, values, own) in &measured {
                        let report = compute(values, own, subgroup, Detail::SUMMARY)?;
                        per_inspection.push(of(inspection, own, report));
                    }
                    let pooled: Vec<f64> = measured
                        .iter()
                        .flat_map(|(_, values, _)| values.iter().copied())
                        .collect();
                    compute(&pooled, &spec, subgroup, Detail::CHART)?
                }
            };
            out.push(CharacteristicStatistics {
                characteristic_id: c.id,
                name: c.name.clone(),
                spec: c.into(),
                golden_sample: reference.map(|(r, value)| GoldenReferenceView {
                    golden_sample_id: r.golden_sample_id,
                    code: r.code.clone(),
                    revision_id: r.revision_id,
                    revision: r.revision.clone(),
                    value: *value,
                }),
                pooled: CapabilityView::from_report(report, spec.golden_sample, Detail::CHART),
                per_inspection,
            });
        }
        let stats = LotStatistics {
            lot_id,
            part_id: lot.part_id,
            inspections: ids,
            characteristics: out,
        };
        serde_json::to_vec(&stats).map_err(ApiError::internal)
    };
    let body = db_then(&state, read, compute).await?;
    Ok(HttpResponse::Ok()
        .content_type(ContentType::json())
        .body(Slices::new(body)))
}
