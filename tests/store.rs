//! The store's behaviour, the same on SQLite and PostgreSQL.

mod common;

use domain::answer::{AnswerRef, NewAnswer};
use domain::answer::{Impact, Via};
use domain::calendar::{Pause, Skip};
use domain::challenge::Resolution;
use domain::classify::Classification;
use domain::customer::CustomerField;
use domain::follow_up::NewFollowUp;
use domain::insight::{EvidenceSource, InsightStatus, NewInsight, Segment};
use domain::meeting::{NewMeeting, Origin};
use domain::post::{Claim, PostKind, PostSlot};
use domain::reaction::ReactionEvent;
use domain::settings::{ChannelPurpose, Defaults, InsightChannel};
use domain::time::LocalTime;
use jiff::civil::date;
use jiff::{SignedDuration, Timestamp};
use store::Store;

const GUILD: u64 = 1_000_000_000_000_000_001;
/// Above i64::MAX: must survive the trip through a signed BIGINT.
const BIG: u64 = u64::MAX - 7;

fn t(text: &str) -> Timestamp {
    text.parse().unwrap()
}

fn insight(title: &str, segment: &str) -> NewInsight {
    NewInsight {
        title: title.into(),
        customer: "Acme".into(),
        segment: Segment::parse(segment).unwrap(),
        story: "A story".into(),
        evidence: "Ticket #1".into(),
        source: EvidenceSource::SupportTicket,
        question: "So what?".into(),
        tags: vec!["a".into(), "b".into()],
        is_example: false,
        library_key: None,
        import_key: None,
    }
}

fn library(key: &str, segment: &str) -> NewInsight {
    NewInsight { library_key: Some(key.into()), is_example: true, ..insight(key, segment) }
}

#[tokio::test]
async fn migrations_are_safe_to_repeat() {
    for db in common::stores().await {
        assert_eq!(db.store.migrate().await.unwrap(), 0, "{}", db.backend);
        db.finish().await;
    }
}

#[tokio::test]
async fn a_new_guild_gets_defaults_and_keeps_its_changes() {
    for db in common::stores().await {
        let s = &db.store;
        let defaults = Defaults::default();
        let now = t("2026-11-25T08:00:00Z");
        assert!(s.find_guild_settings(BIG, &defaults).await.unwrap().is_none());
        let mut settings = s.guild_settings(BIG, &defaults, now).await.unwrap();
        assert_eq!(settings.guild_id, BIG, "{}", db.backend);
        assert_eq!(settings.zone.name(), "UTC");
        settings.set("timezone", "Europe/Berlin").unwrap();
        settings.set("manager_role", &BIG.to_string()).unwrap();
        settings.set("extra_follow_up", "(?i)ping").unwrap();
        settings.set("post_days", "mon,wed,fri").unwrap();
        settings.set("repeat_window_days", "30").unwrap();
        settings.pause = Some(Pause { from: date(2026, 12, 20), until: None });
        s.save_guild_settings(&settings).await.unwrap();
        s.set_channel(BIG, BIG - 1, ChannelPurpose::Insight, true).await.unwrap();
        let tuned = InsightChannel {
            id: BIG - 1,
            time: Some(LocalTime::hm(8, 30)),
            segments: vec![Segment::parse("smb").unwrap(), Segment::parse("enterprise").unwrap()],
        };
        assert!(s.set_insight_channel(BIG, &tuned).await.unwrap());
        assert!(!s.set_insight_channel(BIG, &InsightChannel::new(77)).await.unwrap(), "not an insight channel");
        let (first, last) = Skip::parse_days("2026-12-24..2027-01-01").unwrap();
        let skip = Skip { id: 0, first, last, reason: Some("winter holidays".into()) };
        let skip_id = s.add_skip(BIG, &skip, BIG, now).await.unwrap();
        s.set_channel(BIG, 5, ChannelPurpose::Meeting, true).await.unwrap();
        s.set_channel(BIG, 5, ChannelPurpose::Meeting, true).await.unwrap();
        let again = s.guild_settings(BIG, &defaults, now).await.unwrap();
        assert_eq!(again.zone.name(), "Europe/Berlin", "{}", db.backend);
        assert_eq!(again.manager_role, Some(BIG));
        assert_eq!(again.insight_channels, vec![tuned]);
        assert_eq!(again.meeting_channels, vec![5]);
        assert_eq!(again.extra_patterns, settings.extra_patterns);
        assert_eq!((again.post_days, again.repeat_window_days, again.pause), (settings.post_days, 30, settings.pause));
        assert_eq!(again.skips, vec![Skip { id: skip_id, ..skip }]);
        assert!(s.remove_skip(BIG, skip_id).await.unwrap());
        assert!(!s.remove_skip(BIG + 1, skip_id).await.unwrap(), "another guild's skip");
        s.set_channel(BIG, 5, ChannelPurpose::Meeting, false).await.unwrap();
        assert!(s.guild_settings(BIG, &defaults, now).await.unwrap().meeting_channels.is_empty());
        assert_eq!(s.active_guilds().await.unwrap(), vec![BIG]);
        db.finish().await;
    }
}

/// A tick reads only the guilds due: each job's next due time is kept
/// per guild, and a change of settings or channels, or the bot coming
/// back, has it worked out again at the next tick.
#[tokio::test]
async fn only_guilds_due_are_read_and_changes_make_a_guild_due_again() {
    use domain::calendar::Scheduled::{DailyPost, Summary};
    for db in common::stores().await {
        let s = &db.store;
        let (defaults, now) = (Defaults::default(), t("2026-11-25T08:00:00Z"));
        let tomorrow = now + SignedDuration::from_hours(24);
        for guild in [1, 2, 3] {
            s.guild_settings(guild, &defaults, now).await.unwrap();
        }
        assert_eq!(sorted(s.due_guilds(DailyPost, now).await.unwrap()), vec![1, 2, 3], "{}: new guilds", db.backend);
        for guild in [1, 2, 3] {
            s.set_due(guild, DailyPost, tomorrow).await.unwrap();
        }
        s.set_due(2, Summary, tomorrow).await.unwrap();
        assert!(s.due_guilds(DailyPost, now).await.unwrap().is_empty(), "{}", db.backend);
        assert_eq!(sorted(s.due_guilds(Summary, now).await.unwrap()), vec![1, 3], "each job has its own time");
        assert_eq!(sorted(s.due_guilds(DailyPost, tomorrow).await.unwrap()), vec![1, 2, 3]);

        let mut settings = s.guild_settings(1, &defaults, now).await.unwrap();
        settings.set("post_time", "07:00").unwrap();
        s.save_guild_settings(&settings).await.unwrap();
        s.set_channel(2, 20, ChannelPurpose::Insight, true).await.unwrap();
        assert_eq!(sorted(s.due_guilds(DailyPost, now).await.unwrap()), vec![1, 2], "{}: changed", db.backend);
        s.set_guild_left(3, Some(now)).await.unwrap();
        assert!(!s.due_guilds(DailyPost, tomorrow).await.unwrap().contains(&3), "a guild the bot left");
        s.set_guild_left(3, None).await.unwrap();
        assert!(s.due_guilds(DailyPost, now).await.unwrap().contains(&3), "{}: back", db.backend);
        db.finish().await;
    }
}

fn sorted(mut ids: Vec<u64>) -> Vec<u64> {
    ids.sort();
    ids
}

