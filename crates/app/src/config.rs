//! Configuration from an optional `advocate.toml` and environment
//! variables (which win). Every value is checked at start-up; a bad one
//! stops it with a message that names the setting and the fix.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use domain::settings::{parse_id, Defaults, ThreadPattern};
use domain::time::{LocalTime, Zone};

pub const DEFAULT_DATABASE_URL: &str = "sqlite:advocate.db";
pub const DEFAULT_CONFIG_FILE: &str = "advocate.toml";

/// A secret that never shows in logs or debug output.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

#[derive(Clone, Debug)]
pub struct Config {
    pub database_url: String,
    pub discord_token: Option<Secret>,
    /// The built-in prompts, or a folder that replaces them.
    pub prompts: crate::prompts::Origin,
    /// Register slash commands in this guild only (instant, for development).
    pub dev_guild: Option<u64>,
    pub defaults: Defaults,
    /// Tests and the demo: reach "discord.com" at this address…
    pub discord_addr: Option<String>,
    /// …and trust this CA certificate (PEM) as well.
    pub discord_ca: Option<PathBuf>,
    /// A shared REST proxy (serenity's rate limiter is then off).
    pub discord_proxy: Option<String>,
    /// The shards this process runs, for bots spread over several
    /// processes; `None` runs all of them (Discord's recommended count).
    pub shards: Option<ShardRange>,
    pub reliability: Reliability,
    /// host:port for /healthz, /metrics and the managers' pages; off when `None`.
    pub http_addr: Option<String>,
    /// The address managers open the pages at (`https://…`), when it is
    /// not `http://` + `http_addr` (a proxy in front, TLS).
    pub public_url: Option<String>,
    /// Requests per second scheduled posts may make: Discord's global
    /// limit (50 unless Discord raised it for the bot).
    pub discord_rate: u32,
}

/// How long and how much the bot holds answers while the database fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// An answer is retried this long before its loss is logged.
    pub retry_for: Duration,
    /// At most this many answers (and reactions) wait at once, retrying
    /// or queued behind those retrying…
    pub max_waiting: usize,
    /// …holding at most this many bytes of text.
    pub max_waiting_bytes: usize,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy { retry_for: Duration::from_secs(15 * 60), max_waiting: 10_000, max_waiting_bytes: 32 << 20 }
    }
}

/// How long the bot waits on what fails, and how long it holds on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reliability {
    pub retry: RetryPolicy,
    /// A stop waits this long for running work and waiting answers.
    pub shutdown_timeout: Duration,
    /// Longest wait for one Discord REST call.
    pub http_timeout: Duration,
    /// Events queued for handlers before the gateway stops reading.
    pub event_backlog: usize,
}

impl Default for Reliability {
    fn default() -> Self {
        Reliability {
            retry: RetryPolicy::default(),
            shutdown_timeout: Duration::from_secs(10),
            http_timeout: Duration::from_secs(30),
            event_backlog: 4096,
        }
    }
}

/// A duration as people write it: `90s`, `15m`, `1h 30m`.
fn parse_duration(text: &str) -> Result<Duration, String> {
    let d: jiff::SignedDuration =
        text.trim().parse().map_err(|_| format!("`{text}` is not a duration; write e.g. 30s, 15m or 1h"))?;
    Duration::try_from(d).ok().filter(|d| !d.is_zero()).ok_or_else(|| format!("`{text}` must be longer than zero"))
}

/// Shards `first..=last` of `total`, written `FIRST-LAST/TOTAL`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShardRange {
    pub first: u32,
    pub last: u32,
    pub total: u32,
}

impl ShardRange {
    /// Whether a guild is on one of these shards (Discord's rule:
    /// `(guild_id >> 22) % total`).
    pub fn has_guild(&self, guild_id: u64) -> bool {
        let shard = (guild_id >> 22) % u64::from(self.total);
        (u64::from(self.first)..=u64::from(self.last)).contains(&shard)
    }

    pub fn parse(text: &str) -> Result<Self, String> {
        let bad = || format!("`{text}` is not FIRST-LAST/TOTAL, e.g. 0-3/8 for the first four of eight shards");
        let (range, total) = text.trim().split_once('/').ok_or_else(bad)?;
        let (first, last) = range.split_once('-').unwrap_or((range, range));
        let n = |s: &str| s.trim().parse::<u32>().map_err(|_| bad());
        let shards = ShardRange { first: n(first)?, last: n(last)?, total: n(total)? };
        if shards.first > shards.last || shards.last >= shards.total {
            return Err(format!("`{text}`: shards are numbered 0 to TOTAL-1, and FIRST may not exceed LAST"));
        }
        Ok(shards)
    }
}

