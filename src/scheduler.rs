//! Clock-driven jobs: the customer of the day. Each tick finishes posts a
//! crash left unfinished, then sends those that are due. Sending goes
//! through `Poster`, so the scheduler knows nothing of Discord.

use std::future::Future;
use std::time::Duration;

use crate::app::posts::RenderedPost;
use crate::app::App;

/// Sends a rendered post; returns the message id it became.
pub trait Poster: Send + Sync {
    fn post(&self, post: &RenderedPost) -> impl Future<Output = anyhow::Result<u64>> + Send;
}

/// How often the scheduler looks at the clock (real time).
pub const TICK: Duration = Duration::from_secs(20);

/// Ticks until `stop` turns true. A tick in progress is finished first, so
/// a post is never left sent but unrecorded by a shutdown.
pub async fn run(app: App, poster: impl Poster, mut stop: tokio::sync::watch::Receiver<bool>) {
    while !*stop.borrow() {
        let seen = app.clock.now();
        if let Err(e) = tick(&app, &poster, seen).await {
            tracing::error!(error = %format!("{e:#}"), "scheduler tick failed; retrying next tick");
        }
        tokio::select! {
            _ = app.clock.tick(TICK, seen) => {}
            _ = stop.changed() => {}
        }
    }
}

/// One pass at `now`: returns how many posts were sent.
pub async fn tick(app: &App, poster: &impl Poster, now: jiff::Timestamp) -> anyhow::Result<usize> {
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
        match poster.post(&rendered).await {
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
