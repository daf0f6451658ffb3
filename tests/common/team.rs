//! The team most end-to-end tests start from, built once here: a guild
//! whose owner has Manage Server, a lead with the leads role, a plain
//! member, a channel, and (when a test asks) another guild of the owner's.

use fake_discord::state::Message;
use fake_discord::Command;

use super::bot::Harness;

pub struct Team {
    pub guild: u64,
    /// Owns the guild, so has Manage Server.
    pub owner: u64,
    /// Has the `leads` role (the manager role once [`Team::with_manager_role`] ran).
    pub lead: u64,
    pub member: u64,
    /// The `leads` role.
    pub leads: u64,
    pub channel: u64,
    /// Another guild of the owner's, where the others are not.
    other: Option<u64>,
}

impl Team {
    /// Adds the team to the fake: `names` are the owner's, the lead's and
    /// the member's, `channel` the channel's name.
    pub fn add(h: &Harness, [owner, lead, member]: [&str; 3], channel: &str) -> Team {
        let (owner, lead, member) = (h.fake.add_user(owner), h.fake.add_user(lead), h.fake.add_user(member));
        let guild = h.fake.add_guild("Acme", owner).unwrap();
        let leads = h.fake.add_role(guild, "leads", 0);
        h.fake.join(guild, lead, &[leads]);
        h.fake.join(guild, member, &[]);
        let channel = h.fake.add_channel(guild, channel).unwrap();
        Team { guild, owner, lead, member, leads, channel, other: None }
    }

    /// Adds another guild of the owner's (only where a test needs one: the
    /// bot stores each guild it sees, which a database fault would hold up).
    pub fn with_other_guild(mut self, h: &Harness) -> Team {
        self.other = Some(h.fake.add_guild("Other", self.owner).unwrap());
        self
    }

    pub fn other_guild(&self) -> u64 {
        self.other.expect("the test asked for Team::with_other_guild")
    }

    /// Makes `leads` the guild's manager role, as its owner would.
    pub async fn with_manager_role(self, h: &Harness) -> Team {
        let set =
            Command::new("setup").sub("set").opt("setting", "manager_role").opt("value", format!("<@&{}>", self.leads));
        let reply = command(h, self.owner, self.channel, set).await;
        assert!(reply.content.contains("Saved"), "{}", reply.content);
        self
    }
}

/// Runs a slash command as `user` in `channel`; the bot's reply.
pub async fn command(h: &Harness, user: u64, channel: u64, command: Command) -> Message {
    let i = h.fake.slash(user, channel, &command).unwrap();
    h.fake.response_message(i).await.unwrap()
}

/// The API token in a `/setup api-token create` reply.
pub fn token_in(reply: &str) -> String {
    let found = regex::Regex::new(r"`(adv_[0-9a-f]{64})`").unwrap().captures(reply);
    found.unwrap_or_else(|| panic!("no token in: {reply}"))[1].to_string()
}

/// A new API token `name` of `scope`, made by `manager` in `channel`.
pub async fn api_token(h: &Harness, manager: u64, channel: u64, name: &str, scope: &str) -> String {
    let create = Command::new("setup").sub("api-token").sub("create").opt("name", name).opt("scope", scope);
    token_in(&command(h, manager, channel, create).await.content)
}
