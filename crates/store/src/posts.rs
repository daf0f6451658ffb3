//! Customer-of-the-day posts: claimed in the database before they are
//! sent, so each channel gets one per local day across restarts, crashes
//! and processes.

use jiff::Timestamp;

use super::{db_id, from_db_id, from_ms, ms, on_pool, Result, Store};
use domain::post::{Claim, InsightPost, PostSlot};

const COLUMNS: &str = "id, guild_id, channel_id, local_date, kind, insight_id, nonce, message_id, claimed_at";

#[derive(sqlx::FromRow)]
struct PostRow {
    id: i64,
    guild_id: i64,
    channel_id: i64,
    local_date: String,
    kind: String,
    insight_id: i64,
    nonce: String,
    message_id: Option<i64>,
    claimed_at: i64,
}

impl PostRow {
    fn into_post(self) -> Result<InsightPost> {
        let local_date = self
            .local_date
            .parse()
            .map_err(|e| sqlx::Error::Decode(format!("post {} has a bad date: {e}", self.id).into()))?;
        Ok(InsightPost {
            id: self.id,
            guild_id: from_db_id(self.guild_id),
            channel_id: from_db_id(self.channel_id),
            local_date,
            daily: self.kind == "daily",
            insight_id: self.insight_id,
            nonce: self.nonce,
            message_id: self.message_id.map(from_db_id),
            claimed_at: from_ms(self.claimed_at),
        })
    }
}

/// A post claimed but not recorded sent in a channel (per reaction on a bot message).
pub(super) const IN_FLIGHT: &str = "SELECT EXISTS (SELECT 1 FROM insight_posts \
    WHERE guild_id = $1 AND channel_id = $2 AND message_id IS NULL)";

/// Daily posts never confirmed sent (every tick; by the unsent index).
pub(super) fn unfinished_sql() -> String {
    format!("SELECT {COLUMNS} FROM insight_posts WHERE message_id IS NULL AND kind = 'daily' AND claimed_at >= $1 ORDER BY id")
}

impl Store {
    /// Claims a post. For a daily post the claim is unique per channel and
    /// local day; a second claim returns the first.
    pub async fn claim_post(&self, slot: &PostSlot, insight_id: i64, nonce: &str, now: Timestamp) -> Result<Claim> {
        let insert = format!(
            "INSERT INTO insight_posts (guild_id, channel_id, local_date, kind, insight_id, nonce, claimed_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (guild_id, channel_id, local_date) WHERE kind = 'daily' DO NOTHING RETURNING {COLUMNS}"
        );
        let existing = format!(
            "SELECT {COLUMNS} FROM insight_posts WHERE guild_id = $1 AND channel_id = $2 AND local_date = $3 AND kind = 'daily'"
        );
        let date = slot.local_date.to_string();
        let (row, new) = on_pool!(self, p => {
            let mut tx = p.begin().await?;
            let row: Option<PostRow> = sqlx::query_as(&insert)
                .bind(db_id(slot.guild_id))
                .bind(db_id(slot.channel_id))
                .bind(&date)
                .bind(slot.kind.as_str())
                .bind(insight_id)
                .bind(nonce)
                .bind(ms(now))
                .fetch_optional(&mut *tx)
                .await?;
            tx.commit().await?;
            match row {
                Some(row) => (row, true),
                None => {
                    let row: PostRow = sqlx::query_as(&existing)
                        .bind(db_id(slot.guild_id))
                        .bind(db_id(slot.channel_id))
                        .bind(&date)
                        .fetch_one(p)
                        .await?;
                    (row, false)
                }
            }
        });
        let post = row.into_post()?;
        Ok(if new { Claim::New(post) } else { Claim::Existing(post) })
    }

    /// Takes over a claim that was never confirmed sent, if it still has
    /// the claim time seen: of several processes, one wins.
    pub async fn reclaim_post(&self, post_id: i64, seen: Timestamp, now: Timestamp) -> Result<bool> {
        let sql = "UPDATE insight_posts SET claimed_at = $3 WHERE id = $1 AND message_id IS NULL AND claimed_at = $2";
        let done = on_pool!(self, p => sqlx::query(sql).bind(post_id).bind(ms(seen)).bind(ms(now)).execute(p).await.map(|r| r.rows_affected()))?;
        Ok(done == 1)
    }

