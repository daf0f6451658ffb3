//! Building the world: people, guilds, roles, channels and files.

use serde_json::json;

use crate::state::{self, Channel, Guild, User};
use crate::{FakeDiscord, EVERYONE_PERMISSIONS};

impl FakeDiscord {
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

    /// The bot is removed from `guild` (GUILD_DELETE without `unavailable`).
    pub fn remove_guild(&self, guild: u64) -> anyhow::Result<()> {
        self.inner.state.lock().unwrap().guilds.remove(&guild);
        self.dispatch_raw("GUILD_DELETE", json!({"id": guild.to_string()}))
    }
}
