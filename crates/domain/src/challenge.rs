//! Challenging an assumption: a teammate's reaction on an answer asks it
//! for its data; the answer stays "open" until evidence validates it or a
//! manager refutes it.

/// How a challenge ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resolution {
    /// Evidence was added (by its author, a teammate or a manager).
    Validated,
    /// A manager judged it wrong.
    Refuted,
}

impl Resolution {
    pub fn as_str(self) -> &'static str {
        match self {
            Resolution::Validated => "validated",
            Resolution::Refuted => "refuted",
        }
    }
}

/// An answer just challenged, and where to ask its author for data.
#[derive(Clone, Debug, PartialEq)]
pub struct Challenged {
    pub answer_id: i64,
    /// [`super::answer::ANONYMOUS`] for an anonymous answer.
    pub author: u64,
    pub body: String,
    pub thread_id: u64,
}

/// A period's challenges, as the database counts them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ChallengeCounts {
    pub challenged: i64,
    pub validated: i64,
    pub refuted: i64,
    /// Challenged before the period ended and not resolved by then.
    pub open: i64,
}
