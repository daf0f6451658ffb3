//! The `advocate` binary as an operator uses it.

use std::path::Path;
use std::process::{Command, Output};

fn advocate(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_advocate"));
    cmd.args(args).current_dir(dir).env_clear().env("PATH", std::env::var("PATH").unwrap_or_default());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Runtime::new().unwrap().block_on(f)
}

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &to.join(entry.file_name()));
        } else {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

#[test]
fn shipped_prompts_pass_the_check() {
    let dir = tempfile::tempdir().unwrap();
    let out = advocate(dir.path(), &["prompts", "check", concat!(env!("CARGO_MANIFEST_DIR"), "/prompts")], &[]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("OK"));
}

/// Run from an empty folder with no settings: the built-in prompts are
/// used; `prompts export` writes an editable copy that checks clean.
#[test]
fn the_binary_carries_its_prompts_and_exports_them_for_editing() {
    let dir = tempfile::tempdir().unwrap();
    let out = advocate(dir.path(), &["prompts", "check"], &[]);
    assert!(out.status.success() && text(&out).contains("built into advocate: OK"), "{}", text(&out));
    let copy = dir.path().join("mine");
    let out = advocate(dir.path(), &["prompts", "export", copy.to_str().unwrap()], &[]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(copy.join("texts.toml").is_file() && copy.join("insights/smb.toml").is_file());
    let out = advocate(dir.path(), &["prompts", "check"], &[("ADVOCATE_PROMPTS", copy.to_str().unwrap())]);
    assert!(out.status.success(), "{}", text(&out));
    let again = advocate(dir.path(), &["prompts", "export", copy.to_str().unwrap()], &[]);
    assert!(!again.status.success() && text(&again).contains("export into an empty folder"), "{}", text(&again));
}

#[test]
fn the_demo_runs_from_an_empty_folder_and_leaves_nothing_there() {
    let dir = tempfile::tempdir().unwrap();
    let out = advocate(dir.path(), &["demo"], &[]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "nothing created in the working folder");
}

#[test]
fn logs_are_json_lines_on_request_and_plain_text_when_piped() {
    let dir = tempfile::tempdir().unwrap();
    let json = advocate(dir.path(), &["demo"], &[("ADVOCATE_LOG_FORMAT", "json")]);
    assert!(json.status.success(), "{}", text(&json));
    let lines: Vec<&str> = std::str::from_utf8(&json.stderr).unwrap().lines().collect();
    assert!(lines.len() > 3, "the demo logs its work");
    for line in lines {
        let parsed: serde_json::Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        assert!(parsed["level"].is_string() && parsed["fields"].is_object(), "{line}");
    }
    let plain = advocate(dir.path(), &["demo"], &[]);
    assert!(!plain.stderr.is_empty() && !plain.stderr.contains(&0x1b), "no colour codes when piped");
    let logs = String::from_utf8_lossy(&plain.stderr);
    assert!(!logs.contains("WARN") && !logs.contains("ERROR"), "the demo runs and closes cleanly: {logs}");
}

#[test]
fn a_broken_prompts_copy_fails_naming_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("prompts");
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("prompts"), &copy);
    let smb = copy.join("insights/smb.toml");
    let broken =
        std::fs::read_to_string(&smb).unwrap().replacen("source = \"support_ticket\"", "source = \"hunch\"", 1);
    std::fs::write(&smb, &broken).unwrap();
    let out = advocate(dir.path(), &["prompts", "check", copy.to_str().unwrap()], &[]);
    assert!(!out.status.success());
    let entry_line = broken.lines().position(|l| l.starts_with("[[insight]]")).unwrap() + 1;
    let expected = format!("smb.toml:{entry_line}: insight `smb-month-end-export`: `hunch` is not an evidence source");
    assert!(text(&out).contains(&expected), "{}", text(&out));
}

