//! End to end: suggesting, reviewing and retiring insights; who may do what.

mod common;

use common::bot::Harness;
use common::team::Team;
use fake_discord::Command;

const NOW: &str = "2026-11-23T10:00:00Z";

/// Owner (Manage Server), a lead with the manager role, a plain member.
async fn team(h: &Harness) -> Team {
    Team::add(h, ["Olga", "Lee", "Mo"], "product").with_manager_role(h).await
}

async fn reply(h: &Harness, i: u64) -> fake_discord::state::Message {
    h.fake.response_message(i).await.unwrap()
}

#[tokio::test]
async fn a_member_is_refused_manager_and_setup_commands_privately() {
    let mut h = Harness::new(common::sqlite().await, NOW).await;
    h.start_bot(true).await;
    let t = team(&h).await;
    let review = h.fake.slash(t.member, t.channel, &Command::new("insight").sub("review")).unwrap();
    let refused = reply(&h, review).await;
    assert!(refused.ephemeral() && refused.content.contains("for managers"), "{}", refused.content);
    let setup = h.fake.slash(t.lead, t.channel, &Command::new("setup").sub("show")).unwrap();
    let refused = reply(&h, setup).await;
    assert!(refused.ephemeral() && refused.content.contains("Manage Server"), "{}", refused.content);
    // The lead's role is enough for managers' commands.
    let review = h.fake.slash(t.lead, t.channel, &Command::new("insight").sub("review")).unwrap();
    assert!(reply(&h, review).await.content.contains("No suggestions are waiting"));
    let show = h.fake.slash(t.owner, t.channel, &Command::new("setup").sub("show")).unwrap();
    assert!(reply(&h, show).await.content.contains("timezone: UTC"));
    h.finish().await;
}

/// Discord itself shows /setup and the managers' commands only to members
/// with Manage Server until an admin allows the manager role (Server
/// Settings → Integrations); the bot still checks on every call.
#[tokio::test]
async fn setup_and_managers_commands_carry_discords_own_permission_gate() {
    let mut h = Harness::new(common::sqlite().await, NOW).await;
    h.start_bot(true).await;
    let commands = h.fake.wait_for("commands", |s| (!s.commands.is_empty()).then(|| s.commands.clone())).await.unwrap();
    let gate = |name: &str| {
        let command = commands.iter().find(|c| c["name"] == name).unwrap_or_else(|| panic!("/{name} is registered"));
        command["default_member_permissions"].as_str().map(str::to_string)
    };
    let manage_server = Some("32".to_string());
    for name in ["setup", "summary", "dashboard", "assumption"] {
        assert_eq!(gate(name), manage_server, "/{name}");
    }
    for name in ["help", "meeting", "insight", "followups", "followup", "privacy"] {
        assert_eq!(gate(name), None, "/{name} is for everyone");
    }
    // What Discord shows under a command is the prompts' text for it.
    let help = commands.iter().find(|c| c["name"] == "help").unwrap();
    assert_eq!(help["description"], h.app.prompts.texts.text("commands.help"));
    h.finish().await;
}

#[tokio::test]
async fn a_bad_setting_is_refused_with_what_is_valid() {
    let mut h = Harness::new(common::sqlite().await, NOW).await;
    h.start_bot(true).await;
    let t = team(&h).await;
    let set = Command::new("setup").sub("set").opt("setting", "timezone").opt("value", "Mars/Base");
    let i = h.fake.slash(t.owner, t.channel, &set).unwrap();
    let r = reply(&h, i).await;
    assert!(
        r.ephemeral() && r.content.contains("not an IANA time zone") && r.content.contains("Europe/Berlin"),
        "{}",
        r.content
    );
    assert_eq!(h.app.settings(t.guild).await.unwrap().zone.name(), "UTC", "nothing changed");
    h.finish().await;
}

fn suggest(h: &Harness, user: u64, channel: u64) -> u64 {
    let add = Command::new("insight").sub("add").opt("source", "support ticket").opt("segment", "Public sector");
    h.fake.slash(user, channel, &add).unwrap()
}

