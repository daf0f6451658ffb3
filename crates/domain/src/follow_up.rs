//! A follow-up as people write it: "call Acme about exports <@123> 2026-12-01".

use jiff::civil::Date;
use jiff::Timestamp;
use regex::Regex;
use std::sync::OnceLock;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FollowUpSpec {
    pub body: String,
    /// The first user mentioned, if any; else the author owns it.
    pub owner: Option<u64>,
    pub due: Option<Date>,
    /// The customer waiting on it: "customer: Acme" or "follow up with Acme".
    pub customer: Option<String>,
}

pub const MAX_FOLLOW_UP_CHARS: usize = 500;

fn mention() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"<@!?(\d{1,20})>").expect("valid"))
}

/// "customer: Northwind Traders", or "follow up with Acme" (a name in capitals).
fn waiting_customer() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?:(?i:\bcustomer):\s*([^,;\n<]{1,80}?)\s*(?:[,;\n<]|$)|(?i:\bfollow[ -]?up with) ((?:[A-Z][\w&'.-]*)(?: [A-Z][\w&'.-]*){0,3}))")
            .expect("valid")
    })
}

/// The customer a follow-up's text says is waiting on it, if any.
pub fn customer_in(text: &str) -> Option<String> {
    let found = waiting_customer().captures(text)?;
    let name = found.get(1).or_else(|| found.get(2))?.as_str().trim().trim_end_matches('.');
    (!name.is_empty()).then(|| name.to_string())
}

fn iso_date() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"\b(\d{4}-\d{2}-\d{2})\b").expect("valid"))
}

/// Reads owner and due date out of a follow-up's text. Blank is `None`.
pub fn parse(text: &str) -> Result<Option<FollowUpSpec>, String> {
    let body = text.trim();
    if body.is_empty() {
        return Ok(None);
    }
    let len = body.chars().count();
    if len > MAX_FOLLOW_UP_CHARS {
        return Err(format!("the follow-up is {len} characters; the limit is {MAX_FOLLOW_UP_CHARS}"));
    }
    let owner = mention().captures(body).and_then(|c| c[1].parse().ok());
    let due = match iso_date().captures(body) {
        Some(c) => Some(
            c[1].parse::<Date>().map_err(|_| format!("`{}` is not a date; write the due date as YYYY-MM-DD", &c[1]))?,
        ),
        None => None,
    };
    Ok(Some(FollowUpSpec { body: body.to_string(), owner, due, customer: customer_in(body) }))
}

/// A follow-up about to be stored.
#[derive(Clone, Debug, PartialEq)]
pub struct NewFollowUp {
    pub guild_id: u64,
    pub answer_id: Option<i64>,
    pub meeting_id: Option<i64>,
    pub text: String,
    pub owner_id: Option<u64>,
    pub created_by: u64,
    pub due_date: Option<Date>,
    /// The customer waiting on it, if one is.
    pub customer: Option<String>,
}

/// A follow-up as stored: open until someone marks it done.
#[derive(Clone, Debug, PartialEq)]
pub struct FollowUp {
    pub id: i64,
    pub body: NewFollowUp,
    pub done: bool,
    pub created_at: Timestamp,
    pub done_at: Option<Timestamp>,
    /// What came of it, said when it was closed.
    pub outcome: Option<String>,
    /// Whether the waiting customer was told, said when it was closed.
    pub told_customer: Option<bool>,
}

/// A follow-up due for a reminder in its meeting's thread.
#[derive(Clone, Debug, PartialEq)]
pub struct DueFollowUp {
    pub id: i64,
    pub thread_id: u64,
    pub owner_id: Option<u64>,
    pub text: String,
    pub due_date: Date,
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn owner_and_due_date_are_read_from_the_text() {
        let f = parse("Call Acme about exports <@123456> by 2026-12-01").unwrap().unwrap();
        assert_eq!(f.owner, Some(123456));
        assert_eq!(f.due, Some(date(2026, 12, 1)));
    }

    #[test]
    fn the_waiting_customer_is_named_or_followed_up_with() {
        assert_eq!(
            customer_in("customer: Northwind Traders, send the export fix").as_deref(),
            Some("Northwind Traders")
        );
        assert_eq!(customer_in("Follow up with Acme Corp about SSO <@1>").as_deref(), Some("Acme Corp"));
        assert_eq!(customer_in("follow up with them next week"), None, "a name starts with a capital");
        assert_eq!(customer_in("check the logs"), None);
        assert_eq!(parse("customer: Globex").unwrap().unwrap().customer.as_deref(), Some("Globex"));
    }

    #[test]
    fn blank_means_no_follow_up() {
        assert_eq!(parse("  ").unwrap(), None);
    }

    #[test]
    fn an_impossible_date_is_refused() {
        assert!(parse("ask them 2026-02-30").unwrap_err().contains("YYYY-MM-DD"));
    }

    #[test]
    fn without_mention_or_date_only_the_text_is_kept() {
        let f = parse("ask support").unwrap().unwrap();
        assert_eq!((f.owner, f.due), (None, None));
    }
}
