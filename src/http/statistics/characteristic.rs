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
