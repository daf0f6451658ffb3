//! Guild settings and the channels a guild assigns to insights and meetings.

use super::{db_id, from_db_id, from_ms, ms, on_pool, Result, Store};
use domain::calendar::{Pause, Scheduled, Skip};
use domain::classify::Signal;
use domain::insight::Segment;
use domain::settings::{ChannelPurpose, Defaults, GuildListing, GuildSettings, InsightChannel};
use domain::time::{weekday_name, LocalTime};
use jiff::Timestamp;

const COLUMNS: &str = "guild_id, timezone, post_time, post_days, thread_pattern, manager_role, mention_role, \
    summary_channel, summary_weekday, summary_time, retention_days, catch_up_minutes, repeat_window_days, \
    customer_wait_days, csat_detractor_at, anonymous_answers, challenge_emoji, pause, holidays, extra_evidence, extra_assumption, extra_follow_up";

fn decode_error(column: &str, message: String) -> sqlx::Error {
    sqlx::Error::Decode(format!("stored {column} is invalid: {message}").into())
}

#[derive(sqlx::FromRow)]
struct GuildRow {
    guild_id: i64,
    timezone: String,
    post_time: String,
    post_days: String,
    thread_pattern: String,
    manager_role: Option<i64>,
    mention_role: Option<i64>,
    summary_channel: Option<i64>,
    summary_weekday: String,
    summary_time: String,
    retention_days: i64,
    catch_up_minutes: i64,
    repeat_window_days: i64,
    customer_wait_days: i64,
    csat_detractor_at: i64,
    anonymous_answers: bool,
    challenge_emoji: String,
    pause: Option<String>,
    holidays: Option<String>,
    extra_evidence: Option<String>,
    extra_assumption: Option<String>,
    extra_follow_up: Option<String>,
}

impl GuildRow {
    fn into_settings(self, defaults: &Defaults) -> Result<GuildSettings> {
        let mut s = GuildSettings::new(from_db_id(self.guild_id), defaults);
        let texts = [
            ("timezone", &self.timezone),
            ("post_time", &self.post_time),
            ("post_days", &self.post_days),
            ("thread_pattern", &self.thread_pattern),
            ("summary_weekday", &self.summary_weekday),
            ("summary_time", &self.summary_time),
        ];
        for (name, value) in texts {
            s.set(name, value).map_err(|e| decode_error(name, e))?;
        }
        s.manager_role = self.manager_role.map(from_db_id);
        s.mention_role = self.mention_role.map(from_db_id);
        s.summary_channel = self.summary_channel.map(from_db_id);
        s.retention_days = self.retention_days as u32;
        s.catch_up_minutes = self.catch_up_minutes as u32;
        s.repeat_window_days = self.repeat_window_days as u32;
        s.customer_wait_days = self.customer_wait_days as u32;
        s.csat_detractor_at = self.csat_detractor_at as u32;
        s.anonymous_answers = self.anonymous_answers;
        s.challenge_emoji = self.challenge_emoji;
        let pause = self.pause.as_deref().map(Pause::from_stored).transpose();
        s.pause = pause.map_err(|e| decode_error("pause", e))?;
        s.holidays = self.holidays;
        let extras = [
            (Signal::Evidence, self.extra_evidence),
            (Signal::Assumption, self.extra_assumption),
            (Signal::FollowUp, self.extra_follow_up),
        ];
        s.extra_patterns = extras.into_iter().filter_map(|(k, p)| Some((k, p?))).collect();
        Ok(s)
    }
}

fn extra(s: &GuildSettings, signal: Signal) -> Option<String> {
    s.extra_patterns.iter().find(|(k, _)| *k == signal).map(|(_, p)| p.clone())
}

/// The column that holds a job's next due time.
fn due_column(job: Scheduled) -> &'static str {
    match job {
        Scheduled::DailyPost => "daily_due_at",
        Scheduled::Summary => "summary_due_at",
    }
}

pub(super) fn due_guilds_sql(job: Scheduled) -> String {
    format!("SELECT guild_id FROM guilds WHERE left_at IS NULL AND {} <= $1", due_column(job))
}

