//! Test support: a fresh store per test on SQLite, and on PostgreSQL too
//! when ADVOCATE_TEST_POSTGRES_URL is set (each test in its own schema).
#![allow(dead_code)]

pub mod bot;
pub mod proxy;
pub mod team;

use std::io::Write as _;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Once;

use store::Store;

pub const POSTGRES_ENV: &str = "ADVOCATE_TEST_POSTGRES_URL";

pub struct TestStore {
    pub store: Store,
    pub backend: &'static str,
    /// Where a second process would connect.
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    Dir(#[allow(dead_code)] tempfile::TempDir),
    Schema { url: String, schema: String },
}

impl TestStore {
    /// The same database reached through `proxy` (a PostgreSQL one).
    pub async fn behind(mut self, proxy: &proxy::Proxy) -> TestStore {
        self.store.close().await;
        self.url = proxy::through(&self.url, &proxy.addr);
        self.store = Store::connect(&self.url).await.unwrap();
        self
    }

    /// Drops a PostgreSQL test schema; SQLite's folder goes on drop.
    pub async fn finish(self) {
        self.store.close().await;
        if let Cleanup::Schema { url, schema } = &self.cleanup {
            admin_sql(url, &format!("DROP SCHEMA IF EXISTS {schema} CASCADE")).await;
        }
    }
}

/// A counter's value in Prometheus text: the sample of exactly `series`
/// (name and labels), 0 when absent.
pub fn counter(metrics: &str, series: &str) -> f64 {
    let line = metrics.lines().find(|l| l.strip_prefix(series).is_some_and(|rest| rest.starts_with(' ')));
    line.and_then(|l| l.rsplit(' ').next()?.parse().ok()).unwrap_or(0.0)
}

pub async fn sqlite() -> TestStore {
    sqlite_at(None).await
}

/// A new SQLite store migrated up to `version` (all migrations if `None`).
async fn sqlite_at(version: Option<i64>) -> TestStore {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("advocate.db").display());
    let store = Store::connect(&url).await.unwrap();
    match version {
        None => drop(store.migrate().await.unwrap()),
        Some(v) => migrate_up_to(&sqlx::SqlitePool::connect(&url).await.unwrap(), "sqlite", v).await,
    }
    TestStore { store, backend: "sqlite", url, cleanup: Cleanup::Dir(dir) }
}

/// Applies the repository's migrations up to `version` only: a database as
/// an earlier release left it, to upgrade.
async fn migrate_up_to<'a, A: sqlx::Acquire<'a>>(pool: A, backend: &str, version: i64)
where
    <A::Connection as std::ops::Deref>::Target: sqlx::migrate::Migrate,
{
    let path = format!("{}/migrations/{backend}", env!("CARGO_MANIFEST_DIR"));
    let mut migrator = sqlx::migrate::Migrator::new(std::path::Path::new(&path)).await.unwrap();
    migrator.migrations =
        migrator.migrations.iter().filter(|m| m.version <= version).cloned().collect::<Vec<_>>().into();
    migrator.run(pool).await.unwrap();
}

/// A store in a new, empty PostgreSQL schema, or `None` (said once on
/// stderr, past the test harness's capture) when the URL is not set.
pub async fn postgres() -> Option<TestStore> {
    postgres_at(None).await
}

async fn postgres_at(version: Option<i64>) -> Option<TestStore> {
    static SKIPPED: Once = Once::new();
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let Ok(url) = std::env::var(POSTGRES_ENV) else {
        SKIPPED.call_once(|| {
            let _ = writeln!(
                std::io::stderr(),
                "note: {POSTGRES_ENV} is not set: the PostgreSQL runs are SKIPPED (SQLite only). \
                 Set it, e.g. to postgres://postgres@127.0.0.1:5432/test, to run them."
            );
        });
        return None;
    };
    let schema = format!("advocate_test_{}_{}", std::process::id(), NEXT.fetch_add(1, Ordering::SeqCst));
    admin_sql(&url, &format!("CREATE SCHEMA {schema}")).await;
    let sep = if url.contains('?') { '&' } else { '?' };
    let scoped = format!("{url}{sep}options=-c%20search_path%3D{schema}");
    let store = Store::connect(&scoped).await.unwrap();
    match version {
        None => drop(store.migrate().await.unwrap()),
        Some(v) => migrate_up_to(&sqlx::PgPool::connect(&scoped).await.unwrap(), "postgres", v).await,
    }
    Some(TestStore { store, backend: "postgres", url: scoped, cleanup: Cleanup::Schema { url, schema } })
}

async fn admin_sql(url: &str, sql: &str) {
    let pool = sqlx::PgPool::connect(url).await.unwrap_or_else(|e| panic!("{POSTGRES_ENV} must reach PostgreSQL: {e}"));
    sqlx::query(sql).execute(&pool).await.unwrap();
    pool.close().await;
}

