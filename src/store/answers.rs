//! Answers: logged once each, edited and deleted as their messages are.

use jiff::Timestamp;

use super::{db_id, ms, on_pool, Result, Store};
use crate::domain::answer::{Impact, Via};
use crate::domain::classify::Classification;

/// What an answer responds to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AnswerRef {
    Meeting(i64),
    Post(i64),
}

#[derive(Clone, Debug, PartialEq)]
pub struct NewAnswer {
    pub guild_id: u64,
    pub channel_id: u64,
    pub user_id: u64,
    pub to: AnswerRef,
    pub via: Via,
    pub body: String,
    pub impact: Impact,
    pub classification: Classification,
    /// The thread reply's id; a replayed event repeats it.
    pub message_id: Option<u64>,
    /// The modal submission's id; a retried submission repeats it.
    pub interaction_id: Option<u64>,
    pub created_at: Timestamp,
}

fn segments(c: &Classification) -> String {
    c.segments.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(",")
}

impl Store {
    /// Logs an answer; `None` if the same message or interaction was
    /// logged before, so a replayed event changes nothing.
    pub async fn log_answer(&self, a: &NewAnswer) -> Result<Option<i64>> {
        let sql =
            "INSERT INTO answers (guild_id, channel_id, user_id, meeting_id, post_id, via, body, impact, segments, \
            has_evidence, has_assumption, wants_follow_up, message_id, interaction_id, created_at) \
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) \
            ON CONFLICT DO NOTHING RETURNING id";
        let (meeting, post) = match a.to {
            AnswerRef::Meeting(id) => (Some(id), None),
            AnswerRef::Post(id) => (None, Some(id)),
        };
        let c = &a.classification;
        on_pool!(self, p => sqlx::query_scalar(sql)
            .bind(db_id(a.guild_id))
            .bind(db_id(a.channel_id))
            .bind(db_id(a.user_id))
            .bind(meeting)
            .bind(post)
            .bind(a.via.as_str())
            .bind(&a.body)
            .bind(a.impact.as_str())
            .bind(segments(c))
            .bind(c.has_evidence)
            .bind(c.has_assumption)
            .bind(c.wants_follow_up)
            .bind(a.message_id.map(db_id))
            .bind(a.interaction_id.map(db_id))
            .bind(ms(a.created_at))
            .fetch_optional(p)
            .await)
    }

    /// Applies an edit of a logged thread reply; false if none was logged.
    pub async fn edit_answer(&self, message_id: u64, body: &str, c: &Classification, now: Timestamp) -> Result<bool> {
        let sql = "UPDATE answers SET body = $2, segments = $3, has_evidence = $4, has_assumption = $5, \
            wants_follow_up = $6, edited_at = $7 WHERE message_id = $1 AND deleted_at IS NULL";
        let done = on_pool!(self, p => sqlx::query(sql)
            .bind(db_id(message_id))
            .bind(body)
            .bind(segments(c))
            .bind(c.has_evidence)
            .bind(c.has_assumption)
            .bind(c.wants_follow_up)
            .bind(ms(now))
            .execute(p).await.map(|r| r.rows_affected()))?;
        Ok(done == 1)
    }

    /// Marks a logged thread reply deleted; it stops counting.
    pub async fn delete_answer(&self, message_id: u64, now: Timestamp) -> Result<bool> {
        let sql = "UPDATE answers SET deleted_at = $2 WHERE message_id = $1 AND deleted_at IS NULL";
        let done = on_pool!(self, p => sqlx::query(sql).bind(db_id(message_id)).bind(ms(now)).execute(p).await.map(|r| r.rows_affected()))?;
        Ok(done == 1)
    }
}
