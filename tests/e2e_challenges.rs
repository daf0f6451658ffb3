//! End to end on both databases: a teammate's 📊 on an answer asks its
//! author for data once; evidence through the form validates it, a manager
//! may refute one; the recap lists those still open; the summary counts.

mod common;

use common::bot::{eventually, Harness};
use common::team::Team;
use fake_discord::state::Message;
use fake_discord::Command;

/// The bot's challenge questions in a thread.
fn challenges(h: &Harness, thread: u64) -> Vec<Message> {
    h.fake.messages_in(thread).into_iter().filter(|m| m.content.contains("asks for the data")).collect()
}

/// Waits until the thread holds `n` challenge questions.
async fn questions(h: &Harness, thread: u64, n: usize) {
    h.fake
        .wait_for(&format!("{n} challenge question(s)"), |s| {
            let asked =
                s.messages.values().filter(|m| m.channel_id == thread && m.content.contains("asks for the data"));
            (asked.count() >= n).then_some(())
        })
        .await
        .unwrap();
}

#[tokio::test]
async fn a_challenged_assumption_is_asked_once_validated_with_evidence_or_refuted_and_counted() {
    for db in common::stores().await {
        let backend = db.backend;
        let mut h = Harness::new(db, "2026-11-23T10:00:00Z").await;
        h.start_bot(true).await;
        let t = Team::add(&h, ["Alice", "Bob", "Carol"], "product");
        let (alice, bob, carol, guild, channel) = (t.owner, t.lead, t.member, t.guild, t.channel);
        let start = Command::new("meeting").sub("start").opt("topic", "Pricing");
        h.fake.response_message(h.fake.slash(alice, channel, &start).unwrap()).await.unwrap();
        let thread = h.fake.threads_in(channel).last().unwrap().id;
        let guessed = h.fake.say(bob, thread, "I think small shops will not mind the new price").unwrap();
        let hunch = h.fake.say(carol, thread, "Probably nobody uses the old plan").unwrap();
        let week = domain::period::Period::parse("2026-W48").unwrap();
        eventually("the answers", || async {
            (h.app.report(guild, Some(week), None).await.unwrap().this_week.headline.answers == 2).then_some(())
        })
        .await;

        // 📊 asks the author once, whoever else adds it.
        h.fake.react(alice, guessed, "📊").unwrap();
        let asked = h.fake.wait_for("the question", |s| {
            s.messages.values().find(|m| m.channel_id == thread && m.content.contains("asks for the data")).cloned()
        });
        let asked = asked.await.unwrap();
        assert!(asked.content.contains(&format!("<@{bob}>")), "{backend}: {}", asked.content);
        assert_eq!(asked.allowed_mentions.as_ref().unwrap()["users"], serde_json::json!([bob.to_string()]));
        h.fake.react(carol, guessed, "📊").unwrap();
        h.fake.react(alice, guessed, "👍").unwrap();
        h.fake.react(alice, hunch, "📊").unwrap();
        questions(&h, thread, 2).await;
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        assert_eq!(challenges(&h, thread).len(), 2, "{backend}: one question per answer");

        // Bob adds evidence through the form: words alone are not enough.
        let form = h.fake.open_form(bob, asked.id).await.unwrap();
        let submit = |text: &str| h.fake.submit_modal(bob, thread, &form, &[("evidence", text)]).unwrap();
        let refused = h.fake.response_message(submit("trust me")).await.unwrap();
        assert!(refused.content.contains("does not read as evidence"), "{backend}: {}", refused.content);
        let thanks =
            h.fake.response_message(submit("Survey: 42% of small shops said the price is fine")).await.unwrap();
        assert!(thanks.content.contains("validated"), "{backend}: {}", thanks.content);

        // Alice's is answered by her next reply with evidence.
        let alices = h.fake.say(alice, thread, "It should be fine for most teams").unwrap();
        eventually("Alice's answer", || async {
            (h.app.report(guild, Some(week), None).await.unwrap().this_week.headline.answers == 3).then_some(())
        })
        .await;
        h.fake.react(bob, alices, "📊").unwrap();
        questions(&h, thread, 3).await;
        h.fake.say(alice, thread, "Ticket ABC-123: 40 accounts asked for exactly this").unwrap();
        eventually("validated by the reply", || async {
            let hl = h.app.report(guild, Some(week), None).await.unwrap().this_week.headline;
            (hl.assumptions_validated == 2).then_some(())
        })
        .await;

        // Carol's stays open: the recap lists it; a manager refutes it.
        let close = h.fake.slash(alice, thread, &Command::new("meeting").sub("close")).unwrap();
        h.fake.response_message(close).await.unwrap();
        let recap = h.fake.messages_in(thread).last().unwrap().content.clone();
        assert!(recap.contains("Still waiting for data") && recap.contains("Probably nobody"), "{backend}: {recap}");
        assert!(
            !recap.contains("small shops") && !recap.contains("most teams"),
            "{backend}: validated ones are not listed: {recap}"
        );
        let carols = challenges(&h, thread).into_iter().find(|m| m.content.contains("Probably")).unwrap();
        let id: i64 = carols.content.split("answer #").nth(1).unwrap().split(':').next().unwrap().parse().unwrap();
        let refute =
            Command::new("assumption").sub("refute").opt("answer", id).opt("note", "Usage shows 300 accounts on it");
        let refused = h.fake.response_message(h.fake.slash(bob, thread, &refute).unwrap()).await.unwrap();
        assert!(refused.content.contains("for managers"), "{backend}: {}", refused.content);
        let done = h.fake.response_message(h.fake.slash(alice, thread, &refute).unwrap()).await.unwrap();
        assert!(done.content.contains(&format!("Answer #{id} is refuted")), "{backend}: {}", done.content);

        let h2 = h.app.report(guild, Some(week), None).await.unwrap().this_week.headline;
        assert_eq!(
            (h2.assumptions_challenged, h2.assumptions_validated, h2.assumptions_refuted, h2.assumptions_open),
            (3, 2, 1, 0),
            "{backend}"
        );
        h.finish().await;
    }
}