#[test]
fn migrate_creates_the_schema_once() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("new.db").display());
    let first = advocate(dir.path(), &["migrate"], &[("DATABASE_URL", &url)]);
    assert!(first.status.success(), "{}", text(&first));
    let shipped = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/sqlite")).unwrap().count();
    assert!(text(&first).contains(&format!("Applied {shipped} migration(s)")), "{}", text(&first));
    assert!(dir.path().join("new.db").exists());
    let second = advocate(dir.path(), &["migrate"], &[("DATABASE_URL", &url)]);
    assert!(second.status.success());
    assert!(text(&second).contains("up to date; nothing to apply"), "{}", text(&second));
}

#[test]
fn run_without_a_token_says_how_to_get_one() {
    let dir = tempfile::tempdir().unwrap();
    let out = advocate(dir.path(), &["run"], &[]);
    assert!(!out.status.success());
    let said = text(&out);
    assert!(said.contains("DISCORD_TOKEN is not set") && said.contains("Reset Token"), "{said}");
    assert!(!said.contains("panicked") && !said.contains("backtrace"), "{said}");
    assert!(!dir.path().join("advocate.db").exists(), "nothing created before the token check");
}

#[test]
fn a_bad_setting_stops_start_up_with_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let out = advocate(dir.path(), &["run"], &[("ADVOCATE_TIMEZONE", "Europe/Berlinn"), ("DISCORD_TOKEN", "x")]);
    assert!(!out.status.success());
    assert!(
        text(&out).contains(
            "ADVOCATE_TIMEZONE (or default_timezone in advocate.toml): `Europe/Berlinn` is not an IANA time zone"
        ),
        "{}",
        text(&out)
    );
}

#[test]
fn an_unreachable_database_stops_start_up_with_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let out = advocate(dir.path(), &["migrate"], &[("DATABASE_URL", "sqlite:/nonexistent/dir/a.db")]);
    assert!(!out.status.success());
    assert!(text(&out).contains("cannot open the SQLite database"), "{}", text(&out));
}

#[test]
fn import_feedback_imports_the_sample_once() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("a.db").display());
    let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/prompts/samples/feedback.csv");
    let args = ["import-feedback", sample, "--guild", "123456789012345678"];
    let out = advocate(dir.path(), &args, &[("DATABASE_URL", &url)]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("Imported 5 insight(s)"), "{}", text(&out));
    assert!(out.stderr.is_empty(), "a one-shot command prints its result only: {}", text(&out));
    let again = advocate(dir.path(), &args, &[("DATABASE_URL", &url)]);
    assert!(
        text(&again).contains("Imported 0 insight(s)") && text(&again).contains("5 row(s) were already there"),
        "{}",
        text(&again)
    );
}

#[test]
fn a_csv_with_one_bad_row_imports_nothing_and_names_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("a.db").display());
    let csv = dir.path().join("bad.csv");
    std::fs::write(&csv, "customer,comment,score\nA,good,9\nB,bad,twelve\nC,ok,7\n").unwrap();
    let out =
        advocate(dir.path(), &["import-feedback", csv.to_str().unwrap(), "--guild", "42"], &[("DATABASE_URL", &url)]);
    assert!(!out.status.success());
    assert!(
        text(&out).contains("bad.csv: line 3: score `twelve`") && text(&out).contains("Nothing was imported"),
        "{}",
        text(&out)
    );
    // The good rows did not go in: fixing the file imports all three.
    std::fs::write(&csv, "customer,comment,score\nA,good,9\nB,bad,10\nC,ok,7\n").unwrap();
    let out =
        advocate(dir.path(), &["import-feedback", csv.to_str().unwrap(), "--guild", "42"], &[("DATABASE_URL", &url)]);
    assert!(text(&out).contains("Imported 3 insight(s)"), "{}", text(&out));
}

