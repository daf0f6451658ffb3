//! Lays out the weekly summary as an embed within Discord's limits: one
//! field per section of headline numbers (see `app::report::HEADLINES`),
//! then segments, follow-ups by owner and quotes.

use serenity::all::{CreateAttachment, CreateEmbed};

use super::limits::Embed;

use app::prompts::Texts;
use app::report::{days_off_text, reach_text, show, Report, Row, Section};

/// Nine fields of at most 600 characters leave the description and
/// footer room within Discord's 6,000 (the limits fit the rest).
const FIELD_MAX: usize = 600;

fn clip(text: String) -> String {
    if text.is_empty() {
        return "–".into();
    }
    super::limits::cut(&text, FIELD_MAX)
}

/// "Coverage 40% (+5)": a headline number and its change.
fn reading(r: &Row) -> String {
    let change = match r.change {
        Some(v) if v > 0.0 => format!(" (+{v})"),
        Some(v) if v < 0.0 => format!(" ({v})"),
        _ => String::new(),
    };
    format!("{} {}{change}", r.label, r.field.show(r.now))
}

pub const CHART_FILE: &str = "chart.png";

/// "Mon 23 Nov – Sun 29 Nov 2026 (Europe/Berlin)": the period in local dates.
fn period(report: &Report) -> String {
    let zone = &report.timezone;
    let (first, last) = (zone.date_of(report.start), zone.last_date_before(report.end));
    let range = format!("{} – {}", first.strftime("%a %-d %b"), last.strftime("%a %-d %b %Y"));
    let scope = report.channel_id.map_or(String::new(), |c| format!(" · <#{c}> only"));
    format!("{range} ({zone}){scope}; changes are against the {} before.", report.period.noun())
}

/// The lines a section adds after its numbers.
fn section_extra(report: &Report, section: Section, texts: &Texts) -> Vec<String> {
    let s = &report.this_week;
    match section {
        Section::Evidence => {
            let i = &s.impact;
            vec![
                format!("impact: {} helps, {} hurts, {} neutral, {} unknown", i.helps, i.hurts, i.neutral, i.unknown),
                format!("customers spoken for: {}", reach_text(&s.reach)),
            ]
        }
        Section::FollowUps => s
            .follow_up_owners
            .iter()
            .map(|o| {
                let owner = o.owner_id.as_ref().map_or("no owner".into(), |id| format!("<@{id}>"));
                format!("{owner}: {} open, {} overdue", o.open, o.overdue)
            })
            .collect(),
        Section::Customers => customer_lines(report, texts),
        _ => vec![],
    }
}

/// The voices of the period ("Acme 7 (70%) · Globex 3 (30%)"), the
/// warning when one is over half, and each segment's shares.
fn customer_lines(report: &Report, texts: &Texts) -> Vec<String> {
    let side = &report.this_week.customers;
    let voices: Vec<String> = side.voices.iter().map(|v| format!("{} {} ({}%)", v.name, v.answers, v.pct)).collect();
    let mut lines = vec![voices.join(" · ")];
    if let (true, Some(top)) = (side.one_voice, side.voices.first()) {
        lines.push(texts.render("summary.one_voice", minijinja::context! { name => top.name, pct => top.pct }));
    }
    let pct = |v: Option<f64>| show(v.as_ref());
    lines.extend(side.segments.iter().map(|s| {
        let (discussion, feedback, detractors) = (pct(s.discussion_pct), pct(s.feedback_pct), pct(s.detractor_pct));
        texts.render(
            "summary.segment_share",
            minijinja::context! { segment => s.segment, discussion, feedback, detractors },
        )
    }));
    lines.retain(|l| !l.is_empty());
    lines
}

/// The summary's title: also how a posted summary is recognised.
pub fn title(report: &Report, texts: &Texts) -> String {
    let period = report.period.to_string();
    texts.render("summary.title", minijinja::context! { kind => report.period.noun(), week => period.clone(), period })
}

pub fn embed(report: &Report, texts: &Texts, with_chart: bool) -> CreateEmbed {
    let s = &report.this_week;
    let heading = |key: &str| texts.text(&format!("summary.{key}"));
    let rows = report.rows();
    let mut fields: Vec<(String, String)> = Section::ALL
        .iter()
        .map(|&section| {
            let numbers: Vec<String> = rows.iter().filter(|r| r.field.section == section).map(reading).collect();
            let mut lines = vec![numbers.join(" · ")];
            lines.extend(section_extra(report, section, texts));
            (heading(section.key()), lines.join("\n"))
        })
        .collect();
    let segments = s.segments.iter().map(|c| format!("#{}: {} answers, {} insights", c.segment, c.answers, c.insights));
    fields.push((heading("segments"), segments.collect::<Vec<_>>().join("\n")));
    let missing = s.segments_not_discussed.iter().map(|x| format!("#{x}"));
    fields.push((heading("missing_segments"), missing.collect::<Vec<_>>().join(", ")));
    let quotes =
        s.quotes.iter().map(|q| format!("> {}\n— <@{}> [link]({})", q.text.replace('\n', " "), q.user_id, q.link));
    fields.push((heading("quotes"), quotes.collect::<Vec<_>>().join("\n")));
    if !s.days_off.is_empty() {
        fields.push((heading("days_off"), days_off_text(&s.days_off)));
    }

    let mut embed = Embed {
        title: title(report, texts),
        description: period(report),
        fields: fields.into_iter().map(|(name, value)| (name, clip(value))).collect(),
        footer: "Advocate · /summary for any week, month, quarter or days · CSV attached to /summary".into(),
    }
    .build();
    if with_chart {
        embed = embed.image(format!("attachment://{CHART_FILE}"));
    }
    embed
}

pub fn chart_file(png: Vec<u8>) -> CreateAttachment {
    CreateAttachment::bytes(png, CHART_FILE)
}
