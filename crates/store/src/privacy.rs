//! What the bot keeps about a person, and forgetting it: on request, after
//! the guild's retention period, and after the bot leaves a guild.

use jiff::Timestamp;

use super::tallies::HOUR_MS;
use super::{db_id, from_db_id, ms, on_pool, Result, Store};
use domain::privacy::{Forgotten, PersonalData, StoredAnswer, StoredFollowUp, StoredReaction};

/// What `/privacy forget` does to a column that names a person.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Forget {
    /// The row is the person's own (their words, their reaction): deleted.
    Delete,
    /// The row belongs to the team (a meeting, an insight): the name is cleared.
    Clear,
}

/// Every column that names a person: (table, column, what forgetting
/// does), in the order forgetting runs (rows that point at others first).
/// `/privacy show` counts every one; a test checks the schema has no other.
pub const PERSON_COLUMNS: [(&str, &str, Forget); 13] = [
    ("follow_ups", "created_by", Forget::Delete),
    ("answers", "user_id", Forget::Delete),
    ("reactions", "user_id", Forget::Delete),
    ("reaction_removals", "user_id", Forget::Delete),
    ("sign_in_links", "user_id", Forget::Delete),
    ("web_sessions", "user_id", Forget::Delete),
    ("follow_ups", "owner_id", Forget::Clear),
    ("meetings", "host_id", Forget::Clear),
    ("insights", "added_by", Forget::Clear),
    ("insight_retirements", "retired_by", Forget::Clear),
    ("api_tokens", "created_by", Forget::Clear),
    ("skips", "created_by", Forget::Clear),
    ("customers", "owner_id", Forget::Clear),
];

/// Tables without a guild: a person's rows there are found by id alone.
/// (Reaction removals wait there for at most a minute.)
const GUILDLESS: [&str; 1] = ["reaction_removals"];

/// Every table that holds a guild's data, children first: removing a
/// guild deletes from each. A test checks the schema has no other.
pub const GUILD_TABLES: [&str; 21] = [
    "api_tokens",
    "sign_in_links",
    "web_sessions",
    "follow_ups",
    "reactions",
    "answer_customers",
    "customer_relinks",
    "answers",
    // after the answers, whose deletion takes their counts back
    "answer_tallies",
    "meetings",
    "insight_posts",
    "summary_posts",
    "insight_retirements",
    "insights",
    "outcomes",
    "customer_names",
    "customer_domains",
    "customers",
    "skips",
    "guild_channels",
    "guilds",
];

type AnswerTuple = (i64, String, String, String, String, i64, Option<i64>);

fn stored_answer((id, body, impact, segments, via, created_at, deleted_at): AnswerTuple) -> StoredAnswer {
    StoredAnswer { id, body, impact, segments, via, created_at, deleted_at }
}

fn stored_reaction((message_id, emoji, added_at, removed_at): (i64, String, i64, Option<i64>)) -> StoredReaction {
    StoredReaction { message_id, emoji, added_at, removed_at }
}

