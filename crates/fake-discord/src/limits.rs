//! Discord's size limits on what a bot sends: a request past one is
//! refused with 400 and code 50035 ("Invalid Form Body"), as Discord does.

use serde_json::Value;

fn len(v: &Value) -> usize {
    v.as_str().map_or(0, |s| s.chars().count())
}

fn check(problems: &mut Vec<String>, what: &str, v: &Value, max: usize) {
    if len(v) > max {
        problems.push(format!("{what} is {} characters; the limit is {max}", len(v)));
    }
}

/// What is over Discord's limits in a message body (content, embeds,
/// components), a modal or a thread; empty when all is within them.
pub fn problems(body: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    // An interaction callback carries its message or modal in `data`.
    let message = if body.get("type").is_some() && body.get("data").is_some() { &body["data"] } else { body };
    check(&mut problems, "content", &message["content"], 2000);
    check(&mut problems, "thread name", &body["name"], 100);
    if body["type"] == 9 {
        check(&mut problems, "modal title", &message["title"], 45);
        check(&mut problems, "modal custom_id", &message["custom_id"], 100);
    }
    embeds(&mut problems, &message["embeds"]);
    components(&mut problems, &message["components"]);
    problems
}

fn embeds(problems: &mut Vec<String>, embeds: &Value) {
    let Some(embeds) = embeds.as_array() else { return };
    if embeds.len() > 10 {
        problems.push(format!("{} embeds; the limit is 10", embeds.len()));
    }
    let mut total = 0;
    for e in embeds {
        check(problems, "embed title", &e["title"], 256);
        check(problems, "embed description", &e["description"], 4096);
        check(problems, "embed footer", &e["footer"]["text"], 2048);
        check(problems, "embed author name", &e["author"]["name"], 256);
        total += len(&e["title"]) + len(&e["description"]) + len(&e["footer"]["text"]) + len(&e["author"]["name"]);
        let fields = e["fields"].as_array().map(Vec::as_slice).unwrap_or_default();
        if fields.len() > 25 {
            problems.push(format!("{} embed fields; the limit is 25", fields.len()));
        }
        for f in fields {
            check(problems, "embed field name", &f["name"], 256);
            check(problems, "embed field value", &f["value"], 1024);
            total += len(&f["name"]) + len(&f["value"]);
        }
    }
    if total > 6000 {
        problems.push(format!("the embeds hold {total} characters; the limit is 6000"));
    }
}

fn components(problems: &mut Vec<String>, rows: &Value) {
    let Some(rows) = rows.as_array() else { return };
    if rows.len() > 5 {
        problems.push(format!("{} component rows; the limit is 5", rows.len()));
    }
    for c in rows.iter().flat_map(|r| r["components"].as_array().cloned().unwrap_or_default()) {
        check(problems, "custom_id", &c["custom_id"], 100);
        match c["type"].as_u64() {
            Some(2) => check(problems, "button label", &c["label"], 80),
            Some(4) => {
                check(problems, "text input label", &c["label"], 45);
                check(problems, "text input placeholder", &c["placeholder"], 100);
                check(problems, "text input value", &c["value"], 4000);
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn each_limit_is_enforced_at_its_edge() {
        let at = |n: usize| "x".repeat(n);
        assert!(problems(&json!({"content": at(2000)})).is_empty());
        assert_eq!(problems(&json!({"content": at(2001)})).len(), 1);
        assert_eq!(problems(&json!({"embeds": [{"title": at(257)}]})).len(), 1);
        assert!(problems(&json!({"embeds": [{"title": at(256), "description": at(4096)}]})).is_empty());
        let big = json!({"embeds": [{"description": at(4096), "footer": {"text": at(2048)}}]});
        assert_eq!(problems(&big), vec!["the embeds hold 6144 characters; the limit is 6000"]);
        let callback = json!({"type": 9, "data": {"title": at(46), "custom_id": "m", "components": []}});
        assert_eq!(problems(&callback).len(), 1);
        let button =
            json!({"components": [{"type": 1, "components": [{"type": 2, "label": at(81), "custom_id": "b"}]}]});
        assert_eq!(problems(&button).len(), 1);
        assert_eq!(problems(&json!({"name": at(101)})).len(), 1);
    }
}
