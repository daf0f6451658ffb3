//! Load: the released bot as its own process (`advocate run`) against the
//! fake Discord in this one, so the memory and CPU measured are the
//! bot's alone. Sends bursts of events into a prompted meeting thread:
//! 70% thread replies, 10% reactions on the bot's prompt, 20% chatter in
//! a channel that is no meeting. Prints, per burst: replies committed per
//! second (dispatch of the first to commit of the last), p50/p99 from
//! dispatch to commit, the bot's CPU per event, and its RSS (peak and
//! after). SQLite always; PostgreSQL too when ADVOCATE_TEST_POSTGRES_URL
//! is set. Run: cargo bench --bench load
//! (ADVOCATE_LOAD_BURSTS=5000,5000,5000,50000 by default)

use std::collections::HashMap;
use std::process::Stdio;
use std::time::{Duration, Instant};

use fake_discord::{Command, FakeDiscord};

#[path = "../tests/common/mod.rs"]
mod common;

/// The bot process's (resident MiB, peak resident MiB, CPU seconds).
fn process_stats(pid: u32) -> (f64, f64, f64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let kib = |key: &str| -> f64 {
        let line = status.lines().find(|l| l.starts_with(key));
        line.and_then(|l| l.split_whitespace().nth(1)?.parse().ok()).unwrap_or(0.0)
    };
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name (which may hold spaces): utime, stime are 14 and 15.
    let fields: Vec<&str> = stat.rsplit_once(')').map_or("", |(_, rest)| rest).split_whitespace().collect();
    let ticks: f64 = fields.get(11).and_then(|u| u.parse().ok()).unwrap_or(0.0)
        + fields.get(12).and_then(|s| s.parse::<f64>().ok()).unwrap_or(0.0);
    // SAFETY: sysconf only reads a system constant.
    let per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
    (kib("VmRSS:") / 1024.0, kib("VmHWM:") / 1024.0, ticks / per_second)
}

/// Rows committed at once, at most, by concurrent writers (4 × 256).
const LOOK_BACK: i64 = 4096;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// Reads what the bot committed, from a second connection.
enum Reader {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

impl Reader {
    async fn open(url: &str) -> Reader {
        match url.strip_prefix("sqlite:") {
            Some(path) => Reader::Sqlite(sqlx::SqlitePool::connect(&format!("sqlite:{path}?mode=ro")).await.unwrap()),
            None => Reader::Postgres(sqlx::PgPool::connect(url).await.unwrap()),
        }
    }

    /// Thread replies logged after row `after`: (row, message id).
    async fn replies_after(&self, after: i64) -> Vec<(i64, i64)> {
        let sql = "SELECT id, message_id FROM answers WHERE id > $1 AND message_id IS NOT NULL ORDER BY id";
        match self {
            Reader::Sqlite(p) => sqlx::query_as(sql).bind(after).fetch_all(p).await.unwrap(),
            Reader::Postgres(p) => sqlx::query_as(sql).bind(after).fetch_all(p).await.unwrap(),
        }
    }

