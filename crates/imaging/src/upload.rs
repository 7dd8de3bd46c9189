//! Accepting an uploaded photo: check, fingerprint, measure, thumbnail.

use sha2::{Digest, Sha256};

use crate::decode::{check_upload, decode_bounded, oriented_size};
use crate::thumbnail::{Thumbnail, make_thumbnail};
use crate::{PhotoError, PhotoFormat, UploadLimits};

/// An accepted photo: what to store beside the original bytes, which are kept unchanged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcessedPhoto {
    /// SHA-256 of the original bytes, 64 lowercase hex digits.
    pub sha256: String,
    /// Format found from the bytes.
    pub format: PhotoFormat,
    /// Media type of the original bytes: `image/jpeg`, `image/png` or `image/webp`.
    pub content_type: &'static str,
    /// Size of the original in bytes.
    pub byte_size: usize,
    /// Width in pixels as the photo is seen, after EXIF orientation.
    pub width: u32,
    /// Height in pixels as the photo is seen, after EXIF orientation.
    pub height: u32,
    /// Preview, longest side at most 512 px.
    pub thumbnail: Thumbnail,
}

/// Checks and processes one uploaded photo.
///
/// In order: refuses an empty upload or one over `limits.max_bytes`; finds the
/// real format from the magic bytes (JPEG, PNG, WebP only) and checks it
/// against `declared_content_type`; reads the header and refuses pictures over
/// the dimension limits before decoding; decodes under `image::Limits`; applies
/// the EXIF orientation; makes the thumbnail and the SHA-256 of the original.
///
/// CPU-bound (about a tenth of a second for 12 megapixels): call it off the
/// request threads.
pub fn process_upload(
    bytes: &[u8],
    declared_content_type: Option<&str>,
    limits: &UploadLimits,
) -> Result<ProcessedPhoto, PhotoError> {
    let format = check_upload(bytes, limits)?;
    format.check_declared(declared_content_type)?;
    let decoded = decode_bounded(bytes, format, limits)?;
    let (width, height) = oriented_size(
        decoded.image.width(),
        decoded.image.height(),
        decoded.orientation,
    );
    let thumbnail = make_thumbnail(decoded.image, decoded.orientation)?;
    Ok(ProcessedPhoto {
        sha256: sha256_hex(bytes),
        format,
        content_type: format.content_type(),
        byte_size: bytes.len(),
        width,
        height,
        thumbnail,
    })
}

/// SHA-256 of `bytes` as 64 lowercase hex digits.
pub fn sha256_hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(64);
    for byte in digest.iter() {
        out.push(char::from(HEX[usize::from(byte >> 4)]));
        out.push(char::from(HEX[usize::from(byte & 0x0f)]));
    }
    out
}
