//! Reactions on the bot's own posts (daily insights and meeting prompts).

use jiff::{SignedDuration, Timestamp};

use super::{db_id, from_db_id, ms, on_pool, Result, Store};
use crate::domain::reaction::ReactionEvent;

/// How long a removal seen before its add waits for that add.
pub(super) const EARLY_REMOVAL_WINDOW: SignedDuration = SignedDuration::from_secs(60);

/// The reaction as a row, live or (with `$7`) already removed, if it is on
/// one of the bot's posts. A replayed add of a live reaction changes nothing.
pub(super) const INSERT: &str =
    "INSERT INTO reactions (guild_id, channel_id, message_id, user_id, emoji, post_id, meeting_id, \
    added_at, removed_at) \
    SELECT $1, $2, $3, $4, $5, \
        (SELECT id FROM insight_posts WHERE message_id = $3), \
        (SELECT id FROM meetings WHERE prompt_message_id = $3), $6, $7 \
    WHERE EXISTS (SELECT 1 FROM insight_posts WHERE message_id = $3) \
       OR EXISTS (SELECT 1 FROM meetings WHERE prompt_message_id = $3) \
    ON CONFLICT DO NOTHING";

/// A removal seen before its add (per event).
pub(super) const TAKE_EARLY_REMOVAL: &str = "DELETE FROM reaction_removals \
    WHERE message_id = $1 AND user_id = $2 AND emoji = $3 AND removed_at >= $4 RETURNING removed_at";

/// Marks a live reaction removed (per event).
pub(super) const REMOVE: &str = "UPDATE reactions SET removed_at = $4 \
    WHERE message_id = $1 AND user_id = $2 AND emoji = $3 AND removed_at IS NULL";

/// Remembers a removal whose add is not seen yet (per event).
pub(super) const REMEMBER_REMOVAL: &str = "INSERT INTO reaction_removals (message_id, user_id, emoji, removed_at) \
    SELECT $1, $2, $3, $4 \
    WHERE EXISTS (SELECT 1 FROM insight_posts WHERE message_id = $1) \
    OR EXISTS (SELECT 1 FROM meetings WHERE prompt_message_id = $1) \
    ON CONFLICT (message_id, user_id, emoji) DO UPDATE SET removed_at = excluded.removed_at";

/// Logs a reaction inside the transaction `$tx` (see `reaction_added`).
macro_rules! add_reaction {
    ($r:expr, $tx:expr) => {{
        let r: &$crate::domain::reaction::ReactionEvent = $r;
        let (m, u) = ($crate::store::db_id(r.message_id), $crate::store::db_id(r.user_id));
        let cutoff = $crate::store::ms(r.at - $crate::store::reactions::EARLY_REMOVAL_WINDOW);
        async {
            let removed: Option<i64> = sqlx::query_scalar($crate::store::reactions::TAKE_EARLY_REMOVAL)
                .bind(m)
                .bind(u)
                .bind(&r.emoji)
                .bind(cutoff)
                .fetch_optional(&mut *$tx)
                .await?;
            let done = sqlx::query($crate::store::reactions::INSERT)
                .bind($crate::store::db_id(r.guild_id))
                .bind($crate::store::db_id(r.channel_id))
                .bind(m)
                .bind(u)
                .bind(&r.emoji)
                .bind($crate::store::ms(r.at))
                .bind(removed)
                .execute(&mut *$tx)
                .await?;
            Ok::<bool, sqlx::Error>(done.rows_affected() == 1)
        }
        .await
    }};
}
pub(super) use add_reaction;

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
        match &self.writer {
            Some(writer) => writer.reaction(r.clone()).await,
            None => self.write_batch(&[], &[r], 0).await.map(|(_, mut logged)| logged.remove(0)),
        }
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
