//! Logging answers: thread replies (with Message Content) and modal
//! submissions, classified by the guild's patterns; follow-ups asked for
//! in them are opened.

use jiff::Timestamp;

use super::{App, UserError};
use domain::answer::{check_text, AnswerRef, Impact, NewAnswer, Via, ANONYMOUS};
use domain::classify::{Classification, Reach};
use domain::follow_up;
use domain::insight::Segment;
use domain::reaction::ReactionEvent;

/// A message in a thread, as the gateway delivered it.
#[derive(Clone, Debug)]
pub struct ThreadMessage {
    pub guild_id: u64,
    pub thread_id: u64,
    pub user_id: u64,
    pub message_id: u64,
    pub text: String,
    pub at: Timestamp,
}

/// The answer modal as submitted.
#[derive(Clone, Debug)]
pub struct ModalAnswer {
    pub guild_id: u64,
    pub channel_id: u64,
    pub user_id: u64,
    pub interaction_id: u64,
    pub to: AnswerRef,
    pub text: String,
    pub impact: String,
    pub segments: String,
    /// How many customers it speaks for; blank: read from the text.
    pub customers: String,
    pub follow_up: String,
    /// Given without a name: stored with no trace of `user_id`.
    pub anonymous: bool,
}

/// What was logged.
#[derive(Clone, Debug, PartialEq)]
pub struct Logged {
    pub answer_id: i64,
    pub classification: Classification,
    pub follow_up_id: Option<i64>,
}

impl App {
    /// Logs a reply in a prompted meeting thread. `None` when the thread
    /// is not a meeting's, the text is empty (no Message Content), or the
    /// message was logged before (a replayed event).
    /// A database outage is waited out (see [`super::inflight`]).
    #[tracing::instrument(skip_all, fields(guild = m.guild_id, thread = m.thread_id, message = m.message_id))]
    pub async fn log_thread_reply(&self, m: &ThreadMessage) -> anyhow::Result<Option<Logged>> {
        self.work.retrying("thread reply", m.text.len(), || self.try_thread_reply(m)).await
    }

    async fn try_thread_reply(&self, m: &ThreadMessage) -> anyhow::Result<Option<Logged>> {
        let Some(meeting) = self.meeting_id_in_thread(m.guild_id, m.thread_id).await? else { return Ok(None) };
        let Ok(text) = check_text(&m.text) else { return Ok(None) };
        let settings = self.settings(m.guild_id).await?;
        let classification = self.patterns_for(&settings).classify(&text);
        let follow_up = if classification.wants_follow_up {
            follow_up::parse(&truncate(&text, follow_up::MAX_FOLLOW_UP_CHARS)).ok().flatten()
        } else {
            None
        };
        let customers = self.customers_named(m.guild_id, &text).await?;
        let answer = NewAnswer {
            guild_id: m.guild_id,
            channel_id: m.thread_id,
            user_id: m.user_id,
            to: AnswerRef::Meeting(meeting),
            via: Via::Thread,
            body: text,
            impact: Impact::Unknown,
            classification,
            message_id: Some(m.message_id),
            interaction_id: None,
            created_at: m.at,
            follow_up,
            customers,
        };
        // Logged with it: a reply with evidence answers its author's
        // challenged assumptions here.
        self.log(answer).await
    }

    /// Stores an answer (and its follow-up) in one transaction; `None` if
    /// it was logged before.
    async fn log(&self, answer: NewAnswer) -> anyhow::Result<Option<Logged>> {
        let Some(ids) = self.store.log_answer(&answer).await? else { return Ok(None) };
        metrics::counter!("advocate_answers_logged_total", "via" => answer.via.as_str()).increment(1);
        Ok(Some(Logged { answer_id: ids.answer, classification: answer.classification, follow_up_id: ids.follow_up }))
    }

    /// Applies an edit to a logged reply; false if it was never logged.
    pub async fn edit_thread_reply(
        &self,
        guild_id: u64,
        thread_id: u64,
        message_id: u64,
        text: &str,
    ) -> anyhow::Result<bool> {
        let Ok(text) = check_text(text) else { return Ok(false) };
        self.work
            .retrying("edited reply", text.len(), || async {
                // Only meeting threads hold logged replies: an edit
                // elsewhere (chatter, a link's preview) costs no query.
                if self.meeting_id_in_thread(guild_id, thread_id).await?.is_none() {
                    return Ok(false);
                }
                let settings = self.settings(guild_id).await?;
                let classification = self.patterns_for(&settings).classify(&text);
                let edited =
                    self.store.edit_answer(guild_id, message_id, &text, &classification, self.clock.now()).await?;
                if edited {
                    let customers = self.customers_named(guild_id, &text).await?;
                    self.store.relink_reply(guild_id, message_id, &customers).await?;
                }
                Ok(edited)
            })
            .await
    }

