//! End to end: the real bot, through serenity, against the fake Discord.

mod common;

use common::bot::{eventually, Harness};
use common::team::Team;
use domain::answer::AnswerRef;
use fake_discord::Command;
use serde_json::json;

const MONDAY_MORNING: &str = "2026-11-23T09:00:00Z";

fn team(h: &Harness) -> Team {
    Team::add(h, ["Alice", "Lee", "Bob"], "product")
}

fn meeting_start(topic: &str) -> Command {
    Command::new("meeting").sub("start").opt("topic", topic)
}

/// Alice runs /meeting start; returns the new thread.
async fn start_meeting(h: &Harness, t: &Team, topic: &str) -> u64 {
    let i = h.fake.slash(t.owner, t.channel, &meeting_start(topic)).unwrap();
    let reply = h.fake.response_message(i).await.unwrap();
    assert!(reply.content.contains("is open"), "{}", reply.content);
    let thread = h.fake.threads_in(t.channel).last().unwrap().id;
    assert!(reply.content.contains(&format!("<#{thread}>")));
    thread
}

#[tokio::test]
async fn meeting_start_opens_a_thread_with_the_prompt() {
    let mut h = Harness::new(common::sqlite().await, MONDAY_MORNING).await;
    let t = team(&h);
    h.start_bot(true).await;

    let i = h.fake.slash(t.owner, t.channel, &meeting_start("Pricing page")).unwrap();
    let answered = h.fake.response(i).await.unwrap();
    assert_eq!(answered.first_callback_type(), Some(5), "deferred, ephemeral");
    let reply = h.fake.response_message(i).await.unwrap();
    assert!(reply.ephemeral() && reply.content.contains("is open"), "{reply:?}");

    let threads = h.fake.threads_in(t.channel);
    assert_eq!(threads.len(), 1);
    assert_eq!(threads[0].name, "Pricing page");
    let prompt = h
        .fake
        .wait_for("the prompt", |s| s.messages.values().find(|m| m.channel_id == threads[0].id).cloned())
        .await
        .unwrap();
    assert!(prompt.content.contains("How does this affect customers?"), "{}", prompt.content);
    let meeting = h.db.store.meeting_by_thread(threads[0].id).await.unwrap().expect("meeting stored");
    assert_eq!(prompt.buttons(), vec![format!("answer:m:{}", meeting.id)]);
    assert_eq!(
        (meeting.body.topic.as_str(), meeting.body.host_id, meeting.prompt_message_id),
        ("Pricing page", Some(t.owner), Some(prompt.id))
    );
    h.finish().await;
}

#[tokio::test]
async fn a_reply_in_a_prompted_thread_is_stored_with_its_classification_once() {
    // The whole flow on every backend: SQLite, and PostgreSQL when configured.
    for db in common::stores().await {
        let mut h = Harness::new(db, MONDAY_MORNING).await;
        let t = team(&h);
        h.start_bot(true).await;
        let thread = start_meeting(&h, &t, "Onboarding").await;

        let reply = h.fake.say(t.member, thread, "Churn is 4% for #smb accounts, see ABC-123").unwrap();
        let (start, end) = domain::time::IsoWeek::parse("2026-W48").unwrap().window(&domain::time::Zone::utc());
        let counts = eventually("the reply to be stored", || async {
            let c = common::headline(&h.db.store, guild_of(&h, thread), start, end).await;
            (c.answers == 1).then_some(c)
        })
        .await;
        assert_eq!((counts.with_evidence, counts.with_assumption, counts.answerers), (1, 0, 1));

        // The same event again (a replay) and the bot's own messages change nothing.
        let again = h.fake.read(|s| s.message_json(&s.messages[&reply]));
        h.fake.dispatch_raw("MESSAGE_CREATE", again).unwrap();
        let marker = h.fake.say(t.owner, thread, "I think it is probably fine").unwrap();
        eventually("the second reply", || async {
            let c = common::headline(&h.db.store, guild_of(&h, thread), start, end).await;
            (c.answers == 2).then_some(())
        })
        .await;
        let c = common::headline(&h.db.store, guild_of(&h, thread), start, end).await;
        assert_eq!((c.answers, c.with_assumption, c.answerers), (2, 1, 2), "replay logged once (marker {marker})");
        h.finish().await;
    }
}

