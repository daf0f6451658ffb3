//! Answers: logged once each, edited and deleted as their messages are.

use jiff::Timestamp;

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use super::follow_ups::insert_follow_ups;
use super::reactions::add_reaction;
use super::{db_id, ms, on_pool, Result, Store};
use crate::domain::answer::{AnswerIds, AnswerRef, NewAnswer, Via};
use crate::domain::classify::Classification;
use crate::domain::follow_up::NewFollowUp;
use crate::domain::reaction::ReactionEvent;

fn segments(c: &Classification) -> String {
    c.segments.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(",")
}

/// The columns an answer is inserted with, in bind order.
const COLUMNS: &str = "guild_id, channel_id, user_id, meeting_id, post_id, via, body, impact, segments, \
    has_evidence, has_assumption, wants_follow_up, message_id, interaction_id, created_at";
const COLUMN_COUNT: usize = 15;

/// Most answers one statement takes (15 binds each, far below either
/// database's limit on parameters).
pub(super) const MAX_ROWS: usize = 512;

/// `$1, $2, …` grouped in rows of `columns`: a VALUES list for `rows`.
pub(super) fn placeholders(rows: usize, columns: usize) -> String {
    let row = |r: usize| {
        let binds: Vec<String> = (1..=columns).map(|c| format!("${}", r * columns + c)).collect();
        format!("({})", binds.join(", "))
    };
    (0..rows).map(row).collect::<Vec<_>>().join(", ")
}

/// Inserts up to `rows` answers in one statement, skipping each one whose
/// message is known deleted or logged, or that repeats a form answer the
/// same person gave to the same question (they retried after being told
/// it was waiting for the database). Rows with a NULL guild are padding:
/// batch sizes are rounded up to a power of two so that a handful of
/// prepared statements serve every size.
fn insert_sql(rows: usize) -> String {
    format!(
        "WITH batch ({COLUMNS}) AS (VALUES {}) \
        INSERT INTO answers ({COLUMNS}) SELECT {COLUMNS} FROM batch \
        WHERE batch.guild_id IS NOT NULL \
        AND NOT EXISTS (SELECT 1 FROM deleted_messages d WHERE d.message_id = batch.message_id) \
        AND NOT EXISTS (SELECT 1 FROM answers a WHERE batch.interaction_id IS NOT NULL AND a.via = 'modal' \
            AND a.user_id = batch.user_id AND (a.meeting_id = batch.meeting_id OR a.post_id = batch.post_id) \
            AND a.body = batch.body AND a.deleted_at IS NULL) \
        ON CONFLICT DO NOTHING RETURNING id, message_id, interaction_id",
        placeholders(rows, COLUMN_COUNT)
    )
}

/// The statement for a batch of `rows` (rounded up to a power of two).
pub(super) fn insert_statement(rows: usize) -> (&'static str, usize) {
    static SQL: [OnceLock<String>; 10] = [const { OnceLock::new() }; 10];
    let size = rows.clamp(1, MAX_ROWS).next_power_of_two();
    (SQL[size.trailing_zeros() as usize].get_or_init(|| insert_sql(size)), size)
}

/// What identifies an answer's source event: a replay carries the same.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Key {
    Message(i64),
    Interaction(i64),
}

fn key(message_id: Option<i64>, interaction_id: Option<i64>) -> Option<Key> {
    message_id.map(Key::Message).or(interaction_id.map(Key::Interaction))
}

/// Which answers of a batch to insert: a second copy of the same event,
/// or of the same form answer, is left out (it would be a duplicate).
fn firsts(answers: &[&NewAnswer]) -> Vec<bool> {
    let mut events = HashSet::new();
    let mut forms = HashSet::new();
    answers
        .iter()
        .map(|a| {
            let event = key(a.message_id.map(db_id), a.interaction_id.map(db_id)).is_none_or(|k| events.insert(k));
            let form = a.via != Via::Modal || forms.insert((a.user_id, a.to, a.body.as_str()));
            event && form
        })
        .collect()
}

