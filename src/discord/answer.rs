//! The Answer button and modal, for meetings (`m:<id>`) and daily posts
//! (`p:<id>`). A bad field is answered with what to fix and the person's
//! own text, so nothing they wrote is lost.

use serenity::all::{
    ActionRowComponent, ButtonStyle, ComponentInteraction, Context as SerenityContext, CreateActionRow,
    CreateAttachment, CreateButton, CreateInputText, CreateInteractionResponse, CreateInteractionResponseMessage,
    CreateModal, InputTextStyle, ModalInteraction,
};

use super::{Data, Error};
use crate::app::answers::ModalAnswer;
use crate::domain::answer::AnswerRef;
use crate::domain::answer::MAX_ANSWER_CHARS;
use crate::domain::follow_up::MAX_FOLLOW_UP_CHARS;

const BUTTON_PREFIX: &str = "answer:";
const MODAL_PREFIX: &str = "answer-modal:";

pub fn answer_button(label: &str, target: &str) -> CreateActionRow {
    CreateActionRow::Buttons(vec![CreateButton::new(format!("{BUTTON_PREFIX}{target}"))
        .label(label)
        .style(ButtonStyle::Primary)])
}

fn parse_target(text: &str) -> Option<AnswerRef> {
    let (kind, id) = text.split_once(':')?;
    let id = id.parse().ok()?;
    match kind {
        "m" => Some(AnswerRef::Meeting(id)),
        "p" => Some(AnswerRef::Post(id)),
        _ => None,
    }
}

/// A button press: opens the answer modal.
pub async fn button(ctx: &SerenityContext, i: &ComponentInteraction, data: &Data) -> Result<bool, Error> {
    let Some(target) = i.data.custom_id.strip_prefix(BUTTON_PREFIX) else { return Ok(false) };
    let texts = &data.app.prompts.texts;
    let input = |id: &str, label_key: &str, style: InputTextStyle, max: u16, required: bool| {
        CreateActionRow::InputText(
            CreateInputText::new(style, texts.text(label_key), id).max_length(max).required(required),
        )
    };
    let modal = CreateModal::new(format!("{MODAL_PREFIX}{target}"), texts.text("answer_modal.title")).components(vec![
        input("text", "answer_modal.text_label", InputTextStyle::Paragraph, MAX_ANSWER_CHARS as u16, true),
        input("impact", "answer_modal.impact_label", InputTextStyle::Short, 20, false),
        input("segments", "answer_modal.segments_label", InputTextStyle::Short, 200, false),
        input(
            "follow_up",
            "answer_modal.follow_up_label",
            InputTextStyle::Paragraph,
            MAX_FOLLOW_UP_CHARS as u16,
            false,
        ),
    ]);
    i.create_response(&ctx.http, CreateInteractionResponse::Modal(modal)).await?;
    Ok(true)
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

/// A modal submission: logs the answer and thanks the person privately.
pub async fn submit(ctx: &SerenityContext, i: &ModalInteraction, data: &Data) -> Result<bool, Error> {
    let Some(target) = i.data.custom_id.strip_prefix(MODAL_PREFIX) else { return Ok(false) };
    let field = |id: &str| modal_field(i, id);
    let text = field("text");
    let reply = match (parse_target(target), i.guild_id) {
        (Some(to), Some(guild)) => {
            let answer = ModalAnswer {
                guild_id: guild.get(),
                channel_id: i.channel_id.get(),
                user_id: i.user.id.get(),
                interaction_id: i.id.get(),
                to,
                text: text.clone(),
                impact: field("impact"),
                segments: field("segments"),
                follow_up: field("follow_up"),
            };
            match data.app.log_modal_answer(&answer).await {
                Ok(Some(logged)) => Ok(data.app.prompts.texts.render(
                    "answer_modal.thanks",
                    minijinja::context! {
                        has_evidence => logged.classification.has_evidence,
                        has_assumption => logged.classification.has_assumption,
                        follow_up_id => logged.follow_up_id,
                    },
                )),
                Ok(None) => Ok(data.app.prompts.texts.text("replies.answer_already_logged")),
                Err(e) => match crate::app::user_message(&e) {
                    Some(problem) => Err(problem.to_string()),
                    None => return Err(e),
                },
            }
        }
        _ => Err(data.app.prompts.texts.text("errors.form_out_of_date")),
    };
    let message = match reply {
        Ok(thanks) => CreateInteractionResponseMessage::new().content(thanks),
        Err(problem) => CreateInteractionResponseMessage::new()
            .content(data.app.prompts.texts.render("errors.answer_not_saved", minijinja::context! { problem }))
            .add_file(CreateAttachment::bytes(text.into_bytes(), "your-answer.txt")),
    };
    i.create_response(&ctx.http, CreateInteractionResponse::Message(message.ephemeral(true))).await?;
    Ok(true)
}
