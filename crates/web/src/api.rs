//! The JSON API under `/api/v1/guilds/{id}/…`, for other tools: a
//! guild's summary, answers, meetings, follow-ups and insights to read, and
//! feedback to send in. Each token sees only its guild (others are 404),
//! does only what its scope allows, and is rate-limited.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{FromRequestParts, Path, Query, RawPathParams, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use app::customers::CustomerQuery;
use app::explore::Filters;
use app::{user_message, user_problem, App};
use domain::api::{ApiToken, Scope};
use domain::period::Period;

/// The API's own description, served at `/api/v1/openapi.json`.
pub const OPENAPI: &str = include_str!("openapi.json");

/// Requests a token may make in a burst, and per second after it.
const BURST: f64 = 20.0;
const PER_SECOND: f64 = 10.0;
/// Most answers one page gives.
const MAX_PAGE: usize = 500;

#[derive(Clone)]
pub struct Api {
    pub app: App,
    limits: Arc<Mutex<HashMap<i64, (Instant, f64)>>>,
}

pub fn router(app: App) -> Router {
    let api = Api { app, limits: Arc::default() };
    Router::new()
        .route("/api/v1/openapi.json", get(|| async { ([(header::CONTENT_TYPE, "application/json")], OPENAPI) }))
        .route("/api/v1/guilds/{guild}/summary", get(summary))
        .route("/api/v1/guilds/{guild}/answers", get(answers))
        .route("/api/v1/guilds/{guild}/meetings", get(meetings))
        .route("/api/v1/guilds/{guild}/follow-ups", get(follow_ups))
        .route("/api/v1/guilds/{guild}/insights", get(insights))
        .route("/api/v1/guilds/{guild}/customers", get(customers))
        .route("/api/v1/guilds/{guild}/customers/{customer}", get(customer))
        .route("/api/v1/guilds/{guild}/feedback", axum::routing::post(feedback))
        .with_state(api)
}

fn error(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "error": message }))).into_response()
}

fn unavailable(e: anyhow::Error) -> Response {
    tracing::error!(error = %format!("{e:#}"), "an API request failed");
    error(StatusCode::SERVICE_UNAVAILABLE, "the bot's database did not answer; retry later")
}

impl Api {
    /// The token of a request for `guild` that may do `scope`, or the
    /// answer that refuses it.
    async fn caller(&self, headers: &HeaderMap, guild: &str, scope: Scope) -> Result<ApiToken, Response> {
        let secret = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim);
        let unauthorized = || {
            let mut r = error(
                StatusCode::UNAUTHORIZED,
                "send Authorization: Bearer <token>; a manager makes one with /setup api-token create",
            );
            r.headers_mut().insert(header::WWW_AUTHENTICATE, header::HeaderValue::from_static("Bearer"));
            r
        };
        let Some(secret) = secret.filter(|s| !s.is_empty()) else { return Err(unauthorized()) };
        let token = match self.app.api_caller(secret).await {
            Ok(Some(token)) => token,
            Ok(None) => return Err(unauthorized()),
            Err(e) => return Err(unavailable(e)),
        };
        if guild.parse::<u64>().ok() != Some(token.guild_id) {
            return Err(error(StatusCode::NOT_FOUND, "no such guild"));
        }
        if token.scope != scope {
            let message =
                format!("this token's scope is {}; this needs a {} token", token.scope.as_str(), scope.as_str());
            return Err(error(StatusCode::FORBIDDEN, &message));
        }
        if let Err(wait) = self.take_turn(token.id) {
            let mut r = error(StatusCode::TOO_MANY_REQUESTS, "too many requests with this token; wait and retry");
            let seconds = wait.as_secs() + 1;
            r.headers_mut().insert(header::RETRY_AFTER, seconds.into());
            return Err(r);
        }
        Ok(token)
    }

    /// A token bucket per token: `Err(wait)` when it is empty.
    fn take_turn(&self, token: i64) -> Result<(), Duration> {
        let mut limits = self.limits.lock().unwrap();
        let now = Instant::now();
        let (at, left) = limits.entry(token).or_insert((now, BURST));
        *left = (*left + now.duration_since(*at).as_secs_f64() * PER_SECOND).min(BURST);
        *at = now;
        if *left >= 1.0 {
            *left -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - *left) / PER_SECOND))
        }
    }
}

