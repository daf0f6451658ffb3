//! End to end: the customer of the day, driven by a simulated clock.

mod common;

use common::bot::{eventually, Harness};
use domain::time::IsoWeek;
use fake_discord::Command;
use jiff::{SignedDuration, Timestamp};
use serde_json::json;

struct Guild {
    owner: u64,
    id: u64,
    channels: Vec<u64>,
}

fn set(setting: &str, value: &str) -> Command {
    Command::new("setup").sub("set").opt("setting", setting).opt("value", value)
}

fn add_channel(channel: u64) -> Command {
    Command::new("setup").sub("channel").opt("purpose", "insight").opt("channel", channel)
}

/// A guild whose owner sets its zone and insight channels with /setup.
async fn guild(h: &Harness, name: &str, zone: &str, channels: usize) -> Guild {
    let owner = h.fake.add_user(&format!("{name} owner"));
    let id = h.fake.add_guild(name, owner).unwrap();
    let general = h.fake.add_channel(id, "general").unwrap();
    let mut list = Vec::new();
    for n in 0..channels {
        let channel = h.fake.add_channel(id, &format!("customers-{n}")).unwrap();
        let i = h.fake.slash(owner, general, &add_channel(channel)).unwrap();
        let r = h.fake.response_message(i).await.unwrap().content;
        assert!(r.contains("added as an insight channel"), "{r}");
        list.push(channel);
    }
    let i = h.fake.slash(owner, general, &set("timezone", zone)).unwrap();
    assert!(h.fake.response_message(i).await.unwrap().content.contains("Saved"));
    Guild { owner, id, channels: list }
}

fn at(h: &Harness, time: &str) {
    h.clock.set(time.parse::<Timestamp>().unwrap());
}

/// Waits until `channel` shows `count` posts by the bot, then returns them.
async fn posts(h: &Harness, channel: u64, count: usize) -> Vec<fake_discord::state::Message> {
    h.fake
        .wait_for(&format!("{count} post(s) in channel {channel}"), |s| {
            let found: Vec<_> = s.messages.values().filter(|m| is_post(s, m, channel)).cloned().collect();
            (found.len() >= count).then_some(found)
        })
        .await
        .unwrap()
}

/// A customer-of-the-day post: the bot's, public, with an embed.
fn is_post(s: &fake_discord::state::State, m: &fake_discord::state::Message, channel: u64) -> bool {
    m.channel_id == channel && m.author_id == s.bot_id && !m.ephemeral() && !m.embeds[0].is_null()
}

fn bot_posts(h: &Harness, channel: u64) -> usize {
    h.fake.read(|s| s.messages.values().filter(|m| is_post(s, m, channel)).count())
}

/// Lets the scheduler run a few ticks at the current time.
async fn settle(h: &Harness) {
    for _ in 0..3 {
        h.clock.advance(SignedDuration::from_secs(1));
        tokio::time::sleep(std::time::Duration::from_millis(150)).await;
    }
}

