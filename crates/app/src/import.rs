//! Feedback import: an NPS, survey or support export (CSV) becomes the
//! guild's own insights, so the customer of the day is a real customer.

use std::collections::HashMap;
use std::io::Read;

use minijinja::context;
use sha2::{Digest, Sha256};

use crate::prompts::Texts;
use domain::insight::{EvidenceSource, NewInsight, Segment, LIMITS};
use domain::outcome::{outcome_of, NewOutcome, OutcomeKind};

/// The fields an export row can fill.
/// `email` is the sender's address: only its domain is kept, to find
/// the customer by (see [`Parsed::domains`]).
pub const FIELDS: [&str; 7] = ["customer", "segment", "score", "comment", "date", "source", "email"];

/// Header names recognised without a `--map`, by field, lowercase.
const ALIASES: [(&str, &[&str]); 7] = [
    ("customer", &["customer", "company", "account", "account name", "organization", "organisation", "client", "name"]),
    ("segment", &["segment", "customer segment", "plan", "tier"]),
    ("score", &["score", "nps", "nps score", "rating", "csat"]),
    ("comment", &["comment", "comments", "feedback", "text", "response", "verbatim", "message", "reason"]),
    ("date", &["date", "created", "created at", "submitted", "submitted at", "response date", "timestamp"]),
    ("source", &["source", "channel", "type"]),
    (
        "email",
        &["email", "e-mail", "email address", "e-mail address", "requester email", "contact email", "customer email"],
    ),
];

/// How columns map to fields, and what to use where a column is absent.
#[derive(Clone, Debug)]
pub struct ImportOptions {
    /// `column=field` pairs from `--map` (field `ignore` drops the column),
    /// overriding the aliases.
    pub map: Vec<(String, String)>,
    /// Columns to leave out, from `--ignore`.
    pub ignore: Vec<String>,
    pub default_source: EvidenceSource,
    pub default_segment: Segment,
    /// A strftime pattern such as `%m/%d/%Y` for dates not in ISO 8601.
    pub date_format: Option<String>,
}

/// Parses `column=field`, as `--map` takes it; the field `ignore` drops
/// the column.
pub fn parse_mapping(text: &str) -> Result<(String, String), String> {
    let (column, field) =
        text.rsplit_once('=').ok_or_else(|| format!("`{text}` is not COLUMN=FIELD, e.g. \"Account Name=customer\""))?;
    let field = field.trim().to_lowercase();
    if !FIELDS.contains(&field.as_str()) && field != IGNORE {
        return Err(format!("`{field}` is not a field; the fields are {} (or {IGNORE})", FIELDS.join(", ")));
    }
    Ok((column.trim().to_string(), field))
}

const IGNORE: &str = "ignore";

/// Bad rows reported in one run at most; the count says how many more.
pub const MAX_REPORTED: usize = 20;

/// An export read: its rows as insights and outcomes, and what was
/// adjusted on the way.
#[derive(Debug)]
pub struct Parsed {
    pub insights: Vec<NewInsight>,
    /// The rows' NPS responses, CSAT scores and churn events.
    pub outcomes: Vec<NewOutcome>,
    /// Values replaced by a default or cut to fit, one line each.
    pub warnings: Vec<String>,
    /// The company domains the rows' addresses came from, by customer.
    pub domains: Vec<RowDomain>,
}

/// A row's customer (as the row names it) and its sender's company domain.
#[derive(Clone, Debug, PartialEq)]
pub struct RowDomain {
    pub customer: String,
    pub domain: String,
    /// False when the row named no customer and the domain stands in.
    pub named: bool,
}

/// A row's sender's company domain, from the e-mail column or a customer
/// column holding an address; a free-mail domain names no company.
fn row_domain(email: &str, customer: &str) -> Option<String> {
    let domain = domain::customer::email_domain(email).or_else(|| domain::customer::email_domain(customer))?;
    (!domain::customer::is_free_mail(&domain)).then_some(domain)
}

