//! After a gap in the gateway (a new session: first start, restart, lost
//! session), replies sent meanwhile are read back from Discord's history.
//! Bounded, so a bot in many guilds does not spend its rate limit on it.

use std::collections::HashSet;

use jiff::SignedDuration;

use super::App;
use domain::reaction::ReactionEvent;

/// Most threads read per new session: the newest open meetings first.
pub const MAX_THREADS: usize = 100;
/// Most messages read per thread.
pub const MAX_MESSAGES: usize = 500;
/// Meetings opened longer ago than this are not read back.
pub const MAX_AGE: SignedDuration = SignedDuration::from_hours(14 * 24);

/// Most of the bot's messages whose reactions are read back per session.
pub const MAX_REACTION_MESSAGES: usize = 200;
/// Reactions are read back on the bot's messages of this last stretch.
pub const REACTIONS_AGE: SignedDuration = SignedDuration::from_hours(7 * 24);

/// A thread to read from Discord, after the last message logged there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Gap {
    pub guild_id: u64,
    pub thread_id: u64,
    pub after_message: u64,
}

/// One of the bot's messages whose reactions are read back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reactions {
    pub guild_id: u64,
    pub channel_id: u64,
    pub message_id: u64,
}

impl App {
    /// The bot's posts and prompts of the last 7 days in `guilds`, newest
    /// first, at most [`MAX_REACTION_MESSAGES`].
    pub async fn reaction_gaps(&self, guilds: &HashSet<u64>) -> anyhow::Result<Vec<Reactions>> {
        let mut messages = self.store.bot_messages_since(self.clock.now() - REACTIONS_AGE).await?;
        messages.retain(|(guild, _, _)| guilds.contains(guild));
        messages.sort_by_key(|(_, _, message)| std::cmp::Reverse(*message));
        messages.truncate(MAX_REACTION_MESSAGES);
        Ok(messages
            .into_iter()
            .map(|(guild_id, channel_id, message_id)| Reactions { guild_id, channel_id, message_id })
            .collect())
    }

    /// Makes the logged reactions on a message what Discord shows now:
    /// `seen` as (user, emoji). Returns how many were added and removed.
    pub async fn sync_reactions(&self, m: &Reactions, seen: &[(u64, String)]) -> anyhow::Result<(usize, usize)> {
        let live = self.store.live_reactions(m.message_id).await?;
        let event = |(user_id, emoji): &(u64, String)| ReactionEvent {
            guild_id: m.guild_id,
            channel_id: m.channel_id,
            message_id: m.message_id,
            user_id: *user_id,
            emoji: emoji.clone(),
            at: self.clock.now(),
            on_bot_message: None,
        };
        let (mut added, mut removed) = (0, 0);
        for r in seen.iter().filter(|r| !live.contains(r)) {
            self.log_reaction(&event(r), true).await?;
            added += 1;
        }
        for r in live.iter().filter(|r| !seen.contains(r)) {
            self.log_reaction(&event(r), false).await?;
            removed += 1;
        }
        Ok((added, removed))
    }

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
