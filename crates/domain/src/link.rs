//! Links into Discord: the one place their shape is written.

/// A link to a channel or thread, or to one message in it.
pub fn discord_link(guild_id: u64, channel_id: u64, message_id: Option<u64>) -> String {
    match message_id {
        Some(message) => format!("https://discord.com/channels/{guild_id}/{channel_id}/{message}"),
        None => format!("https://discord.com/channels/{guild_id}/{channel_id}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_link_names_guild_channel_and_message() {
        assert_eq!(discord_link(1, 2, Some(3)), "https://discord.com/channels/1/2/3");
        assert_eq!(discord_link(1, 2, None), "https://discord.com/channels/1/2");
    }
}
