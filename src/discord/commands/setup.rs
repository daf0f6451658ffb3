//! /setup show | set | channel — Manage Server only.

use serenity::all::{ChannelId, Permissions};

use super::{guild, reply_private, Context, Error};
use crate::app::UserError;
use crate::domain::settings::ChannelPurpose;
use crate::domain::settings::{GuildSettings, SETTING_NAMES};
use crate::domain::time::weekday_name;

/// Manage Server (or Administrator), from the permissions Discord put in
/// the interaction: checked here, whatever the command's defaults say.
async fn manage_server_only(ctx: Context<'_>) -> Result<bool, Error> {
    let permissions = match ctx {
        poise::Context::Application(a) => a.interaction.member.as_ref().and_then(|m| m.permissions).unwrap_or_default(),
        poise::Context::Prefix(_) => Permissions::empty(),
    };
    if !permissions.intersects(Permissions::MANAGE_GUILD | Permissions::ADMINISTRATOR) {
        return Err(ctx.data().app.refuse("errors.manage_server_only"));
    }
    Ok(true)
}

/// Configure Advocate for this server (Manage Server)
#[poise::command(
    slash_command,
    guild_only,
    subcommands("show", "set", "channel"),
    subcommand_required,
    check = "manage_server_only"
)]
pub async fn setup(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

fn describe(s: &GuildSettings) -> String {
    let channels = |ids: &[u64]| {
        if ids.is_empty() {
            "none".to_string()
        } else {
            ids.iter().map(|c| format!("<#{c}>")).collect::<Vec<_>>().join(" ")
        }
    };
    let role = |r: Option<u64>| r.map_or("none".to_string(), |r| format!("<@&{r}>"));
    let extras: Vec<String> = s.extra_patterns.iter().map(|(k, p)| format!("extra_{}: `{p}`", k.key())).collect();
    format!(
        "**Advocate setup**\n\
         timezone: {}\npost_time: {}\nweekdays_only: {}\ninsight channels: {}\nmeeting channels: {}\n\
         thread_pattern: `{}`\nmanager_role: {}\nmention_role: {}\nsummary_channel: {}\n\
         summary_weekday: {}\nsummary_time: {}\nretention_days: {}\ncatch_up_minutes: {}\n{}\n\
         Change one with `/setup set setting:<name> value:<value>`; channels with `/setup channel`.",
        s.zone,
        s.post_time,
        s.weekdays_only,
        channels(&s.insight_channels),
        channels(&s.meeting_channels),
        s.thread_pattern.as_str(),
        role(s.manager_role),
        role(s.mention_role),
        s.summary_channel.map_or("none".into(), |c| format!("<#{c}>")),
        weekday_name(s.summary_weekday),
        s.summary_time,
        s.retention_days,
        s.catch_up_minutes,
        if extras.is_empty() { "extra patterns: none".into() } else { extras.join("\n") },
    )
}

/// Show every setting
#[poise::command(slash_command, guild_only)]
async fn show(ctx: Context<'_>) -> Result<(), Error> {
    ctx.defer_ephemeral().await?; // answered within 3 s whatever the database does
    let settings = ctx.data().app.settings(guild(ctx)).await?;
    reply_private(ctx, describe(&settings)).await
}

async fn setting_names<'a>(_ctx: Context<'_>, partial: &'a str) -> impl Iterator<Item = &'static str> + 'a {
    SETTING_NAMES.iter().copied().filter(move |n| n.starts_with(partial))
}

/// Change one setting
#[poise::command(slash_command, guild_only)]
async fn set(
    ctx: Context<'_>,
    #[description = "Which setting"]
    #[autocomplete = "setting_names"]
    setting: String,
    #[description = "The new value (none to clear)"]
    #[max_length = 300]
    value: String,
) -> Result<(), Error> {
    ctx.defer_ephemeral().await?; // answered within 3 s whatever the database does
    let app = &ctx.data().app;
    let mut settings = app.settings(guild(ctx)).await?;
    settings.set(setting.trim(), &value).map_err(UserError)?;
    app.save_settings(&settings).await?;
    let saved = minijinja::context! { setting => setting.trim(), value => value.trim() };
    reply_private(ctx, app.prompts.texts.render("replies.setting_saved", saved)).await
}

#[derive(Debug, Clone, Copy, poise::ChoiceParameter)]
enum Purpose {
    #[name = "insight"]
    Insight,
    #[name = "meeting"]
    Meeting,
}

impl From<Purpose> for ChannelPurpose {
    fn from(p: Purpose) -> Self {
        match p {
            Purpose::Insight => ChannelPurpose::Insight,
            Purpose::Meeting => ChannelPurpose::Meeting,
        }
    }
}

/// Add or remove an insight channel or a meeting channel
#[poise::command(slash_command, guild_only)]
async fn channel(
    ctx: Context<'_>,
    #[description = "insight: gets the customer of the day; meeting: its matching threads get the question"]
    purpose: Purpose,
    #[description = "The channel"] channel: ChannelId,
    #[description = "Remove it instead of adding it"] remove: Option<bool>,
) -> Result<(), Error> {
    ctx.defer_ephemeral().await?; // answered within 3 s whatever the database does
    let app = &ctx.data().app;
    let guild = guild(ctx);
    let purpose = ChannelPurpose::from(purpose);
    let add = !remove.unwrap_or(false);
    app.set_channel(guild, channel.get(), purpose, add).await?;
    let set = minijinja::context! { channel => format!("<#{channel}>"), added => add, purpose => purpose.as_str() };
    reply_private(ctx, app.prompts.texts.render("replies.channel_set", set)).await
}
