//! All SQL lives here. One `Store` over SQLite (the embedded default) or
//! PostgreSQL (shared by many processes). Each query is written once, in
//! the dialect both accept (`$1` placeholders, `ON CONFLICT`,
//! `RETURNING`, `FILTER`), and compiled for both pools by `on_pool!`.

mod answers;
mod api_tokens;
mod batch;
mod challenges;
mod customer_week;
mod customers;
mod explore;
mod follow_ups;
mod guilds;
mod insights;
mod meetings;
mod posts;
mod privacy;
mod reactions;
mod report;
mod sign_in;
mod tallies;
mod timeline;
mod writer;

use std::str::FromStr;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use jiff::Timestamp;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};

pub use batch::SQLITE_WRITER_SETUP;
pub use customers::{customers_added, Linked, RELINK_STEP};
pub use insights::LibrarySync;
pub use privacy::{Forget, GUILD_TABLES, PERSON_COLUMNS};
pub use sign_in::Holder;

pub type Result<T> = std::result::Result<T, sqlx::Error>;

#[derive(Clone, Debug)]
enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs `$body` with `$pool` bound to whichever pool the store holds
/// (or, after `@pool`, the given `&Pool`).
macro_rules! on_pool {
    (@pool $of:expr, $pool:ident => $body:expr) => {
        match $of {
            $crate::Pool::Sqlite($pool) => $body,
            $crate::Pool::Postgres($pool) => $body,
        }
    };
    ($store:expr, $pool:ident => $body:expr) => {
        $crate::on_pool!(@pool &$store.pool, $pool => $body)
    };
}
pub(crate) use on_pool;

#[derive(Clone, Debug)]
pub struct Store {
    pool: Pool,
    /// Groups concurrent answer and reaction writes into shared transactions.
    writer: writer::Writer,
    /// The fault its SQLite connections are given (tests only).
    #[cfg(feature = "testing")]
    fault: Arc<AtomicU8>,
}

/// A fault a test inflicts on a SQLite store, without root: SQLite's
/// limits are per connection, so it is applied to each connection as the
/// pool hands it out. Only with the `testing` feature.
#[cfg(feature = "testing")]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SqliteFault {
    None = 0,
    /// Writes that need a new page fail with SQLITE_FULL.
    DiskFull = 1,
    /// Every write fails with SQLITE_READONLY.
    ReadOnly = 2,
}

/// The PostgreSQL advisory lock key migrations take turns on ("adv").
const MIGRATION_LOCK: i64 = 0x0061_6476;

/// Held while this process migrates; dropping it lets the next one in.
enum MigrationTurn {
    None,
    /// The lock ends with the connection.
    Postgres(#[allow(dead_code)] sqlx::PgConnection),
    /// The lock ends when the file closes.
    Sqlite(#[allow(dead_code)] std::fs::File),
}

/// No fault was ever set: connections are left alone.
const NEVER_FAULTED: u8 = u8::MAX;

/// Whether a failed database call may succeed if tried again later: the
/// database is locked, full, read-only or unreachable, not the request wrong.
pub fn is_transient(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Io(_) | sqlx::Error::Tls(_) | sqlx::Error::PoolTimedOut | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Protocol(_) => true,
        sqlx::Error::Database(e) => {
            let code = e.code().unwrap_or_default();
            if e.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
                // Primary result codes: BUSY, LOCKED, READONLY, IOERR, FULL, CANTOPEN.
                let primary = code.parse::<i32>().unwrap_or(0) & 0xff;
                matches!(primary, 5 | 6 | 8 | 10 | 13 | 14)
            } else {
                // Connection exceptions, shutdowns, no resources, and
                // conflicts that PostgreSQL asks the client to retry.
                ["08", "53", "57P", "58", "40001", "40P01", "25006"].iter().any(|p| code.starts_with(p))
            }
        }
        _ => false,
    }
}

/// Whether an error, anywhere in its chain, is a transient database
/// failure: what the callers above the store retry.
pub fn is_transient_error(error: &anyhow::Error) -> bool {
    error.chain().any(|e| e.downcast_ref::<sqlx::Error>().is_some_and(is_transient))
}

/// Discord snowflakes are u64; both databases hold i64. The cast keeps
/// every bit, so the round trip is lossless for any id.
pub(crate) fn db_id(id: u64) -> i64 {
    id as i64
}

