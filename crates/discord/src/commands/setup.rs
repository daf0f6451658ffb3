//! /setup show | set | channel | skip | pause | resume — Manage Server
//! only; /setup api-token — managers.

use std::sync::Arc;

use serenity::all::{ChannelId, Permissions};

use super::{guild, listing, manager_only, reply_private, Context, Error};
use app::prompts::Texts;
use app::{PoolShortfall, UserError};
use domain::api::Scope;
use domain::calendar::Skip;
use domain::insight::Segment;
use domain::period::parse_date;
use domain::settings::{ChannelPurpose, GuildSettings, InsightChannel, SETTING_NAMES};
use domain::time::{weekday_name, LocalTime};
use minijinja::context;

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

/// `/setup show`: every setting, laid out by `replies.settings`.
fn describe(texts: &Texts, s: &GuildSettings, short_pools: &[PoolShortfall]) -> String {
    let settings = context! {
        zone => s.zone.to_string(),
        post_time => s.post_time.to_string(),
        post_days => s.post_days.to_string(),
        meeting_channels => s.meeting_channels,
        thread_pattern => s.thread_pattern.as_str(),
        manager_role => s.manager_role,
        mention_role => s.mention_role,
        summary_channel => s.summary_channel,
        summary_weekday => weekday_name(s.summary_weekday),
        summary_time => s.summary_time.to_string(),
        retention_days => s.retention_days,
        catch_up_minutes => s.catch_up_minutes,
        repeat_window_days => s.repeat_window_days,
        customer_wait_days => s.customer_wait_days,
        csat_detractor_at => s.csat_detractor_at,
        anonymous_answers => s.anonymous_answers,
        challenge_emoji => s.challenge_emoji,
        holidays => s.holidays,
        skips => s.skips.len(),
    };
    let insight_channels: Vec<_> = s
        .insight_channels
        .iter()
        .map(|c| {
            let segments: Vec<&str> = c.segments.iter().map(|s| s.as_str()).collect();
            context! { id => c.id, time => c.time.map(|t| t.to_string()), segments }
        })
        .collect();
    let pause = s.pause.map(|p| context! { from => p.from.to_string(), until => p.until.map(|d| d.to_string()) });
    let extras: Vec<_> = s.extra_patterns.iter().map(|(k, p)| context! { key => k.key(), pattern => p }).collect();
    let short_pools: Vec<_> = short_pools
        .iter()
        .map(|p| context! { channel => p.channel_id, pool => p.pool, needed => p.needed, missing => p.needed - p.pool })
        .collect();
    texts.render("replies.settings", context! { s => settings, insight_channels, pause, extras, short_pools })
}

#[poise::command(slash_command, guild_only, check = "manage_server_only")]
async fn show(ctx: Context<'_>) -> Result<(), Error> {
    ctx.defer_ephemeral().await?; // answered within 3 s whatever the database does
    let app = &ctx.data().app;
    let settings = app.settings(guild(ctx)).await?;
    let short_pools = app.pool_shortfalls(&settings).await?;
    reply_private(ctx, describe(&ctx.data().app.prompts.texts, &settings, &short_pools)).await
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
        return Err(app.refuse("errors.channel_options_for_insight"));
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
    let app = &ctx.data().app;
    let texts = &app.prompts.texts;
    let settings = app.settings(guild(ctx)).await?;
    if settings.skips.is_empty() {
        return reply_private(ctx, texts.text("replies.no_skips")).await;
    }
    let lines = settings.skips.iter().rev().map(|s| format!("#{} {s}", s.id));
    reply_private(ctx, listing(texts.text("replies.skip_list"), lines, texts.text("replies.skip_list_more"))).await
}

#[poise::command(slash_command, guild_only, rename = "remove", check = "manage_server_only")]
async fn skip_remove(ctx: Context<'_>, id: i64) -> Result<(), Error> {
    ctx.defer_ephemeral().await?;
    let app = &ctx.data().app;
    if !app.remove_skip(guild(ctx), id).await? {
        return Err(app.refuse_with("errors.no_such_skip", minijinja::context! { id }));
    }
    reply_private(ctx, app.prompts.texts.render("replies.skip_removed", minijinja::context! { id })).await
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
    let app = &ctx.data().app;
    let (id, secret) = app.create_api_token(guild(ctx), &name, scope, ctx.author().id.get()).await?;
    tracing::info!(guild = guild(ctx), user = %ctx.author().id, token = id, scope = scope.as_str(), "an API token was created");
    let context = minijinja::context! { id, name => name.trim(), scope => scope.as_str(), secret };
    reply_private(ctx, app.prompts.texts.render("replies.token_created", context)).await
}

#[poise::command(slash_command, guild_only, rename = "list", check = "manager_only")]
async fn token_list(ctx: Context<'_>) -> Result<(), Error> {
    let app = &ctx.data().app;
    let texts = &app.prompts.texts;
    let tokens = app.api_tokens(guild(ctx)).await?;
    if tokens.is_empty() {
        return reply_private(ctx, texts.text("replies.no_tokens")).await;
    }
    let lines = tokens.iter().map(|t| {
        let by = t.created_by.map(|u| format!("<@{u}>"));
        let date = t.created_at.strftime("%Y-%m-%d").to_string();
        let context = minijinja::context! { id => t.id, name => t.name, scope => t.scope.as_str(), by, date };
        texts.render("replies.token_line", context)
    });
    reply_private(ctx, listing(texts.text("replies.token_list"), lines, texts.text("replies.more"))).await
}

#[poise::command(slash_command, guild_only, rename = "revoke", check = "manager_only")]
async fn token_revoke(ctx: Context<'_>, id: i64) -> Result<(), Error> {
    let app = &ctx.data().app;
    app.revoke_api_token(guild(ctx), id).await?;
    tracing::info!(guild = guild(ctx), user = %ctx.author().id, token = id, "an API token was revoked");
    reply_private(ctx, app.prompts.texts.render("replies.token_revoked", minijinja::context! { id })).await
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn setup_show_reads_as_reviewed() {
        let texts = app::prompts::load_from(&app::prompts::Origin::Shipped).unwrap().texts;
        let mut s = GuildSettings::new(1, &domain::settings::Defaults::default());
        s.meeting_channels = vec![5, 6];
        let mut early = InsightChannel::new(7);
        early.time = Some(LocalTime::parse("08:30").unwrap());
        early.segments = vec![Segment::parse("smb").unwrap(), Segment::parse("enterprise").unwrap()];
        s.insight_channels = vec![early, InsightChannel::new(8)];
        s.manager_role = Some(9);
        s.pause = Some(domain::calendar::Pause { from: jiff::civil::date(2026, 12, 1), until: None });
        let shown = describe(&texts, &s, &[PoolShortfall { channel_id: 7, pool: 2, needed: 5 }]);
        insta::assert_snapshot!("setup_show_configured", shown);
        let bare = describe(&texts, &GuildSettings::new(1, &domain::settings::Defaults::default()), &[]);
        insta::assert_snapshot!("setup_show_new_guild", bare);
    }
}
