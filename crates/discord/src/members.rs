//! Members as Discord knows them, for the web pages: their standing for
//! the manager check (each person asked at most every few minutes, so a
//! demoted manager loses access soon without a request per page), and
//! direct messages.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use jiff::{SignedDuration, Timestamp};
use serenity::all::{CreateMessage, GuildId, Http, HttpError, Permissions, UserId};

use app::access::{Members, Reply};
use app::clock::Clock;
use domain::access::Standing;

/// How long what Discord said of a member is trusted.
const FRESH_FOR: SignedDuration = SignedDuration::from_mins(3);

type Known = HashMap<(u64, u64), (Timestamp, Option<Standing>)>;

pub struct DiscordMembers {
    http: Arc<Http>,
    clock: Clock,
    known: Mutex<Known>,
}

impl DiscordMembers {
    pub fn new(http: Arc<Http>, clock: Clock) -> DiscordMembers {
        DiscordMembers { http, clock, known: Mutex::default() }
    }

    /// Asks Discord: the member's roles, and the guild's owner and roles'
    /// permissions (Discord sends a member's permissions only with interactions).
    async fn ask(&self, guild: u64, user: u64) -> anyhow::Result<Option<Standing>> {
        let member = match self.http.get_member(GuildId::new(guild), UserId::new(user)).await {
            Ok(member) => member,
            Err(serenity::Error::Http(HttpError::UnsuccessfulRequest(r))) if r.status_code.as_u16() == 404 => {
                return Ok(None)
            }
            Err(e) => return Err(e.into()),
        };
        let g = self.http.get_guild(GuildId::new(guild)).await?;
        let permissions = g
            .roles
            .values()
            .filter(|r| r.id.get() == guild || member.roles.contains(&r.id))
            .fold(Permissions::empty(), |all, r| all | r.permissions);
        Ok(Some(Standing {
            roles: member.roles.iter().map(|r| r.get()).collect(),
            manages_guild: g.owner_id.get() == user || super::commands::manages_guild(permissions),
        }))
    }
}

impl Members for DiscordMembers {
    fn standing(&self, guild_id: u64, user_id: u64) -> Reply<'_, Option<Standing>> {
        Box::pin(async move {
            let now = self.clock.now();
            if let Some((at, standing)) = self.known.lock().unwrap().get(&(guild_id, user_id)) {
                if now.duration_since(*at) < FRESH_FOR {
                    return Ok(standing.clone());
                }
            }
            let standing = self.ask(guild_id, user_id).await?;
            let mut known = self.known.lock().unwrap();
            known.retain(|_, (at, _)| now.duration_since(*at) < FRESH_FOR);
            known.insert((guild_id, user_id), (now, standing.clone()));
            Ok(standing)
        })
    }

    fn tell(&self, user_id: u64, text: String) -> Reply<'_, ()> {
        Box::pin(async move {
            let dm = UserId::new(user_id).create_dm_channel(&self.http).await?;
            dm.send_message(&self.http, CreateMessage::new().content(super::limits::content(&text))).await?;
            Ok(())
        })
    }
}