/// Reads the whole file (comma, semicolon or tab separated); every bad row
/// is reported, with its line, up to [`MAX_REPORTED`].
pub fn parse_feedback(mut input: impl Read, options: &ImportOptions, texts: &Texts) -> Result<Parsed, String> {
    let mut bytes = Vec::new();
    input.read_to_end(&mut bytes).map_err(|e| format!("cannot read the file: {e}"))?;
    // Lines counted from the bytes: a record's position may sit on the line
    // break before it (CRLF files), so breaks there are skipped first.
    let line_of = |byte: u64| {
        let start = bytes.iter().skip(byte as usize).take_while(|b| matches!(b, b'\r' | b'\n')).count();
        let end = (byte as usize + start).min(bytes.len());
        bytes[..end].iter().filter(|b| **b == b'\n').count() + 1
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(sniff_delimiter(&bytes))
        .flexible(false)
        .trim(csv::Trim::All)
        .from_reader(bytes.as_slice());
    let headers = reader.headers().map_err(|e| format!("line 1: cannot read the header row: {e}"))?.clone();
    let columns = map_columns(&headers, options)?;
    let score_header = columns.get("score").and_then(|c| headers.get(c.index)).unwrap_or("").to_lowercase();
    let (mut insights, mut outcomes, mut warnings, mut errors) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut domains: Vec<RowDomain> = Vec::new();
    let mut seen = HashMap::new();
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                let line = e.position().map_or(0, |p| line_of(p.byte()));
                errors.push(format!("line {line}: {}", csv_error_text(&e)));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| line_of(p.byte()));
        let raw = |field: &str| columns.get(field).and_then(|c| record.get(c.index)).unwrap_or("").trim();
        let (email, written) = (raw("email"), raw("customer"));
        if !email.is_empty() && domain::customer::email_domain(email).is_none() {
            warnings.push(format!("line {line}: the e-mail column holds no address; left out"));
        }
        // A row naming no customer (or an address for one) is its sender's
        // company, known by its domain; an address is never kept.
        let found = row_domain(email, written);
        let is_address = domain::customer::email_domain(written).is_some();
        let stand_in = found.as_deref().filter(|_| written.is_empty() || is_address);
        let get = |field: &str| match (field, stand_in) {
            ("customer", Some(domain)) => domain,
            ("customer", None) if is_address => "",
            _ => raw(field),
        };
        if let Some(domain) = &found {
            let row =
                RowDomain { customer: get("customer").to_string(), domain: domain.clone(), named: stand_in.is_none() };
            if !domains.contains(&row) {
                domains.push(row);
            }
        }
        let auto_source = columns.get("source").is_some_and(|c| !c.named);
        // A response with a score and no comment is an outcome, not a story.
        if get("comment").is_empty() && !get("score").is_empty() {
            match score_only(get, options, &score_header, &mut seen) {
                Ok(outcome) => outcomes.extend(outcome),
                Err(e) => errors.push(format!("line {line}: {e}")),
            }
            continue;
        }
        match row_to_insight(get, auto_source, options, texts) {
            Ok((insight, notes)) => {
                let day = parse_date(get("date"), options.date_format.as_deref()).ok();
                outcomes.extend(row_outcome(&insight, get("score"), get("source"), &score_header, day));
                insights.push(insight);
                warnings.extend(notes.into_iter().map(|n| format!("line {line}: {n}")));
            }
            Err(e) => errors.push(format!("line {line}: {e}")),
        }
    }
    if !errors.is_empty() {
        let more = errors.len().saturating_sub(MAX_REPORTED);
        errors.truncate(MAX_REPORTED);
        if more > 0 {
            errors.push(format!("and {more} more bad row(s)"));
        }
        return Err(errors.join("\n"));
    }
    if insights.is_empty() && outcomes.is_empty() {
        return Err("the file has a header row but no feedback rows".into());
    }
    Ok(Parsed { insights, outcomes, warnings, domains })
}

