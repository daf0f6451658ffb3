//! The insight library (shipped and each guild's own) and retirements.

use std::collections::HashMap;

use jiff::civil::Date;
use jiff::Timestamp;

use super::customers::Names as _;
use super::{db_id, from_db_id, ms, on_pool, Result, Store};
use domain::insight::{EvidenceSource, Insight, InsightStatus, NewInsight, Segment};
use domain::outcome::NewOutcome;
use domain::rotation::{Candidate, Shown};

const COLUMNS: &str = "id, guild_id, library_key, import_key, title, customer, segment, story, evidence, source, \
    question, tags, is_example, status, added_by";

#[derive(sqlx::FromRow)]
struct InsightRow {
    id: i64,
    guild_id: Option<i64>,
    library_key: Option<String>,
    import_key: Option<String>,
    title: String,
    customer: String,
    segment: String,
    story: String,
    evidence: String,
    source: String,
    question: String,
    tags: String,
    is_example: bool,
    status: String,
    added_by: Option<i64>,
}

impl InsightRow {
    fn into_insight(self) -> Result<Insight> {
        let bad = |what: &str, e: String| sqlx::Error::Decode(format!("insight {}: {what}: {e}", self.id).into());
        let segment = Segment::parse(&self.segment).map_err(|e| bad("segment", e))?;
        let source = EvidenceSource::parse(&self.source).map_err(|e| bad("source", e))?;
        let status = InsightStatus::parse(&self.status).ok_or_else(|| bad("status", self.status.clone()))?;
        Ok(Insight {
            id: self.id,
            guild_id: self.guild_id.map(from_db_id),
            status,
            added_by: self.added_by.map(from_db_id),
            body: NewInsight {
                title: self.title,
                customer: self.customer,
                segment,
                story: self.story,
                evidence: self.evidence,
                source,
                question: self.question,
                tags: super::split_list(&self.tags),
                is_example: self.is_example,
                library_key: self.library_key,
                import_key: self.import_key,
            },
        })
    }
}

/// What syncing the shipped library changed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct LibrarySync {
    pub added: usize,
    pub updated: usize,
    pub retired: usize,
}

/// Insights a guild can see: its own and the library, less its retirements.
const VISIBLE: &str = "(i.guild_id = $1 OR i.guild_id IS NULL) \
    AND NOT EXISTS (SELECT 1 FROM insight_retirements r WHERE r.guild_id = $1 AND r.insight_id = i.id)";

const INSERT: &str = "INSERT INTO insights (guild_id, library_key, import_key, title, customer, segment, story, \
    evidence, source, question, tags, is_example, status, added_by, created_at) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)";

/// Binds an insight's fields in the order of `INSERT`'s $1..$15.
macro_rules! bind_insight {
    ($query:expr, $guild:expr, $i:expr, $status:expr, $by:expr, $now:expr) => {
        $query
            .bind($guild.map(db_id))
            .bind($i.library_key.as_deref())
            .bind($i.import_key.as_deref())
            .bind(&$i.title)
            .bind(&$i.customer)
            .bind($i.segment.as_str())
            .bind(&$i.story)
            .bind(&$i.evidence)
            .bind($i.source.as_str())
            .bind(&$i.question)
            .bind($i.tags.join(","))
            .bind($i.is_example)
            .bind($status.as_str())
            .bind($by.map(db_id))
            .bind(ms($now))
    };
}

