//! The summary of any period (a week, month, quarter or range of days),
//! one computation for `/summary`, the weekly post and `advocate report`,
//! rendered for people (Markdown) and tools (CSV, JSON; the JSON shape is
//! documented in the README).

use std::collections::BTreeMap;

use futures_util::{StreamExt as _, TryStreamExt as _};
use jiff::civil::Time;
use jiff::Timestamp;
use serde::Serialize;

use crate::prompts::Prompts;
use domain::calendar::Scheduled;
use domain::calendar::Skip;
use domain::customer_week::CustomerSide;
use domain::period::Period;
use domain::query::{AnswerFilter, WeekScope};
use domain::settings::{Defaults, GuildSettings};
use domain::summary::{summarize, DayOffRow, Headline, ReachCounts, WeekSummary};
use domain::time::{IsoWeek, Zone};
use store::Store;

/// Weekly summaries computed at once for a series of weeks.
const WEEKS_AT_ONCE: usize = 2;

/// A period's summary beside the period before. The JSON keeps the names
/// it had when every report was a week's (`this_week`, `previous_week`);
/// `week` is null for the other periods.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    #[serde(serialize_with = "as_text")]
    pub guild_id: u64,
    #[serde(serialize_with = "as_optional_text")]
    pub channel_id: Option<u64>,
    #[serde(serialize_with = "as_optional_text")]
    pub week: Option<IsoWeek>,
    #[serde(serialize_with = "period_json")]
    pub period: Period,
    #[serde(serialize_with = "as_text")]
    pub timezone: Zone,
    pub start: Timestamp,
    pub end: Timestamp,
    pub this_week: WeekSummary,
    pub previous_week: Headline,
    /// This period minus the previous, for every headline number both have.
    pub change: BTreeMap<String, f64>,
    /// The headline numbers' names, in [`HEADLINES`] order.
    #[serde(skip)]
    pub labels: Vec<String>,
}

/// Ids, weeks and zones are text in the JSON (ids exceed what JavaScript
/// numbers hold exactly).
fn as_text<T: std::fmt::Display, S: serde::Serializer>(value: &T, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(value)
}

fn as_optional_text<T: std::fmt::Display, S: serde::Serializer>(value: &Option<T>, s: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(v) => s.collect_str(v),
        None => s.serialize_none(),
    }
}

/// `{"kind": "month", "name": "2026-11", "first_day": …, "last_day": …, "days": 30}`
fn period_json<S: serde::Serializer>(p: &Period, s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeStruct as _;
    let mut out = s.serialize_struct("Period", 5)?;
    out.serialize_field("kind", p.kind())?;
    out.serialize_field("name", &p.to_string())?;
    out.serialize_field("first_day", &p.first_day())?;
    out.serialize_field("last_day", &p.last_day())?;
    out.serialize_field("days", &p.days())?;
    out.end()
}

/// The report for `period` (by default the last complete week in the
/// guild's zone), beside the period of the same length before it.
pub async fn report(
    store: &Store,
    defaults: &Defaults,
    prompts: &Prompts,
    guild_id: u64,
    period: Option<Period>,
    channel_id: Option<u64>,
    now: Timestamp,
) -> anyhow::Result<Report> {
    let mut settings = store.find_guild_settings(guild_id, defaults).await?.ok_or_else(|| {
        anyhow::anyhow!("guild {guild_id} has no data in this database; check --guild and DATABASE_URL")
    })?;
    prompts.holidays.attach(&mut settings);
    let zone = &settings.zone;
    let period = period.unwrap_or_else(|| IsoWeek::containing(now, zone).previous().into());
    let of = |period: Period| {
        let (start, end) = period.window(zone);
        let settings = &settings;
        async move { Ok::<_, anyhow::Error>((start, end, summary_of(store, settings, start, end, channel_id).await?)) }
    };
    let (start, end, this_week) = of(period).await?;
    let (_, _, previous) = of(period.previous()).await?;
    Ok(Report {
        guild_id,
        channel_id,
        week: period.week(),
        period,
        timezone: zone.clone(),
        start,
        end,
        change: change(&this_week.headline, &previous.headline),
        this_week,
        previous_week: previous.headline,
        labels: HEADLINES.iter().map(|f| prompts.texts.text(&format!("headlines.{}", f.key))).collect(),
    })
}

