//! Meetings: threads where the bot asked how the topic affects customers.

use jiff::Timestamp;

use super::{db_id, from_db_id, from_ms, ms, on_pool, Result, Store};
use domain::meeting::{Meeting, MeetingStats, NewMeeting, Origin};

const COLUMNS: &str =
    "id, guild_id, channel_id, thread_id, topic, segment, host_id, origin, event_id, prompt_message_id, opened_at, closed_at";

#[derive(sqlx::FromRow)]
struct MeetingRow {
    id: i64,
    guild_id: i64,
    channel_id: i64,
    thread_id: i64,
    topic: String,
    segment: Option<String>,
    host_id: Option<i64>,
    origin: String,
    event_id: Option<i64>,
    prompt_message_id: Option<i64>,
    opened_at: i64,
    closed_at: Option<i64>,
}

/// A meeting with its recap's counts.
#[derive(sqlx::FromRow)]
struct Counted {
    #[sqlx(flatten)]
    meeting: MeetingRow,
    answers: i64,
    answerers: i64,
    with_evidence: i64,
    with_assumption: i64,
    open_follow_ups: i64,
    one_customer: i64,
    more_customers: i64,
}

/// A meeting's answers that speak for one customer, and for more.
const REACH: &str = "COUNT(a.id) FILTER (WHERE a.reach = 'one') AS one_customer, \
    COUNT(a.id) FILTER (WHERE a.reach IN ('few', 'many', 'all')) AS more_customers";

impl From<MeetingRow> for Meeting {
    fn from(r: MeetingRow) -> Self {
        Meeting {
            id: r.id,
            body: NewMeeting {
                guild_id: from_db_id(r.guild_id),
                channel_id: from_db_id(r.channel_id),
                thread_id: from_db_id(r.thread_id),
                topic: r.topic,
                segment: r.segment,
                host_id: r.host_id.map(from_db_id),
                origin: Origin::parse(&r.origin),
                event_id: r.event_id.map(from_db_id),
            },
            prompt_message_id: r.prompt_message_id.map(from_db_id),
            opened_at: from_ms(r.opened_at),
            closed_at: r.closed_at.map(from_ms),
        }
    }
}

/// A thread's meeting (per message event).
pub(super) fn by_thread() -> String {
    format!("SELECT {COLUMNS} FROM meetings WHERE thread_id = $1")
}

impl Store {
    /// Opens a meeting for a thread; a thread has at most one, so a second
    /// call returns the first with `false`.
    pub async fn open_meeting(&self, m: &NewMeeting, now: Timestamp) -> Result<(Meeting, bool)> {
        let insert = format!(
            "INSERT INTO meetings (guild_id, channel_id, thread_id, topic, segment, host_id, origin, event_id, opened_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (thread_id) DO NOTHING RETURNING {COLUMNS}"
        );
        let row: Option<MeetingRow> = on_pool!(self, p => {
            let mut tx = p.begin().await?;
            let row = sqlx::query_as(&insert)
            .bind(db_id(m.guild_id))
            .bind(db_id(m.channel_id))
            .bind(db_id(m.thread_id))
            .bind(&m.topic)
            .bind(m.segment.as_deref())
            .bind(m.host_id.map(db_id))
            .bind(m.origin.as_str())
            .bind(m.event_id.map(db_id))
            .bind(ms(now))
            .fetch_optional(&mut *tx)
            .await?;
            tx.commit().await?;
            row
        });
        match row {
            Some(row) => Ok((row.into(), true)),
            None => {
                let existing = self.meeting_by_thread(m.thread_id).await?;
                existing.map(|m| (m, false)).ok_or(sqlx::Error::RowNotFound)
            }
        }
    }

    pub async fn meeting_by_thread(&self, thread_id: u64) -> Result<Option<Meeting>> {
        let sql = by_thread();
        let row: Option<MeetingRow> =
            on_pool!(self, p => sqlx::query_as(&sql).bind(db_id(thread_id)).fetch_optional(p).await)?;
        Ok(row.map(Meeting::from))
    }

    pub async fn set_prompt_message(&self, meeting_id: i64, message_id: u64) -> Result<()> {
        let sql = "UPDATE meetings SET prompt_message_id = $2 WHERE id = $1";
        let done = on_pool!(self, p => sqlx::query(sql).bind(meeting_id).bind(db_id(message_id)).execute(p).await.map(|r| r.rows_affected()))?;
        super::one_row(done)
    }

    /// Open meetings opened since `since`, newest first, with the last
    /// message logged in each thread (its prompt, or the thread itself,
    /// when no answer was): where a backfill resumes reading.
    pub async fn open_threads_since(&self, since: Timestamp) -> Result<Vec<(u64, u64, u64)>> {
        let sql = "SELECT m.guild_id, m.thread_id, \
                COALESCE((SELECT MAX(a.message_id) FROM answers a WHERE a.meeting_id = m.id), \
                    m.prompt_message_id, m.thread_id) \
            FROM meetings m WHERE m.closed_at IS NULL AND m.opened_at >= $1 ORDER BY m.opened_at DESC";
        let rows: Vec<(i64, i64, i64)> = on_pool!(self, p => sqlx::query_as(sql).bind(ms(since)).fetch_all(p).await)?;
        Ok(rows.into_iter().map(|(g, t, last)| (from_db_id(g), from_db_id(t), from_db_id(last))).collect())
    }

    /// Closes a meeting; false if it was already closed.
    pub async fn close_meeting(&self, meeting_id: i64, now: Timestamp) -> Result<bool> {
        let sql = "UPDATE meetings SET closed_at = $2 WHERE id = $1 AND closed_at IS NULL";
        let done = on_pool!(self, p => sqlx::query(sql).bind(meeting_id).bind(ms(now)).execute(p).await.map(|r| r.rows_affected()))?;
        Ok(done == 1)
    }
}

