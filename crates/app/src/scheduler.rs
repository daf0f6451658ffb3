//! Runs the app's scheduled jobs (customer of the day, weekly summary,
//! follow-up reminders) and retention on the clock. Sending goes through
//! `Poster`, so the scheduler knows nothing of Discord.

use std::future::Future;
use std::time::Duration;

use futures_util::StreamExt as _;
use jiff::{SignedDuration, Timestamp};

use crate::jobs::{Job, Outgoing};
use crate::App;

/// Sends a message to a channel; returns the message id it became.
pub trait Poster: Send + Sync {
    fn send(&self, channel: u64, out: &Outgoing) -> impl Future<Output = anyhow::Result<u64>> + Send;

    /// The message an earlier attempt to send `out` became, if it reached
    /// the channel: Discord's nonce dedupes a resend only for minutes.
    fn find(&self, channel: u64, out: &Outgoing) -> impl Future<Output = anyhow::Result<Option<u64>>> + Send;
}

/// How often the scheduler looks at the clock (real time).
pub const INTERVAL: Duration = Duration::from_secs(20);
/// Scheduled messages in flight at once: enough to keep the poster's
/// pace (Discord's global limit) busy while each waits on its reply.
const PARALLEL_SENDS: usize = 64;
/// How often expired data is deleted.
const RETENTION_EVERY: SignedDuration = SignedDuration::from_hours(1);

pub struct Scheduler<P> {
    app: App,
    poster: P,
    retention_ran: Option<Timestamp>,
}

impl<P: Poster> Scheduler<P> {
    pub fn new(app: App, poster: P) -> Self {
        Scheduler { app, poster, retention_ran: None }
    }

    /// Passes until `stop` turns true. A pass in progress is finished
    /// first, so a post is never left sent but unrecorded by a shutdown.
    pub async fn run(mut self, mut stop: tokio::sync::watch::Receiver<bool>) {
        self.app.health.scheduler_started();
        while !*stop.borrow() {
            let seen = self.app.clock.now();
            if let Err(e) = self.pass(seen).await {
                tracing::error!(error = %format!("{e:#}"), "scheduler pass failed; retrying next pass");
            }
            self.app.health.scheduler_passed(seen);
            tokio::select! {
                _ = self.app.clock.wait(INTERVAL, seen) => {}
                _ = stop.changed() => {}
            }
        }
    }

    /// One pass at `now`: sends every job due then and, hourly, deletes
    /// expired data beside the sends (never behind a slow one). Returns
    /// how many messages were sent.
    #[tracing::instrument(skip(self))]
    pub async fn pass(&mut self, now: Timestamp) -> anyhow::Result<usize> {
        let retention_due = self.retention_ran.is_none_or(|at| now.duration_since(at) >= RETENTION_EVERY);
        let retention = async {
            match retention_due {
                true => Some(self.app.forget_expired(now).await),
                false => None,
            }
        };
        let relinked = async {
            if let Err(e) = self.app.relink_customers().await {
                tracing::warn!(error = %format!("{e:#}"), "linking earlier answers to customers failed; retrying next pass");
            }
        };
        let (sent, retained, ()) = tokio::join!(self.send_due(now), retention, relinked);
        match retained {
            Some(Ok(_)) => self.retention_ran = Some(now),
            Some(Err(e)) => {
                tracing::error!(error = %format!("{e:#}"), "deleting expired data failed; retrying next pass")
            }
            None => {}
        }
        sent
    }

    /// Sends the due jobs, [`PARALLEL_SENDS`] at a time, so one slow or
    /// broken channel never holds up another, each as soon as it is
    /// claimed, so the first need not wait for thousands of claims. An
    /// error while claiming is returned after the sends of what was
    /// claimed before it.
    async fn send_due(&self, now: Timestamp) -> anyhow::Result<usize> {
        let (jobs, claimed) = tokio::sync::mpsc::channel(PARALLEL_SENDS);
        // Owns the sender, so the jobs end when the claiming does.
        let claiming = async move { self.app.due_jobs(now, &jobs).await };
        let sending = futures_util::stream::unfold(claimed, |mut rx| async move { Some((rx.recv().await?, rx)) })
            .map(|job| self.send(job, now))
            .buffer_unordered(PARALLEL_SENDS)
            .filter(|sent| std::future::ready(*sent))
            .count();
        let (claimed, sent) = tokio::join!(claiming, sending);
        claimed.map(|()| sent)
    }

    /// Sends one job and records it; false (logged) if either failed.
    async fn send(&self, job: Job, now: Timestamp) -> bool {
        let failed = match self.send_once(&job).await {
            Ok(message_id) => match self.app.record_sent(&job, message_id, now).await {
                Ok(()) => {
                    metrics::counter!("advocate_posts_sent_total", "job" => job.kind()).increment(1);
                    return true;
                }
                Err(e) => ("sent, but recording it failed", e),
            },
            Err(e) => ("could not send; will retry", e),
        };
        metrics::counter!("advocate_posts_failed_total", "job" => job.kind()).increment(1);
        tracing::warn!(
            guild = job.guild_id,
            channel = job.channel_id,
            job = job.kind(),
            error = %format!("{:#}", failed.1),
            "{}", failed.0
        );
        false
    }

    /// Sends a job, or adopts the message an earlier attempt became.
    async fn send_once(&self, job: &Job) -> anyhow::Result<u64> {
        if job.maybe_sent {
            match self.poster.find(job.channel_id, &job.out).await {
                Ok(Some(message_id)) => {
                    tracing::info!(
                        channel = job.channel_id,
                        job = job.kind(),
                        "an earlier attempt was posted; adopted it"
                    );
                    return Ok(message_id);
                }
                Ok(None) => {}
                Err(e) => tracing::warn!(
                    channel = job.channel_id,
                    error = %format!("{e:#}"),
                    "cannot read the channel to check for an earlier attempt; sending (its nonce may dedupe it)"
                ),
            }
        }
        self.poster.send(job.channel_id, &job.out).await
    }
}
