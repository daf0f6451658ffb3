//! What the fake Discord knows: guilds, people, channels, messages and
//! interactions, plus every request the bot made.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::Value;

use super::payloads;

#[derive(Clone, Debug)]
pub struct User {
    pub id: u64,
    pub name: String,
    pub bot: bool,
}

#[derive(Clone, Debug)]
pub struct Guild {
    pub id: u64,
    pub name: String,
    pub owner_id: u64,
    /// (role id, name, permissions); the first is @everyone (id = guild id).
    pub roles: Vec<(u64, String, u64)>,
}

#[derive(Clone, Debug)]
pub struct Channel {
    pub id: u64,
    pub guild_id: u64,
    pub name: String,
    /// 0 text, 11 public thread, 15 forum.
    pub kind: u8,
    pub parent_id: Option<u64>,
    pub owner_id: Option<u64>,
    pub members: BTreeSet<u64>,
}

#[derive(Clone, Debug)]
pub struct Attachment {
    pub filename: String,
    pub content_type: Option<String>,
    pub bytes: Vec<u8>,
}

#[derive(Clone, Debug)]
pub struct Message {
    pub id: u64,
    pub channel_id: u64,
    pub author_id: u64,
    pub content: String,
    pub embeds: Value,
    pub components: Value,
    pub attachments: Vec<Attachment>,
    pub flags: u64,
    pub nonce: Option<String>,
    pub allowed_mentions: Option<Value>,
    pub deleted: bool,
    /// (user, emoji) of live reactions.
    pub reactions: Vec<(u64, String)>,
    pub timestamp: String,
    /// Its content before each edit, oldest first.
    pub earlier: Vec<String>,
}

impl Message {
    pub fn ephemeral(&self) -> bool {
        self.flags & 64 != 0
    }

    /// All text a person would read: content, embed titles, descriptions,
    /// fields and footers.
    pub fn text(&self) -> String {
        let mut out = self.content.clone();
        for e in self.embeds.as_array().into_iter().flatten() {
            for key in ["title", "description"] {
                if let Some(s) = e[key].as_str() {
                    out.push('\n');
                    out.push_str(s);
                }
            }
            for f in e["fields"].as_array().into_iter().flatten() {
                out.push_str(&format!("\n{}: {}", f["name"].as_str().unwrap_or(""), f["value"].as_str().unwrap_or("")));
            }
            if let Some(s) = e["footer"]["text"].as_str() {
                out.push('\n');
                out.push_str(s);
            }
        }
        out
    }

    /// The custom ids of the message's buttons.
    pub fn buttons(&self) -> Vec<String> {
        let mut ids = Vec::new();
        for row in self.components.as_array().into_iter().flatten() {
            for c in row["components"].as_array().into_iter().flatten() {
                if let Some(id) = c["custom_id"].as_str() {
                    ids.push(id.to_string());
                }
            }
        }
        ids
    }
}

#[derive(Clone, Debug, Default)]
pub struct Interaction {
    pub id: u64,
    pub token: String,
    pub guild_id: u64,
    pub channel_id: u64,
    pub user_id: u64,
    /// The message a pressed button was on.
    pub message_id: Option<u64>,
    /// Bodies of the bot's callbacks, in order.
    pub callbacks: Vec<Value>,
    /// The message the response became (original or edited).
    pub response: Option<u64>,
    pub followups: Vec<u64>,
    /// When it was sent to the bot: Discord takes a first callback only
    /// within 3 seconds of that.
    pub sent_at: Option<std::time::Instant>,
    /// How long the bot took to call back first (also when too late).
    pub answered_after: Option<std::time::Duration>,
}

impl Interaction {
    /// The callback type of the first response (4 message, 5 deferred,
    /// 6 deferred update, 7 update, 9 modal).
    pub fn first_callback_type(&self) -> Option<u64> {
        self.callbacks.first().and_then(|c| c["type"].as_u64())
    }

    /// The custom id of the form (modal) the bot answered with, if it did.
    pub fn modal_id(&self) -> Option<String> {
        let first = self.callbacks.first().filter(|_| self.first_callback_type() == Some(9))?;
        first["data"]["custom_id"].as_str().map(str::to_string)
    }
}

#[derive(Clone, Debug)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub body: Option<Value>,
}

/// A fault to inject into the next matching requests.
/// A fault "status" that means: never answer.
pub const HANG: u16 = 0;

#[derive(Clone, Debug)]
pub struct Fault {
    pub method: String,
    pub path_prefix: String,
    pub status: u16,
    pub remaining: usize,
}

