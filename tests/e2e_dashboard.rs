//! End to end: the managers' web pages, reached from `/dashboard` through
//! the real bot against the fake Discord, with a plain HTTP client.

mod common;

use common::bot::{eventually, Harness};
use common::team::{command, Team};
use fake_discord::Command;
use jiff::SignedDuration;
use reqwest::header::{HeaderMap, CONTENT_SECURITY_POLICY, COOKIE, LOCATION, SET_COOKIE};

/// Dana owns Acme, Alex holds its manager role, Sam is a member; Dana
/// also owns another guild. A meeting this week has three answers.
async fn team(h: &Harness) -> Team {
    let t = Team::add(h, ["Dana", "Alex", "Sam"], "product").with_other_guild(h).with_manager_role(h).await;
    command(h, t.owner, t.channel, Command::new("meeting").sub("start").opt("topic", "Checkout")).await;
    let thread = h.fake.threads_in(t.channel)[0].id;
    h.fake.say(t.lead, thread, "Support saw 12 tickets about #enterprise checkout").unwrap();
    h.fake.say(t.member, thread, "I think nobody will notice").unwrap();
    h.fake.say(t.owner, thread, "Churn data says 3% of #smb left over it").unwrap();
    let meeting = h.db.store.meeting_by_thread(thread).await.unwrap().unwrap();
    eventually("three answers", || async {
        (h.db.store.meeting_stats(meeting.id).await.unwrap().answers == 3).then_some(())
    })
    .await;
    t
}

/// The sign-in link in a `/dashboard` reply.
fn link_in(text: &str) -> String {
    let found = regex::Regex::new(r"<(http://[^>\s]+/sign-in\?link=[0-9a-f]{64})>").unwrap().captures(text);
    found.unwrap_or_else(|| panic!("no sign-in link in: {text}"))[1].to_string()
}

struct Browser {
    client: reqwest::Client,
    base: String,
    cookie: Option<String>,
}

struct Page {
    status: u16,
    headers: HeaderMap,
    body: String,
}

