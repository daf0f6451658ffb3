//! Work in progress: event handlers running, and answers waiting out a
//! database outage. Shutdown waits for both; the waiting answers are
//! bounded so an outage cannot eat the machine's memory.

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::watch;

use crate::config::RetryPolicy;

/// Longest pause between two tries of a waiting answer.
const MAX_BACKOFF: Duration = Duration::from_secs(5);

#[derive(Debug)]
pub struct Inflight {
    policy: RetryPolicy,
    /// Handlers running (an answer waits for the database inside its
    /// handler); shutdown waits for zero.
    busy: watch::Sender<usize>,
    waiting: Mutex<(usize, usize)>,
    /// Answers given up on since start: their loss was logged.
    lost: AtomicU64,
}

/// Held while a piece of work runs; dropping it marks the work done.
#[must_use]
pub struct Working(Arc<Inflight>);

impl Drop for Working {
    fn drop(&mut self) {
        self.0.busy.send_modify(|n| *n -= 1);
    }
}

/// A place in the bounded queue of what waits for the database.
#[must_use]
#[derive(Debug)]
pub struct Waiting(Arc<Inflight>, usize);

impl Drop for Waiting {
    fn drop(&mut self) {
        let mut w = self.0.waiting.lock().unwrap();
        w.0 -= 1;
        w.1 -= self.1;
    }
}

/// Why an answer was not saved.
#[derive(Debug, thiserror::Error)]
pub enum NotSaved {
    #[error("the database failed for longer than {0:?}; the answer was not saved")]
    GaveUp(Duration),
    #[error("too many answers are already waiting for the database; the answer was not saved")]
    QueueFull,
}

impl Inflight {
    pub fn new(policy: RetryPolicy) -> Arc<Inflight> {
        Arc::new(Inflight { policy, busy: watch::channel(0).0, waiting: Mutex::new((0, 0)), lost: AtomicU64::new(0) })
    }

    /// Marks work as running until the guard is dropped.
    pub fn start(self: &Arc<Self>) -> Working {
        self.busy.send_modify(|n| *n += 1);
        Working(self.clone())
    }

    /// Waits until no work runs, at most `limit`; returns how many pieces
    /// were still running then.
    pub async fn drained(&self, limit: Duration) -> usize {
        let mut rx = self.busy.subscribe();
        let _ = tokio::time::timeout(limit, rx.wait_for(|n| *n == 0)).await;
        let left = *rx.borrow();
        left
    }

    /// Answers waiting for the database now.
    pub fn waiting(&self) -> usize {
        self.waiting.lock().unwrap().0
    }

    /// Answers given up on so far.
    pub fn lost(&self) -> u64 {
        self.lost.load(Ordering::Relaxed)
    }

    /// Runs `attempt`; while it fails on a transient database error, it
    /// waits in the bounded queue and is tried again with backoff, for up
    /// to the policy's `retry_for`. `what` names the work in logs (never
    /// the person's text); `bytes` is what it holds.
    pub async fn retrying<T, F, Fut>(self: &Arc<Self>, what: &str, bytes: usize, mut attempt: F) -> anyhow::Result<T>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = anyhow::Result<T>>,
    {
        let error = match attempt().await {
            Err(e) if store::is_transient_error(&e) => e,
            done => return done,
        };
        let Some(_place) = self.wait_in_queue(bytes) else {
            return Err(self.give_up(what, NotSaved::QueueFull, &error));
        };
        tracing::warn!(what, error = %format!("{error:#}"), "the database failed; retrying until it is back");
        let deadline = tokio::time::Instant::now() + self.policy.retry_for;
        let mut pause = Duration::from_millis(100);
        loop {
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(MAX_BACKOFF);
            match attempt().await {
                Err(e) if store::is_transient_error(&e) => {
                    if tokio::time::Instant::now() >= deadline {
                        return Err(self.give_up(what, NotSaved::GaveUp(self.policy.retry_for), &e));
                    }
                }
                done => {
                    if done.is_ok() {
                        tracing::info!(what, "saved after the database came back");
                    }
                    return done;
                }
            }
        }
    }

    /// A place for an event queued for its handler while answers wait
    /// out an outage (handlers busy retrying cannot take it yet), so the
    /// policy's bound covers all that is held for the database. `Ok(None)`
    /// while nothing waits; refused (and counted as lost) when full.
    pub fn hold(self: &Arc<Self>, what: &str, bytes: usize) -> anyhow::Result<Option<Waiting>> {
        if self.waiting() == 0 {
            return Ok(None);
        }
        match self.wait_in_queue(bytes) {
            Some(place) => Ok(Some(place)),
            None => Err(self.give_up(what, NotSaved::QueueFull, &anyhow::anyhow!("the database is failing"))),
        }
    }

