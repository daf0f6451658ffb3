//! Follow-ups: things to take back to customers, tracked until done.

use jiff::civil::Date;
use jiff::Timestamp;

use super::customers::Names as _;
use super::{db_id, from_db_id, from_ms, ms, on_pool, Result, Store};
use domain::follow_up::{DueFollowUp, FollowUp, NewFollowUp};

const COLUMNS: &str = "id, guild_id, answer_id, meeting_id, body, owner_id, created_by, due_date, status, \
    created_at, done_at, customer, outcome, told_customer";

#[derive(sqlx::FromRow)]
struct FollowUpRow {
    id: i64,
    guild_id: i64,
    answer_id: Option<i64>,
    meeting_id: Option<i64>,
    body: String,
    owner_id: Option<i64>,
    created_by: i64,
    due_date: Option<String>,
    status: String,
    created_at: i64,
    done_at: Option<i64>,
    customer: Option<String>,
    outcome: Option<String>,
    told_customer: Option<bool>,
}

impl From<FollowUpRow> for FollowUp {
    fn from(r: FollowUpRow) -> Self {
        FollowUp {
            id: r.id,
            body: NewFollowUp {
                guild_id: from_db_id(r.guild_id),
                answer_id: r.answer_id,
                meeting_id: r.meeting_id,
                text: r.body,
                owner_id: r.owner_id.map(from_db_id),
                created_by: from_db_id(r.created_by),
                due_date: r.due_date.and_then(|d| d.parse().ok()),
                customer: r.customer,
            },
            done: r.status == "done",
            created_at: from_ms(r.created_at),
            done_at: r.done_at.map(from_ms),
            outcome: r.outcome,
            told_customer: r.told_customer,
        }
    }
}

/// Runs the follow-up INSERT on an executor (a transaction: its id is
/// returned by a RETURNING row).
macro_rules! insert_follow_up {
    ($f:expr, $now:expr, $executor:expr) => {{
        let f: &NewFollowUp = $f;
        let sql =
            "INSERT INTO follow_ups (guild_id, answer_id, meeting_id, body, owner_id, created_by, due_date, status, \
            created_at, customer) VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8, $9) RETURNING id";
        sqlx::query_scalar::<_, i64>(sql)
            .bind($crate::db_id(f.guild_id))
            .bind(f.answer_id)
            .bind(f.meeting_id)
            .bind(&f.text)
            .bind(f.owner_id.map($crate::db_id))
            .bind($crate::db_id(f.created_by))
            .bind(f.due_date.map(|d| d.to_string()))
            .bind($crate::ms($now))
            .bind(f.customer.as_deref())
            .fetch_one($executor)
            .await
    }};
}

/// Follow-ups waiting for their reminder (every tick; by their own index).
pub(super) const UNREMINDED: &str = "SELECT f.guild_id, f.id, m.thread_id, f.owner_id, f.body, f.due_date \
    FROM follow_ups f JOIN meetings m ON m.id = f.meeting_id JOIN guilds g ON g.guild_id = f.guild_id \
    WHERE f.status = 'open' AND f.reminded_at IS NULL AND f.due_date <= $1 AND g.left_at IS NULL ORDER BY f.due_date";

/// Follow-ups a customer has waited on for the guild's `customer_wait_days`
/// (at least `$2`: a day ago), not reminded this week (`$3`), with where to
/// remind their owner: the meeting's thread, else the post's channel.
pub(super) const WAITING: &str = "SELECT f.guild_id, f.id, COALESCE(m.thread_id, p.channel_id), f.owner_id, f.body, \
    f.customer, f.created_at \
    FROM follow_ups f JOIN guilds g ON g.guild_id = f.guild_id \
    LEFT JOIN meetings m ON m.id = f.meeting_id \
    LEFT JOIN answers a ON a.id = f.answer_id LEFT JOIN insight_posts p ON p.id = a.post_id \
    WHERE f.status = 'open' AND f.customer IS NOT NULL AND f.created_at <= $2 AND g.left_at IS NULL \
    AND f.created_at <= $1 - g.customer_wait_days * 86400000 \
    AND (f.customer_reminded_at IS NULL OR f.customer_reminded_at <= $3) \
    AND COALESCE(m.thread_id, p.channel_id) IS NOT NULL ORDER BY f.created_at";

