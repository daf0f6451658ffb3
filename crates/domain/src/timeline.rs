//! What happened with one customer, in order: their feedback and scores,
//! the customer-of-the-day posts about them, the team's answers naming
//! them, the promises made and kept; and their scores in the 90 days
//! before and after each closed loop, side by side (shown, not explained).

use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

use crate::customer::Customer;
use crate::outcome::{OutcomeCounts, OutcomeKind};

/// The days on each side of a closed loop whose scores are compared.
pub const LOOP_WINDOW_DAYS: i64 = 90;

/// Most answers naming a customer that one timeline lists (newest first);
/// the counts cover them all.
pub const TIMELINE_ANSWERS: usize = 200;

/// A score a customer gave, on the day the export says.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Score {
    pub kind: &'static str,
    pub score: Option<f64>,
    pub day: Date,
}

impl Score {
    pub fn new(kind: &str, score: Option<f64>, day: Date) -> Score {
        let kind = match kind {
            "nps" => OutcomeKind::Nps,
            "csat" => OutcomeKind::Csat,
            _ => OutcomeKind::Churn,
        };
        Score { kind: kind.as_str(), score, day }
    }

    /// An unhappy customer: NPS 0 to 6, CSAT at or below `csat_at`, or gone.
    pub fn is_detractor(&self, csat_at: f64) -> bool {
        match (self.kind, self.score) {
            ("nps", Some(s)) => s <= 6.0,
            ("csat", Some(s)) => s <= csat_at,
            ("churn", _) => true,
            _ => false,
        }
    }
}

/// A promise made to or about a customer: a follow-up naming them.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Promise {
    #[serde(serialize_with = "crate::text::as_text")]
    pub id: i64,
    pub text: String,
    pub opened_at: Timestamp,
    pub closed_at: Option<Timestamp>,
    pub outcome: Option<String>,
    pub told_customer: Option<bool>,
}

/// One thing in a customer's timeline.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Moment {
    /// A story they told (an insight: imported, suggested or added).
    Feedback {
        #[serde(serialize_with = "crate::text::as_text")]
        insight_id: i64,
        title: String,
        story: String,
        source: String,
        at: Timestamp,
    },
    Score {
        #[serde(flatten)]
        score: Score,
    },
    /// A customer-of-the-day post of one of their insights.
    Post {
        #[serde(serialize_with = "crate::text::as_text")]
        insight_id: i64,
        title: String,
        at: Timestamp,
        reactions: i64,
        answers: i64,
        link: String,
    },
    /// A teammate's answer naming them.
    Answer {
        #[serde(serialize_with = "crate::text::as_text")]
        answer_id: i64,
        text: String,
        impact: String,
        evidence: bool,
        assumption: bool,
        at: Timestamp,
        link: String,
    },
    Promise {
        #[serde(flatten)]
        promise: Promise,
    },
}

impl Moment {
    /// When it happened; a score at the start of its day.
    pub fn at(&self) -> Timestamp {
        match self {
            Moment::Feedback { at, .. } | Moment::Post { at, .. } | Moment::Answer { at, .. } => *at,
            Moment::Score { score } => start_of(score.day).unwrap_or(Timestamp::MIN),
            Moment::Promise { promise } => promise.opened_at,
        }
    }
}

/// Scores in one window: NPS (promoters minus detractors) and CSAT's average.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ScoreWindow {
    pub nps: Option<f64>,
    pub nps_responses: i64,
    pub csat: Option<f64>,
    pub csat_responses: i64,
}

impl ScoreWindow {
    fn of<'a>(scores: impl Iterator<Item = &'a Score>) -> ScoreWindow {
        let c: OutcomeCounts = scores.collect();
        ScoreWindow { nps: c.nps(), nps_responses: c.nps_responses, csat: c.csat(), csat_responses: c.csat_responses }
    }
}

impl<'a> FromIterator<&'a Score> for OutcomeCounts {
    fn from_iter<I: IntoIterator<Item = &'a Score>>(scores: I) -> OutcomeCounts {
        let mut c = OutcomeCounts::default();
        for s in scores {
            match (s.kind, s.score) {
                ("nps", Some(v)) => {
                    c.nps_responses += 1;
                    c.promoters += i64::from(v >= 9.0);
                    c.detractors += i64::from(v <= 6.0);
                }
                ("csat", Some(v)) => {
                    c.csat_responses += 1;
                    c.csat_sum += v;
                }
                ("churn", _) => c.churn_events += 1,
                _ => {}
            }
        }
        c
    }
}

/// A closed loop and the customer's scores in the 90 days on each side.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LoopScores {
    #[serde(serialize_with = "crate::text::as_text")]
    pub follow_up_id: i64,
    pub closed_on: Date,
    pub told_customer: Option<bool>,
    pub before: ScoreWindow,
    pub after: ScoreWindow,
}

/// How a customer stands: what the customers list sorts and filters by.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Standing {
    #[serde(flatten)]
    pub customer: Customer,
    /// Stories they told (insights naming them).
    pub feedback: i64,
    pub scores: i64,
    /// Answers naming them.
    pub answers: i64,
    pub open_promises: i64,
    pub closed_promises: i64,
    /// Closed promises whose customer was told.
    pub told: i64,
    /// When the oldest open promise was made.
    pub waiting_since: Option<Timestamp>,
    pub last_score: Option<Score>,
    /// A detractor score after the last closed loop (or with none closed).
    pub detractor_waiting: bool,
    pub last_discussed: Option<Timestamp>,
    pub last_heard: Option<Timestamp>,
}

/// Counts of one customer's rows, as the database aggregates them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Tally {
    pub feedback: i64,
    pub last_feedback_ms: Option<i64>,
    pub answers: i64,
    pub last_answer_ms: Option<i64>,
    pub open_promises: i64,
    pub oldest_open_ms: Option<i64>,
    pub closed_promises: i64,
    pub told: i64,
    /// The day of the last closed promise.
    pub last_closed: Option<Date>,
}