#[tokio::test]
async fn library_sync_adds_updates_and_retires_by_key() {
    for db in common::stores().await {
        let s = &db.store;
        let now = t("2026-11-25T08:00:00Z");
        let first = [library("a", "smb"), library("b", "edu")];
        let sync = s.sync_library(&first, now).await.unwrap();
        assert_eq!((sync.added, sync.updated, sync.retired), (2, 0, 0), "{}", db.backend);
        let same = s.sync_library(&first, now).await.unwrap();
        assert_eq!((same.added, same.updated, same.retired), (0, 0, 0), "{}", db.backend);
        let mut edited = library("a", "smb");
        edited.story = "Edited".into();
        let sync = s.sync_library(&[edited], now).await.unwrap();
        assert_eq!((sync.added, sync.updated, sync.retired), (0, 1, 1), "{}", db.backend);
        let pool = s.rotation_pool(GUILD).await.unwrap();
        assert_eq!(pool.len(), 1);
        let kept = s.insight(pool[0].id).await.unwrap().unwrap();
        assert_eq!(kept.body.story, "Edited");
        assert_eq!(kept.body.tags, ["a", "b"]);
        assert!(kept.guild_id.is_none() && kept.body.is_example);
        db.finish().await;
    }
}

#[tokio::test]
async fn rotation_pool_holds_live_visible_insights_only() {
    for db in common::stores().await {
        let s = &db.store;
        let now = t("2026-11-25T08:00:00Z");
        s.sync_library(&[library("lib", "smb")], now).await.unwrap();
        let own = s.add_insight(GUILD, &insight("own", "edu"), InsightStatus::Live, Some(7), now).await.unwrap();
        let pending =
            s.add_insight(GUILD, &insight("wait", "edu"), InsightStatus::Pending, Some(8), now).await.unwrap();
        let other = s.add_insight(GUILD + 1, &insight("other", "edu"), InsightStatus::Live, None, now).await.unwrap();
        let ids = |pool: Vec<domain::rotation::Candidate>| pool.into_iter().map(|c| (c.id, c.own)).collect::<Vec<_>>();
        let pool = ids(s.rotation_pool(GUILD).await.unwrap());
        assert_eq!(pool.len(), 2, "{}: {pool:?}", db.backend);
        assert!(pool.contains(&(own, true)) && !pool.iter().any(|(id, _)| *id == pending || *id == other));

        let lib = pool.iter().find(|(_, own)| !own).unwrap().0;
        assert!(s.retire_insight(GUILD, lib, 7, now).await.unwrap());
        assert!(!s.retire_insight(GUILD, other, 7, now).await.unwrap(), "another guild's insight");
        assert_eq!(ids(s.rotation_pool(GUILD).await.unwrap()), vec![(own, true)]);
        assert_eq!(s.rotation_pool(GUILD + 1).await.unwrap().len(), 2, "retiring is per guild");

        assert!(s.review_insight(GUILD, pending, true).await.unwrap());
        assert!(!s.review_insight(GUILD, pending, true).await.unwrap(), "no longer pending");
        assert_eq!(s.rotation_pool(GUILD).await.unwrap().len(), 2);
        let listed = s.list_insights(GUILD, Some(InsightStatus::Live)).await.unwrap();
        assert_eq!(listed.len(), 2, "{}", db.backend);
        db.finish().await;
    }
}

#[tokio::test]
async fn import_skips_rows_seen_before() {
    for db in common::stores().await {
        let s = &db.store;
        let now = t("2026-11-25T08:00:00Z");
        let rows: Vec<_> =
            ["k1", "k2"].iter().map(|k| NewInsight { import_key: Some(k.to_string()), ..insight(k, "smb") }).collect();
        let nps = domain::outcome::NewOutcome {
            kind: domain::outcome::OutcomeKind::Nps,
            score: Some(9.0),
            day: None,
            key: "k3".into(),
            customer: "Globex".into(),
            segment: Some(Segment::parse("enterprise").unwrap()),
        };
        let today = date(2026, 11, 25);
        for guild in [GUILD, GUILD + 1] {
            s.guild_settings(guild, &Defaults::default(), now).await.unwrap();
        }
        let import = |guild| s.import_insights(guild, &rows, std::slice::from_ref(&nps), today, None, now);
        assert_eq!(import(GUILD).await.unwrap(), (2, 1));
        assert_eq!(import(GUILD).await.unwrap(), (0, 0), "{}", db.backend);
        assert_eq!(import(GUILD + 1).await.unwrap(), (2, 1), "keys are per guild");
        db.finish().await;
    }
}

#[tokio::test]
async fn a_daily_post_is_claimed_once_per_channel_and_day() {
    for db in common::stores().await {
        let s = &db.store;
        let now = t("2026-11-25T08:00:00Z");
        let id = s.add_insight(GUILD, &insight("x", "smb"), InsightStatus::Live, None, now).await.unwrap();
        let slot =
            |channel, day| PostSlot { guild_id: GUILD, channel_id: channel, local_date: day, kind: PostKind::Daily };
        let today = date(2026, 11, 25);
        let Claim::New(post) = s.claim_post(&slot(BIG, today), id, "n1", now).await.unwrap() else {
            panic!("first claim must be new")
        };
        assert_eq!(post.channel_id, BIG);
        let Claim::Existing(again) = s.claim_post(&slot(BIG, today), id, "n2", now).await.unwrap() else {
            panic!("{}: second claim must return the first", db.backend)
        };
        assert_eq!((again.id, again.nonce.as_str()), (post.id, "n1"));
        assert!(matches!(s.claim_post(&slot(BIG, date(2026, 11, 26)), id, "n3", now).await.unwrap(), Claim::New(_)));
        assert!(matches!(s.claim_post(&slot(7, today), id, "n4", now).await.unwrap(), Claim::New(_)));
        let manual = PostSlot { kind: PostKind::Manual, ..slot(BIG, today) };
        assert!(matches!(s.claim_post(&manual, id, "m1", now).await.unwrap(), Claim::New(_)));
        assert!(matches!(s.claim_post(&manual, id, "m2", now).await.unwrap(), Claim::New(_)));

        assert_eq!(s.unfinished_posts(now).await.unwrap().len(), 3, "{}", db.backend);
        s.mark_posted(post.id, BIG - 2, now).await.unwrap();
        let unfinished = s.unfinished_posts(now).await.unwrap();
        assert_eq!(unfinished.len(), 2);
        assert!(unfinished.iter().all(|p| p.id != post.id));
        let found = s.post_by_message(BIG - 2).await.unwrap().unwrap();
        assert_eq!((found.id, found.message_id, found.local_date), (post.id, Some(BIG - 2), today));
        assert_eq!(s.channel_history(GUILD, BIG).await.unwrap().len(), 4, "manual posts count as shown");
        db.finish().await;
    }
}

fn meeting(thread: u64) -> NewMeeting {
    NewMeeting {
        guild_id: GUILD,
        channel_id: 10,
        thread_id: thread,
        topic: "Pricing".into(),
        segment: Some("smb".into()),
        host_id: Some(BIG),
        origin: Origin::Command,
        event_id: None,
    }
}

fn answer(to: AnswerRef, user: u64, message: Option<u64>, at: Timestamp) -> NewAnswer {
    NewAnswer {
        guild_id: GUILD,
        channel_id: 11,
        user_id: user,
        to,
        via: Via::Thread,
        body: "Churn is 4% in #smb".into(),
        impact: Impact::Hurts,
        classification: Classification {
            has_evidence: true,
            has_assumption: false,
            wants_follow_up: false,
            segments: vec![Segment::parse("smb").unwrap()],
            reach: domain::classify::Reach::Many,
        },
        message_id: message,
        interaction_id: None,
        created_at: at,
        follow_up: None,
        customers: vec![],
    }
}