fn guild_of(h: &Harness, channel: u64) -> u64 {
    h.fake.read(|s| s.guild_of(channel).unwrap())
}

#[tokio::test]
async fn messages_outside_prompted_threads_are_not_stored() {
    let mut h = Harness::new(common::sqlite().await, MONDAY_MORNING).await;
    let t = team(&h);
    h.start_bot(true).await;
    let lunch = h.fake.start_thread(t.member, t.channel, "lunch plans").unwrap();
    h.fake.say(t.member, lunch, "Pizza at 12? 100% yes").unwrap();
    h.fake.say(t.member, t.channel, "General chat, 50% serious").unwrap();
    // A thread that matches the pattern is prompted; use it as a barrier.
    let sync = h.fake.start_thread(t.owner, t.channel, "Weekly sync").unwrap();
    h.fake
        .wait_for("the automatic prompt", |s| {
            s.messages.values().any(|m| m.channel_id == sync && m.author_id == s.bot_id).then_some(())
        })
        .await
        .unwrap();
    assert!(h.db.store.meeting_by_thread(lunch).await.unwrap().is_none());
    h.fake.say(t.member, sync, "#enterprise customers asked for this 3 times").unwrap();
    let guild = guild_of(&h, t.channel);
    let (start, end) = domain::time::IsoWeek::parse("2026-W48").unwrap().window(&domain::time::Zone::utc());
    eventually("the sync reply", || async {
        (common::headline(&h.db.store, guild, start, end).await.answers == 1).then_some(())
    })
    .await;
    let c = common::headline(&h.db.store, guild, start, end).await;
    assert_eq!((c.answers, c.meetings), (1, 1), "only the prompted thread's reply");
    h.finish().await;
}

#[tokio::test]
async fn the_fake_reports_a_payload_serenity_cannot_parse() {
    let h = Harness::new(common::sqlite().await, MONDAY_MORNING).await;
    let err = h.fake.dispatch_raw("MESSAGE_CREATE", json!({"id": "1", "channel_id": "2"})).unwrap_err().to_string();
    assert!(err.contains("serenity cannot parse this MESSAGE_CREATE"), "{err}");
    assert!(err.contains("missing field"), "{err}");
    assert_eq!(h.fake.violations().len(), 1, "recorded so that the test fails");
    h.db.finish().await;
}

#[tokio::test]
async fn a_dropped_connection_resumes_and_missed_events_are_logged_once() {
    let mut h = Harness::new(common::sqlite().await, MONDAY_MORNING).await;
    let t = team(&h);
    h.start_bot(true).await;
    let thread = start_meeting(&h, &t, "Roadmap").await;
    let meeting = h.db.store.meeting_by_thread(thread).await.unwrap().unwrap();

    h.fake.drop_connection();
    h.fake.wait_for("the bot to notice the drop", |_| Some(())).await.unwrap();
    for text in ["Missed one: 20 customers asked", "Missed two: see https://example.com/t/9"] {
        h.fake.say(t.member, thread, text).unwrap();
    }
    eventually("the bot to resume", || async { (h.fake.gateway_stats().1 >= 1).then_some(()) }).await;
    let answers = eventually("both missed replies", || async {
        let n = h.db.store.meeting_stats(meeting.id).await.unwrap().answers;
        (n >= 2).then_some(n)
    })
    .await;
    assert_eq!(answers, 2);
    assert_eq!(h.fake.gateway_stats().0, 1, "resumed, not re-identified");
    let _ = AnswerRef::Meeting(meeting.id);
    h.finish().await;
}

