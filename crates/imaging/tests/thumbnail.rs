//! Thumbnail sizes: longest side 512, aspect kept, never upscaled.

mod common;

use common::*;
use lotgate_imaging::{UploadLimits, fit_within, process_upload};

#[test]
fn fits_the_longest_side_into_512_keeping_the_aspect() {
    assert_eq!(fit_within(4000, 3000, 512), (512, 384));
    assert_eq!(fit_within(3000, 4000, 512), (384, 512));
    assert_eq!(fit_within(1920, 1080, 512), (512, 288));
    assert_eq!(fit_within(1000, 250, 512), (512, 128));
    assert_eq!(fit_within(600, 600, 512), (512, 512));
}

#[test]
fn never_upscales_a_small_photo() {
    assert_eq!(fit_within(400, 300, 512), (400, 300));
    assert_eq!(fit_within(512, 10, 512), (512, 10));
}

#[test]
fn keeps_at_least_one_pixel_on_a_thin_side() {
    assert_eq!(fit_within(5000, 2, 512), (512, 1));
    assert_eq!(fit_within(1, 2000, 512), (1, 512));
}

#[test]
fn makes_thumbnails_of_the_fitted_size_for_several_aspect_ratios() {
    for (w, h, expected) in [
        (1024, 768, (512, 384)),
        (600, 1200, (256, 512)),
        (1500, 300, (512, 102)),
        (200, 120, (200, 120)),
    ] {
        let photo = process_upload(&png(&gradient(w, h)), None, &UploadLimits::default()).unwrap();
        assert_eq!(
            (photo.thumbnail.width, photo.thumbnail.height),
            expected,
            "{w}x{h}"
        );
        let thumb = image::load_from_memory(&photo.thumbnail.bytes).unwrap();
        assert_eq!((thumb.width(), thumb.height()), expected, "{w}x{h}");
    }
}