/// A request's token for the guild in its path, that may read it.
struct Reader(ApiToken);
/// The same, for a token that may send feedback in.
struct Ingester(ApiToken);

async fn token(parts: &mut Parts, api: &Api, scope: Scope) -> Result<ApiToken, Response> {
    let params = RawPathParams::from_request_parts(parts, api).await.map_err(IntoResponse::into_response)?;
    let guild = params.iter().find(|(name, _)| *name == "guild").map_or("", |(_, value)| value);
    api.caller(&parts.headers, guild, scope).await
}

impl FromRequestParts<Api> for Reader {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, api: &Api) -> Result<Reader, Response> {
        token(parts, api, Scope::Read).await.map(Reader)
    }
}

impl FromRequestParts<Api> for Ingester {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, api: &Api) -> Result<Ingester, Response> {
        token(parts, api, Scope::Ingest).await.map(Ingester)
    }
}

#[derive(Deserialize)]
struct SummaryQuery {
    period: Option<String>,
    channel: Option<String>,
}

async fn summary(State(api): State<Api>, Reader(token): Reader, Query(q): Query<SummaryQuery>) -> Response {
    let period = match q.period.as_deref().map(str::trim).filter(|p| !p.is_empty()).map(Period::parse).transpose() {
        Ok(p) => p,
        Err(problem) => return error(StatusCode::BAD_REQUEST, &problem),
    };
    let channel = match q.channel.as_deref().map(str::parse::<u64>).transpose() {
        Ok(c) => c,
        Err(_) => return error(StatusCode::BAD_REQUEST, "channel is a Discord id (a number)"),
    };
    match api.app.report(token.guild_id, period, channel).await {
        Ok(report) => Json(report).into_response(),
        Err(e) => unavailable(e),
    }
}

#[derive(Deserialize)]
struct AnswersQuery {
    #[serde(flatten)]
    filters: Filters,
    cursor: Option<String>,
    limit: Option<String>,
}

async fn answers(State(api): State<Api>, Reader(token): Reader, Query(q): Query<AnswersQuery>) -> Response {
    let (Ok(cursor), Ok(limit)) =
        (q.cursor.map(|c| c.parse::<i64>()).transpose(), q.limit.map(|l| l.parse::<usize>()).transpose())
    else {
        return error(StatusCode::BAD_REQUEST, "cursor and limit are numbers");
    };
    let limit = limit.unwrap_or(app::explore::PAGE).clamp(1, MAX_PAGE);
    let filter = match api.app.answer_filter(token.guild_id, &q.filters).await.map_err(user_problem) {
        Ok(filter) => filter,
        Err(Ok(problem)) => return error(StatusCode::BAD_REQUEST, &problem),
        Err(Err(e)) => return unavailable(e),
    };
    let page = match api.app.answers(&filter, cursor, limit).await {
        Ok(page) => page,
        Err(e) => return unavailable(e),
    };
    let answers: Vec<Value> = page
        .rows
        .iter()
        .map(|a| {
            json!({
                "id": a.id.to_string(),
                "created_at": jiff::Timestamp::from_millisecond(a.created_ms).unwrap_or_default(),
                "user_id": domain::answer::author(a.user_id),
                "meeting_id": a.meeting_id.map(|m| m.to_string()),
                "post_id": a.post_id.map(|p| p.to_string()),
                "impact": a.impact,
                "segments": a.segments,
                "evidence": a.has_evidence,
                "assumption": a.has_assumption,
                "text": a.body,
                "link": a.link,
            })
        })
        .collect();
    Json(json!({ "answers": answers, "next_cursor": page.next.map(|c| c.to_string()) })).into_response()
}

async fn meetings(State(api): State<Api>, Reader(token): Reader, Query(filters): Query<Filters>) -> Response {
    let listed = match api.app.meetings_in(token.guild_id, &filters).await.map_err(user_problem) {
        Ok(listed) => listed,
        Err(Ok(problem)) => return error(StatusCode::BAD_REQUEST, &problem),
        Err(Err(e)) => return unavailable(e),
    };
    let meetings: Vec<Value> = listed
        .iter()
        .map(|r| {
            let (m, s) = (&r.meeting, &r.stats);
            json!({
                "id": m.id.to_string(),
                "channel_id": m.body.channel_id.to_string(),
                "thread_id": m.body.thread_id.to_string(),
                "topic": m.body.topic,
                "segment": m.body.segment,
                "opened_at": m.opened_at,
                "closed_at": m.closed_at,
                "answers": s.answers,
                "answerers": s.answerers,
                "with_evidence": s.with_evidence,
                "with_assumption": s.with_assumption,
                "open_follow_ups": s.open_follow_ups,
                "recap": r.recap,
            })
        })
        .collect();
    Json(json!({ "meetings": meetings })).into_response()
}

