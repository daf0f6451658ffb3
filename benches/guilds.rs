//! Idle memory per guild: the released bot as its own process, connected
//! to a fake Discord holding N guilds (each with its owner and a text
//! channel), measured once every GUILD_CREATE is stored and the bot has
//! settled. SQLite. Run: cargo bench --bench guilds
//! (ADVOCATE_GUILDS=1,1000,2500,10000 by default)

use std::time::{Duration, Instant};

use fake_discord::FakeDiscord;

mod support;

use support::{process_stats, spawn_bot};

async fn run(guilds: usize) {
    let fake = FakeDiscord::start(jiff::Timestamp::now).await.unwrap();
    let owner = fake.add_user("owner");
    for g in 0..guilds {
        let guild = fake.add_guild(&format!("Guild {g}"), owner).unwrap();
        fake.add_channel(guild, "general").unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("advocate.db").display());
    let start = Instant::now();
    let mut bot = spawn_bot(&fake, &url, dir.path(), None);
    let pid = bot.id().unwrap();
    fake.wait_connected(1).await.unwrap();
    let db = sqlx::SqlitePool::connect(&format!("{url}?mode=ro")).await;
    let mut stored = 0;
    while stored < guilds as i64 && start.elapsed() < Duration::from_secs(600) {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let Ok(db) = &db else { break };
        let sql = "SELECT COUNT(*) FROM guilds WHERE name IS NOT NULL";
        stored = sqlx::query_scalar(sql).fetch_one(db).await.unwrap_or(0);
    }
    let ready = start.elapsed();
    // Settled: the first scheduler tick and the bot's trimming of freed memory.
    tokio::time::sleep(Duration::from_secs(12)).await;
    let stats = process_stats(pid);
    println!(
        "guilds[{guilds}]: {stored} stored in {:.1} s; idle RSS {:.1} MiB (peak {:.1} MiB), {:.1} KiB a guild",
        ready.as_secs_f64(),
        stats.rss,
        stats.peak,
        stats.rss * 1024.0 / guilds as f64,
    );
    let _ = bot.kill().await;
}

#[tokio::main]
async fn main() {
    for n in support::env_list("ADVOCATE_GUILDS", &[1, 1000, 2500, 10_000]) {
        run(n).await;
    }
}
