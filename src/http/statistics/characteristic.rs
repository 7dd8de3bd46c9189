//! Capability of one characteristic across the part's lots over time.

use actix_web::{get, web};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::view::{CapabilityView, Detail};
use super::{SpecView, subgroup_param};
use crate::domain::{CharacteristicId, LotId, PartId, SupplierId};
use crate::http::access::Caller;
use crate::http::error::{ApiError, responses};
use crate::http::extract::QueryParams;
use crate::http::{AppState, dates, db};
use crate::service::statistics::{self as service, CapabilityOverTime, LotRange};

/// Which lots to include.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CapabilityQuery {
    /// Only lots produced on or after this date.
    #[serde(default, deserialize_with = "dates::optional_date")]
    pub from: Option<NaiveDate>,
    /// Only lots produced on or before this date.
    #[serde(default, deserialize_with = "dates::optional_date")]
    pub to: Option<NaiveDate>,
    /// Only lots of this supplier.
    pub supplier_id: Option<SupplierId>,
    /// Consecutive values per rational subgroup, 1 (default) to 25.
    #[param(minimum = 1, maximum = 25)]
    pub subgroup_size: Option<i64>,
}

/// Capability of a characteristic over the lots of its part.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"part_id": "690304a8-bfaa-55e0-9ba2-28479afb73a0", "characteristic_id": "22d36ceb-3653-5478-9338-c29c19a40da0", "name": "Weight", "spec": {"nominal": 2.4, "lsl": 2.3, "usl": 2.5, "unit": "g"}, "overall": {"n": 2905, "mean": 2.432414, "sd": 0.039537, "min": 2.313, "max": 2.552, "median": 2.431, "range": 0.239, "subgroup_size": 1, "deviation_from_nominal": 0.032414, "deviation_from_nominal_pct_of_tolerance": 16.207057, "golden_reference": null, "deviation_from_golden_sample": null, "count_below_lsl": 0, "count_above_usl": 102, "count_outside": 102, "pct_below_lsl": 0.0, "pct_above_usl": 3.511188, "pct_outside": 3.511188, "sigma_within": 0.024338, "cp": 1.369622, "cpk": 0.925671, "cpu": 0.925671, "cpl": 1.813573, "pp": 0.843084, "ppk": 0.569805, "ppm_below_lsl": 405.394901, "ppm_above_usl": 43686.918028, "cpk_ci_lower": 0.898957, "cpk_ci_upper": 0.952386, "anderson_darling": 7.183776, "anderson_darling_p": 0.0, "control_chart": {"kind": "individuals_moving_range", "subgroup_size": 1, "ignored_values": 0, "sigma_within": 0.024338, "location": {"centre_line": 2.432414, "ucl": 2.505427, "lcl": 2.359401, "points": [2.454, 2.389], "violations": [{"rule": 3, "side": "below", "points": [1, 2]}, {"rule": 3, "side": "below", "points": [11, 12]}]}, "spread": {"centre_line": 0.027453, "ucl": 0.089688, "lcl": 0.0, "points": [0.065, 0.021], "violations": [{"rule": 1, "side": "above", "points": [151]}, {"rule": 1, "side": "above", "points": [168]}]}}, "warnings": [{"code": "normality_doubtful", "message": "the measurements do not look normally distributed (Anderson-Darling p = 0.0000 < 0.05); capability indices and ppm estimates assume a normal distribution and may be misleading"}]}, "lots": [{"lot_id": "7cb80021-89a4-5beb-8fe9-a50b54490641", "lot_number": "DPM-2609-01", "supplier_id": "e9c16068-68ea-5c93-a650-32fe46a5c550", "produced_on": "2026-09-14", "statistics": {"n": 400, "mean": 2.400705, "sd": 0.025838, "min": 2.313, "max": 2.483, "median": 2.401, "range": 0.17, "subgroup_size": 1, "deviation_from_nominal": 0.000705, "deviation_from_nominal_pct_of_tolerance": 0.3525, "golden_reference": null, "deviation_from_golden_sample": null, "count_below_lsl": 0, "count_above_usl": 0, "count_outside": 0, "pct_below_lsl": 0.0, "pct_above_usl": 0.0, "pct_outside": 0.0, "sigma_within": 0.025951, "cp": 1.284452, "cpk": 1.275397, "cpu": 1.275397, "cpl": 1.293507, "pp": 1.290095, "ppk": 1.280999, "ppm_below_lsl": 48.581493, "ppm_above_usl": 60.770133, "cpk_ci_lower": 1.18107, "cpk_ci_upper": 1.369723, "anderson_darling": 0.287425, "anderson_darling_p": 0.618832, "warnings": []}}, {"lot_id": "4a469ad9-e2a7-53e1-bd02-9ccd239f4409", "lot_number": "DPM-2609-02", "supplier_id": "e9c16068-68ea-5c93-a650-32fe46a5c550", "produced_on": "2026-09-21", "statistics": {"n": 200, "mean": 2.40186, "sd": 0.023825, "min": 2.346, "max": 2.473, "median": 2.4005, "range": 0.127, "subgroup_size": 1, "deviation_from_nominal": 0.00186, "deviation_from_nominal_pct_of_tolerance": 0.93, "golden_reference": null, "deviation_from_golden_sample": null, "count_below_lsl": 0, "count_above_usl": 0, "count_outside": 0, "pct_below_lsl": 0.0, "pct_above_usl": 0.0, "pct_outside": 0.0, "sigma_within": 0.023638, "cp": 1.410177, "cpk": 1.383948, "cpu": 1.383948, "cpl": 1.436406, "pp": 1.399093, "ppk": 1.37307, "ppm_below_lsl": 9.541911, "ppm_above_usl": 19.008672, "cpk_ci_lower": 1.240349, "cpk_ci_upper": 1.527546, "anderson_darling": 0.409146, "anderson_darling_p": 0.34216, "warnings": []}}]}))]
pub struct CharacteristicCapability {
    /// The part.
    pub part_id: PartId,
    /// The characteristic.
    pub characteristic_id: CharacteristicId,
    /// Its name.
    pub name: String,
    /// The specification the values were judged against.
    pub spec: SpecView,
    /// Over every current measurement of the included lots, in production order.
    pub overall: CapabilityView,
    /// One point per lot, oldest production first, for a trend.
    pub lots: Vec<LotPoint>,
}

