//! Reactions on the bot's own posts (daily insights and meeting prompts).

use jiff::Timestamp;

use super::{db_id, ms, on_pool, Result, Store};

#[derive(Clone, Debug, PartialEq)]
pub struct ReactionEvent {
    pub guild_id: u64,
    pub channel_id: u64,
    pub message_id: u64,
    pub user_id: u64,
    pub emoji: String,
    pub at: Timestamp,
}

impl Store {
    /// Logs a reaction if it is on one of the bot's posts; a replayed add
    /// of a reaction already live changes nothing. True if logged.
    pub async fn reaction_added(&self, r: &ReactionEvent) -> Result<bool> {
        let sql =
            "INSERT INTO reactions (guild_id, channel_id, message_id, user_id, emoji, post_id, meeting_id, added_at) \
            SELECT $1, $2, $3, $4, $5, \
                (SELECT id FROM insight_posts WHERE message_id = $3), \
                (SELECT id FROM meetings WHERE prompt_message_id = $3), $6 \
            WHERE EXISTS (SELECT 1 FROM insight_posts WHERE message_id = $3) \
               OR EXISTS (SELECT 1 FROM meetings WHERE prompt_message_id = $3) \
            ON CONFLICT DO NOTHING";
        let done = on_pool!(self, p => sqlx::query(sql)
            .bind(db_id(r.guild_id))
            .bind(db_id(r.channel_id))
            .bind(db_id(r.message_id))
            .bind(db_id(r.user_id))
            .bind(&r.emoji)
            .bind(ms(r.at))
            .execute(p).await.map(|r| r.rows_affected()))?;
        Ok(done == 1)
    }

    /// Marks a live reaction removed. True if there was one.
    pub async fn reaction_removed(&self, r: &ReactionEvent) -> Result<bool> {
        let sql = "UPDATE reactions SET removed_at = $4 \
            WHERE message_id = $1 AND user_id = $2 AND emoji = $3 AND removed_at IS NULL";
        let done = on_pool!(self, p => sqlx::query(sql)
            .bind(db_id(r.message_id))
            .bind(db_id(r.user_id))
            .bind(&r.emoji)
            .bind(ms(r.at))
            .execute(p).await.map(|r| r.rows_affected()))?;
        Ok(done == 1)
    }
}