    fn wait_in_queue(self: &Arc<Self>, bytes: usize) -> Option<Waiting> {
        let mut w = self.waiting.lock().unwrap();
        if w.0 >= self.policy.max_waiting || w.1 + bytes > self.policy.max_waiting_bytes {
            return None;
        }
        w.0 += 1;
        w.1 += bytes;
        Some(Waiting(self.clone(), bytes))
    }

    fn give_up(&self, what: &str, why: NotSaved, last: &anyhow::Error) -> anyhow::Error {
        let lost = self.lost.fetch_add(1, Ordering::Relaxed) + 1;
        metrics::counter!("advocate_answers_failed_total").increment(1);
        tracing::error!(what, lost_since_start = lost, error = %format!("{last:#}"), "NOT SAVED: {why}");
        anyhow::Error::new(why)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn busy() -> anyhow::Error {
        sqlx::Error::PoolTimedOut.into()
    }

    fn policy(max_waiting: usize) -> RetryPolicy {
        RetryPolicy { retry_for: Duration::from_secs(2), max_waiting, max_waiting_bytes: 100 }
    }

    #[tokio::test(start_paused = true)]
    async fn a_transient_failure_is_retried_until_it_succeeds() {
        let work = Inflight::new(policy(1));
        let mut tries = 0;
        let result = work
            .retrying("answer", 10, || {
                tries += 1;
                let ok = tries >= 4;
                async move {
                    if ok {
                        Ok(tries)
                    } else {
                        Err(busy())
                    }
                }
            })
            .await;
        assert_eq!(result.unwrap(), 4);
        assert_eq!(work.lost(), 0);
    }

    #[tokio::test(start_paused = true)]
    async fn a_lasting_failure_is_given_up_and_counted() {
        let work = Inflight::new(policy(1));
        let result: anyhow::Result<()> = work.retrying("answer", 10, || async { Err(busy()) }).await;
        assert!(matches!(result.unwrap_err().downcast_ref(), Some(NotSaved::GaveUp(_))));
        assert_eq!(work.lost(), 1);
    }

    #[tokio::test]
    async fn other_failures_are_not_retried() {
        let work = Inflight::new(policy(1));
        let mut tries = 0;
        let result: anyhow::Result<()> = work
            .retrying("answer", 10, || {
                tries += 1;
                async { Err(anyhow::anyhow!("bad input")) }
            })
            .await;
        assert!(result.is_err());
        assert_eq!((tries, work.lost()), (1, 0));
    }

    #[tokio::test(start_paused = true)]
    async fn the_queue_is_bounded_by_entries_and_bytes() {
        let work = Inflight::new(policy(1));
        let held = work.wait_in_queue(60).unwrap();
        assert!(work.wait_in_queue(1).is_none(), "one entry at most");
        drop(held);
        assert!(work.wait_in_queue(101).is_none(), "100 bytes at most");
        let result: anyhow::Result<()> = work.retrying("answer", 101, || async { Err(busy()) }).await;
        assert!(matches!(result.unwrap_err().downcast_ref(), Some(NotSaved::QueueFull)));
        assert_eq!(work.lost(), 1);
    }

    #[test]
    fn queued_events_take_places_only_while_answers_wait() {
        let work = Inflight::new(policy(2));
        assert!(work.hold("reply", 10).unwrap().is_none(), "nothing waits: no place needed");
        let retrying = work.wait_in_queue(10).unwrap();
        let queued = work.hold("reply", 10).unwrap();
        assert!(queued.is_some());
        assert_eq!(work.waiting(), 2);
        assert!(matches!(work.hold("reply", 10).unwrap_err().downcast_ref(), Some(NotSaved::QueueFull)));
        assert_eq!(work.lost(), 1, "a refusal is a counted loss");
        drop((retrying, queued));
        assert_eq!(work.waiting(), 0);
    }

    #[tokio::test(start_paused = true)]
    async fn draining_waits_for_running_work_within_its_limit() {
        let work = Inflight::new(policy(1));
        let running = work.start();
        assert_eq!(work.drained(Duration::from_secs(1)).await, 1);
        let finish = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(300)).await;
            drop(running);
        });
        assert_eq!(work.drained(Duration::from_secs(1)).await, 0);
        finish.await.unwrap();
    }
}