#[derive(Debug)]
pub struct State {
    pub app_id: u64,
    pub bot_id: u64,
    pub token: String,
    next_id: u64,
    pub users: BTreeMap<u64, User>,
    pub guilds: BTreeMap<u64, Guild>,
    /// (guild, user) -> role ids
    pub members: BTreeMap<(u64, u64), Vec<u64>>,
    pub channels: BTreeMap<u64, Channel>,
    pub messages: BTreeMap<u64, Message>,
    pub nonces: HashMap<(u64, String), u64>,
    pub interactions: BTreeMap<u64, Interaction>,
    pub commands: Vec<Value>,
    pub requests: Vec<Request>,
    pub violations: Vec<String>,
    pub faults: Vec<Fault>,
    /// Files people attached to commands, served as the CDN would.
    pub uploads: BTreeMap<u64, Attachment>,
    /// Whether the bot may have the privileged Message Content intent.
    pub message_content_allowed: bool,
    /// Discord's global limit, when a test sets one: requests per second.
    pub global_limit: Option<GlobalLimit>,
}

/// Requests per second a bot may make across all routes (interaction
/// callbacks aside), as Discord enforces with a global 429.
#[derive(Debug)]
pub struct GlobalLimit {
    pub per_second: usize,
    /// When the requests of the last second came.
    pub recent: std::collections::VecDeque<std::time::Instant>,
    /// Requests refused with a global 429.
    pub refused: u64,
}

impl GlobalLimit {
    /// Counts a request now; the seconds to wait if it is over the limit.
    pub fn take(&mut self) -> Option<f64> {
        let now = std::time::Instant::now();
        while self.recent.front().is_some_and(|t| now.duration_since(*t).as_secs_f64() >= 1.0) {
            self.recent.pop_front();
        }
        if self.recent.len() < self.per_second {
            self.recent.push_back(now);
            return None;
        }
        self.refused += 1;
        Some(1.0 - now.duration_since(self.recent[0]).as_secs_f64())
    }
}

/// Snowflakes near 2026 so that they look and sort like Discord's.
const ID_BASE: u64 = (347_155_200_000) << 22;

impl State {
    pub fn new(token: String) -> State {
        let mut s = State {
            app_id: 0,
            bot_id: 0,
            token,
            next_id: ID_BASE,
            users: BTreeMap::new(),
            guilds: BTreeMap::new(),
            members: BTreeMap::new(),
            channels: BTreeMap::new(),
            messages: BTreeMap::new(),
            nonces: HashMap::new(),
            interactions: BTreeMap::new(),
            commands: Vec::new(),
            requests: Vec::new(),
            violations: Vec::new(),
            faults: Vec::new(),
            uploads: BTreeMap::new(),
            message_content_allowed: true,
            global_limit: None,
        };
        s.app_id = s.next_id();
        s.bot_id = s.app_id;
        s.users.insert(s.bot_id, User { id: s.bot_id, name: "Advocate".into(), bot: true });
        s
    }

    pub fn next_id(&mut self) -> u64 {
        self.next_id += 1 << 12;
        self.next_id
    }

    pub fn user_json(&self, id: u64) -> Value {
        match self.users.get(&id) {
            Some(u) => payloads::user(u.id, &u.name, u.bot),
            None => payloads::user(id, "unknown", false),
        }
    }

    /// A member's permissions: the union of @everyone's and their roles'.
    pub fn permissions(&self, guild_id: u64, user_id: u64) -> u64 {
        let Some(guild) = self.guilds.get(&guild_id) else { return 0 };
        if guild.owner_id == user_id {
            return u64::MAX >> 13;
        }
        let roles = self.members.get(&(guild_id, user_id)).cloned().unwrap_or_default();
        guild.roles.iter().filter(|(id, _, _)| *id == guild_id || roles.contains(id)).fold(0, |acc, (_, _, p)| acc | p)
    }

    pub fn member_json(&self, guild_id: u64, user_id: u64, with_permissions: bool) -> Value {
        let roles = self.members.get(&(guild_id, user_id)).cloned().unwrap_or_default();
        let perms = with_permissions.then(|| self.permissions(guild_id, user_id));
        payloads::member(&self.user_json(user_id), &roles, perms)
    }

    pub fn channel_json(&self, id: u64) -> Option<Value> {
        let c = self.channels.get(&id)?;
        if c.kind == 1 {
            let recipient = c.members.iter().find(|u| **u != self.bot_id).copied().unwrap_or(0);
            return Some(serde_json::json!({
                "id": c.id.to_string(), "type": 1, "last_message_id": null, "recipients": [self.user_json(recipient)],
            }));
        }
        Some(payloads::channel(c.id, c.guild_id, &c.name, c.kind, c.parent_id, c.owner_id))
    }