/// A row with a score but no comment: its outcome alone. Identical rows
/// (same customer, score and day) are told apart by their order in the
/// file, so importing the same file again adds nothing.
fn score_only<'a>(
    get: impl Fn(&str) -> &'a str,
    options: &ImportOptions,
    score_header: &str,
    seen: &mut HashMap<String, usize>,
) -> Result<Option<NewOutcome>, String> {
    let score: f64 = get("score")
        .parse()
        .ok()
        .filter(|v| (0.0..=100.0).contains(v))
        .ok_or_else(|| format!("score `{}` is not a number from 0 to 100", get("score")))?;
    let day = match get("date") {
        "" => None,
        d => Some(parse_date(d, options.date_format.as_deref())?),
    };
    let source = EvidenceSource::parse(get("source")).unwrap_or(options.default_source);
    let Some((kind, score)) = row_kind(Some(score), get("source"), source, score_header) else { return Ok(None) };
    let row = format!("{}\u{1f}{score:?}\u{1f}{}", get("customer"), day.as_deref().unwrap_or(""));
    let n = seen.entry(row.clone()).and_modify(|n| *n += 1).or_insert(0);
    let key: String =
        Sha256::digest(format!("score\u{1f}{row}\u{1f}{n}")).iter().take(16).map(|b| format!("{b:02x}")).collect();
    let segment = match get("segment") {
        "" => options.default_segment.clone(),
        s => Segment::parse(s)?,
    };
    let (customer, day) = (get("customer").to_string(), day.and_then(|d| d.parse().ok()));
    Ok(Some(NewOutcome { kind, score, day, key, customer, segment: Some(segment) }))
}

/// What a row's score is, from its column's name and its source (the
/// words `nps` or `csat` in either, else an NPS survey's scale).
fn row_kind(
    score: Option<f64>,
    source_text: &str,
    source: EvidenceSource,
    score_header: &str,
) -> Option<(OutcomeKind, Option<f64>)> {
    let said = |word: &str| score_header.contains(word) || source_text.to_lowercase().contains(word);
    let nps = said("nps") || (source == EvidenceSource::NpsSurvey && !said("csat"));
    outcome_of(score, nps, said("csat"), source == EvidenceSource::Churn)
}

/// The outcome a row (already a checked insight) reports, if any. The
/// score's column or the row's source tells NPS from CSAT.
fn row_outcome(
    insight: &NewInsight,
    score: &str,
    source: &str,
    score_header: &str,
    day: Option<String>,
) -> Option<NewOutcome> {
    let (kind, score) = row_kind(score.parse().ok(), source, insight.source, score_header)?;
    let day = day.and_then(|d| d.parse().ok());
    let (customer, segment) = (insight.customer.clone(), Some(insight.segment.clone()));
    Some(NewOutcome { kind, score, day, key: insight.import_key.clone()?, customer, segment })
}

/// The header row's separator: whichever of comma, semicolon and tab it
/// has most of outside quotes (Excel writes semicolons in many locales).
fn sniff_delimiter(bytes: &[u8]) -> u8 {
    let mut counts = [(b',', 0), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for &b in bytes.iter().take_while(|b| **b != b'\n') {
        match b {
            b'"' => quoted = !quoted,
            _ if !quoted => counts.iter_mut().filter(|(d, _)| *d == b).for_each(|(_, n)| *n += 1),
            _ => {}
        }
    }
    counts.iter().max_by_key(|(d, n)| (*n, *d == b',')).map_or(b',', |(d, _)| *d)
}

fn csv_error_text(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
            format!("this row has {len} columns but the header has {expected_len}; check for an unquoted separator")
        }
        csv::ErrorKind::Utf8 { .. } => "this row is not valid UTF-8; save the file as UTF-8 CSV".into(),
        _ => e.to_string(),
    }
}

/// The column a field is read from, and whether `--map` named it (an
/// alias match is a guess, so its odd values fall back to defaults).
struct Column {
    index: usize,
    named: bool,
}