impl Store {
    /// The guild's settings, creating them from `defaults` the first time
    /// a guild is seen: a guild works from the moment the bot joins it.
    pub async fn guild_settings(&self, guild_id: u64, defaults: &Defaults, now: Timestamp) -> Result<GuildSettings> {
        if let Some(found) = self.find_guild_settings(guild_id, defaults).await? {
            return Ok(found);
        }
        let fresh = GuildSettings::new(guild_id, defaults);
        let insert = "INSERT INTO guilds (guild_id, timezone, post_time, post_days, thread_pattern, summary_weekday, \
            summary_time, retention_days, catch_up_minutes, repeat_window_days, joined_at) \
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (guild_id) DO NOTHING";
        on_pool!(self, p => sqlx::query(insert)
            .bind(db_id(guild_id))
            .bind(fresh.zone.name())
            .bind(fresh.post_time.to_string())
            .bind(fresh.post_days.to_string())
            .bind(fresh.thread_pattern.as_str())
            .bind(weekday_name(fresh.summary_weekday))
            .bind(fresh.summary_time.to_string())
            .bind(i64::from(fresh.retention_days))
            .bind(i64::from(fresh.catch_up_minutes))
            .bind(i64::from(fresh.repeat_window_days))
            .bind(ms(now))
            .execute(p).await.map(|r| r.rows_affected()))?;
        self.find_guild_settings(guild_id, defaults).await?.ok_or(sqlx::Error::RowNotFound)
    }

    /// The settings of a guild seen before, without creating any.
    pub async fn find_guild_settings(&self, guild_id: u64, defaults: &Defaults) -> Result<Option<GuildSettings>> {
        let select = format!("SELECT {COLUMNS} FROM guilds WHERE guild_id = $1");
        let row: Option<GuildRow> =
            on_pool!(self, p => sqlx::query_as(&select).bind(db_id(guild_id)).fetch_optional(p).await)?;
        let Some(row) = row else { return Ok(None) };
        let mut settings = row.into_settings(defaults)?;
        settings.insight_channels = self.insight_channels(guild_id).await?;
        settings.meeting_channels = self.channels(guild_id, ChannelPurpose::Meeting).await?;
        settings.skips = self.skips(guild_id).await?;
        Ok(Some(settings))
    }

