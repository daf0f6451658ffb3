//! /help: what Advocate does and which commands there are (the text is
//! `replies.help` in prompts/texts.toml).

use super::{reply_private, Context, Error};

#[poise::command(slash_command)]
pub async fn help(ctx: Context<'_>) -> Result<(), Error> {
    let data = ctx.data();
    let text =
        data.app.prompts.texts.render("replies.help", minijinja::context! { message_content => data.message_content });
    reply_private(ctx, text).await
}
