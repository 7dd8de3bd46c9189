//! Part numbers: register, read with their characteristics, change, list.

use chrono::{DateTime, Utc};
use diesel::PgConnection;
use serde::Serialize;

use super::{Found, ServiceError, audit};
use crate::auth::Principal;
use crate::db::After;
use crate::db::models::{Characteristic, NewPart, Part};
use crate::db::{characteristics as chars_db, parts as parts_db};
use crate::domain::{PartId, Stage};

/// What a part is registered or changed with. Text is stored trimmed; its length and
/// blankness are checked at the edge.
#[derive(Debug, Clone)]
pub struct PartInput {
    pub number: String,
    pub name: String,
    pub stage: Stage,
    pub description: String,
}

impl PartInput {
    fn row(&self, id: PartId) -> NewPart<'_> {
        NewPart {
            id,
            number: self.number.trim(),
            name: self.name.trim(),
            stage: self.stage,
            description: &self.description,
        }
    }
}

/// A part with its characteristics in the order they were defined: what a read returns,
/// what a change is checked against, and the audit value of a change.
#[derive(Debug, Clone, Serialize)]
pub struct PartRecord {
    #[serde(flatten)]
    pub part: Part,
    pub characteristics: Vec<Characteristic>,
}

/// Registers a part; `id` is the client's, or a new one when absent.
pub fn create(
    conn: &mut PgConnection,
    by: &Principal,
    id: Option<PartId>,
    input: &PartInput,
) -> Result<Part, ServiceError> {
    let new = input.row(id.unwrap_or_else(PartId::new_random));
    conn.build_transaction().run(|conn| {
        let part = parts_db::insert(conn, &new)?;
        audit::created(conn, by, "part", part.id, &part)?;
        Ok(part)
    })
}

/// The part with its characteristics.
pub fn get(conn: &mut PgConnection, id: PartId) -> Result<PartRecord, ServiceError> {
    let part = parts_db::get(conn, id).or_not_found("part", id)?;
    record(conn, part)
}

fn record(conn: &mut PgConnection, part: Part) -> Result<PartRecord, ServiceError> {
    let characteristics = chars_db::of_part(conn, part.id)?;
    Ok(PartRecord {
        part,
        characteristics,
    })
}

/// Changes a part's number, name, stage and description. `precondition` sees the part as
/// it is under the row lock (the caller's `If-Match`); when it refuses, nothing changes.
pub fn update(
    conn: &mut PgConnection,
    by: &Principal,
    id: PartId,
    input: &PartInput,
    precondition: impl FnOnce(&PartRecord) -> Result<(), ServiceError>,
) -> Result<PartRecord, ServiceError> {
    conn.build_transaction().run(|conn| {
        let part = parts_db::lock(conn, id).or_not_found("part", id)?;
        let before = record(conn, part)?;
        precondition(&before)?;
        let updated = parts_db::update(conn, id, &input.row(id))?;
        let after = record(conn, updated)?;
        audit::updated(conn, by, "part", id, &before, &after)?;
        Ok(after)
    })
}

/// Parts in the order they were registered: at most `limit` after the keyset position.
pub fn list(
    conn: &mut PgConnection,
    after: Option<After<DateTime<Utc>>>,
    limit: i64,
) -> Result<Vec<Part>, ServiceError> {
    Ok(parts_db::list(conn, after, limit)?)
}
