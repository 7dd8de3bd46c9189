//! Accepting and refusing uploads: one behaviour per test.

mod common;

use common::*;
use image::{Rgb, RgbImage, Rgba, RgbaImage};
use lotgate_imaging::{PhotoError, PhotoFormat, UploadLimits, process_upload, sha256_hex};

fn limits() -> UploadLimits {
    UploadLimits::default()
}

fn refuse(bytes: &[u8], declared: Option<&str>) -> PhotoError {
    process_upload(bytes, declared, &limits()).expect_err("the upload should be refused")
}

#[test]
fn accepts_a_jpeg_and_keeps_its_size_type_and_fingerprint() {
    let bytes = jpeg(&gradient(640, 480));
    let photo = process_upload(&bytes, Some("image/jpeg"), &limits()).unwrap();
    assert_eq!(photo.format, PhotoFormat::Jpeg);
    assert_eq!(photo.content_type, "image/jpeg");
    assert_eq!((photo.width, photo.height), (640, 480));
    assert_eq!(photo.byte_size, bytes.len());
    assert_eq!(photo.sha256, sha256_hex(&bytes));
    assert_eq!(photo.thumbnail.content_type, "image/jpeg");
    assert_eq!((photo.thumbnail.width, photo.thumbnail.height), (512, 384));
    let thumb = image::load_from_memory(&photo.thumbnail.bytes).unwrap();
    assert_eq!((thumb.width(), thumb.height()), (512, 384));
}

#[test]
fn accepts_a_png() {
    let photo = process_upload(&png(&gradient(300, 200)), Some("image/png"), &limits()).unwrap();
    assert_eq!(photo.content_type, "image/png");
    assert_eq!((photo.width, photo.height), (300, 200));
}

#[test]
fn accepts_a_lossless_webp() {
    let photo = process_upload(&webp_lossless(&gradient(300, 200)), None, &limits()).unwrap();
    assert_eq!(photo.content_type, "image/webp");
    assert_eq!((photo.thumbnail.width, photo.thumbnail.height), (300, 200));
}

#[test]
fn keeps_transparency_by_making_a_png_thumbnail() {
    let rgba = RgbaImage::from_pixel(800, 400, Rgba([10, 200, 30, 100]));
    let photo = process_upload(&png_rgba(&rgba), None, &limits()).unwrap();
    assert_eq!(photo.thumbnail.content_type, "image/png");
    let thumb = image::load_from_memory(&photo.thumbnail.bytes)
        .unwrap()
        .into_rgba8();
    assert_eq!(thumb.dimensions(), (512, 256));
    assert_eq!(thumb.get_pixel(100, 100)[3], 100);
}

#[test]
fn accepts_declared_types_with_parameters_aliases_or_no_claim() {
    let bytes = jpeg(&gradient(16, 16));
    for declared in [
        "image/JPEG; charset=binary",
        "image/jpg",
        "application/octet-stream",
        "",
    ] {
        assert!(
            process_upload(&bytes, Some(declared), &limits()).is_ok(),
            "{declared}"
        );
    }
}

#[test]
fn refuses_an_empty_upload() {
    let error = refuse(b"", Some("image/jpeg"));
    assert_eq!(error, PhotoError::Empty);
}

#[test]
fn refuses_an_upload_over_the_byte_limit() {
    let bytes = jpeg(&gradient(64, 64));
    let small = UploadLimits {
        max_bytes: bytes.len() - 1,
        ..limits()
    };
    let error = process_upload(&bytes, None, &small).unwrap_err();
    assert_eq!(
        error,
        PhotoError::TooLarge {
            size: bytes.len(),
            max: bytes.len() - 1
        }
    );
}

#[test]
fn refuses_text_as_not_an_image() {
    let error = refuse(b"lot 42: 3 scratches, 1 dent\n", Some("image/jpeg"));
    assert_eq!(error, PhotoError::NotAnImage);
}

#[test]
fn refuses_png_bytes_declared_as_jpeg() {
    let error = refuse(&png(&gradient(8, 8)), Some("image/jpeg"));
    assert_eq!(
        error,
        PhotoError::ContentTypeMismatch {
            declared: "image/jpeg".into(),
            actual: "image/png"
        }
    );
}

#[test]
fn refuses_gif_and_bmp_as_unsupported_formats() {
    assert_eq!(
        refuse(&tiny_gif(), None),
        PhotoError::UnsupportedFormat { found: "GIF" }
    );
    assert_eq!(
        refuse(&tiny_bmp(), None),
        PhotoError::UnsupportedFormat { found: "BMP" }
    );
}

