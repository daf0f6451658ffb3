//! End to end: a week with feedback from twelve customers, three meetings
//! naming five of them and four follow-ups (two closed, one told). The
//! customers list, the API's summary and `advocate report --format json`
//! give the counts this test computes from what it sent; one customer at
//! 70% of the naming answers is flagged, at 40% (the next week) it is not.
//! Both backends.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::bot::{eventually, Harness};
use common::team::{api_token, command, Team};
use fake_discord::Command;
use serde_json::{json, Value};

/// (customer, segment, NPS score)
const FEEDBACK: [(&str, &str, i64); 12] = [
    ("Acme", "enterprise", 3),
    ("Globex", "enterprise", 5),
    ("Initech", "enterprise", 6),
    ("Umbrella", "enterprise", 9),
    ("Hooli", "smb", 10),
    ("Stark", "enterprise", 8),
    ("Wayne", "smb", 7),
    ("Wonka", "smb", 9),
    ("Tyrell", "smb", 2),
    ("Cyberdyne", "smb", 10),
    ("Soylent", "smb", 9),
    ("Vandelay", "smb", 8),
];

/// Each meeting's replies; a "Follow up with" reply is a promise.
const MEETINGS: [&[&str]; 3] = [
    &[
        "Acme: 12 tickets about invoices since Monday",
        "Acme wants e-mailed invoices, per their call",
        "Globex said the same in a ticket",
    ],
    &[
        "Acme again: the export is slow for them",
        "Follow up with Acme about the export",
        "Follow up with Initech about SSO",
    ],
    &[
        "Acme and Umbrella both asked for SSO",
        "Follow up with Acme on pricing",
        "Follow up with Hooli about onboarding",
        "Acme churn risk, 3 tickets",
    ],
];

/// The customers of `FEEDBACK` each text names (whole words).
fn named_in(text: &str) -> Vec<&'static str> {
    let words: BTreeSet<&str> = text.split(|c: char| !c.is_alphanumeric()).collect();
    FEEDBACK.iter().map(|f| f.0).filter(|name| words.contains(name)).collect()
}

/// What the summary should say of `replies`: (customers discussed,
/// answers naming each, answers naming any).
fn expected(replies: &[&str]) -> (usize, BTreeMap<&'static str, i64>, i64) {
    let mut each = BTreeMap::new();
    let mut naming = 0;
    for r in replies {
        let named = named_in(r);
        naming += i64::from(!named.is_empty());
        for n in named {
            *each.entry(n).or_insert(0) += 1;
        }
    }
    (each.len(), each, naming)
}

/// A manager's dashboard session, signed in from `/dashboard`.
struct Dashboard {
    client: reqwest::Client,
    base: String,
    cookie: String,
    csrf: String,
}