/// The summary of `[start, end)`: the store's counts and the guild's days off.
async fn summary_of(
    store: &Store,
    settings: &GuildSettings,
    start: Timestamp,
    end: Timestamp,
    channel_id: Option<u64>,
) -> anyhow::Result<WeekSummary> {
    let zone = &settings.zone;
    let scope = WeekScope::new(settings.guild_id, start, end, zone, channel_id);
    let mut data = store.week_data(&scope).await?;
    data.days_off = settings
        .days_off(zone.date_of(start), scope.last_day)
        .into_iter()
        .map(|(day, off)| DayOffRow {
            day,
            reason: off.to_string(),
            start_ms: zone.instant(day, Time::midnight()).as_millisecond(),
            end_ms: day.tomorrow().map_or(i64::MAX, |next| zone.instant(next, Time::midnight()).as_millisecond()),
        })
        .collect();
    Ok(summarize(&data))
}

/// "one 3 · a few 1 · many 2 · all 0 · not said 10"
pub fn reach_text(r: &ReachCounts) -> String {
    format!("one {} · a few {} · many {} · all {} · not said {}", r.one, r.few, r.many, r.all, r.unknown)
}

/// `2026-12-21..2026-12-23 (winter holidays), 2027-01-04 (paused)`: runs
/// of consecutive days off with the same reason.
pub fn days_off_text(days: &[DayOffRow]) -> String {
    let mut runs: Vec<(&DayOffRow, &DayOffRow)> = Vec::new();
    for day in days {
        match runs.last_mut() {
            Some((_, last)) if last.reason == day.reason && last.day.tomorrow().ok() == Some(day.day) => *last = day,
            _ => runs.push((day, day)),
        }
    }
    // A run reads as a skip does: `first..last (reason)`.
    let run = |(first, last): (&DayOffRow, &DayOffRow)| {
        Skip { id: 0, first: first.day, last: last.day, reason: Some(first.reason.clone()) }.to_string()
    };
    runs.into_iter().map(run).collect::<Vec<_>>().join(", ")
}

fn numbers(h: &Headline) -> BTreeMap<String, f64> {
    let value = serde_json::to_value(h).unwrap_or_default();
    value.as_object().into_iter().flatten().filter_map(|(k, v)| Some((k.clone(), v.as_f64()?))).collect()
}

fn change(now: &Headline, before: &Headline) -> BTreeMap<String, f64> {
    let before = numbers(before);
    numbers(now)
        .into_iter()
        .filter_map(|(k, v)| Some((k.clone(), ((v - before.get(&k)?) * 10.0).round() / 10.0)))
        .collect()
}

/// A week's report and its chart (PNG).
#[derive(Clone, Debug)]
pub struct Summary {
    pub report: Report,
    pub chart: Vec<u8>,
}

/// Output formats of `advocate report`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Md,
    Csv,
    Json,
}

/// A person's text as a CSV cell a spreadsheet shows but never runs:
/// a cell starting with `=`, `+`, `-`, `@`, tab or carriage return would be
/// taken as a formula, so it gets a leading apostrophe, which spreadsheets
/// hide (OWASP's advice on CSV injection).
pub fn spreadsheet_text(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_string(),
    }
}

/// How a headline number reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    Count,
    Percent,
    Minutes,
}

/// The summary's sections: one embed field each on Discord, titled by
/// the prompts text `summary.<key>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    Insights,
    Meetings,
    Answers,
    Evidence,
    FollowUps,
    /// How customers are doing (imported), beside the team's numbers.
    Outcomes,
    /// Who the team discussed and heard from.
    Customers,
}

