//! REST over HTTPS, as `https://discord.com/api/v10` answers: what the bot
//! uses, with state, faults on demand (429, 5xx) and every request checked
//! by the conformance validator when one is installed.

use std::convert::Infallible;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

use super::state::{Attachment, Fault, Message, Request as Recorded};
use super::Inner;

type Reply = (StatusCode, Option<Value>);

pub(super) async fn serve(inner: Arc<Inner>, listener: TcpListener, tls: Arc<rustls::ServerConfig>) {
    let acceptor = TlsAcceptor::from(tls);
    while let Ok((tcp, _)) = listener.accept().await {
        let (acceptor, inner) = (acceptor.clone(), inner.clone());
        tokio::spawn(async move {
            let Ok(stream) = acceptor.accept(tcp).await else { return };
            let service = service_fn(move |req| {
                let inner = inner.clone();
                async move { Ok::<_, Infallible>(handle(inner, req).await) }
            });
            let _ = hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
        });
    }
}

fn respond((status, body): Reply, retry_after: Option<f64>) -> Response<Full<Bytes>> {
    let mut builder = Response::builder().status(status);
    if let Some(secs) = retry_after {
        builder = builder
            .header("retry-after", format!("{}", secs.ceil() as u64))
            .header("x-ratelimit-limit", "1")
            .header("x-ratelimit-remaining", "0")
            .header("x-ratelimit-reset-after", format!("{secs}"))
            .header("x-ratelimit-bucket", "fake")
            .header("x-ratelimit-scope", "user");
    }
    let bytes = body.map(|b| Bytes::from(b.to_string())).unwrap_or_default();
    if !bytes.is_empty() {
        builder = builder.header("content-type", "application/json");
    }
    builder.body(Full::new(bytes)).expect("valid response")
}

/// A global 429, as Discord sends it: no bucket, `X-RateLimit-Global`.
fn respond_global(reply: Reply, wait: f64) -> Response<Full<Bytes>> {
    let mut response = respond(reply, None);
    let headers = response.headers_mut();
    headers.insert("retry-after", format!("{}", wait.ceil() as u64).parse().expect("a number"));
    headers.insert("x-ratelimit-global", "true".parse().expect("ascii"));
    headers.insert("x-ratelimit-scope", "global".parse().expect("ascii"));
    response
}

fn error(status: StatusCode, message: &str, code: u64) -> Reply {
    (status, Some(json!({"message": message, "code": code})))
}

async fn handle(inner: Arc<Inner>, req: Request<Incoming>) -> Response<Full<Bytes>> {
    let method = req.method().to_string();
    let path = req.uri().path().to_string();
    let path = path.strip_prefix("/api/v10").unwrap_or(&path).to_string();
    let query = req.uri().query().unwrap_or("").to_string();
    let auth = req.headers().get("authorization").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    let content_type = req.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    let body = req.into_body().collect().await.map(|b| b.to_bytes()).unwrap_or_default();
    let (json_body, files) = match parse_body(&content_type, body).await {
        Ok(parsed) => parsed,
        Err(e) => return respond(error(StatusCode::BAD_REQUEST, &e, 50109), None),
    };

    // The attachment CDN: no token, not part of the API.
    if let (true, Some(id)) = (method == "GET", path.strip_prefix("/attachments/")) {
        let id: u64 = id.split('/').nth(1).and_then(|i| i.parse().ok()).unwrap_or(0);
        let file = inner.state.lock().unwrap().uploads.get(&id).map(|a| a.bytes.clone());
        return match file {
            Some(bytes) => Response::new(Full::new(Bytes::from(bytes))),
            None => respond(error(StatusCode::NOT_FOUND, "404: Not Found", 0), None),
        };
    }
    if auth != format!("Bot {}", inner.state.lock().unwrap().token) {
        return respond(error(StatusCode::UNAUTHORIZED, "401: Unauthorized", 0), None);
    }
    let validator = inner.validator.lock().unwrap().clone();
    let violation = validator.and_then(|v| v(&method, &path, json_body.as_ref()).err());
    let fault = {
        let mut state = inner.state.lock().unwrap();
        state.requests.push(Recorded { method: method.clone(), path: path.clone(), body: json_body.clone() });
        if let Some(v) = violation {
            state.violations.push(format!("{method} {path}: {v}"));
        }
        let over = over_limits(&method, &path, json_body.as_ref());
        if !over.is_empty() {
            state.violations.push(format!("{method} {path}: over Discord's limits: {}", over.join("; ")));
            let body = json!({"code": 50035, "message": "Invalid Form Body", "errors": over});
            return respond((StatusCode::BAD_REQUEST, Some(body)), None);
        }
        let limited = match &mut state.global_limit {
            Some(limit) if !path.starts_with("/interactions/") => limit.take(),
            _ => None,
        };
        if let Some(wait) = limited {
            let body = json!({"message": "You are being rate limited.", "retry_after": wait, "global": true});
            return respond_global((StatusCode::TOO_MANY_REQUESTS, Some(body)), wait);
        }
        take_fault(&mut state.faults, &method, &path)
    };
    let reply = match fault {
        Some(crate::state::HANG) => std::future::pending().await,
        Some(429) => {
            let body = json!({"message": "You are being rate limited.", "retry_after": 0.05, "global": false});
            return respond((StatusCode::TOO_MANY_REQUESTS, Some(body)), Some(0.05));
        }
        Some(status) => {
            error(StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR), "fake fault", 0)
        }
        None if method == "GET" && path.ends_with("/messages") => list_messages(&inner, &path, &query),
        None if method == "GET" && path.contains("/reactions/") => list_reactions(&inner, &path, &query),
        None => route(&inner, &method, &path, json_body.unwrap_or(Value::Null), files),
    };
    inner.bump();
    respond(reply, None)
}

