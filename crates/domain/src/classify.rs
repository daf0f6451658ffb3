//! Classifies an answer's text: does it cite evidence or lean on
//! assumption, which segments does it name, does it ask for a follow-up.
//! The patterns come from prompts/patterns.toml, extended per guild.

use regex::{Regex, RegexBuilder, RegexSet, RegexSetBuilder};

use super::insight::Segment;

/// Compiled regexes are capped so an admin's pattern cannot eat memory.
const REGEX_SIZE_LIMIT: usize = 1 << 20;

/// Compiles one admin-supplied regex with a message that says how to fix it.
pub fn compile(pattern: &str) -> Result<Regex, String> {
    RegexBuilder::new(pattern)
        .size_limit(REGEX_SIZE_LIMIT)
        .build()
        .map_err(|e| format!("`{pattern}` is not a valid regular expression: {}", last_line(&e.to_string())))
}

fn last_line(text: &str) -> String {
    text.lines().last().unwrap_or(text).trim().to_string()
}

/// A kind of signal the classifier looks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Signal {
    Evidence,
    Assumption,
    FollowUp,
}

impl Signal {
    pub const ALL: [Signal; 3] = [Signal::Evidence, Signal::Assumption, Signal::FollowUp];

    pub fn key(self) -> &'static str {
        match self {
            Signal::Evidence => "evidence",
            Signal::Assumption => "assumption",
            Signal::FollowUp => "follow_up",
        }
    }
}

/// How many customers an answer speaks for: one customer's voice is not
/// all customers'.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Reach {
    One,
    Few,
    Many,
    All,
    #[default]
    Unknown,
}

impl Reach {
    pub const ALL: [Reach; 5] = [Reach::One, Reach::Few, Reach::Many, Reach::All, Reach::Unknown];

    pub fn as_str(self) -> &'static str {
        match self {
            Reach::One => "one",
            Reach::Few => "few",
            Reach::Many => "many",
            Reach::All => "all",
            Reach::Unknown => "unknown",
        }
    }

    /// What the answer form takes: `one`, `a few`, `many`, `all`; blank
    /// means "work it out from the text".
    pub fn parse(text: &str) -> Result<Option<Reach>, String> {
        let key = text.trim().to_lowercase();
        let reach = match key.trim_start_matches("a ").trim() {
            "" => return Ok(None),
            "one" | "1" | "single" | "one customer" => Reach::One,
            "few" | "some" | "several" | "few customers" => Reach::Few,
            "many" | "most" | "many customers" | "most customers" => Reach::Many,
            "all" | "every" | "everyone" | "all customers" => Reach::All,
            "unknown" | "not sure" | "don't know" | "?" => Reach::Unknown,
            _ => return Err(format!("`{text}` is not a number of customers; write one, a few, many, all or unknown")),
        };
        Ok(Some(reach))
    }
}

/// What the classifier found in one answer.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Classification {
    pub has_evidence: bool,
    pub has_assumption: bool,
    pub wants_follow_up: bool,
    pub segments: Vec<Segment>,
    pub reach: Reach,
}

#[derive(Clone, Debug)]
struct SignalPatterns {
    sources: Vec<String>,
    set: RegexSet,
}

impl SignalPatterns {
    fn new(sources: Vec<String>) -> Result<Self, String> {
        for source in &sources {
            compile(source)?;
        }
        let set = RegexSetBuilder::new(&sources)
            .size_limit(REGEX_SIZE_LIMIT * 8)
            .build()
            .map_err(|e| format!("patterns are too large together: {}", last_line(&e.to_string())))?;
        Ok(SignalPatterns { sources, set })
    }
}

/// The classifier's patterns, one set per signal plus the segment tag.
#[derive(Clone, Debug)]
pub struct Patterns {
    evidence: SignalPatterns,
    assumption: SignalPatterns,
    follow_up: SignalPatterns,
    segment_tag: Regex,
    /// Text that speaks for all, many, a few or one customer, checked in
    /// that order (the broadest claim wins).
    reach: Vec<(Reach, SignalPatterns)>,
}

impl Patterns {
    /// `segment_tag` must capture the segment name in its first group.
    pub fn new(
        evidence: Vec<String>,
        assumption: Vec<String>,
        follow_up: Vec<String>,
        segment_tag: &str,
    ) -> Result<Self, String> {
        let segment_tag = compile(segment_tag)?;
        if segment_tag.captures_len() < 2 {
            return Err(
                "the segment tag pattern needs a capture group for the segment name, e.g. #([a-z][a-z0-9_-]*)".into()
            );
        }
        Ok(Patterns {
            evidence: SignalPatterns::new(evidence)?,
            assumption: SignalPatterns::new(assumption)?,
            follow_up: SignalPatterns::new(follow_up)?,
            segment_tag,
            reach: Vec::new(),
        })
    }

    /// These patterns with the lists that tell how many customers an
    /// answer speaks for: (all, many, few, one).
    pub fn with_reach(mut self, [all, many, few, one]: [Vec<String>; 4]) -> Result<Self, String> {
        self.reach = vec![
            (Reach::All, SignalPatterns::new(all)?),
            (Reach::Many, SignalPatterns::new(many)?),
            (Reach::Few, SignalPatterns::new(few)?),
            (Reach::One, SignalPatterns::new(one)?),
        ];
        Ok(self)
    }

    fn signal(&self, signal: Signal) -> &SignalPatterns {
        match signal {
            Signal::Evidence => &self.evidence,
            Signal::Assumption => &self.assumption,
            Signal::FollowUp => &self.follow_up,
        }
    }

    /// These patterns plus a guild's own for one signal.
    pub fn extended(&self, signal: Signal, extra: &str) -> Result<Patterns, String> {
        let mut sources = self.signal(signal).sources.clone();
        sources.push(extra.to_string());
        let patterns = SignalPatterns::new(sources)?;
        let mut out = self.clone();
        match signal {
            Signal::Evidence => out.evidence = patterns,
            Signal::Assumption => out.assumption = patterns,
            Signal::FollowUp => out.follow_up = patterns,
        }
        Ok(out)
    }

    pub fn classify(&self, text: &str) -> Classification {
        let mut segments: Vec<Segment> =
            self.segment_tag.captures_iter(text).filter_map(|c| Segment::parse(c.get(1)?.as_str()).ok()).collect();
        segments.sort();
        segments.dedup();
        Classification {
            has_evidence: self.evidence.set.is_match(text),
            has_assumption: self.assumption.set.is_match(text),
            wants_follow_up: self.follow_up.set.is_match(text),
            segments,
            reach: self.reach.iter().find(|(_, p)| p.set.is_match(text)).map_or(Reach::Unknown, |(r, _)| *r),
        }
    }
}
