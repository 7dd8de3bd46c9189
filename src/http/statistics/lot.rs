//! Statistics of a lot: per variable characteristic, per inspection and pooled over the
//! lot's current inspections.

use actix_web::http::header::ContentType;
use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::view::{CapabilityView, Detail};
use super::{SpecView, subgroup_param};
use crate::domain::{
    CharacteristicId, GoldenSampleId, GoldenSampleRevisionId, InspectionId, LotId, Mode, PartId,
    Source,
};
use crate::http::access::Caller;
use crate::http::body::Slices;
use crate::http::error::{ApiError, responses};
use crate::http::extract::QueryParams;
use crate::http::{AppState, db_then};
use crate::service::statistics::{
    self as service, CharacteristicReport, InspectionReport, LotReport,
};

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
    /// with control-chart data: one value per unit, so a serial measured by several
    /// inspections counts once (the in-house reading before the factory's, then the
    /// latest). Units without a serial cannot be recognised across inspections and count
    /// as recorded. The two sources are different evidence: compare them in `per_source`
    /// and with `get_lot_reconciliation`.
    pub pooled: CapabilityView,
    /// Each source on its own (the factory's QC, the in-house inspection), one value per
    /// unit (a serial measured again counts once, with its latest reading); summaries
    /// without chart data. A source that did not measure the characteristic is left out.
    pub per_source: Vec<SourceStatistics>,
    /// Each current inspection on its own (summaries without chart data).
    pub per_inspection: Vec<InspectionStatistics>,
}

/// Statistics of one characteristic as one source measured it.
#[derive(Debug, Serialize, ToSchema)]
pub struct SourceStatistics {
    /// Who inspected.
    pub source: Source,
    /// The statistics of its values.
    pub statistics: CapabilityView,
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

impl From<LotReport> for LotStatistics {
    fn from(r: LotReport) -> Self {
        LotStatistics {
            lot_id: r.lot.id,
            part_id: r.lot.part_id,
            inspections: r.inspections,
            characteristics: r.characteristics.into_iter().map(Into::into).collect(),
        }
    }
}

impl From<CharacteristicReport> for CharacteristicStatistics {
    fn from(r: CharacteristicReport) -> Self {
        let c = &r.characteristic;
        let golden_reference = r.golden_sample.as_ref().map(|(_, value)| *value);
        CharacteristicStatistics {
            characteristic_id: c.id,
            name: c.name.clone(),
            spec: c.into(),
            golden_sample: r.golden_sample.map(|(g, value)| GoldenReferenceView {
                golden_sample_id: g.golden_sample_id,
                code: g.code,
                revision_id: g.revision_id,
                revision: g.revision,
                value,
            }),
            pooled: CapabilityView::from_report(r.pooled, golden_reference, Detail::CHART),
            per_source: r
                .per_source
                .into_iter()
                .map(|s| SourceStatistics {
                    source: s.source,
                    statistics: CapabilityView::from_report(
                        s.report,
                        golden_reference,
                        Detail::SUMMARY,
                    ),
                })
                .collect(),
            per_inspection: r.per_inspection.into_iter().map(Into::into).collect(),
        }
    }
}

impl From<InspectionReport> for InspectionStatistics {
    fn from(r: InspectionReport) -> Self {
        let i = r.inspection;
        InspectionStatistics {
            inspection_id: i.id,
            source: i.source,
            mode: i.mode,
            inspected_at: i.inspected_at,
            golden_sample_revision_id: i.golden_sample_revision_id,
            statistics: CapabilityView::from_report(r.report, r.golden_reference, Detail::SUMMARY),
        }
    }
}

/// Deviation statistics and capability of every variable characteristic of a lot.
///
/// A token bound to a supplier reads only that supplier's lots; another supplier's lot
/// is answered 404.
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
    caller: Caller,
    path: web::Path<LotId>,
    query: QueryParams<LotStatisticsQuery>,
) -> Result<HttpResponse, ApiError> {
    let lot_id = path.into_inner();
    let subgroup = subgroup_param(query.0.subgroup_size)?;
    // Computed and serialised off the workers, straight into the body's buffer, after
    // the connection went back.
    let render = move |series| {
        let report = service::lot_report(series, subgroup)?;
        serde_json::to_vec(&LotStatistics::from(report)).map_err(ApiError::internal)
    };
    let body = db_then(
        &state,
        move |conn| Ok(service::lot_series(conn, &caller.0, lot_id)?),
        render,
    )
    .await?;
    Ok(HttpResponse::Ok()
        .content_type(ContentType::json())
        .body(Slices::new(body)))
}
