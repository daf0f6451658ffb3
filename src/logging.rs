//! Log set-up. serenity logs a gateway payload it cannot read whole, at
//! WARN, and a payload carries people's messages: those lines are
//! replaced by one that names the event type and the parse error only.

use std::sync::OnceLock;

use regex::Regex;
use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_subscriber::filter::{filter_fn, EnvFilter};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt as _};
use tracing_subscriber::util::SubscriberInitExt as _;

/// Where serenity logs what the gateway sent.
const GATEWAY_TARGET: &str = "serenity::gateway::ws";

/// Logs go to stderr: for the bot and the demo from INFO up, for one-shot
/// commands only warnings (they print their result on stdout). `RUST_LOG`
/// overrides the levels; `ADVOCATE_LOG_FORMAT=json` writes one JSON object
/// a line; text has colour only on a terminal, and never with `NO_COLOR`.
pub fn init(long_running: bool) {
    let levels = match long_running {
        true => "advocate=info,serenity=warn,poise=warn",
        false => "advocate=warn,serenity=error,poise=error",
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(levels));
    let not_gateway = filter_fn(|meta| meta.target() != GATEWAY_TARGET);
    let fmt = tracing_subscriber::fmt::layer().with_writer(std::io::stderr);
    let format = std::env::var("ADVOCATE_LOG_FORMAT").unwrap_or_default();
    let fmt = match format.trim() {
        "json" => fmt.json().with_filter(not_gateway).boxed(),
        "" | "text" => fmt.with_ansi(colour()).with_filter(not_gateway).boxed(),
        unknown => {
            eprintln!("ADVOCATE_LOG_FORMAT `{unknown}` is not json or text; writing text");
            fmt.with_ansi(colour()).with_filter(not_gateway).boxed()
        }
    };
    tracing_subscriber::registry().with(filter).with(fmt).with(GatewayScrubber).init();
}

/// Colour only for a person at a terminal who did not ask for none.
fn colour() -> bool {
    use std::io::IsTerminal as _;
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Re-logs serenity's gateway lines without the payload.
struct GatewayScrubber;

impl<S: Subscriber> Layer<S> for GatewayScrubber {
    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        if event.metadata().target() != GATEWAY_TARGET {
            return;
        }
        let mut message = Message(String::new());
        event.record(&mut message);
        match scrub(&message.0) {
            Some((kind, error)) => tracing::warn!(
                target: "advocate::gateway",
                event = kind,
                error,
                "skipped a gateway event that could not be read (its text is not logged)"
            ),
            None => tracing::warn!(target: "advocate::gateway", "{}", message.0),
        }
    }
}

struct Message(String);

impl Visit for Message {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            self.0 = format!("{value:?}");
        }
    }
}

/// The event type and parse error of serenity's "Err deserializing text:
/// {error}; text: {payload}" line; `None` for its other lines.
fn scrub(line: &str) -> Option<(String, String)> {
    static KIND: OnceLock<Regex> = OnceLock::new();
    let rest = line.strip_prefix("Err deserializing text: ")?;
    let (error, payload) = rest.split_once("; text: ").unwrap_or((rest, ""));
    let kind = KIND.get_or_init(|| Regex::new(r#""t"\s*:\s*"([A-Z_]{1,64})""#).expect("valid"));
    let kind = kind.captures(payload).map_or_else(|| "unknown".to_string(), |c| c[1].to_string());
    Some((kind, error.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_payload_it_cannot_read_is_logged_by_type_without_its_text() {
        let line = r#"Err deserializing text: Error("missing field `id`", line: 0, column: 0); text: {"op":0,"s":4,"t":"MESSAGE_CREATE","d":{"content":"our secret roadmap"}}"#;
        let (kind, error) = scrub(line).unwrap();
        assert_eq!(kind, "MESSAGE_CREATE");
        assert!(error.contains("missing field `id`") && !error.contains("secret"), "{error}");
        assert_eq!(
            scrub("Err deserializing text: EOF; text: {\"content\":\"x"),
            Some(("unknown".into(), "EOF".into()))
        );
        assert_eq!(scrub("Err decompressing bytes: …"), None);
    }
}
