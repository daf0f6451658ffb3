//! /followups [scope] and /followup done id

use super::{is_manager, reply_private, Context, Error};
use crate::domain::follow_up::FollowUp;

#[derive(Debug, Clone, Copy, poise::ChoiceParameter)]
enum Scope {
    #[name = "mine"]
    Mine,
    #[name = "all"]
    All,
}

fn line(f: &FollowUp) -> String {
    let owner = f.body.owner_id.map_or("no owner".to_string(), |o| format!("<@{o}>"));
    let due = f.body.due_date.map_or(String::new(), |d| format!(" · due {d}"));
    format!("#{} {} — {owner}{due}", f.id, f.body.text.chars().take(150).collect::<String>())
}

/// Open follow-ups: yours, or everyone's (managers)
#[poise::command(slash_command, guild_only)]
pub async fn followups(
    ctx: Context<'_>,
    #[description = "mine (default) or all"] scope: Option<Scope>,
) -> Result<(), Error> {
    let all = matches!(scope, Some(Scope::All));
    if all && !is_manager(ctx).await? {
        crate::user_error!("Everyone's follow-ups are for managers; /followups mine shows yours.");
    }
    let guild = ctx.guild_id().expect("guild_only").get();
    let owner = (!all).then(|| ctx.author().id.get());
    let list = ctx.data().app.open_follow_ups(guild, owner).await?;
    if list.is_empty() {
        return reply_private(ctx, ctx.data().app.prompts.texts.text("replies.no_follow_ups")).await;
    }
    let mut text = format!("**{} open follow-up(s)** — close one with `/followup done id:<n>`\n", list.len());
    for f in &list {
        let l = line(f);
        if text.len() + l.len() > 1900 {
            text.push_str("… and more.");
            break;
        }
        text.push_str(&l);
        text.push('\n');
    }
    reply_private(ctx, text).await
}

/// Follow-ups
#[poise::command(slash_command, guild_only, subcommands("done"), subcommand_required)]
pub async fn followup(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

/// Mark a follow-up done
#[poise::command(slash_command, guild_only)]
async fn done(ctx: Context<'_>, #[description = "The follow-up's number"] id: i64) -> Result<(), Error> {
    let guild = ctx.guild_id().expect("guild_only").get();
    let manager = is_manager(ctx).await?;
    let f = ctx.data().app.complete_follow_up(guild, id, ctx.author().id.get(), manager).await?;
    let text: String = f.body.text.chars().take(200).collect();
    reply_private(
        ctx,
        ctx.data().app.prompts.texts.render("replies.follow_up_done", minijinja::context! { id => f.id, text }),
    )
    .await
}