    /// Saves every setting but the channel lists (see `set_channel`).
    pub async fn save_guild_settings(&self, s: &GuildSettings) -> Result<()> {
        let sql = "UPDATE guilds SET timezone = $2, post_time = $3, post_days = $4, thread_pattern = $5, \
            manager_role = $6, mention_role = $7, summary_channel = $8, summary_weekday = $9, summary_time = $10, \
            retention_days = $11, catch_up_minutes = $12, extra_evidence = $13, extra_assumption = $14, \
            extra_follow_up = $15, repeat_window_days = $16, pause = $17, holidays = $18, customer_wait_days = $19, \
            anonymous_answers = $20, challenge_emoji = $21, csat_detractor_at = $22, daily_due_at = 0, summary_due_at = 0 \
            WHERE guild_id = $1";
        on_pool!(self, p => sqlx::query(sql)
            .bind(db_id(s.guild_id))
            .bind(s.zone.name())
            .bind(s.post_time.to_string())
            .bind(s.post_days.to_string())
            .bind(s.thread_pattern.as_str())
            .bind(s.manager_role.map(db_id))
            .bind(s.mention_role.map(db_id))
            .bind(s.summary_channel.map(db_id))
            .bind(weekday_name(s.summary_weekday))
            .bind(s.summary_time.to_string())
            .bind(i64::from(s.retention_days))
            .bind(i64::from(s.catch_up_minutes))
            .bind(extra(s, Signal::Evidence))
            .bind(extra(s, Signal::Assumption))
            .bind(extra(s, Signal::FollowUp))
            .bind(i64::from(s.repeat_window_days))
            .bind(s.pause.map(Pause::to_stored))
            .bind(s.holidays.as_deref())
            .bind(i64::from(s.customer_wait_days))
            .bind(s.anonymous_answers)
            .bind(&s.challenge_emoji)
            .bind(i64::from(s.csat_detractor_at))
            .execute(p).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Adds a channel to (or removes it from) one of the guild's lists.
    pub async fn set_channel(&self, guild_id: u64, channel_id: u64, purpose: ChannelPurpose, on: bool) -> Result<()> {
        let sql = if on {
            "INSERT INTO guild_channels (guild_id, channel_id, purpose) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING"
        } else {
            "DELETE FROM guild_channels WHERE guild_id = $1 AND channel_id = $2 AND purpose = $3"
        };
        on_pool!(self, p => sqlx::query(sql)
            .bind(db_id(guild_id))
            .bind(db_id(channel_id))
            .bind(purpose.as_str())
            .execute(p).await.map(|r| r.rows_affected()))?;
        self.reschedule(guild_id).await
    }

    /// Sets an insight channel's own post time and segments (`None`, empty:
    /// the guild's time, every segment). False if it is no insight channel.
    pub async fn set_insight_channel(&self, guild_id: u64, channel: &InsightChannel) -> Result<bool> {
        let sql = "UPDATE guild_channels SET post_time = $3, segments = $4 \
            WHERE guild_id = $1 AND channel_id = $2 AND purpose = 'insight'";
        let segments = channel.segments.iter().map(Segment::as_str).collect::<Vec<_>>().join(",");
        let done = on_pool!(self, p => sqlx::query(sql)
            .bind(db_id(guild_id))
            .bind(db_id(channel.id))
            .bind(channel.time.map(|t| t.to_string()))
            .bind(Some(segments).filter(|s| !s.is_empty()))
            .execute(p).await.map(|r| r.rows_affected()))?;
        self.reschedule(guild_id).await?;
        Ok(done == 1)
    }

    async fn insight_channels(&self, guild_id: u64) -> Result<Vec<InsightChannel>> {
        let sql = "SELECT channel_id, post_time, segments FROM guild_channels \
            WHERE guild_id = $1 AND purpose = 'insight' ORDER BY channel_id";
        let rows: Vec<(i64, Option<String>, Option<String>)> =
            on_pool!(self, p => sqlx::query_as(sql).bind(db_id(guild_id)).fetch_all(p).await)?;
        rows.into_iter()
            .map(|(id, time, segments)| {
                let time = time.map(|t| LocalTime::parse(&t)).transpose().map_err(|e| decode_error("post_time", e))?;
                let segments = super::split_list(segments.as_deref().unwrap_or(""));
                let segments = segments.iter().map(|s| Segment::parse(s)).collect::<std::result::Result<_, _>>();
                Ok(InsightChannel {
                    id: from_db_id(id),
                    time,
                    segments: segments.map_err(|e| decode_error("segments", e))?,
                })
            })
            .collect()
    }

    /// Adds days without posts; returns the skip's number.
    pub async fn add_skip(&self, guild_id: u64, skip: &Skip, by: u64, now: Timestamp) -> Result<i64> {
        let sql = "INSERT INTO skips (guild_id, first_day, last_day, reason, created_by, created_at) \
            VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
        let id = on_pool!(self, p => sqlx::query_scalar(sql)
            .bind(db_id(guild_id))
            .bind(skip.first.to_string())
            .bind(skip.last.to_string())
            .bind(skip.reason.as_deref())
            .bind(db_id(by))
            .bind(ms(now))
            .fetch_one(p).await)?;
        self.reschedule(guild_id).await?;
        Ok(id)
    }

    /// Removes a skip; false if the guild has none of that number.
    pub async fn remove_skip(&self, guild_id: u64, id: i64) -> Result<bool> {
        let sql = "DELETE FROM skips WHERE guild_id = $1 AND id = $2";
        let done = on_pool!(self, p => sqlx::query(sql).bind(db_id(guild_id)).bind(id).execute(p).await.map(|r| r.rows_affected()))?;
        self.reschedule(guild_id).await?;
        Ok(done == 1)
    }

    async fn skips(&self, guild_id: u64) -> Result<Vec<Skip>> {
        let sql = "SELECT id, first_day, last_day, reason FROM skips WHERE guild_id = $1 ORDER BY first_day, id";
        let rows: Vec<(i64, String, String, Option<String>)> =
            on_pool!(self, p => sqlx::query_as(sql).bind(db_id(guild_id)).fetch_all(p).await)?;
        rows.into_iter()
            .map(|(id, first, last, reason)| {
                let day = |d: &str| d.parse().map_err(|e| decode_error("skip day", format!("{e}")));
                Ok(Skip { id, first: day(&first)?, last: day(&last)?, reason })
            })
            .collect()
    }

    /// Has the guild's jobs worked out again at the next tick (its
    /// settings or channels changed, or the bot is back in it).
    async fn reschedule(&self, guild_id: u64) -> Result<()> {
        let sql = "UPDATE guilds SET daily_due_at = 0, summary_due_at = 0 WHERE guild_id = $1";
        on_pool!(self, p => sqlx::query(sql).bind(db_id(guild_id)).execute(p).await.map(|_| ()))
    }

    /// Guilds the bot is in whose `job` is due at `now`.
    pub async fn due_guilds(&self, job: Scheduled, now: Timestamp) -> Result<Vec<u64>> {
        let sql = due_guilds_sql(job);
        let ids: Vec<i64> = on_pool!(self, p => sqlx::query_scalar(&sql).bind(ms(now)).fetch_all(p).await)?;
        Ok(ids.into_iter().map(from_db_id).collect())
    }

    /// When the guild's `job` is due next.
    pub async fn set_due(&self, guild_id: u64, job: Scheduled, at: Timestamp) -> Result<()> {
        let sql = format!("UPDATE guilds SET {} = $2 WHERE guild_id = $1", due_column(job));
        on_pool!(self, p => sqlx::query(&sql).bind(db_id(guild_id)).bind(ms(at)).execute(p).await.map(|_| ()))
    }

    async fn channels(&self, guild_id: u64, purpose: ChannelPurpose) -> Result<Vec<u64>> {
        let sql = "SELECT channel_id FROM guild_channels WHERE guild_id = $1 AND purpose = $2 ORDER BY channel_id";
        let ids: Vec<i64> = on_pool!(self, p => sqlx::query_scalar(sql)
            .bind(db_id(guild_id))
            .bind(purpose.as_str())
            .fetch_all(p)
            .await)?;
        Ok(ids.into_iter().map(from_db_id).collect())
    }

    /// Guilds the bot is in (not removed).
    pub async fn active_guilds(&self) -> Result<Vec<u64>> {
        let sql = "SELECT guild_id FROM guilds WHERE left_at IS NULL ORDER BY guild_id";
        let ids: Vec<i64> = on_pool!(self, p => sqlx::query_scalar(sql).fetch_all(p).await)?;
        Ok(ids.into_iter().map(from_db_id).collect())
    }
}

impl Store {
    /// Records that the bot was removed from a guild (or, with `None`,
    /// that it is back). The guild's data is deleted some days later.
    /// Remembers the guild's name as Discord shows it now.
    pub async fn set_guild_name(&self, guild_id: u64, name: &str) -> Result<()> {
        let sql = "UPDATE guilds SET name = $2 WHERE guild_id = $1";
        on_pool!(self, p => sqlx::query(sql).bind(db_id(guild_id)).bind(name).execute(p).await.map(|_| ()))
    }

    /// Every guild in the database, newest activity first.
    pub async fn guild_list(&self) -> Result<Vec<GuildListing>> {
        let sql = "SELECT g.guild_id, g.name, g.left_at, \
                (SELECT MAX(created_at) FROM answers a WHERE a.guild_id = g.guild_id), \
                (SELECT MAX(opened_at) FROM meetings m WHERE m.guild_id = g.guild_id), \
                (SELECT MAX(claimed_at) FROM insight_posts p WHERE p.guild_id = g.guild_id) \
            FROM guilds g";
        type Row = (i64, Option<String>, Option<i64>, Option<i64>, Option<i64>, Option<i64>);
        let rows: Vec<Row> = on_pool!(self, p => sqlx::query_as(sql).fetch_all(p).await)?;
        let mut guilds: Vec<GuildListing> = rows
            .into_iter()
            .map(|(g, name, left, a, m, p)| GuildListing {
                guild_id: from_db_id(g),
                name,
                left_at: left.map(from_ms),
                last_activity: [a, m, p].into_iter().flatten().max().map(from_ms),
            })
            .collect();
        guilds.sort_by_key(|g| std::cmp::Reverse(g.last_activity));
        Ok(guilds)
    }

    pub async fn set_guild_left(&self, guild_id: u64, left: Option<Timestamp>) -> Result<()> {
        let g = db_id(guild_id);
        match left {
            Some(at) => {
                let sql = "UPDATE guilds SET left_at = $2 WHERE guild_id = $1";
                on_pool!(self, p => sqlx::query(sql).bind(g).bind(ms(at)).execute(p).await.map(|_| ()))
            }
            // Back after a removal: its jobs are worked out again at the
            // next tick (a guild seen again on a new session is unchanged).
            None => {
                let sql = "UPDATE guilds SET left_at = NULL, daily_due_at = 0, summary_due_at = 0 \
                    WHERE guild_id = $1 AND left_at IS NOT NULL";
                on_pool!(self, p => sqlx::query(sql).bind(g).execute(p).await.map(|_| ()))
            }
        }
    }
}