pub(crate) fn from_db_id(id: i64) -> u64 {
    id as u64
}

/// An update that must hit exactly one row: anything else is an error,
/// never a silent no-op.
fn one_row(affected: u64) -> Result<()> {
    match affected {
        1 => Ok(()),
        _ => Err(sqlx::Error::RowNotFound),
    }
}

/// A list stored as comma-separated text (segments, tags), read back.
fn split_list(stored: &str) -> Vec<String> {
    stored.split(',').filter(|s| !s.is_empty()).map(str::to_string).collect()
}

pub(crate) fn ms(at: Timestamp) -> i64 {
    at.as_millisecond()
}

pub(crate) fn from_ms(ms: i64) -> Timestamp {
    Timestamp::from_millisecond(ms).unwrap_or(Timestamp::UNIX_EPOCH)
}

async fn apply_fault(conn: &mut sqlx::SqliteConnection, fault: Arc<AtomicU8>) -> Result<()> {
    use sqlx::Executor as _;
    let (pages, read_only) = match fault.load(Ordering::SeqCst) {
        NEVER_FAULTED => return Ok(()),
        1 => (1, 0), // SQLite raises a limit below the file's size to its size
        2 => (u32::MAX - 1, 1),
        _ => (u32::MAX - 1, 0),
    };
    conn.execute(format!("PRAGMA max_page_count = {pages}; PRAGMA query_only = {read_only}").as_str()).await?;
    Ok(())
}

/// A SQLite pool of `connections`, each made ready by `setup` (SQL) if any, that
/// applies the test's `fault` to each connection as it is handed out.
async fn sqlite_pool(
    options: SqliteConnectOptions,
    connections: u32,
    setup: Option<&'static str>,
    fault: Arc<AtomicU8>,
) -> Result<SqlitePool> {
    use sqlx::Executor as _;
    let on_acquire = fault.clone();
    SqlitePoolOptions::new()
        .max_connections(connections)
        // A SQLite connection is a file handle: nothing to ping.
        .test_before_acquire(false)
        .after_connect(move |c, _| {
            let fault = fault.clone();
            Box::pin(async move {
                if let Some(setup) = setup {
                    c.execute(setup).await?;
                }
                apply_fault(c, fault).await
            })
        })
        .before_acquire(move |c, _| {
            let fault = on_acquire.clone();
            Box::pin(async move { apply_fault(c, fault).await.map(|()| true) })
        })
        .connect_with(options)
        .await
}

/// The file part of a `sqlite:` URL (`None` for another database).
pub fn sqlite_file(url: &str) -> Option<&str> {
    let rest = url.strip_prefix("sqlite:")?;
    let rest = rest.strip_prefix("//").unwrap_or(rest);
    Some(rest.split('?').next().unwrap_or("").trim())
}

/// Hides the password in a database URL before it is shown or logged:
/// in the user part (`user:secret@`) and as a `password=` parameter.
pub fn redact_url(url: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let base = match (base.find("://"), base.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => match base[scheme + 3..at].split_once(':') {
            Some((user, _)) => format!("{}{user}:***{}", &base[..scheme + 3], &base[at..]),
            None => base.to_string(),
        },
        _ => base.to_string(),
    };
    let Some(query) = query else { return base };
    let params: Vec<String> = query
        .split('&')
        .map(|p| match p.split_once('=') {
            Some((key, _)) if key.eq_ignore_ascii_case("password") => format!("{key}=***"),
            _ => p.to_string(),
        })
        .collect();
    format!("{base}?{}", params.join("&"))
}

