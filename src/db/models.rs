//! Rows as stored. These are not the JSON shapes: those live in `http/`.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;

use crate::db::schema::{
    attribute_results, characteristics, inspection_units, inspections, lots, measurements, parts,
    suppliers,
};
use crate::domain::{
    CharacteristicId, Classification, GoldenSampleRevisionId, InspectionId, InspectionLevel, Kind,
    LotId, Mode, PartId, Source, Stage, SupplierId,
};

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = parts, check_for_backend(diesel::pg::Pg))]
pub struct Part {
    pub id: PartId,
    pub number: String,
    pub name: String,
    pub stage: Stage,
    pub description: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Insertable, AsChangeset)]
#[diesel(table_name = parts)]
pub struct NewPart<'a> {
    pub id: PartId,
    pub number: &'a str,
    pub name: &'a str,
    pub stage: Stage,
    pub description: &'a str,
}

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = characteristics, check_for_backend(diesel::pg::Pg))]
pub struct Characteristic {
    pub id: CharacteristicId,
    pub part_id: PartId,
    pub name: String,
    pub kind: Kind,
    pub unit: Option<String>,
    pub nominal: Option<f64>,
    pub lsl: Option<f64>,
    pub usl: Option<f64>,
    pub classification: Classification,
    pub aql: f64,
    pub inspection_level: InspectionLevel,
    pub destructive: bool,
    pub created_at: DateTime<Utc>,
    pub inspection_cost: Option<f64>,
    pub escape_cost: Option<f64>,
    pub one_defect_fatal: bool,
}

#[derive(Debug, Insertable, AsChangeset)]
#[diesel(table_name = characteristics, treat_none_as_null = true)]
pub struct NewCharacteristic<'a> {
    pub id: CharacteristicId,
    pub part_id: PartId,
    pub name: &'a str,
    pub kind: Kind,
    pub unit: Option<&'a str>,
    pub nominal: Option<f64>,
    pub lsl: Option<f64>,
    pub usl: Option<f64>,
    pub classification: Classification,
    pub aql: f64,
    pub inspection_level: InspectionLevel,
    pub destructive: bool,
    pub inspection_cost: Option<f64>,
    pub escape_cost: Option<f64>,
    pub one_defect_fatal: bool,
}

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = suppliers, check_for_backend(diesel::pg::Pg))]
pub struct Supplier {
    pub id: SupplierId,
    pub name: String,
    pub code: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = suppliers)]
pub struct NewSupplier<'a> {
    pub id: SupplierId,
    pub name: &'a str,
    pub code: &'a str,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = lots, check_for_backend(diesel::pg::Pg))]
pub struct Lot {
    pub id: LotId,
    pub part_id: PartId,
    pub supplier_id: SupplierId,
    pub lot_number: String,
    pub lot_size: i32,
    pub produced_on: NaiveDate,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = lots)]
pub struct NewLot<'a> {
    pub id: LotId,
    pub part_id: PartId,
    pub supplier_id: SupplierId,
    pub lot_number: &'a str,
    pub lot_size: i32,
    pub produced_on: NaiveDate,
}

#[derive(Debug, Clone, Queryable, QueryableByName, Selectable)]
#[diesel(table_name = inspections, check_for_backend(diesel::pg::Pg))]
pub struct Inspection {
    pub id: InspectionId,
    pub lot_id: LotId,
    pub source: Source,
    pub mode: Mode,
    pub inspector: String,
    pub inspected_at: DateTime<Utc>,
    pub supersedes: Option<InspectionId>,
    pub reason: Option<String>,
    pub body_sha256: String,
    pub recorded_at: DateTime<Utc>,
    pub golden_sample_revision_id: Option<GoldenSampleRevisionId>,
}

// NULL rather than DEFAULT for a missing value keeps the statement's text fixed, so
// each connection prepares it once.
#[derive(Debug, Insertable)]
#[diesel(table_name = inspections, treat_none_as_default_value = false)]
pub struct NewInspection<'a> {
    pub id: InspectionId,
    pub lot_id: LotId,
    pub source: Source,
    pub mode: Mode,
    pub inspector: &'a str,
    pub inspected_at: DateTime<Utc>,
    pub supersedes: Option<InspectionId>,
    pub reason: Option<&'a str>,
    pub body_sha256: &'a str,
    pub golden_sample_revision_id: Option<GoldenSampleRevisionId>,
}

#[derive(Debug, Clone, Queryable, QueryableByName, Selectable, Insertable)]
#[diesel(table_name = inspection_units, check_for_backend(diesel::pg::Pg))]
#[diesel(treat_none_as_default_value = false)]
pub struct InspectionUnit {
    pub inspection_id: InspectionId,
    pub unit_index: i32,
    pub serial: Option<String>,
}

#[derive(Debug, Clone, Queryable, QueryableByName, Selectable, Insertable)]
#[diesel(table_name = measurements, check_for_backend(diesel::pg::Pg))]
#[diesel(treat_none_as_default_value = false)]
pub struct MeasurementRow {
    pub inspection_id: InspectionId,
    pub unit_index: i32,
    pub characteristic_id: CharacteristicId,
    pub value: f64,
}

#[derive(Debug, Clone, Queryable, QueryableByName, Selectable, Insertable)]
#[diesel(table_name = attribute_results, check_for_backend(diesel::pg::Pg))]
pub struct AttributeResultRow {
    pub inspection_id: InspectionId,
    pub unit_index: i32,
    pub characteristic_id: CharacteristicId,
    pub pass: bool,
    pub defects: i32,
    pub note: Option<String>,
}