#[tokio::test]
async fn remind_pings_only_those_who_have_not_answered_and_close_posts_a_recap() {
    let mut h = Harness::new(common::sqlite().await, MONDAY_MORNING).await;
    let t = team(&h);
    let carol = h.fake.add_user("Carol");
    h.fake.join(guild_of(&h, t.channel), carol, &[]);
    h.start_bot(true).await;
    let thread = start_meeting(&h, &t, "@everyone Launch plan").await;
    let meeting = h.db.store.meeting_by_thread(thread).await.unwrap().unwrap();
    h.fake.say(t.member, thread, "Our #enterprise customers asked for it in 3 calls; follow up with Acme").unwrap();
    // Carol joins the thread with a message she then deletes: no answer.
    let hello = h.fake.say(carol, thread, "hello").unwrap();
    h.fake.delete(hello).unwrap();
    eventually("Bob's answer and Carol's deletion", || async {
        let s = h.db.store.meeting_stats(meeting.id).await.unwrap();
        (s.answers == 1).then_some(())
    })
    .await;

    let i = h.fake.slash(t.owner, thread, &Command::new("meeting").sub("remind")).unwrap();
    // The thread's members are those who posted in it: Bob and Carol.
    assert!(h.fake.response_message(i).await.unwrap().content.contains("Reminded 1 person."));
    let reminder = h.fake.messages_in(thread).into_iter().find(|m| m.content.contains("haven't heard")).unwrap();
    assert!(reminder.content.contains(&format!("<@{carol}>")), "{}", reminder.content);
    assert!(!reminder.content.contains(&format!("<@{}>", t.member)), "Bob answered");
    let allowed = reminder.allowed_mentions.clone().unwrap();
    assert_eq!(allowed["parse"], json!([]), "no @everyone, no roles");
    assert_eq!(allowed["users"], json!([carol.to_string()]));

    let i = h.fake.slash(t.owner, thread, &Command::new("meeting").sub("close")).unwrap();
    assert!(h.fake.response_message(i).await.unwrap().content.contains("closed"));
    let recap = h.fake.messages_in(thread).last().unwrap().clone();
    assert!(
        recap.content.contains("1 answer from 1 person") && recap.content.contains("1 with evidence"),
        "{}",
        recap.content
    );
    assert!(recap.content.contains("1 open follow-up"), "{}", recap.content);
    assert_eq!(recap.allowed_mentions.unwrap()["parse"], json!([]), "the topic's @everyone pings nobody");
    let again = h.fake.slash(t.owner, thread, &Command::new("meeting").sub("close")).unwrap();
    assert!(h.fake.response_message(again).await.unwrap().content.contains("no open meeting"));
    h.finish().await;
}

#[tokio::test]
async fn a_scheduled_event_that_starts_gets_a_thread_and_the_question_once() {
    let mut h = Harness::new(common::sqlite().await, MONDAY_MORNING).await;
    let t = team(&h);
    h.start_bot(true).await;
    let set = Command::new("setup").sub("channel").opt("purpose", "meeting").opt("channel", t.channel);
    let i = h.fake.slash(t.owner, t.channel, &set).unwrap();
    assert!(h.fake.response_message(i).await.unwrap().content.contains("meeting channel"));

    let event = h.fake.start_event(guild_of(&h, t.channel), "Quarterly review", t.owner).unwrap();
    let thread = h
        .fake
        .wait_for("the event's thread", |s| s.channels.values().find(|c| c.parent_id == Some(t.channel)).map(|c| c.id))
        .await
        .unwrap();
    h.fake
        .wait_for("the question", |s| s.messages.values().any(|m| m.channel_id == thread).then_some(()))
        .await
        .unwrap();
    let meeting = h.db.store.meeting_by_event(guild_of(&h, t.channel), event).await.unwrap().unwrap();
    assert_eq!((meeting.body.topic.as_str(), meeting.body.thread_id), ("Quarterly review", thread));
    // The same event updated again (still active) opens nothing new.
    h.fake.update_event(guild_of(&h, t.channel), event, "Quarterly review", t.owner).unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(h.fake.threads_in(t.channel).len(), 1);
    h.finish().await;
}

#[tokio::test]
async fn removal_from_a_guild_is_recorded_but_an_outage_is_not() {
    let mut h = Harness::new(common::sqlite().await, MONDAY_MORNING).await;
    let t = team(&h);
    h.start_bot(true).await;
    let guild = guild_of(&h, t.channel);
    eventually("the guild's settings", || async {
        h.db.store.active_guilds().await.unwrap().contains(&guild).then_some(())
    })
    .await;
    h.fake.dispatch_raw("GUILD_DELETE", json!({"id": guild.to_string(), "unavailable": true})).unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert!(h.db.store.active_guilds().await.unwrap().contains(&guild), "an outage keeps the guild");
    h.fake.remove_guild(guild).unwrap();
    eventually("the guild to be marked as left", || async {
        (!h.db.store.active_guilds().await.unwrap().contains(&guild)).then_some(())
    })
    .await;
    let listed = h.db.store.guild_list().await.unwrap();
    let acme = listed.iter().find(|g| g.guild_id == guild).unwrap();
    assert_eq!(acme.name.as_deref(), Some("Acme"), "the name Discord showed");
    assert!(acme.left_at.is_some());
    h.finish().await;
}

