//! The weekly numbers for one guild, rendered for people and for tools.
//! `/summary`, the weekly post and `advocate report` all come through here.

use jiff::Timestamp;
use serde::Serialize;

use crate::domain::settings::Defaults;
use crate::domain::time::IsoWeek;
use crate::store::{Store, WeekCounts};

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WeekReport {
    pub guild_id: String,
    pub week: String,
    pub timezone: String,
    pub start: Timestamp,
    pub end: Timestamp,
    pub this_week: WeekCounts,
    pub previous_week: WeekCounts,
}

/// The report for `week`, or for the last complete week in the guild's zone.
pub async fn week_report(
    store: &Store,
    defaults: &Defaults,
    guild_id: u64,
    week: Option<IsoWeek>,
    now: Timestamp,
) -> anyhow::Result<WeekReport> {
    let settings = store.find_guild_settings(guild_id, defaults).await?.ok_or_else(|| {
        anyhow::anyhow!("guild {guild_id} has no data in this database; check --guild and DATABASE_URL")
    })?;
    let zone = &settings.zone;
    let week = week.unwrap_or_else(|| IsoWeek::containing(now, zone).previous());
    let (start, end) = week.window(zone);
    let (prev_start, prev_end) = week.previous().window(zone);
    Ok(WeekReport {
        guild_id: guild_id.to_string(),
        week: week.to_string(),
        timezone: zone.name().to_string(),
        start,
        end,
        this_week: store.week_counts(guild_id, start, end).await?,
        previous_week: store.week_counts(guild_id, prev_start, prev_end).await?,
    })
}

/// Output formats of `advocate report`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Md,
    Csv,
    Json,
}

impl WeekReport {
    /// (label, key, this week, previous week) for every headline number.
    fn rows(&self) -> Vec<(&'static str, &'static str, i64, i64)> {
        let (a, b) = (&self.this_week, &self.previous_week);
        vec![
            ("Customer-of-the-day posts", "insight_posts", a.insight_posts, b.insight_posts),
            ("Reactions", "reactions", a.reactions, b.reactions),
            ("Meetings held", "meetings", a.meetings, b.meetings),
            ("Meetings that discussed customers", "meetings_answered", a.meetings_answered, b.meetings_answered),
            ("Answers", "answers", a.answers, b.answers),
            ("People who answered", "answerers", a.answerers, b.answerers),
            ("Answers with evidence", "with_evidence", a.with_evidence, b.with_evidence),
            ("Answers with assumptions", "with_assumption", a.with_assumption, b.with_assumption),
        ]
    }

    pub fn render(&self, format: Format) -> anyhow::Result<String> {
        Ok(match format {
            Format::Json => serde_json::to_string_pretty(self)? + "\n",
            Format::Csv => {
                let mut out = csv::Writer::from_writer(Vec::new());
                out.write_record(["metric", "this_week", "previous_week", "change"])?;
                for (_, key, now, before) in self.rows() {
                    out.write_record([
                        key.to_string(),
                        now.to_string(),
                        before.to_string(),
                        (now - before).to_string(),
                    ])?;
                }
                String::from_utf8(out.into_inner()?)?
            }
            Format::Md => {
                let mut md = format!(
                    "# Customer focus — week {} (guild {}, {})\n\n| | This week | Previous week | Change |\n|---|---:|---:|---:|\n",
                    self.week, self.guild_id, self.timezone
                );
                for (label, _, now, before) in self.rows() {
                    md.push_str(&format!("| {label} | {now} | {before} | {:+} |\n", now - before));
                }
                md
            }
        })
    }
}
