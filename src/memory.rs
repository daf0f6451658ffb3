//! Giving freed memory back to the system. A burst of events frees most
//! of what it allocated, but glibc's allocator keeps the free pages
//! scattered through its arenas, so the process would stay at its peak
//! size for good. Trimming every few seconds returns them.

use std::time::Duration;

/// How often freed memory is given back.
const EVERY: Duration = Duration::from_secs(5);

/// Runs until dropped (aborted).
pub async fn give_back_periodically() {
    let mut every = tokio::time::interval(EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        give_back();
    }
}

pub fn give_back() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free pages to the system.
    unsafe {
        libc::malloc_trim(0);
    }
}
