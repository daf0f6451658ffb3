//! prompts/: the shipped insight library, every text the bot posts, and
//! the classifier's patterns, as files an admin can edit. Loading checks
//! everything and reports each problem as `path:line: what is wrong`.

pub mod holidays;
pub mod library;
pub mod patterns;
pub mod texts;

use std::fmt;
use std::path::{Path, PathBuf};

use domain::classify::Patterns;
use domain::insight::NewInsight;

pub use texts::Texts;

/// Everything loaded from a prompts directory.
#[derive(Debug)]
pub struct Prompts {
    pub library: Vec<NewInsight>,
    pub texts: Texts,
    /// Shared by every guild without patterns of its own.
    pub patterns: std::sync::Arc<Patterns>,
    /// See [`patterns::PatternsFile::similar_insight`].
    pub similar_insight: f64,
    pub holidays: holidays::Holidays,
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

mod shipped {
    include!(concat!(env!("OUT_DIR"), "/shipped_prompts.rs"));
}

/// Where the prompts come from: the copy compiled into the binary, or a
/// folder that replaces it (`ADVOCATE_PROMPTS`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    Shipped,
    Folder(PathBuf),
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Shipped => f.write_str("the prompts built into advocate"),
            Origin::Folder(dir) => write!(f, "{}", dir.display()),
        }
    }
}

/// A prompts file: its path (inside the folder, for problems) and text.
type File = (PathBuf, String);

/// Loads and checks the prompts from `origin`.
pub fn load_from(origin: &Origin) -> Result<Prompts, Problems> {
    match origin {
        Origin::Shipped => parse(shipped_files(), Vec::new()),
        Origin::Folder(dir) => load(dir),
    }
}

/// The shipped prompts, as compiled in.
pub fn shipped_files() -> Vec<File> {
    shipped::SHIPPED.iter().map(|(path, text)| (Path::new("prompts").join(path), text.to_string())).collect()
}

/// Writes the shipped prompts into `dir` to edit, refusing to overwrite.
pub fn export(dir: &Path) -> std::io::Result<usize> {
    for (path, _) in shipped::SHIPPED {
        let target = dir.join(path);
        if target.exists() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::AlreadyExists,
                format!("{} exists; export into an empty folder", target.display()),
            ));
        }
    }
    for (path, text) in shipped::SHIPPED {
        let target = dir.join(path);
        std::fs::create_dir_all(target.parent().expect("a file in a folder"))?;
        std::fs::write(target, text)?;
    }
    Ok(shipped::SHIPPED.len())
}

/// Loads and checks `dir`: `insights/*.toml`, `texts.toml`, `patterns.toml`,
/// `holidays.csv`.
pub fn load(dir: &Path) -> Result<Prompts, Problems> {
    let mut problems = Vec::new();
    let mut files = Vec::new();
    let mut read = |path: PathBuf, problems: &mut Vec<Problem>| match std::fs::read_to_string(&path) {
        Ok(text) => files.push((path, text)),
        Err(e) => problems.push(Problem { path, line: 0, message: format!("cannot read it: {e}") }),
    };
    read(dir.join("texts.toml"), &mut problems);
    read(dir.join("patterns.toml"), &mut problems);
    let holidays = dir.join("holidays.csv");
    let own_holidays = holidays.exists();
    if own_holidays {
        read(holidays, &mut problems);
    }
    match library::files(&dir.join("insights")) {
        Ok(paths) => paths.into_iter().for_each(|path| read(path, &mut problems)),
        Err(p) => problems.push(p),
    }
    if !own_holidays {
        // A folder exported before holidays were shipped uses the built-in ones.
        files.extend(shipped_files().into_iter().filter(|(p, _)| p.ends_with("holidays.csv")));
    }
    parse(files, problems)
}

/// Parses and checks the files; `problems` holds any found reading them.
fn parse(files: Vec<File>, mut problems: Vec<Problem>) -> Result<Prompts, Problems> {
    let named = |name: &str| files.iter().find(|(p, _)| p.ends_with(name));
    let texts = named("texts.toml").and_then(|(path, text)| collect(texts::parse(path, text), &mut problems));
    let patterns = named("patterns.toml").and_then(|(path, text)| collect(patterns::parse(path, text), &mut problems));
    let holidays = named("holidays.csv").and_then(|(path, text)| collect(holidays::parse(path, text), &mut problems));
    let insights: Vec<&File> =
        files.iter().filter(|(p, _)| p.parent().is_some_and(|d| d.ends_with("insights"))).collect();
    let library = collect(library::parse_files(&insights), &mut problems);

    match (texts, patterns, library, holidays) {
        (Some(texts), Some(file), Some(library), Some(holidays)) if problems.is_empty() => Ok(Prompts {
            library,
            texts,
            patterns: file.patterns.into(),
            similar_insight: file.similar_insight,
            holidays,
        }),
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
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../prompts")
    }

    #[test]
    fn shipped_prompts_load_cleanly() {
        let prompts = load(&shipped()).unwrap_or_else(|e| panic!("{e}"));
        assert!(prompts.library.len() >= 30);
    }

    #[test]
    fn the_built_in_prompts_are_the_shipped_folder() {
        let built_in = load_from(&Origin::Shipped).unwrap_or_else(|e| panic!("{e}"));
        let folder = load(&shipped()).unwrap();
        assert_eq!(built_in.library, folder.library);
        assert_eq!(shipped_files().len(), 3 + std::fs::read_dir(shipped().join("insights")).unwrap().count());
    }

    #[test]
    fn a_folder_without_holidays_uses_the_shipped_ones() {
        let dir = tempfile::tempdir().unwrap();
        export(dir.path()).unwrap();
        std::fs::remove_file(dir.path().join("holidays.csv")).unwrap();
        let prompts = load(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        let germany = prompts.holidays.country("DE").expect("the shipped calendar");
        assert_eq!(germany[&jiff::civil::date(2026, 10, 3)], "German Unity Day");
    }

    #[test]
    fn export_writes_an_editable_copy_once() {
        let dir = tempfile::tempdir().unwrap();
        let written = export(dir.path()).unwrap();
        assert_eq!(written, shipped_files().len());
        assert_eq!(load(dir.path()).unwrap().library, load_from(&Origin::Shipped).unwrap().library);
        let again = export(dir.path()).unwrap_err().to_string();
        assert!(again.contains("exists; export into an empty folder"), "{again}");
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