impl Store {
    /// Brings the shipped library in the database in line with prompts/:
    /// new keys are added, changed entries updated in place (their post
    /// history stays), and keys no longer shipped are retired.
    pub async fn sync_library(&self, library: &[NewInsight], now: Timestamp) -> Result<LibrarySync> {
        let update = "UPDATE insights SET title = $2, customer = $3, segment = $4, story = $5, evidence = $6, \
            source = $7, question = $8, tags = $9, is_example = $10, status = 'live' \
            WHERE library_key = $1 AND guild_id IS NULL \
            AND (title <> $2 OR customer <> $3 OR segment <> $4 OR story <> $5 OR evidence <> $6 \
            OR source <> $7 OR question <> $8 OR tags <> $9 OR is_example <> $10 OR status <> 'live')";
        let insert = format!("{INSERT} ON CONFLICT (library_key) DO NOTHING");
        let keys: Vec<&str> = library.iter().filter_map(|i| i.library_key.as_deref()).collect();
        let mut sync = LibrarySync::default();
        on_pool!(self, p => {
            let mut tx = p.begin().await?;
            for i in library {
                let q = sqlx::query(&insert);
                let added = bind_insight!(q, None::<u64>, i, InsightStatus::Live, None::<u64>, now)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                if added == 1 {
                    sync.added += 1;
                    continue;
                }
                sync.updated += sqlx::query(update)
                    .bind(i.library_key.as_deref())
                    .bind(&i.title)
                    .bind(&i.customer)
                    .bind(i.segment.as_str())
                    .bind(&i.story)
                    .bind(&i.evidence)
                    .bind(i.source.as_str())
                    .bind(&i.question)
                    .bind(i.tags.join(","))
                    .bind(i.is_example)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected() as usize;
            }
            let shipped: Vec<(i64, String)> = sqlx::query_as(
                "SELECT id, library_key FROM insights WHERE guild_id IS NULL AND library_key IS NOT NULL AND status = 'live'",
            )
            .fetch_all(&mut *tx)
            .await?;
            for (id, key) in shipped {
                if !keys.contains(&key.as_str()) {
                    sqlx::query("UPDATE insights SET status = 'retired' WHERE id = $1").bind(id).execute(&mut *tx).await?;
                    sync.retired += 1;
                }
            }
            tx.commit().await?;
        });
        Ok(sync)
    }

    /// Adds one of a guild's own insights; returns its id.
    pub async fn add_insight(
        &self,
        guild_id: u64,
        insight: &NewInsight,
        status: InsightStatus,
        added_by: Option<u64>,
        now: Timestamp,
    ) -> Result<i64> {
        let sql = format!("{INSERT} RETURNING id");
        on_pool!(self, p => {
            let mut tx = p.begin().await?;
            let q = sqlx::query_scalar(&sql);
            let id = bind_insight!(q, Some(guild_id), insight, status, added_by, now).fetch_one(&mut *tx).await?;
            tx.link_guild(db_id(guild_id), ms(now)).await?;
            tx.commit().await?;
            Ok(id)
        })
    }

    /// Adds imported insights and outcomes in one transaction: all or
    /// nothing. Rows imported before (same key) are skipped; an outcome
    /// without a day gets `today`. Returns how many of each were new.
    pub async fn import_insights(
        &self,
        guild_id: u64,
        rows: &[NewInsight],
        outcomes: &[NewOutcome],
        today: Date,
        added_by: Option<u64>,
        now: Timestamp,
    ) -> Result<(usize, usize)> {
        let sql = format!("{INSERT} ON CONFLICT (guild_id, import_key) WHERE import_key IS NOT NULL DO NOTHING");
        let outcome_sql =
            "INSERT INTO outcomes (guild_id, kind, score, day, import_key, created_at, customer_id, segment) \
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (guild_id, import_key) DO NOTHING";
        on_pool!(self, p => {
            let mut tx = p.begin().await?;
            let (mut added, mut counted) = (0, 0);
            for insight in rows {
                let q = sqlx::query(&sql);
                added += bind_insight!(q, Some(guild_id), insight, InsightStatus::Live, added_by, now)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected() as usize;
            }
            for o in outcomes {
                let segment = o.segment.as_ref().map(Segment::as_str);
                let customer = tx.customer_named(db_id(guild_id), &o.customer, segment, ms(now)).await?;
                counted += sqlx::query(outcome_sql)
                    .bind(db_id(guild_id))
                    .bind(o.kind.as_str())
                    .bind(o.score)
                    .bind(o.day.unwrap_or(today).to_string())
                    .bind(&o.key)
                    .bind(ms(now))
                    .bind(customer)
                    .bind(segment.unwrap_or("unknown"))
                    .execute(&mut *tx)
                    .await?
                    .rows_affected() as usize;
            }
            tx.link_guild(db_id(guild_id), ms(now)).await?;
            tx.commit().await?;
            Ok((added, counted))
        })
    }

