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
#[schema(example = json!({"lot_id": "c99e71b2-05bb-5458-9fc0-af5964e27878", "part_id": "f3fb5d7e-9a71-5b3b-b85f-541c8d4bb6ab", "inspections": ["5d1ece60-aedb-5bce-8e4f-24963b0e5167", "bc479a60-3b60-5b48-8e70-d7e44a1974a6"], "characteristics": [{"characteristic_id": "3c66544b-ae46-5cc5-a220-946a11be966a", "name": "Standby current", "spec": {"nominal": 1.2, "lsl": null, "usl": 2.0, "unit": "mA"}, "golden_sample": {"golden_sample_id": "45fce0f0-cacf-5694-b480-f71e8accc4da", "code": "GS-047", "revision_id": "a294d92b-2046-49bd-8898-c8426219002d", "revision": "A", "value": 1.15}, "pooled": {"n": 80, "mean": 1.194038, "sd": 0.209957, "min": 0.729, "max": 1.741, "median": 1.213, "range": 1.012, "subgroup_size": 1, "deviation_from_nominal": -0.005962, "deviation_from_nominal_pct_of_tolerance": null, "golden_reference": 1.15, "deviation_from_golden_sample": 0.044038, "count_below_lsl": null, "count_above_usl": 0, "count_outside": 0, "pct_below_lsl": null, "pct_above_usl": 0.0, "pct_outside": 0.0, "sigma_within": 0.220206, "cp": null, "cpk": 1.220013, "cpu": 1.220013, "cpl": null, "pp": null, "ppk": 1.279567, "ppm_below_lsl": null, "ppm_above_usl": 61.843528, "cpk_ci_lower": 1.016239, "cpk_ci_upper": 1.423786, "anderson_darling": 0.489588, "anderson_darling_p": 0.215484, "control_chart": {"kind": "individuals_moving_range", "subgroup_size": 1, "ignored_values": 0, "sigma_within": 0.220206, "location": {"centre_line": 1.194037, "ucl": 1.854656, "lcl": 0.533419, "points": [1.264, 1.335], "violations": []}, "spread": {"centre_line": 0.248392, "ucl": 0.811498, "lcl": 0.0, "points": [0.071, 0.224], "violations": [{"rule": 1, "side": "above", "points": [64]}]}}, "warnings": [{"code": "one_sided_spec", "message": "there is no lower specification limit; Cp and Pp need both limits, Cpk and Ppk use the upper limit only"}]}, "per_source": [{"source": "factory", "statistics": {"n": 80, "mean": 1.194038, "sd": 0.209957, "min": 0.729, "max": 1.741, "median": 1.213, "range": 1.012, "subgroup_size": 1, "deviation_from_nominal": -0.005962, "deviation_from_nominal_pct_of_tolerance": null, "golden_reference": 1.15, "deviation_from_golden_sample": 0.044038, "count_below_lsl": null, "count_above_usl": 0, "count_outside": 0, "pct_below_lsl": null, "pct_above_usl": 0.0, "pct_outside": 0.0, "sigma_within": 0.220206, "cp": null, "cpk": 1.220013, "cpu": 1.220013, "cpl": null, "pp": null, "ppk": 1.279567, "ppm_below_lsl": null, "ppm_above_usl": 61.843528, "cpk_ci_lower": 1.016239, "cpk_ci_upper": 1.423786, "anderson_darling": 0.489588, "anderson_darling_p": 0.215484, "warnings": [{"code": "one_sided_spec", "message": "there is no lower specification limit; Cp and Pp need both limits, Cpk and Ppk use the upper limit only"}]}}], "per_inspection": [{"inspection_id": "5d1ece60-aedb-5bce-8e4f-24963b0e5167", "source": "factory", "mode": "sampling", "inspected_at": "2026-11-20T16:00:00Z", "golden_sample_revision_id": "a294d92b-2046-49bd-8898-c8426219002d", "statistics": {"n": 80, "mean": 1.194038, "sd": 0.209957, "min": 0.729, "max": 1.741, "median": 1.213, "range": 1.012, "subgroup_size": 1, "deviation_from_nominal": -0.005962, "deviation_from_nominal_pct_of_tolerance": null, "golden_reference": 1.15, "deviation_from_golden_sample": 0.044038, "count_below_lsl": null, "count_above_usl": 0, "count_outside": 0, "pct_below_lsl": null, "pct_above_usl": 0.0, "pct_outside": 0.0, "sigma_within": 0.220206, "cp": null, "cpk": 1.220013, "cpu": 1.220013, "cpl": null, "pp": null, "ppk": 1.279567, "ppm_below_lsl": null, "ppm_above_usl": 61.843528, "cpk_ci_lower": 1.016239, "cpk_ci_upper": 1.423786, "anderson_darling": 0.489588, "anderson_darling_p": 0.215484, "warnings": [{"code": "one_sided_spec", "message": "there is no lower specification limit; Cp and Pp need both limits, Cpk and Ppk use the upper limit only"}]}}]}]}))]
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
