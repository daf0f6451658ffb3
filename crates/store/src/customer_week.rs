//! The rows behind the summary's customer side: the customers the
//! period's answers name, the feedback and scores that came in, and the
//! loops closed for them. Bounded by the period, like the rest of it.

use jiff::civil::Date;

use super::report::answers_in;
use super::{db_id, ms, on_pool, Result, Store};
use domain::customer_week::{CustomerRow, CustomerWeek, FeedbackRow};
use domain::query::WeekScope;
use domain::timeline::Score;

/// The links from the period's answers in scope to the customers they
/// name (binds `$1`–`$4` as the summary does), as a `links` CTE. Read by
/// the range of the period's answer ids (every answer of the period is in
/// it; the join drops the others), so the cost follows the period's links,
/// not the history's.
fn links_cte(backend: &str) -> String {
    format!(
        "WITH span (lo, hi) AS (SELECT MIN(a.id), MAX(a.id) {}), \
        links AS (SELECT ac.answer_id, ac.customer_id FROM span, answer_customers ac \
            JOIN answers a ON a.id = ac.answer_id \
            WHERE ac.answer_id >= span.lo AND ac.answer_id <= span.hi AND a.guild_id = $1 \
            AND a.created_at >= $2 AND a.created_at < $3 AND a.deleted_at IS NULL \
            AND ($4 IS NULL OR a.home_channel_id = $4))",
        answers_in(backend)
    )
}

/// customer, name, segment, weight, answers naming them
type NamedSql = (i64, String, Option<String>, Option<f64>, i64);
/// customer, name, segment, weight, kind, score, day
type FeedbackSql =
    (Option<i64>, Option<String>, Option<String>, Option<f64>, Option<String>, Option<f64>, Option<String>);

impl Store {
    /// Who the period's answers name, and what customers said in it; for
    /// one channel, only the customers its answers name.
    pub(super) async fn customer_week(&self, w: &WeekScope) -> Result<CustomerWeek> {
        let (g, s, e, c) = (db_id(w.guild_id), ms(w.start), ms(w.end), w.channel_id.map(db_id));
        let links = links_cte(self.backend());
        let named_sql = format!(
            "{links} SELECT l.customer_id, cu.name, cu.segment, cu.weight, COUNT(*) FROM links l \
            JOIN customers cu ON cu.id = l.customer_id GROUP BY l.customer_id, cu.name, cu.segment, cu.weight"
        );
        let naming_sql = format!("{links} SELECT COUNT(DISTINCT answer_id) FROM links");
        let in_scope = |column: &str| format!("($4 IS NULL OR {column} IN (SELECT customer_id FROM links))");
        let feedback_sql = format!(
            "{links} SELECT o.customer_id, cu.name, COALESCE(cu.segment, o.segment), cu.weight, o.kind, o.score, o.day \
            FROM outcomes o LEFT JOIN customers cu ON cu.id = o.customer_id \
            WHERE o.guild_id = $1 AND o.day >= $5 AND o.day <= $6 AND {} \
            UNION ALL \
            SELECT i.customer_id, cu.name, COALESCE(cu.segment, i.segment), cu.weight, NULL, NULL, NULL \
            FROM insights i LEFT JOIN customers cu ON cu.id = i.customer_id \
            WHERE i.guild_id = $1 AND i.created_at >= $2 AND i.created_at < $3 AND i.status <> 'rejected' AND {}",
            in_scope("o.customer_id"),
            in_scope("i.customer_id")
        );
        // From a day before the period (a score's day is the export's, a
        // closing time UTC) to the guild's wait after it.
        let loops_sql = "SELECT customer_id, done_at FROM follow_ups WHERE guild_id = $1 AND status = 'done' \
            AND customer_id IS NOT NULL AND done_at >= $2 - 86400000 \
            AND done_at < $3 + COALESCE((SELECT customer_wait_days FROM guilds WHERE guild_id = $1), 365) * 86400000";
        let mean_sql = "SELECT AVG(weight) FROM customers WHERE guild_id = $1";
        let (first, last) = (w.first_day.to_string(), w.last_day.to_string());
        let (named, naming, feedback, loops, mean) = on_pool!(self, p => {
            let named: Vec<NamedSql> = sqlx::query_as(&named_sql).bind(g).bind(s).bind(e).bind(c).fetch_all(p).await?;
            let naming: i64 = sqlx::query_scalar(&naming_sql).bind(g).bind(s).bind(e).bind(c).fetch_one(p).await?;
            let feedback: Vec<FeedbackSql> = sqlx::query_as(&feedback_sql)
                .bind(g).bind(s).bind(e).bind(c).bind(&first).bind(&last).fetch_all(p).await?;
            let loops: Vec<(i64, i64)> = sqlx::query_as(loops_sql).bind(g).bind(s).bind(e).fetch_all(p).await?;
            let mean: Option<f64> = sqlx::query_scalar(mean_sql).bind(g).fetch_one(p).await?;
            Ok::<_, sqlx::Error>((named, naming, feedback, loops, mean))
        })?;
        let mut week = CustomerWeek { naming_answers: naming, mean_weight: mean, ..CustomerWeek::default() };
        for (id, name, segment, weight, answers) in named {
            week.customers.insert(id, CustomerRow { name, segment, weight });
            week.named.push((id, answers));
        }
        for (id, name, segment, weight, kind, score, day) in feedback {
            if let (Some(id), Some(name)) = (id, name) {
                week.customers.entry(id).or_insert(CustomerRow { name, segment: segment.clone(), weight });
            }
            let score = kind.zip(day.and_then(|d| d.parse::<Date>().ok())).map(|(k, day)| Score::new(&k, score, day));
            week.feedback.push(FeedbackRow { customer_id: id, segment, score });
        }
        week.loops_closed = loops.into_iter().map(|(id, done)| (id, super::timeline::utc_day(done))).collect();
        Ok(week)
    }
}
