//! /meeting start | ask | remind | close

use serenity::all::{
    AutoArchiveDuration, ChannelId, ChannelType, CreateAllowedMentions, CreateMessage, CreateThread, Http, UserId,
};

use super::{guild, in_thread, reply_private, Context, Error};
use crate::answer::answer_button;
use crate::limits;
use app::{App, UserError};
use domain::answer::{clean_text, shows_anything, AnswerRef};
use domain::insight::Segment;
use domain::meeting::{Meeting, NewMeeting, Origin};
use minijinja::context;

#[poise::command(slash_command, guild_only, subcommands("start", "ask", "remind", "close"), subcommand_required)]
pub async fn meeting(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

#[poise::command(slash_command, guild_only)]
async fn start(ctx: Context<'_>, #[max_length = 90] topic: String, segment: Option<String>) -> Result<(), Error> {
    ctx.defer_ephemeral().await?;
    let app = &ctx.data().app;
    let topic = limits::cut(&clean_text(&topic), limits::THREAD_NAME);
    if !shows_anything(&topic) {
        return Err(app.refuse("errors.blank_topic"));
    }
    let segment = segment.as_deref().map(Segment::parse).transpose().map_err(UserError)?;
    let here = ctx.channel_id();
    let created = match in_thread(ctx) {
        true => None,
        false => {
            let create = CreateThread::new(&topic)
                .kind(ChannelType::PublicThread)
                .auto_archive_duration(AutoArchiveDuration::OneDay);
            Some(here.create_thread(ctx.http(), create).await?.id)
        }
    };
    let thread = created.unwrap_or(here);
    let new = NewMeeting {
        guild_id: guild(ctx),
        channel_id: here.get(),
        thread_id: thread.get(),
        topic,
        segment: segment.map(|s| s.to_string()),
        host_id: Some(ctx.author().id.get()),
        origin: Origin::Command,
        event_id: None,
    };
    let meeting = match app.open_meeting(&new).await {
        Ok((meeting, _)) => meeting,
        Err(e) => {
            // No orphan thread: nothing refers to it yet, and a retry makes a new one.
            if let Some(thread) = created {
                if let Err(gone) = thread.delete(ctx.http()).await {
                    tracing::warn!(thread = thread.get(), error = %gone, "could not remove the new thread");
                }
            }
            return Err(e);
        }
    };
    // Asked once per meeting; a failed ask is retried by /meeting start in the thread.
    if meeting.prompt_message_id.is_none() {
        if let Err(e) = post_prompt(ctx.http(), app, &meeting).await {
            tracing::warn!(meeting = meeting.id, error = %format!("{e:#}"), "could not post the meeting's question");
            let thread = format!("<#{thread}>");
            return Err(UserError(app.prompts.texts.render("errors.prompt_not_posted", context! { thread })).into());
        }
    }
    reply_private(
        ctx,
        app.prompts.texts.render("replies.meeting_opened", context! { thread => format!("<#{thread}>") }),
    )
    .await
}

/// Posts the meeting's question with its Answer button and records it.
pub async fn post_prompt(http: &Http, app: &App, meeting: &Meeting) -> Result<(), Error> {
    let texts = &app.prompts.texts;
    let anonymous = app.settings(meeting.body.guild_id).await?.anonymous_answers;
    let anonymous = anonymous.then(|| texts.text("answer_modal.anonymous_button"));
    let buttons = answer_button(&texts.text("meeting.button"), AnswerRef::Meeting(meeting.id), anonymous.as_deref());
    let message = CreateMessage::new().content(limits::content(&app.prompt_text(meeting))).components(vec![buttons]);
    let posted = ChannelId::new(meeting.body.thread_id).send_message(http, message).await?;
    app.record_prompt(meeting.id, posted.id.get()).await
}

async fn meeting_here(ctx: Context<'_>) -> Result<Option<Meeting>, Error> {
    let guild = guild(ctx);
    ctx.data().app.meeting_in_thread(guild, ctx.channel_id().get()).await
}

#[poise::command(slash_command, guild_only)]
async fn ask(ctx: Context<'_>) -> Result<(), Error> {
    if !in_thread(ctx) {
        return Err(ctx.data().app.refuse("errors.ask_outside_thread"));
    }
    ctx.defer_ephemeral().await?;
    let meeting = match meeting_here(ctx).await? {
        Some(m) => m,
        None => {
            let name = ctx.guild_channel().await.map(|c| c.name).unwrap_or_else(|| "meeting".into());
            let new = NewMeeting {
                guild_id: guild(ctx),
                channel_id: ctx.channel_id().get(),
                thread_id: ctx.channel_id().get(),
                topic: name,
                segment: None,
                host_id: Some(ctx.author().id.get()),
                origin: Origin::Command,
                event_id: None,
            };
            ctx.data().app.open_meeting(&new).await?.0
        }
    };
    post_prompt(ctx.http(), &ctx.data().app, &meeting).await?;
    reply_private(ctx, ctx.data().app.prompts.texts.text("replies.asked_again")).await
}

#[poise::command(slash_command, guild_only)]
async fn remind(ctx: Context<'_>) -> Result<(), Error> {
    let Some(meeting) = meeting_here(ctx).await? else {
        return Err(ctx.data().app.refuse("errors.not_a_meeting_thread"));
    };
    ctx.defer_ephemeral().await?;
    let app = &ctx.data().app;
    let bot = ctx.framework().bot_id.get();
    let members = ctx.channel_id().get_thread_members(ctx.http()).await?;
    let people: Vec<u64> = members.into_iter().map(|m| m.user_id.get()).filter(|u| *u != bot).collect();
    let missing: Vec<UserId> = app.not_answered(meeting.id, people).await?.into_iter().map(UserId::new).collect();
    if missing.is_empty() {
        return reply_private(ctx, app.prompts.texts.text("replies.everyone_answered")).await;
    }
    let mentions: Vec<String> = missing.iter().map(|u| format!("<@{u}>")).collect();
    let text = app.prompts.texts.render(
        "meeting.reminder",
        minijinja::context! { mentions => mentions.join(" "), topic => meeting.body.topic },
    );
    // Only the people who have not answered are pinged, nobody else.
    let message = CreateMessage::new()
        .content(limits::content(&text))
        .allowed_mentions(CreateAllowedMentions::new().users(missing.clone()));
    ctx.channel_id().send_message(ctx.http(), message).await?;
    reply_private(ctx, app.prompts.texts.render("replies.reminded", minijinja::context! { count => missing.len() }))
        .await
}

#[poise::command(slash_command, guild_only)]
async fn close(ctx: Context<'_>) -> Result<(), Error> {
    ctx.defer_ephemeral().await?;
    let Some(recap) = ctx.data().app.close_meeting(guild(ctx), ctx.channel_id().get()).await? else {
        return Err(ctx.data().app.refuse("errors.no_open_meeting"));
    };
    ctx.channel_id().send_message(ctx.http(), CreateMessage::new().content(limits::content(&recap))).await?;
    reply_private(ctx, ctx.data().app.prompts.texts.text("replies.meeting_closed")).await
}
