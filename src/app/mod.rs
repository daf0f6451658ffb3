//! Application services: what the bot, the CLI and the scheduler ask
//! for, in terms of the domain and the store.

pub mod import;
pub mod report;

use std::sync::Arc;

use anyhow::Context as _;

use crate::clock::Clock;
use crate::config::Config;
use crate::domain::settings::Defaults;
use crate::prompts::{self, Prompts};
use crate::store::Store;

/// Shared state behind every entry point.
#[derive(Clone, Debug)]
pub struct App {
    pub store: Store,
    pub prompts: Arc<Prompts>,
    pub defaults: Defaults,
    pub clock: Clock,
}

impl App {
    /// Loads prompts/, connects, migrates and syncs the shipped library:
    /// everything the bot needs checked before it goes online.
    pub async fn start(config: &Config, clock: Clock) -> anyhow::Result<App> {
        let prompts = load_prompts(config)?;
        let store = Store::connect(&config.database_url).await?;
        store.migrate().await?;
        let sync = store
            .sync_library(&prompts.library, clock.now())
            .await
            .context("storing the shipped insight library failed")?;
        tracing::info!(
            added = sync.added,
            updated = sync.updated,
            retired = sync.retired,
            "insight library synced"
        );
        Ok(App {
            store,
            prompts: Arc::new(prompts),
            defaults: config.defaults.clone(),
            clock,
        })
    }
}

pub fn load_prompts(config: &Config) -> anyhow::Result<Prompts> {
    prompts::load(&config.prompts_dir).map_err(|problems| {
        anyhow::anyhow!(
            "{problems}\nthe prompts in {} have problems (above); fix them and run `advocate prompts check`",
            config.prompts_dir.display()
        )
    })
}
