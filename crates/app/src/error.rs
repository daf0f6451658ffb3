//! The one error split: a [`UserError`] is the person's to fix and is
//! shown to them; anything else is ours, logged and apologised for.

/// A problem the user caused and can fix: shown to them, not logged as
/// an internal error.
#[derive(Debug)]
pub struct UserError(pub String);

impl std::fmt::Display for UserError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UserError {}

/// What to tell the person: `Some` for their own mistake, `None` for an
/// internal failure (log it, apologise).
pub fn user_message(error: &anyhow::Error) -> Option<&str> {
    error.downcast_ref::<UserError>().map(|u| u.0.as_str())
}

/// The person's mistake as its message (`Ok`), or our failure as it was.
pub fn user_problem(error: anyhow::Error) -> Result<String, anyhow::Error> {
    user_message(&error).map(str::to_string).ok_or(error)
}

impl super::App {
    /// A [`UserError`] worded by the prompts text `key`.
    pub fn refuse(&self, key: &str) -> anyhow::Error {
        UserError(self.prompts.texts.text(key)).into()
    }

    /// A [`UserError`] worded by the prompts text `key`, with its
    /// placeholders (`minijinja::context!`).
    pub fn refuse_with(&self, key: &str, ctx: minijinja::Value) -> anyhow::Error {
        UserError(self.prompts.texts.render(key, ctx)).into()
    }
}