#[tokio::test]
async fn a_thread_has_one_meeting_which_closes_once() {
    for db in common::stores().await {
        let s = &db.store;
        let now = t("2026-11-25T10:00:00Z");
        let (m, new) = s.open_meeting(&meeting(BIG), now).await.unwrap();
        assert!(new);
        let (again, new) = s.open_meeting(&meeting(BIG), now).await.unwrap();
        assert!(!new, "{}", db.backend);
        assert_eq!(again.id, m.id);
        s.set_prompt_message(m.id, BIG - 3).await.unwrap();
        let found = s.meeting_by_thread(BIG).await.unwrap().unwrap();
        assert_eq!(
            (found.prompt_message_id, found.body.host_id, found.body.origin),
            (Some(BIG - 3), Some(BIG), Origin::Command)
        );
        assert!(s.close_meeting(m.id, now).await.unwrap());
        assert!(!s.close_meeting(m.id, now).await.unwrap());
        assert_eq!(s.meeting_by_thread(BIG).await.unwrap().unwrap().closed_at, Some(now));
        db.finish().await;
    }
}

#[tokio::test]
async fn a_replayed_answer_is_logged_once_and_edits_and_deletes_apply() {
    for db in common::stores().await {
        let s = &db.store;
        let now = t("2026-11-25T10:00:00Z");
        let (m, _) = s.open_meeting(&meeting(20), now).await.unwrap();
        let a = answer(AnswerRef::Meeting(m.id), BIG, Some(BIG - 4), now);
        assert!(s.log_answer(&a).await.unwrap().is_some());
        assert_eq!(s.log_answer(&a).await.unwrap(), None, "{}: replay", db.backend);
        let modal = NewAnswer { via: Via::Modal, message_id: None, interaction_id: Some(99), ..a.clone() };
        assert!(s.log_answer(&modal).await.unwrap().is_some());
        assert_eq!(s.log_answer(&modal).await.unwrap(), None, "retried modal submit");
        let resent = NewAnswer { interaction_id: Some(100), ..modal.clone() };
        assert_eq!(s.log_answer(&resent).await.unwrap(), None, "{}: the same form answer sent again", db.backend);

        let (start, end) = (now - SignedDuration::from_hours(1), now + SignedDuration::from_hours(1));
        let counts = common::headline(s, GUILD, start, end).await;
        assert_eq!((counts.answers, counts.answerers, counts.with_evidence), (2, 1, 2), "{}", db.backend);
        assert_eq!((counts.meetings, counts.meetings_answered), (1, 1));

        let plain = Classification::default();
        assert!(!s.edit_answer(GUILD + 1, BIG - 4, "x", &plain, now).await.unwrap(), "another guild's message");
        assert!(s.edit_answer(GUILD, BIG - 4, "never mind", &plain, now).await.unwrap());
        assert!(!s.edit_answer(GUILD, 12345, "x", &plain, now).await.unwrap(), "unknown message");
        assert_eq!(common::headline(s, GUILD, start, end).await.with_evidence, 1);
        assert!(!s.delete_answer(12, BIG - 4, now).await.unwrap(), "another channel's message");
        assert!(s.delete_answer(11, BIG - 4, now).await.unwrap());
        assert!(!s.delete_answer(11, BIG - 4, now).await.unwrap());
        assert_eq!(common::headline(s, GUILD, start, end).await.answers, 1);
        db.finish().await;
    }
}

#[tokio::test]
async fn only_reactions_on_the_bots_posts_are_logged() {
    for db in common::stores().await {
        let s = &db.store;
        let now = t("2026-11-25T10:00:00Z");
        let (m, _) = s.open_meeting(&meeting(30), now).await.unwrap();
        s.set_prompt_message(m.id, 300).await.unwrap();
        let r = |message| ReactionEvent {
            on_bot_message: Some(true),
            guild_id: GUILD,
            channel_id: 30,
            message_id: message,
            user_id: BIG,
            emoji: "👍".into(),
            at: now,
        };
        assert!(!s.reaction_added(&r(301)).await.unwrap(), "not the bot's post");
        assert!(s.reaction_added(&r(300)).await.unwrap());
        assert!(!s.reaction_added(&r(300)).await.unwrap(), "{}: replayed add", db.backend);
        assert!(s.reaction_removed(&r(300)).await.unwrap());
        assert!(!s.reaction_removed(&r(300)).await.unwrap());
        assert!(s.reaction_added(&r(300)).await.unwrap(), "added again after removal");
        db.finish().await;
    }
}

#[tokio::test]
async fn follow_ups_are_listed_by_owner_until_done() {
    for db in common::stores().await {
        let s = &db.store;
        let now = t("2026-11-25T10:00:00Z");
        let f = |owner, due| NewFollowUp {
            guild_id: GUILD,
            answer_id: None,
            meeting_id: None,
            text: "Call Acme".into(),
            owner_id: owner,
            created_by: 1,
            due_date: due,
            customer: None,
        };
        let late = s.add_follow_up(&f(Some(BIG), Some(date(2026, 12, 1))), now).await.unwrap();
        let soon = s.add_follow_up(&f(Some(BIG), Some(date(2026, 11, 26))), now).await.unwrap();
        let other = s.add_follow_up(&f(None, None), now).await.unwrap();
        let mine: Vec<i64> = s.open_follow_ups(GUILD, Some(BIG)).await.unwrap().iter().map(|f| f.id).collect();
        assert_eq!(mine, vec![soon, late], "{}: soonest due first", db.backend);
        assert_eq!(s.open_follow_ups(GUILD, None).await.unwrap().len(), 3);
        assert!(s.complete_follow_up(GUILD, soon, now, None, None).await.unwrap());
        assert!(!s.complete_follow_up(GUILD, soon, now, None, None).await.unwrap());
        assert!(!s.complete_follow_up(GUILD + 1, other, now, None, None).await.unwrap(), "another guild's id");
        let all: Vec<i64> = s.open_follow_ups(GUILD, None).await.unwrap().iter().map(|f| f.id).collect();
        assert_eq!(all, vec![late, other]);
        db.finish().await;
    }
}

#[tokio::test]
async fn the_summary_reads_only_the_window() {
    for db in common::stores().await {
        let s = &db.store;
        let (start, end) = (t("2026-11-16T00:00:00Z"), t("2026-11-23T00:00:00Z"));
        let (m, _) = s.open_meeting(&meeting(40), start).await.unwrap();
        for (i, at) in [start - SignedDuration::from_millis(1), start, end - SignedDuration::from_millis(1), end]
            .iter()
            .enumerate()
        {
            s.log_answer(&answer(AnswerRef::Meeting(m.id), i as u64, Some(500 + i as u64), *at)).await.unwrap();
        }
        let counts = common::headline(s, GUILD, start, end).await;
        assert_eq!((counts.answers, counts.answerers, counts.meetings), (2, 2, 1), "{}", db.backend);
        assert_eq!(common::headline(s, GUILD + 1, start, end).await, Default::default());
        db.finish().await;
    }
}

#[tokio::test]
async fn an_unreachable_database_names_the_setting() {
    let err = Store::connect("postgres://advocate:pw@127.0.0.1:1/none").await.unwrap_err();
    let text = format!("{err:#}");
    assert!(text.contains("DATABASE_URL") && text.contains("cannot reach PostgreSQL"), "{text}");
    assert!(!text.contains(":pw@"), "password shown: {text}");
}

#[tokio::test]
async fn a_reply_deleted_before_it_is_seen_created_is_not_logged() {
    for db in common::stores().await {
        let s = &db.store;
        let now = t("2026-11-25T10:00:00Z");
        let (m, _) = s.open_meeting(&meeting(50), now).await.unwrap();
        assert!(!s.delete_answer(11, 700, now).await.unwrap(), "nothing logged yet");
        let late = answer(AnswerRef::Meeting(m.id), 1, Some(700), now);
        assert_eq!(s.log_answer(&late).await.unwrap(), None, "{}: the deletion wins", db.backend);
        let other = answer(AnswerRef::Meeting(m.id), 1, Some(701), now);
        assert!(s.log_answer(&other).await.unwrap().is_some());
        assert_eq!(s.meeting_stats(m.id).await.unwrap().answers, 1);
        db.finish().await;
    }
}

