//! The managers' pages as HTML, rendered with minijinja (the engine of
//! `prompts/`) from templates built into the binary. Auto-escaped: a
//! person's text can never become markup.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use minijinja::Environment;
use serde::Serialize;

pub struct Pages(Environment<'static>);

const TEMPLATES: [(&str, &str); 9] = [
    ("meetings.html", include_str!("templates/meetings.html")),
    ("meeting.html", include_str!("templates/meeting.html")),
    ("follow_ups.html", include_str!("templates/follow_ups.html")),
    ("insights.html", include_str!("templates/insights.html")),
    ("answers.html", include_str!("templates/answers.html")),
    ("base.html", include_str!("templates/base.html")),
    ("message.html", include_str!("templates/message.html")),
    ("overview.html", include_str!("templates/overview.html")),
    ("period.html", include_str!("templates/period.html")),
];

pub const STYLE: &str = include_str!("templates/style.css");

impl Pages {
    pub fn new() -> Pages {
        let mut env = Environment::new();
        for (name, source) in TEMPLATES {
            env.add_template(name, source).expect("the built-in templates parse");
        }
        Pages(env)
    }

    /// A page, or a plain 500 that says the page could not be drawn.
    pub fn render(&self, status: StatusCode, name: &str, context: impl Serialize) -> Response {
        match self.0.get_template(name).and_then(|t| t.render(context)) {
            Ok(html) => (status, Html(html)).into_response(),
            Err(e) => {
                tracing::error!(page = name, error = %format!("{e:#}"), "a page could not be rendered");
                (StatusCode::INTERNAL_SERVER_ERROR, "This page could not be drawn; the error is in the bot's log.")
                    .into_response()
            }
        }
    }

    /// A short page that says what happened and what to do.
    pub fn message(&self, status: StatusCode, title: &str, text: &str) -> Response {
        self.render(status, "message.html", minijinja::context! { title, text })
    }
}
