//! /setup show | set | channel | skip | pause | resume — Manage Server
//! only; /setup api-token — managers.

use std::sync::Arc;

use serenity::all::{ChannelId, Permissions};

use super::{guild, listing, manager_only, reply_private, Context, Error};
use app::{PoolShortfall, UserError};
use domain::api::Scope;
use domain::calendar::{Pause, Skip};
use domain::insight::Segment;
use domain::period::parse_date;
use domain::settings::{ChannelPurpose, GuildSettings, InsightChannel, SETTING_NAMES};
use domain::time::{weekday_name, LocalTime};

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

#[poise::command(
    slash_command,
    guild_only,
    subcommands("show", "set", "channel", "skip", "pause", "resume", "api_token"),
    subcommand_required,
    default_member_permissions = "MANAGE_GUILD"
)]
pub async fn setup(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

fn describe(s: &GuildSettings, short_pools: &[PoolShortfall]) -> String {
    let channels = |ids: &[u64]| {
        if ids.is_empty() {
            "none".to_string()
        } else {
            ids.iter().map(|c| format!("<#{c}>")).collect::<Vec<_>>().join(" ")
        }
    };
    let insight_channels = match s.insight_channels.is_empty() {
        true => "none".to_string(),
        false => s.insight_channels.iter().map(insight_channel).collect::<Vec<_>>().join(" · "),
    };
    let role = |r: Option<u64>| r.map_or("none".to_string(), |r| format!("<@&{r}>"));
    let extras: Vec<String> = s.extra_patterns.iter().map(|(k, p)| format!("extra_{}: `{p}`", k.key())).collect();
    let pause = match s.pause {
        None => "no".to_string(),
        Some(Pause { from, until: Some(until) }) => format!("from {from}; posts resume on {until}"),
        Some(Pause { from, until: None }) => format!("from {from} until /setup resume"),
    };
    let pools: Vec<String> = short_pools
        .iter()
        .map(|p| {
            format!(
                "⚠️ <#{}> has {} insights to show but posts up to {} times in {} days: insights will repeat \
                 (oldest first) unless {} more are added or repeat_window_days is shortened.",
                p.channel_id,
                p.pool,
                p.needed,
                s.repeat_window_days,
                p.needed - p.pool
            )
        })
        .collect();
    format!(
        "**Advocate setup**\n\
         timezone: {}\npost_time: {}\npost_days: {}\ninsight channels: {}\nmeeting channels: {}\n\
         thread_pattern: `{}`\nmanager_role: {}\nmention_role: {}\nsummary_channel: {}\n\
         summary_weekday: {}\nsummary_time: {}\nretention_days: {}\ncatch_up_minutes: {}\n\
         repeat_window_days: {}\ncustomer_wait_days: {}\nanonymous_answers: {}\nchallenge_emoji: {}\nholidays: {}\npaused: {}\nskips: {} (/setup skip list)\n{}\n{}\
         Change one with `/setup set setting:<name> value:<value>`; channels with `/setup channel`; \
         days off with `/setup skip` and `/setup pause`.",
        s.zone,
        s.post_time,
        s.post_days,
        insight_channels,
        channels(&s.meeting_channels),
        s.thread_pattern.as_str(),
        role(s.manager_role),
        role(s.mention_role),
        s.summary_channel.map_or("none".into(), |c| format!("<#{c}>")),
        weekday_name(s.summary_weekday),
        s.summary_time,
        s.retention_days,
        s.catch_up_minutes,
        s.repeat_window_days,
        s.customer_wait_days,
        if s.anonymous_answers { "on" } else { "off" },
        s.challenge_emoji,
        s.holidays.as_deref().unwrap_or("off"),
        pause,
        s.skips.len(),
        if extras.is_empty() { "extra patterns: none".into() } else { extras.join("\n") },
        pools.iter().map(|p| format!("{p}\n")).collect::<String>(),
    )
}

/// `<#1> at 08:30, enterprise and smb only`
fn insight_channel(c: &InsightChannel) -> String {
    let mut text = format!("<#{}>", c.id);
    if let Some(time) = c.time {
        text.push_str(&format!(" at {time}"));
    }
    if !c.segments.is_empty() {
        let names: Vec<&str> = c.segments.iter().map(|s| s.as_str()).collect();
        text.push_str(&format!(", {} only", names.join(" and ")));
    }
    text
}

#[poise::command(slash_command, guild_only, check = "manage_server_only")]
async fn show(ctx: Context<'_>) -> Result<(), Error> {
    ctx.defer_ephemeral().await?; // answered within 3 s whatever the database does
    let app = &ctx.data().app;
    let settings = app.settings(guild(ctx)).await?;
    let short_pools = app.pool_shortfalls(&settings).await?;
    reply_private(ctx, describe(&settings, &short_pools)).await
}

async fn setting_names<'a>(_ctx: Context<'_>, partial: &'a str) -> impl Iterator<Item = &'static str> + 'a {
    SETTING_NAMES.iter().copied().filter(move |n| n.starts_with(partial))
}

