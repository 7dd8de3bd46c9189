//! A structural check the JPEG decoder does not make.

/// Whether the JPEG's entropy-coded data is followed by an end-of-image
/// marker (`FF D9`).
///
/// The decoder in the `image` crate is lenient: a JPEG cut short (an upload
/// that broke off) decodes without error, the missing rows grey. Walking the
/// segments to the first start-of-scan and looking for `FF D9` after it finds
/// the cut: inside scan data `FF` is always followed by `00` or a restart
/// marker, and an EXIF preview's own `FF D9` sits in a segment that is skipped.
/// Bytes after the marker (some phones append data there) are allowed.
pub(crate) fn has_end_of_image(bytes: &[u8]) -> bool {
    let mut pos = 2; // after SOI
    loop {
        // Markers may be preceded by any number of FF fill bytes.
        while bytes.get(pos) == Some(&0xFF) && bytes.get(pos + 1) == Some(&0xFF) {
            pos += 1;
        }
        let (Some(&0xFF), Some(&marker)) = (bytes.get(pos), bytes.get(pos + 1)) else {
            return false;
        };
        pos += 2;
        match marker {
            0xD9 => return false,           // end of image before any scan
            0x01 | 0xD0..=0xD7 => continue, // markers without a length
            _ => {}
        }
        let Some(len) = bytes
            .get(pos..pos + 2)
            .map(|b| usize::from(u16::from_be_bytes([b[0], b[1]])))
        else {
            return false;
        };
        pos += len;
        if marker == 0xDA {
            return bytes
                .get(pos..)
                .is_some_and(|scan| scan.windows(2).any(|w| w == [0xFF, 0xD9]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::has_end_of_image;

    #[test]
    fn finds_the_end_marker_after_the_scan() {
        let jpeg = [
            0xFF, 0xD8, 0xFF, 0xE0, 0, 4, 1, 2, 0xFF, 0xDA, 0, 2, 9, 0xFF, 0, 9, 0xFF, 0xD9,
        ];
        assert!(has_end_of_image(&jpeg));
        assert!(!has_end_of_image(&jpeg[..jpeg.len() - 1]));
    }

    #[test]
    fn ignores_an_end_marker_inside_a_skipped_segment() {
        let jpeg = [
            0xFF, 0xD8, 0xFF, 0xE1, 0, 4, 0xFF, 0xD9, 0xFF, 0xDA, 0, 2, 9, 9,
        ];
        assert!(!has_end_of_image(&jpeg));
    }
}