fn at_ms(ms: Option<i64>) -> Option<Timestamp> {
    ms.and_then(|ms| Timestamp::from_millisecond(ms).ok())
}

impl Standing {
    /// From a customer's counts and their scores, oldest first.
    pub fn new(customer: Customer, t: &Tally, scores: &[Score], csat_at: f64) -> Standing {
        let last_score = scores.last().cloned();
        let last_heard_day = scores.iter().map(|s| s.day).max();
        let last_heard = [at_ms(t.last_feedback_ms), last_heard_day.and_then(start_of)].into_iter().flatten().max();
        let detractor_waiting =
            scores.iter().any(|s| s.is_detractor(csat_at) && t.last_closed.is_none_or(|closed| s.day > closed));
        Standing {
            customer,
            feedback: t.feedback,
            scores: scores.len() as i64,
            answers: t.answers,
            open_promises: t.open_promises,
            closed_promises: t.closed_promises,
            told: t.told,
            waiting_since: at_ms(t.oldest_open_ms),
            last_score,
            detractor_waiting,
            last_discussed: at_ms(t.last_answer_ms),
            last_heard,
        }
    }

    /// Whether nobody has named them in an answer since `since`.
    pub fn undiscussed_since(&self, since: Timestamp) -> bool {
        self.last_discussed.is_none_or(|at| at < since)
    }
}

fn start_of(day: Date) -> Option<Timestamp> {
    day.to_zoned(jiff::tz::TimeZone::UTC).ok().map(|z| z.timestamp())
}

/// Each closed promise's scores in the [`LOOP_WINDOW_DAYS`] before its
/// closing day and the same after it (the closing day counts as after).
pub fn loop_scores(promises: &[Promise], scores: &[Score]) -> Vec<LoopScores> {
    let window = SignedDuration::from_hours(24 * LOOP_WINDOW_DAYS);
    promises
        .iter()
        .filter_map(|p| {
            let closed_at = p.closed_at?;
            let closed_on = closed_at.to_zoned(jiff::tz::TimeZone::UTC).date();
            let (from, to) = (
                (closed_at - window).to_zoned(jiff::tz::TimeZone::UTC).date(),
                (closed_at + window).to_zoned(jiff::tz::TimeZone::UTC).date(),
            );
            Some(LoopScores {
                follow_up_id: p.id,
                closed_on,
                told_customer: p.told_customer,
                before: ScoreWindow::of(scores.iter().filter(|s| s.day >= from && s.day < closed_on)),
                after: ScoreWindow::of(scores.iter().filter(|s| s.day >= closed_on && s.day < to)),
            })
        })
        .collect()
}

/// A customer's record, timeline (newest first) and closed loops' scores.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Timeline {
    pub standing: Standing,
    pub moments: Vec<Moment>,
    pub loops: Vec<LoopScores>,
}

impl Timeline {
    pub fn new(standing: Standing, mut moments: Vec<Moment>, promises: &[Promise], scores: &[Score]) -> Timeline {
        moments.sort_by_key(|m| std::cmp::Reverse(m.at()));
        Timeline { loops: loop_scores(promises, scores), standing, moments }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn closed(id: i64, at: &str) -> Promise {
        Promise {
            id,
            text: "Call".into(),
            opened_at: "2026-01-01T00:00:00Z".parse().unwrap(),
            closed_at: Some(at.parse().unwrap()),
            outcome: None,
            told_customer: Some(true),
        }
    }

    #[test]
    fn a_closed_loop_compares_the_ninety_days_on_each_side() {
        let scores = [
            Score::new("nps", Some(2.0), date(2026, 1, 1)), // 100 days before: outside
            Score::new("nps", Some(3.0), date(2026, 3, 1)), // before
            Score::new("nps", Some(10.0), date(2026, 4, 10)), // the closing day: after
            Score::new("csat", Some(4.0), date(2026, 5, 1)), // after
            Score::new("nps", Some(9.0), date(2026, 9, 1)), // past 90 days: outside
        ];
        let loops = loop_scores(&[closed(7, "2026-04-10T12:00:00Z")], &scores);
        assert_eq!(loops.len(), 1);
        let l = &loops[0];
        assert_eq!((l.closed_on, l.before.nps, l.before.nps_responses), (date(2026, 4, 10), Some(-100.0), 1));
        assert_eq!((l.after.nps, l.after.nps_responses, l.after.csat), (Some(100.0), 1, Some(4.0)));
    }

    #[test]
    fn a_detractor_waits_until_a_loop_is_closed_after_it() {
        let customer = Customer {
            id: 1,
            name: "Acme".into(),
            aliases: vec![],
            segment: None,
            weight: None,
            owner_id: None,
            domains: vec![],
            crm_id: None,
            support_org_id: None,
        };
        let scores = [Score::new("nps", Some(4.0), date(2026, 3, 1)), Score::new("csat", Some(5.0), date(2026, 3, 5))];
        let open = Tally::default();
        assert!(Standing::new(customer.clone(), &open, &scores, 2.0).detractor_waiting);
        let closed_after = Tally { last_closed: Some(date(2026, 3, 2)), ..Tally::default() };
        assert!(!Standing::new(customer.clone(), &closed_after, &scores, 2.0).detractor_waiting);
        let closed_before = Tally { last_closed: Some(date(2026, 2, 1)), ..Tally::default() };
        let standing = Standing::new(customer, &closed_before, &scores, 2.0);
        assert!(standing.detractor_waiting);
        assert_eq!(standing.last_score.map(|s| s.kind), Some("csat"));
    }
}