impl Browser {
    fn new(h: &Harness) -> Browser {
        let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        Browser { client, base: format!("http://{}", h.http_addr().expect("the server runs")), cookie: None }
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> Page {
        let request = match &self.cookie {
            Some(c) => request.header(COOKIE, c),
            None => request,
        };
        let response = request.send().await.unwrap();
        Page {
            status: response.status().as_u16(),
            headers: response.headers().clone(),
            body: response.text().await.unwrap(),
        }
    }

    async fn get(&self, path: &str) -> Page {
        let url = if path.starts_with("http") { path.to_string() } else { format!("{}{path}", self.base) };
        self.send(self.client.get(url)).await
    }

    async fn post(&self, path: &str, form: &[(&str, &str)]) -> Page {
        self.send(self.client.post(format!("{}{path}", self.base)).form(form)).await
    }

    /// Opens a sign-in link and keeps the session cookie it sets.
    async fn sign_in(&mut self, link: &str) -> Page {
        let page = self.get(link).await;
        if let Some(set) = page.headers.get(SET_COOKIE) {
            self.cookie = Some(set.to_str().unwrap().split(';').next().unwrap().to_string());
        }
        page
    }
}

/// Every page and action of a guild's dashboard.
fn routes(guild: u64) -> Vec<(&'static str, String)> {
    let g = format!("/guilds/{guild}");
    let pages = [
        "",
        "/summary",
        "/answers",
        "/answers.csv",
        "/meetings",
        "/meetings/1",
        "/follow-ups",
        "/insights",
        "/customers",
        "/customers/1",
    ];
    let actions =
        ["/follow-ups/1/done", "/insights/1/approve", "/insights/1/reject", "/insights/1/retire", "/customers/1/edit"];
    let mut all: Vec<(&str, String)> = pages.iter().map(|p| ("GET", format!("{g}{p}"))).collect();
    all.extend(actions.iter().map(|a| ("POST", format!("{g}{a}"))));
    all
}

/// The address a meetings page links `topic` to.
fn link_to_meeting(body: &str, topic: &str) -> String {
    let link = regex::Regex::new(&format!(r#"href="(/guilds/\d+/meetings/\d+)">{topic}<"#)).unwrap();
    link.captures(body).unwrap_or_else(|| panic!("no meeting {topic} in {body}"))[1].to_string()
}

fn csrf_in(body: &str) -> String {
    let found = regex::Regex::new(r#"name="csrf" value="([0-9a-f]{64})""#).unwrap().captures(body);
    found.expect("a page with a CSRF token")[1].to_string()
}

#[tokio::test]
async fn a_manager_signs_in_from_discord_once_and_sees_the_guilds_numbers() {
    for db in common::stores().await {
        let settings = [("ADVOCATE_HTTP_ADDR", "127.0.0.1:0")];
        let mut h = Harness::with_settings(db, "2026-11-23T10:00:00Z", &settings).await;
        h.start_bot(true).await;
        let t = team(&h).await;

        let refused = command(&h, t.member, t.channel, Command::new("dashboard")).await;
        assert!(refused.ephemeral() && refused.content.contains("for managers"), "{}", refused.content);

        let reply = command(&h, t.lead, t.channel, Command::new("dashboard")).await;
        assert!(reply.ephemeral(), "a sign-in link is never public");
        let link = link_in(&reply.content);
        let mut browser = Browser::new(&h);
        let signed_in = browser.sign_in(&link).await;
        assert_eq!(signed_in.status, 303, "{}", signed_in.body);
        assert_eq!(signed_in.headers[LOCATION], format!("/guilds/{}", t.guild), "the link is dropped from the address");
        let cookie = signed_in.headers[SET_COOKIE].to_str().unwrap();
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
        assert!(!cookie.contains("Secure"), "plain http here: {cookie}");

        let overview = browser.get(&format!("/guilds/{}", t.guild)).await;
        assert_eq!(overview.status, 200, "{}", overview.body);
        assert!(overview.body.contains("<h1>Overview</h1>") && overview.body.contains("<svg"), "{}", overview.body);
        let policy = overview.headers[CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(policy.starts_with("default-src 'self'") && policy.contains("frame-ancestors 'none'"));
        assert_eq!(overview.headers["x-frame-options"], "DENY");

        // The period view shows the report's numbers for the same period.
        let report =
            h.app.report(t.guild, Some(domain::period::Period::parse("2026-W48").unwrap()), None).await.unwrap();
        let week = browser.get(&format!("/guilds/{}/summary?period=2026-W48", t.guild)).await;
        assert_eq!(week.status, 200, "{}", week.body);
        let answers = report.this_week.headline.answers;
        assert_eq!(answers, 3);
        assert!(week.body.contains(&format!("<th scope=\"row\">Answers</th><td>{answers}</td>")), "{}", week.body);
        let evidence =
            format!("<th scope=\"row\">Answers with evidence</th><td>{}</td>", report.this_week.headline.with_evidence);
        assert!(week.body.contains(&evidence), "{}", week.body);
        assert!(week.body.contains("Support saw 12 tickets"), "quotes are shown");
        // The overview's week and the explorer agree with the report too.
        let trend = overview.body.split("<th scope=\"col\">Answers</th>").nth(1).expect("the answers trend's table");
        assert!(trend.contains(&format!("<th scope=\"row\">W48</th><td>{answers}</td>")), "{trend}");
        let evidence_share = report.this_week.headline.evidence_pct.unwrap();
        let shares = overview.body.split("<th scope=\"col\">Evidence share (%)</th>").nth(1).unwrap();
        assert!(
            shares
                .contains(&format!("<th scope=\"row\">W48</th><td>{}</td>", app::report::show(Some(&evidence_share)))),
            "{shares}"
        );
        let listed = browser.get(&format!("/guilds/{}/answers?period=2026-W48", t.guild)).await;
        assert_eq!(listed.body.matches("<td class=\"text\">").count() as i64, answers);

        let meetings = browser.get(&format!("/guilds/{}/meetings?period=2026-W48", t.guild)).await;
        assert_eq!(meetings.status, 200, "{}", meetings.body);
        let detail = link_to_meeting(&meetings.body, "Checkout");
        let one = browser.get(&detail).await;
        assert_eq!(one.body.matches("<td class=\"text\">").count(), 3, "its three answers: {}", one.body);
        assert!(one.body.contains("class=\"recap\""), "{}", one.body);
        let foreign = detail.replace(&t.guild.to_string(), &t.other_guild().to_string());
        assert_eq!(browser.get(&foreign).await.status, 404);

        let bad = browser.get(&format!("/guilds/{}/summary?period=2026-W99", t.guild)).await;
        assert_eq!(bad.status, 400);
        assert!(bad.body.contains("role=\"alert\"") && bad.body.contains("2026-W99"), "{}", bad.body);

        // A link works once; a session is bound to its guild.
        assert_eq!(Browser::new(&h).sign_in(&link).await.status, 403);
        let elsewhere = browser.get(&format!("/guilds/{}", t.other_guild())).await;
        assert_eq!(elsewhere.status, 404, "another guild's pages do not exist for this session");
        assert_eq!(Browser::new(&h).get(&format!("/guilds/{}", t.guild)).await.status, 401);

        // Signing out needs the page's CSRF token, then the cookie is worthless.
        let forged = browser.post("/sign-out", &[("csrf", &"0".repeat(64))]).await;
        assert_eq!(forged.status, 403);
        assert_eq!(browser.get(&format!("/guilds/{}", t.guild)).await.status, 200);
        let out = browser.post("/sign-out", &[("csrf", &csrf_in(&overview.body))]).await;
        assert_eq!(out.status, 303);
        assert_eq!(browser.get(&format!("/guilds/{}", t.guild)).await.status, 401);
        let _ = t.owner;
        h.finish().await;
    }
}

#[tokio::test]
async fn links_expire_and_a_demoted_manager_loses_access_within_minutes() {
    let settings = [("ADVOCATE_HTTP_ADDR", "127.0.0.1:0")];
    let mut h = Harness::with_settings(common::sqlite().await, "2026-11-23T10:00:00Z", &settings).await;
    h.start_bot(true).await;
    let t = team(&h).await;

    let late = link_in(&command(&h, t.lead, t.channel, Command::new("dashboard")).await.content);
    h.clock.advance(SignedDuration::from_mins(11));
    let expired = Browser::new(&h).sign_in(&late).await;
    assert_eq!(expired.status, 403);
    assert!(expired.body.contains("dashboard in Discord for a new one"), "{}", expired.body);

    let link = link_in(&command(&h, t.lead, t.channel, Command::new("dashboard")).await.content);
    let mut browser = Browser::new(&h);
    assert_eq!(browser.sign_in(&link).await.status, 303);
    let overview = format!("/guilds/{}", t.guild);
    assert_eq!(browser.get(&overview).await.status, 200);

    let csrf = csrf_in(&browser.get(&overview).await.body);
    // Every route of another guild answers 404, as if it did not exist.
    for (method, path) in routes(t.other_guild()) {
        let page = match method {
            "GET" => browser.get(&path).await,
            _ => browser.post(&path, &[("csrf", &csrf)]).await,
        };
        assert_eq!(page.status, 404, "{method} {path}");
    }

    h.fake.join(t.guild, t.lead, &[]); // Alex loses the manager role
    h.clock.advance(SignedDuration::from_mins(4));
    let refused = browser.get(&overview).await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    assert!(refused.body.contains("For managers only"), "{}", refused.body);
    for (method, path) in routes(t.guild) {
        let page = match method {
            "GET" => browser.get(&path).await,
            _ => browser.post(&path, &[("csrf", &csrf)]).await,
        };
        assert_eq!(page.status, 403, "{method} {path}: no longer a manager");
        assert_eq!(
            Browser::new(&h).post(&path, &[("csrf", &csrf)]).await.status,
            if method == "GET" { 405 } else { 401 }
        );
    }

    // Sessions end after 12 hours.
    let dana = link_in(&command(&h, t.owner, t.channel, Command::new("dashboard")).await.content);
    let mut owner = Browser::new(&h);
    assert_eq!(owner.sign_in(&dana).await.status, 303);
    assert_eq!(owner.get(&overview).await.status, 200);
    h.clock.advance(SignedDuration::from_hours(12));
    assert_eq!(owner.get(&overview).await.status, 401);
    h.finish().await;
}

/// Signs in a manager of the team's guild.
async fn signed_in_manager(h: &Harness, t: &Team) -> Browser {
    let link = link_in(&command(h, t.lead, t.channel, Command::new("dashboard")).await.content);
    let mut browser = Browser::new(h);
    assert_eq!(browser.sign_in(&link).await.status, 303);
    browser
}

#[tokio::test]
async fn the_answers_explorer_filters_and_exports_exactly_what_it_shows() {
    let settings = [("ADVOCATE_HTTP_ADDR", "127.0.0.1:0")];
    let mut h = Harness::with_settings(common::sqlite().await, "2026-11-23T10:00:00Z", &settings).await;
    h.start_bot(true).await;
    let t = team(&h).await;
    let thread = h.fake.threads_in(t.channel)[0].id;
    h.fake.say(t.member, thread, "=SUM(A1) <script>alert(1)</script> #enterprise").unwrap();
    eventually("the fourth answer", || async {
        let meeting = h.db.store.meeting_by_thread(thread).await.unwrap().unwrap();
        (h.db.store.meeting_stats(meeting.id).await.unwrap().answers == 4).then_some(())
    })
    .await;
    let browser = signed_in_manager(&h, &t).await;
    let answers = format!("/guilds/{}/answers", t.guild);

    let all = browser.get(&format!("{answers}?period=2026-W48")).await;
    assert_eq!(all.status, 200, "{}", all.body);
    assert_eq!(all.body.matches("<td class=\"text\">").count(), 4, "{}", all.body);
    assert!(!all.body.contains("<script>alert"), "people's text is escaped");

    let enterprise = browser.get(&format!("{answers}?period=2026-W48&segment=enterprise&evidence=yes")).await;
    assert_eq!(enterprise.body.matches("<td class=\"text\">").count(), 1, "{}", enterprise.body);
    assert!(enterprise.body.contains("Support saw 12 tickets"), "{}", enterprise.body);

    let csv = browser.get(&format!("{answers}.csv?period=2026-W48&segment=enterprise")).await;
    assert_eq!(csv.status, 200);
    assert_eq!(csv.headers["content-type"], "text/csv; charset=utf-8");
    let mut rows = csv::Reader::from_reader(csv.body.as_bytes());
    let texts: Vec<String> = rows.records().map(|r| r.unwrap()[7].to_string()).collect();
    assert_eq!(texts.len(), 2, "the two enterprise answers: {}", csv.body);
    assert!(texts.iter().any(|t| t.starts_with("'=SUM(A1)")), "formulas are defused: {texts:?}");

    let bad = browser.get(&format!("{answers}?evidence=maybe")).await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("evidence is yes, no or empty"), "{}", bad.body);
    let elsewhere = browser.get(&format!("/guilds/{}/answers.csv", t.other_guild())).await;
    assert_eq!(elsewhere.status, 404, "no export of another guild");
    h.finish().await;
}

#[tokio::test]
async fn a_manager_closes_follow_ups_and_reviews_insights_from_the_pages() {
    let settings = [("ADVOCATE_HTTP_ADDR", "127.0.0.1:0")];
    let mut h = Harness::with_settings(common::sqlite().await, "2026-11-23T10:00:00Z", &settings).await;
    h.start_bot(true).await;
    let t = team(&h).await;
    let thread = h.fake.threads_in(t.channel)[0].id;
    h.fake.say(t.member, thread, &format!("Acme waits on refunds, follow up <@{}> 2026-11-20", t.member)).unwrap();
    let open = eventually("the follow-up", || async {
        let open = h.app.open_follow_ups(t.guild, None).await.unwrap();
        (!open.is_empty()).then_some(open)
    })
    .await;
    let id = open[0].id;
    let suggested = common::suggest_clinic_insight(&h.app, t.guild, t.member).await;
    let browser = signed_in_manager(&h, &t).await;

    let board = browser.get(&format!("/guilds/{}/follow-ups", t.guild)).await;
    assert_eq!(board.status, 200, "{}", board.body);
    let overdue = board.body.split("<h2>Open").next().unwrap();
    assert!(overdue.contains("Acme waits on refunds"), "due on the 20th, overdue on the 23rd: {}", board.body);
    let close = format!("/guilds/{}/follow-ups/{id}/done", t.guild);
    assert_eq!(browser.post(&close, &[("csrf", "forged")]).await.status, 403, "no CSRF token, no change");
    assert_eq!(h.app.open_follow_ups(t.guild, None).await.unwrap().len(), 1);
    let done = browser.post(&close, &[("csrf", &csrf_in(&board.body))]).await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert!(h.app.open_follow_ups(t.guild, None).await.unwrap().is_empty());
    let again = browser.post(&close, &[("csrf", &csrf_in(&board.body))]).await;
    assert_eq!(again.status, 409, "closing twice says so: {}", again.body);
    let board = browser.get(&format!("/guilds/{}/follow-ups", t.guild)).await;
    assert!(board.body.split("Done in the last 30 days").nth(1).unwrap().contains("Acme waits on refunds"));

    let page = browser.get(&format!("/guilds/{}/insights", t.guild)).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let waiting = page.body.split("<h2>Library").next().unwrap();
    assert!(waiting.contains("Clinics print every invoice"), "{}", page.body);
    let approve = format!("/guilds/{}/insights/{}/approve", t.guild, suggested.id);
    assert_eq!(browser.post(&approve, &[("csrf", &csrf_in(&page.body))]).await.status, 303);
    let live = h.app.list_insights(t.guild, Some(domain::insight::InsightStatus::Live)).await.unwrap();
    assert!(live.iter().any(|i| i.id == suggested.id), "approved from the page");
    let told = h
        .fake
        .wait_for("Sam to hear the outcome", |s| {
            let dm = s.dm_channel(t.member)?;
            s.messages.values().find(|m| m.channel_id == dm).map(|m| m.content.clone())
        })
        .await
        .unwrap();
    assert!(told.contains("Clinics print every invoice"), "{told}");

    let retire = format!("/guilds/{}/insights/{}/retire", t.guild, suggested.id);
    assert_eq!(browser.post(&retire, &[("csrf", &csrf_in(&page.body))]).await.status, 303);
    let live = h.app.list_insights(t.guild, Some(domain::insight::InsightStatus::Live)).await.unwrap();
    assert!(live.iter().all(|i| i.id != suggested.id), "retired from the page");
    let _ = t.owner;
    h.finish().await;
}
