//! Whether the heap is backed by 2 MB pages (Linux's transparent huge
//! pages), decided by what an open is about to do.
//!
//! The allocator asks for huge pages. They suit a reopen: the snapshot
//! is decoded into about 150 MB of small, densely packed records, and
//! faulting that in 4 KB at a time was a sixth of a reopen's processor time
//! (measured on 100,000 events: sys 0.37 -> 0.31 s, wall 0.28 -> 0.25 s).
//! They do not suit a first scan: eight or more threads each touch a little
//! of many pages, and zeroing whole 2 MB pages for them cost more than it
//! saved and raised the peak memory. So a scan turns them off for the rest
//! of the process (pages already in use keep what they have).

/// Stops the process's memory from being given huge pages from now on.
/// Does nothing where there are none to stop, or if the kernel refuses.
pub fn small_pages_from_now_on() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes plain integers and touches no
    // memory of ours; on failure it only returns -1.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}
