//! A guild's settings, each value parsed so that a bad one cannot be stored.

use std::sync::Arc;

use jiff::civil::Weekday;
use jiff::SignedDuration;
use regex::Regex;

use super::calendar::{self, DayOff, Holidays, Pause, Skip};
use super::classify::{compile, Signal};
use super::insight::Segment;
use super::time::{parse_weekday, Days, LocalTime, Schedule, Zone};

/// Matches thread names that look like meetings, unless a guild sets its own.
pub const DEFAULT_THREAD_PATTERN: &str =
    r"(?i)\b(meeting|sync|stand-?up|retro(spective)?|planning|review|kick-?off|demo|1:1|weekly|all-hands)\b";

/// A meeting-thread name pattern: a regex, kept with its source text.
#[derive(Clone, Debug)]
pub struct ThreadPattern(Arc<Regex>);

impl ThreadPattern {
    /// Compiles a pattern once per process: settings are read again every
    /// few seconds for every guild, and most guilds share the default, so
    /// each distinct text is compiled once and shared. Shared through an
    /// `Arc`: a cloned `Regex` would carry its own match cache (about a
    /// kilobyte), once per guild.
    pub fn parse(text: &str) -> Result<Self, String> {
        type Compiled = std::sync::Mutex<std::collections::HashMap<String, Arc<Regex>>>;
        static COMPILED: std::sync::OnceLock<Compiled> = std::sync::OnceLock::new();
        let cache = COMPILED.get_or_init(Default::default);
        if let Some(regex) = cache.lock().unwrap().get(text) {
            return Ok(ThreadPattern(regex.clone()));
        }
        let regex = Arc::new(compile(text).map_err(|e| {
            format!("{e}. Example: (?i)\\b(meeting|sync|standup|retro)\\b matches names with any of those words")
        })?);
        let mut cache = cache.lock().unwrap();
        if cache.len() >= 10_000 {
            cache.clear(); // a bound, should guilds ever write that many patterns
        }
        cache.insert(text.to_string(), regex.clone());
        Ok(ThreadPattern(regex))
    }

    pub fn matches(&self, thread_name: &str) -> bool {
        self.0.is_match(thread_name)
    }

    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

impl Default for ThreadPattern {
    fn default() -> Self {
        ThreadPattern::parse(DEFAULT_THREAD_PATTERN).expect("default pattern compiles")
    }
}

impl PartialEq for ThreadPattern {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

/// Bounds that keep a setting sensible, with the unit for messages.
pub const RETENTION_DAYS: (u32, u32) = (7, 3650);
pub const CATCH_UP_MINUTES: (u32, u32) = (0, 720);
pub const REPEAT_WINDOW_DAYS: (u32, u32) = (0, 3650);
pub const CUSTOMER_WAIT_DAYS: (u32, u32) = (1, 365);
pub const CSAT_DETRACTOR_AT: (u32, u32) = (0, 100);

pub fn parse_bounded(name: &str, text: &str, (min, max): (u32, u32)) -> Result<u32, String> {
    text.trim()
        .parse::<u32>()
        .ok()
        .filter(|v| (min..=max).contains(v))
        .ok_or_else(|| format!("{name} must be a whole number from {min} to {max}, not `{text}`"))
}

/// Everything a guild can set, with the defaults a new guild starts from.
/// Which list a channel belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChannelPurpose {
    Insight,
    Meeting,
}

impl ChannelPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            ChannelPurpose::Insight => "insight",
            ChannelPurpose::Meeting => "meeting",
        }
    }
}

/// A channel that gets the customer of the day, at the guild's time or
/// its own, with any insight or only those of some segments.
#[derive(Clone, Debug, PartialEq)]
pub struct InsightChannel {
    pub id: u64,
    pub time: Option<LocalTime>,
    /// Empty: every segment.
    pub segments: Vec<Segment>,
}

impl InsightChannel {
    pub fn new(id: u64) -> Self {
        InsightChannel { id, time: None, segments: Vec::new() }
    }