/// `GET /channels/{id}/messages?before|after|around=ID&limit=N`: the
/// channel's history as Discord serves it, newest first, at most 100. Without
/// the Message Content intent, content is blank unless it mentions the bot.
fn list_messages(inner: &Arc<Inner>, path: &str, query: &str) -> Reply {
    let channel: u64 = path.split('/').nth(2).and_then(|c| c.parse().ok()).unwrap_or(0);
    let arg = |name: &str| query_arg(query, name);
    let limit = arg("limit").unwrap_or(50).clamp(1, 100) as usize;
    let content_intent = inner.gateway.lock().unwrap().intents & crate::gateway::MESSAGE_CONTENT_INTENT != 0;
    let s = inner.state.lock().unwrap();
    if !s.channels.contains_key(&channel) {
        return error(StatusCode::NOT_FOUND, "Unknown Channel", 10003);
    }
    let mut history: Vec<&Message> =
        s.messages.values().filter(|m| m.channel_id == channel && !m.deleted && !m.ephemeral()).collect();
    history.sort_by_key(|m| m.id);
    let page: Vec<&Message> = match (arg("after"), arg("before"), arg("around")) {
        (Some(after), _, _) => history.into_iter().filter(|m| m.id > after).take(limit).collect(),
        (_, Some(before), _) => {
            let older: Vec<_> = history.into_iter().filter(|m| m.id < before).collect();
            older[older.len().saturating_sub(limit)..].to_vec()
        }
        (_, _, Some(around)) => {
            let at = history.iter().position(|m| m.id >= around).unwrap_or(history.len());
            let start = at.saturating_sub(limit / 2);
            history[start..(start + limit).min(history.len())].to_vec()
        }
        _ => history[history.len().saturating_sub(limit)..].to_vec(),
    };
    let bot = format!("<@{}>", s.bot_id);
    let json: Vec<Value> = page
        .iter()
        .rev()
        .map(|m| {
            let mut json = s.message_json(m);
            if !content_intent && m.author_id != s.bot_id && !m.content.contains(&bot) {
                json["content"] = json!("");
            }
            json
        })
        .collect();
    (StatusCode::OK, Some(Value::Array(json)))
}

