//! Reading what happened with a guild's customers: each one's standing
//! (the customers list) and one customer's timeline (the customer page).

use std::collections::HashMap;

use jiff::civil::Date;

use super::{db_id, from_db_id, from_ms, on_pool, Result, Store};
use domain::answer::ANONYMOUS;
use domain::link::discord_link;
use domain::timeline::{Moment, Promise, Score, Standing, Tally, Timeline, TIMELINE_ANSWERS};

const FEEDBACK_TALLY: &str = "SELECT customer_id, COUNT(*), MAX(created_at) FROM insights \
    WHERE guild_id = $1 AND customer_id IS NOT NULL AND status <> 'rejected' GROUP BY customer_id";
const ANSWER_TALLY: &str = "SELECT ac.customer_id, COUNT(*), MAX(a.created_at) FROM answer_customers ac \
    JOIN answers a ON a.id = ac.answer_id WHERE ac.guild_id = $1 AND a.deleted_at IS NULL GROUP BY ac.customer_id";
const PROMISE_TALLY: &str = "SELECT customer_id, \
    SUM(CASE WHEN status = 'open' THEN 1 ELSE 0 END), MIN(CASE WHEN status = 'open' THEN created_at END), \
    SUM(CASE WHEN status = 'done' THEN 1 ELSE 0 END), SUM(CASE WHEN status = 'done' AND told_customer THEN 1 ELSE 0 END), \
    MAX(done_at) FROM follow_ups WHERE guild_id = $1 AND customer_id IS NOT NULL GROUP BY customer_id";
const SCORES: &str = "SELECT customer_id, kind, score, day FROM outcomes \
    WHERE guild_id = $1 AND customer_id IS NOT NULL ORDER BY customer_id, day, id";

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

fn utc_day(ms: i64) -> Date {
    from_ms(ms).to_zoned(jiff::tz::TimeZone::UTC).date()
}

impl Store {
    /// Every customer of the guild with how they stand, by name; a CSAT
    /// at or below `csat_at` is a detractor's.
    pub async fn customer_standings(&self, guild_id: u64, csat_at: f64) -> Result<Vec<Standing>> {
        let g = db_id(guild_id);
        let feedback: Vec<(i64, i64, Option<i64>)> =
            on_pool!(self, p => sqlx::query_as(FEEDBACK_TALLY).bind(g).fetch_all(p).await)?;
        let answers: Vec<(i64, i64, Option<i64>)> =
            on_pool!(self, p => sqlx::query_as(ANSWER_TALLY).bind(g).fetch_all(p).await)?;
        let promises: Vec<PromiseTally> =
            on_pool!(self, p => sqlx::query_as(PROMISE_TALLY).bind(g).fetch_all(p).await)?;
        let scores: Vec<ScoreRow> = on_pool!(self, p => sqlx::query_as(SCORES).bind(g).fetch_all(p).await)?;
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
        let mut by_customer: HashMap<i64, Vec<Score>> = HashMap::new();
        for row in &scores {
            by_customer.entry(row.0).or_default().extend(score_of(row));
        }
        let none = Tally::default();
        Ok(self
            .customers(guild_id)
            .await?
            .into_iter()
            .map(|c| {
                let (tally, scores) =
                    (tallies.get(&c.id).unwrap_or(&none), by_customer.remove(&c.id).unwrap_or_default());
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
        let scored = "SELECT customer_id, kind, score, day FROM outcomes WHERE guild_id = $1 AND customer_id = $2 ORDER BY day, id";
        let rows: Vec<ScoreRow> = on_pool!(self, p => sqlx::query_as(scored).bind(g).bind(id).fetch_all(p).await)?;
        let scores: Vec<Score> = rows.iter().filter_map(score_of).collect();
        moments.extend(scores.iter().cloned().map(|score| Moment::Score { score }));
        let answered =
            "SELECT COUNT(*), MAX(a.created_at) FROM answer_customers ac JOIN answers a ON a.id = ac.answer_id \
            WHERE ac.guild_id = $1 AND ac.customer_id = $2 AND a.deleted_at IS NULL";
        let (answers, last_answer_ms): (i64, Option<i64>) =
            on_pool!(self, p => sqlx::query_as(answered).bind(g).bind(id).fetch_one(p).await)?;
        let feedback: Vec<i64> =
            moments.iter().filter(|m| matches!(m, Moment::Feedback { .. })).map(|m| m.at().as_millisecond()).collect();
        let (open, closed): (Vec<&Promise>, Vec<&Promise>) = promises.iter().partition(|p| p.closed_at.is_none());
        let tally = Tally {
            feedback: feedback.len() as i64,
            last_feedback_ms: feedback.iter().copied().max(),
            answers,
            last_answer_ms,
            open_promises: open.len() as i64,
            oldest_open_ms: open.iter().map(|p| p.opened_at.as_millisecond()).min(),
            closed_promises: closed.len() as i64,
            told: closed.iter().filter(|p| p.told_customer == Some(true)).count() as i64,
            last_closed: closed.iter().filter_map(|p| p.closed_at).max().map(|at| utc_day(at.as_millisecond())),
        };
        let standing = Standing::new(customer, &tally, &scores, csat_at);
        Ok(Some(Timeline::new(standing, moments, &promises, &scores)))
    }
}
