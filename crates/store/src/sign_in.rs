//! Sign-in links and browser sessions of the managers' pages, stored by
//! the hash of their secret.

use jiff::Timestamp;

use super::{db_id, from_db_id, ms, on_pool, Result, Store};

/// The guild and person a link or session was made for.
pub type Holder = (u64, u64);

impl Store {
    pub async fn add_sign_in_link(&self, hash: &str, (guild, user): Holder, expires: Timestamp) -> Result<()> {
        let sql = "INSERT INTO sign_in_links (token_hash, guild_id, user_id, expires_at) VALUES ($1, $2, $3, $4)";
        on_pool!(self, p => sqlx::query(sql).bind(hash).bind(db_id(guild)).bind(db_id(user)).bind(ms(expires))
            .execute(p).await.map(drop))?;
        Ok(())
    }

    /// Uses the link `link` once, if it is unused and unexpired at `now`,
    /// and opens a session `session` for its holder until `expires`, in
    /// one transaction: whom the session is for, or `None`.
    pub async fn exchange_sign_in_link(
        &self,
        link: &str,
        session: &str,
        now: Timestamp,
        expires: Timestamp,
    ) -> Result<Option<Holder>> {
        let take = "UPDATE sign_in_links SET used_at = $2 \
            WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING guild_id, user_id";
        let open = "INSERT INTO web_sessions (token_hash, guild_id, user_id, created_at, expires_at) \
            VALUES ($1, $2, $3, $4, $5)";
        on_pool!(self, p => {
            let mut tx = p.begin().await?;
            let holder: Option<(i64, i64)> =
                sqlx::query_as(take).bind(link).bind(ms(now)).fetch_optional(&mut *tx).await?;
            if let Some((guild, user)) = holder {
                sqlx::query(open).bind(session).bind(guild).bind(user).bind(ms(now)).bind(ms(expires))
                    .execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok(holder.map(|(g, u)| (from_db_id(g), from_db_id(u))))
        })
    }

    /// Whom an unexpired session is for.
    pub async fn session(&self, hash: &str, now: Timestamp) -> Result<Option<Holder>> {
        let sql = "SELECT guild_id, user_id FROM web_sessions WHERE token_hash = $1 AND expires_at > $2";
        let found: Option<(i64, i64)> =
            on_pool!(self, p => sqlx::query_as(sql).bind(hash).bind(ms(now)).fetch_optional(p).await)?;
        Ok(found.map(|(g, u)| (from_db_id(g), from_db_id(u))))
    }

    pub async fn end_session(&self, hash: &str) -> Result<()> {
        on_pool!(self, p => sqlx::query("DELETE FROM web_sessions WHERE token_hash = $1").bind(hash).execute(p).await.map(drop))?;
        Ok(())
    }

    /// Deletes links and sessions expired before `now`.
    pub async fn delete_expired_sign_ins(&self, now: Timestamp) -> Result<u64> {
        on_pool!(self, p => {
            let links = sqlx::query("DELETE FROM sign_in_links WHERE expires_at <= $1").bind(ms(now)).execute(p).await?;
            let sessions = sqlx::query("DELETE FROM web_sessions WHERE expires_at <= $1").bind(ms(now)).execute(p).await?;
            Ok(links.rows_affected() + sessions.rows_affected())
        })
    }
}
