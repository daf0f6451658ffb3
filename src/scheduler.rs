//! Runs the app's scheduled jobs (customer of the day, weekly summary,
//! follow-up reminders) and retention on the clock. Sending goes through
//! `Poster`, so the scheduler knows nothing of Discord.

use std::future::Future;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};

use crate::app::jobs::Outgoing;
use crate::app::App;

/// Sends a message to a channel; returns the message id it became.
pub trait Poster: Send + Sync {
    fn send(&self, channel: u64, out: &Outgoing) -> impl Future<Output = anyhow::Result<u64>> + Send;
}

/// How often the scheduler looks at the clock (real time).
pub const INTERVAL: Duration = Duration::from_secs(20);
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
        while !*stop.borrow() {
            let seen = self.app.clock.now();
            if let Err(e) = self.pass(seen).await {
                tracing::error!(error = %format!("{e:#}"), "scheduler pass failed; retrying next pass");
            }
            tokio::select! {
                _ = self.app.clock.wait(INTERVAL, seen) => {}
                _ = stop.changed() => {}
            }
        }
    }

    /// One pass at `now`: sends every job due then and, hourly, deletes
    /// expired data. Returns how many messages were sent.
    #[tracing::instrument(skip(self))]
    pub async fn pass(&mut self, now: Timestamp) -> anyhow::Result<usize> {
        let sent = self.send_due(now).await;
        // Retention runs whatever the sends did, and fails on its own.
        if self.retention_ran.is_none_or(|at| now.duration_since(at) >= RETENTION_EVERY) {
            match self.app.forget_expired(now).await {
                Ok(_) => self.retention_ran = Some(now),
                Err(e) => {
                    tracing::error!(error = %format!("{e:#}"), "deleting expired data failed; retrying next pass")
                }
            }
        }
        sent
    }

    async fn send_due(&self, now: Timestamp) -> anyhow::Result<usize> {
        let mut sent = 0;
        for job in self.app.due_jobs(now).await? {
            // One channel failing (deleted, no permission) must not stop the others.
            match self.poster.send(job.channel_id, &job.out).await {
                Ok(message_id) => {
                    self.app.record_sent(&job, message_id, now).await?;
                    sent += 1;
                }
                Err(e) => tracing::warn!(
                    guild = job.guild_id,
                    channel = job.channel_id,
                    job = job.kind(),
                    error = %format!("{e:#}"),
                    "could not send; will retry"
                ),
            }
        }
        Ok(sent)
    }
}
