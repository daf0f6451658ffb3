//! Load: the released bot as its own process (`advocate run`) against the
//! fake Discord in this one, so the memory and CPU measured are the
//! bot's alone. Sends bursts of events into a prompted meeting thread:
//! 70% thread replies, 10% reactions on the bot's prompt, 20% chatter in
//! a channel that is no meeting. Prints, per burst: replies committed per
//! second (dispatch of the first to commit of the last), p50/p99 from
//! dispatch to commit, the bot's CPU per event, and its RSS (peak and
//! after), and how often its gateway paused for its handlers to catch up
//! (read from its /metrics). SQLite always; PostgreSQL too when ADVOCATE_TEST_POSTGRES_URL
//! is set. Then, when discord.py is installed (`pip install discord.py`),
//! the same bursts against the minimal peer in `benches/peer/` (thread
//! replies to SQLite, one commit each), and Advocate's figures over the
//! peer's. Run: cargo bench --bench load
//! (ADVOCATE_LOAD_BURSTS=5000,5000,5000,50000 by default). The guild
//! has ADVOCATE_LOAD_CUSTOMERS customers (1,000 by default, Acme among
//! them): every reply is matched against their names, a third names Acme.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use fake_discord::{Command, FakeDiscord};

#[path = "../tests/common/mod.rs"]
mod common;
mod support;

use support::{process_stats, spawn_bot};

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

/// The bot under load: its process, and where it serves its metrics
/// (Advocate; not the peer).
#[derive(Clone, Copy)]
struct Bot<'a> {
    pid: u32,
    metrics: Option<&'a str>,
}

/// How often the bot serving its metrics at `metrics` paused its gateway
/// so far (`None` for the peer, which serves none; 0 if unreadable).
async fn gateway_pauses(metrics: Option<&str>) -> Option<f64> {
    let response = reqwest::get(format!("http://{}/metrics", metrics?)).await;
    let text = match response {
        Ok(response) => response.text().await.unwrap_or_default(),
        Err(_) => String::new(),
    };
    Some(common::counter(&text, "advocate_gateway_pauses_total"))
}

/// What one burst measured.
#[derive(Clone, Copy)]
struct Figures {
    replies_per_second: f64,
    cpu_per_event: f64,
    rss: f64,
    peak: f64,
}

/// Sends one burst of `n` events and reports.
async fn burst(
    name: &str,
    fake: &FakeDiscord,
    scene: &mut Scene,
    reader: &Reader,
    bot: Bot<'_>,
    n: usize,
    last: &mut i64,
) -> Figures {
    let Bot { pid, metrics } = bot;
    let reactions_before = reader.reactions().await;
    let pauses_before = gateway_pauses(metrics).await;
    let cpu_before = process_stats(pid).cpu;
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
        // Each bot writes one batch after another, so rows land in id
        // order: only the new ones are read (the driver's CPU is the bot's loss).
        let rows = reader.replies_after(*last).await;
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
    let support::ProcessStats { rss, peak, cpu: cpu_after } = process_stats(pid);
    let pauses = match (gateway_pauses(metrics).await, pauses_before) {
        (Some(after), Some(before)) => format!("; the gateway paused {} times", after - before),
        _ => String::new(),
    };
    let stored_reactions = reader.reactions().await - reactions_before;
    let mut latencies: Vec<Duration> =
        sent.iter().filter_map(|(id, at)| Some(seen.get(id)?.saturating_duration_since(*at))).collect();
    latencies.sort();
    let rate = latencies.len() as f64 / total.as_secs_f64();
    let cpu_per_event = (cpu_after - cpu_before) * 1e6 / n as f64;
    // No bot can store replies faster than the fake sends them.
    println!(
        "load[{name}]: {n} events ({} replies, {reactions} reactions, rest chatter) dispatched in {:.2} s \
         ({:.0} replies/s: this measure's ceiling); {} replies and {stored_reactions} reactions committed",
        sent.len(),
        dispatched.as_secs_f64(),
        sent.len() as f64 / dispatched.as_secs_f64(),
        latencies.len()
    );
    if let (Some(p50), Some(max)) = (latencies.first().map(|_| percentile(&latencies, 0.5)), latencies.last()) {
        println!(
            "load[{name}]: {rate:.0} replies/s; dispatch to commit p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms; \
             CPU {:.1} µs/event; RSS {rss:.1} MiB (peak {peak:.1} MiB){pauses}",
            p50.as_secs_f64() * 1e3,
            percentile(&latencies, 0.99).as_secs_f64() * 1e3,
            max.as_secs_f64() * 1e3,
            cpu_per_event,
        );
    }
    Figures { replies_per_second: rate, cpu_per_event, rss, peak }
}