fn map_columns(headers: &csv::StringRecord, options: &ImportOptions) -> Result<HashMap<&'static str, Column>, String> {
    let header_list = || headers.iter().collect::<Vec<_>>().join(", ");
    let find = |name: &str| headers.iter().position(|h| h.trim().eq_ignore_ascii_case(name.trim()));
    let mut ignored: Vec<usize> = Vec::new();
    let ignores = options.ignore.iter().chain(options.map.iter().filter(|(_, f)| f == IGNORE).map(|(c, _)| c));
    for column in ignores {
        ignored.push(
            find(column)
                .ok_or_else(|| format!("--ignore names column `{column}`, but the header has: {}", header_list()))?,
        );
    }
    let mut columns = HashMap::new();
    for (field, aliases) in ALIASES {
        if let Some(index) = aliases.iter().filter_map(|a| find(a)).find(|i| !ignored.contains(i)) {
            columns.insert(field, Column { index, named: false });
        }
    }
    for (column, field) in options.map.iter().filter(|(_, f)| f != IGNORE) {
        let field = FIELDS
            .iter()
            .find(|f| **f == field.as_str())
            .copied()
            .ok_or_else(|| format!("`{field}` is not a field"))?;
        let index = find(column)
            .ok_or_else(|| format!("--map names column `{column}`, but the header has: {}", header_list()))?;
        columns.insert(field, Column { index, named: true });
    }
    if !columns.contains_key("comment") {
        return Err(format!(
            "line 1: no column holds the feedback text; the header has: {}. Name it with --map COLUMN=comment",
            header_list()
        ));
    }
    Ok(columns)
}

/// A row as an insight, with notes on what was adjusted.
fn row_to_insight<'a>(
    get: impl Fn(&str) -> &'a str,
    auto_source: bool,
    options: &ImportOptions,
    texts: &Texts,
) -> Result<(NewInsight, Vec<String>), String> {
    let mut notes = Vec::new();
    let comment = get("comment");
    if comment.is_empty() {
        return Err("the feedback text is empty".into());
    }
    let comment = fit(&domain::customer::without_addresses(comment), "comment", "story", &mut notes);
    let customer = match get("customer") {
        "" => domain::customer::UNNAMED.to_string(),
        name => fit(name, "customer", "customer", &mut notes),
    };
    let segment = match get("segment") {
        "" => options.default_segment.clone(),
        s => Segment::parse(s)?,
    };
    let source = match (get("source"), auto_source) {
        ("", _) => options.default_source,
        (s, guessed) => match (EvidenceSource::parse(s), guessed) {
            (Ok(source), _) => source,
            (Err(_), true) => {
                notes.push(format!("source `{s}` is not an evidence source; used {}", options.default_source.label()));
                options.default_source
            }
            (Err(e), false) => return Err(e),
        },
    };
    let score = match get("score") {
        "" => None,
        s if s.parse::<f64>().is_ok_and(|v| (0.0..=100.0).contains(&v)) => Some(s),
        s => return Err(format!("score `{s}` is not a number from 0 to 100")),
    };
    let date = match get("date") {
        "" => None,
        d => Some(parse_date(d, options.date_format.as_deref())?),
    };
    let mut evidence = source.label().to_string();
    if let Some(score) = score {
        evidence.push_str(&format!(", score {score}"));
    }
    if let Some(date) = &date {
        evidence.push_str(&format!(", {date}"));
    }
    let customer = customer.as_str();
    let title = texts
        .render("import.title", context! { customer, segment => segment.as_str(), score, source => source.label() });
    let question = texts.render("import.question", context! { customer, segment => segment.as_str() });
    let key = Sha256::digest(format!("{customer}\u{1f}{comment}\u{1f}{}", date.as_deref().unwrap_or("")));
    let insight = NewInsight {
        title: fit(&title, "title", "title", &mut notes),
        customer: customer.to_string(),
        segment,
        story: comment,
        evidence,
        source,
        question,
        tags: vec!["imported".into()],
        is_example: false,
        library_key: None,
        import_key: Some(key.iter().take(16).map(|b| format!("{b:02x}")).collect()),
    };
    insight.check()?;
    Ok((insight, notes))
}

/// `text` cut to the insight field's limit with "…", noting the cut.
fn fit(text: &str, what: &str, field: &str, notes: &mut Vec<String>) -> String {
    let max = LIMITS.iter().find(|(f, _)| *f == field).map_or(usize::MAX, |(_, max)| *max);
    let len = text.chars().count();
    if len <= max {
        return text.to_string();
    }
    notes.push(format!("the {what} has {len} characters; cut to {max}"));
    domain::text::cut(text, max)
}

