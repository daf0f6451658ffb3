//! The weekly summary's arithmetic: from one week's rows to the numbers a
//! manager reads. Pure; the store gathers the rows.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;
use serde::Serialize;

/// One answer of the week, as the summary needs it.
#[derive(Clone, Debug, PartialEq)]
pub struct AnswerRow {
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
}

#[derive(Clone, Debug, PartialEq)]
pub struct FollowUpRow {
    pub owner_id: Option<u64>,
    pub created_ms: i64,
    pub done_ms: Option<i64>,
    pub due: Option<Date>,
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
    /// (user, post id) of live reactions added this week on posts
    pub post_reactions: Vec<(u64, i64)>,
    pub meetings: Vec<MeetingRow>,
    pub answers: Vec<AnswerRow>,
    /// Follow-ups created before the week ended.
    pub follow_ups: Vec<FollowUpRow>,
    /// Segments of the insights the guild can be shown.
    pub known_segments: BTreeSet<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Impact {
    pub helps: i64,
    pub hurts: i64,
    pub neutral: i64,
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
    pub follow_ups_opened: i64,
    pub follow_ups_done: i64,
    pub follow_ups_open: i64,
    pub follow_ups_overdue: i64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct WeekSummary {
    pub headline: Headline,
    pub impact: Impact,
    pub segments: Vec<SegmentCount>,
    pub segments_not_discussed: Vec<String>,
    pub follow_up_owners: Vec<OwnerCount>,
    pub quotes: Vec<Quote>,
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
    let answers = &d.answers;
    let post_answers: Vec<&AnswerRow> = answers.iter().filter(|a| a.post_id.is_some()).collect();
    let engaged: BTreeSet<u64> =
        d.post_reactions.iter().map(|(u, _)| *u).chain(post_answers.iter().map(|a| a.user_id)).collect();
    let answered_meetings: BTreeSet<i64> = answers.iter().filter_map(|a| a.meeting_id).collect();
    let meetings_answered = d.meetings.iter().filter(|m| answered_meetings.contains(&m.id)).count() as i64;
    let waits: Vec<f64> =
        d.meetings.iter().filter_map(|m| Some((m.first_answer_ms? - m.opened_ms) as f64 / 60_000.0)).collect();
    let with_evidence = answers.iter().filter(|a| a.has_evidence).count() as i64;
    let with_assumption = answers.iter().filter(|a| a.has_assumption).count() as i64;
    let total = answers.len() as i64;
    let (follow_ups, owners) = follow_up_numbers(d);
    let headline = Headline {
        insight_posts: d.posts.len() as i64,
        post_reactions: d.post_reactions.len() as i64,
        post_answers: post_answers.len() as i64,
        people_engaged: engaged.len() as i64,
        meetings: d.meetings.len() as i64,
        meetings_answered,
        coverage_pct: pct(meetings_answered, d.meetings.len() as i64),
        answers: total,
        answerers: answers.iter().map(|a| a.user_id).collect::<BTreeSet<_>>().len() as i64,
        median_minutes_to_first_answer: median(waits),
        with_evidence,
        with_assumption,
        evidence_pct: pct(with_evidence, total),
        assumption_pct: pct(with_assumption, total),
        ..follow_ups
    };
    let mut impact = Impact::default();
    for a in answers {
        match a.impact.as_str() {
            "helps" => impact.helps += 1,
            "hurts" => impact.hurts += 1,
            "neutral" => impact.neutral += 1,
            _ => impact.unknown += 1,
        }
    }
    let (segments, segments_not_discussed) = segment_numbers(d);
    WeekSummary {
        headline,
        impact,
        segments,
        segments_not_discussed,
        follow_up_owners: owners,
        quotes: quotes(answers),
    }
}

fn segment_numbers(d: &WeekData) -> (Vec<SegmentCount>, Vec<String>) {
    let mut counts: BTreeMap<&str, (i64, i64)> = BTreeMap::new();
    for a in &d.answers {
        for s in &a.segments {
            counts.entry(s).or_default().0 += 1;
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
    let headline = Headline {
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
/// substantial first.
fn quotes(answers: &[AnswerRow]) -> Vec<Quote> {
    let mut candidates: Vec<&AnswerRow> = answers.iter().filter(|a| a.has_evidence).collect();
    candidates.sort_by_key(|a| (std::cmp::Reverse(a.body.chars().count().min(280)), a.created_ms));
    let mut people = BTreeSet::new();
    candidates
        .into_iter()
        .filter(|a| people.insert(a.user_id))
        .take(3)
        .map(|a| {
            let mut text: String = a.body.chars().take(280).collect();
            if a.body.chars().count() > 280 {
                text.push('…');
            }
            Quote { user_id: a.user_id.to_string(), text, link: a.link.clone() }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn answer(user: u64, meeting: Option<i64>, post: Option<i64>, evidence: bool, body: &str) -> AnswerRow {
        AnswerRow {
            user_id: user,
            meeting_id: meeting,
            post_id: post,
            impact: if evidence { "helps".into() } else { "unknown".into() },
            segments: vec!["smb".into()],
            has_evidence: evidence,
            has_assumption: !evidence,
            body: body.into(),
            link: format!("https://discord.com/channels/1/2/{user}"),
            created_ms: 100,
        }
    }

    fn week() -> WeekData {
        WeekData {
            start_ms: 0,
            end_ms: 1_000,
            last_day: Some(date(2026, 11, 22)),
            posts: vec![(1, "smb".into()), (2, "edu".into())],
            post_reactions: vec![(7, 1), (8, 1)],
            meetings: vec![
                MeetingRow { id: 10, opened_ms: 0, first_answer_ms: Some(120_000) },
                MeetingRow { id: 11, opened_ms: 0, first_answer_ms: Some(600_000) },
                MeetingRow { id: 12, opened_ms: 0, first_answer_ms: None },
            ],
            answers: vec![
                answer(7, None, Some(1), true, "2 hours saved"),
                answer(1, Some(10), None, true, "ticket #44 shows it"),
                answer(2, Some(11), None, false, "probably"),
                answer(1, Some(11), None, true, "again me, 5 customers"),
            ],
            follow_ups: vec![
                FollowUpRow { owner_id: Some(1), created_ms: 10, done_ms: None, due: Some(date(2026, 11, 20)) },
                FollowUpRow { owner_id: Some(1), created_ms: 10, done_ms: Some(500), due: None },
                FollowUpRow { owner_id: None, created_ms: -5, done_ms: Some(2_000), due: None },
            ],
            known_segments: ["smb", "edu", "enterprise"].into_iter().map(String::from).collect(),
        }
    }

    #[test]
    fn coverage_counts_meetings_whose_prompt_was_answered() {
        let h = summarize(&week()).headline;
        assert_eq!((h.meetings, h.meetings_answered, h.coverage_pct), (3, 2, Some(66.7)));
    }

    #[test]
    fn median_wait_is_over_answered_meetings() {
        assert_eq!(summarize(&week()).headline.median_minutes_to_first_answer, Some(6.0));
    }

    #[test]
    fn people_engaged_are_reactors_and_post_answerers_once_each() {
        let h = summarize(&week()).headline;
        assert_eq!((h.post_reactions, h.post_answers, h.people_engaged), (2, 1, 2));
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
    fn quotes_come_from_different_people_with_evidence() {
        let q = summarize(&week()).quotes;
        assert_eq!(q.len(), 2);
        assert_ne!(q[0].user_id, q[1].user_id);
        assert!(q.iter().all(|q| q.text != "probably"));
    }

    #[test]
    fn an_empty_week_has_no_percentages() {
        let h = summarize(&WeekData::default()).headline;
        assert_eq!((h.coverage_pct, h.evidence_pct, h.median_minutes_to_first_answer), (None, None, None));
    }
}
