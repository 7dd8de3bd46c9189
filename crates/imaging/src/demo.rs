//! Photos of demo parts, drawn by code (the demo data never downloads a picture).

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::{ImageEncoder, Rgb, RgbImage};

use crate::PhotoError;

/// What a demo photo shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DemoPart {
    /// A moulded blue plastic clip with a slot (a part).
    PlasticClip,
    /// A green circuit board with chips and pads (a sub-assembly).
    Pcb,
    /// A dark rounded enclosure with a button and a LED (a finished product).
    Product,
}

/// Draws a photo of `part` seen from `view`, `width` x `height` pixels.
///
/// `view` is the golden-sample view: `"side"` shows the flat profile, any
/// other (`"top"`, `"front"`, ...) the face; views differ in their light too.
/// `variant` 0 is the part as the golden sample shows it; 1 adds a scratch,
/// 2 a chipped corner, 3 a discoloured patch, and higher values cycle through
/// these. The variant also seeds the small shift and sensor noise, so every
/// (part, view, size, variant) gives the same pixels on every machine.
pub fn draw_demo_part(
    part: DemoPart,
    view: &str,
    width: u32,
    height: u32,
    variant: u32,
) -> RgbImage {
    let side = view.eq_ignore_ascii_case("side");
    let light = if view.eq_ignore_ascii_case("front") {
        (0.6, -0.8)
    } else {
        (-0.7, -0.7)
    };
    let (w, h) = (width.max(1) as f32, height.max(1) as f32);
    let unit = w.min(h);
    // A small per-variant shift, as when a part is laid down again under the camera.
    let jitter = (hash(variant, 7, 11) % 9) as f32 / 400.0 - 0.01;
    let (cx, cy) = (w * (0.5 + jitter), h * (0.5 - jitter));
    let (hw, hh) = match part {
        DemoPart::PlasticClip => (unit * 0.40, unit * 0.22),
        DemoPart::Pcb => (unit * 0.45, unit * 0.32),
        DemoPart::Product => (unit * 0.38, unit * 0.30),
    };
    let hh = if side { hh * 0.25 } else { hh };
    let defect = if variant == 0 {
        0
    } else {
        (variant - 1) % 3 + 1
    };

    RgbImage::from_fn(width, height, |x, y| {
        let (px, py) = (x as f32 + 0.5, y as f32 + 0.5);
        let (nx, ny) = ((px - cx) / w, (py - cy) / h);
        // Table surface: warm grey with a vignette.
        let vignette = 1.0 - 0.35 * (nx * nx + ny * ny);
        let mut rgb = [200.0 * vignette, 196.0 * vignette, 188.0 * vignette];
        let d = rounded_rect(px - cx, py - cy, hw, hh, unit * 0.05);
        if d < unit * 0.012 && d >= 0.0 {
            // Soft contact shadow just outside the outline.
            rgb.iter_mut()
                .for_each(|c| *c *= 0.75 + 0.25 * d / (unit * 0.012));
        }
        let chipped = defect == 2 && (px - (cx + hw)).hypot(py - (cy - hh)) < unit * 0.08;
        if d < 0.0 && !chipped {
            let (mut base, face) = face_colour(part, side, px - cx, py - cy, hw, hh, unit);
            if defect == 3 && (px - cx + hw * 0.4).hypot(py - cy) < unit * 0.09 {
                base = [base[0] * 0.8 + 40.0, base[1] * 0.8 + 30.0, base[2] * 0.5];
            }
            // Bevel: the rim facing the light is brighter, the far rim darker.
            let rim = (-d / (unit * 0.025)).min(1.0);
            let len = (px - cx).hypot(py - cy).max(1.0);
            let facing = ((px - cx) / len * light.0 + (py - cy) / len * light.1) * (1.0 - rim);
            let shade =
                face * (1.0 + 0.35 * facing) * (0.9 + 0.1 * (1.0 - (py - cy + hh) / (2.0 * hh)));
            rgb = base.map(|c| c * shade);
            if defect == 1 && scratch(px - cx, py - cy, hw, unit) {
                rgb = [235.0, 235.0, 235.0];
            }
        }
        let noise = (hash(x, y, variant) % 9) as f32 - 4.0;
        Rgb(rgb.map(|c| (c + noise).clamp(0.0, 255.0) as u8))
    })
}