/// `GET /channels/{c}/messages/{m}/reactions/{emoji}?after=USER&limit=N`:
/// who reacted with that emoji, by user id, at most 100.
fn list_reactions(inner: &Arc<Inner>, path: &str, query: &str) -> Reply {
    let parts: Vec<&str> = path.split('/').collect();
    let (Some(message), Some(emoji)) = (parts.get(4).and_then(|m| m.parse::<u64>().ok()), parts.get(6)) else {
        return error(StatusCode::NOT_FOUND, "404: Not Found", 0);
    };
    let emoji = percent_decode(emoji);
    let arg = |name: &str| query_arg(query, name);
    let (after, limit) = (arg("after").unwrap_or(0), arg("limit").unwrap_or(25).clamp(1, 100) as usize);
    let s = inner.state.lock().unwrap();
    let Some(m) = s.messages.get(&message) else {
        return error(StatusCode::NOT_FOUND, "Unknown Message", 10008);
    };
    let mut users: Vec<u64> = m.reactions.iter().filter(|(_, e)| *e == emoji).map(|(u, _)| *u).collect();
    users.sort();
    users.dedup();
    let page: Vec<Value> = users.into_iter().filter(|u| *u > after).take(limit).map(|u| s.user_json(u)).collect();
    (StatusCode::OK, Some(Value::Array(page)))
}

/// A numeric query-string argument.
fn query_arg(query: &str, name: &str) -> Option<u64> {
    query.split('&').filter_map(|kv| kv.split_once('=')).find(|(k, _)| *k == name).and_then(|(_, v)| v.parse().ok())
}

/// Decodes a URL path segment's `%XX` escapes (emoji in reaction routes).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Limits broken by a request that sends a message, modal or thread.
fn over_limits(method: &str, path: &str, body: Option<&Value>) -> Vec<String> {
    let sends = matches!(method, "POST" | "PATCH")
        && (path.starts_with("/channels/") || path.starts_with("/interactions/") || path.starts_with("/webhooks/"));
    match body {
        Some(body) if sends => crate::limits::problems(body),
        _ => Vec::new(),
    }
}

/// Whether `path` starts with `prefix`, where a `*` segment matches any one.
fn prefix_matches(prefix: &str, path: &str) -> bool {
    let (prefix, path): (Vec<_>, Vec<_>) = (prefix.split('/').collect(), path.split('/').collect());
    prefix.len() <= path.len()
        && prefix
            .iter()
            .zip(&path)
            .enumerate()
            .all(|(i, (want, got))| *want == "*" || want == got || (i == prefix.len() - 1 && got.starts_with(want)))
}

fn take_fault(faults: &mut Vec<Fault>, method: &str, path: &str) -> Option<u16> {
    let i = faults.iter().position(|f| f.method == method && prefix_matches(&f.path_prefix, path))?;
    let status = faults[i].status;
    faults[i].remaining -= 1;
    if faults[i].remaining == 0 {
        faults.remove(i);
    }
    Some(status)
}

/// JSON, or multipart with `payload_json` and `files[n]` parts.
async fn parse_body(content_type: &str, body: Bytes) -> Result<(Option<Value>, Vec<Attachment>), String> {
    if body.is_empty() {
        return Ok((None, Vec::new()));
    }
    let Ok(boundary) = multer::parse_boundary(content_type) else {
        let json = serde_json::from_slice(&body).map_err(|e| format!("body is not JSON: {e}"))?;
        return Ok((Some(json), Vec::new()));
    };
    let stream = futures_util::stream::once(async move { Ok::<_, Infallible>(body) });
    let mut parts = multer::Multipart::new(stream, boundary);
    let (mut json, mut files) = (None, Vec::new());
    while let Some(field) = parts.next_field().await.map_err(|e| e.to_string())? {
        let name = field.name().unwrap_or("").to_string();
        let filename = field.file_name().map(str::to_string);
        let content_type = field.content_type().map(|m| m.to_string());
        let bytes = field.bytes().await.map_err(|e| e.to_string())?;
        match (name.as_str(), filename) {
            ("payload_json", _) => {
                json = Some(serde_json::from_slice(&bytes).map_err(|e| format!("payload_json: {e}"))?)
            }
            (_, Some(filename)) => files.push(Attachment { filename, content_type, bytes: bytes.to_vec() }),
            _ => {}
        }
    }
    Ok((json, files))
}

