//! Every button and form the bot sends, declared once: the prefix of its
//! custom id, the longest payload that follows it, and (in `events.rs`)
//! the one handler a match sends it to. A test checks that no prefix
//! hides another and that every id fits Discord's 100 characters.

use domain::answer::AnswerRef;

/// The characters of an i64 or u64 id at most.
const ID_CHARS: usize = 20;

/// A button the bot puts under its messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Button {
    /// *Answer* (or *Answer anonymously*) under a meeting prompt or a daily post.
    Answer,
    /// *Add evidence* under a challenged answer.
    Evidence,
    /// *Save* or *Drop* a suggestion that has look-alikes.
    Suggestion,
    /// The confirmation of `/privacy forget`.
    Forget,
}

/// A form (modal) the bot opens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    Answer,
    Evidence,
    NewInsight,
    EditInsight,
}

/// A kind of component: its custom id is its prefix, then a payload.
pub trait Component: Copy + 'static {
    const ALL: &'static [Self];
    /// The prefix, and the most characters the bot puts after it.
    fn spec(self) -> (&'static str, usize);

    /// The custom id of this component carrying `payload`.
    fn id(self, payload: &str) -> String {
        let (prefix, longest) = self.spec();
        debug_assert!(payload.chars().count() <= longest, "{prefix}{payload} is over its budget");
        format!("{prefix}{payload}")
    }

    /// The component a custom id belongs to, and its payload.
    fn parse(custom_id: &str) -> Option<(Self, &str)> {
        Self::ALL.iter().find_map(|c| Some((*c, custom_id.strip_prefix(c.spec().0)?)))
    }
}

impl Component for Button {
    const ALL: &'static [Button] = &[Button::Answer, Button::Evidence, Button::Suggestion, Button::Forget];

    fn spec(self) -> (&'static str, usize) {
        match self {
            Button::Answer => ("answer:", ANSWER_TARGET_CHARS),
            Button::Evidence => ("evidence:", ID_CHARS),
            // `save:` or `drop:` and a draft's key (64 hex digits)
            Button::Suggestion => ("insight-draft:", 5 + 64),
            Button::Forget => ("privacy-forget:", ID_CHARS),
        }
    }
}

/// The most characters of an insight's source and segment, `:` between.
const SOURCE_AND_SEGMENT_CHARS: usize = 14 + 1 + domain::insight::Segment::MAX_LEN;

impl Component for Form {
    const ALL: &'static [Form] = &[Form::Answer, Form::Evidence, Form::NewInsight, Form::EditInsight];

    fn spec(self) -> (&'static str, usize) {
        match self {
            Form::Answer => ("answer-modal:", ANSWER_TARGET_CHARS),
            Form::Evidence => ("evidence-form:", ID_CHARS),
            Form::NewInsight => ("insight-add:", SOURCE_AND_SEGMENT_CHARS),
            Form::EditInsight => ("insight-edit:", ID_CHARS + 1 + SOURCE_AND_SEGMENT_CHARS),
        }
    }
}

/// Marks an answer given without a name.
const ANONYMOUS_SUFFIX: &str = ":anon";

/// `m:` or `p:`, an id, and `:anon`.
const ANSWER_TARGET_CHARS: usize = 2 + ID_CHARS + ANONYMOUS_SUFFIX.len();

/// The payload of the Answer button and its form: what is answered
/// (`m:12` a meeting, `p:7` a daily post), `:anon` when without a name.
pub fn answer_target(target: AnswerRef, anonymous: bool) -> String {
    let (kind, id) = match target {
        AnswerRef::Meeting(id) => ("m", id),
        AnswerRef::Post(id) => ("p", id),
    };
    format!("{kind}:{id}{}", if anonymous { ANONYMOUS_SUFFIX } else { "" })
}

/// What [`answer_target`] wrote; `None` for anything else.
pub fn parse_answer_target(text: &str) -> Option<(AnswerRef, bool)> {
    let (text, anonymous) = match text.strip_suffix(ANONYMOUS_SUFFIX) {
        Some(rest) => (rest, true),
        None => (text, false),
    };
    let (kind, id) = text.split_once(':')?;
    let id = id.parse().ok()?;
    match kind {
        "m" => Some((AnswerRef::Meeting(id), anonymous)),
        "p" => Some((AnswerRef::Post(id), anonymous)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Discord's limit on a custom id.
    const CUSTOM_ID_CHARS: usize = 100;

    fn prefixes() -> Vec<(&'static str, usize)> {
        let buttons = Button::ALL.iter().map(|b| b.spec());
        buttons.chain(Form::ALL.iter().map(|f| f.spec())).collect()
    }

    #[test]
    fn no_prefix_is_shared_or_starts_another() {
        let all = prefixes();
        for (i, (a, _)) in all.iter().enumerate() {
            for (b, _) in &all[i + 1..] {
                assert!(!a.starts_with(b) && !b.starts_with(a), "`{a}` and `{b}` would take each other's ids");
            }
        }
    }

    #[test]
    fn every_id_fits_discords_100_characters() {
        for (prefix, longest) in prefixes() {
            assert!(prefix.len() + longest <= CUSTOM_ID_CHARS, "`{prefix}` with {longest} more is over 100");
        }
    }

    #[test]
    fn an_id_is_parsed_back_to_its_component_and_payload() {
        for button in Button::ALL {
            assert_eq!(Button::parse(&button.id("42")), Some((*button, "42")));
        }
        for form in Form::ALL {
            assert_eq!(Form::parse(&form.id("42")), Some((*form, "42")));
        }
        assert_eq!(Button::parse("something-else:1"), None);
    }

    #[test]
    fn the_answer_target_reads_back_what_it_wrote() {
        for target in [AnswerRef::Meeting(12), AnswerRef::Post(i64::MAX)] {
            for anonymous in [false, true] {
                let text = answer_target(target, anonymous);
                assert!(text.len() <= ANSWER_TARGET_CHARS, "{text}");
                assert_eq!(parse_answer_target(&text), Some((target, anonymous)));
            }
        }
        assert_eq!(parse_answer_target("x:1"), None);
        assert_eq!(parse_answer_target("m:abc"), None);
    }
}
