//! /setup show | set | channel — Manage Server only; /setup api-token —
//! managers.

use serenity::all::{ChannelId, Permissions};

use super::{guild, listing, manager_only, reply_private, Context, Error};
use crate::app::UserError;
use crate::domain::api::Scope;
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

/// Configure Advocate for this server (Manage Server; API tokens: managers)
#[poise::command(slash_command, guild_only, subcommands("show", "set", "channel", "api_token"), subcommand_required)]
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
#[poise::command(slash_command, guild_only, check = "manage_server_only")]
async fn show(ctx: Context<'_>) -> Result<(), Error> {
    ctx.defer_ephemeral().await?; // answered within 3 s whatever the database does
    let settings = ctx.data().app.settings(guild(ctx)).await?;
    reply_private(ctx, describe(&settings)).await
}

async fn setting_names<'a>(_ctx: Context<'_>, partial: &'a str) -> impl Iterator<Item = &'static str> + 'a {
    SETTING_NAMES.iter().copied().filter(move |n| n.starts_with(partial))
}

/// Change one setting
#[poise::command(slash_command, guild_only, check = "manage_server_only")]
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
#[poise::command(slash_command, guild_only, check = "manage_server_only")]
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

#[derive(Debug, Clone, Copy, poise::ChoiceParameter)]
enum TokenScope {
    #[name = "read"]
    Read,
    #[name = "ingest"]
    Ingest,
}

/// Tokens for other tools to use the JSON API (managers)
#[poise::command(
    slash_command,
    guild_only,
    rename = "api-token",
    subcommands("token_create", "token_list", "token_revoke"),
    subcommand_required
)]
async fn api_token(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

/// A new token, shown once: read (summaries, answers…) or ingest (feedback in)
#[poise::command(slash_command, guild_only, rename = "create", check = "manager_only")]
async fn token_create(
    ctx: Context<'_>,
    #[description = "What will use it, e.g. helpdesk"]
    #[max_length = 50]
    name: String,
    #[description = "read: summaries, answers, meetings, follow-ups, insights; ingest: send feedback in"]
    scope: TokenScope,
) -> Result<(), Error> {
    let scope = match scope {
        TokenScope::Read => Scope::Read,
        TokenScope::Ingest => Scope::Ingest,
    };
    let (id, secret) = ctx.data().app.create_api_token(guild(ctx), &name, scope, ctx.author().id.get()).await?;
    tracing::info!(guild = guild(ctx), user = %ctx.author().id, token = id, scope = scope.as_str(), "an API token was created");
    let text = format!(
        "API token #{id} `{}` ({}). Copy it now, it is not shown again:\n`{secret}`\n\
        Send it as `Authorization: Bearer <token>`; /setup api-token revoke id:{id} ends it.",
        name.trim(),
        scope.as_str()
    );
    reply_private(ctx, text).await
}

/// The live tokens of this server
#[poise::command(slash_command, guild_only, rename = "list", check = "manager_only")]
async fn token_list(ctx: Context<'_>) -> Result<(), Error> {
    let tokens = ctx.data().app.api_tokens(guild(ctx)).await?;
    if tokens.is_empty() {
        return reply_private(ctx, "No API tokens; /setup api-token create makes one.").await;
    }
    let lines = tokens.iter().map(|t| {
        let by = t.created_by.map_or("someone forgotten".to_string(), |u| format!("<@{u}>"));
        format!("#{} `{}` {} — made by {by} on {}", t.id, t.name, t.scope.as_str(), t.created_at.strftime("%Y-%m-%d"))
    });
    reply_private(ctx, listing("API tokens:".into(), lines, "…and more.".into())).await
}

/// End a token at once
#[poise::command(slash_command, guild_only, rename = "revoke", check = "manager_only")]
async fn token_revoke(
    ctx: Context<'_>,
    #[description = "The token's number, from /setup api-token list"] id: i64,
) -> Result<(), Error> {
    ctx.data().app.revoke_api_token(guild(ctx), id).await?;
    tracing::info!(guild = guild(ctx), user = %ctx.author().id, token = id, "an API token was revoked");
    reply_private(ctx, format!("API token #{id} is revoked: requests with it now get 401.")).await
}
