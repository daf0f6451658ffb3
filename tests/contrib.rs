//! The systemd unit in contrib/: valid, and it lets a stop drain.

use std::process::Command;

const UNIT: &str = include_str!("../contrib/advocate.service");

fn setting(key: &str) -> Option<&'static str> {
    UNIT.lines().find_map(|l| l.strip_prefix(&format!("{key}=")))
}

#[test]
fn the_unit_restarts_on_failure_and_gives_the_drain_time_to_finish() {
    assert_eq!(setting("Restart"), Some("on-failure"));
    assert_eq!(setting("KillSignal"), Some("SIGTERM"));
    let stop: u64 = setting("TimeoutStopSec").unwrap().trim_end_matches('s').parse().unwrap();
    assert!(stop > 10, "longer than the default shutdown timeout of 10 s");
    assert_eq!(setting("DynamicUser"), Some("yes"));
    assert_eq!(setting("ProtectSystem"), Some("strict"));
    assert_eq!(setting("StateDirectory"), Some("advocate"));
}

/// `systemd-analyze verify` where it exists (the binary path points at
/// this build, since it must exist and be executable).
#[test]
fn systemd_analyze_verifies_the_unit() {
    if Command::new("systemd-analyze").arg("--version").output().is_err() {
        eprintln!("note: systemd-analyze is not installed: the unit check is SKIPPED");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let unit = dir.path().join("advocate.service");
    std::fs::write(&unit, UNIT.replace("/usr/local/bin/advocate", env!("CARGO_BIN_EXE_advocate"))).unwrap();
    let out = Command::new("systemd-analyze").arg("verify").arg(&unit).output().unwrap();
    let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success() && said.trim().is_empty(), "{said}");
}
