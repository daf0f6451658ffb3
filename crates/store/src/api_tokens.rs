//! JSON API tokens, stored by the hash of their secret.

use jiff::Timestamp;

use super::{db_id, from_db_id, from_ms, ms, on_pool, Result, Store};
use domain::api::{ApiToken, Scope};

type TokenRow = (i64, i64, String, String, Option<i64>, i64);

fn token((id, guild, name, scope, by, at): TokenRow) -> ApiToken {
    ApiToken {
        id,
        guild_id: from_db_id(guild),
        name,
        scope: Scope::parse(&scope).unwrap_or(Scope::Read),
        created_by: by.map(from_db_id),
        created_at: from_ms(at),
    }
}

const COLUMNS: &str = "id, guild_id, name, scope, created_by, created_at";

impl Store {
    pub async fn add_api_token(
        &self,
        guild_id: u64,
        name: &str,
        scope: Scope,
        hash: &str,
        by: u64,
        now: Timestamp,
    ) -> Result<i64> {
        let sql = "INSERT INTO api_tokens (guild_id, name, scope, token_hash, created_by, created_at) \
            VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
        on_pool!(self, p => {
            let mut tx = p.begin().await?;
            let id = sqlx::query_scalar(sql).bind(db_id(guild_id)).bind(name).bind(scope.as_str()).bind(hash)
                .bind(db_id(by)).bind(ms(now)).fetch_one(&mut *tx).await?;
            tx.commit().await?;
            Ok(id)
        })
    }

    /// A guild's tokens not revoked, oldest first.
    pub async fn api_tokens(&self, guild_id: u64) -> Result<Vec<ApiToken>> {
        let sql = format!("SELECT {COLUMNS} FROM api_tokens WHERE guild_id = $1 AND revoked_at IS NULL ORDER BY id");
        let rows: Vec<TokenRow> = on_pool!(self, p => sqlx::query_as(&sql).bind(db_id(guild_id)).fetch_all(p).await)?;
        Ok(rows.into_iter().map(token).collect())
    }

    /// The unrevoked token whose secret hashes to `hash`.
    pub async fn api_token(&self, hash: &str) -> Result<Option<ApiToken>> {
        let sql = format!("SELECT {COLUMNS} FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL");
        let row: Option<TokenRow> = on_pool!(self, p => sqlx::query_as(&sql).bind(hash).fetch_optional(p).await)?;
        Ok(row.map(token))
    }

    /// Revokes a guild's token; false if it has no such live token.
    pub async fn revoke_api_token(&self, guild_id: u64, id: i64, now: Timestamp) -> Result<bool> {
        let sql = "UPDATE api_tokens SET revoked_at = $3 WHERE guild_id = $1 AND id = $2 AND revoked_at IS NULL";
        let n = on_pool!(self, p => sqlx::query(sql).bind(db_id(guild_id)).bind(id).bind(ms(now)).execute(p).await
            .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }
}
