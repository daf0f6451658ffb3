//! The answers explorer and its export: the filters managers type (on
//! the web page or the API) read into a query, pages of answers, CSV.

use jiff::Timestamp;
use serde::Deserialize;

use super::report::spreadsheet_text;
use super::App;
use domain::period::Period;
use domain::query::AnswerFilter;
use domain::summary::AnswerRow;
use domain::time::IsoWeek;

/// Answers on one page of the explorer.
pub const PAGE: usize = 50;

/// The filters as typed, every one optional.
#[derive(Clone, Debug, Default, Deserialize, serde::Serialize)]
#[serde(default)]
pub struct Filters {
    pub period: Option<String>,
    pub channel: Option<String>,
    pub segment: Option<String>,
    pub impact: Option<String>,
    pub evidence: Option<String>,
    pub assumption: Option<String>,
    pub person: Option<String>,
    pub q: Option<String>,
}

/// A filter's text, unless blank.
pub(crate) fn given(field: &Option<String>) -> Option<&str> {
    field.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

pub(crate) fn id(field: &Option<String>, name: &str) -> Result<Option<u64>, String> {
    given(field)
        .map(|v| v.parse().map_err(|_| format!("{name} `{v}` is not a Discord id (a number such as 1048576)")))
        .transpose()
}

fn yes_no(field: &Option<String>, name: &str) -> Result<Option<bool>, String> {
    given(field)
        .map(|v| match v {
            "yes" => Ok(true),
            "no" => Ok(false),
            _ => Err(format!("{name} is yes, no or empty, not `{v}`")),
        })
        .transpose()
}

/// A page of answers and the cursor of the next, if there are more.
#[derive(Clone, Debug)]
pub struct AnswerPage {
    pub rows: Vec<AnswerRow>,
    pub next: Option<i64>,
}

impl App {
    /// The query that `filters` ask for in `guild_id` (its zone's days);
    /// a [`UserError`](crate::UserError) that says what to fix when one
    /// cannot be read.
    pub async fn answer_filter(&self, guild_id: u64, filters: &Filters) -> anyhow::Result<AnswerFilter> {
        let zone = self.settings(guild_id).await?.zone.clone();
        let read = || -> Result<AnswerFilter, String> {
            let period = match given(&filters.period) {
                Some(p) => Period::parse(p)?,
                None => IsoWeek::containing(self.clock.now(), &zone).previous().into(),
            };
            let impact = given(&filters.impact).map(str::to_lowercase);
            if let Some(i) = impact.as_deref().filter(|i| !["helps", "hurts", "neutral", "unknown"].contains(i)) {
                return Err(format!("impact is helps, hurts, neutral or unknown, not `{i}`"));
            }
            let (start, end) = period.window(&zone);
            Ok(AnswerFilter {
                guild_id,
                start,
                end,
                channel_id: id(&filters.channel, "channel")?,
                segment: given(&filters.segment).map(|s| s.trim_start_matches('#').to_lowercase()),
                impact,
                evidence: yes_no(&filters.evidence, "evidence")?,
                assumption: yes_no(&filters.assumption, "assumption")?,
                user_id: id(&filters.person, "person")?,
                text: given(&filters.q).map(str::to_string),
            })
        };
        read().map_err(|problem| crate::UserError(problem).into())
    }

    /// Up to `limit` answers matching `filter` older than the cursor `before`.
    pub async fn answers(
        &self,
        filter: &AnswerFilter,
        before: Option<i64>,
        limit: usize,
    ) -> anyhow::Result<AnswerPage> {
        let mut rows = self.store.answers_matching(filter, before, limit as i64 + 1).await?;
        let more = rows.len() > limit;
        rows.truncate(limit);
        let next = if more { rows.last().map(|r| r.id) } else { None };
        Ok(AnswerPage { rows, next })
    }

    /// Every answer matching `filter` as CSV, oldest first, one row each,
    /// for managers' own analysis: exactly what the explorer lists.
    pub async fn answers_csv(&self, filter: &AnswerFilter) -> anyhow::Result<Vec<u8>> {
        let mut answers = self.store.answers_matching(filter, None, i64::MAX).await?;
        answers.reverse();
        let mut out = csv::Writer::from_writer(Vec::new());
        out.write_record([
            "created_at",
            "user_id",
            "to",
            "impact",
            "evidence",
            "assumption",
            "segments",
            "text",
            "link",
        ])?;
        for a in &answers {
            let at = Timestamp::from_millisecond(a.created_ms).map(|t| t.to_string()).unwrap_or_default();
            let to = match (a.meeting_id, a.post_id) {
                (Some(m), _) => format!("meeting {m}"),
                (_, Some(p)) => format!("post {p}"),
                _ => String::new(),
            };
            out.write_record([
                at,
                domain::answer::author(a.user_id).unwrap_or_else(|| "anonymous".into()),
                to,
                a.impact.clone(),
                a.has_evidence.to_string(),
                a.has_assumption.to_string(),
                spreadsheet_text(&a.segments.join(" ")),
                spreadsheet_text(&a.body),
                a.link.clone(),
            ])?;
        }
        Ok(out.into_inner()?)
    }
}
