//! `advocate demo`: the real bot against the fake Discord on loopback,
//! with a temporary SQLite database and a simulated clock. A small team
//! lives through one week; then the manager's weekly report is printed.
//! Offline, no token.

use std::collections::HashMap;
use std::fmt::Write as _;

use anyhow::Context as _;
use jiff::civil::Time;
use jiff::Timestamp;

use app::clock::Clock;
use app::config::Config;
use app::report::{report, Format, Report};
use app::App;
use domain::summary::Headline;
use domain::time::{IsoWeek, Zone};
use fake_discord::{Command, FakeDiscord};
use store::Store;

/// What the script did, counted as it went, and what the report says.
pub struct DemoRun {
    pub script: Headline,
    pub report: Report,
    pub log: String,
}

impl DemoRun {
    /// (number, what the script did, what the report says)
    pub fn checks(&self) -> Vec<(&'static str, i64, i64)> {
        let (s, r) = (&self.script, &self.report.this_week.headline);
        vec![
            ("customer-of-the-day posts", s.insight_posts, r.insight_posts),
            ("reactions on them", s.post_reactions, r.post_reactions),
            ("answers to them", s.post_answers, r.post_answers),
            ("meetings", s.meetings, r.meetings),
            ("meetings that discussed customers", s.meetings_answered, r.meetings_answered),
            ("answers", s.answers, r.answers),
            ("people who answered", s.answerers, r.answerers),
            ("answers with evidence", s.with_evidence, r.with_evidence),
            ("answers with assumptions", s.with_assumption, r.with_assumption),
            ("follow-ups opened", s.follow_ups_opened, r.follow_ups_opened),
        ]
    }

    pub fn matches(&self) -> bool {
        self.checks().iter().all(|(_, script, report)| script == report)
    }
}

const ZONE: &str = "Europe/Berlin";

struct World {
    fake: FakeDiscord,
    clock: Clock,
    zone: Zone,
    week: IsoWeek,
    people: HashMap<&'static str, u64>,
    log: String,
    done: Headline,
    answerers: std::collections::BTreeSet<u64>,
}

impl World {
    fn at(&mut self, day: i64, hour: i8, minute: i8) {
        let date = self.week.monday().saturating_add(jiff::Span::new().days(day));
        self.clock.set(self.zone.instant(date, Time::constant(hour, minute, 0, 0)));
        let _ = writeln!(self.log, "\n{} {:02}:{:02}", date.strftime("%A %d %b"), hour, minute);
    }

    fn note(&mut self, text: impl AsRef<str>) {
        let _ = writeln!(self.log, "  {}", text.as_ref());
    }

    fn who(&self, name: &str) -> u64 {
        self.people[name]
    }

    async fn command(&mut self, who: &str, channel: u64, command: Command) -> anyhow::Result<String> {
        let i = self.fake.slash(self.who(who), channel, &command)?;
        let reply = self.fake.response_message(i).await?;
        Ok(reply.content)
    }

    /// An answer counted by the script: the classifier's view is the bot's.
    fn answered(&mut self, who: &str, evidence: bool, assumption: bool) {
        self.done.answers += 1;
        self.done.with_evidence += i64::from(evidence);
        self.done.with_assumption += i64::from(assumption);
        self.answerers.insert(self.people[who]);
    }

    async fn daily_posts(&mut self, channels: &[u64], day: usize) -> anyhow::Result<Vec<u64>> {
        let mut ids = Vec::new();
        for &c in channels {
            let post = self
                .fake
                .wait_for("the customer of the day", |s| {
                    let posts: Vec<_> = s
                        .messages
                        .values()
                        .filter(|m| m.channel_id == c && m.author_id == s.bot_id && !m.embeds[0].is_null())
                        .collect();
                    posts.get(day).map(|m| (m.id, m.embeds[0]["title"].as_str().unwrap_or("").to_string()))
                })
                .await?;
            self.done.insight_posts += 1;
            self.note(format!("customer of the day in #{}: {}", self.channel_name(c), post.1));
            ids.push(post.0);
        }
        Ok(ids)
    }

    fn channel_name(&self, id: u64) -> String {
        self.fake.read(|s| s.channels.get(&id).map(|c| c.name.clone()).unwrap_or_default())
    }

    fn react(&mut self, who: &str, message: u64, emoji: &str, on_post: bool) -> anyhow::Result<()> {
        self.fake.react(self.who(who), message, emoji)?;
        self.done.post_reactions += i64::from(on_post);
        self.note(format!("{who} reacts {emoji}"));
        Ok(())
    }