#[tokio::test]
async fn each_insight_channel_gets_one_post_at_local_time_across_zones_and_restarts() {
    // Monday 2026-11-23, 06:00 UTC: 07:00 in Berlin, 01:00 in New York.
    let mut h = Harness::new(common::sqlite().await, "2026-11-23T06:00:00Z").await;
    h.start_bot(true).await;
    let berlin = guild(&h, "Berlin team", "Europe/Berlin", 2).await;
    let ny = guild(&h, "NY team", "America/New_York", 1).await;
    settle(&h).await;
    assert_eq!(bot_posts(&h, berlin.channels[0]) + bot_posts(&h, ny.channels[0]), 0, "nothing before 09:00 local");

    at(&h, "2026-11-23T08:00:00Z"); // 09:00 Berlin
    for &c in &berlin.channels {
        let post = &posts(&h, c, 1).await[0];
        assert!(post.content.contains("Customer of the day"), "{}", post.content);
        assert!(post.text().contains("Evidence"), "{}", post.text());
        assert!(post.buttons()[0].starts_with("answer:p:"));
    }
    let first: Vec<String> =
        berlin.channels.iter().map(|&c| posts_sync(&h, c)[0].embeds[0]["title"].to_string()).collect();
    assert_ne!(first[0], first[1], "two channels, two different insights");
    settle(&h).await;
    assert_eq!(bot_posts(&h, ny.channels[0]), 0, "03:00 in New York");

    // A restart in the middle of the day posts nothing twice.
    h.stop_bot().await;
    at(&h, "2026-11-23T11:00:00Z");
    h.start_bot(true).await;
    at(&h, "2026-11-23T14:00:00Z"); // 09:00 New York
    posts(&h, ny.channels[0], 1).await;
    settle(&h).await;
    for &c in &berlin.channels {
        assert_eq!(bot_posts(&h, c), 1, "Berlin posted once today");
    }
    assert_eq!(bot_posts(&h, ny.channels[0]), 1);

    // The next day brings the next insight.
    at(&h, "2026-11-24T08:00:00Z");
    let both = posts(&h, berlin.channels[0], 2).await;
    assert_ne!(both[0].embeds[0]["title"], both[1].embeds[0]["title"]);

    // Every post went out with a nonce Discord enforces.
    let sends: Vec<_> = h.fake.read(|s| {
        s.requests
            .iter()
            .filter(|r| r.method == "POST" && r.path == format!("/channels/{}/messages", berlin.channels[0]))
            .cloned()
            .collect()
    });
    assert!(sends
        .iter()
        .all(|r| r.body.as_ref().unwrap()["enforce_nonce"] == true && r.body.as_ref().unwrap()["nonce"].is_string()));
    let _ = (berlin.owner, berlin.id, ny.owner, ny.id);
    h.finish().await;
}

fn posts_sync(h: &Harness, channel: u64) -> Vec<fake_discord::state::Message> {
    h.fake.read(|s| s.messages.values().filter(|m| is_post(s, m, channel)).cloned().collect())
}

#[tokio::test]
async fn a_failed_send_is_finished_later_with_the_same_nonce_and_posted_once() {
    let mut h = Harness::new(common::sqlite().await, "2026-11-23T08:30:00Z").await;
    h.start_bot(true).await;
    let g = guild(&h, "Flaky", "UTC", 1).await;
    let channel = g.channels[0];
    h.fake.fail_next("POST", &format!("/channels/{channel}/messages"), 500, 50);
    at(&h, "2026-11-23T09:00:00Z");
    h.fake
        .wait_for("a failed attempt", |s| {
            s.requests.iter().any(|r| r.path == format!("/channels/{channel}/messages")).then_some(())
        })
        .await
        .unwrap();
    settle(&h).await;
    assert_eq!(bot_posts(&h, channel), 0);
    h.fake.read(|s| assert!(!s.faults.is_empty(), "still failing"));
    // Discord recovers; the claimed post is finished, once.
    h.fake.clear_faults();
    h.clock.advance(SignedDuration::from_mins(5));
    posts(&h, channel, 1).await;
    settle(&h).await;
    assert_eq!(bot_posts(&h, channel), 1);
    let nonces: std::collections::HashSet<String> = h.fake.read(|s| {
        s.requests
            .iter()
            .filter(|r| r.method == "POST" && r.path == format!("/channels/{channel}/messages"))
            .map(|r| r.body.as_ref().unwrap()["nonce"].to_string())
            .collect()
    });
    assert_eq!(nonces.len(), 1, "every attempt used the same nonce");
    h.finish().await;
}

