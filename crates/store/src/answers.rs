//! Answers: logged once each, edited and deleted as their messages are.

use jiff::Timestamp;

use super::{db_id, ms, on_pool, Result, Store};
use domain::answer::{AnswerIds, NewAnswer};
use domain::classify::Classification;

/// An answer's segments as stored: comma-separated.
pub(super) fn segments(c: &Classification) -> String {
    c.segments.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(",")
}

/// Applies an edit to a logged reply (per event). An edit that adds
/// evidence validates a challenge still open, with the new text.
pub(super) const EDIT: &str = "UPDATE answers SET body = $2, segments = $3, has_evidence = $4, has_assumption = $5, \
    wants_follow_up = $6, edited_at = $7, reach = $9, \
    challenge = CASE WHEN challenge = 'open' AND $4 THEN 'validated' ELSE challenge END, \
    resolved_at = CASE WHEN challenge = 'open' AND $4 THEN $7 ELSE resolved_at END, \
    resolution = CASE WHEN challenge = 'open' AND $4 THEN $2 ELSE resolution END \
    WHERE message_id = $1 AND guild_id = $8 AND deleted_at IS NULL";

/// Remembers a deleted message (per event).
pub(super) const REMEMBER_DELETION: &str =
    "INSERT INTO deleted_messages (message_id, deleted_at) VALUES ($1, $2) ON CONFLICT DO NOTHING";

/// Marks a reply deleted (per event).
pub(super) const DELETE: &str =
    "UPDATE answers SET deleted_at = $2 WHERE message_id = $1 AND channel_id = $3 AND deleted_at IS NULL";

impl Store {
    /// Logs an answer and the follow-up it asks for; `None` if the same
    /// message or interaction was logged before, so a replayed event
    /// changes nothing. Returns once the rows are committed.
    pub async fn log_answer(&self, a: &NewAnswer) -> Result<Option<AnswerIds>> {
        self.writer.answer(a.clone()).await
    }

    /// Applies an edit of a logged thread reply; false if none was logged.
    pub async fn edit_answer(
        &self,
        guild_id: u64,
        message_id: u64,
        body: &str,
        c: &Classification,
        now: Timestamp,
    ) -> Result<bool> {
        let sql = EDIT;
        let done = on_pool!(self, p => sqlx::query(sql)
            .bind(db_id(message_id))
            .bind(body)
            .bind(segments(c))
            .bind(c.has_evidence)
            .bind(c.has_assumption)
            .bind(c.wants_follow_up)
            .bind(ms(now))
            .bind(db_id(guild_id))
            .bind(c.reach.as_str())
            .execute(p).await.map(|r| r.rows_affected()))?;
        Ok(done == 1)
    }

    /// Marks a thread reply deleted; it stops counting. The deletion is
    /// remembered first, so a creation seen after it logs nothing.
    pub async fn delete_answer(&self, thread_id: u64, message_id: u64, now: Timestamp) -> Result<bool> {
        let remember = REMEMBER_DELETION;
        on_pool!(self, p => sqlx::query(remember).bind(db_id(message_id)).bind(ms(now)).execute(p).await.map(|r| r.rows_affected()))?;
        let sql = DELETE;
        let done = on_pool!(self, p => sqlx::query(sql).bind(db_id(message_id)).bind(ms(now)).bind(db_id(thread_id)).execute(p).await.map(|r| r.rows_affected()))?;
        Ok(done == 1)
    }
}