#[test]
fn refuses_a_truncated_jpeg_as_corrupt() {
    let bytes = jpeg(&gradient(256, 256));
    let error = refuse(&bytes[..bytes.len() / 2], None);
    assert!(matches!(error, PhotoError::Corrupt { .. }), "{error:?}");
}

#[test]
fn refuses_a_truncated_png_as_corrupt() {
    let bytes = png(&gradient(256, 256));
    let error = refuse(&bytes[..bytes.len() * 2 / 3], None);
    assert!(matches!(error, PhotoError::Corrupt { .. }), "{error:?}");
}

#[test]
fn refuses_a_truncated_webp_as_corrupt() {
    let bytes = webp_lossless(&gradient(256, 256));
    let error = refuse(&bytes[..bytes.len() * 2 / 3], None);
    assert!(matches!(error, PhotoError::Corrupt { .. }), "{error:?}");
}

#[test]
fn refuses_a_png_cut_after_its_header_as_corrupt() {
    let bytes = png(&gradient(64, 64));
    let error = refuse(&bytes[..40], None);
    assert!(matches!(error, PhotoError::Corrupt { .. }), "{error:?}");
}

#[test]
fn refuses_a_picture_wider_than_the_limit_from_its_header() {
    let narrow = UploadLimits {
        max_width: 100,
        ..limits()
    };
    let error = process_upload(&png(&gradient(101, 10)), None, &narrow).unwrap_err();
    assert!(matches!(
        error,
        PhotoError::DimensionsTooLarge {
            width: 101,
            height: 10,
            ..
        }
    ));
}

#[test]
fn refuses_a_picture_with_more_pixels_than_the_limit() {
    let few = UploadLimits {
        max_pixels: 99,
        ..limits()
    };
    let error = process_upload(&jpeg(&gradient(10, 10)), None, &few).unwrap_err();
    assert!(matches!(
        error,
        PhotoError::DimensionsTooLarge {
            width: 10,
            height: 10,
            ..
        }
    ));
}

#[test]
fn applies_exif_orientation_6_by_turning_the_photo_clockwise() {
    // Stored 64 x 32: left half red, right half blue, a green square top-left.
    let stored = RgbImage::from_fn(64, 32, |x, y| match (x, y) {
        (0..16, 0..16) => Rgb([0, 220, 0]),
        (0..32, _) => Rgb([220, 0, 0]),
        _ => Rgb([0, 0, 220]),
    });
    let bytes = with_exif_orientation(&jpeg(&stored), 6);

    let photo = process_upload(&bytes, Some("image/jpeg"), &limits()).unwrap();

    // Turned 90 degrees clockwise: 32 x 64, the left half on top, top-left to top-right.
    assert_eq!((photo.width, photo.height), (32, 64));
    let thumb = image::load_from_memory(&photo.thumbnail.bytes)
        .unwrap()
        .into_rgb8();
    assert_eq!(thumb.dimensions(), (32, 64));
    let is =
        |p: &Rgb<u8>, channel: usize| p[channel] > 150 && (0..3).all(|c| c == channel || p[c] < 80);
    assert!(
        is(thumb.get_pixel(4, 24), 0),
        "red on the left of the top: {:?}",
        thumb.get_pixel(4, 24)
    );
    assert!(
        is(thumb.get_pixel(8, 20), 0),
        "red above the middle: {:?}",
        thumb.get_pixel(8, 20)
    );
    assert!(
        is(thumb.get_pixel(16, 56), 2),
        "blue at the bottom: {:?}",
        thumb.get_pixel(16, 56)
    );
    assert!(
        is(thumb.get_pixel(26, 6), 1),
        "green top-right: {:?}",
        thumb.get_pixel(26, 6)
    );
}

#[test]
fn fingerprints_the_original_bytes_as_sha256sum_does() {
    // printf 'lotgate golden sample\n' | sha256sum
    assert_eq!(
        sha256_hex(b"lotgate golden sample\n"),
        "5892b9e2ccae5b7d04d202068aeda4113785a53d20d7ef0bf2ef14ac77292857"
    );
    // printf '' | sha256sum
    assert_eq!(
        sha256_hex(b""),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
}

#[test]
fn tells_the_worker_the_declared_and_accepted_sizes() {
    let narrow = UploadLimits {
        max_width: 100,
        ..limits()
    };
    let error = process_upload(&png(&gradient(101, 10)), None, &narrow).unwrap_err();
    let message = error.to_string();
    assert!(message.contains("101 x 10 pixels"), "{message}");
    assert!(message.contains("100 x 10000 pixels"), "{message}");
}
