//! Scheduled jobs, all of one shape: what is due at `now` is claimed in
//! the database (so of several processes one does it), sent by the
//! scheduler, then recorded as sent. Every claim lives here, with the
//! nonce that dedupes a resend and the rule for taking over a stale one:
//! the daily post (and `/insight today`), the weekly summary, reminders.

use std::collections::HashSet;

use jiff::civil::Date;
use jiff::Timestamp;
use sha2::{Digest, Sha256};
use tokio::sync::mpsc;

use super::posts::RenderedPost;
use super::report::Summary;
use super::App;
use domain::calendar::Scheduled;
use domain::post::{Claim, InsightPost, PostKind, PostSlot};
use domain::rotation::next_insight;
use domain::settings::{GuildSettings, InsightChannel};
use domain::time::IsoWeek;

/// What a job sends.
pub enum Outgoing {
    /// The customer of the day.
    Insight(Box<RenderedPost>),
    /// The weekly summary, with its chart; the nonce dedupes a retry.
    Summary { summary: Box<Summary>, nonce: String },
    /// A due follow-up, pinging its owner only.
    Reminder { text: String, owner: Option<u64> },
}

/// One claimed piece of work: where it goes, what it says, what to
/// record once Discord accepted it.
pub struct Job {
    pub guild_id: u64,
    pub channel_id: u64,
    pub out: Outgoing,
    /// An earlier attempt may have reached Discord (this claim took over
    /// one never confirmed sent): look for it before sending again.
    pub maybe_sent: bool,
    record: Record,
}

enum Record {
    Post(i64),
    Summary {
        week: String,
    },
    /// A reminder's claim is its record.
    Nothing,
}

impl Job {
    /// A short name for logs.
    pub fn kind(&self) -> &'static str {
        match self.out {
            Outgoing::Insight(_) => "customer of the day",
            Outgoing::Summary { .. } => "weekly summary",
            Outgoing::Reminder { .. } => "follow-up reminder",
        }
    }
}

/// Where due jobs go as they are claimed: the scheduler sends the first
/// while the rest are still being claimed (claiming thousands takes
/// seconds that the sends would otherwise wait out).
pub type Jobs = mpsc::Sender<Job>;

/// How long a claim may go unconfirmed before another process (or a
/// restart) finishes it. Sending takes seconds at most.
pub const CLAIM_STALE_AFTER: jiff::SignedDuration = jiff::SignedDuration::from_secs(60);

/// A nonce Discord dedupes a retried message by: the same for the same
/// key, 20 characters (Discord allows 25).
pub fn nonce(key: &str) -> String {
    Sha256::digest(key).iter().take(10).map(|b| format!("{b:02x}")).collect()
}

/// The nonce of a post's slot.
fn slot_nonce(guild: u64, channel: u64, date: Date, kind: PostKind) -> String {
    nonce(&format!("{guild}/{channel}/{date}/{kind:?}"))
}

async fn queue(jobs: &Jobs, job: Job) -> anyhow::Result<()> {
    jobs.send(job).await.map_err(|_| anyhow::anyhow!("the scheduler stopped taking jobs"))
}

impl App {
    /// Claims every job due at `now` for this process and hands each to
    /// `jobs` as soon as it is ready. A job that cannot be prepared is
    /// logged and left for the next pass.
    pub async fn due_jobs(&self, now: Timestamp, jobs: &Jobs) -> anyhow::Result<()> {
        self.claim_due_posts(now, jobs).await?;
        for (guild_id, channel_id, week, next) in self.due_summaries(now).await? {
            let claimed = self.claim_summary_post(guild_id, channel_id, week, now).await?;
            self.store.set_due(guild_id, Scheduled::Summary, next).await?;
            let Some((nonce, maybe_sent)) = claimed else { continue };
            match self.summary(guild_id, Some(week.into()), None).await {
                Ok(summary) => {
                    let out = Outgoing::Summary { summary: Box::new(summary), nonce };
                    let record = Record::Summary { week: week.to_string() };
                    queue(jobs, Job { guild_id, channel_id, out, maybe_sent, record }).await?;
                }
                Err(e) => {
                    tracing::error!(guild = guild_id, error = %format!("{e:#}"), "cannot compute the weekly summary")
                }
            }
        }
        for r in self.due_reminders(now).await? {
            let out = Outgoing::Reminder { text: r.text, owner: r.owner_id };
            let job =
                Job { guild_id: r.guild_id, channel_id: r.channel_id, out, maybe_sent: false, record: Record::Nothing };
            queue(jobs, job).await?;
        }
        Ok(())
    }

