//! Golden-sample and defect photo processing for lotgate (pure computation:
//! no HTTP, no database).
//!
//! - [`process_upload`] checks an uploaded photo (size, real format, declared
//!   type, dimensions from the header), decodes it within limits, applies the
//!   EXIF orientation, and returns its SHA-256, its size and a thumbnail.
//! - [`compare`] puts two photos side by side with a difference score, as an
//!   aid for an inspector.
//! - [`demo`] draws parts by code for the demo data.
//! - [`DecodeBudget`] bounds the pixels decoded at once, so that large uploads at the
//!   same moment wait their turn instead of adding up in memory.
//!
//! Every failure is a [`PhotoError`] that says what is wrong with the photo
//! (empty, too large, not an image, not what its content type says, damaged,
//! too many pixels); the service decides how to answer it. All functions are
//! CPU-bound: call them off the request threads.

mod budget;
mod compare;
mod decode;
pub mod demo;
mod error;
mod format;
mod jpeg;
mod thumbnail;
mod upload;

pub use budget::{DecodeBudget, DecodeTicket, declared_pixels};
pub use compare::{Comparison, compare};
pub use decode::UploadLimits;
pub use error::PhotoError;
pub use format::PhotoFormat;
pub use thumbnail::{THUMBNAIL_MAX_SIDE, Thumbnail, fit_within};
pub use upload::{ProcessedPhoto, process_upload, sha256_hex};
