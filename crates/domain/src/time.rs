//! Time in a guild's zone: parsed zones and times of day, ISO weeks, and
//! when a daily or weekly job is due. Pure; the caller passes "now".

use std::fmt;

use jiff::civil::{Date, DateTime, ISOWeekDate, Time, Weekday};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

/// An IANA time zone, checked against the bundled tz database.
#[derive(Clone, Debug)]
pub struct Zone {
    name: String,
    tz: TimeZone,
}

impl Zone {
    pub fn parse(name: &str) -> Result<Self, String> {
        let name = name.trim();
        match TimeZone::get(name) {
            Ok(tz) => Ok(Zone { name: name.to_string(), tz }),
            Err(_) => Err(format!(
                "`{name}` is not an IANA time zone; use a name such as Europe/Berlin, America/New_York or UTC"
            )),
        }
    }

    pub fn utc() -> Self {
        Zone { name: "UTC".into(), tz: TimeZone::UTC }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// The local calendar date of an instant.
    /// "2026-11-23 09:30": an instant as the guild reads its clocks.
    pub fn clock_time(&self, at: Timestamp) -> String {
        at.to_zoned(self.tz.clone()).strftime("%Y-%m-%d %H:%M").to_string()
    }

    pub fn date_of(&self, at: Timestamp) -> Date {
        at.to_zoned(self.tz.clone()).date()
    }

    /// The local date of the last instant before `end`: a week window's
    /// last day.
    pub fn last_date_before(&self, end: Timestamp) -> Date {
        self.date_of(end - SignedDuration::from_millis(1))
    }

    /// The instant a local date and time happen. A time skipped by a DST
    /// change moves forward by the gap; a repeated one takes the first.
    pub fn instant(&self, date: Date, time: Time) -> Timestamp {
        self.tz
            .to_ambiguous_timestamp(date.to_datetime(time))
            .compatible()
            // Only dates near jiff's limits (year ±9999) fail; clamp to UTC.
            .unwrap_or_else(|_| {
                DateTime::from(date).to_zoned(TimeZone::UTC).map(|z| z.timestamp()).unwrap_or(Timestamp::UNIX_EPOCH)
            })
    }
}

impl PartialEq for Zone {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl fmt::Display for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

/// A local time of day with minute precision, written `HH:MM`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LocalTime(Time);

impl LocalTime {
    pub fn parse(text: &str) -> Result<Self, String> {
        let bad = || format!("`{text}` is not a time of day; write it as HH:MM in 24-hour form, e.g. 09:00 or 16:30");
        let (h, m) = text.trim().split_once(':').ok_or_else(bad)?;
        let digits = |s: &str, len: std::ops::RangeInclusive<usize>| {
            len.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
        };
        if !digits(h, 1..=2) || !digits(m, 2..=2) {
            return Err(bad());
        }
        let time = Time::new(h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?, 0, 0);
        time.map(LocalTime).map_err(|_| bad())
    }

    pub fn hm(hour: i8, minute: i8) -> Self {
        LocalTime(Time::new(hour, minute, 0, 0).expect("valid hour and minute"))
    }

    pub fn time(self) -> Time {
        self.0
    }
}

impl fmt::Display for LocalTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.0.hour(), self.0.minute())
    }
}

/// Parses a weekday name in English, full or three letters, any case.
pub fn parse_weekday(text: &str) -> Result<Weekday, String> {
    let lower = text.trim().to_lowercase();
    let days = [
        ("monday", Weekday::Monday),
        ("tuesday", Weekday::Tuesday),
        ("wednesday", Weekday::Wednesday),
        ("thursday", Weekday::Thursday),
        ("friday", Weekday::Friday),
        ("saturday", Weekday::Saturday),
        ("sunday", Weekday::Sunday),
    ];
    days.iter()
        .find(|(name, _)| lower.len() >= 3 && name.starts_with(&lower))
        .map(|(_, day)| *day)
        .ok_or_else(|| format!("`{text}` is not a weekday; use monday, tuesday, … sunday"))
}

pub fn weekday_name(day: Weekday) -> &'static str {
    match day {
        Weekday::Monday => "monday",
        Weekday::Tuesday => "tuesday",
        Weekday::Wednesday => "wednesday",
        Weekday::Thursday => "thursday",
        Weekday::Friday => "friday",
        Weekday::Saturday => "saturday",
        Weekday::Sunday => "sunday",
    }
}

/// An ISO 8601 week such as `2026-W47`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct IsoWeek(ISOWeekDate);