#[tokio::test]
async fn answers_and_reactions_on_the_daily_post_are_logged() {
    let mut h = Harness::new(common::sqlite().await, "2026-11-23T09:00:00Z").await;
    h.start_bot(true).await;
    let g = guild(&h, "Engaged", "UTC", 1).await;
    let carol = h.fake.add_user("Carol");
    h.fake.join(g.id, carol, &[]);
    h.clock.advance(SignedDuration::from_secs(1));
    let post = posts(&h, g.channels[0], 1).await.remove(0);
    // People react once they see the post; the fake shows it before the
    // bot has read Discord's answer, so wait until the bot knows its id.
    eventually("the post recorded", || async { h.db.store.post_by_message(post.id).await.unwrap() }).await;

    let modal_id = h.fake.open_form(carol, post.id).await.expect("the answer modal opens");
    let submit = h
        .fake
        .submit_modal(
            carol,
            g.channels[0],
            &modal_id,
            &[
                ("text", "Our export fix saves them 2 hours a week"),
                ("impact", "helps"),
                ("segments", "smb"),
                ("follow_up", ""),
            ],
        )
        .unwrap();
    let thanks = h.fake.response_message(submit).await.unwrap();
    assert!(
        thanks.ephemeral() && thanks.content.contains("logged") && thanks.content.contains("evidence"),
        "{}",
        thanks.content
    );

    h.fake.react(carol, post.id, "👍").unwrap();
    h.fake.react(carol, post.id, "🔥").unwrap();
    // Removed at once: the bot may see the removal before the add.
    h.fake.unreact(carol, post.id, "🔥").unwrap();
    let (start, end) = IsoWeek::parse("2026-W48").unwrap().window(&domain::time::Zone::utc());
    // Both reactions are logged, and the removal too.
    let reactions = eventually("two reactions, one removed", || async {
        let r = h.app.personal_data(g.id, carol).await.unwrap().reactions;
        (r.len() == 2 && r.iter().any(|r| r.removed_at.is_some())).then_some(r)
    })
    .await;
    assert_eq!(reactions.iter().find(|r| r.removed_at.is_some()).unwrap().emoji, "🔥");
    let counts = eventually("the answer", || async {
        let c = common::headline(&h.db.store, g.id, start, end).await;
        (c.answers == 1).then_some(c)
    })
    .await;
    assert_eq!(counts.post_reactions, 1, "the removed one no longer counts");
    assert_eq!((counts.insight_posts, counts.with_evidence, counts.post_answers, counts.people_engaged), (1, 1, 1, 1));
    h.finish().await;
}

#[tokio::test]
async fn a_missed_post_is_caught_up_only_within_the_window() {
    let mut h = Harness::new(common::sqlite().await, "2026-11-23T08:00:00Z").await;
    h.start_bot(true).await;
    let late = guild(&h, "Late", "UTC", 1).await;
    h.stop_bot().await;
    // Down at 09:00; back at 10:30, within the default 120-minute window.
    at(&h, "2026-11-23T10:30:00Z");
    h.start_bot(true).await;
    posts(&h, late.channels[0], 1).await;
    h.stop_bot().await;
    // Down all of Tuesday morning; back at 11:30, past the window.
    at(&h, "2026-11-24T11:30:00Z");
    h.start_bot(true).await;
    settle(&h).await;
    assert_eq!(bot_posts(&h, late.channels[0]), 1, "Tuesday's post is skipped, not posted late");
    h.finish().await;
}

#[tokio::test]
async fn the_post_mentions_the_chosen_role_and_nobody_else() {
    let mut h = Harness::new(common::sqlite().await, "2026-11-23T08:00:00Z").await;
    h.start_bot(true).await;
    let g = guild(&h, "Pinged", "UTC", 1).await;
    let role = h.fake.add_role(g.id, "customer-champions", 0);
    let general = h.fake.read(|s| s.channels.values().find(|c| c.guild_id == g.id && c.name == "general").unwrap().id);
    let i = h.fake.slash(g.owner, general, &set("mention_role", &format!("<@&{role}>"))).unwrap();
    assert!(h.fake.response_message(i).await.unwrap().content.contains("Saved"));
    at(&h, "2026-11-23T09:00:00Z");
    let post = posts(&h, g.channels[0], 1).await.remove(0);
    assert!(post.content.starts_with(&format!("<@&{role}>")), "{}", post.content);
    let allowed = post.allowed_mentions.unwrap();
    assert_eq!((allowed["parse"].clone(), allowed["roles"].clone()), (json!([]), json!([role.to_string()])));
    h.finish().await;
}

