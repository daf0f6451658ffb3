//! End to end on the fake Discord's clock: posting days, per-channel
//! times, skipped days, pauses and the repeat window, on both databases.

mod common;

use std::collections::HashMap;

use common::bot::Harness;
use domain::insight::{EvidenceSource, InsightStatus, NewInsight, Segment};
use fake_discord::state::Message;
use fake_discord::Command;
use jiff::civil::{date, Date, Weekday};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

fn set(setting: &str, value: &str) -> Command {
    Command::new("setup").sub("set").opt("setting", setting).opt("value", value)
}

fn insight_channel(channel: u64) -> Command {
    Command::new("setup").sub("channel").opt("purpose", "insight").opt("channel", channel)
}

/// Runs a slash command as `user` and returns the bot's (private) reply.
async fn say(h: &Harness, user: u64, channel: u64, command: Command) -> String {
    let interaction = h.fake.slash(user, channel, &command).unwrap();
    h.fake.response_message(interaction).await.unwrap().content
}

/// A customer-of-the-day post: the bot's, public, with an embed.
fn posts(h: &Harness, channel: u64) -> Vec<Message> {
    h.fake.read(|s| {
        let mut found: Vec<Message> = s
            .messages
            .values()
            .filter(|m| m.channel_id == channel && m.author_id == s.bot_id && !m.ephemeral() && !m.embeds[0].is_null())
            .cloned()
            .collect();
        found.sort_by_key(|m| m.id);
        found
    })
}

struct Team {
    zone: TimeZone,
    owner: u64,
    general: u64,
    /// Posts at 08:30, its own time.
    early: u64,
    /// Posts at 09:00, the server's.
    late: u64,
    /// Monday, Wednesday and Friday without posts.
    off: Vec<Date>,
}

impl Team {
    async fn new(h: &Harness, name: &str, zone: &str, off: Vec<Date>) -> Team {
        let owner = h.fake.add_user(&format!("{name} owner"));
        let guild = h.fake.add_guild(name, owner).unwrap();
        let general = h.fake.add_channel(guild, "general").unwrap();
        let early = h.fake.add_channel(guild, "customers-early").unwrap();
        let late = h.fake.add_channel(guild, "customers").unwrap();
        assert!(say(h, owner, general, set("timezone", zone)).await.contains("Saved"));
        assert!(say(h, owner, general, set("post_days", "mon, wed, fri")).await.contains("Saved"));
        let reply = say(h, owner, general, insight_channel(early).opt("time", "08:30")).await;
        assert!(reply.contains("added as an insight channel, posting at 08:30"), "{reply}");
        assert!(say(h, owner, general, insight_channel(late)).await.contains("added as an insight channel."));
        Team { zone: TimeZone::get(zone).unwrap(), owner, general, early, late, off }
    }

    fn at(&self, day: Date, hour: i8, minute: i8) -> Timestamp {
        day.at(hour, minute, 0, 0).to_zoned(self.zone.clone()).unwrap().timestamp()
    }

    /// When each channel should post from `first` to `last`, worked out
    /// here independently of the bot's schedule code.
    fn expected(&self, first: Date, last: Date) -> HashMap<u64, Vec<Timestamp>> {
        let mut due: HashMap<u64, Vec<Timestamp>> = HashMap::new();
        for day in first.series(jiff::Span::new().days(1)).take_while(|d| *d <= last) {
            let post_day = matches!(day.weekday(), Weekday::Monday | Weekday::Wednesday | Weekday::Friday);
            if post_day && !self.off.contains(&day) {
                due.entry(self.early).or_default().push(self.at(day, 8, 30));
                due.entry(self.late).or_default().push(self.at(day, 9, 0));
            }
        }
        due
    }
}

