//! A challenged answer's question in its thread, with the Add evidence
//! button and form.

use serenity::all::{
    ButtonStyle, ChannelId, ComponentInteraction, Context as SerenityContext, CreateActionRow, CreateButton,
    CreateInputText, CreateInteractionResponse, CreateMessage, CreateModal, EditInteractionResponse, InputTextStyle,
    ModalInteraction,
};

use super::answer::modal_field;
use super::components::{Button, Component as _, Form};
use super::{Data, Error};
use app::App;
use domain::answer::MAX_ANSWER_CHARS;
use domain::challenge::Challenged;

/// Asks in the answer's thread for its data, with the button (no pings but
/// the author's).
pub async fn ask(ctx: &SerenityContext, app: &App, c: &Challenged, text: &str) -> Result<(), Error> {
    let button = CreateButton::new(Button::Evidence.id(&c.answer_id.to_string()))
        .label(app.prompts.texts.text("answers.evidence_button"))
        .style(ButtonStyle::Primary);
    let mut mentions = serenity::all::CreateAllowedMentions::new();
    if let Some(author) = domain::answer::author(c.author) {
        mentions = mentions.users(vec![serenity::all::UserId::new(author.parse()?)]);
    }
    let message = CreateMessage::new()
        .content(super::limits::content(text))
        .components(vec![CreateActionRow::Buttons(vec![button])])
        .allowed_mentions(mentions);
    ChannelId::new(c.thread_id).send_message(&ctx.http, message).await?;
    Ok(())
}

/// The Add evidence button: opens its form.
pub async fn button(ctx: &SerenityContext, i: &ComponentInteraction, data: &Data, id: &str) -> Result<(), Error> {
    let texts = &data.app.prompts.texts;
    let input = CreateInputText::new(InputTextStyle::Paragraph, texts.text("answers.evidence_label"), "evidence")
        .max_length(MAX_ANSWER_CHARS as u16)
        .required(true);
    let modal = CreateModal::new(Form::Evidence.id(id), texts.text("answers.evidence_title"))
        .components(vec![CreateActionRow::InputText(input)]);
    i.create_response(&ctx.http, CreateInteractionResponse::Modal(modal)).await?;
    Ok(())
}

/// The form's submission: validates the answer, or says what is missing
/// and hands the text back.
pub async fn submit(ctx: &SerenityContext, i: &ModalInteraction, data: &Data, id: &str) -> Result<(), Error> {
    let (Ok(id), Some(guild)) = (id.parse::<i64>(), i.guild_id) else { return Ok(()) };
    i.defer_ephemeral(&ctx.http).await?; // answered within 3 s whatever the database does
    let evidence = modal_field(i, "evidence");
    let reply = match data.app.add_evidence(guild.get(), id, &evidence).await {
        Ok(()) => EditInteractionResponse::new()
            .content(data.app.prompts.texts.render("answers.validated", minijinja::context! { id })),
        Err(e) => match app::user_message(&e) {
            Some(problem) => EditInteractionResponse::new()
                .content(data.app.prompts.texts.render("errors.evidence_not_saved", minijinja::context! { problem }))
                .new_attachment(super::answer::your_answer(&evidence)),
            None => return Err(e),
        },
    };
    i.edit_response(&ctx.http, reply).await?;
    Ok(())
}
