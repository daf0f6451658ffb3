//! Lays out the weekly summary as an embed within Discord's limits.

use serenity::all::{CreateAttachment, CreateEmbed, CreateEmbedFooter};

use crate::app::report::WeekReport;
use crate::prompts::Texts;

/// Discord allows 1,024 characters a field and 6,000 an embed; eight
/// fields of at most 600 stay well inside both.
const FIELD_MAX: usize = 600;

fn clip(text: String) -> String {
    if text.chars().count() <= FIELD_MAX {
        return if text.is_empty() { "–".into() } else { text };
    }
    let mut out: String = text.chars().take(FIELD_MAX - 1).collect();
    out.push('…');
    out
}

fn pct(v: Option<f64>) -> String {
    v.map_or("–".into(), |v| format!("{v:.0}%"))
}

fn delta(report: &WeekReport, key: &str) -> String {
    match report.change.get(key) {
        Some(v) if *v > 0.0 => format!(" (+{v})"),
        Some(v) if *v < 0.0 => format!(" ({v})"),
        _ => String::new(),
    }
}

pub const CHART_FILE: &str = "chart.png";

/// "Mon 23 Nov – Sun 29 Nov 2026 (Europe/Berlin)": the week in local dates.
fn period(report: &WeekReport) -> String {
    let range = crate::domain::time::Zone::parse(&report.timezone).ok().map(|zone| {
        let first = zone.date_of(report.start);
        let last = zone.last_date_before(report.end);
        format!("{} – {}", first.strftime("%a %-d %b"), last.strftime("%a %-d %b %Y"))
    });
    let scope = report.channel_id.as_ref().map_or(String::new(), |c| format!(" · <#{c}> only"));
    format!("{} ({}){scope}; changes are against the week before.", range.unwrap_or_default(), report.timezone)
}

pub fn embed(report: &WeekReport, texts: &Texts, with_chart: bool) -> CreateEmbed {
    let s = &report.this_week;
    let h = &s.headline;
    let d = |key| delta(report, key);
    let heading = |key: &str| texts.text(&format!("summary.{key}"));
    let segments: Vec<String> =
        s.segments.iter().map(|c| format!("#{}: {} answers, {} insights", c.segment, c.answers, c.insights)).collect();
    let owners: Vec<String> = s
        .follow_up_owners
        .iter()
        .map(|o| {
            format!(
                "{}: {} open, {} overdue",
                o.owner_id.as_ref().map_or("no owner".into(), |id| format!("<@{id}>")),
                o.open,
                o.overdue
            )
        })
        .collect();
    let quotes: Vec<String> = s
        .quotes
        .iter()
        .map(|q| format!("> {}\n— <@{}> [link]({})", q.text.replace('\n', " "), q.user_id, q.link))
        .collect();
    let fields = [
        (
            heading("insights"),
            format!(
                "{} posts{} · {} reactions{} · {} answers{} · {} people engaged{}",
                h.insight_posts,
                d("insight_posts"),
                h.post_reactions,
                d("post_reactions"),
                h.post_answers,
                d("post_answers"),
                h.people_engaged,
                d("people_engaged")
            ),
        ),
        (
            heading("meetings"),
            format!(
                "{} held{} · {} discussed customers{} · coverage {}{} · median first answer {}",
                h.meetings,
                d("meetings"),
                h.meetings_answered,
                d("meetings_answered"),
                pct(h.coverage_pct),
                d("coverage_pct"),
                h.median_minutes_to_first_answer.map_or("–".into(), |m| format!("{m:.0} min"))
            ),
        ),
        (
            heading("answers"),
            format!("{} answers{} from {} people{}", h.answers, d("answers"), h.answerers, d("answerers")),
        ),
        (
            heading("evidence"),
            format!(
                "evidence {} · assumptions {} · impact: {} helps, {} hurts, {} neutral, {} unknown",
                pct(h.evidence_pct),
                pct(h.assumption_pct),
                s.impact.helps,
                s.impact.hurts,
                s.impact.neutral,
                s.impact.unknown
            ),
        ),
        (heading("segments"), segments.join("\n")),
        (
            heading("missing_segments"),
            s.segments_not_discussed.iter().map(|x| format!("#{x}")).collect::<Vec<_>>().join(", "),
        ),
        (
            heading("follow_ups"),
            format!(
                "{} opened · {} done · {} open · {} overdue\n{}",
                h.follow_ups_opened,
                h.follow_ups_done,
                h.follow_ups_open,
                h.follow_ups_overdue,
                owners.join("\n")
            ),
        ),
        (heading("quotes"), quotes.join("\n")),
    ];
    let mut embed = CreateEmbed::new()
        .title(texts.render("summary.title", minijinja::context! { week => report.week }))
        .description(period(report))
        .colour(0x3b82f6)
        .footer(CreateEmbedFooter::new("Advocate · /summary for any week · CSV attached to /summary"));
    for (name, value) in fields {
        embed = embed.field(name, clip(value), false);
    }
    if with_chart {
        embed = embed.image(format!("attachment://{CHART_FILE}"));
    }
    embed
}

pub fn chart_file(png: Vec<u8>) -> CreateAttachment {
    CreateAttachment::bytes(png, CHART_FILE)
}
