//! A decompression bomb is refused from its header, before any large
//! allocation. This file is its own test binary so that the counting
//! allocator sees no other test's allocations.

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use lotgate_imaging::{PhotoError, UploadLimits, process_upload};

/// Records the largest single allocation.
struct Largest;

static LARGEST: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Largest {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LARGEST.fetch_max(layout.size(), Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Largest = Largest;

#[test]
fn refuses_a_decompression_bomb_from_its_header_without_allocating_it() {
    // 60 bytes declaring 100,000 x 100,000 RGB pixels: 30 GB once decoded.
    let bomb = common::bomb_png(100_000, 100_000);
    assert!(bomb.len() < 100);
    // Even with side limits that let the width and height through, the pixel count stops it.
    let wide = UploadLimits {
        max_width: 200_000,
        max_height: 200_000,
        ..UploadLimits::default()
    };

    for limits in [UploadLimits::default(), wide] {
        LARGEST.store(0, Ordering::Relaxed);
        let error = process_upload(&bomb, Some("image/png"), &limits).unwrap_err();
        assert!(
            matches!(
                error,
                PhotoError::DimensionsTooLarge {
                    width: 100_000,
                    height: 100_000,
                    ..
                }
            ),
            "{error:?}"
        );
        let largest = LARGEST.load(Ordering::Relaxed);
        assert!(largest < 1 << 20, "largest allocation was {largest} bytes");
    }
}
