//! Settings of glibc's allocator for a long-running server whose requests now and then
//! hold tens of megabytes for a moment (the statistics of a large lot, a bulk import).
//!
//! By default glibc raises its mmap threshold each time a large block is freed, up to
//! 32 MiB, so later large blocks come from the heaps and stay resident after they are
//! freed; and it gives every thread that allocates at the same moment a heap of its own
//! (up to eight per core), each keeping such blocks. Resident memory then drifts to the
//! sum of the peaks of all heaps. A fixed threshold returns every block of 1 MiB or more
//! to the system as soon as it is freed, and two heaps bound what small blocks can
//! strand.

/// Blocks from this size on are mapped on their own and unmapped when freed.
const MMAP_THRESHOLD: i32 = 1 << 20;
/// Heaps shared by all threads.
const ARENAS: i32 = 2;

/// Applies the settings; call once at start-up, before the threads start. A setting an
/// operator made through glibc's environment (`MALLOC_MMAP_THRESHOLD_`,
/// `MALLOC_ARENA_MAX`) is left as they made it.
pub fn tune() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    for (variable, parameter, value) in [
        (
            "MALLOC_MMAP_THRESHOLD_",
            libc::M_MMAP_THRESHOLD,
            MMAP_THRESHOLD,
        ),
        ("MALLOC_ARENA_MAX", libc::M_ARENA_MAX, ARENAS),
    ] {
        if std::env::var_os(variable).is_none() {
            // SAFETY: mallopt only changes allocator parameters and is called before any
            // other thread exists; a refused setting (0) leaves glibc's default.
            unsafe {
                libc::mallopt(parameter, value);
            }
        }
    }
}