#[tokio::test]
async fn a_person_can_see_and_forget_their_data() {
    for db in common::stores().await {
        let s = &db.store;
        let now = t("2026-11-25T10:00:00Z");
        let (m, _) = s.open_meeting(&meeting(60), now).await.unwrap();
        s.set_prompt_message(m.id, 600).await.unwrap();
        let mine = s.log_answer(&answer(AnswerRef::Meeting(m.id), BIG, Some(601), now)).await.unwrap().unwrap();
        s.log_answer(&answer(AnswerRef::Meeting(m.id), 2, Some(602), now)).await.unwrap();
        let reaction = ReactionEvent {
            on_bot_message: Some(true),
            guild_id: GUILD,
            channel_id: 60,
            message_id: 600,
            user_id: BIG,
            emoji: "👍".into(),
            at: now,
        };
        s.reaction_added(&reaction).await.unwrap();
        let f = |owner: u64, by: u64, answer: Option<i64>| NewFollowUp {
            guild_id: GUILD,
            answer_id: answer,
            meeting_id: Some(m.id),
            text: "Call Acme".into(),
            owner_id: Some(owner),
            created_by: by,
            due_date: None,
            customer: None,
        };
        s.add_follow_up(&f(2, BIG, Some(mine.answer)), now).await.unwrap();
        s.add_follow_up(&f(BIG, 2, None), now).await.unwrap();
        let own = s.add_insight(GUILD, &insight("Mine", "smb"), InsightStatus::Live, Some(BIG), now).await.unwrap();
        assert!(s.retire_insight(GUILD, own, BIG, now).await.unwrap());
        // A removal seen before its add waits, naming the person.
        s.reaction_removed(&ReactionEvent { emoji: "🔥".into(), ..reaction.clone() }).await.unwrap();
        // A dashboard link, used for a session, and one not used yet.
        let later = now + SignedDuration::from_mins(10);
        s.add_sign_in_link("used", (GUILD, BIG), later).await.unwrap();
        s.add_sign_in_link("waiting", (GUILD, BIG), later).await.unwrap();
        let session = s.exchange_sign_in_link("used", "session", now, later).await.unwrap();
        let scope = domain::api::Scope::Read;
        s.add_api_token(GUILD, "dashboards", scope, "token hash", BIG, now).await.unwrap();
        assert_eq!(session, Some((GUILD, BIG)), "{}", db.backend);
        let day = date(2026, 12, 24);
        s.guild_settings(GUILD, &Defaults::default(), now).await.unwrap();
        s.add_skip(GUILD, &Skip { id: 0, first: day, last: day, reason: None }, BIG, now).await.unwrap();
        let (acme, _) = s.add_customer(GUILD, "Acme", now).await.unwrap().unwrap();
        assert!(s.set_customer(GUILD, acme, &CustomerField::Owner(Some(BIG))).await.unwrap());

        let data = s.personal_data(GUILD, BIG).await.unwrap();
        let unseen: Vec<_> = data.mentions.iter().filter(|(_, n)| **n == 0).collect();
        assert!(unseen.is_empty(), "{}: every column naming a person is shown: {unseen:?}", db.backend);
        assert_eq!((data.answers.len(), data.reactions.len()), (1, 1), "{}", db.backend);
        assert_eq!((data.follow_ups_owned.len(), data.follow_ups_created.len(), data.meetings_hosted), (1, 1, 1));

        let gone = s.forget_person(GUILD, BIG).await.unwrap();
        assert_eq!((gone.answers, gone.reactions, gone.follow_ups), (1, 1, 1), "{}", db.backend);
        assert_eq!(s.session("session", now).await.unwrap(), None, "{}: forgetting signs out", db.backend);
        let token = s.api_token("token hash").await.unwrap().expect("the guild's token stays");
        assert_eq!(token.created_by, None, "{}: without the name of its maker", db.backend);
        let after = s.personal_data(GUILD, BIG).await.unwrap();
        assert!(after.answers.is_empty() && after.follow_ups_owned.is_empty() && after.meetings_hosted == 0);
        let left: Vec<_> = after.mentions.iter().filter(|(_, n)| **n > 0).collect();
        assert!(left.is_empty(), "{}: forgetting leaves no row naming the person: {left:?}", db.backend);
        assert_eq!(s.meeting_stats(m.id).await.unwrap().answers, 1, "others' answers stay");
        assert_eq!(s.open_follow_ups(GUILD, None).await.unwrap()[0].body.owner_id, None, "ownership cleared");
        assert_eq!(s.customer(GUILD, acme).await.unwrap().unwrap().owner_id, None, "the account keeps no owner");
        db.finish().await;
    }
}

#[tokio::test]
async fn retention_and_guild_deletion_remove_rows() {
    for db in common::stores().await {
        let s = &db.store;
        let old = t("2025-01-06T10:00:00Z");
        let now = t("2026-11-25T10:00:00Z");
        s.guild_settings(GUILD, &Defaults::default(), old).await.unwrap();
        let (m_old, _) = s.open_meeting(&meeting(70), old).await.unwrap();
        let (m_new, _) = s.open_meeting(&meeting(71), now).await.unwrap();
        s.log_answer(&answer(AnswerRef::Meeting(m_old.id), 1, Some(700), old)).await.unwrap();
        s.log_answer(&answer(AnswerRef::Meeting(m_new.id), 1, Some(701), now)).await.unwrap();
        let removed = s.delete_before(GUILD, now - SignedDuration::from_hours(24 * 365)).await.unwrap();
        assert_eq!(removed, 2, "{}: the old answer and its meeting", db.backend);
        assert!(s.meeting_by_thread(70).await.unwrap().is_none());
        assert_eq!(s.meeting_stats(m_new.id).await.unwrap().answers, 1);
        let tallies = "SELECT COUNT(*) FROM answer_tallies";
        assert_eq!(common::count(&db, tallies).await, 1, "{}: only the new answer's hour is counted", db.backend);

        s.set_guild_left(GUILD, Some(old)).await.unwrap();
        assert_eq!(s.guilds_left_before(now).await.unwrap(), vec![GUILD]);
        assert!(s.active_guilds().await.unwrap().is_empty());
        s.delete_guild(GUILD).await.unwrap();
        assert!(s.find_guild_settings(GUILD, &Defaults::default()).await.unwrap().is_none(), "{}", db.backend);
        assert!(s.meeting_by_thread(71).await.unwrap().is_none());
        assert_eq!(common::count(&db, tallies).await, 0, "{}", db.backend);
        db.finish().await;
    }
}

