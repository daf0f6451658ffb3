//! End to end: nothing a person was told is saved is lost, and nobody is
//! told "logged" before the commit, while the database is full,
//! read-only, locked or unreachable.

mod common;

use std::time::Duration;

use app::config::RetryPolicy;
use common::bot::{eventually, Harness};
use common::proxy::{host_port, Proxy};
use common::team::Team;
use fake_discord::Command;
use sqlx::Connection as _;
use store::SqliteFault;

const MONDAY_MORNING: &str = "2026-11-23T09:00:00Z";
const WAITING: &str = "The database is not answering right now";
const THANKS: &str = "Thanks, your answer is logged";

struct Meeting {
    people: [u64; 2],
    /// The thread's parent: a channel of plain chatter.
    channel: u64,
    thread: u64,
    prompt: u64,
    id: i64,
}

/// A guild with a prompted meeting thread, the bot connected.
async fn meeting(h: &mut Harness) -> Meeting {
    let t = Team::add(h, ["Alice", "Lee", "Bob"], "product");
    let (alice, bob, channel) = (t.owner, t.member, t.channel);
    h.start_bot(true).await;
    let start = Command::new("meeting").sub("start").opt("topic", "Outage drill");
    let i = h.fake.slash(alice, channel, &start).unwrap();
    h.fake.response_message(i).await.unwrap();
    let thread = h.fake.threads_in(channel)[0].id;
    let prompt = h
        .fake
        .wait_for("the prompt", |s| s.messages.values().find(|m| m.channel_id == thread).map(|m| m.id))
        .await
        .unwrap();
    let id = h.db.store.meeting_by_thread(thread).await.unwrap().unwrap().id;
    Meeting { people: [alice, bob], channel, thread, prompt, id }
}

async fn stored(h: &Harness, m: &Meeting) -> i64 {
    h.db.store.meeting_stats(m.id).await.unwrap().answers
}

/// Thread replies and form answers sent while the database fails; the
/// form interactions are returned with their texts.
async fn answer_during_fault(h: &Harness, m: &Meeting, tag: &str, replies: usize, forms: usize) -> Vec<(u64, String)> {
    for n in 0..replies {
        let text = format!("{tag} reply {n}: 3 customers asked for this {}", "and more ".repeat(n % 7 * 40));
        h.fake.say(m.people[n % 2], m.thread, &text).unwrap();
    }
    let mut submitted = Vec::new();
    for n in 0..forms {
        let person = m.people[n % 2];
        let form = h.fake.open_form(person, m.prompt).await.unwrap();
        let text = format!("{tag} form {n}: it hurts our enterprise customers");
        submitted.push((h.fake.submit_modal(person, m.thread, &form, &[("text", &text)]).unwrap(), text));
    }
    submitted
}

/// Each form was answered within Discord's 3 seconds and, while the
/// fault lasts, says the answer waits (text handed back), never "logged".
async fn check_told_waiting(h: &Harness, forms: &[(u64, String)]) {
    for (interaction, text) in forms {
        let answered = h.fake.response(*interaction).await.unwrap();
        assert!(answered.answered_after.unwrap() < Duration::from_secs(3), "{:?}", answered.answered_after);
        let reply = h.fake.response_message(*interaction).await.unwrap();
        assert!(reply.ephemeral() && reply.content.starts_with(WAITING), "false confirmation? {}", reply.content);
        assert_eq!(reply.attachments[0].bytes, text.as_bytes(), "the text is handed back");
    }
}

