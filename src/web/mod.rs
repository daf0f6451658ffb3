//! The bot's own HTTP server, off unless `ADVOCATE_HTTP_ADDR` is set: the
//! operations endpoints (`/healthz`, `/metrics`) now, managers' pages later.

pub mod metrics;
mod ops;

use std::net::SocketAddr;

use anyhow::Context as _;
use tokio::task::JoinHandle;

use crate::app::App;

/// A running server; dropping it does not stop it, `stop` does.
pub struct Server {
    pub addr: SocketAddr,
    task: JoinHandle<()>,
}

impl Server {
    /// Listens on `addr` (host:port; port 0 picks a free one).
    pub async fn start(addr: &str, app: App) -> anyhow::Result<Server> {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("ADVOCATE_HTTP_ADDR: cannot listen on {addr}; is the port free?"))?;
        let addr = listener.local_addr()?;
        let router = ops::router(app);
        let task = tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, router).await {
                tracing::error!(error = %e, "the HTTP server stopped");
            }
        });
        tracing::info!(%addr, "serving /healthz and /metrics");
        Ok(Server { addr, task })
    }

    pub fn stop(self) {
        self.task.abort();
    }
}
