//! The Answer button and modal, for meetings (`m:<id>`) and daily posts
//! (`p:<id>`). A bad field is answered with what to fix and the person's
//! own text, so nothing they wrote is lost.

use serenity::all::{
    ActionRowComponent, ButtonStyle, ComponentInteraction, Context as SerenityContext, CreateActionRow,
    CreateAttachment, CreateButton, CreateInputText, CreateInteractionResponse, CreateModal, EditInteractionResponse,
    InputTextStyle, ModalInteraction,
};

use super::components::{answer_target, parse_answer_target, Button, Component as _, Form};
use super::{Data, Error};
use std::time::Duration;

use app::answers::{Logged, ModalAnswer};
use app::inflight::NotSaved;
use domain::answer::AnswerRef;
use domain::answer::MAX_ANSWER_CHARS;
use domain::follow_up::MAX_FOLLOW_UP_CHARS;

/// The custom id of the Answer button on what `target` names.
pub fn button_id(target: AnswerRef, anonymous: bool) -> String {
    Button::Answer.id(&answer_target(target, anonymous))
}

/// The Answer button, and the anonymous one when the guild takes
/// anonymous answers (`anonymous` is its label).
pub fn answer_button(label: &str, target: AnswerRef, anonymous: Option<&str>) -> CreateActionRow {
    let button = |id: String, label: &str, style| {
        CreateButton::new(id).label(super::limits::cut(label, super::limits::BUTTON_LABEL)).style(style)
    };
    let mut buttons = vec![button(button_id(target, false), label, ButtonStyle::Primary)];
    if let Some(label) = anonymous {
        buttons.push(button(button_id(target, true), label, ButtonStyle::Secondary));
    }
    CreateActionRow::Buttons(buttons)
}

/// A button press: opens the answer modal for `target` (the button's payload).
pub async fn button(ctx: &SerenityContext, i: &ComponentInteraction, data: &Data, target: &str) -> Result<(), Error> {
    let Some((_, anonymous)) = parse_answer_target(target) else { return Ok(()) };
    let texts = &data.app.prompts.texts;
    let input = |id: &str, label_key: &str, style: InputTextStyle, max: u16, required: bool| {
        CreateActionRow::InputText(
            CreateInputText::new(style, texts.text(label_key), id).max_length(max).required(required),
        )
    };
    let mut fields = vec![
        input("text", "answer_modal.text_label", InputTextStyle::Paragraph, MAX_ANSWER_CHARS as u16, true),
        input("impact", "answer_modal.impact_label", InputTextStyle::Short, 20, false),
        input("segments", "answer_modal.segments_label", InputTextStyle::Short, 200, false),
        input("customers", "answer_modal.customers_label", InputTextStyle::Short, 20, false),
    ];
    // A follow-up needs someone to own it: none on an anonymous answer.
    if !anonymous {
        let max = MAX_FOLLOW_UP_CHARS as u16;
        fields.push(input("follow_up", "answer_modal.follow_up_label", InputTextStyle::Paragraph, max, false));
    }
    let title = texts.text(if anonymous { "answer_modal.anonymous_title" } else { "answer_modal.title" });
    let modal = CreateModal::new(Form::Answer.id(target), title).components(fields);
    i.create_response(&ctx.http, CreateInteractionResponse::Modal(modal)).await?;
    Ok(())
}

/// The text a person entered in a modal's input `id` (empty if none).
pub fn modal_field(i: &ModalInteraction, id: &str) -> String {
    i.data
        .components
        .iter()
        .flat_map(|row| &row.components)
        .find_map(|c| match c {
            ActionRowComponent::InputText(t) if t.custom_id == id => t.value.clone(),
            _ => None,
        })
        .unwrap_or_default()
}

/// How long a form answer may take before the person is told it waits
/// for the database (Discord already heard back: the response is deferred).
const WAITING_AFTER: Duration = Duration::from_secs(2);

/// A modal submission: logs the answer and tells the person privately.
/// The interaction is deferred first, so Discord hears back within its
/// 3 seconds whatever the database does; the reply says "logged" only
/// after the commit, and hands the text back whenever it was not.
pub async fn submit(ctx: &SerenityContext, i: &ModalInteraction, data: &Data, target: &str) -> Result<(), Error> {
    i.defer_ephemeral(&ctx.http).await?;
    let texts = &data.app.prompts.texts;
    let text = modal_field(i, "text");
    let logging = log(i, data, target);
    tokio::pin!(logging);
    let outcome = match tokio::time::timeout(WAITING_AFTER, &mut logging).await {
        Ok(outcome) => outcome,
        Err(_) => {
            let waiting = EditInteractionResponse::new()
                .content(texts.text("replies.answer_waiting"))
                .new_attachment(your_answer(&text));
            i.edit_response(&ctx.http, waiting).await?;
            logging.await
        }
    };
    let reply = match outcome {
        Ok(Some(logged)) => EditInteractionResponse::new()
            .content(texts.render(
                "answer_modal.thanks",
                minijinja::context! {
                    has_evidence => logged.classification.has_evidence,
                    has_assumption => logged.classification.has_assumption,
                    follow_up_id => logged.follow_up_id,
                },
            ))
            .clear_attachments(),
        Ok(None) => {
            EditInteractionResponse::new().content(texts.text("replies.answer_already_logged")).clear_attachments()
        }
        Err(e) => {
            let problem = match (app::user_message(&e), e.downcast_ref::<NotSaved>()) {
                (Some(problem), _) => problem.to_string(),
                (None, Some(not_saved)) => not_saved.to_string(),
                (None, None) => {
                    let sorry = EditInteractionResponse::new()
                        .content(texts.text("replies.apology"))
                        .clear_attachments()
                        .new_attachment(your_answer(&text));
                    tracing::error!(error = %format!("{e:#}"), "logging a form answer failed");
                    i.edit_response(&ctx.http, sorry).await?;
                    return Ok(());
                }
            };
            EditInteractionResponse::new()
                .content(texts.render("errors.answer_not_saved", minijinja::context! { problem }))
                .clear_attachments()
                .new_attachment(your_answer(&text))
        }
    };
    i.edit_response(&ctx.http, reply).await?;
    Ok(())
}

/// The person's own text, handed back as a file.
pub(super) fn your_answer(text: &str) -> CreateAttachment {
    CreateAttachment::bytes(text.as_bytes().to_vec(), "your-answer.txt")
}

/// Logs the form's answer; a form out of date is the person's to fix.
async fn log(i: &ModalInteraction, data: &Data, target: &str) -> anyhow::Result<Option<Logged>> {
    let (Some((to, anonymous)), Some(guild)) = (parse_answer_target(target), i.guild_id) else {
        return Err(data.app.refuse("errors.form_out_of_date"));
    };
    let field = |id: &str| modal_field(i, id);
    let answer = ModalAnswer {
        guild_id: guild.get(),
        channel_id: i.channel_id.get(),
        user_id: i.user.id.get(),
        interaction_id: i.id.get(),
        to,
        text: field("text"),
        impact: field("impact"),
        segments: field("segments"),
        customers: field("customers"),
        follow_up: field("follow_up"),
        anonymous,
    };
    data.app.log_modal_answer(&answer).await
}
