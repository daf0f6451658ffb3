//! /assumption validate | refute — managers settle a challenged answer.

use super::{guild, manager_only, reply_private, Context, Error};
use domain::challenge::Resolution;

#[poise::command(
    slash_command,
    guild_only,
    subcommands("validate", "refute"),
    subcommand_required,
    default_member_permissions = "MANAGE_GUILD"
)]
pub async fn assumption(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

#[poise::command(slash_command, guild_only, check = "manager_only")]
async fn validate(ctx: Context<'_>, answer: i64, #[max_length = 500] note: String) -> Result<(), Error> {
    settle(ctx, answer, Resolution::Validated, note).await
}

#[poise::command(slash_command, guild_only, check = "manager_only")]
async fn refute(ctx: Context<'_>, answer: i64, #[max_length = 500] note: String) -> Result<(), Error> {
    settle(ctx, answer, Resolution::Refuted, note).await
}

async fn settle(ctx: Context<'_>, answer: i64, resolution: Resolution, note: String) -> Result<(), Error> {
    let app = &ctx.data().app;
    app.resolve(guild(ctx), answer, resolution, note.trim()).await?;
    let settled = minijinja::context! { id => answer, resolution => resolution.as_str() };
    reply_private(ctx, app.prompts.texts.render("answers.settled", settled)).await
}