    /// Whether insights of `segment` may be posted here.
    pub fn shows(&self, segment: &Segment) -> bool {
        self.segments.is_empty() || self.segments.contains(segment)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct GuildSettings {
    pub guild_id: u64,
    pub zone: Zone,
    pub post_time: LocalTime,
    pub post_days: Days,
    pub insight_channels: Vec<InsightChannel>,
    pub meeting_channels: Vec<u64>,
    pub thread_pattern: ThreadPattern,
    pub manager_role: Option<u64>,
    /// Mentioned with the daily post, if set (that role only).
    pub mention_role: Option<u64>,
    pub summary_channel: Option<u64>,
    pub summary_weekday: Weekday,
    pub summary_time: LocalTime,
    pub retention_days: u32,
    pub catch_up_minutes: u32,
    /// Days within which a channel is not shown the same insight again.
    pub repeat_window_days: u32,
    /// Days a customer may wait on a follow-up before its owner is reminded (weekly).
    pub customer_wait_days: u32,
    /// A CSAT score at or below this is a detractor's (on the guild's tool's scale).
    pub csat_detractor_at: u32,
    /// Whether members may answer without their name.
    pub anonymous_answers: bool,
    /// The reaction that asks an answer in a prompted thread for its data.
    pub challenge_emoji: String,
    /// The guild's own addition to each classifier signal.
    pub extra_patterns: Vec<(Signal, String)>,
    pub pause: Option<Pause>,
    /// Days without posts, by start.
    pub skips: Vec<Skip>,
    /// The country whose public holidays have no posts (`DE`), if any.
    pub holidays: Option<String>,
    /// That country's holidays, from prompts/holidays.csv: attached by the
    /// app when it reads the settings, never stored.
    pub holiday_calendar: Holidays,
}

/// What a guild starts with; an operator may change them in advocate.toml.
#[derive(Clone, Debug, PartialEq)]
pub struct Defaults {
    pub zone: Zone,
    pub post_time: LocalTime,
    pub thread_pattern: ThreadPattern,
}

impl Default for Defaults {
    fn default() -> Self {
        Defaults { zone: Zone::utc(), post_time: LocalTime::hm(9, 0), thread_pattern: ThreadPattern::default() }
    }
}

impl GuildSettings {
    pub fn new(guild_id: u64, defaults: &Defaults) -> Self {
        GuildSettings {
            guild_id,
            zone: defaults.zone.clone(),
            post_time: defaults.post_time,
            post_days: Days::WEEKDAYS,
            insight_channels: Vec::new(),
            meeting_channels: Vec::new(),
            thread_pattern: defaults.thread_pattern.clone(),
            manager_role: None,
            mention_role: None,
            summary_channel: None,
            summary_weekday: Weekday::Monday,
            summary_time: LocalTime::hm(9, 0),
            retention_days: 365,
            catch_up_minutes: 120,
            repeat_window_days: 90,
            customer_wait_days: 14,
            csat_detractor_at: 2,
            anonymous_answers: false,
            challenge_emoji: "📊".into(),
            extra_patterns: Vec::new(),
            pause: None,
            skips: Vec::new(),
            holidays: None,
            holiday_calendar: Holidays::default(),
        }
    }

    /// When a channel's customer of the day is due: the guild's days, at
    /// the channel's own time if it has one.
    pub fn post_schedule(&self, channel: &InsightChannel) -> Schedule {
        Schedule { zone: self.zone.clone(), at: channel.time.unwrap_or(self.post_time), days: self.post_days }
    }

    pub fn insight_channel(&self, id: u64) -> Option<&InsightChannel> {
        self.insight_channels.iter().find(|c| c.id == id)
    }

    /// The next time any channel's post is due after `now` (the guild's
    /// time when it has no channel yet).
    pub fn next_post_after(&self, now: jiff::Timestamp) -> jiff::Timestamp {
        let guild = Schedule { zone: self.zone.clone(), at: self.post_time, days: self.post_days };
        let channels = self.insight_channels.iter().map(|c| self.post_schedule(c).next_after(now));
        channels.min().unwrap_or_else(|| guild.next_after(now))
    }

    /// The post days from `first` to `last` (included) that are days off.
    pub fn days_off(&self, first: jiff::civil::Date, last: jiff::civil::Date) -> Vec<(jiff::civil::Date, DayOff)> {
        let days = first.series(jiff::Span::new().days(1)).take_while(|d| *d <= last);
        days.filter(|d| self.post_days.includes(*d)).filter_map(|d| Some((d, self.day_off(d)?))).collect()
    }

    /// Why `date` has no daily post, if it has none: skipped, paused or a
    /// public holiday.
    pub fn day_off(&self, date: jiff::civil::Date) -> Option<DayOff> {
        calendar::day_off(&self.skips, self.pause, &self.holiday_calendar, date)
    }

    pub fn summary_schedule(&self) -> Schedule {
        Schedule { zone: self.zone.clone(), at: self.summary_time, days: Days::only(self.summary_weekday) }
    }

    pub fn catch_up(&self) -> SignedDuration {
        SignedDuration::from_mins(self.catch_up_minutes.into())
    }

    /// Changes one setting by name from text, as `/setup` and the CLI do.
    /// Channel lists are changed through their own calls.
    pub fn set(&mut self, name: &str, value: &str) -> Result<(), String> {
        let none_word = |v: &str| matches!(v.trim().to_lowercase().as_str(), "" | "none" | "off");
        match name {
            "timezone" => self.zone = Zone::parse(value)?,
            "post_time" => self.post_time = LocalTime::parse(value)?,
            "post_days" => self.post_days = Days::parse(value)?,
            "weekdays_only" => {
                return Err("weekdays_only is now post_days: `/setup set setting:post_days value:weekdays` \
                    (or daily, or days like mon,wed,fri)"
                    .into())
            }
            "thread_pattern" => self.thread_pattern = ThreadPattern::parse(value)?,
            "summary_weekday" => self.summary_weekday = parse_weekday(value)?,
            "summary_time" => self.summary_time = LocalTime::parse(value)?,
            "retention_days" => self.retention_days = parse_bounded(name, value, RETENTION_DAYS)?,
            "catch_up_minutes" => self.catch_up_minutes = parse_bounded(name, value, CATCH_UP_MINUTES)?,
            "repeat_window_days" => self.repeat_window_days = parse_bounded(name, value, REPEAT_WINDOW_DAYS)?,
            "customer_wait_days" => self.customer_wait_days = parse_bounded(name, value, CUSTOMER_WAIT_DAYS)?,
            "csat_detractor_at" => self.csat_detractor_at = parse_bounded(name, value, CSAT_DETRACTOR_AT)?,
            "anonymous_answers" => self.anonymous_answers = parse_switch(name, value)?,
            "challenge_emoji" => self.challenge_emoji = parse_emoji(value)?,
            "holidays" => self.holidays = if none_word(value) { None } else { Some(parse_country(value)?) },
            "manager_role" | "mention_role" | "summary_channel" => {
                let id = if none_word(value) { None } else { Some(parse_id(name, value)?) };
                match name {
                    "manager_role" => self.manager_role = id,
                    "mention_role" => self.mention_role = id,
                    _ => self.summary_channel = id,
                }
            }
            _ => {
                let signal = Signal::ALL.into_iter().find(|s| name == format!("extra_{}", s.key()));
                let Some(signal) = signal else {
                    return Err(format!("there is no setting `{name}`; the settings are {}", SETTING_NAMES.join(", ")));
                };
                self.extra_patterns.retain(|(s, _)| *s != signal);
                if !none_word(value) {
                    compile(value)?;
                    self.extra_patterns.push((signal, value.to_string()));
                }
            }
        }
        Ok(())
    }
}

pub const SETTING_NAMES: [&str; 20] = [
    "timezone",
    "post_time",
    "post_days",
    "thread_pattern",
    "manager_role",
    "mention_role",
    "summary_channel",
    "summary_weekday",
    "summary_time",
    "retention_days",
    "catch_up_minutes",
    "repeat_window_days",
    "customer_wait_days",
    "csat_detractor_at",
    "anonymous_answers",
    "challenge_emoji",
    "holidays",
    "extra_evidence",
    "extra_assumption",
    "extra_follow_up",
];

/// One emoji (a Unicode one, as Discord sends reactions), no words.
fn parse_emoji(text: &str) -> Result<String, String> {
    let emoji = text.trim();
    let letters = emoji.chars().any(|c| c.is_alphanumeric() && c.is_ascii());
    match !emoji.is_empty() && emoji.chars().count() <= 8 && !letters {
        true => Ok(emoji.to_string()),
        false => Err(format!("challenge_emoji is one emoji such as 📊 or ❓, not `{text}`")),
    }
}

fn parse_switch(name: &str, text: &str) -> Result<bool, String> {
    match text.trim().to_lowercase().as_str() {
        "on" | "yes" | "true" => Ok(true),
        "off" | "no" | "false" => Ok(false),
        _ => Err(format!("{name} is on or off, not `{text}`")),
    }
}

/// A two-letter country code, any case: `de` → `DE`.
fn parse_country(text: &str) -> Result<String, String> {
    let code = text.trim().to_uppercase();
    match code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase()) {
        true => Ok(code),
        false => Err(format!("holidays takes a two-letter country code such as DE or US (or off), not `{text}`")),
    }
}

/// A Discord id: digits, or a mention such as `<@&123>` or `<#123>`.
/// A guild as `advocate guilds` lists it.
#[derive(Clone, Debug, PartialEq)]
pub struct GuildListing {
    pub guild_id: u64,
    pub name: Option<String>,
    pub left_at: Option<jiff::Timestamp>,
    /// The latest answer, meeting or post.
    pub last_activity: Option<jiff::Timestamp>,
}

pub fn parse_id(name: &str, text: &str) -> Result<u64, String> {
    let digits = text.trim().trim_start_matches(['<', '@', '&', '#', '!']).trim_end_matches('>');
    digits
        .parse::<u64>()
        .ok()
        .filter(|&id| id > 0)
        .ok_or_else(|| format!("{name} must be a Discord id or mention, not `{text}`"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> GuildSettings {
        GuildSettings::new(1, &Defaults::default())
    }

    #[test]
    fn new_guild_starts_from_the_defaults() {
        let s = settings();
        assert_eq!(s.zone.name(), "UTC");
        assert_eq!(s.post_time.to_string(), "09:00");
        assert!(s.thread_pattern.matches("Weekly sync"));
        assert!(s.insight_channels.is_empty());
    }

    #[test]
    fn default_pattern_matches_meetings_only() {
        let p = ThreadPattern::default();
        for name in ["Pricing sync", "Standup 11/25", "Sprint retro", "Q3 planning", "kick-off: onboarding"] {
            assert!(p.matches(name), "{name}");
        }
        for name in ["lunch", "random", "syncing files"] {
            assert!(!p.matches(name), "{name}");
        }
    }

    #[test]
    fn bad_values_are_refused_with_what_is_valid() {
        let mut s = settings();
        let err = s.set("timezone", "Berlin").unwrap_err();
        assert!(err.contains("Europe/Berlin"), "{err}");
        let err = s.set("thread_pattern", "(meeting").unwrap_err();
        assert!(err.contains("Example"), "{err}");
        let err = s.set("retention_days", "0").unwrap_err();
        assert!(err.contains("7 to 3650"), "{err}");
        let err = s.set("colour", "blue").unwrap_err();
        assert!(err.contains("timezone"), "{err}");
        assert_eq!(s, settings(), "a refused value changes nothing");
    }

    #[test]
    fn post_days_replace_weekdays_only_and_say_so() {
        let mut s = settings();
        assert_eq!(s.post_days, Days::WEEKDAYS, "weekdays by default");
        s.set("post_days", "mon,wed,fri").unwrap();
        assert_eq!(s.post_days.to_string(), "mon,wed,fri");
        let err = s.set("weekdays_only", "true").unwrap_err();
        assert!(err.contains("post_days"), "{err}");
        assert!(s.set("holidays", "Germany").unwrap_err().contains("two-letter"));
        s.set("holidays", "de").unwrap();
        assert_eq!(s.holidays.as_deref(), Some("DE"));
        s.set("holidays", "off").unwrap();
        assert_eq!(s.holidays, None);
    }

    #[test]
    fn each_channel_is_due_at_its_own_time_and_the_guild_at_the_earliest() {
        let mut s = settings();
        s.set("timezone", "Europe/Berlin").unwrap();
        s.insight_channels =
            vec![InsightChannel { time: Some(LocalTime::hm(8, 30)), ..InsightChannel::new(1) }, InsightChannel::new(2)];
        let at = |text: &str| text.parse::<jiff::Timestamp>().unwrap();
        // Monday 2026-11-23, 07:00 Berlin (06:00Z).
        assert_eq!(s.next_post_after(at("2026-11-23T06:00:00Z")), at("2026-11-23T07:30:00Z"));
        assert_eq!(s.next_post_after(at("2026-11-23T07:30:00Z")), at("2026-11-23T08:00:00Z"));
        assert_eq!(s.post_schedule(&s.insight_channels[1]).at, LocalTime::hm(9, 0), "the guild's time");
    }

    #[test]
    fn values_are_set_by_name() {
        let mut s = settings();
        s.set("timezone", "America/New_York").unwrap();
        s.set("manager_role", "<@&123456789012345678>").unwrap();
        s.set("summary_weekday", "fri").unwrap();
        s.set("extra_evidence", r"(?i)\bgong\b").unwrap();
        assert_eq!(s.zone.name(), "America/New_York");
        assert_eq!(s.manager_role, Some(123456789012345678));
        assert_eq!(s.summary_weekday, Weekday::Friday);
        assert_eq!(s.extra_patterns, vec![(Signal::Evidence, r"(?i)\bgong\b".to_string())]);
        s.set("manager_role", "none").unwrap();
        s.set("extra_evidence", "off").unwrap();
        assert_eq!(s.manager_role, None);
        assert!(s.extra_patterns.is_empty());
    }
}
