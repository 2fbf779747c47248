//! Keeps the encoder's large activation buffers in the heap between batches.
//!
//! A forward pass allocates a few matrices of tens of megabytes per layer (the
//! feed-forward activations of a batch of 32 × 256 tokens are 50 MB). glibc serves
//! anything above its mmap threshold (at most 32 MiB) with a fresh mapping and
//! unmaps it on free, so every batch paid for page faults and zeroing of new pages:
//! about a tenth of the encoding time, measured with `cargo bench --bench embedding`.
//! Raising the thresholds once lets freed buffers be reused instead. The cost is
//! that the process keeps up to the trim threshold of freed memory mapped.

/// Largest allocation still served from the heap.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const MMAP_THRESHOLD: usize = 256 << 20;
/// Free memory at the top of the heap kept before returning it to the system.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const TRIM_THRESHOLD: usize = 512 << 20;

/// Applies the settings above once per process; a no-op outside glibc.
pub fn keep_large_buffers() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        static ONCE: std::sync::Once = std::sync::Once::new();
        ONCE.call_once(|| {
            // SAFETY: mallopt only changes allocator parameters; it is safe to call
            // at any time, and a refusal (return 0) leaves the defaults in place.
            unsafe {
                libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD as libc::c_int);
                libc::mallopt(libc::M_TRIM_THRESHOLD, TRIM_THRESHOLD as libc::c_int);
            }
        });
    }
}