const PERMITS: [(&str, &str); 5] = [
    ("title", "Permits stuck in review"),
    ("customer", "A city planning office"),
    ("story", "They wait weeks for a permit status and call us to ask."),
    ("evidence", "Tickets #5512 and #5530"),
    ("question", "What would a status page change for them?"),
];

async fn fill_form(h: &Harness, user: u64, channel: u64, i: u64) -> fake_discord::state::Message {
    fill_form_with(h, user, channel, i, &PERMITS).await
}

async fn fill_form_with(
    h: &Harness,
    user: u64,
    channel: u64,
    i: u64,
    fields: &[(&str, &str)],
) -> fake_discord::state::Message {
    let id = h.fake.response(i).await.unwrap().modal_id().expect("the suggestion form opens");
    let submit = h.fake.submit_modal(user, channel, &id, fields).unwrap();
    reply(h, submit).await
}

#[tokio::test]
async fn a_members_suggestion_waits_for_review_and_the_member_is_told() {
    let mut h = Harness::new(common::sqlite().await, NOW).await;
    h.start_bot(true).await;
    let t = team(&h).await;
    let thanks = fill_form(&h, t.member, t.channel, suggest(&h, t.member, t.channel)).await;
    assert!(thanks.content.contains("waiting for a manager's review"), "{}", thanks.content);
    let pending = h.db.store.list_insights(t.guild, Some(domain::insight::InsightStatus::Pending)).await.unwrap();
    assert_eq!(pending.len(), 1);
    let id = pending[0].id;
    assert_eq!(pending[0].body.segment.as_str(), "public-sector");
    assert!(!h.db.store.rotation_pool(t.guild).await.unwrap().iter().any(|c| c.id == id), "not posted before review");

    let decide = Command::new("insight").sub("review").opt("id", id).opt("decision", "approve");
    let i = h.fake.slash(t.lead, t.channel, &decide).unwrap();
    assert!(reply(&h, i).await.content.contains("approved"));
    assert!(h.db.store.rotation_pool(t.guild).await.unwrap().iter().any(|c| c.id == id && c.own));
    let dm = h.fake.wait_for("the DM to the member", |s| s.dm_channel(t.member)).await.unwrap();
    let told = h.fake.messages_in(dm);
    assert!(
        told[0].content.contains("Permits stuck in review") && told[0].content.contains("approved"),
        "{:?}",
        told[0].content
    );
    h.finish().await;
}

#[tokio::test]
async fn a_managers_insight_goes_live_and_can_be_posted_and_retired() {
    let mut h = Harness::new(common::sqlite().await, NOW).await;
    h.start_bot(true).await;
    let t = team(&h).await;
    let thanks = fill_form(&h, t.lead, t.channel, suggest(&h, t.lead, t.channel)).await;
    assert!(thanks.content.contains("is live"), "{}", thanks.content);

    let today = h.fake.slash(t.member, t.channel, &Command::new("insight").sub("today")).unwrap();
    assert!(reply(&h, today).await.content.contains("Posted"));
    let posted = h.fake.messages_in(t.channel);
    let post = posted.iter().find(|m| !m.embeds.as_array().unwrap().is_empty()).expect("an insight post");
    assert!(post.text().contains("Permits stuck in review"), "the guild's own comes first: {}", post.text());

    let own =
        h.db.store.list_insights(t.guild, None).await.unwrap().into_iter().find(|i| i.guild_id.is_some()).unwrap();
    let retire = h.fake.slash(t.member, t.channel, &Command::new("insight").sub("retire").opt("id", own.id)).unwrap();
    assert!(reply(&h, retire).await.content.contains("for managers"));
    let retire = h.fake.slash(t.lead, t.channel, &Command::new("insight").sub("retire").opt("id", own.id)).unwrap();
    assert!(reply(&h, retire).await.content.contains("retired"));
    assert!(!h.db.store.rotation_pool(t.guild).await.unwrap().iter().any(|c| c.id == own.id));
    h.finish().await;
}

