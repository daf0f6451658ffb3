//! The one source of "now", so tests can run a simulated week in seconds.

use std::sync::{Arc, Mutex};

use jiff::{SignedDuration, Timestamp};

#[derive(Clone, Debug)]
pub enum Clock {
    System,
    /// A clock that moves only when told to.
    Manual(Arc<Mutex<Timestamp>>),
}

impl Clock {
    pub fn manual(start: Timestamp) -> Self {
        Clock::Manual(Arc::new(Mutex::new(start)))
    }

    pub fn now(&self) -> Timestamp {
        match self {
            Clock::System => Timestamp::now(),
            Clock::Manual(at) => *at.lock().unwrap_or_else(|e| e.into_inner()),
        }
    }

    /// Moves a manual clock forward; the system clock ignores it.
    pub fn advance(&self, by: SignedDuration) {
        if let Clock::Manual(at) = self {
            let mut at = at.lock().unwrap_or_else(|e| e.into_inner());
            *at = at.saturating_add(by).unwrap_or(*at);
        }
    }

    pub fn set(&self, to: Timestamp) {
        if let Clock::Manual(at) = self {
            *at.lock().unwrap_or_else(|e| e.into_inner()) = to;
        }
    }
}
