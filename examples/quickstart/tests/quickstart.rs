//! The quick-start app as a newcomer runs it: the first run upgrades an empty SQLite database and
//! shows the history; the second run has nothing to apply.

use std::process::Command;

fn run(url: &str) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_quickstart")).env("DATABASE_URL", url).output();
    let output = output.unwrap_or_else(|error| panic!("the quickstart runs: {error}"));
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn the_first_run_upgrades_to_head_and_the_second_finds_nothing_to_do() {
    let path = std::env::temp_dir().join(format!("migrate_quickstart_{}.db", std::process::id()));
    let url = format!("sqlite://{}?mode=rwc", path.display());

    let first = run(&url);
    let applied: Vec<&str> = first.lines().filter_map(|line| line.strip_prefix("Running upgrade ")).collect();
    assert_eq!(applied.len(), 4, "{first}");
    assert!(applied[0].starts_with("<base> -> 1975ea83b712"), "the base first: {first}");
    assert!(applied[3].starts_with("ae1027a6acf0, 27c6a30d7c24 -> 53fffde5ad5a"), "the merge last: {first}");
    assert!(first.contains("-> 53fffde5ad5a (head) (current) (mergepoint)"), "{first}");

    let second = run(&url);
    assert!(second.starts_with("Nothing to do: the database is at 53fffde5ad5a"), "{second}");
    assert!(!second.contains("Running upgrade"), "{second}");
    let _ = std::fs::remove_file(&path);
}

#[test]
fn sql_prints_the_upgrade_for_the_database_without_connecting() {
    let output = Command::new(env!("CARGO_BIN_EXE_quickstart"))
        .args(["upgrade", "1975ea83b712:head", "--sql"])
        .env("DATABASE_URL", "postgres://nobody@127.0.0.1:1/nowhere")
        .output()
        .unwrap_or_else(|error| panic!("the quickstart runs: {error}"));
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let sql = String::from_utf8_lossy(&output.stdout);
    assert!(sql.starts_with("-- migrate: 1975ea83b712:head for PostgreSQL"), "{sql}");
    assert!(!sql.contains(r#"CREATE TABLE "users""#), "below the range: {sql}");
    assert!(sql.contains(r#"CREATE TABLE "posts""#), "{sql}");
    assert!(sql.contains(r#"INSERT INTO "migrate_version" (version_num) VALUES ('53fffde5ad5a');"#), "{sql}");
}
