//! End to end: a simulated week, then the manager's summary, follow-ups
//! and privacy.

mod common;

use common::bot::{eventually, Harness};
use common::team::{command, Team};
use domain::period::Period;
use fake_discord::Command;
use jiff::Timestamp;
use serde_json::json;

fn team(h: &Harness) -> Team {
    Team::add(h, ["Dana", "Alex", "Sam"], "product")
}

fn set(setting: &str, value: &str) -> Command {
    Command::new("setup").sub("set").opt("setting", setting).opt("value", value)
}

/// Monday: a meeting with answers from Alex (evidence, a follow-up for
/// Sam due Wednesday) and Sam (assumption).
async fn week_of_work(h: &Harness, t: &Team) -> u64 {
    command(h, t.owner, t.channel, Command::new("meeting").sub("start").opt("topic", "Checkout")).await;
    let thread = h.fake.threads_in(t.channel)[0].id;
    h.fake
        .say(t.lead, thread, &format!("Support saw 12 tickets about it, follow up <@{}> 2026-11-25", t.member))
        .unwrap();
    h.fake.say(t.member, thread, "I think nobody will notice").unwrap();
    let meeting = h.db.store.meeting_by_thread(thread).await.unwrap().unwrap();
    eventually("both answers", || async {
        (h.db.store.meeting_stats(meeting.id).await.unwrap().answers == 2).then_some(())
    })
    .await;
    thread
}

/// A team whose leads are managers, after a meeting with two answers.
async fn managed_week_of_work(db: common::TestStore) -> (Harness, Team) {
    let mut h = Harness::new(db, "2026-11-23T10:00:00Z").await;
    h.start_bot(true).await;
    let t = team(&h);
    command(&h, t.owner, t.channel, set("manager_role", &t.leads.to_string())).await;
    week_of_work(&h, &t).await;
    (h, t)
}

#[tokio::test]
async fn a_manager_gets_the_summary_with_chart_and_csv_and_it_matches_the_report() {
    // The whole flow on every backend: SQLite, and PostgreSQL when configured.
    for db in common::stores().await {
        let (h, t) = managed_week_of_work(db).await;

        let refused = command(&h, t.member, t.channel, Command::new("summary").opt("period", "2026-W48")).await;
        assert!(refused.ephemeral() && refused.content.contains("for managers"), "{}", refused.content);

        let reply = command(&h, t.lead, t.channel, Command::new("summary").opt("period", "2026-W48")).await;
        assert!(reply.ephemeral());
        let embed = &reply.embeds[0];
        assert!(embed["title"].as_str().unwrap().contains("2026-W48"));
        assert!(
            embed["description"].as_str().unwrap().starts_with("Mon 23 Nov – Sun 29 Nov 2026 (UTC)"),
            "{}",
            embed["description"]
        );
        let text = reply.text();
        assert!(text.contains(&format!("<@{}>: 1 open", t.member)), "the open follow-up's owner: {text}");
        // The same embed, word for word, on every backend (ids and links aside).
        insta::assert_snapshot!("weekly_summary_embed", common::without_ids(&text));
        let total: usize = text.chars().count();
        assert!(total < 6000, "embed within Discord's limit: {total}");
        let names: Vec<&str> = reply.attachments.iter().map(|a| a.filename.as_str()).collect();
        assert_eq!(names, ["chart.png", "answers-2026-W48.csv"]);
        assert_eq!(&reply.attachments[0].bytes[..4], b"\x89PNG");
        let csv = String::from_utf8(reply.attachments[1].bytes.clone()).unwrap();
        assert_eq!(csv.lines().count(), 3, "a header and two answers: {csv}");
        assert!(csv.contains("12 tickets") && csv.contains("nobody will notice"));

        // The CLI's report computes the same numbers.
        let report = h.app.report(t.guild, Some(Period::parse("2026-W48").unwrap()), None).await.unwrap();
        let h1 = &report.this_week.headline;
        assert_eq!((h1.meetings, h1.meetings_answered, h1.answers, h1.answerers, h1.with_evidence), (1, 1, 2, 2, 1));
        let json: serde_json::Value = serde_json::from_str(&report.render(app::report::Format::Json).unwrap()).unwrap();
        assert_eq!(json["this_week"]["headline"]["coverage_pct"], 100.0);
        h.finish().await;
    }
}