#[tokio::test]
async fn summary_posts_and_reminders_are_claimed_once() {
    for db in common::stores().await {
        let s = &db.store;
        let now = t("2026-11-25T10:00:00Z");
        let claim = |nonce: &'static str, at: Timestamp| {
            let stale_before = at - SignedDuration::from_secs(60);
            async move { s.claim_summary_post(GUILD, "2026-W48", 5, nonce, at, stale_before).await.unwrap() }
        };
        assert_eq!(claim("n1", now).await, Some(("n1".into(), false)), "new: nothing can have been sent");
        assert_eq!(claim("n2", now).await, None, "{}: another process is sending it", db.backend);
        let later = now + SignedDuration::from_mins(5);
        let taken_over = claim("n3", later).await;
        assert_eq!(taken_over, Some(("n1".into(), true)), "a stale claim is finished with its first nonce");
        assert_eq!(claim("n4", later).await, None, "by one process");
        s.mark_summary_posted(GUILD, "2026-W48", 99).await.unwrap();
        assert_eq!(claim("n5", later + SignedDuration::from_hours(1)).await, None, "{}: sent", db.backend);

        let (m, _) = s.open_meeting(&meeting(80), now).await.unwrap();
        let due = NewFollowUp {
            guild_id: GUILD,
            answer_id: None,
            meeting_id: Some(m.id),
            text: "Call".into(),
            owner_id: Some(BIG),
            created_by: 1,
            due_date: Some(date(2026, 11, 25)),
            customer: None,
        };
        let id = s.add_follow_up(&due, now).await.unwrap();
        s.add_follow_up(&NewFollowUp { due_date: Some(date(2026, 11, 30)), ..due.clone() }, now).await.unwrap();
        let found = s.unreminded_follow_ups(date(2026, 11, 25)).await.unwrap();
        assert!(found.is_empty(), "{}: a guild the bot is not in is not reminded", db.backend);
        s.guild_settings(GUILD, &Defaults::default(), now).await.unwrap();
        let found = s.unreminded_follow_ups(date(2026, 11, 25)).await.unwrap();
        assert_eq!(
            found.iter().map(|(g, f)| (*g, f.id, f.thread_id, f.owner_id)).collect::<Vec<_>>(),
            vec![(GUILD, id, 80, Some(BIG))]
        );
        assert!(s.claim_reminder(id, now).await.unwrap());
        assert!(!s.claim_reminder(id, now).await.unwrap(), "{}", db.backend);
        assert!(s.unreminded_follow_ups(date(2026, 11, 25)).await.unwrap().is_empty());
        db.finish().await;
    }
}

#[tokio::test]
async fn a_reaction_removal_seen_before_its_add_wins() {
    for db in common::stores().await {
        let s = &db.store;
        let now = t("2026-11-25T10:00:00Z");
        let (m, _) = s.open_meeting(&meeting(90), now).await.unwrap();
        s.set_prompt_message(m.id, 900).await.unwrap();
        let r = ReactionEvent {
            on_bot_message: Some(true),
            guild_id: GUILD,
            channel_id: 90,
            message_id: 900,
            user_id: BIG,
            emoji: "🔥".into(),
            at: now,
        };
        assert!(!s.reaction_removed(&r).await.unwrap(), "nothing live yet");
        assert!(s.reaction_added(&r).await.unwrap());
        let data = s.personal_data(GUILD, BIG).await.unwrap();
        assert_eq!(data.reactions.len(), 1, "{}", db.backend);
        assert!(data.reactions[0].removed_at.is_some(), "{}: logged as undone", db.backend);
        // A later add is a new, live reaction.
        let later = ReactionEvent { at: now + SignedDuration::from_mins(5), ..r.clone() };
        assert!(s.reaction_added(&later).await.unwrap());
        let live =
            s.personal_data(GUILD, BIG).await.unwrap().reactions.iter().filter(|r| r.removed_at.is_none()).count();
        assert_eq!(live, 1);
        db.finish().await;
    }
}

/// Reactions arriving together share two statements: each caller still
/// hears whether its own was logged. Of two copies of one, the first is;
/// an add whose removal was seen first takes that removal, once.
#[tokio::test]
async fn reactions_written_together_each_get_their_own_answer() {
    for db in common::stores().await {
        let s = &db.store;
        let now = t("2026-11-25T10:00:00Z");
        let (m, _) = s.open_meeting(&meeting(91), now).await.unwrap();
        s.set_prompt_message(m.id, 910).await.unwrap();
        let r = |message, user, emoji: &str| ReactionEvent {
            on_bot_message: Some(true),
            guild_id: GUILD,
            channel_id: 91,
            message_id: message,
            user_id: user,
            emoji: emoji.into(),
            at: now,
        };
        // Removed before its add arrives: the add takes the removal.
        assert!(!s.reaction_removed(&r(910, 1, "🔥")).await.unwrap());
        let batch: Vec<ReactionEvent> = (0..300u64)
            .map(|n| match n % 3 {
                0 => r(910, 100 + n, "👍"),
                1 => r(911, 100 + n, "👍"),     // not the bot's post
                _ => r(910, 100 + n - 2, "👍"), // a copy of the add two before
            })
            .chain([r(910, 1, "🔥"), r(910, 1, "🔥")])
            .collect();
        let logged: Vec<bool> = futures_util::future::join_all(batch.iter().map(|r| s.reaction_added(r)))
            .await
            .into_iter()
            .map(Result::unwrap)
            .collect();
        let adds = logged[..300].iter().step_by(3).filter(|l| **l).count();
        let copies = logged[..300].iter().skip(2).step_by(3).filter(|l| **l).count();
        assert_eq!((adds, copies), (100, 0), "{}: each add once, its copy not", db.backend);
        assert!(logged[..300].iter().skip(1).step_by(3).all(|l| !l), "{}: other messages are not logged", db.backend);
        // The removed one is logged as added and removed; its second add is live.
        assert_eq!(&logged[300..], &[true, true], "{}", db.backend);
        let data = s.personal_data(GUILD, 1).await.unwrap();
        let removed: Vec<bool> = data.reactions.iter().map(|r| r.removed_at.is_some()).collect();
        assert_eq!(removed.iter().filter(|r| **r).count(), 1, "{}: {removed:?}", db.backend);
        assert_eq!(removed.len(), 2, "{}", db.backend);
        assert_eq!(common::count(&db, "SELECT COUNT(*) FROM reactions").await, 102, "{}", db.backend);
        db.finish().await;
    }
}

#[tokio::test]
async fn an_answer_and_the_follow_up_it_asks_for_are_one_write() {
    for db in common::stores().await {
        let s = &db.store;
        let now = t("2026-11-25T10:00:00Z");
        let (m, _) = s.open_meeting(&meeting(30), now).await.unwrap();
        let spec = domain::follow_up::parse("call Acme 2026-12-01").unwrap();
        let a = NewAnswer { follow_up: spec, ..answer(AnswerRef::Meeting(m.id), 7, Some(900), now) };
        let ids = s.log_answer(&a).await.unwrap().unwrap();
        let follow_up = ids.follow_up.expect("a follow-up was opened");
        let open = s.open_follow_ups(GUILD, None).await.unwrap();
        assert_eq!(open.len(), 1, "{}", db.backend);
        assert_eq!((open[0].id, open[0].body.answer_id, open[0].body.owner_id), (follow_up, Some(ids.answer), Some(7)));
        assert_eq!(s.log_answer(&a).await.unwrap(), None, "a replay opens no second follow-up");
        assert_eq!(s.open_follow_ups(GUILD, None).await.unwrap().len(), 1);
        db.finish().await;
    }
}

/// Answers arriving together share one statement: each caller still gets
/// its own answer's ids, a copy of the same event in the same batch is
/// logged once, and each follow-up belongs to the answer that asked for it.
#[tokio::test]
async fn answers_written_together_each_get_their_own_ids() {
    for db in common::stores().await {
        let s = &db.store;
        let now = t("2026-11-25T10:00:00Z");
        let (m, _) = s.open_meeting(&meeting(31), now).await.unwrap();
        let answers: Vec<NewAnswer> = (0..600u64)
            .map(|n| {
                let mut a = answer(AnswerRef::Meeting(m.id), 100 + n % 7, Some(5_000 + n % 500), now);
                a.body = format!("answer {}", n % 500);
                if n % 5 == 0 {
                    a.follow_up = domain::follow_up::parse(&format!("call customer {}", n % 500)).unwrap();
                }
                a
            })
            .collect();
        let writes = answers.iter().map(|a| s.log_answer(a));
        let results: Vec<_> = futures_util::future::join_all(writes).await;
        let logged: Vec<_> = results.into_iter().map(Result::unwrap).collect();
        assert_eq!(logged.iter().flatten().count(), 500, "{}: 100 copies of the same messages", db.backend);

        let data = s.personal_data(GUILD, 100).await.unwrap();
        let open = s.open_follow_ups(GUILD, None).await.unwrap();
        for (a, ids) in answers.iter().zip(&logged) {
            let Some(ids) = ids else { continue };
            let follow_up = open.iter().find(|f| Some(f.id) == ids.follow_up);
            match &a.follow_up {
                Some(spec) => assert_eq!(
                    follow_up.map(|f| (f.body.answer_id, f.body.text.as_str())),
                    Some((Some(ids.answer), spec.body.as_str())),
                    "{}",
                    db.backend
                ),
                None => assert!(ids.follow_up.is_none()),
            }
            if a.user_id == 100 {
                let row = data.answers.iter().find(|r| r.id == ids.answer).expect("the answer is the caller's");
                assert_eq!(row.body, a.body, "{}", db.backend);
            }
        }
        assert_eq!(open.len(), 100, "{}: one follow-up per asking answer", db.backend);
        db.finish().await;
    }
}

