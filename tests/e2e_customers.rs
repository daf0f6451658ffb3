//! End to end: every spelling of a customer lands on one record, a
//! look-alike is offered as a merge that moves everything, and the
//! customer's timeline (Discord, the API) shows their scores around a
//! closed loop. Both backends.

mod common;

use common::bot::{eventually, Harness};
use common::team::{api_token, command, Team};
use fake_discord::Command;
use serde_json::{json, Value};

async fn call(client: &reqwest::Client, url: String, token: &str, body: Option<Value>) -> (u16, Value) {
    let request = match body {
        Some(body) => client.post(url).header("content-type", "application/json").body(body.to_string()),
        None => client.get(url),
    };
    let response = request.bearer_auth(token).send().await.unwrap();
    let status = response.status().as_u16();
    (status, serde_json::from_str(&response.text().await.unwrap()).unwrap_or(Value::Null))
}

/// Checks `body` against the API document's schema for a GET of `path`.
fn conforms(doc: &Value, path: &str, status: u16, body: &Value) {
    let pointer = format!("/paths/{}/get/responses/{status}/content/application~1json/schema", path.replace('/', "~1"));
    assert!(doc.pointer(&pointer).is_some(), "the document describes GET {path} {status}");
    let mut root = doc.clone();
    root["$ref"] = Value::String(format!("#{}", pointer.replace('{', "%7B").replace('}', "%7D")));
    root["$schema"] = Value::String("https://json-schema.org/draft/2020-12/schema".into());
    let validator = jsonschema::validator_for(&root).expect("the document's schemas compile");
    let errors: Vec<String> = validator.iter_errors(body).map(|e| format!("{e} at {}", e.instance_path())).collect();
    assert!(errors.is_empty(), "GET {path} differs from the document: {errors:?}\n{body:#}");
}

