//! Signing in and out, the session cookie, the CSRF token of forms, and
//! the manager extractor every guild page starts with: the signed-in
//! manager of that guild, checked against Discord on every request.
//! Another guild's pages answer 404, as if they did not exist.

use std::sync::Arc;

use axum::extract::{Form, FromRequestParts, Query, RawPathParams, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use subtle::ConstantTimeEq as _;

use super::pages::Pages;
use app::access::{csrf_token, Members, Viewer, SESSION_TTL};
use app::prompts::Texts;
use app::App;

/// What every page handler is given: the app and how pages are served.
#[derive(Clone)]
pub struct Web {
    pub app: App,
    pub members: Arc<dyn Members>,
    /// Cookies only over HTTPS (when the public address is https).
    pub secure: bool,
    pub pages: Arc<Pages>,
}

const COOKIE: &str = "advocate_session";

/// The routes of signing in and out.
pub fn routes() -> Router<Web> {
    Router::new().route("/", get(home)).route("/sign-in", get(sign_in)).route("/sign-out", post(sign_out))
}

/// A signed-in manager looking at their guild's pages.
pub struct Manager {
    pub viewer: Viewer,
    /// The session's CSRF token, for the page's forms.
    pub csrf: String,
}

/// Every page of a guild (`/guilds/{guild}/…`) starts here: the
/// signed-in manager of that guild, or the page that refuses.
impl FromRequestParts<Web> for Manager {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, web: &Web) -> Result<Manager, Response> {
        let params = RawPathParams::from_request_parts(parts, web).await.map_err(IntoResponse::into_response)?;
        let guild = params.iter().find(|(name, _)| *name == "guild").map_or("", |(_, value)| value);
        web.manager(&parts.headers, guild).await
    }
}

/// The session secret in the request's cookie.
fn session_secret(headers: &HeaderMap) -> Option<&str> {
    let cookies = headers.get_all(header::COOKIE).into_iter().filter_map(|v| v.to_str().ok());
    cookies.flat_map(|c| c.split(';')).find_map(|c| c.trim().strip_prefix(COOKIE)?.strip_prefix('='))
}

impl Web {
    pub fn unavailable(&self, e: anyhow::Error) -> Response {
        tracing::error!(error = %format!("{e:#}"), "a dashboard request failed");
        self.notice(StatusCode::SERVICE_UNAVAILABLE, "pages.unavailable_title", "pages.unavailable")
    }

    fn signed_out(&self) -> Response {
        self.notice(StatusCode::UNAUTHORIZED, "pages.signed_out_title", "pages.signed_out")
    }

    /// The prompts' texts, for what a page says.
    pub fn texts(&self) -> &Texts {
        &self.app.prompts.texts
    }

    /// A short page worded by the prompts texts `title` and `text`.
    pub fn notice(&self, status: StatusCode, title: &str, text: &str) -> Response {
        let t = self.texts();
        self.pages.message(status, &t.text(title), &t.text(text))
    }

    /// A 404 page saying `why`.
    pub fn not_found_because(&self, why: &str) -> Response {
        self.pages.message(StatusCode::NOT_FOUND, &self.texts().text("pages.not_found_title"), why)
    }

    fn not_found(&self) -> Response {
        self.not_found_because(&self.texts().text("pages.not_found"))
    }

    /// The session's holder, if signed in.
    async fn viewer(&self, headers: &HeaderMap) -> Result<Option<(Viewer, String)>, Response> {
        let Some(secret) = session_secret(headers) else { return Ok(None) };
        match self.app.viewer(secret).await {
            Ok(viewer) => Ok(viewer.map(|v| (v, secret.to_string()))),
            Err(e) => Err(self.unavailable(e)),
        }
    }

    /// The signed-in manager of `guild`, or the page that refuses.
    async fn manager(&self, headers: &HeaderMap, guild: &str) -> Result<Manager, Response> {
        let Some((viewer, secret)) = self.viewer(headers).await? else { return Err(self.signed_out()) };
        if guild.parse::<u64>().ok() != Some(viewer.guild_id) {
            return Err(self.not_found());
        }
        match self.app.viewer_is_manager(self.members.as_ref(), viewer).await {
            Ok(true) => Ok(Manager { viewer, csrf: csrf_token(&secret) }),
            Ok(false) => Err(self.notice(StatusCode::FORBIDDEN, "pages.managers_only_title", "pages.managers_only")),
            Err(e) => Err(self.unavailable(e)),
        }
    }

    fn cookie(&self, value: &str, max_age: i64) -> HeaderValue {
        let secure = if self.secure { "; Secure" } else { "" };
        let cookie = format!("{COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}");
        HeaderValue::from_str(&cookie).expect("a cookie of hex and fixed text")
    }
}

async fn home(State(web): State<Web>, headers: HeaderMap) -> Response {
    match web.viewer(&headers).await {
        Ok(Some((viewer, _))) => Redirect::to(&format!("/guilds/{}", viewer.guild_id)).into_response(),
        Ok(None) => web.notice(StatusCode::OK, "pages.home_title", "pages.home"),
        Err(refusal) => refusal,
    }
}

#[derive(Deserialize)]
struct SignIn {
    link: String,
}

/// Uses the link once and drops it from the address bar by a redirect.
async fn sign_in(State(web): State<Web>, Query(q): Query<SignIn>) -> Response {
    match web.app.sign_in(&q.link).await {
        Ok(Some((session, viewer))) => {
            tracing::info!(guild = viewer.guild_id, user = viewer.user_id, "signed in to the dashboard");
            let mut response = Redirect::to(&format!("/guilds/{}", viewer.guild_id)).into_response();
            response.headers_mut().insert(header::SET_COOKIE, web.cookie(&session, SESSION_TTL.as_secs()));
            response
        }
        Ok(None) => web.notice(StatusCode::FORBIDDEN, "pages.link_used_title", "pages.link_used"),
        Err(e) => web.unavailable(e),
    }
}

#[derive(Deserialize)]
pub struct Csrf {
    pub csrf: String,
}

/// Whether a form carries the CSRF token it should (compared in constant time).
fn csrf_matches(expected: &str, sent: &str) -> bool {
    expected.as_bytes().ct_eq(sent.as_bytes()).into()
}

impl Web {
    /// The refusal of a manager's form without their page's CSRF token.
    pub fn refuses_form(&self, manager: &Manager, form: &Csrf) -> Option<Response> {
        (!csrf_matches(&manager.csrf, &form.csrf)).then(|| self.stale_form())
    }

    fn stale_form(&self) -> Response {
        self.notice(StatusCode::FORBIDDEN, "pages.stale_form_title", "pages.stale_form")
    }
}

async fn sign_out(State(web): State<Web>, headers: HeaderMap, Form(form): Form<Csrf>) -> Response {
    let Some(secret) = session_secret(&headers) else { return Redirect::to("/").into_response() };
    if !csrf_matches(&csrf_token(secret), &form.csrf) {
        return web.stale_form();
    }
    if let Err(e) = web.app.sign_out(secret).await {
        return web.unavailable(e);
    }
    let mut response = Redirect::to("/").into_response();
    response.headers_mut().insert(header::SET_COOKIE, web.cookie("", 0));
    response
}
