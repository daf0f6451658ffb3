//! The real bot against the fake Discord, with a test store and a clock
//! the test controls.

use std::collections::HashMap;
use std::future::Future;
use std::path::Path;
use std::time::Duration;

use advocate::service::Running;
use app::clock::Clock;
use app::config::Config;
use app::prompts;
use app::App;
use fake_discord::FakeDiscord;

use super::TestStore;

pub struct Harness {
    pub fake: FakeDiscord,
    pub app: App,
    pub clock: Clock,
    pub db: TestStore,
    pub config: Config,
    running: Option<Running>,
}

impl Harness {
    /// A fake Discord (requests checked against the OpenAPI spec when it
    /// is present) and a store; the bot is not started yet.
    pub async fn new(db: TestStore, start: &str) -> Harness {
        Harness::with_settings(db, start, &[]).await
    }

    /// As [`Harness::new`], with extra settings (environment variables).
    pub async fn with_settings(db: TestStore, start: &str, settings: &[(&str, &str)]) -> Harness {
        // RUST_LOG=advocate=debug shows the bot's logs in failing tests.
        let _ = tracing_subscriber::fmt()
            .with_test_writer()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .try_init();
        let clock = Clock::manual(start.parse().unwrap());
        let now = clock.clone();
        let fake = FakeDiscord::start(move || now.now()).await.unwrap();
        if let Some(spec) = fake_discord::openapi::spec() {
            fake.set_validator(std::sync::Arc::new(move |m, p, b| spec.check(m, p, b)));
        }
        let prompts_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("prompts");
        let vars: HashMap<&str, String> = [
            ("DISCORD_TOKEN", fake.token()),
            ("ADVOCATE_DISCORD_ADDR", fake.addr()),
            ("ADVOCATE_DISCORD_CA", fake.ca_path().display().to_string()),
            ("ADVOCATE_PROMPTS", prompts_dir.display().to_string()),
        ]
        .into_iter()
        .chain(settings.iter().map(|(k, v)| (*k, v.to_string())))
        .collect();
        let config = Config::load(None, |k| vars.get(k).cloned()).unwrap();
        let loaded = prompts::load(&prompts_dir).unwrap();
        db.store.sync_library(&loaded.library, clock.now()).await.unwrap();
        let app = App::new(db.store.clone(), loaded, config.defaults.clone(), clock.clone())
            .with_retry(config.reliability.retry);
        Harness { fake, app, clock, db, config, running: None }
    }

    /// Starts the bot and waits until it is connected with its commands.
    pub async fn start_bot(&mut self, message_content: bool) {
        let identifies = self.fake.gateway_stats().0;
        let running = Running::start(self.app.clone(), &self.config, message_content).await.unwrap();
        self.running = Some(running);
        self.fake.wait_connected(identifies + 1).await.unwrap();
        self.fake
            .wait_for("the bot to register its commands", |s| (!s.commands.is_empty()).then_some(()))
            .await
            .unwrap();
    }

    /// Sets the clock to `at` and waits until the bot's scheduler has
    /// completed a pass at that time (and sent what was due).
    pub async fn pass_at(&self, at: jiff::Timestamp) {
        self.clock.set(at);
        let passed = self.app.health.scheduler_pass_at(at);
        tokio::time::timeout(Duration::from_secs(20), passed).await.expect("the scheduler passes within 20 s");
    }

    /// Where the bot's HTTP server listens, if `ADVOCATE_HTTP_ADDR` was set.
    pub fn http_addr(&self) -> Option<std::net::SocketAddr> {
        Some(self.running.as_ref()?.web.as_ref()?.addr)
    }

    /// Stops the bot as SIGTERM does; returns how much work was cut off.
    pub async fn stop_bot(&mut self) -> usize {
        match self.running.take() {
            Some(running) => running.shutdown().await,
            None => 0,
        }
    }

    /// Stops the bot and fails on any request or payload that broke the spec.
    pub async fn finish(mut self) {
        self.stop_bot().await;
        let violations = self.fake.violations();
        self.db.finish().await;
        assert!(violations.is_empty(), "conformance violations:\n{}", violations.join("\n"));
    }
}

/// Polls `check` until it returns `Some`, or fails after 20 s naming `what`.
pub async fn eventually<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(found) = check().await {
            return found;
        }
        assert!(tokio::time::Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