fn stored_follow_up((id, body, status, due_date): (i64, String, String, Option<String>)) -> StoredFollowUp {
    StoredFollowUp { id, body, status, due_date }
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
        on_pool!(self, p => {
            let mut mentions = std::collections::BTreeMap::new();
            for (table, column, _) in PERSON_COLUMNS {
                let n: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table} WHERE {}", person_filter(table, column)))
                    .bind(g).bind(u).fetch_one(p).await?;
                mentions.insert(format!("{table}.{column}"), n);
            }
            // Meetings hosted and insights added are two of those counts.
            Ok(PersonalData {
                meetings_hosted: mentions["meetings.host_id"],
                insights_added: mentions["insights.added_by"],
                guild_id: guild_id.to_string(),
                user_id: user_id.to_string(),
                answers: sqlx::query_as(answers).bind(g).bind(u).fetch_all(p).await?.into_iter().map(stored_answer).collect(),
                reactions: sqlx::query_as(reactions).bind(g).bind(u).fetch_all(p).await?.into_iter().map(stored_reaction).collect(),
                follow_ups_owned: sqlx::query_as(owned).bind(g).bind(u).fetch_all(p).await?.into_iter().map(stored_follow_up).collect(),
                follow_ups_created: sqlx::query_as(created).bind(g).bind(u).fetch_all(p).await?.into_iter().map(stored_follow_up).collect(),
                mentions,
            })
        })
    }

    /// Deletes a person's answers and reactions in a guild and the
    /// follow-ups made from their words; elsewhere their name is cleared
    /// (see [`PERSON_COLUMNS`]).
    pub async fn forget_person(&self, guild_id: u64, user_id: u64) -> Result<Forgotten> {
        let (g, u) = (db_id(guild_id), db_id(user_id));
        on_pool!(self, p => {
            let mut tx = p.begin().await?;
            let mut gone = Forgotten::default();
            for (table, column, forget) in PERSON_COLUMNS {
                let filter = person_filter(table, column);
                let sql = match forget {
                    Forget::Delete => format!("DELETE FROM {table} WHERE {filter}"),
                    Forget::Clear => format!("UPDATE {table} SET {column} = NULL WHERE {filter}"),
                };
                let n = sqlx::query(&sql).bind(g).bind(u).execute(&mut *tx).await?.rows_affected();
                match (table, forget) {
                    ("answers", _) => gone.answers = n,
                    ("reactions", _) => gone.reactions = n,
                    ("follow_ups", Forget::Delete) => gone.follow_ups = n,
                    _ => {}
                }
            }
            tx.commit().await?;
            Ok(gone)
        })
    }

    /// Deletes a guild's activity older than `cutoff`: answers, reactions,
    /// meetings, posts, finished follow-ups and imported outcomes. Returns the rows removed.
    pub async fn delete_before(&self, guild_id: u64, cutoff: Timestamp) -> Result<u64> {
        let statements = [
            "DELETE FROM answers WHERE guild_id = $1 AND created_at < $2",
            "DELETE FROM reactions WHERE guild_id = $1 AND added_at < $2",
            "DELETE FROM follow_ups WHERE guild_id = $1 AND status = 'done' AND done_at < $2",
            "DELETE FROM meetings WHERE guild_id = $1 AND opened_at < $2 \
                AND NOT EXISTS (SELECT 1 FROM follow_ups f WHERE f.meeting_id = meetings.id AND f.status = 'open')",
            "DELETE FROM insight_posts WHERE guild_id = $1 AND claimed_at < $2",
            "DELETE FROM summary_posts WHERE guild_id = $1 AND claimed_at < $2",
            "DELETE FROM outcomes WHERE guild_id = $1 AND created_at < $2",
        ];
        let (g, c) = (db_id(guild_id), ms(cutoff));
        on_pool!(self, p => {
            let mut removed = 0;
            for sql in statements {
                removed += sqlx::query(sql).bind(g).bind(c).execute(p).await?.rows_affected();
            }
            // The hours before the cutoff now count nothing.
            let tallies = format!("DELETE FROM answer_tallies WHERE guild_id = $1 AND hour <= $2 - {HOUR_MS}");
            sqlx::query(&tallies).bind(g).bind(c).execute(p).await?;
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
        on_pool!(self, p => {
            let mut tx = p.begin().await?;
            for table in GUILD_TABLES {
                let sql = format!("DELETE FROM {table} WHERE guild_id = $1");
                sqlx::query(&sql).bind(db_id(guild_id)).execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok(())
        })
    }
}

/// Rows of `table` naming user `$2` in guild `$1` (the guild is bound
/// but not compared in a table that has none).
fn person_filter(table: &str, column: &str) -> String {
    if GUILDLESS.contains(&table) {
        format!("{column} = $2 AND $1 = $1")
    } else {
        format!("guild_id = $1 AND {column} = $2")
    }
}
