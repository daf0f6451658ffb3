//! /followups [scope] and /followup done id [outcome] [told_customer]

use serenity::all::{ChannelId, CreateMessage, MessageId};

use super::{guild, is_manager, listing, reply_private, Context, Error};
use app::follow_ups::Closing;
use domain::follow_up::FollowUp;

#[derive(Debug, Clone, Copy, poise::ChoiceParameter)]
enum Scope {
    #[name = "mine"]
    Mine,
    #[name = "all"]
    All,
}

fn line(texts: &app::prompts::Texts, f: &FollowUp) -> String {
    let b = &f.body;
    let context = minijinja::context! {
        id => f.id,
        text => b.text.chars().take(150).collect::<String>(),
        owner => b.owner_id.map(|o| format!("<@{o}>")),
        due => b.due_date.map(|d| d.to_string()),
    };
    texts.render("replies.follow_up_line", context)
}

#[poise::command(slash_command, guild_only)]
pub async fn followups(ctx: Context<'_>, scope: Option<Scope>) -> Result<(), Error> {
    ctx.defer_ephemeral().await?; // answered within 3 s whatever the database does
    let all = matches!(scope, Some(Scope::All));
    if all && !is_manager(ctx).await? {
        return Err(ctx.data().app.refuse("errors.all_follow_ups_for_managers"));
    }
    let guild = guild(ctx);
    let owner = (!all).then(|| ctx.author().id.get());
    let list = ctx.data().app.open_follow_ups(guild, owner).await?;
    if list.is_empty() {
        return reply_private(ctx, ctx.data().app.prompts.texts.text("replies.no_follow_ups")).await;
    }
    let texts = &ctx.data().app.prompts.texts;
    let header = texts.render("replies.follow_up_list", minijinja::context! { count => list.len() });
    let lines = list.iter().map(|f| line(texts, f));
    reply_private(ctx, listing(header, lines, texts.text("replies.more"))).await
}

#[poise::command(slash_command, guild_only, subcommands("done"), subcommand_required)]
pub async fn followup(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

#[poise::command(slash_command, guild_only)]
async fn done(
    ctx: Context<'_>,
    id: i64,
    #[max_length = 500] outcome: Option<String>,
    told_customer: Option<bool>,
) -> Result<(), Error> {
    ctx.defer_ephemeral().await?; // answered within 3 s whatever the database does
    let app = &ctx.data().app;
    let manager = is_manager(ctx).await?;
    let closing = Closing { outcome, told_customer };
    let closed = app.complete_follow_up(guild(ctx), id, ctx.author().id.get(), manager, &closing).await?;
    tracing::info!(guild = guild(ctx), user = %ctx.author().id, follow_up = id, "a follow-up was closed");
    let note = crate::limits::content(&closed.note);
    // The note is a courtesy: the follow-up is closed whatever Discord says.
    if let Some(thread) = closed.thread {
        let sent = ChannelId::new(thread).send_message(ctx.http(), CreateMessage::new().content(&note)).await;
        sent.map_err(|e| tracing::warn!(thread, error = %e, "could not post the loop-closed note")).ok();
    }
    if let Some((channel, message)) = closed.post {
        let reply =
            CreateMessage::new().content(&note).reference_message((ChannelId::new(channel), MessageId::new(message)));
        let sent = ChannelId::new(channel).send_message(ctx.http(), reply).await;
        sent.map_err(|e| tracing::warn!(channel, error = %e, "could not reply to the post with the loop-closed note"))
            .ok();
    }
    let text: String = closed.follow_up.body.text.chars().take(200).collect();
    reply_private(ctx, app.prompts.texts.render("replies.follow_up_done", minijinja::context! { id, text })).await
}
