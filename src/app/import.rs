//! Feedback import: an NPS, survey or support export (CSV) becomes the
//! guild's own insights, so the customer of the day is a real customer.

use std::collections::HashMap;
use std::io::Read;

use minijinja::context;
use sha2::{Digest, Sha256};

use crate::domain::insight::{EvidenceSource, NewInsight, Segment};
use crate::prompts::Texts;

/// The fields an export row can fill.
pub const FIELDS: [&str; 6] = ["customer", "segment", "score", "comment", "date", "source"];

/// Header names recognised without a `--map`, by field, lowercase.
const ALIASES: [(&str, &[&str]); 6] = [
    ("customer", &["customer", "company", "account", "account name", "organization", "organisation", "client", "name"]),
    ("segment", &["segment", "customer segment", "plan", "tier"]),
    ("score", &["score", "nps", "nps score", "rating", "csat"]),
    ("comment", &["comment", "comments", "feedback", "text", "response", "verbatim", "message", "reason"]),
    ("date", &["date", "created", "created at", "submitted", "submitted at", "response date", "timestamp"]),
    ("source", &["source", "channel", "type"]),
];

/// How columns map to fields, and what to use where a column is absent.
#[derive(Clone, Debug)]
pub struct ImportOptions {
    /// `column=field` pairs from `--map`, overriding the aliases.
    pub map: Vec<(String, String)>,
    pub default_source: EvidenceSource,
    pub default_segment: Segment,
}

/// Parses `column=field`, as `--map` takes it.
pub fn parse_mapping(text: &str) -> Result<(String, String), String> {
    let (column, field) =
        text.rsplit_once('=').ok_or_else(|| format!("`{text}` is not COLUMN=FIELD, e.g. \"Account Name=customer\""))?;
    let field = field.trim().to_lowercase();
    if !FIELDS.contains(&field.as_str()) {
        return Err(format!("`{field}` is not a field; the fields are {}", FIELDS.join(", ")));
    }
    Ok((column.trim().to_string(), field))
}

/// Reads the whole file; any bad row fails the import with its line.
pub fn parse_feedback(input: impl Read, options: &ImportOptions, texts: &Texts) -> Result<Vec<NewInsight>, String> {
    let mut reader = csv::ReaderBuilder::new().flexible(false).trim(csv::Trim::All).from_reader(input);
    let headers = reader.headers().map_err(|e| format!("line 1: cannot read the header row: {e}"))?.clone();
    let columns = map_columns(&headers, options)?;
    let mut insights = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| match e.position() {
            Some(pos) => format!("line {}: {}", pos.line(), csv_error_text(&e)),
            None => csv_error_text(&e),
        })?;
        let line = record.position().map_or(0, |p| p.line());
        let get = |field: &str| columns.get(field).and_then(|&i| record.get(i)).unwrap_or("").trim();
        let insight = row_to_insight(get, options, texts).map_err(|e| format!("line {line}: {e}"))?;
        insights.push(insight);
    }
    if insights.is_empty() {
        return Err("the file has a header row but no feedback rows".into());
    }
    Ok(insights)
}

fn csv_error_text(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
            format!("this row has {len} columns but the header has {expected_len}; check for an unquoted comma")
        }
        csv::ErrorKind::Utf8 { .. } => "this row is not valid UTF-8; save the file as UTF-8 CSV".into(),
        _ => e.to_string(),
    }
}

fn map_columns(headers: &csv::StringRecord, options: &ImportOptions) -> Result<HashMap<&'static str, usize>, String> {
    let find = |name: &str| headers.iter().position(|h| h.trim().eq_ignore_ascii_case(name.trim()));
    let mut columns = HashMap::new();
    for (field, aliases) in ALIASES {
        if let Some(i) = aliases.iter().find_map(|a| find(a)) {
            columns.insert(field, i);
        }
    }
    for (column, field) in &options.map {
        let field = FIELDS
            .iter()
            .find(|f| **f == field.as_str())
            .copied()
            .ok_or_else(|| format!("`{field}` is not a field"))?;
        let i = find(column).ok_or_else(|| {
            format!(
                "--map names column `{column}`, but the header has: {}",
                headers.iter().collect::<Vec<_>>().join(", ")
            )
        })?;
        columns.insert(field, i);
    }
    if !columns.contains_key("comment") {
        return Err(format!(
            "line 1: no column holds the feedback text; the header has: {}. Name it with --map COLUMN=comment",
            headers.iter().collect::<Vec<_>>().join(", ")
        ));
    }
    Ok(columns)
}