fn route(inner: &Arc<Inner>, method: &str, path: &str, body: Value, files: Vec<Attachment>) -> Reply {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let id = |s: &str| s.parse::<u64>().unwrap_or(0);
    match (method, segments.as_slice()) {
        ("GET", ["gateway", "bot"]) => (
            StatusCode::OK,
            Some(json!({
                "url": inner.gateway_url(),
                "shards": 1,
                "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1},
            })),
        ),
        ("GET", ["gateway"]) => (StatusCode::OK, Some(json!({"url": inner.gateway_url()}))),
        ("GET", ["users", "@me"]) => {
            let s = inner.state.lock().unwrap();
            (StatusCode::OK, Some(s.user_json(s.bot_id)))
        }
        ("POST", ["users", "@me", "channels"]) => open_dm(inner, &body),
        ("GET", ["oauth2", "applications", "@me"]) | ("GET", ["applications", "@me"]) => {
            let s = inner.state.lock().unwrap();
            (StatusCode::OK, Some(super::payloads::application(s.app_id, &s.user_json(s.bot_id))))
        }
        ("PUT", ["applications", _, "commands"]) => put_commands(inner, None, body),
        ("PUT", ["applications", _, "guilds", g, "commands"]) => put_commands(inner, Some(id(g)), body),
        ("GET", ["applications", _, "commands"]) | ("GET", ["applications", _, "guilds", _, "commands"]) => {
            (StatusCode::OK, Some(Value::Array(inner.state.lock().unwrap().commands.clone())))
        }
        ("POST", ["interactions", i, _token, "callback"]) => interaction_callback(inner, id(i), body, files),
        ("POST", ["webhooks", _, token]) => followup(inner, token, body, files),
        ("PATCH", ["webhooks", _, token, "messages", "@original"]) => edit_original(inner, token, body, files),
        ("GET", ["webhooks", _, token, "messages", "@original"]) => {
            let s = inner.state.lock().unwrap();
            let found = s.interactions.values().find(|i| i.token == *token).and_then(|i| i.response);
            match found.and_then(|m| s.messages.get(&m)) {
                Some(m) => (StatusCode::OK, Some(s.message_json(m))),
                None => error(StatusCode::NOT_FOUND, "Unknown Message", 10008),
            }
        }
        ("POST", ["channels", c, "messages"]) => create_message(inner, id(c), body, files),
        ("GET", ["channels", c, "messages", m]) => {
            let s = inner.state.lock().unwrap();
            match s.messages.get(&id(m)).filter(|m| m.channel_id == id(c) && !m.deleted) {
                Some(m) => (StatusCode::OK, Some(s.message_json(m))),
                None => error(StatusCode::NOT_FOUND, "Unknown Message", 10008),
            }
        }
        ("PATCH", ["channels", _, "messages", m]) => edit_message(inner, id(m), &body, files),
        ("DELETE", ["channels", _, "messages", m]) => {
            let mut s = inner.state.lock().unwrap();
            match s.messages.get_mut(&id(m)) {
                Some(m) => {
                    m.deleted = true;
                    (StatusCode::NO_CONTENT, None)
                }
                None => error(StatusCode::NOT_FOUND, "Unknown Message", 10008),
            }
        }
        ("DELETE", ["channels", c]) => {
            let mut s = inner.state.lock().unwrap();
            match s.channel_json(id(c)) {
                Some(json) => {
                    s.channels.remove(&id(c));
                    (StatusCode::OK, Some(json))
                }
                None => error(StatusCode::NOT_FOUND, "Unknown Channel", 10003),
            }
        }
        ("GET", ["channels", c]) => match inner.state.lock().unwrap().channel_json(id(c)) {
            Some(c) => (StatusCode::OK, Some(c)),
            None => error(StatusCode::NOT_FOUND, "Unknown Channel", 10003),
        },
        ("POST", ["channels", c, "threads"]) => create_thread(inner, id(c), None, &body),
        ("POST", ["channels", c, "messages", m, "threads"]) => create_thread(inner, id(c), Some(id(m)), &body),
        ("PUT", ["channels", c, "thread-members", "@me"]) => {
            let mut s = inner.state.lock().unwrap();
            let bot = s.bot_id;
            match s.channels.get_mut(&id(c)) {
                Some(ch) => {
                    ch.members.insert(bot);
                    (StatusCode::NO_CONTENT, None)
                }
                None => error(StatusCode::NOT_FOUND, "Unknown Channel", 10003),
            }
        }
        ("GET", ["channels", c, "thread-members"]) => {
            let s = inner.state.lock().unwrap();
            match s.channels.get(&id(c)) {
                Some(ch) => {
                    let members: Vec<Value> = ch
                        .members
                        .iter()
                        .map(|u| json!({"id": ch.id.to_string(), "user_id": u.to_string(), "join_timestamp": super::payloads::EPOCH_TIMESTAMP, "flags": 0}))
                        .collect();
                    (StatusCode::OK, Some(Value::Array(members)))
                }
                None => error(StatusCode::NOT_FOUND, "Unknown Channel", 10003),
            }
        }
        ("PUT", ["channels", _, "messages", m, "reactions", emoji, "@me"]) => {
            let mut s = inner.state.lock().unwrap();
            let bot = s.bot_id;
            match s.messages.get_mut(&id(m)) {
                Some(msg) => {
                    msg.reactions.push((bot, percent_decode(emoji)));
                    (StatusCode::NO_CONTENT, None)
                }
                None => error(StatusCode::NOT_FOUND, "Unknown Message", 10008),
            }
        }
        ("GET", ["guilds", g, "members", u]) => {
            let s = inner.state.lock().unwrap();
            if s.members.contains_key(&(id(g), id(u))) {
                (StatusCode::OK, Some(s.member_json(id(g), id(u), false)))
            } else {
                error(StatusCode::NOT_FOUND, "Unknown Member", 10007)
            }
        }
        ("GET", ["guilds", g]) => match inner.state.lock().unwrap().guild_create_json(id(g)) {
            Some(guild) => (StatusCode::OK, Some(guild)),
            None => error(StatusCode::NOT_FOUND, "Unknown Guild", 10004),
        },
        ("GET", ["guilds", g, "roles"]) => {
            let s = inner.state.lock().unwrap();
            let roles: Vec<Value> = s
                .guilds
                .get(&id(g))
                .map(|guild| guild.roles.iter().map(|(r, n, p)| super::payloads::role(*r, guild.id, n, *p)).collect())
                .unwrap_or_default();
            (StatusCode::OK, Some(Value::Array(roles)))
        }
        _ => {
            inner.state.lock().unwrap().violations.push(format!("the fake has no route for {method} {path}"));
            error(StatusCode::NOT_FOUND, "404: Not Found", 0)
        }
    }
}

