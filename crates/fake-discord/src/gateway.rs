//! The gateway over plain `ws://`: HELLO, IDENTIFY → READY and
//! GUILD_CREATE, heartbeats, RESUME with replay of missed events,
//! INVALID_SESSION and RECONNECT. Every dispatch is parsed as serenity's
//! own type first: serenity drops what it cannot parse without a word,
//! so the fake refuses to send it and says why.

use std::sync::Arc;

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use serenity::model::event::{Event, GatewayEvent};
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::Message;

use super::Inner;

pub const MESSAGE_CONTENT_INTENT: u64 = 1 << 15;
const HEARTBEAT_INTERVAL_MS: u64 = 41_250;

pub(super) enum Out {
    Text(String),
    Close(u16),
    /// Drop the socket without a close frame, as a network failure would.
    Drop,
}

#[derive(Default)]
pub(super) struct Gateway {
    pub session_id: String,
    pub seq: u64,
    /// Dispatched frames of this session, for RESUME.
    pub log: Vec<(u64, String)>,
    pub live: Option<(u64, mpsc::UnboundedSender<Out>)>,
    pub next_connection: u64,
    pub intents: u64,
    pub identifies: usize,
    pub resumes: usize,
    /// Unreachable: connections are dropped as they open.
    pub down: bool,
    /// The heartbeat interval HELLO asks for; 0 means Discord's 41.25 s.
    pub heartbeat_ms: u64,
    /// Heartbeats are not acknowledged (until the next IDENTIFY).
    pub no_acks: bool,
    /// The connection stays open but nothing comes through it: no
    /// events, no acknowledgements (until the next IDENTIFY).
    pub zombie: bool,
    /// Frames are sent without first being parsed as serenity would
    /// (benchmarks: the tests keep the check).
    pub unchecked: bool,
}

impl Gateway {
    pub(super) fn send(&self, out: Out) {
        if self.zombie && matches!(out, Out::Text(_)) {
            return;
        }
        if let Some((_, tx)) = &self.live {
            let _ = tx.send(out);
        }
    }
}

/// Checks that serenity parses `frame` as the event it claims to be.
pub fn check_dispatch(t: &str, frame: &str) -> Result<(), String> {
    match serde_json::from_str::<GatewayEvent>(frame) {
        Ok(GatewayEvent::Dispatch(_, Event::Unknown(_))) => {
            let d: Value = serde_json::from_str::<Value>(frame).map(|v| v["d"].clone()).unwrap_or_default();
            Err(match typed_error(t, d) {
                Some(e) => format!("serenity cannot parse this {t} and would drop it silently: {e}"),
                None => format!("serenity does not know the event {t} and would drop it"),
            })
        }
        Ok(_) => Ok(()),
        Err(e) => Err(format!("serenity cannot parse this {t} frame: {e}")),
    }
}

/// The parse error of `d` as the type serenity expects for `t`.
fn typed_error(t: &str, d: Value) -> Option<String> {
    use serenity::model::event::*;
    fn err<T: serde::de::DeserializeOwned>(d: Value) -> Option<String> {
        serde_json::from_value::<T>(d).err().map(|e| e.to_string())
    }
    match t {
        "READY" => err::<ReadyEvent>(d),
        "GUILD_CREATE" => err::<GuildCreateEvent>(d),
        "GUILD_DELETE" => err::<GuildDeleteEvent>(d),
        "CHANNEL_CREATE" => err::<ChannelCreateEvent>(d),
        "THREAD_CREATE" => err::<ThreadCreateEvent>(d),
        "MESSAGE_CREATE" => err::<MessageCreateEvent>(d),
        "MESSAGE_UPDATE" => err::<MessageUpdateEvent>(d),
        "MESSAGE_DELETE" => err::<MessageDeleteEvent>(d),
        "MESSAGE_DELETE_BULK" => err::<MessageDeleteBulkEvent>(d),
        "MESSAGE_REACTION_ADD" => err::<ReactionAddEvent>(d),
        "MESSAGE_REACTION_REMOVE" => err::<ReactionRemoveEvent>(d),
        "INTERACTION_CREATE" => err::<InteractionCreateEvent>(d),
        "GUILD_SCHEDULED_EVENT_UPDATE" => err::<GuildScheduledEventUpdateEvent>(d),
        _ => Some("no typed check for this event".into()),
    }
}

impl Inner {
    /// Sends a dispatch event to the bot, or logs it for replay while the
    /// bot is disconnected. Fails, sending nothing, if serenity would not
    /// parse it.
    pub(super) fn dispatch(&self, t: &str, d: Value) -> Result<(), String> {
        let mut gw = self.gateway.lock().unwrap();
        let seq = gw.seq + 1;
        let frame = json!({"op": 0, "t": t, "s": seq, "d": d}).to_string();
        if let Err(e) = if gw.unchecked { Ok(()) } else { check_dispatch(t, &frame) } {
            drop(gw);
            self.state.lock().unwrap().violations.push(e.clone());
            self.bump();
            return Err(e);
        }
        gw.seq = seq;
        gw.log.push((seq, frame.clone()));
        gw.send(Out::Text(frame));
        Ok(())
    }

    pub(super) fn gateway_out(&self, out: Out) {
        self.gateway.lock().unwrap().send(out);
    }
}

pub(super) async fn serve(inner: Arc<Inner>, listener: TcpListener) {
    while let Ok((stream, _)) = listener.accept().await {
        // Down: the connection is closed before the WebSocket handshake,
        // as when Discord's gateway cannot be reached.
        if inner.gateway.lock().unwrap().down {
            continue;
        }
        let inner = inner.clone();
        tokio::spawn(async move {
            if let Ok(ws) = tokio_tungstenite::accept_async(stream).await {
                connection(inner, ws).await;
            }
        });
    }
}

