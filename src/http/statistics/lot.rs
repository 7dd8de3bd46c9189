//! Statistics of a lot: per variable characteristic, per inspection and pooled over the
//! lot's current inspections.

use actix_web::{get, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::view::{CapabilityView, Detail};
use super::{SpecView, compute, spec_of, subgroup_param};
use std::collections::HashMap;

use crate::db::golden_samples as golden_db;
use crate::db::{characteristics as chars_db, lots as lots_db, statistics as stats_db};
use crate::domain::{
    CharacteristicId, GoldenSampleId, GoldenSampleRevisionId, InspectionId, Kind, LotId, Mode,
    PartId, Source,
};
use crate::http::error::{ApiError, responses};
use crate::http::extract::QueryParams;
use crate::http::parts::not_found_as;
use crate::http::{AppState, db};

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
) -> Result<web::Json<LotStatistics>, ApiError> {
    let lot_id = path.into_inner();
    let subgroup = subgroup_param(query.0.subgroup_size)?;
    let (lot, chars, inspections, golden, judged) = db(&state, move |conn| {
        let lot = lots_db::get(conn, lot_id).map_err(|e| not_found_as(e, "lot", lot_id))?;
        let chars = chars_db::of_part(conn, lot.part_id)?;
        let inspections = stats_db::lot_measurements(conn, lot_id)?;
        let revisions: Vec<GoldenSampleRevisionId> = inspections
            .iter()
            .filter_map(|(i, _)| i.golden_sample_revision_id)
            .collect();
        let judged: HashMap<(GoldenSampleRevisionId, CharacteristicId), f64> =
            golden_db::references(conn, &revisions)?
                .into_iter()
                .map(|r| ((r.revision_id, r.characteristic_id), r.value))
                .collect();
        let golden = golden_db::reference_values_for_lot(conn, lot_id)?;
        Ok((lot, chars, inspections, golden, judged))
    })
    .await?;
    let stats = web::block(move || -> Result<_, ApiError> {
        let mut out = Vec::new();
        for c in chars.iter().filter(|c| c.kind == Kind::Variable) {
            let reference = golden.get(&c.id);
            let spec = spec_of(c, reference.map(|(_, value)| *value));
            let mut pooled = Vec::new();
            let mut per_inspection = Vec::new();
            for (inspection, rows) in &inspections {
                let values: Vec<f64> = rows
                    .iter()
                    .filter(|m| m.characteristic_id == c.id)
                    .map(|m| m.value)
                    .collect();
                if values.is_empty() {
                    continue;
                }
                let revision = inspection.golden_sample_revision_id;
                let own = spec_of(c, revision.and_then(|r| judged.get(&(r, c.id)).copied()));
                let report = compute(&values, &own, subgroup)?;
                per_inspection.push(InspectionStatistics {
                    inspection_id: inspection.id,
                    source: inspection.source,
                    mode: inspection.mode,
                    inspected_at: inspection.inspected_at,
                    golden_sample_revision_id: revision,
                    statistics: CapabilityView::from_report(
                        report,
                        own.golden_sample,
                        Detail::SUMMARY,
                    ),
                });
                pooled.extend(values);
            }
            let report = compute(&pooled, &spec, subgroup)?;
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
        Ok(LotStatistics {
            lot_id,
            part_id: lot.part_id,
            inspections: inspections.iter().map(|(i, _)| i.id).collect(),
            characteristics: out,
        })
    })
    .await
    .map_err(ApiError::internal)??;
    Ok(web::Json(stats))
}
