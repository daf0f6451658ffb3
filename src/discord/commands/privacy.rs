//! /privacy show | forget — what Advocate stores about you, and deleting it.

use serenity::all::{
    ButtonStyle, ComponentInteraction, Context as SerenityContext, CreateActionRow, CreateAttachment, CreateButton,
    CreateInteractionResponse, CreateInteractionResponseMessage,
};

use super::{Context, Error};
use crate::discord::Data;

const FORGET_PREFIX: &str = "privacy-forget:";

/// What Advocate stores about you, and deleting it
#[poise::command(slash_command, guild_only, subcommands("show", "forget"), subcommand_required)]
pub async fn privacy(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

/// Show what is stored about you here, with a JSON export
#[poise::command(slash_command, guild_only)]
async fn show(ctx: Context<'_>) -> Result<(), Error> {
    ctx.defer_ephemeral().await?;
    let guild = ctx.guild_id().expect("guild_only").get();
    let data = ctx.data().app.personal_data(guild, ctx.author().id.get()).await?;
    let text = format!(
        "**What Advocate stores about you in this server**\n\
         {} answers (their text, impact, segments, when) · {} reactions on the bot's posts · \
         {} follow-ups you own · {} you created · {} meetings you hosted · {} insights you added.\n\
         Nothing else: messages outside prompted threads are never stored. The full export is attached; \
         `/privacy forget` deletes your answers, reactions and follow-ups.",
        data.answers.len(),
        data.reactions.len(),
        data.follow_ups_owned.len(),
        data.follow_ups_created.len(),
        data.meetings_hosted,
        data.insights_added
    );
    let json = serde_json::to_vec_pretty(&data)?;
    let reply = poise::CreateReply::default()
        .content(text)
        .attachment(CreateAttachment::bytes(json, "advocate-my-data.json"))
        .ephemeral(true);
    ctx.send(reply).await?;
    Ok(())
}

/// Delete your answers, reactions and follow-ups here (asks to confirm)
#[poise::command(slash_command, guild_only)]
async fn forget(ctx: Context<'_>) -> Result<(), Error> {
    let texts = &ctx.data().app.prompts.texts;
    let confirm = CreateButton::new(format!("{FORGET_PREFIX}{}", ctx.author().id))
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
pub async fn confirm_forget(ctx: &SerenityContext, i: &ComponentInteraction, data: &Data) -> Result<bool, Error> {
    let Some(user) = i.data.custom_id.strip_prefix(FORGET_PREFIX) else { return Ok(false) };
    let text = match (i.guild_id, user == i.user.id.to_string()) {
        (Some(guild), true) => {
            let gone = data.app.forget_person(guild.get(), i.user.id.get()).await?;
            let context = minijinja::context! { answers => gone.answers, reactions => gone.reactions, follow_ups => gone.follow_ups };
            data.app.prompts.texts.render("replies.forgotten", context)
        }
        _ => "Only the person who asked can confirm this.".to_string(),
    };
    let update = CreateInteractionResponseMessage::new().content(text).components(vec![]);
    i.create_response(&ctx.http, CreateInteractionResponse::UpdateMessage(update)).await?;
    Ok(true)
}