    /// Lays out a claimed daily post and hands it to `jobs`, unless
    /// `queued` shows it was handed over in this pass already.
    async fn queue_post(
        &self,
        post: InsightPost,
        now: Timestamp,
        queued: &mut HashSet<i64>,
        jobs: &Jobs,
    ) -> anyhow::Result<()> {
        if !queued.insert(post.id) {
            return Ok(());
        }
        match self.render_post(&post).await {
            Ok(rendered) => {
                let job = Job {
                    guild_id: post.guild_id,
                    channel_id: post.channel_id,
                    maybe_sent: post.claimed_at.as_millisecond() < now.as_millisecond(),
                    record: Record::Post(post.id),
                    out: Outgoing::Insight(Box::new(rendered)),
                };
                queue(jobs, job).await
            }
            Err(e) => {
                tracing::error!(post = post.id, error = %format!("{e:#}"), "cannot lay out a daily post");
                Ok(())
            }
        }
    }

    /// Hands `jobs` the daily posts to send at `now`, each as it is
    /// claimed for this process: unfinished ones to finish, and the slots
    /// of the guilds due now. A guild's next due time is stored once its
    /// claims are made.
    async fn claim_due_posts(&self, now: Timestamp, jobs: &Jobs) -> anyhow::Result<()> {
        let mut queued = HashSet::new();
        for post in self.unfinished_posts(now).await? {
            self.queue_post(post, now, &mut queued, jobs).await?;
        }
        for guild in self.due_guilds(Scheduled::DailyPost, now).await? {
            let settings = self.fresh_settings(guild).await?;
            for channel in &settings.insight_channels {
                let Some(local_date) = self.post_day(&settings, channel, now) else { continue };
                let slot = PostSlot { guild_id: guild, channel_id: channel.id, local_date, kind: PostKind::Daily };
                if let Some(post) = self.claim_post(&slot, now).await? {
                    self.queue_post(post, now, &mut queued, jobs).await?;
                }
            }
            self.store.set_due(guild, Scheduled::DailyPost, settings.next_post_after(now)).await?;
        }
        Ok(())
    }

    /// The local day whose post is due in `channel` at `now`, unless it is
    /// a day off (never caught up later).
    fn post_day(&self, settings: &GuildSettings, channel: &InsightChannel, now: Timestamp) -> Option<Date> {
        let day = settings.post_schedule(channel).due_slot(now, settings.catch_up())?;
        match settings.day_off(day) {
            None => Some(day),
            Some(off) => {
                tracing::debug!(guild = settings.guild_id, channel = channel.id, %day, %off, "a day off: no post");
                None
            }
        }
    }

    /// Claims a slot with the channel's next insight. `None` when the slot
    /// was already posted, or the guild has no insight to show.
    async fn claim_post(&self, slot: &PostSlot, now: Timestamp) -> anyhow::Result<Option<InsightPost>> {
        let settings = self.settings(slot.guild_id).await?;
        let pool = self.channel_pool(&settings, slot.channel_id).await?;
        let history = self.store.channel_history(slot.guild_id, slot.channel_id).await?;
        let since = slot.local_date.saturating_sub(jiff::Span::new().days(i64::from(settings.repeat_window_days) - 1));
        let Some(insight) = next_insight(&pool, &history, slot.channel_id, since) else {
            tracing::warn!(
                guild = slot.guild_id,
                channel = slot.channel_id,
                "no live insight to post; add some with /insight add"
            );
            return Ok(None);
        };
        // A daily slot's nonce is fixed, so a resend is deduplicated; each
        // manual post is a new message, so its nonce is new every time.
        let nonce = match slot.kind {
            PostKind::Daily => slot_nonce(slot.guild_id, slot.channel_id, slot.local_date, slot.kind),
            PostKind::Manual => nonce(&super::access::new_secret()?),
        };
        Ok(match self.store.claim_post(slot, insight, &nonce, now).await? {
            Claim::New(post) => Some(post),
            Claim::Existing(post) => self.take_over(post, now).await?,
        })
    }

