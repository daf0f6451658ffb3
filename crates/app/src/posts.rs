//! The customer of the day: which channels are due, which insight each
//! gets, and how a post reads. Each post is claimed in the database before
//! it is sent, so a channel gets one per local day across restarts.

use std::collections::HashSet;

use jiff::civil::Date;
use jiff::Timestamp;
use minijinja::context;
use sha2::{Digest, Sha256};

use super::App;
use domain::insight::Insight;
use domain::post::{Claim, InsightPost, PostKind, PostSlot};
use domain::rotation::{next_insight, Candidate};
use domain::settings::{GuildSettings, InsightChannel};
use store::Scheduled;

/// How long a claim may go unconfirmed before another process (or a
/// restart) finishes it. Sending takes seconds at most.
pub const CLAIM_STALE_AFTER: jiff::SignedDuration = jiff::SignedDuration::from_secs(60);

/// A post ready to send, in plain parts the Discord edge lays out.
#[derive(Clone, Debug, PartialEq)]
pub struct RenderedPost {
    pub post: InsightPost,
    /// The line above the embed, with the role mention if one is set.
    pub content: String,
    pub mention_role: Option<u64>,
    pub title: String,
    pub story: String,
    /// (name, value) pairs.
    pub fields: Vec<(String, String)>,
    pub footer: String,
    pub button: String,
    /// The anonymous answer button's label, when the guild takes them.
    pub anonymous_button: Option<String>,
}

/// A nonce Discord dedupes a retried message by: the same for the same
/// key, 20 characters (Discord allows 25).
pub fn nonce(key: &str) -> String {
    Sha256::digest(key).iter().take(10).map(|b| format!("{b:02x}")).collect()
}

/// The nonce of a post's slot.
fn slot_nonce(guild: u64, channel: u64, date: Date, kind: PostKind) -> String {
    nonce(&format!("{guild}/{channel}/{date}/{kind:?}"))
}

impl App {
    /// Hands `jobs` the daily posts to send at `now`, each as it is
    /// claimed for this process: unfinished ones to finish, and the slots
    /// of the guilds due now. A guild's next due time is stored once its
    /// claims are made.
    pub(super) async fn claim_due_posts(&self, now: Timestamp, jobs: &super::jobs::Jobs) -> anyhow::Result<()> {
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

    /// The insights a channel may be shown: the guild's pool, only the
    /// channel's segments if it has some.
    pub async fn channel_pool(&self, settings: &GuildSettings, channel_id: u64) -> anyhow::Result<Vec<Candidate>> {
        let mut pool = self.store.rotation_pool(settings.guild_id).await?;
        if let Some(channel) = settings.insight_channel(channel_id) {
            pool.retain(|c| channel.shows(&c.segment));
        }
        Ok(pool)
    }

    pub async fn render_post(&self, post: &InsightPost) -> anyhow::Result<RenderedPost> {
        let insight: Insight = self
            .store
            .insight(post.insight_id)
            .await?
            .ok_or_else(|| anyhow::anyhow!("insight {} is gone", post.insight_id))?;
        let settings = self.settings(post.guild_id).await?;
        let texts = &self.prompts.texts;
        let i = &insight.body;
        let weekday = format!("{:?}", post.local_date.weekday());
        Ok(RenderedPost {
            post: post.clone(),
            content: texts.render("daily_post.content", context! { weekday, date => post.local_date.to_string() }),
            mention_role: settings.mention_role.filter(|_| post.daily),
            title: texts.render(
                "daily_post.title",
                context! { title => i.title, customer => i.customer, segment => i.segment.as_str() },
            ),
            story: i.story.clone(),
            fields: vec![
                (texts.text("daily_post.customer_label"), format!("{} · #{}", i.customer, i.segment)),
                (texts.text("daily_post.evidence_label"), format!("{} ({})", i.evidence, i.source.label())),
                (texts.text("daily_post.question_label"), i.question.clone()),
            ],
            footer: texts
                .render("daily_post.footer", context! { source => i.source.label(), is_example => i.is_example }),
            button: texts.text("daily_post.button"),
            anonymous_button: settings.anonymous_answers.then(|| texts.text("answer_modal.anonymous_button")),
        })
    }

    pub async fn mark_posted(&self, post_id: i64, message_id: u64, now: Timestamp) -> anyhow::Result<()> {
        Ok(self.store.mark_posted(post_id, message_id, now).await?)
    }
}

impl App {
    /// Claims a post for `/insight today` in `channel`, now.
    pub async fn claim_manual_post(&self, guild_id: u64, channel_id: u64) -> anyhow::Result<Option<InsightPost>> {
        let now = self.clock.now();
        let local_date = self.settings(guild_id).await?.zone.date_of(now);
        let slot = PostSlot { guild_id, channel_id, local_date, kind: PostKind::Manual };
        self.claim_post(&slot, now).await
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