impl IsoWeek {
    pub fn parse(text: &str) -> Result<Self, String> {
        let bad = || format!("`{text}` is not an ISO week; write it like 2026-W47");
        let (year, week) = text.trim().split_once(['-']).ok_or_else(bad)?;
        let week = week.strip_prefix(['W', 'w']).ok_or_else(bad)?;
        let (year, week): (i16, i8) = (year.parse().map_err(|_| bad())?, week.parse().map_err(|_| bad())?);
        ISOWeekDate::new(year, week, Weekday::Monday).map(IsoWeek).map_err(|_| bad())
    }

    /// The week that contains an instant, in a zone.
    pub fn containing(at: Timestamp, zone: &Zone) -> Self {
        Self::of_date(zone.date_of(at))
    }

    pub fn of_date(date: Date) -> Self {
        let iso = date.iso_week_date();
        IsoWeek(ISOWeekDate::new(iso.year(), iso.week(), Weekday::Monday).expect("week of a valid date"))
    }

    pub fn monday(self) -> Date {
        self.0.date()
    }

    /// "W47": the week without its year, for axes.
    pub fn short_name(self) -> String {
        format!("W{:02}", self.0.week())
    }

    pub fn previous(self) -> Self {
        Self::of_date(self.monday().saturating_sub(jiff::Span::new().days(7)))
    }

    pub fn next(self) -> Self {
        Self::of_date(self.monday().saturating_add(jiff::Span::new().days(7)))
    }

    /// Monday 00:00 to the next Monday 00:00, local to the zone: a week
    /// with a DST change is 167 or 169 hours long.
    pub fn window(self, zone: &Zone) -> (Timestamp, Timestamp) {
        let midnight = Time::midnight();
        (zone.instant(self.monday(), midnight), zone.instant(self.next().monday(), midnight))
    }
}

impl fmt::Display for IsoWeek {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-W{:02}", self.0.year(), self.0.week())
    }
}

/// Which local days a job runs on: a set of weekdays.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Days(u8);

const WEEK: [Weekday; 7] = [
    Weekday::Monday,
    Weekday::Tuesday,
    Weekday::Wednesday,
    Weekday::Thursday,
    Weekday::Friday,
    Weekday::Saturday,
    Weekday::Sunday,
];

impl Days {
    pub const EVERY: Days = Days(0b111_1111);
    pub const WEEKDAYS: Days = Days(0b001_1111);

    pub fn only(day: Weekday) -> Days {
        Days(1 << day.to_monday_zero_offset())
    }

    /// `daily`, `weekdays`, or weekdays separated by commas or spaces
    /// (`mon,wed,fri`).
    pub fn parse(text: &str) -> Result<Days, String> {
        match text.trim().to_lowercase().as_str() {
            "daily" | "every day" | "everyday" => return Ok(Days::EVERY),
            "weekdays" => return Ok(Days::WEEKDAYS),
            _ => {}
        }
        let mut days = Days(0);
        for word in text.split([',', ' ']).filter(|w| !w.trim().is_empty()) {
            let day = parse_weekday(word).map_err(|_| {
                format!("`{text}` is not a set of days; write daily, weekdays, or days like mon,wed,fri")
            })?;
            days.0 |= Days::only(day).0;
        }
        match days.0 {
            0 => Err("name at least one day: daily, weekdays, or days like mon,wed,fri".into()),
            _ => Ok(days),
        }
    }

    pub fn includes(self, date: Date) -> bool {
        self.0 & Days::only(date.weekday()).0 != 0
    }

    /// How many days a week these are.
    pub fn per_week(self) -> u32 {
        self.0.count_ones()
    }
}

impl fmt::Display for Days {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Days::EVERY => f.write_str("daily"),
            Days::WEEKDAYS => f.write_str("weekdays"),
            days => {
                let names: Vec<&str> =
                    WEEK.iter().filter(|&&d| days.0 & Days::only(d).0 != 0).map(|&d| &weekday_name(d)[..3]).collect();
                f.write_str(&names.join(","))
            }
        }
    }
}

/// A job that runs at a local time on some days, in a zone.
#[derive(Clone, Debug)]
pub struct Schedule {
    pub zone: Zone,
    pub at: LocalTime,
    pub days: Days,
}

impl Schedule {
    /// The first instant strictly after `now` when the job is due.
    pub fn next_after(&self, now: Timestamp) -> Timestamp {
        let mut date = self.zone.date_of(now).yesterday().unwrap_or(Date::MIN);
        loop {
            if self.days.includes(date) {
                let at = self.zone.instant(date, self.at.time());
                if at > now {
                    return at;
                }
            }
            date = date.tomorrow().unwrap_or(Date::MAX);
        }
    }

