//! Store benchmark: answers logged per second through `Store::log_answer`
//! (each caller waits for its commit, as the bot's handlers do), from 1,
//! 16 and 256 concurrent writers, against a floor measured in the same
//! run: the same rows inserted 10,000 per transaction through the driver.
//! SQLite always; PostgreSQL when ADVOCATE_TEST_POSTGRES_URL is set.
//! Then reactions on a meeting's prompt with 1,000 and with 1,000,000
//! meetings stored: the per-event lookups must not grow with history.
//! Run: cargo bench --bench store   (ADVOCATE_STORE_N=100000 for more rows,
//! ADVOCATE_STORE_WRITERS=16 for one count of writers)
//! Prints figures; asserts nothing about speed.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use domain::answer::{AnswerRef, Impact, NewAnswer, Via};
use domain::classify::Classification;
use domain::meeting::{NewMeeting, Origin};
use jiff::Timestamp;
use sqlx::{Connection, Executor};
use store::Store;

#[path = "../tests/common/mod.rs"]
mod common;

fn answer(meeting: i64, n: u64) -> NewAnswer {
    NewAnswer {
        guild_id: 1,
        channel_id: 2,
        user_id: n % 200,
        to: AnswerRef::Meeting(meeting),
        via: Via::Thread,
        body: format!("Answer {n}: churn is 4% in #smb, see TICKET-{n}"),
        impact: Impact::Unknown,
        classification: Classification { has_evidence: true, ..Default::default() },
        message_id: Some(1_000_000 + n),
        interaction_id: None,
        created_at: Timestamp::now(),
        follow_up: None,
        customers: vec![],
    }
}