impl Dashboard {
    async fn sign_in(h: &Harness, manager: u64, channel: u64) -> Dashboard {
        let reply = command(h, manager, channel, Command::new("dashboard")).await.content;
        let link =
            regex::Regex::new(r"<(http://[^>\s]+/sign-in\?link=[0-9a-f]{64})>").unwrap().captures(&reply).unwrap()[1]
                .to_string();
        let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        let signed_in = client.get(&link).send().await.unwrap();
        let cookie = signed_in.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_string();
        let base = format!("http://{}", h.http_addr().unwrap());
        let mut web = Dashboard { client, base, cookie, csrf: String::new() };
        let page = web.get("/").await;
        web.csrf =
            regex::Regex::new(r#"name="csrf" value="([0-9a-f]{64})""#).unwrap().captures(&page).unwrap()[1].to_string();
        web
    }

    async fn get(&self, path: &str) -> String {
        let response = self.client.get(format!("{}{path}", self.base)).header("cookie", &self.cookie).send().await;
        let response = response.unwrap();
        let followed = match response.headers().get("location") {
            Some(to) if response.status().is_redirection() => Box::pin(self.get(to.to_str().unwrap())).await,
            _ => response.text().await.unwrap(),
        };
        followed
    }

    async fn post(&self, path: &str, form: &[(&str, &str)]) -> (u16, String) {
        let mut form = form.to_vec();
        form.push(("csrf", &self.csrf));
        let response = self.client.post(format!("{}{path}", self.base)).header("cookie", &self.cookie).form(&form);
        let response = response.send().await.unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    }
}

async fn call(client: &reqwest::Client, url: String, token: &str, body: Option<Value>) -> Value {
    let request = match body {
        Some(body) => client.post(url).header("content-type", "application/json").body(body.to_string()),
        None => client.get(url),
    };
    let response = request.bearer_auth(token).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    serde_json::from_str(&response.text().await.unwrap()).unwrap()
}

/// `advocate report --format json` for a week, from the same database.
fn report(url: &str, guild: u64, week: &str) -> Value {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_advocate"))
        .args(["report", "--guild", &guild.to_string(), "--week", week, "--format", "json"])
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", url)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[tokio::test]
async fn a_weeks_customers_count_the_same_on_every_surface() {
    for db in common::stores().await {
        let backend = db.backend;
        let mut h = Harness::with_settings(db, "2026-11-23T10:00:00Z", &[("ADVOCATE_HTTP_ADDR", "127.0.0.1:0")]).await;
        h.start_bot(true).await;
        let t = Team::add(&h, ["Dana", "Alex", "Sam"], "product");
        let (dana, sam, guild, product) = (t.owner, t.member, t.guild, t.channel);
        let read = api_token(&h, dana, product, "dashboards", "read").await;
        let ingest = api_token(&h, dana, product, "surveys", "ingest").await;
        let (client, base) =
            (reqwest::Client::new(), format!("http://{}/api/v1/guilds/{guild}", h.http_addr().unwrap()));

        let rows: Vec<Value> = FEEDBACK
            .iter()
            .map(|(customer, segment, score)| {
                json!({"customer": customer, "segment": segment, "score": score, "source": "nps",
                       "comment": format!("{customer} on invoices"), "date": "2026-11-23"})
            })
            .collect();
        call(&client, format!("{base}/feedback"), &ingest, Some(Value::Array(rows))).await;

        let mut replies = vec![];
        for (i, said) in MEETINGS.iter().enumerate() {
            let topic = format!("Weekly {i}");
            command(&h, dana, product, Command::new("meeting").sub("start").opt("topic", topic.as_str())).await;
            let thread = h.fake.threads_in(product).into_iter().find(|t| t.name.contains(&topic)).unwrap().id;
            for text in said.iter() {
                h.fake.say(sam, thread, text).unwrap();
            }
            replies.extend_from_slice(said);
            let meeting = h.db.store.meeting_by_thread(thread).await.unwrap().unwrap();
            eventually("the replies logged", || async {
                (h.db.store.meeting_stats(meeting.id).await.unwrap().answers == said.len() as i64).then_some(())
            })
            .await;
        }
        let promises = eventually("four follow-ups", || async {
            let open = h.db.store.open_follow_ups(guild, None).await.unwrap();
            (open.len() == 4).then_some(open)
        })
        .await;
        // Acme's is closed and the customer told; Initech's closed, not told.
        for (customer, told) in [("Acme", true), ("Initech", false)] {
            let f = promises.iter().find(|f| f.body.text.contains(customer)).unwrap();
            let done = Command::new("followup").sub("done").opt("id", f.id).opt("told_customer", told);
            command(&h, sam, product, done).await;
        }

        let (discussed, each, naming) = expected(&replies);
        let detractors: Vec<&str> = FEEDBACK.iter().filter(|f| f.2 <= 6).map(|f| f.0).collect();
        let acme = each["Acme"];
        assert_eq!((discussed, acme * 100 / naming), (5, 70), "the week the test means to make");

        // The customers list: every customer heard from, five discussed.
        let list = call(&client, format!("{base}/customers"), &read, None).await;
        let standings = list["customers"].as_array().unwrap();
        let count = |key: &str| standings.iter().filter(|s| s[key].as_i64().unwrap() > 0).count();
        assert_eq!((count("feedback"), count("answers")), (FEEDBACK.len(), discussed), "{backend}: {list}");
        let sum = |key: &str| standings.iter().map(|s| s[key].as_i64().unwrap()).sum::<i64>();
        assert_eq!((sum("closed_promises"), sum("told"), sum("open_promises")), (2, 1, 2), "{backend}");
        let acme_row = standings.iter().find(|s| s["name"] == "Acme").unwrap();
        assert_eq!(acme_row["answers"].as_i64(), Some(acme), "{backend}");

        // The API's summary and the command line's report say the same.
        let api = call(&client, format!("{base}/summary?period=2026-W48"), &read, None).await;
        let cli = report(&h.db.url, guild, "2026-W48");
        for summary in [&api, &cli] {
            let (headline, side) = (&summary["this_week"]["headline"], &summary["this_week"]["customers"]);
            let numbers: Vec<i64> =
                ["customers_discussed", "customers_heard_from", "detractors", "detractor_loops_closed"]
                    .iter()
                    .map(|k| headline[k].as_i64().unwrap())
                    .collect();
            assert_eq!(numbers, [discussed as i64, FEEDBACK.len() as i64, detractors.len() as i64, 2], "{backend}");
            assert_eq!((headline["loops_closed"].as_i64(), headline["customers_told"].as_i64()), (Some(2), Some(1)));
            assert_eq!(
                (side["voices"][0]["name"].as_str(), side["voices"][0]["answers"].as_i64()),
                (Some("Acme"), Some(acme))
            );
            assert_eq!(side["one_voice"], true, "{backend}: Acme is 70% of the naming answers");
            let enterprise =
                side["segments"].as_array().unwrap().iter().find(|s| s["segment"] == "enterprise").unwrap();
            let in_enterprise = |name: &str| FEEDBACK.iter().any(|f| f.0 == name && f.1 == "enterprise");
            let namings: i64 = each.values().sum();
            let enterprise_namings: i64 = each.iter().filter(|(n, _)| in_enterprise(n)).map(|(_, c)| c).sum();
            let pct = |part: i64, whole: i64| (part as f64 * 1000.0 / whole as f64).round() / 10.0;
            assert_eq!(enterprise["discussion_pct"].as_f64(), Some(pct(enterprise_namings, namings)), "{backend}");
            let enterprise_detractors = detractors.iter().filter(|n| in_enterprise(n)).count() as i64;
            assert_eq!(
                enterprise["detractor_pct"].as_f64(),
                Some(pct(enterprise_detractors, detractors.len() as i64)),
                "{backend}"
            );
        }
        assert_eq!(api["this_week"], cli["this_week"], "{backend}: one computation");

        // The dashboard: the same customers, the same counts.
        let web = Dashboard::sign_in(&h, dana, product).await;
        let pages = format!("/guilds/{guild}");
        let listed = web.get(&format!("{pages}/customers")).await;
        let rows = regex::Regex::new(&format!(r#"<a href="/guilds/{guild}/customers/(\d+)">([^<]+)</a>"#)).unwrap();
        let names: BTreeMap<String, String> =
            rows.captures_iter(&listed).map(|c| (c[2].to_string(), c[1].to_string())).collect();
        assert_eq!(names.len(), FEEDBACK.len(), "{backend}: {listed}");
        let quiet = web.get(&format!("{pages}/customers?sort=quiet&open=yes")).await;
        assert_eq!(rows.captures_iter(&quiet).count(), 2, "{backend}: Acme and Hooli wait on a promise: {quiet}");
        let page = web.get(&format!("{pages}/customers/{}", names["Acme"])).await.replace("&#x2f;", "/");
        let cell = |label: &str| {
            let found = regex::Regex::new(&format!(r"<th scope=.row.>{label}</th><td>([^<]*)")).unwrap();
            found.captures(&page).unwrap_or_else(|| panic!("no {label} in {page}"))[1].to_string()
        };
        assert_eq!((cell("Answers"), cell("Closed / told")), (acme.to_string(), "1 / 1".to_string()), "{backend}");
        assert!(page.contains("NPS -100 (1)"), "{backend}: the score before the closed loop: {page}");
        let week = web.get(&format!("{pages}/summary?period=2026-W48")).await;
        assert!(week.contains("Acme is 70% of the answers naming a customer"), "{backend}: {week}");

        // A manager keeps the record there: a bad weight is refused, a good one kept.
        let edit = format!("{pages}/customers/{}/edit", names["Acme"]);
        let (status, said) = web.post(&edit, &[("edit", "weight"), ("value", "lots")]).await;
        assert!(status == 409 && said.contains("a number of 0 or more"), "{backend}: {status} {said}");
        let (status, _) = web.post(&edit, &[("edit", "weight"), ("value", "900")]).await;
        assert_eq!(status, 303, "{backend}");
        assert_eq!(h.app.customer_named(guild, "acme").await.unwrap().weight, Some(900.0), "{backend}");
        let (status, _) = web.post(&edit, &[("edit", "domain"), ("value", "jane@acme.example")]).await;
        assert_eq!(status, 303, "{backend}");
        assert_eq!(
            h.app.customer_named(guild, "acme").await.unwrap().domains,
            ["acme.example"],
            "{backend}: the domain only"
        );

        // The next week, Acme is two answers of five: 40%, not flagged.
        h.clock.set("2026-11-30T10:00:00Z".parse().unwrap());
        command(&h, dana, product, Command::new("meeting").sub("start").opt("topic", "Next week")).await;
        let thread = h.fake.threads_in(product).into_iter().find(|t| t.name.contains("Next week")).unwrap().id;
        let next = ["Acme asked about SSO", "Acme again", "Globex too", "Initech as well", "Umbrella, same"];
        for text in next {
            h.fake.say(sam, thread, text).unwrap();
        }
        let meeting = h.db.store.meeting_by_thread(thread).await.unwrap().unwrap();
        eventually("the replies logged", || async {
            (h.db.store.meeting_stats(meeting.id).await.unwrap().answers == next.len() as i64).then_some(())
        })
        .await;
        let (_, each, naming) = expected(&next);
        assert_eq!(each["Acme"] * 100 / naming, 40);
        let cli = report(&h.db.url, guild, "2026-W49");
        let side = &cli["this_week"]["customers"];
        assert_eq!((side["voices"][0]["name"].as_str(), side["voices"][0]["pct"].as_f64()), (Some("Acme"), Some(40.0)));
        assert_eq!(side["one_voice"], false, "{backend}: 40% is not one voice");
        h.finish().await;
    }
}
