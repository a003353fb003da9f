//! The server's memory policy: large blocks go back to the operating system
//! when they are freed.
//!
//! glibc's malloc raises its mmap threshold every time an mmapped block is
//! freed, so after the first argon2 hash (19 MiB of working memory) such
//! blocks come from the heap arenas instead, where fragmentation keeps them:
//! 400 failed logins took a server from 25 MiB to 2.8 GiB resident, for good.
//! Setting the threshold explicitly turns that adjustment off, so every block
//! of 1 MiB or more is its own mapping, unmapped on `free`. Other allocators
//! (musl) return such blocks already.

/// Blocks at least this large are mapped and unmapped individually.
pub const MMAP_THRESHOLD_BYTES: i32 = 1 << 20;

/// Apply the policy to this process (idempotent; safe with threads running).
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
