//! What the bot keeps about a person, and forgetting it: on request, after
//! the guild's retention period, and after the bot leaves a guild.

use jiff::Timestamp;
use serde::Serialize;

use super::{db_id, from_db_id, ms, on_pool, Result, Store};

#[derive(Clone, Debug, Default, PartialEq, Serialize, sqlx::FromRow)]
pub struct StoredAnswer {
    pub id: i64,
    pub body: String,
    pub impact: String,
    pub segments: String,
    pub via: String,
    pub created_at: i64,
    pub deleted_at: Option<i64>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, sqlx::FromRow)]
pub struct StoredReaction {
    pub message_id: i64,
    pub emoji: String,
    pub added_at: i64,
    pub removed_at: Option<i64>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, sqlx::FromRow)]
pub struct StoredFollowUp {
    pub id: i64,
    pub body: String,
    pub status: String,
    pub due_date: Option<String>,
}

/// Everything stored about one person in one guild.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct PersonalData {
    pub guild_id: String,
    pub user_id: String,
    pub answers: Vec<StoredAnswer>,
    pub reactions: Vec<StoredReaction>,
    pub follow_ups_owned: Vec<StoredFollowUp>,
    pub follow_ups_created: Vec<StoredFollowUp>,
    pub meetings_hosted: i64,
    pub insights_added: i64,
}

/// What forgetting removed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Forgotten {
    pub answers: u64,
    pub reactions: u64,
    pub follow_ups: u64,
}

impl Store {
    pub async fn personal_data(&self, guild_id: u64, user_id: u64) -> Result<PersonalData> {
        let (g, u) = (db_id(guild_id), db_id(user_id));
        let answers = "SELECT id, body, impact, segments, via, created_at, deleted_at FROM answers \
            WHERE guild_id = $1 AND user_id = $2 ORDER BY id";
        let reactions = "SELECT message_id, emoji, added_at, removed_at FROM reactions WHERE guild_id = $1 AND user_id = $2 ORDER BY id";
        let owned =
            "SELECT id, body, status, due_date FROM follow_ups WHERE guild_id = $1 AND owner_id = $2 ORDER BY id";
        let created =
            "SELECT id, body, status, due_date FROM follow_ups WHERE guild_id = $1 AND created_by = $2 ORDER BY id";
        let hosted = "SELECT COUNT(*) FROM meetings WHERE guild_id = $1 AND host_id = $2";
        let added = "SELECT COUNT(*) FROM insights WHERE guild_id = $1 AND added_by = $2";
        on_pool!(self, p => {
            Ok(PersonalData {
                guild_id: guild_id.to_string(),
                user_id: user_id.to_string(),
                answers: sqlx::query_as(answers).bind(g).bind(u).fetch_all(p).await?,
                reactions: sqlx::query_as(reactions).bind(g).bind(u).fetch_all(p).await?,
                follow_ups_owned: sqlx::query_as(owned).bind(g).bind(u).fetch_all(p).await?,
                follow_ups_created: sqlx::query_as(created).bind(g).bind(u).fetch_all(p).await?,
                meetings_hosted: sqlx::query_scalar(hosted).bind(g).bind(u).fetch_one(p).await?,
                insights_added: sqlx::query_scalar(added).bind(g).bind(u).fetch_one(p).await?,
            })
        })
    }

