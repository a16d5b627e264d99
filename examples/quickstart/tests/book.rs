//! The book shows what the quickstart prints: every ```text block of the tutorial and the
//! command-line chapter that starts with `$ cargo run -p quickstart` is run, block after block on
//! one new database per chapter, and its output compared with the block (durations aside).

use std::process::Command;

/// Each `$ cargo run -p quickstart [-- words]` block of a chapter: the words and the output shown.
fn runs(chapter: &str) -> Vec<(Vec<String>, Vec<String>)> {
    let mut runs = Vec::new();
    for block in chapter.split("```text\n").skip(1) {
        let block = block.split("```").next().unwrap_or_default();
        let mut lines = block.lines();
        let Some(command) = lines.next().and_then(|line| line.strip_prefix("$ cargo run -p quickstart"))
        else {
            continue;
        };
        let words = command.trim_start_matches(" --").split_whitespace().map(str::to_owned).collect();
        runs.push((words, lines.map(without_duration).collect()));
    }
    runs
}

/// `Running upgrade ... (0.4 ms)` without its duration, which differs from run to run.
fn without_duration(line: &str) -> String {
    match line.rsplit_once(" (") {
        Some((running, _)) if line.starts_with("Running ") => running.to_owned(),
        _ => line.to_owned(),
    }
}

fn check(chapter_name: &str, chapter: &str) {
    let path = std::env::temp_dir().join(format!("migrate_book_{chapter_name}_{}.db", std::process::id()));
    let url = format!("sqlite://{}?mode=rwc", path.display());
    let runs = runs(chapter);
    assert!(!runs.is_empty(), "{chapter_name} shows the quickstart running");
    for (words, shown) in runs {
        let output = Command::new(env!("CARGO_BIN_EXE_quickstart"))
            .args(&words)
            .env("DATABASE_URL", &url)
            .env_remove("MIGRATE_DATABASE_URL")
            .output()
            .unwrap_or_else(|error| panic!("the quickstart runs: {error}"));
        let printed =
            format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
        let printed: Vec<String> = printed.lines().map(without_duration).collect();
        assert_eq!(printed, shown, "{chapter_name}: `quickstart {}`", words.join(" "));
    }
    let _ = std::fs::remove_file(&path);
}

#[test]
fn the_tutorial_shows_what_the_quickstart_prints() {
    check("tutorial", include_str!("../../../book/src/tutorial.md"));
}

#[test]
fn the_command_line_chapter_shows_what_each_command_prints() {
    check("cli", include_str!("../../../book/src/cli.md"));
}