    /// The local date of the slot due at `now`: its time has come and
    /// passed by no more than `catch_up`. Slots older than that are
    /// skipped rather than posted late.
    pub fn due_slot(&self, now: Timestamp, catch_up: SignedDuration) -> Option<Date> {
        let today = self.zone.date_of(now);
        [today, today.yesterday().ok()?].into_iter().find(|&date| {
            let at = self.zone.instant(date, self.at.time());
            self.days.includes(date) && at <= now && now.duration_since(at) <= catch_up
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn ts(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    fn berlin() -> Zone {
        Zone::parse("Europe/Berlin").unwrap()
    }

    #[test]
    fn unknown_zone_is_rejected_with_an_example() {
        let err = Zone::parse("Mars/Olympus").unwrap_err();
        assert!(err.contains("Mars/Olympus") && err.contains("Europe/Berlin"), "{err}");
    }

    #[test]
    fn times_of_day_must_be_hh_mm() {
        assert_eq!(LocalTime::parse("09:05").unwrap().to_string(), "09:05");
        assert_eq!(LocalTime::parse("7:30").unwrap().to_string(), "07:30");
        for bad in ["24:00", "9", "09:60", "nine", "09:5x", "-1:00", "09:001"] {
            assert!(LocalTime::parse(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn weekdays_parse_by_prefix() {
        assert_eq!(parse_weekday("Mon").unwrap(), Weekday::Monday);
        assert_eq!(parse_weekday("friday").unwrap(), Weekday::Friday);
        assert!(parse_weekday("fr").is_err());
        assert!(parse_weekday("someday").is_err());
    }

    #[test]
    fn iso_week_round_trips_and_rejects_week_54() {
        let w = IsoWeek::parse("2026-W47").unwrap();
        assert_eq!(w.to_string(), "2026-W47");
        assert_eq!(w.monday(), date(2026, 11, 16));
        assert_eq!(w.previous().to_string(), "2026-W46");
        assert!(IsoWeek::parse("2026-W54").is_err());
        assert!(IsoWeek::parse("2026-47").is_err());
        // 2027-01-01 is a Friday, part of 2026's last week.
        assert_eq!(IsoWeek::of_date(date(2027, 1, 1)).to_string(), "2026-W53");
    }

    #[test]
    fn week_window_is_local_monday_to_monday() {
        let (start, end) = IsoWeek::parse("2026-W47").unwrap().window(&berlin());
        assert_eq!(start, ts("2026-11-15T23:00:00Z"));
        assert_eq!(end, ts("2026-11-22T23:00:00Z"));
    }

    #[test]
    fn week_with_dst_end_is_169_hours() {
        // Berlin leaves summer time on Sunday 2026-10-25.
        let (start, end) = IsoWeek::parse("2026-W43").unwrap().window(&berlin());
        assert_eq!(end.duration_since(start), SignedDuration::from_hours(169));
    }

    fn daily(at: &str, days: Days) -> Schedule {
        Schedule { zone: berlin(), at: LocalTime::parse(at).unwrap(), days }
    }

    #[test]
    fn next_daily_run_is_today_if_not_yet_passed() {
        let s = daily("09:00", Days::EVERY);
        assert_eq!(s.next_after(ts("2026-11-25T07:00:00Z")), ts("2026-11-25T08:00:00Z"));
        assert_eq!(s.next_after(ts("2026-11-25T08:00:00Z")), ts("2026-11-26T08:00:00Z"));
    }

    #[test]
    fn weekdays_only_skips_the_weekend() {
        let s = daily("09:00", Days::WEEKDAYS);
        // Friday 2026-11-27 after the post: next is Monday 11-30.
        assert_eq!(s.next_after(ts("2026-11-27T12:00:00Z")), ts("2026-11-30T08:00:00Z"));
    }

    #[test]
    fn daily_time_follows_dst_change() {
        let s = daily("09:00", Days::EVERY);
        // Before the switch 09:00 is 07:00Z, after it 08:00Z.
        assert_eq!(s.next_after(ts("2026-10-24T12:00:00Z")), ts("2026-10-25T08:00:00Z"));
        assert_eq!(s.next_after(ts("2026-10-23T12:00:00Z")), ts("2026-10-24T07:00:00Z"));
    }

    #[test]
    fn time_skipped_by_spring_forward_runs_after_the_gap() {
        // 02:30 does not exist in Berlin on 2026-03-29.
        let s = daily("02:30", Days::EVERY);
        assert_eq!(s.next_after(ts("2026-03-28T12:00:00Z")), ts("2026-03-29T01:30:00Z"));
    }

    #[test]
    fn a_time_repeated_by_fall_back_runs_once_at_its_first_occurrence() {
        // 02:30 happens twice in Berlin on 2026-10-25: first at 00:30Z (summer time).
        let s = daily("02:30", Days::EVERY);
        assert_eq!(s.next_after(ts("2026-10-24T12:00:00Z")), ts("2026-10-25T00:30:00Z"));
        assert_eq!(s.next_after(ts("2026-10-25T00:30:00Z")), ts("2026-10-26T01:30:00Z"), "not again at 01:30Z");
    }

    #[test]
    fn new_york_changes_on_its_own_dates() {
        let ny = |at: &str| Schedule { zone: Zone::parse("America/New_York").unwrap(), ..daily(at, Days::EVERY) };
        // Spring forward on 2026-03-08: 02:30 does not exist, 09:00 is 13:00Z after.
        assert_eq!(ny("02:30").next_after(ts("2026-03-07T12:00:00Z")), ts("2026-03-08T07:30:00Z"));
        assert_eq!(ny("09:00").next_after(ts("2026-03-07T15:00:00Z")), ts("2026-03-08T13:00:00Z"));
        // Fall back on 2026-11-01: 09:00 is 14:00Z after, 13:00Z before.
        assert_eq!(ny("09:00").next_after(ts("2026-10-31T12:00:00Z")), ts("2026-10-31T13:00:00Z"));
        assert_eq!(ny("09:00").next_after(ts("2026-10-31T13:00:00Z")), ts("2026-11-01T14:00:00Z"));
    }

    #[test]
    fn weekly_job_runs_on_its_day() {
        let s = Schedule { days: Days::only(Weekday::Monday), ..daily("09:00", Days::EVERY) };
        assert_eq!(s.next_after(ts("2026-11-25T12:00:00Z")), ts("2026-11-30T08:00:00Z"));
    }

    #[test]
    fn due_slot_only_within_catch_up_window() {
        let s = daily("09:00", Days::EVERY);
        let window = SignedDuration::from_mins(60);
        assert_eq!(s.due_slot(ts("2026-11-25T07:59:00Z"), window), None);
        assert_eq!(s.due_slot(ts("2026-11-25T08:00:00Z"), window), Some(date(2026, 11, 25)));
        assert_eq!(s.due_slot(ts("2026-11-25T09:00:00Z"), window), Some(date(2026, 11, 25)));
        assert_eq!(s.due_slot(ts("2026-11-25T09:01:00Z"), window), None);
    }

    #[test]
    fn due_slot_catches_up_across_midnight() {
        let s = daily("23:30", Days::EVERY);
        let window = SignedDuration::from_hours(2);
        // 00:30 Berlin on the 26th is still within the 25th's window.
        assert_eq!(s.due_slot(ts("2026-11-25T23:30:00Z"), window), Some(date(2026, 11, 25)));
    }

    #[test]
    fn post_days_parse_as_sets_and_print_back() {
        let mwf = Days::parse("mon, wed,FRI").unwrap();
        assert_eq!(mwf.to_string(), "mon,wed,fri");
        assert_eq!(mwf.per_week(), 3);
        assert!(mwf.includes(date(2026, 11, 25)) && !mwf.includes(date(2026, 11, 24)));
        assert_eq!(Days::parse("weekdays").unwrap(), Days::WEEKDAYS);
        assert_eq!(Days::parse("mon tue wed thu fri").unwrap().to_string(), "weekdays");
        assert_eq!(Days::parse("Daily").unwrap().to_string(), "daily");
        for bad in ["", "mon,someday", "fr", ","] {
            let err = Days::parse(bad).unwrap_err();
            assert!(err.contains("mon,wed,fri"), "{bad}: {err}");
        }
    }

    #[test]
    fn chosen_days_skip_the_others() {
        let s = daily("09:00", Days::parse("mon,wed,fri").unwrap());
        // Wednesday 2026-11-25 after the post: next is Friday, then Monday.
        assert_eq!(s.next_after(ts("2026-11-25T12:00:00Z")), ts("2026-11-27T08:00:00Z"));
        assert_eq!(s.next_after(ts("2026-11-27T12:00:00Z")), ts("2026-11-30T08:00:00Z"));
    }

    #[test]
    fn due_slot_respects_weekdays_only() {
        let s = daily("09:00", Days::WEEKDAYS);
        // Saturday 2026-11-28.
        assert_eq!(s.due_slot(ts("2026-11-28T08:10:00Z"), SignedDuration::from_mins(60)), None);
    }
}
