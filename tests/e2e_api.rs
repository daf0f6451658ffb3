//! End to end: the JSON API with tokens made in Discord, each response
//! checked against the API's own OpenAPI document.

mod common;

use common::bot::{eventually, Harness};
use common::team::{command, token_in, Team};
use fake_discord::Command;
use serde_json::{json, Value};

/// The number `/setup api-token list` gives the token `name`.
fn token_number(listed: &str, name: &str) -> i64 {
    let line = regex::Regex::new(&format!(r"#(\d+) `{name}`")).unwrap();
    line.captures(listed).unwrap_or_else(|| panic!("no {name} in {listed}"))[1].parse().unwrap()
}

/// Checks `body` against the document's schema for `path`'s `method` answering `status`.
fn conforms(doc: &Value, path: &str, method: &str, status: u16, body: &Value) {
    let pointer =
        format!("/paths/{}/{method}/responses/{status}/content/application~1json/schema", path.replace('/', "~1"));
    assert!(doc.pointer(&pointer).is_some(), "the document describes {method} {path} {status}");
    let mut root = doc.clone();
    let fragment = pointer.replace('{', "%7B").replace('}', "%7D");
    root["$ref"] = Value::String(format!("#{fragment}"));
    root["$schema"] = Value::String("https://json-schema.org/draft/2020-12/schema".into());
    let validator = jsonschema::validator_for(&root).expect("the document's schemas compile");
    let errors: Vec<String> = validator.iter_errors(body).map(|e| format!("{e} at {}", e.instance_path())).collect();
    assert!(errors.is_empty(), "{method} {path} {status} differs from the document: {errors:?}\n{body:#}");
}

struct Caller {
    client: reqwest::Client,
    base: String,
}

impl Caller {
    async fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (u16, reqwest::header::HeaderMap, Value) {
        let mut request = self.client.request(method.parse().unwrap(), format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.header("content-type", "application/json").body(body.to_string());
        }
        let response = request.send().await.unwrap();
        let (status, headers) = (response.status().as_u16(), response.headers().clone());
        let text = response.text().await.unwrap();
        (status, headers, serde_json::from_str(&text).unwrap_or(Value::Null))
    }
}