#[test]
fn report_prints_md_csv_and_json() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("a.db").display());
    let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/prompts/samples/feedback.csv");
    advocate(dir.path(), &["import-feedback", sample, "--guild", "42"], &[("DATABASE_URL", &url)]);
    let report = |format| {
        advocate(
            dir.path(),
            &["report", "--guild", "42", "--week", "2026-W47", "--format", format],
            &[("DATABASE_URL", &url)],
        )
    };
    let md = report("md");
    assert!(md.status.success(), "{}", text(&md));
    assert!(text(&md).contains("week 2026-W47") && text(&md).contains("| Answers | 0 | 0 | 0 |"), "{}", text(&md));
    let csv = text(&report("csv"));
    assert!(csv.starts_with("metric,this_week,previous_week,change\n"), "{csv}");
    assert!(!csv.contains('–') && csv.lines().any(|l| l.ends_with(",,")), "no number is an empty cell: {csv}");
    let json: serde_json::Value = serde_json::from_slice(&report("json").stdout).unwrap();
    assert_eq!(json["week"], "2026-W47");
    assert_eq!(json["this_week"]["headline"]["answers"], 0);
    assert_eq!(json["change"]["answers"], 0.0);
    let month = advocate(
        dir.path(),
        &["report", "--guild", "42", "--month", "2026-11", "--format", "json"],
        &[("DATABASE_URL", &url)],
    );
    let json: serde_json::Value = serde_json::from_slice(&month.stdout).unwrap();
    assert_eq!((json["week"].clone(), json["period"]["name"].clone()), (serde_json::Value::Null, "2026-11".into()));
    let periods = [
        (vec!["--week", "2026-W47", "--month", "2026-11"], "cannot be used with"),
        (vec!["--from", "2026-11-01"], "--to"),
        (vec!["--from", "2026-11-15", "--to", "2026-11-01"], "before it starts"),
        (vec!["--quarter", "2026-Q5"], "like 2026-Q4"),
    ];
    for (args, says) in periods {
        let out = advocate(dir.path(), &[&["report", "--guild", "42"], &args[..]].concat(), &[("DATABASE_URL", &url)]);
        assert!(!out.status.success() && text(&out).contains(says), "{args:?}: {}", text(&out));
    }
    let unknown = advocate(dir.path(), &["report", "--guild", "43"], &[("DATABASE_URL", &url)]);
    assert!(!unknown.status.success() && text(&unknown).contains("guild 43 has no data"), "{}", text(&unknown));
}

#[test]
fn every_subcommand_has_help() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &["--help"][..],
        &["run", "--help"],
        &["migrate", "--help"],
        &["prompts", "check", "--help"],
        &["import-feedback", "--help"],
        &["report", "--help"],
    ] {
        let out = advocate(dir.path(), args, &[]);
        assert!(out.status.success(), "{args:?}: {}", text(&out));
        assert!(text(&out).contains("Usage:"), "{args:?}");
    }
    assert!(text(&advocate(dir.path(), &["--help"], &[])).contains("DATABASE_URL"));
}

