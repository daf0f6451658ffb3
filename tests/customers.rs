//! The customer record: every spelling of a customer is one record, a
//! merge moves everything, and an upgrade links what was written before.

mod common;

use domain::answer::{AnswerRef, Impact, NewAnswer, Via};
use domain::classify::Classification;
use domain::follow_up::NewFollowUp;
use domain::insight::{EvidenceSource, InsightStatus, NewInsight, Segment};
use domain::meeting::{NewMeeting, Origin};
use domain::outcome::{NewOutcome, OutcomeKind};
use domain::settings::Defaults;
use jiff::civil::date;
use jiff::Timestamp;
use store::Store;

const GUILD: u64 = 1_000_000_000_000_000_001;

fn now() -> Timestamp {
    "2026-11-25T10:00:00Z".parse().unwrap()
}

fn insight(customer: &str, key: &str) -> NewInsight {
    NewInsight {
        title: format!("What {customer} said"),
        customer: customer.into(),
        segment: Segment::parse("smb").unwrap(),
        story: "Invoices arrive late".into(),
        evidence: "Ticket #1".into(),
        source: EvidenceSource::SupportTicket,
        question: "So what?".into(),
        tags: vec![],
        is_example: false,
        library_key: None,
        import_key: Some(key.into()),
    }
}

fn nps(customer: &str, key: &str) -> NewOutcome {
    NewOutcome {
        kind: OutcomeKind::Nps,
        score: Some(3.0),
        day: Some(date(2026, 11, 20)),
        key: key.into(),
        customer: customer.into(),
        segment: Some(Segment::parse("enterprise").unwrap()),
    }
}

fn follow_up(customer: &str) -> NewFollowUp {
    NewFollowUp {
        guild_id: GUILD,
        answer_id: None,
        meeting_id: None,
        text: "Call them back".into(),
        owner_id: None,
        created_by: 7,
        due_date: None,
        customer: Some(customer.into()),
    }
}

/// An answer in a new meeting thread naming `customers`.
async fn answer(s: &Store, thread: u64, body: &str, customers: Vec<i64>) -> i64 {
    let meeting = NewMeeting {
        guild_id: GUILD,
        channel_id: 10,
        thread_id: thread,
        topic: "Invoices".into(),
        segment: None,
        host_id: None,
        origin: Origin::Command,
        event_id: None,
    };
    let (m, _) = s.open_meeting(&meeting, now()).await.unwrap();
    let a = NewAnswer {
        guild_id: GUILD,
        channel_id: 11,
        user_id: 7,
        to: AnswerRef::Meeting(m.id),
        via: Via::Thread,
        body: body.into(),
        impact: Impact::Hurts,
        classification: Classification::default(),
        message_id: Some(thread + 1),
        interaction_id: None,
        created_at: now(),
        follow_up: None,
        customers,
    };
    s.log_answer(&a).await.unwrap().expect("logged").answer
}

/// How many rows of `table` point at customer `id`.
async fn pointing_at(db: &common::TestStore, table: &str, id: i64) -> i64 {
    common::count(db, &format!("SELECT COUNT(*) FROM {table} WHERE customer_id = {id}")).await
}

