//! prompts/: the shipped insight library, every text the bot posts, and
//! the classifier's patterns, as files an admin can edit. Loading checks
//! everything and reports each problem as `path:line: what is wrong`.

pub mod library;
pub mod patterns;
pub mod texts;

use std::fmt;
use std::path::{Path, PathBuf};

use crate::domain::classify::Patterns;
use crate::domain::insight::NewInsight;

pub use texts::Texts;

/// Everything loaded from a prompts directory.
#[derive(Debug)]
pub struct Prompts {
    pub library: Vec<NewInsight>,
    pub texts: Texts,
    pub patterns: Patterns,
}

/// One thing wrong in a prompts file.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    pub path: PathBuf,
    pub line: usize,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.path.display(), self.line, self.message)
    }
}

/// Every problem found, so an admin can fix them all in one pass.
#[derive(Debug)]
pub struct Problems(pub Vec<Problem>);

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Problems {}

/// A file's text with its path, for locating problems by byte offset.
pub(crate) struct Source<'a> {
    pub path: &'a Path,
    pub text: &'a str,
}

impl Source<'_> {
    pub fn problem(&self, offset: usize, message: impl Into<String>) -> Problem {
        let line = self.text[..offset.min(self.text.len())].matches('\n').count() + 1;
        Problem { path: self.path.to_path_buf(), line, message: message.into() }
    }

    /// A TOML syntax or shape error, located where the parser says.
    pub fn toml_problem(&self, err: &toml::de::Error) -> Problem {
        let offset = err.span().map_or(0, |s| s.start);
        self.problem(offset, err.message().trim().to_string())
    }
}

/// Loads and checks `dir`: `insights/*.toml`, `texts.toml`, `patterns.toml`.
pub fn load(dir: &Path) -> Result<Prompts, Problems> {
    let mut problems = Vec::new();
    let mut read = |name: &str| -> Option<(PathBuf, String)> {
        let path = dir.join(name);
        match std::fs::read_to_string(&path) {
            Ok(text) => Some((path, text)),
            Err(e) => {
                problems.push(Problem { path: path.clone(), line: 0, message: format!("cannot read it: {e}") });
                None
            }
        }
    };
    let texts_file = read("texts.toml");
    let patterns_file = read("patterns.toml");

    let texts = texts_file.and_then(|(path, text)| collect(texts::parse(&path, &text), &mut problems));
    let patterns = patterns_file.and_then(|(path, text)| collect(patterns::parse(&path, &text), &mut problems));
    let library = collect(library::load(&dir.join("insights")), &mut problems);

    match (texts, patterns, library) {
        (Some(texts), Some(patterns), Some(library)) if problems.is_empty() => Ok(Prompts { library, texts, patterns }),
        _ => Err(Problems(problems)),
    }
}

fn collect<T>(result: Result<T, Vec<Problem>>, problems: &mut Vec<Problem>) -> Option<T> {
    result.map_err(|mut p| problems.append(&mut p)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shipped() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("prompts")
    }

    #[test]
    fn shipped_prompts_load_cleanly() {
        let prompts = load(&shipped()).unwrap_or_else(|e| panic!("{e}"));
        assert!(prompts.library.len() >= 30);
    }

    #[test]
    fn a_missing_directory_names_each_missing_file() {
        let err = load(Path::new("/nonexistent/prompts")).unwrap_err().to_string();
        assert!(err.contains("texts.toml") && err.contains("patterns.toml") && err.contains("insights"), "{err}");
    }

    #[test]
    fn problem_lines_count_from_one() {
        let source = Source { path: Path::new("a.toml"), text: "x = 1\ny = 2\n" };
        assert_eq!(source.problem(0, "m").to_string(), "a.toml:1: m");
        assert_eq!(source.problem(6, "m").to_string(), "a.toml:2: m");
    }
}
