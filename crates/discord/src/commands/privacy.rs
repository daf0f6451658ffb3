//! /privacy show | forget — what Advocate stores about you, and deleting it.

use serenity::all::{
    ButtonStyle, ComponentInteraction, Context as SerenityContext, CreateActionRow, CreateAttachment, CreateButton,
    EditInteractionResponse,
};

use super::{guild, Context, Error};
use crate::components::{Button, Component as _};
use crate::Data;

#[poise::command(slash_command, guild_only, subcommands("show", "forget"), subcommand_required)]
pub async fn privacy(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

#[poise::command(slash_command, guild_only)]
async fn show(ctx: Context<'_>) -> Result<(), Error> {
    ctx.defer_ephemeral().await?;
    let guild = guild(ctx);
    let data = ctx.data().app.personal_data(guild, ctx.author().id.get()).await?;
    let anonymous_answers = ctx.data().app.settings(guild).await?.anonymous_answers;
    let counts = minijinja::context! {
        anonymous_answers,
        answers => data.answers.len(),
        reactions => data.reactions.len(),
        owned => data.follow_ups_owned.len(),
        created => data.follow_ups_created.len(),
        hosted => data.meetings_hosted,
        added => data.insights_added,
    };
    let text = ctx.data().app.prompts.texts.render("replies.privacy_show", counts);
    let json = serde_json::to_vec_pretty(&data)?;
    let reply = poise::CreateReply::default()
        .content(text)
        .attachment(CreateAttachment::bytes(json, "advocate-my-data.json"))
        .ephemeral(true);
    ctx.send(reply).await?;
    Ok(())
}

#[poise::command(slash_command, guild_only)]
async fn forget(ctx: Context<'_>) -> Result<(), Error> {
    let texts = &ctx.data().app.prompts.texts;
    let confirm = CreateButton::new(Button::Forget.id(&ctx.author().id.to_string()))
        .label(texts.text("replies.forget_button"))
        .style(ButtonStyle::Danger);
    let reply = poise::CreateReply::default()
        .content(texts.text("replies.forget_confirm"))
        .components(vec![CreateActionRow::Buttons(vec![confirm])])
        .ephemeral(true);
    ctx.send(reply).await?;
    Ok(())
}

/// The confirmation button: only the person who asked can press it.
pub async fn confirm_forget(
    ctx: &SerenityContext,
    i: &ComponentInteraction,
    data: &Data,
    user: &str,
) -> Result<(), Error> {
    i.defer(&ctx.http).await?; // answered within 3 s whatever the database does
    let text = match (i.guild_id, user == i.user.id.to_string()) {
        (Some(guild), true) => {
            let gone = data.app.forget_person(guild.get(), i.user.id.get()).await?;
            let context = minijinja::context! { answers => gone.answers, reactions => gone.reactions, follow_ups => gone.follow_ups };
            data.app.prompts.texts.render("replies.forgotten", context)
        }
        _ => data.app.prompts.texts.text("errors.not_the_asker"),
    };
    i.edit_response(&ctx.http, EditInteractionResponse::new().content(text).components(vec![])).await?;
    Ok(())
}
