//! /dashboard — managers only, private: a link that signs them in to the
//! web pages.

use super::{guild, manager_only, Context, Error};
use app::access::LINK_TTL;

#[poise::command(slash_command, guild_only, check = "manager_only", default_member_permissions = "MANAGE_GUILD")]
pub async fn dashboard(ctx: Context<'_>) -> Result<(), Error> {
    let app = &ctx.data().app;
    // In <>: Discord shows no preview, whose fetch would use up the link.
    let url = format!("<{}>", app.sign_in_url(guild(ctx), ctx.author().id.get()).await?);
    let text =
        app.prompts.texts.render("replies.dashboard_link", minijinja::context! { url, minutes => LINK_TTL.as_mins() });
    super::reply_private(ctx, text).await
}