#[tokio::test]
async fn every_spelling_lands_on_one_record_and_a_merge_moves_everything() {
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

        // Imported as "Acme Inc.", a detractor; "Acme Corp" is another record.
        let rows = json!([
            {"customer": "Acme Inc.", "segment": "enterprise", "score": 3, "comment": "Invoices arrive a week late", "date": "2026-11-02", "source": "nps"},
            {"customer": "Acme Corp", "segment": "smb", "score": 8, "comment": "Setup was quick", "date": "2026-11-03", "source": "nps"}
        ]);
        let (status, added) = call(&client, format!("{base}/feedback"), &ingest, Some(rows)).await;
        assert_eq!(status, 200, "{backend}: {added}");

        // Suggested as "ACME" by a manager: live at once, on the same record.
        let add = Command::new("insight").sub("add").opt("source", "support ticket").opt("segment", "enterprise");
        let i = h.fake.slash(dana, product, &add).unwrap();
        let form = h.fake.response(i).await.unwrap().modal_id().expect("the suggestion form opens");
        let fields = [
            ("title", "Invoices by e-mail"),
            ("customer", "ACME"),
            ("story", "Their finance team retypes every PDF invoice."),
            ("evidence", "Ticket #4410"),
            ("question", "What if invoices came as e-mail attachments?"),
        ];
        let submitted = h.fake.submit_modal(dana, product, &form, &fields).unwrap();
        h.fake.response_message(submitted).await.unwrap();

        // Answered about as "acme", in a meeting thread.
        command(&h, dana, product, Command::new("meeting").sub("start").opt("topic", "Invoices")).await;
        let thread = h.fake.threads_in(product)[0].id;
        h.fake.say(sam, thread, "acme asked again; 12 tickets about invoices since Monday").unwrap();
        h.fake.say(sam, thread, "Acme Corp did not mention it").unwrap();
        let meeting = h.db.store.meeting_by_thread(thread).await.unwrap().unwrap();
        eventually("two answers", || async {
            (h.db.store.meeting_stats(meeting.id).await.unwrap().answers == 2).then_some(())
        })
        .await;

        let customers = h.app.customers(guild).await.unwrap();
        let names: Vec<&str> = customers.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["Acme Corp", "Acme Inc."], "{backend}: three spellings, one record");
        let (corp, acme) = (customers[0].id, customers[1].id);
        let listed = command(&h, sam, product, Command::new("customer").sub("show")).await.content;
        assert!(listed.contains("2 customer(s)") && listed.contains("**Acme Inc.**"), "{backend}: {listed}");

        // A member sees the public side: stories and promises, no scores.
        let show = |name: &str| Command::new("customer").sub("show").opt("name", name);
        let public = command(&h, sam, product, show("acme")).await.content;
        assert!(public.contains("**Acme Inc.**") && public.contains("Invoices by e-mail"), "{backend}: {public}");
        assert!(public.contains("named in 1 answer(s)"), "{backend}: {public}");
        assert!(!public.contains("Last score"), "{backend}: no scores for members: {public}");
        let managers = command(&h, dana, product, show("ACME inc")).await.content;
        assert!(managers.contains("Last score: NPS 3 on 2026-11-02"), "{backend}: {managers}");
        assert!(managers.contains("detractor"), "{backend}: {managers}");

        // Adding a look-alike offers the merge; members may not keep records.
        let refused = command(&h, sam, product, Command::new("customer").sub("add").opt("name", "Acme")).await.content;
        assert!(refused.contains("for managers"), "{backend}: {refused}");
        let offered = command(&h, dana, product, Command::new("customer").sub("add").opt("name", "Acme Corp.")).await;
        assert!(offered.content.contains("was a customer already"), "{backend}: {}", offered.content);
        assert!(offered.content.contains("Looks like: Acme Inc."), "{backend}: {}", offered.content);
        assert_eq!(h.app.customers(guild).await.unwrap().len(), 2, "{backend}: never merged silently");

        let merge = Command::new("customer").sub("merge").opt("from", "Acme Corp").opt("into", "Acme Inc.");
        let merged = command(&h, dana, product, merge).await.content;
        assert!(merged.contains("Merged Acme Corp into **Acme Inc.**"), "{backend}: {merged}");
        let timeline = h.app.customer_timeline(guild, acme).await.unwrap().unwrap();
        let s = &timeline.standing;
        assert_eq!((s.feedback, s.scores, s.answers), (3, 2, 2), "{backend}: Corp's story, score and answer moved");
        assert_eq!(s.customer.aliases, ["Acme Corp"], "{backend}");
        assert!(h.app.customer_timeline(guild, corp).await.unwrap().is_none());
        let again = command(&h, dana, product, show("Acme Corp")).await.content;
        assert!(again.contains("**Acme Inc.**"), "{backend}: the old name finds it: {again}");

        // The customer of the day about Acme names its record and what the team owes them.
        let story = timeline.moments.iter().find_map(|m| match m {
            domain::timeline::Moment::Feedback { insight_id, title, .. } if title == "Invoices by e-mail" => {
                Some(*insight_id)
            }
            _ => None,
        });
        let post = domain::post::InsightPost {
            id: 0,
            guild_id: guild,
            channel_id: product,
            local_date: jiff::civil::date(2026, 11, 23),
            daily: true,
            insight_id: story.expect("the suggested insight is on the timeline"),
            nonce: "n".into(),
            message_id: None,
            claimed_at: h.clock.now(),
        };
        let rendered = h.app.render_post(&post).await.unwrap();
        let (_, field) = &rendered.fields[0];
        assert!(field.starts_with("Acme Inc. · #enterprise — 3 stories, named in 2 answers"), "{backend}: {field}");
        assert!(field.ends_with("/customer show Acme Inc."), "{backend}: {field}");

        // A promise closed and told: the scores on each side of it.
        h.fake.say(sam, thread, "Follow up with Acme about e-mailed invoices").unwrap();
        let promise = eventually("a follow-up", || async {
            h.db.store.open_follow_ups(guild, None).await.unwrap().into_iter().next()
        })
        .await;
        let done = Command::new("followup").sub("done").opt("id", promise.id).opt("told_customer", true);
        command(&h, sam, thread, done).await;
        let later = json!([{"customer": "ACME", "score": 9, "comment": "Invoices by e-mail are great", "date": "2026-11-24", "source": "nps"}]);
        call(&client, format!("{base}/feedback"), &ingest, Some(later)).await;

        let doc = client.get(format!("http://{}/api/v1/openapi.json", h.http_addr().unwrap())).send().await.unwrap();
        let doc: Value = serde_json::from_str(&doc.text().await.unwrap()).unwrap();
        let (status, list) = call(&client, format!("{base}/customers?sort=open"), &read, None).await;
        assert_eq!(status, 200, "{backend}: {list}");
        conforms(&doc, "/api/v1/guilds/{guild}/customers", 200, &list);
        assert_eq!(list["customers"].as_array().unwrap().len(), 1, "{backend}: {list}");
        let (status, page) = call(&client, format!("{base}/customers/{acme}"), &read, None).await;
        assert_eq!(status, 200, "{backend}: {page}");
        conforms(&doc, "/api/v1/guilds/{guild}/customers/{customer}", 200, &page);
        let standing = &page["standing"];
        assert_eq!((standing["closed_promises"].as_i64(), standing["told"].as_i64()), (Some(1), Some(1)), "{backend}");
        assert_eq!(standing["detractor_waiting"], false, "{backend}: the loop closed after the detractor's score");
        let around = &page["loops"][0];
        assert_eq!(
            (around["before"]["nps_responses"].as_i64(), around["before"]["nps"].as_f64()),
            (Some(2), Some(-50.0)),
            "{backend}: {around}"
        );
        assert_eq!(
            (around["after"]["nps_responses"].as_i64(), around["after"]["nps"].as_f64()),
            (Some(1), Some(100.0)),
            "{backend}: {around}"
        );
        let (status, _) = call(&client, format!("{base}/customers/{corp}"), &read, None).await;
        assert_eq!(status, 404, "{backend}: merged away");
        let (status, bad) = call(&client, format!("{base}/customers?quiet_days=0"), &read, None).await;
        assert_eq!(status, 400, "{backend}: {bad}");
        h.finish().await;
    }
}

