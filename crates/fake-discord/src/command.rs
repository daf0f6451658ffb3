//! Slash commands as a person fills them in, typed from the command the
//! bot registered, with Discord's `resolved` map.

use serde_json::{json, Value};

use crate::payloads;
use crate::state::State;
use crate::FakeDiscord;

/// A slash command as a person fills it in:
/// `Command::new("insight").sub("review").opt("id", 3).opt("decision", "approve")`.
#[derive(Clone, Debug)]
pub struct Command {
    name: String,
    path: Vec<String>,
    options: Vec<(String, Value)>,
}

impl Command {
    pub fn new(name: &str) -> Command {
        Command { name: name.into(), path: vec![], options: vec![] }
    }

    /// A subcommand (twice for a subcommand of a group).
    #[allow(clippy::should_implement_trait)] // reads as the command line does
    pub fn sub(mut self, name: &str) -> Command {
        self.path.push(name.into());
        self
    }

    /// An option: a choice by its name; a channel, role or file by its id.
    pub fn opt(mut self, name: &str, value: impl Into<Value>) -> Command {
        self.options.push((name.into(), value.into()));
        self
    }

    /// The options as Discord nests them, inside the subcommands.
    fn options_json(&self) -> Value {
        let mut options: Vec<Value> = self.options.iter().map(|(n, v)| json!({"name": n, "value": v})).collect();
        for sub in self.path.iter().rev() {
            options = vec![json!({"name": sub, "options": options})];
        }
        Value::Array(options)
    }
}

impl FakeDiscord {
    /// `user` runs `command` in `channel`. Types come from the command
    /// the bot registered, and a choice is picked by its name, as a person
    /// picks it.
    pub fn slash(&self, user: u64, channel: u64, command: &Command) -> anyhow::Result<u64> {
        let name = command.name.as_str();
        let registered = self.read(|s| s.commands.iter().find(|c| c["name"] == name).cloned());
        let registered = registered.ok_or_else(|| anyhow::anyhow!("the bot has not registered /{name}"))?;
        let command_id: u64 = registered["id"].as_str().and_then(|i| i.parse().ok()).unwrap_or(0);
        let options = typed_options(&registered["options"], &command.options_json())?;
        let resolved = self.read(|s| resolve_options(s, &options));
        let data =
            json!({"id": command_id.to_string(), "name": name, "type": 1, "options": options, "resolved": resolved});
        self.interaction(user, channel, 2, data, None)
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
            typed["value"] = match (choice, def["type"].as_u64()) {
                (Some(c), _) => c["value"].clone(),
                // Snowflakes travel as strings.
                (None, Some(6..=9 | 11)) if value.is_u64() => json!(value.to_string()),
                (None, _) => value.clone(),
            };
        }
        if option.get("options").is_some() || matches!(def["type"].as_u64(), Some(1 | 2)) {
            typed["options"] = typed_options(&def["options"], &option["options"])?;
        }
        out.push(typed);
    }
    Ok(Value::Array(out))
}
