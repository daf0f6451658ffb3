//! Load driver: N thread replies through the fake gateway into the real
//! bot (serenity, poise, SQLite). Prints events per second, the p50/p99
//! time from dispatch to the answer being committed (seen by a second
//! connection polling the database), and the process's peak memory (bot,
//! fake and driver together: an upper bound for the bot).
//! Run: cargo bench --bench load   (ADVOCATE_LOAD_N=20000 for more)

use fake_discord::Command;
use std::collections::HashMap;
use std::time::{Duration, Instant};

use advocate::app::App;
use advocate::clock::Clock;
use advocate::config::Config;
use fake_discord::FakeDiscord;

fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib: f64 = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        .unwrap_or(0.0);
    kib / 1024.0
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

#[tokio::main]
async fn main() {
    let n: usize = std::env::var("ADVOCATE_LOAD_N").ok().and_then(|v| v.parse().ok()).unwrap_or(5000);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("load.db");
    let clock = Clock::manual("2026-11-23T10:00:00Z".parse().unwrap());
    let now = clock.clone();
    let fake = FakeDiscord::start(move || now.now()).await.unwrap();
    let vars: HashMap<&str, String> = [
        ("DATABASE_URL", format!("sqlite:{}", db.display())),
        ("DISCORD_TOKEN", fake.token()),
        ("ADVOCATE_DISCORD_ADDR", fake.addr()),
        ("ADVOCATE_DISCORD_CA", fake.ca_path().display().to_string()),
        ("ADVOCATE_PROMPTS", concat!(env!("CARGO_MANIFEST_DIR"), "/prompts").to_string()),
    ]
    .into_iter()
    .collect();
    let config = Config::load(None, |k| vars.get(k).cloned()).unwrap();
    let app = App::start(&config, clock.clone()).await.unwrap();
    let people: Vec<u64> = (0..50).map(|i| fake.add_user(&format!("user{i}"))).collect();
    let guild = fake.add_guild("Load", people[0]).unwrap();
    for p in &people[1..] {
        fake.join(guild, *p, &[]);
    }
    let channel = fake.add_channel(guild, "load").unwrap();
    let bot = advocate::discord::start(app, &config, true).await.unwrap();
    fake.wait_connected(1).await.unwrap();
    fake.wait_for("commands", |s| (!s.commands.is_empty()).then_some(())).await.unwrap();
    let i = fake.slash(people[0], channel, &Command::new("meeting").sub("start").opt("topic", "load")).unwrap();
    fake.response_message(i).await.unwrap();
    let thread = fake.threads_in(channel)[0].id;

    let reader = sqlx::SqlitePool::connect(&format!("sqlite:{}?mode=ro", db.display())).await.unwrap();
    let mut last_row = 0i64;
    phase("burst", &fake, &reader, &people, thread, n, None, &mut last_row).await;
    let rate: u64 = std::env::var("ADVOCATE_LOAD_RATE").ok().and_then(|v| v.parse().ok()).unwrap_or(1000);
    phase(&format!("{rate}/s"), &fake, &reader, &people, thread, n, Some(rate), &mut last_row).await;
    println!("load: peak memory of the whole process {:.1} MiB", peak_rss_mib());
    bot.shutdown(tokio::time::Instant::now() + std::time::Duration::from_secs(10)).await;
}

/// Sends `n` replies (all at once, or at `rate` per second) while a
/// second task polls the database for them, and reports.
#[allow(clippy::too_many_arguments)]
async fn phase(
    name: &str,
    fake: &FakeDiscord,
    reader: &sqlx::SqlitePool,
    people: &[u64],
    thread: u64,
    n: usize,
    rate: Option<u64>,
    last_row: &mut i64,
) {
    let poller = {
        let (reader, mut last) = (reader.clone(), *last_row);
        tokio::spawn(async move {
            let mut seen: HashMap<i64, Instant> = HashMap::with_capacity(n);
            let deadline = Instant::now() + Duration::from_secs(300);
            while seen.len() < n && Instant::now() < deadline {
                let sql = "SELECT id, message_id FROM answers WHERE id > $1 AND message_id IS NOT NULL ORDER BY id";
                let rows: Vec<(i64, i64)> = sqlx::query_as(sql).bind(last).fetch_all(&reader).await.unwrap();
                let at = Instant::now();
                for (row, message) in rows {
                    last = row;
                    seen.insert(message, at);
                }
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
            (seen, last)
        })
    };
    let mut sent: HashMap<i64, Instant> = HashMap::with_capacity(n);
    let start = Instant::now();
    let texts =
        ["Churn is 4% in #smb, see ABC-12", "I think it is probably fine", "20 customers asked, follow up with Acme"];
    for k in 0..n {
        if let Some(rate) = rate {
            let due = start + Duration::from_secs_f64(k as f64 / rate as f64);
            tokio::time::sleep_until(due.into()).await;
        }
        let id = fake.say(people[k % people.len()], thread, texts[k % texts.len()]).unwrap();
        sent.insert(id as i64, Instant::now());
    }
    let dispatched = start.elapsed();
    let (seen, last) = poller.await.unwrap();
    *last_row = last;
    let total = seen.values().max().map_or(start.elapsed(), |t| t.duration_since(start));
    let mut latencies: Vec<Duration> =
        sent.iter().filter_map(|(id, at)| Some(seen.get(id)?.saturating_duration_since(*at))).collect();
    latencies.sort();
    println!(
        "load[{name}]: {n} thread replies dispatched in {:.2} s, {} committed",
        dispatched.as_secs_f64(),
        latencies.len()
    );
    let rate = latencies.len() as f64 / total.as_secs_f64();
    println!("load[{name}]: {rate:.0} events/s end to end (dispatch of the first to commit of the last)");
    if !latencies.is_empty() {
        println!(
            "load[{name}]: dispatch to commit p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
            percentile(&latencies, 0.5).as_secs_f64() * 1e3,
            percentile(&latencies, 0.99).as_secs_f64() * 1e3,
            latencies.last().unwrap().as_secs_f64() * 1e3
        );
    }
}
