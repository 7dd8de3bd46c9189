//! The demo data in `fixtures/demo.json`, loaded through lotgate's services with the
//! domain values a client's input is parsed into, so that every demo record passes the
//! same rules as a client's.

use std::collections::HashMap;
use std::fmt::Display;

use diesel::PgConnection;
use lotgate_imaging::UploadLimits;
use lotgate_imaging::demo::{DemoPart, draw_demo_part, encode_jpeg};

use crate::auth::Principal;
use crate::db::PgPool;
use crate::domain::{GoldenSampleRevisionId, PartId, Role, TokenHolder, TokenId};
use crate::service::golden_samples::Approved;
use crate::service::photos::{AttributeResultRef, CheckedPhoto};
use crate::service::{
    ServiceError, characteristics, decisions, defect_codes, golden_samples, inspections, lots,
    parts, photos, suppliers, tokens,
};

mod afterwards;
mod file;
mod golden;
mod production;

use file::DemoFile;
use golden::{Approve, Drawing, GoldenSample, Revision, View};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The demo file, compiled into the binary so `lotgate demo` works from any directory.
pub const DEMO_JSON: &str = include_str!("../fixtures/demo.json");

/// Loads the demo unless the database already has parts; returns whether it loaded.
pub fn load(pool: &PgPool) -> Result<bool, BoxError> {
    let mut conn = pool.get()?;
    if !parts::list(&mut conn, None, 1)?.is_empty() {
        return Ok(false);
    }
    let demo: DemoFile =
        serde_json::from_str(DEMO_JSON).map_err(|e| format!("the demo file: {e}"))?;
    // The demo is made under a token of its own, revoked when done, so the audit trail
    // shows which records the demo made and that nobody can act as the loader later.
    // Its secret is never shown: the loader acts as the token's holder directly.
    let loader = Principal::command_line("lotgate demo");
    let new = tokens::NewToken {
        name: "demo loader".to_string(),
        holder: TokenHolder::Person,
        role: Role::Admin,
        supplier_id: None,
    };
    let (token, _secret) = tokens::issue(&mut conn, &loader, new)?;
    let by = Principal::token(token.id, token.name, token.role, token.supplier_id);
    let loaded = load_all(&mut conn, &by, &demo);
    tokens::revoke(&mut conn, &loader, token.id, Some("demo loaded"))?;
    loaded?;
    Ok(true)
}

/// Creates a token of `role` for `name`.
fn issue(
    pool: &PgPool,
    by: &Principal,
    name: &str,
    role: Role,
) -> Result<(TokenId, String), BoxError> {
    let new = tokens::NewToken {
        name: name.to_string(),
        holder: TokenHolder::Person,
        role,
        supplier_id: None,
    };
    let (token, secret) = tokens::issue(&mut *pool.get()?, by, new)?;
    Ok((token.id, secret))
}

/// One token per role for trying the demo, made at every start with `--demo`; the demo
/// tokens of the start before are revoked.
pub fn demo_tokens(pool: &PgPool) -> Result<Vec<(Role, String)>, BoxError> {
    let by = Principal::command_line("lotgate serve --demo");
    let mut conn = pool.get()?;
    for old in tokens::list(&mut conn)? {
        let is_demo = Role::ALL.iter().any(|r| old.name == format!("demo {r}"));
        if old.revoked_at.is_none() && is_demo && old.created_by.is_none() {
            tokens::revoke(&mut conn, &by, old.id, Some("new demo tokens"))?;
        }
    }
    drop(conn);
    Role::ALL
        .iter()
        .map(|role| {
            let (_, secret) = issue(pool, &by, &format!("demo {role}"), *role)?;
            Ok((*role, secret))
        })
        .collect()
}

