//! Statements of fixed text that diesel's query builder cannot express or would not
//! prepare: a multi-row `INSERT ... VALUES` has as many placeholders as rows, and
//! `sql_query` is never cached. Each type here renders one text whatever its data, so
//! each connection parses and plans it once.
//!
//! Rows are inserted with `unnest` of one array per column: four parameters for ten
//! rows or four hundred.

use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::query_builder::{AstPass, QueryFragment};
use diesel::sql_types::{Array, Bool, Double, Integer, Nullable, Text, Uuid as SqlUuid};

use super::defect_codes::ResultDefect;
use super::models::{AttributeResultRow, InspectionUnit, MeasurementRow};
use crate::domain::{CharacteristicId, DefectCodeId, InspectionId};

/// Makes a type of [`QueryFragment<Pg>`] a statement diesel runs and caches: its own
/// type is its cache key, so every type must render a single text.
macro_rules! fixed_statement {
    ($name:ident) => {
        impl diesel::query_builder::QueryId for $name {
            type QueryId = $name;
            const HAS_STATIC_QUERY_ID: bool = true;
        }
        impl diesel::query_builder::Query for $name {
            type SqlType = diesel::sql_types::Untyped;
        }
        impl diesel::RunQueryDsl<diesel::PgConnection> for $name {}
    };
}
pub(crate) use fixed_statement;

/// An `INSERT` of many rows of one table as a type: one vector per column, taken from a
/// slice of row structs, bound as arrays and spread back into rows by `unnest`. The
/// column list and the binds come from the same list, so they cannot disagree.
macro_rules! unnest_insert {
    ($(#[$doc:meta])* $name:ident: $row:ty => $table:literal {
        $first:ident: $first_rust:ty as $first_sql:ty
        $(, $column:ident: $rust:ty as $sql:ty)* $(,)?
    }) => {
        $(#[$doc])*
        pub struct $name {
            $first: Vec<$first_rust>,
            $($column: Vec<$rust>,)*
        }
        fixed_statement!($name);

        impl $name {
            pub fn new(rows: &[$row]) -> Self {
                $name {
                    $first: rows.iter().map(|r| r.$first.clone()).collect(),
                    $($column: rows.iter().map(|r| r.$column.clone()).collect(),)*
                }
            }
        }

        impl QueryFragment<Pg> for $name {
            fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
                out.push_sql(concat!(
                    "INSERT INTO ", $table, " (", stringify!($first),
                    $(", ", stringify!($column),)*
                    ") SELECT * FROM unnest("
                ));
                out.push_bind_param::<Array<$first_sql>, _>(&self.$first)?;
                $(
                    out.push_sql(", ");
                    out.push_bind_param::<Array<$sql>, _>(&self.$column)?;
                )*
                out.push_sql(")");
                Ok(())
            }
        }
    };
}

unnest_insert!(
    /// `INSERT INTO inspection_units` of many rows.
    InsertUnits: InspectionUnit => "inspection_units" {
        inspection_id: InspectionId as SqlUuid,
        unit_index: i32 as Integer,
        serial: Option<String> as Nullable<Text>,
    }
);

unnest_insert!(
    /// `INSERT INTO measurements` of many rows.
    InsertMeasurements: MeasurementRow => "measurements" {
        inspection_id: InspectionId as SqlUuid,
        unit_index: i32 as Integer,
        characteristic_id: CharacteristicId as SqlUuid,
        value: f64 as Double,
    }
);

unnest_insert!(
    /// `INSERT INTO attribute_results` of many rows.
    InsertAttributes: AttributeResultRow => "attribute_results" {
        inspection_id: InspectionId as SqlUuid,
        unit_index: i32 as Integer,
        characteristic_id: CharacteristicId as SqlUuid,
        pass: bool as Bool,
        defects: i32 as Integer,
        note: Option<String> as Nullable<Text>,
    }
);

unnest_insert!(
    /// `INSERT INTO attribute_result_defects` of many rows.
    InsertResultDefects: ResultDefect => "attribute_result_defects" {
        inspection_id: InspectionId as SqlUuid,
        unit_index: i32 as Integer,
        characteristic_id: CharacteristicId as SqlUuid,
        position: i32 as Integer,
        defect_code_id: DefectCodeId as SqlUuid,
    }
);