async fn connection(inner: Arc<Inner>, ws: tokio_tungstenite::WebSocketStream<tokio::net::TcpStream>) {
    if inner.gateway.lock().unwrap().down {
        return;
    }
    let (mut sink, mut source) = ws.split();
    let (tx, mut rx) = mpsc::unbounded_channel();
    let id = {
        let mut gw = inner.gateway.lock().unwrap();
        gw.next_connection += 1;
        gw.next_connection
    };
    let interval = match inner.gateway.lock().unwrap().heartbeat_ms {
        0 => HEARTBEAT_INTERVAL_MS,
        ms => ms,
    };
    let hello = json!({"op": 10, "d": {"heartbeat_interval": interval}}).to_string();
    if sink.send(Message::Text(hello)).await.is_err() {
        return;
    }
    loop {
        tokio::select! {
            out = rx.recv() => match out {
                Some(Out::Text(text)) => {
                    if sink.send(Message::Text(text)).await.is_err() { break; }
                }
                Some(Out::Close(code)) => {
                    let frame = CloseFrame { code: CloseCode::from(code), reason: "fake Discord".into() };
                    let _ = sink.send(Message::Close(Some(frame))).await;
                    break;
                }
                Some(Out::Drop) | None => break,
            },
            msg = source.next() => match msg {
                Some(Ok(Message::Text(text))) => handle(&inner, id, &tx, &text),
                // Finish the closing handshake, as Discord does.
                Some(Ok(Message::Close(_))) => {
                    let _ = sink.close().await;
                    break;
                }
                Some(Err(_)) | None => break,
                Some(Ok(_)) => {}
            },
        }
    }
    let mut gw = inner.gateway.lock().unwrap();
    if gw.live.as_ref().is_some_and(|(live, _)| *live == id) {
        gw.live = None;
    }
    drop(gw);
    inner.bump();
}

fn handle(inner: &Arc<Inner>, id: u64, tx: &mpsc::UnboundedSender<Out>, text: &str) {
    let Ok(payload) = serde_json::from_str::<Value>(text) else { return };
    match payload["op"].as_u64() {
        Some(1) => {
            let gw = inner.gateway.lock().unwrap();
            if !gw.no_acks && !gw.zombie {
                let _ = tx.send(Out::Text(json!({"op": 11}).to_string()));
            }
        }
        Some(2) => identify(inner, id, tx, &payload["d"]),
        Some(6) => resume(inner, id, tx, &payload["d"]),
        _ => {}
    }
}

fn identify(inner: &Arc<Inner>, id: u64, tx: &mpsc::UnboundedSender<Out>, d: &Value) {
    let intents = d["intents"].as_u64().unwrap_or(0);
    let (token_ok, content_allowed, ready, guilds) = {
        let state = inner.state.lock().unwrap();
        let token = d["token"].as_str().unwrap_or("").trim_start_matches("Bot ");
        let guilds: Vec<u64> = state.guilds.keys().copied().collect();
        let ready = json!({
            "v": 10,
            "user": {
                "id": state.bot_id.to_string(), "username": "Advocate", "global_name": null,
                "discriminator": "0", "avatar": null, "bot": true, "verified": true,
                "mfa_enabled": false, "flags": 0,
            },
            "guilds": guilds.iter().map(|g| json!({"id": g.to_string(), "unavailable": true})).collect::<Vec<_>>(),
            "session_id": "",
            "resume_gateway_url": inner.gateway_url(),
            "shard": d["shard"].clone(),
            "application": {"id": state.app_id.to_string(), "flags": 0},
        });
        (token == state.token, state.message_content_allowed, ready, guilds)
    };
    if !token_ok {
        let _ = tx.send(Out::Close(4004));
        return;
    }
    if intents & MESSAGE_CONTENT_INTENT != 0 && !content_allowed {
        let _ = tx.send(Out::Close(4014));
        return;
    }
    {
        let mut gw = inner.gateway.lock().unwrap();
        gw.session_id = format!("fake-session-{id}");
        gw.seq = 0;
        gw.log.clear();
        gw.intents = intents;
        gw.identifies += 1;
        gw.live = Some((id, tx.clone()));
        gw.no_acks = false;
        gw.zombie = false;
    }
    let mut ready = ready;
    ready["session_id"] = json!(inner.gateway.lock().unwrap().session_id.clone());
    let _ = inner.dispatch("READY", ready);
    for g in guilds {
        let payload = inner.state.lock().unwrap().guild_create_json(g);
        if let Some(p) = payload {
            let _ = inner.dispatch("GUILD_CREATE", p);
        }
    }
    inner.bump();
}

fn resume(inner: &Arc<Inner>, id: u64, tx: &mpsc::UnboundedSender<Out>, d: &Value) {
    let mut gw = inner.gateway.lock().unwrap();
    let known = !gw.session_id.is_empty() && d["session_id"].as_str() == Some(gw.session_id.as_str());
    if !known {
        let _ = tx.send(Out::Text(json!({"op": 9, "d": false}).to_string()));
        return;
    }
    let after = d["seq"].as_u64().unwrap_or(0);
    for (seq, frame) in &gw.log {
        if *seq > after {
            let _ = tx.send(Out::Text(frame.clone()));
        }
    }
    gw.resumes += 1;
    gw.live = Some((id, tx.clone()));
    drop(gw);
    let _ = inner.dispatch("RESUMED", json!({"_trace": []}));
    inner.bump();
}