fn put_commands(inner: &Arc<Inner>, guild: Option<u64>, body: Value) -> Reply {
    let mut s = inner.state.lock().unwrap();
    let app = s.app_id;
    let mut commands = Vec::new();
    for mut c in body.as_array().cloned().unwrap_or_default() {
        let cid = s.next_id();
        c["id"] = json!(cid.to_string());
        c["application_id"] = json!(app.to_string());
        c["version"] = json!(cid.to_string());
        c["type"] = c.get("type").cloned().unwrap_or(json!(1));
        c["default_member_permissions"] = c.get("default_member_permissions").cloned().unwrap_or(Value::Null);
        if let Some(g) = guild {
            c["guild_id"] = json!(g.to_string());
        }
        commands.push(c);
    }
    s.commands = commands.clone();
    (StatusCode::OK, Some(Value::Array(commands)))
}

/// A message the bot sends: its fields from a create or edit body.
fn apply_body(m: &mut Message, body: &Value, files: Vec<Attachment>) {
    if let Some(c) = body.get("content") {
        let content = c.as_str().unwrap_or("").to_string();
        let earlier = std::mem::replace(&mut m.content, content);
        if earlier != m.content && !earlier.is_empty() {
            m.earlier.push(earlier);
        }
    }
    if let Some(e) = body.get("embeds") {
        m.embeds = if e.is_null() { json!([]) } else { e.clone() };
    }
    if let Some(c) = body.get("components") {
        m.components = if c.is_null() { json!([]) } else { c.clone() };
    }
    if let Some(f) = body.get("flags").and_then(Value::as_u64) {
        m.flags = f;
    }
    if let Some(a) = body.get("allowed_mentions") {
        m.allowed_mentions = Some(a.clone());
    }
    let cleared = body.get("attachments").and_then(Value::as_array).is_some_and(|a| a.is_empty());
    if !files.is_empty() || cleared {
        m.attachments = files;
    }
}

