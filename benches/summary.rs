//! Summary benchmark: a year of a 200-person organisation (about 1M
//! answers, 20k meetings, 100k reactions), then the time to compute one
//! week's summary with one month of history and with the whole year, on
//! SQLite and (with ADVOCATE_TEST_POSTGRES_URL) PostgreSQL. The summary
//! reads only the week's rows, so the time must not grow with history.
//! Run: cargo bench --bench summary

use std::time::{Duration, Instant};

use advocate::domain::summary::summarize;
use advocate::domain::time::Zone;
use advocate::store::{Store, WeekScope};

#[path = "../tests/common/mod.rs"]
mod common;
use jiff::{SignedDuration, Timestamp};

const GUILD: i64 = 1;
const WEEKS: i64 = 52;
const ANSWERS_PER_WEEK: i64 = 19_231;
const MEETINGS_PER_WEEK: i64 = 385;
const REACTIONS_PER_WEEK: i64 = 1_923;
const POSTS_PER_WEEK: i64 = 10;
const WEEK_MS: i64 = 7 * 24 * 3600 * 1000;

/// Rows `$3 * per_week .. $4 * per_week`, generated in the database.
fn fill_sql(per_week: i64, insert: &str) -> String {
    format!(
        "WITH RECURSIVE n(i) AS (SELECT $3 * {per_week} UNION ALL SELECT i + 1 FROM n WHERE i + 1 < $4 * {per_week}) {insert}"
    )
}

async fn fill(url: &str, base_ms: i64, from_week: i64, to_week: i64) {
    let statements = [
        fill_sql(POSTS_PER_WEEK, "INSERT INTO insight_posts (id, guild_id, channel_id, local_date, kind, insight_id, nonce, message_id, claimed_at) \
            SELECT i + 1, 1, 10 + i % 2, 'w' || i, 'manual', 1, 'n' || i, 5000000000 + i, $1 + (i / 10) * $2 + (i % 10) * 3600000 FROM n"),
        fill_sql(MEETINGS_PER_WEEK, "INSERT INTO meetings (id, guild_id, channel_id, thread_id, topic, origin, opened_at) \
            SELECT i + 1, 1, 10 + i % 2, 1000000000 + i, 'topic', 'command', $1 + (i / 385) * $2 + (i % 385) * 1500000 FROM n"),
        fill_sql(ANSWERS_PER_WEEK, "INSERT INTO answers (guild_id, channel_id, user_id, meeting_id, via, body, impact, segments, \
            has_evidence, has_assumption, wants_follow_up, message_id, created_at) \
            SELECT 1, 10, i % 200, (i / 19231) * 385 + i % 385 + 1, 'thread', 'Churn is 4% for #smb, see ABC-12', \
            CASE i % 4 WHEN 0 THEN 'helps' WHEN 1 THEN 'hurts' WHEN 2 THEN 'neutral' ELSE 'unknown' END, \
            CASE i % 3 WHEN 0 THEN 'smb' WHEN 1 THEN 'enterprise' ELSE '' END, i % 2 = 0, i % 3 = 0, i % 100 = 0, \
            2000000000 + i, $1 + (i / 19231) * $2 + (i % 19231) * 31000 FROM n"),
        fill_sql(REACTIONS_PER_WEEK, "INSERT INTO reactions (guild_id, channel_id, message_id, user_id, emoji, post_id, added_at) \
            SELECT 1, 10, 5000000000 + (i / 1923) * 10 + i % 10, i % 200, 'e' || i, (i / 1923) * 10 + i % 10 + 1, \
            $1 + (i / 1923) * $2 + (i % 1923) * 300000 FROM n"),
        fill_sql(ANSWERS_PER_WEEK / 100, "INSERT INTO follow_ups (guild_id, body, owner_id, created_by, status, created_at, done_at) \
            SELECT 1, 'call them', i % 200, i % 200, CASE WHEN i % 3 = 0 THEN 'open' ELSE 'done' END, \
            $1 + (i / 192) * $2, CASE WHEN i % 3 = 0 THEN NULL ELSE $1 + (i / 192) * $2 + 86400000 END FROM n"),
    ];
    // The recursive generator goes deep; run it through sqlx directly.
    if url.starts_with("sqlite:") {
        let pool = sqlx::SqlitePool::connect(url).await.unwrap();
        for sql in &statements {
            sqlx::query(sql).bind(base_ms).bind(WEEK_MS).bind(from_week).bind(to_week).execute(&pool).await.unwrap();
        }
        sqlx::query("ANALYZE").execute(&pool).await.unwrap();
        pool.close().await;
    } else {
        let pool = sqlx::PgPool::connect(url).await.unwrap();
        for sql in &statements {
            sqlx::query(sql).bind(base_ms).bind(WEEK_MS).bind(from_week).bind(to_week).execute(&pool).await.unwrap();
        }
        sqlx::query("ANALYZE").execute(&pool).await.unwrap();
        pool.close().await;
    }
}

