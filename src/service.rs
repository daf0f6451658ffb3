//! The running bot: the Discord edge and the scheduler, started and
//! stopped together. `advocate run` and the end-to-end tests compose it
//! here; neither part starts the other.

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::app::App;
use crate::config::Config;
use crate::discord;
use crate::scheduler::Scheduler;

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

    /// Lets a pass in progress finish, so nothing is sent but unrecorded.
    async fn stop(self) {
        self.stop.send_replace(true);
        let _ = self.task.await;
    }
}

/// A bot and its scheduler, started with or without Message Content.
pub struct Running {
    bot: discord::Running,
    jobs: Jobs,
}

impl Running {
    pub async fn start(app: App, config: &Config, message_content: bool) -> anyhow::Result<Running> {
        let jobs = Jobs::start(&app, config)?;
        let bot = discord::start(app, config, message_content).await?;
        Ok(Running { bot, jobs })
    }

    /// Stops the scheduler after its pass, then closes the gateway.
    pub async fn shutdown(self) {
        self.jobs.stop().await;
        self.bot.shutdown().await;
    }
}

/// Runs the bot and its scheduler until SIGINT or SIGTERM.
pub async fn run(app: App, config: &Config) -> anyhow::Result<()> {
    let jobs = Jobs::start(&app, config)?;
    let served = discord::serve(app, config, shutdown_signal()).await;
    jobs.stop().await;
    served
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