/// A full disk or a read-only database fails the write: no id is handed
/// out for a row that was rolled back, and nothing half-written remains.
#[tokio::test]
async fn a_full_or_read_only_sqlite_database_fails_every_write_loudly() {
    use store::{is_transient, SqliteFault};
    let db = common::sqlite().await;
    let s = &db.store;
    let now = t("2026-11-25T10:00:00Z");
    let (m, _) = s.open_meeting(&meeting(40), now).await.unwrap();
    for fault in [SqliteFault::DiskFull, SqliteFault::ReadOnly] {
        s.inflict(fault);
        let mut failed = 0;
        for n in 0..20u64 {
            let mut a = answer(AnswerRef::Meeting(m.id), 1, Some(10_000 * (fault as u64) + n), now);
            a.body = format!("{n} {}", "a long answer that needs its own pages ".repeat(60));
            match s.log_answer(&a).await {
                Ok(_) => {}
                Err(e) => {
                    assert!(is_transient(&e), "{fault:?}: {e}");
                    failed += 1;
                }
            }
        }
        assert!(failed > 0, "{fault:?}: the fault must bite");
        if fault == SqliteFault::ReadOnly {
            assert!(s.open_meeting(&meeting(41), now).await.is_err(), "a meeting cannot be opened");
        }
        s.inflict(SqliteFault::None);
        let (start, end) = (now - SignedDuration::from_hours(1), now + SignedDuration::from_hours(1));
        let stored = common::headline(s, GUILD, start, end).await.answers;
        let again = s.log_answer(&answer(AnswerRef::Meeting(m.id), 1, Some(99_000 + fault as u64), now)).await;
        assert!(again.unwrap().is_some(), "{fault:?}: writes work once the fault clears");
        assert_eq!(common::headline(s, GUILD, start, end).await.answers, stored + 1);
    }
    assert!(s.mark_posted(123_456, 1, now).await.is_err(), "recording an unknown post is an error, not a no-op");
    db.finish().await;
}

/// Every statement a gateway event runs finds its rows through an index,
/// so its cost does not grow with the history (SQLite's query plans).
#[tokio::test]
async fn per_event_statements_use_indexes_not_table_scans() {
    use sqlx::{Connection, Executor};
    let db = common::sqlite().await;
    let mut conn = sqlx::SqliteConnection::connect(&db.url).await.unwrap();
    // The writer's own table of its last insert's ids.
    conn.execute(store::SQLITE_WRITER_SETUP).await.unwrap();
    for (name, sql) in store::per_event_queries() {
        let plan: Vec<(i64, i64, i64, String)> =
            sqlx::query_as(&format!("EXPLAIN QUERY PLAN {sql}")).fetch_all(&mut conn).await.unwrap();
        let scans: Vec<&str> = plan
            .iter()
            .map(|(_, _, _, detail)| detail.as_str())
            // A batch statement reads its own rows (`batch`, or the one
            // row of the writer's last ids), not a table.
            .filter(|d| d.starts_with("SCAN ") && !d.starts_with("SCAN CONSTANT ROW") && *d != "SCAN batch")
            .filter(|d| *d != "SCAN temp.answer_batch")
            .collect();
        assert!(scans.is_empty(), "{name} scans a table: {scans:?}\n{sql}");
        if name.contains("challenge") {
            let among_open = plan.iter().any(|(_, _, _, d)| d.contains("answers_open_challenges"));
            assert!(among_open, "{name} must read only open challenges, not the meeting's answers: {plan:?}");
        }
    }
    conn.close().await.unwrap();
    db.finish().await;
}

/// The week's numbers as the database counts them: the same answers,
/// reactions and meetings give the same summary on both backends.
#[tokio::test]
async fn the_weeks_numbers_are_counted_by_the_database() {
    for db in common::stores().await {
        let s = &db.store;
        let now = t("2026-11-25T10:00:00Z");
        let id = s.add_insight(GUILD, &insight("x", "smb"), InsightStatus::Live, None, now).await.unwrap();
        let slot = PostSlot { guild_id: GUILD, channel_id: 10, local_date: date(2026, 11, 25), kind: PostKind::Daily };
        let Claim::New(post) = s.claim_post(&slot, id, "n1", now).await.unwrap() else { panic!("new") };
        s.mark_posted(post.id, 500, now).await.unwrap();
        let (answered, _) = s.open_meeting(&meeting(60), now).await.unwrap();
        s.open_meeting(&meeting(61), now).await.unwrap();
        let long = "a".repeat(400);
        let texts =
            [(7, AnswerRef::Post(post.id), "2 hours saved"), (1, AnswerRef::Meeting(answered.id), "ticket #44")];
        let more = [(1, AnswerRef::Meeting(answered.id), long.as_str()), (2, AnswerRef::Meeting(answered.id), "maybe")];
        for (n, (user, to, body)) in texts.into_iter().chain(more).enumerate() {
            let mut a = answer(to, user, Some(7_000 + n as u64), now);
            a.body = body.into();
            a.classification.has_evidence = user != 2;
            a.classification.has_assumption = user == 2;
            s.log_answer(&a).await.unwrap().unwrap();
        }
        for user in [7, 8] {
            let r = ReactionEvent {
                guild_id: GUILD,
                channel_id: 10,
                message_id: 500,
                user_id: user,
                emoji: "👍".into(),
                at: now,
                on_bot_message: Some(true),
            };
            assert!(s.reaction_added(&r).await.unwrap());
        }
        let drew = s.insight_activity(GUILD).await.unwrap();
        assert_eq!(drew, [(id, 1, 2, 1)], "{}: the insight's post, its reactions and answer", db.backend);
        assert!(s.insight_activity(GUILD + 1).await.unwrap().is_empty(), "{}: not another guild's", db.backend);
        let scope = domain::query::WeekScope::new(
            GUILD,
            now - SignedDuration::from_hours(1),
            now + SignedDuration::from_hours(1),
            &domain::time::Zone::utc(),
            None,
        );
        let summary = domain::summary::summarize(&s.week_data(&scope).await.unwrap());
        let h = &summary.headline;
        assert_eq!((h.answers, h.answerers, h.with_evidence, h.with_assumption), (4, 3, 3, 1), "{}", db.backend);
        assert_eq!(
            (h.post_answers, h.post_reactions, h.people_engaged),
            (1, 2, 2),
            "{}: 7 reacted and answered",
            db.backend
        );
        assert_eq!((h.meetings, h.meetings_answered), (2, 1), "{}", db.backend);
        assert_eq!(summary.impact.hurts, 4, "{}", db.backend);
        let smb = summary.segments.iter().find(|c| c.segment == "smb").unwrap();
        assert_eq!((smb.answers, smb.insights), (4, 1), "{}", db.backend);
        let quoted: Vec<(&str, usize)> =
            summary.quotes.iter().map(|q| (q.user_id.as_str(), q.text.chars().count())).collect();
        assert_eq!(quoted, [("1", 281), ("7", 13)], "{}: each person's most substantial, evidence only", db.backend);
        let every = |channel_id| domain::query::AnswerFilter {
            guild_id: GUILD,
            start: scope.start,
            end: scope.end,
            channel_id,
            ..Default::default()
        };
        let listed = s.answers_matching(&every(None), None, 100).await.unwrap();
        assert_eq!(listed.len(), 4, "{}: the CSV has every answer", db.backend);
        // One channel's summary counts only what was given there.
        for (channel, answers, quotes) in [(10, 4, 2), (11, 0, 0)] {
            let scope = domain::query::WeekScope { channel_id: Some(channel), ..scope };
            let summary = domain::summary::summarize(&s.week_data(&scope).await.unwrap());
            let h = &summary.headline;
            assert_eq!((h.answers, h.meetings, summary.quotes.len()), (answers, answers / 2, quotes), "{}", db.backend);
            assert_eq!(s.answers_matching(&every(Some(channel)), None, 100).await.unwrap().len(), answers as usize);
        }
        db.finish().await;
    }
}

