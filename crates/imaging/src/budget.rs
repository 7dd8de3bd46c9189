//! How many pixels may be decoded at once.
//!
//! Each decode holds its picture in memory (3 to 8 bytes a pixel, and a copy or two
//! while it is turned and thumbnailed), so a few large uploads at the same moment cost
//! several times one of them: three 50-megapixel PNGs took a server from 31 MB to a
//! 620 MB peak. A [`DecodeBudget`] lets a decode start only while the pixels already
//! being decoded leave room for its own; the others wait their turn, up to a deadline.

use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

use crate::PhotoError;
use crate::decode::{UploadLimits, check_upload, read_dimensions};

/// Pixels being decoded, at most `capacity` at a time.
#[derive(Debug)]
pub struct DecodeBudget {
    capacity: u64,
    in_use: Mutex<u64>,
    freed: Condvar,
}

/// A decode's share of the budget, given back when dropped.
#[derive(Debug)]
pub struct DecodeTicket<'a> {
    budget: &'a DecodeBudget,
    pixels: u64,
}

impl DecodeBudget {
    /// A budget of `capacity` pixels. A picture larger than the whole budget still
    /// decodes, alone.
    pub fn new(capacity: u64) -> Self {
        DecodeBudget {
            capacity: capacity.max(1),
            in_use: Mutex::new(0),
            freed: Condvar::new(),
        }
    }

    /// The pixels the budget allows at once.
    pub fn capacity(&self) -> u64 {
        self.capacity
    }

    /// The pixels being decoded now.
    pub fn in_use(&self) -> u64 {
        *self.in_use.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Waits, at most `wait`, until `pixels` fit beside the decodes already running, and
    /// takes them. Blocks the calling thread: call it where the decode runs, off the
    /// request threads.
    pub fn enter(&self, pixels: u64, wait: Duration) -> Result<DecodeTicket<'_>, PhotoError> {
        let pixels = pixels.clamp(1, self.capacity);
        let deadline = Instant::now() + wait;
        let mut in_use = self.in_use.lock().unwrap_or_else(|e| e.into_inner());
        while *in_use + pixels > self.capacity {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(PhotoError::Busy);
            }
            in_use = self
                .freed
                .wait_timeout(in_use, left)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        *in_use += pixels;
        Ok(DecodeTicket {
            budget: self,
            pixels,
        })
    }
}

impl Drop for DecodeTicket<'_> {
    fn drop(&mut self) {
        let mut in_use = self.budget.in_use.lock().unwrap_or_else(|e| e.into_inner());
        *in_use -= self.pixels;
        self.budget.freed.notify_all();
    }
}

/// The pixels the picture's header declares, read without decoding it; the upload
/// checks (empty, too many bytes, not a picture) come first, as in
/// [`process_upload`](crate::process_upload).
pub fn declared_pixels(bytes: &[u8], limits: &UploadLimits) -> Result<u64, PhotoError> {
    let format = check_upload(bytes, limits)?;
    let (width, height) = read_dimensions(bytes, format)?;
    Ok(u64::from(width) * u64::from(height))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::mpsc;
    use std::thread;

    use super::*;

    const LONG: Duration = Duration::from_secs(10);

    #[test]
    fn decodes_that_fit_together_run_together() {
        let budget = DecodeBudget::new(64);
        let a = budget.enter(30, LONG).unwrap();
        let b = budget.enter(30, LONG).unwrap();
        assert_eq!(budget.in_use(), 60);
        drop((a, b));
        assert_eq!(budget.in_use(), 0);
    }

    #[test]
    fn a_decode_that_does_not_fit_waits_until_room_is_given_back() {
        let budget = Arc::new(DecodeBudget::new(64));
        let first = budget.enter(50, LONG).unwrap();
        let (started, waiting) = mpsc::channel();
        let second = {
            let budget = budget.clone();
            thread::spawn(move || {
                let _ticket = budget.enter(50, LONG).unwrap();
                started.send(budget.in_use()).unwrap();
            })
        };
        // The second decode cannot start while the first holds 50 of 64.
        assert!(waiting.recv_timeout(Duration::from_millis(200)).is_err());
        drop(first);
        assert_eq!(waiting.recv_timeout(LONG).unwrap(), 50);
        second.join().unwrap();
        assert_eq!(budget.in_use(), 0);
    }

    #[test]
    fn a_decode_that_waits_past_its_deadline_is_told_the_server_is_busy() {
        let budget = DecodeBudget::new(64);
        let _first = budget.enter(64, LONG).unwrap();
        let started = Instant::now();
        let refused = budget.enter(1, Duration::from_millis(100));
        assert_eq!(refused.unwrap_err(), PhotoError::Busy);
        assert!(started.elapsed() >= Duration::from_millis(100));
        assert_eq!(budget.in_use(), 64);
    }

    #[test]
    fn a_picture_larger_than_the_budget_decodes_alone() {
        let budget = DecodeBudget::new(64);
        let ticket = budget.enter(1_000, LONG).unwrap();
        assert_eq!(budget.in_use(), 64);
        assert_eq!(
            budget.enter(1, Duration::ZERO).unwrap_err(),
            PhotoError::Busy
        );
        drop(ticket);
    }

    #[test]
    fn the_declared_pixels_are_the_header_dimensions() {
        let image = image::RgbImage::new(40, 30);
        let png = crate::demo::encode_png(&image).unwrap();
        let limits = UploadLimits::default();
        assert_eq!(declared_pixels(&png, &limits).unwrap(), 1_200);
        assert_eq!(
            declared_pixels(&[], &limits).unwrap_err(),
            PhotoError::Empty
        );
    }
}
