//! Side-by-side comparison with a difference score.

use lotgate_imaging::demo::{DemoPart, draw_demo_part, encode_png};
use lotgate_imaging::{PhotoError, UploadLimits, compare};

fn photo(part: DemoPart, variant: u32, width: u32, height: u32) -> Vec<u8> {
    encode_png(&draw_demo_part(part, "top", width, height, variant)).unwrap()
}

#[test]
fn scores_a_photo_against_itself_as_identical() {
    let golden = photo(DemoPart::PlasticClip, 0, 320, 240);
    let result = compare(&golden, &golden, &UploadLimits::default()).unwrap();
    assert_eq!(result.mean_abs_difference, 0.0);
    assert!((result.ssim - 1.0).abs() < 1e-9, "{}", result.ssim);
}

#[test]
fn puts_both_photos_side_by_side_at_the_same_height() {
    let a = photo(DemoPart::Pcb, 0, 400, 300); // 4:3 -> 683 x 512
    let b = photo(DemoPart::Pcb, 1, 300, 600); // 1:2 -> 256 x 512
    let result = compare(&a, &b, &UploadLimits::default()).unwrap();
    assert_eq!((result.width, result.height), (683 + 16 + 256, 512));
    let side = image::load_from_memory(&result.side_by_side_png).unwrap();
    assert_eq!((side.width(), side.height()), (result.width, result.height));
}

#[test]
fn scores_a_defect_as_less_different_than_another_part() {
    let golden = photo(DemoPart::Product, 0, 320, 240);
    let scratched = photo(DemoPart::Product, 3, 320, 240);
    let other_part = photo(DemoPart::PlasticClip, 0, 320, 240);
    let limits = UploadLimits::default();
    let defect = compare(&golden, &scratched, &limits).unwrap();
    let unrelated = compare(&golden, &other_part, &limits).unwrap();
    assert!(defect.mean_abs_difference > 0.0);
    assert!(defect.mean_abs_difference < unrelated.mean_abs_difference);
    assert!(defect.ssim < 1.0 && defect.ssim > unrelated.ssim);
    assert!((0.0..=1.0).contains(&unrelated.mean_abs_difference));
}

#[test]
fn refuses_a_comparison_when_one_photo_is_refused() {
    let golden = photo(DemoPart::Pcb, 0, 64, 48);
    assert_eq!(
        compare(&golden, b"", &UploadLimits::default()).unwrap_err(),
        PhotoError::Empty
    );
}
