//! What the process benchmarks share: the released bot started as its
//! own process against a fake Discord, and its memory and CPU read from
//! /proc.
#![allow(dead_code)]

use std::path::Path;
use std::process::Stdio;

use fake_discord::FakeDiscord;

/// `advocate run` against `fake`, storing in `url`, serving its metrics
/// at `metrics` (host:port) if given; killed when dropped.
/// `ADVOCATE_BENCH_WRAPPER` runs it under a tool, e.g. `heaptrack` (the
/// figures are then the tool's process's).
pub fn spawn_bot(fake: &FakeDiscord, url: &str, dir: &Path, metrics: Option<&str>) -> tokio::process::Child {
    let bot = env!("CARGO_BIN_EXE_advocate");
    let wrapper = std::env::var("ADVOCATE_BENCH_WRAPPER").unwrap_or_default();
    let mut command: Vec<&str> = wrapper.split_whitespace().collect();
    command.extend([bot, "run"]);
    let path = std::env::var("PATH").unwrap_or_default();
    let mut bot = tokio::process::Command::new(command[0]);
    bot.args(&command[1..])
        .current_dir(dir)
        .env_clear()
        .env("PATH", path)
        .env("DATABASE_URL", url)
        .env("DISCORD_TOKEN", fake.token())
        .env("ADVOCATE_DISCORD_ADDR", fake.addr())
        .env("ADVOCATE_DISCORD_CA", fake.ca_path())
        .env("NO_COLOR", "1")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .kill_on_drop(true);
    if let Some(addr) = metrics {
        bot.env("ADVOCATE_HTTP_ADDR", addr);
    }
    bot.spawn().expect("the advocate binary starts")
}

/// A free port on this machine, as host:port.
pub fn free_addr() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().to_string()
}

/// A process's memory and CPU time so far.
pub struct ProcessStats {
    /// Resident now, MiB.
    pub rss: f64,
    /// Resident at its peak, MiB.
    pub peak: f64,
    /// User and system CPU, seconds.
    pub cpu: f64,
}

pub fn process_stats(pid: u32) -> ProcessStats {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let mib = |key: &str| -> f64 {
        let line = status.lines().find(|l| l.starts_with(key));
        line.and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok()).unwrap_or(0.0) / 1024.0
    };
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name (which may hold spaces): utime, stime are 14 and 15.
    let fields: Vec<&str> = stat.rsplit_once(')').map_or("", |(_, rest)| rest).split_whitespace().collect();
    let ticks: f64 = fields.get(11).and_then(|u| u.parse().ok()).unwrap_or(0.0)
        + fields.get(12).and_then(|s| s.parse::<f64>().ok()).unwrap_or(0.0);
    // SAFETY: sysconf only reads a system constant.
    let per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
    ProcessStats { rss: mib("VmRSS:"), peak: mib("VmHWM:"), cpu: ticks / per_second }
}

/// A comma-separated list of numbers from the environment, or `default`.
pub fn env_list(name: &str, default: &[usize]) -> Vec<usize> {
    let listed = std::env::var(name).ok().map(|v| v.split(',').filter_map(|n| n.trim().parse().ok()).collect());
    listed.unwrap_or_else(|| default.to_vec())
}