#[tokio::test]
async fn the_bot_follows_reconnect_and_invalid_session_and_honours_a_429() {
    let mut h = Harness::new(common::sqlite().await, MONDAY_MORNING).await;
    let t = team(&h);
    h.start_bot(true).await;

    h.fake.request_reconnect();
    eventually("a resume after op 7", || async { (h.fake.gateway_stats().1 >= 1).then_some(()) }).await;
    h.fake.invalidate_session();
    eventually("a new identify after op 9", || async { (h.fake.gateway_stats().0 >= 2).then_some(()) }).await;
    h.fake.wait_connected(2).await.unwrap();

    // Discord rate-limits the thread creation once; serenity waits and retries.
    h.fake.fail_next("POST", &format!("/channels/{}/threads", t.channel), 429, 1);
    let thread = start_meeting(&h, &t, "After the storm").await;
    let tries =
        h.fake.read(|s| s.requests.iter().filter(|r| r.path == format!("/channels/{}/threads", t.channel)).count());
    assert_eq!(tries, 2, "one 429, one success");
    h.fake.say(t.member, thread, "Works again for 3 customers").unwrap();
    let meeting = h.db.store.meeting_by_thread(thread).await.unwrap().unwrap();
    eventually("the reply after reconnecting", || async {
        (h.db.store.meeting_stats(meeting.id).await.unwrap().answers == 1).then_some(())
    })
    .await;
    h.finish().await;
}

#[tokio::test]
async fn an_internal_failure_is_answered_with_an_apology_not_silence() {
    let mut h = Harness::new(common::sqlite().await, MONDAY_MORNING).await;
    let t = team(&h);
    h.start_bot(true).await;
    let thread = start_meeting(&h, &t, "Outage").await;
    let prompt =
        h.fake.wait_for("the prompt", |s| s.messages.values().find(|m| m.channel_id == thread).cloned()).await.unwrap();
    let id = h.fake.open_form(t.member, prompt.id).await.unwrap();
    h.db.store.close().await; // the database becomes unreachable
    let submit = h.fake.submit_modal(t.member, thread, &id, &[("text", "It breaks for 3 customers")]).unwrap();
    let reply = h.fake.response_message(submit).await.unwrap();
    assert!(
        reply.ephemeral() && reply.content.starts_with("Sorry, something went wrong on our side"),
        "{}",
        reply.content
    );
    assert_eq!(reply.attachments[0].bytes, b"It breaks for 3 customers", "the text is handed back");
    h.finish().await;
}

#[tokio::test]
async fn a_bad_form_field_is_refused_with_the_fix_and_the_text_handed_back() {
    let mut h = Harness::new(common::sqlite().await, MONDAY_MORNING).await;
    let t = team(&h);
    h.start_bot(true).await;
    let thread = start_meeting(&h, &t, "Forms").await;
    let prompt =
        h.fake.wait_for("the prompt", |s| s.messages.values().find(|m| m.channel_id == thread).cloned()).await.unwrap();
    let id = h.fake.open_form(t.member, prompt.id).await.unwrap();
    let fields = [("text", "Customers will love it"), ("impact", "great"), ("segments", ""), ("follow_up", "")];
    let submit = h.fake.submit_modal(t.member, thread, &id, &fields).unwrap();
    let reply = h.fake.response_message(submit).await.unwrap();
    assert!(
        reply.ephemeral()
            && reply.content.contains("not saved")
            && reply.content.contains("helps, hurts, neutral or unknown"),
        "{}",
        reply.content
    );
    assert_eq!(reply.attachments[0].bytes, b"Customers will love it");
    let meeting = h.db.store.meeting_by_thread(thread).await.unwrap().unwrap();
    assert_eq!(h.db.store.meeting_stats(meeting.id).await.unwrap().answers, 0, "nothing stored");
    h.finish().await;
}

