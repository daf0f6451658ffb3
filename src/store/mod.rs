//! All SQL lives here. One `Store` over SQLite (the embedded default) or
//! PostgreSQL (shared by many processes). Each query is written once, in
//! the dialect both accept (`$1` placeholders, `ON CONFLICT`,
//! `RETURNING`, `FILTER`), and compiled for both pools by `on_pool!`.

mod answers;
mod follow_ups;
mod guilds;
mod insights;
mod meetings;
mod posts;
mod privacy;
mod reactions;
mod report;

use std::str::FromStr;
use std::time::Duration;

use anyhow::Context as _;
use jiff::Timestamp;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};

pub use insights::LibrarySync;
pub use privacy::{Forget, Forgotten, PersonalData, GUILD_TABLES, PERSON_COLUMNS};
pub use report::WeekScope;

pub type Result<T> = std::result::Result<T, sqlx::Error>;

#[derive(Clone, Debug)]
enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs `$body` with `$pool` bound to whichever pool the store holds.
macro_rules! on_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match &$store.pool {
            $crate::store::Pool::Sqlite($pool) => $body,
            $crate::store::Pool::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_pool;

#[derive(Clone, Debug)]
pub struct Store {
    pool: Pool,
    /// Groups concurrent answer writes into shared transactions.
    writer: Option<answers::AnswerWriter>,
}

/// Discord snowflakes are u64; both databases hold i64. The cast keeps
/// every bit, so the round trip is lossless for any id.
pub(crate) fn db_id(id: u64) -> i64 {
    id as i64
}

pub(crate) fn from_db_id(id: i64) -> u64 {
    id as u64
}

pub(crate) fn ms(at: Timestamp) -> i64 {
    at.as_millisecond()
}

pub(crate) fn from_ms(ms: i64) -> Timestamp {
    Timestamp::from_millisecond(ms).unwrap_or(Timestamp::UNIX_EPOCH)
}

/// Hides the password in a database URL before it is shown or logged.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

impl Store {
    /// Connects to `sqlite:PATH` (created if missing) or `postgres://…`.
    pub async fn connect(url: &str) -> anyhow::Result<Store> {
        let shown = redact_url(url);
        let pool = if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)
                .with_context(|| format!("DATABASE_URL `{shown}` is not a valid SQLite URL; write sqlite:advocate.db"))?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10));
            let pool = SqlitePoolOptions::new()
                .max_connections(4)
                .connect_with(options)
                .await
                .with_context(|| format!("cannot open the SQLite database `{shown}` (DATABASE_URL): check that its folder exists and is writable"))?;
            Pool::Sqlite(pool)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let options = PgConnectOptions::from_str(url).with_context(|| {
                format!("DATABASE_URL `{shown}` is not a valid PostgreSQL URL; write postgres://user@host:5432/dbname")
            })?;
            let pool = PgPoolOptions::new()
                .max_connections(10)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(options)
                .await
                .with_context(|| format!("cannot reach PostgreSQL at `{shown}` (DATABASE_URL): check that the server runs and the URL, user and database are right"))?;
            Pool::Postgres(pool)
        } else {
            anyhow::bail!("DATABASE_URL `{shown}` must start with sqlite: or postgres://, e.g. sqlite:advocate.db");
        };
        Ok(Store { writer: Some(answers::AnswerWriter::spawn(pool.clone())), pool })
    }

    /// A store that writes each answer in its own transaction: the writer
    /// task's own handle.
    fn without_writer(pool: Pool) -> Store {
        Store { pool, writer: None }
    }

    pub fn backend(&self) -> &'static str {
        match self.pool {
            Pool::Sqlite(_) => "sqlite",
            Pool::Postgres(_) => "postgres",
        }
    }

    /// Applies pending migrations; returns how many were applied. Safe to
    /// repeat and to run from several processes at once (PostgreSQL takes
    /// an advisory lock).
    pub async fn migrate(&self) -> anyhow::Result<usize> {
        let before = self.applied_migrations().await;
        let result = match &self.pool {
            Pool::Sqlite(pool) => sqlx::migrate!("migrations/sqlite").run(pool).await,
            Pool::Postgres(pool) => sqlx::migrate!("migrations/postgres").run(pool).await,
        };
        result.context("applying database migrations failed")?;
        Ok(self.applied_migrations().await.saturating_sub(before))
    }

    async fn applied_migrations(&self) -> usize {
        let sql = "SELECT COUNT(*) FROM _sqlx_migrations WHERE success";
        let count: Result<i64> = on_pool!(self, p => sqlx::query_scalar(sql).fetch_one(p).await);
        count.map_or(0, |n| n as usize)
    }

    pub async fn close(&self) {
        on_pool!(self, p => p.close().await)
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
    }
}
