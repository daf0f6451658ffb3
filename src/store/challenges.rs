//! Challenged assumptions: marked on an answer, resolved once.

use jiff::Timestamp;

use super::{db_id, from_db_id, ms, on_pool, Result, Store};
use crate::domain::challenge::{Challenged, Resolution};

/// Whether an author has an open challenge in a meeting (per evidence reply).
pub(super) const HAS_OPEN_CHALLENGE: &str =
    "SELECT id FROM answers WHERE meeting_id = $1 AND user_id = $2 AND challenge = 'open' LIMIT 1";

/// See [`Store::validate_by_reply`].
pub(super) const VALIDATE_BY_REPLY: &str =
    "UPDATE answers SET challenge = 'validated', resolved_at = $5, resolution = $4 \
    WHERE meeting_id = $1 AND user_id = $2 AND id <> $3 AND challenge = 'open'";

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

    /// Validates `author`'s open challenges in a meeting with the evidence
    /// in their reply `reply_id` (per evidence reply). Most such replies
    /// answer no challenge: they are looked for first, so that those
    /// replies take no write lock (on SQLite an UPDATE that changes
    /// nothing still waits for the answer writer's transaction).
    pub async fn validate_by_reply(
        &self,
        meeting_id: i64,
        author: u64,
        reply_id: i64,
        evidence: &str,
        now: Timestamp,
    ) -> Result<u64> {
        on_pool!(self, p => {
            let open: Option<i64> =
                sqlx::query_scalar(HAS_OPEN_CHALLENGE).bind(meeting_id).bind(db_id(author)).fetch_optional(p).await?;
            if open.is_none() {
                return Ok(0);
            }
            sqlx::query(VALIDATE_BY_REPLY)
                .bind(meeting_id)
                .bind(db_id(author))
                .bind(reply_id)
                .bind(evidence)
                .bind(ms(now))
                .execute(p).await.map(|r| r.rows_affected())
        })
    }

    /// A meeting's answers still challenged: (answer id, its text).
    pub async fn open_assumptions(&self, meeting_id: i64) -> Result<Vec<(i64, String)>> {
        let sql = "SELECT id, body FROM answers WHERE meeting_id = $1 AND challenge = 'open' \
            AND deleted_at IS NULL ORDER BY id";
        on_pool!(self, p => sqlx::query_as(sql).bind(meeting_id).fetch_all(p).await)
    }
}