#[tokio::test]
async fn an_edit_seen_before_its_message_keeps_the_edited_text_once() {
    let mut h = Harness::new(common::sqlite().await, MONDAY_MORNING).await;
    let t = team(&h);
    h.start_bot(true).await;
    let thread = start_meeting(&h, &t, "Ordering").await;
    let meeting = h.db.store.meeting_by_thread(thread).await.unwrap().unwrap();
    let (id, create) = h.fake.write_unseen(t.member, thread, "first draft");
    h.fake.edit(id, "Edited: 7 customers hit this, see #8812").unwrap();
    eventually("the edit logged as the reply", || async {
        (h.db.store.meeting_stats(meeting.id).await.unwrap().answers == 1).then_some(())
    })
    .await;
    h.fake.deliver("MESSAGE_CREATE", create).unwrap();
    h.fake.say(t.owner, thread, "a later reply, as a barrier").unwrap();
    eventually("the barrier", || async {
        (h.db.store.meeting_stats(meeting.id).await.unwrap().answers == 2).then_some(())
    })
    .await;
    let data = h.app.personal_data(guild_of(&h, thread), t.member).await.unwrap();
    assert_eq!(data.answers.len(), 1);
    assert!(data.answers[0].body.starts_with("Edited"), "{}", data.answers[0].body);
    assert_eq!(h.db.store.meeting_stats(meeting.id).await.unwrap().with_evidence, 1);
    h.finish().await;
}

#[tokio::test]
async fn a_forum_post_whose_name_matches_is_prompted() {
    let mut h = Harness::new(common::sqlite().await, MONDAY_MORNING).await;
    let t = team(&h);
    let forum = h.fake.add_forum(guild_of(&h, t.channel), "meetings").unwrap();
    h.start_bot(true).await;
    let post = h.fake.start_thread(t.owner, forum, "Q1 planning").unwrap();
    let prompt = h
        .fake
        .wait_for("the forum post's prompt", |s| {
            s.messages.values().find(|m| m.channel_id == post && m.author_id == s.bot_id).cloned()
        })
        .await
        .unwrap();
    assert!(prompt.content.to_lowercase().contains("customer"), "{}", prompt.content);
    let meeting = h.db.store.meeting_by_thread(post).await.unwrap().unwrap();
    assert_eq!((meeting.body.channel_id, meeting.body.origin), (forum, domain::meeting::Origin::Pattern));
    h.finish().await;
}

#[tokio::test]
async fn a_blank_topic_is_refused_and_a_failed_start_leaves_no_orphan_thread() {
    let mut h = Harness::new(common::sqlite().await, MONDAY_MORNING).await;
    let t = team(&h);
    h.start_bot(true).await;

    let blank = h.fake.slash(t.owner, t.channel, &meeting_start(" \u{200B} ")).unwrap();
    let reply = h.fake.response_message(blank).await.unwrap();
    assert!(reply.content.starts_with("The topic is empty"), "{}", reply.content);
    assert!(h.fake.threads_in(t.channel).is_empty());

    // The question cannot be posted: the thread stays, and starting the
    // meeting again inside it asks there, once.
    h.fake.fail_next("POST", "/channels/*/messages", 403, 1);
    let i = h.fake.slash(t.owner, t.channel, &meeting_start("Roadmap")).unwrap();
    let reply = h.fake.response_message(i).await.unwrap();
    let thread = h.fake.threads_in(t.channel)[0].id;
    assert!(
        reply.content.contains(&format!("<#{thread}>")) && reply.content.contains("could not post"),
        "{}",
        reply.content
    );
    let again = h.fake.slash(t.owner, thread, &meeting_start("Roadmap")).unwrap();
    assert!(h.fake.response_message(again).await.unwrap().content.contains("is open"));
    let again = h.fake.slash(t.owner, thread, &meeting_start("Roadmap")).unwrap();
    h.fake.response_message(again).await.unwrap();
    let prompts =
        h.fake.messages_in(thread).into_iter().filter(|m| !m.components.as_array().unwrap().is_empty()).count();
    assert_eq!(prompts, 1, "asked once");
    assert_eq!(h.fake.threads_in(t.channel).len(), 1);

    // The database is gone when the meeting is opened: the new thread is removed.
    h.db.store.close().await;
    let i = h.fake.slash(t.owner, t.channel, &meeting_start("Pricing")).unwrap();
    assert!(h.fake.response_message(i).await.unwrap().content.starts_with("Sorry"));
    assert_eq!(h.fake.threads_in(t.channel).len(), 1, "no orphan thread");
    h.finish().await;
}

