//! The weekly summary, one computation for `/summary`, the weekly post
//! and `advocate report`, rendered for people (Markdown) and tools (CSV,
//! JSON; the JSON shape is documented in the README).

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::Serialize;

use crate::domain::settings::Defaults;
use crate::domain::summary::{summarize, Headline, WeekSummary};
use crate::domain::time::IsoWeek;
use crate::store::{Store, WeekScope};

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WeekReport {
    pub guild_id: String,
    pub channel_id: Option<String>,
    pub week: String,
    pub timezone: String,
    pub start: Timestamp,
    pub end: Timestamp,
    pub this_week: WeekSummary,
    pub previous_week: Headline,
    /// This week minus the previous, for every headline number both have.
    pub change: BTreeMap<String, f64>,
}

/// The report for `week` (or the last complete week in the guild's zone).
pub async fn week_report(
    store: &Store,
    defaults: &Defaults,
    guild_id: u64,
    week: Option<IsoWeek>,
    channel_id: Option<u64>,
    now: Timestamp,
) -> anyhow::Result<WeekReport> {
    let settings = store.find_guild_settings(guild_id, defaults).await?.ok_or_else(|| {
        anyhow::anyhow!("guild {guild_id} has no data in this database; check --guild and DATABASE_URL")
    })?;
    let zone = &settings.zone;
    let week = week.unwrap_or_else(|| IsoWeek::containing(now, zone).previous());
    let summary_of = |week: IsoWeek| {
        let (start, end) = week.window(zone);
        let scope = WeekScope::new(guild_id, start, end, zone, channel_id);
        async move { Ok::<_, anyhow::Error>((start, end, summarize(&store.week_data(&scope).await?))) }
    };
    let (start, end, this_week) = summary_of(week).await?;
    let (_, _, previous) = summary_of(week.previous()).await?;
    Ok(WeekReport {
        guild_id: guild_id.to_string(),
        channel_id: channel_id.map(|c| c.to_string()),
        week: week.to_string(),
        timezone: zone.name().to_string(),
        start,
        end,
        change: change(&this_week.headline, &previous.headline),
        this_week,
        previous_week: previous.headline,
    })
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
    pub report: WeekReport,
    pub chart: Vec<u8>,
}

/// Output formats of `advocate report`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Md,
    Csv,
    Json,
}

/// Headline numbers in reading order: (key, label).
pub const HEADLINES: [(&str, &str); 18] = [
    ("insight_posts", "Customer-of-the-day posts"),
    ("post_reactions", "Reactions on them"),
    ("post_answers", "Answers to them"),
    ("people_engaged", "People engaged with them"),
    ("meetings", "Meetings held"),
    ("meetings_answered", "Meetings that discussed customers"),
    ("coverage_pct", "Coverage (%)"),
    ("answers", "Answers"),
    ("answerers", "People who answered"),
    ("median_minutes_to_first_answer", "Median minutes to first answer"),
    ("with_evidence", "Answers with evidence"),
    ("evidence_pct", "Evidence (%)"),
    ("with_assumption", "Answers with assumptions"),
    ("assumption_pct", "Assumptions (%)"),
    ("follow_ups_opened", "Follow-ups opened"),
    ("follow_ups_done", "Follow-ups done"),
    ("follow_ups_open", "Follow-ups open"),
    ("follow_ups_overdue", "Follow-ups overdue"),
];

fn show(v: Option<&f64>) -> String {
    match v {
        Some(v) if v.fract() == 0.0 => format!("{v:.0}"),
        Some(v) => format!("{v:.1}"),
        None => "–".into(),
    }
}

fn signed(v: Option<&f64>) -> String {
    match v {
        Some(v) if *v > 0.0 => format!("+{}", show(Some(v))),
        other => show(other),
    }
}

impl WeekReport {
    /// (label, this week, previous week, change) for every headline number.
    pub fn rows(&self) -> Vec<(&'static str, &'static str, String, String, String)> {
        let (now, before) = (numbers(&self.this_week.headline), numbers(&self.previous_week));
        HEADLINES
            .iter()
            .map(|(key, label)| {
                (*key, *label, show(now.get(*key)), show(before.get(*key)), signed(self.change.get(*key)))
            })
            .collect()
    }

    pub fn render(&self, format: Format) -> anyhow::Result<String> {
        Ok(match format {
            Format::Json => serde_json::to_string_pretty(self)? + "\n",
            Format::Csv => {
                let mut out = csv::Writer::from_writer(Vec::new());
                out.write_record(["metric", "this_week", "previous_week", "change"])?;
                for (key, _, now, before, change) in self.rows() {
                    out.write_record([key, &now, &before, &change])?;
                }
                String::from_utf8(out.into_inner()?)?
            }
            Format::Md => self.markdown(),
        })
    }

