//! The server's memory policy: small blocks come from mimalloc, large blocks
//! go back to the operating system when they are freed.
//!
//! Per request the server allocates dozens of small blocks (headers, the
//! response, the access line); mimalloc's thread-local free lists serve them
//! with less work than glibc's arenas (`scripts/bench-serve`, README).
//!
//! Large blocks (1 MiB or more: an argon2 hash's 19 MiB of working memory, an
//! upload, an export) go to the system allocator instead, which maps each one
//! on its own and unmaps it on `free`. mimalloc keeps freed memory committed
//! for a while and purges it only when the freeing thread allocates again, so
//! after a login storm its blocking threads sat on their hashes' memory (114
//! MiB resident where the limit is 100). glibc's malloc, for its part, raises
//! its mmap threshold every time an mmapped block is freed, so after the
//! first hash such blocks would come from its heap arenas, where
//! fragmentation keeps them (400 failed logins once took a server from 25 MiB
//! to 2.8 GiB resident, for good): [`return_large_blocks`] pins the threshold.

use std::alloc::{GlobalAlloc, Layout, System};

use mimalloc::MiMalloc;

/// Blocks at least this large are mapped and unmapped individually.
pub const MMAP_THRESHOLD_BYTES: i32 = 1 << 20;

const LARGE: usize = MMAP_THRESHOLD_BYTES as usize;

/// The process's global allocator (`#[global_allocator]` in the binary):
/// mimalloc below [`MMAP_THRESHOLD_BYTES`], the system allocator from there.
pub struct Allocator;

impl Allocator {
    fn large(size: usize) -> bool {
        size >= LARGE
    }

    /// The allocator of a block of `size` bytes.
    fn of(size: usize) -> &'static dyn GlobalAlloc {
        if Self::large(size) {
            &System
        } else {
            &MiMalloc
        }
    }
}

// SAFETY: every block is freed and resized by the allocator that made it: the
// caller passes the layout the block was allocated (or last resized) with, and
// its size picks the same allocator again; a resize across the threshold
// moves the block from one allocator to the other.
unsafe impl GlobalAlloc for Allocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { Self::of(layout.size()).alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { Self::of(layout.size()).alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `layout` is the block's, so its size names its allocator.
        unsafe { Self::of(layout.size()).dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: within one allocator, forwarded with the caller's
        // guarantees; across, a new block of the new layout (valid: the
        // caller guarantees `new_size` rounded to the alignment fits isize),
        // the smaller of the two sizes copied, the old block freed with its
        // own layout.
        unsafe {
            if Self::large(layout.size()) == Self::large(new_size) {
                Self::of(new_size).realloc(ptr, layout, new_size)
            } else {
                let new_layout = Layout::from_size_align_unchecked(new_size, layout.align());
                let moved = self.alloc(new_layout);
                if !moved.is_null() {
                    std::ptr::copy_nonoverlapping(ptr, moved, layout.size().min(new_size));
                    self.dealloc(ptr, layout);
                }
                moved
            }
        }
    }
}

/// Pin glibc's mmap threshold (idempotent; safe with threads running), so
/// the large blocks of [`Allocator`] are always their own mappings.
pub fn return_large_blocks() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: mallopt only changes malloc parameters, under malloc's own lock.
        let ok = unsafe { libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES) };
        if ok != 1 {
            tracing::warn!(
                "could not set the malloc mmap threshold: memory of large requests may stay resident"
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Blocks keep their bytes when they grow or shrink across the threshold,
    /// with any alignment, and each is freed by the allocator that made it.
    #[test]
    fn blocks_move_across_the_threshold_intact() {
        for align in [8, 64, 4096] {
            for (from, to) in [
                (LARGE - 512, LARGE + 4096),
                (LARGE + 4096, 4096),
                (64, 3 * LARGE),
                (3 * LARGE, LARGE - 1),
                (LARGE, LARGE * 2),
            ] {
                let layout = Layout::from_size_align(from, align).unwrap();
                // SAFETY: non-zero sizes; each block is used within its size
                // and freed once with its current layout.
                unsafe {
                    let block = Allocator.alloc_zeroed(layout);
                    assert!(!block.is_null());
                    assert_eq!(block as usize % align, 0);
                    assert!(
                        std::slice::from_raw_parts(block, from)
                            .iter()
                            .all(|&b| b == 0)
                    );
                    for i in 0..from.min(to) {
                        *block.add(i) = (i % 251) as u8;
                    }
                    let moved = Allocator.realloc(block, layout, to);
                    assert!(!moved.is_null());
                    assert_eq!(moved as usize % align, 0, "{from} -> {to} at {align}");
                    for i in 0..from.min(to) {
                        assert_eq!(*moved.add(i), (i % 251) as u8, "{from} -> {to} at byte {i}");
                    }
                    Allocator.dealloc(moved, Layout::from_size_align(to, align).unwrap());
                }
            }
        }
    }
}
