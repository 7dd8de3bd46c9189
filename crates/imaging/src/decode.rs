//! Bounded decoding: refuse oversized uploads and decompression bombs before
//! any pixel buffer is allocated.

use std::io::Cursor;

use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageError, ImageReader, Limits};

use crate::{PhotoError, PhotoFormat};

/// How much an upload may cost to open.
///
/// Checked in this order: `max_bytes` on the upload itself, then the width,
/// height and pixel count declared in the picture's header, before decoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UploadLimits {
    /// Largest accepted upload, in bytes.
    pub max_bytes: usize,
    /// Largest accepted width in pixels, as stored (before EXIF rotation).
    pub max_width: u32,
    /// Largest accepted height in pixels, as stored (before EXIF rotation).
    pub max_height: u32,
    /// Largest accepted number of pixels (width x height).
    pub max_pixels: u64,
}

impl Default for UploadLimits {
    /// 25 MiB, at most 10,000 pixels a side and 50 megapixels: every tablet
    /// or phone camera fits, and decoding costs at most a few hundred MB.
    fn default() -> Self {
        Self {
            max_bytes: 25 * 1024 * 1024,
            max_width: 10_000,
            max_height: 10_000,
            max_pixels: 50_000_000,
        }
    }
}

impl UploadLimits {
    /// The decoder limits: dimensions, and an allocation cap that fits the
    /// largest accepted picture at 16-bit RGBA (8 bytes a pixel) plus slack.
    fn decoder_limits(&self) -> Limits {
        let mut limits = Limits::default();
        limits.max_image_width = Some(self.max_width);
        limits.max_image_height = Some(self.max_height);
        limits.max_alloc = Some(self.max_pixels.saturating_mul(8).saturating_add(16 << 20));
        limits
    }

    fn too_large(&self, width: u32, height: u32) -> PhotoError {
        PhotoError::DimensionsTooLarge {
            width,
            height,
            max_width: self.max_width,
            max_height: self.max_height,
            max_pixels: self.max_pixels,
        }
    }
}

/// Refuses empty and oversized uploads and finds the real format.
pub(crate) fn check_upload(bytes: &[u8], limits: &UploadLimits) -> Result<PhotoFormat, PhotoError> {
    if bytes.is_empty() {
        return Err(PhotoError::Empty);
    }
    if bytes.len() > limits.max_bytes {
        return Err(PhotoError::TooLarge {
            size: bytes.len(),
            max: limits.max_bytes,
        });
    }
    PhotoFormat::sniff(bytes)
}

/// Width and height from the picture's header, without decoding its pixels.
pub(crate) fn read_dimensions(bytes: &[u8], format: PhotoFormat) -> Result<(u32, u32), PhotoError> {
    ImageReader::with_format(Cursor::new(bytes), format.image_format())
        .into_dimensions()
        .map_err(corrupt)
}

/// A decoded picture, still as stored, with the EXIF orientation to apply.
pub(crate) struct Decoded {
    pub image: DynamicImage,
    pub orientation: Orientation,
}

/// Decodes `bytes` (already sniffed as `format`) within `limits`.
///
/// The header is read first and its dimensions checked, so a small file that
/// declares a huge picture is refused without allocating it.
pub(crate) fn decode_bounded(
    bytes: &[u8],
    format: PhotoFormat,
    limits: &UploadLimits,
) -> Result<Decoded, PhotoError> {
    if format == PhotoFormat::Jpeg && !crate::jpeg::has_end_of_image(bytes) {
        return Err(PhotoError::Corrupt {
            reason: "the JPEG data ends before its end marker".into(),
        });
    }
    let full = limits.decoder_limits();
    // Header first with only the allocation cap, so that a too-large picture
    // is reported with its real dimensions rather than a bare "limit exceeded".
    let mut header_limits = Limits::default();
    header_limits.max_alloc = full.max_alloc;
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format.image_format());
    reader.limits(header_limits);
    let mut decoder = reader.into_decoder().map_err(corrupt)?;

    let (width, height) = decoder.dimensions();
    let pixels = u64::from(width) * u64::from(height);
    if width > limits.max_width || height > limits.max_height || pixels > limits.max_pixels {
        return Err(limits.too_large(width, height));
    }
    if decoder.total_bytes() > full.max_alloc.unwrap_or(u64::MAX) {
        return Err(limits.too_large(width, height));
    }
    decoder.set_limits(full).map_err(|e| match e {
        ImageError::Limits(_) => limits.too_large(width, height),
        other => corrupt(other),
    })?;

    // A damaged EXIF block should not cost the worker the photo: show it as stored.
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let image = DynamicImage::from_decoder(decoder).map_err(|e| match e {
        ImageError::Limits(_) => limits.too_large(width, height),
        other => corrupt(other),
    })?;
    Ok(Decoded { image, orientation })
}

fn corrupt(error: ImageError) -> PhotoError {
    match error {
        ImageError::Parameter(_) | ImageError::Encoding(_) => {
            PhotoError::Internal(error.to_string())
        }
        other => PhotoError::Corrupt {
            reason: other.to_string(),
        },
    }
}

/// Width and height once `orientation` is applied.
pub(crate) fn oriented_size(width: u32, height: u32, orientation: Orientation) -> (u32, u32) {
    match orientation {
        Orientation::Rotate90
        | Orientation::Rotate270
        | Orientation::Rotate90FlipH
        | Orientation::Rotate270FlipH => (height, width),
        _ => (width, height),
    }
}