#[tokio::test]
async fn a_month_a_quarter_or_a_range_of_days_is_summarised_against_the_period_before() {
    for db in common::stores().await {
        let (h, t) = managed_week_of_work(db).await;
        let summary = |period: &str| command(&h, t.lead, t.channel, Command::new("summary").opt("period", period));

        let month = summary("2026-11").await;
        let embed = &month.embeds[0];
        assert!(embed["title"].as_str().unwrap().contains("month 2026-11"), "{}", embed["title"]);
        let description = embed["description"].as_str().unwrap();
        assert!(description.starts_with("Sun 1 Nov – Mon 30 Nov 2026 (UTC)"), "{description}");
        assert!(description.contains("against the month before"), "{description}");
        assert!(month.text().contains("Answers 2"), "{}", month.text());
        assert_eq!(month.attachments[1].filename, "answers-2026-11.csv");
        assert_eq!(String::from_utf8_lossy(&month.attachments[1].bytes).lines().count(), 3);

        let later_days = summary("2026-11-24..2026-11-30").await;
        assert!(later_days.text().contains("Answers 0"), "{}", later_days.text());

        let bad = summary("2026-13").await;
        assert!(bad.ephemeral() && bad.content.contains("like 2026-11"), "{}", bad.content);

        // December is compared with November, where the answers were.
        let december = h.app.report(t.guild, Some(Period::parse("2026-12").unwrap()), None).await.unwrap();
        assert_eq!((december.this_week.headline.answers, december.previous_week.answers), (0, 2));
        assert_eq!(december.change["answers"], -2.0);
        let quarter = h.app.report(t.guild, Some(Period::parse("2026-Q4").unwrap()), None).await.unwrap();
        let json: serde_json::Value =
            serde_json::from_str(&quarter.render(app::report::Format::Json).unwrap()).unwrap();
        assert_eq!(json["week"], serde_json::Value::Null);
        assert_eq!(
            json["period"],
            json!({"kind": "quarter", "name": "2026-Q4", "first_day": "2026-10-01", "last_day": "2026-12-31", "days": 92})
        );
        assert_eq!(json["this_week"]["headline"]["answers"], 2);
        h.finish().await;
    }
}

#[tokio::test]
async fn follow_ups_are_listed_reminded_when_due_and_closed() {
    let mut h = Harness::new(common::sqlite().await, "2026-11-23T10:00:00Z").await;
    h.start_bot(true).await;
    let t = team(&h);
    let thread = week_of_work(&h, &t).await;
    let mine = command(&h, t.member, t.channel, Command::new("followups")).await;
    assert!(mine.content.contains("1 open follow-up") && mine.content.contains("due 2026-11-25"), "{}", mine.content);
    let all = command(&h, t.member, t.channel, Command::new("followups").opt("scope", "all")).await;
    assert!(all.content.contains("for managers"), "{}", all.content);

    // Wednesday: the owner is reminded in the meeting's thread, once.
    h.clock.set("2026-11-25T08:00:00Z".parse::<Timestamp>().unwrap());
    let reminder = h
        .fake
        .wait_for("the reminder", |s| {
            s.messages.values().find(|m| m.channel_id == thread && m.content.contains("is due")).cloned()
        })
        .await
        .unwrap();
    assert!(reminder.content.contains(&format!("<@{}>", t.member)));
    assert_eq!(reminder.allowed_mentions.unwrap()["users"], json!([t.member.to_string()]));
    h.clock.advance(jiff::SignedDuration::from_mins(1));
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(h.fake.messages_in(thread).iter().filter(|m| m.content.contains("is due")).count(), 1);

    let id = h.app.open_follow_ups(t.guild, Some(t.member)).await.unwrap()[0].id;
    let other = command(&h, t.owner, t.channel, Command::new("followup").sub("done").opt("id", id)).await;
    assert!(other.content.contains("is done"), "the owner of the server may: {}", other.content);
    assert!(h.app.open_follow_ups(t.guild, None).await.unwrap().is_empty());
    h.finish().await;
}