/// Once the database is back, every answer is stored once and each form
/// now says "logged".
async fn check_all_saved(h: &Harness, m: &Meeting, expected: i64, forms: &[(u64, String)]) {
    eventually("every answer to be stored", || async { (stored(h, m).await == expected).then_some(()) }).await;
    for (interaction, _) in forms {
        let reply = h
            .fake
            .wait_for("the form's reply to say logged", |s| {
                let message = s.messages.get(&s.interactions.get(interaction)?.response?)?;
                message.content.starts_with(THANKS).then(|| message.clone())
            })
            .await
            .unwrap();
        assert!(reply.earlier.iter().any(|e| e.starts_with(WAITING)), "{:?}", reply.earlier);
        assert!(reply.attachments.is_empty(), "the text is no longer needed");
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(stored(h, m).await, expected, "no duplicates");
}

#[tokio::test]
async fn a_read_only_or_full_sqlite_database_loses_no_answer_and_confirms_none_early() {
    let mut h = Harness::new(common::sqlite().await, MONDAY_MORNING).await;
    let m = meeting(&mut h).await;
    let mut expected = 0;
    for (fault, tag) in [(SqliteFault::ReadOnly, "read-only"), (SqliteFault::DiskFull, "full")] {
        h.db.store.inflict(fault);
        let forms = answer_during_fault(&h, &m, tag, 20, 3).await;
        if fault == SqliteFault::ReadOnly {
            check_told_waiting(&h, &forms).await;
            assert_eq!(stored(&h, &m).await, expected, "nothing can be written");
        }
        h.db.store.inflict(SqliteFault::None);
        expected += 23;
        if fault == SqliteFault::ReadOnly {
            check_all_saved(&h, &m, expected, &forms).await;
        } else {
            eventually("every answer to be stored", || async { (stored(&h, &m).await == expected).then_some(()) })
                .await;
        }
    }
    assert_eq!(h.app.work.lost(), 0);
    h.finish().await;
}

#[tokio::test]
async fn a_locked_sqlite_database_is_waited_out() {
    let mut h = Harness::new(common::sqlite().await, MONDAY_MORNING).await;
    let m = meeting(&mut h).await;
    // Another process holds the write lock past the bot's busy timeout.
    let mut locker = sqlx::SqliteConnection::connect(&h.db.url).await.unwrap();
    sqlx::query("BEGIN EXCLUSIVE").execute(&mut locker).await.unwrap();
    let forms = answer_during_fault(&h, &m, "locked", 10, 2).await;
    check_told_waiting(&h, &forms).await;
    tokio::time::sleep(Duration::from_secs(11)).await;
    sqlx::query("COMMIT").execute(&mut locker).await.unwrap();
    check_all_saved(&h, &m, 12, &forms).await;
    assert_eq!(h.app.work.lost(), 0);
    h.finish().await;
}

/// A long outage holds no more than the policy allows, counting the
/// replies queued behind those retrying (handlers are few), and every
/// reply refused beyond it is counted as lost; the rest are saved.
#[tokio::test]
async fn an_outage_holds_at_most_its_bound_and_counts_each_reply_refused() {
    let mut h = Harness::new(common::sqlite().await, MONDAY_MORNING).await;
    let policy = RetryPolicy { retry_for: Duration::from_secs(600), max_waiting: 300, max_waiting_bytes: 1 << 20 };
    h.app = h.app.clone().with_retry(policy);
    let m = meeting(&mut h).await;
    h.db.store.inflict(SqliteFault::ReadOnly);
    h.fake.say(m.people[0], m.thread, "3 customers asked for exports").unwrap();
    eventually("the first reply to wait", || async { (h.app.work.waiting() == 1).then_some(()) }).await;
    for n in 0..399 {
        h.fake.say(m.people[n % 2], m.thread, &format!("reply {n}: customers asked again")).unwrap();
    }
    let held = || async { (h.app.work.waiting() + h.app.work.lost() as usize == 400).then_some(h.app.work.lost()) };
    let lost = eventually("each reply to be held or refused", held).await;
    assert!(h.app.work.waiting() <= 300 && lost >= 100, "held {}, lost {lost}", h.app.work.waiting());
    h.db.store.inflict(SqliteFault::None);
    let saved = 400 - lost as i64;
    eventually("the held replies to be stored", || async { (stored(&h, &m).await == saved).then_some(()) }).await;
    assert_eq!(h.app.work.lost(), lost, "none lost after the outage");
    h.finish().await;
}

/// A counter of the bots in this process, by its series.
fn counter(series: &str) -> f64 {
    common::counter(&web::metrics::render(), series)
}

/// How many gateway events of a kind the bots in this process received.
fn events(kind: &str) -> f64 {
    counter(&format!("advocate_gateway_events_total{{event=\"{kind}\"}}"))
}

/// An edit outside meeting threads (chatter, a link's preview) and a
/// reaction on a message that is not the bot's touch no table: a locked
/// database does not hold them up.
#[tokio::test]
async fn chatter_edits_and_reactions_wait_for_no_database() {
    web::metrics::install();
    let mut h = Harness::new(common::sqlite().await, MONDAY_MORNING).await;
    let m = meeting(&mut h).await;
    let chatter = h.fake.say(m.people[0], m.channel, "lunch anyone?").unwrap();
    let mut locker = sqlx::SqliteConnection::connect(&h.db.url).await.unwrap();
    sqlx::query("BEGIN EXCLUSIVE").execute(&mut locker).await.unwrap();
    let before = (events("message_update"), events("reaction_add"));
    h.fake.edit(chatter, "lunch at noon, anyone?").unwrap();
    h.fake.react(m.people[1], chatter, "👍").unwrap();
    let arrived = || async { (events("message_update") > before.0 && events("reaction_add") > before.1).then_some(()) };
    eventually("the edit and the reaction to arrive", arrived).await;
    assert_eq!(h.app.work.drained(Duration::from_secs(3)).await, 0, "they wait for the database");
    assert_eq!(h.app.work.waiting(), 0);
    sqlx::query("COMMIT").execute(&mut locker).await.unwrap();
    h.finish().await;
}

/// Another connection holding the database's write lock until released.
enum WriteLock {
    Sqlite(sqlx::SqliteConnection),
    Postgres(sqlx::PgConnection),
}

impl WriteLock {
    async fn hold(db: &common::TestStore) -> WriteLock {
        if db.backend == "sqlite" {
            let mut c = sqlx::SqliteConnection::connect(&db.url).await.unwrap();
            sqlx::query("BEGIN IMMEDIATE").execute(&mut c).await.unwrap();
            WriteLock::Sqlite(c)
        } else {
            let mut c = sqlx::PgConnection::connect(&db.url).await.unwrap();
            sqlx::raw_sql("BEGIN; LOCK TABLE answers IN EXCLUSIVE MODE").execute(&mut c).await.unwrap();
            WriteLock::Postgres(c)
        }
    }

    async fn release(self) {
        match self {
            WriteLock::Sqlite(mut c) => sqlx::query("COMMIT").execute(&mut c).await.map(drop),
            WriteLock::Postgres(mut c) => sqlx::query("COMMIT").execute(&mut c).await.map(drop),
        }
        .unwrap();
    }
}

/// A burst the database cannot keep up with (another writer holds its
/// lock for a few seconds, shorter than any timeout) is paced: the
/// gateway stops reading while more replies wait for handlers than the
/// backlog allows, and every reply is stored, once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_the_database_cannot_keep_up_with_is_paced_and_stored_once() {
    web::metrics::install();
    for db in common::stores().await {
        let mut h = Harness::with_settings(db, MONDAY_MORNING, &[("ADVOCATE_EVENT_BACKLOG", "8")]).await;
        let m = meeting(&mut h).await;
        let pauses = counter("advocate_gateway_pauses_total");
        let lock = WriteLock::hold(&h.db).await;
        for n in 0..600 {
            h.fake.say(m.people[n % 2], m.thread, &format!("reply {n}: 2 customers asked")).unwrap();
        }
        eventually("the gateway to pause", || async {
            (counter("advocate_gateway_pauses_total") > pauses).then_some(())
        })
        .await;
        lock.release().await;
        eventually("every reply to be stored", || async { (stored(&h, &m).await == 600).then_some(()) }).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(stored(&h, &m).await, 600, "no duplicates");
        assert_eq!(h.app.work.lost(), 0);
        h.finish().await;
    }
}