#[tokio::test]
async fn a_channel_whose_send_hangs_holds_up_no_other_and_the_stop_keeps_its_timeout() {
    let settings = [("ADVOCATE_SHUTDOWN_TIMEOUT", "2s"), ("ADVOCATE_HTTP_TIMEOUT", "3s")];
    let mut h = Harness::with_settings(common::sqlite().await, "2026-11-23T06:00:00Z", &settings).await;
    h.start_bot(true).await;
    let g = guild(&h, "Hanging", "UTC", 3).await;
    h.fake.hang_next("POST", &format!("/channels/{}/messages", g.channels[0]), 1);
    at(&h, "2026-11-23T09:00:00Z");
    for channel in &g.channels[1..] {
        posts(&h, *channel, 1).await;
    }
    assert_eq!(bot_posts(&h, g.channels[0]), 0, "its send never returns");
    // The request times out; a later pass sends the post, once.
    eventually("the hung channel's post", || async {
        settle(&h).await;
        (bot_posts(&h, g.channels[0]) == 1).then_some(())
    })
    .await;
    h.fake.hang_next("POST", &format!("/channels/{}/messages", g.channels[0]), 1);
    at(&h, "2026-11-24T09:00:00Z");
    posts(&h, g.channels[1], 2).await;
    let stopped = tokio::time::timeout(std::time::Duration::from_secs(10), h.stop_bot()).await;
    assert!(stopped.is_ok(), "the stop ended within its timeout despite the hanging send");
    h.finish().await;
}

/// The bot stopped after Discord took the post and before the record was
/// written, and stayed down past Discord's nonce memory: on restart it
/// finds its post in the channel and adopts it rather than posting again.
#[tokio::test]
async fn a_post_sent_but_not_recorded_is_adopted_after_a_long_stop_not_posted_twice() {
    use store::SqliteFault;
    let settings = [("ADVOCATE_SHUTDOWN_TIMEOUT", "1s")];
    let mut h = Harness::with_settings(common::sqlite().await, "2026-11-23T06:00:00Z", &settings).await;
    h.start_bot(true).await;
    let g = guild(&h, "Crashy", "UTC", 1).await;
    let channel = g.channels[0];
    // The database fails the moment Discord accepts the post.
    let store = h.db.store.clone();
    h.fake.set_validator(std::sync::Arc::new(move |method, path, body| {
        if method == "POST" && path.ends_with("/messages") && body.is_some_and(|b| b["embeds"].is_array()) {
            store.inflict(SqliteFault::ReadOnly);
        }
        Ok(())
    }));
    at(&h, "2026-11-23T09:00:00Z");
    posts(&h, channel, 1).await;
    h.stop_bot().await;
    h.db.store.inflict(SqliteFault::None);
    let unrecorded = h.db.store.unfinished_posts("2026-11-23T00:00:00Z".parse().unwrap()).await.unwrap();
    assert_eq!(unrecorded.len(), 1, "the post went out but was not recorded");

    h.fake.forget_nonces();
    at(&h, "2026-11-23T11:00:00Z");
    h.start_bot(true).await;
    let posted = eventually("the post to be adopted", || async {
        let posts = h.db.store.unfinished_posts("2026-11-23T00:00:00Z".parse().unwrap()).await.unwrap();
        posts.is_empty().then_some(())
    });
    posted.await;
    settle(&h).await;
    assert_eq!(bot_posts(&h, channel), 1, "posted once");
    h.finish().await;
}

/// Many channels due at the same minute under Discord's global limit
/// (the fake answers past it with global 429s): each is posted exactly
/// once. The pacing itself is tested in `discord::pace`; the `fanout`
/// bench counts the 429s at scale.
#[tokio::test]
async fn a_fan_out_under_discords_global_limit_posts_each_channel_once() {
    let settings = [("ADVOCATE_DISCORD_RATE", "20")];
    let mut h = Harness::with_settings(common::sqlite().await, "2026-11-23T06:00:00Z", &settings).await;
    h.start_bot(true).await;
    let g = guild(&h, "Fan-out", "UTC", 0).await; // posting at 09:00, the default
    let channels: Vec<u64> = (0..50).map(|n| h.fake.add_channel(g.id, &format!("c{n}")).unwrap()).collect();
    for &c in &channels {
        let purpose = domain::settings::ChannelPurpose::Insight;
        h.db.store.set_channel(g.id, c, purpose, true).await.unwrap();
    }
    h.fake.set_global_limit(20);
    at(&h, "2026-11-23T09:00:30Z");
    for &c in &channels {
        posts(&h, c, 1).await;
    }
    settle(&h).await;
    for &c in &channels {
        assert_eq!(bot_posts(&h, c), 1, "channel {c}");
    }
    h.finish().await;
}
