//! Challenged assumptions: marked on an answer, resolved once.

use jiff::Timestamp;

use super::{db_id, from_db_id, ms, on_pool, Result, Store};
use domain::challenge::{Challenged, Resolution};

impl Store {
    /// Marks the answer logged from `message_id` in a meeting thread as
    /// challenged, the first time only; `None` otherwise (not an answer,
    /// deleted, or challenged before).
    pub async fn challenge_answer(&self, guild_id: u64, message_id: u64, now: Timestamp) -> Result<Option<Challenged>> {
        let sql = "UPDATE answers SET challenged_at = $3, challenge = 'open' \
            WHERE message_id = $1 AND guild_id = $2 AND challenged_at IS NULL AND deleted_at IS NULL \
            AND meeting_id IS NOT NULL RETURNING id, user_id, body, meeting_id";
        let thread = "SELECT thread_id FROM meetings WHERE id = $1";
        on_pool!(self, p => {
            let row: Option<(i64, i64, String, i64)> =
                sqlx::query_as(sql).bind(db_id(message_id)).bind(db_id(guild_id)).bind(ms(now)).fetch_optional(p).await?;
            let Some((answer_id, author, body, meeting)) = row else { return Ok(None) };
            let thread_id: i64 = sqlx::query_scalar(thread).bind(meeting).fetch_one(p).await?;
            Ok(Some(Challenged { answer_id, author: from_db_id(author), body, thread_id: from_db_id(thread_id) }))
        })
    }

    /// Resolves an open challenge on a guild's answer; false if it has none.
    pub async fn resolve_challenge(
        &self,
        guild_id: u64,
        answer_id: i64,
        resolution: Resolution,
        note: &str,
        now: Timestamp,
    ) -> Result<bool> {
        let sql = "UPDATE answers SET challenge = $3, resolved_at = $4, resolution = $5 \
            WHERE id = $1 AND guild_id = $2 AND challenge = 'open'";
        let done = on_pool!(self, p => sqlx::query(sql)
            .bind(answer_id)
            .bind(db_id(guild_id))
            .bind(resolution.as_str())
            .bind(ms(now))
            .bind(note)
            .execute(p).await.map(|r| r.rows_affected()))?;
        Ok(done == 1)
    }

    /// A meeting's answers still challenged: (answer id, its text).
    pub async fn open_assumptions(&self, meeting_id: i64) -> Result<Vec<(i64, String)>> {
        let sql = "SELECT id, body FROM answers WHERE meeting_id = $1 AND challenge = 'open' \
            AND deleted_at IS NULL ORDER BY id";
        on_pool!(self, p => sqlx::query_as(sql).bind(meeting_id).fetch_all(p).await)
    }
}
