//! A guild's posting calendar beyond its settings: insight channels' own
//! times and segments, skipped days, and whether the pool of insights is
//! large enough for the repeat window.

use jiff::civil::Date;

use super::App;
use domain::calendar::{DayOff, Pause, Skip};
use domain::rotation::posts_in_window;
use domain::settings::{GuildSettings, InsightChannel};

/// An insight channel whose pool cannot last the repeat window.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PoolShortfall {
    pub channel_id: u64,
    /// Insights it may be shown.
    pub pool: u32,
    /// Posts it makes within the window.
    pub needed: u32,
}

impl App {
    /// Sets an insight channel's own time and segments.
    pub async fn set_insight_channel(&self, guild_id: u64, channel: &InsightChannel) -> anyhow::Result<()> {
        self.store.set_insight_channel(guild_id, channel).await?;
        self.forget_settings(guild_id);
        Ok(())
    }

    pub async fn add_skip(&self, guild_id: u64, skip: &Skip, by: u64) -> anyhow::Result<i64> {
        self.settings(guild_id).await?; // the guild's row must exist first
        let id = self.store.add_skip(guild_id, skip, by, self.clock.now()).await?;
        self.forget_settings(guild_id);
        Ok(id)
    }

    pub async fn remove_skip(&self, guild_id: u64, id: i64) -> anyhow::Result<bool> {
        let removed = self.store.remove_skip(guild_id, id).await?;
        self.forget_settings(guild_id);
        Ok(removed)
    }

    /// Pauses the customer of the day from its next post (today's if it is
    /// still ahead) until the day `until` (excluded), or until resumed.
    /// Returns the first day without posts.
    pub async fn pause(&self, guild_id: u64, until: Option<Date>, by: u64) -> anyhow::Result<Date> {
        let mut settings = self.fresh_settings(guild_id).await?;
        let now = self.clock.now();
        let from = settings.zone.date_of(settings.next_post_after(now));
        if let Some(until) = until.filter(|&until| until <= from) {
            let (from, until) = (from.to_string(), until.to_string());
            return Err(self.refuse_with("errors.pause_skips_nothing", minijinja::context! { from, until }));
        }
        self.keep_past_pause(&settings, settings.zone.date_of(now), by).await?;
        settings.pause = Some(Pause { from, until });
        self.save_settings(&settings).await?;
        Ok(from)
    }

    /// Ends a pause; its days so far stay on record as a skip.
    pub async fn resume(&self, guild_id: u64, by: u64) -> anyhow::Result<()> {
        let mut settings = self.fresh_settings(guild_id).await?;
        let today = settings.zone.date_of(self.clock.now());
        self.keep_past_pause(&settings, today, by).await?;
        settings.pause = None;
        self.save_settings(&settings).await
    }

    /// Records the days a pause covered before `today` as a skip, so the
    /// summaries of those weeks still show them once the pause is gone.
    async fn keep_past_pause(&self, settings: &GuildSettings, today: Date, by: u64) -> anyhow::Result<()> {
        let Some((first, last)) = settings.pause.and_then(|p| p.elapsed(today)) else { return Ok(()) };
        let skip = Skip { id: 0, first, last, reason: Some(DayOff::Paused.to_string()) };
        self.store.add_skip(settings.guild_id, &skip, by, self.clock.now()).await?;
        Ok(())
    }

    /// The insight channels that will repeat an insight within the window.
    pub async fn pool_shortfalls(&self, settings: &GuildSettings) -> anyhow::Result<Vec<PoolShortfall>> {
        let needed = posts_in_window(settings.post_days, settings.repeat_window_days);
        let pool = self.store.rotation_pool(settings.guild_id).await?;
        let shortfall = |channel: &InsightChannel| {
            let pool = pool.iter().filter(|c| channel.shows(&c.segment)).count() as u32;
            (pool < needed).then_some(PoolShortfall { channel_id: channel.id, pool, needed })
        };
        Ok(settings.insight_channels.iter().filter_map(shortfall).collect())
    }
}
