//! Slash commands, one module per family.

mod assumption;
mod customer;
mod dashboard;
mod followup;
mod help;
mod insight;
mod meeting;
mod privacy;
mod setup;
mod summary;

use serenity::all::{ChannelType, GuildId, Member, Permissions};

use app::prompts::Texts;
use app::App;
use domain::access::Standing;

use super::{Context, Data, Error};
pub use insight::{confirm_suggestion, submit_edit, submit_suggestion};
pub use meeting::post_prompt;
pub use privacy::confirm_forget;

/// Every slash command, described in the words of prompts/texts.toml
/// (`[commands]` and `[options]`), which is where Discord's text for them
/// lives.
pub fn all(texts: &Texts) -> Vec<poise::Command<Data, Error>> {
    let mut commands = vec![
        help::help(),
        insight::insight(),
        customer::customer(),
        meeting::meeting(),
        setup::setup(),
        summary::summary(),
        dashboard::dashboard(),
        followup::followups(),
        followup::followup(),
        assumption::assumption(),
        privacy::privacy(),
    ];
    for command in &mut commands {
        describe(command, "", texts);
    }
    commands
}

/// A command's key in the texts: its path joined by `_` (`setup_skip_add`).
fn text_key(parent: &str, name: &str) -> String {
    if parent.is_empty() {
        name.to_string()
    } else {
        format!("{parent}_{name}")
    }
}

/// Gives a command, its options and its subcommands their descriptions.
fn describe(command: &mut poise::Command<Data, Error>, parent: &str, texts: &Texts) {
    let key = text_key(parent, &command.name);
    command.description = Some(texts.text(&format!("commands.{key}")));
    for option in &mut command.parameters {
        option.description = Some(texts.text(&format!("options.{}", text_key(&key, &option.name))));
    }
    for sub in &mut command.subcommands {
        describe(sub, &key, texts);
    }
}

/// The guild a `guild_only` command ran in.
pub fn guild(ctx: Context<'_>) -> u64 {
    ctx.guild_id().expect("commands that need a guild are guild_only").get()
}

/// `header` and as many `lines` as fit in one message (Discord allows
/// 2,000 characters), ending with `more` when some are left out.
pub fn listing(header: String, lines: impl IntoIterator<Item = String>, more: String) -> String {
    const ROOM: usize = 2000;
    let room = ROOM - 1 - more.chars().count();
    let mut used = header.chars().count();
    let mut text = header;
    for line in lines {
        used += 1 + line.chars().count();
        if used > room {
            text.push('\n');
            text.push_str(&more);
            break;
        }
        text.push('\n');
        text.push_str(&line);
    }
    text
}

/// Replies only to the person who ran the command.
pub async fn reply_private(ctx: Context<'_>, text: impl Into<String>) -> Result<(), Error> {
    let text = crate::limits::content(&text.into());
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
    match (ctx, ctx.guild_id()) {
        (poise::Context::Application(a), Some(guild)) => {
            member_is_manager(&ctx.data().app, guild, a.interaction.member.as_deref()).await
        }
        _ => Ok(false),
    }
}

/// The same rule for any interaction's member (buttons and modals too).
pub async fn member_is_manager(app: &App, guild: GuildId, member: Option<&Member>) -> Result<bool, Error> {
    let Some(member) = member else { return Ok(false) };
    let standing = Standing {
        roles: member.roles.iter().map(|r| r.get()).collect(),
        manages_guild: member.permissions.is_some_and(manages_guild),
    };
    app.is_manager(guild.get(), &standing).await
}

/// Permissions that make a manager whatever the manager role.
pub fn manages_guild(permissions: Permissions) -> bool {
    permissions.intersects(Permissions::MANAGE_GUILD | Permissions::ADMINISTRATOR)
}

/// A poise check: refuses non-managers with a message that says why.
pub async fn manager_only(ctx: Context<'_>) -> Result<bool, Error> {
    ctx.defer_ephemeral().await?; // answered within 3 s whatever the database does
    if !is_manager(ctx).await? {
        return Err(ctx.data().app.refuse("errors.managers_only"));
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every key the command tree asks the texts for, commands and options.
    fn keys(command: &poise::Command<Data, Error>, parent: &str, out: &mut Vec<String>) {
        let key = text_key(parent, &command.name);
        out.extend(command.parameters.iter().map(|o| format!("options.{}", text_key(&key, &o.name))));
        for sub in &command.subcommands {
            keys(sub, &key, out);
        }
        out.push(format!("commands.{key}"));
    }

    #[test]
    fn every_command_and_option_has_its_text_and_every_such_text_a_command() {
        let texts = app::prompts::load_from(&app::prompts::Origin::Shipped).unwrap().texts;
        let mut wanted = Vec::new();
        for command in all(&texts) {
            keys(&command, "", &mut wanted);
        }
        let missing: Vec<_> = wanted.iter().filter(|k| !texts.has(k)).collect();
        assert!(missing.is_empty(), "no text in prompts/texts.toml for {missing:?}");
        let spec = app::prompts::texts::keys_in("commands")
            .map(|k| format!("commands.{k}"))
            .chain(app::prompts::texts::keys_in("options").map(|k| format!("options.{k}")));
        let stale: Vec<_> = spec.filter(|k| !wanted.contains(k)).collect();
        assert!(stale.is_empty(), "texts for commands or options that do not exist: {stale:?}");
    }

    #[test]
    fn commands_are_described_from_the_texts() {
        let texts = app::prompts::load_from(&app::prompts::Origin::Shipped).unwrap().texts;
        let commands = all(&texts);
        let setup = commands.iter().find(|c| c.name == "setup").unwrap();
        assert_eq!(setup.description.as_deref(), Some(texts.text("commands.setup").as_str()));
        let skip = setup.subcommands.iter().find(|c| c.name == "skip").unwrap();
        let add = skip.subcommands.iter().find(|c| c.name == "add").unwrap();
        assert_eq!(add.parameters[0].description, Some(texts.text("options.setup_skip_add_days")));
    }
}
