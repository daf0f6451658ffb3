//! Counts behind the weekly summary, read from one week's rows only.

use jiff::Timestamp;

use super::{db_id, ms, on_pool, Result, Store};

/// Headline numbers of one guild's week, `[start, end)`.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct WeekCounts {
    pub insight_posts: i64,
    pub reactions: i64,
    pub meetings: i64,
    pub meetings_answered: i64,
    pub answers: i64,
    pub answerers: i64,
    pub with_evidence: i64,
    pub with_assumption: i64,
}

impl Store {
    pub async fn week_counts(&self, guild_id: u64, start: Timestamp, end: Timestamp) -> Result<WeekCounts> {
        let posts = "SELECT COUNT(*) FROM insight_posts \
            WHERE guild_id = $1 AND claimed_at >= $2 AND claimed_at < $3 AND message_id IS NOT NULL";
        let reactions = "SELECT COUNT(*) FROM reactions WHERE guild_id = $1 AND added_at >= $2 AND added_at < $3";
        let meetings = "SELECT COUNT(*), COUNT(*) FILTER (WHERE EXISTS \
                (SELECT 1 FROM answers a WHERE a.meeting_id = m.id AND a.deleted_at IS NULL)) \
            FROM meetings m WHERE guild_id = $1 AND opened_at >= $2 AND opened_at < $3";
        let answers = "SELECT COUNT(*), COUNT(DISTINCT user_id), COUNT(*) FILTER (WHERE has_evidence), \
                COUNT(*) FILTER (WHERE has_assumption) \
            FROM answers WHERE guild_id = $1 AND created_at >= $2 AND created_at < $3 AND deleted_at IS NULL";
        let (g, s, e) = (db_id(guild_id), ms(start), ms(end));
        on_pool!(self, p => {
            let insight_posts: i64 = sqlx::query_scalar(posts).bind(g).bind(s).bind(e).fetch_one(p).await?;
            let reactions: i64 = sqlx::query_scalar(reactions).bind(g).bind(s).bind(e).fetch_one(p).await?;
            let (meetings, meetings_answered): (i64, i64) =
                sqlx::query_as(meetings).bind(g).bind(s).bind(e).fetch_one(p).await?;
            let (answers, answerers, with_evidence, with_assumption): (i64, i64, i64, i64) =
                sqlx::query_as(answers).bind(g).bind(s).bind(e).fetch_one(p).await?;
            Ok(WeekCounts {
                insight_posts,
                reactions,
                meetings,
                meetings_answered,
                answers,
                answerers,
                with_evidence,
                with_assumption,
            })
        })
    }
}