/// The explorer's filters each narrow the answers, together they combine,
/// searched text is matched literally in any case, and pages follow the
/// cursor without repeats or gaps.
#[tokio::test]
async fn the_explorer_filters_answers_and_pages_through_them() {
    use domain::query::AnswerFilter;
    for db in common::stores().await {
        let s = &db.store;
        s.migrate().await.unwrap();
        let now = t("2026-11-23T10:00:00Z");
        let (m, _) = s.open_meeting(&meeting(500), now).await.unwrap();
        let said = [
            (7, "Churn is 4% in #smb", "smb", true, false, Impact::Hurts),
            (8, "I think enterprise buyers want SSO", "enterprise", false, true, Impact::Helps),
            (7, "50%_off coupons confuse #smb", "smb", false, true, Impact::Unknown),
            (9, "Ticket 12 from a clinic", "healthcare", true, false, Impact::Neutral),
        ];
        for (n, (user, body, segment, evidence, assumption, impact)) in said.into_iter().enumerate() {
            let mut a = answer(AnswerRef::Meeting(m.id), user, Some(7000 + n as u64), now);
            a.body = body.into();
            a.impact = impact;
            a.classification.segments = vec![Segment::parse(segment).unwrap()];
            a.classification.has_evidence = evidence;
            a.classification.has_assumption = assumption;
            s.log_answer(&a).await.unwrap().unwrap();
        }
        let week = AnswerFilter {
            guild_id: GUILD,
            start: now - SignedDuration::from_hours(1),
            end: now + SignedDuration::from_hours(1),
            ..Default::default()
        };
        let bodies = |f: AnswerFilter| async move {
            let rows = s.answers_matching(&f, None, 100).await.unwrap();
            rows.into_iter().map(|r| r.body).collect::<Vec<_>>()
        };
        let all = bodies(week.clone()).await;
        assert_eq!(all.len(), 4, "{}", db.backend);
        assert_eq!(all[0], "Ticket 12 from a clinic", "{}: newest first", db.backend);
        let smb = AnswerFilter { segment: Some("smb".into()), ..week.clone() };
        assert_eq!(bodies(smb.clone()).await.len(), 2, "{}", db.backend);
        let smb_evidence = AnswerFilter { evidence: Some(true), ..smb };
        assert_eq!(bodies(smb_evidence).await, ["Churn is 4% in #smb"], "{}", db.backend);
        let assumed = AnswerFilter { assumption: Some(true), user_id: Some(8), ..week.clone() };
        assert_eq!(bodies(assumed).await, ["I think enterprise buyers want SSO"], "{}", db.backend);
        let helps = AnswerFilter { impact: Some("helps".into()), ..week.clone() };
        assert_eq!(bodies(helps).await.len(), 1, "{}", db.backend);
        let literal = AnswerFilter { text: Some("50%_OFF".into()), ..week.clone() };
        assert_eq!(bodies(literal).await, ["50%_off coupons confuse #smb"], "{}", db.backend);
        let wildcard = AnswerFilter { text: Some("4_".into()), ..week.clone() };
        assert!(bodies(wildcard).await.is_empty(), "{}: _ is not a wildcard", db.backend);
        let elsewhere = AnswerFilter { channel_id: Some(99), ..week.clone() };
        assert!(bodies(elsewhere).await.is_empty(), "{}", db.backend);

        let first = s.answers_matching(&week, None, 3).await.unwrap();
        let rest = s.answers_matching(&week, Some(first.last().unwrap().id), 3).await.unwrap();
        let paged: Vec<String> = first.into_iter().chain(rest).map(|r| r.body).collect();
        assert_eq!(paged, all, "{}: pages join up", db.backend);
        db.finish().await;
    }
}

#[tokio::test]
async fn an_edited_shipped_insight_is_replaced_for_that_guild_only() {
    for db in common::stores().await {
        let s = &db.store;
        let now = t("2026-11-25T10:00:00Z");
        s.sync_library(&[library("shipped", "smb")], now).await.unwrap();
        let shipped = s.list_insights(GUILD, None).await.unwrap()[0].id;
        let copy = s.override_library_insight(GUILD, shipped, &insight("Edited", "smb"), BIG, now).await.unwrap();
        let ids = |guild| async move {
            s.list_insights(guild, None).await.unwrap().into_iter().map(|i| i.id).collect::<Vec<_>>()
        };
        assert_eq!(ids(GUILD).await, [copy], "{}: the copy replaces the shipped one here", db.backend);
        assert_eq!(ids(GUILD + 1).await, [shipped], "{}: other guilds keep the shipped one", db.backend);
        assert!(s.visible_insight(GUILD, shipped).await.unwrap().is_none());
        assert!(s.visible_insight(GUILD + 1, copy).await.unwrap().is_none(), "another guild's own is not visible");

        assert!(s.edit_insight(GUILD, copy, &insight("Edited again", "edu"), now).await.unwrap());
        let edited = s.visible_insight(GUILD, copy).await.unwrap().unwrap();
        assert_eq!((edited.body.title.as_str(), edited.body.segment.as_str()), ("Edited again", "edu"));
        assert!(!s.edit_insight(GUILD + 1, copy, &insight("Theirs", "edu"), now).await.unwrap(), "not that guild's");
        assert!(!s.edit_insight(GUILD, shipped, &insight("Shipped", "edu"), now).await.unwrap(), "the library stays");
        db.finish().await;
    }
}

#[tokio::test]
async fn an_edit_that_adds_evidence_validates_an_open_challenge_once() {
    for db in common::stores().await {
        let s = &db.store;
        let now = t("2026-11-25T10:00:00Z");
        let (m, _) = s.open_meeting(&meeting(60), now).await.unwrap();
        s.log_answer(&answer(AnswerRef::Meeting(m.id), 2, Some(700), now)).await.unwrap().unwrap();
        let challenged = s.challenge_answer(GUILD, 700, now).await.unwrap().expect("challenged");
        assert_eq!((challenged.author, challenged.thread_id), (2, 60), "{}", db.backend);
        assert!(s.challenge_answer(GUILD, 700, now).await.unwrap().is_none(), "once");
        assert!(s.challenge_answer(GUILD + 1, 700, now).await.unwrap().is_none(), "another guild's message");
        let guess = Classification { has_assumption: true, ..Default::default() };
        s.edit_answer(GUILD, 700, "I guess so", &guess, now).await.unwrap();
        assert_eq!(s.open_assumptions(m.id).await.unwrap().len(), 1, "{}: no evidence yet", db.backend);
        let data = Classification { has_evidence: true, ..Default::default() };
        s.edit_answer(GUILD, 700, "Ticket ABC-12 shows it", &data, now).await.unwrap();
        assert!(s.open_assumptions(m.id).await.unwrap().is_empty(), "{}: validated by the edit", db.backend);
        let refuted = s.resolve_challenge(GUILD, challenged.answer_id, Resolution::Refuted, "no", now).await.unwrap();
        assert!(!refuted, "{}: resolved once", db.backend);
        db.finish().await;
    }
}

