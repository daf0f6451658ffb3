//! Application services: what the bot, the CLI and the scheduler ask
//! for, in terms of the domain and the store.

pub mod access;
pub mod answers;
pub mod backfill;
pub mod challenges;
pub mod chart;
pub mod clock;
pub mod config;
pub mod customers;
mod error;
pub mod explore;
pub mod follow_ups;
pub mod health;
pub mod import;
pub mod inflight;
pub mod insights;
pub mod jobs;
pub mod maintenance;
pub mod meetings;
pub mod posts;
pub mod prompts;
pub mod report;
pub mod schedule;
pub mod scheduler;
mod threads;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use anyhow::Context as _;

pub use error::{user_message, user_problem, UserError};
pub use schedule::PoolShortfall;

use self::config::RetryPolicy;
use self::inflight::Inflight;
use crate::clock::Clock;
use crate::config::Config;
use crate::prompts::Prompts;
use domain::calendar::Scheduled;
use domain::classify::{Patterns, Signal};
use domain::settings::{ChannelPurpose, Defaults, GuildSettings};
use store::Store;

/// Shared state behind every entry point.
#[derive(Clone, Debug)]
pub struct App {
    store: Store,
    pub prompts: Arc<Prompts>,
    pub defaults: Defaults,
    pub clock: Clock,
    /// Handlers running and answers waiting for the database.
    pub work: Arc<Inflight>,
    /// The gateway's state, for `/healthz`.
    pub health: Arc<health::Health>,
    /// Where managers open the web pages, when the HTTP server runs.
    dashboard: Option<Arc<str>>,
    /// The shards this process runs: it schedules their guilds only.
    shards: Option<crate::config::ShardRange>,
    /// Which threads hold a meeting.
    threads: Arc<threads::MeetingThreads>,
    /// Each guild's classifier, rebuilt only when its extra patterns change.
    patterns: Arc<Mutex<HashMap<u64, GuildPatterns>>>,
    /// Guild settings read recently: every message needs them, and they
    /// rarely change. Saved here, they are fresh at once in this process;
    /// another process sharing the database sees a change within the TTL.
    settings: Arc<Mutex<HashMap<u64, CachedSettings>>>,
    /// Bumped whenever settings are saved, so that a read which started
    /// before a save does not put the old values back in the cache.
    settings_generation: Arc<std::sync::atomic::AtomicU64>,
    /// Suggestions waiting for their author to confirm them.
    drafts: Arc<insights::Drafts>,
    /// Each guild's customer matcher.
    matchers: Arc<customers::Matchers>,
}

/// A guild's settings and when they were read.
type CachedSettings = (std::time::Instant, Arc<GuildSettings>);

/// A guild's classifier and the extra patterns it was built with.
type GuildPatterns = (Vec<(Signal, String)>, Arc<Patterns>);

/// How long a guild's settings are reused before being read again.
const SETTINGS_TTL: std::time::Duration = std::time::Duration::from_secs(30);

impl App {
    /// Loads prompts/, connects, migrates and syncs the shipped library:
    /// everything the bot needs checked before it goes online.
    pub async fn start(config: &Config, clock: Clock) -> anyhow::Result<App> {
        let prompts = load_prompts(config)?;
        let store = Store::connect(&config.database_url).await?;
        store.migrate().await?;
        let linked = store.link_customer_names(clock.now()).await.context("linking customers' names failed")?;
        if linked.names > 0 {
            tracing::info!(
                names = linked.names,
                records = linked.customers,
                "linked customers' names to their records"
            );
        }
        let sync = store
            .sync_library(&prompts.library, clock.now())
            .await
            .context("storing the shipped insight library failed")?;
        tracing::info!(added = sync.added, updated = sync.updated, retired = sync.retired, "insight library synced");
        let app = App::new(store, prompts, config.defaults.clone(), clock).with_retry(config.reliability.retry);
        Ok(app.with_shards(config.shards))
    }

    pub fn new(store: Store, prompts: Prompts, defaults: Defaults, clock: Clock) -> App {
        let (patterns, settings, settings_generation) = Default::default();
        let work = Inflight::new(RetryPolicy::default());
        App {
            store,
            prompts: Arc::new(prompts),
            defaults,
            clock,
            work,
            health: Arc::default(),
            dashboard: None,
            shards: None,
            threads: Arc::default(),
            patterns,
            settings,
            settings_generation,
            drafts: Arc::default(),
            matchers: Arc::default(),
        }
    }

    /// The same app scheduling only the guilds of `shards` (all if `None`).
    pub fn with_shards(mut self, shards: Option<crate::config::ShardRange>) -> App {
        self.shards = shards;
        self
    }

    /// Guilds whose `job` is due at `now` that this process schedules:
    /// those of its shards, so processes sharing a database split the work.
    pub async fn due_guilds(&self, job: Scheduled, now: jiff::Timestamp) -> anyhow::Result<Vec<u64>> {
        let mut guilds = self.store.due_guilds(job, now).await?;
        guilds.retain(|g| self.schedules(*g));
        Ok(guilds)
    }