enum Step {
    /// A scheduler pass at this time, then every channel's posts checked.
    Check,
    Say(usize, Command, &'static str),
    Restart,
}

#[tokio::test]
async fn posts_come_on_the_chosen_days_at_each_channels_time_skipping_days_off_across_dst_and_a_restart() {
    for db in common::stores().await {
        let backend = db.backend;
        let mut h = Harness::new(db, "2026-10-18T12:00:00Z").await; // a Sunday
        h.start_bot(true).await;
        // Three weeks from Monday 19 October 2026: Berlin leaves summer
        // time on 25 October, New York on 1 November.
        let (first, last) = (date(2026, 10, 19), date(2026, 11, 8));
        let teams = [
            // An offsite skipped (Wed 28, Fri 30) and a pause until Wed 4
            // November set on Sunday 1st (Mon 2 off).
            Team::new(&h, "Berlin", "Europe/Berlin", vec![date(2026, 10, 28), date(2026, 10, 30), date(2026, 11, 2)])
                .await,
            // Paused on Wednesday 21st after its posts, resumed Monday 26th
            // before them (Fri 23 off); election day skipped (Mon 2).
            Team::new(&h, "New York", "America/New_York", vec![date(2026, 10, 23), date(2026, 11, 2)]).await,
        ];
        let skip = |days: &str, reason: &str| {
            Command::new("setup").sub("skip").sub("add").opt("days", days).opt("reason", reason)
        };
        let reply = say(&h, teams[0].owner, teams[0].general, skip("2026-10-28..2026-10-30", "offsite")).await;
        assert!(reply.contains("no customer of the day on 2026-10-28..2026-10-30 (offsite)"), "{reply}");
        let reply = say(&h, teams[1].owner, teams[1].general, skip("2026-11-02", "election day")).await;
        assert!(reply.contains("2026-11-02 (election day)"), "{reply}");

        let mut steps: Vec<(Timestamp, Step)> = Vec::new();
        for team in &teams {
            for day in first.series(jiff::Span::new().days(1)).take_while(|d| *d <= last) {
                for (hour, minute) in [(8, 29), (8, 30), (8, 59), (9, 0)] {
                    steps.push((team.at(day, hour, minute), Step::Check));
                }
            }
        }
        let pause = |until: Option<&str>| match until {
            Some(day) => Command::new("setup").sub("pause").opt("until", day),
            None => Command::new("setup").sub("pause"),
        };
        let resume = Command::new("setup").sub("resume");
        steps.extend([
            (
                teams[1].at(date(2026, 10, 21), 12, 0),
                Step::Say(1, pause(None), "paused from 2026-10-23 until /setup resume"),
            ),
            (teams[1].at(date(2026, 10, 26), 7, 0), Step::Say(1, resume, "back")),
            (
                teams[0].at(date(2026, 11, 1), 12, 0),
                Step::Say(0, pause(Some("2026-11-04")), "paused from 2026-11-02 until 2026-11-04"),
            ),
            // Between Berlin's two posts of Friday 23rd.
            (teams[0].at(date(2026, 10, 23), 8, 45), Step::Restart),
        ]);
        steps.sort_by_key(|(at, _)| *at);

        let mut expected: HashMap<u64, Vec<Timestamp>> = HashMap::new();
        for team in &teams {
            expected.extend(team.expected(first, last));
        }
        for (at, step) in steps {
            match step {
                Step::Check => {
                    h.pass_at(at).await;
                    for (&channel, due) in &expected {
                        let want = due.iter().filter(|&&t| t <= at).count();
                        let got = posts(&h, channel).len();
                        assert_eq!(got, want, "{backend}: channel {channel} at {at}: {got} posts, expected {want}");
                    }
                }
                Step::Say(team, command, wanted) => {
                    h.clock.set(at);
                    let reply = say(&h, teams[team].owner, teams[team].general, command).await;
                    assert!(reply.contains(wanted), "{backend}: {reply}");
                }
                Step::Restart => {
                    h.stop_bot().await;
                    h.clock.set(at);
                    h.start_bot(true).await;
                }
            }
        }
        // Each post went out at its time to the second, once.
        for (channel, due) in &expected {
            let sent: Vec<Timestamp> = posts(&h, *channel).iter().map(|m| m.timestamp.parse().unwrap()).collect();
            assert_eq!(&sent, due, "{backend}: channel {channel}");
        }

        // The weekly summaries name the days off and why.
        let days_off = |team: usize, week: &str| {
            let guild = h.fake.read(|s| s.channels[&teams[team].general].guild_id);
            let app = h.app.clone();
            let week = domain::period::Period::parse(week).unwrap();
            async move {
                let report = app.report(guild, Some(week), None).await.unwrap();
                report.this_week.days_off.iter().map(|d| format!("{} {}", d.day, d.reason)).collect::<Vec<_>>()
            }
        };
        assert_eq!(days_off(0, "2026-W44").await, ["2026-10-28 offsite", "2026-10-30 offsite"], "{backend}");
        assert_eq!(days_off(0, "2026-W45").await, ["2026-11-02 paused"], "{backend}");
        assert_eq!(days_off(1, "2026-W43").await, ["2026-10-23 paused"], "{backend}: the pause is kept once over");
        assert_eq!(days_off(1, "2026-W45").await, ["2026-11-02 election day"], "{backend}");
        h.finish().await;
    }
}

fn own_insight(title: &str, segment: &str) -> NewInsight {
    NewInsight {
        title: title.into(),
        customer: "A customer".into(),
        segment: Segment::parse(segment).unwrap(),
        story: "What happened to them.".into(),
        evidence: "Their words in ticket 42".into(),
        source: EvidenceSource::SupportTicket,
        question: "What would change for them?".into(),
        tags: vec![],
        is_example: false,
        library_key: None,
        import_key: None,
    }
}

#[tokio::test]
async fn no_insight_repeats_within_the_window_and_a_pool_too_small_reuses_the_oldest_and_says_so() {
    for db in common::stores().await {
        let backend = db.backend;
        let start: Timestamp = "2026-11-02T06:00:00Z".parse().unwrap();
        let mut h = Harness::new(db, "2026-11-02T06:00:00Z").await;
        h.start_bot(true).await;
        let owner = h.fake.add_user("owner");
        let guild = h.fake.add_guild("Pools", owner).unwrap();
        let general = h.fake.add_channel(guild, "general").unwrap();
        let (large, small) = (h.fake.add_channel(guild, "beta").unwrap(), h.fake.add_channel(guild, "pilot").unwrap());
        for (segment, n) in [("beta", 40), ("pilot", 10)] {
            for i in 1..=n {
                let insight = own_insight(&format!("{segment} story {i}"), segment);
                h.db.store.add_insight(guild, &insight, InsightStatus::Live, None, start).await.unwrap();
            }
        }
        assert!(say(&h, owner, general, set("post_days", "daily")).await.contains("Saved"));
        assert!(say(&h, owner, general, set("repeat_window_days", "30")).await.contains("Saved"));
        let reply = say(&h, owner, general, insight_channel(large).opt("segments", "beta")).await;
        assert!(reply.contains("showing beta only"), "{reply}");
        say(&h, owner, general, insight_channel(small).opt("segments", "pilot")).await;

        let show = say(&h, owner, general, Command::new("setup").sub("show")).await;
        assert!(
            show.contains(&format!("<#{small}> has 10 insights to show but posts up to 30 times in 30 days"))
                && show.contains("unless 20 more are added"),
            "{backend}: {show}"
        );
        assert!(!show.contains(&format!("<#{large}> has")), "{backend}: the large pool lasts: {show}");

        for day in 0..60 {
            h.pass_at(start + SignedDuration::from_hours(24 * day + 3)).await; // 09:00 UTC
        }
        let titles = |channel: u64| -> Vec<String> {
            posts(&h, channel).iter().map(|m| m.embeds[0]["title"].as_str().unwrap().to_string()).collect()
        };
        let beta = titles(large);
        assert_eq!(beta.len(), 60, "{backend}: one post a day");
        for (i, title) in beta.iter().enumerate() {
            assert!(title.starts_with("beta story"), "{backend}: only the channel's segment: {title}");
            let window = &beta[i.saturating_sub(29)..i];
            assert!(!window.contains(title), "{backend}: {title} repeated within 30 days on day {i}");
        }
        let pilot = titles(small);
        assert_eq!(pilot.len(), 60);
        let mut first_round = pilot[..10].to_vec();
        first_round.sort();
        first_round.dedup();
        assert_eq!(first_round.len(), 10, "{backend}: each shown once before any repeat: {pilot:?}");
        for round in pilot.chunks(10).skip(1) {
            assert_eq!(round, &pilot[..10], "{backend}: reused oldest first");
        }
        h.finish().await;
    }
}

#[tokio::test]
async fn a_guild_following_a_countrys_public_holidays_gets_no_post_on_them() {
    let mut h = Harness::new(common::sqlite().await, "2026-10-01T12:00:00Z").await;
    h.start_bot(true).await;
    let team = Team::new(&h, "Berlin", "Europe/Berlin", vec![]).await;
    let (owner, general) = (team.owner, team.general);
    assert!(say(&h, owner, general, set("post_days", "daily")).await.contains("Saved"));
    let refused = say(&h, owner, general, set("holidays", "XX")).await;
    assert!(refused.contains("no public holidays for XX") && refused.contains("DE"), "{refused}");
    let refused = say(&h, owner, general, set("holidays", "Germany")).await;
    assert!(refused.contains("two-letter country code"), "{refused}");
    assert!(say(&h, owner, general, set("holidays", "de")).await.contains("Saved"));

    // Saturday 3 October 2026 is German Unity Day.
    for day in [2, 3, 4] {
        h.pass_at(team.at(date(2026, 10, day), 9, 0)).await;
    }
    let sent: Vec<Timestamp> = posts(&h, team.late).iter().map(|m| m.timestamp.parse().unwrap()).collect();
    assert_eq!(sent, [team.at(date(2026, 10, 2), 9, 0), team.at(date(2026, 10, 4), 9, 0)]);
    let guild = h.fake.read(|s| s.channels[&general].guild_id);
    let week = domain::period::Period::parse("2026-W40").unwrap();
    let report = h.app.report(guild, Some(week), None).await.unwrap();
    let off: Vec<String> = report.this_week.days_off.iter().map(|d| format!("{} {}", d.day, d.reason)).collect();
    assert_eq!(off, ["2026-10-03 German Unity Day"]);
    assert!(report.render(app::report::Format::Md).unwrap().contains("2026-10-03 (German Unity Day)"));
    h.finish().await;
}
