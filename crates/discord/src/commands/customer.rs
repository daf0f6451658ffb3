//! /customer show | add | rename | alias | merge | segment | weight
//!
//! Everyone may look a customer up (their public side: stories and open
//! promises); managers keep the records and see scores and accounts.

use minijinja::context;

use super::{guild, is_manager, listing, manager_only, reply_private, Context, Error};
use app::customers::{Added, CustomerQuery};
use domain::customer::{Customer, CustomerField};
use domain::timeline::{Moment, Timeline};

/// Customers listed by `/customer show` without a name.
const LISTED: usize = 40;
/// Stories and promises one card shows.
const ON_CARD: usize = 5;

#[poise::command(
    slash_command,
    guild_only,
    subcommands("show", "add", "rename", "alias", "merge", "segment", "weight"),
    subcommand_required
)]
pub async fn customer(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

/// The guild's customers whose names hold what was typed.
async fn customer_names(ctx: Context<'_>, partial: &str) -> Vec<String> {
    let Some(guild) = ctx.guild_id() else { return vec![] };
    let found = ctx.data().app.customer_choices(guild.get(), partial).await;
    found.map_err(|e| tracing::warn!(error = %format!("{e:#}"), "customer autocomplete failed")).unwrap_or_default()
}

#[poise::command(slash_command, guild_only)]
async fn show(ctx: Context<'_>, #[autocomplete = "customer_names"] name: Option<String>) -> Result<(), Error> {
    ctx.defer_ephemeral().await?; // answered within 3 s whatever the database does
    let (app, guild) = (&ctx.data().app, guild(ctx));
    let manager = is_manager(ctx).await?;
    let texts = &app.prompts.texts;
    let Some(name) = name else {
        let list = app.customer_list(guild, &CustomerQuery::default()).await?;
        if list.is_empty() {
            return reply_private(ctx, texts.text("replies.no_customers")).await;
        }
        let header = texts.render("replies.customer_list", context! { count => list.len() });
        let lines = list.iter().take(LISTED).map(|s| {
            let c = &s.customer;
            texts.render(
                "replies.customer_line",
                context! { name => c.name, segment => c.segment, open => s.open_promises, answers => s.answers,
                detractor => manager && s.detractor_waiting },
            )
        });
        return reply_private(ctx, listing(header, lines, texts.text("replies.more"))).await;
    };
    let customer = app.customer_named(guild, &name).await?;
    let timeline = app
        .customer_timeline(guild, customer.id)
        .await?
        .ok_or_else(|| app.refuse_with("errors.no_such_customer", context! { name }))?;
    reply_private(ctx, card(texts, &timeline, manager)).await
}

/// A customer's card: who they are, their latest stories and open
/// promises; for managers also their account and scores.
fn card(texts: &app::prompts::Texts, t: &Timeline, manager: bool) -> String {
    let (s, c) = (&t.standing, &t.standing.customer);
    let stories: Vec<String> = t
        .moments
        .iter()
        .filter_map(|m| match m {
            Moment::Feedback { title, .. } => Some(domain::text::cut(title, 120)),
            _ => None,
        })
        .take(ON_CARD)
        .collect();
    let open: Vec<String> = t
        .moments
        .iter()
        .filter_map(|m| match m {
            Moment::Promise { promise } if promise.closed_at.is_none() => {
                Some(format!("#{} {}", promise.id, domain::text::cut(&promise.text, 120)))
            }
            _ => None,
        })
        .take(ON_CARD)
        .collect();
    let score = s.last_score.as_ref().map(|l| context! { kind => l.kind, score => l.score.map(|v| app::report::show(Some(&v))), day => l.day.to_string() });
    texts.render(
        "replies.customer_card",
        context! {
            name => c.name, aliases => c.aliases, segment => c.segment, manager,
            weight => c.weight, owner => c.owner_id.map(|o| format!("<@{o}>")), domains => c.domains,
            feedback => s.feedback, answers => s.answers, open_promises => s.open_promises,
            closed_promises => s.closed_promises, told => s.told, score, detractor => s.detractor_waiting,
            last_discussed => s.last_discussed.map(|at| at.to_string()[..10].to_string()),
            stories, open,
        },
    )
}

/// The names of customers, as a list a text can join.
fn names(customers: &[Customer]) -> Vec<&str> {
    customers.iter().map(|c| c.name.as_str()).collect()
}

#[poise::command(slash_command, guild_only, check = "manager_only")]
async fn add(
    ctx: Context<'_>,
    #[max_length = 100] name: String,
    #[max_length = 40] segment: Option<String>,
) -> Result<(), Error> {
    let (app, guild) = (&ctx.data().app, guild(ctx));
    let Added { mut customer, new, look_alikes } = app.add_customer(guild, &name).await?;
    if let Some(segment) = segment {
        customer = app.set_customer(guild, &customer.name, CustomerField::Segment(Some(segment))).await?;
    }
    let reply =
        context! { name => customer.name, segment => customer.segment, new, look_alikes => names(&look_alikes) };
    reply_private(ctx, app.prompts.texts.render("replies.customer_added", reply)).await
}

#[poise::command(slash_command, guild_only, check = "manager_only")]
async fn rename(
    ctx: Context<'_>,
    #[autocomplete = "customer_names"] name: String,
    #[max_length = 100] new_name: String,
) -> Result<(), Error> {
    let app = &ctx.data().app;
    let renamed = app.rename_customer(guild(ctx), &name, &new_name).await?;
    let reply = context! { name => renamed.name, aliases => renamed.aliases };
    reply_private(ctx, app.prompts.texts.render("replies.customer_renamed", reply)).await
}

#[poise::command(slash_command, guild_only, check = "manager_only")]
async fn alias(
    ctx: Context<'_>,
    #[autocomplete = "customer_names"] name: String,
    #[max_length = 100] alias: String,
) -> Result<(), Error> {
    let app = &ctx.data().app;
    let named = app.alias_customer(guild(ctx), &name, &alias).await?;
    let reply = context! { name => named.name, aliases => named.aliases };
    reply_private(ctx, app.prompts.texts.render("replies.customer_aliases", reply)).await
}

#[poise::command(slash_command, guild_only, check = "manager_only")]
async fn merge(
    ctx: Context<'_>,
    #[autocomplete = "customer_names"] from: String,
    #[autocomplete = "customer_names"] into: String,
) -> Result<(), Error> {
    let (app, guild) = (&ctx.data().app, guild(ctx));
    let merged = app.merge_customers(guild, &from, &into).await?;
    tracing::info!(guild, user = %ctx.author().id, customer = merged.id, "customers were merged");
    let reply = context! { from => from.trim(), name => merged.name, aliases => merged.aliases };
    reply_private(ctx, app.prompts.texts.render("replies.customers_merged", reply)).await
}

#[poise::command(slash_command, guild_only, check = "manager_only")]
async fn segment(
    ctx: Context<'_>,
    #[autocomplete = "customer_names"] name: String,
    #[max_length = 40] segment: Option<String>,
) -> Result<(), Error> {
    let app = &ctx.data().app;
    let set = app.set_customer(guild(ctx), &name, CustomerField::Segment(segment)).await?;
    let reply = context! { name => set.name, segment => set.segment };
    reply_private(ctx, app.prompts.texts.render("replies.customer_segment", reply)).await
}

#[poise::command(slash_command, guild_only, check = "manager_only")]
async fn weight(
    ctx: Context<'_>,
    #[autocomplete = "customer_names"] name: String,
    weight: Option<f64>,
) -> Result<(), Error> {
    let app = &ctx.data().app;
    let set = app.set_customer(guild(ctx), &name, CustomerField::Weight(weight)).await?;
    let reply = context! { name => set.name, weight => set.weight };
    reply_private(ctx, app.prompts.texts.render("replies.customer_weight", reply)).await
}