    /// Whether this process schedules for `guild_id`.
    fn schedules(&self, guild_id: u64) -> bool {
        self.shards.is_none_or(|s| s.has_guild(guild_id))
    }

    /// The same app with another policy for answers met by a database outage.
    pub fn with_retry(mut self, policy: RetryPolicy) -> App {
        self.work = Inflight::new(policy);
        self
    }

    /// A guild's settings, created with the defaults on first sight;
    /// shared, as every message reads them.
    pub async fn settings(&self, guild_id: u64) -> anyhow::Result<Arc<GuildSettings>> {
        if let Some((at, s)) = self.settings.lock().unwrap().get(&guild_id) {
            if at.elapsed() < SETTINGS_TTL {
                return Ok(s.clone());
            }
        }
        self.read_settings(guild_id).await
    }

    /// A guild's settings read from the database (and cached): what the
    /// scheduler acts on, since another process may have changed them.
    pub async fn fresh_settings(&self, guild_id: u64) -> anyhow::Result<GuildSettings> {
        self.read_settings(guild_id).await.map(Arc::unwrap_or_clone)
    }

    /// Reads a guild's settings and caches them, unless they were saved
    /// meanwhile.
    async fn read_settings(&self, guild_id: u64) -> anyhow::Result<Arc<GuildSettings>> {
        let generation = self.settings_generation.load(std::sync::atomic::Ordering::SeqCst);
        let mut fresh = self.store.guild_settings(guild_id, &self.defaults, self.clock.now()).await?;
        self.prompts.holidays.attach(&mut fresh);
        let fresh = Arc::new(fresh);
        let mut cache = self.settings.lock().unwrap();
        if generation == self.settings_generation.load(std::sync::atomic::Ordering::SeqCst) {
            cache.insert(guild_id, (std::time::Instant::now(), fresh.clone()));
        }
        Ok(fresh)
    }

    pub async fn save_settings(&self, settings: &GuildSettings) -> anyhow::Result<()> {
        if let Some(country) = settings.holidays.as_deref().filter(|c| self.prompts.holidays.country(c).is_none()) {
            let known = self.prompts.holidays.countries().join(", ");
            return Err(self.refuse_with("errors.no_holidays", minijinja::context! { country, known }));
        }
        self.store.save_guild_settings(settings).await?;
        self.forget_settings(settings.guild_id);
        Ok(())
    }

    /// Adds a channel to (or removes it from) one of the guild's lists.
    pub async fn set_channel(
        &self,
        guild_id: u64,
        channel_id: u64,
        purpose: ChannelPurpose,
        on: bool,
    ) -> anyhow::Result<()> {
        self.settings(guild_id).await?; // the guild's row must exist first
        self.store.set_channel(guild_id, channel_id, purpose, on).await?;
        self.forget_settings(guild_id);
        Ok(())
    }

    /// Closes the database connections.
    pub async fn close(&self) {
        self.store.close().await
    }

    /// The bot is in a guild (again): its data is kept.
    pub async fn guild_joined(&self, guild_id: u64, name: &str) -> anyhow::Result<()> {
        self.settings(guild_id).await?;
        self.store.set_guild_name(guild_id, name).await?;
        Ok(self.store.set_guild_left(guild_id, None).await?)
    }

    /// The bot was removed from a guild: its data is deleted after a grace period.
    pub async fn guild_removed(&self, guild_id: u64) -> anyhow::Result<()> {
        Ok(self.store.set_guild_left(guild_id, Some(self.clock.now())).await?)
    }

    /// Drops what this process remembers of a guild's settings.
    fn forget_settings(&self, guild_id: u64) {
        let mut cache = self.settings.lock().unwrap();
        self.settings_generation.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        cache.remove(&guild_id);
        self.patterns.lock().unwrap().remove(&guild_id);
    }

    /// The shipped patterns plus the guild's own additions.
    pub fn patterns_for(&self, settings: &GuildSettings) -> Arc<Patterns> {
        if settings.extra_patterns.is_empty() {
            return self.prompts.patterns.clone();
        }
        if let Some((extras, p)) = self.patterns.lock().unwrap().get(&settings.guild_id) {
            if *extras == settings.extra_patterns {
                return p.clone();
            }
        }
        let mut patterns = Patterns::clone(&self.prompts.patterns);
        for (signal, extra) in &settings.extra_patterns {
            match patterns.extended(*signal, extra) {
                Ok(p) => patterns = p,
                Err(e) => tracing::warn!(guild = settings.guild_id, error = %e, "ignoring a stored pattern"),
            }
        }
        let patterns = Arc::new(patterns);
        self.patterns.lock().unwrap().insert(settings.guild_id, (settings.extra_patterns.clone(), patterns.clone()));
        patterns
    }
}

pub fn load_prompts(config: &Config) -> anyhow::Result<Prompts> {
    prompts::load_from(&config.prompts).map_err(|problems| {
        anyhow::anyhow!(
            "{problems}\nthe prompts in {} have problems (above); fix them and run `advocate prompts check`",
            config.prompts
        )
    })
}
