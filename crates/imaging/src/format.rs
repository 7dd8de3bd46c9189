//! Which kind of picture the bytes really are, from their first bytes.

use crate::PhotoError;

/// A picture format lotgate keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PhotoFormat {
    /// JPEG (`image/jpeg`), what phone and tablet cameras take.
    Jpeg,
    /// PNG (`image/png`), lossless, may carry transparency.
    Png,
    /// WebP (`image/webp`), lossy or lossless.
    WebP,
}

impl PhotoFormat {
    /// The media type of the format, e.g. `image/jpeg`.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::WebP => "image/webp",
        }
    }

    pub(crate) fn image_format(self) -> image::ImageFormat {
        match self {
            Self::Jpeg => image::ImageFormat::Jpeg,
            Self::Png => image::ImageFormat::Png,
            Self::WebP => image::ImageFormat::WebP,
        }
    }

    /// Finds the format from the magic bytes at the start of a file.
    ///
    /// Pictures of other formats get [`PhotoError::UnsupportedFormat`] naming
    /// the format; anything else gets [`PhotoError::NotAnImage`].
    pub fn sniff(bytes: &[u8]) -> Result<Self, PhotoError> {
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            return Ok(Self::Jpeg);
        }
        if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            return Ok(Self::Png);
        }
        if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            return Ok(Self::WebP);
        }
        match other_picture_format(bytes) {
            Some(found) => Err(PhotoError::UnsupportedFormat { found }),
            None => Err(PhotoError::NotAnImage),
        }
    }

    /// Checks a declared content type (e.g. a multipart part's `Content-Type`)
    /// against the format found in the bytes.
    ///
    /// No declaration, an empty one and `application/octet-stream` claim
    /// nothing and pass. Parameters (`; charset=...`) and case are ignored,
    /// and the common misspelling `image/jpg` counts as `image/jpeg`.
    pub fn check_declared(self, declared: Option<&str>) -> Result<(), PhotoError> {
        let Some(raw) = declared else {
            return Ok(());
        };
        let essence = raw
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        let claims = match essence.as_str() {
            "" | "application/octet-stream" => return Ok(()),
            "image/jpg" | "image/pjpeg" => "image/jpeg",
            other => other,
        };
        if claims == self.content_type() {
            Ok(())
        } else {
            Err(PhotoError::ContentTypeMismatch {
                declared: raw.trim().to_owned(),
                actual: self.content_type(),
            })
        }
    }
}

/// Names picture formats that lotgate recognises but does not keep.
fn other_picture_format(bytes: &[u8]) -> Option<&'static str> {
    const SIGNATURES: [(&[u8], &str); 8] = [
        (b"GIF87a", "GIF"),
        (b"GIF89a", "GIF"),
        (b"BM", "BMP"),
        (b"II*\0", "TIFF"),
        (b"MM\0*", "TIFF"),
        (b"\0\0\x01\0", "ICO"),
        (b"8BPS", "Photoshop"),
        (b"qoif", "QOI"),
    ];
    if let Some((_, name)) = SIGNATURES.iter().find(|(sig, _)| bytes.starts_with(sig)) {
        return Some(name);
    }
    if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" {
        return match &bytes[8..12] {
            b"avif" | b"avis" => Some("AVIF"),
            b"heic" | b"heix" | b"mif1" | b"msf1" | b"hevc" => Some("HEIC"),
            _ => None,
        };
    }
    if bytes.starts_with(&[0xFF, 0x0A]) || bytes.starts_with(b"\0\0\0\x0cJXL ") {
        return Some("JPEG XL");
    }
    None
}
