//! How customers are doing, from imported feedback: NPS responses, CSAT
//! scores and churn events, counted per period beside the team's numbers.
//! Shown side by side; nothing here says one causes the other.

use jiff::civil::Date;

use crate::insight::Segment;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutcomeKind {
    /// "How likely are you to recommend us?", 0 to 10.
    Nps,
    /// A satisfaction score, on whatever scale the tool uses.
    Csat,
    /// A customer who left.
    Churn,
}

impl OutcomeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            OutcomeKind::Nps => "nps",
            OutcomeKind::Csat => "csat",
            OutcomeKind::Churn => "churn",
        }
    }
}

/// One feedback row's outcome, keyed like its insight so a row imported
/// twice counts once.
#[derive(Clone, Debug, PartialEq)]
pub struct NewOutcome {
    pub kind: OutcomeKind,
    pub score: Option<f64>,
    /// The day of the feedback (the import's day when the export has none).
    pub day: Option<Date>,
    pub key: String,
    /// Who answered, as the export names them (empty when it does not).
    pub customer: String,
    /// Their segment, when the export gives one.
    pub segment: Option<Segment>,
}

/// What a row with this score and source says about its customer: an NPS
/// response when the score is a whole number from 0 to 10 and the column
/// or source says NPS, a CSAT score for any other score, a churn event
/// from a churn export; `None` without a score outside churn.
pub fn outcome_of(
    score: Option<f64>,
    nps_column: bool,
    csat_column: bool,
    churn: bool,
) -> Option<(OutcomeKind, Option<f64>)> {
    if churn {
        return Some((OutcomeKind::Churn, score));
    }
    let score = score?;
    let nps_scale = score.fract() == 0.0 && (0.0..=10.0).contains(&score);
    match nps_column && nps_scale && !csat_column {
        true => Some((OutcomeKind::Nps, Some(score))),
        false => Some((OutcomeKind::Csat, Some(score))),
    }
}

/// A period's outcomes, as the database counts them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OutcomeCounts {
    pub nps_responses: i64,
    /// Scores 9 and 10.
    pub promoters: i64,
    /// Scores 0 to 6.
    pub detractors: i64,
    pub csat_responses: i64,
    pub csat_sum: f64,
    pub churn_events: i64,
}

impl OutcomeCounts {
    /// Promoters minus detractors, in percent of responses (one decimal).
    pub fn nps(&self) -> Option<f64> {
        (self.nps_responses > 0)
            .then(|| ((self.promoters - self.detractors) as f64 * 1000.0 / self.nps_responses as f64).round() / 10.0)
    }

    /// The average score (two decimals).
    pub fn csat(&self) -> Option<f64> {
        (self.csat_responses > 0).then(|| (self.csat_sum * 100.0 / self.csat_responses as f64).round() / 100.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nps_is_promoters_minus_detractors_in_percent() {
        let c = OutcomeCounts { nps_responses: 7, promoters: 3, detractors: 2, ..Default::default() };
        assert_eq!(c.nps(), Some(14.3));
        assert_eq!(OutcomeCounts::default().nps(), None, "no responses, no NPS");
        let c = OutcomeCounts { csat_responses: 3, csat_sum: 13.0, ..Default::default() };
        assert_eq!(c.csat(), Some(4.33));
    }

    #[test]
    fn a_row_is_nps_only_on_the_nps_scale_under_an_nps_column_or_source() {
        assert_eq!(outcome_of(Some(9.0), true, false, false), Some((OutcomeKind::Nps, Some(9.0))));
        assert_eq!(outcome_of(Some(4.0), false, true, false), Some((OutcomeKind::Csat, Some(4.0))), "a CSAT column");
        assert_eq!(outcome_of(Some(72.0), true, false, false), Some((OutcomeKind::Csat, Some(72.0))), "not 0-10");
        assert_eq!(outcome_of(Some(8.5), true, false, false), Some((OutcomeKind::Csat, Some(8.5))), "not whole");
        assert_eq!(outcome_of(None, true, false, false), None, "no score, no outcome");
        assert_eq!(outcome_of(None, false, false, true), Some((OutcomeKind::Churn, None)));
    }
}
