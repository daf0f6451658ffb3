//! Answers, their follow-ups and reactions written as one batch: the
//! answers in one statement that also counts them in the tallies and
//! validates challenges (SQLite: a VALUES list of `?`, whose binding stays
//! linear, and the statements after it in the same call; PostgreSQL: one
//! array per column through UNNEST, one cached plan), their follow-ups in
//! one more and the reactions in two, all in one transaction.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use jiff::Timestamp;
use sqlx::{PgConnection, SqliteConnection};

use super::customers::Names;
use super::{db_id, ms, on_pool, reactions, tallies, Pool, Result};
use domain::answer::{AnswerIds, AnswerRef, NewAnswer, Via, ANONYMOUS};
use domain::follow_up::NewFollowUp;
use domain::reaction::ReactionEvent;

/// The columns an answer is inserted with, in bind order.
const COLUMNS: &str = "guild_id, channel_id, user_id, meeting_id, post_id, via, body, impact, segments, \
    has_evidence, has_assumption, wants_follow_up, message_id, interaction_id, created_at, reach";
const COLUMN_COUNT: usize = 16;

/// Most answers one statement takes.
const MAX_ROWS: usize = 256;

/// After `WITH batch (…) AS (…)`: inserts the batch's answers, skipping
/// each one whose message is known deleted or logged, or that repeats a
/// form answer the same person gave to the same question (they retried
/// after being told it was waiting for the database; only form answers
/// are checked, as a thread reply's check would read its whole meeting;
/// anonymous ones, all by author 0, are told apart by their interaction only).
/// Rows with a NULL guild are padding. Each answer keeps its home channel
/// (its meeting's or post's), which its tally is counted under.
fn insert_from_batch(returning: &str) -> String {
    format!(
        "INSERT INTO answers ({COLUMNS}, home_channel_id) SELECT {COLUMNS}, \
            COALESCE((SELECT m.channel_id FROM meetings m WHERE m.id = batch.meeting_id), \
            (SELECT p.channel_id FROM insight_posts p WHERE p.id = batch.post_id)) FROM batch \
        WHERE batch.guild_id IS NOT NULL \
        AND NOT EXISTS (SELECT 1 FROM deleted_messages d WHERE d.message_id = batch.message_id) \
        AND (batch.interaction_id IS NULL OR batch.user_id = 0 OR NOT EXISTS (SELECT 1 FROM answers a WHERE a.via = 'modal' \
            AND a.user_id = batch.user_id AND (a.meeting_id = batch.meeting_id OR a.post_id = batch.post_id) \
            AND a.body = batch.body AND a.deleted_at IS NULL)) \
        ON CONFLICT DO NOTHING RETURNING {returning}"
    )
}

/// `(?, ?, …), …`: a VALUES list of `rows` rows of `columns`. Anonymous
/// parameters: sqlx looks a named one up by its index, which SQLite
/// answers by a linear search, so thousands of `$N` bind in quadratic time.
fn question_marks(rows: usize, columns: usize) -> String {
    let row = format!("({})", vec!["?"; columns].join(", "));
    vec![row; rows].join(", ")
}

/// Prepared statements of one kind, by batch size.
type Sizes = [OnceLock<String>; 9];

/// SQLite's `WITH batch (columns) AS (VALUES …) body` for `rows` rows,
/// rounded up to a power of two so that a handful of prepared statements
/// serve every size; the statement and the rows to bind (the rest NULL).
fn sqlite_batch(
    sizes: &'static Sizes,
    rows: usize,
    columns: &str,
    body: impl FnOnce() -> String,
) -> (&'static str, usize) {
    let size = rows.clamp(1, MAX_ROWS).next_power_of_two();
    let sql = sizes[size.trailing_zeros() as usize].get_or_init(|| {
        let values = question_marks(size, columns.split(',').count());
        format!("WITH batch ({columns}) AS (VALUES {values}) {}", body())
    });
    (sql, size)
}

/// SQLite's statement inserting a batch of `rows` answers.
pub(super) fn sqlite_insert(rows: usize) -> (&'static str, usize) {
    static SQL: Sizes = [const { OnceLock::new() }; 9];
    sqlite_batch(&SQL, rows, COLUMNS, || insert_from_batch("id, message_id, interaction_id"))
}