    /// Daily posts claimed but never confirmed sent (the process stopped
    /// in between, or Discord failed): to finish, not to post again, and
    /// only while their slot is within the guild's catch-up window.
    async fn unfinished_posts(&self, now: Timestamp) -> anyhow::Result<Vec<InsightPost>> {
        let since = now - jiff::SignedDuration::from_hours(36);
        let mut due = Vec::new();
        for post in self.store.unfinished_posts(since).await?.into_iter().filter(|p| self.schedules(p.guild_id)) {
            let settings = self.settings(post.guild_id).await?;
            let Some(channel) = settings.insight_channel(post.channel_id) else { continue };
            if self.post_day(&settings, channel, now) == Some(post.local_date) {
                due.extend(self.take_over(post, now).await?);
            }
        }
        Ok(due)
    }

    /// A claim not confirmed sent is taken over only once it is stale:
    /// a fresh one belongs to a process that is sending it right now.
    async fn take_over(&self, post: InsightPost, now: Timestamp) -> anyhow::Result<Option<InsightPost>> {
        let stale = post.message_id.is_none() && now.duration_since(post.claimed_at) >= CLAIM_STALE_AFTER;
        Ok((stale && self.store.reclaim_post(post.id, post.claimed_at, now).await?).then_some(post))
    }

    /// Claims the weekly post of a guild's week; `Some(nonce)` when this
    /// process should send it (see [`Store::claim_summary_post`]).
    async fn claim_summary_post(
        &self,
        guild_id: u64,
        channel_id: u64,
        week: IsoWeek,
        now: Timestamp,
    ) -> anyhow::Result<Option<(String, bool)>> {
        let name = week.to_string();
        let nonce = nonce(&format!("summary/{guild_id}/{name}"));
        let stale_before = now - CLAIM_STALE_AFTER;
        Ok(self.store.claim_summary_post(guild_id, &name, channel_id, &nonce, now, stale_before).await?)
    }

    /// Claims a post for `/insight today` in `channel`, now.
    pub async fn claim_manual_post(&self, guild_id: u64, channel_id: u64) -> anyhow::Result<Option<InsightPost>> {
        let now = self.clock.now();
        let local_date = self.settings(guild_id).await?.zone.date_of(now);
        let slot = PostSlot { guild_id, channel_id, local_date, kind: PostKind::Manual };
        self.claim_post(&slot, now).await
    }

    /// Records that a job's message reached Discord as `message_id`.
    /// A database outage is waited out: the message is out already.
    pub async fn record_sent(&self, job: &Job, message_id: u64, now: Timestamp) -> anyhow::Result<()> {
        self.work
            .retrying("recording a sent message", 0, || async {
                match &job.record {
                    Record::Post(id) => self.mark_posted(*id, message_id, now).await,
                    Record::Summary { week } => {
                        Ok(self.store.mark_summary_posted(job.guild_id, week, message_id).await?)
                    }
                    Record::Nothing => Ok(()),
                }
            })
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn nonces_are_stable_per_slot_and_fit_discord() {
        let a = slot_nonce(1, 2, date(2026, 11, 25), PostKind::Daily);
        assert_eq!(a, slot_nonce(1, 2, date(2026, 11, 25), PostKind::Daily));
        assert_ne!(a, slot_nonce(1, 2, date(2026, 11, 26), PostKind::Daily));
        assert_ne!(a, slot_nonce(1, 3, date(2026, 11, 25), PostKind::Daily));
        assert!(a.len() <= 25);
    }
}
