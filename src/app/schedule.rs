//! A guild's posting calendar beyond its settings: insight channels' own
//! times and segments, skipped days, and whether the pool of insights is
//! large enough for the repeat window.

use super::App;
use crate::domain::calendar::Skip;
use crate::domain::rotation::posts_in_window;
use crate::domain::settings::{GuildSettings, InsightChannel};

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

    /// The insight channels that will repeat an insight within the window.
    pub async fn pool_shortfalls(&self, settings: &GuildSettings) -> anyhow::Result<Vec<PoolShortfall>> {
        let needed = posts_in_window(settings.post_days, settings.repeat_window_days);
        let mut short = Vec::new();
        for channel in &settings.insight_channels {
            let pool = self.channel_pool(settings, channel.id).await?.len() as u32;
            if pool < needed {
                short.push(PoolShortfall { channel_id: channel.id, pool, needed });
            }
        }
        Ok(short)
    }
}