/// The writer connection's own table (SQLite): the ids its last insert of
/// answers gave, so that the statements after it in the same call find
/// them. The ids of one INSERT are consecutive: each new row takes the
/// table's largest id plus one.
pub const SQLITE_WRITER_SETUP: &str =
    "CREATE TEMP TABLE answer_batch (first INTEGER NOT NULL, last INTEGER NOT NULL); \
    INSERT INTO temp.answer_batch VALUES (1, 0)";

/// Keeps the id range of the insert just completed (evaluated before
/// this UPDATE completes, so `changes()` is still the insert's count).
const SQLITE_KEEP_BATCH: &str =
    "UPDATE temp.answer_batch SET first = last_insert_rowid() - changes() + 1, last = last_insert_rowid()";

/// The answers of the last insert, for [`tallies::add`].
pub(super) const SQLITE_BATCH_ANSWERS: &str =
    "answers a WHERE a.id BETWEEN (SELECT first FROM temp.answer_batch) AND (SELECT last FROM temp.answer_batch)";

/// The answers of the last insert as a FROM item named `r`, for [`validate_sql`].
pub(super) fn sqlite_new_answers() -> String {
    format!("(SELECT * FROM {SQLITE_BATCH_ANSWERS}) r")
}

/// SQLite's one call for a batch of `rows` answers: inserts them, counts
/// them in the tallies and, with `validate`, lets the thread replies with
/// evidence among them validate challenges (SQLite has no data-modifying
/// WITH, and each call is a trip to the connection's thread); `alone`, in
/// a transaction of its own.
fn sqlite_insert_counted(rows: usize, validate: bool, alone: bool) -> (&'static str, usize) {
    static SQL: [[Sizes; 2]; 2] = [const { [const { [const { OnceLock::new() }; 9] }; 2] }; 2];
    let (insert, size) = sqlite_insert(rows);
    let sql = SQL[usize::from(alone)][usize::from(validate)][size.trailing_zeros() as usize].get_or_init(|| {
        let tally = tallies::add(SQLITE_BATCH_ANSWERS);
        let validation = if validate { format!("; {}", validate_sql(&sqlite_new_answers())) } else { String::new() };
        let sql = format!("{insert}; {SQLITE_KEEP_BATCH}; {tally}{validation}");
        if alone {
            format!("BEGIN IMMEDIATE; {sql}; COMMIT")
        } else {
            sql
        }
    });
    (sql, size)
}

/// SQLite's statements for a batch of `rows` reactions: taking their early
/// removals, and inserting them.
pub(super) fn sqlite_reactions(rows: usize) -> [(&'static str, usize); 2] {
    static TAKE: Sizes = [const { OnceLock::new() }; 9];
    static INSERT: Sizes = [const { OnceLock::new() }; 9];
    [
        sqlite_batch(&TAKE, rows, reactions::BATCH_COLUMNS, || reactions::TAKE_EARLY_REMOVALS.into()),
        sqlite_batch(&INSERT, rows, reactions::BATCH_COLUMNS_REMOVED, || reactions::INSERT.into()),
    ]
}

/// PostgreSQL's batch of reactions as arrays, with their removal times
/// as `$8` if `with_removals`.
fn postgres_reactions(body: &str, with_removals: bool) -> String {
    let arrays = "$1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::text[], $6::bigint[], $7::bigint[]";
    let (columns, array) = if with_removals {
        (reactions::BATCH_COLUMNS_REMOVED, ", $8::bigint[]")
    } else {
        (reactions::BATCH_COLUMNS, "")
    };
    format!("WITH batch ({columns}) AS (SELECT * FROM UNNEST({arrays}{array})) {body}")
}

/// PostgreSQL's statement for any number of answers: one array a column;
/// what it inserts is counted in the tallies and, with `validate`, its
/// thread replies with evidence validate challenges, by the same statement.
fn postgres_insert(validate: bool) -> &'static str {
    static SQL: [OnceLock<String>; 2] = [const { OnceLock::new() }; 2];
    SQL[usize::from(validate)].get_or_init(|| {
        let types = ["bigint", "bigint", "bigint", "bigint", "bigint", "text", "text", "text", "text"]
            .into_iter()
            .chain(["boolean", "boolean", "boolean", "bigint", "bigint", "bigint", "text"]);
        let arrays: Vec<String> = types.enumerate().map(|(i, t)| format!("${}::{t}[]", i + 1)).collect();
        let validated =
            if validate { format!(", validated AS ({})", validate_sql("inserted r")) } else { String::new() };
        format!(
            "WITH batch ({COLUMNS}) AS (SELECT * FROM UNNEST({})), inserted AS ({}), counted AS ({}){validated} \
            SELECT id, message_id, interaction_id FROM inserted",
            arrays.join(", "),
            insert_from_batch("*"),
            tallies::add("inserted a WHERE TRUE"),
        )
    })
}