fn new_bot_message(inner: &Arc<Inner>, channel_id: u64, body: &Value, files: Vec<Attachment>) -> Message {
    let mut s = inner.state.lock().unwrap();
    let mut m = Message {
        id: s.next_id(),
        channel_id,
        author_id: s.bot_id,
        content: String::new(),
        embeds: json!([]),
        components: json!([]),
        attachments: Vec::new(),
        flags: 0,
        nonce: body.get("nonce").and_then(|n| n.as_str().map(str::to_string).or_else(|| Some(n.to_string()))),
        allowed_mentions: None,
        deleted: false,
        reactions: Vec::new(),
        timestamp: inner.timestamp(),
        earlier: Vec::new(),
    };
    apply_body(&mut m, body, files);
    s.messages.insert(m.id, m.clone());
    m
}

fn create_message(inner: &Arc<Inner>, channel_id: u64, body: Value, files: Vec<Attachment>) -> Reply {
    {
        let s = inner.state.lock().unwrap();
        if !s.channels.contains_key(&channel_id) {
            return error(StatusCode::NOT_FOUND, "Unknown Channel", 10003);
        }
        let nonce = body.get("nonce").and_then(Value::as_str);
        if let (Some(nonce), Some(true)) = (nonce, body.get("enforce_nonce").and_then(Value::as_bool)) {
            if let Some(existing) = s.nonces.get(&(channel_id, nonce.to_string())).and_then(|id| s.messages.get(id)) {
                return (StatusCode::OK, Some(s.message_json(existing)));
            }
        }
    }
    let m = new_bot_message(inner, channel_id, &body, files);
    let json = {
        let mut s = inner.state.lock().unwrap();
        if let Some(n) = &m.nonce {
            s.nonces.insert((channel_id, n.clone()), m.id);
        }
        s.message_json(&m)
    };
    let _ = inner.dispatch("MESSAGE_CREATE", json.clone());
    (StatusCode::OK, Some(json))
}

fn edit_message(inner: &Arc<Inner>, message_id: u64, body: &Value, files: Vec<Attachment>) -> Reply {
    let json = {
        let mut s = inner.state.lock().unwrap();
        let Some(m) = s.messages.get_mut(&message_id) else {
            return error(StatusCode::NOT_FOUND, "Unknown Message", 10008);
        };
        apply_body(m, body, files);
        let m = m.clone();
        s.message_json(&m)
    };
    (StatusCode::OK, Some(json))
}

fn create_thread(inner: &Arc<Inner>, parent: u64, from_message: Option<u64>, body: &Value) -> Reply {
    let json = {
        let mut s = inner.state.lock().unwrap();
        let Some(guild_id) = s.guild_of(parent) else {
            return error(StatusCode::NOT_FOUND, "Unknown Channel", 10003);
        };
        let id = from_message.unwrap_or_else(|| s.next_id());
        let bot = s.bot_id;
        let name = body["name"].as_str().unwrap_or("thread").to_string();
        s.channels.insert(
            id,
            super::state::Channel {
                id,
                guild_id,
                name,
                kind: 11,
                parent_id: Some(parent),
                owner_id: Some(bot),
                members: [bot].into_iter().collect(),
            },
        );
        s.channel_json(id).expect("just inserted")
    };
    let mut event = json.clone();
    event["newly_created"] = json!(true);
    let _ = inner.dispatch("THREAD_CREATE", event);
    (StatusCode::CREATED, Some(json))
}

/// Discord forgets an interaction not answered within this.
const INTERACTION_DEADLINE: std::time::Duration = std::time::Duration::from_secs(3);

