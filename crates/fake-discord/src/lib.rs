//! A fake Discord on loopback that the real bot (serenity, poise and all)
//! talks to exactly as it talks to discord.com: REST over HTTPS with a
//! certificate for `discord.com` from a CA made at start, the gateway
//! over `ws://`. Used by the end-to-end tests, `advocate demo` and the
//! load driver. The scenario methods speak at the level of people:
//! "Alice runs /meeting start", "Bob replies in the thread".

mod command;
mod control;
mod gateway;
mod limits;
#[cfg(feature = "openapi")]
pub mod openapi;
pub mod payloads;
mod people;
mod rest;
pub mod state;
mod tls;
mod world;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::watch;

pub use command::Command;
pub use gateway::{check_dispatch, MESSAGE_CONTENT_INTENT};
use state::{Channel, Message, State};

/// The fake's "now": message timestamps follow it, so a simulated week
/// looks like one to the bot.
pub type Now = Arc<dyn Fn() -> jiff::Timestamp + Send + Sync>;

/// Checks one request: method, path (after /api/v10) and JSON body.
pub type Validator = Arc<dyn Fn(&str, &str, Option<&Value>) -> Result<(), String> + Send + Sync>;

/// Permission bits used by the scenarios.
pub const MANAGE_GUILD: u64 = 1 << 5;
pub const EVERYONE_PERMISSIONS: u64 = (1 << 10) | (1 << 11) | (1 << 6) | (1 << 16) | (1 << 38) | (1 << 35);

pub(crate) struct Inner {
    state: Mutex<State>,
    gateway: Mutex<gateway::Gateway>,
    validator: Mutex<Option<Validator>>,
    version: watch::Sender<u64>,
    gateway_addr: SocketAddr,
    now: Now,
}

impl Inner {
    /// Wakes everyone waiting for a change.
    fn bump(&self) {
        self.version.send_modify(|v| *v += 1);
    }

    fn gateway_url(&self) -> String {
        format!("ws://{}", self.gateway_addr)
    }

    fn timestamp(&self) -> String {
        (self.now)().strftime("%Y-%m-%dT%H:%M:%S%.6f+00:00").to_string()
    }
}

pub struct FakeDiscord {
    inner: Arc<Inner>,
    rest_addr: SocketAddr,
    ca_path: PathBuf,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Drop for FakeDiscord {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
        let _ = std::fs::remove_file(&self.ca_path);
    }
}

/// How long a scenario waits for the bot before it gives up and says so.
pub const WAIT: Duration = Duration::from_secs(20);

impl FakeDiscord {
    /// Starts both servers on free loopback ports, with `now` as the clock.
    pub async fn start(now: impl Fn() -> jiff::Timestamp + Send + Sync + 'static) -> anyhow::Result<FakeDiscord> {
        let tls = tls::make()?;
        let rest = TcpListener::bind("127.0.0.1:0").await?;
        let ws = TcpListener::bind("127.0.0.1:0").await?;
        let (rest_addr, gateway_addr) = (rest.local_addr()?, ws.local_addr()?);
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let ca_path = std::env::temp_dir().join(format!("advocate-fake-ca-{}-{n}.pem", std::process::id()));
        std::fs::write(&ca_path, &tls.ca_pem)?;
        let token = format!("fake.{}.token", std::process::id());
        let inner = Arc::new(Inner {
            state: Mutex::new(State::new(token)),
            gateway: Mutex::new(gateway::Gateway::default()),
            validator: Mutex::new(None),
            version: watch::channel(0).0,
            gateway_addr,
            now: Arc::new(now),
        });
        let tasks = vec![
            tokio::spawn(rest::serve(inner.clone(), rest, tls.server.clone())),
            tokio::spawn(gateway::serve(inner.clone(), ws)),
        ];
        Ok(FakeDiscord { inner, rest_addr, ca_path, tasks })
    }

    /// The settings that point the bot here (ADVOCATE_DISCORD_ADDR and _CA).
    pub fn addr(&self) -> String {
        self.rest_addr.to_string()
    }

    pub fn ca_path(&self) -> &Path {
        &self.ca_path
    }

    pub fn token(&self) -> String {
        self.inner.state.lock().unwrap().token.clone()
    }

    pub fn bot_id(&self) -> u64 {
        self.inner.state.lock().unwrap().bot_id
    }

    /// Checks every request the bot sends from now on.
    pub fn set_validator(&self, v: Validator) {
        *self.inner.validator.lock().unwrap() = Some(v);
    }
    /// Requests that broke the spec, payloads serenity could not parse,
    /// and routes the fake does not know.
    pub fn violations(&self) -> Vec<String> {
        self.inner.state.lock().unwrap().violations.clone()
    }

    /// Reads the state under its lock.
    pub fn read<T>(&self, f: impl FnOnce(&State) -> T) -> T {
        f(&self.inner.state.lock().unwrap())
    }

    /// Waits until `f` finds something, or fails after `WAIT` naming `what`.
    pub async fn wait_for<T>(&self, what: &str, mut f: impl FnMut(&State) -> Option<T>) -> anyhow::Result<T> {
        let mut rx = self.inner.version.subscribe();
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            if let Some(found) = f(&self.inner.state.lock().unwrap()) {
                return Ok(found);
            }
            let violations = self.violations();
            if !violations.is_empty() {
                anyhow::bail!("while waiting for {what}: {}", violations.join("; "));
            }
            if tokio::time::timeout_at(deadline, rx.changed()).await.is_err() {
                let recent: Vec<String> = self
                    .read(|s| s.requests.iter().rev().take(5).map(|r| format!("{} {}", r.method, r.path)).collect());
                anyhow::bail!(
                    "timed out after {WAIT:?} waiting for {what}; the bot's last requests: {}",
                    recent.join(", ")
                );
            }
        }
    }

    /// Waits until the bot has identified (or resumed) `count` times in all.
    pub async fn wait_connected(&self, identifies: usize) -> anyhow::Result<()> {
        let inner = self.inner.clone();
        self.wait_for("the bot to connect to the gateway", move |_| {
            let gw = inner.gateway.lock().unwrap();
            (gw.live.is_some() && gw.identifies >= identifies).then_some(())
        })
        .await
    }

    pub(crate) fn new_id(&self) -> u64 {
        self.inner.state.lock().unwrap().next_id()
    }

    /// Visible (non-ephemeral, not deleted) messages in a channel, oldest first.
    pub fn messages_in(&self, channel: u64) -> Vec<Message> {
        self.read(|s| {
            s.messages.values().filter(|m| m.channel_id == channel && !m.deleted && !m.ephemeral()).cloned().collect()
        })
    }

    /// Threads under `channel`, oldest first.
    pub fn threads_in(&self, channel: u64) -> Vec<Channel> {
        self.read(|s| s.channels.values().filter(|c| c.parent_id == Some(channel)).cloned().collect())
    }
}
