//! The weekly summary's shaping: from one week's counts (aggregated by
//! the database) to the numbers a manager reads. Pure; the store counts.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;
use serde::Serialize;

use super::answer::ANONYMOUS;
use super::challenge::ChallengeCounts;
use super::customer_week::{CustomerSide, CustomerWeek};
use super::outcome::OutcomeCounts;

/// One answer of the week: a quote, or a row of the answers CSV.
#[derive(Clone, Debug, PartialEq)]
pub struct AnswerRow {
    pub id: i64,
    pub user_id: u64,
    pub meeting_id: Option<i64>,
    pub post_id: Option<i64>,
    pub impact: String,
    pub segments: Vec<String>,
    pub has_evidence: bool,
    pub has_assumption: bool,
    pub body: String,
    /// Where to read it on Discord.
    pub link: String,
    pub created_ms: i64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct MeetingRow {
    pub id: i64,
    pub opened_ms: i64,
    /// When its first (not deleted) answer came, whenever that was.
    pub first_answer_ms: Option<i64>,
    /// Whether it was answered within the week.
    pub answered: bool,
}

/// The week's answers that name the same segments, counted.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AnswerGroup {
    pub segments: Vec<String>,
    pub answers: i64,
    /// Of them, answers to a daily post.
    pub post_answers: i64,
    pub with_evidence: i64,
    pub with_assumption: i64,
    pub impact: Impact,
    pub reach: ReachCounts,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FollowUpRow {
    pub owner_id: Option<u64>,
    pub created_ms: i64,
    pub done_ms: Option<i64>,
    pub due: Option<Date>,
    /// A customer waits on it: closing it closes a loop.
    pub for_customer: bool,
    pub told_customer: bool,
}

/// A post day of the period without the customer of the day (a skip or
/// a pause), and why.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DayOffRow {
    pub day: Date,
    pub reason: String,
    /// The local day as `[start_ms, end_ms)`.
    #[serde(skip)]
    pub start_ms: i64,
    #[serde(skip)]
    pub end_ms: i64,
}

impl DayOffRow {
    fn contains(&self, at_ms: i64) -> bool {
        (self.start_ms..self.end_ms).contains(&at_ms)
    }
}

/// Everything the summary reads for one week `[start_ms, end_ms)`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct WeekData {
    pub start_ms: i64,
    pub end_ms: i64,
    /// The last local date of the week, for "overdue".
    pub last_day: Option<Date>,
    /// (post id, segment of its insight)
    pub posts: Vec<(i64, String)>,
    /// Live reactions added this week on posts.
    pub post_reactions: i64,
    /// People who reacted to or answered a post this week.
    pub people_engaged: i64,
    pub meetings: Vec<MeetingRow>,
    pub answer_groups: Vec<AnswerGroup>,
    /// People who answered this week.
    pub answerers: i64,
    /// Each person's most substantial answer with evidence, best first.
    pub quote_candidates: Vec<AnswerRow>,
    /// Follow-ups created before the week ended.
    pub follow_ups: Vec<FollowUpRow>,
    /// Segments of the insights the guild can be shown.
    pub known_segments: BTreeSet<String>,
    /// The guild's days off in the period (from its settings).
    pub days_off: Vec<DayOffRow>,
    /// Challenged assumptions.
    pub challenges: ChallengeCounts,
    /// Who was discussed and heard from.
    pub customers: CustomerWeek,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Impact {
    pub helps: i64,
    pub hurts: i64,
    pub neutral: i64,
    pub unknown: i64,
}

