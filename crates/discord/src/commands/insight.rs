//! /insight today | add | edit | list | review | retire | import

use serenity::all::{
    ButtonStyle, ChannelId, ComponentInteraction, Context as SerenityContext, CreateActionRow, CreateButton,
    CreateInputText, CreateInteractionResponse, CreateMessage, CreateModal, EditInteractionResponse, InputTextStyle,
    ModalInteraction, UserId,
};

use super::{guild, is_manager, listing, manager_only, member_is_manager, reply_private, Context, Error};
use crate::answer::modal_field;
use crate::components::{Button, Component as _, Form};
use crate::posts;
use crate::Data;
use app::import::ImportOptions;
use app::insights::{InsightFilter, Suggested, Suggestion};
use app::UserError;
use domain::insight::{EvidenceSource, Insight, InsightStatus, Segment, LIMITS};

/// The largest feedback file `/insight import` takes.
const MAX_IMPORT_BYTES: u32 = 2 * 1024 * 1024;

#[poise::command(
    slash_command,
    guild_only,
    subcommands("today", "add", "edit", "list", "review", "retire", "import"),
    subcommand_required
)]
pub async fn insight(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

#[poise::command(slash_command, guild_only)]
async fn today(ctx: Context<'_>) -> Result<(), Error> {
    ctx.defer_ephemeral().await?;
    let app = &ctx.data().app;
    let guild = guild(ctx);
    let Some(post) = app.claim_manual_post(guild, ctx.channel_id().get()).await? else {
        return Err(app.refuse("errors.no_live_insight"));
    };
    let rendered = app.render_post(&post).await?;
    let sent = ctx.channel_id().send_message(ctx.http(), posts::message(&rendered)).await?;
    app.mark_posted(post.id, sent.id.get(), app.clock.now()).await?;
    reply_private(ctx, app.prompts.texts.text("replies.insight_posted")).await
}

#[derive(Debug, Clone, Copy, poise::ChoiceParameter)]
enum Source {
    #[name = "customer interview"]
    Interview,
    #[name = "support ticket"]
    SupportTicket,
    #[name = "NPS survey"]
    NpsSurvey,
    #[name = "churn"]
    Churn,
    #[name = "usage data"]
    UsageData,
    #[name = "sales call"]
    SalesCall,
}

impl From<Source> for EvidenceSource {
    fn from(s: Source) -> Self {
        match s {
            Source::Interview => EvidenceSource::Interview,
            Source::SupportTicket => EvidenceSource::SupportTicket,
            Source::NpsSurvey => EvidenceSource::NpsSurvey,
            Source::Churn => EvidenceSource::Churn,
            Source::UsageData => EvidenceSource::UsageData,
            Source::SalesCall => EvidenceSource::SalesCall,
        }
    }
}

#[poise::command(slash_command, guild_only)]
async fn add(ctx: Context<'_>, source: Source, #[max_length = 40] segment: String) -> Result<(), Error> {
    domain::insight::Segment::parse(&segment).map_err(UserError)?;
    let texts = &ctx.data().app.prompts.texts;
    let input = |id: &str, style: InputTextStyle| {
        let label = texts.text(&format!("suggestion_form.{id}_label"));
        CreateActionRow::InputText(CreateInputText::new(style, label, id).max_length(field_limit(id)).required(true))
    };
    let id = Form::NewInsight.id(&format!("{}:{}", EvidenceSource::from(source).as_str(), segment.trim()));
    let modal = CreateModal::new(id, texts.text("suggestion_form.title")).components(vec![
        input("title", InputTextStyle::Short),
        input("customer", InputTextStyle::Short),
        input("story", InputTextStyle::Paragraph),
        input("evidence", InputTextStyle::Paragraph),
        input("question", InputTextStyle::Short),
    ]);
    let poise::Context::Application(a) = ctx else { return Ok(()) };
    a.interaction.create_response(ctx.http(), CreateInteractionResponse::Modal(modal)).await?;
    Ok(())
}

#[poise::command(slash_command, guild_only)]
async fn edit(
    ctx: Context<'_>,
    id: i64,
    source: Option<Source>,
    #[max_length = 40] segment: Option<String>,
) -> Result<(), Error> {
    let app = &ctx.data().app;
    // Not the deferring `manager_only` check: a form must be the first answer.
    if !is_manager(ctx).await? {
        return Err(app.refuse("errors.managers_only"));
    }
    let Some(insight) = app.visible_insight(guild(ctx), id).await? else {
        return Err(app.refuse_with("errors.no_such_insight", minijinja::context! { id }));
    };
    let segment = match segment {
        Some(s) => Segment::parse(&s).map_err(UserError)?,
        None => insight.body.segment.clone(),
    };
    let source = source.map_or(insight.body.source, EvidenceSource::from);
    let b = &insight.body;
    let filled = [
        ("title", &b.title, InputTextStyle::Short),
        ("customer", &b.customer, InputTextStyle::Short),
        ("story", &b.story, InputTextStyle::Paragraph),
        ("evidence", &b.evidence, InputTextStyle::Paragraph),
        ("question", &b.question, InputTextStyle::Short),
    ];
    let texts = &app.prompts.texts;
    let rows = filled.into_iter().map(|(field, value, style)| {
        let label = texts.text(&format!("suggestion_form.{field}_label"));
        let input = CreateInputText::new(style, label, field).max_length(field_limit(field)).required(true);
        CreateActionRow::InputText(input.value(value.as_str()))
    });
    let form_id = Form::EditInsight.id(&format!("{id}:{}:{}", source.as_str(), segment.as_str()));
    let modal = CreateModal::new(form_id, texts.render("replies.edit_form_title", minijinja::context! { id }))
        .components(rows.collect());
    let poise::Context::Application(a) = ctx else { return Ok(()) };
    a.interaction.create_response(ctx.http(), CreateInteractionResponse::Modal(modal)).await?;
    Ok(())
}

/// The edit form's submission: managers only, checked again here.
pub async fn submit_edit(ctx: &SerenityContext, i: &ModalInteraction, data: &Data, rest: &str) -> Result<(), Error> {
    let Some(guild) = i.guild_id else { return Ok(()) };
    i.defer_ephemeral(&ctx.http).await?; // answered within 3 s whatever the database does
    let app = &data.app;
    let mut parts = rest.splitn(3, ':');
    let (Some(id), Some(source), Some(segment)) = (parts.next(), parts.next(), parts.next()) else { return Ok(()) };
    let Ok(id) = id.parse::<i64>() else { return Ok(()) };
    let text = if !member_is_manager(app, guild, i.member.as_ref()).await? {
        app.prompts.texts.text("errors.managers_only")
    } else {
        match app.edit_insight(guild.get(), id, &form_suggestion(i, source, segment), i.user.id.get()).await {
            Ok(now) => {
                tracing::info!(guild = %guild, user = %i.user.id, insight = id, "an insight was edited");
                app.prompts.texts.render("replies.insight_edited", minijinja::context! { id, now })
            }
            Err(e) => not_saved(&app.prompts.texts, e)?,
        }
    };
    i.edit_response(&ctx.http, EditInteractionResponse::new().content(text)).await?;
    Ok(())
}

/// What an insight form (add or edit) holds, with the source and segment
/// its command chose.
fn form_suggestion(i: &ModalInteraction, source: &str, segment: &str) -> Suggestion {
    let field = |id: &str| modal_field(i, id);
    Suggestion {
        title: field("title"),
        customer: field("customer"),
        segment: segment.into(),
        story: field("story"),
        evidence: field("evidence"),
        source: source.into(),
        question: field("question"),
    }
}

/// Why a form was not saved, for its author; an error that is not the
/// author's to fix goes on as an error.
fn not_saved(texts: &app::prompts::Texts, e: anyhow::Error) -> Result<String, Error> {
    match app::user_message(&e) {
        Some(problem) => Ok(texts.render("errors.suggestion_not_saved", minijinja::context! { problem })),
        None => Err(e),
    }
}

/// The longest a form field may be: the insight's own limit.
fn field_limit(field: &str) -> u16 {
    LIMITS.iter().find(|(n, _)| *n == field).map_or(1000, |(_, max)| *max as u16)
}

/// The suggestion form's submission.
pub async fn submit_suggestion(
    ctx: &SerenityContext,
    i: &ModalInteraction,
    data: &Data,
    rest: &str,
) -> Result<(), Error> {
    let Some(guild) = i.guild_id else { return Ok(()) };
    i.defer_ephemeral(&ctx.http).await?; // answered within 3 s whatever the database does
    let (source, segment) = rest.split_once(':').unwrap_or((rest, ""));
    let s = form_suggestion(i, source, segment);
    let manager = member_is_manager(&data.app, guild, i.member.as_ref()).await?;
    let texts = &data.app.prompts.texts;
    let reply = match data.app.suggest_insight(guild.get(), i.user.id.get(), manager, &s).await {
        Ok(Suggested::Saved(insight)) => EditInteractionResponse::new().content(saved(texts, &insight)),
        Ok(Suggested::LooksLike { draft, look_alikes }) => look_alikes_reply(texts, &draft, &look_alikes),
        Err(e) => EditInteractionResponse::new().content(not_saved(texts, e)?),
    };
    i.edit_response(&ctx.http, reply).await?;
    Ok(())
}

/// "Insight #12 is live…" or "…waiting for a manager's review".
fn saved(texts: &app::prompts::Texts, insight: &Insight) -> String {
    let key = match insight.status {
        InsightStatus::Live => "replies.suggestion_live",
        _ => "replies.suggestion_pending",
    };
    texts.render(key, minijinja::context! { id => insight.id })
}

/// The insights a suggestion looks like, with buttons to save it anyway
/// or drop it.
fn look_alikes_reply(texts: &app::prompts::Texts, draft: &str, look_alikes: &[Insight]) -> EditInteractionResponse {
    let lines = look_alikes.iter().map(|i| {
        let b = &i.body;
        let context = minijinja::context! { id => i.id, title => b.title, customer => b.customer, segment => b.segment.as_str(), status => i.status.as_str() };
        texts.render("replies.insight_line", context)
    });
    let text = listing(texts.text("replies.look_alikes"), lines, texts.text("replies.more"));
    let button = |action: &str, style| {
        CreateButton::new(Button::Suggestion.id(&format!("{action}:{draft}")))
            .label(texts.text(&format!("replies.draft_{action}")))
            .style(style)
    };
    let buttons = vec![button("save", ButtonStyle::Primary), button("drop", ButtonStyle::Secondary)];
    EditInteractionResponse::new().content(text).components(vec![CreateActionRow::Buttons(buttons)])
}

/// The buttons under a suggestion with look-alikes: only its author's press counts.
pub async fn confirm_suggestion(
    ctx: &SerenityContext,
    i: &ComponentInteraction,
    data: &Data,
    rest: &str,
) -> Result<(), Error> {
    i.defer(&ctx.http).await?; // answered within 3 s whatever the database does
    let app = &data.app;
    let by = i.user.id.get();
    let text = match rest.split_once(':') {
        Some(("save", draft)) => match app.confirm_suggestion(draft, by).await {
            Ok(insight) => saved(&app.prompts.texts, &insight),
            Err(e) => match app::user_message(&e) {
                Some(problem) => problem.to_string(),
                None => return Err(e),
            },
        },
        Some(("drop", draft)) => {
            app.drop_suggestion(draft, by);
            app.prompts.texts.text("replies.draft_dropped")
        }
        _ => return Ok(()),
    };
    i.edit_response(&ctx.http, EditInteractionResponse::new().content(text).components(vec![])).await?;
    Ok(())
}

#[derive(Debug, Clone, Copy, poise::ChoiceParameter)]
enum Status {
    #[name = "live"]
    Live,
    #[name = "pending review"]
    Pending,
    #[name = "rejected"]
    Rejected,
}

#[poise::command(slash_command, guild_only)]
async fn list(
    ctx: Context<'_>,
    #[max_length = 40] segment: Option<String>,
    source: Option<Source>,
    status: Option<Status>,
    #[min = 1] page: Option<u32>,
) -> Result<(), Error> {
    ctx.defer_ephemeral().await?; // answered within 3 s whatever the database does
    let app = &ctx.data().app;
    let texts = &app.prompts.texts;
    let filter = InsightFilter {
        status: status.map(|s| match s {
            Status::Live => InsightStatus::Live,
            Status::Pending => InsightStatus::Pending,
            Status::Rejected => InsightStatus::Rejected,
        }),
        segment: segment.as_deref().map(Segment::parse).transpose().map_err(UserError)?,
        source: source.map(EvidenceSource::from),
    };
    let found = app.insight_page(guild(ctx), &filter, page.unwrap_or(1) as usize).await?;
    let header = texts.render(
        "replies.insight_list",
        minijinja::context! { own => found.own, library => found.library, page => found.page, pages => found.pages },
    );
    let lines = found.insights.iter().map(|i| {
        let b = &i.body;
        let context = minijinja::context! { id => i.id, title => b.title, customer => b.customer, segment => b.segment.as_str(), status => i.status.as_str() };
        texts.render("replies.insight_line", context)
    });
    reply_private(ctx, listing(header, lines, texts.text("replies.more"))).await
}

#[derive(Debug, Clone, Copy, poise::ChoiceParameter)]
enum Decision {
    #[name = "approve"]
    Approve,
    #[name = "reject"]
    Reject,
}

#[poise::command(slash_command, guild_only, check = "manager_only")]
async fn review(ctx: Context<'_>, id: Option<i64>, decision: Option<Decision>) -> Result<(), Error> {
    let app = &ctx.data().app;
    let guild = guild(ctx);
    let (Some(id), Some(decision)) = (id, decision) else {
        let texts = &app.prompts.texts;
        let pending = app.list_insights(guild, Some(InsightStatus::Pending)).await?;
        if pending.is_empty() {
            return reply_private(ctx, texts.text("replies.no_suggestions")).await;
        }
        let lines = pending.iter().map(|i| {
            let b = &i.body;
            let context = minijinja::context! { id => i.id, title => b.title, customer => b.customer, source => b.source.label(), evidence => b.evidence };
            texts.render("replies.review_line", context)
        });
        return reply_private(ctx, listing(texts.text("replies.review_list"), lines, texts.text("replies.more"))).await;
    };
    let approve = matches!(decision, Decision::Approve);
    let insight = app.review_insight(guild, id, approve).await?;
    let texts = &app.prompts.texts;
    if let Some(by) = insight.added_by {
        let note = texts.render(
            "replies.suggestion_outcome",
            minijinja::context! { title => insight.body.title, approved => approve },
        );
        // A closed DM is not worth failing the review for.
        if let Ok(dm) = UserId::new(by).create_dm_channel(ctx.http()).await {
            let _ = ChannelId::new(dm.id.get())
                .send_message(ctx.http(), CreateMessage::new().content(crate::limits::content(&note)))
                .await;
        }
    }
    reply_private(ctx, texts.render("replies.review_done", minijinja::context! { id, approved => approve })).await
}

#[poise::command(slash_command, guild_only, check = "manager_only")]
async fn retire(ctx: Context<'_>, id: i64) -> Result<(), Error> {
    let guild = guild(ctx);
    ctx.data().app.retire_insight(guild, id, ctx.author().id.get()).await?;
    reply_private(ctx, ctx.data().app.prompts.texts.render("replies.insight_retired", minijinja::context! { id })).await
}

#[poise::command(slash_command, guild_only, check = "manager_only")]
async fn import(
    ctx: Context<'_>,
    file: serenity::all::Attachment,
    source: Option<Source>,
    #[max_length = 40] segment: Option<String>,
) -> Result<(), Error> {
    if file.size > MAX_IMPORT_BYTES {
        let context = minijinja::context! { file => file.filename, size_kb => file.size / 1024, max_kb => MAX_IMPORT_BYTES / 1024 };
        return Err(ctx.data().app.refuse_with("errors.file_too_large", context));
    }
    ctx.defer_ephemeral().await?;
    let data = ctx.data();
    let response = data.web.get(&file.url).send().await.and_then(|r| r.error_for_status());
    let bytes = match response {
        Ok(r) => r.bytes().await?,
        Err(e) => {
            tracing::warn!(error = %e, "downloading an attachment failed");
            return Err(data.app.refuse_with("errors.download_failed", minijinja::context! { file => file.filename }));
        }
    };
    let options = ImportOptions {
        map: vec![],
        ignore: vec![],
        default_source: source.map_or(EvidenceSource::NpsSurvey, EvidenceSource::from),
        default_segment: Segment::parse(segment.as_deref().unwrap_or("unknown")).map_err(UserError)?,
        date_format: None,
    };
    let guild = guild(ctx);
    let done = data.app.import_feedback(guild, bytes.as_ref(), &options, Some(ctx.author().id.get())).await?;
    let notes = done.warnings.join("\n");
    let context = minijinja::context! { added => done.added, file => file.filename, already => done.already_there, outcomes => done.outcomes, notes };
    reply_private(ctx, data.app.prompts.texts.render("replies.imported", context)).await
}
