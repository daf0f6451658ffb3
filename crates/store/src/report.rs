//! The rows behind the weekly summary. Every query is bounded by the week
//! through an index, so the cost follows the week's activity, not history.

use std::collections::BTreeSet;

use super::tallies::{counted_groups_sql, hours_and_rest, tallied_groups_sql};
use super::{db_id, from_db_id, ms, on_pool, Result, Store};
use domain::challenge::ChallengeCounts;
use domain::link::discord_link;
use domain::query::WeekScope;
use domain::summary::{AnswerGroup, AnswerRow, FollowUpRow, Impact, MeetingRow, ReachCounts, WeekData, QUOTE_CHARS};

#[derive(sqlx::FromRow)]
pub(super) struct AnswerSql {
    id: i64,
    user_id: i64,
    meeting_id: Option<i64>,
    post_id: Option<i64>,
    impact: String,
    segments: String,
    has_evidence: bool,
    has_assumption: bool,
    body: String,
    channel_id: i64,
    message_id: Option<i64>,
    thread_id: Option<i64>,
    post_channel: Option<i64>,
    post_message: Option<i64>,
    created_at: i64,
}

impl AnswerSql {
    /// A link to the answer itself, or else to where it was given.
    pub(super) fn into_row(self, guild: u64) -> AnswerRow {
        let (channel, message) = match (self.message_id, self.thread_id, self.post_channel, self.post_message) {
            (Some(m), ..) => (self.channel_id, Some(m)),
            (None, Some(t), ..) => (t, None),
            (None, None, Some(c), Some(m)) => (c, Some(m)),
            _ => (self.channel_id, None),
        };
        let link = discord_link(guild, from_db_id(channel), message.map(from_db_id));
        AnswerRow {
            id: self.id,
            user_id: from_db_id(self.user_id),
            meeting_id: self.meeting_id,
            post_id: self.post_id,
            impact: self.impact,
            segments: super::split_list(&self.segments),
            has_evidence: self.has_evidence,
            has_assumption: self.has_assumption,
            body: self.body,
            link,
            created_ms: self.created_at,
        }
    }
}

const POSTS: &str = "SELECT p.id, i.segment FROM insight_posts p JOIN insights i ON i.id = p.insight_id \
    WHERE p.guild_id = $1 AND p.claimed_at >= $2 AND p.claimed_at < $3 AND p.message_id IS NOT NULL \
    AND ($4 IS NULL OR p.channel_id = $4) ORDER BY p.id";
/// Live reactions added this week on the bot's posts.
const POST_REACTIONS: &str = "FROM reactions r JOIN insight_posts p ON p.id = r.post_id \
    WHERE r.guild_id = $1 AND r.added_at >= $2 AND r.added_at < $3 AND r.removed_at IS NULL \
    AND ($4 IS NULL OR p.channel_id = $4)";
const MEETINGS: &str = "SELECT m.id, m.opened_at, \
    (SELECT MIN(a.created_at) FROM answers a WHERE a.meeting_id = m.id AND a.deleted_at IS NULL), \
    EXISTS (SELECT 1 FROM answers a WHERE a.meeting_id = m.id AND a.created_at >= $2 AND a.created_at < $3 \
        AND a.deleted_at IS NULL) \
    FROM meetings m WHERE m.guild_id = $1 AND m.opened_at >= $2 AND m.opened_at < $3 \
    AND ($4 IS NULL OR m.channel_id = $4) ORDER BY m.id";
/// The live answers of `[$2, $3)` in scope (`$4`: one home channel, or
/// NULL for the whole guild). SQLite is held to the (guild, time) index:
/// with statistics gathered while the table was small it chose to walk the
/// guild's whole history by person for the answerers and the quotes (1.8 s
/// at 1M answers).
pub(super) fn answers_in(backend: &str) -> String {
    let index = if backend == "sqlite" { "INDEXED BY answers_guild_created" } else { "" };
    format!(
        "FROM answers a {index} WHERE a.guild_id = $1 AND a.created_at >= $2 AND a.created_at < $3 \
        AND a.deleted_at IS NULL AND ($4 IS NULL OR a.home_channel_id = $4)"
    )
}
pub(super) const ANSWER_COLUMNS: &str =
    "a.id, a.user_id, a.meeting_id, a.post_id, a.impact, a.segments, a.has_evidence, \
    a.has_assumption, a.body, a.channel_id, a.message_id, m.thread_id, p.channel_id AS post_channel, \
    p.message_id AS post_message, a.created_at";
/// How substantial an answer is, for quotes: its length up to the
/// longest quote shown.
fn substance() -> String {
    format!("CASE WHEN LENGTH(a.body) > {QUOTE_CHARS} THEN {QUOTE_CHARS} ELSE LENGTH(a.body) END")
}

/// The period's answers with evidence, most substantial first, up to
/// `$5`: a person's first one is their best. Anonymous answers (author 0)
/// are never quoted.
fn best_answers_sql(backend: &str) -> String {
    format!(
        "SELECT a.id, a.user_id {} AND a.has_evidence AND a.user_id <> 0 \
        ORDER BY {} DESC, a.created_at, a.id LIMIT $5",
        answers_in(backend),
        substance()
    )
}

