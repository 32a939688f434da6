//! Memory that comes back: once a burst has drained, the server's memory returns to the system.
//!
//! Go counterpart: none needed; Go's runtime returns freed heap to the system by itself, in the
//! background (the scavenger).
//!
//! Rust's default allocator on Linux is glibc's malloc, which keeps freed memory for reuse rather
//! than giving it back. A send queue that grew to a megabyte for a member who was behind is
//! freed once that member has caught up or gone; glibc maps a block that large on its own at
//! first (and unmaps it when freed), but each time it frees such a block it raises that size,
//! up to 32 MiB, so that after a few bursts the big blocks come from its heap, which it rarely
//! shrinks. Measured with a stall-and-reconnect loop (15 members every 2 s that paste and never
//! read, 10 rounds, default options): 4 MiB before, a peak of 99 MiB, and 75 MiB still held
//! 15 s after the room had drained. With the size fixed at [`OWN_MAPPING_FROM`]: a peak of
//! 49 MiB, and 13 MiB after. (`malloc_trim` after each burst, or another allocator, are the
//! other ways; this one is a single setting at start.)

/// Blocks of at least this many bytes get a mapping of their own, given back to the system the
/// moment they are freed: glibc's own starting value (128 KiB), kept from growing. Smaller blocks,
/// such as a chat line or the buffer of a member who keeps up, stay in the heap, where reusing
/// them is cheap.
pub const OWN_MAPPING_FROM: usize = 128 * 1024;

/// Tells glibc's malloc to give big freed blocks back at once (see the module doc). Called once,
/// by the `server` binary, before any thread starts; in-process test servers keep the default.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn give_back_freed_memory() {
    // SAFETY: mallopt takes no pointer; it only sets one of malloc's parameters. It is not
    // thread-safe (glibc's manual: MT-Unsafe), hence called from `main` before any thread is
    // started. No crate wraps it: nix and rustix (both in our lock file) have no `mallopt`.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, OWN_MAPPING_FROM as libc::c_int);
    }
}

/// Elsewhere (macOS, musl) the system's allocator gives freed memory back by its own rules.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn give_back_freed_memory() {}