    /// Changes the text, segment and source of one of a guild's own
    /// insights. False if the guild has no insight of that number.
    pub async fn edit_insight(&self, guild_id: u64, id: i64, i: &NewInsight, now: Timestamp) -> Result<bool> {
        // Another customer's name points at no record until it is linked again.
        let sql = "UPDATE insights SET title = $3, customer = $4, segment = $5, story = $6, evidence = $7, \
            source = $8, question = $9, is_example = $10, \
            customer_id = CASE WHEN customer = $4 THEN customer_id ELSE NULL END WHERE id = $1 AND guild_id = $2";
        on_pool!(self, p => {
            let mut tx = p.begin().await?;
            let done = sqlx::query(sql)
                .bind(id)
                .bind(db_id(guild_id))
                .bind(&i.title)
                .bind(&i.customer)
                .bind(i.segment.as_str())
                .bind(&i.story)
                .bind(&i.evidence)
                .bind(i.source.as_str())
                .bind(&i.question)
                .bind(i.is_example)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            tx.link_guild(db_id(guild_id), ms(now)).await?;
            tx.commit().await?;
            Ok(done == 1)
        })
    }

    /// Replaces a shipped insight for one guild by its own edited copy, in
    /// one transaction: the copy is added live and the shipped one retired
    /// there. Returns the copy's id.
    pub async fn override_library_insight(
        &self,
        guild_id: u64,
        shipped_id: i64,
        copy: &NewInsight,
        by: u64,
        now: Timestamp,
    ) -> Result<i64> {
        let insert = format!("{INSERT} RETURNING id");
        let retire = "INSERT INTO insight_retirements (guild_id, insight_id, retired_by, retired_at) \
            VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING";
        on_pool!(self, p => {
            let mut tx = p.begin().await?;
            let q = sqlx::query_scalar(&insert);
            let id: i64 = bind_insight!(q, Some(guild_id), copy, InsightStatus::Live, Some(by), now)
                .fetch_one(&mut *tx)
                .await?;
            sqlx::query(retire).bind(db_id(guild_id)).bind(shipped_id).bind(db_id(by)).bind(ms(now)).execute(&mut *tx).await?;
            tx.link_guild(db_id(guild_id), ms(now)).await?;
            tx.commit().await?;
            Ok(id)
        })
    }

    /// An insight the guild sees (its own or the library's, not retired there).
    pub async fn visible_insight(&self, guild_id: u64, id: i64) -> Result<Option<Insight>> {
        let sql = format!("SELECT {COLUMNS} FROM insights i WHERE i.id = $2 AND {VISIBLE} AND status <> 'retired'");
        let row: Option<InsightRow> =
            on_pool!(self, p => sqlx::query_as(&sql).bind(db_id(guild_id)).bind(id).fetch_optional(p).await)?;
        row.map(InsightRow::into_insight).transpose()
    }

    pub async fn insight(&self, id: i64) -> Result<Option<Insight>> {
        let sql = format!("SELECT {COLUMNS} FROM insights WHERE id = $1");
        let row: Option<InsightRow> = on_pool!(self, p => sqlx::query_as(&sql).bind(id).fetch_optional(p).await)?;
        row.map(InsightRow::into_insight).transpose()
    }