/// A guild with 200 members, a channel for meetings and one for chatter.
struct World {
    fake: FakeDiscord,
    people: Vec<u64>,
    guild: u64,
    channel: u64,
    chatter: u64,
}

async fn world() -> World {
    let fake = FakeDiscord::start(jiff::Timestamp::now).await.unwrap();
    fake.skip_dispatch_checks();
    let people: Vec<u64> = (0..200).map(|i| fake.add_user(&format!("user{i}"))).collect();
    let guild = fake.add_guild("Load", people[0]).unwrap();
    for p in &people[1..] {
        fake.join(guild, *p, &[]);
    }
    let channel = fake.add_channel(guild, "load").unwrap();
    let chatter = fake.add_channel(guild, "random").unwrap();
    World { fake, people, guild, channel, chatter }
}

/// Sends every burst to `bot`, storing in `url`, and prints.
async fn bursts(
    name: &str,
    world: &World,
    scene: &mut Scene,
    url: &str,
    bot: Bot<'_>,
    bursts: &[usize],
) -> Vec<Figures> {
    let reader = Reader::open(url).await;
    println!("load[{name}]: connected, idle RSS {:.1} MiB", process_stats(bot.pid).rss);
    let mut last = 0;
    let mut figures = vec![];
    for (round, &n) in bursts.iter().enumerate() {
        let name = format!("{name} #{} of {n}", round + 1);
        figures.push(burst(&name, &world.fake, scene, &reader, bot, n, &mut last).await);
    }
    figures
}

/// `n` customers of `guild`, Acme the first, each known by its name.
async fn seed_customers(url: &str, guild: u64, n: usize) {
    if n == 0 {
        return;
    }
    let rows = format!("WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < {n})");
    let name = "CASE WHEN i = 0 THEN 'Acme' ELSE 'Customer ' || i END";
    let statements = [
        format!(
            "{rows} INSERT INTO customers (id, guild_id, name, created_at) SELECT i + 1, {guild}, {name}, 0 FROM n"
        ),
        format!(
            "{rows} INSERT INTO customer_names (guild_id, match_key, customer_id, name) \
            SELECT {guild}, CASE WHEN i = 0 THEN 'acme' ELSE 'customer ' || i END, i + 1, {name} FROM n"
        ),
    ];
    let store = store::Store::connect(url).await.unwrap();
    store.migrate().await.unwrap();
    store.close().await;
    for sql in &statements {
        if url.starts_with("sqlite:") {
            let pool = sqlx::SqlitePool::connect(url).await.unwrap();
            sqlx::query(sql).execute(&pool).await.unwrap();
            pool.close().await;
        } else {
            let pool = sqlx::PgPool::connect(url).await.unwrap();
            sqlx::query(sql).execute(&pool).await.unwrap();
            pool.close().await;
        }
    }
}