/// Every backend available here: SQLite always, PostgreSQL if configured.
pub async fn stores() -> Vec<TestStore> {
    let mut stores = vec![sqlite().await];
    stores.extend(postgres().await);
    stores
}

/// Every backend available here, each migrated up to `version` only.
pub async fn stores_at(version: i64) -> Vec<TestStore> {
    let mut stores = vec![sqlite_at(Some(version)).await];
    stores.extend(postgres_at(Some(version)).await);
    stores
}

/// Runs one statement straight on the database (rows an older release wrote).
pub async fn execute(db: &TestStore, sql: &str) {
    if db.backend == "sqlite" {
        let pool = sqlx::SqlitePool::connect(&db.url).await.unwrap();
        sqlx::query(sql).execute(&pool).await.unwrap();
    } else {
        let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
        sqlx::query(sql).execute(&pool).await.unwrap();
    }
}

/// The weekly summary's headline numbers for `[start, end)`.
pub async fn headline(
    store: &Store,
    guild_id: u64,
    start: jiff::Timestamp,
    end: jiff::Timestamp,
) -> domain::summary::Headline {
    let scope = domain::query::WeekScope::new(guild_id, start, end, &domain::time::Zone::utc(), None);
    domain::summary::summarize(&store.week_data(&scope).await.unwrap()).headline
}

/// A member's suggestion (pending review) of an insight unlike any shipped.
pub async fn suggest_clinic_insight(app: &app::App, guild: u64, member: u64) -> domain::insight::Insight {
    let suggestion = app::insights::Suggestion {
        title: "Clinics print every invoice".into(),
        customer: "A dental clinic".into(),
        segment: "healthcare".into(),
        story: "They print invoices for their records.".into(),
        evidence: "Ticket 4411".into(),
        source: "support ticket".into(),
        question: "Should invoices be printable?".into(),
    };
    match app.suggest_insight(guild, member, false, &suggestion).await.unwrap() {
        app::insights::Suggested::Saved(insight) => *insight,
        app::insights::Suggested::LooksLike { look_alikes, .. } => panic!("looks like {look_alikes:?}"),
    }
}

/// (table, column) of every column of the migrated schema.
pub async fn schema_columns(db: &TestStore) -> std::collections::BTreeSet<(String, String)> {
    let rows: Vec<(String, String)> = if db.backend == "sqlite" {
        let pool = sqlx::SqlitePool::connect(&db.url).await.unwrap();
        let sql = "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p \
            WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '_sqlx%'";
        sqlx::query_as(sql).fetch_all(&pool).await.unwrap()
    } else {
        let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
        let sql = "SELECT table_name::text, column_name::text FROM information_schema.columns \
            WHERE table_schema = current_schema() AND table_name NOT LIKE '_sqlx%'";
        sqlx::query_as(sql).fetch_all(&pool).await.unwrap()
    };
    rows.into_iter().collect()
}

/// The number a `SELECT COUNT(*) …` reads, straight from the database.
pub async fn count(db: &TestStore, sql: &str) -> i64 {
    if db.backend == "sqlite" {
        let pool = sqlx::SqlitePool::connect(&db.url).await.unwrap();
        sqlx::query_scalar(sql).fetch_one(&pool).await.unwrap()
    } else {
        let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
        sqlx::query_scalar(sql).fetch_one(&pool).await.unwrap()
    }
}

/// Every (table, column) holding `needle` anywhere in its text.
pub async fn columns_holding(db: &TestStore, needle: &str) -> Vec<(String, String)> {
    let like = format!("%{needle}%");
    let count = |(table, column): &(String, String)| {
        format!("SELECT COUNT(*) FROM {table} WHERE CAST({column} AS TEXT) LIKE $1")
    };
    let mut found = Vec::new();
    let columns = schema_columns(db).await;
    if db.backend == "sqlite" {
        let pool = sqlx::SqlitePool::connect(&db.url).await.unwrap();
        for c in columns {
            let n: i64 = sqlx::query_scalar(&count(&c)).bind(&like).fetch_one(&pool).await.unwrap();
            found.extend((n > 0).then_some(c));
        }
    } else {
        let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
        for c in columns {
            let n: i64 = sqlx::query_scalar(&count(&c)).bind(&like).fetch_one(&pool).await.unwrap();
            found.extend((n > 0).then_some(c));
        }
    }
    found
}

/// `text` with Discord's ids and links replaced by placeholders, so that a
/// snapshot holds only what a person reads the same on every run.
pub fn without_ids(text: &str) -> String {
    let link = regex::Regex::new(r"https://discord\.com/channels/[0-9/]+").unwrap();
    let id = regex::Regex::new(r"[0-9]{17,20}").unwrap();
    id.replace_all(&link.replace_all(text, "<link>"), "<id>").into_owned()
}
