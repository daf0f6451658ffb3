//! Tokens of the JSON API: what each may do.

/// What a token may do with its guild's data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Read summaries, answers, meetings, follow-ups and insights.
    Read,
    /// Send feedback in (and nothing else): for support desks and surveys.
    Ingest,
}

impl Scope {
    pub fn parse(text: &str) -> Result<Scope, String> {
        match text.trim().to_lowercase().as_str() {
            "read" => Ok(Scope::Read),
            "ingest" => Ok(Scope::Ingest),
            other => Err(format!("a token's scope is read or ingest, not `{other}`")),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Read => "read",
            Scope::Ingest => "ingest",
        }
    }
}

/// A token as stored (never its secret).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiToken {
    pub id: i64,
    pub guild_id: u64,
    pub name: String,
    pub scope: Scope,
    pub created_by: Option<u64>,
    pub created_at: jiff::Timestamp,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_read_as_typed_and_others_are_refused() {
        assert_eq!(Scope::parse(" Read ").unwrap(), Scope::Read);
        assert_eq!(Scope::parse("ingest").unwrap(), Scope::Ingest);
        assert!(Scope::parse("admin").unwrap_err().contains("read or ingest"));
    }
}
