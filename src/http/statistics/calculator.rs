//! The stateless calculator: post values and a specification, get the statistics back.

use actix_web::{post, web};
use serde::Deserialize;
use utoipa::ToSchema;

use super::subgroup_size;
use super::view::{CapabilityView, Detail};
use crate::domain::{DomainError, SpecLimits};
use crate::http::error::{ApiError, responses};
use crate::http::extract::JsonBody;
use crate::service::Checks;
use crate::service::statistics::capability;

/// Values in production order and the specification to judge them against.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"values": [12.01, 11.98, 12.03, 12.00, 11.97, 12.02, 12.04, 11.99],
    "lsl": 11.85, "usl": 12.15, "nominal": 12.0, "subgroup_size": 1}))]
pub struct CapabilityRequest {
    /// Measured values in production order (finite numbers).
    pub values: Vec<f64>,
    /// Lower specification limit; omit for a one-sided upper specification.
    pub lsl: Option<f64>,
    /// Upper specification limit; omit for a one-sided lower specification.
    pub usl: Option<f64>,
    /// Nominal value; within the limits that are given.
    pub nominal: Option<f64>,
    /// Consecutive values per rational subgroup, 1 (individual values, the default) to 25.
    #[schema(minimum = 1, maximum = 25)]
    pub subgroup_size: Option<i64>,
    /// A golden sample's reference value to measure the mean's deviation from.
    pub golden_reference: Option<f64>,
}

/// Compute deviation statistics and process capability of posted values.
///
/// Undefined results (too few values, zero spread, no limits) are `null`, and `warnings`
/// explains them; the response never holds NaN or infinity.
#[utoipa::path(
    tag = "statistics",
    request_body = CapabilityRequest,
    responses(
        (status = 200, description = "The statistics of the values", body = CapabilityView),
        (status = 400, response = responses::BadRequest),
        (status = 413, response = responses::PayloadTooLarge),
        (status = 415, response = responses::UnsupportedMediaType),
        (status = 422, response = responses::Unprocessable),
        (status = 503, response = responses::Unavailable),
    )
)]
#[post("/statistics/capability")]
pub async fn compute_capability(
    body: JsonBody<CapabilityRequest>,
) -> Result<web::Json<CapabilityView>, ApiError> {
    let req = body.0;
    let mut checks = Checks::new();
    let subgroup = checks.parse("subgroup_size", subgroup_size(req.subgroup_size));
    if let Err(err) = SpecLimits::parse(req.nominal, req.lsl, req.usl) {
        let field = if matches!(err, DomainError::NominalOutsideLimits { .. }) {
            "nominal"
        } else {
            "lsl"
        };
        checks.add(field, err);
    }
    checks.finish()?;
    let subgroup = subgroup.unwrap_or(1);
    let spec = lotgate_stats::Spec {
        nominal: req.nominal,
        lsl: req.lsl,
        usl: req.usl,
        golden_sample: req.golden_reference,
    };
    // Large series are sorted and scanned several times: keep that off the workers.
    let report = web::block(move || {
        capability(&req.values, &spec, subgroup, Detail::FULL.per_value())
            .map(|r| (r, spec.golden_sample))
    })
    .await
    .map_err(ApiError::internal)??;
    Ok(web::Json(CapabilityView::from_report(
        report.0,
        report.1,
        Detail::FULL,
    )))
}
