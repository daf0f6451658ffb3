//! Answers: logged once each, edited and deleted as their messages are.

use jiff::Timestamp;

use tokio::sync::{mpsc, oneshot};

use super::follow_ups::insert_follow_up;
use super::{db_id, ms, on_pool, Pool, Result, Store};
use crate::domain::answer::{AnswerIds, AnswerRef, NewAnswer};
use crate::domain::classify::Classification;
use crate::domain::follow_up::NewFollowUp;

fn segments(c: &Classification) -> String {
    c.segments.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(",")
}

/// Inserts an answer unless its message is known deleted or logged, or
/// the same person already gave the same form answer to the same question
/// (they retried after being told it was waiting for the database).
pub(super) const INSERT: &str =
    "INSERT INTO answers (guild_id, channel_id, user_id, meeting_id, post_id, via, body, impact, \
    segments, has_evidence, has_assumption, wants_follow_up, message_id, interaction_id, created_at) \
    SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15 \
    WHERE NOT EXISTS (SELECT 1 FROM deleted_messages WHERE message_id = $13) \
    AND NOT EXISTS (SELECT 1 FROM answers WHERE $14 IS NOT NULL AND via = 'modal' AND user_id = $3 \
        AND (meeting_id = $4 OR post_id = $5) AND body = $7 AND deleted_at IS NULL) \
    ON CONFLICT DO NOTHING RETURNING id";

/// Runs `INSERT` for one answer on an executor (pool or transaction).
macro_rules! insert_answer {
    ($a:expr, $executor:expr) => {{
        let a: &NewAnswer = $a;
        let (meeting, post) = match a.to {
            AnswerRef::Meeting(id) => (Some(id), None),
            AnswerRef::Post(id) => (None, Some(id)),
        };
        let c = &a.classification;
        sqlx::query_scalar::<_, i64>(INSERT)
            .bind(db_id(a.guild_id))
            .bind(db_id(a.channel_id))
            .bind(db_id(a.user_id))
            .bind(meeting)
            .bind(post)
            .bind(a.via.as_str())
            .bind(&a.body)
            .bind(a.impact.as_str())
            .bind(segments(c))
            .bind(c.has_evidence)
            .bind(c.has_assumption)
            .bind(c.wants_follow_up)
            .bind(a.message_id.map(db_id))
            .bind(a.interaction_id.map(db_id))
            .bind(ms(a.created_at))
            .fetch_optional(&mut *$executor)
            .await
    }};
}

/// Logs one answer and its follow-up inside the transaction `$tx`.
macro_rules! insert_with_follow_up {
    ($a:expr, $now:expr, $tx:expr) => {{
        let a: &NewAnswer = $a;
        match insert_answer!(a, $tx)? {
            None => None,
            Some(answer) => {
                let follow_up = match follow_up_of(a, answer) {
                    Some(f) => Some(insert_follow_up!(&f, $now, &mut *$tx)?),
                    None => None,
                };
                Some(AnswerIds { answer, follow_up })
            }
        }
    }};
}

/// The follow-up an answer asks for, owned by its author unless it names someone.
fn follow_up_of(a: &NewAnswer, answer_id: i64) -> Option<NewFollowUp> {
    let spec = a.follow_up.as_ref()?;
    Some(NewFollowUp {
        guild_id: a.guild_id,
        answer_id: Some(answer_id),
        meeting_id: match a.to {
            AnswerRef::Meeting(id) => Some(id),
            AnswerRef::Post(_) => None,
        },
        text: spec.body.clone(),
        owner_id: Some(spec.owner.unwrap_or(a.user_id)),
        created_by: a.user_id,
        due_date: spec.due,
    })
}

type Pending = (NewAnswer, oneshot::Sender<Result<Option<AnswerIds>>>);

/// The answer write path: answers that arrive while a commit is under way
/// are grouped into the next transaction (group commit), and each caller
/// hears back only after its row is committed. The driver's per-query
/// cost, not the disk, is what limits one row per transaction.
#[derive(Clone, Debug)]
pub(super) struct AnswerWriter(mpsc::UnboundedSender<Pending>);

impl AnswerWriter {
    pub(super) fn spawn(pool: Pool) -> AnswerWriter {
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(write_loop(pool, rx));
        AnswerWriter(tx)
    }
}

/// Most answers one transaction takes, so a burst still commits steadily.
const MAX_BATCH: usize = 512;