/// An answer as the columns it is stored in.
struct Row<'a> {
    meeting: Option<i64>,
    post: Option<i64>,
    segments: String,
    a: &'a NewAnswer,
}

impl<'a> Row<'a> {
    fn of(a: &'a NewAnswer) -> Row<'a> {
        let (meeting, post) = match a.to {
            AnswerRef::Meeting(id) => (Some(id), None),
            AnswerRef::Post(id) => (None, Some(id)),
        };
        Row { meeting, post, segments: super::answers::segments(&a.classification), a }
    }
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

fn key_of(a: &NewAnswer) -> Option<Key> {
    key(a.message_id.map(db_id), a.interaction_id.map(db_id))
}

type Inserted = Vec<(i64, Option<i64>, Option<i64>)>;

/// A thread reply with evidence among the new answers `replies` (a FROM
/// item named `r`) validates its author's open challenges in its meeting,
/// with its text, in the batch's transaction: no query of its own per reply.
pub(super) fn validate_sql(replies: &str) -> String {
    format!(
        "UPDATE answers SET challenge = 'validated', resolved_at = r.created_at, resolution = r.body \
        FROM {replies} WHERE r.via = 'thread' AND r.has_evidence \
        AND answers.challenge = 'open' AND answers.meeting_id = r.meeting_id \
        AND answers.user_id = r.user_id AND answers.id <> r.id"
    )
}

/// The statements whose form differs between the backends.
trait BatchSql: Names {
    /// Inserts up to `MAX_ROWS` answers and counts them in the tallies;
    /// with `validate`, the thread replies among them with evidence
    /// validate their authors' open challenges (see [`validate_sql`]). All
    /// in one trip to the database; (id, message, interaction) of each
    /// inserted. `alone`: they are the whole batch, on a connection
    /// outside any transaction, and commit themselves.
    async fn insert_answers(&mut self, rows: &[Row<'_>], validate: bool, alone: bool) -> Result<Inserted>;
    /// Inserts follow-ups of answers; (answer id, follow-up id) of each.
    async fn insert_follow_ups(&mut self, fs: &[(NewFollowUp, Timestamp)]) -> Result<Vec<(i64, i64)>>;
    /// Takes the removals of up to `MAX_ROWS` reactions seen before their adds.
    async fn take_early_removals(&mut self, rs: &[&ReactionEvent]) -> Result<Vec<(ReactionKey, i64)>>;
    /// Inserts up to `MAX_ROWS` reactions, each with its removal time if
    /// it was removed already; the key of each inserted.
    async fn insert_reactions(&mut self, rs: &[&ReactionEvent], removed: &[Option<i64>]) -> Result<Vec<ReactionKey>>;
}

/// A reaction as (message, user, emoji).
type ReactionKey = (i64, i64, String);

fn reaction_key(r: &ReactionEvent) -> ReactionKey {
    (db_id(r.message_id), db_id(r.user_id), r.emoji.clone())
}

/// The earliest time a removal may have been seen for its add to take it.
fn removal_cutoff(r: &ReactionEvent) -> i64 {
    ms(r.at - reactions::EARLY_REMOVAL_WINDOW)
}

/// Binds a SQLite batch of reactions (with their removal times, if
/// given), padded to `size` rows.
fn bind_sqlite_reactions<'q>(
    mut q: SqliteQuery<'q>,
    rs: &[&'q ReactionEvent],
    removed: Option<&[Option<i64>]>,
    size: usize,
) -> SqliteQuery<'q> {
    for (n, r) in rs.iter().enumerate() {
        q = q
            .bind(db_id(r.guild_id))
            .bind(db_id(r.channel_id))
            .bind(db_id(r.message_id))
            .bind(db_id(r.user_id))
            .bind(r.emoji.as_str())
            .bind(ms(r.at))
            .bind(removal_cutoff(r));
        if let Some(removed) = removed {
            q = q.bind(removed[n]);
        }
    }
    let columns = 7 + usize::from(removed.is_some());
    for _ in rs.len() * columns..size * columns {
        q = q.bind(None::<i64>);
    }
    q
}

type SqliteQuery<'q> = sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments<'q>>;

const FOLLOW_UP_COLUMNS: &str =
    "guild_id, answer_id, meeting_id, body, owner_id, created_by, due_date, created_at, customer";

impl BatchSql for SqliteConnection {
    async fn insert_answers(&mut self, rows: &[Row<'_>], validate: bool, alone: bool) -> Result<Inserted> {
        let (sql, size) = sqlite_insert_counted(rows.len(), validate, alone);
        let mut q = sqlx::query_as(sql);
        for r in rows {
            let (a, c) = (r.a, &r.a.classification);
            q = q
                .bind(Some(db_id(a.guild_id)))
                .bind(db_id(a.channel_id))
                .bind(db_id(a.user_id))
                .bind(r.meeting)
                .bind(r.post)
                .bind(a.via.as_str())
                .bind(&a.body)
                .bind(a.impact.as_str())
                .bind(&r.segments)
                .bind(c.has_evidence)
                .bind(c.has_assumption)
                .bind(c.wants_follow_up)
                .bind(a.message_id.map(db_id))
                .bind(a.interaction_id.map(db_id))
                .bind(ms(a.created_at))
                .bind(c.reach.as_str());
        }
        for _ in rows.len() * COLUMN_COUNT..size * COLUMN_COUNT {
            q = q.bind(None::<i64>);
        }
        let inserted = q.fetch_all(&mut *self).await;
        if alone && inserted.is_err() {
            // A failed statement stops the call before its COMMIT. (Without
            // a transaction open, the ROLLBACK's own error says so.)
            let _ = sqlx::query("ROLLBACK").execute(self).await;
        }
        inserted
    }

    async fn insert_follow_ups(&mut self, fs: &[(NewFollowUp, Timestamp)]) -> Result<Vec<(i64, i64)>> {
        let sql = format!(
            "INSERT INTO follow_ups ({FOLLOW_UP_COLUMNS}, status) SELECT *, 'open' FROM (VALUES {}) \
            RETURNING answer_id, id",
            question_marks(fs.len(), 9)
        );
        let mut q = sqlx::query_as(&sql);
        for (f, at) in fs {
            q = q
                .bind(db_id(f.guild_id))
                .bind(f.answer_id)
                .bind(f.meeting_id)
                .bind(&f.text)
                .bind(f.owner_id.map(db_id))
                .bind(db_id(f.created_by))
                .bind(f.due_date.map(|d| d.to_string()))
                .bind(ms(*at))
                .bind(f.customer.as_deref());
        }
        q.fetch_all(self).await
    }

    async fn take_early_removals(&mut self, rs: &[&ReactionEvent]) -> Result<Vec<(ReactionKey, i64)>> {
        let [(sql, size), _] = sqlite_reactions(rs.len());
        let rows: Vec<(i64, i64, String, i64)> = bind_sqlite_reactions(sqlx::query(sql), rs, None, size)
            .try_map(|row| sqlx::FromRow::from_row(&row))
            .fetch_all(self)
            .await?;
        Ok(rows.into_iter().map(|(m, u, e, at)| ((m, u, e), at)).collect())
    }

    async fn insert_reactions(&mut self, rs: &[&ReactionEvent], removed: &[Option<i64>]) -> Result<Vec<ReactionKey>> {
        let [_, (sql, size)] = sqlite_reactions(rs.len());
        bind_sqlite_reactions(sqlx::query(sql), rs, Some(removed), size)
            .try_map(|row| sqlx::FromRow::from_row(&row))
            .fetch_all(self)
            .await
    }
}

impl BatchSql for PgConnection {
    /// A lone statement commits itself.
    async fn insert_answers(&mut self, rows: &[Row<'_>], validate: bool, _alone: bool) -> Result<Inserted> {
        let column = |f: &dyn Fn(&Row) -> Option<i64>| rows.iter().map(f).collect::<Vec<Option<i64>>>();
        let text = |f: &dyn Fn(&Row) -> String| rows.iter().map(f).collect::<Vec<String>>();
        let flag = |f: &dyn Fn(&Row) -> bool| rows.iter().map(f).collect::<Vec<bool>>();
        sqlx::query_as(postgres_insert(validate))
            .bind(column(&|r| Some(db_id(r.a.guild_id))))
            .bind(column(&|r| Some(db_id(r.a.channel_id))))
            .bind(column(&|r| Some(db_id(r.a.user_id))))
            .bind(column(&|r| r.meeting))
            .bind(column(&|r| r.post))
            .bind(text(&|r| r.a.via.as_str().into()))
            .bind(text(&|r| r.a.body.clone()))
            .bind(text(&|r| r.a.impact.as_str().into()))
            .bind(text(&|r| r.segments.clone()))
            .bind(flag(&|r| r.a.classification.has_evidence))
            .bind(flag(&|r| r.a.classification.has_assumption))
            .bind(flag(&|r| r.a.classification.wants_follow_up))
            .bind(column(&|r| r.a.message_id.map(db_id)))
            .bind(column(&|r| r.a.interaction_id.map(db_id)))
            .bind(column(&|r| Some(ms(r.a.created_at))))
            .bind(text(&|r| r.a.classification.reach.as_str().into()))
            .fetch_all(self)
            .await
    }

    async fn insert_follow_ups(&mut self, fs: &[(NewFollowUp, Timestamp)]) -> Result<Vec<(i64, i64)>> {
        let sql = format!(
            "INSERT INTO follow_ups ({FOLLOW_UP_COLUMNS}, status) SELECT *, 'open' FROM UNNEST($1::bigint[], \
            $2::bigint[], $3::bigint[], $4::text[], $5::bigint[], $6::bigint[], $7::text[], $8::bigint[], $9::text[]) \
            RETURNING answer_id, id"
        );
        let column = |f: &dyn Fn(&NewFollowUp) -> Option<i64>| fs.iter().map(|(x, _)| f(x)).collect::<Vec<_>>();
        sqlx::query_as(&sql)
            .bind(column(&|f| Some(db_id(f.guild_id))))
            .bind(column(&|f| f.answer_id))
            .bind(column(&|f| f.meeting_id))
            .bind(fs.iter().map(|(f, _)| f.text.clone()).collect::<Vec<_>>())
            .bind(column(&|f| f.owner_id.map(db_id)))
            .bind(column(&|f| Some(db_id(f.created_by))))
            .bind(fs.iter().map(|(f, _)| f.due_date.map(|d| d.to_string())).collect::<Vec<_>>())
            .bind(fs.iter().map(|(_, at)| ms(*at)).collect::<Vec<_>>())
            .bind(fs.iter().map(|(f, _)| f.customer.clone()).collect::<Vec<_>>())
            .fetch_all(self)
            .await
    }

    async fn take_early_removals(&mut self, rs: &[&ReactionEvent]) -> Result<Vec<(ReactionKey, i64)>> {
        static SQL: OnceLock<String> = OnceLock::new();
        let sql = SQL.get_or_init(|| postgres_reactions(reactions::TAKE_EARLY_REMOVALS, false));
        let rows: Vec<(i64, i64, String, i64)> =
            bind_postgres_reactions(sqlx::query_as(sql), rs).fetch_all(self).await?;
        Ok(rows.into_iter().map(|(m, u, e, at)| ((m, u, e), at)).collect())
    }

    async fn insert_reactions(&mut self, rs: &[&ReactionEvent], removed: &[Option<i64>]) -> Result<Vec<ReactionKey>> {
        static SQL: OnceLock<String> = OnceLock::new();
        let sql = SQL.get_or_init(|| postgres_reactions(reactions::INSERT, true));
        bind_postgres_reactions(sqlx::query_as(sql), rs).bind(removed).fetch_all(self).await
    }
}

/// Binds a PostgreSQL batch of reactions, one array a column.
fn bind_postgres_reactions<'q, O>(
    q: sqlx::query::QueryAs<'q, sqlx::Postgres, O, sqlx::postgres::PgArguments>,
    rs: &[&'q ReactionEvent],
) -> sqlx::query::QueryAs<'q, sqlx::Postgres, O, sqlx::postgres::PgArguments> {
    let ids = |f: fn(&ReactionEvent) -> i64| rs.iter().map(|r| f(r)).collect::<Vec<i64>>();
    q.bind(ids(|r| db_id(r.guild_id)))
        .bind(ids(|r| db_id(r.channel_id)))
        .bind(ids(|r| db_id(r.message_id)))
        .bind(ids(|r| db_id(r.user_id)))
        .bind(rs.iter().map(|r| r.emoji.as_str()).collect::<Vec<&str>>())
        .bind(ids(|r| ms(r.at)))
        .bind(ids(removal_cutoff))
}

/// Logs reactions on `conn` (inside a transaction): two statements per
/// `MAX_ROWS`. Whether each was logged (a replayed add of a live
/// reaction is not); of two copies of one in a batch, the first is.
async fn log_reactions(conn: &mut impl BatchSql, rs: &[&ReactionEvent]) -> Result<Vec<bool>> {
    let mut logged = Vec::with_capacity(rs.len());
    for chunk in rs.chunks(MAX_ROWS) {
        let mut removals: HashMap<ReactionKey, i64> = conn.take_early_removals(chunk).await?.into_iter().collect();
        let removed: Vec<Option<i64>> = chunk.iter().map(|r| removals.remove(&reaction_key(r))).collect();
        let mut inserted: HashMap<ReactionKey, usize> = HashMap::new();
        for key in conn.insert_reactions(chunk, &removed).await? {
            *inserted.entry(key).or_default() += 1;
        }
        logged.extend(chunk.iter().map(|r| match inserted.get_mut(&reaction_key(r)) {
            Some(n) if *n > 0 => {
                *n -= 1;
                true
            }
            _ => false,
        }));
    }
    Ok(logged)
}

/// Which answers of a batch to insert: a second copy of the same event,
/// or of the same form answer, is left out (it would be a duplicate).
fn firsts(answers: &[&NewAnswer]) -> Vec<bool> {
    let mut events = HashSet::new();
    let mut forms = HashSet::new();
    answers
        .iter()
        .map(|a| {
            let event = key_of(a).is_none_or(|k| events.insert(k));
            // Anonymous answers share one author: two people may say the same.
            let form =
                a.via != Via::Modal || a.user_id == ANONYMOUS || forms.insert((a.user_id, a.to, a.body.as_str()));
            event && form
        })
        .collect()
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
        customer: spec.customer.clone(),
    })
}

/// Whether an answer, once logged, may validate challenges: a thread
/// reply with evidence.
fn validates(a: &NewAnswer) -> bool {
    a.via == Via::Thread && a.classification.has_evidence
}

/// Logs answers and the follow-ups they ask for on `conn` (inside a
/// transaction, unless `alone`: see [`one_statement`]): one statement per
/// `MAX_ROWS` answers, one for their follow-ups. Each answer's ids, or
/// `None` where it was logged before.
async fn insert_answers(
    conn: &mut impl BatchSql,
    answers: &[&NewAnswer],
    alone: bool,
) -> Result<Vec<Option<AnswerIds>>> {
    let take = firsts(answers);
    let keyed: Vec<Row> =
        answers.iter().zip(&take).filter(|(a, take)| **take && key_of(a).is_some()).map(|(a, _)| Row::of(a)).collect();
    let mut inserted = HashMap::new();
    for chunk in keyed.chunks(MAX_ROWS) {
        let rows = conn.insert_answers(chunk, chunk.iter().any(|r| validates(r.a)), alone).await?;
        inserted
            .extend(rows.into_iter().filter_map(|(id, message, interaction)| Some((key(message, interaction)?, id))));
    }
    let mut ids: Vec<Option<AnswerIds>> = Vec::with_capacity(answers.len());
    for (a, take) in answers.iter().zip(&take) {
        let id = match key_of(a) {
            _ if !take => None,
            Some(k) => inserted.get(&k).copied(),
            // No source to match a returned row by: a statement of its own.
            None => conn.insert_answers(&[Row::of(a)], validates(a), false).await?.first().map(|(id, ..)| *id),
        };
        ids.push(id.map(|answer| AnswerIds { answer, follow_up: None }));
    }
    let asked: Vec<(NewFollowUp, Timestamp)> = answers
        .iter()
        .zip(&ids)
        .filter_map(|(a, id)| Some((follow_up_of(a, id.as_ref()?.answer)?, a.created_at)))
        .collect();
    if !asked.is_empty() {
        let follow_ups: HashMap<i64, i64> = conn.insert_follow_ups(&asked).await?.into_iter().collect();
        for id in ids.iter_mut().flatten() {
            id.follow_up = follow_ups.get(&id.answer).copied();
        }
        // Each name once, from its first follow-up of the batch on.
        let mut naming: std::collections::BTreeMap<(u64, &str), (i64, i64)> = Default::default();
        for (f, at) in &asked {
            let id = f.answer_id.and_then(|answer| follow_ups.get(&answer));
            if let (Some(name), Some(&id)) = (&f.customer, id) {
                let first = naming.entry((f.guild_id, name.as_str())).or_insert((id, ms(*at)));
                first.0 = first.0.min(id);
            }
        }
        for ((guild, name), (from, at)) in naming {
            conn.link_follow_ups(db_id(guild), from, name, at).await?;
        }
    }
    let links: Vec<(i64, i64, i64)> = answers
        .iter()
        .zip(&ids)
        .filter_map(|(a, id)| Some((a, id.as_ref()?.answer)))
        .flat_map(|(a, id)| a.customers.iter().map(move |c| (db_id(a.guild_id), id, *c)))
        .collect();
    if !links.is_empty() {
        conn.link_answers(&links).await?;
    }
    Ok(ids)
}

/// Whether a batch is one statement: answers only, with no follow-up
/// and a source each, no more than one statement takes. It is then
/// written in one trip to the database, with no transaction around it
/// (PostgreSQL commits a lone statement; SQLite's call carries its own
/// BEGIN and COMMIT).
fn one_statement(answers: &[&NewAnswer], reactions: &[&ReactionEvent]) -> bool {
    reactions.is_empty()
        && answers.len() <= MAX_ROWS
        && answers.iter().all(|a| key_of(a).is_some() && a.follow_up.is_none() && a.customers.is_empty())
}

impl Pool {
    /// Writes answers (with their follow-ups and tallies) and reactions in
    /// one transaction; each answer's ids (or `None`: logged before) and
    /// whether each reaction was logged.
    pub(super) async fn write_batch(
        &self,
        answers: &[&NewAnswer],
        reactions: &[&ReactionEvent],
    ) -> Result<(Vec<Option<AnswerIds>>, Vec<bool>)> {
        if one_statement(answers, reactions) {
            return on_pool!(@pool self, p => {
                let mut conn = p.acquire().await?;
                Ok((insert_answers(&mut *conn, answers, true).await?, vec![]))
            });
        }
        // Never in autocommit on SQLite: sqlx-sqlite drops the error of
        // the implicit COMMIT after a RETURNING row (a full disk would
        // then look like success).
        on_pool!(@pool self, p => {
            let mut tx = p.begin().await?;
            let ids = insert_answers(&mut *tx, answers, false).await?;
            let logged = if reactions.is_empty() { vec![] } else { log_reactions(&mut *tx, reactions).await? };
            tx.commit().await?;
            Ok((ids, logged))
        })
    }
}