#[tokio::test]
async fn an_address_finds_its_customer_by_domain_and_is_stored_nowhere() {
    for db in common::stores().await {
        let backend = db.backend;
        let h = Harness::new(db, "2026-11-23T10:00:00Z").await;
        let guild = 4242;
        let rows =
            |json: Value| json.as_array().unwrap().iter().map(|r| r.as_object().unwrap().clone()).collect::<Vec<_>>();
        // Acme's row teaches Acme its domain; a later row naming nobody lands on Acme by it.
        let first = json!([{"customer": "Acme", "email": "jane@acme.example", "comment": "Mail jane@acme.example the fix", "score": 4}]);
        h.app.ingest_feedback(guild, &rows(first)).await.unwrap();
        let later = json!([
            {"email": "Bob@ACME.example", "comment": "Exports are slow", "score": 9},
            {"email": "someone@gmail.com", "comment": "Nice tool"},
            {"customer": "pat@globex.example", "comment": "Billing is odd"}
        ]);
        h.app.ingest_feedback(guild, &rows(later)).await.unwrap();
        let customers = h.app.customers(guild).await.unwrap();
        let names: Vec<&str> = customers.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["Acme", "globex.example"], "{backend}: a free-mail sender is nobody's");
        assert_eq!(customers[0].domains, ["acme.example"], "{backend}");
        let acme = h.app.customer_timeline(guild, customers[0].id).await.unwrap().unwrap().standing;
        assert_eq!((acme.feedback, acme.scores), (2, 2), "{backend}: Bob's row is Acme's");
        let addresses = [
            // A story keeps an address's domain only: "…@acme.example".
            "SELECT COUNT(*) FROM insights WHERE REPLACE(story, '…@', '') LIKE '%@%' OR customer LIKE '%@%' \
             OR title LIKE '%@%' \
             OR evidence LIKE '%@%' OR question LIKE '%@%'",
            "SELECT COUNT(*) FROM customers WHERE name LIKE '%@%' OR crm_id LIKE '%@%'",
            "SELECT COUNT(*) FROM customer_names WHERE name LIKE '%@%'",
            "SELECT COUNT(*) FROM customer_domains WHERE domain LIKE '%@%'",
        ];
        for sql in addresses {
            assert_eq!(common::count(&h.db, sql).await, 0, "{backend}: no address is stored: {sql}");
        }
    }
}
