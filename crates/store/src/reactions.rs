//! Reactions on the bot's own posts (daily insights and meeting prompts).

use jiff::{SignedDuration, Timestamp};

use super::{db_id, from_db_id, ms, on_pool, Result, Store};
use domain::reaction::ReactionEvent;

/// How long a removal seen before its add waits for that add.
pub(super) const EARLY_REMOVAL_WINDOW: SignedDuration = SignedDuration::from_secs(60);

/// The columns of a batch of added reactions (see `batch.rs`), in bind order.
macro_rules! batch_columns {
    () => {
        "guild_id, channel_id, message_id, user_id, emoji, added_at, cutoff"
    };
}
pub(super) const BATCH_COLUMNS: &str = batch_columns!();
/// The same, each with its removal time if it was removed already.
pub(super) const BATCH_COLUMNS_REMOVED: &str = concat!(batch_columns!(), ", removed_at");

/// After `WITH batch (BATCH_COLUMNS) AS (…)`: takes the removals of the
/// batch's reactions seen before their adds, within the window.
pub(super) const TAKE_EARLY_REMOVALS: &str = "DELETE FROM reaction_removals \
    WHERE (message_id, user_id, emoji) IN (SELECT message_id, user_id, emoji FROM batch) \
    AND EXISTS (SELECT 1 FROM batch WHERE batch.message_id = reaction_removals.message_id \
        AND batch.user_id = reaction_removals.user_id AND batch.emoji = reaction_removals.emoji \
        AND reaction_removals.removed_at >= batch.cutoff) \
    RETURNING message_id, user_id, emoji, removed_at";

/// After `WITH batch (BATCH_COLUMNS_REMOVED) AS (…)`: the reactions
/// on the bot's posts as rows, live or already removed. A replayed add of
/// a live reaction changes nothing. Each row looks up its post and meeting
/// by index (scalar subqueries: PostgreSQL would hash all of `meetings`
/// for an `EXISTS` under `OR`).
pub(super) const INSERT: &str =
    "INSERT INTO reactions (guild_id, channel_id, message_id, user_id, emoji, post_id, meeting_id, \
    added_at, removed_at) \
    SELECT * FROM (SELECT batch.guild_id, batch.channel_id, batch.message_id, batch.user_id, batch.emoji, \
        (SELECT id FROM insight_posts WHERE message_id = batch.message_id) AS post_id, \
        (SELECT id FROM meetings WHERE prompt_message_id = batch.message_id) AS meeting_id, \
        batch.added_at, batch.removed_at FROM batch) r \
    WHERE r.post_id IS NOT NULL OR r.meeting_id IS NOT NULL \
    ON CONFLICT DO NOTHING RETURNING message_id, user_id, emoji";

/// Marks a live reaction removed (per event).
pub(super) const REMOVE: &str = "UPDATE reactions SET removed_at = $4 \
    WHERE message_id = $1 AND user_id = $2 AND emoji = $3 AND removed_at IS NULL";

/// Remembers a removal whose add is not seen yet (per event).
pub(super) const REMEMBER_REMOVAL: &str = "INSERT INTO reaction_removals (message_id, user_id, emoji, removed_at) \
    SELECT $1, $2, $3, $4 \
    WHERE EXISTS (SELECT 1 FROM insight_posts WHERE message_id = $1) \
    OR EXISTS (SELECT 1 FROM meetings WHERE prompt_message_id = $1) \
    ON CONFLICT (message_id, user_id, emoji) DO UPDATE SET removed_at = excluded.removed_at";

impl Store {
    /// The bot's posts and meeting prompts posted since `since`, as
    /// (guild, channel, message): the messages whose reactions are logged.
    pub async fn bot_messages_since(&self, since: Timestamp) -> Result<Vec<(u64, u64, u64)>> {
        let sql = "SELECT guild_id, channel_id, message_id FROM insight_posts \
                WHERE message_id IS NOT NULL AND posted_at >= $1 \
            UNION ALL SELECT guild_id, thread_id, prompt_message_id FROM meetings \
                WHERE prompt_message_id IS NOT NULL AND opened_at >= $1";
        let rows: Vec<(i64, i64, i64)> = on_pool!(self, p => sqlx::query_as(sql).bind(ms(since)).fetch_all(p).await)?;
        Ok(rows.into_iter().map(|(g, c, m)| (from_db_id(g), from_db_id(c), from_db_id(m))).collect())
    }

    /// The live reactions on a message, as (user, emoji).
    pub async fn live_reactions(&self, message_id: u64) -> Result<Vec<(u64, String)>> {
        let sql = "SELECT user_id, emoji FROM reactions WHERE message_id = $1 AND removed_at IS NULL";
        let rows: Vec<(i64, String)> =
            on_pool!(self, p => sqlx::query_as(sql).bind(db_id(message_id)).fetch_all(p).await)?;
        Ok(rows.into_iter().map(|(u, e)| (from_db_id(u), e)).collect())
    }

    /// Logs a reaction if it is on one of the bot's posts. True if logged.
    /// If its removal was seen first, it is logged as added and removed.
    pub async fn reaction_added(&self, r: &ReactionEvent) -> Result<bool> {
        self.writer.reaction(r.clone()).await
    }

    /// Marks a live reaction removed. True if there was one; otherwise the
    /// removal is remembered briefly in case its add is still on its way.
    pub async fn reaction_removed(&self, r: &ReactionEvent) -> Result<bool> {
        let sql = REMOVE;
        let remember = REMEMBER_REMOVAL;
        let (m, u, at) = (db_id(r.message_id), db_id(r.user_id), ms(r.at));
        // One transaction, as the add is: on SQLite the two then run one
        // after the other, whichever order their events arrive in.
        let done = on_pool!(self, p => {
            let mut tx = p.begin().await?;
            let done = sqlx::query(sql).bind(m).bind(u).bind(&r.emoji).bind(at).execute(&mut *tx).await?.rows_affected();
            if done == 0 {
                sqlx::query(remember).bind(m).bind(u).bind(&r.emoji).bind(at).execute(&mut *tx).await?;
            }
            tx.commit().await?;
            done
        });
        Ok(done == 1)
    }
}