    async fn reactions(&self) -> i64 {
        let sql = "SELECT COUNT(*) FROM reactions";
        match self {
            Reader::Sqlite(p) => sqlx::query_scalar(sql).fetch_one(p).await.unwrap(),
            Reader::Postgres(p) => sqlx::query_scalar(sql).fetch_one(p).await.unwrap(),
        }
    }
}

struct Scene {
    people: Vec<u64>,
    thread: u64,
    prompt: u64,
    chatter: u64,
    /// Reactions sent so far: each (person, emoji) is new.
    reacted: usize,
}

/// Sends one burst of `n` events and reports.
async fn burst(name: &str, fake: &FakeDiscord, scene: &mut Scene, reader: &Reader, pid: u32, n: usize, last: &mut i64) {
    let reactions_before = reader.reactions().await;
    let (_, _, cpu_before) = process_stats(pid);
    let mut sent: HashMap<i64, Instant> = HashMap::with_capacity(n);
    let texts =
        ["Churn is 4% in #smb, see ABC-12", "I think it is probably fine", "20 customers asked, follow up with Acme"];
    let start = Instant::now();
    let mut reactions = 0;
    for k in 0..n {
        let person = scene.people[k % scene.people.len()];
        match k % 10 {
            0 => {
                let (who, emoji) = (scene.reacted % scene.people.len(), scene.reacted / scene.people.len());
                fake.react(scene.people[who], scene.prompt, &format!("e{emoji}")).unwrap();
                scene.reacted += 1;
                reactions += 1;
            }
            1 | 2 => drop(fake.say(person, scene.chatter, "lunch anyone?").unwrap()),
            _ => {
                let id = fake.say(person, scene.thread, texts[k % texts.len()]).unwrap();
                sent.insert(id as i64, Instant::now());
            }
        }
    }
    let dispatched = start.elapsed();
    let mut seen: HashMap<i64, Instant> = HashMap::with_capacity(sent.len());
    let deadline = Instant::now() + Duration::from_secs(600);
    while seen.len() < sent.len() && Instant::now() < deadline {
        // PostgreSQL's writers commit side by side, so a lower id may land
        // after a higher one: look back past the newest row seen.
        let rows = reader.replies_after((*last - LOOK_BACK).max(0)).await;
        let at = Instant::now();
        for (row, message) in rows {
            *last = (*last).max(row);
            if sent.contains_key(&message) {
                seen.entry(message).or_insert(at);
            }
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let total = seen.values().max().map_or(start.elapsed(), |t| t.duration_since(start));
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (rss, peak, cpu_after) = process_stats(pid);
    let stored_reactions = reader.reactions().await - reactions_before;
    let mut latencies: Vec<Duration> =
        sent.iter().filter_map(|(id, at)| Some(seen.get(id)?.saturating_duration_since(*at))).collect();
    latencies.sort();
    let rate = latencies.len() as f64 / total.as_secs_f64();
    println!(
        "load[{name}]: {n} events ({} replies, {reactions} reactions, rest chatter) dispatched in {:.2} s; \
         {} replies and {stored_reactions} reactions committed",
        sent.len(),
        dispatched.as_secs_f64(),
        latencies.len()
    );
    if let (Some(p50), Some(max)) = (latencies.first().map(|_| percentile(&latencies, 0.5)), latencies.last()) {
        println!(
            "load[{name}]: {rate:.0} replies/s; dispatch to commit p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms; \
             CPU {:.1} µs/event; RSS {rss:.1} MiB (peak {peak:.1} MiB)",
            p50.as_secs_f64() * 1e3,
            percentile(&latencies, 0.99).as_secs_f64() * 1e3,
            max.as_secs_f64() * 1e3,
            (cpu_after - cpu_before) * 1e6 / n as f64,
        );
    }
}

async fn run(backend: &str, url: &str, bursts: &[usize]) {
    let fake = FakeDiscord::start(jiff::Timestamp::now).await.unwrap();
    let people: Vec<u64> = (0..200).map(|i| fake.add_user(&format!("user{i}"))).collect();
    let guild = fake.add_guild("Load", people[0]).unwrap();
    for p in &people[1..] {
        fake.join(guild, *p, &[]);
    }
    let channel = fake.add_channel(guild, "load").unwrap();
    let chatter = fake.add_channel(guild, "random").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut bot = tokio::process::Command::new(env!("CARGO_BIN_EXE_advocate"))
        .arg("run")
        .current_dir(dir.path())
        .env_clear()
        .env("DATABASE_URL", url)
        .env("DISCORD_TOKEN", fake.token())
        .env("ADVOCATE_DISCORD_ADDR", fake.addr())
        .env("ADVOCATE_DISCORD_CA", fake.ca_path())
        .env("NO_COLOR", "1")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let pid = bot.id().unwrap();
    fake.wait_connected(1).await.unwrap();
    fake.wait_for("commands", |s| (!s.commands.is_empty()).then_some(())).await.unwrap();
    let i = fake.slash(people[0], channel, &Command::new("meeting").sub("start").opt("topic", "load")).unwrap();
    fake.response_message(i).await.unwrap();
    let thread = fake.threads_in(channel)[0].id;
    let prompt = fake
        .wait_for("the prompt", |s| {
            s.messages.values().find(|m| m.channel_id == thread && m.author_id == s.bot_id).map(|m| m.id)
        })
        .await
        .unwrap();
    let mut scene = Scene { people, thread, prompt, chatter, reacted: 0 };
    let reader = Reader::open(url).await;
    let (rss, _, _) = process_stats(pid);
    println!("load[{backend}]: bot connected, idle RSS {rss:.1} MiB");
    let mut last = 0;
    for (round, &n) in bursts.iter().enumerate() {
        burst(&format!("{backend} #{} of {n}", round + 1), &fake, &mut scene, &reader, pid, n, &mut last).await;
    }
    let _ = bot.kill().await;
}

#[tokio::main]
async fn main() {
    let bursts: Vec<usize> = std::env::var("ADVOCATE_LOAD_BURSTS")
        .ok()
        .map(|v| v.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![5000, 5000, 5000, 50_000]);
    for db in common::stores().await {
        db.store.close().await;
        run(db.backend, &db.url, &bursts).await;
        db.finish().await;
    }
}