/// A follow-up a customer waits on, due for its weekly reminder.
#[derive(Clone, Debug, PartialEq)]
pub struct Waiting {
    pub guild_id: u64,
    pub id: i64,
    pub channel_id: u64,
    pub owner_id: Option<u64>,
    pub text: String,
    pub customer: String,
    pub created_at: Timestamp,
}

impl Store {
    /// Follow-ups whose customer has waited past the guild's patience and
    /// whose owner was not reminded in the week before `now`.
    pub async fn waiting_follow_ups(&self, now: Timestamp) -> Result<Vec<Waiting>> {
        let day_ago = now - jiff::SignedDuration::from_hours(24);
        let week_ago = now - jiff::SignedDuration::from_hours(24 * 7);
        type Row = (i64, i64, i64, Option<i64>, String, String, i64);
        let rows: Vec<Row> = on_pool!(self, p => sqlx::query_as(WAITING)
            .bind(ms(now))
            .bind(ms(day_ago))
            .bind(ms(week_ago))
            .fetch_all(p)
            .await)?;
        Ok(rows
            .into_iter()
            .map(|(guild, id, channel, owner, text, customer, created)| Waiting {
                guild_id: from_db_id(guild),
                id,
                channel_id: from_db_id(channel),
                owner_id: owner.map(from_db_id),
                text,
                customer,
                created_at: from_ms(created),
            })
            .collect())
    }

    /// Claims a follow-up's weekly customer reminder; false if another
    /// process did, or it was reminded within the week.
    pub async fn claim_customer_reminder(&self, id: i64, now: Timestamp) -> Result<bool> {
        let sql = "UPDATE follow_ups SET customer_reminded_at = $2 \
            WHERE id = $1 AND (customer_reminded_at IS NULL OR customer_reminded_at <= $3)";
        let week_ago = now - jiff::SignedDuration::from_hours(24 * 7);
        let done = on_pool!(self, p => sqlx::query(sql).bind(id).bind(ms(now)).bind(ms(week_ago)).execute(p).await.map(|r| r.rows_affected()))?;
        Ok(done == 1)
    }

    pub async fn add_follow_up(&self, f: &NewFollowUp, now: Timestamp) -> Result<i64> {
        on_pool!(self, p => {
            let mut tx = p.begin().await?;
            let id = insert_follow_up!(f, now, &mut *tx)?;
            if f.customer.is_some() {
                tx.link_guild(db_id(f.guild_id), ms(now)).await?;
            }
            tx.commit().await?;
            Ok(id)
        })
    }

    /// Marks a follow-up done with what came of it and whether its
    /// customer was told; false if it is not open in this guild.
    pub async fn complete_follow_up(
        &self,
        guild_id: u64,
        id: i64,
        now: Timestamp,
        outcome: Option<&str>,
        told_customer: Option<bool>,
    ) -> Result<bool> {
        let sql = "UPDATE follow_ups SET status = 'done', done_at = $3, outcome = $4, told_customer = $5 \
            WHERE guild_id = $1 AND id = $2 AND status = 'open'";
        let done = on_pool!(self, p => sqlx::query(sql)
            .bind(db_id(guild_id))
            .bind(id)
            .bind(ms(now))
            .bind(outcome)
            .bind(told_customer)
            .execute(p).await.map(|r| r.rows_affected()))?;
        Ok(done == 1)
    }