impl Section {
    pub const ALL: [Section; 7] = [
        Section::Insights,
        Section::Meetings,
        Section::Answers,
        Section::Evidence,
        Section::FollowUps,
        Section::Outcomes,
        Section::Customers,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Section::Insights => "insights",
            Section::Meetings => "meetings",
            Section::Answers => "answers",
            Section::Evidence => "evidence",
            Section::FollowUps => "follow_ups",
            Section::Outcomes => "outcomes",
            Section::Customers => "customers",
        }
    }
}

/// One headline number: its JSON key (a field of [`Headline`]), its
/// unit, and where it shows; its name is `headlines.<key>` in
/// prompts/texts.toml. Markdown, CSV and the Discord embed all follow this
/// list; a test checks it names every field of `Headline`.
pub struct HeadlineField {
    pub key: &'static str,
    pub unit: Unit,
    pub section: Section,
}

const fn field(key: &'static str, unit: Unit, section: Section) -> HeadlineField {
    HeadlineField { key, unit, section }
}

/// Headline numbers in reading order.
pub const HEADLINES: [HeadlineField; 34] = [
    field("insight_posts", Unit::Count, Section::Insights),
    field("post_reactions", Unit::Count, Section::Insights),
    field("post_answers", Unit::Count, Section::Insights),
    field("people_engaged", Unit::Count, Section::Insights),
    field("meetings", Unit::Count, Section::Meetings),
    field("meetings_answered", Unit::Count, Section::Meetings),
    field("coverage_pct", Unit::Percent, Section::Meetings),
    field("median_minutes_to_first_answer", Unit::Minutes, Section::Meetings),
    field("answers", Unit::Count, Section::Answers),
    field("answerers", Unit::Count, Section::Answers),
    field("with_evidence", Unit::Count, Section::Evidence),
    field("evidence_pct", Unit::Percent, Section::Evidence),
    field("with_assumption", Unit::Count, Section::Evidence),
    field("assumption_pct", Unit::Percent, Section::Evidence),
    field("assumptions_challenged", Unit::Count, Section::Evidence),
    field("assumptions_validated", Unit::Count, Section::Evidence),
    field("assumptions_refuted", Unit::Count, Section::Evidence),
    field("assumptions_open", Unit::Count, Section::Evidence),
    field("follow_ups_opened", Unit::Count, Section::FollowUps),
    field("follow_ups_done", Unit::Count, Section::FollowUps),
    field("follow_ups_open", Unit::Count, Section::FollowUps),
    field("follow_ups_overdue", Unit::Count, Section::FollowUps),
    field("loops_closed", Unit::Count, Section::FollowUps),
    field("customers_told", Unit::Count, Section::FollowUps),
    field("median_days_to_close_loop", Unit::Count, Section::FollowUps),
    field("nps", Unit::Count, Section::Outcomes),
    field("nps_responses", Unit::Count, Section::Outcomes),
    field("csat", Unit::Count, Section::Outcomes),
    field("csat_responses", Unit::Count, Section::Outcomes),
    field("churn_events", Unit::Count, Section::Outcomes),
    field("customers_discussed", Unit::Count, Section::Customers),
    field("customers_heard_from", Unit::Count, Section::Customers),
    field("detractors", Unit::Count, Section::Customers),
    field("detractor_loops_closed", Unit::Count, Section::Customers),
];

impl HeadlineField {
    /// Its name with its unit, for tables: "Coverage (%)".
    pub fn heading(&self, name: &str) -> String {
        match self.unit {
            Unit::Count => name.to_string(),
            Unit::Percent => format!("{name} (%)"),
            Unit::Minutes => format!("{name} (min)"),
        }
    }

    /// A value as people read it: "40%", "12 min", "3"; "–" when none.
    pub fn show(&self, value: Option<f64>) -> String {
        match (value, self.unit) {
            (None, _) => "–".into(),
            (Some(v), Unit::Count) => show(Some(&v)),
            (Some(v), Unit::Percent) => format!("{v:.0}%"),
            (Some(v), Unit::Minutes) => format!("{v:.0} min"),
        }
    }
}

