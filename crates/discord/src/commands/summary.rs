//! /summary [period] [channel] — managers only, private.

use serenity::all::{ChannelId, CreateAttachment};

use super::{guild, manager_only, Context, Error};
use crate::summary;
use app::UserError;
use domain::period::Period;

#[poise::command(slash_command, guild_only, check = "manager_only", default_member_permissions = "MANAGE_GUILD")]
pub async fn summary(
    ctx: Context<'_>,
    #[max_length = 22] period: Option<String>,
    channel: Option<ChannelId>,
) -> Result<(), Error> {
    let period = period.as_deref().map(Period::parse).transpose().map_err(UserError)?;
    ctx.defer_ephemeral().await?;
    let app = &ctx.data().app;
    let guild = guild(ctx);
    let channel = channel.map(|c| c.get());
    let app::report::Summary { report, chart } = app.summary(guild, period, channel).await?;
    let csv = app.answers_csv(&report.answer_filter()).await?;
    let reply = poise::CreateReply::default()
        .embed(summary::embed(&report, &app.prompts.texts, true))
        .attachment(summary::chart_file(chart))
        .attachment(CreateAttachment::bytes(csv, format!("answers-{}.csv", report.period)))
        .ephemeral(true);
    ctx.send(reply).await?;
    Ok(())
}