#[tokio::test]
async fn tokens_read_their_guild_ingest_feedback_and_match_the_openapi_document() {
    for db in common::stores().await {
        let settings = [("ADVOCATE_HTTP_ADDR", "127.0.0.1:0")];
        let mut h = Harness::with_settings(db, "2026-11-23T10:00:00Z", &settings).await;
        h.start_bot(true).await;
        let t = Team::add(&h, ["Dana", "Alex", "Sam"], "product").with_other_guild(&h);
        let (dana, sam, guild, product, other) = (t.owner, t.member, t.guild, t.channel, t.other_guild());
        let other_channel = h.fake.add_channel(other, "general").unwrap();
        command(&h, dana, product, Command::new("meeting").sub("start").opt("topic", "Checkout")).await;
        let thread = h.fake.threads_in(product)[0].id;
        for text in
            ["Support saw 12 tickets about #enterprise checkout", "I think #smb will not mind", "NPS 31 in #smb"]
        {
            h.fake.say(dana, thread, text).unwrap();
        }
        let meeting = h.db.store.meeting_by_thread(thread).await.unwrap().unwrap();
        eventually("three answers", || async {
            (h.db.store.meeting_stats(meeting.id).await.unwrap().answers == 3).then_some(())
        })
        .await;

        let create = |name: &str, scope: &str| {
            Command::new("setup").sub("api-token").sub("create").opt("name", name).opt("scope", scope)
        };
        let refused = command(&h, sam, product, create("mine", "read")).await.content;
        assert!(refused.contains("for managers"), "{refused}");
        let read = token_in(&command(&h, dana, product, create("dashboards", "read")).await.content);
        let ingest = token_in(&command(&h, dana, product, create("helpdesk", "ingest")).await.content);
        let foreign = token_in(&command(&h, dana, other_channel, create("elsewhere", "read")).await.content);
        let listed = command(&h, dana, product, Command::new("setup").sub("api-token").sub("list")).await.content;
        assert!(listed.contains("dashboards") && listed.contains("helpdesk") && !listed.contains("adv_"), "{listed}");

        let api = Caller { client: reqwest::Client::new(), base: format!("http://{}", h.http_addr().unwrap()) };
        let (status, _, doc) = api.call("GET", "/api/v1/openapi.json", None, None).await;
        assert_eq!(status, 200);
        let g = format!("/api/v1/guilds/{guild}");

        let (status, _, summary) = api.call("GET", &format!("{g}/summary?period=2026-W48"), Some(&read), None).await;
        assert_eq!(status, 200, "{summary}");
        conforms(&doc, "/api/v1/guilds/{guild}/summary", "get", 200, &summary);
        let period = domain::period::Period::parse("2026-W48").unwrap();
        let report = h.app.report(guild, Some(period), None).await.unwrap();
        assert_eq!(summary, serde_json::to_value(&report).unwrap(), "the same as advocate report --format json");

        let (status, _, first) =
            api.call("GET", &format!("{g}/answers?period=2026-W48&limit=2"), Some(&read), None).await;
        assert_eq!(status, 200, "{first}");
        conforms(&doc, "/api/v1/guilds/{guild}/answers", "get", 200, &first);
        assert_eq!(first["answers"].as_array().unwrap().len(), 2);
        let cursor = first["next_cursor"].as_str().expect("a second page").to_string();
        let (_, _, second) =
            api.call("GET", &format!("{g}/answers?period=2026-W48&limit=2&cursor={cursor}"), Some(&read), None).await;
        assert_eq!(second["answers"].as_array().unwrap().len(), 1);
        assert!(second["next_cursor"].is_null());
        let (_, _, smb) = api.call("GET", &format!("{g}/answers?period=2026-W48&segment=smb"), Some(&read), None).await;
        assert_eq!(smb["answers"].as_array().unwrap().len(), 2, "{smb}");

        let (_, _, meetings) = api.call("GET", &format!("{g}/meetings?period=2026-W48"), Some(&read), None).await;
        conforms(&doc, "/api/v1/guilds/{guild}/meetings", "get", 200, &meetings);
        assert_eq!(meetings["meetings"][0]["answers"], 3, "{meetings}");
        for (path, name) in [("follow-ups", "follow-ups"), ("insights", "insights")] {
            let (status, _, body) = api.call("GET", &format!("{g}/{path}"), Some(&read), None).await;
            assert_eq!(status, 200, "{body}");
            conforms(&doc, &format!("/api/v1/guilds/{{guild}}/{name}"), "get", 200, &body);
        }

        // Feedback: ingest tokens only, the CSV import's rules, sent twice added once.
        let rows = json!([
            {"customer": "Globex", "segment": "enterprise", "score": 3, "comment": "Invoices take a week to arrive", "date": "2026-11-20", "source": "nps"},
            {"customer": "Initech", "segment": "smb", "score": "9", "comment": "Setup took ten minutes"}
        ]);
        let (status, _, body) = api.call("POST", &format!("{g}/feedback"), Some(&read), Some(rows.clone())).await;
        assert_eq!(status, 403, "a read token cannot post: {body}");
        conforms(&doc, "/api/v1/guilds/{guild}/feedback", "post", 403, &body);
        let (status, _, added) = api.call("POST", &format!("{g}/feedback"), Some(&ingest), Some(rows.clone())).await;
        assert_eq!(status, 200, "{added}");
        conforms(&doc, "/api/v1/guilds/{guild}/feedback", "post", 200, &added);
        assert_eq!((added["added"].as_u64(), added["already_there"].as_u64()), (Some(2), Some(0)));
        let (_, _, again) = api.call("POST", &format!("{g}/feedback"), Some(&ingest), Some(rows)).await;
        assert_eq!((again["added"].as_u64(), again["already_there"].as_u64()), (Some(0), Some(2)), "{again}");
        let pool = h.db.store.rotation_pool(guild).await.unwrap();
        assert_eq!(pool.iter().filter(|c| c.own).count(), 2, "the next daily post can use both");
        let bad = json!([{"customer": "Hooli", "comment": "fine"}, {"customer": "Umbrella", "colour": "red"}]);
        let (status, _, body) = api.call("POST", &format!("{g}/feedback"), Some(&ingest), Some(bad)).await;
        assert_eq!(status, 400);
        assert!(body["error"].as_str().unwrap().contains("row 2: unknown field `colour`"), "{body}");
        conforms(&doc, "/api/v1/guilds/{guild}/feedback", "post", 400, &body);
        let (_, _, body) = api.call("GET", &format!("{g}/answers"), Some(&ingest), None).await;
        assert!(body["error"].as_str().unwrap().contains("scope is ingest"), "an ingest token cannot read: {body}");

        // Every route answers 404 to another guild's token, 401 without one.
        for (method, route) in [
            ("GET", "summary"),
            ("GET", "answers"),
            ("GET", "meetings"),
            ("GET", "follow-ups"),
            ("GET", "insights"),
            ("GET", "customers"),
            ("POST", "feedback"),
        ] {
            let body = (method == "POST").then(|| json!([]));
            let (status, _, _) = api.call(method, &format!("{g}/{route}"), Some(&foreign), body.clone()).await;
            assert_eq!(status, 404, "{method} {route} with another guild's token");
            let (status, headers, err) = api.call(method, &format!("{g}/{route}"), None, body).await;
            assert_eq!(status, 401, "{method} {route} without a token");
            assert_eq!(headers["www-authenticate"], "Bearer");
            conforms(&doc, &format!("/api/v1/guilds/{{guild}}/{route}"), &method.to_lowercase(), 401, &err);
        }

        // Revoked tokens stop at once; a burst beyond the limit gets 429 and Retry-After.
        let id = token_number(&listed, "dashboards");
        let revoked = command(&h, dana, product, Command::new("setup").sub("api-token").sub("revoke").opt("id", id))
            .await
            .content;
        assert!(revoked.contains("revoked"), "{revoked}");
        assert_eq!(api.call("GET", &format!("{g}/insights"), Some(&read), None).await.0, 401);
        let busy = token_in(&command(&h, dana, product, create("busy", "read")).await.content);
        let mut limited = None;
        for _ in 0..40 {
            let (status, headers, _) = api.call("GET", &format!("{g}/follow-ups"), Some(&busy), None).await;
            if status == 429 {
                limited = Some(headers);
                break;
            }
        }
        let headers = limited.expect("a burst of 40 meets the limit");
        assert!(headers["retry-after"].to_str().unwrap().parse::<u64>().unwrap() >= 1);
        h.finish().await;
    }
}
