//! Demo photos drawn by code.

use lotgate_imaging::demo::{DemoPart, draw_demo_part, encode_jpeg, encode_png};
use lotgate_imaging::{UploadLimits, process_upload};

#[test]
fn draws_the_same_pixels_for_the_same_arguments() {
    let a = draw_demo_part(DemoPart::PlasticClip, "top", 160, 120, 0);
    let b = draw_demo_part(DemoPart::PlasticClip, "top", 160, 120, 0);
    assert_eq!(a, b);
    assert_eq!(a.dimensions(), (160, 120));
}

#[test]
fn draws_a_defect_that_changes_the_picture() {
    for part in [DemoPart::PlasticClip, DemoPart::Pcb, DemoPart::Product] {
        let golden = draw_demo_part(part, "front", 200, 150, 0);
        for variant in 1..=3 {
            let defect = draw_demo_part(part, "front", 200, 150, variant);
            let differing = golden
                .pixels()
                .zip(defect.pixels())
                .filter(|(g, d)| (0..3).any(|c| g[c].abs_diff(d[c]) > 40));
            assert!(differing.count() > 20, "{part:?} variant {variant}");
        }
    }
}

#[test]
fn draws_a_flat_profile_from_the_side() {
    let side = draw_demo_part(DemoPart::Product, "side", 200, 200, 0);
    // The middle row crosses the part; a row a third of the way up is table.
    let dark = |y: u32| (0..200).filter(|&x| side.get_pixel(x, y)[0] < 100).count();
    assert!(dark(100) > 100);
    assert_eq!(dark(60), 0);
}

#[test]
fn encodes_demo_photos_that_lotgate_accepts() {
    let photo = draw_demo_part(DemoPart::Pcb, "top", 320, 240, 0);
    for (bytes, content_type) in [
        (encode_jpeg(&photo, 90).unwrap(), "image/jpeg"),
        (encode_png(&photo).unwrap(), "image/png"),
    ] {
        let accepted =
            process_upload(&bytes, Some(content_type), &UploadLimits::default()).unwrap();
        assert_eq!((accepted.width, accepted.height), (320, 240));
    }
}
