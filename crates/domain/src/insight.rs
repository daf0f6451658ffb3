//! What an insight is: a real customer's story with the evidence behind it.

use std::fmt;

/// Where the evidence behind an insight comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EvidenceSource {
    Interview,
    SupportTicket,
    NpsSurvey,
    Churn,
    UsageData,
    SalesCall,
}

impl EvidenceSource {
    pub const ALL: [EvidenceSource; 6] = [
        EvidenceSource::Interview,
        EvidenceSource::SupportTicket,
        EvidenceSource::NpsSurvey,
        EvidenceSource::Churn,
        EvidenceSource::UsageData,
        EvidenceSource::SalesCall,
    ];

    /// Accepts the stored name and the words people and export tools use.
    pub fn parse(text: &str) -> Result<Self, String> {
        let key: String = text.trim().to_lowercase().chars().filter(|c| c.is_alphanumeric()).collect();
        let source = match key.as_str() {
            "interview" | "customerinterview" | "userinterview" => Self::Interview,
            "supportticket" | "support" | "ticket" | "zendesk" | "intercom" => Self::SupportTicket,
            "npssurvey" | "nps" | "survey" | "csat" => Self::NpsSurvey,
            "churn" | "churnsurvey" | "cancellation" | "exitsurvey" => Self::Churn,
            "usagedata" | "usage" | "analytics" | "productanalytics" => Self::UsageData,
            "salescall" | "sales" | "demo" | "gong" => Self::SalesCall,
            _ => {
                let names: Vec<_> = Self::ALL.iter().map(|s| s.as_str()).collect();
                return Err(format!("`{text}` is not an evidence source; use one of {}", names.join(", ")));
            }
        };
        Ok(source)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Interview => "interview",
            Self::SupportTicket => "support_ticket",
            Self::NpsSurvey => "nps_survey",
            Self::Churn => "churn",
            Self::UsageData => "usage_data",
            Self::SalesCall => "sales_call",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Interview => "Customer interview",
            Self::SupportTicket => "Support ticket",
            Self::NpsSurvey => "NPS survey",
            Self::Churn => "Churn",
            Self::UsageData => "Usage data",
            Self::SalesCall => "Sales call",
        }
    }
}

/// A customer segment as a short slug: `enterprise`, `public-sector`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Segment(String);

impl Segment {
    pub const MAX_LEN: usize = 40;

    pub fn parse(text: &str) -> Result<Self, String> {
        let mut slug = String::new();
        for c in text.trim().trim_start_matches('#').chars() {
            match c {
                c if c.is_alphanumeric() => slug.extend(c.to_lowercase()),
                ' ' | '-' | '_' if !slug.is_empty() && !slug.ends_with('-') => slug.push('-'),
                ' ' | '-' | '_' => {}
                _ => return Err(format!("segment `{text}` may only hold letters, digits, spaces and dashes")),
            }
        }
        let slug = slug.trim_end_matches('-').to_string();
        if slug.is_empty() {
            return Err("a segment needs a name, e.g. enterprise or smb".into());
        }
        if slug.chars().count() > Self::MAX_LEN {
            return Err(format!("segment `{text}` is longer than {} characters", Self::MAX_LEN));
        }
        Ok(Segment(slug))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Segment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Whether a guild's insight is live, waiting for a manager, or declined.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InsightStatus {
    Live,
    Pending,
    Rejected,
    /// Shipped library insights removed from prompts/.
    Retired,
}

impl InsightStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Live => "live",
            Self::Pending => "pending",
            Self::Rejected => "rejected",
            Self::Retired => "retired",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Self::Live, Self::Pending, Self::Rejected, Self::Retired].into_iter().find(|s| s.as_str() == text)
    }
}

/// An insight ready to be stored: every field checked.
#[derive(Clone, Debug, PartialEq)]
pub struct NewInsight {
    pub title: String,
    pub customer: String,
    pub segment: Segment,
    pub story: String,
    pub evidence: String,
    pub source: EvidenceSource,
    pub question: String,
    pub tags: Vec<String>,
    /// Shipped as an illustration, not a real customer.
    pub is_example: bool,
    /// Stable name of a shipped insight, so edits to prompts/ update it.
    pub library_key: Option<String>,
    /// Fingerprint of an imported row, so a re-import adds nothing twice.
    pub import_key: Option<String>,
}

/// The longest each field may be; they all share one embed (6,000 in all).
pub const LIMITS: [(&str, usize); 6] =
    [("title", 200), ("customer", 100), ("story", 1000), ("evidence", 1000), ("question", 300), ("tags", 200)];

impl NewInsight {
    /// Checks the free-text fields: present and within Discord's limits.
    pub fn check(&self) -> Result<(), String> {
        let tags = self.tags.join(", ");
        let fields = [&self.title, &self.customer, &self.story, &self.evidence, &self.question, &tags];
        for ((name, max), value) in LIMITS.iter().zip(fields) {
            let len = value.chars().count();
            if len == 0 && *name != "tags" {
                return Err(format!("{name} is empty"));
            }
            if len > *max {
                return Err(format!("{name} is {len} characters; the limit is {max}"));
            }
        }
        Ok(())
    }
}

