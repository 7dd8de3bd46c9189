//! Writes every demo photo (part x view x variant) as JPEG into a folder, to look at.
//!
//! `cargo run -p lotgate-imaging --example demo_photos -- /tmp/demo`

use lotgate_imaging::demo::{DemoPart, draw_demo_part, encode_jpeg};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::path::PathBuf::from(std::env::args().nth(1).ok_or("usage: demo_photos DIR")?);
    std::fs::create_dir_all(&dir)?;
    for part in [DemoPart::PlasticClip, DemoPart::Pcb, DemoPart::Product] {
        for view in ["top", "front", "side"] {
            for variant in 0..4 {
                let photo = draw_demo_part(part, view, 640, 480, variant);
                let name = format!("{part:?}-{view}-{variant}.jpg").to_lowercase();
                std::fs::write(dir.join(name), encode_jpeg(&photo, 88)?)?;
            }
        }
    }
    Ok(())
}
