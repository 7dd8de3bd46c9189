//! Thumbnails: longest side 512 px, aspect kept, never upscaled.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::imageops;
use image::metadata::Orientation;
use image::{DynamicImage, ImageEncoder};

use crate::PhotoError;

/// Longest side of a thumbnail, in pixels.
pub const THUMBNAIL_MAX_SIDE: u32 = 512;

/// JPEG quality of thumbnails: small files, no visible blocking at 512 px.
const THUMBNAIL_JPEG_QUALITY: u8 = 85;

/// A small preview of a photo, for lists and the tablet screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Thumbnail {
    /// Encoded thumbnail (JPEG, or PNG when the photo has transparency).
    pub bytes: Vec<u8>,
    /// Media type of `bytes`: `image/jpeg` or `image/png`.
    pub content_type: &'static str,
    /// Width in pixels, after EXIF orientation.
    pub width: u32,
    /// Height in pixels, after EXIF orientation.
    pub height: u32,
}

/// The size that fits `width` x `height` into a `max_side` square, keeping
/// the aspect ratio; pictures that already fit keep their size.
pub fn fit_within(width: u32, height: u32, max_side: u32) -> (u32, u32) {
    let long = width.max(height);
    if long <= max_side {
        return (width, height);
    }
    let scale = |side: u32| {
        let scaled =
            (u64::from(side) * u64::from(max_side) + u64::from(long) / 2) / u64::from(long);
        (scaled as u32).clamp(1, max_side)
    };
    (scale(width), scale(height))
}

/// Shrinks a decoded photo, applies its orientation and encodes it.
///
/// The photo is shrunk before it is rotated, so the rotation touches
/// 0.2 megapixels instead of twelve. The shrink is an area average
/// (`imageops::thumbnail`): each output pixel is the mean of the source
/// pixels it covers, which is what a good downscale converges to and costs
/// one pass over the source, in integers.
pub(crate) fn make_thumbnail(
    image: DynamicImage,
    orientation: Orientation,
) -> Result<Thumbnail, PhotoError> {
    let (tw, th) = fit_within(image.width(), image.height(), THUMBNAIL_MAX_SIDE);
    let small = if image.has_alpha() {
        let rgba = image.into_rgba8();
        let small = if (tw, th) == rgba.dimensions() {
            rgba
        } else {
            imageops::thumbnail(&rgba, tw, th)
        };
        DynamicImage::ImageRgba8(small)
    } else {
        let rgb = image.into_rgb8();
        let small = if (tw, th) == rgb.dimensions() {
            rgb
        } else {
            imageops::thumbnail(&rgb, tw, th)
        };
        DynamicImage::ImageRgb8(small)
    };
    let mut small = small;
    small.apply_orientation(orientation);
    encode_thumbnail(&small)
}

fn encode_thumbnail(image: &DynamicImage) -> Result<Thumbnail, PhotoError> {
    let mut bytes = Vec::new();
    let (width, height) = (image.width(), image.height());
    let content_type = match image {
        DynamicImage::ImageRgba8(rgba) => {
            PngEncoder::new(Cursor::new(&mut bytes))
                .write_image(rgba, width, height, image::ExtendedColorType::Rgba8)
                .map_err(internal)?;
            "image/png"
        }
        other => {
            let rgb = other.to_rgb8();
            JpegEncoder::new_with_quality(Cursor::new(&mut bytes), THUMBNAIL_JPEG_QUALITY)
                .write_image(&rgb, width, height, image::ExtendedColorType::Rgb8)
                .map_err(internal)?;
            "image/jpeg"
        }
    };
    Ok(Thumbnail {
        bytes,
        content_type,
        width,
        height,
    })
}

fn internal(error: image::ImageError) -> PhotoError {
    PhotoError::Internal(format!("encoding the thumbnail failed: {error}"))
}