/// Inserts the answers of `$rows` (at most `MAX_ROWS`, each with a source
/// key) with one statement inside the transaction `$tx`; a map from each
/// inserted answer's key to its id.
macro_rules! insert_rows {
    ($rows:expr, $tx:expr) => {{
        let rows: &[&NewAnswer] = $rows;
        let (sql, size) = insert_statement(rows.len());
        let mut q = sqlx::query_as::<_, (i64, Option<i64>, Option<i64>)>(sql);
        for a in rows {
            let (meeting, post) = match a.to {
                AnswerRef::Meeting(id) => (Some(id), None),
                AnswerRef::Post(id) => (None, Some(id)),
            };
            let c = &a.classification;
            q = q
                .bind(Some(db_id(a.guild_id)))
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
                .bind(ms(a.created_at));
        }
        for _ in rows.len()..size {
            q = q
                .bind(None::<i64>)
                .bind(0i64)
                .bind(0i64)
                .bind(None::<i64>)
                .bind(None::<i64>)
                .bind("")
                .bind("")
                .bind("")
                .bind(String::new())
                .bind(false)
                .bind(false)
                .bind(false)
                .bind(None::<i64>)
                .bind(None::<i64>)
                .bind(0i64);
        }
        let inserted = q.fetch_all(&mut *$tx).await?;
        inserted
            .into_iter()
            .filter_map(|(id, message, interaction)| Some((key(message, interaction)?, id)))
            .collect::<HashMap<Key, i64>>()
    }};
}

/// Logs answers and the follow-ups they ask for inside the transaction
/// `$tx`: one statement per `MAX_ROWS` answers, one for their follow-ups.
/// Each answer's ids, or `None` where it was logged before.
macro_rules! insert_answers {
    ($answers:expr, $tx:expr) => {{
        let answers: &[&NewAnswer] = $answers;
        let take = firsts(answers);
        let keyed: Vec<&NewAnswer> = answers
            .iter()
            .zip(&take)
            .filter(|(a, take)| **take && key(a.message_id.map(db_id), a.interaction_id.map(db_id)).is_some())
            .map(|(a, _)| *a)
            .collect();
        let mut inserted = HashMap::new();
        for chunk in keyed.chunks(MAX_ROWS) {
            inserted.extend(insert_rows!(chunk, $tx));
        }
        let mut ids: Vec<Option<AnswerIds>> = Vec::with_capacity(answers.len());
        for (a, take) in answers.iter().zip(&take) {
            let id = match key(a.message_id.map(db_id), a.interaction_id.map(db_id)) {
                _ if !take => None,
                Some(k) => inserted.get(&k).copied(),
                // No source to match a returned row by: a statement of its own.
                None => insert_rows!(&[*a], $tx).into_values().next(),
            };
            ids.push(id.map(|answer| AnswerIds { answer, follow_up: None }));
        }
        let asked: Vec<(NewFollowUp, Timestamp)> = answers
            .iter()
            .zip(&ids)
            .filter_map(|(a, id)| Some((follow_up_of(a, id.as_ref()?.answer)?, a.created_at)))
            .collect();
        if !asked.is_empty() {
            let follow_ups = insert_follow_ups!(&asked, &mut *$tx)?;
            for id in ids.iter_mut().flatten() {
                id.follow_up = follow_ups.get(&id.answer).copied();
            }
        }
        ids
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
        match &self.writer {
            Some(writer) => writer.answer(a.clone()).await,
            None => self.write_batch(&[a], &[]).await.map(|(mut ids, _)| ids.remove(0)),
        }
    }

    /// Writes answers (with their follow-ups) and reactions in one
    /// transaction; each answer's ids (or `None`: logged before) and
    /// whether each reaction was logged.
    pub(super) async fn write_batch(
        &self,
        answers: &[&NewAnswer],
        reactions: &[&ReactionEvent],
    ) -> Result<(Vec<Option<AnswerIds>>, Vec<bool>)> {
        // Always inside a transaction: in autocommit, sqlx-sqlite drops the
        // error of the implicit COMMIT after a RETURNING row (a full disk
        // would then look like success).
        on_pool!(self, p => {
            let mut tx = p.begin().await?;
            let ids = insert_answers!(answers, tx);
            let mut logged = Vec::with_capacity(reactions.len());
            for r in reactions {
                logged.push(add_reaction!(r, tx)?);
            }
            tx.commit().await?;
            Ok((ids, logged))
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
