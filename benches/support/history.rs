//! A year of a 200-person organisation in one guild (about 1M answers,
//! 20k meetings, 100k reactions, 10k follow-ups), generated inside the
//! database: the history the summary and pages benchmarks run against.

pub const GUILD: i64 = 1;
pub const WEEKS: i64 = 52;
pub const ANSWERS_PER_WEEK: i64 = 19_231;
pub const MEETINGS_PER_WEEK: i64 = 385;
pub const REACTIONS_PER_WEEK: i64 = 1_923;
pub const POSTS_PER_WEEK: i64 = 10;
pub const WEEK_MS: i64 = 7 * 24 * 3600 * 1000;

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
        fill_sql(ANSWERS_PER_WEEK / 100, "INSERT INTO follow_ups (guild_id, body, owner_id, created_by, status, created_at, done_at) \
            SELECT 1, 'call them', i % 200, i % 200, CASE WHEN i % 3 = 0 THEN 'open' ELSE 'done' END, \
            $1 + (i / 192) * $2, CASE WHEN i % 3 = 0 THEN NULL ELSE $1 + (i / 192) * $2 + 86400000 END FROM n"),
    ];
    // The recursive generator goes deep; run it through sqlx directly.
    // Then count the answers as the writer would have.
    let recount = || async {
        let store = store::Store::connect(url).await.unwrap();
        store.recount_tallies().await.unwrap();
        store.close().await;
    };
    if url.starts_with("sqlite:") {
        let pool = sqlx::SqlitePool::connect(url).await.unwrap();
        for sql in &statements {
            sqlx::query(sql).bind(base_ms).bind(WEEK_MS).bind(from_week).bind(to_week).execute(&pool).await.unwrap();
        }
        recount().await;
        sqlx::query("ANALYZE").execute(&pool).await.unwrap();
        pool.close().await;
    } else {
        let pool = sqlx::PgPool::connect(url).await.unwrap();
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
