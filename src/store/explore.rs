//! The answers explorer: a guild's answers filtered any way, newest
//! first, a page at a time (or all of them, for an export).

use jiff::Timestamp;

use super::report::{AnswerSql, ANSWER_COLUMNS};
use super::{db_id, ms, on_pool, Result, Store};
use crate::domain::summary::AnswerRow;

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

/// `text` inside a LIKE pattern, its wildcards taken literally.
fn like(text: &str) -> String {
    let escaped = text.to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

fn matching_sql() -> String {
    format!(
        "SELECT {ANSWER_COLUMNS} FROM answers a LEFT JOIN meetings m ON m.id = a.meeting_id \
        LEFT JOIN insight_posts p ON p.id = a.post_id \
        WHERE a.guild_id = $1 AND a.created_at >= $2 AND a.created_at < $3 AND a.deleted_at IS NULL \
        AND ($4 IS NULL OR m.channel_id = $4 OR p.channel_id = $4) \
        AND ($5 IS NULL OR ',' || a.segments || ',' LIKE $5 ESCAPE '\\') \
        AND ($6 IS NULL OR a.impact = $6) AND ($7 IS NULL OR a.has_evidence = $7) \
        AND ($8 IS NULL OR a.has_assumption = $8) AND ($9 IS NULL OR a.user_id = $9) \
        AND ($10 IS NULL OR LOWER(a.body) LIKE $10 ESCAPE '\\') \
        AND ($11 IS NULL OR a.id < $11) ORDER BY a.id DESC LIMIT $12"
    )
}

impl Store {
    /// Up to `limit` answers matching `f` whose id is below `before`, newest first.
    pub async fn answers_matching(&self, f: &AnswerFilter, before: Option<i64>, limit: i64) -> Result<Vec<AnswerRow>> {
        let sql = matching_sql();
        let segment = f.segment.as_deref().map(|s| like(&format!(",{s},")));
        let rows: Vec<AnswerSql> = on_pool!(self, p => sqlx::query_as(&sql)
            .bind(db_id(f.guild_id))
            .bind(ms(f.start))
            .bind(ms(f.end))
            .bind(f.channel_id.map(db_id))
            .bind(segment)
            .bind(f.impact.as_deref())
            .bind(f.evidence)
            .bind(f.assumption)
            .bind(f.user_id.map(db_id))
            .bind(f.text.as_deref().map(like))
            .bind(before)
            .bind(limit)
            .fetch_all(p)
            .await)?;
        Ok(rows.into_iter().map(|a| a.into_row(f.guild_id)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::like;

    #[test]
    fn wildcards_in_searched_text_match_only_themselves() {
        assert_eq!(like("50%_off"), "%50\\%\\_off%");
        assert_eq!(like("Churn"), "%churn%");
    }
}
