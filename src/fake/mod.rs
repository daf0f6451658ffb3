//! A fake Discord on loopback that the real bot (serenity, poise and all)
//! talks to exactly as it talks to discord.com: REST over HTTPS with a
//! certificate for `discord.com` from a CA made at start, the gateway
//! over `ws://`. Used by the end-to-end tests, `advocate demo` and the
//! load driver. The scenario methods speak at the level of people:
//! "Alice runs /meeting start", "Bob replies in the thread".

mod gateway;
pub mod payloads;
mod rest;
pub mod state;
mod tls;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::clock::Clock;
pub use gateway::{check_dispatch, MESSAGE_CONTENT_INTENT};
use state::{Channel, Fault, Guild, Interaction, Message, State, User};

/// Checks one request: method, path (after /api/v10) and JSON body.
pub type Validator = Arc<dyn Fn(&str, &str, Option<&Value>) -> Result<(), String> + Send + Sync>;

/// Permission bits used by the scenarios.
pub const MANAGE_GUILD: u64 = 1 << 5;
pub const EVERYONE_PERMISSIONS: u64 = (1 << 10) | (1 << 11) | (1 << 6) | (1 << 16) | (1 << 38) | (1 << 35);

pub(crate) struct Inner {
    state: Mutex<State>,
    gateway: Mutex<gateway::Gateway>,
    validator: Mutex<Option<Validator>>,
    version: watch::Sender<u64>,
    gateway_addr: SocketAddr,
    clock: Clock,
}

impl Inner {
    /// Wakes everyone waiting for a change.
    fn bump(&self) {
        self.version.send_modify(|v| *v += 1);
    }

    fn gateway_url(&self) -> String {
        format!("ws://{}", self.gateway_addr)
    }

    fn timestamp(&self) -> String {
        self.clock.now().strftime("%Y-%m-%dT%H:%M:%S%.6f+00:00").to_string()
    }
}

pub struct FakeDiscord {
    inner: Arc<Inner>,
    rest_addr: SocketAddr,
    ca_path: PathBuf,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Drop for FakeDiscord {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
        let _ = std::fs::remove_file(&self.ca_path);
    }
}

/// How long a scenario waits for the bot before it gives up and says so.
pub const WAIT: Duration = Duration::from_secs(20);

impl FakeDiscord {
    /// Starts both servers on free loopback ports. Message timestamps
    /// follow `clock`, so a simulated week looks like one.
    pub async fn start(clock: Clock) -> anyhow::Result<FakeDiscord> {
        let tls = tls::make()?;
        let rest = TcpListener::bind("127.0.0.1:0").await?;
        let ws = TcpListener::bind("127.0.0.1:0").await?;
        let (rest_addr, gateway_addr) = (rest.local_addr()?, ws.local_addr()?);
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let ca_path = std::env::temp_dir().join(format!("advocate-fake-ca-{}-{n}.pem", std::process::id()));
        std::fs::write(&ca_path, &tls.ca_pem)?;
        let token = format!("fake.{}.token", std::process::id());
        let inner = Arc::new(Inner {
            state: Mutex::new(State::new(token)),
            gateway: Mutex::new(gateway::Gateway::default()),
            validator: Mutex::new(None),
            version: watch::channel(0).0,
            gateway_addr,
            clock,
        });
        let tasks = vec![
            tokio::spawn(rest::serve(inner.clone(), rest, tls.server.clone())),
            tokio::spawn(gateway::serve(inner.clone(), ws)),
        ];
        Ok(FakeDiscord { inner, rest_addr, ca_path, tasks })
    }

    /// The settings that point the bot here (ADVOCATE_DISCORD_ADDR and _CA).
    pub fn addr(&self) -> String {
        self.rest_addr.to_string()
    }

    pub fn ca_path(&self) -> &Path {
        &self.ca_path
    }

    pub fn token(&self) -> String {
        self.inner.state.lock().unwrap().token.clone()
    }

    pub fn bot_id(&self) -> u64 {
        self.inner.state.lock().unwrap().bot_id
    }

    /// Checks every request the bot sends from now on.
    pub fn set_validator(&self, v: Validator) {
        *self.inner.validator.lock().unwrap() = Some(v);
    }

    /// Whether a bot asking for Message Content gets it (else close 4014).
    pub fn allow_message_content(&self, allowed: bool) {
        self.inner.state.lock().unwrap().message_content_allowed = allowed;
    }

