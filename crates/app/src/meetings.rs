//! Meetings: opened by command, by a thread name that matches the guild's
//! pattern, or by a scheduled event; prompted; closed with a recap.

use minijinja::context;

use super::App;
use domain::answer::listable;
use domain::meeting::{Meeting, MeetingStats, NewMeeting, Origin};

/// A thread that appeared in a guild.
#[derive(Clone, Debug)]
pub struct NewThread {
    pub guild_id: u64,
    pub parent_id: u64,
    pub thread_id: u64,
    pub name: String,
    pub owner_id: Option<u64>,
}

impl App {
    /// The meeting of a thread in `guild_id`; a thread of another guild has none.
    pub async fn meeting_in_thread(&self, guild_id: u64, thread_id: u64) -> anyhow::Result<Option<Meeting>> {
        let seen = self.threads.generation();
        let meeting = self.store.meeting_by_thread(thread_id).await?;
        self.threads.remember(thread_id, meeting.as_ref().map(|m| (m.body.guild_id, m.id)), seen);
        Ok(meeting.filter(|m| m.body.guild_id == guild_id))
    }

    /// The id of a thread's meeting, for every message there: looked up
    /// once, then remembered (see [`super::threads`]).
    pub async fn meeting_id_in_thread(&self, guild_id: u64, thread_id: u64) -> anyhow::Result<Option<i64>> {
        let known = match self.threads.known(thread_id) {
            Some(known) => known,
            None => self.meeting_in_thread(guild_id, thread_id).await?.map(|m| (m.body.guild_id, m.id)),
        };
        Ok(known.filter(|(guild, _)| *guild == guild_id).map(|(_, id)| id))
    }

    /// False when the thread is known to hold no meeting, so that its
    /// messages can be dropped as they arrive.
    pub fn may_be_meeting(&self, thread_id: u64) -> bool {
        self.threads.known(thread_id) != Some(None)
    }

    pub async fn open_meeting(&self, m: &NewMeeting) -> anyhow::Result<(Meeting, bool)> {
        self.threads.forget(m.thread_id);
        Ok(self.store.open_meeting(m, self.clock.now()).await?)
    }

    /// Opens a meeting for a new thread if its name matches the guild's
    /// pattern and it is in a meeting channel (any channel if none is set).
    pub async fn meeting_for_thread(&self, t: &NewThread) -> anyhow::Result<Option<Meeting>> {
        let settings = self.settings(t.guild_id).await?;
        let in_scope = settings.meeting_channels.is_empty() || settings.meeting_channels.contains(&t.parent_id);
        if !in_scope || !settings.thread_pattern.matches(&t.name) {
            return Ok(None);
        }
        let meeting = NewMeeting {
            guild_id: t.guild_id,
            channel_id: t.parent_id,
            thread_id: t.thread_id,
            topic: t.name.clone(),
            segment: None,
            host_id: t.owner_id,
            origin: Origin::Pattern,
            event_id: None,
        };
        let (meeting, new) = self.open_meeting(&meeting).await?;
        Ok(new.then_some(meeting))
    }

    /// Of `people`, those who have not answered in a meeting.
    pub async fn not_answered(&self, meeting_id: i64, mut people: Vec<u64>) -> anyhow::Result<Vec<u64>> {
        let answered = self.store.meeting_answerers(meeting_id).await?;
        people.retain(|p| !answered.contains(p));
        Ok(people)
    }

    /// Where a scheduled event that just started gets its thread: the
    /// guild's first meeting channel, unless the event has a meeting already.
    pub async fn channel_for_event(&self, guild_id: u64, event_id: u64) -> anyhow::Result<Option<u64>> {
        if self.store.meeting_by_event(guild_id, event_id).await?.is_some() {
            return Ok(None);
        }
        let channel = self.settings(guild_id).await?.meeting_channels.first().copied();
        if channel.is_none() {
            tracing::info!(guild = guild_id, "a scheduled event started, but no meeting channel is set (/setup)");
        }
        Ok(channel)
    }

