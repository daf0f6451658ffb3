//! Gateway events other than slash commands.

use serenity::all::{Context as SerenityContext, FullEvent, Interaction, Message};

use super::{answer, Data, Error};
use crate::app::answers::ThreadMessage;
use crate::app::meetings::NewThread;

pub async fn handle(ctx: &SerenityContext, event: &FullEvent, data: &Data) -> Result<(), Error> {
    let app = &data.app;
    match event {
        FullEvent::GuildCreate { guild, .. } => {
            app.settings(guild.id.get()).await?;
        }
        FullEvent::ThreadCreate { thread } => {
            let Some(parent) = thread.parent_id else { return Ok(()) };
            let new = NewThread {
                guild_id: thread.guild_id.get(),
                parent_id: parent.get(),
                thread_id: thread.id.get(),
                name: thread.name.clone(),
                owner_id: thread.owner_id.map(|o| o.get()),
            };
            // Threads the bot opened itself are prompted by their command.
            if new.owner_id == Some(ctx.cache.current_user().id.get()) {
                return Ok(());
            }
            if let Some(meeting) = app.meeting_for_thread(&new).await? {
                super::commands::post_prompt(&ctx.http, app, &meeting).await?;
            }
        }
        FullEvent::Message { new_message } => thread_reply(data, new_message).await?,
        FullEvent::MessageUpdate { event, .. } => {
            if let (Some(guild), Some(content)) = (event.guild_id, &event.content) {
                app.edit_thread_reply(guild.get(), event.id.get(), content).await?;
            }
        }
        FullEvent::MessageDelete { deleted_message_id, .. } => {
            app.delete_thread_reply(deleted_message_id.get()).await?;
        }
        FullEvent::InteractionCreate { interaction } => match interaction {
            Interaction::Component(i) => {
                answer::button(ctx, i, data).await?;
            }
            Interaction::Modal(i) => {
                answer::submit(ctx, i, data).await?;
            }
            _ => {}
        },
        _ => {}
    }
    Ok(())
}

/// Logs a reply in a prompted thread. Bots, the bot itself included, are
/// ignored; so are messages outside meeting threads (never stored).
async fn thread_reply(data: &Data, m: &Message) -> Result<(), Error> {
    let Some(guild) = m.guild_id else { return Ok(()) };
    if m.author.bot || m.content.trim().is_empty() {
        return Ok(());
    }
    let reply = ThreadMessage {
        guild_id: guild.get(),
        thread_id: m.channel_id.get(),
        user_id: m.author.id.get(),
        message_id: m.id.get(),
        text: m.content.clone(),
        at: jiff::Timestamp::from_second(m.timestamp.unix_timestamp()).unwrap_or_else(|_| data.app.clock.now()),
    };
    data.app.log_thread_reply(&reply).await?;
    Ok(())
}
