//! A year of a 200-person organisation in one guild (about 1M answers,
//! 20k meetings, 100k reactions, 10k follow-ups, 10k customers named by
//! one answer in five and giving 10k scores), generated inside the
//! database: the history the summary and pages benchmarks run against.

pub const GUILD: i64 = 1;
pub const WEEKS: i64 = 52;
pub const ANSWERS_PER_WEEK: i64 = 19_231;
pub const MEETINGS_PER_WEEK: i64 = 385;
pub const REACTIONS_PER_WEEK: i64 = 1_923;
pub const POSTS_PER_WEEK: i64 = 10;
pub const WEEK_MS: i64 = 7 * 24 * 3600 * 1000;
pub const CUSTOMERS: i64 = 10_000;
pub const SCORES_PER_WEEK: i64 = 192;

/// The guild's customers, each with its name as its one match key.
fn customers_sql() -> [String; 2] {
    let n = format!("WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < {CUSTOMERS})");
    [
        format!(
            "{n} INSERT INTO customers (id, guild_id, name, segment, weight, created_at) \
            SELECT i + 1, 1, 'Customer ' || i, CASE i % 3 WHEN 0 THEN 'smb' WHEN 1 THEN 'enterprise' ELSE NULL END, \
            CASE WHEN i % 2 = 0 THEN 1000 + i ELSE NULL END, $1 FROM n"
        ),
        format!(
            "{n} INSERT INTO customer_names (guild_id, match_key, customer_id, name) \
            SELECT 1, 'customer ' || i, i + 1, 'Customer ' || i FROM n"
        ),
    ]
}

/// Rows `$3 * per_week .. $4 * per_week`, generated in the database.
fn fill_sql(per_week: i64, insert: &str) -> String {
    format!(
        "WITH RECURSIVE n(i) AS (SELECT $3 * {per_week} UNION ALL SELECT i + 1 FROM n WHERE i + 1 < $4 * {per_week}) {insert}"
    )
}

pub async fn fill(url: &str, base_ms: i64, from_week: i64, to_week: i64) {
    let statements = [
        fill_sql(POSTS_PER_WEEK, "INSERT INTO insight_posts (id, guild_id, channel_id, local_date, kind, insight_id, nonce, message_id, claimed_at) \
            SELECT i + 1, 1, 10 + i % 2, 'w' || i, 'manual', 1, 'n' || i, 5000000000 + i, $1 + (i / 10) * $2 + (i % 10) * 3600000 FROM n"),
        fill_sql(MEETINGS_PER_WEEK, "INSERT INTO meetings (id, guild_id, channel_id, thread_id, topic, origin, opened_at) \
            SELECT i + 1, 1, 10 + i % 2, 1000000000 + i, 'topic', 'command', $1 + (i / 385) * $2 + (i % 385) * 1500000 FROM n"),
        fill_sql(ANSWERS_PER_WEEK, "INSERT INTO answers (guild_id, channel_id, user_id, meeting_id, home_channel_id, via, body, impact, \
            segments, has_evidence, has_assumption, wants_follow_up, message_id, created_at) \
            SELECT 1, 10, i % 200, (i / 19231) * 385 + i % 385 + 1, 10 + ((i / 19231) * 385 + i % 385) % 2, 'thread', \
            'Churn is 4% for #smb, see ABC-12', \
            CASE i % 4 WHEN 0 THEN 'helps' WHEN 1 THEN 'hurts' WHEN 2 THEN 'neutral' ELSE 'unknown' END, \
            CASE i % 3 WHEN 0 THEN 'smb' WHEN 1 THEN 'enterprise' ELSE '' END, i % 2 = 0, i % 3 = 0, i % 100 = 0, \
            2000000000 + i, $1 + (i / 19231) * $2 + (i % 19231) * 31000 FROM n"),
        fill_sql(REACTIONS_PER_WEEK, "INSERT INTO reactions (guild_id, channel_id, message_id, user_id, emoji, post_id, added_at) \
            SELECT 1, 10, 5000000000 + (i / 1923) * 10 + i % 10, i % 200, 'e' || i, (i / 1923) * 10 + i % 10 + 1, \
            $1 + (i / 1923) * $2 + (i % 1923) * 300000 FROM n"),
        fill_sql(ANSWERS_PER_WEEK / 100, "INSERT INTO follow_ups (guild_id, body, owner_id, created_by, status, created_at, done_at, \
            customer, customer_id) \
            SELECT 1, 'call them', i % 200, i % 200, CASE WHEN i % 3 = 0 THEN 'open' ELSE 'done' END, \
            $1 + (i / 192) * $2, CASE WHEN i % 3 = 0 THEN NULL ELSE $1 + (i / 192) * $2 + 86400000 END, \
            'Customer ' || ((i * 7919) % 10000), (i * 7919) % 10000 + 1 FROM n"),
        // One answer in five names a customer (answer ids follow the
        // generated order: the answers table starts empty).
        fill_sql(ANSWERS_PER_WEEK / 5, "INSERT INTO answer_customers (guild_id, answer_id, customer_id) \
            SELECT 1, i * 5 + 1, (i * 7919) % 10000 + 1 FROM n"),
        // Scores on one day: what a customer page reads, not when.
        fill_sql(SCORES_PER_WEEK, "INSERT INTO outcomes (guild_id, kind, score, day, import_key, created_at, customer_id) \
            SELECT 1, 'nps', i % 11, '2026-01-01', 'k' || i, $1 + (i / 192) * $2, (i * 7919) % 10000 + 1 FROM n"),
    ];
    // The recursive generator goes deep; run it through sqlx directly.
    // Then count the answers as the writer would have.
    let recount = || async {
        let store = store::Store::connect(url).await.unwrap();
        store.recount_tallies().await.unwrap();
        store.close().await;
    };
    let customers = if from_week == 0 { customers_sql().to_vec() } else { vec![] };
    if url.starts_with("sqlite:") {
        let pool = sqlx::SqlitePool::connect(url).await.unwrap();
        for sql in &customers {
            sqlx::query(sql).bind(base_ms).execute(&pool).await.unwrap();
        }
        for sql in &statements {
            sqlx::query(sql).bind(base_ms).bind(WEEK_MS).bind(from_week).bind(to_week).execute(&pool).await.unwrap();
        }
        recount().await;
        sqlx::query("ANALYZE").execute(&pool).await.unwrap();
        pool.close().await;
    } else {
        let pool = sqlx::PgPool::connect(url).await.unwrap();
        for sql in &customers {
            sqlx::query(sql).bind(base_ms).execute(&pool).await.unwrap();
        }
        for sql in &statements {
            sqlx::query(sql).bind(base_ms).bind(WEEK_MS).bind(from_week).bind(to_week).execute(&pool).await.unwrap();
        }
        recount().await;
        // As autovacuum does after a bulk load: statistics, and the
        // visibility map that lets a scan read an index alone.
        sqlx::query("VACUUM ANALYZE").execute(&pool).await.unwrap();
        pool.close().await;
    }
}
