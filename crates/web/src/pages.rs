//! The managers' pages as HTML, rendered with minijinja (the engine of
//! `prompts/`) from templates built into the binary, in the words of
//! prompts/texts.toml (`t("dashboard.…", name=value)` in a template).
//! Auto-escaped: a person's text can never become markup.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use std::sync::Arc;

use app::prompts::Prompts;
use minijinja::value::{Kwargs, Value};
use minijinja::Environment;
use serde::Serialize;

pub struct Pages(Environment<'static>);

const TEMPLATES: [(&str, &str); 11] = [
    ("meetings.html", include_str!("templates/meetings.html")),
    ("meeting.html", include_str!("templates/meeting.html")),
    ("follow_ups.html", include_str!("templates/follow_ups.html")),
    ("insights.html", include_str!("templates/insights.html")),
    ("answers.html", include_str!("templates/answers.html")),
    ("base.html", include_str!("templates/base.html")),
    ("message.html", include_str!("templates/message.html")),
    ("overview.html", include_str!("templates/overview.html")),
    ("period.html", include_str!("templates/period.html")),
    ("customers.html", include_str!("templates/customers.html")),
    ("customer.html", include_str!("templates/customer.html")),
];

pub const STYLE: &str = include_str!("templates/style.css");

impl Pages {
    pub fn new(prompts: Arc<Prompts>) -> Pages {
        let mut env = Environment::new();
        // A text of prompts/texts.toml, its placeholders given by name.
        env.add_function("t", move |key: &str, placeholders: Kwargs| {
            prompts.texts.render(key, Value::from(placeholders))
        });
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

#[cfg(test)]
mod tests {
    use super::*;
    use regex::Regex;

    fn shipped() -> Arc<Prompts> {
        Arc::new(app::prompts::load_from(&app::prompts::Origin::Shipped).unwrap())
    }

    /// Every word a page shows comes from prompts/texts.toml, so that a
    /// team can reword it (and the pages can be translated): what is left
    /// of a template without its expressions and tags has no letters.
    #[test]
    fn the_templates_hold_no_words_of_their_own() {
        let jinja = Regex::new(r"(?s)\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}").unwrap();
        let shown_attribute = Regex::new(r#"(?:aria-label|placeholder|title|alt)="([^"]*)""#).unwrap();
        let tag = Regex::new(r"(?s)<[^>]*>").unwrap();
        for (name, source) in TEMPLATES {
            let bare = jinja.replace_all(source, "");
            for attribute in shown_attribute.captures_iter(&bare) {
                assert!(!attribute[1].chars().any(char::is_alphabetic), "{name}: {}", &attribute[0]);
            }
            let text = tag.replace_all(&bare, " ");
            let words: Vec<&str> = text.split_whitespace().filter(|w| w.chars().any(char::is_alphabetic)).collect();
            assert!(words.is_empty(), "{name} writes words of its own: {words:?}");
        }
    }

    #[test]
    fn every_text_a_template_asks_for_exists() {
        let prompts = shipped();
        let asked = Regex::new(r#"\bt\("([a-z_]+\.[a-z_]+)""#).unwrap();
        let mut count = 0;
        for (name, source) in TEMPLATES {
            for key in asked.captures_iter(source) {
                count += 1;
                assert!(prompts.texts.has(&key[1]), "{name} asks for `{}`, which prompts/texts.toml lacks", &key[1]);
            }
        }
        assert!(count > 100, "the templates' texts are found: {count}");
    }

    #[test]
    fn every_customer_sort_and_edit_has_its_label() {
        let texts = &shipped().texts;
        for (kind, values) in
            [("sort", &app::customers::CUSTOMER_SORTS[..]), ("edit", &app::customers::CUSTOMER_EDITS[..])]
        {
            for v in values {
                assert!(texts.has(&format!("dashboard.{kind}_{v}")), "prompts/texts.toml names dashboard.{kind}_{v}");
            }
        }
        for kind in ["feedback", "score", "post", "answer", "promise"] {
            assert!(texts.has(&format!("dashboard.moment_{kind}")), "prompts/texts.toml names dashboard.moment_{kind}");
        }
    }

    #[test]
    fn the_follow_ups_page_reads_as_reviewed() {
        let pages = Pages::new(shipped());
        let task = |id: i64, owner: Option<&str>, due: Option<&str>| {
            minijinja::context! { id, owner, text => format!("Call Acme about export #{id}"), due, done_at => "2026-11-20" }
        };
        let overdue = minijinja::context! { total => 1, shown => vec![task(3, Some("42"), Some("2026-11-20"))] };
        let open = minijinja::context! { total => 3, shown => vec![task(4, None, None), task(5, Some("42"), None)] };
        let done = minijinja::context! { total => 0, shown => Vec::<i64>::new() };
        let context = minijinja::context! {
            guild => "1", csrf => "token", page => "follow-ups", timezone => "UTC", most => 2, overdue, open, done,
        };
        let page = pages.0.get_template("follow_ups.html").unwrap().render(context).unwrap();
        insta::assert_snapshot!(page);
    }
}
