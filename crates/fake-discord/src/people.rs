//! What people do: write, edit, delete, react, press buttons, submit
//! forms, start threads and events. Each becomes the gateway event
//! Discord would send.

use serde_json::{json, Value};

use crate::state::{Channel, Interaction, Message, State};
use crate::{payloads, FakeDiscord, MESSAGE_CONTENT_INTENT};

impl FakeDiscord {
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
                earlier: Vec::new(),
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

    /// A moderator deletes several messages of one channel at once.
    pub fn delete_bulk(&self, channel: u64, messages: &[u64]) -> anyhow::Result<()> {
        let json = {
            let mut s = self.inner.state.lock().unwrap();
            for id in messages {
                s.messages.get_mut(id).ok_or_else(|| anyhow::anyhow!("no message {id}"))?.deleted = true;
            }
            let ids: Vec<String> = messages.iter().map(u64::to_string).collect();
            json!({"ids": ids, "channel_id": channel.to_string(), "guild_id": s.guild_of(channel).map(|g| g.to_string())})
        };
        self.dispatch_raw("MESSAGE_DELETE_BULK", json)
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
            let (channel, author) = (m.channel_id, m.author_id);
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
                json["message_author_id"] = json!(author.to_string());
            }
            json
        };
        self.dispatch_raw(if add { "MESSAGE_REACTION_ADD" } else { "MESSAGE_REACTION_REMOVE" }, json)
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

    pub(crate) fn interaction(
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
            let record = Interaction {
                id,
                token,
                guild_id,
                channel_id: channel,
                user_id: user,
                sent_at: Some(std::time::Instant::now()),
                ..Default::default()
            };
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
}
