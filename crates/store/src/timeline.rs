//! Reading what happened with a guild's customers: each one's standing
//! (the customers list) and one customer's timeline (the customer page).

use std::collections::HashMap;

use jiff::civil::Date;

use super::{db_id, from_db_id, from_ms, on_pool, Result, Store};
use domain::answer::ANONYMOUS;
use domain::link::discord_link;
use domain::timeline::{Moment, Promise, Score, Standing, Tally, Timeline, TIMELINE_ANSWERS};

/// The counts behind a customer's standing, each as (query up to its
/// customer filter, the filter's column, the rest): one guild's customers,
/// or with the filter one customer's.
type Scoped = (&'static str, &'static str, &'static str);
const FEEDBACK_TALLY: Scoped = (
    "SELECT customer_id, COUNT(*), MAX(created_at) FROM insights \
     WHERE guild_id = $1 AND customer_id IS NOT NULL AND status <> 'rejected'",
    "customer_id",
    " GROUP BY customer_id",
);
const ANSWER_TALLY: Scoped = (
    "SELECT ac.customer_id, COUNT(*), MAX(a.created_at) FROM answer_customers ac \
     JOIN answers a ON a.id = ac.answer_id WHERE ac.guild_id = $1 AND a.deleted_at IS NULL",
    "ac.customer_id",
    " GROUP BY ac.customer_id",
);
const PROMISE_TALLY: Scoped = (
    "SELECT customer_id, \
     SUM(CASE WHEN status = 'open' THEN 1 ELSE 0 END), MIN(CASE WHEN status = 'open' THEN created_at END), \
     SUM(CASE WHEN status = 'done' THEN 1 ELSE 0 END), SUM(CASE WHEN status = 'done' AND told_customer THEN 1 ELSE 0 END), \
     MAX(done_at) FROM follow_ups WHERE guild_id = $1 AND customer_id IS NOT NULL",
    "customer_id",
    " GROUP BY customer_id",
);
const SCORES: Scoped = (
    "SELECT customer_id, kind, score, day FROM outcomes WHERE guild_id = $1 AND customer_id IS NOT NULL",
    "customer_id",
    " ORDER BY customer_id, day, id",
);

/// Rows of a [`Scoped`] query (see [`sql_of`]) for guild `$g`, and for
/// customer `$customer` too when it is `Some`.
macro_rules! fetch_scoped {
    ($store:expr, $sql:expr, $g:expr, $customer:expr) => {
        on_pool!($store, p => {
            let q = sqlx::query_as($sql).bind($g);
            match $customer {
                Some(c) => q.bind(c).fetch_all(p).await,
                None => q.fetch_all(p).await,
            }
        })
    };
}

/// A [`Scoped`] query's SQL, for one customer (bound as `$2`) when `one`.
fn sql_of((head, column, tail): Scoped, one: bool) -> String {
    match one {
        true => format!("{head} AND {column} = $2{tail}"),
        false => format!("{head}{tail}"),
    }
}

type PromiseTally = (i64, i64, Option<i64>, i64, i64, Option<i64>);
type ScoreRow = (i64, String, Option<f64>, String);
/// insight, title, posted at, channel, message, reactions, answers
type PostRow = (i64, String, i64, i64, Option<i64>, i64, i64);
/// id, text, impact, evidence, assumption, at, channel, message
type AnswerRow = (i64, String, String, bool, bool, i64, i64, Option<i64>);
/// id, text, opened, closed, outcome, told
type PromiseRow = (i64, String, i64, Option<i64>, Option<String>, Option<bool>);

fn score_of((_, kind, score, day): &ScoreRow) -> Option<Score> {
    Some(Score::new(kind, *score, day.parse::<Date>().ok()?))
}

pub(super) fn utc_day(ms: i64) -> Date {
    from_ms(ms).to_zoned(jiff::tz::TimeZone::UTC).date()
}

impl Store {
    /// Each customer's counts: the guild's, or only `customer`'s.
    async fn tallies(&self, g: i64, customer: Option<i64>) -> Result<HashMap<i64, Tally>> {
        let one = customer.is_some();
        let (feedback, answers, promises) =
            (sql_of(FEEDBACK_TALLY, one), sql_of(ANSWER_TALLY, one), sql_of(PROMISE_TALLY, one));
        let feedback: Vec<(i64, i64, Option<i64>)> = fetch_scoped!(self, &feedback, g, customer)?;
        let answers: Vec<(i64, i64, Option<i64>)> = fetch_scoped!(self, &answers, g, customer)?;
        let promises: Vec<PromiseTally> = fetch_scoped!(self, &promises, g, customer)?;
        let mut tallies: HashMap<i64, Tally> = HashMap::new();
        for (id, n, last) in feedback {
            let t = tallies.entry(id).or_default();
            (t.feedback, t.last_feedback_ms) = (n, last);
        }
        for (id, n, last) in answers {
            let t = tallies.entry(id).or_default();
            (t.answers, t.last_answer_ms) = (n, last);
        }
        for (id, open, oldest, closed, told, last_closed) in promises {
            let t = tallies.entry(id).or_default();
            (t.open_promises, t.oldest_open_ms, t.closed_promises, t.told) = (open, oldest, closed, told);
            t.last_closed = last_closed.map(utc_day);
        }
        Ok(tallies)
    }

    /// One customer's counts.
    pub async fn customer_tally(&self, guild_id: u64, id: i64) -> Result<Tally> {
        Ok(self.tallies(db_id(guild_id), Some(id)).await?.remove(&id).unwrap_or_default())
    }

    /// Each customer's scores, oldest first: the guild's, or only `customer`'s.
    async fn scores(&self, g: i64, customer: Option<i64>) -> Result<HashMap<i64, Vec<Score>>> {
        let sql = sql_of(SCORES, customer.is_some());
        let rows: Vec<ScoreRow> = fetch_scoped!(self, &sql, g, customer)?;
        let mut scores: HashMap<i64, Vec<Score>> = HashMap::new();
        for row in &rows {
            scores.entry(row.0).or_default().extend(score_of(row));
        }
        Ok(scores)
    }

    /// Every customer of the guild with how they stand, by name; a CSAT
    /// at or below `csat_at` is a detractor's.
    pub async fn customer_standings(&self, guild_id: u64, csat_at: f64) -> Result<Vec<Standing>> {
        let g = db_id(guild_id);
        let (tallies, mut scores) = (self.tallies(g, None).await?, self.scores(g, None).await?);
        let none = Tally::default();
        Ok(self
            .customers(guild_id)
            .await?
            .into_iter()
            .map(|c| {
                let (tally, scores) = (tallies.get(&c.id).unwrap_or(&none), scores.remove(&c.id).unwrap_or_default());
                Standing::new(c, tally, &scores, csat_at)
            })
            .collect())
    }

    /// One customer's standing and timeline; `None` if the guild has no such customer.
    pub async fn customer_timeline(&self, guild_id: u64, id: i64, csat_at: f64) -> Result<Option<Timeline>> {
        let Some(customer) = self.customer(guild_id, id).await? else { return Ok(None) };
        let g = db_id(guild_id);
        let mut moments = vec![];
        let feedback = "SELECT id, title, story, source, created_at FROM insights \
            WHERE guild_id = $1 AND customer_id = $2 AND status <> 'rejected'";
        let rows: Vec<(i64, String, String, String, i64)> =
            on_pool!(self, p => sqlx::query_as(feedback).bind(g).bind(id).fetch_all(p).await)?;
        for (insight_id, title, story, source, at) in rows {
            moments.push(Moment::Feedback { insight_id, title, story, source, at: from_ms(at) });
        }
        let posts = "SELECT p.insight_id, i.title, p.posted_at, p.channel_id, p.message_id, \
            (SELECT COUNT(*) FROM reactions r WHERE r.post_id = p.id AND r.removed_at IS NULL), \
            (SELECT COUNT(*) FROM answers a WHERE a.post_id = p.id AND a.deleted_at IS NULL) \
            FROM insight_posts p JOIN insights i ON i.id = p.insight_id \
            WHERE p.guild_id = $1 AND i.customer_id = $2 AND p.posted_at IS NOT NULL";
        let rows: Vec<PostRow> = on_pool!(self, p => sqlx::query_as(posts).bind(g).bind(id).fetch_all(p).await)?;
        for (insight_id, title, at, channel, message, reactions, answers) in rows {
            let link = discord_link(guild_id, from_db_id(channel), message.map(from_db_id));
            moments.push(Moment::Post { insight_id, title, at: from_ms(at), reactions, answers, link });
        }
        // Anonymous answers count in the totals only: their text and time are not listed.
        let answers = "SELECT a.id, a.body, a.impact, a.has_evidence, a.has_assumption, a.created_at, a.channel_id, \
            a.message_id FROM answer_customers ac JOIN answers a ON a.id = ac.answer_id \
            WHERE ac.customer_id = $1 AND ac.guild_id = $2 AND a.deleted_at IS NULL AND a.user_id <> $3 \
            ORDER BY a.created_at DESC LIMIT $4";
        let rows: Vec<AnswerRow> = on_pool!(self, p => sqlx::query_as(answers)
            .bind(id).bind(g).bind(db_id(ANONYMOUS)).bind(TIMELINE_ANSWERS as i64).fetch_all(p).await)?;
        for (answer_id, text, impact, evidence, assumption, at, channel, message) in rows {
            let link = discord_link(guild_id, from_db_id(channel), message.map(from_db_id));
            moments.push(Moment::Answer { answer_id, text, impact, evidence, assumption, at: from_ms(at), link });
        }
        let promised = "SELECT id, body, created_at, done_at, outcome, told_customer FROM follow_ups \
            WHERE guild_id = $1 AND customer_id = $2 ORDER BY created_at";
        let rows: Vec<PromiseRow> = on_pool!(self, p => sqlx::query_as(promised).bind(g).bind(id).fetch_all(p).await)?;
        let promises: Vec<Promise> = rows
            .into_iter()
            .map(|(id, text, opened, closed, outcome, told_customer)| Promise {
                id,
                text,
                opened_at: from_ms(opened),
                closed_at: closed.map(from_ms),
                outcome,
                told_customer,
            })
            .collect();
        moments.extend(promises.iter().cloned().map(|promise| Moment::Promise { promise }));
        let scores = self.scores(g, Some(id)).await?.remove(&id).unwrap_or_default();
        moments.extend(scores.iter().cloned().map(|score| Moment::Score { score }));
        let tally = self.customer_tally(guild_id, id).await?;
        let standing = Standing::new(customer, &tally, &scores, csat_at);
        Ok(Some(Timeline::new(standing, moments, &promises, &scores)))
    }
}
