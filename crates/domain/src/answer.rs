//! What an answer is: a team member's words on how something affects
//! customers, given in a meeting thread or through the answer modal.

use jiff::Timestamp;

use super::classify::Classification;
use super::follow_up::FollowUpSpec;

/// The author stored for an anonymous answer: no Discord user has id 0,
/// and nothing derived from the real author is kept.
pub const ANONYMOUS: u64 = 0;

/// Anonymous answers are listed one by one only among at least this many
/// answers: in a smaller group, who wrote them is easy to guess.
pub const ANONYMITY_GROUP: usize = 3;

/// The answers of a group (a meeting) as they may be listed, and how many
/// anonymous ones are left to the totals because the group is too small.
pub fn listable<T>(answers: Vec<T>, user_of: impl Fn(&T) -> u64) -> (Vec<T>, usize) {
    if answers.len() >= ANONYMITY_GROUP {
        return (answers, 0);
    }
    let (anonymous, named): (Vec<T>, Vec<T>) = answers.into_iter().partition(|a| user_of(a) == ANONYMOUS);
    (named, anonymous.len())
}

/// An answer's author as exports show it: the Discord id, or none.
pub fn author(user_id: u64) -> Option<String> {
    (user_id != ANONYMOUS).then(|| user_id.to_string())
}

/// Discord's own limit on a modal text input.
pub const MAX_ANSWER_CHARS: usize = 4000;

/// How the answerer judged the effect on customers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Impact {
    Helps,
    Hurts,
    Neutral,
    Unknown,
}

impl Impact {
    pub const ALL: [Impact; 4] = [Impact::Helps, Impact::Hurts, Impact::Neutral, Impact::Unknown];

    pub fn as_str(self) -> &'static str {
        match self {
            Impact::Helps => "helps",
            Impact::Hurts => "hurts",
            Impact::Neutral => "neutral",
            Impact::Unknown => "unknown",
        }
    }

    /// Blank means unknown; anything else must name an impact.
    pub fn parse(text: &str) -> Result<Self, String> {
        let key = text.trim().to_lowercase();
        if key.is_empty() {
            return Ok(Impact::Unknown);
        }
        Impact::ALL
            .into_iter()
            .find(|i| i.as_str() == key || (key.len() >= 3 && i.as_str().starts_with(&key)))
            .ok_or_else(|| format!("`{text}` is not an impact; write helps, hurts, neutral or unknown"))
    }
}

/// Where an answer came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Via {
    /// A reply in a prompted thread (needs the Message Content intent).
    Thread,
    /// The answer modal opened from a button.
    Modal,
}

impl Via {
    pub fn as_str(self) -> &'static str {
        match self {
            Via::Thread => "thread",
            Via::Modal => "modal",
        }
    }
}

/// Characters that show nothing on their own: an answer made only of
/// these (and spaces) says nothing.
fn is_invisible(c: char) -> bool {
    c.is_whitespace()
        || matches!(c, '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
            | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFA0}')
}

/// Whether the text has a visible character at all.
pub fn shows_anything(text: &str) -> bool {
    !text.chars().all(is_invisible)
}

/// A person's text as stored: control characters (NUL included, which
/// PostgreSQL refuses) removed the same way on every backend; line
/// breaks and tabs kept; outer whitespace trimmed.
pub fn clean_text(text: &str) -> String {
    text.chars().filter(|&c| !c.is_control() || c == '\n' || c == '\t').collect::<String>().trim().to_string()
}

/// Cleans and checks an answer's text; the error says how long it was so
/// the author can shorten it (the caller hands the text back, so nothing
/// is lost).
pub fn check_text(text: &str) -> Result<String, String> {
    let text = clean_text(text);
    if !shows_anything(&text) {
        return Err("the answer is empty; write a sentence or two".into());
    }
    let len = text.chars().count();
    if len > MAX_ANSWER_CHARS {
        return Err(format!(
            "the answer is {len} characters; the limit is {MAX_ANSWER_CHARS}, so shorten it by {}",
            len - MAX_ANSWER_CHARS
        ));
    }
    Ok(text)
}

/// What an answer responds to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AnswerRef {
    Meeting(i64),
    Post(i64),
}

/// A logged answer's id, and the follow-up's it asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AnswerIds {
    pub answer: i64,
    pub follow_up: Option<i64>,
}

/// An answer about to be logged.
#[derive(Clone, Debug, PartialEq)]
pub struct NewAnswer {
    pub guild_id: u64,
    pub channel_id: u64,
    pub user_id: u64,
    pub to: AnswerRef,
    pub via: Via,
    pub body: String,
    pub impact: Impact,
    pub classification: Classification,
    /// The thread reply's id; a replayed event repeats it.
    pub message_id: Option<u64>,
    /// The modal submission's id; a retried submission repeats it.
    pub interaction_id: Option<u64>,
    pub created_at: Timestamp,
    /// A follow-up it asks for, stored in the same transaction.
    pub follow_up: Option<FollowUpSpec>,
    /// The guild's customers its text names (linked in the same transaction).
    pub customers: Vec<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anonymous_answers_in_a_small_group_are_left_to_the_totals() {
        let (shown, hidden) = listable(vec![7, ANONYMOUS], |u| *u);
        assert_eq!((shown, hidden), (vec![7], 1));
        let (shown, hidden) = listable(vec![7, ANONYMOUS, 8], |u| *u);
        assert_eq!((shown, hidden), (vec![7, ANONYMOUS, 8], 0));
    }

    #[test]
    fn impact_parses_words_and_blank() {
        assert_eq!(Impact::parse("Helps").unwrap(), Impact::Helps);
        assert_eq!(Impact::parse("hurt").unwrap(), Impact::Hurts);
        assert_eq!(Impact::parse(" ").unwrap(), Impact::Unknown);
        assert!(Impact::parse("great").is_err());
    }

    #[test]
    fn over_long_answer_says_by_how_much() {
        let err = check_text(&"x".repeat(4010)).unwrap_err();
        assert!(err.contains("4010") && err.contains("by 10"), "{err}");
        assert_eq!(check_text("  fine  ").unwrap(), "fine");
        assert!(check_text("   ").is_err());
    }

    #[test]
    fn control_characters_go_and_invisible_text_is_no_answer() {
        assert_eq!(check_text("a\0b\u{7}c\nd\te").unwrap(), "abc\nd\te");
        for nothing in ["\u{200B}\u{200B}", " \u{FEFF}\u{2060} ", "\0\0", "\u{200D}\n\u{3164}"] {
            assert!(check_text(nothing).is_err(), "{nothing:?}");
        }
        assert_eq!(check_text("👍\u{FE0F}").unwrap(), "👍\u{FE0F}");
    }
}