    async fn modal_answer(&mut self, who: &str, message: u64, fields: &[(&str, &str)]) -> anyhow::Result<()> {
        let m = self.fake.read(|s| s.messages.get(&message).cloned()).context("no such message")?;
        let id = self.fake.open_form(self.who(who), message).await?;
        let submit = self.fake.submit_modal(self.who(who), m.channel_id, &id, fields)?;
        let thanks = self.fake.response_message(submit).await?;
        self.note(format!("{who} answers through the form: \"{}\" → {}", fields[0].1, thanks.content));
        Ok(())
    }

    fn reply(&mut self, who: &str, thread: u64, text: &str) -> anyhow::Result<()> {
        self.fake.say(self.who(who), thread, text)?;
        self.note(format!("{who} replies: \"{text}\""));
        Ok(())
    }
}

/// Runs the scripted week in a temporary folder; `keep` names a new file
/// that receives a copy of its database.
pub async fn run(keep: Option<&std::path::Path>) -> anyhow::Result<DemoRun> {
    if let Some(file) = keep.filter(|f| f.exists()) {
        anyhow::bail!("{} exists; --keep writes a new file", file.display());
    }
    let dir = std::env::temp_dir().join(format!("advocate-demo-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let mut result = run_in(&dir).await;
    if let (Ok(_), Some(file)) = (&result, keep) {
        result = copy_database(&dir.join("demo.db"), file).await.and(result);
    }
    let _ = std::fs::remove_dir_all(&dir);
    result
}

/// A consistent copy of a SQLite database (its WAL included).
async fn copy_database(from: &std::path::Path, to: &std::path::Path) -> anyhow::Result<()> {
    use sqlx::Connection as _;
    let mut db = sqlx::SqliteConnection::connect(&format!("sqlite:{}", from.display())).await?;
    sqlx::query("VACUUM INTO $1").bind(to.display().to_string()).execute(&mut db).await?;
    Ok(db.close().await?)
}

async fn run_in(dir: &std::path::Path) -> anyhow::Result<DemoRun> {
    let zone = Zone::parse(ZONE).map_err(anyhow::Error::msg)?;
    let week = IsoWeek::containing(Timestamp::now(), &zone).previous();
    let clock = Clock::manual(zone.instant(week.monday(), Time::constant(7, 0, 0, 0)));
    let now = clock.clone();
    let fake = FakeDiscord::start(move || now.now()).await?;
    let prompts_dir = std::env::var("ADVOCATE_PROMPTS").unwrap_or_default(); // empty: the built-in prompts
    let vars: HashMap<&str, String> = [
        ("DATABASE_URL", format!("sqlite:{}", dir.join("demo.db").display())),
        ("DISCORD_TOKEN", fake.token()),
        ("ADVOCATE_DISCORD_ADDR", fake.addr()),
        ("ADVOCATE_DISCORD_CA", fake.ca_path().display().to_string()),
        ("ADVOCATE_PROMPTS", prompts_dir),
    ]
    .into_iter()
    .collect();
    let config = Config::load(None, |k| vars.get(k).cloned())?;
    let app = App::start(&config, clock.clone()).await?;

    let names = ["Dana", "Alex", "Sam", "Riya"];
    let people: HashMap<&'static str, u64> = names.iter().map(|n| (*n, fake.add_user(n))).collect();
    let guild = fake.add_guild("Demo Co", people["Dana"])?;
    for n in &names[1..] {
        fake.join(guild, people[n], &[]);
    }
    let customers = fake.add_channel(guild, "customers")?;
    let eng = fake.add_channel(guild, "eng")?;
    let product = fake.add_channel(guild, "product")?;

    let bot = crate::service::Running::start(app.clone(), &config, true).await?;
    fake.wait_connected(1).await?;
    fake.wait_for("the slash commands", |s| (!s.commands.is_empty()).then_some(())).await?;
    let mut w = World {
        fake,
        clock,
        zone,
        week,
        people,
        log: String::new(),
        done: Headline::default(),
        answerers: Default::default(),
    };

    w.at(0, 7, 30);
    for (setting, value) in [("timezone", ZONE), ("post_time", "09:00")] {
        let said = w
            .command("Dana", product, Command::new("setup").sub("set").opt("setting", setting).opt("value", value))
            .await?;
        w.note(format!("Dana: /setup set {setting} {value} → {said}"));
    }
    for channel in [customers, eng] {
        let said = w
            .command(
                "Dana",
                product,
                Command::new("setup").sub("channel").opt("purpose", "insight").opt("channel", channel),
            )
            .await?;
        w.note(format!("Dana: /setup channel insight → {said}"));
    }

    let channels = [customers, eng];
    for day in 0..5 {
        w.at(day, 9, 0);
        let posts = w.daily_posts(&channels, day as usize).await?;
        match day {
            0 => {
                w.react("Alex", posts[0], "👍", true)?;
                w.react("Sam", posts[0], "💡", true)?;
                w.modal_answer(
                    "Alex",
                    posts[0],
                    &[
                        ("text", "Our export rewrite cuts their month-end by 2 hours"),
                        ("impact", "helps"),
                        ("segments", "smb"),
                    ],
                )
                .await?;
                w.answered("Alex", true, false);
                w.done.post_answers += 1;
            }
            1 => {
                w.at(1, 11, 0);
                let said = w
                    .command(
                        "Dana",
                        product,
                        Command::new("meeting")
                            .sub("start")
                            .opt("topic", "Pricing page redesign")
                            .opt("segment", "smb"),
                    )
                    .await?;
                w.note(format!("Dana: /meeting start topic:Pricing page redesign → {said}"));
                w.done.meetings += 1;
                w.done.meetings_answered += 1;
                let thread = w.fake.threads_in(product).last().map(|t| t.id).context("no thread")?;
                w.reply("Alex", thread, "Support saw 14 tickets about plan limits last month, see #4410")?;
                w.answered("Alex", true, false);
                w.reply("Sam", thread, "I think most customers won't notice the new layout")?;
                w.answered("Sam", false, true);
                let prompt = w
                    .fake
                    .wait_for("the prompt", |s| s.messages.values().find(|m| m.channel_id == thread).map(|m| m.id))
                    .await?;
                w.react("Riya", prompt, "👀", false)?;
                w.modal_answer(
                    "Riya",
                    prompt,
                    &[
                        ("text", "Enterprise admins asked for annual invoices in 3 sales calls"),
                        ("impact", "hurts"),
                        ("segments", "enterprise"),
                        ("follow_up", &format!("<@{}> ask Acme about invoicing 2026-12-04", w.who("Dana"))),
                    ],
                )
                .await?;
                w.answered("Riya", true, false);
                w.done.follow_ups_opened += 1;
                w.at(1, 11, 45);
                let said = w.command("Dana", thread, Command::new("meeting").sub("close")).await?;
                let recap = w.fake.messages_in(thread).last().map(|m| m.content.clone()).unwrap_or_default();
                w.note(format!("Dana: /meeting close → {said}\n  recap: {}", recap.replace('\n', " / ")));
            }
            3 => {
                w.at(3, 14, 0);
                let thread = w.fake.start_thread(w.who("Sam"), product, "Weekly sync: onboarding")?;
                w.note("Sam opens the thread \"Weekly sync: onboarding\"; its name matches, so Advocate asks");
                w.done.meetings += 1;
                w.fake
                    .wait_for("the automatic prompt", |s| {
                        s.messages.values().any(|m| m.channel_id == thread && m.author_id == s.bot_id).then_some(())
                    })
                    .await?;
                w.reply("Sam", thread, "Maybe the new checklist helps #startup customers")?;
                w.answered("Sam", false, true);
                w.reply("Riya", thread, "Activation went from 41% to 48% for trials that saw it")?;
                w.answered("Riya", true, false);
                w.done.meetings_answered += 1;
            }
            _ => {}
        }
    }
    w.done.answerers = w.answerers.len() as i64;

    // Let the bot's last writes land before reading the week back.
    // The last replies may still be on their way to the database.
    let store = Store::connect(&config.database_url).await?;
    let mut run = DemoRun {
        script: w.done.clone(),
        report: report(&store, &config.defaults, &app.prompts, guild, Some(week.into()), None, w.clock.now()).await?,
        log: String::new(),
    };
    for _ in 0..100 {
        if run.matches() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        run.report =
            report(&store, &config.defaults, &app.prompts, guild, Some(week.into()), None, w.clock.now()).await?;
    }
    bot.shutdown().await;
    let violations = w.fake.violations();
    anyhow::ensure!(violations.is_empty(), "the fake Discord saw problems: {}", violations.join("; "));
    run.log = w.log;
    Ok(run)
}

/// Prints the run for a person: what happened, then the report.
pub fn render(run: &DemoRun) -> anyhow::Result<String> {
    let mut out = String::from("Advocate demo: a fake Discord on loopback, the real bot, one simulated week.\n");
    out.push_str(&run.log);
    out.push_str("\nThe manager's weekly report:\n\n");
    out.push_str(&run.report.render(Format::Md)?);
    out.push_str("\nChecked against the script:\n");
    for (what, script, report) in run.checks() {
        let mark = if script == report { "ok" } else { "MISMATCH" };
        out.push_str(&format!("  {mark:<8} {what}: the script did {script}, the report says {report}\n"));
    }
    Ok(out)
}