fn row_to_insight<'a>(
    get: impl Fn(&str) -> &'a str,
    options: &ImportOptions,
    texts: &Texts,
) -> Result<NewInsight, String> {
    let comment = get("comment");
    if comment.is_empty() {
        return Err("the feedback text is empty".into());
    }
    let customer = match get("customer") {
        "" => "A customer",
        name => name,
    };
    let segment = match get("segment") {
        "" => options.default_segment.clone(),
        s => Segment::parse(s)?,
    };
    let source = match get("source") {
        "" => options.default_source,
        s => EvidenceSource::parse(s)?,
    };
    let score = match get("score") {
        "" => None,
        s if s.parse::<f64>().is_ok_and(|v| (0.0..=100.0).contains(&v)) => Some(s),
        s => return Err(format!("score `{s}` is not a number from 0 to 100")),
    };
    let date = match get("date") {
        "" => None,
        d => Some(parse_date(d)?),
    };
    let mut evidence = source.label().to_string();
    if let Some(score) = score {
        evidence.push_str(&format!(", score {score}"));
    }
    if let Some(date) = &date {
        evidence.push_str(&format!(", {date}"));
    }
    let title = texts
        .render("import.title", context! { customer, segment => segment.as_str(), score, source => source.label() });
    let question = texts.render("import.question", context! { customer, segment => segment.as_str() });
    let key = Sha256::digest(format!("{customer}\u{1f}{comment}\u{1f}{}", date.as_deref().unwrap_or("")));
    let insight = NewInsight {
        title,
        customer: customer.to_string(),
        segment,
        story: comment.to_string(),
        evidence,
        source,
        question,
        tags: vec!["imported".into()],
        is_example: false,
        library_key: None,
        import_key: Some(key.iter().take(16).map(|b| format!("{b:02x}")).collect()),
    };
    insight.check()?;
    Ok(insight)
}

/// Accepts `2026-11-02` and timestamps that start with a date.
fn parse_date(text: &str) -> Result<String, String> {
    let head = text.get(..10).unwrap_or(text);
    head.parse::<jiff::civil::Date>()
        .map(|d| d.to_string())
        .map_err(|_| format!("date `{text}` is not a date; write it as YYYY-MM-DD"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts() -> Texts {
        let text = include_str!("../../prompts/texts.toml");
        crate::prompts::texts::parse("texts.toml", text).unwrap()
    }

    fn options() -> ImportOptions {
        ImportOptions {
            map: vec![],
            default_source: EvidenceSource::NpsSurvey,
            default_segment: Segment::parse("unknown").unwrap(),
        }
    }

    fn parse(csv: &str) -> Result<Vec<NewInsight>, String> {
        parse_feedback(csv.as_bytes(), &options(), &texts())
    }

    #[test]
    fn common_headers_are_recognised() {
        let rows =
            parse("Company,Plan,NPS,Feedback,Date\nAcme,Enterprise,3,Exports time out every Friday,2026-11-02\n")
                .unwrap();
        let i = &rows[0];
        assert_eq!(i.customer, "Acme");
        assert_eq!(i.segment.as_str(), "enterprise");
        assert_eq!(i.story, "Exports time out every Friday");
        assert_eq!(i.evidence, "NPS survey, score 3, 2026-11-02");
        assert_eq!(i.title, "Score 3 from Acme");
        assert!(!i.is_example && i.import_key.is_some());
    }

    #[test]
    fn a_mapping_names_an_unusual_column() {
        let mut opts = options();
        opts.map = vec![parse_mapping("What could we do better?=comment").unwrap()];
        let rows =
            parse_feedback("Who,What could we do better?\nBo,Faster search\n".as_bytes(), &opts, &texts()).unwrap();
        assert_eq!(rows[0].story, "Faster search");
        assert_eq!(rows[0].customer, "A customer");
    }

    #[test]
    fn a_bad_row_is_named_by_its_line() {
        let err = parse("customer,comment,score\nA,fine,9\nB,slow,eleventy\n").unwrap_err();
        assert_eq!(err, "line 3: score `eleventy` is not a number from 0 to 100");
        let err = parse("customer,comment,date\nA,fine,yesterday\n").unwrap_err();
        assert!(err.starts_with("line 2: date `yesterday`"), "{err}");
        let err = parse("customer,comment\nA,\"fine\"\nB,x,y\n").unwrap_err();
        assert!(err.starts_with("line 3: this row has 3 columns"), "{err}");
    }

    #[test]
    fn a_file_without_a_feedback_column_says_how_to_map_it() {
        let err = parse("customer,notes\nA,x\n").unwrap_err();
        assert!(err.contains("--map COLUMN=comment") && err.contains("customer, notes"), "{err}");
    }

    #[test]
    fn the_same_row_has_the_same_import_key() {
        let a = parse("customer,comment\nA,slow\n").unwrap();
        let b = parse("comment,customer\nslow,A\n").unwrap();
        assert_eq!(a[0].import_key, b[0].import_key);
    }

    #[test]
    fn a_bad_mapping_is_refused() {
        assert!(parse_mapping("nocolumn").is_err());
        assert!(parse_mapping("A=colour").unwrap_err().contains("customer, segment"));
    }
}

/// What an import did.
#[derive(Debug, PartialEq, Eq)]
pub struct Imported {
    pub added: usize,
    pub already_there: usize,
}

impl super::App {
    /// Imports a feedback export as the guild's insights, all or nothing.
    /// A bad file is a [`super::UserError`] naming the line to fix.
    pub async fn import_feedback(
        &self,
        guild_id: u64,
        input: impl Read,
        options: &ImportOptions,
        by: Option<u64>,
    ) -> anyhow::Result<Imported> {
        let insights = parse_feedback(input, options, &self.prompts.texts).map_err(|e| {
            super::UserError(format!("{e}. Nothing was imported; fix that row and import the file again"))
        })?;
        self.settings(guild_id).await?; // the guild's row must exist first
        let added = self.store.import_insights(guild_id, &insights, by, self.clock.now()).await?;
        Ok(Imported { added, already_there: insights.len() - added })
    }
}