/// The answers quoted, by id, with where they were given.
const QUOTED: &str = "FROM answers a LEFT JOIN meetings m ON m.id = a.meeting_id \
    LEFT JOIN insight_posts p ON p.id = a.post_id WHERE a.id IN ($1, $2, $3)";

/// How many people's best answers a summary quotes.
const QUOTES: usize = 3;

/// The first answer of each of the first [`QUOTES`] people in `best`.
fn quoted(best: &[(i64, i64)]) -> Vec<i64> {
    let mut people = Vec::with_capacity(QUOTES);
    let mut ids = Vec::with_capacity(QUOTES);
    for (id, user) in best {
        if ids.len() < QUOTES && !people.contains(user) {
            people.push(*user);
            ids.push(*id);
        }
    }
    ids
}

const FOLLOW_UPS: &str = "SELECT f.owner_id, f.created_at, f.done_at, f.due_date, f.customer IS NOT NULL, \
    COALESCE(f.told_customer, FALSE) FROM follow_ups f \
    LEFT JOIN meetings m ON m.id = f.meeting_id \
    WHERE f.guild_id = $1 AND f.status = 'open' AND f.created_at < $3 AND ($4 IS NULL OR m.channel_id = $4) \
    UNION ALL \
    SELECT f.owner_id, f.created_at, f.done_at, f.due_date, f.customer IS NOT NULL, \
    COALESCE(f.told_customer, FALSE) FROM follow_ups f \
    LEFT JOIN meetings m ON m.id = f.meeting_id \
    WHERE f.guild_id = $1 AND f.status = 'done' AND f.done_at >= $2 AND f.created_at < $3 \
    AND ($4 IS NULL OR m.channel_id = $4)";
const SEGMENTS: &str = "SELECT DISTINCT segment FROM insights i WHERE (i.guild_id = $1 OR i.guild_id IS NULL) \
    AND status = 'live' \
    AND NOT EXISTS (SELECT 1 FROM insight_retirements r WHERE r.guild_id = $1 AND r.insight_id = i.id)";

/// Challenged assumptions: challenged and resolved in the period, and
/// still open at its end. Guild-wide (none for one channel's summary).
const CHALLENGES: &str = "SELECT \
    SUM(CASE WHEN challenged_at >= $2 THEN 1 ELSE 0 END), \
    SUM(CASE WHEN challenge = 'validated' AND resolved_at >= $2 AND resolved_at < $3 THEN 1 ELSE 0 END), \
    SUM(CASE WHEN challenge = 'refuted' AND resolved_at >= $2 AND resolved_at < $3 THEN 1 ELSE 0 END), \
    SUM(CASE WHEN challenge = 'open' OR resolved_at >= $3 THEN 1 ELSE 0 END) \
    FROM answers WHERE guild_id = $1 AND challenged_at IS NOT NULL AND challenged_at < $3 \
    AND deleted_at IS NULL AND $4 IS NULL";
type ChallengesSql = (Option<i64>, Option<i64>, Option<i64>, Option<i64>);

type FollowUpSql = (Option<i64>, i64, Option<i64>, Option<String>, bool, bool);
/// A group's segments and counts (answers, to posts, evidence, assumption,
/// four impacts, five reaches).
type GroupSql = (String, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64);