    /// The guild of a channel; `None` for a DM or an unknown channel.
    pub fn guild_of(&self, channel_id: u64) -> Option<u64> {
        self.channels.get(&channel_id).map(|c| c.guild_id).filter(|g| *g != 0)
    }

    /// The DM channel between the bot and `user`, if one was opened.
    pub fn dm_channel(&self, user: u64) -> Option<u64> {
        self.channels.values().find(|c| c.kind == 1 && c.members.contains(&user)).map(|c| c.id)
    }

    pub fn message_json(&self, m: &Message) -> Value {
        let attachments: Vec<Value> = m
            .attachments
            .iter()
            .enumerate()
            .map(|(i, a)| {
                serde_json::json!({
                    "id": (m.id + i as u64 + 1).to_string(),
                    "filename": a.filename,
                    "size": a.bytes.len(),
                    "url": format!("https://cdn.discordapp.com/attachments/{}/{}", m.channel_id, a.filename),
                    "proxy_url": format!("https://media.discordapp.net/attachments/{}/{}", m.channel_id, a.filename),
                    "content_type": a.content_type,
                })
            })
            .collect();
        let mentions: Vec<Value> = mentioned(&m.content)
            .filter_map(|id| self.users.get(&id))
            .map(|u| payloads::user(u.id, &u.name, u.bot))
            .collect();
        let mut emojis: Vec<&str> = m.reactions.iter().map(|(_, e)| e.as_str()).collect();
        emojis.sort();
        emojis.dedup();
        let reactions: Vec<Value> = emojis
            .iter()
            .map(|e| {
                let who: Vec<u64> = m.reactions.iter().filter(|(_, r)| r == e).map(|(u, _)| *u).collect();
                payloads::reaction_count(e, who.len(), who.contains(&self.bot_id))
            })
            .collect();
        payloads::message(&payloads::MessageParts {
            id: m.id,
            channel_id: m.channel_id,
            guild_id: self.guild_of(m.channel_id),
            author: &self.user_json(m.author_id),
            content: &m.content,
            timestamp: &m.timestamp,
            embeds: &m.embeds,
            components: &m.components,
            attachments: &Value::Array(attachments),
            nonce: m.nonce.as_deref(),
            flags: m.flags,
            mentions: &mentions,
            reactions: &reactions,
        })
    }

    pub fn guild_create_json(&self, guild_id: u64) -> Option<Value> {
        let g = self.guilds.get(&guild_id)?;
        let roles: Vec<Value> = g.roles.iter().map(|(id, name, p)| payloads::role(*id, g.id, name, *p)).collect();
        let channels: Vec<Value> = self
            .channels
            .values()
            .filter(|c| c.guild_id == g.id && c.kind != 11)
            .filter_map(|c| self.channel_json(c.id))
            .collect();
        let members: Vec<Value> = self
            .members
            .keys()
            .filter(|(gid, _)| *gid == g.id)
            .map(|(_, uid)| self.member_json(g.id, *uid, false))
            .collect();
        Some(serde_json::json!({
            "id": g.id.to_string(),
            "name": g.name,
            "icon": null,
            "splash": null,
            "discovery_splash": null,
            "owner_id": g.owner_id.to_string(),
            "afk_channel_id": null,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "roles": roles,
            "emojis": [],
            "features": [],
            "mfa_level": 0,
            "application_id": null,
            "system_channel_id": null,
            "system_channel_flags": 0,
            "rules_channel_id": null,
            "vanity_url_code": null,
            "description": null,
            "banner": null,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "preferred_locale": "en-US",
            "public_updates_channel_id": null,
            "nsfw_level": 0,
            "stickers": [],
            "premium_progress_bar_enabled": false,
            "joined_at": payloads::EPOCH_TIMESTAMP,
            "large": false,
            "unavailable": false,
            "member_count": members.len(),
            "voice_states": [],
            "members": members,
            "channels": channels,
            "threads": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
        }))
    }
}

/// The ids of the users that `content` mentions as `<@id>`, once each, in
/// id order (read from the text, not by trying every user: a busy fake
/// would spend its time there).
fn mentioned(content: &str) -> impl Iterator<Item = u64> {
    let ids: std::collections::BTreeSet<u64> = content
        .split("<@")
        .skip(1)
        .filter_map(|rest| rest.split_once('>').and_then(|(id, _)| id.parse().ok()))
        .collect();
    ids.into_iter()
}

#[cfg(test)]
mod tests {
    #[test]
    fn mentions_are_read_from_the_text() {
        let ids: Vec<u64> = super::mentioned("<@9> hi <@12> and <@9>, not <@!5>, <@&7> or <@x>").collect();
        assert_eq!(ids, [9, 12]);
        assert_eq!(super::mentioned("no one").count(), 0);
    }
}
