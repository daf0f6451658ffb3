//! The periods a summary covers: an ISO week, a calendar month, a
//! quarter, or any range of days, always whole local days in the guild's
//! zone (so a period with a DST change is an hour shorter or longer).

use std::fmt;

use jiff::civil::{Date, Time};
use jiff::{Span, Timestamp};

use super::time::{IsoWeek, Zone};

/// Longest custom range, in days: ten years, a bound on the work one
/// report asks of the database.
pub const MAX_RANGE_DAYS: i32 = 3660;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Period {
    Week(IsoWeek),
    /// A calendar month: its first day.
    Month(Date),
    /// A quarter: its first day (1 January, April, July or October).
    Quarter(Date),
    /// From the first day to the last, both included.
    Range(Date, Date),
}

impl Period {
    /// Reads `2026-W47`, `2026-11`, `2026-Q4` or `2026-11-01..2026-11-15`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if let Some((from, to)) = text.split_once("..") {
            return Period::range(parse_date(from)?, parse_date(to)?);
        }
        if text.contains(['W', 'w']) {
            return IsoWeek::parse(text).map(Period::Week);
        }
        if text.contains(['Q', 'q']) {
            return Period::parse_quarter(text);
        }
        if text.len() <= 8 {
            return Period::parse_month(text);
        }
        Err(format!(
            "`{text}` is not a period; write a week (2026-W47), a month (2026-11), a quarter (2026-Q4) \
             or a range of days (2026-11-01..2026-11-15)"
        ))
    }

    pub fn parse_month(text: &str) -> Result<Self, String> {
        let bad = || format!("`{text}` is not a month; write it like 2026-11");
        let (year, month) = text.trim().split_once('-').ok_or_else(bad)?;
        let (year, month): (i16, i8) = (year.parse().map_err(|_| bad())?, month.parse().map_err(|_| bad())?);
        Date::new(year, month, 1).map(Period::Month).map_err(|_| bad())
    }

    pub fn parse_quarter(text: &str) -> Result<Self, String> {
        let bad = || format!("`{text}` is not a quarter; write it like 2026-Q4");
        let (year, quarter) = text.trim().split_once('-').ok_or_else(bad)?;
        let quarter = quarter.strip_prefix(['Q', 'q']).ok_or_else(bad)?;
        let (year, quarter): (i16, i8) = (year.parse().map_err(|_| bad())?, quarter.parse().map_err(|_| bad())?);
        if !(1..=4).contains(&quarter) {
            return Err(bad());
        }
        Date::new(year, (quarter - 1) * 3 + 1, 1).map(Period::Quarter).map_err(|_| bad())
    }

    /// The days `from` to `to`, both included.
    pub fn range(from: Date, to: Date) -> Result<Self, String> {
        if to < from {
            return Err(format!("the range ends ({to}) before it starts ({from}); write the earlier day first"));
        }
        if days_between(from, to) >= MAX_RANGE_DAYS {
            return Err(format!("a range covers at most {MAX_RANGE_DAYS} days; {from}..{to} is longer"));
        }
        Ok(Period::Range(from, to))
    }

    pub fn first_day(self) -> Date {
        match self {
            Period::Week(week) => week.monday(),
            Period::Month(first) | Period::Quarter(first) | Period::Range(first, _) => first,
        }
    }

    /// The day after the last.
    fn end_day(self) -> Date {
        let add = |span: Span| self.first_day().saturating_add(span);
        match self {
            Period::Week(_) => add(Span::new().days(7)),
            Period::Month(_) => add(Span::new().months(1)),
            Period::Quarter(_) => add(Span::new().months(3)),
            Period::Range(_, last) => last.saturating_add(Span::new().days(1)),
        }
    }

    pub fn last_day(self) -> Date {
        self.end_day().saturating_sub(Span::new().days(1))
    }

    pub fn days(self) -> i32 {
        days_between(self.first_day(), self.end_day())
    }

    /// The period of the same kind and length just before this one.
    pub fn previous(self) -> Self {
        let back = |span: Span| self.first_day().saturating_sub(span);
        match self {
            Period::Week(week) => Period::Week(week.previous()),
            Period::Month(_) => Period::Month(back(Span::new().months(1))),
            Period::Quarter(_) => Period::Quarter(back(Span::new().months(3))),
            Period::Range(first, _) => {
                let last = first.saturating_sub(Span::new().days(1));
                Period::Range(back(Span::new().days(i64::from(self.days()))), last)
            }
        }
    }

    /// Local midnight of the first day to local midnight after the last.
    pub fn window(self, zone: &Zone) -> (Timestamp, Timestamp) {
        let midnight = Time::midnight();
        (zone.instant(self.first_day(), midnight), zone.instant(self.end_day(), midnight))
    }

    /// `week`, `month`, `quarter` or `range` (the JSON's `period.kind`).
    pub fn kind(self) -> &'static str {
        match self {
            Period::Week(_) => "week",
            Period::Month(_) => "month",
            Period::Quarter(_) => "quarter",
            Period::Range(..) => "range",
        }
    }

    /// How people name it: "this week", "the previous quarter".
    pub fn noun(self) -> &'static str {
        match self {
            Period::Range(..) => "period",
            _ => self.kind(),
        }
    }

    /// The ISO week, when the period is one.
    pub fn week(self) -> Option<IsoWeek> {
        match self {
            Period::Week(week) => Some(week),
            _ => None,
        }
    }
}