/// An insight as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct Insight {
    pub id: i64,
    /// `None` for the shipped library, shared by every guild.
    pub guild_id: Option<u64>,
    pub body: NewInsight,
    pub status: InsightStatus,
    pub added_by: Option<u64>,
}

/// Text as people read it for sameness: lower case, letters and digits,
/// words separated by one space.
fn normalized(text: &str) -> String {
    let kept: String = text.to_lowercase().chars().map(|c| if c.is_alphanumeric() { c } else { ' ' }).collect();
    kept.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// How alike two texts are, from 0 to 1 (1: the same words once case and
/// punctuation are set aside), by edit distance.
pub fn similarity(a: &str, b: &str) -> f64 {
    strsim::normalized_levenshtein(&normalized(a), &normalized(b))
}

/// The insights whose title or customer is at least `threshold` alike to
/// `new`'s: probably the same story told again. Rejected ones do not count.
pub fn look_alikes<'a>(new: &NewInsight, existing: &'a [Insight], threshold: f64) -> Vec<&'a Insight> {
    existing
        .iter()
        .filter(|i| i.status != InsightStatus::Rejected)
        .filter(|i| {
            similarity(&new.title, &i.body.title) >= threshold
                || similarity(&new.customer, &i.body.customer) >= threshold
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_accept_export_tool_words() {
        assert_eq!(EvidenceSource::parse("Support Ticket").unwrap(), EvidenceSource::SupportTicket);
        assert_eq!(EvidenceSource::parse("NPS").unwrap(), EvidenceSource::NpsSurvey);
        assert_eq!(EvidenceSource::parse("usage_data").unwrap(), EvidenceSource::UsageData);
        for s in EvidenceSource::ALL {
            assert_eq!(EvidenceSource::parse(s.as_str()).unwrap(), s);
        }
    }

    #[test]
    fn unknown_source_lists_the_valid_ones() {
        let err = EvidenceSource::parse("gut feeling").unwrap_err();
        assert!(err.contains("sales_call") && err.contains("gut feeling"), "{err}");
    }

    #[test]
    fn segments_become_slugs() {
        assert_eq!(Segment::parse("Public Sector").unwrap().as_str(), "public-sector");
        assert_eq!(Segment::parse("#SMB").unwrap().as_str(), "smb");
        assert_eq!(Segment::parse(" mid_market ").unwrap().as_str(), "mid-market");
    }

    #[test]
    fn empty_or_symbolic_segment_is_rejected() {
        assert!(Segment::parse("  ").is_err());
        assert!(Segment::parse("a/b").is_err());
        assert!(Segment::parse(&"x".repeat(41)).is_err());
    }

    fn sample() -> NewInsight {
        NewInsight {
            title: "Exports time out".into(),
            customer: "Acme".into(),
            segment: Segment::parse("enterprise").unwrap(),
            story: "They export every Friday.".into(),
            evidence: "Ticket #4411".into(),
            source: EvidenceSource::SupportTicket,
            question: "What would a fix change for them?".into(),
            tags: vec![],
            is_example: false,
            library_key: None,
            import_key: None,
        }
    }

    #[test]
    fn over_long_story_is_rejected_with_its_length() {
        let insight = NewInsight { story: "a".repeat(1001), ..sample() };
        assert_eq!(insight.check().unwrap_err(), "story is 1001 characters; the limit is 1000");
        assert!(sample().check().is_ok());
    }

    #[test]
    fn a_title_differing_only_in_case_and_punctuation_is_a_look_alike() {
        let stored = |id, title: &str, customer: &str, status| Insight {
            id,
            guild_id: Some(1),
            body: NewInsight { title: title.into(), customer: customer.into(), ..sample() },
            status,
            added_by: None,
        };
        let existing = [
            stored(1, "Exports time out!", "Globex", InsightStatus::Live),
            stored(2, "Onboarding is slow", "Acme Corp.", InsightStatus::Pending),
            stored(3, "Exports time-out", "Initech", InsightStatus::Rejected),
            stored(4, "Billing confuses admins", "Umbrella", InsightStatus::Live),
        ];
        let new = NewInsight { title: "EXPORTS -- time out".into(), customer: "acme corp".into(), ..sample() };
        let found: Vec<i64> = look_alikes(&new, &existing, 0.85).iter().map(|i| i.id).collect();
        assert_eq!(found, [1, 2], "same title; same customer; a rejected one does not count");
        assert_eq!(similarity("Exports time out!", "exports, time out"), 1.0);
        assert!(similarity("Exports time out", "Billing confuses admins") < 0.5);
    }

    #[test]
    fn empty_question_is_rejected() {
        let insight = NewInsight { question: String::new(), ..sample() };
        assert_eq!(insight.check().unwrap_err(), "question is empty");
    }
}
