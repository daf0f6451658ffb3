//! Fan-out: N insight channels (10,000 by default) due at the same
//! minute, the fake enforcing Discord's global limit (50 requests/s by
//! default) with global 429s. Prints the time to post them all against
//! the floor N / rate, posts per channel (each must be exactly 1), and the
//! 429s the bot received.
//! Run: cargo bench --bench fanout   (ADVOCATE_FANOUT_N, ADVOCATE_FANOUT_RATE)

use std::collections::HashMap;
use std::time::{Duration, Instant};

use app::clock::Clock;
use app::config::Config;
use app::App;
use domain::settings::ChannelPurpose;
use fake_discord::FakeDiscord;

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

#[tokio::main]
async fn main() {
    let n = env_or("ADVOCATE_FANOUT_N", 10_000);
    let rate = env_or("ADVOCATE_FANOUT_RATE", 50);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("fanout.db");
    let clock = Clock::manual("2026-11-23T08:59:00Z".parse().unwrap());
    let now = clock.clone();
    let fake = FakeDiscord::start(move || now.now()).await.unwrap();
    let vars: HashMap<&str, String> = [
        ("DATABASE_URL", format!("sqlite:{}", db.display())),
        ("DISCORD_TOKEN", fake.token()),
        ("ADVOCATE_DISCORD_ADDR", fake.addr()),
        ("ADVOCATE_DISCORD_CA", fake.ca_path().display().to_string()),
        ("ADVOCATE_DISCORD_RATE", rate.to_string()),
    ]
    .into_iter()
    .collect();
    let config = Config::load(None, |k| vars.get(k).cloned()).unwrap();
    let app = App::start(&config, clock.clone()).await.unwrap();
    let owner = fake.add_user("owner");
    let guild = fake.add_guild("Fan-out", owner).unwrap();
    let channels: Vec<u64> = (0..n).map(|i| fake.add_channel(guild, &format!("customers-{i}")).unwrap()).collect();
    // All but the last in one transaction (one by one, each re-reads the
    // guild's growing channel list); the last through the app, which
    // makes the guild's post due again.
    app.settings(guild).await.unwrap(); // the guild's row
    let writer = sqlx::SqlitePool::connect(&format!("sqlite:{}", db.display())).await.unwrap();
    let mut tx = writer.begin().await.unwrap();
    for &c in &channels[..n - 1] {
        let sql = "INSERT INTO guild_channels (guild_id, channel_id, purpose) VALUES ($1, $2, 'insight')";
        sqlx::query(sql).bind(guild as i64).bind(c as i64).execute(&mut *tx).await.unwrap();
    }
    tx.commit().await.unwrap();
    writer.close().await;
    app.set_channel(guild, channels[n - 1], ChannelPurpose::Insight, true).await.unwrap();
    let bot = advocate::service::Running::start(app, &config, true).await.unwrap();
    fake.wait_connected(1).await.unwrap();
    fake.set_global_limit(rate);

    let reader = sqlx::SqlitePool::connect(&format!("sqlite:{}?mode=ro", db.display())).await.unwrap();
    let start = Instant::now();
    clock.set("2026-11-23T09:00:00Z".parse().unwrap());
    let deadline = start + Duration::from_secs(3 * n as u64 / rate as u64 + 120);
    let mut posted = 0;
    while posted < n as i64 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(200)).await;
        let sql = "SELECT COUNT(*) FROM insight_posts WHERE message_id IS NOT NULL";
        posted = sqlx::query_scalar(sql).fetch_one(&reader).await.unwrap();
    }
    let took = start.elapsed().as_secs_f64();
    // Let anything still in flight land before counting per channel.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let per_channel: HashMap<u64, usize> = fake.read(|s| {
        let mut counts = HashMap::new();
        for m in s.messages.values().filter(|m| m.author_id == s.bot_id) {
            *counts.entry(m.channel_id).or_insert(0) += 1;
        }
        counts
    });
    let counts: Vec<usize> = channels.iter().map(|c| per_channel.get(c).copied().unwrap_or(0)).collect();
    let floor = n as f64 / rate as f64;
    println!("fanout: {n} channels due at 09:00, global limit {rate} requests/s (floor {floor:.0} s)");
    println!("fanout: {posted} recorded posted in {took:.1} s ({:.2}× the floor; target ≤ 1.10×)", took / floor);
    println!(
        "fanout: posts per channel min {} max {}; channels with none {}, with more than one {}",
        counts.iter().min().unwrap_or(&0),
        counts.iter().max().unwrap_or(&0),
        counts.iter().filter(|c| **c == 0).count(),
        counts.iter().filter(|c| **c > 1).count()
    );
    println!("fanout: global 429s received {}", fake.global_limit_refusals());
    bot.shutdown().await;
}
