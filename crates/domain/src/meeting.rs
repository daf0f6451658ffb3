//! What a meeting is: a thread where the bot asked how the topic affects
//! customers, opened by a command, a matching thread name or an event.

use jiff::Timestamp;

/// How a meeting came to be prompted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// `/meeting start`
    Command,
    /// A new thread whose name matched the guild's pattern.
    Pattern,
    /// A Discord scheduled event that became active.
    Event,
}

impl Origin {
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Command => "command",
            Origin::Pattern => "pattern",
            Origin::Event => "event",
        }
    }

    pub fn parse(text: &str) -> Origin {
        match text {
            "pattern" => Origin::Pattern,
            "event" => Origin::Event,
            _ => Origin::Command,
        }
    }
}

/// A meeting about to be opened.
#[derive(Clone, Debug, PartialEq)]
pub struct NewMeeting {
    pub guild_id: u64,
    pub channel_id: u64,
    pub thread_id: u64,
    pub topic: String,
    pub segment: Option<String>,
    pub host_id: Option<u64>,
    pub origin: Origin,
    pub event_id: Option<u64>,
}

/// A meeting as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct Meeting {
    pub id: i64,
    pub body: NewMeeting,
    /// The bot's question in the thread, once posted.
    pub prompt_message_id: Option<u64>,
    pub opened_at: Timestamp,
    pub closed_at: Option<Timestamp>,
}

/// What a meeting's recap counts (deleted answers left out).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MeetingStats {
    pub answers: i64,
    pub answerers: i64,
    pub with_evidence: i64,
    pub with_assumption: i64,
    pub open_follow_ups: i64,
    /// Answers that speak for one customer, and for more than one.
    pub one_customer: i64,
    pub more_customers: i64,
}

impl MeetingStats {
    /// Whether what was said rests on one customer's voice only.
    pub fn one_voice(&self) -> bool {
        self.one_customer > 0 && self.more_customers == 0
    }
}