    /// Where a follow-up's loop is closed in Discord: its meeting's thread,
    /// and the customer-of-the-day post its answer replied to (channel,
    /// message), when it has them.
    pub async fn follow_up_places(&self, id: i64) -> Result<(Option<u64>, Option<(u64, u64)>)> {
        let sql = "SELECT m.thread_id, p.channel_id, p.message_id FROM follow_ups f \
            LEFT JOIN meetings m ON m.id = f.meeting_id \
            LEFT JOIN answers a ON a.id = f.answer_id \
            LEFT JOIN insight_posts p ON p.id = a.post_id WHERE f.id = $1";
        let row: Option<(Option<i64>, Option<i64>, Option<i64>)> =
            on_pool!(self, p => sqlx::query_as(sql).bind(id).fetch_optional(p).await)?;
        let (thread, channel, message) = row.unwrap_or_default();
        let post = channel.zip(message).map(|(c, m)| (from_db_id(c), from_db_id(m)));
        Ok((thread.map(from_db_id), post))
    }

    /// Follow-ups of a guild done since `since`, latest first.
    pub async fn done_follow_ups(&self, guild_id: u64, since: Timestamp) -> Result<Vec<FollowUp>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM follow_ups WHERE guild_id = $1 AND status = 'done' AND done_at >= $2              ORDER BY done_at DESC, id DESC"
        );
        let rows: Vec<FollowUpRow> =
            on_pool!(self, p => sqlx::query_as(&sql).bind(db_id(guild_id)).bind(ms(since)).fetch_all(p).await)?;
        Ok(rows.into_iter().map(FollowUp::from).collect())
    }

    /// Open follow-ups in a guild, of one owner or all, oldest due first.
    pub async fn open_follow_ups(&self, guild_id: u64, owner: Option<u64>) -> Result<Vec<FollowUp>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM follow_ups WHERE guild_id = $1 AND status = 'open' AND ($2 IS NULL OR owner_id = $2) \
             ORDER BY due_date IS NULL, due_date, id"
        );
        let rows: Vec<FollowUpRow> = on_pool!(self, p => sqlx::query_as(&sql)
            .bind(db_id(guild_id))
            .bind(owner.map(db_id))
            .fetch_all(p)
            .await)?;
        Ok(rows.into_iter().map(FollowUp::from).collect())
    }
}

impl Store {
    /// Open follow-ups of guilds the bot is in, due on or before `date`
    /// and not yet reminded, with their guild.
    pub async fn unreminded_follow_ups(&self, date: Date) -> Result<Vec<(u64, DueFollowUp)>> {
        let rows: Vec<(i64, i64, i64, Option<i64>, String, String)> =
            on_pool!(self, p => sqlx::query_as(UNREMINDED).bind(date.to_string()).fetch_all(p).await)?;
        Ok(rows
            .into_iter()
            .filter_map(|(guild, id, thread, owner, body, due)| {
                let f = DueFollowUp {
                    id,
                    thread_id: from_db_id(thread),
                    owner_id: owner.map(from_db_id),
                    text: body,
                    due_date: due.parse().ok()?,
                };
                Some((from_db_id(guild), f))
            })
            .collect())
    }

    /// Claims a follow-up's reminder; false if another process did.
    pub async fn claim_reminder(&self, id: i64, now: Timestamp) -> Result<bool> {
        let sql = "UPDATE follow_ups SET reminded_at = $2 WHERE id = $1 AND reminded_at IS NULL";
        let done =
            on_pool!(self, p => sqlx::query(sql).bind(id).bind(ms(now)).execute(p).await.map(|r| r.rows_affected()))?;
        Ok(done == 1)
    }

    pub async fn follow_up(&self, guild_id: u64, id: i64) -> Result<Option<FollowUp>> {
        let sql = format!("SELECT {COLUMNS} FROM follow_ups WHERE guild_id = $1 AND id = $2");
        let row: Option<FollowUpRow> =
            on_pool!(self, p => sqlx::query_as(&sql).bind(db_id(guild_id)).bind(id).fetch_optional(p).await)?;
        Ok(row.map(FollowUp::from))
    }
}
