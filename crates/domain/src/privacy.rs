//! What the bot keeps about one person, as `/privacy show` hands it
//! over, and what `/privacy forget` removed.

use serde::Serialize;

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct StoredAnswer {
    pub id: i64,
    pub body: String,
    pub impact: String,
    pub segments: String,
    pub via: String,
    pub created_at: i64,
    pub deleted_at: Option<i64>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct StoredReaction {
    pub message_id: i64,
    pub emoji: String,
    pub added_at: i64,
    pub removed_at: Option<i64>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct StoredFollowUp {
    pub id: i64,
    pub body: String,
    pub status: String,
    pub due_date: Option<String>,
}

/// Everything stored about one person in one guild.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct PersonalData {
    pub guild_id: String,
    pub user_id: String,
    pub answers: Vec<StoredAnswer>,
    pub reactions: Vec<StoredReaction>,
    pub follow_ups_owned: Vec<StoredFollowUp>,
    pub follow_ups_created: Vec<StoredFollowUp>,
    pub meetings_hosted: i64,
    pub insights_added: i64,
    /// Rows that name the person, per `table.column` (every column that
    /// names a person).
    pub mentions: std::collections::BTreeMap<String, i64>,
}

/// What forgetting removed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Forgotten {
    pub answers: u64,
    pub reactions: u64,
    pub follow_ups: u64,
}
