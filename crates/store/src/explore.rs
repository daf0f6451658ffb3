//! The answers explorer: a guild's answers filtered any way, newest
//! first, a page at a time (or all of them, for an export).

use super::report::{AnswerSql, ANSWER_COLUMNS};
use super::{db_id, ms, on_pool, Result, Store};
use domain::query::AnswerFilter;
use domain::summary::AnswerRow;

/// `text` inside a LIKE pattern, its wildcards taken literally.
fn like(text: &str) -> String {
    let escaped = text.to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

/// A value bound to the query.
enum Arg {
    Int(i64),
    Text(String),
    Flag(bool),
}

/// The query for `f` with a condition only for each filter given:
/// PostgreSQL's generic plan for `($n IS NULL OR …)` scanned the whole
/// period however narrow the filters.
fn matching(f: &AnswerFilter, before: Option<i64>, limit: i64) -> (String, Vec<Arg>) {
    let mut sql = format!(
        "SELECT {ANSWER_COLUMNS} FROM answers a LEFT JOIN meetings m ON m.id = a.meeting_id \
        LEFT JOIN insight_posts p ON p.id = a.post_id \
        WHERE a.guild_id = $1 AND a.created_at >= $2 AND a.created_at < $3 AND a.deleted_at IS NULL"
    );
    let mut args = vec![Arg::Int(db_id(f.guild_id)), Arg::Int(ms(f.start)), Arg::Int(ms(f.end))];
    let mut and = |condition: &str, arg: Arg| {
        args.push(arg);
        sql.push_str(" AND ");
        sql.push_str(&condition.replace('?', &format!("${}", args.len())));
    };
    if let Some(c) = f.channel_id {
        and("(m.channel_id = ? OR p.channel_id = ?)", Arg::Int(db_id(c)));
    }
    if let Some(s) = &f.segment {
        and("',' || a.segments || ',' LIKE ? ESCAPE '\\'", Arg::Text(like(&format!(",{s},"))));
    }
    if let Some(i) = &f.impact {
        and("a.impact = ?", Arg::Text(i.clone()));
    }
    if let Some(e) = f.evidence {
        and("a.has_evidence = ?", Arg::Flag(e));
    }
    if let Some(e) = f.assumption {
        and("a.has_assumption = ?", Arg::Flag(e));
    }
    if let Some(u) = f.user_id {
        and("a.user_id = ?", Arg::Int(db_id(u)));
    }
    if let Some(t) = &f.text {
        and("LOWER(a.body) LIKE ? ESCAPE '\\'", Arg::Text(like(t)));
    }
    if let Some(b) = before {
        and("a.id < ?", Arg::Int(b));
    }
    args.push(Arg::Int(limit));
    sql.push_str(&format!(" ORDER BY a.id DESC LIMIT ${}", args.len()));
    (sql, args)
}

impl Store {
    /// Up to `limit` answers matching `f` whose id is below `before`, newest first.
    pub async fn answers_matching(&self, f: &AnswerFilter, before: Option<i64>, limit: i64) -> Result<Vec<AnswerRow>> {
        let (sql, args) = matching(f, before, limit);
        let rows: Vec<AnswerSql> = on_pool!(self, p => {
            let mut q = sqlx::query_as(&sql);
            for arg in &args {
                q = match arg {
                    Arg::Int(v) => q.bind(*v),
                    Arg::Text(t) => q.bind(t.as_str()),
                    Arg::Flag(b) => q.bind(*b),
                };
            }
            q.fetch_all(p).await
        })?;
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