impl Store {
    pub async fn meeting(&self, id: i64) -> Result<Option<Meeting>> {
        let sql = format!("SELECT {COLUMNS} FROM meetings WHERE id = $1");
        let row: Option<MeetingRow> = on_pool!(self, p => sqlx::query_as(&sql).bind(id).fetch_optional(p).await)?;
        Ok(row.map(Meeting::from))
    }

    pub async fn meeting_by_event(&self, guild_id: u64, event_id: u64) -> Result<Option<Meeting>> {
        let sql = format!("SELECT {COLUMNS} FROM meetings WHERE guild_id = $1 AND event_id = $2");
        let row: Option<MeetingRow> = on_pool!(self, p => sqlx::query_as(&sql).bind(db_id(guild_id)).bind(db_id(event_id)).fetch_optional(p).await)?;
        Ok(row.map(Meeting::from))
    }

    pub async fn meeting_stats(&self, meeting_id: i64) -> Result<MeetingStats> {
        let answers = format!(
            "SELECT COUNT(*), COUNT(DISTINCT user_id), COUNT(*) FILTER (WHERE has_evidence), \
            COUNT(*) FILTER (WHERE has_assumption), {REACH} FROM answers a WHERE meeting_id = $1 AND deleted_at IS NULL"
        );
        let follow_ups = "SELECT COUNT(*) FROM follow_ups WHERE meeting_id = $1 AND status = 'open'";
        on_pool!(self, p => {
            let (answers, answerers, with_evidence, with_assumption, one_customer, more_customers): (i64, i64, i64, i64, i64, i64) =
                sqlx::query_as(&answers).bind(meeting_id).fetch_one(p).await?;
            let open_follow_ups: i64 = sqlx::query_scalar(follow_ups).bind(meeting_id).fetch_one(p).await?;
            Ok(MeetingStats { answers, answerers, with_evidence, with_assumption, open_follow_ups, one_customer, more_customers })
        })
    }

    /// A guild's meetings opened in `[start, end)` (in one channel, or
    /// all), newest first, at most `limit`, each with its recap's counts.
    pub async fn meetings_in(
        &self,
        guild_id: u64,
        (start, end): (Timestamp, Timestamp),
        channel_id: Option<u64>,
        limit: i64,
    ) -> Result<Vec<(Meeting, MeetingStats)>> {
        // The newest meetings first, then their answers through the
        // meeting index: the cost follows what is shown, not the period.
        let columns: Vec<String> = COLUMNS.split(", ").map(|c| format!("m.{c}")).collect();
        let sql = format!(
            "SELECT {}, COUNT(a.id) AS answers, COUNT(DISTINCT a.user_id) AS answerers, \
                COUNT(a.id) FILTER (WHERE a.has_evidence) AS with_evidence, \
                COUNT(a.id) FILTER (WHERE a.has_assumption) AS with_assumption, {REACH}, \
                (SELECT COUNT(*) FROM follow_ups f WHERE f.meeting_id = m.id AND f.status = 'open') AS open_follow_ups \
            FROM (SELECT {COLUMNS} FROM meetings WHERE guild_id = $1 AND opened_at >= $2 AND opened_at < $3 \
                AND ($4 IS NULL OR channel_id = $4) ORDER BY opened_at DESC, id DESC LIMIT $5) m \
            LEFT JOIN answers a ON a.meeting_id = m.id AND a.deleted_at IS NULL \
            GROUP BY {} ORDER BY m.opened_at DESC, m.id DESC",
            columns.join(", "),
            columns.join(", ")
        );
        let rows: Vec<Counted> = on_pool!(self, p => sqlx::query_as(&sql)
            .bind(db_id(guild_id))
            .bind(ms(start))
            .bind(ms(end))
            .bind(channel_id.map(db_id))
            .bind(limit)
            .fetch_all(p)
            .await)?;
        Ok(rows
            .into_iter()
            .map(|c| {
                let stats = MeetingStats {
                    answers: c.answers,
                    answerers: c.answerers,
                    with_evidence: c.with_evidence,
                    with_assumption: c.with_assumption,
                    open_follow_ups: c.open_follow_ups,
                    one_customer: c.one_customer,
                    more_customers: c.more_customers,
                };
                (Meeting::from(c.meeting), stats)
            })
            .collect())
    }

    /// A meeting's answers, oldest first.
    pub async fn meeting_answers(&self, guild_id: u64, meeting_id: i64) -> Result<Vec<domain::summary::AnswerRow>> {
        let sql = format!(
            "SELECT {} FROM answers a LEFT JOIN meetings m ON m.id = a.meeting_id \
            LEFT JOIN insight_posts p ON p.id = a.post_id \
            WHERE a.meeting_id = $1 AND a.guild_id = $2 AND a.deleted_at IS NULL ORDER BY a.id",
            super::report::ANSWER_COLUMNS
        );
        let rows: Vec<super::report::AnswerSql> =
            on_pool!(self, p => sqlx::query_as(&sql).bind(meeting_id).bind(db_id(guild_id)).fetch_all(p).await)?;
        Ok(rows.into_iter().map(|a| a.into_row(guild_id)).collect())
    }

    /// People who answered in a meeting (not deleted).
    pub async fn meeting_answerers(&self, meeting_id: i64) -> Result<Vec<u64>> {
        let sql = "SELECT DISTINCT user_id FROM answers WHERE meeting_id = $1 AND deleted_at IS NULL ORDER BY user_id";
        let ids: Vec<i64> = on_pool!(self, p => sqlx::query_scalar(sql).bind(meeting_id).fetch_all(p).await)?;
        Ok(ids.into_iter().map(from_db_id).collect())
    }
}