    /// Marks a deleted reply in a meeting thread; other channels' deletions
    /// are none of our business and leave no trace.
    pub async fn delete_thread_reply(&self, guild_id: u64, thread_id: u64, message_id: u64) -> anyhow::Result<bool> {
        self.work
            .retrying("deleted reply", 0, || async {
                if self.meeting_id_in_thread(guild_id, thread_id).await?.is_none() {
                    return Ok(false);
                }
                Ok(self.store.delete_answer(thread_id, message_id, self.clock.now()).await?)
            })
            .await
    }

    /// Logs a reaction added to (or removed from) one of the bot's posts;
    /// reactions on other messages are not stored. A reaction on a bot
    /// message in a channel whose post is sent but not yet recorded waits
    /// for that record (people react within a second of a post).
    #[tracing::instrument(skip_all, fields(guild = r.guild_id, message = r.message_id, added))]
    pub async fn log_reaction(&self, r: &ReactionEvent, added: bool) -> anyhow::Result<()> {
        // A 👍 on chatter costs no write.
        if added && r.on_bot_message == Some(false) {
            return Ok(());
        }
        for _ in 0..RECORD_WAITS {
            let logged = self
                .work
                .retrying("reaction", r.emoji.len(), || async {
                    Ok(match added {
                        true => self.store.reaction_added(r).await?,
                        false => self.store.reaction_removed(r).await?,
                    })
                })
                .await?;
            if logged || r.on_bot_message != Some(true) || !self.store.post_in_flight(r.guild_id, r.channel_id).await? {
                return Ok(());
            }
            tokio::time::sleep(RECORD_WAIT).await;
        }
        Ok(())
    }

    /// Logs a modal answer. A bad field is a [`UserError`] that says what
    /// to fix; nothing is stored then. A retried submission logs nothing.
    #[tracing::instrument(skip_all, fields(guild = a.guild_id, interaction = a.interaction_id))]
    pub async fn log_modal_answer(&self, a: &ModalAnswer) -> anyhow::Result<Option<Logged>> {
        self.work.retrying("answer form", a.text.len(), || self.try_modal_answer(a)).await
    }

    async fn try_modal_answer(&self, a: &ModalAnswer) -> anyhow::Result<Option<Logged>> {
        let text = check_text(&a.text).map_err(UserError)?;
        let impact = Impact::parse(&a.impact).map_err(UserError)?;
        let named: Vec<Segment> = a
            .segments
            .split([',', ' ', ';'])
            .filter(|s| !s.trim().is_empty())
            .map(Segment::parse)
            .collect::<Result<_, _>>()
            .map_err(UserError)?;
        let spec = follow_up::parse(&a.follow_up).map_err(UserError)?;
        let reach = Reach::parse(&a.customers).map_err(UserError)?;
        self.check_target(a.guild_id, a.to).await?;

        let settings = self.settings(a.guild_id).await?;
        if a.anonymous && !settings.anonymous_answers {
            return Err(self.refuse("errors.no_anonymous_answers"));
        }
        let mut classification = self.patterns_for(&settings).classify(&text);
        classification.segments.extend(named);
        classification.segments.sort();
        classification.segments.dedup();
        classification.wants_follow_up |= spec.is_some();
        classification.reach = reach.unwrap_or(classification.reach);
        let customers = self.customers_named(a.guild_id, &text).await?;
        let answer = NewAnswer {
            guild_id: a.guild_id,
            channel_id: a.channel_id,
            user_id: if a.anonymous { ANONYMOUS } else { a.user_id },
            to: a.to,
            via: Via::Modal,
            body: text,
            impact,
            classification,
            message_id: None,
            interaction_id: Some(a.interaction_id),
            created_at: self.clock.now(),
            follow_up: spec.filter(|_| !a.anonymous),
            customers,
        };
        self.log(answer).await
    }

    /// The meeting or post must exist and belong to the guild.
    async fn check_target(&self, guild_id: u64, to: AnswerRef) -> anyhow::Result<()> {
        let owner = match to {
            AnswerRef::Meeting(id) => self.store.meeting(id).await?.map(|m| m.body.guild_id),
            AnswerRef::Post(id) => self.store.post(id).await?.map(|p| p.guild_id),
        };
        if owner != Some(guild_id) {
            return Err(self.refuse("errors.question_closed"));
        }
        Ok(())
    }
}

/// How long a reaction waits for its post's record: 60 s in all.
const RECORD_WAIT: std::time::Duration = std::time::Duration::from_millis(250);
const RECORD_WAITS: usize = 240;

fn truncate(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}