/// Answers by how many customers they speak for.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ReachCounts {
    pub one: i64,
    pub few: i64,
    pub many: i64,
    pub all: i64,
    pub unknown: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SegmentCount {
    pub segment: String,
    pub answers: i64,
    pub insights: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OwnerCount {
    pub owner_id: Option<String>,
    pub open: i64,
    pub overdue: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Quote {
    pub user_id: String,
    pub text: String,
    pub link: String,
}

/// The headline numbers: compared week over week.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Headline {
    pub insight_posts: i64,
    pub post_reactions: i64,
    pub post_answers: i64,
    pub people_engaged: i64,
    pub meetings: i64,
    pub meetings_answered: i64,
    /// Share of meetings whose prompt was answered, in percent.
    pub coverage_pct: Option<f64>,
    pub answers: i64,
    pub answerers: i64,
    pub median_minutes_to_first_answer: Option<f64>,
    pub with_evidence: i64,
    pub with_assumption: i64,
    pub evidence_pct: Option<f64>,
    pub assumption_pct: Option<f64>,
    /// Answers a teammate asked for data in the period.
    pub assumptions_challenged: i64,
    /// Challenged answers that got their evidence in the period.
    pub assumptions_validated: i64,
    /// Challenged answers a manager refuted in the period.
    pub assumptions_refuted: i64,
    /// Challenged answers still waiting for data at the period's end.
    pub assumptions_open: i64,
    pub follow_ups_opened: i64,
    pub follow_ups_done: i64,
    pub follow_ups_open: i64,
    pub follow_ups_overdue: i64,
    /// Follow-ups a customer waited on, closed in the period.
    pub loops_closed: i64,
    /// Of them, those whose customer was told.
    pub customers_told: i64,
    /// Median days from the answer to the closed loop.
    pub median_days_to_close_loop: Option<f64>,
    /// Imported NPS: promoters minus detractors, in percent of responses.
    pub nps: Option<f64>,
    pub nps_responses: i64,
    /// Imported CSAT scores' average, on the tool's own scale.
    pub csat: Option<f64>,
    pub csat_responses: i64,
    pub churn_events: i64,
    /// Distinct customers named in the period's answers.
    pub customers_discussed: i64,
    /// Distinct customers whose feedback or scores came in the period.
    pub customers_heard_from: i64,
    /// NPS 0–6 and CSAT at or below the guild's threshold, in the period.
    pub detractors: i64,
    /// Of them, those whose customer had a loop closed within the
    /// guild's `customer_wait_days` of the score.
    pub detractor_loops_closed: i64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct WeekSummary {
    pub headline: Headline,
    pub impact: Impact,
    /// Answers by how many customers they speak for.
    pub reach: ReachCounts,
    pub segments: Vec<SegmentCount>,
    pub segments_not_discussed: Vec<String>,
    pub follow_up_owners: Vec<OwnerCount>,
    pub quotes: Vec<Quote>,
    /// Post days without posts, and why.
    pub days_off: Vec<DayOffRow>,
    /// The period's voices and each segment's shares.
    pub customers: CustomerSide,
}

fn pct(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 * 1000.0 / whole as f64).round() / 10.0)
}

fn median(mut values: Vec<f64>) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(|a, b| a.total_cmp(b));
    let mid = values.len() / 2;
    let m = if values.len().is_multiple_of(2) { (values[mid - 1] + values[mid]) / 2.0 } else { values[mid] };
    Some((m * 10.0).round() / 10.0)
}

