//! Challenging assumptions: a teammate's reaction asks an answer for its
//! data, once; evidence validates it, a manager may validate or refute it.

use minijinja::context;

use super::{App, UserError};
use domain::answer::{author, check_text};
use domain::challenge::{Challenged, Resolution};
use domain::reaction::ReactionEvent;

impl App {
    /// Challenges the answer a reaction was put on, when it is the guild's
    /// challenge emoji on an answer in a meeting thread not challenged
    /// before: returns it with the question to post in its thread.
    pub async fn challenge(&self, r: &ReactionEvent) -> anyhow::Result<Option<(Challenged, String)>> {
        if r.on_bot_message == Some(true) || self.settings(r.guild_id).await?.challenge_emoji != r.emoji {
            return Ok(None);
        }
        let Some(c) = self.store.challenge_answer(r.guild_id, r.message_id, self.clock.now()).await? else {
            return Ok(None);
        };
        tracing::info!(guild = r.guild_id, answer = c.answer_id, "an answer was challenged for its data");
        let text = self.prompts.texts.render(
            "answers.challenge",
            context! {
                author => author(c.author).map(|id| format!("<@{id}>")),
                id => c.answer_id,
                text => c.body.chars().take(200).collect::<String>(),
            },
        );
        Ok(Some((c, text)))
    }

    /// Validates a challenged answer with evidence: the text must read as
    /// evidence (a link, a number, a ticket, a customer's words).
    pub async fn add_evidence(&self, guild_id: u64, answer_id: i64, evidence: &str) -> anyhow::Result<()> {
        let evidence = check_text(evidence).map_err(UserError)?;
        let settings = self.settings(guild_id).await?;
        if !self.patterns_for(&settings).classify(&evidence).has_evidence {
            return Err(self.refuse("errors.not_evidence_yet"));
        }
        self.resolve(guild_id, answer_id, Resolution::Validated, &evidence).await
    }

    /// Resolves a challenge as a manager would.
    pub async fn resolve(&self, guild_id: u64, answer_id: i64, r: Resolution, note: &str) -> anyhow::Result<()> {
        if !self.store.resolve_challenge(guild_id, answer_id, r, note, self.clock.now()).await? {
            return Err(self.refuse_with("errors.no_open_challenge", minijinja::context! { id => answer_id }));
        }
        tracing::info!(guild = guild_id, answer = answer_id, resolution = r.as_str(), "a challenge was resolved");
        Ok(())
    }
}
