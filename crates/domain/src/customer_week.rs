//! The summary's customer side: who was discussed and who was heard from
//! in a period, the voices of the period, and each segment's share of the
//! discussion beside its share of the feedback. Pure; the store counts.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::Serialize;

use crate::timeline::Score;

/// A customer the period's rows name.
#[derive(Clone, Debug, PartialEq)]
pub struct CustomerRow {
    pub name: String,
    pub segment: Option<String>,
    pub weight: Option<f64>,
}

/// One piece of feedback of the period: a story (an insight) or a score.
#[derive(Clone, Debug, PartialEq)]
pub struct FeedbackRow {
    pub customer_id: Option<i64>,
    /// The customer's segment, or else the row's own.
    pub segment: Option<String>,
    pub score: Option<Score>,
}

/// What the store reads for the customer side of one period.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CustomerWeek {
    /// The customers named or heard from, by id.
    pub customers: BTreeMap<i64, CustomerRow>,
    /// (customer, answers of the period naming them)
    pub named: Vec<(i64, i64)>,
    /// Answers of the period naming any customer.
    pub naming_answers: i64,
    pub feedback: Vec<FeedbackRow>,
    /// (customer, day) of each loop closed for a customer from the
    /// period's start to `wait_days` after its end.
    pub loops_closed: Vec<(i64, Date)>,
    /// The mean weight of the guild's weighted customers: `Some` when the
    /// team has set weights, and then shares are weighted.
    pub mean_weight: Option<f64>,
    /// A CSAT at or below this is a detractor's (the guild's setting).
    pub csat_at: f64,
    /// Days a customer should wait at most for a closed loop.
    pub wait_days: i64,
}

/// Most customers listed as the period's voices.
pub const VOICES: usize = 5;

/// One customer's share of the answers that name any customer.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Voice {
    #[serde(serialize_with = "crate::text::as_text")]
    pub customer_id: i64,
    pub name: String,
    pub answers: i64,
    pub pct: f64,
}

/// A segment's part of what the team discussed and of what customers said.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SegmentShare {
    pub segment: String,
    /// Answers naming its customers.
    pub answers: i64,
    pub feedback: i64,
    pub detractors: i64,
    /// Shares in percent, weighted when the team has set weights.
    pub discussion_pct: Option<f64>,
    pub feedback_pct: Option<f64>,
    pub detractor_pct: Option<f64>,
}

/// The customer side of a summary.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct CustomerSide {
    /// The customers most named in answers, most first.
    pub voices: Vec<Voice>,
    /// One customer is more than half of the answers naming any customer:
    /// one customer is not all customers.
    pub one_voice: bool,
    pub segments: Vec<SegmentShare>,
    /// Whether the shares are weighted by the customers' weights.
    pub weighted: bool,
}

/// The customer side's headline numbers.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CustomerCounts {
    pub discussed: i64,
    pub heard_from: i64,
    pub detractors: i64,
    pub detractor_loops_closed: i64,
}

fn share(part: f64, whole: f64) -> Option<f64> {
    (whole > 0.0).then(|| (part * 1000.0 / whole).round() / 10.0)
}

impl CustomerWeek {
    fn is_detractor(&self, row: &FeedbackRow) -> bool {
        row.score.as_ref().is_some_and(|s| s.kind != "churn" && s.is_detractor(self.csat_at))
    }

    /// A row's weight: its customer's, else the guild's mean (a customer
    /// whose weight nobody set counts as an average one); 1 unweighted.
    fn weight(&self, customer: Option<i64>) -> f64 {
        let Some(mean) = self.mean_weight else { return 1.0 };
        customer.and_then(|c| self.customers.get(&c)?.weight).unwrap_or(mean)
    }

    pub fn counts(&self) -> CustomerCounts {
        let heard: std::collections::BTreeSet<i64> = self.feedback.iter().filter_map(|f| f.customer_id).collect();
        let detractors: Vec<&FeedbackRow> = self.feedback.iter().filter(|f| self.is_detractor(f)).collect();
        let closed_in_time = |f: &&&FeedbackRow| {
            let (Some(c), Some(score)) = (f.customer_id, &f.score) else { return false };
            let by = score.day.checked_add(jiff::Span::new().days(self.wait_days)).unwrap_or(score.day);
            self.loops_closed.iter().any(|(customer, day)| *customer == c && (score.day..=by).contains(day))
        };
        CustomerCounts {
            discussed: self.named.len() as i64,
            heard_from: heard.len() as i64,
            detractors: detractors.len() as i64,
            detractor_loops_closed: detractors.iter().filter(closed_in_time).count() as i64,
        }
    }

    pub fn side(&self) -> CustomerSide {
        let mut named = self.named.clone();
        named.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let voices: Vec<Voice> = named
            .iter()
            .take(VOICES)
            .map(|&(id, answers)| Voice {
                customer_id: id,
                name: self.customers.get(&id).map_or_else(String::new, |c| c.name.clone()),
                answers,
                pct: share(answers as f64, self.naming_answers as f64).unwrap_or(0.0),
            })
            .collect();
        CustomerSide {
            one_voice: voices.first().is_some_and(|v| v.answers * 2 > self.naming_answers),
            voices,
            segments: self.segment_shares(),
            weighted: self.mean_weight.is_some(),
        }
    }