/// Stores the demo in the order a factory would have made it: parts with their defect
/// codes, suppliers, golden samples, then each lot with its inspections, its decision
/// and what happened to it afterwards.
fn load_all(conn: &mut PgConnection, by: &Principal, demo: &DemoFile) -> Result<(), BoxError> {
    for part in &demo.parts {
        let what = format!("part {}", part.number);
        let input = part.input().map_err(refused(&what))?;
        parts::create(conn, by, Some(part.id), &input).map_err(refused(&what))?;
        for c in &part.characteristics {
            let what = format!("characteristic {} of part {}", c.name, part.number);
            let input = c.input().map_err(refused(&what))?;
            characteristics::create(conn, by, part.id, Some(c.id), &input)
                .map_err(refused(&what))?;
        }
        for code in &part.defect_codes {
            let what = format!("defect code {} of part {}", code.code, part.number);
            defect_codes::create(conn, by, part.id, &code.input()).map_err(refused(&what))?;
        }
    }
    for supplier in &demo.suppliers {
        let what = format!("supplier {}", supplier.code);
        let input = supplier.input().map_err(refused(&what))?;
        suppliers::create(conn, by, Some(supplier.id), &input).map_err(refused(&what))?;
    }
    // Golden samples first, so the demo inspections are judged against their revision;
    // revisions approved "after_lots" wait until the lots are loaded.
    let mut judged_against: HashMap<PartId, GoldenSampleRevisionId> = HashMap::new();
    let drawings: HashMap<PartId, Drawing> = demo
        .golden_samples
        .iter()
        .map(|s| (s.part_id, s.drawing))
        .collect();
    let mut later = Vec::new();
    for sample in &demo.golden_samples {
        let what = format!("golden sample {}", sample.code);
        golden_samples::create(conn, by, sample.input()).map_err(refused(&what))?;
        for (i, revision) in sample.revisions.iter().enumerate() {
            if revision.approve == Approve::AfterLots {
                later.push((sample, i, revision));
                continue;
            }
            let approved = golden_revision(conn, by, sample, i, revision)?;
            judged_against.insert(sample.part_id, approved.revision.revision.id);
        }
    }
    for lot in &demo.lots {
        let what = format!("lot {}", lot.lot_number);
        let input = lot.input().map_err(refused(&what))?;
        lots::create(conn, by, &input).map_err(refused(&what))?;
        // The demo's inspections predate the approval made while loading, so they name
        // the revision they were judged against instead of relying on the date.
        let revision = judged_against.get(&lot.part_id).copied();
        for inspection in &lot.inspections {
            let what = format!("inspection {} of lot {}", inspection.id, lot.lot_number);
            let input = inspection.input(revision).map_err(refused(&what))?;
            // A correction goes to the inspection it corrects, with its reason.
            match inspection.correction().map_err(refused(&what))? {
                Some((old, reason)) => inspections::correct(conn, by, old, reason, &input),
                None => inspections::record(conn, by, lot.id, &input),
            }
            .map_err(refused(&what))?;
            if let Some(&drawing) = drawings.get(&lot.part_id) {
                defect_photos(conn, by, inspection, drawing)?;
            }
        }
        // Every inspected lot is decided once its inspections are in; lots come in
        // production order per supplier and part, so the switching history builds up as it
        // would. A lot without inspections waits for the tablet.
        if !lot.inspections.is_empty() {
            decisions::decide(conn, by, lot.id, None)
                .map_err(refused(format!("decision of lot {}", lot.lot_number)))?;
        }
        for step in &lot.afterwards {
            afterwards::apply(conn, by, lot.id, &lot.lot_number, revision, step)?;
        }
    }
    for (sample, i, revision) in later {
        golden_revision(conn, by, sample, i, revision)?;
    }
    Ok(())
}

