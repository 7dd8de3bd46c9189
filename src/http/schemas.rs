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
