//! The managers' pages: what each shows, the app's numbers shaped for
//! the templates. Every guild page takes the signed-in [`Manager`] of
//! that guild (see `session.rs`) and its forms a CSRF token.

use std::collections::BTreeMap;

use axum::extract::{Form, Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use minijinja::{context, Value};
use serde::{Deserialize, Serialize};

use super::pages::STYLE;
use super::session::{self, Csrf, Manager, Web};
use super::svg;
use app::access::Viewer;
use app::customers::{CustomerQuery, CUSTOMER_EDITS, CUSTOMER_SORTS};
use app::explore::{Filters, PAGE};
use app::meetings::Recapped;
use app::report::{show, signed};
use app::{user_message, user_problem};
use domain::customer_week::CustomerSide;
use domain::follow_up::FollowUp;
use domain::link::discord_link;
use domain::period::Period;
use domain::summary::{AnswerRow, Headline, WeekSummary};
use domain::time::{IsoWeek, Zone};
use domain::timeline::{Moment, Score, ScoreWindow, Standing};

pub fn router(web: Web) -> Router {
    Router::new()
        .merge(session::routes())
        .route("/static/style.css", get(style))
        .route("/guilds/{guild}", get(overview))
        .route("/guilds/{guild}/summary", get(period))
        .route("/guilds/{guild}/answers", get(answers))
        .route("/guilds/{guild}/answers.csv", get(answers_csv))
        .route("/guilds/{guild}/meetings", get(meetings))
        .route("/guilds/{guild}/meetings/{id}", get(meeting))
        .route("/guilds/{guild}/follow-ups", get(follow_ups))
        .route("/guilds/{guild}/follow-ups/{id}/done", post(close_follow_up))
        .route("/guilds/{guild}/insights", get(insights))
        .route("/guilds/{guild}/insights/{id}/{action}", post(act_on_insight))
        .route("/guilds/{guild}/customers", get(customers))
        .route("/guilds/{guild}/customers/{id}", get(customer))
        .route("/guilds/{guild}/customers/{id}/edit", post(edit_customer))
        .with_state(web)
}

async fn style() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "max-age=3600")], STYLE)
}

#[derive(Deserialize)]
pub struct PeriodQuery {
    pub period: Option<String>,
}

#[derive(Deserialize)]
pub struct AnswersQuery {
    #[serde(flatten)]
    pub filters: Filters,
    /// The cursor: answers older than this one (text: flattened
    /// query fields arrive as text).
    pub before: Option<String>,
}

/// Follow-ups listed in each section of the board.
const BOARD_ROWS: usize = 150;

/// Weeks the overview shows.
const OVERVIEW_WEEKS: usize = 12;

/// A week's value of one trend.
type Measure = fn(&Headline) -> Option<f64>;

/// The overview's small charts: (the text of their title, the week's value).
const TRENDS: [(&str, Measure); 6] = [
    ("dashboard.trend_answers", |h| Some(h.answers as f64)),
    ("dashboard.trend_evidence", |h| h.evidence_pct),
    ("dashboard.trend_coverage", |h| h.coverage_pct),
    ("dashboard.trend_engagement", |h| Some(h.people_engaged as f64)),
    ("dashboard.trend_follow_ups_open", |h| Some(h.follow_ups_open as f64)),
    ("dashboard.trend_follow_ups_overdue", |h| Some(h.follow_ups_overdue as f64)),
];

