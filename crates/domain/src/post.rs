//! Customer-of-the-day posts: a slot (channel and local day) is claimed
//! before it is sent, so each channel gets one per day.

use jiff::civil::Date;
use jiff::Timestamp;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PostKind {
    /// The scheduled post: at most one per channel and local day.
    Daily,
    /// `/insight today`: any number.
    Manual,
}

impl PostKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PostKind::Daily => "daily",
            PostKind::Manual => "manual",
        }
    }
}

/// What a claim is for.
#[derive(Clone, Debug, PartialEq)]
pub struct PostSlot {
    pub guild_id: u64,
    pub channel_id: u64,
    pub local_date: Date,
    pub kind: PostKind,
}

#[derive(Clone, Debug, PartialEq)]
pub struct InsightPost {
    pub id: i64,
    pub guild_id: u64,
    pub channel_id: u64,
    pub local_date: Date,
    pub daily: bool,
    pub insight_id: i64,
    pub nonce: String,
    /// Set once Discord has accepted the message.
    pub message_id: Option<u64>,
    pub claimed_at: Timestamp,
}

/// The outcome of claiming a post.
#[derive(Clone, Debug, PartialEq)]
pub enum Claim {
    /// This caller owns the post and must send it.
    New(InsightPost),
    /// Someone claimed this day first; if its `message_id` is still
    /// empty the post may not have gone out and should be finished.
    Existing(InsightPost),
}