#[test]
fn the_demo_can_keep_its_database_for_report_to_read() {
    let dir = tempfile::tempdir().unwrap();
    let kept = dir.path().join("demo.db");
    let out = advocate(dir.path(), &["demo", "--keep", kept.to_str().unwrap()], &[]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(!text(&out).contains("invite"), "offline: no invite link");
    let said = text(&out);
    let try_it = said.lines().find(|l| l.trim_start().starts_with("DATABASE_URL=")).expect("how to try report");
    let (url, command) = try_it.trim().split_once(' ').unwrap();
    let args: Vec<&str> = command.split(' ').skip(1).collect(); // after `advocate`
    let report = advocate(dir.path(), &args, &[("DATABASE_URL", url.trim_start_matches("DATABASE_URL="))]);
    assert!(report.status.success() && text(&report).contains("| Answers | 6 |"), "{}", text(&report));
    let again = advocate(dir.path(), &["demo", "--keep", kept.to_str().unwrap()], &[]);
    assert!(!again.status.success() && text(&again).contains("exists"), "{}", text(&again));
}

#[test]
fn a_crlf_semicolon_export_with_a_free_text_channel_imports_with_ignore() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("a.db").display());
    let file = dir.path().join("export.csv");
    let long = "w".repeat(2000);
    std::fs::write(&file, format!("Company;Channel;Feedback\r\nAcme;email;{long}\r\nBeta;phone;Slow search\r\n"))
        .unwrap();
    let args = ["import-feedback", file.to_str().unwrap(), "--guild", "42", "--ignore", "Channel"];
    let out = advocate(dir.path(), &args, &[("DATABASE_URL", &url)]);
    assert!(out.status.success() && text(&out).contains("Imported 2 insight(s)"), "{}", text(&out));
    assert!(text(&out).contains("note: line 2: the comment has 2000 characters; cut to 1000"), "{}", text(&out));
    std::fs::write(&file, "Company;Feedback;NPS\r\nAcme;fine;9\r\nBeta;slow;eleven\r\n").unwrap();
    let out =
        advocate(dir.path(), &["import-feedback", file.to_str().unwrap(), "--guild", "42"], &[("DATABASE_URL", &url)]);
    assert!(!out.status.success() && text(&out).contains("line 3: score `eleven`"), "{}", text(&out));
}

#[test]
fn guilds_lists_what_the_database_holds() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("a.db").display());
    let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/prompts/samples/feedback.csv");
    advocate(dir.path(), &["migrate"], &[("DATABASE_URL", &url)]);
    let empty = advocate(dir.path(), &["guilds"], &[("DATABASE_URL", &url)]);
    assert!(text(&empty).contains("No guilds yet"), "{}", text(&empty));
    advocate(dir.path(), &["import-feedback", sample, "--guild", "4242"], &[("DATABASE_URL", &url)]);
    let out = advocate(dir.path(), &["guilds"], &[("DATABASE_URL", &url)]);
    let row = text(&out).lines().find(|l| l.starts_with("4242")).map(str::to_string);
    assert!(row.as_ref().is_some_and(|r| r.contains("(name not seen yet)") && r.ends_with("active")), "{}", text(&out));
}

/// `report` reads only, so a PostgreSQL role that may only SELECT runs it.
#[test]
fn report_works_for_a_select_only_postgresql_role() {
    let Ok(base) = std::env::var("ADVOCATE_TEST_POSTGRES_URL") else {
        eprintln!("note: ADVOCATE_TEST_POSTGRES_URL is not set: the PostgreSQL run is SKIPPED");
        return;
    };
    let (schema, role) =
        (format!("advocate_ro_{}", std::process::id()), format!("advocate_reader_{}", std::process::id()));
    let psql = |sql: String| {
        block_on(async {
            let pool = sqlx::PgPool::connect(&base).await.unwrap();
            sqlx::raw_sql(&sql).execute(&pool).await.unwrap();
            pool.close().await;
        })
    };
    psql(format!("CREATE SCHEMA {schema}"));
    let sep = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{sep}options=-c%20search_path%3D{schema}");
    let dir = tempfile::tempdir().unwrap();
    let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/prompts/samples/feedback.csv");
    let imported = advocate(dir.path(), &["import-feedback", sample, "--guild", "42"], &[("DATABASE_URL", &url)]);
    assert!(imported.status.success(), "{}", text(&imported));
    psql(format!(
        "CREATE ROLE {role} LOGIN; GRANT USAGE ON SCHEMA {schema} TO {role}; \
         GRANT SELECT ON ALL TABLES IN SCHEMA {schema} TO {role}"
    ));
    let (scheme, rest) = url.split_once("://").unwrap();
    let host = rest.split_once('@').map_or(rest, |(_, host)| host);
    let reader = format!("{scheme}://{role}@{host}");
    let out = advocate(dir.path(), &["report", "--guild", "42", "--week", "2026-W47"], &[("DATABASE_URL", &reader)]);
    psql(format!("DROP SCHEMA {schema} CASCADE; DROP ROLE {role}"));
    assert!(out.status.success() && text(&out).contains("| Answers |"), "{}", text(&out));
}

