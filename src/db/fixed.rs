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

use super::models::{AttributeResultRow, InspectionUnit, MeasurementRow};
use crate::domain::{CharacteristicId, InspectionId};

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

/// `INSERT INTO inspection_units` of many rows.
pub struct InsertUnits {
    inspection_id: Vec<InspectionId>,
    unit_index: Vec<i32>,
    serial: Vec<Option<String>>,
}
fixed_statement!(InsertUnits);

impl InsertUnits {
    pub fn new(rows: &[InspectionUnit]) -> Self {
        InsertUnits {
            inspection_id: rows.iter().map(|r| r.inspection_id).collect(),
            unit_index: rows.iter().map(|r| r.unit_index).collect(),
            serial: rows.iter().map(|r| r.serial.clone()).collect(),
        }
    }
}

impl QueryFragment<Pg> for InsertUnits {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_sql(
            "INSERT INTO inspection_units (inspection_id, unit_index, serial) SELECT * FROM unnest(",
        );
        out.push_bind_param::<Array<SqlUuid>, _>(&self.inspection_id)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Integer>, _>(&self.unit_index)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Nullable<Text>>, _>(&self.serial)?;
        out.push_sql(")");
        Ok(())
    }
}

/// `INSERT INTO measurements` of many rows.
pub struct InsertMeasurements {
    inspection_id: Vec<InspectionId>,
    unit_index: Vec<i32>,
    characteristic_id: Vec<CharacteristicId>,
    value: Vec<f64>,
}
fixed_statement!(InsertMeasurements);

impl InsertMeasurements {
    pub fn new(rows: &[MeasurementRow]) -> Self {
        InsertMeasurements {
            inspection_id: rows.iter().map(|r| r.inspection_id).collect(),
            unit_index: rows.iter().map(|r| r.unit_index).collect(),
            characteristic_id: rows.iter().map(|r| r.characteristic_id).collect(),
            value: rows.iter().map(|r| r.value).collect(),
        }
    }
}

impl QueryFragment<Pg> for InsertMeasurements {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_sql(
            "INSERT INTO measurements (inspection_id, unit_index, characteristic_id, value) \
             SELECT * FROM unnest(",
        );
        out.push_bind_param::<Array<SqlUuid>, _>(&self.inspection_id)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Integer>, _>(&self.unit_index)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<SqlUuid>, _>(&self.characteristic_id)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Double>, _>(&self.value)?;
        out.push_sql(")");
        Ok(())
    }
}

/// `INSERT INTO attribute_results` of many rows.
pub struct InsertAttributes {
    inspection_id: Vec<InspectionId>,
    unit_index: Vec<i32>,
    characteristic_id: Vec<CharacteristicId>,
    pass: Vec<bool>,
    defects: Vec<i32>,
    note: Vec<Option<String>>,
}
fixed_statement!(InsertAttributes);

impl InsertAttributes {
    pub fn new(rows: &[AttributeResultRow]) -> Self {
        InsertAttributes {
            inspection_id: rows.iter().map(|r| r.inspection_id).collect(),
            unit_index: rows.iter().map(|r| r.unit_index).collect(),
            characteristic_id: rows.iter().map(|r| r.characteristic_id).collect(),
            pass: rows.iter().map(|r| r.pass).collect(),
            defects: rows.iter().map(|r| r.defects).collect(),
            note: rows.iter().map(|r| r.note.clone()).collect(),
        }
    }
}

impl QueryFragment<Pg> for InsertAttributes {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_sql(
            "INSERT INTO attribute_results \
             (inspection_id, unit_index, characteristic_id, pass, defects, note) \
             SELECT * FROM unnest(",
        );
        out.push_bind_param::<Array<SqlUuid>, _>(&self.inspection_id)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Integer>, _>(&self.unit_index)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<SqlUuid>, _>(&self.characteristic_id)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Bool>, _>(&self.pass)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Integer>, _>(&self.defects)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Nullable<Text>>, _>(&self.note)?;
        out.push_sql(")");
        Ok(())
    }
}
