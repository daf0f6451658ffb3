//! What the process knows of its own health, for `/healthz`: which
//! gateway shards are connected (the Discord edge keeps it current) and
//! whether the scheduler still completes its passes.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use jiff::Timestamp;
use tokio::sync::watch;

#[derive(Debug)]
pub struct Health {
    /// Shard id → connected.
    shards: Mutex<HashMap<u32, bool>>,
    /// The scheduler's last completed pass: the clock time it was for,
    /// and when it ended (real time). `None` until the first.
    scheduler: watch::Sender<Option<(Timestamp, Instant)>>,
    /// When the scheduler started, if it runs in this process.
    scheduler_started: Mutex<Option<Instant>>,
}

impl Default for Health {
    fn default() -> Self {
        Health { shards: Mutex::default(), scheduler: watch::channel(None).0, scheduler_started: Mutex::default() }
    }
}

/// How long the scheduler may go without completing a pass before the
/// process reports it stuck: longer than sending 10,000 posts at 50/s.
pub const SCHEDULER_PATIENCE: Duration = Duration::from_secs(300);

impl Health {
    pub fn scheduler_started(&self) {
        *self.scheduler_started.lock().unwrap() = Some(Instant::now());
    }

    pub fn scheduler_passed(&self, at: Timestamp) {
        self.scheduler.send_replace(Some((at, Instant::now())));
    }

    /// Waits until the scheduler has completed a pass for a time at or
    /// after `at` (how tests on a manual clock know a pass happened).
    pub async fn scheduler_pass_at(&self, at: Timestamp) {
        let mut passes = self.scheduler.subscribe();
        let _ = passes.wait_for(|pass| pass.is_some_and(|(seen, _)| seen >= at)).await;
    }

    /// A problem with the scheduler, if it runs here: no pass completed
    /// within `patience` (a pass stuck on Discord or the database).
    pub fn scheduler_problem(&self, patience: Duration) -> Option<String> {
        let started = (*self.scheduler_started.lock().unwrap())?;
        let last = self.scheduler.borrow().map_or(started, |(_, ended)| ended);
        let idle = last.elapsed();
        (idle > patience).then(|| format!("the scheduler has not completed a pass for {} s", idle.as_secs()))
    }

    pub fn set_shard(&self, shard: u32, connected: bool) {
        self.shards.lock().unwrap().insert(shard, connected);
    }

    /// The shards running now and whether each is connected: one seen
    /// before and missing now (its connection being remade) is down.
    pub fn set_shards(&self, running: &HashMap<u32, bool>) {
        let mut shards = self.shards.lock().unwrap();
        shards.values_mut().for_each(|up| *up = false);
        shards.extend(running);
    }

    /// A problem with the gateway, if any: none connected yet, or some down.
    pub fn gateway_problem(&self) -> Option<String> {
        let shards = self.shards.lock().unwrap();
        let down: Vec<String> = shards.iter().filter(|(_, up)| !**up).map(|(id, _)| id.to_string()).collect();
        match (shards.is_empty(), down.is_empty()) {
            (true, _) => Some("the Discord gateway is not connected yet".into()),
            (false, true) => None,
            (false, false) => Some(format!("Discord gateway shard(s) {} not connected", down.join(", "))),
        }
    }
}

impl super::App {
    /// Whether the database answers a trivial query.
    pub async fn database_answers(&self) -> anyhow::Result<()> {
        Ok(self.store.ping().await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scheduler_is_stuck_only_once_it_runs_and_no_pass_ends_in_time() {
        let h = Health::default();
        assert_eq!(h.scheduler_problem(Duration::ZERO), None, "no scheduler in this process");
        h.scheduler_started();
        assert_eq!(h.scheduler_problem(SCHEDULER_PATIENCE), None, "just started");
        std::thread::sleep(Duration::from_millis(2));
        assert!(h.scheduler_problem(Duration::from_millis(1)).unwrap().contains("has not completed a pass"));
        h.scheduler_passed(Timestamp::UNIX_EPOCH);
        assert_eq!(h.scheduler_problem(Duration::from_secs(60)), None, "a pass just ended");
    }

    #[test]
    fn healthy_only_with_every_known_shard_connected() {
        let h = Health::default();
        assert!(h.gateway_problem().is_some(), "nothing connected yet");
        h.set_shard(0, true);
        h.set_shard(1, true);
        assert_eq!(h.gateway_problem(), None);
        h.set_shard(1, false);
        assert_eq!(h.gateway_problem().as_deref(), Some("Discord gateway shard(s) 1 not connected"));
        h.set_shards(&HashMap::from([(0, true), (1, true)]));
        assert_eq!(h.gateway_problem(), None);
        h.set_shards(&HashMap::from([(0, true)]));
        let missing = h.gateway_problem();
        assert_eq!(missing.as_deref(), Some("Discord gateway shard(s) 1 not connected"), "one being reconnected");
    }
}
