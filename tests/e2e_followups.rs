//! End to end on both databases: closing the loop with a customer. A
//! follow-up names the customer waiting on it, its closing posts a note
//! where it came from, its owner is reminded weekly while the customer
//! waits, and the week's summary counts the loops closed.

mod common;

use common::bot::{eventually, Harness};
use common::team::{command, Team};
use fake_discord::Command;
use jiff::{SignedDuration, Timestamp};

async fn team(h: &Harness) -> Team {
    let t = Team::add(h, ["Olga", "Lee", "Bob"], "customers");
    let add = Command::new("setup").sub("channel").opt("purpose", "insight").opt("channel", t.channel);
    let reply = command(h, t.owner, t.channel, add).await;
    assert!(reply.content.contains("added"), "{}", reply.content);
    t
}

async fn say(h: &Harness, user: u64, channel: u64, command: &Command) -> String {
    h.fake.response_message(h.fake.slash(user, channel, command).unwrap()).await.unwrap().content
}

/// The only follow-up open in the guild, once it is stored.
async fn open_follow_up(h: &Harness, guild: u64) -> domain::follow_up::FollowUp {
    eventually("the follow-up", || async {
        let open = h.app.open_follow_ups(guild, None).await.unwrap();
        (open.len() == 1).then(|| open[0].clone())
    })
    .await
}

#[tokio::test]
async fn a_loop_closed_is_said_where_it_began_reminded_while_waiting_and_counted() {
    for db in common::stores().await {
        let backend = db.backend;
        // Monday 23 November 2026, 09:00: the customer of the day goes out.
        let mut h = Harness::new(db, "2026-11-23T08:59:00Z").await;
        h.start_bot(true).await;
        let t = team(&h).await;
        let nine: Timestamp = "2026-11-23T09:00:00Z".parse().unwrap();
        h.pass_at(nine).await;
        let post = h.fake.messages_in(t.channel).into_iter().find(|m| !m.buttons().is_empty()).expect("the post");
        eventually("the post recorded", || async { h.db.store.post_by_message(post.id).await.unwrap() }).await;

        // Bob answers the post; a customer waits on what he will do.
        let form = h.fake.open_form(t.member, post.id).await.unwrap();
        let fields = [
            ("text", "Northwind exports by hand every month end; 2 hours lost"),
            ("follow_up", "customer: Northwind Traders, send them the export fix"),
        ];
        let thanks = h.fake.response_message(h.fake.submit_modal(t.member, t.channel, &form, &fields).unwrap()).await;
        assert!(thanks.unwrap().content.contains("is open"), "{backend}: a follow-up was opened");
        let f = open_follow_up(&h, t.guild).await;
        assert_eq!(f.body.customer.as_deref(), Some("Northwind Traders"), "{backend}");

        // While the customer waits past 14 days its owner hears once a week.
        let reminders = |h: &Harness| {
            h.fake.messages_in(t.channel).into_iter().filter(|m| m.content.contains("has waited")).count()
        };
        h.pass_at(nine + SignedDuration::from_hours(24 * 13)).await;
        assert_eq!(reminders(&h), 0, "{backend}: not before 14 days");
        h.pass_at(nine + SignedDuration::from_hours(24 * 14)).await;
        assert_eq!(reminders(&h), 1, "{backend}: at 14 days");
        h.pass_at(nine + SignedDuration::from_hours(24 * 15)).await;
        assert_eq!(reminders(&h), 1, "{backend}: once a week");
        h.pass_at(nine + SignedDuration::from_hours(24 * 21)).await;
        assert_eq!(reminders(&h), 2, "{backend}: a week later");
        let reminder = h.fake.messages_in(t.channel).into_iter().rfind(|m| m.content.contains("has waited")).unwrap();
        assert!(
            reminder.content.contains(&format!("<@{}>", t.member)) && reminder.content.contains("Northwind Traders")
        );

        // Closing it with an outcome replies to the post.
        let done = Command::new("followup")
            .sub("done")
            .opt("id", f.id)
            .opt("outcome", "Fix shipped; Northwind confirmed exports work")
            .opt("told_customer", true);
        let closed = say(&h, t.member, t.channel, &done).await;
        assert!(closed.contains(&format!("Follow-up #{} is done", f.id)), "{backend}: {closed}");
        let note = h.fake.messages_in(t.channel).into_iter().rfind(|m| m.content.contains("Loop closed")).unwrap();
        assert!(
            note.content.contains("Fix shipped") && note.content.contains("Northwind Traders was told"),
            "{backend}: {}",
            note.content
        );
        let replied_to = h.fake.read(|s| {
            s.requests.iter().rev().find_map(|r| {
                let body = r.body.as_ref()?;
                body["content"]
                    .as_str()?
                    .contains("Loop closed")
                    .then(|| body["message_reference"]["message_id"].clone())
            })
        });
        assert_eq!(replied_to, Some(serde_json::json!(post.id.to_string())), "{backend}: a reply to the post");

        // A loop closed from a meeting thread is said in that thread.
        let start = Command::new("meeting").sub("start").opt("topic", "SSO rollout");
        say(&h, t.owner, t.channel, &start).await;
        let thread = h.fake.threads_in(t.channel).last().unwrap().id;
        h.fake.say(t.member, thread, "Follow up with Globex about the SSO date").unwrap();
        let g = open_follow_up(&h, t.guild).await;
        assert_eq!(g.body.customer.as_deref(), Some("Globex"));
        let done = Command::new("followup").sub("done").opt("id", g.id).opt("told_customer", false);
        say(&h, t.member, thread, &done).await;
        let note = h.fake.messages_in(thread).into_iter().rfind(|m| m.content.contains("Loop closed")).unwrap();
        assert!(note.content.contains("Globex has not been told yet"), "{backend}: {}", note.content);

        let week = domain::period::Period::parse("2026-W51").unwrap();
        let headline = h.app.report(t.guild, Some(week), None).await.unwrap().this_week.headline;
        assert_eq!((headline.loops_closed, headline.customers_told), (2, 1), "{backend}");
        assert_eq!(headline.median_days_to_close_loop, Some(10.5), "{backend}: 21 days and 0 days");
        h.finish().await;
    }
}