/// Advocate, its meeting started with `/meeting start` as a person would.
async fn advocate(backend: &str, url: &str, sizes: &[usize]) -> Vec<Figures> {
    let w = world().await;
    let customers = support::env_list("ADVOCATE_LOAD_CUSTOMERS", &[1000])[0];
    seed_customers(url, w.guild, customers).await;
    println!("load[{backend}]: {customers} customers");
    let dir = tempfile::tempdir().unwrap();
    let metrics = support::free_addr();
    let mut bot = spawn_bot(&w.fake, url, dir.path(), Some(&metrics));
    w.fake.wait_connected(1).await.unwrap();
    w.fake.wait_for("commands", |s| (!s.commands.is_empty()).then_some(())).await.unwrap();
    let i = w.fake.slash(w.people[0], w.channel, &Command::new("meeting").sub("start").opt("topic", "load")).unwrap();
    w.fake.response_message(i).await.unwrap();
    let thread = w.fake.threads_in(w.channel)[0].id;
    let prompt = w
        .fake
        .wait_for("the prompt", |s| {
            s.messages.values().find(|m| m.channel_id == thread && m.author_id == s.bot_id).map(|m| m.id)
        })
        .await
        .unwrap();
    let mut scene = Scene { people: w.people.clone(), thread, prompt, chatter: w.chatter, reacted: 0 };
    let figures =
        bursts(backend, &w, &mut scene, url, Bot { pid: bot.id().unwrap(), metrics: Some(&metrics) }, sizes).await;
    let _ = bot.kill().await;
    figures
}

/// The discord.py peer, or `None` (with a note) when discord.py is not
/// installed. Its meeting is stored before it starts.
async fn peer(sizes: &[usize]) -> Option<Vec<Figures>> {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/peer/discordpy_peer.py");
    let found = std::process::Command::new("python3").args(["-c", "import discord"]).output();
    if !found.is_ok_and(|o| o.status.success()) {
        println!("load[peer]: SKIPPED: discord.py is not installed (pip install discord.py)");
        return None;
    }
    let w = world().await;
    let thread = w.fake.start_thread(w.people[0], w.channel, "load").unwrap();
    let prompt = w.fake.say(w.people[0], thread, "How does this affect customers?").unwrap();
    let db = common::sqlite().await;
    let meeting = domain::meeting::NewMeeting {
        guild_id: w.guild,
        channel_id: w.channel,
        thread_id: thread,
        topic: "load".into(),
        segment: None,
        host_id: None,
        origin: domain::meeting::Origin::Command,
        event_id: None,
    };
    db.store.open_meeting(&meeting, jiff::Timestamp::now()).await.unwrap();
    db.store.close().await;
    let mut bot = tokio::process::Command::new("python3")
        .arg(script)
        .env("ADVOCATE_DISCORD_ADDR", w.fake.addr())
        .env("ADVOCATE_DISCORD_CA", w.fake.ca_path())
        .env("DISCORD_TOKEN", w.fake.token())
        .env("PEER_DATABASE", db.url.trim_start_matches("sqlite:"))
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    w.fake.wait_connected(1).await.unwrap();
    let mut scene = Scene { people: w.people.clone(), thread, prompt, chatter: w.chatter, reacted: 0 };
    let figures = bursts("peer", &w, &mut scene, &db.url, Bot { pid: bot.id().unwrap(), metrics: None }, sizes).await;
    let _ = bot.kill().await;
    db.finish().await;
    Some(figures)
}

#[tokio::main]
async fn main() {
    let sizes = support::env_list("ADVOCATE_LOAD_BURSTS", &[5000, 5000, 5000, 50_000]);
    let mut sqlite = vec![];
    for db in common::stores().await {
        db.store.close().await;
        let figures = advocate(db.backend, &db.url, &sizes).await;
        if db.backend == "sqlite" {
            sqlite = figures;
        }
        db.finish().await;
    }
    let Some(peer) = peer(&sizes).await else { return };
    for (round, (a, p)) in sqlite.iter().zip(&peer).enumerate() {
        println!(
            "load[sqlite ÷ peer, #{} of {}]: replies/s {:.2}×, CPU per event {:.2}×, RSS after {:.2}×, peak RSS {:.2}×",
            round + 1,
            sizes[round],
            a.replies_per_second / p.replies_per_second,
            a.cpu_per_event / p.cpu_per_event,
            a.rss / p.rss,
            a.peak / p.peak,
        );
    }
}