pub fn summarize(d: &WeekData) -> WeekSummary {
    let totals = d.answer_groups.iter().fold(AnswerGroup::default(), |mut sum, g| {
        sum.answers += g.answers;
        sum.post_answers += g.post_answers;
        sum.with_evidence += g.with_evidence;
        sum.with_assumption += g.with_assumption;
        sum.impact.helps += g.impact.helps;
        sum.impact.hurts += g.impact.hurts;
        sum.impact.neutral += g.impact.neutral;
        sum.impact.unknown += g.impact.unknown;
        sum.reach.one += g.reach.one;
        sum.reach.few += g.reach.few;
        sum.reach.many += g.reach.many;
        sum.reach.all += g.reach.all;
        sum.reach.unknown += g.reach.unknown;
        sum
    });
    let meetings_answered = d.meetings.iter().filter(|m| m.answered).count() as i64;
    // A meeting on a day off left unanswered does not count against the team.
    let expected = d.meetings.iter().filter(|m| m.answered || !d.days_off.iter().any(|o| o.contains(m.opened_ms)));
    let waits: Vec<f64> =
        d.meetings.iter().filter_map(|m| Some((m.first_answer_ms? - m.opened_ms) as f64 / 60_000.0)).collect();
    let (follow_ups, owners) = follow_up_numbers(d);
    let customers = d.customers.counts();
    let outcomes: OutcomeCounts = d.customers.feedback.iter().filter_map(|f| f.score.as_ref()).collect();
    let headline = Headline {
        insight_posts: d.posts.len() as i64,
        post_reactions: d.post_reactions,
        post_answers: totals.post_answers,
        people_engaged: d.people_engaged,
        meetings: d.meetings.len() as i64,
        meetings_answered,
        coverage_pct: pct(meetings_answered, expected.count() as i64),
        answers: totals.answers,
        answerers: d.answerers,
        median_minutes_to_first_answer: median(waits),
        with_evidence: totals.with_evidence,
        with_assumption: totals.with_assumption,
        evidence_pct: pct(totals.with_evidence, totals.answers),
        assumption_pct: pct(totals.with_assumption, totals.answers),
        assumptions_challenged: d.challenges.challenged,
        assumptions_validated: d.challenges.validated,
        assumptions_refuted: d.challenges.refuted,
        assumptions_open: d.challenges.open,
        nps: outcomes.nps(),
        nps_responses: outcomes.nps_responses,
        csat: outcomes.csat(),
        csat_responses: outcomes.csat_responses,
        churn_events: outcomes.churn_events,
        customers_discussed: customers.discussed,
        customers_heard_from: customers.heard_from,
        detractors: customers.detractors,
        detractor_loops_closed: customers.detractor_loops_closed,
        ..follow_ups
    };
    let (segments, segments_not_discussed) = segment_numbers(d);
    WeekSummary {
        headline,
        impact: totals.impact,
        reach: totals.reach,
        segments,
        segments_not_discussed,
        follow_up_owners: owners,
        quotes: quotes(&d.quote_candidates),
        days_off: d.days_off.clone(),
        customers: d.customers.side(),
    }
}

fn segment_numbers(d: &WeekData) -> (Vec<SegmentCount>, Vec<String>) {
    let mut counts: BTreeMap<&str, (i64, i64)> = BTreeMap::new();
    for g in &d.answer_groups {
        for s in &g.segments {
            counts.entry(s).or_default().0 += g.answers;
        }
    }
    for (_, s) in &d.posts {
        counts.entry(s).or_default().1 += 1;
    }
    let segments = counts
        .iter()
        .map(|(s, (answers, insights))| SegmentCount { segment: s.to_string(), answers: *answers, insights: *insights })
        .collect();
    let missing = d.known_segments.iter().filter(|s| !counts.contains_key(s.as_str())).cloned().collect();
    (segments, missing)
}

fn follow_up_numbers(d: &WeekData) -> (Headline, Vec<OwnerCount>) {
    let (start, end) = (d.start_ms, d.end_ms);
    let open_at_end = |f: &&FollowUpRow| f.created_ms < end && f.done_ms.is_none_or(|done| done >= end);
    let overdue = |f: &FollowUpRow| matches!((f.due, d.last_day), (Some(due), Some(last)) if due < last);
    let mut owners: BTreeMap<Option<u64>, (i64, i64)> = BTreeMap::new();
    for f in d.follow_ups.iter().filter(open_at_end) {
        let entry = owners.entry(f.owner_id).or_default();
        entry.0 += 1;
        entry.1 += i64::from(overdue(f));
    }
    let loops: Vec<&FollowUpRow> = d
        .follow_ups
        .iter()
        .filter(|f| f.for_customer && f.done_ms.is_some_and(|t| (start..end).contains(&t)))
        .collect();
    let days = loops.iter().filter_map(|f| Some((f.done_ms? - f.created_ms) as f64 / 86_400_000.0)).collect();
    let headline = Headline {
        loops_closed: loops.len() as i64,
        customers_told: loops.iter().filter(|f| f.told_customer).count() as i64,
        median_days_to_close_loop: median(days),
        follow_ups_opened: d.follow_ups.iter().filter(|f| (start..end).contains(&f.created_ms)).count() as i64,
        follow_ups_done: d.follow_ups.iter().filter(|f| f.done_ms.is_some_and(|t| (start..end).contains(&t))).count()
            as i64,
        follow_ups_open: owners.values().map(|(open, _)| open).sum(),
        follow_ups_overdue: owners.values().map(|(_, late)| late).sum(),
        ..Headline::default()
    };
    let owners = owners
        .into_iter()
        .map(|(owner, (open, overdue))| OwnerCount { owner_id: owner.map(|o| o.to_string()), open, overdue })
        .collect();
    (headline, owners)
}

