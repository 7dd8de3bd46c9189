//! Characteristics of a part: add, read, change.

use diesel::PgConnection;

use super::{Found, ServiceError, audit};
use crate::auth::Principal;
use crate::db::models::{Characteristic, NewCharacteristic};
use crate::db::{characteristics as chars_db, parts as parts_db};
use crate::domain::{
    Aql, CharacteristicId, Classification, InspectionLevel, Kind, PartId, SpecLimits,
};

/// What a characteristic is defined or changed with: the AQL and the limits as parsed
/// domain values (an AQL of the series, ordered limits); costs in range and no limits on
/// an attribute are checked at the edge, where each field can be named. The name is
/// stored trimmed.
#[derive(Debug, Clone)]
pub struct CharacteristicInput {
    pub name: String,
    pub kind: Kind,
    pub unit: Option<String>,
    /// Nominal and specification limits (none for an attribute).
    pub limits: SpecLimits,
    pub classification: Classification,
    pub aql: Aql,
    pub inspection_level: InspectionLevel,
    pub destructive: bool,
    /// k1: cost to inspect one unit.
    pub inspection_cost: Option<f64>,
    /// k2: cost of one defective unit reaching the customer.
    pub escape_cost: Option<f64>,
    pub one_defect_fatal: bool,
}

impl CharacteristicInput {
    fn row(&self, id: CharacteristicId, part_id: PartId) -> NewCharacteristic<'_> {
        NewCharacteristic {
            id,
            part_id,
            name: self.name.trim(),
            kind: self.kind,
            unit: self.unit.as_deref(),
            nominal: self.limits.nominal(),
            lsl: self.limits.lsl(),
            usl: self.limits.usl(),
            classification: self.classification,
            aql: self.aql.percent(),
            inspection_level: self.inspection_level,
            destructive: self.destructive,
            inspection_cost: self.inspection_cost,
            escape_cost: self.escape_cost,
            one_defect_fatal: self.one_defect_fatal,
        }
    }
}

/// Adds a characteristic to a part; `id` is the client's, or a new one when absent.
pub fn create(
    conn: &mut PgConnection,
    by: &Principal,
    part_id: PartId,
    id: Option<CharacteristicId>,
    input: &CharacteristicInput,
) -> Result<Characteristic, ServiceError> {
    parts_db::get(conn, part_id).or_not_found("part", part_id)?;
    let new = input.row(id.unwrap_or_else(CharacteristicId::new_random), part_id);
    conn.build_transaction().run(|conn| {
        let created = chars_db::insert(conn, &new)?;
        audit::created(conn, by, "characteristic", created.id, &created)?;
        Ok(created)
    })
}

/// The characteristic.
pub fn get(conn: &mut PgConnection, id: CharacteristicId) -> Result<Characteristic, ServiceError> {
    chars_db::get(conn, id).or_not_found("characteristic", id)
}

/// Changes everything but the characteristic's part and kind: its recorded results
/// depend on the kind, so a different one is refused. `precondition` sees the
/// characteristic as it is under the row lock (the caller's `If-Match`); when it refuses,
/// nothing changes.
pub fn update(
    conn: &mut PgConnection,
    by: &Principal,
    id: CharacteristicId,
    input: &CharacteristicInput,
    precondition: impl FnOnce(&Characteristic) -> Result<(), ServiceError>,
) -> Result<Characteristic, ServiceError> {
    conn.build_transaction().run(|conn| {
        let before = chars_db::lock(conn, id).or_not_found("characteristic", id)?;
        precondition(&before)?;
        if input.kind != before.kind {
            return Err(ServiceError::invalid_field(
                "kind",
                format!(
                    "a {} characteristic stays {}: its recorded results depend on it; \
                     add a new characteristic instead",
                    before.kind, before.kind
                ),
            ));
        }
        let after = chars_db::update(conn, id, &input.row(id, before.part_id))?;
        audit::updated(conn, by, "characteristic", id, &before, &after)?;
        Ok(after)
    })
}
