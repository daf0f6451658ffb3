//! Dashboard and API benchmark: every page and API call on a guild with a
//! year of history (about 1M answers), through the real HTTP server on
//! loopback: time per request (p50 and p99 of ADVOCATE_PAGES_N, default
//! 100, the server's time plus a local round trip) and bytes sent.
//! Target: under 100 ms and 200 KB. SQLite always; PostgreSQL when
//! ADVOCATE_TEST_POSTGRES_URL is set.
//! Run: cargo bench --bench pages

use std::sync::Arc;
use std::time::{Duration, Instant};

use app::access::{Members, Reply};
use app::clock::Clock;
use app::App;
use domain::access::Standing;
use domain::api::Scope;
use jiff::Timestamp;
use store::Store;

#[path = "../tests/common/mod.rs"]
mod common;
#[path = "support/history.rs"]
mod history;

/// Everyone is a manager here: Discord is not part of what is measured.
struct Managers;

impl Members for Managers {
    fn standing(&self, _guild: u64, _user: u64) -> Reply<'_, Option<Standing>> {
        Box::pin(async { Ok(Some(Standing { roles: vec![], manages_guild: true })) })
    }

    fn tell(&self, _user: u64, _text: String) -> Reply<'_, ()> {
        Box::pin(async { Ok(()) })
    }
}

async fn bench(name: &str, url: &str) {
    let store = Store::connect(url).await.unwrap();
    store.migrate().await.unwrap();
    let base: Timestamp = "2025-12-29T00:00:00Z".parse().unwrap();
    let prompts =
        app::prompts::load(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("prompts").as_path()).unwrap();
    store.sync_library(&prompts.library, base).await.unwrap();
    store.guild_settings(history::GUILD as u64, &Default::default(), base).await.unwrap();
    let t = Instant::now();
    history::fill(url, base.as_millisecond(), 0, history::WEEKS).await;
    println!("{name:<9} a year of history filled in {:.0} s", t.elapsed().as_secs_f64());

    let clock = Clock::manual("2026-12-23T12:00:00Z".parse().unwrap());
    let app = App::new(store.clone(), prompts, Default::default(), clock);
    let server = web::Server::start("127.0.0.1:0", app.clone(), Arc::new(Managers), false).await.unwrap();
    let guild = history::GUILD as u64;
    let link = app.new_sign_in_link(guild, 7).await.unwrap();
    let (session, _) = app.sign_in(&link).await.unwrap().unwrap();
    let (_, token) = app.create_api_token(guild, "bench", Scope::Read, 7).await.unwrap();

    let g = format!("/guilds/{guild}");
    let api = format!("/api/v1/guilds/{guild}");
    let calls: Vec<(String, bool)> = [
        (g.clone(), false),
        (format!("{g}/summary"), false),
        (format!("{g}/summary?period=2026-Q4"), false),
        (format!("{g}/answers"), false),
        (format!("{g}/answers?period=2026-01-01..2026-12-27&q=abc-12&segment=smb&evidence=yes"), false),
        (format!("{g}/answers.csv"), false),
        (format!("{g}/meetings"), false),
        (format!("{g}/meetings/500"), false),
        (format!("{g}/follow-ups"), false),
        (format!("{g}/insights"), false),
        (format!("{g}/customers"), false),
        (format!("{g}/customers?sort=waiting&detractors=yes"), false),
        (format!("{g}/customers/1"), false),
        (format!("{api}/summary?period=2026-11"), true),
        (format!("{api}/answers?limit=500"), true),
        (format!("{api}/meetings?period=2026-11"), true),
        (format!("{api}/follow-ups"), true),
        (format!("{api}/insights"), true),
        (format!("{api}/customers?sort=open"), true),
        (format!("{api}/customers/1"), true),
    ]
    .into();
    let requests: usize = std::env::var("ADVOCATE_PAGES_N").ok().and_then(|n| n.parse().ok()).unwrap_or(100).max(2);
    let client = reqwest::Client::new();
    let root = format!("http://{}", server.addr);
    for (path, is_api) in calls {
        let mut times: Vec<Duration> = Vec::with_capacity(requests);
        let mut bytes = 0;
        for n in 0..requests {
            let request = client.get(format!("{root}{path}"));
            let request = match is_api {
                true => request.bearer_auth(&token),
                false => request.header("cookie", format!("advocate_session={session}")),
            };
            let t = Instant::now();
            let response = request.send().await.unwrap();
            let status = response.status();
            let body = response.bytes().await.unwrap();
            times.push(t.elapsed());
            assert!(status.is_success() || (is_api && status == 429), "{path}: {status}");
            if n == 0 {
                bytes = body.len();
            }
            if is_api {
                tokio::time::sleep(Duration::from_millis(100)).await; // within the token's rate
            }
        }
        times.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        println!(
            "{name:<9} {path:<75} p50 {:>7.1} ms  p99 {:>7.1} ms  {:>7.1} KB",
            ms(times[requests / 2]),
            ms(times[(requests * 99).div_ceil(100) - 1]),
            bytes as f64 / 1024.0
        );
    }
    server.stop();
    store.close().await;
}

#[tokio::main]
async fn main() {
    for db in common::stores().await {
        bench(db.backend, &db.url).await;
        db.finish().await;
    }
}