fn interaction_callback(inner: &Arc<Inner>, interaction_id: u64, body: Value, files: Vec<Attachment>) -> Reply {
    let (channel_id, message_id, known) = {
        let mut s = inner.state.lock().unwrap();
        match s.interactions.get_mut(&interaction_id) {
            Some(i) if i.callbacks.is_empty() => {
                let after = i.sent_at.map(|at| at.elapsed()).unwrap_or_default();
                i.answered_after = Some(after);
                if after > INTERACTION_DEADLINE {
                    return error(StatusCode::NOT_FOUND, "Unknown interaction", 10062);
                }
                i.callbacks.push(body.clone());
                (i.channel_id, i.message_id, true)
            }
            Some(_) => return error(StatusCode::BAD_REQUEST, "Interaction has already been acknowledged.", 40060),
            None => (0, None, false),
        }
    };
    if !known {
        return error(StatusCode::NOT_FOUND, "Unknown interaction", 10062);
    }
    let data = body.get("data").cloned().unwrap_or(Value::Null);
    match body["type"].as_u64() {
        Some(4) => {
            let m = new_bot_message(inner, channel_id, &data, files);
            inner.state.lock().unwrap().interactions.get_mut(&interaction_id).expect("known").response = Some(m.id);
        }
        Some(7) => {
            if let Some(mid) = message_id {
                edit_message(inner, mid, &data, files);
            }
        }
        _ => {}
    }
    (StatusCode::NO_CONTENT, None)
}

fn followup(inner: &Arc<Inner>, token: &str, body: Value, files: Vec<Attachment>) -> Reply {
    let found = inner.state.lock().unwrap().interactions.values().find(|i| i.token == token).cloned();
    let Some(interaction) = found else {
        return error(StatusCode::NOT_FOUND, "Unknown Webhook", 10015);
    };
    // As on Discord: the first follow-up after a deferral is the response.
    if interaction.response.is_none() && interaction.first_callback_type() == Some(5) {
        return edit_original(inner, token, body, files);
    }
    let (iid, channel) = (interaction.id, interaction.channel_id);
    let m = new_bot_message(inner, channel, &body, files);
    let mut s = inner.state.lock().unwrap();
    s.interactions.get_mut(&iid).expect("known").followups.push(m.id);
    (StatusCode::OK, Some(s.message_json(&m)))
}

fn edit_original(inner: &Arc<Inner>, token: &str, body: Value, files: Vec<Attachment>) -> Reply {
    let found = inner
        .state
        .lock()
        .unwrap()
        .interactions
        .values()
        .find(|i| i.token == token)
        .map(|i| (i.id, i.channel_id, i.response, i.callbacks.first().cloned(), i.message_id));
    let Some((iid, channel, response, first, pressed_on)) = found else {
        return error(StatusCode::NOT_FOUND, "Unknown Webhook", 10015);
    };
    if let Some(mid) = response {
        return edit_message(inner, mid, &body, files);
    }
    // After a deferred update (6), the original is the message the button was on.
    if let (Some(6), Some(mid)) = (first.as_ref().and_then(|c| c["type"].as_u64()), pressed_on) {
        return edit_message(inner, mid, &body, files);
    }
    let mut m = new_bot_message(inner, channel, &body, files);
    // A deferred ephemeral response stays ephemeral.
    let deferred_flags = first.and_then(|c| c["data"]["flags"].as_u64()).unwrap_or(0);
    let mut s = inner.state.lock().unwrap();
    if deferred_flags & 64 != 0 {
        m.flags |= 64;
        s.messages.insert(m.id, m.clone());
    }
    s.interactions.get_mut(&iid).expect("known").response = Some(m.id);
    (StatusCode::OK, Some(s.message_json(&m)))
}

fn open_dm(inner: &Arc<Inner>, body: &Value) -> Reply {
    let user: u64 = body["recipient_id"].as_str().and_then(|u| u.parse().ok()).unwrap_or(0);
    let mut s = inner.state.lock().unwrap();
    if !s.users.contains_key(&user) {
        return error(StatusCode::BAD_REQUEST, "Invalid Recipient(s)", 50033);
    }
    let id = match s.dm_channel(user) {
        Some(id) => id,
        None => {
            let id = s.next_id();
            let bot = s.bot_id;
            let dm = super::state::Channel {
                id,
                guild_id: 0,
                name: String::new(),
                kind: 1,
                parent_id: None,
                owner_id: None,
                members: [bot, user].into_iter().collect(),
            };
            s.channels.insert(id, dm);
            id
        }
    };
    (StatusCode::OK, s.channel_json(id))
}
