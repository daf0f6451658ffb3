//! The bot's own HTTP server, off unless `ADVOCATE_HTTP_ADDR` is set: the
//! operations endpoints (`/healthz`, `/metrics`), the managers' pages
//! and the JSON API.

mod api;
mod dashboard;
pub mod metrics;
mod ops;
mod pages;
mod session;
mod svg;

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context as _;
use axum::extract::Request;
use axum::http::{header, HeaderValue};
use axum::middleware::{self, Next};
use axum::response::Response;
use tokio::task::JoinHandle;

use app::access::Members;
use app::App;

/// A running server; dropping it does not stop it, `stop` does.
pub struct Server {
    pub addr: SocketAddr,
    task: JoinHandle<()>,
}

impl Server {
    /// Listens on `addr` (host:port; port 0 picks a free one). `members`
    /// tells who is a manager; `secure` marks cookies HTTPS-only.
    pub async fn start(addr: &str, app: App, members: Arc<dyn Members>, secure: bool) -> anyhow::Result<Server> {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("ADVOCATE_HTTP_ADDR: cannot listen on {addr}; is the port free?"))?;
        let addr = listener.local_addr()?;
        let pages = Arc::new(pages::Pages::new(app.prompts.clone()));
        let router = ops::router(app.clone())
            .merge(api::router(app.clone()))
            .merge(dashboard::router(session::Web { app, members, secure, pages }))
            .layer(middleware::from_fn(safe_by_default));
        let task = tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, router).await {
                tracing::error!(error = %e, "the HTTP server stopped");
            }
        });
        tracing::info!(%addr, "serving /healthz, /metrics and the managers' pages");
        Ok(Server { addr, task })
    }

    pub fn stop(self) {
        self.task.abort();
    }
}

/// Headers on every response: only this site's own files run or load,
/// no framing, no referrer (an address may hold a sign-in link), and
/// nothing personal kept in shared caches.
async fn safe_by_default(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let fixed = [
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
        ),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
    ];
    for (name, value) in fixed {
        headers.insert(name, HeaderValue::from_static(value));
    }
    headers.entry(header::CACHE_CONTROL).or_insert(HeaderValue::from_static("no-store"));
    response
}
