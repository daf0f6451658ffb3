//! Answer tallies: live answers counted by guild, UTC hour, home channel
//! and segments, so that a period's summary adds up its hours instead of
//! reading every answer. The answer writer counts what it inserts in the
//! same transaction; triggers (migration 0017) take back what an update or
//! deletion changes.

use super::{on_pool, Result, Store};

pub(super) const HOUR_MS: i64 = 3_600_000;

/// What a group of answers counts, as `answer_tallies` columns and as the
/// condition each counts on an answer `a`, in the order the summary reads them.
const COUNTS: [(&str, &str); 12] = [
    ("post_answers", "a.post_id IS NOT NULL"),
    ("with_evidence", "a.has_evidence"),
    ("with_assumption", "a.has_assumption"),
    ("helps", "a.impact = 'helps'"),
    ("hurts", "a.impact = 'hurts'"),
    ("neutral", "a.impact = 'neutral'"),
    ("unknown_impact", "a.impact = 'unknown'"),
    ("reach_one", "a.reach = 'one'"),
    ("reach_few", "a.reach = 'few'"),
    ("reach_many", "a.reach = 'many'"),
    ("reach_all", "a.reach = 'all'"),
    ("reach_unknown", "a.reach = 'unknown'"),
];

/// A tally's count columns, `answers` first, in [`counts`]' order.
fn columns() -> impl Iterator<Item = &'static str> {
    std::iter::once("answers").chain(COUNTS.map(|(column, _)| column))
}

/// `COUNT(*)` and each of [`COUNTS`] over answers `a`: a tally's counts.
fn counts() -> String {
    let each = COUNTS.map(|(_, condition)| format!("COUNT(*) FILTER (WHERE {condition})"));
    format!("COUNT(*), {}", each.join(", "))
}

/// Adds the live answers `a` of `from` (which names them `a` and ends in a
/// WHERE clause) to the answer writer's tallies (slot 0, apart from the
/// triggers' slot -1, so an edit never waits on the writer): grouped, in a
/// fixed order, so writers of two processes never deadlock.
pub(super) fn add(from: &str) -> String {
    let sums = columns().map(|c| format!("{c} = answer_tallies.{c} + excluded.{c}")).collect::<Vec<_>>().join(", ");
    format!(
        "INSERT INTO answer_tallies SELECT a.guild_id, a.created_at - a.created_at % {HOUR_MS}, \
            COALESCE(a.home_channel_id, 0), a.segments, 0, {} \
        FROM {from} AND a.deleted_at IS NULL GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4 \
        ON CONFLICT (guild_id, hour, channel_id, segments, slot) DO UPDATE SET {sums}",
        counts()
    )
}

/// Counts by segments over the whole UTC hours `[$2, $3)` of guild `$1`
/// (`$4`: one home channel, or NULL for all), added up from the tallies.
pub(super) fn tallied_groups_sql() -> String {
    let sums = columns().map(|c| format!("CAST(SUM({c}) AS BIGINT)"));
    format!(
        "SELECT segments, {} FROM answer_tallies WHERE guild_id = $1 AND hour >= $2 AND hour < $3 \
        AND ($4 IS NULL OR channel_id = $4) GROUP BY segments",
        sums.collect::<Vec<_>>().join(", ")
    )
}

/// The same counts by segments, answer by answer, over `answers_in` (see
/// [`super::report::answers_in`]): for the part of an hour at either end
/// of a period.
pub(super) fn counted_groups_sql(answers_in: &str) -> String {
    format!("SELECT a.segments, {} {answers_in} GROUP BY a.segments", counts())
}

/// `[start, end)` as the whole UTC hours in it, read from the tallies, and
/// the parts before and after them (in a zone whose offset is not whole
/// hours), read answer by answer.
pub(super) fn hours_and_rest(start: i64, end: i64) -> ((i64, i64), Vec<(i64, i64)>) {
    let (first, last) = (start.div_euclid(HOUR_MS) * HOUR_MS, end.div_euclid(HOUR_MS) * HOUR_MS);
    let first = if first < start { first + HOUR_MS } else { first };
    if first >= last {
        return ((start, start), vec![(start, end)]);
    }
    let rest = [(start, first), (last, end)].into_iter().filter(|(s, e)| s < e).collect();
    ((first, last), rest)
}

impl Store {
    /// Counts every tally again from the answers: for answers written
    /// into the database by hand (the benchmarks' generated history).
    pub async fn recount_tallies(&self) -> Result<()> {
        let recount = add("answers a WHERE TRUE");
        on_pool!(self, p => {
            let mut tx = p.begin().await?;
            sqlx::query("DELETE FROM answer_tallies").execute(&mut *tx).await?;
            sqlx::query(&recount).execute(&mut *tx).await?;
            tx.commit().await
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_period_is_split_into_whole_hours_and_the_rest() {
        let h = HOUR_MS;
        assert_eq!(hours_and_rest(24 * h, 48 * h), ((24 * h, 48 * h), vec![]), "a day in UTC");
        let (start, end) = (18 * h + h / 2, 42 * h + h / 2); // a day at UTC+5:30
        assert_eq!(hours_and_rest(start, end), ((19 * h, 42 * h), vec![(start, 19 * h), (42 * h, end)]));
        let short = (h + 1, 2 * h - 1);
        assert_eq!(hours_and_rest(short.0, short.1), ((short.0, short.0), vec![short]), "no whole hour");
    }
}