    /// The question for a meeting; variants take turns by meeting id, the
    /// first meeting getting the first.
    pub fn prompt_text(&self, meeting: &Meeting) -> String {
        let texts = &self.prompts.texts;
        texts.render_variant(
            "meeting.prompt",
            meeting.id.saturating_sub(1) as usize,
            context! { topic => meeting.body.topic, segment => meeting.body.segment },
        )
    }

    pub async fn record_prompt(&self, meeting_id: i64, message_id: u64) -> anyhow::Result<()> {
        Ok(self.store.set_prompt_message(meeting_id, message_id).await?)
    }

    /// Closes a thread's meeting and returns the recap text, or `None` if
    /// the thread has no open meeting.
    pub async fn close_meeting(&self, guild_id: u64, thread_id: u64) -> anyhow::Result<Option<String>> {
        let Some(meeting) = self.meeting_in_thread(guild_id, thread_id).await? else { return Ok(None) };
        if !self.store.close_meeting(meeting.id, self.clock.now()).await? {
            return Ok(None);
        }
        let stats = self.store.meeting_stats(meeting.id).await?;
        let open = self.store.open_assumptions(meeting.id).await?;
        let mut recap = self.recap_text(&meeting, &stats);
        if !open.is_empty() {
            let open: Vec<String> =
                open.iter().map(|(id, text)| format!("#{id} {}", text.chars().take(80).collect::<String>())).collect();
            recap.push('\n');
            recap.push_str(&self.prompts.texts.render("meeting.open_assumptions", context! { open }));
        }
        Ok(Some(recap))
    }

    pub fn recap_text(&self, meeting: &Meeting, s: &MeetingStats) -> String {
        self.prompts.texts.render(
            "meeting.recap",
            context! {
                topic => meeting.body.topic,
                answers => s.answers,
                answerers => s.answerers,
                evidence => s.with_evidence,
                assumptions => s.with_assumption,
                follow_ups => s.open_follow_ups,
                one_voice => s.one_voice(),
            },
        )
    }
}

/// Most meetings one listing shows.
pub const MEETINGS_LISTED: i64 = 500;

/// A meeting with its recap.
#[derive(Clone, Debug)]
pub struct Recapped {
    pub meeting: Meeting,
    pub stats: MeetingStats,
    pub recap: String,
}

impl App {
    /// A guild's meetings in the period and channel `filters` name (the
    /// explorer's filters; the others are ignored), newest first.
    pub async fn meetings_in(&self, guild_id: u64, filters: &crate::explore::Filters) -> anyhow::Result<Vec<Recapped>> {
        let filter = self.answer_filter(guild_id, filters).await?;
        let window = (filter.start, filter.end);
        let listed = self.store.meetings_in(guild_id, window, filter.channel_id, MEETINGS_LISTED).await?;
        let recapped = listed
            .into_iter()
            .map(|(meeting, stats)| Recapped { recap: self.recap_text(&meeting, &stats), meeting, stats })
            .collect();
        Ok(recapped)
    }

    /// One of a guild's meetings with its recap and answers, oldest first.
    /// A meeting with the answers that may be listed, and how many
    /// anonymous ones count in its totals only (see [`listable`]).
    pub async fn meeting_with_answers(
        &self,
        guild_id: u64,
        id: i64,
    ) -> anyhow::Result<Option<(Recapped, Vec<domain::summary::AnswerRow>, usize)>> {
        let Some(meeting) = self.store.meeting(id).await?.filter(|m| m.body.guild_id == guild_id) else {
            return Ok(None);
        };
        let stats = self.store.meeting_stats(id).await?;
        let (answers, hidden) = listable(self.store.meeting_answers(guild_id, id).await?, |a| a.user_id);
        Ok(Some((Recapped { recap: self.recap_text(&meeting, &stats), meeting, stats }, answers, hidden)))
    }
}