#[tokio::test]
async fn an_unreachable_postgresql_is_waited_out() {
    let Some(db) = common::postgres().await else { return };
    let proxy = Proxy::start(&host_port(&db.url)).await;
    let db = db.behind(&proxy).await;
    let mut h = Harness::new(db, MONDAY_MORNING).await;
    let m = meeting(&mut h).await;
    proxy.cut();
    let forms = answer_during_fault(&h, &m, "cut", 20, 3).await;
    check_told_waiting(&h, &forms).await;
    assert_eq!(h.app.work.lost(), 0);
    tokio::time::sleep(Duration::from_secs(3)).await;
    proxy.restore();
    check_all_saved(&h, &m, 23, &forms).await;
    assert_eq!(h.app.work.lost(), 0);
    h.finish().await;
}

/// Replies said while the bot had no gateway session are read back from
/// the thread's history when a new session starts: none lost, none twice.
#[tokio::test]
async fn replies_sent_during_a_lost_session_or_a_restart_are_read_back_once() {
    let mut h = Harness::new(common::sqlite().await, MONDAY_MORNING).await;
    let m = meeting(&mut h).await;
    h.fake.say(m.people[1], m.thread, "Before: 3 customers asked for exports").unwrap();
    eventually("the first reply", || async { (stored(&h, &m).await == 1).then_some(()) }).await;

    // An outage long enough for Discord to drop the session.
    let identifies = h.fake.gateway_stats().0;
    h.fake.gateway_down();
    for n in 0..5 {
        h.fake.say(m.people[n % 2], m.thread, &format!("During the outage {n}: churn is up 2%")).unwrap();
    }
    h.fake.say(m.people[0], m.thread, "").unwrap_or_default(); // an empty one is no answer
    h.fake.gateway_up(false);
    h.fake.wait_connected(identifies + 1).await.unwrap();
    eventually("the outage's replies", || async { (stored(&h, &m).await == 6).then_some(()) }).await;

    // A restart (a deploy, or a crash): the new process reads the gap back.
    h.stop_bot().await;
    for n in 0..3 {
        h.fake.say(m.people[1], m.thread, &format!("While restarting {n}: Acme said so on a call")).unwrap();
    }
    h.start_bot(true).await;
    eventually("the restart's replies", || async { (stored(&h, &m).await == 9).then_some(()) }).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(stored(&h, &m).await, 9, "nothing twice");
    h.finish().await;
}

