//! Reads back the replies a lost gateway session missed (see
//! `app::backfill`): each open meeting's thread after its last logged
//! message, oldest first; a reply logged before is skipped by its id.

use std::collections::HashSet;

use serenity::all::{ChannelId, Context as SerenityContext, GetMessages, MessageId};

use super::arrivals::reply_of;
use super::Data;
use app::backfill::{Gap, Reactions, MAX_MESSAGES};

/// Backfills the session's guilds; logs how much was recovered.
pub async fn run(ctx: &SerenityContext, data: &Data, guilds: HashSet<u64>) {
    // Without Message Content, history has no text to log.
    if data.message_content {
        replies(ctx, data, &guilds).await;
    }
    reactions(ctx, data, &guilds).await;
}

/// Logs the replies missed in each open meeting's thread.
async fn replies(ctx: &SerenityContext, data: &Data, guilds: &HashSet<u64>) {
    let gaps = match data.app.gaps(guilds).await {
        Ok(gaps) => gaps,
        Err(e) => {
            tracing::error!(error = %format!("{e:#}"), "cannot list the threads to read back after reconnecting");
            return;
        }
    };
    let (mut recovered, mut failed) = (0, 0);
    for gap in &gaps {
        match thread(ctx, data, gap).await {
            Ok(n) => recovered += n,
            Err(e) => {
                failed += 1;
                tracing::warn!(thread = gap.thread_id, error = %super::describe(&e), "could not read a thread back");
            }
        }
    }
    tracing::info!(threads = gaps.len(), recovered, failed, "read back the replies missed while disconnected");
}

/// Brings the reactions on the bot's recent messages up to date.
async fn reactions(ctx: &SerenityContext, data: &Data, guilds: &HashSet<u64>) {
    let messages = match data.app.reaction_gaps(guilds).await {
        Ok(messages) => messages,
        Err(e) => {
            tracing::error!(error = %format!("{e:#}"), "cannot list the posts whose reactions to read back");
            return;
        }
    };
    let (mut added, mut removed, mut failed) = (0, 0, 0);
    for m in &messages {
        let synced = match reactions_on(ctx, m).await {
            Ok(seen) => data.app.sync_reactions(m, &seen).await,
            Err(e) => Err(e),
        };
        match synced {
            Ok((a, r)) => (added, removed) = (added + a, removed + r),
            Err(e) => {
                failed += 1;
                tracing::warn!(message = m.message_id, error = %super::describe(&e), "could not read reactions back");
            }
        }
    }
    tracing::info!(messages = messages.len(), added, removed, failed, "read back reactions on the bot's posts");
}

/// Who reacted to a message with what, people only, as Discord shows it.
async fn reactions_on(ctx: &SerenityContext, m: &Reactions) -> anyhow::Result<Vec<(u64, String)>> {
    let message = ChannelId::new(m.channel_id).message(&ctx.http, MessageId::new(m.message_id)).await?;
    let mut seen = Vec::new();
    for r in &message.reactions {
        let emoji = r.reaction_type.to_string();
        let mut after = None;
        for _ in 0..MAX_REACTION_PAGES {
            let users = message.reaction_users(&ctx.http, r.reaction_type.clone(), Some(100), after).await?;
            seen.extend(users.iter().filter(|u| !u.bot).map(|u| (u.id.get(), emoji.clone())));
            match users.last() {
                Some(last) if users.len() == 100 => after = Some(last.id),
                _ => break,
            }
        }
    }
    Ok(seen)
}

/// Pages of 100 people read per emoji.
const MAX_REACTION_PAGES: usize = 10;

/// Logs a thread's replies after the gap's message; how many were new.
async fn thread(ctx: &SerenityContext, data: &Data, gap: &Gap) -> anyhow::Result<usize> {
    let (mut after, mut read, mut logged) = (gap.after_message, 0, 0);
    while read < MAX_MESSAGES {
        let page = GetMessages::new().after(MessageId::new(after)).limit(100);
        let mut messages = ChannelId::new(gap.thread_id).messages(&ctx.http, page).await?;
        if messages.is_empty() {
            break;
        }
        messages.sort_by_key(|m| m.id);
        read += messages.len();
        after = messages.last().expect("not empty").id.get();
        for m in &messages {
            let guild = serenity::all::GuildId::new(gap.guild_id);
            let Some(reply) =
                reply_of(ctx, &data.app, guild, m.channel_id, &m.author, m.id, &m.content, Some(m.timestamp))
            else {
                continue;
            };
            if data.app.log_thread_reply(&reply).await?.is_some() {
                logged += 1;
            }
        }
    }
    Ok(logged)
}
