//! Slash commands, one module per family.

mod help;
mod meeting;

use serenity::all::{ChannelType, Permissions};

use super::{Context, Data, Error};
pub use meeting::post_prompt;

pub fn all() -> Vec<poise::Command<Data, Error>> {
    vec![help::help(), meeting::meeting()]
}

/// Replies only to the person who ran the command.
pub async fn reply_private(ctx: Context<'_>, text: impl Into<String>) -> Result<(), Error> {
    ctx.send(poise::CreateReply::default().content(text).ephemeral(true)).await?;
    Ok(())
}

/// The kind of channel the command ran in, as Discord reported it.
pub fn channel_kind(ctx: Context<'_>) -> Option<ChannelType> {
    match ctx {
        poise::Context::Application(a) => a.interaction.channel.as_ref().map(|c| c.kind),
        poise::Context::Prefix(_) => None,
    }
}

pub fn in_thread(ctx: Context<'_>) -> bool {
    matches!(channel_kind(ctx), Some(ChannelType::PublicThread | ChannelType::PrivateThread))
}

/// Managers are the guild's manager role or anyone with Manage Server.
/// Checked here, not only through Discord's default permissions, which a
/// server admin can change.
pub async fn is_manager(ctx: Context<'_>) -> Result<bool, Error> {
    let Some(guild) = ctx.guild_id() else { return Ok(false) };
    let (roles, permissions) = match ctx {
        poise::Context::Application(a) => match &a.interaction.member {
            Some(m) => (m.roles.clone(), m.permissions.unwrap_or_default()),
            None => return Ok(false),
        },
        poise::Context::Prefix(_) => return Ok(false),
    };
    if permissions.contains(Permissions::MANAGE_GUILD) || permissions.contains(Permissions::ADMINISTRATOR) {
        return Ok(true);
    }
    let settings = ctx.data().app.settings(guild.get()).await?;
    Ok(settings.manager_role.is_some_and(|r| roles.iter().any(|role| role.get() == r)))
}

/// A poise check: refuses non-managers with a message that says why.
pub async fn manager_only(ctx: Context<'_>) -> Result<bool, Error> {
    if is_manager(ctx).await? {
        return Ok(true);
    }
    reply_private(ctx, "This command is for managers: the server's manager role (see /setup) or Manage Server.").await?;
    Ok(false)
}
