//! prompts/patterns.toml: the regexes behind answer classification, and
//! how alike two insights must be for a suggestion to be questioned.

use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::{Problem, Source};
use crate::domain::classify::{compile, Patterns};

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
