//! Runs `process_upload` on a photo file and writes its thumbnail: the
//! lotgate side of `benches/imagemagick_compare.sh`.
//!
//! `cargo run --release -p lotgate-imaging --example thumbnail_file -- in.jpg out.jpg`

use lotgate_imaging::{UploadLimits, process_upload};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (input, output) = match (args.next(), args.next()) {
        (Some(i), Some(o)) => (i, o),
        _ => return Err("usage: thumbnail_file INPUT OUTPUT".into()),
    };
    let bytes = std::fs::read(input)?;
    let photo = process_upload(&bytes, None, &UploadLimits::default())?;
    std::fs::write(output, &photo.thumbnail.bytes)?;
    Ok(())
}