    /// Requests that broke the spec, payloads serenity could not parse,
    /// and routes the fake does not know.
    pub fn violations(&self) -> Vec<String> {
        self.inner.state.lock().unwrap().violations.clone()
    }

    /// Reads the state under its lock.
    pub fn read<T>(&self, f: impl FnOnce(&State) -> T) -> T {
        f(&self.inner.state.lock().unwrap())
    }

    /// Waits until `f` finds something, or fails after `WAIT` naming `what`.
    pub async fn wait_for<T>(&self, what: &str, mut f: impl FnMut(&State) -> Option<T>) -> anyhow::Result<T> {
        let mut rx = self.inner.version.subscribe();
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            if let Some(found) = f(&self.inner.state.lock().unwrap()) {
                return Ok(found);
            }
            let violations = self.violations();
            if !violations.is_empty() {
                anyhow::bail!("while waiting for {what}: {}", violations.join("; "));
            }
            if tokio::time::timeout_at(deadline, rx.changed()).await.is_err() {
                let recent: Vec<String> = self
                    .read(|s| s.requests.iter().rev().take(5).map(|r| format!("{} {}", r.method, r.path)).collect());
                anyhow::bail!(
                    "timed out after {WAIT:?} waiting for {what}; the bot's last requests: {}",
                    recent.join(", ")
                );
            }
        }
    }

    /// Waits until the bot has identified (or resumed) `count` times in all.
    pub async fn wait_connected(&self, identifies: usize) -> anyhow::Result<()> {
        let inner = self.inner.clone();
        self.wait_for("the bot to connect to the gateway", move |_| {
            let gw = inner.gateway.lock().unwrap();
            (gw.live.is_some() && gw.identifies >= identifies).then_some(())
        })
        .await
    }

    pub fn gateway_stats(&self) -> (usize, usize, u64) {
        let gw = self.inner.gateway.lock().unwrap();
        (gw.identifies, gw.resumes, gw.intents)
    }

    /// Sends a dispatch as is: a failure names why serenity would drop it.
    pub fn dispatch_raw(&self, t: &str, d: Value) -> anyhow::Result<()> {
        self.inner.dispatch(t, d).map_err(anyhow::Error::msg)
    }

    /// Drops the gateway connection as a network failure would; events
    /// sent until the bot resumes are replayed then.
    pub fn drop_connection(&self) {
        self.inner.gateway_out(gateway::Out::Drop);
    }

    /// Forgets the bot's session and drops the connection: its RESUME is
    /// answered with INVALID_SESSION (op 9), so it must identify again.
    pub fn invalidate_session(&self) {
        self.inner.gateway.lock().unwrap().session_id.clear();
        self.inner.gateway_out(gateway::Out::Drop);
    }

    /// Asks the bot to reconnect (op 7).
    pub fn request_reconnect(&self) {
        self.inner.gateway_out(gateway::Out::Text(json!({"op": 7, "d": null}).to_string()));
    }

    /// Answers the next `count` requests to `method path_prefix…` with `status`.
    pub fn fail_next(&self, method: &str, path_prefix: &str, status: u16, count: usize) {
        self.inner.state.lock().unwrap().faults.push(Fault {
            method: method.into(),
            path_prefix: path_prefix.into(),
            status,
            remaining: count,
        });
    }

    /// A file someone attaches to a command; pass the id as the option's value.
    pub fn upload(&self, filename: &str, bytes: &[u8]) -> u64 {
        let mut s = self.inner.state.lock().unwrap();
        let id = s.next_id();
        let file = state::Attachment {
            filename: filename.into(),
            content_type: Some("text/csv".into()),
            bytes: bytes.to_vec(),
        };
        s.uploads.insert(id, file);
        id
    }

    pub fn clear_faults(&self) {
        self.inner.state.lock().unwrap().faults.clear();
    }

    fn new_id(&self) -> u64 {
        self.inner.state.lock().unwrap().next_id()
    }

    // ---- the world: guilds, people, channels ----

    pub fn add_user(&self, name: &str) -> u64 {
        let mut s = self.inner.state.lock().unwrap();
        let id = s.next_id();
        s.users.insert(id, User { id, name: name.into(), bot: false });
        id
    }

    /// A guild owned by `owner`, with the bot in it (GUILD_CREATE if live).
    pub fn add_guild(&self, name: &str, owner: u64) -> anyhow::Result<u64> {
        let payload = {
            let mut s = self.inner.state.lock().unwrap();
            let id = s.next_id();
            let bot = s.bot_id;
            let roles = vec![(id, "@everyone".to_string(), EVERYONE_PERMISSIONS)];
            s.guilds.insert(id, Guild { id, name: name.into(), owner_id: owner, roles });
            s.members.insert((id, owner), vec![]);
            s.members.insert((id, bot), vec![]);
            (id, s.guild_create_json(id))
        };
        if self.inner.gateway.lock().unwrap().live.is_some() {
            self.dispatch_raw("GUILD_CREATE", payload.1.expect("guild exists"))?;
        }
        Ok(payload.0)
    }

    pub fn add_role(&self, guild: u64, name: &str, permissions: u64) -> u64 {
        let mut s = self.inner.state.lock().unwrap();
        let id = s.next_id();
        if let Some(g) = s.guilds.get_mut(&guild) {
            g.roles.push((id, name.into(), permissions));
        }
        id
    }

    pub fn join(&self, guild: u64, user: u64, roles: &[u64]) {
        self.inner.state.lock().unwrap().members.insert((guild, user), roles.to_vec());
    }

    /// A text channel (CHANNEL_CREATE if the bot is connected).
    pub fn add_channel(&self, guild: u64, name: &str) -> anyhow::Result<u64> {
        self.add_channel_of_kind(guild, name, 0)
    }

    pub fn add_forum(&self, guild: u64, name: &str) -> anyhow::Result<u64> {
        self.add_channel_of_kind(guild, name, 15)
    }

    fn add_channel_of_kind(&self, guild: u64, name: &str, kind: u8) -> anyhow::Result<u64> {
        let (id, json) = {
            let mut s = self.inner.state.lock().unwrap();
            let id = s.next_id();
            let channel = Channel {
                id,
                guild_id: guild,
                name: name.into(),
                kind,
                parent_id: None,
                owner_id: None,
                members: Default::default(),
            };
            s.channels.insert(id, channel);
            (id, s.channel_json(id))
        };
        if self.inner.gateway.lock().unwrap().live.is_some() {
            self.dispatch_raw("CHANNEL_CREATE", json.expect("channel exists"))?;
        }
        Ok(id)
    }

    // ---- what people do ----

    /// `user` starts a thread named `name` in `channel` (THREAD_CREATE).
    pub fn start_thread(&self, user: u64, channel: u64, name: &str) -> anyhow::Result<u64> {
        let json = {
            let mut s = self.inner.state.lock().unwrap();
            let id = s.next_id();
            let guild_id = s.guild_of(channel).ok_or_else(|| anyhow::anyhow!("no channel {channel}"))?;
            let thread = Channel {
                id,
                guild_id,
                name: name.into(),
                kind: 11,
                parent_id: Some(channel),
                owner_id: Some(user),
                members: [user].into_iter().collect(),
            };
            s.channels.insert(id, thread);
            let mut json = s.channel_json(id).expect("just inserted");
            json["newly_created"] = json!(true);
            json
        };
        let id = json["id"].as_str().and_then(|s| s.parse().ok()).unwrap_or(0);
        self.dispatch_raw("THREAD_CREATE", json)?;
        Ok(id)
    }

    /// `user` posts `content` in `channel` (MESSAGE_CREATE). Without the
    /// Message Content intent the bot sees empty content, unless the
    /// message mentions it, as on Discord.
    pub fn say(&self, user: u64, channel: u64, content: &str) -> anyhow::Result<u64> {
        let (id, json) = self.write(user, channel, content);
        self.dispatch_raw("MESSAGE_CREATE", json)?;
        Ok(id)
    }

    /// `user` writes in `channel`, but Discord's MESSAGE_CREATE is held
    /// back: send it later with `deliver`, to test events out of order.
    pub fn write_unseen(&self, user: u64, channel: u64, content: &str) -> (u64, Value) {
        self.write(user, channel, content)
    }

    /// Sends a held-back event.
    pub fn deliver(&self, t: &str, payload: Value) -> anyhow::Result<()> {
        self.dispatch_raw(t, payload)
    }

    /// Stores a person's message; returns it as the bot may see it.
    fn write(&self, user: u64, channel: u64, content: &str) -> (u64, Value) {
        let id = self.new_id();
        let json = {
            let mut s = self.inner.state.lock().unwrap();
            let m = Message {
                id,
                channel_id: channel,
                author_id: user,
                content: content.into(),
                embeds: json!([]),
                components: json!([]),
                attachments: vec![],
                flags: 0,
                nonce: None,
                allowed_mentions: None,
                deleted: false,
                reactions: vec![],
                timestamp: self.inner.timestamp(),
            };
            s.messages.insert(id, m.clone());
            if let Some(c) = s.channels.get_mut(&channel) {
                c.members.insert(user);
            }
            self.visible(&s, s.message_json(&m))
        };
        (id, json)
    }

    /// Strips what the bot may not read without Message Content.
    fn visible(&self, s: &State, mut message: Value) -> Value {
        let granted = self.inner.gateway.lock().unwrap().intents & MESSAGE_CONTENT_INTENT != 0;
        let mentions_bot = message["content"].as_str().is_some_and(|c| c.contains(&format!("<@{}>", s.bot_id)));
        let from_bot = message["author"]["id"].as_str() == Some(&s.bot_id.to_string());
        if !granted && !mentions_bot && !from_bot {
            message["content"] = json!("");
            message["embeds"] = json!([]);
            message["attachments"] = json!([]);
            message["components"] = json!([]);
        }
        message
    }

    pub fn edit(&self, message: u64, content: &str) -> anyhow::Result<()> {
        let json = {
            let mut s = self.inner.state.lock().unwrap();
            let m = s.messages.get_mut(&message).ok_or_else(|| anyhow::anyhow!("no message {message}"))?;
            m.content = content.into();
            let m = m.clone();
            let mut json = self.visible(&s, s.message_json(&m));
            json["edited_timestamp"] = json!(self.inner.timestamp());
            json
        };
        self.dispatch_raw("MESSAGE_UPDATE", json)
    }

    pub fn delete(&self, message: u64) -> anyhow::Result<()> {
        let json = {
            let mut s = self.inner.state.lock().unwrap();
            let m = s.messages.get_mut(&message).ok_or_else(|| anyhow::anyhow!("no message {message}"))?;
            m.deleted = true;
            let (channel, id) = (m.channel_id, m.id);
            json!({"id": id.to_string(), "channel_id": channel.to_string(), "guild_id": s.guild_of(channel).map(|g| g.to_string())})
        };
        self.dispatch_raw("MESSAGE_DELETE", json)
    }

    pub fn react(&self, user: u64, message: u64, emoji: &str) -> anyhow::Result<()> {
        self.reaction(user, message, emoji, true)
    }

    pub fn unreact(&self, user: u64, message: u64, emoji: &str) -> anyhow::Result<()> {
        self.reaction(user, message, emoji, false)
    }

    fn reaction(&self, user: u64, message: u64, emoji: &str, add: bool) -> anyhow::Result<()> {
        let json = {
            let mut s = self.inner.state.lock().unwrap();
            let m = s.messages.get_mut(&message).ok_or_else(|| anyhow::anyhow!("no message {message}"))?;
            if add {
                m.reactions.push((user, emoji.into()));
            } else {
                m.reactions.retain(|(u, e)| !(*u == user && e == emoji));
            }
            let channel = m.channel_id;
            let guild = s.guild_of(channel).unwrap_or(0);
            let mut json = json!({
                "user_id": user.to_string(),
                "channel_id": channel.to_string(),
                "message_id": message.to_string(),
                "guild_id": guild.to_string(),
                "emoji": {"id": null, "name": emoji},
                "burst": false,
                "type": 0,
            });
            if add {
                json["member"] = s.member_json(guild, user, false);
            }
            json
        };
        self.dispatch_raw(if add { "MESSAGE_REACTION_ADD" } else { "MESSAGE_REACTION_REMOVE" }, json)
    }

    /// `user` runs a slash command in `channel`: `/name` with `options` as
    /// `[{"name": …, "value": …, "options": […]}]` (a subcommand has only a
    /// name). Types come from the registered command, and a choice is
    /// picked by its name, as a person picks it.
    pub fn slash(&self, user: u64, channel: u64, name: &str, options: Value) -> anyhow::Result<u64> {
        let command = self.read(|s| s.commands.iter().find(|c| c["name"] == name).cloned());
        let command = command.ok_or_else(|| anyhow::anyhow!("the bot has not registered /{name}"))?;
        let command_id: u64 = command["id"].as_str().and_then(|i| i.parse().ok()).unwrap_or(0);
        let options = typed_options(&command["options"], &options)?;
        let resolved = self.read(|s| resolve_options(s, &options));
        let data =
            json!({"id": command_id.to_string(), "name": name, "type": 1, "options": options, "resolved": resolved});
        self.interaction(user, channel, 2, data, None)
    }

    /// `user` presses the button `custom_id` on `message`.
    pub fn click(&self, user: u64, message: u64, custom_id: &str) -> anyhow::Result<u64> {
        let (channel, json) = self
            .read(|s| {
                let m = s.messages.get(&message)?;
                Some((m.channel_id, s.message_json(m)))
            })
            .ok_or_else(|| anyhow::anyhow!("no message {message}"))?;
        let data = json!({"custom_id": custom_id, "component_type": 2});
        let id = self.interaction(user, channel, 3, data, Some(&json))?;
        self.inner.state.lock().unwrap().interactions.get_mut(&id).expect("just made").message_id = Some(message);
        Ok(id)
    }

    /// `user` presses the first button on `message` and gets a form;
    /// returns the form's custom id.
    pub async fn open_form(&self, user: u64, message: u64) -> anyhow::Result<String> {
        let button = self.read(|s| s.messages.get(&message).and_then(|m| m.buttons().into_iter().next()));
        let button = button.ok_or_else(|| anyhow::anyhow!("message {message} has no button"))?;
        let click = self.click(user, message, &button)?;
        let answered = self.response(click).await?;
        answered.modal_id().ok_or_else(|| anyhow::anyhow!("the button did not open a form: {:?}", answered.callbacks))
    }

    /// `user` submits the modal `custom_id` with text inputs `(id, value)`.
    pub fn submit_modal(
        &self,
        user: u64,
        channel: u64,
        custom_id: &str,
        fields: &[(&str, &str)],
    ) -> anyhow::Result<u64> {
        let rows: Vec<Value> = fields
            .iter()
            .map(|(id, value)| json!({"type": 1, "components": [{"type": 4, "custom_id": id, "value": value}]}))
            .collect();
        let data = json!({"custom_id": custom_id, "components": rows});
        self.interaction(user, channel, 5, data, None)
    }

    fn interaction(
        &self,
        user: u64,
        channel: u64,
        kind: u8,
        data: Value,
        message: Option<&Value>,
    ) -> anyhow::Result<u64> {
        let (id, json) = {
            let mut s = self.inner.state.lock().unwrap();
            let id = s.next_id();
            let guild_id = s.guild_of(channel).ok_or_else(|| anyhow::anyhow!("no channel {channel}"))?;
            let token = format!("token-{id}");
            let channel_json = s.channel_json(channel).expect("channel exists");
            let member = s.member_json(guild_id, user, true);
            let json = payloads::interaction(payloads::InteractionParts {
                id,
                application_id: s.app_id,
                kind,
                token: &token,
                guild_id,
                channel: &channel_json,
                member: &member,
                data,
                message,
            });
            let record = Interaction { id, token, guild_id, channel_id: channel, user_id: user, ..Default::default() };
            s.interactions.insert(id, record);
            (id, json)
        };
        self.dispatch_raw("INTERACTION_CREATE", json)?;
        Ok(id)
    }

    /// Waits for the bot's first answer to an interaction.
    pub async fn response(&self, interaction: u64) -> anyhow::Result<Interaction> {
        self.wait_for(&format!("the bot to answer interaction {interaction}"), |s| {
            s.interactions.get(&interaction).filter(|i| !i.callbacks.is_empty()).cloned()
        })
        .await
    }

    /// Waits for the message an interaction's response became (after a
    /// deferral too) and returns it.
    pub async fn response_message(&self, interaction: u64) -> anyhow::Result<Message> {
        self.wait_for(&format!("the response message of interaction {interaction}"), |s| {
            let id = s.interactions.get(&interaction)?.response?;
            s.messages.get(&id).cloned()
        })
        .await
    }

    /// A Discord scheduled event in `guild` becomes active.
    pub fn start_event(&self, guild: u64, name: &str, creator: u64) -> anyhow::Result<u64> {
        let id = self.new_id();
        self.update_event(guild, id, name, creator)?;
        Ok(id)
    }

    /// An update of an active scheduled event.
    pub fn update_event(&self, guild: u64, id: u64, name: &str, creator: u64) -> anyhow::Result<()> {
        let json = json!({
            "id": id.to_string(),
            "guild_id": guild.to_string(),
            "channel_id": null,
            "creator_id": creator.to_string(),
            "name": name,
            "description": null,
            "scheduled_start_time": self.inner.timestamp(),
            "scheduled_end_time": self.inner.timestamp(),
            "privacy_level": 2,
            "status": 2,
            "entity_type": 3,
            "entity_id": null,
            "entity_metadata": {"location": "Office"},
            "user_count": null,
            "image": null,
        });
        self.dispatch_raw("GUILD_SCHEDULED_EVENT_UPDATE", json)
    }

    /// The bot is removed from `guild` (GUILD_DELETE without `unavailable`).
    pub fn remove_guild(&self, guild: u64) -> anyhow::Result<()> {
        self.inner.state.lock().unwrap().guilds.remove(&guild);
        self.dispatch_raw("GUILD_DELETE", json!({"id": guild.to_string()}))
    }

    /// Visible (non-ephemeral, not deleted) messages in a channel, oldest first.
    pub fn messages_in(&self, channel: u64) -> Vec<Message> {
        self.read(|s| {
            s.messages.values().filter(|m| m.channel_id == channel && !m.deleted && !m.ephemeral()).cloned().collect()
        })
    }

    /// Threads under `channel`, oldest first.
    pub fn threads_in(&self, channel: u64) -> Vec<Channel> {
        self.read(|s| s.channels.values().filter(|c| c.parent_id == Some(channel)).cloned().collect())
    }
}

