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
    /// Whether the message is the bot's own, when known (Discord says so
    /// on adds): the bot's may be a post whose send is not recorded yet;
    /// another's holds no post or prompt to log the reaction on.
    pub on_bot_message: Option<bool>,
}
