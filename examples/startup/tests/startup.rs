//! The startup example as an operator sees it: the first start migrates and logs each migration,
//! later starts log that there was nothing to run, and replicas started at once all come up.

use std::process::{Command, Output};

fn start(url: &str) -> Output {
    let output =
        Command::new(env!("CARGO_BIN_EXE_startup")).env("DATABASE_URL", url).env("NO_COLOR", "1").output();
    output.unwrap_or_else(|error| panic!("the example starts: {error}"))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn database(name: &str) -> (std::path::PathBuf, String) {
    let path = std::env::temp_dir().join(format!("migrate_startup_{name}_{}.db", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let url = format!("sqlite://{}?mode=rwc", path.display());
    (path, url)
}

#[test]
fn the_first_start_migrates_and_logs_and_the_next_has_nothing_to_run() {
    let (path, url) = database("twice");
    let first = start(&url);
    assert!(first.status.success(), "{}", text(&first.stderr));
    assert_eq!(text(&first.stdout), "serving 3 accounts from 2 domains\n");
    let log = text(&first.stderr);
    for revision in ["5d0e3c1a9b27", "8f41b6e2d0c3", "b93a7d5e1f08"] {
        assert!(log.lines().any(|line| line.contains("migrated") && line.contains(revision)), "{log}");
    }

    let second = start(&url);
    assert!(second.status.success(), "{}", text(&second.stderr));
    let log = text(&second.stderr);
    assert!(log.contains("nothing to run") && !log.contains("migrated"), "{log}");
    let _ = std::fs::remove_file(&path);
}

#[test]
fn replicas_started_at_once_all_come_up() {
    let (path, url) = database("replicas");
    let replicas: Vec<_> = (0..4)
        .map(|_| {
            Command::new(env!("CARGO_BIN_EXE_startup"))
                .env("DATABASE_URL", &url)
                .env("NO_COLOR", "1")
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap_or_else(|error| panic!("the example starts: {error}"))
        })
        .collect();
    let mut migrated = 0;
    for replica in replicas {
        let output = replica.wait_with_output().unwrap_or_else(|error| panic!("{error}"));
        assert!(output.status.success(), "{}", text(&output.stderr));
        assert_eq!(text(&output.stdout), "serving 3 accounts from 2 domains\n");
        migrated += text(&output.stderr).lines().filter(|line| line.contains("migrated")).count();
    }
    assert_eq!(migrated, 3, "each migration ran once, in one of the replicas");
    let _ = std::fs::remove_file(&path);
}

#[test]
fn the_migrations_pass_the_safety_lint() {
    let report =
        migrate::lint_registered(&[migrate::Database::Sqlite], None).unwrap_or_else(|e| panic!("{e}"));
    assert!(report.is_clean(), "{report}");
}
