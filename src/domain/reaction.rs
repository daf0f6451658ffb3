//! A reaction added to or removed from one of the bot's posts.

use jiff::Timestamp;

#[derive(Clone, Debug, PartialEq)]
pub struct ReactionEvent {
    pub guild_id: u64,
    pub channel_id: u64,
    pub message_id: u64,
    pub user_id: u64,
    pub emoji: String,
    pub at: Timestamp,
    /// The message is the bot's own (Discord says so on adds): it may be
    /// a post whose send is not recorded yet.
    pub on_bot_message: bool,
}