/// Colour and brightness of the part's face at offset (dx, dy) from its centre.
fn face_colour(
    part: DemoPart,
    side: bool,
    dx: f32,
    dy: f32,
    hw: f32,
    hh: f32,
    unit: f32,
) -> ([f32; 3], f32) {
    match part {
        DemoPart::PlasticClip => {
            let slot = !side && rounded_rect(dx, dy, hw * 0.55, hh * 0.25, unit * 0.03) < 0.0;
            if slot {
                ([120.0, 116.0, 110.0], 0.6)
            } else {
                ([40.0, 95.0, 200.0], 1.0)
            }
        }
        DemoPart::Pcb => {
            let chip = !side
                && (rounded_rect(dx + hw * 0.4, dy, hw * 0.2, hh * 0.35, 2.0) < 0.0
                    || rounded_rect(dx - hw * 0.35, dy + hh * 0.3, hw * 0.15, hh * 0.2, 2.0) < 0.0);
            // Gold connector fingers along the bottom edge.
            let pitch = unit * 0.04;
            let pad = !side
                && dy > hh * 0.72
                && dx.abs() < hw * 0.8
                && dx.rem_euclid(pitch) < pitch * 0.5;
            let trace = !side && ((dy + hh) % (unit * 0.05)).abs() < unit * 0.006;
            if chip {
                ([30.0, 30.0, 34.0], 1.0)
            } else if pad {
                ([210.0, 170.0, 60.0], 1.0)
            } else if trace {
                ([40.0, 140.0, 70.0], 1.0)
            } else {
                ([20.0, 110.0, 50.0], 1.0)
            }
        }
        DemoPart::Product => {
            let button = !side && dx.hypot(dy) < unit * 0.08;
            let led = !side && (dx - hw * 0.7).hypot(dy + hh * 0.7) < unit * 0.015;
            if button {
                ([150.0, 150.0, 155.0], 1.0)
            } else if led {
                ([60.0, 230.0, 90.0], 1.0)
            } else {
                ([60.0, 62.0, 68.0], 1.0)
            }
        }
    }
}

/// Signed distance to a rectangle of half-size (hw, hh) with corner radius r:
/// negative inside.
fn rounded_rect(dx: f32, dy: f32, hw: f32, hh: f32, r: f32) -> f32 {
    let r = r.min(hw).min(hh);
    let qx = dx.abs() - (hw - r);
    let qy = dy.abs() - (hh - r);
    qx.max(0.0).hypot(qy.max(0.0)) + qx.max(qy).min(0.0) - r
}

/// A thin diagonal scratch across the left half of the face.
fn scratch(dx: f32, dy: f32, hw: f32, unit: f32) -> bool {
    dx < 0.0 && dx > -hw * 0.8 && (dy - 0.3 * (dx + hw * 0.4)).abs() < unit * 0.004
}

fn hash(x: u32, y: u32, seed: u32) -> u32 {
    let mut h =
        x.wrapping_mul(0x9E37_79B1) ^ y.wrapping_mul(0x85EB_CA77) ^ seed.wrapping_mul(0xC2B2_AE3D);
    h ^= h >> 15;
    h = h.wrapping_mul(0x2C1B_3C6D);
    h ^ (h >> 13)
}

/// Encodes an RGB picture as JPEG at `quality` (1-100; 85-92 looks like a camera).
pub fn encode_jpeg(image: &RgbImage, quality: u8) -> Result<Vec<u8>, PhotoError> {
    let mut bytes = Vec::new();
    JpegEncoder::new_with_quality(Cursor::new(&mut bytes), quality.clamp(1, 100))
        .write_image(
            image,
            image.width(),
            image.height(),
            image::ExtendedColorType::Rgb8,
        )
        .map_err(|e| PhotoError::Internal(format!("encoding a JPEG failed: {e}")))?;
    Ok(bytes)
}

/// Encodes an RGB picture as PNG.
pub fn encode_png(image: &RgbImage) -> Result<Vec<u8>, PhotoError> {
    let mut bytes = Vec::new();
    PngEncoder::new(Cursor::new(&mut bytes))
        .write_image(
            image,
            image.width(),
            image.height(),
            image::ExtendedColorType::Rgb8,
        )
        .map_err(|e| PhotoError::Internal(format!("encoding a PNG failed: {e}")))?;
    Ok(bytes)
}