/// The `resolved` map Discord sends with a command's channel and role options.
fn resolve_options(s: &State, options: &Value) -> Value {
    let mut channels = serde_json::Map::new();
    let mut roles = serde_json::Map::new();
    let mut attachments = serde_json::Map::new();
    let mut stack: Vec<&Value> = options.as_array().map(|a| a.iter().collect()).unwrap_or_default();
    while let Some(option) = stack.pop() {
        stack.extend(option["options"].as_array().into_iter().flatten());
        let id: u64 = option["value"].as_str().and_then(|v| v.parse().ok()).unwrap_or(0);
        match option["type"].as_u64() {
            Some(7) => {
                if let Some(c) = s.channels.get(&id) {
                    let partial = json!({"id": id.to_string(), "name": c.name, "type": c.kind, "permissions": "2248473465835073"});
                    channels.insert(id.to_string(), partial);
                }
            }
            Some(11) => {
                if let Some(a) = s.uploads.get(&id) {
                    let url = format!("https://cdn.discordapp.com/attachments/0/{id}/{}", a.filename);
                    let json = json!({"id": id.to_string(), "filename": a.filename, "size": a.bytes.len(), "url": url, "proxy_url": url, "content_type": a.content_type});
                    attachments.insert(id.to_string(), json);
                }
            }
            Some(8) => {
                let role =
                    s.guilds.values().flat_map(|g| g.roles.iter().map(move |r| (g.id, r))).find(|(_, r)| r.0 == id);
                if let Some((guild, (rid, name, perms))) = role {
                    roles.insert(id.to_string(), payloads::role(*rid, guild, name, *perms));
                }
            }
            _ => {}
        }
    }
    json!({"channels": channels, "roles": roles, "attachments": attachments})
}

/// Fills in each option's type from the registered definition and turns a
/// choice's name into its value; an unknown option is an error.
fn typed_options(defs: &Value, given: &Value) -> anyhow::Result<Value> {
    let mut out = Vec::new();
    for option in given.as_array().into_iter().flatten() {
        let name = option["name"].as_str().unwrap_or("");
        let def = defs
            .as_array()
            .into_iter()
            .flatten()
            .find(|d| d["name"] == name)
            .ok_or_else(|| anyhow::anyhow!("the command has no option `{name}`"))?;
        let mut typed = json!({"name": name, "type": def["type"]});
        if let Some(value) = option.get("value") {
            let choice = def["choices"].as_array().into_iter().flatten().find(|c| c["name"] == *value);
            typed["value"] = choice.map_or_else(|| value.clone(), |c| c["value"].clone());
        }
        if option.get("options").is_some() || matches!(def["type"].as_u64(), Some(1 | 2)) {
            typed["options"] = typed_options(&def["options"], &option["options"])?;
        }
        out.push(typed);
    }
    Ok(Value::Array(out))
}