#[poise::command(slash_command, guild_only, check = "manage_server_only")]
async fn set(
    ctx: Context<'_>,
    #[autocomplete = "setting_names"] setting: String,
    #[max_length = 300] value: String,
) -> Result<(), Error> {
    ctx.defer_ephemeral().await?; // answered within 3 s whatever the database does
    let app = &ctx.data().app;
    let mut settings = Arc::unwrap_or_clone(app.settings(guild(ctx)).await?);
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

#[poise::command(slash_command, guild_only, check = "manage_server_only")]
async fn channel(
    ctx: Context<'_>,
    purpose: Purpose,
    channel: ChannelId,
    remove: Option<bool>,
    #[max_length = 10] time: Option<String>,
    #[max_length = 200] segments: Option<String>,
) -> Result<(), Error> {
    ctx.defer_ephemeral().await?; // answered within 3 s whatever the database does
    let app = &ctx.data().app;
    let guild = guild(ctx);
    let purpose = ChannelPurpose::from(purpose);
    let add = !remove.unwrap_or(false);
    let tuned = time.is_some() || segments.is_some();
    if tuned && (purpose != ChannelPurpose::Insight || !add) {
        return Err(UserError("time and segments belong to an insight channel being added or changed".into()).into());
    }
    let mut entry = app.settings(guild).await?.insight_channel(channel.get()).cloned();
    let entry = entry.get_or_insert_with(|| InsightChannel::new(channel.get()));
    if let Some(time) = time.as_deref() {
        entry.time = parse_channel_time(time).map_err(UserError)?;
    }
    if let Some(segments) = segments.as_deref() {
        entry.segments = parse_segments(segments).map_err(UserError)?;
    }
    app.set_channel(guild, channel.get(), purpose, add).await?;
    if tuned {
        app.set_insight_channel(guild, entry).await?;
    }
    let set = minijinja::context! {
        channel => format!("<#{channel}>"),
        added => add,
        purpose => purpose.as_str(),
        time => entry.time.map(|t| t.to_string()),
        segments => entry.segments.iter().map(|s| s.as_str().to_string()).collect::<Vec<_>>().join(", "),
    };
    reply_private(ctx, app.prompts.texts.render("replies.channel_set", set)).await
}

fn parse_channel_time(text: &str) -> Result<Option<LocalTime>, String> {
    match text.trim().to_lowercase().as_str() {
        "default" | "none" | "" => Ok(None),
        _ => LocalTime::parse(text).map(Some),
    }
}

fn parse_segments(text: &str) -> Result<Vec<Segment>, String> {
    match text.trim().to_lowercase().as_str() {
        "all" | "none" | "" => Ok(Vec::new()),
        _ => text.split([',', ' ']).filter(|s| !s.trim().is_empty()).map(Segment::parse).collect(),
    }
}

#[poise::command(slash_command, guild_only, subcommands("skip_add", "skip_list", "skip_remove"), subcommand_required)]
async fn skip(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

#[poise::command(slash_command, guild_only, rename = "add", check = "manage_server_only")]
async fn skip_add(
    ctx: Context<'_>,
    #[max_length = 30] days: String,
    #[max_length = 100] reason: Option<String>,
) -> Result<(), Error> {
    ctx.defer_ephemeral().await?;
    let app = &ctx.data().app;
    let (first, last) = Skip::parse_days(&days).map_err(UserError)?;
    let reason = reason.map(|r| r.trim().to_string()).filter(|r| !r.is_empty());
    let skip = Skip { id: 0, first, last, reason };
    let id = app.add_skip(guild(ctx), &skip, ctx.author().id.get()).await?;
    let text = minijinja::context! { id, days => Skip { id, ..skip }.to_string() };
    reply_private(ctx, app.prompts.texts.render("replies.skip_added", text)).await
}

#[poise::command(slash_command, guild_only, rename = "list", check = "manage_server_only")]
async fn skip_list(ctx: Context<'_>) -> Result<(), Error> {
    ctx.defer_ephemeral().await?;
    let settings = ctx.data().app.settings(guild(ctx)).await?;
    if settings.skips.is_empty() {
        return reply_private(ctx, "No skipped days; /setup skip add days:2026-12-24..2027-01-01 adds some.").await;
    }
    let lines = settings.skips.iter().rev().map(|s| format!("#{} {s}", s.id));
    reply_private(ctx, listing("Skipped days, latest first:".into(), lines, "…and older ones.".into())).await
}

#[poise::command(slash_command, guild_only, rename = "remove", check = "manage_server_only")]
async fn skip_remove(ctx: Context<'_>, id: i64) -> Result<(), Error> {
    ctx.defer_ephemeral().await?;
    if !ctx.data().app.remove_skip(guild(ctx), id).await? {
        return Err(UserError(format!("there is no skip #{id} in this server; /setup skip list shows them")).into());
    }
    reply_private(ctx, format!("Skip #{id} is removed: those days get their posts again.")).await
}

#[poise::command(slash_command, guild_only, check = "manage_server_only")]
async fn pause(ctx: Context<'_>, #[max_length = 20] until: Option<String>) -> Result<(), Error> {
    ctx.defer_ephemeral().await?;
    let app = &ctx.data().app;
    let until = until.as_deref().map(parse_date).transpose().map_err(UserError)?;
    let from = app.pause(guild(ctx), until, ctx.author().id.get()).await?.to_string();
    let until = until.map(|day| day.to_string());
    reply_private(ctx, app.prompts.texts.render("replies.paused", minijinja::context! { from, until })).await
}

#[poise::command(slash_command, guild_only, check = "manage_server_only")]
async fn resume(ctx: Context<'_>) -> Result<(), Error> {
    ctx.defer_ephemeral().await?;
    let app = &ctx.data().app;
    app.resume(guild(ctx), ctx.author().id.get()).await?;
    reply_private(ctx, app.prompts.texts.text("replies.resumed")).await
}

#[derive(Debug, Clone, Copy, poise::ChoiceParameter)]
enum TokenScope {
    #[name = "read"]
    Read,
    #[name = "ingest"]
    Ingest,
}

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

#[poise::command(slash_command, guild_only, rename = "create", check = "manager_only")]
async fn token_create(ctx: Context<'_>, #[max_length = 50] name: String, scope: TokenScope) -> Result<(), Error> {
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

#[poise::command(slash_command, guild_only, rename = "revoke", check = "manager_only")]
async fn token_revoke(ctx: Context<'_>, id: i64) -> Result<(), Error> {
    ctx.data().app.revoke_api_token(guild(ctx), id).await?;
    tracing::info!(guild = guild(ctx), user = %ctx.author().id, token = id, "an API token was revoked");
    reply_private(ctx, format!("API token #{id} is revoked: requests with it now get 401.")).await
}