#[tokio::test]
async fn a_refusal_is_one_private_message() {
    let mut h = Harness::new(common::sqlite().await, NOW).await;
    h.start_bot(true).await;
    let t = team(&h).await;
    let i = h.fake.slash(t.member, t.channel, &Command::new("insight").sub("review")).unwrap();
    reply(&h, i).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let interaction = h.fake.read(|s| s.interactions[&i].clone());
    assert_eq!((interaction.callbacks.len(), interaction.followups.len()), (1, 0), "{interaction:?}");
    h.finish().await;
}

#[tokio::test]
async fn a_manager_imports_a_feedback_csv_and_a_bad_one_imports_nothing() {
    let mut h = Harness::new(common::sqlite().await, NOW).await;
    h.start_bot(true).await;
    let t = team(&h).await;
    let import = |file: u64| Command::new("insight").sub("import").opt("file", file);
    let bad = h.fake.upload("bad.csv", b"customer,comment,score\nA,fine,9\nB,slow,eleven\n");
    let r = reply(&h, h.fake.slash(t.lead, t.channel, &import(bad)).unwrap()).await;
    assert!(
        r.ephemeral() && r.content.contains("line 3: score `eleven`") && r.content.contains("Nothing was imported"),
        "{}",
        r.content
    );
    let own = |h: &Harness| {
        let store = h.db.store.clone();
        let guild = t.guild;
        async move { store.list_insights(guild, None).await.unwrap().into_iter().filter(|i| i.guild_id.is_some()).count() }
    };
    assert_eq!(own(&h).await, 0);

    let sample = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/prompts/samples/feedback.csv")).unwrap();
    let good = h.fake.upload("feedback.csv", &sample);
    let r = reply(&h, h.fake.slash(t.lead, t.channel, &import(good)).unwrap()).await;
    assert!(r.content.contains("Imported 5 insight(s)"), "{}", r.content);
    assert_eq!(own(&h).await, 5);
    let refused = reply(&h, h.fake.slash(t.member, t.channel, &import(good)).unwrap()).await;
    assert!(refused.content.contains("for managers"));
    h.finish().await;
}

#[tokio::test]
async fn with_a_development_guild_commands_are_registered_there_only() {
    let mut h = Harness::new(common::sqlite().await, NOW).await;
    let owner = h.fake.add_user("Olga");
    let guild = h.fake.add_guild("Dev", owner).unwrap();
    h.config.dev_guild = Some(guild);
    h.start_bot(true).await;
    let registrations: Vec<String> = h.fake.read(|s| {
        s.requests
            .iter()
            .filter(|r| r.method == "PUT" && r.path.ends_with("/commands"))
            .map(|r| r.path.clone())
            .collect()
    });
    assert_eq!(registrations.len(), 1);
    assert!(registrations[0].ends_with(&format!("/guilds/{guild}/commands")), "{registrations:?}");
    h.finish().await;
}

#[tokio::test]
async fn a_process_can_run_a_chosen_shard_range() {
    let mut h = Harness::new(common::sqlite().await, NOW).await;
    h.config.shards = Some(app::config::ShardRange { first: 0, last: 0, total: 1 });
    h.start_bot(true).await;
    let t = team(&h).await;
    let show = h.fake.slash(t.owner, t.channel, &Command::new("setup").sub("show")).unwrap();
    assert!(reply(&h, show).await.content.contains("timezone: UTC"));
    h.finish().await;
}

