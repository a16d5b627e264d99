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
    let applied: Vec<&str> = first.lines().filter_map(|line| line.strip_prefix("applied ")).collect();
    assert_eq!(applied.len(), 4, "{first}");
    assert!(applied[0].starts_with("1975ea83b712"), "the base first: {first}");
    assert!(applied[3].starts_with("53fffde5ad5a"), "the merge last: {first}");
    assert!(first.contains("-> 53fffde5ad5a (head, mergepoint, current)"), "{first}");

    let second = run(&url);
    assert!(second.contains("already at 53fffde5ad5a"), "{second}");
    assert!(!second.contains("applied "), "{second}");
    let _ = std::fs::remove_file(&path);
}

/// The lines of the tutorial's sample output, after its `$ cargo run -p quickstart` line.
fn tutorial_output() -> Vec<String> {
    let tutorial = include_str!("../../../book/src/tutorial.md");
    let start =
        tutorial.find("$ cargo run -p quickstart\n").unwrap_or_else(|| panic!("the tutorial shows a run"));
    let block = &tutorial[start..];
    let block = &block[block.find('\n').map_or(0, |end| end + 1)..block.find("```").unwrap_or(block.len())];
    block.lines().map(without_duration).collect()
}

/// `applied <rev> in 266.888µs` without its duration, which differs from run to run.
fn without_duration(line: &str) -> String {
    match line.split_once(" in ") {
        Some((applied, _)) if line.starts_with("applied ") => applied.to_owned(),
        _ => line.to_owned(),
    }
}

#[test]
fn the_tutorial_shows_what_the_first_run_prints() {
    let path = std::env::temp_dir().join(format!("migrate_quickstart_book_{}.db", std::process::id()));
    let output = run(&format!("sqlite://{}?mode=rwc", path.display()));
    let _ = std::fs::remove_file(&path);
    let printed: Vec<String> = output.lines().map(without_duration).collect();
    assert_eq!(printed, tutorial_output());
}

#[test]
fn sql_prints_the_upgrade_for_the_database_without_connecting() {
    let output = Command::new(env!("CARGO_BIN_EXE_quickstart"))
        .args(["--sql", "1975ea83b712:head"])
        .env("DATABASE_URL", "postgres://nobody@127.0.0.1:1/nowhere")
        .output()
        .unwrap_or_else(|error| panic!("the quickstart runs: {error}"));
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let sql = String::from_utf8_lossy(&output.stdout);
    assert!(sql.starts_with("-- migrate: 1975ea83b712:head for PostgreSQL"), "{sql}");
    assert!(!sql.contains("CREATE TABLE users"), "below the range: {sql}");
    assert!(sql.contains("CREATE TABLE posts"), "{sql}");
    assert!(sql.contains(r#"INSERT INTO "migrate_version" (version_num) VALUES ('53fffde5ad5a');"#), "{sql}");
}
