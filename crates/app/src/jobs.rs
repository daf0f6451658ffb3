//! Scheduled jobs, all of one shape: what is due at `now` is claimed in
//! the database (so of several processes one does it), sent by the
//! scheduler, then recorded as sent.

use std::collections::HashSet;

use jiff::Timestamp;
use tokio::sync::mpsc;

use super::posts::RenderedPost;
use super::report::Summary;
use super::App;
use domain::post::InsightPost;
use store::Scheduled;

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
    pub(super) async fn queue_post(
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