/// The characteristic in one lot.
#[derive(Debug, Serialize, ToSchema)]
pub struct LotPoint {
    /// The lot.
    pub lot_id: LotId,
    /// The supplier's lot number.
    pub lot_number: String,
    /// The supplier.
    pub supplier_id: SupplierId,
    /// When the lot was produced.
    pub produced_on: NaiveDate,
    /// The lot's statistics (summary).
    pub statistics: CapabilityView,
}

/// Capability of a characteristic across lots over time.
///
/// A token bound to a supplier sees only that supplier's lots here: the figures are
/// computed from its lots alone (with `supplier_id` of another supplier, from none).
#[utoipa::path(
    tag = "statistics",
    params(
        ("part_id" = PartId, Path, description = "Id of the part"),
        ("characteristic_id" = CharacteristicId, Path, description = "Id of a variable characteristic of the part"),
        CapabilityQuery,
    ),
    responses(
        (status = 200, description = "Capability overall and per lot", body = CharacteristicCapability),
        (status = 404, response = responses::NotFound),
        (status = 422, response = responses::Unprocessable),
        (status = 503, response = responses::Unavailable),
    )
)]
#[get("/parts/{part_id}/characteristics/{characteristic_id}/capability")]
pub async fn get_characteristic_capability(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(PartId, CharacteristicId)>,
    query: QueryParams<CapabilityQuery>,
) -> Result<web::Json<CharacteristicCapability>, ApiError> {
    let (part_id, characteristic_id) = path.into_inner();
    let q = query.0;
    let subgroup = subgroup_param(q.subgroup_size)?;
    if let (Some(from), Some(to)) = (q.from, q.to)
        && from > to
    {
        return Err(ApiError::invalid_field("from", "must not be after `to`"));
    }
    let range = LotRange {
        from: q.from,
        to: q.to,
        supplier: q.supplier_id,
    };
    let series = db(&state, move |conn| {
        Ok(service::characteristic_series(
            conn,
            &caller.0,
            part_id,
            characteristic_id,
            range,
        )?)
    })
    .await?;
    let result = web::block(move || -> Result<_, ApiError> {
        let over_time = service::capability_over_time(series, subgroup)?;
        Ok(CharacteristicCapability::from(over_time))
    })
    .await
    .map_err(ApiError::internal)??;
    Ok(web::Json(result))
}

impl From<CapabilityOverTime> for CharacteristicCapability {
    fn from(c: CapabilityOverTime) -> Self {
        let characteristic = &c.characteristic;
        CharacteristicCapability {
            part_id: characteristic.part_id,
            characteristic_id: characteristic.id,
            name: characteristic.name.clone(),
            spec: characteristic.into(),
            overall: CapabilityView::from_report(c.overall, None, Detail::CHART),
            lots: c
                .lots
                .into_iter()
                .map(|(lot, report)| LotPoint {
                    lot_id: lot.id,
                    lot_number: lot.lot_number,
                    supplier_id: lot.supplier_id,
                    produced_on: lot.produced_on,
                    statistics: CapabilityView::from_report(report, None, Detail::SUMMARY),
                })
                .collect(),
        }
    }
}