    fn markdown(&self) -> String {
        let s = &self.this_week;
        let scope = self.channel_id.as_ref().map_or(String::new(), |c| format!(", channel {c}"));
        let mut md = format!(
            "# Customer focus — week {} (guild {}{scope}, {})\n\n| | This week | Previous week | Change |\n|---|---:|---:|---:|\n",
            self.week, self.guild_id, self.timezone
        );
        for (_, label, now, before, change) in self.rows() {
            md.push_str(&format!("| {label} | {now} | {before} | {change} |\n"));
        }
        let i = &s.impact;
        md.push_str(&format!(
            "\n**Impact on customers:** helps {}, hurts {}, neutral {}, unknown {}\n",
            i.helps, i.hurts, i.neutral, i.unknown
        ));
        md.push_str("\n**Segments**\n\n| Segment | Answers | Insights |\n|---|---:|---:|\n");
        for c in &s.segments {
            md.push_str(&format!("| {} | {} | {} |\n", c.segment, c.answers, c.insights));
        }
        if !s.segments_not_discussed.is_empty() {
            md.push_str(&format!("\nNot discussed this week: {}\n", s.segments_not_discussed.join(", ")));
        }
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

impl super::App {
    /// The report for a guild's week, in its zone (see [`week_report`]).
    pub async fn report(
        &self,
        guild_id: u64,
        week: Option<IsoWeek>,
        channel_id: Option<u64>,
    ) -> anyhow::Result<WeekReport> {
        self.settings(guild_id).await?;
        week_report(&self.store, &self.defaults, guild_id, week, channel_id, self.clock.now()).await
    }

    /// Answers, meetings and coverage for the `weeks` weeks up to `last`.
    pub async fn history(
        &self,
        guild_id: u64,
        last: IsoWeek,
        weeks: usize,
        channel_id: Option<u64>,
    ) -> anyhow::Result<Vec<crate::chart::WeekPoint>> {
        let zone = self.settings(guild_id).await?.zone;
        let mut all = vec![last];
        while all.len() < weeks {
            all.push(all[all.len() - 1].previous());
        }
        let mut points = Vec::new();
        for week in all.into_iter().rev() {
            let (start, end) = week.window(&zone);
            let scope = WeekScope::new(guild_id, start, end, &zone, channel_id);
            let h = summarize(&self.store.week_data(&scope).await?).headline;
            let label = week.to_string().split_once('-').map_or(week.to_string(), |(_, w)| w.to_string());
            points.push(crate::chart::WeekPoint {
                label,
                answers: h.answers,
                meetings: h.meetings,
                coverage_pct: h.coverage_pct,
            });
        }
        Ok(points)
    }

    /// The week's answers as CSV, one row each, for managers' own analysis.
    pub async fn answers_csv(&self, report: &WeekReport) -> anyhow::Result<Vec<u8>> {
        let guild_id: u64 = report.guild_id.parse()?;
        let zone = crate::domain::time::Zone::parse(&report.timezone).map_err(anyhow::Error::msg)?;
        let channel_id = report.channel_id.as_deref().and_then(|c| c.parse().ok());
        let scope = WeekScope::new(guild_id, report.start, report.end, &zone, channel_id);
        let data = self.store.week_data(&scope).await?;
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
        for a in &data.answers {
            let at = Timestamp::from_millisecond(a.created_ms).map(|t| t.to_string()).unwrap_or_default();
            let to = match (a.meeting_id, a.post_id) {
                (Some(m), _) => format!("meeting {m}"),
                (_, Some(p)) => format!("post {p}"),
                _ => String::new(),
            };
            out.write_record([
                at,
                a.user_id.to_string(),
                to,
                a.impact.clone(),
                a.has_evidence.to_string(),
                a.has_assumption.to_string(),
                a.segments.join(" "),
                a.body.clone(),
                a.link.clone(),
            ])?;
        }
        Ok(out.into_inner()?)
    }

    /// The report with its chart of the last eight weeks: what `/summary`
    /// shows and the weekly post sends.
    pub async fn summary(
        &self,
        guild_id: u64,
        week: Option<IsoWeek>,
        channel_id: Option<u64>,
    ) -> anyhow::Result<Summary> {
        let report = self.report(guild_id, week, channel_id).await?;
        let shown = IsoWeek::parse(&report.week).map_err(anyhow::Error::msg)?;
        let chart = crate::chart::weekly_png(&self.history(guild_id, shown, 8, channel_id).await?)?;
        Ok(Summary { report, chart })
    }

    /// Claims the weekly post of a guild's week; `Some(nonce)` when this
    /// process should send it (see [`Store::claim_summary_post`]).
    pub async fn claim_summary_post(
        &self,
        guild_id: u64,
        channel_id: u64,
        week: IsoWeek,
        now: Timestamp,
    ) -> anyhow::Result<Option<String>> {
        let name = week.to_string();
        let nonce = super::posts::nonce(&format!("summary/{guild_id}/{name}"));
        let stale_before = now - super::posts::CLAIM_STALE_AFTER;
        Ok(self.store.claim_summary_post(guild_id, &name, channel_id, &nonce, now, stale_before).await?)
    }

    /// Weekly summary posts due now: (guild, channel, week). A post early
    /// in the week (Monday to Wednesday) reports the week before; later,
    /// the week it is in.
    pub async fn due_summaries(&self, now: Timestamp) -> anyhow::Result<Vec<(u64, u64, IsoWeek)>> {
        let mut due = Vec::new();
        for guild in self.store.active_guilds().await? {
            let s = self.settings(guild).await?;
            let Some(channel) = s.summary_channel else { continue };
            let Some(date) = s.summary_schedule().due_slot(now, s.catch_up()) else { continue };
            let week = IsoWeek::of_date(date);
            let early = date.weekday().to_monday_one_offset() <= 3;
            due.push((guild, channel, if early { week.previous() } else { week }));
        }
        Ok(due)
    }
}