/// The statements run for gateway events and scheduler ticks, by name:
/// each must find its rows through an index whatever the history's size
/// or the number of guilds (tests check the SQLite plans).
pub fn per_event_queries() -> Vec<(&'static str, String)> {
    vec![
        ("log answers", batch::sqlite_insert(1).0.into()),
        ("count new answers", tallies::add(batch::SQLITE_BATCH_ANSWERS)),
        ("edit an answer", answers::EDIT.into()),
        ("remember a deletion", answers::REMEMBER_DELETION.into()),
        ("delete an answer", answers::DELETE.into()),
        ("a thread's meeting", meetings::by_thread()),
        ("log reactions", batch::sqlite_reactions(1)[1].0.into()),
        ("take early removals", batch::sqlite_reactions(1)[0].0.into()),
        ("remove a reaction", reactions::REMOVE.into()),
        ("remember an early removal", reactions::REMEMBER_REMOVAL.into()),
        ("a post in flight", posts::IN_FLIGHT.into()),
        ("guilds whose daily post is due", guilds::due_guilds_sql(domain::calendar::Scheduled::DailyPost)),
        ("guilds whose summary is due", guilds::due_guilds_sql(domain::calendar::Scheduled::Summary)),
        ("follow-ups to remind", follow_ups::UNREMINDED.into()),
        ("customers waiting on follow-ups", follow_ups::WAITING.into()),
        ("validate challenges by reply", batch::validate_sql(&batch::sqlite_new_answers())),
        ("daily posts not confirmed sent", posts::unfinished_sql()),
    ]
}

