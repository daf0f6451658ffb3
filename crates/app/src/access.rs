//! Managers' sign-in to the web pages: a single-use link from
//! `/dashboard`, exchanged for a browser session; and whether someone is
//! a manager right now. Only hashes of the secrets are stored.

use std::future::Future;
use std::pin::Pin;

use jiff::SignedDuration;
use sha2::{Digest, Sha256};

use super::App;
use domain::access::Standing;
use domain::api::{ApiToken, Scope};

/// How long a sign-in link may wait to be opened.
pub const LINK_TTL: SignedDuration = SignedDuration::from_mins(10);
/// How long a browser stays signed in.
pub const SESSION_TTL: SignedDuration = SignedDuration::from_hours(12);

pub type Reply<'a, T> = Pin<Box<dyn Future<Output = anyhow::Result<T>> + Send + 'a>>;

/// The members of guilds as Discord knows them, for the web pages.
pub trait Members: Send + Sync {
    /// A member's roles and permissions; `None` when the person is not
    /// in the guild (any more).
    fn standing(&self, guild_id: u64, user_id: u64) -> Reply<'_, Option<Standing>>;

    /// Tells a person something in a direct message.
    fn tell(&self, user_id: u64, text: String) -> Reply<'_, ()>;
}

/// Whom a browser session is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Viewer {
    pub guild_id: u64,
    pub user_id: u64,
}

/// 256 random bits as hex: a link's or session's secret.
pub(super) fn new_secret() -> anyhow::Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness from the system: {e}"))?;
    Ok(hex(&bytes))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What is stored of a secret.
fn hash(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

/// A session's CSRF token: derived from its secret, which a page on
/// another site cannot read, so nothing more is stored.
pub fn csrf_token(session: &str) -> String {
    hash(&format!("csrf:{session}"))
}

impl App {
    /// The same app with the managers' pages served at `base_url`.
    pub fn with_dashboard(mut self, base_url: &str) -> App {
        self.dashboard = Some(base_url.trim_end_matches('/').into());
        self
    }

    /// A sign-in link to the managers' pages for `user_id` in `guild_id`;
    /// a refusal that says how to turn them on when they are off.
    pub async fn sign_in_url(&self, guild_id: u64, user_id: u64) -> anyhow::Result<String> {
        let base = self.dashboard.clone().ok_or_else(|| self.refuse("errors.dashboard_off"))?;
        Ok(format!("{base}/sign-in?link={}", self.new_sign_in_link(guild_id, user_id).await?))
    }

    /// A new sign-in link's secret for `user_id` in `guild_id`, valid for [`LINK_TTL`].
    pub async fn new_sign_in_link(&self, guild_id: u64, user_id: u64) -> anyhow::Result<String> {
        let secret = new_secret()?;
        self.store.add_sign_in_link(&hash(&secret), (guild_id, user_id), self.clock.now() + LINK_TTL).await?;
        Ok(secret)
    }

    /// Uses a link once: the new session's secret and whom it is for, or
    /// `None` when the link is unknown, used or expired.
    pub async fn sign_in(&self, link: &str) -> anyhow::Result<Option<(String, Viewer)>> {
        let session = new_secret()?;
        let now = self.clock.now();
        let holder = self.store.exchange_sign_in_link(&hash(link), &hash(&session), now, now + SESSION_TTL).await?;
        Ok(holder.map(|(guild_id, user_id)| (session, Viewer { guild_id, user_id })))
    }

    /// Whom an unexpired session is for.
    pub async fn viewer(&self, session: &str) -> anyhow::Result<Option<Viewer>> {
        let holder = self.store.session(&hash(session), self.clock.now()).await?;
        Ok(holder.map(|(guild_id, user_id)| Viewer { guild_id, user_id }))
    }

    pub async fn sign_out(&self, session: &str) -> anyhow::Result<()> {
        Ok(self.store.end_session(&hash(session)).await?)
    }

    /// A new JSON API token for `guild_id`: its id and its secret, which
    /// is shown once and never stored.
    pub async fn create_api_token(
        &self,
        guild_id: u64,
        name: &str,
        scope: Scope,
        by: u64,
    ) -> anyhow::Result<(i64, String)> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 50 {
            return Err(self.refuse("errors.token_name"));
        }
        let secret = format!("adv_{}", new_secret()?);
        let id = self.store.add_api_token(guild_id, name, scope, &hash(&secret), by, self.clock.now()).await?;
        Ok((id, secret))
    }

    /// A guild's live API tokens.
    pub async fn api_tokens(&self, guild_id: u64) -> anyhow::Result<Vec<ApiToken>> {
        Ok(self.store.api_tokens(guild_id).await?)
    }

    pub async fn revoke_api_token(&self, guild_id: u64, id: i64) -> anyhow::Result<()> {
        if !self.store.revoke_api_token(guild_id, id, self.clock.now()).await? {
            return Err(self.refuse_with("errors.no_such_token", minijinja::context! { id }));
        }
        Ok(())
    }

    /// The live token a request's secret is, if any.
    pub async fn api_caller(&self, secret: &str) -> anyhow::Result<Option<ApiToken>> {
        Ok(self.store.api_token(&hash(secret)).await?)
    }

    /// The manager rule with the guild's manager role.
    pub async fn is_manager(&self, guild_id: u64, standing: &Standing) -> anyhow::Result<bool> {
        Ok(standing.is_manager(self.settings(guild_id).await?.manager_role))
    }

    /// Whether a session's holder is a manager now, as Discord tells.
    pub async fn viewer_is_manager(&self, members: &dyn Members, viewer: Viewer) -> anyhow::Result<bool> {
        match members.standing(viewer.guild_id, viewer.user_id).await? {
            Some(standing) => self.is_manager(viewer.guild_id, &standing).await,
            None => Ok(false),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_256_random_bits_and_never_repeat() {
        let (a, b) = (new_secret().unwrap(), new_secret().unwrap());
        assert_eq!(a.len(), 64);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }

    #[test]
    fn what_is_stored_is_not_the_secret_and_csrf_differs_from_both() {
        let secret = new_secret().unwrap();
        assert_ne!(hash(&secret), secret);
        assert_ne!(csrf_token(&secret), hash(&secret));
        assert_eq!(csrf_token(&secret), csrf_token(&secret));
    }
}
