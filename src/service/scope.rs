//! What a principal may reach. A token bound to a supplier sees and writes only that
//! supplier's data: another supplier's lot, inspection, photo, decision or switching
//! state is answered as if it did not exist ([`ServiceError::NotFound`]), so that the
//! ids of other suppliers' records are not even confirmed. A bound token never records
//! in-house work: that is the startup's own evidence, and it must not come from a
//! factory's device. Unbound tokens and the command line reach everything.
//!
//! Every use case that reads or writes supplier-keyed data goes through these checks;
//! lists take [`Principal::supplier`] as a filter instead.

use diesel::PgConnection;

use super::{Found, ServiceError};
use crate::auth::Principal;
use crate::db::inspections as inspections_db;
use crate::db::lots as lots_db;
use crate::db::models::{Inspection, Lot};
use crate::db::photos as photos_db;
use crate::domain::{InspectionId, LotId, PhotoId, Source, SupplierId};

/// The lot addressed by `id`, if `by` may see it; otherwise not found.
pub fn lot(conn: &mut PgConnection, by: &Principal, id: LotId) -> Result<Lot, ServiceError> {
    let lot = lots_db::get(conn, id).or_not_found("lot", id)?;
    if by.sees(lot.supplier_id) {
        Ok(lot)
    } else {
        Err(ServiceError::not_found("lot", id))
    }
}

/// The inspection addressed by `id`, if `by` may see its lot; otherwise not found.
pub fn inspection(
    conn: &mut PgConnection,
    by: &Principal,
    id: InspectionId,
) -> Result<Inspection, ServiceError> {
    let inspection = inspections_db::get(conn, id).or_not_found("inspection", id)?;
    if by.supplier.is_none() {
        return Ok(inspection);
    }
    let lot = lots_db::get(conn, inspection.lot_id)?;
    if by.sees(lot.supplier_id) {
        Ok(inspection)
    } else {
        Err(ServiceError::not_found("inspection", id))
    }
}

/// Refuses a supplier addressed by the URL that `by` may not see, as not found.
pub fn supplier(by: &Principal, id: SupplierId) -> Result<(), ServiceError> {
    if by.sees(id) {
        Ok(())
    } else {
        Err(ServiceError::not_found("supplier", id))
    }
}

/// Refuses a supplier named by an input field (`field`) that `by` may not see, as an
/// unknown reference: the same answer as for a supplier that does not exist.
pub fn supplier_reference(by: &Principal, field: &str, id: SupplierId) -> Result<(), ServiceError> {
    if by.sees(id) {
        Ok(())
    } else {
        Err(ServiceError::unknown_reference(field, "supplier", id))
    }
}

/// The supplier filter of a list read by `by`: the one asked for, or the bound
/// supplier. `None` when nothing can match (a bound token asked for another supplier),
/// which the list answers as it would for a supplier without records.
pub fn supplier_filter(by: &Principal, asked: Option<SupplierId>) -> Option<Option<SupplierId>> {
    match (by.supplier, asked) {
        (Some(own), Some(asked)) if own != asked => None,
        (own, asked) => Some(own.or(asked)),
    }
}

/// Refuses a photo that `by` may not see, as not found: a bound token sees golden-sample
/// photos and the defect photos of its own supplier's inspections.
pub fn photo(conn: &mut PgConnection, by: &Principal, id: PhotoId) -> Result<(), ServiceError> {
    match by.supplier {
        Some(supplier) if !photos_db::visible_to_supplier(conn, id, supplier)? => {
            Err(ServiceError::not_found("photo", id))
        }
        _ => Ok(()),
    }
}

/// Refuses an in-house inspection recorded with a token bound to a supplier, naming
/// `source`.
pub fn source(by: &Principal, source: Source) -> Result<(), ServiceError> {
    match by.supplier {
        Some(supplier) if source == Source::InHouse => Err(ServiceError::invalid_field(
            "source",
            format!(
                "a token bound to supplier {supplier} cannot record in-house inspections; \
                 use a token that is not bound to a supplier"
            ),
        )),
        _ => Ok(()),
    }
}