#[derive(Serialize)]
struct Trend {
    title: String,
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

async fn overview(State(ref web): State<Web>, m: Manager) -> Response {
    let app = &web.app;
    let guild = m.viewer.guild_id;
    let now = app.clock.now();
    let zone = match app.settings(guild).await {
        Ok(s) => s.zone.clone(),
        Err(e) => return web.unavailable(e),
    };
    let weekly = match app.weekly(guild, IsoWeek::containing(now, &zone), OVERVIEW_WEEKS, None).await {
        Ok(w) => w,
        Err(e) => return web.unavailable(e),
    };
    let labels: Vec<String> = weekly.iter().map(|(w, _)| w.short_name()).collect();
    let trends: Vec<Trend> = TRENDS
        .iter()
        .map(|(key, value)| {
            let points: Vec<(String, Option<f64>)> =
                weekly.iter().zip(&labels).map(|((_, s), l)| (l.clone(), value(&s.headline))).collect();
            let title = web.texts().text(key);
            Trend {
                svg: Value::from_safe_string(svg::bars(&title, &points)),
                title,
                values: points.into_iter().map(|(l, v)| (l, show(v.as_ref()))).collect(),
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

async fn period(State(ref web): State<Web>, m: Manager, Query(q): Query<PeriodQuery>) -> Response {
    let asked = q.period.as_deref();
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
                label => r.label, now => r.field.show(r.now), before => r.field.show(r.before),
                change => signed(r.change.as_ref()),
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
        quotes => s.quotes.clone(), customers => customer_side(&s.customers), ..base
    };
    web.pages.render(StatusCode::OK, "period.html", context)
}

/// The summary's voices and shares with their numbers as people read them.
fn customer_side(side: &CustomerSide) -> Value {
    let voices: Vec<Value> = side
        .voices
        .iter()
        .map(|v| context! { customer_id => v.customer_id.to_string(), name => v.name, answers => v.answers, pct => show(Some(&v.pct)) })
        .collect();
    let segments: Vec<Value> = side
        .segments
        .iter()
        .map(|s| {
            context! {
                segment => s.segment, discussion_pct => show(s.discussion_pct.as_ref()),
                feedback_pct => show(s.feedback_pct.as_ref()), detractor_pct => show(s.detractor_pct.as_ref()),
            }
        })
        .collect();
    context! { voices, segments, one_voice => side.one_voice, weighted => side.weighted }
}

fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// One answer as the explorer lists it.
#[derive(Serialize)]
struct Listed {
    at: String,
    user_id: String,
    segments: String,
    impact: String,
    evidence: bool,
    assumption: bool,
    text: String,
    link: String,
}

fn listed(a: &AnswerRow, zone: &domain::time::Zone) -> Listed {
    let at = jiff::Timestamp::from_millisecond(a.created_ms).unwrap_or_default();
    Listed {
        at: zone.clock_time(at),
        // Empty for an anonymous answer: the page names it in its own words.
        user_id: domain::answer::author(a.user_id).unwrap_or_default(),
        segments: a.segments.join(", "),
        impact: a.impact.clone(),
        evidence: a.has_evidence,
        assumption: a.has_assumption,
        text: a.body.clone(),
        link: a.link.clone(),
    }
}

async fn answers(State(ref web): State<Web>, m: Manager, Query(q): Query<AnswersQuery>) -> Response {
    let (filters, before) = (&q.filters, q.before.and_then(|b| b.parse().ok()));
    let guild = m.viewer.guild_id;
    let query = serde_urlencoded::to_string(filters).unwrap_or_default();
    let base = context! { guild => guild.to_string(), csrf => m.csrf, page => "answers", f => filters, query };
    let filter = match web.app.answer_filter(guild, filters).await.map_err(user_problem) {
        Ok(filter) => filter,
        Err(Ok(problem)) => {
            return web.pages.render(StatusCode::BAD_REQUEST, "answers.html", context! { problem, ..base })
        }
        Err(Err(e)) => return web.unavailable(e),
    };
    let (page, zone) = match (web.app.answers(&filter, before, PAGE).await, web.app.settings(guild).await) {
        (Ok(page), Ok(settings)) => (page, settings.zone.clone()),
        (Err(e), _) | (_, Err(e)) => return web.unavailable(e),
    };
    let rows: Vec<Listed> = page.rows.iter().map(|a| listed(a, &zone)).collect();
    let context = context! { rows, next => page.next, timezone => zone.name(), ..base };
    web.pages.render(StatusCode::OK, "answers.html", context)
}

async fn answers_csv(State(ref web): State<Web>, m: Manager, Query(ref filters): Query<Filters>) -> Response {
    let guild = m.viewer.guild_id;
    let filter = match web.app.answer_filter(guild, filters).await.map_err(user_problem) {
        Ok(filter) => filter,
        Err(Ok(problem)) => {
            return web.pages.message(StatusCode::BAD_REQUEST, &web.texts().text("pages.cannot_export_title"), &problem)
        }
        Err(Err(e)) => return web.unavailable(e),
    };
    match web.app.answers_csv(&filter).await {
        Ok(csv) => {
            let name = format!("attachment; filename=\"answers-{guild}.csv\"");
            let headers =
                [(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()), (header::CONTENT_DISPOSITION, name)];
            (headers, csv).into_response()
        }
        Err(e) => web.unavailable(e),
    }
}

/// The page after a write action: the app's refusal if it refused
/// (shown to the manager), else back to `to` (post, redirect, get).
fn after_action(web: &Web, result: anyhow::Result<()>, to: String) -> Response {
    match result {
        Ok(()) => Redirect::to(&to).into_response(),
        Err(e) => match user_message(&e) {
            Some(refusal) => {
                web.pages.message(StatusCode::CONFLICT, &web.texts().text("pages.not_done_title"), refusal)
            }
            None => web.unavailable(e),
        },
    }
}

#[derive(Serialize)]
struct Task {
    id: i64,
    text: String,
    owner: Option<String>,
    due: Option<String>,
    overdue: bool,
    done_at: Option<String>,
}

fn task(f: &FollowUp, overdue: bool, zone: &domain::time::Zone) -> Task {
    Task {
        id: f.id,
        text: f.body.text.clone(),
        owner: f.body.owner_id.map(|o| o.to_string()),
        due: f.body.due_date.map(|d| d.to_string()),
        overdue,
        done_at: f.done_at.map(|t| zone.clock_time(t)),
    }
}

async fn follow_ups(State(ref web): State<Web>, m: Manager) -> Response {
    let guild = m.viewer.guild_id;
    let (board, zone) = match (web.app.follow_up_board(guild).await, web.app.settings(guild).await) {
        (Ok(board), Ok(settings)) => (board, settings.zone.clone()),
        (Err(e), _) | (_, Err(e)) => return web.unavailable(e),
    };
    let (open, done) = board;
    let (overdue, open): (Vec<_>, Vec<_>) = open.iter().partition(|(_, late)| *late);
    // A page stays small: the first of each list, and how many in all.
    let section = |tasks: Vec<Task>| context! { total => tasks.len(), shown => tasks.into_iter().take(BOARD_ROWS).collect::<Vec<_>>() };
    let context = context! {
        guild => guild.to_string(), csrf => m.csrf, page => "follow-ups", timezone => zone.name(), most => BOARD_ROWS,
        overdue => section(overdue.iter().map(|(f, late)| task(f, *late, &zone)).collect()),
        open => section(open.iter().map(|(f, late)| task(f, *late, &zone)).collect()),
        done => section(done.iter().map(|f| task(f, false, &zone)).collect()),
    };
    web.pages.render(StatusCode::OK, "follow_ups.html", context)
}

async fn close_follow_up(
    State(ref web): State<Web>,
    m: Manager,
    Path((_, id)): Path<(String, i64)>,
    Form(form): Form<Csrf>,
) -> Response {
    if let Some(refusal) = web.refuses_form(&m, &form) {
        return refusal;
    }
    let Viewer { guild_id, user_id } = m.viewer;
    let closed = web.app.complete_follow_up(guild_id, id, user_id, true, &Default::default()).await.map(drop);
    if closed.is_ok() {
        tracing::info!(guild = guild_id, user = user_id, follow_up = id, "dashboard: a manager closed a follow-up");
    }
    after_action(web, closed, format!("/guilds/{guild_id}/follow-ups"))
}

#[derive(Serialize)]
struct Entry {
    id: i64,
    title: String,
    customer: String,
    segment: String,
    source: String,
    status: &'static str,
    own: bool,
    posts: i64,
    reactions: i64,
    answers: i64,
}

async fn insights(State(ref web): State<Web>, m: Manager) -> Response {
    let guild = m.viewer.guild_id;
    let listed = match web.app.insights_with_activity(guild).await {
        Ok(listed) => listed,
        Err(e) => return web.unavailable(e),
    };
    let entries: Vec<Entry> = listed
        .into_iter()
        .map(|(i, [posts, reactions, answers])| Entry {
            id: i.id,
            title: i.body.title,
            customer: i.body.customer,
            segment: i.body.segment.as_str().to_string(),
            source: i.body.source.as_str().to_string(),
            status: i.status.as_str(),
            own: i.guild_id.is_some(),
            posts,
            reactions,
            answers,
        })
        .collect();
    let (pending, rest): (Vec<Entry>, Vec<Entry>) = entries.into_iter().partition(|e| e.status == "pending");
    let context = context! { guild => guild.to_string(), csrf => m.csrf, page => "insights", pending, rest };
    web.pages.render(StatusCode::OK, "insights.html", context)
}

/// Approves, rejects or retires an insight; the person who suggested
/// one hears the outcome of its review, as from `/insight review`.
async fn act_on_insight(
    State(ref web): State<Web>,
    m: Manager,
    Path((_, id, action)): Path<(String, i64, String)>,
    Form(form): Form<Csrf>,
) -> Response {
    if let Some(refusal) = web.refuses_form(&m, &form) {
        return refusal;
    }
    let Viewer { guild_id, user_id } = m.viewer;
    let app = &web.app;
    let done = match action.as_str() {
        "approve" | "reject" => {
            let approved = action == "approve";
            app.review_insight(guild_id, id, approved).await.map(|insight| {
                let note = app
                    .prompts
                    .texts
                    .render("replies.suggestion_outcome", context! { title => insight.body.title, approved });
                (insight.added_by, note)
            })
        }
        "retire" => app.retire_insight(guild_id, id, user_id).await.map(|()| (None, String::new())),
        _ => return web.not_found_because(&web.texts().text("pages.no_such_action")),
    };
    let done = match done {
        Ok((suggester, note)) => {
            tracing::info!(
                guild = guild_id,
                user = user_id,
                insight = id,
                action,
                "dashboard: a manager acted on an insight"
            );
            if let Some(by) = suggester {
                // A closed DM is not worth failing the review for.
                if let Err(e) = web.members.tell(by, note).await {
                    tracing::warn!(user = by, error = %format!("{e:#}"), "could not tell a suggester the outcome");
                }
            }
            Ok(())
        }
        Err(e) => Err(e),
    };
    after_action(web, done, format!("/guilds/{guild_id}/insights"))
}

#[derive(Serialize)]
struct MeetingLine {
    id: i64,
    topic: String,
    channel: String,
    thread_link: String,
    opened: String,
    closed: Option<String>,
    answers: i64,
    answerers: i64,
    evidence: i64,
    assumptions: i64,
    open_follow_ups: i64,
    recap: String,
}

fn meeting_line(r: &Recapped, zone: &domain::time::Zone) -> MeetingLine {
    let m = &r.meeting;
    MeetingLine {
        id: m.id,
        topic: m.body.topic.clone(),
        channel: m.body.channel_id.to_string(),
        thread_link: discord_link(m.body.guild_id, m.body.thread_id, None),
        opened: zone.clock_time(m.opened_at),
        closed: m.closed_at.map(|t| zone.clock_time(t)),
        answers: r.stats.answers,
        answerers: r.stats.answerers,
        evidence: r.stats.with_evidence,
        assumptions: r.stats.with_assumption,
        open_follow_ups: r.stats.open_follow_ups,
        recap: r.recap.clone(),
    }
}

async fn meetings(State(ref web): State<Web>, m: Manager, Query(ref filters): Query<Filters>) -> Response {
    let guild = m.viewer.guild_id;
    let base = context! { guild => guild.to_string(), csrf => m.csrf, page => "meetings", f => filters };
    let listed = web.app.meetings_in(guild, filters).await.map_err(user_problem);
    let (listed, zone) = match (listed, web.app.settings(guild).await) {
        (Ok(listed), Ok(settings)) => (listed, settings.zone.clone()),
        (Err(Ok(problem)), _) => {
            return web.pages.render(StatusCode::BAD_REQUEST, "meetings.html", context! { problem, ..base })
        }
        (Err(Err(e)), _) | (_, Err(e)) => return web.unavailable(e),
    };
    let meetings: Vec<MeetingLine> = listed.iter().map(|r| meeting_line(r, &zone)).collect();
    let context = context! { meetings, timezone => zone.name(), ..base };
    web.pages.render(StatusCode::OK, "meetings.html", context)
}

async fn meeting(State(ref web): State<Web>, m: Manager, Path((_, id)): Path<(String, i64)>) -> Response {
    let guild = m.viewer.guild_id;
    let (found, zone) = match (web.app.meeting_with_answers(guild, id).await, web.app.settings(guild).await) {
        (Ok(found), Ok(settings)) => (found, settings.zone.clone()),
        (Err(e), _) | (_, Err(e)) => return web.unavailable(e),
    };
    let Some((recapped, answers, anonymous)) = found else {
        return web.not_found_because(&web.texts().text("pages.no_such_meeting"));
    };
    let rows: Vec<Listed> = answers.iter().map(|a| listed(a, &zone)).collect();
    let context = context! {
        guild => guild.to_string(), csrf => m.csrf, page => "meetings",
        meeting => meeting_line(&recapped, &zone), rows, anonymous, timezone => zone.name(),
    };
    web.pages.render(StatusCode::OK, "meeting.html", context)
}

/// Each choice with its label, `dashboard.<kind>_<choice>` (a test checks every one exists).
fn labelled(web: &Web, kind: &str, choices: &[&'static str]) -> Vec<(&'static str, String)> {
    choices.iter().map(|c| (*c, web.texts().text(&format!("dashboard.{kind}_{c}")))).collect()
}

/// Most customers one list page shows; the API's customers call lists them all.
const CUSTOMER_ROWS: usize = 200;

/// One customer as the list and the page show them.
#[derive(Serialize)]
struct CustomerLine {
    id: String,
    name: String,
    segment: Option<String>,
    weight: Option<String>,
    owner: Option<String>,
    feedback: i64,
    scores: i64,
    answers: i64,
    open_promises: i64,
    closed_promises: i64,
    told: i64,
    waiting_since: Option<String>,
    last_score: Option<String>,
    detractor_waiting: bool,
    last_discussed: Option<String>,
}

/// "NPS 3 on 2026-11-02"
fn score_text(s: &Score) -> String {
    format!("{} {} · {}", s.kind.to_uppercase(), show(s.score.as_ref()), s.day)
}

fn customer_line(s: &Standing, zone: &Zone) -> CustomerLine {
    let c = &s.customer;
    CustomerLine {
        id: c.id.to_string(),
        name: c.name.clone(),
        segment: c.segment.clone(),
        weight: c.weight.map(|w| show(Some(&w))),
        owner: c.owner_id.map(|o| o.to_string()),
        feedback: s.feedback,
        scores: s.scores,
        answers: s.answers,
        open_promises: s.open_promises,
        closed_promises: s.closed_promises,
        told: s.told,
        waiting_since: s.waiting_since.map(|t| zone.clock_time(t)),
        last_score: s.last_score.as_ref().map(score_text),
        detractor_waiting: s.detractor_waiting,
        last_discussed: s.last_discussed.map(|t| zone.clock_time(t)),
    }
}

async fn customers(State(ref web): State<Web>, m: Manager, Query(ref q): Query<CustomerQuery>) -> Response {
    let guild = m.viewer.guild_id;
    let sorts = labelled(web, "sort", &CUSTOMER_SORTS);
    let base = context! { guild => guild.to_string(), csrf => m.csrf, page => "customers", q, sorts };
    let listed = web.app.customer_list(guild, q).await.map_err(user_problem);
    let (listed, zone) = match (listed, web.app.settings(guild).await) {
        (Ok(listed), Ok(settings)) => (listed, settings.zone.clone()),
        (Err(Ok(problem)), _) => {
            return web.pages.render(StatusCode::BAD_REQUEST, "customers.html", context! { problem, ..base })
        }
        (Err(Err(e)), _) | (_, Err(e)) => return web.unavailable(e),
    };
    let rows: Vec<CustomerLine> = listed.iter().take(CUSTOMER_ROWS).map(|s| customer_line(s, &zone)).collect();
    let context = context! { rows, total => listed.len(), most => CUSTOMER_ROWS, timezone => zone.name(), ..base };
    web.pages.render(StatusCode::OK, "customers.html", context)
}

/// One moment of a customer's timeline, in words.
#[derive(Serialize)]
struct MomentLine {
    when: String,
    kind: String,
    what: String,
    detail: String,
    link: Option<String>,
}

fn moment_line(m: &Moment, zone: &Zone, texts: &app::prompts::Texts) -> MomentLine {
    let kind = |key: &str| texts.text(&format!("dashboard.moment_{key}"));
    let when = zone.clock_time(m.at());
    let line = |kind: String, what: String, detail: String, link: Option<String>| MomentLine {
        when: when.clone(),
        kind,
        what,
        detail,
        link,
    };
    match m {
        Moment::Feedback { title, story, source, .. } => {
            line(kind("feedback"), title.clone(), format!("{story} ({source})"), None)
        }
        Moment::Score { score } => line(kind("score"), score_text(score), String::new(), None),
        Moment::Post { title, reactions, answers, link, .. } => {
            let detail = texts.render("dashboard.post_detail", context! { reactions, answers });
            line(kind("post"), title.clone(), detail, Some(link.clone()))
        }
        Moment::Answer { text, impact, evidence, assumption, link, .. } => {
            let detail = texts.render("dashboard.answer_detail", context! { impact, evidence, assumption });
            line(kind("answer"), text.clone(), detail, Some(link.clone()))
        }
        Moment::Promise { promise } => {
            let closed = promise.closed_at.map(|t| zone.clock_time(t));
            let detail = texts.render(
                "dashboard.promise_detail",
                context! { closed, outcome => promise.outcome, told => promise.told_customer },
            );
            line(kind("promise"), promise.text.clone(), detail, None)
        }
    }
}

/// "NPS 20 (5) · CSAT 4.2 (3)", or "–" when the window has no score.
fn window_text(w: &ScoreWindow) -> String {
    let mut parts = vec![];
    if let Some(nps) = w.nps {
        parts.push(format!("NPS {} ({})", show(Some(&nps)), w.nps_responses));
    }
    if let Some(csat) = w.csat {
        parts.push(format!("CSAT {} ({})", show(Some(&csat)), w.csat_responses));
    }
    if parts.is_empty() {
        "–".into()
    } else {
        parts.join(" · ")
    }
}

async fn customer(State(ref web): State<Web>, m: Manager, Path((_, id)): Path<(String, String)>) -> Response {
    let guild = m.viewer.guild_id;
    let not_found = || web.not_found_because(&web.texts().text("pages.no_such_customer"));
    let Ok(id) = id.parse::<i64>() else { return not_found() };
    let (found, zone) = match (web.app.customer_timeline(guild, id).await, web.app.settings(guild).await) {
        (Ok(found), Ok(settings)) => (found, settings.zone.clone()),
        (Err(e), _) | (_, Err(e)) => return web.unavailable(e),
    };
    let Some(timeline) = found else { return not_found() };
    let texts = web.texts();
    let moments: Vec<MomentLine> = timeline.moments.iter().map(|m| moment_line(m, &zone, texts)).collect();
    let loops: Vec<Value> = timeline
        .loops
        .iter()
        .map(|l| {
            context! {
                closed_on => l.closed_on.to_string(), told => l.told_customer,
                before => window_text(&l.before), after => window_text(&l.after),
            }
        })
        .collect();
    let c = &timeline.standing.customer;
    let context = context! {
        guild => guild.to_string(), csrf => m.csrf, page => "customers", timezone => zone.name(),
        c => customer_line(&timeline.standing, &zone), aliases => c.aliases, domains => c.domains,
        crm_id => c.crm_id, support_org_id => c.support_org_id, moments, loops,
        edits => labelled(web, "edit", &CUSTOMER_EDITS),
    };
    web.pages.render(StatusCode::OK, "customer.html", context)
}

#[derive(Deserialize)]
struct CustomerEdit {
    csrf: String,
    edit: String,
    #[serde(default)]
    value: String,
}

/// Renames, aliases, merges or sets a field of a customer; then its page
/// (after a merge, the page of the customer it was merged into).
async fn edit_customer(
    State(ref web): State<Web>,
    m: Manager,
    Path((_, id)): Path<(String, String)>,
    Form(form): Form<CustomerEdit>,
) -> Response {
    if let Some(refusal) = web.refuses_form(&m, &Csrf { csrf: form.csrf.clone() }) {
        return refusal;
    }
    let Ok(id) = id.parse::<i64>() else { return web.not_found_because(&web.texts().text("pages.no_such_customer")) };
    let Viewer { guild_id, user_id } = m.viewer;
    match web.app.edit_customer(guild_id, id, &form.edit, &form.value).await {
        Ok(c) => {
            tracing::info!(
                guild = guild_id,
                user = user_id,
                customer = id,
                edit = form.edit,
                "dashboard: a manager edited a customer"
            );
            Redirect::to(&format!("/guilds/{guild_id}/customers/{}", c.id)).into_response()
        }
        Err(e) => after_action(web, Err(e), String::new()),
    }
}
