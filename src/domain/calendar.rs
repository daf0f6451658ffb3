//! Which of a guild's post days have no post: a skipped range (holidays,
//! a company offsite) or a pause. A skipped day is never caught up.

use std::fmt;

use jiff::civil::Date;

use super::period::parse_date;

/// The longest range one skip may cover.
pub const MAX_SKIP_DAYS: i32 = 366;

/// Days without posts, both ends included.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skip {
    pub id: i64,
    pub first: Date,
    pub last: Date,
    pub reason: Option<String>,
}

impl Skip {
    /// Reads `2026-12-24..2027-01-01`, or one day `2026-12-24`.
    pub fn parse_days(text: &str) -> Result<(Date, Date), String> {
        let (first, last) = match text.split_once("..") {
            Some((first, last)) => (parse_date(first)?, parse_date(last)?),
            None => {
                let day = parse_date(text)?;
                (day, day)
            }
        };
        if last < first {
            return Err(format!("the range ends ({last}) before it starts ({first}); write the earlier day first"));
        }
        if first.until(last).map_or(true, |span| span.get_days() >= MAX_SKIP_DAYS) {
            return Err(format!("a skip covers at most {MAX_SKIP_DAYS} days; use /setup pause for longer"));
        }
        Ok((first, last))
    }

    pub fn covers(&self, date: Date) -> bool {
        (self.first..=self.last).contains(&date)
    }
}

impl fmt::Display for Skip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.first == self.last {
            true => write!(f, "{}", self.first)?,
            false => write!(f, "{}..{}", self.first, self.last)?,
        }
        match &self.reason {
            Some(reason) => write!(f, " ({reason})"),
            None => Ok(()),
        }
    }
}

/// Posting stopped until a day (posts resume on it) or until resumed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pause {
    Until(Date),
    UntilResumed,
}

impl Pause {
    const UNTIL_RESUMED: &'static str = "resume";

    pub fn covers(self, date: Date) -> bool {
        match self {
            Pause::Until(until) => date < until,
            Pause::UntilResumed => true,
        }
    }

    /// As stored: the day posts resume, or `resume`.
    pub fn to_stored(self) -> String {
        match self {
            Pause::Until(date) => date.to_string(),
            Pause::UntilResumed => Self::UNTIL_RESUMED.into(),
        }
    }

    pub fn from_stored(text: &str) -> Result<Self, String> {
        match text {
            Self::UNTIL_RESUMED => Ok(Pause::UntilResumed),
            date => parse_date(date).map(Pause::Until),
        }
    }
}

/// Why a post day has no post.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DayOff {
    Skipped(Option<String>),
    Paused,
}

impl fmt::Display for DayOff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DayOff::Skipped(Some(reason)) => f.write_str(reason),
            DayOff::Skipped(None) => f.write_str("skipped"),
            DayOff::Paused => f.write_str("paused"),
        }
    }
}

/// Whether `date` is a day off: a skip covering it, else a pause.
pub fn day_off(skips: &[Skip], pause: Option<Pause>, date: Date) -> Option<DayOff> {
    if let Some(skip) = skips.iter().find(|s| s.covers(date)) {
        return Some(DayOff::Skipped(skip.reason.clone()));
    }
    pause.filter(|p| p.covers(date)).map(|_| DayOff::Paused)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn skip_ranges_read_one_day_or_a_range_and_refuse_nonsense() {
        assert_eq!(Skip::parse_days("2026-12-24..2027-01-01").unwrap(), (date(2026, 12, 24), date(2027, 1, 1)));
        assert_eq!(Skip::parse_days(" 2026-12-24 ").unwrap(), (date(2026, 12, 24), date(2026, 12, 24)));
        assert!(Skip::parse_days("2027-01-01..2026-12-24").unwrap_err().contains("earlier day first"));
        assert!(Skip::parse_days("2026-01-01..2027-06-01").unwrap_err().contains("/setup pause"));
        assert!(Skip::parse_days("christmas").unwrap_err().contains("2026-11-01"));
    }

    #[test]
    fn a_day_off_is_a_skip_first_then_a_pause() {
        let skips = [Skip { id: 1, first: date(2026, 12, 24), last: date(2027, 1, 1), reason: Some("holidays".into()) }];
        assert_eq!(day_off(&skips, None, date(2026, 12, 23)), None);
        assert_eq!(day_off(&skips, None, date(2027, 1, 1)), Some(DayOff::Skipped(Some("holidays".into()))));
        let pause = Some(Pause::Until(date(2027, 1, 5)));
        assert_eq!(day_off(&skips, pause, date(2027, 1, 4)), Some(DayOff::Paused));
        assert_eq!(day_off(&skips, pause, date(2027, 1, 5)), None, "posts resume on the day given");
        assert_eq!(day_off(&[], Some(Pause::UntilResumed), date(2030, 1, 1)), Some(DayOff::Paused));
    }

    #[test]
    fn pauses_round_trip_as_stored() {
        for pause in [Pause::Until(date(2027, 1, 5)), Pause::UntilResumed] {
            assert_eq!(Pause::from_stored(&pause.to_stored()).unwrap(), pause);
        }
    }
}
