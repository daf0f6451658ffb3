//! prompts/insights/*.toml: the shipped insight library.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use super::{Problem, Source};
use domain::insight::{EvidenceSource, NewInsight, Segment};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    insight: Vec<Spanned<Entry>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    key: String,
    title: String,
    customer: String,
    segment: String,
    story: String,
    evidence: String,
    source: String,
    question: String,
    #[serde(default)]
    tags: Vec<String>,
    /// Shipped insights are illustrations unless an admin says otherwise.
    #[serde(default = "yes")]
    example: bool,
}

fn yes() -> bool {
    true
}

impl Entry {
    fn into_insight(self) -> Result<NewInsight, String> {
        let key_ok =
            !self.key.is_empty() && self.key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !key_ok {
            return Err(format!("key `{}` must be lowercase letters, digits and dashes", self.key));
        }
        let insight = NewInsight {
            title: self.title.trim().to_string(),
            customer: self.customer.trim().to_string(),
            segment: Segment::parse(&self.segment)?,
            story: self.story.trim().to_string(),
            evidence: self.evidence.trim().to_string(),
            source: EvidenceSource::parse(&self.source)?,
            question: self.question.trim().to_string(),
            tags: self.tags.iter().map(|t| t.trim().to_lowercase()).filter(|t| !t.is_empty()).collect(),
            is_example: self.example,
            library_key: Some(self.key),
            import_key: None,
        };
        insight.check()?;
        Ok(insight)
    }
}

/// The `*.toml` files of the library folder `dir`, in name order.
pub fn files(dir: &Path) -> Result<Vec<PathBuf>, Problem> {
    let entries = std::fs::read_dir(dir).map_err(|e| Problem {
        path: dir.to_path_buf(),
        line: 0,
        message: format!("cannot read the insight library folder: {e}"),
    })?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    Ok(paths)
}

/// Parses the library's files, in the order given. Keys must be unique
/// across files: they tie a stored insight to its entry.
pub fn parse_files(files: &[&(PathBuf, String)]) -> Result<Vec<NewInsight>, Vec<Problem>> {
    let mut insights = Vec::new();
    let mut problems = Vec::new();
    let mut seen: HashMap<String, String> = HashMap::new();
    for (path, text) in files {
        let source = Source { path, text };
        match parse(&source) {
            Ok(found) => {
                for (offset, insight) in found {
                    let key = insight.library_key.clone().unwrap_or_default();
                    let here = source.problem(offset, "").line;
                    let place = format!("{}:{here}", path.display());
                    if let Some(first) = seen.insert(key.clone(), place) {
                        problems.push(source.problem(offset, format!("key `{key}` is already used at {first}")));
                    } else {
                        insights.push(insight);
                    }
                }
            }
            Err(mut p) => problems.append(&mut p),
        }
    }
    if problems.is_empty() {
        Ok(insights)
    } else {
        Err(problems)
    }
}

fn parse(source: &Source) -> Result<Vec<(usize, NewInsight)>, Vec<Problem>> {
    let file: File = toml::from_str(source.text).map_err(|e| vec![source.toml_problem(&e)])?;
    let mut problems = Vec::new();
    let mut insights = Vec::new();
    for entry in file.insight {
        let offset = entry.span().start;
        let key = entry.get_ref().key.clone();
        match entry.into_inner().into_insight() {
            Ok(insight) => insights.push((offset, insight)),
            Err(e) => problems.push(source.problem(offset, format!("insight `{key}`: {e}"))),
        }
    }
    if problems.is_empty() {
        Ok(insights)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The library folder `dir`, read and parsed.
    fn load(dir: &Path) -> Result<Vec<NewInsight>, Vec<Problem>> {
        let files: Vec<(PathBuf, String)> =
            files(dir).unwrap().into_iter().map(|p| (p.clone(), std::fs::read_to_string(p).unwrap())).collect();
        parse_files(&files.iter().collect::<Vec<_>>())
    }
    use std::collections::HashSet;

    fn shipped() -> Vec<NewInsight> {
        load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../prompts/insights"))
            .unwrap_or_else(|p| panic!("{}", p.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("\n")))
    }

    #[test]
    fn shipped_library_has_30_examples_across_5_segments() {
        let library = shipped();
        assert!(library.len() >= 30, "{} insights", library.len());
        let segments: HashSet<_> = library.iter().map(|i| i.segment.clone()).collect();
        assert!(segments.len() >= 5, "{segments:?}");
        assert!(library.iter().all(|i| i.is_example && !i.evidence.is_empty()));
    }

    #[test]
    fn shipped_library_uses_several_evidence_sources() {
        let sources: HashSet<_> = shipped().iter().map(|i| i.source).collect();
        assert_eq!(sources.len(), EvidenceSource::ALL.len());
    }

    fn write(dir: &Path, name: &str, text: &str) {
        std::fs::write(dir.join(name), text).unwrap();
    }

    const ENTRY: &str = "[[insight]]\nkey = \"a\"\ntitle = \"T\"\ncustomer = \"C\"\nsegment = \"smb\"\nstory = \"S\"\nevidence = \"E\"\nsource = \"interview\"\nquestion = \"Q\"\n";

    #[test]
    fn a_bad_source_is_reported_at_its_entry() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "one.toml", &format!("# comment\n{}", ENTRY.replace("interview", "hunch")));
        let problems = load(dir.path()).unwrap_err();
        let text = problems[0].to_string();
        assert!(text.contains("one.toml:2: insight `a`: `hunch` is not an evidence source"), "{text}");
    }

    #[test]
    fn a_duplicate_key_names_the_first_place() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "one.toml", ENTRY);
        write(dir.path(), "two.toml", ENTRY);
        let problems = load(dir.path()).unwrap_err();
        assert!(problems[0].to_string().contains("two.toml:1: key `a` is already used at"), "{}", problems[0]);
        assert!(problems[0].to_string().contains("one.toml:1"), "{}", problems[0]);
    }

    #[test]
    fn a_missing_field_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "one.toml", &ENTRY.replace("question = \"Q\"\n", ""));
        let problems = load(dir.path()).unwrap_err();
        assert!(problems[0].message.contains("missing field `question`"), "{}", problems[0]);
    }
}