#[tokio::test]
async fn case_punctuation_and_legal_forms_do_not_make_another_customer() {
    for db in common::stores().await {
        let s = &db.store;
        s.guild_settings(GUILD, &Defaults::default(), now()).await.unwrap();
        let live = InsightStatus::Live;
        s.add_insight(GUILD, &insight("Acme Inc.", "k1"), live, None, now()).await.unwrap();
        s.import_insights(GUILD, &[insight("ACME", "k2")], &[nps("acme, inc", "k3")], date(2026, 11, 25), None, now())
            .await
            .unwrap();
        s.add_follow_up(&follow_up(" acme "), now()).await.unwrap();
        s.add_insight(GUILD, &insight("Acme Corp", "k4"), live, None, now()).await.unwrap();

        let customers = s.customers(GUILD).await.unwrap();
        let names: Vec<&str> = customers.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            names,
            ["Acme Corp", "Acme Inc."],
            "{}: Acme Corp may be another company: offered, not merged",
            db.backend
        );
        let acme = customers[1].id;
        assert_eq!(customers[1].segment.as_deref(), Some("smb"), "{}: from its first insight", db.backend);
        assert_eq!(pointing_at(&db, "insights", acme).await, 2, "{}", db.backend);
        assert_eq!(pointing_at(&db, "outcomes", acme).await, 1, "{}", db.backend);
        assert_eq!(pointing_at(&db, "follow_ups", acme).await, 1, "{}", db.backend);
        for name in ["ACME", "acme inc", "Acme, Inc.", "acme  GmbH"] {
            assert_eq!(s.find_customer(GUILD, name).await.unwrap(), Some(acme), "{}: {name}", db.backend);
        }
        db.finish().await;
    }
}

#[tokio::test]
async fn a_merge_moves_everything_and_keeps_the_old_name_as_an_alias() {
    for db in common::stores().await {
        let s = &db.store;
        s.guild_settings(GUILD, &Defaults::default(), now()).await.unwrap();
        let live = InsightStatus::Live;
        s.add_insight(GUILD, &insight("Acme", "k1"), live, None, now()).await.unwrap();
        s.import_insights(
            GUILD,
            &[insight("Acme Corp", "k2")],
            &[nps("Acme Corp", "k2")],
            date(2026, 11, 25),
            None,
            now(),
        )
        .await
        .unwrap();
        s.add_follow_up(&follow_up("Acme Corp"), now()).await.unwrap();
        let (acme, corp) = (
            s.find_customer(GUILD, "acme").await.unwrap().unwrap(),
            s.find_customer(GUILD, "acme corp").await.unwrap().unwrap(),
        );
        assert_ne!(acme, corp);
        s.set_customer(GUILD, corp, &domain::customer::CustomerField::Weight(Some(1200.0))).await.unwrap();
        answer(s, 50, "Acme and Acme Corp both asked", vec![acme, corp]).await;
        answer(s, 60, "Acme Corp asked", vec![corp]).await;

        assert!(s.merge_customers(GUILD, corp, acme).await.unwrap(), "{}", db.backend);
        let merged = s.customer(GUILD, acme).await.unwrap().unwrap();
        assert_eq!(
            (merged.name.as_str(), merged.aliases.clone()),
            ("Acme", vec!["Acme Corp".to_string()]),
            "{}",
            db.backend
        );
        assert_eq!(merged.weight, Some(1200.0), "{}: what Acme had not set comes along", db.backend);
        assert_eq!(s.customer(GUILD, corp).await.unwrap(), None, "{}", db.backend);
        assert_eq!(pointing_at(&db, "insights", acme).await, 2, "{}", db.backend);
        assert_eq!(pointing_at(&db, "outcomes", acme).await, 1, "{}", db.backend);
        assert_eq!(pointing_at(&db, "follow_ups", acme).await, 1, "{}", db.backend);
        assert_eq!(pointing_at(&db, "answer_customers", acme).await, 2, "{}: each answer once", db.backend);
        assert_eq!(
            s.find_customer(GUILD, "ACME Corp.").await.unwrap(),
            Some(acme),
            "{}: the old name still finds it",
            db.backend
        );
        assert!(!s.merge_customers(GUILD, corp, acme).await.unwrap(), "{}: nothing left to merge", db.backend);
        db.finish().await;
    }
}

