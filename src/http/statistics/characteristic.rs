//! Capability of one characteristic across the part's lots over time.

use crate::service::Found;
use std::collections::HashMap;

use actix_web::{get, web};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::view::{CapabilityView, Detail};
use super::{SpecView, compute, spec_of, subgroup_param};
use crate::db::statistics::{self as stats_db, LotRange};
use crate::db::{characteristics as chars_db, lots as lots_db, parts as parts_db};
use crate::domain::{CharacteristicId, Kind, LotId, PartId, SupplierId};
use crate::http::error::{ApiError, responses};
use crate::http::extract::QueryParams;
use crate::http::{AppState, db};

/// Which lots to include.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CapabilityQuery {
    /// Only lots produced on or after this date.
    pub from: Option<NaiveDate>,
    /// Only lots produced on or before this date.
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
    let (characteristic, values, lots) = db(&state, move |conn| {
        parts_db::get(conn, part_id).or_not_found("part", part_id)?;
        let characteristic = chars_db::of_part(conn, part_id)?
            .into_iter()
            .find(|c| c.id == characteristic_id)
            .ok_or_else(|| ApiError::not_found("characteristic of this part", characteristic_id))?;
        if characteristic.kind != Kind::Variable {
            return Err(ApiError::invalid_field(
                "characteristic_id",
                "an attribute characteristic has no capability; pick a variable one",
            ));
        }
        let values = stats_db::characteristic_values(conn, part_id, characteristic_id, range)?;
        let filter = lots_db::LotFilter {
            part_id: Some(part_id),
            supplier_id: q.supplier_id,
            produced_from: q.from,
            produced_to: q.to,
        };
        let lots = lots_db::list(conn, &filter, None, i64::MAX)?;
        Ok((characteristic, values, lots))
    })
    .await?;
    let result = web::block(move || -> Result<_, ApiError> {
        let spec = spec_of(&characteristic, None);
        let mut by_lot: HashMap<LotId, Vec<f64>> = HashMap::new();
        for v in &values {
            by_lot.entry(v.lot_id).or_default().push(v.value);
        }
        let mut points = Vec::new();
        // `list` returns the newest first; a trend reads oldest first.
        for lot in lots.into_iter().rev() {
            let Some(lot_values) = by_lot.get(&lot.id) else {
                continue;
            };
            let report = compute(lot_values, &spec, subgroup, Detail::SUMMARY)?;
            points.push(LotPoint {
                lot_id: lot.id,
                lot_number: lot.lot_number,
                supplier_id: lot.supplier_id,
                produced_on: lot.produced_on,
                statistics: CapabilityView::from_report(report, None, Detail::SUMMARY),
            });
        }
        let all: Vec<f64> = values.iter().map(|v| v.value).collect();
        let overall = CapabilityView::from_report(
            compute(&all, &spec, subgroup, Detail::CHART)?,
            None,
            Detail::CHART,
        );
        Ok(CharacteristicCapability {
            part_id,
            characteristic_id,
            name: characteristic.name.clone(),
            spec: (&characteristic).into(),
            overall,
            lots: points,
        })
    })
    .await
    .map_err(ApiError::internal)??;
    Ok(web::Json(result))
}