/// ISO 8601 (`2026-11-02`, or a timestamp starting with one), or the
/// `--date-format` pattern when given.
fn parse_date(text: &str, format: Option<&str>) -> Result<String, String> {
    let parsed = match format {
        Some(format) => jiff::civil::Date::strptime(format, text).map_err(|_| format!("date `{text}` does not match --date-format `{format}`")),
        None => text.get(..10).unwrap_or(text).parse::<jiff::civil::Date>().map_err(|_| {
            format!("date `{text}` is not a date; write it as YYYY-MM-DD or give its pattern with --date-format, e.g. %m/%d/%Y")
        }),
    };
    parsed.map(|d| d.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    use domain::customer::UNNAMED;

    fn texts() -> Texts {
        let text = include_str!("../../../prompts/texts.toml");
        crate::prompts::texts::parse("texts.toml", text).unwrap()
    }

    fn options() -> ImportOptions {
        ImportOptions {
            map: vec![],
            ignore: vec![],
            default_source: EvidenceSource::NpsSurvey,
            default_segment: Segment::parse("unknown").unwrap(),
            date_format: None,
        }
    }

    fn parse(csv: &str) -> Result<Vec<NewInsight>, String> {
        parse_with(csv, &options()).map(|p| p.insights)
    }

    fn parse_with(csv: &str, options: &ImportOptions) -> Result<Parsed, String> {
        parse_feedback(csv.as_bytes(), options, &texts())
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
        let rows = parse_with("Who,What could we do better?\nBo,Faster search\n", &opts).unwrap().insights;
        assert_eq!(rows[0].story, "Faster search");
        assert_eq!(rows[0].customer, "A customer");
    }

    #[test]
    fn a_bad_row_is_named_by_its_line() {
        let err = parse("customer,comment,score\nA,fine,9\nB,slow,eleventy\n").unwrap_err();
        assert_eq!(err, "line 3: score `eleventy` is not a number from 0 to 100");
        let crlf = parse("customer,comment,score\r\nA,fine,9\r\nB,slow,eleventy\r\n").unwrap_err();
        assert_eq!(crlf, err, "CRLF (Excel) counts lines the same");
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
    fn every_bad_row_is_reported_in_one_run_up_to_a_bound() {
        let err = parse("customer,comment,score\nA,x,200\nB,y,9\nC,z,300\n").unwrap_err();
        assert_eq!(
            err.lines().collect::<Vec<_>>(),
            ["line 2: score `200` is not a number from 0 to 100", "line 4: score `300` is not a number from 0 to 100"]
        );
        let many: String = (0..30).map(|n| format!("C{n},z,300\n")).collect();
        let err = parse(&format!("customer,comment,score\n{many}")).unwrap_err();
        assert_eq!(err.lines().count(), MAX_REPORTED + 1);
        assert!(err.ends_with("and 10 more bad row(s)"), "{err}");
    }

    #[test]
    fn a_real_export_semicolons_crlf_a_free_text_channel_and_a_long_comment() {
        let long = "w".repeat(2000);
        let csv =
            format!("Company;Channel;Feedback;Date\r\nAcme;email;{long};2026-11-02\r\nBeta;chat;Fine;2026-11-03\r\n");
        let parsed = parse_with(&csv, &options()).unwrap();
        assert_eq!(parsed.insights.len(), 2);
        assert_eq!(parsed.insights[0].customer, "Acme");
        assert_eq!(parsed.insights[0].source, EvidenceSource::NpsSurvey, "a guessed source column falls back");
        assert!(parsed.insights[0].story.ends_with('…') && parsed.insights[0].story.chars().count() == 1000);
        assert!(
            parsed.warnings.iter().any(|w| w.starts_with("line 2: the comment has 2000 characters")),
            "{:?}",
            parsed.warnings
        );
        assert!(parsed.warnings.iter().any(|w| w.contains("source `email`")), "{:?}", parsed.warnings);
        let mut ignoring = options();
        ignoring.ignore = vec!["Channel".into()];
        let parsed = parse_with(&csv, &ignoring).unwrap();
        assert!(!parsed.warnings.iter().any(|w| w.contains("source")), "{:?}", parsed.warnings);
        let mut named = options();
        named.map = vec![parse_mapping("Channel=source").unwrap()];
        let err = parse_with(&csv, &named).unwrap_err();
        assert!(err.starts_with("line 2: `email` is not"), "a column the user named is not guessed: {err}");
    }

    #[test]
    fn an_address_becomes_its_domain_and_is_never_kept() {
        let csv = "Customer,Requester email,Comment\n\
            Acme,jane@acme.example,Write to jane@acme.example please\n\
            ,bob@globex.example,Slow exports\n\
            ,someone@gmail.com,Nice\n\
            carol@initech.example,,Billing is odd\n\
            Hooli,not an address,Fine\n";
        let parsed = parse_with(csv, &options()).unwrap();
        let customers: Vec<&str> = parsed.insights.iter().map(|i| i.customer.as_str()).collect();
        assert_eq!(customers, ["Acme", "globex.example", UNNAMED, "initech.example", "Hooli"]);
        assert_eq!(parsed.insights[0].story, "Write to …@acme.example please");
        let domains: Vec<(&str, &str, bool)> =
            parsed.domains.iter().map(|d| (d.customer.as_str(), d.domain.as_str(), d.named)).collect();
        assert_eq!(
            domains,
            [
                ("Acme", "acme.example", true),
                ("globex.example", "globex.example", false),
                ("initech.example", "initech.example", false)
            ]
        );
        assert!(parsed.warnings.iter().any(|w| w == "line 6: the e-mail column holds no address; left out"));
        assert!(!format!("{parsed:?}").contains("jane@") && !format!("{parsed:?}").contains("carol@"));
    }

    #[test]
    fn tabs_and_a_date_pattern() {
        let mut us = options();
        us.date_format = Some("%m/%d/%Y".into());
        let parsed = parse_with("customer\tcomment\tdate\nA\tslow\t11/02/2026\n", &us).unwrap();
        assert!(parsed.insights[0].evidence.ends_with("2026-11-02"), "{}", parsed.insights[0].evidence);
        let err = parse("customer\tcomment\tdate\nA\tslow\t11/02/2026\n").unwrap_err();
        assert!(err.contains("--date-format"), "{err}");
    }

    #[test]
    fn a_bad_mapping_is_refused() {
        assert!(parse_mapping("nocolumn").is_err());
        assert!(parse_mapping("A=colour").unwrap_err().contains("customer, segment"));
        assert_eq!(parse_mapping("Channel=ignore").unwrap(), ("Channel".into(), "ignore".into()));
    }
}

/// What an import did.
#[derive(Debug, PartialEq, Eq)]
pub struct Imported {
    pub added: usize,
    pub already_there: usize,
    /// New NPS responses, CSAT scores and churn events.
    pub outcomes: usize,
    /// Values replaced by a default or cut to fit, with their lines.
    pub warnings: Vec<String>,
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
        let mut parsed = parse_feedback(input, options, &self.prompts.texts).map_err(|e| {
            self.refuse_with("errors.import_refused", minijinja::context! { problems => e.to_string() })
        })?;
        self.settings(guild_id).await?; // the guild's row must exist first
        let now = self.clock.now();
        let today = self.settings(guild_id).await?.zone.date_of(now);
        let learned = self.resolve_domains(guild_id, &mut parsed).await?;
        let (added, outcomes) =
            self.store.import_insights(guild_id, &parsed.insights, &parsed.outcomes, today, by, now).await?;
        for row in learned {
            self.learn_domain(guild_id, &row).await?;
        }
        Ok(Imported { added, already_there: parsed.insights.len() - added, outcomes, warnings: parsed.warnings })
    }

    /// Rows naming no customer whose sender's domain is a customer's land
    /// on that customer (a row's own name stands); the domains no customer
    /// has are returned, for the rows' customers to learn once imported.
    async fn resolve_domains(&self, guild_id: u64, parsed: &mut Parsed) -> anyhow::Result<Vec<RowDomain>> {
        let mut unknown = Vec::new();
        for row in std::mem::take(&mut parsed.domains) {
            let Some(id) = self.store.customer_by_domain(guild_id, &row.domain).await? else {
                unknown.push(row);
                continue;
            };
            let Some(customer) = self.store.customer(guild_id, id).await?.filter(|_| !row.named) else { continue };
            for insight in parsed.insights.iter_mut().filter(|i| i.customer == row.customer) {
                insight.customer = customer.name.clone();
            }
            for outcome in parsed.outcomes.iter_mut().filter(|o| o.customer == row.customer) {
                outcome.customer = customer.name.clone();
            }
        }
        Ok(unknown)
    }

    /// Gives a row's customer its sender's domain, unless another customer has it.
    async fn learn_domain(&self, guild_id: u64, row: &RowDomain) -> anyhow::Result<()> {
        let Some(id) = self.store.find_customer(guild_id, &row.customer).await? else { return Ok(()) };
        if let Err(clash) = self.store.add_customer_domain(guild_id, id, &row.domain).await? {
            tracing::info!(
                guild = guild_id,
                domain = row.domain,
                ?clash,
                "an imported row's domain is another customer's"
            );
        }
        Ok(())
    }
}

/// Most feedback rows one API request may carry.
pub const MAX_API_ROWS: usize = 1000;

/// Feedback objects (keys from [`FIELDS`]) as the CSV the import reads.
fn rows_as_csv(rows: &[serde_json::Map<String, serde_json::Value>]) -> Result<Vec<u8>, String> {
    use serde_json::Value;
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(FIELDS).map_err(|e| e.to_string())?;
    for (n, row) in rows.iter().enumerate() {
        if let Some(key) = row.keys().find(|k| !FIELDS.contains(&k.as_str())) {
            return Err(format!("row {}: unknown field `{key}`; the fields are {}", n + 1, FIELDS.join(", ")));
        }
        let mut cells = Vec::with_capacity(FIELDS.len());
        for field in FIELDS {
            cells.push(match row.get(field) {
                None | Some(Value::Null) => String::new(),
                Some(Value::String(s)) => s.clone(),
                Some(Value::Number(x)) => x.to_string(),
                Some(_) => return Err(format!("row {}: `{field}` is text or a number", n + 1)),
            });
        }
        out.write_record(&cells).map_err(|e| e.to_string())?;
    }
    out.into_inner().map_err(|e| e.to_string())
}

impl super::App {
    /// Imports feedback sent as JSON objects, with the CSV import's rules
    /// and idempotency (a row sent twice is added once); all or nothing,
    /// and a refusal names the rows to fix (counted from 1).
    pub async fn ingest_feedback(
        &self,
        guild_id: u64,
        rows: &[serde_json::Map<String, serde_json::Value>],
    ) -> anyhow::Result<Imported> {
        if rows.is_empty() || rows.len() > MAX_API_ROWS {
            return Err(self
                .refuse_with("errors.too_many_rows", minijinja::context! { max => MAX_API_ROWS, rows => rows.len() }));
        }
        let csv = rows_as_csv(rows).map_err(super::UserError)?;
        let options = ImportOptions {
            map: vec![],
            ignore: vec![],
            default_source: EvidenceSource::NpsSurvey,
            default_segment: Segment::parse("unknown").map_err(super::UserError)?,
            date_format: None,
        };
        // The CSV's line 2 is the first row.
        let as_rows = |text: &str| {
            let line = regex::Regex::new(r"line (\d+):").expect("a valid pattern");
            line.replace_all(text, |c: &regex::Captures| {
                format!("row {}:", c[1].parse::<usize>().unwrap_or(2).saturating_sub(1))
            })
            .into_owned()
        };
        match self.import_feedback(guild_id, csv.as_slice(), &options, None).await {
            Ok(mut imported) => {
                imported.warnings = imported.warnings.iter().map(|w| as_rows(w)).collect();
                Ok(imported)
            }
            Err(e) => match super::user_message(&e) {
                Some(problem) => Err(super::UserError(as_rows(problem)).into()),
                None => Err(e),
            },
        }
    }
}