    /// The guild's insights and the library, newest first, optionally
    /// only those with one status. Retired-for-this-guild ones are left out.
    pub async fn list_insights(&self, guild_id: u64, status: Option<InsightStatus>) -> Result<Vec<Insight>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM insights i WHERE {VISIBLE} AND ($2 IS NULL OR status = $2) \
             AND status <> 'retired' ORDER BY guild_id IS NULL, id DESC"
        );
        let rows: Vec<InsightRow> = on_pool!(self, p => sqlx::query_as(&sql)
            .bind(db_id(guild_id))
            .bind(status.map(InsightStatus::as_str))
            .fetch_all(p)
            .await)?;
        rows.into_iter().map(InsightRow::into_insight).collect()
    }

    /// What each insight posted in a guild drew there: (insight, posts,
    /// live reactions, answers) for every insight posted at least once.
    /// Each count starts from the guild's posts and reaches reactions and
    /// answers through their post index, never through the guild's history.
    pub async fn insight_activity(&self, guild_id: u64) -> Result<Vec<(i64, i64, i64, i64)>> {
        let posts = "SELECT insight_id, COUNT(*) FROM insight_posts WHERE guild_id = $1 AND message_id IS NOT NULL \
            GROUP BY insight_id";
        let reactions = "SELECT p.insight_id, COUNT(*) FROM insight_posts p JOIN reactions r ON r.post_id = p.id \
            WHERE p.guild_id = $1 AND r.removed_at IS NULL GROUP BY p.insight_id";
        let answers = "SELECT p.insight_id, COUNT(*) FROM insight_posts p JOIN answers a ON a.post_id = p.id \
            WHERE p.guild_id = $1 AND a.deleted_at IS NULL GROUP BY p.insight_id";
        let g = db_id(guild_id);
        let (posts, reactions, answers) = on_pool!(self, p => {
            let posts: Vec<(i64, i64)> = sqlx::query_as(posts).bind(g).fetch_all(p).await?;
            let reactions: Vec<(i64, i64)> = sqlx::query_as(reactions).bind(g).fetch_all(p).await?;
            let answers: Vec<(i64, i64)> = sqlx::query_as(answers).bind(g).fetch_all(p).await?;
            (posts, reactions, answers)
        });
        let (reactions, answers): (HashMap<i64, i64>, HashMap<i64, i64>) =
            (reactions.into_iter().collect(), answers.into_iter().collect());
        Ok(posts
            .into_iter()
            .map(|(id, n)| (id, n, reactions.get(&id).copied().unwrap_or(0), answers.get(&id).copied().unwrap_or(0)))
            .collect())
    }

    /// Live insights a guild's channels may be shown.
    pub async fn rotation_pool(&self, guild_id: u64) -> Result<Vec<Candidate>> {
        let sql = format!(
            "SELECT id, segment, guild_id IS NOT NULL FROM insights i WHERE {VISIBLE} AND status = 'live' ORDER BY id"
        );
        let rows: Vec<(i64, String, bool)> =
            on_pool!(self, p => sqlx::query_as(&sql).bind(db_id(guild_id)).fetch_all(p).await)?;
        Ok(rows
            .into_iter()
            .filter_map(|(id, segment, own)| Some(Candidate { id, segment: Segment::parse(&segment).ok()?, own }))
            .collect())
    }

    /// Insights shown in a channel, oldest first.
    pub async fn channel_history(&self, guild_id: u64, channel_id: u64) -> Result<Vec<Shown>> {
        let sql =
            "SELECT p.insight_id, i.segment, p.local_date FROM insight_posts p JOIN insights i ON i.id = p.insight_id \
            WHERE p.guild_id = $1 AND p.channel_id = $2 ORDER BY p.id";
        let rows: Vec<(i64, String, String)> = on_pool!(self, p => sqlx::query_as(sql)
            .bind(db_id(guild_id))
            .bind(db_id(channel_id))
            .fetch_all(p)
            .await)?;
        Ok(rows
            .into_iter()
            .filter_map(|(id, segment, day)| {
                Some(Shown { id, segment: Segment::parse(&segment).ok()?, day: day.parse().ok()? })
            })
            .collect())
    }

    /// Retires an insight for one guild. False if the guild cannot see it.
    pub async fn retire_insight(&self, guild_id: u64, insight_id: i64, by: u64, now: Timestamp) -> Result<bool> {
        let sql = "INSERT INTO insight_retirements (guild_id, insight_id, retired_by, retired_at) \
            SELECT $1, id, $3, $4 FROM insights WHERE id = $2 AND (guild_id = $1 OR guild_id IS NULL) \
            ON CONFLICT DO NOTHING";
        let done = on_pool!(self, p => sqlx::query(sql)
            .bind(db_id(guild_id))
            .bind(insight_id)
            .bind(db_id(by))
            .bind(ms(now))
            .execute(p).await.map(|r| r.rows_affected()))?;
        Ok(done == 1)
    }

    /// Approves or rejects a pending suggestion. False if it is not pending.
    pub async fn review_insight(&self, guild_id: u64, insight_id: i64, approve: bool) -> Result<bool> {
        let status = if approve { InsightStatus::Live } else { InsightStatus::Rejected };
        let sql = "UPDATE insights SET status = $3 WHERE id = $2 AND guild_id = $1 AND status = 'pending'";
        let done = on_pool!(self, p => sqlx::query(sql)
            .bind(db_id(guild_id))
            .bind(insight_id)
            .bind(status.as_str())
            .execute(p).await.map(|r| r.rows_affected()))?;
        Ok(done == 1)
    }
}