/// One row per setting: the environment variable, the advocate.toml key.
pub const SETTINGS: &[(&str, &str, &str)] = &[
    ("DATABASE_URL", "database_url", "sqlite:advocate.db or postgres://user@host/db"),
    ("DISCORD_TOKEN", "discord_token", "the bot token from the Discord developer portal"),
    ("ADVOCATE_PROMPTS", "prompts_dir", "folder replacing the built-in prompts (see `advocate prompts export`)"),
    ("ADVOCATE_DEV_GUILD", "dev_guild", "a guild id to register slash commands in at once, for development"),
    ("ADVOCATE_TIMEZONE", "default_timezone", "time zone a new guild starts with (default UTC)"),
    (
        "ADVOCATE_POST_TIME",
        "default_post_time",
        "local HH:MM of the daily post a new guild starts with (default 09:00)",
    ),
    ("ADVOCATE_THREAD_PATTERN", "default_thread_pattern", "regex for meeting-thread names a new guild starts with"),
    ("ADVOCATE_DISCORD_ADDR", "discord_addr", "tests and demo only: host:port to reach discord.com at"),
    ("ADVOCATE_DISCORD_CA", "discord_ca", "tests and demo only: extra CA certificate (PEM) to trust"),
    ("DISCORD_API_PROXY", "discord_proxy", "http://host:port of a shared Discord REST proxy"),
    ("ADVOCATE_SHARDS", "shards", "FIRST-LAST/TOTAL: the shards this process runs (default: all, in one process)"),
    (
        "ADVOCATE_RETRY_FOR",
        "retry_for",
        "how long answers wait out a database outage before their loss is logged (default 15m)",
    ),
    ("ADVOCATE_SHUTDOWN_TIMEOUT", "shutdown_timeout", "how long a stop waits to save work in progress (default 10s)"),
    ("ADVOCATE_HTTP_TIMEOUT", "http_timeout", "longest wait for one Discord API call (default 30s)"),
    (
        "ADVOCATE_EVENT_BACKLOG",
        "event_backlog",
        "events waiting for handlers before the gateway stops reading for a moment (default 4096)",
    ),
    ("ADVOCATE_HTTP_ADDR", "http_addr", "host:port to serve /healthz, /metrics and the dashboard on (default: off)"),
    (
        "ADVOCATE_PUBLIC_URL",
        "public_url",
        "the dashboard's address as managers open it, e.g. https://advocate.example.com (default: http://ADVOCATE_HTTP_ADDR)",
    ),
    (
        "ADVOCATE_DISCORD_RATE",
        "discord_rate",
        "requests per second scheduled posts may make: Discord's global limit (default 50)",
    ),
];

/// advocate.toml's values by key (keys as listed in [`SETTINGS`]).
type File = BTreeMap<String, String>;

/// All problems found in the configuration, one per line.
#[derive(Debug)]
pub struct ConfigError(pub Vec<String>);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join("\n"))
    }
}

impl std::error::Error for ConfigError {}

