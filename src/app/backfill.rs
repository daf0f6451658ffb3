//! After a gap in the gateway (a new session: first start, restart, lost
//! session), replies sent meanwhile are read back from Discord's history.
//! Bounded, so a bot in many guilds does not spend its rate limit on it.

use std::collections::HashSet;

use jiff::SignedDuration;

use super::App;

/// Most threads read per new session: the newest open meetings first.
pub const MAX_THREADS: usize = 100;
/// Most messages read per thread.
pub const MAX_MESSAGES: usize = 500;
/// Meetings opened longer ago than this are not read back.
pub const MAX_AGE: SignedDuration = SignedDuration::from_hours(14 * 24);

/// A thread to read from Discord, after the last message logged there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Gap {
    pub guild_id: u64,
    pub thread_id: u64,
    pub after_message: u64,
}

impl App {
    /// The open meetings' threads in `guilds` (a session's guilds) to read
    /// back, newest first, at most [`MAX_THREADS`].
    pub async fn gaps(&self, guilds: &HashSet<u64>) -> anyhow::Result<Vec<Gap>> {
        let since = self.clock.now() - MAX_AGE;
        let open = self.store.open_threads_since(since).await?;
        Ok(open
            .into_iter()
            .filter(|(guild, _, _)| guilds.contains(guild))
            .take(MAX_THREADS)
            .map(|(guild_id, thread_id, after_message)| Gap { guild_id, thread_id, after_message })
            .collect())
    }
}