/// Up to three answers with evidence, from different people, the most
/// substantial first (the store picks each person's best, in order).
/// Anonymous answers are never quoted: a quote carries its author.
fn quotes(candidates: &[AnswerRow]) -> Vec<Quote> {
    let mut people = BTreeSet::new();
    candidates
        .iter()
        .filter(|a| a.has_evidence && a.user_id != ANONYMOUS && people.insert(a.user_id))
        .take(3)
        .map(|a| {
            let mut text: String = a.body.chars().take(QUOTE_CHARS).collect();
            if a.body.chars().count() > QUOTE_CHARS {
                text.push('…');
            }
            Quote { user_id: a.user_id.to_string(), text, link: a.link.clone() }
        })
        .collect()
}

/// Longest quote shown; longer answers count as this long when ranked.
pub const QUOTE_CHARS: usize = 280;

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn answer(user: u64, body: &str) -> AnswerRow {
        AnswerRow {
            id: 0,
            user_id: user,
            meeting_id: None,
            post_id: None,
            impact: "helps".into(),
            segments: vec!["smb".into()],
            has_evidence: true,
            has_assumption: false,
            body: body.into(),
            link: format!("https://discord.com/channels/1/2/{user}"),
            created_ms: 100,
        }
    }

    fn follow_up(created_ms: i64, done_ms: Option<i64>) -> FollowUpRow {
        FollowUpRow { owner_id: None, created_ms, done_ms, due: None, for_customer: false, told_customer: false }
    }

    #[test]
    fn loops_closed_are_follow_ups_a_customer_waited_on_done_in_the_week() {
        let mut d = week();
        let day = 86_400_000;
        d.end_ms = 10 * day;
        d.follow_ups = vec![
            FollowUpRow { for_customer: true, told_customer: true, ..follow_up(0, Some(2 * day)) },
            FollowUpRow { for_customer: true, ..follow_up(-day, Some(3 * day)) },
            FollowUpRow { for_customer: true, ..follow_up(0, None) },
            follow_up(0, Some(day)),
        ];
        let h = summarize(&d).headline;
        assert_eq!((h.loops_closed, h.customers_told, h.median_days_to_close_loop), (2, 1, Some(3.0)));
        assert_eq!(h.follow_ups_done, 3);
    }

    /// A week of 4 answers in "smb" (1 to a post, 3 with evidence, 3 by
    /// people 1, 2 and 7), as the store counts them.
    fn week() -> WeekData {
        WeekData {
            start_ms: 0,
            end_ms: 1_000,
            last_day: Some(date(2026, 11, 22)),
            posts: vec![(1, "smb".into()), (2, "edu".into())],
            post_reactions: 2,
            people_engaged: 2,
            meetings: vec![
                MeetingRow { id: 10, opened_ms: 0, first_answer_ms: Some(120_000), answered: true },
                MeetingRow { id: 11, opened_ms: 0, first_answer_ms: Some(600_000), answered: true },
                MeetingRow { id: 12, opened_ms: 0, first_answer_ms: None, answered: false },
            ],
            answer_groups: vec![AnswerGroup {
                segments: vec!["smb".into()],
                answers: 4,
                post_answers: 1,
                with_evidence: 3,
                with_assumption: 1,
                impact: Impact { helps: 3, unknown: 1, ..Impact::default() },
                reach: ReachCounts { one: 1, many: 1, unknown: 2, ..ReachCounts::default() },
            }],
            answerers: 3,
            quote_candidates: vec![answer(1, "again me, 5 customers"), answer(7, "2 hours saved")],
            follow_ups: vec![
                FollowUpRow { owner_id: Some(1), due: Some(date(2026, 11, 20)), ..follow_up(10, None) },
                FollowUpRow { owner_id: Some(1), ..follow_up(10, Some(500)) },
                follow_up(-5, Some(2_000)),
            ],
            known_segments: ["smb", "edu", "enterprise"].into_iter().map(String::from).collect(),
            days_off: Vec::new(),
            challenges: Default::default(),
            customers: Default::default(),
        }
    }

    #[test]
    fn coverage_counts_meetings_whose_prompt_was_answered() {
        let h = summarize(&week()).headline;
        assert_eq!((h.meetings, h.meetings_answered, h.coverage_pct), (3, 2, Some(66.7)));
    }

    #[test]
    fn an_unanswered_meeting_on_a_day_off_does_not_count_against_coverage() {
        let mut d = week();
        d.meetings.push(MeetingRow { id: 13, opened_ms: 500, first_answer_ms: Some(501), answered: true });
        d.meetings[2].opened_ms = 400;
        let off = DayOffRow { day: date(2026, 11, 20), reason: "offsite".into(), start_ms: 300, end_ms: 600 };
        d.days_off = vec![off.clone()];
        let s = summarize(&d);
        assert_eq!((s.headline.meetings, s.headline.meetings_answered, s.headline.coverage_pct), (4, 3, Some(100.0)));
        assert_eq!(s.days_off, [off]);
    }

    #[test]
    fn median_wait_is_over_answered_meetings() {
        assert_eq!(summarize(&week()).headline.median_minutes_to_first_answer, Some(6.0));
    }

    #[test]
    fn evidence_and_assumption_shares() {
        let h = summarize(&week()).headline;
        assert_eq!((h.with_evidence, h.evidence_pct, h.assumption_pct), (3, Some(75.0), Some(25.0)));
    }

    #[test]
    fn segments_not_discussed_are_named() {
        let s = summarize(&week());
        assert_eq!(s.segments_not_discussed, ["enterprise"]);
        let smb = s.segments.iter().find(|c| c.segment == "smb").unwrap();
        assert_eq!((smb.answers, smb.insights), (4, 1));
    }

    #[test]
    fn follow_ups_open_at_week_end_and_overdue() {
        let s = summarize(&week());
        let h = &s.headline;
        assert_eq!((h.follow_ups_opened, h.follow_ups_done, h.follow_ups_open, h.follow_ups_overdue), (2, 1, 2, 1));
        assert_eq!(s.follow_up_owners.len(), 2);
    }

    #[test]
    fn quotes_are_three_people_at_most_and_cut_at_280_characters() {
        let mut d = week();
        d.quote_candidates = (1..=5).map(|u| answer(u, &"x".repeat(300))).collect();
        let q = summarize(&d).quotes;
        assert_eq!(q.iter().map(|q| q.user_id.as_str()).collect::<Vec<_>>(), ["1", "2", "3"]);
        assert_eq!(q[0].text.chars().count(), 281, "280 and an ellipsis");
        assert!(q[0].text.ends_with('…'));
    }

    #[test]
    fn an_empty_week_has_no_percentages() {
        let h = summarize(&WeekData::default()).headline;
        assert_eq!((h.coverage_pct, h.evidence_pct, h.median_minutes_to_first_answer), (None, None, None));
    }
}
