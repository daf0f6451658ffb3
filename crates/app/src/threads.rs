//! Which threads hold a meeting, as this process last looked them up, so
//! that a reply costs no query for its meeting and chatter costs none at
//! all. A meeting opens through the process of its guild's shard (its
//! threads, commands and events all reach it), which forgets the thread
//! first; a lookup that raced with that opening is not kept. A meeting
//! is looked up again after [`MEETING_TTL`], as another process's
//! retention may have deleted it.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Threads remembered at most; past it the map starts again.
const MAX_THREADS: usize = 100_000;

/// How long a thread's meeting is trusted without a lookup.
const MEETING_TTL: Duration = Duration::from_secs(60);

/// A thread's meeting: its guild and id.
pub type MeetingOf = (u64, i64);

#[derive(Debug, Default)]
pub struct MeetingThreads {
    threads: Mutex<HashMap<u64, Known>>,
    /// Bumped by every opening and every forgetting.
    generation: AtomicU64,
}

#[derive(Clone, Copy, Debug)]
enum Known {
    NoMeeting,
    Meeting(MeetingOf, Instant),
}

impl MeetingThreads {
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// `Some(None)`: no meeting there; `Some(Some(..))`: its meeting;
    /// `None`: not known (or no longer trusted), look it up.
    pub fn known(&self, thread: u64) -> Option<Option<MeetingOf>> {
        match self.threads.lock().unwrap().get(&thread)? {
            Known::NoMeeting => Some(None),
            Known::Meeting(meeting, at) => (at.elapsed() < MEETING_TTL).then_some(Some(*meeting)),
        }
    }

    /// Remembers a lookup that started at generation `seen`.
    pub fn remember(&self, thread: u64, meeting: Option<MeetingOf>, seen: u64) {
        let mut threads = self.threads.lock().unwrap();
        if seen != self.generation() {
            return;
        }
        if threads.len() >= MAX_THREADS {
            threads.clear();
        }
        let known = meeting.map_or(Known::NoMeeting, |m| Known::Meeting(m, Instant::now()));
        threads.insert(thread, known);
    }

    /// A meeting opens in `thread`.
    pub fn forget(&self, thread: u64) {
        let mut threads = self.threads.lock().unwrap();
        self.generation.fetch_add(1, Ordering::SeqCst);
        threads.remove(&thread);
    }

    /// Meetings were deleted.
    pub fn forget_all(&self) {
        let mut threads = self.threads.lock().unwrap();
        self.generation.fetch_add(1, Ordering::SeqCst);
        threads.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_thread_without_a_meeting_is_remembered_until_one_opens_there() {
        let threads = MeetingThreads::default();
        threads.remember(7, None, threads.generation());
        assert_eq!(threads.known(7), Some(None));
        threads.forget(7);
        assert_eq!(threads.known(7), None, "a meeting opened there");
    }

    #[test]
    fn a_lookup_that_raced_with_an_opening_is_not_remembered() {
        let threads = MeetingThreads::default();
        let before = threads.generation();
        threads.forget(7); // a meeting opens while the lookup runs
        threads.remember(7, None, before);
        assert_eq!(threads.known(7), None);
    }

    #[test]
    fn a_meeting_is_remembered_until_meetings_are_deleted() {
        let threads = MeetingThreads::default();
        threads.remember(7, Some((1, 42)), threads.generation());
        assert_eq!(threads.known(7), Some(Some((1, 42))));
        threads.forget_all();
        assert_eq!(threads.known(7), None);
    }
}
