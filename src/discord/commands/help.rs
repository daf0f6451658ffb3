//! /help: what Advocate does and which commands there are.

use super::{reply_private, Context, Error};

const HELP: &str = "**Advocate keeps the customer in every team conversation.**
• Every morning a *customer of the day* appears in the insight channels; press its button to say how it affects your work.
• In meeting threads I ask *How does this affect customers?* — reply in the thread or press **Answer**. Answers that cite evidence (a link, a ticket, a number, a customer's words) are counted apart from assumptions.

**Meetings**: `/meeting start topic:…` opens a thread and asks · `/meeting ask` asks again here · `/meeting remind` nudges those who have not answered · `/meeting close` posts a recap.
**Insights**: `/insight today` posts one here · `/insight add` suggests one · `/insight list` · managers: `/insight review`, `/insight retire`, `/insight import`.
**Follow-ups**: `/followups` lists yours · `/followup done id:<n>` closes one.
**Managers**: `/summary [week] [channel]` — the week's numbers, a chart and the answers as CSV. Setup: `/setup` (Manage Server).
**Privacy**: `/privacy show` — what is stored about you, with an export · `/privacy forget` — delete it.";

/// What Advocate does and how to use it
#[poise::command(slash_command)]
pub async fn help(ctx: Context<'_>) -> Result<(), Error> {
    let replies = if ctx.data().message_content {
        "Replies in meeting threads are logged as answers."
    } else {
        "This bot runs without Discord's Message Content access: answer with the **Answer** button, or mention me in your reply."
    };
    reply_private(ctx, format!("{HELP}\n{replies}")).await
}
