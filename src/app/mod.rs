//! Application services: what the bot, the CLI and the scheduler ask
//! for, in terms of the domain and the store.

pub mod answers;
pub mod import;
pub mod insights;
pub mod meetings;
pub mod posts;
pub mod report;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use anyhow::Context as _;

use crate::clock::Clock;
use crate::config::Config;
use crate::domain::classify::Patterns;
use crate::domain::settings::{Defaults, GuildSettings};
use crate::prompts::{self, Prompts};
use crate::store::Store;

/// Shared state behind every entry point.
#[derive(Clone, Debug)]
pub struct App {
    pub store: Store,
    pub prompts: Arc<Prompts>,
    pub defaults: Defaults,
    pub clock: Clock,
    /// Each guild's classifier, rebuilt only when its extra patterns change.
    patterns: Arc<Mutex<HashMap<u64, Arc<Patterns>>>>,
}

/// A problem the user caused and can fix: shown to them, not logged as
/// an internal error.
#[derive(Debug)]
pub struct UserError(pub String);

impl std::fmt::Display for UserError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UserError {}

/// Returns early with a [`UserError`].
#[macro_export]
macro_rules! user_error {
    ($($arg:tt)*) => {
        return Err(anyhow::Error::new($crate::app::UserError(format!($($arg)*))))
    };
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
        tracing::info!(added = sync.added, updated = sync.updated, retired = sync.retired, "insight library synced");
        Ok(App::new(store, prompts, config.defaults.clone(), clock))
    }

    pub fn new(store: Store, prompts: Prompts, defaults: Defaults, clock: Clock) -> App {
        App { store, prompts: Arc::new(prompts), defaults, clock, patterns: Default::default() }
    }

    /// A guild's settings, created with the defaults on first sight.
    pub async fn settings(&self, guild_id: u64) -> anyhow::Result<GuildSettings> {
        Ok(self.store.guild_settings(guild_id, &self.defaults, self.clock.now()).await?)
    }

    pub async fn save_settings(&self, settings: &GuildSettings) -> anyhow::Result<()> {
        self.store.save_guild_settings(settings).await?;
        self.patterns.lock().unwrap().remove(&settings.guild_id);
        Ok(())
    }

    /// The shipped patterns plus the guild's own additions.
    pub fn patterns_for(&self, settings: &GuildSettings) -> Arc<Patterns> {
        if let Some(p) = self.patterns.lock().unwrap().get(&settings.guild_id) {
            return p.clone();
        }
        let mut patterns = self.prompts.patterns.clone();
        for (signal, extra) in &settings.extra_patterns {
            match patterns.extended(*signal, extra) {
                Ok(p) => patterns = p,
                Err(e) => tracing::warn!(guild = settings.guild_id, error = %e, "ignoring a stored pattern"),
            }
        }
        let patterns = Arc::new(patterns);
        self.patterns.lock().unwrap().insert(settings.guild_id, patterns.clone());
        patterns
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