#[tokio::test]
async fn forgetting_a_person_removes_their_rows_from_the_next_summary() {
    let mut h = Harness::new(common::sqlite().await, "2026-11-23T10:00:00Z").await;
    h.start_bot(true).await;
    let t = team(&h);
    week_of_work(&h, &t).await;
    let shown = command(&h, t.member, t.channel, Command::new("privacy").sub("show")).await;
    assert!(shown.content.contains("1 answers") && shown.content.contains("1 follow-ups you own"), "{}", shown.content);
    let export: serde_json::Value = serde_json::from_slice(&shown.attachments[0].bytes).unwrap();
    assert_eq!(export["answers"][0]["body"], "I think nobody will notice");

    let ask = command(&h, t.member, t.channel, Command::new("privacy").sub("forget")).await;
    let button = ask.buttons()[0].clone();
    // Someone else cannot confirm it.
    let wrong = h.fake.click(t.lead, ask.id, &button).unwrap();
    h.fake.response(wrong).await.unwrap();
    assert_eq!(h.app.personal_data(t.guild, t.member).await.unwrap().answers.len(), 1);
    let click = h.fake.click(t.member, ask.id, &button).unwrap();
    let done = h.fake.response(click).await.unwrap();
    assert_eq!(done.first_callback_type(), Some(6), "deferred: the database may take its time");
    let told = h
        .fake
        .wait_for("the question to become the answer", |s| {
            let m = s.messages.get(&ask.id)?;
            m.content.contains("deleted 1 answers").then(|| m.clone())
        })
        .await
        .unwrap();
    assert!(told.buttons().is_empty(), "the button is gone");

    let data = h.app.personal_data(t.guild, t.member).await.unwrap();
    assert!(data.answers.is_empty() && data.follow_ups_owned.is_empty());
    let report = h.app.report(t.guild, Some(Period::parse("2026-W48").unwrap()), None).await.unwrap();
    let hl = &report.this_week.headline;
    assert_eq!((hl.answers, hl.answerers, hl.with_assumption), (1, 1, 0));
    h.finish().await;
}

#[tokio::test]
async fn the_weekly_summary_is_posted_once_at_its_time() {
    let mut h = Harness::new(common::sqlite().await, "2026-11-23T10:00:00Z").await;
    h.start_bot(true).await;
    let t = team(&h);
    let summaries = h.fake.add_channel(t.guild, "summaries").unwrap();
    command(&h, t.owner, t.channel, set("summary_channel", &format!("<#{summaries}>"))).await;
    command(&h, t.owner, t.channel, set("summary_weekday", "friday")).await;
    command(&h, t.owner, t.channel, set("summary_time", "16:00")).await;
    week_of_work(&h, &t).await;
    h.clock.set("2026-11-27T16:00:00Z".parse::<Timestamp>().unwrap());
    let post = h
        .fake
        .wait_for("the weekly post", |s| s.messages.values().find(|m| m.channel_id == summaries).cloned())
        .await
        .unwrap();
    assert!(post.embeds[0]["title"].as_str().unwrap().contains("2026-W48"), "a Friday post reports its own week");
    assert!(post.text().contains("Answers 2"), "{}", post.text());
    h.stop_bot().await;
    h.clock.set("2026-11-27T16:30:00Z".parse::<Timestamp>().unwrap());
    h.start_bot(true).await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(h.fake.messages_in(summaries).len(), 1, "once per week, across restarts");
    h.finish().await;
}

#[tokio::test]
async fn old_rows_are_deleted_after_the_retention_period() {
    let mut h = Harness::new(common::sqlite().await, "2026-11-23T10:00:00Z").await;
    h.start_bot(true).await;
    let t = team(&h);
    command(&h, t.owner, t.channel, set("retention_days", "30")).await;
    week_of_work(&h, &t).await;
    h.stop_bot().await;
    h.clock.set("2027-01-10T10:00:00Z".parse::<Timestamp>().unwrap());
    let removed = h.app.forget_expired(h.clock.now()).await.unwrap();
    assert_eq!(removed, 2, "both answers; the meeting stays while its follow-up is open");
    assert!(h.app.personal_data(t.guild, t.lead).await.unwrap().answers.is_empty());
    assert_eq!(h.app.open_follow_ups(t.guild, None).await.unwrap().len(), 1, "open follow-ups are kept");
    // A guild that removed the bot is deleted after the grace period.
    h.db.store.set_guild_left(t.guild, Some(h.clock.now())).await.unwrap();
    h.clock.advance(jiff::SignedDuration::from_hours(24 * 31));
    h.app.forget_expired(h.clock.now()).await.unwrap();
    assert!(h.db.store.find_guild_settings(t.guild, &h.app.defaults).await.unwrap().is_none());
    h.finish().await;
}
