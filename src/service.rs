//! The running bot: the Discord edge and the scheduler, started and
//! stopped together. `advocate run` and the end-to-end tests compose it
//! here; neither part starts the other.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio::time::Instant;

use app::config::Config;
use app::scheduler::Scheduler;
use app::App;

/// The scheduler running beside the bot.
struct Jobs {
    task: JoinHandle<()>,
    stop: watch::Sender<bool>,
}

impl Jobs {
    fn start(app: &App, config: &Config) -> anyhow::Result<Jobs> {
        let poster = discord::poster(config, app.prompts.clone())?;
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(Scheduler::new(app.clone(), poster).run(stopped));
        Ok(Jobs { task, stop })
    }

    /// Lets a pass in progress finish, so nothing is sent but unrecorded;
    /// a pass still running at `deadline` is cut short.
    async fn stop(mut self, deadline: Instant) {
        self.stop.send_replace(true);
        if tokio::time::timeout_at(deadline, &mut self.task).await.is_err() {
            tracing::warn!("the scheduler's pass did not finish in time; stopping it");
            self.task.abort();
        }
    }
}

/// Waits, until `deadline`, for running handlers and answers waiting for
/// the database, then closes the database. An error says how much work
/// was cut off (and so may not be saved).
async fn finish(app: &App, deadline: Instant) -> anyhow::Result<()> {
    let left = app.work.drained(deadline.saturating_duration_since(Instant::now())).await;
    app.close().await;
    if left > 0 {
        tracing::error!(left, "stopped with work still running: answers among it were NOT SAVED");
        anyhow::bail!("{left} pieces of work were still running when the shutdown timeout ended");
    }
    tracing::info!("stopped; everything received was saved");
    Ok(())
}

/// The HTTP server, when `ADVOCATE_HTTP_ADDR` asks for one, and the app
/// knowing where managers open its pages.
async fn web(app: App, config: &Config) -> anyhow::Result<(App, Option<web::Server>)> {
    let Some(addr) = &config.http_addr else { return Ok((app, None)) };
    web::metrics::install();
    let members = Arc::new(discord::members(config, app.clock.clone())?);
    let base = config.public_url.clone();
    let secure = base.as_deref().is_some_and(|u| u.starts_with("https://"));
    let server = web::Server::start(addr, app.clone(), members, secure).await?;
    if base.is_none() && server.addr.ip().is_unspecified() {
        tracing::warn!(%addr, "set ADVOCATE_PUBLIC_URL to the address managers open: /dashboard links cannot name {addr}");
    }
    let base = base.unwrap_or_else(|| format!("http://{}", server.addr));
    Ok((app.with_dashboard(&base), Some(server)))
}

/// A bot and its scheduler, started with or without Message Content.
pub struct Running {
    app: App,
    bot: discord::Running,
    jobs: Jobs,
    /// The HTTP server, if configured.
    pub web: Option<web::Server>,
    timeout: Duration,
}

impl Running {
    pub async fn start(app: App, config: &Config, message_content: bool) -> anyhow::Result<Running> {
        let (app, web) = web(app, config).await?;
        let jobs = Jobs::start(&app, config)?;
        let bot = discord::start(app.clone(), config, message_content).await?;
        Ok(Running { app, bot, jobs, web, timeout: config.reliability.shutdown_timeout })
    }

    /// Stops as SIGTERM does, within the shutdown timeout: the scheduler
    /// after its pass, then the gateway, then it waits for running work.
    /// The database stays open (the caller owns the app).
    pub async fn shutdown(self) -> usize {
        let deadline = Instant::now() + self.timeout;
        self.jobs.stop(deadline).await;
        self.bot.shutdown(deadline).await;
        let left = self.app.work.drained(deadline.saturating_duration_since(Instant::now())).await;
        if let Some(web) = self.web {
            web.stop();
        }
        left
    }
}

/// Runs the bot and its scheduler until SIGINT or SIGTERM, then stops
/// within the shutdown timeout.
pub async fn run(app: App, config: &Config) -> anyhow::Result<()> {
    let (app, web) = web(app, config).await?;
    let jobs = Jobs::start(&app, config)?;
    let trimming = tokio::spawn(crate::memory::give_back_periodically());
    let served = discord::serve(app.clone(), config, shutdown_signal()).await;
    let deadline = match &served {
        Ok(deadline) => *deadline,
        Err(_) => Instant::now() + config.reliability.shutdown_timeout,
    };
    jobs.stop(deadline).await;
    let finished = finish(&app, deadline).await;
    trimming.abort();
    if let Some(web) = web {
        web.stop();
    }
    served.and(finished)
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).expect("SIGTERM handler");
        tokio::select! { _ = ctrl_c => {}, _ = term.recv() => {} }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}