    /// Deletes a person's answers and reactions in a guild and the
    /// follow-ups made from their words; follow-ups they own elsewhere
    /// lose their owner, meetings their host, insights their author.
    pub async fn forget_person(&self, guild_id: u64, user_id: u64) -> Result<Forgotten> {
        let (g, u) = (db_id(guild_id), db_id(user_id));
        on_pool!(self, p => {
            let mut tx = p.begin().await?;
            let follow_ups = sqlx::query("DELETE FROM follow_ups WHERE guild_id = $1 AND created_by = $2")
                .bind(g).bind(u).execute(&mut *tx).await?.rows_affected();
            let answers = sqlx::query("DELETE FROM answers WHERE guild_id = $1 AND user_id = $2")
                .bind(g).bind(u).execute(&mut *tx).await?.rows_affected();
            let reactions = sqlx::query("DELETE FROM reactions WHERE guild_id = $1 AND user_id = $2")
                .bind(g).bind(u).execute(&mut *tx).await?.rows_affected();
            // Transient and not tied to a guild: dropped wherever it is.
            sqlx::query("DELETE FROM reaction_removals WHERE user_id = $1").bind(u).execute(&mut *tx).await?;
            for sql in [
                "UPDATE follow_ups SET owner_id = NULL WHERE guild_id = $1 AND owner_id = $2",
                "UPDATE meetings SET host_id = NULL WHERE guild_id = $1 AND host_id = $2",
                "UPDATE insights SET added_by = NULL WHERE guild_id = $1 AND added_by = $2",
            ] {
                sqlx::query(sql).bind(g).bind(u).execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok(Forgotten { answers, reactions, follow_ups })
        })
    }

    /// Deletes a guild's activity older than `cutoff`: answers, reactions,
    /// meetings, posts and finished follow-ups. Returns the rows removed.
    pub async fn delete_before(&self, guild_id: u64, cutoff: Timestamp) -> Result<u64> {
        let statements = [
            "DELETE FROM answers WHERE guild_id = $1 AND created_at < $2",
            "DELETE FROM reactions WHERE guild_id = $1 AND added_at < $2",
            "DELETE FROM follow_ups WHERE guild_id = $1 AND status = 'done' AND done_at < $2",
            "DELETE FROM meetings WHERE guild_id = $1 AND opened_at < $2 \
                AND NOT EXISTS (SELECT 1 FROM follow_ups f WHERE f.meeting_id = meetings.id AND f.status = 'open')",
            "DELETE FROM insight_posts WHERE guild_id = $1 AND claimed_at < $2",
            "DELETE FROM summary_posts WHERE guild_id = $1 AND claimed_at < $2",
        ];
        let (g, c) = (db_id(guild_id), ms(cutoff));
        on_pool!(self, p => {
            let mut removed = 0;
            for sql in statements {
                removed += sqlx::query(sql).bind(g).bind(c).execute(p).await?.rows_affected();
            }
            sqlx::query("DELETE FROM deleted_messages WHERE deleted_at < $1").bind(c).execute(p).await?;
            sqlx::query("DELETE FROM reaction_removals WHERE removed_at < $1").bind(c).execute(p).await?;
            Ok(removed)
        })
    }

    /// Guilds the bot left before `cutoff`.
    pub async fn guilds_left_before(&self, cutoff: Timestamp) -> Result<Vec<u64>> {
        let sql = "SELECT guild_id FROM guilds WHERE left_at IS NOT NULL AND left_at < $1";
        let ids: Vec<i64> = on_pool!(self, p => sqlx::query_scalar(sql).bind(ms(cutoff)).fetch_all(p).await)?;
        Ok(ids.into_iter().map(from_db_id).collect())
    }

    /// Deletes everything stored for a guild, in one transaction.
    pub async fn delete_guild(&self, guild_id: u64) -> Result<()> {
        let statements = [
            "DELETE FROM follow_ups WHERE guild_id = $1",
            "DELETE FROM reactions WHERE guild_id = $1",
            "DELETE FROM answers WHERE guild_id = $1",
            "DELETE FROM meetings WHERE guild_id = $1",
            "DELETE FROM insight_posts WHERE guild_id = $1",
            "DELETE FROM summary_posts WHERE guild_id = $1",
            "DELETE FROM insight_retirements WHERE guild_id = $1",
            "DELETE FROM insights WHERE guild_id = $1",
            "DELETE FROM guilds WHERE guild_id = $1",
        ];
        on_pool!(self, p => {
            let mut tx = p.begin().await?;
            for sql in statements {
                sqlx::query(sql).bind(db_id(guild_id)).execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok(())
        })
    }
}
