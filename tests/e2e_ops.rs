//! End to end: the operations endpoints of a running bot.

mod common;

use common::bot::{eventually, Harness};
use common::team::Team;
use fake_discord::Command;

async fn get(url: &str) -> (u16, String) {
    let response = reqwest::get(url).await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

/// The sum of a metric's samples (all label sets), checking on the way
/// that every line is Prometheus text: `# HELP`/`# TYPE` or `name{labels} value`.
fn metric(text: &str, name: &str) -> f64 {
    let sample = regex::Regex::new(r"^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})? [-+0-9.eEInfa]+$").unwrap();
    let mut sum = 0.0;
    for line in text.lines().filter(|l| !l.is_empty() && !l.starts_with('#')) {
        assert!(sample.is_match(line), "not Prometheus text: {line}");
        let (series, value) = line.rsplit_once(' ').unwrap();
        if series == name || series.starts_with(&format!("{name}{{")) {
            sum += value.parse::<f64>().unwrap();
        }
    }
    sum
}

#[tokio::test]
async fn healthz_follows_the_database_and_metrics_count_what_was_stored() {
    let settings = [("ADVOCATE_HTTP_ADDR", "127.0.0.1:0")];
    let mut h = Harness::with_settings(common::sqlite().await, "2026-11-23T09:00:00Z", &settings).await;
    let t = Team::add(&h, ["Alice", "Lee", "Bob"], "product");
    let (alice, channel) = (t.owner, t.channel);
    h.start_bot(true).await;
    let base = format!("http://{}", h.http_addr().expect("the server runs"));
    let (status, body) = eventually("a healthy bot", || async {
        let (status, body) = get(&format!("{base}/healthz")).await;
        (status == 200).then_some((status, body))
    })
    .await;
    assert_eq!((status, body.as_str()), (200, "ok\n"));

    let before = metric(&get(&format!("{base}/metrics")).await.1, "advocate_answers_logged_total");
    let i = h.fake.slash(alice, channel, &Command::new("meeting").sub("start").opt("topic", "Metrics")).unwrap();
    h.fake.response_message(i).await.unwrap();
    let thread = h.fake.threads_in(channel)[0].id;
    for n in 0..50 {
        h.fake.say(alice, thread, &format!("Reply {n}: 2 customers")).unwrap();
    }
    let meeting = h.db.store.meeting_by_thread(thread).await.unwrap().unwrap();
    eventually("the burst to be stored", || async {
        (h.db.store.meeting_stats(meeting.id).await.unwrap().answers == 50).then_some(())
    })
    .await;
    let text = get(&format!("{base}/metrics")).await.1;
    assert_eq!(metric(&text, "advocate_answers_logged_total") - before, 50.0, "{text}");
    assert!(metric(&text, "advocate_gateway_events_total") >= 50.0);
    assert!(metric(&text, "advocate_db_write_seconds_count") >= 1.0);

    h.db.store.close().await; // the database becomes unreachable
    let started = std::time::Instant::now();
    let (status, body) = get(&format!("{base}/healthz")).await;
    assert_eq!(status, 503, "{body}");
    assert!(body.contains("the database does not answer"), "{body}");
    println!("503 after {:?}", started.elapsed());
    h.finish().await;
}

/// /healthz says so while the gateway cannot be reached (its shard
/// reconnecting in vain), and is healthy again once it reconnects.
#[tokio::test]
async fn healthz_follows_the_gateway() {
    let settings = [("ADVOCATE_HTTP_ADDR", "127.0.0.1:0")];
    let mut h = Harness::with_settings(common::sqlite().await, "2026-11-23T09:00:00Z", &settings).await;
    h.start_bot(true).await;
    let healthz = format!("http://{}/healthz", h.http_addr().expect("the server runs"));
    let status_is = |want: u16| {
        let healthz = healthz.clone();
        move || {
            let healthz = healthz.clone();
            async move {
                let (status, body) = get(&healthz).await;
                (status == want).then_some(body)
            }
        }
    };
    eventually("a healthy bot", status_is(200)).await;
    h.fake.gateway_down();
    let body = eventually("healthz to see the gateway down", status_is(503)).await;
    assert!(body.contains("shard(s) 0 not connected"), "{body}");
    h.fake.gateway_up(true);
    eventually("healthz to see the gateway back", status_is(200)).await;
    h.finish().await;
}