#[tokio::test]
async fn a_bulk_delete_by_a_moderator_removes_the_answers() {
    let mut h = Harness::new(common::sqlite().await, MONDAY_MORNING).await;
    let t = team(&h);
    h.start_bot(true).await;
    let thread = start_meeting(&h, &t, "Purge").await;
    let meeting = h.db.store.meeting_by_thread(thread).await.unwrap().unwrap();
    let replies = [
        h.fake.say(t.member, thread, "3 customers asked for SSO").unwrap(),
        h.fake.say(t.member, thread, "Acme churned over it").unwrap(),
    ];
    let answers = || async { h.db.store.meeting_stats(meeting.id).await.unwrap().answers };
    eventually("both answers", || async { (answers().await == 2).then_some(()) }).await;
    h.fake.delete_bulk(thread, &replies).unwrap();
    eventually("both deleted", || async { (answers().await == 0).then_some(()) }).await;
    h.finish().await;
}

#[tokio::test]
async fn a_thread_with_chatter_becomes_a_meeting_and_its_replies_count_from_then() {
    let mut h = Harness::new(common::sqlite().await, MONDAY_MORNING).await;
    let t = team(&h);
    h.start_bot(true).await;
    let thread = h.fake.start_thread(t.owner, t.channel, "random").unwrap();
    let barrier = h.fake.say(t.member, thread, "Lunch? 2 customers called").unwrap();
    h.fake.wait_for("the chatter to be seen", |s| s.messages.get(&barrier).map(|_| ())).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let i = h.fake.slash(t.owner, thread, &meeting_start("Exports")).unwrap();
    h.fake.response_message(i).await.unwrap();
    let meeting = h.db.store.meeting_by_thread(thread).await.unwrap().expect("a meeting in the thread");
    h.fake.say(t.member, thread, "3 customers asked for CSV exports").unwrap();
    eventually("the reply after the meeting opened", || async {
        (h.db.store.meeting_stats(meeting.id).await.unwrap().answers == 1).then_some(())
    })
    .await;
    h.finish().await;
}

#[tokio::test]
async fn a_meeting_resting_on_one_customers_voice_is_flagged_in_its_recap_and_counted() {
    for db in common::stores().await {
        let backend = db.backend;
        let mut h = Harness::new(db, MONDAY_MORNING).await;
        let t = team(&h);
        h.start_bot(true).await;
        let (start, end) = domain::time::IsoWeek::parse("2026-W48").unwrap().window(&domain::time::Zone::utc());
        let one = start_meeting(&h, &t, "Export redesign").await;
        h.fake.say(t.member, one, "Acme asked for this").unwrap();
        h.fake.say(t.owner, one, "I think it would help them").unwrap();
        let broad = start_meeting(&h, &t, "Pricing page").await;
        h.fake.say(t.member, broad, "Acme asked for it, and most customers never find the annual plan").unwrap();
        let guild = guild_of(&h, one);
        eventually("the replies to be stored", || async {
            (common::headline(&h.db.store, guild, start, end).await.answers == 3).then_some(())
        })
        .await;

        let recap = |thread: u64| {
            let fake = &h.fake;
            async move {
                let i = fake.slash(t.owner, thread, &Command::new("meeting").sub("close")).unwrap();
                assert!(fake.response_message(i).await.unwrap().content.contains("closed"));
                fake.messages_in(thread).last().unwrap().content.clone()
            }
        };
        let flagged = recap(one).await;
        assert!(flagged.contains("One voice") && flagged.contains("check with other segments"), "{backend}: {flagged}");
        let not_flagged = recap(broad).await;
        assert!(!not_flagged.contains("One voice"), "{backend}: most customers is more than one: {not_flagged}");

        let week = domain::period::Period::parse("2026-W48").unwrap();
        let reach = h.app.report(guild, Some(week), None).await.unwrap().this_week.reach;
        assert_eq!((reach.one, reach.many, reach.unknown), (1, 1, 1), "{backend}: {reach:?}");
        h.finish().await;
    }
}
