//! Forgetting on schedule: rows past a guild's retention, and all of a
//! guild's data some days after the bot was removed from it.

use jiff::SignedDuration;

use super::App;
use domain::privacy::{Forgotten, PersonalData};

/// Days a removed guild's data is kept, in case the bot is re-added.
pub const REMOVED_GUILD_GRACE_DAYS: i64 = 30;

impl App {
    /// Applies retention to every guild and deletes guilds removed long
    /// enough ago. Returns the rows removed.
    pub async fn forget_expired(&self, now: jiff::Timestamp) -> anyhow::Result<u64> {
        let mut removed = 0;
        for guild in self.store.active_guilds().await? {
            let days = i64::from(self.settings(guild).await?.retention_days);
            removed += self.store.delete_before(guild, now - SignedDuration::from_hours(24 * days)).await?;
        }
        self.threads.forget_all(); // old meetings may be gone
        removed += self.store.delete_expired_sign_ins(now).await?;
        for guild in
            self.store.guilds_left_before(now - SignedDuration::from_hours(24 * REMOVED_GUILD_GRACE_DAYS)).await?
        {
            self.store.delete_guild(guild).await?;
            tracing::info!(guild, "deleted the data of a guild that removed the bot");
        }
        Ok(removed)
    }

    pub async fn personal_data(&self, guild_id: u64, user_id: u64) -> anyhow::Result<PersonalData> {
        Ok(self.store.personal_data(guild_id, user_id).await?)
    }

    pub async fn forget_person(&self, guild_id: u64, user_id: u64) -> anyhow::Result<Forgotten> {
        Ok(self.store.forget_person(guild_id, user_id).await?)
    }
}
