//! Processing a 12-megapixel camera photo (4000 x 3000 JPEG at quality 90,
//! drawn by code) as an upload: sniff, bounded decode, orientation,
//! 512 px thumbnail, SHA-256.
//!
//! `benches/imagemagick_compare.sh` times the same file against ImageMagick.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use lotgate_imaging::demo::{DemoPart, draw_demo_part, encode_jpeg};
use lotgate_imaging::{UploadLimits, process_upload};

/// The 12 MP photo, drawn and encoded once and kept under target/.
fn twelve_megapixel_jpeg() -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("lotgate-12mp.jpg");
    if let Ok(bytes) = std::fs::read(&path) {
        return bytes;
    }
    let photo = draw_demo_part(DemoPart::Pcb, "top", 4000, 3000, 0);
    let bytes = encode_jpeg(&photo, 90).expect("encode the 12 MP photo");
    std::fs::write(&path, &bytes).expect("write the 12 MP photo");
    bytes
}

fn upload(c: &mut Criterion) {
    let bytes = twelve_megapixel_jpeg();
    let limits = UploadLimits::default();
    let mut group = c.benchmark_group("upload");
    group.sample_size(20);
    group.bench_function("process_upload_12mp_jpeg", |b| {
        b.iter(|| process_upload(black_box(&bytes), Some("image/jpeg"), &limits).expect("accepted"))
    });
    group.finish();
}

criterion_group!(benches, upload);
criterion_main!(benches);
