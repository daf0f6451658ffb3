//! prompts/patterns.toml: the regexes behind answer classification, and
//! how alike two insights must be for a suggestion to be questioned.

use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::{Problem, Source};
use domain::classify::{compile, Patterns};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    segment_tag: Spanned<String>,
    evidence: Vec<Spanned<String>>,
    assumption: Vec<Spanned<String>>,
    follow_up: Vec<Spanned<String>>,
    reach_all: Vec<Spanned<String>>,
    reach_many: Vec<Spanned<String>>,
    reach_few: Vec<Spanned<String>>,
    reach_one: Vec<Spanned<String>>,
    similar_insight: Spanned<f64>,
}

/// What patterns.toml holds.
#[derive(Debug)]
pub struct PatternsFile {
    pub patterns: Patterns,
    /// From 0.5 to 1: how alike (normalised text similarity) a suggested
    /// insight's title or customer must be to an existing one's for the
    /// member to be asked before it is saved.
    pub similar_insight: f64,
}

pub fn parse(path: impl AsRef<Path>, text: &str) -> Result<PatternsFile, Vec<Problem>> {
    let source = Source { path: path.as_ref(), text };
    let file: File = toml::from_str(text).map_err(|e| vec![source.toml_problem(&e)])?;
    let mut problems = Vec::new();
    let mut check = |list: &[Spanned<String>]| -> Vec<String> {
        list.iter()
            .filter_map(|p| match compile(p.get_ref()) {
                Ok(_) => Some(p.get_ref().clone()),
                Err(e) => {
                    problems.push(source.problem(p.span().start, e));
                    None
                }
            })
            .collect()
    };
    let evidence = check(&file.evidence);
    let assumption = check(&file.assumption);
    let follow_up = check(&file.follow_up);
    let reach = [check(&file.reach_all), check(&file.reach_many), check(&file.reach_few), check(&file.reach_one)];
    let similar_insight = *file.similar_insight.get_ref();
    if !(0.5..=1.0).contains(&similar_insight) {
        let e = format!("similar_insight must be from 0.5 to 1 (1: only the same words), not {similar_insight}");
        problems.push(source.problem(file.similar_insight.span().start, e));
    }
    let tag = &file.segment_tag;
    match Patterns::new(evidence, assumption, follow_up, tag.get_ref()).and_then(|p| p.with_reach(reach)) {
        Ok(patterns) if problems.is_empty() => Ok(PatternsFile { patterns, similar_insight }),
        Ok(_) => Err(problems),
        Err(e) => {
            problems.push(source.problem(tag.span().start, e));
            Err(problems)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_regex_is_reported_on_its_line() {
        let text =
            "segment_tag = '#([a-z]+)'\nevidence = [\n  'ok',\n  '(broken',\n]\nassumption = []\nfollow_up = []\nreach_all = []\nreach_many = []\nreach_few = []\nreach_one = []\nsimilar_insight = 0.8\n";
        let problems = parse("p.toml", text).unwrap_err();
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0].to_string().starts_with("p.toml:4: `(broken` is not a valid regular expression"),
            "{}",
            problems[0]
        );
    }

    #[test]
    fn unknown_key_is_reported() {
        let text = "segment_tag = '#([a-z]+)'\nevidence = []\nassumption = []\nfollow_up = []\nevidense = []\n";
        let problems = parse("p.toml", text).unwrap_err();
        assert!(problems[0].to_string().starts_with("p.toml:5: unknown field `evidense`"), "{}", problems[0]);
    }
}

#[cfg(test)]
mod shipped_patterns {
    //! The classifier's rules as the shipped patterns make them.
    use domain::classify::{Patterns, Reach, Signal};

    fn shipped() -> Patterns {
        let text = include_str!("../../../../prompts/patterns.toml");
        super::parse("patterns.toml", text).expect("shipped patterns load").patterns
    }

    #[test]
    fn how_many_customers_an_answer_speaks_for_the_broadest_claim_first() {
        let p = shipped();
        let reach = |text: &str| p.classify(text).reach;
        assert_eq!(reach("Acme asked for this last week"), Reach::One);
        assert_eq!(reach("One customer said the export is slow"), Reach::One);
        assert_eq!(reach("A few customers hit this in onboarding"), Reach::Few);
        assert_eq!(reach("Most customers never open that page"), Reach::Many);
        assert_eq!(reach("Acme asked, and 40% of trials drop there"), Reach::Many, "the broader claim wins");
        assert_eq!(reach("It blocks all of our customers on Safari"), Reach::All);
        assert_eq!(reach("I think it is fine"), Reach::Unknown);
        assert_eq!(Reach::parse(" A few ").unwrap(), Some(Reach::Few));
        assert_eq!(Reach::parse("").unwrap(), None, "blank: from the text");
        assert!(Reach::parse("lots").unwrap_err().contains("one, a few, many, all"));
    }

    #[test]
    fn numbers_with_units_count_as_evidence() {
        let p = shipped();
        for text in [
            "Churn dropped 12% after the fix",
            "load time is 3.5 s for them",
            "40 customers asked for it",
            "it costs them $300 a month",
            "asked for it in 3 sales calls",
            "14 support tickets last month",
        ] {
            assert!(p.classify(text).has_evidence, "{text}");
        }
    }

    #[test]
    fn links_tickets_and_quotes_count_as_evidence() {
        let p = shipped();
        for text in [
            "see https://support.example.com/t/1",
            "reported in #4411",
            "tracked as ABC-123",
            "she said \"I export this every Friday\"",
            "they told us “the report is useless”",
        ] {
            assert!(p.classify(text).has_evidence, "{text}");
        }
    }

    #[test]
    fn plain_opinion_is_not_evidence() {
        let c = shipped().classify("I think customers will probably like it");
        assert!(!c.has_evidence);
        assert!(c.has_assumption);
    }

    #[test]
    fn assumption_language_is_found_in_any_case() {
        let p = shipped();
        for text in ["Maybe nobody uses it", "I assume they won't mind", "that should be fine", "I THINK so"] {
            assert!(p.classify(text).has_assumption, "{text}");
        }
        assert!(!p.classify("The export fails for Acme").has_assumption);
    }

    #[test]
    fn segment_tags_are_collected_once_and_tickets_are_not_segments() {
        let c = shipped().classify("hits #Enterprise and #smb, again #enterprise; see #1234");
        let names: Vec<_> = c.segments.iter().map(|s| s.as_str()).collect();
        assert_eq!(names, ["enterprise", "smb"]);
    }

    #[test]
    fn follow_up_markers_are_found() {
        let p = shipped();
        for text in ["we should follow up with Acme", "Action: call them", "TODO ask support", "follow-up next week"] {
            assert!(p.classify(text).wants_follow_up, "{text}");
        }
        assert!(!p.classify("nothing to do").wants_follow_up);
    }

    #[test]
    fn guild_can_extend_a_signal() {
        let p = shipped().extended(Signal::Evidence, r"(?i)\bgong call\b").unwrap();
        assert!(p.classify("heard it on a Gong call").has_evidence);
        assert!(!shipped().classify("heard it on a Gong call").has_evidence);
    }

    #[test]
    fn invalid_extension_is_refused_with_the_pattern() {
        let err = shipped().extended(Signal::Assumption, "(unclosed").unwrap_err();
        assert!(err.contains("(unclosed") && err.contains("not a valid regular expression"), "{err}");
    }

    #[test]
    fn segment_tag_without_group_is_refused() {
        assert!(Patterns::new(vec![], vec![], vec![], "#[a-z]+").is_err());
    }
}