#[test]
fn a_negative_or_wordy_id_names_the_option() {
    let dir = tempfile::tempdir().unwrap();
    for bad in ["-1", "abc"] {
        let out = advocate(dir.path(), &["report", "--guild", bad], &[]);
        assert!(!out.status.success());
        let said = text(&out);
        assert!(said.contains(&format!("--guild must be a Discord id or mention, not `{bad}`")), "{said}");
    }
}

#[test]
fn report_never_creates_or_migrates_and_says_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("missing.db");
    let url = format!("sqlite:{}", path.display());
    let out = advocate(dir.path(), &["report", "--guild", "42"], &[("DATABASE_URL", &url)]);
    assert!(!out.status.success() && text(&out).contains("there is no database at"), "{}", text(&out));
    assert!(!path.exists(), "report created no database");
    std::fs::write(&path, b"").unwrap(); // an empty file: never migrated
    let out = advocate(dir.path(), &["report", "--guild", "42"], &[("DATABASE_URL", &url)]);
    assert!(text(&out).contains("run `advocate migrate`"), "{}", text(&out));
    let tables: i64 = block_on(async {
        let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
        sqlx::query_scalar("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'").fetch_one(&pool).await.unwrap()
    });
    assert_eq!(tables, 0, "still not migrated");
}

/// Ten processes starting at once on a new database all succeed, and the
/// migrations they say they applied add up to the schema, each applied once.
fn concurrent_first_migrations(url: &str) {
    let dir = tempfile::tempdir().unwrap();
    let runs: Vec<_> = (0..10)
        .map(|_| {
            let mut cmd = Command::new(env!("CARGO_BIN_EXE_advocate"));
            cmd.arg("migrate").current_dir(dir.path()).env_clear().env("DATABASE_URL", url);
            cmd.stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped()).spawn().unwrap()
        })
        .collect();
    let mut applied = 0;
    for run in runs {
        let out = run.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", text(&out));
        let said = text(&out);
        if let Some(n) = said.strip_prefix("Applied ").and_then(|r| r.split(' ').next()) {
            applied += n.parse::<usize>().unwrap();
        } else {
            assert!(said.contains("up to date"), "{said}");
        }
    }
    let migrations = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/sqlite")).unwrap().count();
    assert_eq!(applied, migrations, "each migration applied once, and reported once");
}

#[test]
fn ten_first_starts_at_once_on_a_new_sqlite_database_all_succeed() {
    let dir = tempfile::tempdir().unwrap();
    concurrent_first_migrations(&format!("sqlite:{}", dir.path().join("new.db").display()));
}

#[test]
fn ten_first_starts_at_once_on_a_new_postgresql_schema_all_succeed() {
    let Ok(base) = std::env::var("ADVOCATE_TEST_POSTGRES_URL") else {
        eprintln!("note: ADVOCATE_TEST_POSTGRES_URL is not set: the PostgreSQL run is SKIPPED");
        return;
    };
    let schema = format!("advocate_cli_{}", std::process::id());
    let psql = |sql: &str| {
        block_on(async {
            let pool = sqlx::PgPool::connect(&base).await.unwrap();
            sqlx::query(sql).execute(&pool).await.unwrap();
            pool.close().await;
        })
    };
    psql(&format!("CREATE SCHEMA {schema}"));
    let sep = if base.contains('?') { '&' } else { '?' };
    concurrent_first_migrations(&format!("{base}{sep}options=-c%20search_path%3D{schema}"));
    psql(&format!("DROP SCHEMA {schema} CASCADE"));
}