impl Config {
    /// Loads `file` (an error if named and missing; `advocate.toml` is
    /// read only if present) and then the environment through `env`.
    pub fn load(file: Option<&Path>, env: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let file = read_file(file)?;
        let mut errors = Vec::new();
        let lookup = |var: &str| -> Option<String> {
            let (_, key, _) = SETTINGS.iter().find(|(v, _, _)| *v == var).expect("known setting");
            env(var).filter(|v| !v.trim().is_empty()).or_else(|| file.get(*key).cloned())
        };
        let mut check = |var: &str, result: Result<(), String>| {
            if let Err(e) = result {
                let (_, key, _) = SETTINGS.iter().find(|(v, _, _)| *v == var).expect("known setting");
                errors.push(format!("{var} (or {key} in advocate.toml): {e}"));
            }
        };

        let mut defaults = Defaults::default();
        if let Some(v) = lookup("ADVOCATE_TIMEZONE") {
            check("ADVOCATE_TIMEZONE", Zone::parse(&v).map(|z| defaults.zone = z));
        }
        if let Some(v) = lookup("ADVOCATE_POST_TIME") {
            check("ADVOCATE_POST_TIME", LocalTime::parse(&v).map(|t| defaults.post_time = t));
        }
        if let Some(v) = lookup("ADVOCATE_THREAD_PATTERN") {
            check("ADVOCATE_THREAD_PATTERN", ThreadPattern::parse(&v).map(|p| defaults.thread_pattern = p));
        }
        let mut dev_guild = None;
        if let Some(v) = lookup("ADVOCATE_DEV_GUILD") {
            check("ADVOCATE_DEV_GUILD", parse_id("a guild id", &v).map(|id| dev_guild = Some(id)));
        }
        let database_url = lookup("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.to_string());
        let known = ["sqlite:", "postgres://", "postgresql://"];
        let shown = store::redact_url(&database_url);
        if !known.iter().any(|k| database_url.starts_with(k)) {
            check("DATABASE_URL", Err(format!("`{shown}` must start with sqlite: or postgres://")));
        } else if store::sqlite_file(&database_url).is_some_and(str::is_empty) {
            check("DATABASE_URL", Err(format!("`{shown}` names no file; write e.g. sqlite:advocate.db")));
        }
        let discord_proxy = lookup("DISCORD_API_PROXY");
        if let Some(proxy) = &discord_proxy {
            let ok = proxy.starts_with("http://") || proxy.starts_with("https://");
            check(
                "DISCORD_API_PROXY",
                if ok { Ok(()) } else { Err(format!("`{proxy}` must be an http:// or https:// URL")) },
            );
        }
        let mut shards = None;
        if let Some(v) = lookup("ADVOCATE_SHARDS") {
            check("ADVOCATE_SHARDS", ShardRange::parse(&v).map(|s| shards = Some(s)));
        }
        let mut reliability = Reliability::default();
        if let Some(v) = lookup("ADVOCATE_RETRY_FOR") {
            check("ADVOCATE_RETRY_FOR", parse_duration(&v).map(|d| reliability.retry.retry_for = d));
        }
        if let Some(v) = lookup("ADVOCATE_SHUTDOWN_TIMEOUT") {
            check("ADVOCATE_SHUTDOWN_TIMEOUT", parse_duration(&v).map(|d| reliability.shutdown_timeout = d));
        }
        if let Some(v) = lookup("ADVOCATE_HTTP_TIMEOUT") {
            check("ADVOCATE_HTTP_TIMEOUT", parse_duration(&v).map(|d| reliability.http_timeout = d));
        }
        if let Some(v) = lookup("ADVOCATE_EVENT_BACKLOG") {
            let n = v.trim().parse::<usize>().ok().filter(|n| (1..=1_000_000).contains(n));
            check(
                "ADVOCATE_EVENT_BACKLOG",
                n.map(|n| reliability.event_backlog = n)
                    .ok_or_else(|| format!("`{v}` is not a number of events from 1 to 1000000, e.g. 4096")),
            );
        }
        let http_addr = lookup("ADVOCATE_HTTP_ADDR");
        if let Some(addr) = &http_addr {
            let port = addr.rsplit_once(':').and_then(|(_, p)| p.parse::<u16>().ok());
            check(
                "ADVOCATE_HTTP_ADDR",
                port.map(|_| ()).ok_or_else(|| format!("`{addr}` is not host:port, e.g. 127.0.0.1:9108")),
            );
        }
        let public_url = lookup("ADVOCATE_PUBLIC_URL").map(|u| u.trim().trim_end_matches('/').to_string());
        if let Some(url) = &public_url {
            check(
                "ADVOCATE_PUBLIC_URL",
                (url.starts_with("https://") || url.starts_with("http://"))
                    .then_some(())
                    .ok_or_else(|| format!("`{url}` is not an http(s) address, e.g. https://advocate.example.com")),
            );
        }
        let mut discord_rate = 50;
        if let Some(v) = lookup("ADVOCATE_DISCORD_RATE") {
            let rate = v.trim().parse::<u32>().ok().filter(|r| (1..=100_000).contains(r));
            check(
                "ADVOCATE_DISCORD_RATE",
                rate.map(|r| discord_rate = r)
                    .ok_or_else(|| format!("`{v}` is not a number of requests per second, e.g. 50")),
            );
        }
        let discord_ca = lookup("ADVOCATE_DISCORD_CA").map(PathBuf::from);
        if let Some(ca) = &discord_ca {
            let ok = ca.is_file();
            check(
                "ADVOCATE_DISCORD_CA",
                if ok { Ok(()) } else { Err(format!("`{}` is not a readable file", ca.display())) },
            );
        }
        if !errors.is_empty() {
            return Err(ConfigError(errors));
        }
        Ok(Config {
            database_url,
            discord_token: lookup("DISCORD_TOKEN").map(|t| Secret(t.trim().to_string())),
            prompts: lookup("ADVOCATE_PROMPTS")
                .map_or(crate::prompts::Origin::Shipped, |dir| crate::prompts::Origin::Folder(dir.into())),
            dev_guild,
            defaults,
            discord_addr: lookup("ADVOCATE_DISCORD_ADDR"),
            discord_ca,
            discord_proxy,
            shards,
            reliability,
            http_addr,
            public_url,
            discord_rate,
        })
    }

    /// The process's own configuration.
    pub fn from_env(file: Option<&Path>) -> Result<Config, ConfigError> {
        Config::load(file, |var| std::env::var(var).ok())
    }
}

fn read_file(named: Option<&Path>) -> Result<File, ConfigError> {
    let path = match named {
        Some(path) => path.to_path_buf(),
        None if Path::new(DEFAULT_CONFIG_FILE).is_file() => PathBuf::from(DEFAULT_CONFIG_FILE),
        None => return Ok(File::default()),
    };
    let text = std::fs::read_to_string(&path)
        .map_err(|e| ConfigError(vec![format!("cannot read the config file {}: {e}", path.display())]))?;
    let line_of = |at: usize| text[..at.min(text.len())].matches('\n').count() + 1;
    let keys: Vec<_> = SETTINGS.iter().map(|(_, k, _)| *k).collect();
    let table: BTreeMap<toml::Spanned<String>, toml::Spanned<toml::Value>> = toml::from_str(&text).map_err(|e| {
        let line = e.span().map_or(1, |s| line_of(s.start));
        ConfigError(vec![format!("{}:{line}: {}", path.display(), e.message().trim())])
    })?;
    let mut file = File::new();
    let mut errors = Vec::new();
    for (key, value) in table {
        let line = line_of(key.span().start);
        let key = key.into_inner();
        if !keys.contains(&key.as_str()) {
            errors.push(format!("{}:{line}: unknown key `{key}` (the keys are: {})", path.display(), keys.join(", ")));
            continue;
        }
        // Numbers and booleans are taken as written: `dev_guild = 123`.
        match value.into_inner() {
            toml::Value::String(s) => file.insert(key, s),
            toml::Value::Integer(n) => file.insert(key, n.to_string()),
            toml::Value::Float(n) => file.insert(key, n.to_string()),
            toml::Value::Boolean(b) => file.insert(key, b.to_string()),
            _ => {
                errors.push(format!("{}:{line}: `{key}` must be a string or a number", path.display()));
                continue;
            }
        };
    }
    if errors.is_empty() {
        Ok(file)
    } else {
        Err(ConfigError(errors))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn load(vars: &[(&str, &str)], file: Option<&Path>) -> Result<Config, ConfigError> {
        let vars: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Config::load(file, move |k| vars.get(k).cloned())
    }

    #[test]
    fn defaults_need_no_configuration() {
        let c = load(&[], None).unwrap();
        assert_eq!(c.database_url, DEFAULT_DATABASE_URL);
        assert!(c.discord_token.is_none());
        assert_eq!(c.defaults, Defaults::default());
    }

    #[test]
    fn a_bad_zone_names_the_setting_and_the_fix() {
        let err = load(&[("ADVOCATE_TIMEZONE", "Berlin")], None).unwrap_err().to_string();
        assert!(err.starts_with("ADVOCATE_TIMEZONE (or default_timezone in advocate.toml):"), "{err}");
        assert!(err.contains("Europe/Berlin"), "{err}");
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let err = load(
            &[("ADVOCATE_THREAD_PATTERN", "(sync"), ("DATABASE_URL", "mysql://x"), ("ADVOCATE_POST_TIME", "9am")],
            None,
        )
        .unwrap_err();
        assert_eq!(err.0.len(), 3, "{err}");
    }

    #[test]
    fn the_environment_wins_over_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("advocate.toml");
        std::fs::write(&path, "default_timezone = \"Asia/Tokyo\"\ndatabase_url = \"sqlite:file.db\"\n").unwrap();
        let c = load(&[("DATABASE_URL", "sqlite:env.db")], Some(&path)).unwrap();
        assert_eq!(c.database_url, "sqlite:env.db");
        assert_eq!(c.defaults.zone.name(), "Asia/Tokyo");
    }

    #[test]
    fn an_unknown_file_key_is_reported_with_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("advocate.toml");
        std::fs::write(&path, "# c\ntimezone = \"UTC\"\n").unwrap();
        let err = load(&[], Some(&path)).unwrap_err().to_string();
        assert!(err.contains("advocate.toml:2: unknown key `timezone`") && err.contains("default_timezone"), "{err}");
    }

