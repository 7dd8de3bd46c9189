//! Two photos side by side with a difference score: an aid for the
//! inspector's eye, never a decision.

use std::io::Cursor;

use image::codecs::png::PngEncoder;
use image::imageops::{self, FilterType};
use image::{DynamicImage, GrayImage, ImageEncoder, Rgb, RgbImage};

use crate::decode::{check_upload, decode_bounded, oriented_size};
use crate::{PhotoError, UploadLimits};

/// Height of each photo in the side-by-side image, in pixels.
pub const COMPARE_HEIGHT: u32 = 512;
/// Widest a photo may be drawn in the side-by-side image (very wide panoramas are squeezed).
const COMPARE_MAX_WIDTH: u32 = 2048;
/// Light grey gap between the two photos, in pixels.
const GAP: u32 = 16;
/// Side of the square grayscale images the scores are computed on.
const SCORE_SIDE: u32 = 128;

/// Two photos side by side, and how different they look.
///
/// The scores compare the two photos reduced to 128 x 128 grayscale (aspect
/// ignored), so they see shape, placement and shading, not fine detail. They
/// move with framing, lighting and camera as much as with the part: two photos
/// of the same good part from a slightly different angle can score worse than
/// a scratched part photographed identically. Use them to sort and to draw the
/// eye, never to accept or reject.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// PNG image: the first photo on the left, the second on the right, both
    /// 512 px high after EXIF orientation.
    pub side_by_side_png: Vec<u8>,
    /// Width of the side-by-side image in pixels.
    pub width: u32,
    /// Height of the side-by-side image in pixels.
    pub height: u32,
    /// Mean absolute difference of the grayscale values, from 0 (identical)
    /// to 1 (black against white everywhere).
    pub mean_abs_difference: f64,
    /// Structural similarity (SSIM, mean over 8 x 8 blocks) from -1 to 1;
    /// 1 means identical, about 0 means unrelated pictures.
    pub ssim: f64,
}

/// Decodes two photos (each within `limits`) and compares them.
pub fn compare(a: &[u8], b: &[u8], limits: &UploadLimits) -> Result<Comparison, PhotoError> {
    let left = load_at_height(a, limits)?;
    let right = load_at_height(b, limits)?;
    let gray_left = score_image(&left);
    let gray_right = score_image(&right);
    let side = side_by_side(&left, &right);
    let mut png = Vec::new();
    PngEncoder::new(Cursor::new(&mut png))
        .write_image(
            &side,
            side.width(),
            side.height(),
            image::ExtendedColorType::Rgb8,
        )
        .map_err(|e| PhotoError::Internal(format!("encoding the comparison failed: {e}")))?;
    Ok(Comparison {
        side_by_side_png: png,
        width: side.width(),
        height: side.height(),
        mean_abs_difference: mean_abs_difference(&gray_left, &gray_right),
        ssim: ssim(&gray_left, &gray_right),
    })
}

/// Decodes a photo, orients it and scales it to `COMPARE_HEIGHT` pixels high.
fn load_at_height(bytes: &[u8], limits: &UploadLimits) -> Result<RgbImage, PhotoError> {
    let format = check_upload(bytes, limits)?;
    let decoded = decode_bounded(bytes, format, limits)?;
    let (w, h) = (decoded.image.width(), decoded.image.height());
    let (ow, oh) = oriented_size(w, h, decoded.orientation);
    let target_w = ((u64::from(ow) * u64::from(COMPARE_HEIGHT) + u64::from(oh) / 2) / u64::from(oh))
        .clamp(1, u64::from(COMPARE_MAX_WIDTH)) as u32;
    // Scale in stored orientation, then rotate the small picture.
    let (sw, sh) = oriented_size(target_w, COMPARE_HEIGHT, decoded.orientation);
    let rgb = decoded.image.into_rgb8();
    let scaled = if sw <= w && sh <= h {
        imageops::thumbnail(&rgb, sw, sh)
    } else {
        imageops::resize(&rgb, sw, sh, FilterType::Triangle)
    };
    let mut oriented = DynamicImage::ImageRgb8(scaled);
    oriented.apply_orientation(decoded.orientation);
    Ok(oriented.into_rgb8())
}

fn side_by_side(left: &RgbImage, right: &RgbImage) -> RgbImage {
    let width = left.width() + GAP + right.width();
    let mut canvas = RgbImage::from_pixel(width, COMPARE_HEIGHT, Rgb([235, 235, 235]));
    imageops::replace(&mut canvas, left, 0, 0);
    imageops::replace(&mut canvas, right, i64::from(left.width() + GAP), 0);
    canvas
}

fn score_image(image: &RgbImage) -> GrayImage {
    let gray = DynamicImage::ImageRgb8(image.clone()).into_luma8();
    imageops::resize(&gray, SCORE_SIDE, SCORE_SIDE, FilterType::Triangle)
}

/// Mean of |a - b| over all pixels, scaled to 0..1.
pub(crate) fn mean_abs_difference(a: &GrayImage, b: &GrayImage) -> f64 {
    let total: u64 = a
        .iter()
        .zip(b.iter())
        .map(|(&x, &y)| u64::from(x.abs_diff(y)))
        .sum();
    total as f64 / (a.len().max(1) as f64 * 255.0)
}

/// Mean SSIM (Wang et al. 2004, constants K1 = 0.01, K2 = 0.03, L = 255)
/// over non-overlapping 8 x 8 blocks.
pub(crate) fn ssim(a: &GrayImage, b: &GrayImage) -> f64 {
    const BLOCK: u32 = 8;
    let c1 = (0.01 * 255.0_f64).powi(2);
    let c2 = (0.03 * 255.0_f64).powi(2);
    let (mut sum, mut blocks) = (0.0, 0u32);
    for by in (0..a.height() / BLOCK).map(|i| i * BLOCK) {
        for bx in (0..a.width() / BLOCK).map(|i| i * BLOCK) {
            let pixels = || {
                (by..by + BLOCK).flat_map(move |y| {
                    (bx..bx + BLOCK).map(move |x| {
                        (
                            f64::from(a.get_pixel(x, y)[0]),
                            f64::from(b.get_pixel(x, y)[0]),
                        )
                    })
                })
            };
            let n = f64::from(BLOCK * BLOCK);
            let (mean_a, mean_b) = pixels().fold((0.0, 0.0), |(sa, sb), (x, y)| (sa + x, sb + y));
            let (mean_a, mean_b) = (mean_a / n, mean_b / n);
            let (mut var_a, mut var_b, mut cov) = (0.0, 0.0, 0.0);
            for (x, y) in pixels() {
                var_a += (x - mean_a).powi(2);
                var_b += (y - mean_b).powi(2);
                cov += (x - mean_a) * (y - mean_b);
            }
            let (var_a, var_b, cov) = (var_a / (n - 1.0), var_b / (n - 1.0), cov / (n - 1.0));
            sum += ((2.0 * mean_a * mean_b + c1) * (2.0 * cov + c2))
                / ((mean_a.powi(2) + mean_b.powi(2) + c1) * (var_a + var_b + c2));
            blocks += 1;
        }
    }
    if blocks == 0 {
        1.0
    } else {
        sum / f64::from(blocks)
    }
}