/// Logs `n` answers numbered from `first` through `writers` concurrent
/// callers; answers per second.
async fn through_store(store: &Store, meeting: i64, first: u64, n: u64, writers: u64) -> f64 {
    let next = Arc::new(AtomicU64::new(first));
    let start = Instant::now();
    let tasks: Vec<_> = (0..writers)
        .map(|_| {
            let (store, next) = (store.clone(), next.clone());
            tokio::spawn(async move {
                loop {
                    let k = next.fetch_add(1, Ordering::Relaxed);
                    if k >= first + n {
                        break;
                    }
                    store.log_answer(&answer(meeting, k)).await.unwrap().expect("a new answer");
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    n as f64 / start.elapsed().as_secs_f64()
}

const FLOOR_SQL: &str = "INSERT INTO answers (guild_id, channel_id, user_id, meeting_id, via, body, impact, \
    segments, has_evidence, has_assumption, wants_follow_up, message_id, created_at) \
    VALUES ($1, $2, $3, $4, 'thread', $5, 'unknown', '', true, false, false, $6, $7)";

/// The floor: the same rows, one prepared INSERT each, 10,000 per
/// transaction, straight through the driver on one connection.
macro_rules! floor {
    ($conn:expr, $meeting:expr, $first:expr, $n:expr) => {{
        let start = Instant::now();
        let mut k = $first;
        while k < $first + $n {
            let mut tx = $conn.begin().await.unwrap();
            for _ in 0..10_000.min($first + $n - k) {
                let a = answer($meeting, k);
                sqlx::query(FLOOR_SQL)
                    .bind(a.guild_id as i64)
                    .bind(a.channel_id as i64)
                    .bind(a.user_id as i64)
                    .bind($meeting)
                    .bind(&a.body)
                    .bind(a.message_id.unwrap() as i64)
                    .bind(a.created_at.as_millisecond())
                    .execute(&mut *tx)
                    .await
                    .unwrap();
                k += 1;
            }
            tx.commit().await.unwrap();
        }
        $n as f64 / start.elapsed().as_secs_f64()
    }};
}

async fn floor(url: &str, meeting: i64, first: u64, n: u64) -> f64 {
    if url.starts_with("sqlite:") {
        let mut conn = sqlx::SqliteConnection::connect(url).await.unwrap();
        conn.execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL").await.unwrap();
        floor!(conn, meeting, first, n)
    } else {
        let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
        floor!(conn, meeting, first, n)
    }
}

async fn bench(name: &str, store: Store, url: &str, n: u64, writer_counts: &[u64]) {
    store.migrate().await.unwrap();
    let meeting = NewMeeting {
        guild_id: 1,
        channel_id: 2,
        thread_id: 3,
        topic: "bench".into(),
        segment: None,
        host_id: None,
        origin: Origin::Command,
        event_id: None,
    };
    let (m, _) = store.open_meeting(&meeting, Timestamp::now()).await.unwrap();
    let floor = floor(url, m.id, 0, n).await;
    println!("store[{name}]: floor {floor:>8.0} answers/s ({n} rows, 10,000 per transaction, one connection)");
    let mut first = n;
    for &writers in writer_counts {
        let rate = through_store(&store, m.id, first, n, writers).await;
        first += n;
        println!(
            "store[{name}]: {writers:>3} writers {rate:>8.0} answers/s, each waiting for its commit ({:.2} of the floor)",
            rate / floor
        );
    }
}

/// Adds meetings `from..to` (each with a prompt message) in the database.
async fn add_meetings(url: &str, from: i64, to: i64) {
    let sql = "WITH RECURSIVE n(i) AS (SELECT $1 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < $2) \
        INSERT INTO meetings (guild_id, channel_id, thread_id, topic, origin, opened_at, prompt_message_id) \
        SELECT 1, 2, 10000000 + i, 'topic', 'command', 0, 50000000 + i FROM n";
    if url.starts_with("sqlite:") {
        let pool = sqlx::SqlitePool::connect(url).await.unwrap();
        sqlx::query(sql).bind(from).bind(to).execute(&pool).await.unwrap();
        pool.close().await;
    } else {
        let pool = sqlx::PgPool::connect(url).await.unwrap();
        sqlx::query(sql).bind(from).bind(to).execute(&pool).await.unwrap();
        pool.close().await;
    }
}

/// Mean time of a reaction added to the newest meeting's prompt, one at a time.
async fn time_reactions(store: &Store, prompt: u64, first_user: u64) -> f64 {
    const N: u64 = 2000;
    let start = Instant::now();
    for user in first_user..first_user + N {
        let r = domain::reaction::ReactionEvent {
            guild_id: 1,
            channel_id: 2,
            message_id: prompt,
            user_id: user,
            emoji: "👍".into(),
            at: Timestamp::now(),
            on_bot_message: Some(true),
        };
        assert!(store.reaction_added(&r).await.unwrap(), "the reaction is on a prompt");
    }
    start.elapsed().as_secs_f64() * 1e6 / N as f64
}

async fn reactions(name: &str, store: &Store, url: &str) {
    add_meetings(url, 0, 1000).await;
    let few = time_reactions(store, 50_000_000 + 999, 0).await;
    add_meetings(url, 1000, 1_000_000).await;
    let many = time_reactions(store, 50_000_000 + 999_999, 10_000).await;
    println!(
        "store[{name}]: a reaction on a prompt {few:.0} µs with 1,000 meetings, {many:.0} µs with 1,000,000 ({:.2}×)",
        many / few
    );
}

#[tokio::main]
async fn main() {
    let n: u64 = std::env::var("ADVOCATE_STORE_N").ok().and_then(|v| v.parse().ok()).unwrap_or(40_000);
    let writers: Vec<u64> = std::env::var("ADVOCATE_STORE_WRITERS")
        .unwrap_or_else(|_| "1,16,256".into())
        .split(',')
        .filter_map(|w| w.trim().parse().ok())
        .collect();
    // The tests' stores: a temporary SQLite file, and a fresh PostgreSQL
    // schema when ADVOCATE_TEST_POSTGRES_URL is set (else it says so).
    for db in common::stores().await {
        bench(db.backend, db.store.clone(), &db.url.clone(), n, &writers).await;
        reactions(db.backend, &db.store, &db.url).await;
        db.finish().await;
    }
}
