//! What can go wrong with a photo, in words a factory worker understands.

/// Why a photo was refused or could not be processed.
///
/// Each variant says what is wrong with the photo itself; how a caller answers
/// (an HTTP status, a message on the command line) is the caller's choice. The
/// messages are shown to the person who took the photo, so they say what to do
/// next.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhotoError {
    /// The upload had no bytes at all.
    #[error("the photo is empty (0 bytes); take or choose the photo again")]
    Empty,
    /// The upload has more bytes than the limit.
    #[error(
        "the photo is {size} bytes, more than the {max} bytes accepted; \
         take it again at a lower resolution"
    )]
    TooLarge {
        /// Size of the upload in bytes.
        size: usize,
        /// Largest accepted upload in bytes.
        max: usize,
    },
    /// The bytes are not a picture at all (text, a PDF, ...).
    #[error("this file is not a photo; send a JPEG, PNG or WebP picture")]
    NotAnImage,
    /// A picture in a format lotgate does not keep (GIF, BMP, TIFF, HEIC, ...).
    #[error("{found} pictures are not accepted; send a JPEG, PNG or WebP photo")]
    UnsupportedFormat {
        /// Name of the format found in the file ("GIF", "BMP", ...).
        found: &'static str,
    },
    /// The declared content type says one thing, the bytes say another.
    #[error(
        "the file was sent as {declared} but it is a {actual} picture; \
         send it again without renaming it"
    )]
    ContentTypeMismatch {
        /// Content type the client declared.
        declared: String,
        /// Content type found from the bytes ("image/png", ...).
        actual: &'static str,
    },
    /// The picture is truncated or damaged and cannot be decoded.
    #[error("the photo is damaged or incomplete and cannot be opened; send it again")]
    Corrupt {
        /// What the decoder reported, for the log (not shown to the worker).
        reason: String,
    },
    /// Other large photos are being opened and this one could not start in time.
    #[error(
        "the server is busy opening other large photos; nothing was stored, \
         send the photo again in a few seconds"
    )]
    Busy,
    /// The picture declares more pixels than lotgate will open.
    ///
    /// This is refused from the header, before the pixels are decoded, so a
    /// small file that declares a huge picture (a decompression bomb) costs nothing.
    #[error(
        "the photo is {width} x {height} pixels; lotgate opens photos of at most \
         {max_width} x {max_height} pixels and {max_pixels} pixels in all; \
         take it again at a lower resolution"
    )]
    DimensionsTooLarge {
        /// Declared width in pixels.
        width: u32,
        /// Declared height in pixels.
        height: u32,
        /// Largest accepted width in pixels.
        max_width: u32,
        /// Largest accepted height in pixels.
        max_height: u32,
        /// Largest accepted pixel count (width x height).
        max_pixels: u64,
    },
    /// A fault of lotgate itself (for example encoding the thumbnail failed).
    /// The message carries the cause for the log; do not show it to the worker.
    #[error("the photo could not be processed because of an internal fault: {0}")]
    Internal(String),
}