async fn write_loop(pool: Pool, mut rx: mpsc::UnboundedReceiver<Pending>) {
    let store = Store::without_writer(pool);
    while let Some(first) = rx.recv().await {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(next) => batch.push(next),
                Err(_) => break,
            }
        }
        let answers: Vec<&NewAnswer> = batch.iter().map(|(a, _)| a).collect();
        let started = std::time::Instant::now();
        let written = store.insert_batch(&answers).await;
        metrics::histogram!("advocate_db_write_seconds").record(started.elapsed().as_secs_f64());
        match written {
            Ok(ids) => {
                for ((_, reply), id) in batch.into_iter().zip(ids) {
                    let _ = reply.send(Ok(id));
                }
            }
            // The database is locked, full or away: every caller hears so
            // and retries later (waiting here would only wait again).
            Err(e) if super::is_transient(&e) => {
                let shown = e.to_string();
                let mut first = Some(e);
                for (_, reply) in batch {
                    let e = first.take().unwrap_or_else(|| sqlx::Error::Io(std::io::Error::other(shown.clone())));
                    let _ = reply.send(Err(e));
                }
            }
            // One bad row must not lose the others: retry each alone.
            Err(_) => {
                for (answer, reply) in batch {
                    let _ = reply.send(store.insert_batch(&[&answer]).await.map(|mut ids| ids.remove(0)));
                }
            }
        }
    }
}

/// Applies an edit to a logged reply (per event).
pub(super) const EDIT: &str = "UPDATE answers SET body = $2, segments = $3, has_evidence = $4, has_assumption = $5, \
    wants_follow_up = $6, edited_at = $7 WHERE message_id = $1 AND guild_id = $8 AND deleted_at IS NULL";

/// Remembers a deleted message (per event).
pub(super) const REMEMBER_DELETION: &str =
    "INSERT INTO deleted_messages (message_id, deleted_at) VALUES ($1, $2) ON CONFLICT DO NOTHING";

/// Marks a reply deleted (per event).
pub(super) const DELETE: &str =
    "UPDATE answers SET deleted_at = $2 WHERE message_id = $1 AND channel_id = $3 AND deleted_at IS NULL";

impl Store {
    /// Logs an answer and the follow-up it asks for; `None` if the same
    /// message or interaction was logged before, so a replayed event
    /// changes nothing. Returns once the rows are committed.
    pub async fn log_answer(&self, a: &NewAnswer) -> Result<Option<AnswerIds>> {
        let Some(writer) = &self.writer else {
            return self.insert_batch(&[a]).await.map(|mut ids| ids.remove(0));
        };
        let (tx, rx) = oneshot::channel();
        if writer.0.send((a.clone(), tx)).is_err() {
            return Err(sqlx::Error::PoolClosed);
        }
        rx.await.unwrap_or(Err(sqlx::Error::PoolClosed))
    }

    /// Inserts answers in one transaction; their ids (or `None`) each.
    async fn insert_batch(&self, answers: &[&NewAnswer]) -> Result<Vec<Option<AnswerIds>>> {
        // Always inside a transaction: in autocommit, sqlx-sqlite drops the
        // error of the implicit COMMIT after a RETURNING row (a full disk
        // would then look like success).
        on_pool!(self, p => {
            let mut tx = p.begin().await?;
            let mut ids = Vec::with_capacity(answers.len());
            for a in answers {
                ids.push(insert_with_follow_up!(a, a.created_at, tx));
            }
            tx.commit().await?;
            Ok(ids)
        })
    }

    /// Applies an edit of a logged thread reply; false if none was logged.
    pub async fn edit_answer(
        &self,
        guild_id: u64,
        message_id: u64,
        body: &str,
        c: &Classification,
        now: Timestamp,
    ) -> Result<bool> {
        let sql = EDIT;
        let done = on_pool!(self, p => sqlx::query(sql)
            .bind(db_id(message_id))
            .bind(body)
            .bind(segments(c))
            .bind(c.has_evidence)
            .bind(c.has_assumption)
            .bind(c.wants_follow_up)
            .bind(ms(now))
            .bind(db_id(guild_id))
            .execute(p).await.map(|r| r.rows_affected()))?;
        Ok(done == 1)
    }

    /// Marks a thread reply deleted; it stops counting. The deletion is
    /// remembered first, so a creation seen after it logs nothing.
    pub async fn delete_answer(&self, thread_id: u64, message_id: u64, now: Timestamp) -> Result<bool> {
        let remember = REMEMBER_DELETION;
        on_pool!(self, p => sqlx::query(remember).bind(db_id(message_id)).bind(ms(now)).execute(p).await.map(|r| r.rows_affected()))?;
        let sql = DELETE;
        let done = on_pool!(self, p => sqlx::query(sql).bind(db_id(message_id)).bind(ms(now)).bind(db_id(thread_id)).execute(p).await.map(|r| r.rows_affected()))?;
        Ok(done == 1)
    }
}
