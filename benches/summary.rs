//! Summary benchmark: a year of a 200-person organisation (about 1M
//! answers, 20k meetings, 100k reactions), then the time to compute one
//! week's summary with one month of history and with the whole year, on
//! SQLite and (with ADVOCATE_TEST_POSTGRES_URL) PostgreSQL. The summary
//! reads only the week's rows, so the time must not grow with history.
//! Run: cargo bench --bench summary

use std::time::{Duration, Instant};

use domain::query::WeekScope;
use domain::summary::summarize;
use domain::time::Zone;
use store::Store;

#[path = "../tests/common/mod.rs"]
mod common;
#[path = "support/history.rs"]
mod history;
use history::{fill, ANSWERS_PER_WEEK, GUILD, MEETINGS_PER_WEEK, REACTIONS_PER_WEEK, WEEKS, WEEK_MS};
use jiff::{SignedDuration, Timestamp};

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
    let insight = domain::insight::NewInsight {
        title: "t".into(),
        customer: "c".into(),
        segment: domain::insight::Segment::parse("smb").unwrap(),
        story: "s".into(),
        evidence: "e".into(),
        source: domain::insight::EvidenceSource::Interview,
        question: "q".into(),
        tags: vec![],
        is_example: false,
        library_key: None,
        import_key: None,
    };
    store.add_insight(GUILD as u64, &insight, domain::insight::InsightStatus::Live, None, base).await.unwrap();

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
