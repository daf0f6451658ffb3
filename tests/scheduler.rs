//! Several processes sharing one database (shards of one bot) post each
//! customer of the day, summary and reminder exactly once.

mod common;

use std::sync::Mutex;

use app::clock::Clock;
use app::jobs::Outgoing;
use app::scheduler::{Poster, Scheduler};
use app::App;
use domain::settings::ChannelPurpose;
use store::Store;

/// Records what would have been sent, as (kind, channel).
#[derive(Default)]
struct Recorder(Mutex<Vec<(&'static str, u64)>>);

impl Poster for &Recorder {
    async fn send(&self, channel: u64, out: &Outgoing) -> anyhow::Result<u64> {
        let kind = match out {
            Outgoing::Insight(_) => "insight",
            Outgoing::Summary { .. } => "summary",
            Outgoing::Reminder { .. } => "reminder",
        };
        let mut sent = self.0.lock().unwrap();
        sent.push((kind, channel));
        Ok(9_000_000 + sent.len() as u64)
    }

    async fn find(&self, _: u64, _: &Outgoing) -> anyhow::Result<Option<u64>> {
        Ok(None)
    }
}

async fn app(url: &str, clock: &Clock) -> App {
    let store = Store::connect(url).await.unwrap();
    let prompts = app::prompts::load(std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/prompts"))).unwrap();
    store.sync_library(&prompts.library, clock.now()).await.unwrap();
    App::new(store, prompts, Default::default(), clock.clone())
}

#[tokio::test]
async fn four_processes_post_each_slot_once() {
    for db in common::stores().await {
        let clock = Clock::manual("2026-11-27T16:00:00Z".parse().unwrap()); // a Friday
        let apps = [
            app(&db.url, &clock).await,
            app(&db.url, &clock).await,
            app(&db.url, &clock).await,
            app(&db.url, &clock).await,
        ];
        for guild in [1u64, 2] {
            let mut s = (*apps[0].settings(guild).await.unwrap()).clone();
            for (k, v) in [
                ("post_time", "16:00"),
                ("summary_channel", &format!("{}", guild * 100)),
                ("summary_weekday", "fri"),
                ("summary_time", "16:00"),
            ] {
                s.set(k, v).unwrap();
            }
            apps[0].save_settings(&s).await.unwrap();
            for channel in [guild * 10, guild * 10 + 1] {
                apps[0].set_channel(guild, channel, ChannelPurpose::Insight, true).await.unwrap();
            }
        }
        // A follow-up due today in guild 1's meeting thread 500.
        let meeting = domain::meeting::NewMeeting {
            guild_id: 1,
            channel_id: 10,
            thread_id: 500,
            topic: "Pricing".into(),
            segment: None,
            host_id: None,
            origin: domain::meeting::Origin::Command,
            event_id: None,
        };
        let (m, _) = apps[0].open_meeting(&meeting).await.unwrap();
        let follow_up = domain::follow_up::NewFollowUp {
            guild_id: 1,
            answer_id: None,
            meeting_id: Some(m.id),
            text: "Call Acme".into(),
            owner_id: Some(7),
            created_by: 7,
            due_date: Some(jiff::civil::date(2026, 11, 27)),
            customer: None,
        };
        db.store.add_follow_up(&follow_up, clock.now()).await.unwrap();
        let recorder = Recorder::default();
        let now = clock.now();
        let mut schedulers: Vec<_> = apps.iter().map(|a| Scheduler::new(a.clone(), &recorder)).collect();
        let passes = schedulers.iter_mut().map(|s| s.pass(now));
        for result in futures_util::future::join_all(passes).await {
            result.unwrap();
        }
        let mut sent = recorder.0.lock().unwrap().clone();
        sent.sort();
        let expected = vec![
            ("insight", 10),
            ("insight", 11),
            ("insight", 20),
            ("insight", 21),
            ("reminder", 500),
            ("summary", 100),
            ("summary", 200),
        ];
        assert_eq!(sent, expected, "{}: each slot once", db.backend);
        drop(schedulers);
        for a in &apps {
            a.close().await;
        }
        db.finish().await;
    }
}

/// Each process schedules only the guilds of its own shards.
#[tokio::test]
async fn a_process_posts_for_the_guilds_of_its_shards_only() {
    let db = common::sqlite().await;
    let clock = Clock::manual("2026-11-27T16:00:00Z".parse().unwrap());
    let shard = |s: &str| Some(app::config::ShardRange::parse(s).unwrap());
    let apps =
        [app(&db.url, &clock).await.with_shards(shard("0/2")), app(&db.url, &clock).await.with_shards(shard("1/2"))];
    let guilds = [2u64 << 22, 3 << 22]; // on shards 0 and 1 of 2
    for guild in guilds {
        let mut s = (*apps[0].settings(guild).await.unwrap()).clone();
        s.set("post_time", "16:00").unwrap();
        apps[0].save_settings(&s).await.unwrap();
        apps[0].set_channel(guild, guild + 1, ChannelPurpose::Insight, true).await.unwrap();
    }
    for (app, guild) in apps.iter().zip(guilds) {
        let recorder = Recorder::default();
        Scheduler::new(app.clone(), &recorder).pass(clock.now()).await.unwrap();
        assert_eq!(*recorder.0.lock().unwrap(), vec![("insight", guild + 1)]);
    }
    db.finish().await;
}

/// Holds every send until opened, counting the sends waiting, then
/// records it.
#[derive(Default)]
struct Gate {
    open: tokio::sync::watch::Sender<bool>,
    waiting: std::sync::atomic::AtomicUsize,
    sent: Recorder,
}

impl Poster for &Gate {
    async fn send(&self, channel: u64, out: &Outgoing) -> anyhow::Result<u64> {
        self.waiting.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        self.open.subscribe().wait_for(|open| *open).await?;
        (&self.sent).send(channel, out).await
    }

    async fn find(&self, channel: u64, out: &Outgoing) -> anyhow::Result<Option<u64>> {
        (&self.sent).find(channel, out).await
    }
}

/// Posts go out while the rest are still being claimed: a claim waits
/// only for the sends ahead of it, never for every claim of the pass,
/// so it is sent long before another process may take it over.
#[tokio::test]
async fn posts_are_sent_while_the_rest_are_claimed() {
    const CHANNELS: u64 = 200;
    let db = common::sqlite().await;
    let clock = Clock::manual("2026-11-27T16:00:00Z".parse().unwrap());
    let app = app(&db.url, &clock).await;
    let mut s = (*app.settings(1).await.unwrap()).clone();
    s.set("post_time", "16:00").unwrap();
    app.save_settings(&s).await.unwrap();
    for channel in 1..=CHANNELS {
        app.set_channel(1, channel, ChannelPurpose::Insight, true).await.unwrap();
    }
    let gate = Gate::default();
    let mut scheduler = Scheduler::new(app.clone(), &gate);
    let reader = sqlx::SqlitePool::connect(&db.url).await.unwrap();
    let claimed_while_sending = async {
        let waiting = || async { (gate.waiting.load(std::sync::atomic::Ordering::SeqCst) >= 64).then_some(()) };
        common::bot::eventually("64 sends in flight", waiting).await;
        let claimed: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM insight_posts").fetch_one(&reader).await.unwrap();
        gate.open.send_replace(true);
        claimed
    };
    let (passed, claimed) = tokio::join!(scheduler.pass(clock.now()), claimed_while_sending);
    assert_eq!(passed.unwrap(), CHANNELS as usize);
    assert!(claimed < CHANNELS as i64, "all {claimed} posts were claimed before the first was sent");
    let mut sent = gate.sent.0.lock().unwrap().clone();
    sent.sort();
    assert_eq!(sent, (1..=CHANNELS).map(|c| ("insight", c)).collect::<Vec<_>>(), "each channel once");
    reader.close().await;
    app.close().await;
    db.finish().await;
}
