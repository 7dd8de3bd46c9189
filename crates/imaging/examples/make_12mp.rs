//! Writes the benchmark's 12-megapixel photo (4000 x 3000 JPEG, quality 90,
//! drawn by code) to the path given as the first argument.
//!
//! `cargo run --release -p lotgate-imaging --example make_12mp -- photo.jpg`

use lotgate_imaging::demo::{DemoPart, draw_demo_part, encode_jpeg};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: make_12mp OUTPUT.jpg")?;
    let photo = draw_demo_part(DemoPart::Pcb, "top", 4000, 3000, 0);
    std::fs::write(&path, encode_jpeg(&photo, 90)?)?;
    Ok(())
}
