//! Keeps scheduled sends inside Discord's global rate limit: requests
//! are spaced evenly at the configured rate, however many fall due at
//! once, so a fan-out to thousands of channels meets no 429s.

use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

pub struct Pace {
    gap: Duration,
    next: Mutex<Instant>,
}

impl Pace {
    /// `per_second` requests a second at most (at least 1).
    pub fn per_second(per_second: u32) -> Pace {
        Pace { gap: Duration::from_secs(1) / per_second.max(1), next: Mutex::new(Instant::now()) }
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
    async fn requests_are_spaced_at_the_rate_however_many_wait() {
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
        assert_eq!(times[99], Duration::from_millis(99 * 20), "100 requests at 50/s take 1.98 s");
        for second in 0..2 {
            let in_second = times.iter().filter(|t| t.as_secs() == second).count();
            assert!(in_second <= 50, "{in_second} requests in second {second}");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn an_idle_pace_does_not_bank_turns() {
        let pace = Pace::per_second(10);
        tokio::time::sleep(Duration::from_secs(5)).await;
        let start = Instant::now();
        pace.turn().await;
        pace.turn().await;
        assert_eq!(start.elapsed(), Duration::from_millis(100), "the second waits its gap");
    }
}
