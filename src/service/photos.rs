//! The photo store: golden-sample and defect photos kept in PostgreSQL, de-duplicated by
//! the SHA-256 of their bytes, and read back byte for byte. Checking, measuring and
//! thumbnailing a photo is pure work of `lotgate_imaging`, done by the caller off the
//! request threads before a connection is taken; what reaches this module is a photo
//! already accepted.

use diesel::PgConnection;
use lotgate_imaging::ProcessedPhoto;

use super::{Found, ServiceError, audit, scope};
use crate::auth::Principal;
use crate::db::photos::{self as photos_db, NewPhoto, PhotoMeta, Rendition};
use crate::domain::{CharacteristicId, InspectionId, PhotoId};

/// A photo accepted by `lotgate_imaging::process_upload`: its original bytes, kept
/// unchanged, and what was found in them (fingerprint, size, thumbnail).
pub struct CheckedPhoto {
    pub bytes: Vec<u8>,
    pub processed: ProcessedPhoto,
}

/// Stores a photo, or finds the stored one with the same bytes (same SHA-256): the same
/// photo uploaded twice, or by two tablets at once, is kept once under one id. Call it
/// inside the transaction that links the photo to what it shows.
pub fn store(conn: &mut PgConnection, photo: &CheckedPhoto) -> Result<PhotoMeta, ServiceError> {
    let p = &photo.processed;
    let new = NewPhoto {
        id: PhotoId::new_random(),
        sha256: &p.sha256,
        content_type: p.content_type,
        byte_size: p.byte_size as i32,
        width: p.width as i32,
        height: p.height as i32,
        bytes: &photo.bytes,
        thumbnail_content_type: p.thumbnail.content_type,
        thumbnail_width: p.thumbnail.width as i32,
        thumbnail_height: p.thumbnail.height as i32,
        thumbnail: &p.thumbnail.bytes,
    };
    Ok(photos_db::insert_or_get(conn, &new)?)
}

/// The attribute result of one unit of an inspection that a defect photo shows.
#[derive(Debug, Clone, Copy)]
pub struct AttributeResultRef {
    pub inspection: InspectionId,
    /// Position of the unit in the inspection, from 1.
    pub unit: i32,
    pub characteristic: CharacteristicId,
}

/// Adds a defect photo to a recorded attribute result; the inspection itself is not
/// changed. Returns the stored photo and whether it was newly added (false: it was
/// already on the result, nothing was written).
pub fn attach_to_attribute_result(
    conn: &mut PgConnection,
    by: &Principal,
    at: AttributeResultRef,
    view: Option<&str>,
    photo: &CheckedPhoto,
) -> Result<(PhotoMeta, Option<String>, bool), ServiceError> {
    let AttributeResultRef {
        inspection,
        unit,
        characteristic,
    } = at;
    let missing = || {
        ServiceError::not_found(
            "attribute result",
            format!("{characteristic} on unit {unit} of inspection {inspection}"),
        )
    };
    conn.build_transaction().run(|conn| {
        // Another supplier's inspection, for a bound token, is answered like a missing one.
        match scope::inspection(conn, by, inspection) {
            Err(ServiceError::NotFound { .. }) => return Err(missing()),
            other => other.map(drop)?,
        }
        if !photos_db::attribute_result_exists(conn, inspection, unit, characteristic)? {
            return Err(missing());
        }
        let meta = store(conn, photo)?;
        let created = photos_db::link_to_attribute_result(
            conn,
            inspection,
            unit,
            characteristic,
            meta.id,
            view,
        )?;
        if created {
            let entry = audit::Entry {
                action: "attach_photo",
                entity: "attribute_result",
                id: format!("{inspection}/{unit}/{characteristic}/{}", meta.id),
                old: None,
                reason: None,
            };
            audit::write(conn, by, entry, &DefectPhotoRecord { meta: &meta, view })?;
        }
        // A photo linked before keeps the view it was linked with.
        let view = if created {
            view.map(str::to_string)
        } else {
            photos_db::attribute_result_photo_view(conn, inspection, unit, characteristic, meta.id)?
        };
        Ok((meta, view, created))
    })
}

/// A defect photo as the audit trail keeps it: the photo's metadata and its view.
#[derive(serde::Serialize)]
pub struct DefectPhotoRecord<'a> {
    #[serde(flatten)]
    pub meta: &'a PhotoMeta,
    pub view: Option<&'a str>,
}

/// One rendition of a stored photo: the SHA-256 of the original, the rendition's media
/// type, and its bytes unless the caller already holds them.
pub struct Rendered {
    pub sha256: String,
    pub content_type: String,
    /// `None` when `held` said the caller has this rendition already.
    pub bytes: Option<Vec<u8>>,
}

/// Reads a rendition of a photo, if `by` may see it. `held` is asked with the photo's
/// SHA-256 first; when it answers true the bytes are not read at all (a conditional
/// request that matches).
pub fn read(
    conn: &mut PgConnection,
    by: &Principal,
    id: PhotoId,
    rendition: Rendition,
    held: impl FnOnce(&str) -> bool,
) -> Result<Rendered, ServiceError> {
    scope::photo(conn, by, id)?;
    let (sha256, content_type) = photos_db::tag(conn, id, rendition).or_not_found("photo", id)?;
    let bytes = if held(&sha256) {
        None
    } else {
        Some(photos_db::bytes(conn, id, rendition)?)
    };
    Ok(Rendered {
        sha256,
        content_type,
        bytes,
    })
}

/// The original bytes of two photos, to be compared, if `by` may see both.
pub fn originals(
    conn: &mut PgConnection,
    by: &Principal,
    left: PhotoId,
    right: PhotoId,
) -> Result<(Vec<u8>, Vec<u8>), ServiceError> {
    scope::photo(conn, by, left)?;
    scope::photo(conn, by, right)?;
    let a = photos_db::bytes(conn, left, Rendition::Original).or_not_found("photo", left)?;
    let b = photos_db::bytes(conn, right, Rendition::Original).or_not_found("photo", right)?;
    Ok((a, b))
}