#[tokio::test]
async fn a_command_is_answered_within_3_seconds_while_the_database_is_locked() {
    let mut h = Harness::new(common::sqlite().await, MONDAY_MORNING).await;
    let m = meeting(&mut h).await;
    let mut locker = sqlx::SqliteConnection::connect(&h.db.url).await.unwrap();
    sqlx::query("BEGIN EXCLUSIVE").execute(&mut locker).await.unwrap();
    let set = Command::new("setup").sub("set").opt("setting", "post_time").opt("value", "08:30");
    let i = h.fake.slash(m.people[0], m.thread, &set).unwrap();
    let answered = h.fake.response(i).await.unwrap();
    assert!(answered.answered_after.unwrap() < Duration::from_secs(3), "{:?}", answered.answered_after);
    assert_eq!(answered.first_callback_type(), Some(5), "deferred");
    tokio::time::sleep(Duration::from_secs(4)).await;
    sqlx::query("COMMIT").execute(&mut locker).await.unwrap();
    let reply = h.fake.response_message(i).await.unwrap();
    assert!(reply.content.contains("Saved"), "{}", reply.content);
    h.finish().await;
}

/// Missed heartbeat acknowledgements and a silent (zombie) connection make
/// serenity start a new session; the replies of the gap are read back.
#[tokio::test]
async fn replies_sent_while_heartbeats_fail_or_the_connection_is_a_zombie_are_not_lost() {
    let mut h = Harness::new(common::sqlite().await, MONDAY_MORNING).await;
    h.fake.set_heartbeat_interval(Duration::from_millis(400));
    let m = meeting(&mut h).await;
    let mut expected = 0;
    for fault in ["no acks", "zombie"] {
        let identifies = h.fake.gateway_stats().0;
        match fault {
            "no acks" => h.fake.stop_heartbeat_acks(),
            _ => h.fake.go_zombie(),
        }
        for n in 0..4 {
            h.fake.say(m.people[n % 2], m.thread, &format!("{fault} {n}: 2 customers churned")).unwrap();
        }
        expected += 4;
        h.fake.wait_connected(identifies + 1).await.unwrap();
        eventually(&format!("the replies sent with {fault}"), || async {
            (stored(&h, &m).await == expected).then_some(())
        })
        .await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(stored(&h, &m).await, expected, "nothing twice");
    h.finish().await;
}

/// Reactions added and removed on the bot's prompt while it had no session
/// are read back from Discord's reaction lists.
#[tokio::test]
async fn reactions_made_during_a_restart_are_read_back() {
    let mut h = Harness::new(common::sqlite().await, MONDAY_MORNING).await;
    let m = meeting(&mut h).await;
    let [alice, bob] = m.people;
    h.fake.react(alice, m.prompt, "👍").unwrap();
    let store = h.db.store.clone();
    let live = || async { store.live_reactions(m.prompt).await.unwrap() };
    eventually("the first reaction", || async { (live().await.len() == 1).then_some(()) }).await;

    h.stop_bot().await;
    h.fake.unreact(alice, m.prompt, "👍").unwrap();
    h.fake.react(bob, m.prompt, "🎯").unwrap();
    h.fake.react(alice, m.prompt, "💡").unwrap();
    h.start_bot(true).await;
    let mut expected = vec![(alice, "💡".to_string()), (bob, "🎯".to_string())];
    expected.sort();
    eventually("the reactions as Discord shows them", || async {
        let mut now = live().await;
        now.sort();
        (now == expected).then_some(())
    })
    .await;
    h.finish().await;
}

/// A resumable INVALID_SESSION: the bot resumes, events are replayed,
/// nothing is lost or logged twice.
#[tokio::test]
async fn a_resumable_invalid_session_loses_nothing() {
    let mut h = Harness::new(common::sqlite().await, MONDAY_MORNING).await;
    let m = meeting(&mut h).await;
    let (identifies, resumes, _) = h.fake.gateway_stats();
    h.fake.invalidate_session_resumable();
    for n in 0..5 {
        h.fake.say(m.people[n % 2], m.thread, &format!("Resumable {n}: 3 customers")).unwrap();
    }
    eventually("the resume", || async { (h.fake.gateway_stats().1 > resumes).then_some(()) }).await;
    eventually("the replies", || async { (stored(&h, &m).await == 5).then_some(()) }).await;
    assert_eq!(h.fake.gateway_stats().0, identifies, "resumed, not a new session");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(stored(&h, &m).await, 5, "nothing twice");
    h.finish().await;
}
