//! Which of a guild's post days have no post: a skipped range (holidays,
//! a company offsite) or a pause. A skipped day is never caught up.

use std::fmt;

use jiff::civil::Date;

use super::period::parse_date;

/// A guild's scheduled jobs, each with its own next due time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scheduled {
    DailyPost,
    Summary,
}

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

/// Posting stopped from a day until the day it resumes (or until
/// resumed by hand). Kept once over, so past summaries still see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pause {
    pub from: Date,
    /// The day posts resume; `None`: until `/setup resume`.
    pub until: Option<Date>,
}

impl Pause {
    pub fn covers(self, date: Date) -> bool {
        self.from <= date && self.until.is_none_or(|until| date < until)
    }

    /// As stored: `2026-12-01..2027-01-05`, or `2026-12-01..` until resumed.
    pub fn to_stored(self) -> String {
        format!("{}..{}", self.from, self.until.map(|d| d.to_string()).unwrap_or_default())
    }

    pub fn from_stored(text: &str) -> Result<Self, String> {
        let (from, until) = text.split_once("..").ok_or_else(|| format!("`{text}` is not a pause"))?;
        let until = Some(until).filter(|u| !u.is_empty()).map(parse_date).transpose()?;
        Ok(Pause { from: parse_date(from)?, until })
    }

    /// The days it covered up to `today` (excluded) as a skip, for the
    /// record once it is over or replaced; `None` if none had passed.
    pub fn elapsed(self, today: Date) -> Option<(Date, Date)> {
        let end = self.until.map_or(today, |until| until.min(today));
        (self.from < end).then(|| (self.from, end.yesterday().unwrap_or(end)))
    }
}

/// A country's public holidays: day → name.
pub type Holidays = std::sync::Arc<std::collections::BTreeMap<Date, String>>;

/// Why a post day has no post.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DayOff {
    Skipped(Option<String>),
    Paused,
    Holiday(String),
}

impl fmt::Display for DayOff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DayOff::Skipped(Some(reason)) => f.write_str(reason),
            DayOff::Skipped(None) => f.write_str("skipped"),
            DayOff::Paused => f.write_str("paused"),
            DayOff::Holiday(name) => f.write_str(name),
        }
    }
}

/// Whether `date` is a day off: a skip covering it, else a pause, else
/// a public holiday.
pub fn day_off(skips: &[Skip], pause: Option<Pause>, holidays: &Holidays, date: Date) -> Option<DayOff> {
    if let Some(skip) = skips.iter().find(|s| s.covers(date)) {
        return Some(DayOff::Skipped(skip.reason.clone()));
    }
    if pause.is_some_and(|p| p.covers(date)) {
        return Some(DayOff::Paused);
    }
    holidays.get(&date).map(|name| DayOff::Holiday(name.clone()))
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
        let skips =
            [Skip { id: 1, first: date(2026, 12, 24), last: date(2027, 1, 1), reason: Some("holidays".into()) }];
        let none = Holidays::default();
        assert_eq!(day_off(&skips, None, &none, date(2026, 12, 23)), None);
        assert_eq!(day_off(&skips, None, &none, date(2027, 1, 1)), Some(DayOff::Skipped(Some("holidays".into()))));
        let pause = Some(Pause { from: date(2026, 12, 20), until: Some(date(2027, 1, 5)) });
        assert_eq!(day_off(&skips, pause, &none, date(2027, 1, 4)), Some(DayOff::Paused));
        assert_eq!(day_off(&skips, pause, &none, date(2027, 1, 5)), None, "posts resume on the day given");
        assert_eq!(day_off(&skips, pause, &none, date(2026, 12, 19)), None, "days before the pause are not in it");
        let open = Pause { from: date(2026, 12, 20), until: None };
        assert_eq!(day_off(&[], Some(open), &none, date(2030, 1, 1)), Some(DayOff::Paused));
        let unity: Holidays = std::sync::Arc::new([(date(2026, 10, 3), "German Unity Day".to_string())].into());
        assert_eq!(day_off(&[], None, &unity, date(2026, 10, 3)), Some(DayOff::Holiday("German Unity Day".into())));
        assert_eq!(day_off(&[], None, &unity, date(2026, 10, 2)), None);
    }

    #[test]
    fn pauses_round_trip_as_stored_and_leave_their_past_as_a_skip() {
        let until = Pause { from: date(2026, 12, 20), until: Some(date(2027, 1, 5)) };
        let open = Pause { from: date(2026, 12, 20), until: None };
        for pause in [until, open] {
            assert_eq!(Pause::from_stored(&pause.to_stored()).unwrap(), pause);
        }
        assert_eq!(open.elapsed(date(2026, 12, 28)), Some((date(2026, 12, 20), date(2026, 12, 27))));
        assert_eq!(until.elapsed(date(2027, 2, 1)), Some((date(2026, 12, 20), date(2027, 1, 4))));
        assert_eq!(open.elapsed(date(2026, 12, 20)), None, "resumed the day it began");
    }
}
