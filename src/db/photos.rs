//! The photo store: original bytes and thumbnail in PostgreSQL, de-duplicated by the
//! SHA-256 of the original, shared by golden samples and inspections.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::schema::{attribute_result_photos, attribute_results, photos};
use crate::domain::{CharacteristicId, InspectionId, PhotoId, SupplierId};

/// What is known of a photo without its bytes; also its value in the audit trail.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = photos, check_for_backend(diesel::pg::Pg))]
pub struct PhotoMeta {
    pub id: PhotoId,
    pub sha256: String,
    pub content_type: String,
    pub byte_size: i32,
    pub width: i32,
    pub height: i32,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = photos)]
pub struct NewPhoto<'a> {
    pub id: PhotoId,
    pub sha256: &'a str,
    pub content_type: &'a str,
    pub byte_size: i32,
    pub width: i32,
    pub height: i32,
    pub bytes: &'a [u8],
    pub thumbnail_content_type: &'a str,
    pub thumbnail_width: i32,
    pub thumbnail_height: i32,
    pub thumbnail: &'a [u8],
}

/// Which bytes of a photo to serve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rendition {
    Original,
    Thumbnail,
}

/// Stores the photo unless one with the same SHA-256 is stored; returns the stored one
/// either way.
pub fn insert_or_get(conn: &mut PgConnection, new: &NewPhoto<'_>) -> QueryResult<PhotoMeta> {
    let inserted = diesel::insert_into(photos::table)
        .values(new)
        .on_conflict(photos::sha256)
        .do_nothing()
        .returning(PhotoMeta::as_returning())
        .get_result(conn)
        .optional()?;
    match inserted {
        Some(meta) => Ok(meta),
        None => photos::table
            .filter(photos::sha256.eq(new.sha256))
            .select(PhotoMeta::as_select())
            .first(conn),
    }
}

pub fn meta(conn: &mut PgConnection, id: PhotoId) -> QueryResult<PhotoMeta> {
    photos::table
        .find(id)
        .select(PhotoMeta::as_select())
        .first(conn)
}

pub fn metas(conn: &mut PgConnection, ids: &[PhotoId]) -> QueryResult<Vec<PhotoMeta>> {
    photos::table
        .filter(photos::id.eq_any(ids))
        .select(PhotoMeta::as_select())
        .load(conn)
}

/// The SHA-256 of the original and the content type of a rendition, without its bytes:
/// enough to answer a conditional request.
pub fn tag(
    conn: &mut PgConnection,
    id: PhotoId,
    rendition: Rendition,
) -> QueryResult<(String, String)> {
    let query = photos::table.find(id);
    match rendition {
        Rendition::Original => query
            .select((photos::sha256, photos::content_type))
            .first(conn),
        Rendition::Thumbnail => query
            .select((photos::sha256, photos::thumbnail_content_type))
            .first(conn),
    }
}

/// The bytes of a rendition.
pub fn bytes(conn: &mut PgConnection, id: PhotoId, rendition: Rendition) -> QueryResult<Vec<u8>> {
    let query = photos::table.find(id);
    match rendition {
        Rendition::Original => query.select(photos::bytes).first(conn),
        Rendition::Thumbnail => query.select(photos::thumbnail).first(conn),
    }
}

/// Whether the inspection recorded a result of this attribute on this unit.
pub fn attribute_result_exists(
    conn: &mut PgConnection,
    inspection: InspectionId,
    unit_index: i32,
    characteristic: CharacteristicId,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(attribute_results::table.find((
        inspection,
        unit_index,
        characteristic,
    ))))
    .get_result(conn)
}

/// Links a defect photo, showing `view` when named, to an attribute result; returns false
/// when it was already linked (the first link's view stays).
pub fn link_to_attribute_result(
    conn: &mut PgConnection,
    inspection: InspectionId,
    unit_index: i32,
    characteristic: CharacteristicId,
    photo: PhotoId,
    view: Option<&str>,
) -> QueryResult<bool> {
    let n = diesel::insert_into(attribute_result_photos::table)
        .values((
            attribute_result_photos::inspection_id.eq(inspection),
            attribute_result_photos::unit_index.eq(unit_index),
            attribute_result_photos::characteristic_id.eq(characteristic),
            attribute_result_photos::photo_id.eq(photo),
            attribute_result_photos::view.eq(view),
        ))
        .on_conflict_do_nothing()
        .execute(conn)?;
    Ok(n == 1)
}

/// The view a defect photo linked to an attribute result was linked with.
pub fn attribute_result_photo_view(
    conn: &mut PgConnection,
    inspection: InspectionId,
    unit_index: i32,
    characteristic: CharacteristicId,
    photo: PhotoId,
) -> QueryResult<Option<String>> {
    attribute_result_photos::table
        .find((inspection, unit_index, characteristic, photo))
        .select(attribute_result_photos::view)
        .first(conn)
}

/// A defect photo of an inspection: unit, attribute characteristic, photo, view.
pub type DefectPhotoRow = (i32, CharacteristicId, PhotoId, Option<String>);

/// The defect photos of an inspection, oldest first.
pub fn of_inspection(
    conn: &mut PgConnection,
    inspection: InspectionId,
) -> QueryResult<Vec<DefectPhotoRow>> {
    attribute_result_photos::table
        .filter(attribute_result_photos::inspection_id.eq(inspection))
        .order((
            attribute_result_photos::added_at,
            attribute_result_photos::photo_id,
        ))
        .select((
            attribute_result_photos::unit_index,
            attribute_result_photos::characteristic_id,
            attribute_result_photos::photo_id,
            attribute_result_photos::view,
        ))
        .load(conn)
}

#[derive(QueryableByName)]
struct Visible {
    #[diesel(sql_type = diesel::sql_types::Bool)]
    visible: bool,
}

/// Whether a photo may be shown to a token bound to `supplier`: it shows a golden
/// sample (the shared catalogue), or a defect found in an inspection of one of the
/// supplier's lots. False for a photo that does not exist.
pub fn visible_to_supplier(
    conn: &mut PgConnection,
    id: PhotoId,
    supplier: SupplierId,
) -> QueryResult<bool> {
    diesel::sql_query(
        "SELECT EXISTS (SELECT 1 FROM golden_sample_photos g WHERE g.photo_id = $1) \
             OR EXISTS (SELECT 1 FROM attribute_result_photos p \
                        JOIN inspections i ON i.id = p.inspection_id \
                        JOIN lots l ON l.id = i.lot_id \
                        WHERE p.photo_id = $1 AND l.supplier_id = $2) AS visible",
    )
    .bind::<diesel::sql_types::Uuid, _>(id)
    .bind::<diesel::sql_types::Uuid, _>(supplier)
    .get_result::<Visible>(conn)
    .map(|v| v.visible)
}
