//! Store benchmark: answers logged per second, one row per transaction as
//! the bot writes them, on SQLite (WAL) and on PostgreSQL when
//! ADVOCATE_TEST_POSTGRES_URL is set. Run: cargo bench --bench store
//! Prints figures; asserts nothing about speed.

use std::time::Instant;

use advocate::domain::answer::{AnswerRef, NewAnswer};
use advocate::domain::answer::{Impact, Via};
use advocate::domain::classify::Classification;
use advocate::domain::meeting::{NewMeeting, Origin};
use advocate::store::Store;

#[path = "../tests/common/mod.rs"]
mod common;
use jiff::Timestamp;

const ANSWERS: u64 = 4000;
const WRITERS: u64 = 16;

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
    }
}

async fn bench(name: &str, store: Store) {
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

    let start = Instant::now();
    for n in 0..ANSWERS {
        store.log_answer(&answer(m.id, n)).await.unwrap();
    }
    let one_writer = ANSWERS as f64 / start.elapsed().as_secs_f64();

    let start = Instant::now();
    let tasks: Vec<_> = (0..WRITERS)
        .map(|w| {
            let store = store.clone();
            tokio::spawn(async move {
                for n in (ANSWERS + w..2 * ANSWERS).step_by(WRITERS as usize) {
                    store.log_answer(&answer(m.id, n)).await.unwrap();
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    let many_writers = ANSWERS as f64 / start.elapsed().as_secs_f64();
    println!("{name:<10} {ANSWERS} answers, one per transaction: {one_writer:>8.0}/s sequential, {many_writers:>8.0}/s from {WRITERS} concurrent writers");
    store.close().await;
}

#[tokio::main]
async fn main() {
    // The tests' stores: a temporary SQLite file, and a fresh PostgreSQL
    // schema when ADVOCATE_TEST_POSTGRES_URL is set (else it says so).
    for db in common::stores().await {
        bench(db.backend, db.store.clone()).await;
        db.finish().await;
    }
}
