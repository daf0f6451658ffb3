//! What a read of the record asks for: a guild's answers filtered any
//! way, and a week (or any window) of a guild for its summary.

use jiff::civil::Date;
use jiff::Timestamp;

use crate::time::Zone;

/// Which answers to show; `None` leaves a field unfiltered.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AnswerFilter {
    pub guild_id: u64,
    pub start: Timestamp,
    pub end: Timestamp,
    /// Given in this channel's meetings or on its posts.
    pub channel_id: Option<u64>,
    pub segment: Option<String>,
    pub impact: Option<String>,
    pub evidence: Option<bool>,
    pub assumption: Option<bool>,
    pub user_id: Option<u64>,
    /// Words the answer contains, in any case.
    pub text: Option<String>,
}

/// The week `[start, end)` of a guild, optionally only one channel's.
#[derive(Clone, Copy, Debug)]
pub struct WeekScope {
    pub guild_id: u64,
    pub start: Timestamp,
    pub end: Timestamp,
    pub first_day: Date,
    pub last_day: Date,
    pub channel_id: Option<u64>,
}

impl WeekScope {
    /// The window `[start, end)` of a guild in its zone.
    pub fn new(guild_id: u64, start: Timestamp, end: Timestamp, zone: &Zone, channel_id: Option<u64>) -> WeekScope {
        WeekScope {
            guild_id,
            start,
            end,
            first_day: zone.date_of(start),
            last_day: zone.last_date_before(end),
            channel_id,
        }
    }
}
