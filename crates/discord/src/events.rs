//! Gateway events other than slash commands.

use serenity::all::{
    AutoArchiveDuration, ChannelId, ChannelType, ComponentInteraction, Context as SerenityContext,
    CreateInteractionResponse, CreateInteractionResponseFollowup, CreateInteractionResponseMessage, CreateThread,
    FullEvent, Interaction, MessageUpdateEvent, ModalInteraction, Permissions, ScheduledEvent, ScheduledEventStatus,
};

use super::arrivals::reply_of;
use super::components::{Button, Component as _, Form};
use super::{answer, commands, evidence, Data, Error};
use app::meetings::NewThread;
use domain::meeting::{Meeting, NewMeeting, Origin};

pub async fn handle(ctx: &SerenityContext, event: &FullEvent, data: &Data) -> Result<(), Error> {
    let app = &data.app;
    match event {
        FullEvent::Ready { data_about_bot } => {
            let guilds = data_about_bot.guilds.len();
            match data.offline {
                true => tracing::info!(guilds, "connected to the fake Discord (offline)"),
                false => tracing::info!(
                    user = %data_about_bot.user.name,
                    guilds,
                    invite = %invite_url(data_about_bot.application.id.get()),
                    "connected to Discord; add the bot to a server with the invite link"
                ),
            }
            metrics::counter!("advocate_gateway_sessions_total").increment(1);
            app.health.set_shard(ctx.shard_id.0, true);
            // A new session: what was said while there was none is read back.
            let guilds = data_about_bot.guilds.iter().map(|g| g.id.get()).collect();
            super::backfill::run(ctx, data, guilds).await;
        }
        FullEvent::Resume { .. } => {
            metrics::counter!("advocate_gateway_resumes_total").increment(1);
            app.health.set_shard(ctx.shard_id.0, true);
        }
        // Unavailable means an outage, not removal: keep the data then.
        FullEvent::GuildDelete { incomplete, .. } if !incomplete.unavailable => {
            app.guild_removed(incomplete.id.get()).await?;
        }
        FullEvent::GuildScheduledEventUpdate { event } if event.status == ScheduledEventStatus::Active => {
            if let Some(meeting) = scheduled_meeting(ctx, data, event).await? {
                super::commands::post_prompt(&ctx.http, app, &meeting).await?;
            }
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
        FullEvent::MessageUpdate { event, .. } => thread_edit(ctx, data, event).await?,
        FullEvent::MessageDelete { channel_id, deleted_message_id, guild_id: Some(guild) } => {
            app.delete_thread_reply(guild.get(), channel_id.get(), deleted_message_id.get()).await?;
        }
        FullEvent::MessageDeleteBulk { channel_id, multiple_deleted_messages_ids, guild_id: Some(guild) } => {
            for message in multiple_deleted_messages_ids {
                app.delete_thread_reply(guild.get(), channel_id.get(), message.get()).await?;
            }
        }
        FullEvent::InteractionCreate { interaction } => {
            let handled = match interaction {
                Interaction::Component(i) => component(ctx, i, data).await,
                Interaction::Modal(i) => modal(ctx, i, data).await,
                _ => Ok(()),
            };
            if let Err(e) = handled {
                apologise(ctx, data, interaction).await;
                return Err(e);
            }
        }
        _ => {}
    }
    Ok(())
}

/// Never leaves a button or form unanswered: apologises privately, handing
/// back what the person wrote, as the response or (after a deferral) as
/// its follow-up.
async fn apologise(ctx: &SerenityContext, data: &Data, interaction: &Interaction) {
    let sorry = data.app.prompts.texts.text("replies.apology");
    let handed_back = match interaction {
        Interaction::Modal(i) => Some(answer::modal_field(i, "text")).filter(|t| !t.is_empty()),
        _ => None,
    };
    let mut response = CreateInteractionResponseMessage::new().content(&sorry).ephemeral(true);
    let mut followup = CreateInteractionResponseFollowup::new().content(&sorry).ephemeral(true);
    if let Some(text) = &handed_back {
        response = response.add_file(answer::your_answer(text));
        followup = followup.add_file(answer::your_answer(text));
    }
    let response = CreateInteractionResponse::Message(response);
    let answered = match interaction {
        Interaction::Component(i) => i.create_response(&ctx.http, response).await,
        Interaction::Modal(i) => i.create_response(&ctx.http, response).await,
        _ => return,
    };
    if answered.is_err() {
        // Deferred already: the follow-up becomes the reply.
        let _ = match interaction {
            Interaction::Component(i) => i.create_followup(&ctx.http, followup).await.map(|_| ()),
            Interaction::Modal(i) => i.create_followup(&ctx.http, followup).await.map(|_| ()),
            _ => Ok(()),
        };
    }
}

/// An edit. Events can arrive out of order: an edit of a reply not seen
/// yet is logged as the reply, and its creation then changes nothing.
async fn thread_edit(ctx: &SerenityContext, data: &Data, e: &MessageUpdateEvent) -> Result<(), Error> {
    let (Some(guild), Some(content)) = (e.guild_id, &e.content) else { return Ok(()) };
    if data.app.edit_thread_reply(guild.get(), e.channel_id.get(), e.id.get(), content).await? {
        return Ok(());
    }
    let Some(author) = &e.author else { return Ok(()) };
    if let Some(reply) = reply_of(ctx, &data.app, guild, e.channel_id, author, e.id, content, e.timestamp) {
        data.app.log_thread_reply(&reply).await?;
    }
    Ok(())
}

/// The link that adds the bot to a server with the permissions it needs.
pub fn invite_url(application_id: u64) -> String {
    let permissions = Permissions::VIEW_CHANNEL
        | Permissions::SEND_MESSAGES
        | Permissions::SEND_MESSAGES_IN_THREADS
        | Permissions::CREATE_PUBLIC_THREADS
        | Permissions::EMBED_LINKS
        | Permissions::ATTACH_FILES
        | Permissions::READ_MESSAGE_HISTORY
        | Permissions::ADD_REACTIONS;
    format!(
        "https://discord.com/oauth2/authorize?client_id={application_id}&scope=bot%20applications.commands&permissions={}",
        permissions.bits()
    )
}

/// A button press, to the one handler of its kind (see `components.rs`).
async fn component(ctx: &SerenityContext, i: &ComponentInteraction, data: &Data) -> Result<(), Error> {
    let Some((button, payload)) = Button::parse(&i.data.custom_id) else {
        tracing::warn!(custom_id = %i.data.custom_id, "a button this version does not know");
        return Ok(());
    };
    match button {
        Button::Answer => answer::button(ctx, i, data, payload).await,
        Button::Evidence => evidence::button(ctx, i, data, payload).await,
        Button::Suggestion => commands::confirm_suggestion(ctx, i, data, payload).await,
        Button::Forget => commands::confirm_forget(ctx, i, data, payload).await,
    }
}

/// A form's submission, to the one handler of its kind.
async fn modal(ctx: &SerenityContext, i: &ModalInteraction, data: &Data) -> Result<(), Error> {
    let Some((form, payload)) = Form::parse(&i.data.custom_id) else {
        tracing::warn!(custom_id = %i.data.custom_id, "a form this version does not know");
        return Ok(());
    };
    match form {
        Form::Answer => answer::submit(ctx, i, data, payload).await,
        Form::Evidence => evidence::submit(ctx, i, data, payload).await,
        Form::NewInsight => commands::submit_suggestion(ctx, i, data, payload).await,
        Form::EditInsight => commands::submit_edit(ctx, i, data, payload).await,
    }
}

/// A scheduled event that became active gets a thread in the guild's
/// first meeting channel, once.
async fn scheduled_meeting(
    ctx: &SerenityContext,
    data: &Data,
    event: &ScheduledEvent,
) -> Result<Option<Meeting>, Error> {
    let app = &data.app;
    let guild = event.guild_id.get();
    let Some(channel) = app.channel_for_event(guild, event.id.get()).await? else { return Ok(None) };
    let name = super::limits::cut(event.name.trim(), super::limits::THREAD_NAME);
    let create = CreateThread::new(name.clone())
        .kind(ChannelType::PublicThread)
        .auto_archive_duration(AutoArchiveDuration::OneDay);
    let thread = ChannelId::new(channel).create_thread(&ctx.http, create).await?;
    let new = NewMeeting {
        guild_id: guild,
        channel_id: channel,
        thread_id: thread.id.get(),
        topic: name,
        segment: None,
        host_id: event.creator_id.map(|u| u.get()),
        origin: Origin::Event,
        event_id: Some(event.id.get()),
    };
    let (meeting, new) = app.open_meeting(&new).await?;
    Ok(new.then_some(meeting))
}