/// One headline number of a report, this week and last.
pub struct Row {
    pub field: &'static HeadlineField,
    /// Its name, as prompts/texts.toml words it.
    pub label: String,
    pub now: Option<f64>,
    pub before: Option<f64>,
    pub change: Option<f64>,
}

/// A number as people read it: whole, or with one decimal; "–" when none.
pub fn show(v: Option<&f64>) -> String {
    match v {
        Some(v) if v.fract() == 0.0 => format!("{v:.0}"),
        Some(v) => format!("{v:.1}"),
        None => "–".into(),
    }
}

/// A change, with its sign when it is a rise: "+3", "-1.5".
pub fn signed(v: Option<&f64>) -> String {
    match v {
        Some(v) if *v > 0.0 => format!("+{}", show(Some(v))),
        other => show(other),
    }
}

impl Report {
    /// The period's answers, in the report's channel if it has one.
    pub fn answer_filter(&self) -> AnswerFilter {
        let (guild_id, start, end, channel_id) = (self.guild_id, self.start, self.end, self.channel_id);
        AnswerFilter { guild_id, start, end, channel_id, ..AnswerFilter::default() }
    }

    /// Every headline number, in reading order.
    pub fn rows(&self) -> Vec<Row> {
        let (now, before) = (numbers(&self.this_week.headline), numbers(&self.previous_week));
        HEADLINES
            .iter()
            .zip(&self.labels)
            .map(|(field, label)| Row {
                field,
                label: label.clone(),
                now: now.get(field.key).copied(),
                before: before.get(field.key).copied(),
                change: self.change.get(field.key).copied(),
            })
            .collect()
    }

    pub fn render(&self, format: Format) -> anyhow::Result<String> {
        Ok(match format {
            Format::Json => serde_json::to_string_pretty(self)? + "\n",
            Format::Csv => {
                let mut out = csv::Writer::from_writer(Vec::new());
                out.write_record(["metric", "this_week", "previous_week", "change"])?;
                // A number with none is an empty cell, as spreadsheets expect.
                let cell = |text: String| if text == "–" { String::new() } else { text };
                for r in self.rows() {
                    let cells = [show(r.now.as_ref()), show(r.before.as_ref()), signed(r.change.as_ref())].map(cell);
                    out.write_record([r.field.key, &cells[0], &cells[1], &cells[2]])?;
                }
                String::from_utf8(out.into_inner()?)?
            }
            Format::Md => self.markdown(),
        })
    }

    fn markdown(&self) -> String {
        let s = &self.this_week;
        let scope = self.channel_id.as_ref().map_or(String::new(), |c| format!(", channel {c}"));
        let (period, noun) = (self.period, self.period.noun());
        let mut md = format!(
            "# Customer focus — {noun} {period} (guild {}{scope}, {})\n\n\
            | | This {noun} | Previous {noun} | Change |\n|---|---:|---:|---:|\n",
            self.guild_id, self.timezone
        );
        for r in self.rows() {
            let (now, before, change) = (show(r.now.as_ref()), show(r.before.as_ref()), signed(r.change.as_ref()));
            md.push_str(&format!("| {} | {now} | {before} | {change} |\n", r.field.heading(&r.label)));
        }
        let i = &s.impact;
        md.push_str(&format!(
            "\n**Impact on customers:** helps {}, hurts {}, neutral {}, unknown {}\n",
            i.helps, i.hurts, i.neutral, i.unknown
        ));
        md.push_str(&format!("**Customers each answer speaks for:** {}\n", reach_text(&s.reach)));
        md.push_str("\n**Segments**\n\n| Segment | Answers | Insights |\n|---|---:|---:|\n");
        for c in &s.segments {
            md.push_str(&format!("| {} | {} | {} |\n", c.segment, c.answers, c.insights));
        }
        if !s.segments_not_discussed.is_empty() {
            md.push_str(&format!("\nNot discussed this {noun}: {}\n", s.segments_not_discussed.join(", ")));
        }
        if !s.days_off.is_empty() {
            md.push_str(&format!("\nDays off (no customer of the day): {}\n", days_off_text(&s.days_off)));
        }
        md.push_str(&customers_markdown(&s.customers, noun));
        if !s.follow_up_owners.is_empty() {
            md.push_str("\n**Open follow-ups by owner**\n\n");
            for o in &s.follow_up_owners {
                let owner = o.owner_id.as_deref().map_or("nobody".to_string(), |id| format!("<@{id}>"));
                md.push_str(&format!("- {owner}: {} open, {} overdue\n", o.open, o.overdue));
            }
        }
        if !s.quotes.is_empty() {
            md.push_str("\n**In their words**\n\n");
            for q in &s.quotes {
                md.push_str(&format!("> {}\n> — <@{}>, {}\n\n", q.text.replace('\n', " "), q.user_id, q.link));
            }
        }
        md
    }
}