    /// Whether a post in the channel is claimed but not recorded as sent.
    pub async fn post_in_flight(&self, guild_id: u64, channel_id: u64) -> Result<bool> {
        let sql = IN_FLIGHT;
        on_pool!(self, p => sqlx::query_scalar(sql).bind(db_id(guild_id)).bind(db_id(channel_id)).fetch_one(p).await)
    }

    /// Records the Discord message a claimed post became.
    pub async fn mark_posted(&self, post_id: i64, message_id: u64, now: Timestamp) -> Result<()> {
        let sql = "UPDATE insight_posts SET message_id = $2, posted_at = $3 WHERE id = $1";
        let done = on_pool!(self, p => sqlx::query(sql).bind(post_id).bind(db_id(message_id)).bind(ms(now)).execute(p).await.map(|r| r.rows_affected()))?;
        super::one_row(done)
    }

    /// Daily posts claimed but never confirmed as sent, claimed after `since`.
    pub async fn unfinished_posts(&self, since: Timestamp) -> Result<Vec<InsightPost>> {
        let sql = unfinished_sql();
        let rows: Vec<PostRow> = on_pool!(self, p => sqlx::query_as(&sql).bind(ms(since)).fetch_all(p).await)?;
        rows.into_iter().map(PostRow::into_post).collect()
    }

    pub async fn post_by_message(&self, message_id: u64) -> Result<Option<InsightPost>> {
        let sql = format!("SELECT {COLUMNS} FROM insight_posts WHERE message_id = $1");
        let row: Option<PostRow> =
            on_pool!(self, p => sqlx::query_as(&sql).bind(db_id(message_id)).fetch_optional(p).await)?;
        row.map(PostRow::into_post).transpose()
    }

    pub async fn post(&self, id: i64) -> Result<Option<InsightPost>> {
        let sql = format!("SELECT {COLUMNS} FROM insight_posts WHERE id = $1");
        let row: Option<PostRow> = on_pool!(self, p => sqlx::query_as(&sql).bind(id).fetch_optional(p).await)?;
        row.map(PostRow::into_post).transpose()
    }
}

impl Store {
    /// Claims the weekly summary post of a guild's week. `Some(nonce)`
    /// when this caller should send it: it is new, or an earlier claim was
    /// never confirmed sent and is older than `stale_before` (the claimer
    /// presumably stopped); of several processes, one wins.
    pub async fn claim_summary_post(
        &self,
        guild_id: u64,
        week: &str,
        channel_id: u64,
        nonce: &str,
        now: Timestamp,
        stale_before: Timestamp,
    ) -> Result<Option<(String, bool)>> {
        let insert =
            "INSERT INTO summary_posts (guild_id, week, channel_id, nonce, claimed_at) VALUES ($1, $2, $3, $4, $5) \
            ON CONFLICT (guild_id, week) DO NOTHING";
        let select = "SELECT nonce FROM summary_posts WHERE guild_id = $1 AND week = $2";
        let reclaim = "UPDATE summary_posts SET claimed_at = $3 \
            WHERE guild_id = $1 AND week = $2 AND message_id IS NULL AND claimed_at < $4";
        let (g, n) = (db_id(guild_id), ms(now));
        on_pool!(self, p => {
            let new = sqlx::query(insert).bind(g).bind(week).bind(db_id(channel_id)).bind(nonce).bind(n).execute(p).await?;
            let new = new.rows_affected() == 1;
            let mine = new
                || sqlx::query(reclaim).bind(g).bind(week).bind(n).bind(ms(stale_before)).execute(p).await?.rows_affected() == 1;
            if !mine {
                return Ok(None);
            }
            Ok(Some((sqlx::query_scalar(select).bind(g).bind(week).fetch_one(p).await?, !new)))
        })
    }

    pub async fn mark_summary_posted(&self, guild_id: u64, week: &str, message_id: u64) -> Result<()> {
        let sql = "UPDATE summary_posts SET message_id = $3 WHERE guild_id = $1 AND week = $2";
        let done = on_pool!(self, p => sqlx::query(sql).bind(db_id(guild_id)).bind(week).bind(db_id(message_id)).execute(p).await.map(|r| r.rows_affected()))?;
        super::one_row(done)
    }
}