#[tokio::test]
async fn an_upgrade_links_the_names_already_recorded() {
    for db in common::stores_at(18).await {
        let s = &db.store;
        // The guild as the earlier release stored it (its settings read the new columns).
        let guild = "INSERT INTO guilds (guild_id, timezone, post_time, thread_pattern, summary_weekday, summary_time, \
            retention_days, catch_up_minutes, joined_at) VALUES (1000000000000000001, 'UTC', '09:00', 'x', 'monday', '09:00', 365, 120, 0)";
        common::execute(&db, guild).await;
        let asked = answer(s, 50, "ACME asked for invoices by e-mail", vec![]).await;
        let insights = "INSERT INTO insights (guild_id, import_key, title, customer, segment, story, evidence, source, \
            question, tags, is_example, status, created_at) VALUES \
            (1000000000000000001, 'k1', 't', 'Acme Inc.', 'smb', 's', 'e', 'nps_survey', 'q', '', false, 'live', 0), \
            (1000000000000000001, 'k2', 't', 'ACME', 'smb', 's', 'e', 'nps_survey', 'q', '', false, 'live', 0), \
            (1000000000000000001, NULL, 't', 'Globex', 'enterprise', 's', 'e', 'interview', 'q', '', false, 'live', 0), \
            (1000000000000000001, 'k5', 't', 'A customer', 'unknown', 's', 'e', 'nps_survey', 'q', '', false, 'live', 0)";
        common::execute(&db, insights).await;
        let follow_ups = "INSERT INTO follow_ups (guild_id, body, created_by, status, created_at, customer) VALUES \
            (1000000000000000001, 'Call', 7, 'open', 0, 'acme'), (1000000000000000001, 'Write', 7, 'open', 0, 'Initech')";
        common::execute(&db, follow_ups).await;
        let outcomes = "INSERT INTO outcomes (guild_id, kind, score, day, import_key, created_at) VALUES \
            (1000000000000000001, 'nps', 9, '2026-11-01', 'k1', 0), (1000000000000000001, 'nps', 2, '2026-11-02', 'k9', 0)";
        common::execute(&db, outcomes).await;

        assert!(s.migrate().await.unwrap() >= 1, "{}", db.backend);
        let linked = s.link_customer_names(now()).await.unwrap();
        assert_eq!((linked.names, linked.customers), (5, 3), "{}: five names, three customers", db.backend);
        let names: Vec<String> = s.customers(GUILD).await.unwrap().into_iter().map(|c| c.name).collect();
        assert_eq!(names, ["Acme Inc.", "Globex", "Initech"], "{}: the import's stand-in is no customer", db.backend);
        let acme = s.find_customer(GUILD, "acme").await.unwrap().unwrap();
        assert_eq!(pointing_at(&db, "insights", acme).await, 2, "{}", db.backend);
        assert_eq!(pointing_at(&db, "follow_ups", acme).await, 1, "{}", db.backend);
        let scored = "SELECT COUNT(*) FROM outcomes WHERE import_key = 'k1' AND segment = 'smb'";
        assert_eq!(pointing_at(&db, "outcomes", acme).await, 1, "{}: through its feedback row", db.backend);
        assert_eq!(common::count(&db, scored).await, 1, "{}", db.backend);
        let unknown =
            "SELECT COUNT(*) FROM outcomes WHERE import_key = 'k9' AND customer_id IS NULL AND segment = 'unknown'";
        assert_eq!(common::count(&db, unknown).await, 1, "{}: a score alone has no customer", db.backend);

        assert_eq!(s.relink_step().await.unwrap(), Some((GUILD, 1)), "{}: the earlier answer names Acme", db.backend);
        let named = format!("SELECT COUNT(*) FROM answer_customers WHERE answer_id = {asked} AND customer_id = {acme}");
        assert_eq!(common::count(&db, &named).await, 1, "{}", db.backend);
        assert_eq!(s.relink_step().await.unwrap(), None, "{}: the queue is empty", db.backend);
        let again = s.link_customer_names(now()).await.unwrap();
        assert_eq!((again.names, again.customers), (0, 0), "{}: linking again finds nothing new", db.backend);
        db.finish().await;
    }
}