/// The summary's answer counts (kept as hourly tallies by triggers) equal
/// the answers themselves, read one by one through the explorer, after
/// every kind of change: edits, deletions, a person forgotten, and
/// retention removing a meeting with its later answers. The period is a
/// day in India (UTC+5:30), so it starts and ends in the middle of an hour.
#[tokio::test]
async fn the_summary_counts_equal_the_answers_through_every_change() {
    for db in common::stores().await {
        let s = &db.store;
        let zone = &domain::time::Zone::parse("Asia/Kolkata").unwrap();
        let (start, end) = (t("2026-11-24T18:30:00Z"), t("2026-11-25T18:30:00Z"));
        let opened = t("2026-11-20T10:00:00Z");
        let (here, _) = s.open_meeting(&meeting(70), t("2026-11-24T00:00:00Z")).await.unwrap();
        let (old, _) = s.open_meeting(&NewMeeting { channel_id: 12, ..meeting(71) }, opened).await.unwrap();
        let id = s.add_insight(GUILD, &insight("x", "smb"), InsightStatus::Live, None, opened).await.unwrap();
        let slot = PostSlot { guild_id: GUILD, channel_id: 13, local_date: date(2026, 11, 24), kind: PostKind::Daily };
        let Claim::New(post) = s.claim_post(&slot, id, "n", opened).await.unwrap() else { panic!("new") };
        // Just outside, at both edges' half hours, and inside whole hours.
        let times = ["18:10", "18:40", "19:30", "23:59"].map(|hm| t(&format!("2026-11-24T{hm}:00Z")));
        let later = ["06:00", "12:00", "18:00", "18:29", "18:30", "18:45"].map(|hm| t(&format!("2026-11-25T{hm}:00Z")));
        let tos = [AnswerRef::Meeting(here.id), AnswerRef::Meeting(old.id), AnswerRef::Post(post.id)];
        let mut answers = vec![];
        for (n, at) in times.into_iter().chain(later).enumerate() {
            for (k, to) in tos.into_iter().enumerate() {
                let mut a = answer(to, 1 + (n as u64 + k as u64) % 4, Some(80_000 + 10 * n as u64 + k as u64), at);
                a.impact = [Impact::Helps, Impact::Hurts, Impact::Unknown][(n + k) % 3];
                a.classification.has_evidence = n % 2 == 0;
                a.classification.has_assumption = k == 1;
                if n % 3 == 0 {
                    a.classification.segments = vec![];
                }
                answers.push(a);
            }
        }
        // All at once, so the writer batches them.
        for logged in futures_util::future::join_all(answers.iter().map(|a| s.log_answer(a))).await {
            logged.unwrap().unwrap();
        }
        let test_db = &db;
        let check = |step: &'static str| async move {
            // Every live answer is counted once, whatever its hour.
            let tallied = "SELECT CAST(COALESCE(SUM(answers), 0) AS BIGINT) FROM answer_tallies";
            let live = "SELECT COUNT(*) FROM answers WHERE deleted_at IS NULL";
            let (tallied, live) = (common::count(test_db, tallied).await, common::count(test_db, live).await);
            assert_eq!(tallied, live, "{}: {step}", test_db.backend);
            for channel in [None, Some(10), Some(12), Some(13)] {
                let scope = domain::query::WeekScope::new(GUILD, start, end, zone, channel);
                let data = s.week_data(&scope).await.unwrap();
                let tallied = data.answer_groups.iter().fold([0; 5], |n, g| {
                    let smb = if g.segments == ["smb"] { g.answers } else { 0 };
                    [
                        n[0] + g.answers,
                        n[1] + g.with_evidence,
                        n[2] + g.with_assumption,
                        n[3] + g.impact.helps,
                        n[4] + smb,
                    ]
                });
                let filter = domain::query::AnswerFilter {
                    guild_id: GUILD,
                    start,
                    end,
                    channel_id: channel,
                    ..Default::default()
                };
                let rows = s.answers_matching(&filter, None, 1000).await.unwrap();
                let count =
                    |f: &dyn Fn(&domain::summary::AnswerRow) -> bool| rows.iter().filter(|a| f(a)).count() as i64;
                let read = [
                    rows.len() as i64,
                    count(&|a| a.has_evidence),
                    count(&|a| a.has_assumption),
                    count(&|a| a.impact == "helps"),
                    count(&|a| a.segments == ["smb"]),
                ];
                assert_eq!(tallied, read, "{}: {step}, channel {channel:?}", db.backend);
                match channel {
                    None if step == "logged" => assert_eq!(read[0], 21, "7 times inside the period, 3 answers each"),
                    Some(10) => assert!(read[0] > 0, "{step}: the meeting kept throughout has answers"),
                    _ => {}
                }
            }
        };
        check("logged").await;
        // Copies of logged answers between new ones, in one batch: each
        // copy is skipped in the middle of the insert, and only the new
        // ones are counted.
        let mixed: Vec<NewAnswer> = answers[..6]
            .iter()
            .enumerate()
            .flat_map(|(n, a)| [a.clone(), NewAnswer { message_id: Some(90_000 + n as u64), ..a.clone() }])
            .collect();
        let logged = futures_util::future::join_all(mixed.iter().map(|a| s.log_answer(a))).await;
        let new: Vec<bool> = logged.into_iter().map(|r| r.unwrap().is_some()).collect();
        assert_eq!(new, [false, true].repeat(6), "{}: copies are not logged again", db.backend);
        check("copies among new answers").await;
        let plain = Classification::default();
        assert!(s.edit_answer(GUILD, 80_010, "never mind", &plain, end).await.unwrap());
        assert!(s
            .edit_answer(
                GUILD,
                80_041,
                "Acme said so, ticket #9",
                &Classification { has_evidence: true, ..plain.clone() },
                end
            )
            .await
            .unwrap());
        check("edited").await;
        assert!(s.delete_answer(11, 80_020, end).await.unwrap());
        check("deleted").await;
        assert!(s.forget_person(GUILD, 3).await.unwrap().answers > 0);
        check("forgotten").await;
        // The old meeting and the post go, and their answers in the period with them.
        assert!(s.delete_before(GUILD, t("2026-11-22T00:00:00Z")).await.unwrap() > 0);
        check("retention").await;
        db.finish().await;
    }
}

/// One person's many long answers do not crowd out the others' quotes.
#[tokio::test]
async fn quotes_are_three_people_however_many_answers_one_gives() {
    for db in common::stores().await {
        let s = &db.store;
        let now = t("2026-11-25T10:00:00Z");
        let (m, _) = s.open_meeting(&meeting(90), now).await.unwrap();
        for n in 0..100u64 {
            let (user, body) = match n {
                0..=89 => (1, format!("{n:02}: {}", "long, with ticket #1 ".repeat(10))),
                _ => (2 + n % 3, format!("ticket #{n}")),
            };
            let mut a =
                answer(AnswerRef::Meeting(m.id), user, Some(90_000 + n), now + SignedDuration::from_secs(n as i64));
            a.body = body;
            s.log_answer(&a).await.unwrap().unwrap();
        }
        let scope = domain::query::WeekScope::new(
            GUILD,
            now,
            now + SignedDuration::from_hours(1),
            &domain::time::Zone::utc(),
            None,
        );
        let summary = domain::summary::summarize(&s.week_data(&scope).await.unwrap());
        let quoted: Vec<(&str, &str)> =
            summary.quotes.iter().map(|q| (q.user_id.as_str(), q.text.split(':').next().unwrap())).collect();
        assert_eq!(quoted, [("1", "00"), ("2", "ticket #90"), ("3", "ticket #91")], "{}", db.backend);
        db.finish().await;
    }
}
