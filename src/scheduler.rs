//! Clock-driven jobs: the customer of the day, the weekly summary post,
//! follow-up reminders, and forgetting expired data. Sending goes through
//! `Poster`, so the scheduler knows nothing of Discord.

use std::future::Future;
use std::time::Duration;

use jiff::Timestamp;

use crate::app::posts::RenderedPost;
use crate::app::report::WeekReport;
use crate::app::App;

/// What the scheduler sends.
pub enum Outgoing<'a> {
    Insight(&'a RenderedPost),
    /// The weekly summary, with its chart; the nonce dedupes a retry.
    Summary {
        report: &'a WeekReport,
        chart: Vec<u8>,
        nonce: String,
    },
    /// A due follow-up, pinging its owner only.
    Reminder {
        text: String,
        owner: Option<u64>,
    },
}

/// Sends a message to a channel; returns the message id it became.
pub trait Poster: Send + Sync {
    fn send(&self, channel: u64, out: Outgoing<'_>) -> impl Future<Output = anyhow::Result<u64>> + Send;
}

/// How often the scheduler looks at the clock (real time).
pub const TICK: Duration = Duration::from_secs(20);
/// How often expired data is deleted.
const FORGET_EVERY: jiff::SignedDuration = jiff::SignedDuration::from_hours(1);

/// Ticks until `stop` turns true. A tick in progress is finished first, so
/// a post is never left sent but unrecorded by a shutdown.
pub async fn run(app: App, poster: impl Poster, mut stop: tokio::sync::watch::Receiver<bool>) {
    let mut last_forget: Option<Timestamp> = None;
    while !*stop.borrow() {
        let seen = app.clock.now();
        if let Err(e) = tick(&app, &poster, seen).await {
            tracing::error!(error = %format!("{e:#}"), "scheduler tick failed; retrying next tick");
        }
        if last_forget.is_none_or(|at| seen.duration_since(at) >= FORGET_EVERY) {
            match app.forget_expired().await {
                Ok(_) => last_forget = Some(seen),
                Err(e) => tracing::error!(error = %format!("{e:#}"), "deleting expired data failed"),
            }
        }
        tokio::select! {
            _ = app.clock.tick(TICK, seen) => {}
            _ = stop.changed() => {}
        }
    }
}

/// One pass at `now`: returns how many messages were sent.
pub async fn tick(app: &App, poster: &impl Poster, now: Timestamp) -> anyhow::Result<usize> {
    let mut sent = daily_posts(app, poster, now).await?;
    sent += summaries(app, poster, now).await?;
    for (f, text) in app.due_reminders().await? {
        match poster.send(f.thread_id, Outgoing::Reminder { text, owner: f.owner_id }).await {
            Ok(_) => sent += 1,
            Err(e) => {
                tracing::warn!(follow_up = f.id, error = %format!("{e:#}"), "could not post a follow-up reminder")
            }
        }
    }
    Ok(sent)
}

async fn daily_posts(app: &App, poster: &impl Poster, now: Timestamp) -> anyhow::Result<usize> {
    let mut posts = app.unfinished_posts(now).await?;
    for slot in app.due_daily_posts(now).await? {
        if let Some(post) = app.claim_post(&slot).await? {
            if !posts.iter().any(|p| p.id == post.id) {
                posts.push(post);
            }
        }
    }
    let mut sent = 0;
    for post in posts {
        let rendered = app.render_post(&post).await?;
        // One channel failing (deleted, no permission) must not stop the others.
        match poster.send(post.channel_id, Outgoing::Insight(&rendered)).await {
            Ok(message_id) => {
                app.mark_posted(post.id, message_id).await?;
                sent += 1;
            }
            Err(e) => tracing::warn!(
                guild = post.guild_id,
                channel = post.channel_id,
                error = %format!("{e:#}"),
                "could not post the customer of the day; will retry next tick"
            ),
        }
    }
    Ok(sent)
}

async fn summaries(app: &App, poster: &impl Poster, now: Timestamp) -> anyhow::Result<usize> {
    let mut sent = 0;
    for (guild, channel, week) in app.due_summaries(now).await? {
        let name = week.to_string();
        let nonce = crate::app::posts::nonce(&format!("summary/{guild}/{name}"));
        let stale_before = now - crate::app::posts::CLAIM_STALE_AFTER;
        let claim = app.store.claim_summary_post(guild, &name, channel, &nonce, now, stale_before).await?;
        let Some(nonce) = claim else { continue };
        let report = app.report(guild, Some(week), None).await?;
        let chart = crate::chart::weekly_png(&app.history(guild, week, 8, None).await?)?;
        match poster.send(channel, Outgoing::Summary { report: &report, chart, nonce }).await {
            Ok(message_id) => {
                app.store.mark_summary_posted(guild, &name, message_id).await?;
                sent += 1;
            }
            Err(e) => {
                tracing::warn!(guild, channel, error = %format!("{e:#}"), "could not post the weekly summary; will retry")
            }
        }
    }
    Ok(sent)
}
