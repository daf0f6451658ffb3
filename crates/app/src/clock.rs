//! The one source of "now", so tests can run a simulated week in seconds.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use tokio::sync::watch;

#[derive(Clone, Debug)]
pub enum Clock {
    System,
    /// A clock that moves only when told to; waiters wake when it does.
    Manual(Arc<ManualClock>),
}

#[derive(Debug)]
pub struct ManualClock {
    at: Mutex<Timestamp>,
    moved: watch::Sender<Timestamp>,
}

impl Clock {
    pub fn manual(start: Timestamp) -> Self {
        Clock::Manual(Arc::new(ManualClock { at: Mutex::new(start), moved: watch::channel(start).0 }))
    }

    pub fn now(&self) -> Timestamp {
        match self {
            Clock::System => Timestamp::now(),
            Clock::Manual(m) => *m.at.lock().unwrap_or_else(|e| e.into_inner()),
        }
    }

    /// Moves a manual clock forward; the system clock ignores it.
    pub fn advance(&self, by: SignedDuration) {
        self.set(self.now().saturating_add(by).unwrap_or_else(|_| self.now()));
    }

    pub fn set(&self, to: Timestamp) {
        if let Clock::Manual(m) = self {
            *m.at.lock().unwrap_or_else(|e| e.into_inner()) = to;
            m.moved.send_replace(to);
        }
    }

    /// Waits `real` time; a manual clock instead waits (at most `real`)
    /// until it shows a time other than `seen`, so a move made while the
    /// caller was busy is not missed. Tests drive a scheduler this way.
    pub async fn wait(&self, real: Duration, seen: Timestamp) {
        match self {
            Clock::System => tokio::time::sleep(real).await,
            Clock::Manual(m) => {
                let mut rx = m.moved.subscribe();
                let _ = tokio::time::timeout(real, rx.wait_for(|at| *at != seen)).await;
            }
        }
    }
}
