//! A real browser (Debian's chromium, driven through chromedriver) on the
//! managers' pages: sign in from the bot's `/dashboard` link, read the
//! overview, filter answers, download their CSV, close a follow-up and
//! approve a suggestion. Screenshots go to target/screenshots/.
//! Without chromium and chromedriver it says so on stderr and passes;
//! under CI (`CI` set) it fails instead, as .ci/run installs them.

mod common;

use std::process::{Child, Command as Process, Stdio};
use std::time::Duration;

use common::bot::{eventually, Harness};
use common::team::Team;
use fake_discord::Command;
use fantoccini::{Client, ClientBuilder, Locator};

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";

/// chromedriver on a free port, stopped when dropped.
struct Driver(Child, u16);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn driver() -> Option<Driver> {
    let present = std::path::Path::new(CHROMEDRIVER).exists() && std::path::Path::new(CHROMIUM).exists();
    if !present {
        assert!(std::env::var_os("CI").is_none(), "CI must install chromium and chromium-driver (.ci/run does)");
        eprintln!("SKIPPED the browser tests: install Debian's chromium and chromium-driver to run them");
        return None;
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = Process::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    Some(Driver(child, port))
}

async fn browser(driver: &Driver) -> Client {
    let mut caps = serde_json::Map::new();
    let args =
        ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1000"];
    caps.insert("goog:chromeOptions".into(), serde_json::json!({ "binary": CHROMIUM, "args": args }));
    let url = format!("http://127.0.0.1:{}", driver.1);
    for _ in 0..100 {
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        if let Ok(client) = ClientBuilder::new(connector).capabilities(caps.clone()).connect(&url).await {
            return client;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("chromedriver did not answer at {url}");
}

async fn screenshot(client: &Client, name: &str) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(format!("{name}.png")), client.screenshot().await.unwrap()).unwrap();
}

async fn text_of(client: &Client, css: &str) -> String {
    client.find(Locator::Css(css)).await.unwrap().text().await.unwrap()
}

/// Waits until the address holds `part` (a click returns before the page loads).
async fn wait_for_url(client: &Client, part: &str) {
    eventually(&format!("an address with {part}"), || async {
        client.current_url().await.unwrap().as_str().contains(part).then_some(())
    })
    .await;
}

async fn click_button(client: &Client, label: &str) {
    let xpath = format!("//button[@aria-label='{label}']");
    client.find(Locator::XPath(&xpath)).await.unwrap().click().await.unwrap();
}

#[tokio::test]
async fn a_manager_uses_the_dashboard_in_a_real_browser() {
    let Some(driver) = driver() else { return };
    let settings = [("ADVOCATE_HTTP_ADDR", "127.0.0.1:0")];
    let mut h = Harness::with_settings(common::sqlite().await, "2026-11-23T10:00:00Z", &settings).await;
    h.start_bot(true).await;
    let t = Team::add(&h, ["Dana", "Alex", "Sam"], "product");
    let (dana, sam, guild, product) = (t.owner, t.member, t.guild, t.channel);
    let started = h.fake.slash(dana, product, &Command::new("meeting").sub("start").opt("topic", "Checkout")).unwrap();
    h.fake.response_message(started).await.unwrap();
    let thread = h.fake.threads_in(product)[0].id;
    h.fake.say(sam, thread, "Support saw 12 tickets from #enterprise, follow up <@me> 2026-11-20").unwrap();
    h.fake.say(dana, thread, "I think #smb shops will not mind").unwrap();
    let follow_up = eventually("the follow-up", || async {
        h.app.open_follow_ups(guild, None).await.unwrap().first().map(|f| f.id)
    })
    .await;
    let suggested = common::suggest_clinic_insight(&h.app, guild, sam).await;

    let i = h.fake.slash(dana, product, &Command::new("dashboard")).unwrap();
    let reply = h.fake.response_message(i).await.unwrap().content;
    let link = regex::Regex::new(r"<(http://[^>\s]+)>").unwrap().captures(&reply).expect("a link")[1].to_string();
    let base = link.split("/sign-in").next().unwrap().to_string();
    let client = browser(&driver).await;

    // One click from Discord to the overview; the link leaves the address bar.
    client.goto(&link).await.unwrap();
    assert_eq!(client.current_url().await.unwrap().as_str(), format!("{base}/guilds/{guild}"));
    assert_eq!(text_of(&client, "h1").await, "Overview");
    assert_eq!(client.find_all(Locator::Css("svg.chart")).await.unwrap().len(), 6);
    screenshot(&client, "overview").await;

    client.goto(&format!("{base}/guilds/{guild}/summary?period=2026-W48")).await.unwrap();
    assert!(text_of(&client, "table.numbers").await.contains("Answers 2"));
    screenshot(&client, "summary").await;

    // Filter the answers through the form, then download exactly those.
    client.find(Locator::LinkText("Answers")).await.unwrap().click().await.unwrap();
    wait_for_url(&client, "/answers").await;
    client.find(Locator::Css("input[name=period]")).await.unwrap().send_keys("2026-W48").await.unwrap();
    client.find(Locator::Css("input[name=segment]")).await.unwrap().send_keys("enterprise").await.unwrap();
    client.find(Locator::XPath("//button[text()='Filter']")).await.unwrap().click().await.unwrap();
    wait_for_url(&client, "segment=enterprise").await;
    let rows = client.find_all(Locator::Css("td.text")).await.unwrap();
    assert_eq!(rows.len(), 1);
    assert!(rows[0].text().await.unwrap().contains("Support saw 12 tickets"));
    screenshot(&client, "answers").await;
    let csv_link = client.find(Locator::Css("a[download]")).await.unwrap().attr("href").await.unwrap().unwrap();
    let session = client.get_named_cookie("advocate_session").await.unwrap();
    let csv = reqwest::Client::new()
        .get(format!("{base}{csv_link}"))
        .header("cookie", format!("advocate_session={}", session.value()))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(csv.lines().count(), 2, "a header and the one answer shown: {csv}");

    client.find(Locator::LinkText("Follow-ups")).await.unwrap().click().await.unwrap();
    wait_for_url(&client, "/follow-ups").await;
    screenshot(&client, "follow-ups").await;
    click_button(&client, &format!("Mark follow-up {follow_up} done")).await;
    // A click returns before the form's answer arrives: wait for its effect.
    eventually("the follow-up closed from the page", || async {
        h.app.open_follow_ups(guild, None).await.unwrap().is_empty().then_some(())
    })
    .await;
    wait_for_url(&client, &format!("{base}/guilds/{guild}/follow-ups")).await;

    client.find(Locator::LinkText("Insights")).await.unwrap().click().await.unwrap();
    wait_for_url(&client, "/insights").await;
    screenshot(&client, "insights").await;
    click_button(&client, &format!("Approve insight {}", suggested.id)).await;
    eventually("the suggestion approved from the page", || async {
        let live = h.app.list_insights(guild, Some(domain::insight::InsightStatus::Live)).await.unwrap();
        live.iter().any(|i| i.id == suggested.id).then_some(())
    })
    .await;

    client.find(Locator::XPath("//button[text()='Sign out']")).await.unwrap().click().await.unwrap();
    eventually("the session to end", || async {
        client.get_named_cookie("advocate_session").await.is_err().then_some(())
    })
    .await;
    client.goto(&format!("{base}/guilds/{guild}")).await.unwrap();
    assert_eq!(text_of(&client, "h1").await, "Signed out");
    client.close().await.unwrap();
    h.finish().await;
}