/// The voices of the period and each segment's shares, as Markdown.
fn customers_markdown(side: &CustomerSide, noun: &str) -> String {
    let mut md = String::new();
    if !side.voices.is_empty() {
        md.push_str(&format!(
            "\n**Voices of the {noun}**\n\n| Customer | Answers naming them | Share |\n|---|---:|---:|\n"
        ));
        for v in &side.voices {
            md.push_str(&format!("| {} | {} | {}% |\n", v.name, v.answers, show(Some(&v.pct))));
        }
        if let (true, Some(top)) = (side.one_voice, side.voices.first()) {
            md.push_str(&format!(
                "\n⚠ {} is {}% of the answers naming a customer: one customer is not all customers.\n",
                top.name,
                show(Some(&top.pct))
            ));
        }
    }
    if !side.segments.is_empty() {
        let weighted = if side.weighted { " (weighted by customer weight)" } else { "" };
        md.push_str(&format!(
            "\n**Share of discussion vs share of feedback{weighted}**\n\n\
            | Segment | Answers | Feedback | Detractors |\n|---|---:|---:|---:|\n"
        ));
        let pct = |v: Option<f64>| v.map_or("–".to_string(), |v| format!("{}%", show(Some(&v))));
        for s in &side.segments {
            let cells = [pct(s.discussion_pct), pct(s.feedback_pct), pct(s.detractor_pct)];
            md.push_str(&format!("| {} | {} | {} | {} |\n", s.segment, cells[0], cells[1], cells[2]));
        }
    }
    md
}

impl super::App {
    /// The report for a guild's period, in its zone (see [`report`]).
    pub async fn report(
        &self,
        guild_id: u64,
        period: Option<Period>,
        channel_id: Option<u64>,
    ) -> anyhow::Result<Report> {
        self.settings(guild_id).await?;
        report(&self.store, &self.defaults, &self.prompts, guild_id, period, channel_id, self.clock.now()).await
    }

    /// The summaries of the `weeks` weeks up to `last`, oldest first.
    pub async fn weekly(
        &self,
        guild_id: u64,
        last: IsoWeek,
        weeks: usize,
        channel_id: Option<u64>,
    ) -> anyhow::Result<Vec<(IsoWeek, WeekSummary)>> {
        let settings = self.settings(guild_id).await?;
        let mut all = vec![last];
        while all.len() < weeks {
            all.push(all[all.len() - 1].previous());
        }
        // Two weeks at a time: the pages wait on this, and two leave the
        // rest of the pool (and the cores) to the bot.
        let summaries = futures_util::stream::iter(all.into_iter().rev())
            .map(|week| {
                let (start, end) = week.window(&settings.zone);
                let settings = &settings;
                async move {
                    Ok::<_, anyhow::Error>((week, summary_of(&self.store, settings, start, end, channel_id).await?))
                }
            })
            .buffered(WEEKS_AT_ONCE);
        summaries.try_collect().await
    }

