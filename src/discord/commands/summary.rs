//! /summary [week] [channel] — managers only, private.

use serenity::all::{ChannelId, CreateAttachment};

use super::{guild, manager_only, Context, Error};
use crate::app::UserError;
use crate::discord::summary;
use crate::domain::time::IsoWeek;

/// The weekly customer-focus summary, with a chart and the answers as CSV (managers)
#[poise::command(slash_command, guild_only, check = "manager_only")]
pub async fn summary(
    ctx: Context<'_>,
    #[description = "ISO week such as 2026-W47 (default: the last complete week)"]
    #[max_length = 10]
    week: Option<String>,
    #[description = "Only this channel's posts and meetings"] channel: Option<ChannelId>,
) -> Result<(), Error> {
    let week = week.as_deref().map(IsoWeek::parse).transpose().map_err(UserError)?;
    ctx.defer_ephemeral().await?;
    let app = &ctx.data().app;
    let guild = guild(ctx);
    let channel = channel.map(|c| c.get());
    let crate::app::report::Summary { report, chart } = app.summary(guild, week, channel).await?;
    let csv = app.answers_csv(&report).await?;
    let reply = poise::CreateReply::default()
        .embed(summary::embed(&report, &app.prompts.texts, true))
        .attachment(summary::chart_file(chart))
        .attachment(CreateAttachment::bytes(csv, format!("answers-{}.csv", report.week)))
        .ephemeral(true);
    ctx.send(reply).await?;
    Ok(())
}
