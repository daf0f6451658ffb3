//! What each page shows: the app's numbers shaped for the templates.

use std::collections::BTreeMap;

use axum::http::StatusCode;
use axum::response::Response;
use minijinja::{context, Value};
use serde::Serialize;

use super::dashboard::{Manager, Web};
use super::svg;
use crate::domain::period::Period;
use crate::domain::summary::{Headline, WeekSummary};
use crate::domain::time::IsoWeek;

/// Weeks the overview shows.
const OVERVIEW_WEEKS: usize = 12;

/// The overview's small charts: (title, the week's value).
const TRENDS: [(&str, fn(&Headline) -> Option<f64>); 6] = [
    ("Answers", |h| Some(h.answers as f64)),
    ("Evidence share (%)", |h| h.evidence_pct),
    ("Meeting coverage (%)", |h| h.coverage_pct),
    ("Daily-post engagement (people)", |h| Some(h.people_engaged as f64)),
    ("Follow-ups open", |h| Some(h.follow_ups_open as f64)),
    ("Follow-ups overdue", |h| Some(h.follow_ups_overdue as f64)),
];

#[derive(Serialize)]
struct Trend {
    title: &'static str,
    svg: Value,
    /// (week, value as shown): the chart as text.
    values: Vec<(String, String)>,
}

#[derive(Serialize)]
struct HeatRow {
    segment: String,
    /// (answers, shade 0–4) per week.
    cells: Vec<(i64, u8)>,
}

pub async fn overview(web: &Web, m: Manager) -> Response {
    let app = &web.app;
    let guild = m.viewer.guild_id;
    let now = app.clock.now();
    let zone = match app.settings(guild).await {
        Ok(s) => s.zone,
        Err(e) => return web.unavailable(e),
    };
    let weekly = match app.weekly(guild, IsoWeek::containing(now, &zone), OVERVIEW_WEEKS, None).await {
        Ok(w) => w,
        Err(e) => return web.unavailable(e),
    };
    let labels: Vec<String> = weekly.iter().map(|(w, _)| w.short_name()).collect();
    let trends: Vec<Trend> = TRENDS
        .iter()
        .map(|(title, value)| {
            let points: Vec<(String, Option<f64>)> =
                weekly.iter().zip(&labels).map(|((_, s), l)| (l.clone(), value(&s.headline))).collect();
            Trend {
                title,
                svg: Value::from_safe_string(svg::bars(title, &points)),
                values: points.into_iter().map(|(l, v)| (l, v.map_or("–".into(), svg::number))).collect(),
            }
        })
        .collect();
    let (heat, never) = heat_map(&weekly);
    let context = context! {
        guild => guild.to_string(), csrf => m.csrf, page => "overview",
        timezone => zone.name(), weeks => labels, trends, heat, never,
        first => weekly.first().map(|(w, _)| w.to_string()), last => weekly.last().map(|(w, _)| w.to_string()),
    };
    web.pages.render(StatusCode::OK, "overview.html", context)
}

/// Answers per segment per week, shaded against the busiest cell; and
/// the known segments nobody discussed in any of the weeks.
fn heat_map(weekly: &[(IsoWeek, WeekSummary)]) -> (Vec<HeatRow>, Vec<String>) {
    let mut by_segment: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    for (i, (_, s)) in weekly.iter().enumerate() {
        for c in &s.segments {
            by_segment.entry(c.segment.clone()).or_insert_with(|| vec![0; weekly.len()])[i] += c.answers;
        }
        for segment in &s.segments_not_discussed {
            by_segment.entry(segment.clone()).or_insert_with(|| vec![0; weekly.len()]);
        }
    }
    let top = by_segment.values().flatten().copied().max().unwrap_or(0).max(1);
    let shade = |n: i64| if n == 0 { 0 } else { (1 + (n * 3) / top).min(4) as u8 };
    let never = by_segment.iter().filter(|(_, v)| v.iter().all(|n| *n == 0)).map(|(s, _)| s.clone()).collect();
    let rows = by_segment
        .into_iter()
        .map(|(segment, counts)| HeatRow { segment, cells: counts.into_iter().map(|n| (n, shade(n))).collect() })
        .collect();
    (rows, never)
}

pub async fn period(web: &Web, m: Manager, asked: Option<&str>) -> Response {
    let guild = m.viewer.guild_id;
    let base = context! { guild => guild.to_string(), csrf => m.csrf, page => "period", asked };
    let period = match asked.map(str::trim).filter(|p| !p.is_empty()).map(Period::parse).transpose() {
        Ok(p) => p,
        Err(problem) => {
            let context = context! { problem, ..base };
            return web.pages.render(StatusCode::BAD_REQUEST, "period.html", context);
        }
    };
    let report = match web.app.report(guild, period, None).await {
        Ok(r) => r,
        Err(e) => return web.unavailable(e),
    };
    let rows: Vec<Value> = report
        .rows()
        .into_iter()
        .map(|r| {
            context! {
                label => r.field.label, now => r.field.show(r.now), before => r.field.show(r.before),
                change => r.change.map(|c| if c > 0.0 { format!("+{}", svg::number(c)) } else { svg::number(c) }),
            }
        })
        .collect();
    let s = &report.this_week;
    let context = context! {
        title => format!("{} {}", capitalized(report.period.noun()), report.period), noun => report.period.noun(),
        period => report.period.to_string(), first_day => report.period.first_day().to_string(),
        last_day => report.period.last_day().to_string(), timezone => report.timezone.name(),
        rows, impact => s.impact.clone(), segments => s.segments.clone(),
        not_discussed => s.segments_not_discussed.clone(), owners => s.follow_up_owners.clone(),
        quotes => s.quotes.clone(), ..base
    };
    web.pages.render(StatusCode::OK, "period.html", context)
}

fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}
