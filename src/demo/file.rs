//! The format of `fixtures/demo.json`: the demo's own, not the API's request bodies. Each
//! record turns into the input of the service that stores it through the same domain
//! constructors (`Aql::parse`, `SpecLimits::parse`, `LotSize::parse`) and checks a
//! client's input meets, so a demo record that breaks a rule is refused the same way.
//! Parts and suppliers are here; golden samples in [`super::golden`], lots and their
//! inspections in [`super::production`].

use serde::Deserialize;

use super::golden::GoldenSample;
use super::production::Lot;
use crate::domain::{
    Aql, CharacteristicId, Classification, DefectCodeId, DomainError, InspectionLevel, Kind,
    PartId, SpecLimits, Stage, SupplierId,
};
use crate::service::characteristics::CharacteristicInput;
use crate::service::defect_codes::NewCode;
use crate::service::parts::PartInput;
use crate::service::suppliers::SupplierInput;
use crate::service::{Checks, ServiceError};

/// The whole demo, in the order it is loaded.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoFile {
    pub parts: Vec<Part>,
    pub suppliers: Vec<Supplier>,
    pub golden_samples: Vec<GoldenSample>,
    /// Per supplier and part in production order, so the switching history builds up as
    /// it would have.
    pub lots: Vec<Lot>,
}

/// A part number with its characteristics.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Part {
    pub id: PartId,
    pub number: String,
    pub name: String,
    pub stage: Stage,
    #[serde(default)]
    pub description: String,
    pub characteristics: Vec<Characteristic>,
    /// The part's catalogue of defect codes, which failed results of its inspections
    /// carry.
    #[serde(default)]
    pub defect_codes: Vec<DefectCode>,
}

impl Part {
    /// The part as the parts service takes it.
    pub fn input(&self) -> Result<PartInput, ServiceError> {
        let mut checks = Checks::new();
        checks.text("number", &self.number, 64);
        checks.text("name", &self.name, 200);
        checks.optional_text("description", Some(&self.description), 10_000);
        checks.finish()?;
        Ok(PartInput {
            number: self.number.clone(),
            name: self.name.clone(),
            stage: self.stage,
            description: self.description.clone(),
        })
    }
}

/// A characteristic of a part.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Characteristic {
    pub id: CharacteristicId,
    pub name: String,
    pub kind: Kind,
    pub unit: Option<String>,
    pub nominal: Option<f64>,
    pub lsl: Option<f64>,
    pub usl: Option<f64>,
    pub classification: Classification,
    pub aql: f64,
    pub inspection_level: InspectionLevel,
    #[serde(default)]
    pub destructive: bool,
    pub inspection_cost: Option<f64>,
    pub escape_cost: Option<f64>,
    #[serde(default)]
    pub one_defect_fatal: bool,
}

impl Characteristic {
    /// The characteristic as the characteristics service takes it: the AQL and the
    /// limits parsed into their domain values.
    pub fn input(&self) -> Result<CharacteristicInput, ServiceError> {
        let mut checks = Checks::new();
        checks.text("name", &self.name, 200);
        checks.optional_text("unit", self.unit.as_deref(), 32);
        let aql = checks.parse("aql", Aql::parse(self.aql));
        let limits = if self.kind == Kind::Attribute {
            for (field, value) in [
                ("nominal", self.nominal),
                ("lsl", self.lsl),
                ("usl", self.usl),
            ] {
                if value.is_some() {
                    checks.add(field, DomainError::LimitsOnAttribute);
                }
            }
            Some(SpecLimits::default())
        } else {
            match SpecLimits::parse(self.nominal, self.lsl, self.usl) {
                Ok(limits) => Some(limits),
                Err(err) => {
                    let field = match err {
                        DomainError::NominalOutsideLimits { .. } => "nominal",
                        _ => "lsl",
                    };
                    checks.add(field, err);
                    None
                }
            }
        };
        checks.finish()?;
        let (Some(aql), Some(limits)) = (aql, limits) else {
            return Err(ServiceError::internal(
                "a parsed value is missing after its check",
            ));
        };
        Ok(CharacteristicInput {
            name: self.name.clone(),
            kind: self.kind,
            unit: self.unit.clone(),
            limits,
            classification: self.classification,
            aql,
            inspection_level: self.inspection_level,
            destructive: self.destructive,
            inspection_cost: self.inspection_cost,
            escape_cost: self.escape_cost,
            one_defect_fatal: self.one_defect_fatal,
        })
    }
}

/// A code of a part's defect catalogue.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DefectCode {
    pub id: DefectCodeId,
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
}

impl DefectCode {
    /// The code as the defect-code service takes it; it checks the slug and the texts.
    pub fn input(&self) -> NewCode {
        NewCode {
            id: Some(self.id),
            code: self.code.clone(),
            name: self.name.clone(),
            description: self.description.clone(),
        }
    }
}

/// A supplier or factory.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Supplier {
    pub id: SupplierId,
    pub name: String,
    pub code: String,
}

impl Supplier {
    /// The supplier as the suppliers service takes it.
    pub fn input(&self) -> Result<SupplierInput, ServiceError> {
        let mut checks = Checks::new();
        checks.text("name", &self.name, 200);
        checks.text("code", &self.code, 32);
        checks.finish()?;
        Ok(SupplierInput {
            name: self.name.clone(),
            code: self.code.clone(),
        })
    }
}
