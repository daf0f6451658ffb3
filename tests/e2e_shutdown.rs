//! The released binary under SIGTERM: it saves what it received before
//! it exits 0 within its timeout, even while commits are slow or a shard
//! is reconnecting.

use std::process::Stdio;
use std::time::Duration;

use fake_discord::{Command, FakeDiscord};
use sqlx::Connection as _;
use tokio::process::Child;

struct Bot {
    child: Child,
    db: String,
    dir: tempfile::TempDir,
}

/// `advocate run` against the fake, connected, its commands registered.
async fn start(fake: &FakeDiscord) -> Bot {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", dir.path().join("advocate.db").display());
    let child = spawn(fake, &dir, &db).await;
    Bot { child, db, dir }
}

/// Starts the binary on the database `db` and waits for its new session.
async fn spawn(fake: &FakeDiscord, dir: &tempfile::TempDir, db: &str) -> Child {
    let identifies = fake.gateway_stats().0;
    let child = tokio::process::Command::new(env!("CARGO_BIN_EXE_advocate"))
        .arg("run")
        .current_dir(dir.path())
        .env_clear()
        .env("DATABASE_URL", db)
        .env("DISCORD_TOKEN", fake.token())
        .env("ADVOCATE_DISCORD_ADDR", fake.addr())
        .env("ADVOCATE_DISCORD_CA", fake.ca_path())
        .env("ADVOCATE_PROMPTS", concat!(env!("CARGO_MANIFEST_DIR"), "/prompts"))
        .env("ADVOCATE_SHUTDOWN_TIMEOUT", "10s")
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    fake.wait_connected(identifies + 1).await.unwrap();
    fake.wait_for("the commands", |s| (!s.commands.is_empty()).then_some(())).await.unwrap();
    child
}

fn sigterm(child: &Child) {
    let pid = child.id().expect("running") as libc::pid_t;
    // SAFETY: kill(2) with a pid this test spawned and has not reaped.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);
}

/// Waits for the process to end (at most 20 s) and returns whether it exited 0.
async fn exited_ok(bot: &mut Bot) -> bool {
    let status = tokio::time::timeout(Duration::from_secs(20), bot.child.wait()).await;
    status.expect("the process ended after SIGTERM").unwrap().success()
}

/// A guild with a prompted meeting thread; returns (person, thread).
async fn meeting(fake: &FakeDiscord) -> (u64, u64) {
    let alice = fake.add_user("Alice");
    let guild = fake.add_guild("Acme", alice).unwrap();
    let channel = fake.add_channel(guild, "product").unwrap();
    let i = fake.slash(alice, channel, &Command::new("meeting").sub("start").opt("topic", "Shutdown drill")).unwrap();
    fake.response_message(i).await.unwrap();
    (alice, fake.threads_in(channel)[0].id)
}

#[tokio::test]
async fn sigterm_while_commits_are_slow_saves_every_reply_received_and_exits_0() {
    let fake = FakeDiscord::start(jiff::Timestamp::now).await.unwrap();
    let mut bot = start(&fake).await;
    let (alice, thread) = meeting(&fake).await;
    let mut locker = sqlx::SqliteConnection::connect(&bot.db).await.unwrap();
    sqlx::query("BEGIN EXCLUSIVE").execute(&mut locker).await.unwrap();
    const REPLIES: i64 = 300;
    for n in 0..REPLIES {
        fake.say(alice, thread, &format!("Reply {n}: 3 customers asked")).unwrap();
    }
    tokio::time::sleep(Duration::from_millis(500)).await; // received, waiting on the lock
    sigterm(&bot.child);
    tokio::time::sleep(Duration::from_secs(3)).await;
    sqlx::query("COMMIT").execute(&mut locker).await.unwrap();
    assert!(exited_ok(&mut bot).await, "exit code 0: everything was saved");
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM answers").fetch_one(&mut locker).await.unwrap();
    assert_eq!(stored, REPLIES, "every reply received before the stop is stored");
}

#[tokio::test]
async fn sigterm_while_the_gateway_is_unreachable_still_ends_the_process() {
    let fake = FakeDiscord::start(jiff::Timestamp::now).await.unwrap();
    let mut bot = start(&fake).await;
    fake.gateway_down();
    tokio::time::sleep(Duration::from_secs(2)).await; // the shard is reconnecting
    sigterm(&bot.child);
    assert!(exited_ok(&mut bot).await);
}

/// kill -9 in the middle of a stream of replies, and more replies while
/// the bot is down: the restarted process has every one, once.
#[tokio::test]
async fn after_kill_9_and_a_restart_every_reply_is_stored_once() {
    let fake = FakeDiscord::start(jiff::Timestamp::now).await.unwrap();
    let mut bot = start(&fake).await;
    let (alice, thread) = meeting(&fake).await;
    for n in 0..40 {
        fake.say(alice, thread, &format!("Reply {n}: 3 customers asked")).unwrap();
        if n == 20 {
            bot.child.start_kill().unwrap(); // SIGKILL
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    bot.child.wait().await.unwrap();
    bot.child = spawn(&fake, &bot.dir, &bot.db).await;
    let mut db = sqlx::SqliteConnection::connect(&bot.db).await.unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM answers").fetch_one(&mut db).await.unwrap();
        if stored == 40 {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "{stored} of 40 replies stored after the restart");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let distinct: i64 =
        sqlx::query_scalar("SELECT COUNT(DISTINCT message_id) FROM answers").fetch_one(&mut db).await.unwrap();
    assert_eq!(distinct, 40, "none twice");
    sigterm(&bot.child);
    assert!(exited_ok(&mut bot).await);
}
