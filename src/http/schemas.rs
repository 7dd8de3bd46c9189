//! Schemas the derive macros cannot express, for the OpenAPI document.

use utoipa::openapi::{ObjectBuilder, Type};

use crate::domain::Aql;

/// An AQL: one of the 26 preferred values of ISO 2859-1, in percent.
///
/// A number whose allowed values are listed in the description, not a JSON Schema
/// `enum`: client generators take enums of strings and integers only, and drop every
/// operation that carries a numeric one (openapi-python-client), while a `oneOf` of
/// `const` numbers is generated into code that refuses all but the first value. The
/// server refuses any other value with a 422 naming the field, as before.
pub fn aql_series() -> ObjectBuilder {
    let values: Vec<String> = Aql::SERIES.iter().map(|v| v.to_string()).collect();
    ObjectBuilder::new()
        .schema_type(Type::Number)
        .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
            utoipa::openapi::KnownFormat::Double,
        )))
        .minimum(Some(Aql::SERIES[0]))
        .maximum(Some(Aql::SERIES[Aql::SERIES.len() - 1]))
        .description(Some(format!(
            "Acceptance quality limit in percent: one of the ISO 2859-1 preferred values {}; \
             any other number is refused with 422",
            values.join(", ")
        )))
        .examples([serde_json::json!(1.0)])
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