    /// Segments in name order; rows without a segment are in no share.
    fn segment_shares(&self) -> Vec<SegmentShare> {
        #[derive(Default)]
        struct Sums {
            answers: i64,
            feedback: i64,
            detractors: i64,
            weighed: [f64; 3],
        }
        let mut by: BTreeMap<&str, Sums> = BTreeMap::new();
        for (id, answers) in &self.named {
            if let Some(segment) = self.customers.get(id).and_then(|c| c.segment.as_deref()) {
                let s = by.entry(segment).or_default();
                s.answers += answers;
                s.weighed[0] += *answers as f64 * self.weight(Some(*id));
            }
        }
        for f in &self.feedback {
            if let Some(segment) = f.segment.as_deref() {
                let (s, w) = (by.entry(segment).or_default(), self.weight(f.customer_id));
                s.feedback += 1;
                s.weighed[1] += w;
                if self.is_detractor(f) {
                    s.detractors += 1;
                    s.weighed[2] += w;
                }
            }
        }
        let total = |i: usize| by.values().map(|s| s.weighed[i]).sum::<f64>();
        let totals = [total(0), total(1), total(2)];
        by.iter()
            .map(|(segment, s)| SegmentShare {
                segment: segment.to_string(),
                answers: s.answers,
                feedback: s.feedback,
                detractors: s.detractors,
                discussion_pct: share(s.weighed[0], totals[0]),
                feedback_pct: share(s.weighed[1], totals[1]),
                detractor_pct: share(s.weighed[2], totals[2]),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn customer(name: &str, segment: &str, weight: Option<f64>) -> CustomerRow {
        CustomerRow { name: name.into(), segment: Some(segment.into()), weight }
    }

    fn score(customer: i64, segment: &str, nps: f64, day: Date) -> FeedbackRow {
        FeedbackRow {
            customer_id: Some(customer),
            segment: Some(segment.into()),
            score: Some(Score::new("nps", Some(nps), day)),
        }
    }

    fn week(named: &[(i64, i64)], naming: i64) -> CustomerWeek {
        CustomerWeek {
            customers: [
                (1, customer("Acme", "enterprise", Some(900.0))),
                (2, customer("Globex", "smb", Some(100.0))),
                (3, customer("Initech", "smb", None)),
            ]
            .into(),
            named: named.to_vec(),
            naming_answers: naming,
            csat_at: 2.0,
            wait_days: 14,
            ..CustomerWeek::default()
        }
    }

    #[test]
    fn one_customer_over_half_of_the_naming_answers_is_flagged() {
        let side = week(&[(1, 7), (2, 3)], 10).side();
        assert!(side.one_voice, "70% is one voice");
        assert_eq!((side.voices[0].name.as_str(), side.voices[0].pct), ("Acme", 70.0));
        assert!(!week(&[(1, 4), (2, 3), (3, 3)], 10).side().one_voice, "40% is not");
        assert!(!week(&[(1, 5), (2, 5)], 10).side().one_voice, "half is not more than half");
    }

    #[test]
    fn an_answer_naming_two_customers_counts_once_in_the_whole() {
        // Two answers, both naming Acme and Globex: each is in all of them.
        let side = week(&[(1, 2), (2, 2)], 2).side();
        assert_eq!(side.voices.iter().map(|v| v.pct).collect::<Vec<_>>(), [100.0, 100.0]);
        assert!(side.one_voice, "more than half of the answers name Acme");
    }

    #[test]
    fn detractors_count_a_loop_closed_within_the_wait() {
        let mut w = week(&[], 0);
        let day = date(2026, 11, 2);
        w.feedback = vec![score(1, "enterprise", 3.0, day), score(2, "smb", 5.0, day), score(3, "smb", 9.0, day)];
        w.loops_closed = vec![(1, date(2026, 11, 16)), (2, date(2026, 11, 17)), (3, day)];
        let c = w.counts();
        assert_eq!((c.heard_from, c.detractors, c.detractor_loops_closed), (3, 2, 1), "Globex's came a day late");
    }

    #[test]
    fn shares_are_weighted_when_the_team_set_weights() {
        let day = date(2026, 11, 2);
        let mut w = week(&[(1, 1), (2, 9)], 10);
        w.feedback = vec![score(1, "enterprise", 3.0, day), score(2, "smb", 3.0, day), score(3, "smb", 10.0, day)];
        let shares = w.side().segments;
        let plain: Vec<_> = shares.iter().map(|s| (s.discussion_pct, s.detractor_pct)).collect();
        assert_eq!(plain, [(Some(10.0), Some(50.0)), (Some(90.0), Some(50.0))]);
        // Acme weighs 900, Globex 100, Initech (unset) the mean, 500.
        w.mean_weight = Some(500.0);
        let side = w.side();
        assert!(side.weighted);
        let enterprise = &side.segments[0];
        assert_eq!((enterprise.discussion_pct, enterprise.detractor_pct), (Some(50.0), Some(90.0)));
        assert_eq!(enterprise.feedback_pct, Some(60.0), "900 of 900 + 100 + 500");
    }
}
