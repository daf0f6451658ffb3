//! Follow-ups: listed, closed, and their owners reminded when due.

use jiff::civil::Date;
use jiff::Timestamp;
use minijinja::context;

use super::{App, UserError};
use crate::domain::follow_up::{DueFollowUp, FollowUp};

impl App {
    /// Open follow-ups: of one owner, or all in the guild.
    pub async fn open_follow_ups(&self, guild_id: u64, owner: Option<u64>) -> anyhow::Result<Vec<FollowUp>> {
        Ok(self.store.open_follow_ups(guild_id, owner).await?)
    }

    /// The guild's follow-ups board: open ones (each with whether it is
    /// overdue in the guild's zone) by owner, and those done in the last 30 days.
    pub async fn follow_up_board(&self, guild_id: u64) -> anyhow::Result<(Vec<(FollowUp, bool)>, Vec<FollowUp>)> {
        let now = self.clock.now();
        let today = self.settings(guild_id).await?.zone.date_of(now);
        let mut open: Vec<(FollowUp, bool)> = self
            .store
            .open_follow_ups(guild_id, None)
            .await?
            .into_iter()
            .map(|f| {
                let overdue = f.body.due_date.is_some_and(|d| d < today);
                (f, overdue)
            })
            .collect();
        open.sort_by_key(|(f, _)| (f.body.owner_id.is_none(), f.body.owner_id)); // by owner, nobody's last
        let done = self.store.done_follow_ups(guild_id, now - jiff::SignedDuration::from_hours(24 * 30)).await?;
        Ok((open, done))
    }

    /// Marks a follow-up done. Its owner, its author or a manager may.
    pub async fn complete_follow_up(
        &self,
        guild_id: u64,
        id: i64,
        user: u64,
        manager: bool,
    ) -> anyhow::Result<FollowUp> {
        let Some(f) = self.store.follow_up(guild_id, id).await?.filter(|f| !f.done) else {
            return Err(UserError(format!("There is no open follow-up #{id}; /followups lists them.")).into());
        };
        if !manager && f.body.owner_id != Some(user) && f.body.created_by != user {
            return Err(UserError(format!(
                "Follow-up #{id} belongs to someone else; its owner or a manager can close it."
            ))
            .into());
        }
        self.store.complete_follow_up(guild_id, id, self.clock.now()).await?;
        Ok(f)
    }

    /// Follow-ups to remind at `now` across guilds, each claimed so that
    /// one process reminds once: (follow-up, guild, reminder text). Reads
    /// only follow-ups due somewhere on Earth by now, then checks each
    /// against its guild's own date.
    pub(super) async fn due_reminders(&self, now: Timestamp) -> anyhow::Result<Vec<(DueFollowUp, u64, String)>> {
        let mut out = Vec::new();
        for (guild, f) in self.store.unreminded_follow_ups(latest_date(now)).await? {
            if !self.schedules(guild) || f.due_date > self.settings(guild).await?.zone.date_of(now) {
                continue;
            }
            if self.store.claim_reminder(f.id, now).await? {
                let owner = f.owner_id.map_or("someone".to_string(), |o| format!("<@{o}>"));
                let text = self.prompts.texts.render(
                    "meeting.follow_up_due",
                    context! { owner, text => f.text, due => f.due_date.to_string(), id => f.id },
                );
                out.push((f, guild, text));
            }
        }
        Ok(out)
    }
}

/// The date at `now` in the zone furthest ahead (UTC+14).
fn latest_date(now: Timestamp) -> Date {
    let ahead = jiff::tz::TimeZone::fixed(jiff::tz::offset(14));
    now.to_zoned(ahead).date()
}
