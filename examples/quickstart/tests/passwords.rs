//! The command line never prints a password from the database URL, whether the URL comes from the
//! environment or `--url`, with `--verbose` or not, on a refused login and on one that works.

#[allow(dead_code, reason = "this file uses part of the tests' database helper")]
#[path = "../../../tests/common/mod.rs"]
mod common;

use std::process::{Command, Output};

use common::{Kind, TestDatabase, with_credentials};

const PASSWORD: &str = "S3cr3t-cli-9043";

fn quickstart(environment_url: &str, words: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_quickstart"))
        .args(words)
        .env_remove("MIGRATE_DATABASE_URL")
        .env("DATABASE_URL", environment_url)
        .output()
        .unwrap_or_else(|error| panic!("the quickstart runs: {error}"))
}

/// For each configured server: URLs whose login is refused (an unknown user, the password in the
/// authority or the query) and, on PostgreSQL (trust authentication), one that is accepted.
fn urls() -> Vec<(String, bool)> {
    let mut urls = Vec::new();
    for variable in ["MIGRATE_TEST_POSTGRES_URL", "MIGRATE_TEST_MYSQL_URL"] {
        let Ok(server) = std::env::var(variable) else {
            println!("skipped on one server: set {variable} to run this test there");
            continue;
        };
        urls.push((with_credentials(&server, "nobody_cli_test", PASSWORD), false));
        let bare = with_credentials(&server, "nobody_cli_test", "").replace(":@", "@");
        let separator = if bare.contains('?') { '&' } else { '?' };
        urls.push((format!("{bare}{separator}password={PASSWORD}"), false));
    }
    urls
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_command_prints_the_password_of_the_database_url() {
    let mut urls = urls();
    // A login PostgreSQL accepts whatever the password (trust authentication), on a database of
    // the test's own, where the commands run for real.
    let accepted = TestDatabase::create(Kind::Postgres).await;
    if let Some(db) = &accepted {
        urls.push((with_credentials(&db.url, "postgres", PASSWORD), true));
    }
    check_every_command(&urls);
    if let Some(db) = accepted {
        db.remove().await;
    }
}

fn check_every_command(urls: &[(String, bool)]) {
    for (url, accepted) in urls {
        let (url, accepted) = (url.as_str(), *accepted);
        for words in
            [&["current"][..], &["current", "--verbose"], &["upgrade", "head", "--verbose"], &["history"]]
        {
            for from_environment in [true, false] {
                let output = if from_environment {
                    quickstart(url, words)
                } else {
                    // `--url` wins over the environment; the quickstart adds its own SQLite
                    // `--url` only when the environment names none.
                    let mut with_flag = vec!["--url", url];
                    with_flag.extend(words);
                    quickstart("sqlite::memory:", &with_flag)
                };
                let shown = format!(
                    "{}{}",
                    String::from_utf8_lossy(&output.stdout),
                    String::from_utf8_lossy(&output.stderr)
                );
                let context = format!("{words:?} on {url} (from the environment: {from_environment})");
                assert!(!shown.contains(PASSWORD), "{context}: the password is printed:\n{shown}");
                if accepted {
                    assert!(output.status.success(), "{context}: an accepted login works:\n{shown}");
                } else if words != ["history"] {
                    assert!(!output.status.success(), "{context}: a refused login fails");
                    assert!(
                        shown.contains("nobody_cli_test"),
                        "{context}: the error names the user:\n{shown}"
                    );
                    assert!(!shown.contains("panicked"), "{context}:\n{shown}");
                }
            }
        }
    }
}
