//! JSON payloads as Discord sends them. Every dispatch is checked against
//! serenity's own types before it leaves the fake (see `gateway`).

use serde_json::{json, Value};

pub const EPOCH_TIMESTAMP: &str = "2026-01-01T00:00:00.000000+00:00";

pub fn user(id: u64, name: &str, bot: bool) -> Value {
    json!({
        "id": id.to_string(),
        "username": name,
        "global_name": name,
        "discriminator": "0",
        "avatar": null,
        "bot": bot,
        "public_flags": 0,
    })
}

pub fn member(user: &Value, roles: &[u64], permissions: Option<u64>) -> Value {
    let mut m = json!({
        "user": user,
        "roles": roles.iter().map(|r| r.to_string()).collect::<Vec<_>>(),
        "joined_at": EPOCH_TIMESTAMP,
        "deaf": false,
        "mute": false,
        "flags": 0,
        "pending": false,
    });
    if let Some(p) = permissions {
        m["permissions"] = json!(p.to_string());
    }
    m
}

pub fn role(id: u64, guild_id: u64, name: &str, permissions: u64) -> Value {
    json!({
        "id": id.to_string(),
        "guild_id": guild_id.to_string(),
        "name": name,
        "color": 0,
        "colors": {"primary_color": 0, "secondary_color": null, "tertiary_color": null},
        "hoist": false,
        "position": 0,
        "permissions": permissions.to_string(),
        "managed": false,
        "mentionable": true,
        "flags": 0,
    })
}

/// A text channel (type 0), forum (15) or public thread (11).
pub fn channel(id: u64, guild_id: u64, name: &str, kind: u8, parent: Option<u64>, owner: Option<u64>) -> Value {
    let mut c = json!({
        "id": id.to_string(),
        "guild_id": guild_id.to_string(),
        "name": name,
        "type": kind,
        "position": 0,
        "permission_overwrites": [],
        "nsfw": false,
        "parent_id": parent.map(|p| p.to_string()),
        "last_message_id": null,
        "rate_limit_per_user": 0,
        "flags": 0,
    });
    if kind == 11 {
        c["owner_id"] = json!(owner.map(|o| o.to_string()));
        c["member_count"] = json!(1);
        c["message_count"] = json!(0);
        c["thread_metadata"] = json!({
            "archived": false,
            "auto_archive_duration": 1440,
            "archive_timestamp": EPOCH_TIMESTAMP,
            "locked": false,
            "create_timestamp": EPOCH_TIMESTAMP,
        });
    }
    c
}

pub struct MessageParts<'a> {
    pub id: u64,
    pub channel_id: u64,
    pub guild_id: Option<u64>,
    pub author: &'a Value,
    pub content: &'a str,
    pub timestamp: &'a str,
    pub embeds: &'a Value,
    pub components: &'a Value,
    pub attachments: &'a Value,
    pub nonce: Option<&'a str>,
    pub flags: u64,
    pub mentions: &'a [Value],
    pub reactions: &'a [Value],
}

pub fn message(p: &MessageParts) -> Value {
    let mut m = json!({
        "id": p.id.to_string(),
        "channel_id": p.channel_id.to_string(),
        "author": p.author,
        "content": p.content,
        "timestamp": p.timestamp,
        "edited_timestamp": null,
        "tts": false,
        "mention_everyone": false,
        "mentions": p.mentions,
        "mention_roles": [],
        "attachments": p.attachments,
        "embeds": p.embeds,
        "components": p.components,
        "reactions": p.reactions,
        "pinned": false,
        "type": 0,
        "flags": p.flags,
    });
    if let Some(g) = p.guild_id {
        m["guild_id"] = json!(g.to_string());
    }
    if let Some(n) = p.nonce {
        m["nonce"] = json!(n);
    }
    m
}

/// A message's reaction summary: one emoji, how many, whether the bot is among them.
pub fn reaction_count(emoji: &str, count: usize, me: bool) -> Value {
    json!({
        "count": count,
        "count_details": {"burst": 0, "normal": count},
        "me": me,
        "me_burst": false,
        "emoji": {"id": null, "name": emoji},
        "burst_colors": [],
    })
}

pub fn application(id: u64, bot: &Value) -> Value {
    json!({
        "id": id.to_string(),
        "name": "Advocate (fake)",
        "icon": null,
        "description": "",
        "bot_public": true,
        "bot_require_code_grant": false,
        "verify_key": "0000",
        "team": null,
        "flags": 0,
        "bot": bot,
        "owner": bot,
    })
}

/// An INTERACTION_CREATE's `d`: a slash command (type 2), a component
/// (3) or a modal submit (5), by a member in a guild channel.
pub struct InteractionParts<'a> {
    pub id: u64,
    pub application_id: u64,
    pub kind: u8,
    pub token: &'a str,
    pub guild_id: u64,
    pub channel: &'a Value,
    pub member: &'a Value,
    pub data: Value,
    pub message: Option<&'a Value>,
}

pub fn interaction(p: InteractionParts) -> Value {
    let mut i = json!({
        "id": p.id.to_string(),
        "application_id": p.application_id.to_string(),
        "type": p.kind,
        "data": p.data,
        "guild_id": p.guild_id.to_string(),
        "channel": p.channel,
        "channel_id": p.channel["id"],
        "member": p.member,
        "token": p.token,
        "version": 1,
        "app_permissions": "2248473465835073",
        "locale": "en-US",
        "guild_locale": "en-US",
        "entitlements": [],
        "authorizing_integration_owners": {"0": p.guild_id.to_string()},
        "context": 0,
        "attachment_size_limit": 26214400,
    });
    if let Some(m) = p.message {
        i["message"] = m.clone();
    }
    i
}