#[tokio::test]
async fn an_insight_with_every_field_at_its_maximum_is_posted_within_discords_limits() {
    let mut h = Harness::new(common::sqlite().await, NOW).await;
    h.start_bot(true).await;
    let t = team(&h).await;
    let longest: Vec<(&str, String)> =
        domain::insight::LIMITS.iter().filter(|(f, _)| *f != "tags").map(|(f, max)| (*f, "W".repeat(*max))).collect();
    let fields: Vec<(&str, &str)> = longest.iter().map(|(f, v)| (*f, v.as_str())).collect();
    let thanks = fill_form_with(&h, t.lead, t.channel, suggest(&h, t.lead, t.channel), &fields).await;
    assert!(thanks.content.contains("is live"), "{}", thanks.content);
    let today = h.fake.slash(t.member, t.channel, &Command::new("insight").sub("today")).unwrap();
    assert!(reply(&h, today).await.content.contains("Posted"));
    let post = h.fake.messages_in(t.channel).into_iter().find(|m| !m.embeds.as_array().unwrap().is_empty()).unwrap();
    let title = post.embeds[0]["title"].as_str().unwrap();
    assert!(title.chars().count() == 256 && title.ends_with('…'), "the title is cut to Discord's 256: {title}");
    assert!(post.text().contains(&"W".repeat(1000)), "the story is whole");
    h.finish().await; // fails on any request Discord would refuse
}

/// Waits until `message` reads `wanted` (the bot edits it after a button).
async fn edited_to(h: &Harness, message: u64, wanted: &str) -> String {
    h.fake
        .wait_for(&format!("message {message} to say {wanted}"), |s| {
            let content = &s.messages[&message].content;
            content.contains(wanted).then(|| content.clone())
        })
        .await
        .unwrap()
}