impl From<IsoWeek> for Period {
    fn from(week: IsoWeek) -> Self {
        Period::Week(week)
    }
}

/// The text `parse` reads back.
impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Period::Week(week) => write!(f, "{week}"),
            Period::Month(first) => write!(f, "{}-{:02}", first.year(), first.month()),
            Period::Quarter(first) => write!(f, "{}-Q{}", first.year(), (first.month() - 1) / 3 + 1),
            Period::Range(first, last) => write!(f, "{first}..{last}"),
        }
    }
}

pub fn parse_date(text: &str) -> Result<Date, String> {
    text.trim().parse().map_err(|_| format!("`{}` is not a day; write it like 2026-11-01", text.trim()))
}

fn days_between(from: Date, to: Date) -> i32 {
    from.until(to).map_or(i32::MAX, |span| span.get_days())
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn berlin() -> Zone {
        Zone::parse("Europe/Berlin").unwrap()
    }

    #[test]
    fn every_kind_reads_back_what_it_writes() {
        for text in ["2026-W47", "2026-11", "2026-Q4", "2026-11-01..2026-11-15", "2027-W01", "2026-02"] {
            assert_eq!(Period::parse(text).unwrap().to_string(), text);
        }
    }

    #[test]
    fn bad_periods_say_how_to_write_them() {
        for text in ["2026-13", "2026-Q5", "2026-W54", "soon", "2026-11-15..2026-11-01", "2026-11-31..2026-12-01"] {
            assert!(Period::parse(text).is_err(), "{text}");
        }
        assert!(Period::parse("2016-01-01..2026-12-31").unwrap_err().contains("at most"));
    }

    #[test]
    fn a_month_and_a_quarter_are_calendar_ones_and_the_previous_is_the_same_kind() {
        let feb = Period::parse("2028-02").unwrap();
        assert_eq!((feb.first_day(), feb.last_day(), feb.days()), (date(2028, 2, 1), date(2028, 2, 29), 29));
        assert_eq!(feb.previous().to_string(), "2028-01");
        assert_eq!(Period::parse("2027-01").unwrap().previous().to_string(), "2026-12");
        let q1 = Period::parse("2027-Q1").unwrap();
        assert_eq!((q1.last_day(), q1.days()), (date(2027, 3, 31), 90));
        assert_eq!(q1.previous().to_string(), "2026-Q4");
    }

    #[test]
    fn a_range_is_compared_with_as_many_days_just_before() {
        let range = Period::parse("2026-11-10..2026-11-16").unwrap();
        assert_eq!(range.days(), 7);
        assert_eq!(range.previous().to_string(), "2026-11-03..2026-11-09");
        let one_day = Period::parse("2026-03-01..2026-03-01").unwrap();
        assert_eq!(one_day.previous().to_string(), "2026-02-28..2026-02-28");
    }

    #[test]
    fn windows_are_local_midnights_and_a_dst_change_shortens_the_month() {
        // Berlin springs forward on 29 March 2026: March has 743 hours.
        let (start, end) = Period::parse("2026-03").unwrap().window(&berlin());
        assert_eq!(start.to_string(), "2026-02-28T23:00:00Z");
        assert_eq!(end.to_string(), "2026-03-31T22:00:00Z");
        assert_eq!(end.duration_since(start).as_hours(), 31 * 24 - 1);
        // A range across the autumn change is an hour longer.
        let (start, end) = Period::parse("2026-10-24..2026-10-25").unwrap().window(&berlin());
        assert_eq!(end.duration_since(start).as_hours(), 49);
    }
}