async fn follow_ups(State(api): State<Api>, Reader(token): Reader) -> Response {
    let (open, done) = match api.app.follow_up_board(token.guild_id).await {
        Ok(board) => board,
        Err(e) => return unavailable(e),
    };
    let item = |f: &domain::follow_up::FollowUp, overdue: bool| {
        json!({
            "id": f.id.to_string(),
            "text": f.body.text,
            "owner_id": f.body.owner_id.map(|o| o.to_string()),
            "due_date": f.body.due_date.map(|d| d.to_string()),
            "overdue": overdue,
            "created_at": f.created_at,
            "done_at": f.done_at,
        })
    };
    let open: Vec<Value> = open.iter().map(|(f, overdue)| item(f, *overdue)).collect();
    let done: Vec<Value> = done.iter().map(|f| item(f, false)).collect();
    Json(json!({ "open": open, "done": done })).into_response()
}

async fn insights(State(api): State<Api>, Reader(token): Reader) -> Response {
    let listed = match api.app.insights_with_activity(token.guild_id).await {
        Ok(listed) => listed,
        Err(e) => return unavailable(e),
    };
    let insights: Vec<Value> = listed
        .iter()
        .map(|(i, [posts, reactions, answers])| {
            json!({
                "id": i.id.to_string(),
                "title": i.body.title,
                "customer": i.body.customer,
                "segment": i.body.segment.as_str(),
                "source": i.body.source.as_str(),
                "status": i.status.as_str(),
                "shipped": i.guild_id.is_none(),
                "posts": posts,
                "reactions": reactions,
                "answers": answers,
            })
        })
        .collect();
    Json(json!({ "insights": insights })).into_response()
}

async fn customers(State(api): State<Api>, Reader(token): Reader, Query(q): Query<CustomerQuery>) -> Response {
    match api.app.customer_list(token.guild_id, &q).await.map_err(user_problem) {
        Ok(list) => Json(json!({ "customers": list })).into_response(),
        Err(Ok(problem)) => error(StatusCode::BAD_REQUEST, &problem),
        Err(Err(e)) => unavailable(e),
    }
}

async fn customer(State(api): State<Api>, Reader(token): Reader, Path((_, id)): Path<(String, String)>) -> Response {
    let Ok(id) = id.parse::<i64>() else { return error(StatusCode::NOT_FOUND, "no such customer") };
    match api.app.customer_timeline(token.guild_id, id).await {
        Ok(Some(timeline)) => Json(timeline).into_response(),
        Ok(None) => error(StatusCode::NOT_FOUND, "no such customer"),
        Err(e) => unavailable(e),
    }
}

/// Feedback rows as a JSON array, imported with the CSV import's rules.
async fn feedback(State(api): State<Api>, Ingester(token): Ingester, body: Bytes) -> Response {
    let rows: Vec<serde_json::Map<String, Value>> = match serde_json::from_slice(&body) {
        Ok(rows) => rows,
        Err(e) => {
            let message = format!(
                "the body is a JSON array of feedback objects (customer, segment, score, comment, date, source): {e}"
            );
            return error(StatusCode::BAD_REQUEST, &message);
        }
    };
    match api.app.ingest_feedback(token.guild_id, &rows).await {
        Ok(imported) => {
            tracing::info!(
                guild = token.guild_id,
                token = token.id,
                added = imported.added,
                "feedback arrived through the API"
            );
            let body = json!({ "added": imported.added, "already_there": imported.already_there, "outcomes": imported.outcomes, "warnings": imported.warnings });
            Json(body).into_response()
        }
        Err(e) => match user_message(&e) {
            Some(problem) => error(StatusCode::BAD_REQUEST, problem),
            None => unavailable(e),
        },
    }
}