impl Store {
    /// The week's numbers, counted by the database: the cost follows the
    /// week's activity, and only counts, a few quotes and the week's
    /// meetings and open follow-ups travel.
    pub async fn week_data(&self, w: &WeekScope) -> Result<WeekData> {
        let (g, s, e, c) = (db_id(w.guild_id), ms(w.start), ms(w.end), w.channel_id.map(db_id));
        let backend = self.backend();
        let in_period = answers_in(backend);
        let (hours, rest) = hours_and_rest(s, e);
        let (tallied_sql, counted_sql) = (tallied_groups_sql(), counted_groups_sql(&in_period));
        let answerers_sql = format!("SELECT COUNT(DISTINCT a.user_id) {in_period}");
        let (best_sql, quoted_sql) = (best_answers_sql(backend), format!("SELECT {ANSWER_COLUMNS} {QUOTED}"));
        let reactions_sql = format!("SELECT COUNT(*) {POST_REACTIONS}");
        let engaged_sql = format!(
            "SELECT COUNT(*) FROM (SELECT r.user_id {POST_REACTIONS} UNION \
            SELECT a.user_id {in_period} AND a.post_id IS NOT NULL) engaged"
        );
        macro_rules! all {
            ($p:expr, $sql:expr) => {
                sqlx::query_as($sql).bind(g).bind(s).bind(e).bind(c).fetch_all($p).await?
            };
        }
        macro_rules! one_row {
            ($p:expr, $sql:expr) => {
                sqlx::query_as($sql).bind(g).bind(s).bind(e).bind(c).fetch_one($p).await?
            };
        }
        macro_rules! one {
            ($p:expr, $sql:expr) => {
                sqlx::query_scalar($sql).bind(g).bind(s).bind(e).bind(c).fetch_one($p).await?
            };
        }
        // Four lanes on connections of their own: the summary takes the
        // longest lane's time, not the sum of all.
        let (
            (posts, reactions, engaged, groups, answerers),
            quotes,
            (meetings, follow_ups, segments, challenges),
            customers,
        ) = on_pool!(self, p => tokio::try_join!(
            async {
                let posts: Vec<(i64, String)> = all!(p, POSTS);
                let reactions: i64 = one!(p, &reactions_sql);
                let engaged: i64 = one!(p, &engaged_sql);
                let mut groups: Vec<GroupSql> =
                    sqlx::query_as(&tallied_sql).bind(g).bind(hours.0).bind(hours.1).bind(c).fetch_all(p).await?;
                for (from, to) in &rest {
                    let q = sqlx::query_as(&counted_sql).bind(g).bind(from).bind(to).bind(c);
                    groups.extend(q.fetch_all(p).await?);
                }
                let answerers: i64 = one!(p, &answerers_sql);
                Ok::<_, sqlx::Error>((posts, reactions, engaged, groups, answerers))
            },
            async {
                // Each person's best answer is their first in the ranking: read
                // the head of it, and more only while it holds too few people.
                let mut limit = 64;
                let quoted = loop {
                    let best: Vec<(i64, i64)> =
                        sqlx::query_as(&best_sql).bind(g).bind(s).bind(e).bind(c).bind(limit).fetch_all(p).await?;
                    let quoted = quoted(&best);
                    if quoted.len() == QUOTES || best.len() < limit as usize {
                        break quoted;
                    }
                    limit *= 16;
                };
                let id = |n: usize| quoted.get(n).copied();
                let mut quotes: Vec<AnswerSql> =
                    sqlx::query_as(&quoted_sql).bind(id(0)).bind(id(1)).bind(id(2)).fetch_all(p).await?;
                quotes.sort_by_key(|a| quoted.iter().position(|id| *id == a.id));
                Ok(quotes)
            },
            async {
                let meetings: Vec<(i64, i64, Option<i64>, bool)> = all!(p, MEETINGS);
                let follow_ups: Vec<FollowUpSql> = all!(p, FOLLOW_UPS);
                let segments: Vec<String> = sqlx::query_scalar(SEGMENTS).bind(g).fetch_all(p).await?;
                let challenges: ChallengesSql = one_row!(p, CHALLENGES);
                Ok((meetings, follow_ups, segments, challenges))
            },
            self.customer_week(w),
        ))?;
        let (challenged, validated, refuted, open) = challenges;
        Ok(WeekData {
            start_ms: s,
            end_ms: e,
            last_day: Some(w.last_day),
            posts,
            post_reactions: reactions,
            people_engaged: engaged,
            meetings: meetings
                .into_iter()
                .map(|(id, opened_ms, first_answer_ms, answered)| MeetingRow {
                    id,
                    opened_ms,
                    first_answer_ms,
                    answered,
                })
                .collect(),
            answer_groups: groups.into_iter().map(group).collect(),
            answerers,
            quote_candidates: quotes.into_iter().map(|a| a.into_row(w.guild_id)).collect(),
            follow_ups: follow_ups
                .into_iter()
                .map(|(owner, created_ms, done_ms, due, for_customer, told_customer)| FollowUpRow {
                    owner_id: owner.map(from_db_id),
                    created_ms,
                    done_ms,
                    due: due.and_then(|d| d.parse().ok()),
                    for_customer,
                    told_customer,
                })
                .collect(),
            known_segments: segments.into_iter().collect::<BTreeSet<_>>(),
            customers,
            days_off: Vec::new(), // the guild's settings, not its data
            challenges: ChallengeCounts {
                challenged: challenged.unwrap_or(0),
                validated: validated.unwrap_or(0),
                refuted: refuted.unwrap_or(0),
                open: open.unwrap_or(0),
            },
        })
    }
}

fn group(
    (
        segments,
        answers,
        post_answers,
        evidence,
        assumption,
        helps,
        hurts,
        neutral,
        unknown,
        one,
        few,
        many,
        all,
        unsure,
    ): GroupSql,
) -> AnswerGroup {
    AnswerGroup {
        segments: super::split_list(&segments),
        answers,
        post_answers,
        with_evidence: evidence,
        with_assumption: assumption,
        impact: Impact { helps, hurts, neutral, unknown },
        reach: ReachCounts { one, few, many, all, unknown: unsure },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_of_the_first_three_people_is_quoted_once_by_their_best() {
        assert_eq!(quoted(&[(10, 1), (11, 1), (12, 2), (13, 1), (14, 3), (15, 4)]), [10, 12, 14]);
        assert_eq!(quoted(&[(10, 1), (11, 1)]), [10], "one person, however many answers");
    }
}