    #[test]
    fn numbers_in_the_file_are_taken_as_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("advocate.toml");
        std::fs::write(&path, "dev_guild = 123456789012345678\ndefault_post_time = \"09:30\"\n").unwrap();
        assert_eq!(load(&[], Some(&path)).unwrap().dev_guild, Some(123456789012345678));
        std::fs::write(&path, "dev_guild = [1]\n").unwrap();
        let err = load(&[], Some(&path)).unwrap_err().to_string();
        assert!(err.contains("advocate.toml:1: `dev_guild` must be a string or a number"), "{err}");
    }

    #[test]
    fn shard_ranges_are_checked() {
        let c = load(&[("ADVOCATE_SHARDS", "0-3/8")], None).unwrap();
        assert_eq!(c.shards, Some(ShardRange { first: 0, last: 3, total: 8 }));
        assert_eq!(ShardRange::parse("5/8").unwrap(), ShardRange { first: 5, last: 5, total: 8 });
        for bad in ["4-2/8", "0-8/8", "all", "1-2"] {
            assert!(ShardRange::parse(bad).is_err(), "{bad}");
        }
        let two_of_four = ShardRange::parse("1-2/4").unwrap();
        let on_shard = |shard: u64| (shard << 22) | 12345; // a snowflake created on that shard's worker bits
        assert!([1, 2, 5, 6].into_iter().all(|s| two_of_four.has_guild(on_shard(s))));
        assert!([0, 3, 4, 7].into_iter().all(|s| !two_of_four.has_guild(on_shard(s))));
        let err = load(&[("ADVOCATE_SHARDS", "0-8/8")], None).unwrap_err().to_string();
        assert!(err.starts_with("ADVOCATE_SHARDS (or shards in advocate.toml):"), "{err}");
    }

    #[test]
    fn durations_are_read_as_people_write_them() {
        let c = load(&[("ADVOCATE_RETRY_FOR", "20m"), ("ADVOCATE_SHUTDOWN_TIMEOUT", "5s")], None).unwrap();
        assert_eq!(c.reliability.retry.retry_for, Duration::from_secs(1200));
        assert_eq!(c.reliability.shutdown_timeout, Duration::from_secs(5));
        assert_eq!(load(&[], None).unwrap().reliability, Reliability::default());
        let err = load(&[("ADVOCATE_HTTP_TIMEOUT", "soon")], None).unwrap_err().to_string();
        assert!(err.starts_with("ADVOCATE_HTTP_TIMEOUT (or http_timeout in advocate.toml): `soon`"), "{err}");
        assert!(load(&[("ADVOCATE_HTTP_TIMEOUT", "0s")], None).is_err());
        assert_eq!(load(&[("ADVOCATE_EVENT_BACKLOG", "64")], None).unwrap().reliability.event_backlog, 64);
        for bad in ["0", "many"] {
            let err = load(&[("ADVOCATE_EVENT_BACKLOG", bad)], None).unwrap_err().to_string();
            assert!(err.contains("is not a number of events"), "{err}");
        }
        let err = load(&[("ADVOCATE_HTTP_ADDR", "9108")], None).unwrap_err().to_string();
        assert!(err.contains("is not host:port"), "{err}");
        assert_eq!(load(&[], None).unwrap().discord_rate, 50);
        assert_eq!(load(&[("ADVOCATE_DISCORD_RATE", "500")], None).unwrap().discord_rate, 500);
        for bad in ["0", "fast", "-5"] {
            let err = load(&[("ADVOCATE_DISCORD_RATE", bad)], None).unwrap_err().to_string();
            assert!(err.contains("requests per second"), "{err}");
        }
        assert_eq!(
            load(&[("ADVOCATE_HTTP_ADDR", "0.0.0.0:9108")], None).unwrap().http_addr.as_deref(),
            Some("0.0.0.0:9108")
        );
    }

    #[test]
    fn the_token_never_shows_in_debug_output() {
        let c = load(&[("DISCORD_TOKEN", "abc.def.ghi")], None).unwrap();
        assert!(!format!("{c:?}").contains("abc.def"));
        assert_eq!(c.discord_token.unwrap().expose(), "abc.def.ghi");
    }

    #[test]
    fn an_sqlite_url_without_a_file_is_refused() {
        for empty in ["sqlite:", "sqlite://", "sqlite:?mode=rwc"] {
            let err = load(&[("DATABASE_URL", empty)], None).unwrap_err().to_string();
            assert!(err.contains("names no file"), "{empty}: {err}");
        }
        assert!(load(&[("DATABASE_URL", "sqlite:data/a.db?mode=rwc")], None).is_ok());
    }

    #[test]
    fn a_database_password_is_not_echoed() {
        let err = load(&[("DATABASE_URL", "mysql://u:hunter2@h/db")], None).unwrap_err().to_string();
        assert!(!err.contains("hunter2"), "{err}");
    }
}