#[tokio::test]
async fn a_look_alike_suggestion_is_confirmed_before_saving_and_an_edit_changes_future_posts_only() {
    let mut h = Harness::new(common::sqlite().await, NOW).await;
    h.start_bot(true).await;
    let t = team(&h).await;
    let saved = fill_form(&h, t.lead, t.channel, suggest(&h, t.lead, t.channel)).await;
    assert!(saved.content.contains("is live"), "{}", saved.content);
    let own = |h: &Harness| {
        let store = h.db.store.clone();
        let guild = t.guild;
        async move {
            let all = store.list_insights(guild, None).await.unwrap();
            all.into_iter().filter(|i| i.guild_id.is_some()).collect::<Vec<_>>()
        }
    };
    let permits = own(&h).await[0].id;

    // The same title but for case and punctuation: shown, not saved.
    let mut again = PERMITS;
    again[0].1 = "PERMITS -- stuck in review!";
    again[1].1 = "A county office";
    let asked = fill_form_with(&h, t.member, t.channel, suggest(&h, t.member, t.channel), &again).await;
    assert!(
        asked.content.contains("looks like") && asked.content.contains(&format!("#{permits} Permits stuck in review")),
        "{}",
        asked.content
    );
    assert_eq!(own(&h).await.len(), 1, "nothing saved before the member confirms");
    let buttons = asked.buttons();
    let save = buttons.iter().find(|b| b.contains(":save:")).unwrap();
    // Only its author can confirm it.
    h.fake.click(t.lead, asked.id, save).unwrap();
    edited_to(&h, asked.id, "send it again with /insight add").await;
    assert_eq!(own(&h).await.len(), 1);

    let asked = fill_form_with(&h, t.member, t.channel, suggest(&h, t.member, t.channel), &again).await;
    let save = asked.buttons().into_iter().find(|b| b.contains(":save:")).unwrap();
    h.fake.click(t.member, asked.id, &save).unwrap();
    edited_to(&h, asked.id, "waiting for a manager's review").await;
    assert_eq!(own(&h).await.len(), 2, "saved once confirmed");
    let asked = fill_form_with(&h, t.member, t.channel, suggest(&h, t.member, t.channel), &again).await;
    let drop = asked.buttons().into_iter().find(|b| b.contains(":drop:")).unwrap();
    h.fake.click(t.member, asked.id, &drop).unwrap();
    edited_to(&h, asked.id, "Not saved").await;
    assert_eq!(own(&h).await.len(), 2);

    // Posts here show public-sector insights only: the live one, then the edit.
    let channel = Command::new("setup").sub("channel").opt("purpose", "insight").opt("channel", t.channel);
    let r = reply(&h, h.fake.slash(t.owner, t.channel, &channel.opt("segments", "public-sector")).unwrap()).await;
    assert!(r.content.contains("showing public-sector only"), "{}", r.content);
    assert!(reply(&h, h.fake.slash(t.member, t.channel, &Command::new("insight").sub("today")).unwrap())
        .await
        .content
        .contains("Posted"));

    let edit = Command::new("insight").sub("edit").opt("id", permits);
    let refused = reply(&h, h.fake.slash(t.member, t.channel, &edit).unwrap()).await;
    assert!(refused.content.contains("for managers"), "{}", refused.content);
    let opened = h.fake.slash(t.lead, t.channel, &edit).unwrap();
    let form = h.fake.response(opened).await.unwrap();
    let first_field = &form.callbacks[0]["data"]["components"][0]["components"][0];
    assert_eq!(first_field["value"], "Permits stuck in review", "the form holds the insight's text");
    let mut edited = PERMITS;
    edited[0].1 = "Permits wait three weeks in review";
    let done = h.fake.submit_modal(t.lead, t.channel, &form.modal_id().unwrap(), &edited).unwrap();
    let done = reply(&h, done).await;
    assert!(done.content.contains(&format!("Insight #{permits} is changed")), "{}", done.content);

    assert!(reply(&h, h.fake.slash(t.member, t.channel, &Command::new("insight").sub("today")).unwrap())
        .await
        .content
        .contains("Posted"));
    let posts: Vec<String> = h
        .fake
        .messages_in(t.channel)
        .into_iter()
        .filter(|m| !m.embeds.as_array().unwrap().is_empty())
        .map(|m| m.embeds[0]["title"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(posts.len(), 2, "{posts:?}");
    assert!(posts[0].starts_with("Permits stuck in review"), "the old post keeps its text: {posts:?}");
    assert!(posts[1].starts_with("Permits wait three weeks in review"), "the next post has the edit: {posts:?}");
    h.finish().await;
}

#[tokio::test]
async fn the_insight_list_filters_and_pages() {
    let mut h = Harness::new(common::sqlite().await, NOW).await;
    h.start_bot(true).await;
    let t = team(&h).await;
    let list = |options: &[(&str, serde_json::Value)]| {
        let mut command = Command::new("insight").sub("list");
        for (name, value) in options {
            command = command.opt(name, value.clone());
        }
        command
    };
    let page = reply(&h, h.fake.slash(t.member, t.channel, &list(&[])).unwrap()).await.content;
    assert!(page.contains("0 of your own, 31 from the shipped library** · page 1 of 3"), "{page}");
    assert_eq!(page.lines().filter(|l| l.starts_with('#')).count(), 15, "{page}");
    let last = reply(&h, h.fake.slash(t.member, t.channel, &list(&[("page", 3.into())])).unwrap()).await.content;
    assert_eq!(last.lines().filter(|l| l.starts_with('#')).count(), 1, "{last}");
    let health =
        reply(&h, h.fake.slash(t.member, t.channel, &list(&[("segment", "Healthcare".into())])).unwrap()).await;
    assert!(health.content.contains("0 of your own, 6 from the shipped library**\n"), "{}", health.content);
    assert!(health.content.lines().skip(1).all(|l| l.ends_with("#healthcare")), "{}", health.content);
    let beyond = reply(&h, h.fake.slash(t.member, t.channel, &list(&[("page", 9.into())])).unwrap()).await;
    assert!(beyond.content.contains("ask for page 1 to 3"), "{}", beyond.content);
    let pending = list(&[("status", "pending review".into())]);
    let none = reply(&h, h.fake.slash(t.member, t.channel, &pending).unwrap()).await;
    assert!(none.content.contains("0 of your own, 0 from the shipped library"), "{}", none.content);
    h.finish().await;
}
