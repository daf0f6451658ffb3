//! prompts/patterns.toml: the regexes behind answer classification.

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
}

pub fn parse(path: impl AsRef<Path>, text: &str) -> Result<Patterns, Vec<Problem>> {
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
    let tag = &file.segment_tag;
    match Patterns::new(evidence, assumption, follow_up, tag.get_ref()) {
        Ok(patterns) if problems.is_empty() => Ok(patterns),
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
            "segment_tag = '#([a-z]+)'\nevidence = [\n  'ok',\n  '(broken',\n]\nassumption = []\nfollow_up = []\n";
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