/// Median time of computing week `week`'s summary, over 7 runs.
async fn time_summary(store: &Store, base: Timestamp, week: i64) -> (Duration, i64) {
    let start = base + SignedDuration::from_millis(week * WEEK_MS);
    let end = start + SignedDuration::from_millis(WEEK_MS);
    let scope = WeekScope::new(GUILD as u64, start, end, &Zone::utc(), None);
    let mut times = Vec::new();
    let mut answers = 0;
    for _ in 0..7 {
        let t = Instant::now();
        let s = summarize(&store.week_data(&scope).await.unwrap());
        times.push(t.elapsed());
        answers = s.headline.answers;
    }
    times.sort();
    (times[3], answers)
}

async fn bench(name: &str, url: &str) {
    let store = Store::connect(url).await.unwrap();
    store.migrate().await.unwrap();
    let base: Timestamp = "2025-12-29T00:00:00Z".parse().unwrap();
    store.guild_settings(GUILD as u64, &Default::default(), base).await.unwrap();
    let insight = advocate::domain::insight::NewInsight {
        title: "t".into(),
        customer: "c".into(),
        segment: advocate::domain::insight::Segment::parse("smb").unwrap(),
        story: "s".into(),
        evidence: "e".into(),
        source: advocate::domain::insight::EvidenceSource::Interview,
        question: "q".into(),
        tags: vec![],
        is_example: false,
        library_key: None,
        import_key: None,
    };
    store
        .add_insight(GUILD as u64, &insight, advocate::domain::insight::InsightStatus::Live, None, base)
        .await
        .unwrap();

    let t = Instant::now();
    fill(url, base.as_millisecond(), 0, 4).await;
    let (month, answers) = time_summary(&store, base, 2).await;
    fill(url, base.as_millisecond(), 4, WEEKS).await;
    let filled = t.elapsed();
    let (year, answers_after) = time_summary(&store, base, 2).await;
    assert_eq!(answers, answers_after);
    println!(
        "{name:<9} filled {} answers, {} meetings, {} reactions in {:.1} s",
        WEEKS * ANSWERS_PER_WEEK,
        WEEKS * MEETINGS_PER_WEEK,
        WEEKS * REACTIONS_PER_WEEK,
        filled.as_secs_f64()
    );
    println!(
        "{name:<9} one week's summary ({answers} answers): {:.1} ms with one month of history, {:.1} ms with one year ({:+.0}%)",
        month.as_secs_f64() * 1e3,
        year.as_secs_f64() * 1e3,
        (year.as_secs_f64() / month.as_secs_f64() - 1.0) * 100.0
    );
    store.close().await;
}

#[tokio::main]
async fn main() {
    // The tests' stores: a temporary SQLite file, and a fresh PostgreSQL
    // schema when ADVOCATE_TEST_POSTGRES_URL is set (else it says so).
    for db in common::stores().await {
        bench(db.backend, &db.url).await;
        db.finish().await;
    }
}
