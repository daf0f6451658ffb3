//! Scheduled jobs, all of one shape: what is due at `now` is claimed in
//! the database (so of several processes one does it), sent by the
//! scheduler, then recorded as sent.

use jiff::Timestamp;

use super::posts::RenderedPost;
use super::report::Summary;
use super::App;
use crate::store::Scheduled;

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

impl App {
    /// Every job due at `now`, each claimed for this process. A job that
    /// cannot be prepared is logged and left for the next pass.
    pub async fn due_jobs(&self, now: Timestamp) -> anyhow::Result<Vec<Job>> {
        let mut jobs = Vec::new();
        for post in self.claim_due_posts(now).await? {
            match self.render_post(&post).await {
                Ok(rendered) => jobs.push(Job {
                    guild_id: post.guild_id,
                    channel_id: post.channel_id,
                    out: Outgoing::Insight(Box::new(rendered)),
                    maybe_sent: post.claimed_at.as_millisecond() < now.as_millisecond(),
                    record: Record::Post(post.id),
                }),
                Err(e) => tracing::error!(post = post.id, error = %format!("{e:#}"), "cannot lay out a daily post"),
            }
        }
        for (guild_id, channel_id, week, next) in self.due_summaries(now).await? {
            let claimed = self.claim_summary_post(guild_id, channel_id, week, now).await?;
            self.store.set_due(guild_id, Scheduled::Summary, next).await?;
            let Some((nonce, maybe_sent)) = claimed else { continue };
            match self.summary(guild_id, Some(week.into()), None).await {
                Ok(summary) => jobs.push(Job {
                    guild_id,
                    channel_id,
                    out: Outgoing::Summary { summary: Box::new(summary), nonce },
                    maybe_sent,
                    record: Record::Summary { week: week.to_string() },
                }),
                Err(e) => {
                    tracing::error!(guild = guild_id, error = %format!("{e:#}"), "cannot compute the weekly summary")
                }
            }
        }
        for r in self.due_reminders(now).await? {
            let out = Outgoing::Reminder { text: r.text, owner: r.owner_id };
            jobs.push(Job {
                guild_id: r.guild_id,
                channel_id: r.channel_id,
                out,
                maybe_sent: false,
                record: Record::Nothing,
            });
        }
        Ok(jobs)
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
