//! Follow-ups: listed, closed, and their owners reminded when due.

use jiff::civil::Date;
use jiff::Timestamp;
use minijinja::context;

use super::App;
use domain::follow_up::{FollowUp, MAX_FOLLOW_UP_CHARS};

/// What closing a follow-up says.
#[derive(Clone, Debug, Default)]
pub struct Closing {
    /// What came of it.
    pub outcome: Option<String>,
    /// Whether the customer waiting on it was told.
    pub told_customer: Option<bool>,
}

/// A reminder to send: where, pinging whom, saying what.
pub struct Reminder {
    pub guild_id: u64,
    pub channel_id: u64,
    pub owner_id: Option<u64>,
    pub text: String,
}

/// A follow-up just closed, and where to say so: its meeting's thread and
/// the customer-of-the-day post its answer replied to (channel, message).
pub struct ClosedLoop {
    pub follow_up: FollowUp,
    pub note: String,
    pub thread: Option<u64>,
    pub post: Option<(u64, u64)>,
}

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

    /// Marks a follow-up done with what came of it and whether its
    /// customer was told. Its owner, its author or a manager may.
    pub async fn complete_follow_up(
        &self,
        guild_id: u64,
        id: i64,
        user: u64,
        manager: bool,
        closing: &Closing,
    ) -> anyhow::Result<ClosedLoop> {
        let Some(f) = self.store.follow_up(guild_id, id).await?.filter(|f| !f.done) else {
            return Err(self.refuse_with("errors.no_open_follow_up", minijinja::context! { id }));
        };
        if !manager && f.body.owner_id != Some(user) && f.body.created_by != user {
            return Err(self.refuse_with("errors.not_your_follow_up", minijinja::context! { id }));
        }
        let outcome = closing.outcome.as_deref().map(str::trim).filter(|o| !o.is_empty());
        if let Some(len) = outcome.map(|o| o.chars().count()).filter(|&len| len > MAX_FOLLOW_UP_CHARS) {
            return Err(self.refuse_with(
                "errors.outcome_too_long",
                minijinja::context! { length => len, max => MAX_FOLLOW_UP_CHARS },
            ));
        }
        self.store.complete_follow_up(guild_id, id, self.clock.now(), outcome, closing.told_customer).await?;
        let (thread, post) = self.store.follow_up_places(id).await?;
        let note = self.prompts.texts.render(
            "follow_ups.loop_closed",
            context! {
                by => format!("<@{user}>"),
                text => f.body.text,
                outcome,
                customer => f.body.customer,
                told => closing.told_customer,
            },
        );
        Ok(ClosedLoop { follow_up: f, note, thread, post })
    }

    /// Follow-up reminders to send at `now` across guilds, each claimed so
    /// that one process reminds once: those due by their date (once), and
    /// those a customer waits on (weekly). Reads only follow-ups due
    /// somewhere on Earth by now, then checks each against its guild's date.
    pub(super) async fn due_reminders(&self, now: Timestamp) -> anyhow::Result<Vec<Reminder>> {
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
                out.push(Reminder { guild_id: guild, channel_id: f.thread_id, owner_id: f.owner_id, text });
            }
        }
        for w in self.store.waiting_follow_ups(now).await? {
            if !self.schedules(w.guild_id) || !self.store.claim_customer_reminder(w.id, now).await? {
                continue;
            }
            let owner = w.owner_id.map_or("someone".to_string(), |o| format!("<@{o}>"));
            let days = now.duration_since(w.created_at).as_hours() / 24;
            let text = self.prompts.texts.render(
                "follow_ups.customer_waiting",
                context! { owner, id => w.id, text => w.text, customer => w.customer, days },
            );
            out.push(Reminder { guild_id: w.guild_id, channel_id: w.channel_id, owner_id: w.owner_id, text });
        }
        Ok(out)
    }
}

/// The date at `now` in the zone furthest ahead (UTC+14).
fn latest_date(now: Timestamp) -> Date {
    let ahead = jiff::tz::TimeZone::fixed(jiff::tz::offset(14));
    now.to_zoned(ahead).date()
}
