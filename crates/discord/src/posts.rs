//! Lays out the customer of the day and sends it.

use std::sync::Arc;

use serenity::all::{
    ActionRowComponent, ButtonKind, ChannelId, CreateAllowedMentions, CreateMessage, GetMessages, Http, Message, Nonce,
    RoleId, UserId,
};

use super::answer::{answer_button, button_id};
use super::limits::{self, Embed};
use app::jobs::Outgoing;
use app::posts::RenderedPost;
use app::scheduler::Poster;
use domain::answer::AnswerRef;

pub fn message(p: &RenderedPost) -> CreateMessage {
    let mut content = p.content.clone();
    let mut mentions = CreateAllowedMentions::new();
    if let Some(role) = p.mention_role {
        content = format!("<@&{role}> {content}");
        // That role only: user text in the post can ping nobody else.
        mentions = mentions.roles(vec![RoleId::new(role)]);
    }
    let embed = Embed {
        title: p.title.clone(),
        description: p.story.clone(),
        fields: p.fields.clone(),
        footer: p.footer.clone(),
    }
    .build();
    CreateMessage::new()
        .content(limits::content(&content))
        .embed(embed)
        .components(vec![answer_button(&p.button, AnswerRef::Post(p.post.id), p.anonymous_button.as_deref())])
        .allowed_mentions(mentions)
        .nonce(Nonce::String(p.post.nonce.clone()))
        .enforce_nonce(true)
}

pub struct DiscordPoster {
    pub http: Arc<Http>,
    pub prompts: Arc<app::prompts::Prompts>,
    /// Every request the scheduler makes waits its turn here.
    pub pace: super::pace::Pace,
}

impl Poster for DiscordPoster {
    async fn send(&self, channel: u64, out: &Outgoing) -> anyhow::Result<u64> {
        let message = match out {
            Outgoing::Insight(post) => message(post),
            Outgoing::Summary { summary, nonce } => CreateMessage::new()
                .embed(super::summary::embed(&summary.report, &self.prompts.texts, true))
                .add_file(super::summary::chart_file(summary.chart.clone()))
                .nonce(Nonce::String(nonce.clone()))
                .enforce_nonce(true),
            Outgoing::Reminder { text, owner } => {
                let users: Vec<UserId> = owner.map(UserId::new).into_iter().collect();
                CreateMessage::new()
                    .content(limits::content(text))
                    .allowed_mentions(CreateAllowedMentions::new().users(users))
            }
        };
        self.pace.turn().await;
        let sent = ChannelId::new(channel).send_message(&self.http, message).await;
        sent.map(|m| m.id.get()).map_err(|e| anyhow::anyhow!(super::describe(&e.into())))
    }

    /// Looks through the channel's last 50 messages for the bot's own: a
    /// daily post by its Answer button (the post's id), a summary by its title.
    async fn find(&self, channel: u64, out: &Outgoing) -> anyhow::Result<Option<u64>> {
        let is_it = |m: &Message| match out {
            Outgoing::Insight(post) => {
                let button = button_id(AnswerRef::Post(post.post.id), false);
                m.components.iter().flat_map(|row| &row.components).any(|c| {
                    matches!(c, ActionRowComponent::Button(b) if matches!(&b.data, ButtonKind::NonLink { custom_id, .. } if *custom_id == button))
                })
            }
            Outgoing::Summary { summary, .. } => {
                let title = super::summary::title(&summary.report, &self.prompts.texts);
                m.embeds.iter().any(|e| {
                    e.title.as_deref() == Some(super::limits::cut(&title, super::limits::EMBED_TITLE).as_str())
                })
            }
            Outgoing::Reminder { .. } => false,
        };
        self.pace.turn().await;
        let recent = ChannelId::new(channel).messages(&self.http, GetMessages::new().limit(50)).await;
        let recent = recent.map_err(|e| anyhow::anyhow!(super::describe(&e.into())))?;
        Ok(recent.iter().find(|m| m.author.bot && is_it(m)).map(|m| m.id.get()))
    }
}