/// Opens revision `i` (from 0) of a golden sample, records its reference values, stores
/// its photos (drawn by code) and approves it; returns the approval outcome.
fn golden_revision(
    conn: &mut PgConnection,
    by: &Principal,
    sample: &GoldenSample,
    i: usize,
    revision: &Revision,
) -> Result<Approved, BoxError> {
    let what = format!("revision {} of golden sample {}", i + 1, sample.code);
    let opened = golden_samples::open_revision(conn, by, sample.id, revision.opening())
        .map_err(refused(&what))?;
    let letter = opened.revision.revision;
    golden_samples::record_references(conn, by, sample.id, &letter, revision.references())
        .map_err(refused(format!("reference measurements of {what}")))?;
    for photo in &revision.photos {
        let view = photo.view;
        let what = format!("{} photo of {what}", view.as_str());
        let checked = demo_photo(sample.drawing, view, 0).map_err(refused(&what))?;
        golden_samples::attach_photo(conn, by, sample.id, &letter, view.as_str(), &checked)
            .map_err(refused(&what))?;
    }
    let approved = golden_samples::approve(conn, by, sample.id, &letter, revision.approval())
        .map_err(refused(format!("approval of {what}")))?;
    Ok(approved)
}

/// Attaches the defect photos of an inspection's failed results, drawn by code.
fn defect_photos(
    conn: &mut PgConnection,
    by: &Principal,
    inspection: &production::Inspection,
    drawing: Drawing,
) -> Result<(), BoxError> {
    for (position, unit) in (1..).zip(&inspection.units) {
        for a in &unit.attributes {
            for photo in &a.photos {
                let what = format!(
                    "{} photo of unit {} of inspection {}",
                    photo.view.as_str(),
                    unit.unit,
                    inspection.id
                );
                let checked =
                    demo_photo(drawing, photo.view, photo.variant).map_err(refused(&what))?;
                let at = AttributeResultRef {
                    inspection: inspection.id,
                    unit: position,
                    characteristic: a.characteristic_id,
                };
                photos::attach_to_attribute_result(
                    conn,
                    by,
                    at,
                    Some(photo.view.as_str()),
                    &checked,
                )
                .map_err(refused(&what))?;
            }
        }
    }
    Ok(())
}

/// A demo photo of the part from `view` (`variant` 0: as the golden sample shows it, else
/// with a defect), as a JPEG checked the way an uploaded photo is.
fn demo_photo(drawing: Drawing, view: View, variant: u32) -> Result<CheckedPhoto, ServiceError> {
    let image = draw(drawing, view, variant);
    let jpeg = encode_jpeg(&image, 88).map_err(ServiceError::internal)?;
    let processed =
        lotgate_imaging::process_upload(&jpeg, Some("image/jpeg"), &UploadLimits::default())
            .map_err(|e| ServiceError::invalid_field("photo", e))?;
    Ok(CheckedPhoto {
        bytes: jpeg,
        processed,
    })
}

/// The drawing distinguishes face, front light and side; the other views are made
/// distinct the way a camera would see them: the underside mirrored, a detail as a
/// close-up of the centre.
fn draw(drawing: Drawing, view: View, variant: u32) -> image::RgbImage {
    let part = match drawing {
        Drawing::PlasticClip => DemoPart::PlasticClip,
        Drawing::Pcb => DemoPart::Pcb,
        Drawing::Product => DemoPart::Product,
    };
    // Golden photos at a camera's size; defect photos smaller, so the demo loads quickly.
    let (w, h) = if variant == 0 {
        (1024, 768)
    } else {
        (640, 480)
    };
    let face = draw_demo_part(part, view.as_str(), w, h, variant);
    match view {
        View::Bottom | View::Back => image::imageops::flip_horizontal(&face),
        View::Detail => {
            let centre = image::imageops::crop_imm(&face, w / 4, h / 4, w / 2, h / 2).to_image();
            image::imageops::resize(&centre, w, h, image::imageops::FilterType::Triangle)
        }
        View::Front | View::Top | View::Side => face,
    }
}

/// Names the demo record a service refused, so a broken demo file says which record.
fn refused(what: impl Display) -> impl FnOnce(ServiceError) -> BoxError {
    move |err| format!("demo {what} refused: {err}").into()
}
