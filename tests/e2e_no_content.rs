//! Message Content is privileged: the bot must work without it.

mod common;

use common::bot::{eventually, Harness};
use common::team::Team;
use fake_discord::Command;

#[tokio::test]
async fn without_message_content_the_bot_falls_back_and_answers_still_arrive() {
    let h = Harness::new(common::sqlite().await, "2026-11-23T10:00:00Z").await;
    h.fake.allow_message_content(false);
    let t = Team::add(&h, ["Alice", "Lee", "Bob"], "product");
    let (alice, bob, channel) = (t.owner, t.member, t.channel);

    // The production entry point: asks for Message Content, is refused
    // (close 4014), and reconnects without it.
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let (app, config) = (h.app.clone(), h.config.clone());
    let bot = tokio::spawn(async move {
        discord::serve(app, &config, async {
            let _ = stop_rx.await;
        })
        .await
    });
    h.fake.wait_connected(1).await.unwrap();
    h.fake.wait_for("commands", |s| (!s.commands.is_empty()).then_some(())).await.unwrap();
    let intents = h.fake.gateway_stats().2;
    assert_eq!(intents & fake_discord::MESSAGE_CONTENT_INTENT, 0, "connected without Message Content");

    let i = h.fake.slash(alice, channel, &Command::new("meeting").sub("start").opt("topic", "Billing")).unwrap();
    h.fake.response_message(i).await.unwrap();
    let thread = h.fake.threads_in(channel)[0].id;
    let meeting = h.db.store.meeting_by_thread(thread).await.unwrap().unwrap();
    let prompt =
        h.fake.wait_for("the prompt", |s| s.messages.values().find(|m| m.channel_id == thread).cloned()).await.unwrap();

    // A plain reply arrives with empty content: nothing to log.
    h.fake.say(bob, thread, "invoices fail for 30 customers").unwrap();
    // A reply that mentions the bot carries its content.
    let bot_id = h.fake.bot_id();
    h.fake.say(bob, thread, &format!("<@{bot_id}> see ticket #4410, 12 accounts affected")).unwrap();
    // The modal works as always.
    let id = h.fake.open_form(alice, prompt.id).await.unwrap();
    let submit =
        h.fake.submit_modal(alice, thread, &id, &[("text", "Probably fine for SMB"), ("impact", "neutral")]).unwrap();
    assert!(h.fake.response_message(submit).await.unwrap().content.contains("logged"));

    let stats = eventually("two answers", || async {
        let s = h.db.store.meeting_stats(meeting.id).await.unwrap();
        (s.answers == 2).then_some(s)
    })
    .await;
    assert_eq!((stats.answerers, stats.with_evidence, stats.with_assumption), (2, 1, 1));
    stop_tx.send(()).unwrap();
    bot.await.unwrap().unwrap();
    assert!(h.fake.violations().is_empty(), "{:?}", h.fake.violations());
    h.db.finish().await;
}

#[tokio::test]
async fn help_says_how_to_answer() {
    let mut h = Harness::new(common::sqlite().await, "2026-11-23T10:00:00Z").await;
    let alice = h.fake.add_user("Alice");
    let guild = h.fake.add_guild("Acme", alice).unwrap();
    let channel = h.fake.add_channel(guild, "product").unwrap();
    h.start_bot(false).await;
    let i = h.fake.slash(alice, channel, &Command::new("help")).unwrap();
    let reply = h.fake.response_message(i).await.unwrap();
    assert!(reply.ephemeral() && reply.content.contains("/meeting start"), "{}", reply.content);
    assert!(reply.content.contains("answer with the **Answer** button"), "{}", reply.content);
    assert!(reply.content.chars().count() <= 2000);
    h.finish().await;
}