impl Store {
    /// Connects to `sqlite:PATH` (created if missing) or `postgres://…`.
    pub async fn connect(url: &str) -> anyhow::Result<Store> {
        let shown = redact_url(url);
        let fault = Arc::new(AtomicU8::new(NEVER_FAULTED));
        let (pool, writer_pool) = if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)
                .with_context(|| format!("DATABASE_URL `{shown}` is not a valid SQLite URL; write sqlite:advocate.db"))?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10));
            let pool = sqlite_pool(options.clone(), 4, None, fault.clone()).await.with_context(|| format!("cannot open the SQLite database `{shown}` (DATABASE_URL): check that its folder exists and is writable"))?;
            // The answer writer keeps one connection of its own, so its
            // page cache stays warm between batches, and keeps a batch's
            // statement journal in memory rather than in a temporary file
            // (its batches are small; the readers' sorts may be large).
            let writer = options.pragma("temp_store", "memory");
            let writer = sqlite_pool(writer, 1, Some(batch::SQLITE_WRITER_SETUP), fault.clone()).await?;
            (Pool::Sqlite(pool), Pool::Sqlite(writer))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let options = PgConnectOptions::from_str(url).with_context(|| {
                format!("DATABASE_URL `{shown}` is not a valid PostgreSQL URL; write postgres://user@host:5432/dbname")
            })?;
            let pool = PgPoolOptions::new()
                .max_connections(10)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(options.clone())
                .await
                .with_context(|| format!("cannot reach PostgreSQL at `{shown}` (DATABASE_URL): check that the server runs and the URL, user and database are right"))?;
            // The answer writer runs the same few statements all day, on a
            // connection of its own: one generic plan each, not a fresh
            // plan per batch (planning cost more than running). Their use
            // of indexes is checked by the store benchmark at a million
            // meetings.
            let writer = PgPoolOptions::new()
                .max_connections(1)
                .acquire_timeout(Duration::from_secs(10))
                .connect_lazy_with(options.options([("plan_cache_mode", "force_generic_plan")]));
            (Pool::Postgres(pool), Pool::Postgres(writer))
        } else {
            anyhow::bail!("DATABASE_URL `{shown}` must start with sqlite: or postgres://, e.g. sqlite:advocate.db");
        };
        Ok(Store {
            writer: writer::Writer::spawn(writer_pool),
            pool,
            #[cfg(feature = "testing")]
            fault,
        })
    }

    /// Opens a database that must exist and be up to date, for a command
    /// that only reads: it is never created or migrated here, and works
    /// with a role that may only SELECT.
    pub async fn open_existing(url: &str) -> anyhow::Result<Store> {
        if let Some(path) = sqlite_file(url).filter(|p| *p != ":memory:") {
            if !std::path::Path::new(path).is_file() {
                anyhow::bail!(
                    "there is no database at {path} (DATABASE_URL); start the bot once or run `advocate migrate` to create it"
                );
            }
        }
        let store = Store::connect(url).await?;
        store.check_schema().await?;
        Ok(store)
    }

    /// Tests: makes the SQLite database full or read-only for this
    /// store's connections, or clears that again.
    #[cfg(feature = "testing")]
    pub fn inflict(&self, fault: SqliteFault) {
        self.fault.store(fault as u8, Ordering::SeqCst);
    }

    pub fn backend(&self) -> &'static str {
        match self.pool {
            Pool::Sqlite(_) => "sqlite",
            Pool::Postgres(_) => "postgres",
        }
    }

    /// Applies pending migrations; returns how many this call applied.
    /// Safe to repeat and to run from several processes at once: they take
    /// turns (a PostgreSQL advisory lock, a lock file beside a SQLite
    /// database), so each reports only its own work.
    pub async fn migrate(&self) -> anyhow::Result<usize> {
        let _turn = self.migration_turn().await?;
        let before = self.applied_migrations().await;
        let result = match &self.pool {
            Pool::Sqlite(pool) => sqlx::migrate!("../../migrations/sqlite").run(pool).await,
            Pool::Postgres(pool) => sqlx::migrate!("../../migrations/postgres").run(pool).await,
        };
        result.context("applying database migrations failed")?;
        Ok(self.applied_migrations().await.saturating_sub(before))
    }

    /// Waits until no other process migrates this database.
    async fn migration_turn(&self) -> anyhow::Result<MigrationTurn> {
        match &self.pool {
            Pool::Postgres(pool) => {
                let mut conn = pool.acquire().await?.detach();
                sqlx::query("SELECT pg_advisory_lock($1)").bind(MIGRATION_LOCK).execute(&mut conn).await?;
                Ok(MigrationTurn::Postgres(conn))
            }
            Pool::Sqlite(pool) => {
                let path = pool.connect_options().get_filename().to_path_buf();
                if path.as_os_str().is_empty() || path == std::path::Path::new(":memory:") {
                    return Ok(MigrationTurn::None);
                }
                let lock = path.with_extension("migrating");
                let file = tokio::task::spawn_blocking(move || -> std::io::Result<std::fs::File> {
                    let file = std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(&lock)?;
                    file.lock()?;
                    Ok(file)
                })
                .await?
                .context("cannot take the migration lock beside the SQLite database")?;
                Ok(MigrationTurn::Sqlite(file))
            }
        }
    }

    /// Checks that the database was migrated by this version: a read-only
    /// command neither creates nor migrates it, so it says what to do.
    pub async fn check_schema(&self) -> anyhow::Result<()> {
        let known = match &self.pool {
            Pool::Sqlite(_) => sqlx::migrate!("../../migrations/sqlite").iter().count(),
            Pool::Postgres(_) => sqlx::migrate!("../../migrations/postgres").iter().count(),
        };
        let applied = self.applied_migrations().await;
        match applied.cmp(&known) {
            std::cmp::Ordering::Equal => Ok(()),
            std::cmp::Ordering::Less => anyhow::bail!(
                "the database has {applied} of this version's {known} migrations; run `advocate migrate` (or start the bot) first"
            ),
            std::cmp::Ordering::Greater => anyhow::bail!(
                "the database is newer than this advocate ({applied} migrations, this version knows {known}); upgrade advocate"
            ),
        }
    }

    async fn applied_migrations(&self) -> usize {
        let sql = "SELECT COUNT(*) FROM _sqlx_migrations WHERE success";
        let count: Result<i64> = on_pool!(self, p => sqlx::query_scalar(sql).fetch_one(p).await);
        count.map_or(0, |n| n as usize)
    }

    /// A trivial query: whether the database answers at all.
    pub async fn ping(&self) -> Result<()> {
        on_pool!(self, p => sqlx::query("SELECT 1").execute(p).await.map(|_| ()))
    }

    pub async fn close(&self) {
        on_pool!(self, p => p.close().await);
        self.writer.close().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snowflakes_round_trip_without_loss() {
        for id in [0, 1, 175928847299117063, i64::MAX as u64, i64::MAX as u64 + 1, u64::MAX] {
            assert_eq!(from_db_id(db_id(id)), id);
        }
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(redact_url("postgres://bot:s3cret@db:5432/adv"), "postgres://bot:***@db:5432/adv");
        assert_eq!(redact_url("postgres://bot@db/adv"), "postgres://bot@db/adv");
        assert_eq!(redact_url("sqlite:advocate.db"), "sqlite:advocate.db");
        assert_eq!(
            redact_url("postgres://bot@db/adv?sslmode=require&password=s3cret"),
            "postgres://bot@db/adv?sslmode=require&password=***"
        );
        assert_eq!(redact_url("postgres://bot:a@b@db/adv?password=x"), "postgres://bot:***@db/adv?password=***");
    }
}
