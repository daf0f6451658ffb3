//! Reads back the replies a lost gateway session missed (see
//! `app::backfill`): each open meeting's thread after its last logged
//! message, oldest first; a reply logged before is skipped by its id.

use std::collections::HashSet;

use serenity::all::{ChannelId, Context as SerenityContext, GetMessages, MessageId};

use super::events::reply_of;
use super::Data;
use crate::app::backfill::{Gap, MAX_MESSAGES};

/// Backfills the session's guilds; logs how many replies were recovered.
pub async fn run(ctx: &SerenityContext, data: &Data, guilds: HashSet<u64>) {
    if !data.message_content {
        return; // without Message Content, history has no text to log
    }
    let gaps = match data.app.gaps(&guilds).await {
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
            let Some(reply) = reply_of(ctx, data, guild, m.channel_id, &m.author, m.id, &m.content, Some(m.timestamp))
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
