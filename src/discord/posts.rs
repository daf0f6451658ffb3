//! Lays out the customer of the day and sends it.

use std::sync::Arc;

use serenity::all::{
    ChannelId, CreateAllowedMentions, CreateEmbed, CreateEmbedFooter, CreateMessage, Http, Nonce, RoleId,
};

use super::answer::answer_button;
use crate::app::posts::RenderedPost;
use crate::scheduler::Poster;

/// Embed accent: a calm blue.
const COLOUR: u32 = 0x3b82f6;

pub fn message(p: &RenderedPost) -> CreateMessage {
    let mut content = p.content.clone();
    let mut mentions = CreateAllowedMentions::new();
    if let Some(role) = p.mention_role {
        content = format!("<@&{role}> {content}");
        // That role only: user text in the post can ping nobody else.
        mentions = mentions.roles(vec![RoleId::new(role)]);
    }
    let mut embed = CreateEmbed::new()
        .title(&p.title)
        .description(&p.story)
        .colour(COLOUR)
        .footer(CreateEmbedFooter::new(&p.footer));
    for (name, value) in &p.fields {
        embed = embed.field(name, value, false);
    }
    CreateMessage::new()
        .content(content)
        .embed(embed)
        .components(vec![answer_button(&p.button, &format!("p:{}", p.post.id))])
        .allowed_mentions(mentions)
        .nonce(Nonce::String(p.post.nonce.clone()))
        .enforce_nonce(true)
}

pub struct DiscordPoster(pub Arc<Http>);

impl Poster for DiscordPoster {
    async fn post(&self, post: &RenderedPost) -> anyhow::Result<u64> {
        let sent = ChannelId::new(post.post.channel_id).send_message(&self.0, message(post)).await?;
        Ok(sent.id.get())
    }
}