    /// Answers, meetings and coverage for the `weeks` weeks up to `last`.
    pub async fn history(
        &self,
        guild_id: u64,
        last: IsoWeek,
        weeks: usize,
        channel_id: Option<u64>,
    ) -> anyhow::Result<Vec<crate::chart::WeekPoint>> {
        let weekly = self.weekly(guild_id, last, weeks, channel_id).await?;
        Ok(weekly
            .into_iter()
            .map(|(week, s)| crate::chart::WeekPoint {
                label: week.short_name(),
                answers: s.headline.answers,
                meetings: s.headline.meetings,
                coverage_pct: s.headline.coverage_pct,
                nps: s.headline.nps,
                nps_responses: s.headline.nps_responses,
            })
            .collect())
    }

    /// The report with its chart of the eight weeks up to the period's
    /// end: what `/summary` shows and the weekly post sends.
    pub async fn summary(
        &self,
        guild_id: u64,
        period: Option<Period>,
        channel_id: Option<u64>,
    ) -> anyhow::Result<Summary> {
        let report = self.report(guild_id, period, channel_id).await?;
        let last_week = IsoWeek::of_date(report.period.last_day());
        let words = crate::chart::Labels::from_texts(&self.prompts.texts);
        let chart = crate::chart::weekly_png(&self.history(guild_id, last_week, 8, channel_id).await?, &words)?;
        Ok(Summary { report, chart })
    }

    /// Weekly summaries due at `now` over the guilds due: (guild,
    /// channel, week, when the guild's next summary is due). A post early
    /// in the week (Monday to Wednesday) reports the week before; later,
    /// the week it is in. A guild with nothing to post now is given its
    /// next due time here.
    pub(super) async fn due_summaries(&self, now: Timestamp) -> anyhow::Result<Vec<(u64, u64, IsoWeek, Timestamp)>> {
        let mut due = Vec::new();
        for guild in self.due_guilds(Scheduled::Summary, now).await? {
            let s = self.fresh_settings(guild).await?;
            let schedule = s.summary_schedule();
            let next = schedule.next_after(now);
            match (s.summary_channel, schedule.due_slot(now, s.catch_up())) {
                (Some(channel), Some(date)) => {
                    let week = IsoWeek::of_date(date);
                    let early = date.weekday().to_monday_one_offset() <= 3;
                    due.push((guild, channel, if early { week.previous() } else { week }, next));
                }
                _ => self.store.set_due(guild, Scheduled::Summary, next).await?,
            }
        }
        Ok(due)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_headline_number_has_one_field() {
        let json = serde_json::to_value(Headline::default()).unwrap();
        let mut in_struct: Vec<&str> = json.as_object().unwrap().keys().map(String::as_str).collect();
        let mut declared: Vec<&str> = HEADLINES.iter().map(|f| f.key).collect();
        in_struct.sort();
        declared.sort();
        assert_eq!(in_struct, declared, "each Headline field needs one entry in HEADLINES");
        let texts = crate::prompts::load_from(&crate::prompts::Origin::Shipped).unwrap().texts;
        for field in &HEADLINES {
            assert!(texts.has(&format!("headlines.{}", field.key)), "prompts/texts.toml names `{}`", field.key);
        }
    }

    #[test]
    fn a_formula_in_a_persons_text_is_not_a_formula_in_the_csv() {
        for formula in ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(spreadsheet_text(formula), format!("'{formula}"));
        }
        assert_eq!(spreadsheet_text("Churn is 4% (=bad)"), "Churn is 4% (=bad)", "only a leading sign matters");
        assert_eq!(spreadsheet_text(""), "");
    }

    #[test]
    fn values_read_in_their_unit() {
        let coverage = HEADLINES.iter().find(|f| f.key == "coverage_pct").unwrap();
        assert_eq!(
            (coverage.show(Some(40.0)), coverage.show(None), coverage.heading("Coverage")),
            ("40%".into(), "–".into(), "Coverage (%)".into())
        );
    }
}
