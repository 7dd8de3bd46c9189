//! Schemas the derive macros cannot express, for the OpenAPI document.

use utoipa::openapi::{ObjectBuilder, Type};

use crate::domain::Aql;

/// An AQL: one of the 26 preferred values of ISO 2859-1, in percent.
pub fn aql_series() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::Number)
        .description(Some(
            "Acceptance quality limit in percent: one of the ISO 2859-1 preferred values",
        ))
        .enum_values(Some(Aql::SERIES.iter().map(|v| serde_json::json!(v))))
}

/// The AQL series as a type, for a query parameter: with `value_type = AqlSeries, inline`
/// the parameter keeps its description and stays required, which `schema_with` drops.
pub struct AqlSeries;

impl utoipa::PartialSchema for AqlSeries {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        aql_series().into()
    }
}

impl utoipa::ToSchema for AqlSeries {}
