//! Keeps scheduled sends inside Discord's global rate limit: requests
//! are spaced evenly just under the configured rate, however many fall
//! due at once, so a fan-out to thousands of channels meets few 429s.
//! Just under: requests sent evenly arrive unevenly (connections, TLS),
//! and one over the limit stalls every send of the client for up to a
//! second.

use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

pub struct Pace {
    gap: Duration,
    next: Mutex<Instant>,
}

/// The share of the limit used.
const HEADROOM: f64 = 0.95;

impl Pace {
    /// 95% of `per_second` requests a second (at least 1 a second).
    pub fn per_second(per_second: u32) -> Pace {
        let rate = (f64::from(per_second) * HEADROOM).max(1.0);
        Pace { gap: Duration::from_secs_f64(1.0 / rate), next: Mutex::new(Instant::now()) }
    }

    /// Waits for this request's turn.
    pub async fn turn(&self) {
        let at = {
            let mut next = self.next.lock().unwrap();
            let at = (*next).max(Instant::now());
            *next = at + self.gap;
            at
        };
        tokio::time::sleep_until(at).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn requests_are_spaced_just_under_the_rate_however_many_wait() {
        let pace = std::sync::Arc::new(Pace::per_second(50));
        let start = Instant::now();
        let waits: Vec<_> = (0..100)
            .map(|_| {
                let pace = pace.clone();
                tokio::spawn(async move {
                    pace.turn().await;
                    Instant::now()
                })
            })
            .collect();
        let mut times = Vec::new();
        for w in waits {
            times.push(w.await.unwrap().duration_since(start));
        }
        times.sort();
        assert_eq!(times[0], Duration::ZERO, "the first goes at once");
        let gap = Duration::from_secs_f64(1.0 / 47.5);
        // tokio's timers tick in milliseconds.
        for pair in times.windows(2) {
            assert!(pair[1] - pair[0] >= gap - Duration::from_millis(1), "{pair:?}");
        }
        assert!(times[99] < gap * 100, "100 requests at 47.5/s take about 2.08 s: {:?}", times[99]);
        for second in 0..3 {
            let in_second = times.iter().filter(|t| t.as_secs() == second).count();
            assert!(in_second <= 48, "{in_second} requests in second {second}");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn an_idle_pace_does_not_bank_turns() {
        let pace = Pace::per_second(20);
        tokio::time::sleep(Duration::from_secs(5)).await;
        let start = Instant::now();
        pace.turn().await;
        pace.turn().await;
        let gap = Duration::from_secs_f64(1.0 / 19.0);
        assert!(start.elapsed() >= gap && start.elapsed() < gap * 2, "the second waits its gap: {:?}", start.elapsed());
    }
}
