//! migrate's command line, mounted in the quickstart, driven as a user drives it: each command's
//! output and exit code, on SQLite, PostgreSQL and MariaDB.

#[allow(dead_code, reason = "the command-line tests use part of the tests' database helper")]
#[path = "../../../tests/common/mod.rs"]
mod common;

use std::process::{Command, Output};

use common::{Kind, TestDatabase};

/// Runs the quickstart with `words` on the database at `url`.
fn quickstart(url: &str, words: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_quickstart"))
        .args(words)
        .env("DATABASE_URL", url)
        .env_remove("MIGRATE_DATABASE_URL")
        .output()
        .unwrap_or_else(|error| panic!("the quickstart runs: {error}"))
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The URL of the test database, as a user would pass it.
fn url(db: &TestDatabase) -> String {
    db.url.clone()
}

async fn every_command_says_what_it_did_and_exits_with_its_code(db: std::sync::Arc<TestDatabase>) {
    let url = url(&db);

    let upgrade = quickstart(&url, &["upgrade", "head"]);
    assert!(upgrade.status.success(), "{}", stderr(&upgrade));
    let lines: Vec<String> = stdout(&upgrade).lines().map(str::to_owned).collect();
    assert_eq!(lines.len(), 5, "{lines:?}");
    assert!(
        lines[0].starts_with("Running upgrade <base> -> 1975ea83b712, Create the users table. ("),
        "{lines:?}"
    );
    assert_eq!(lines[4], "The database is at 53fffde5ad5a");

    let current = quickstart(&url, &["current", "--check-heads"]);
    assert_eq!((current.status.code(), stdout(&current).as_str()), (Some(0), "53fffde5ad5a (head)\n"));

    let downgrade = quickstart(&url, &["downgrade", "ae1027a6acf0"]);
    assert!(downgrade.status.success(), "{}", stderr(&downgrade));
    assert!(
        stdout(&downgrade).starts_with("Running downgrade 53fffde5ad5a -> ae1027a6acf0, 27c6a30d7c24, Merge"),
        "{}",
        stdout(&downgrade)
    );
    let behind = quickstart(&url, &["current", "--check-heads"]);
    assert_eq!(behind.status.code(), Some(3), "not at every head");
    // Downgrading to one side of the merge keeps the other side: both are current.
    assert!(
        stderr(&behind)
            .contains("the database is at 27c6a30d7c24, ae1027a6acf0, not at every head (53fffde5ad5a)"),
        "{}",
        stderr(&behind)
    );

    let history = quickstart(&url, &["history", "--indicate-current"]);
    assert!(stdout(&history).contains("1975ea83b712 -> ae1027a6acf0 (current), Create the posts table."));

    let json = quickstart(&url, &["current", "--format", "json"]);
    assert_eq!(stdout(&json), "{\"current\":[\"27c6a30d7c24\",\"ae1027a6acf0\"]}\n");

    let again = quickstart(&url, &["upgrade", "heads", "--quiet"]);
    assert_eq!((again.status.code(), stdout(&again).as_str()), (Some(0), ""));

    let unknown = quickstart(&url, &["upgrade", "nosuch"]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(stderr(&unknown).starts_with("error: target 'nosuch' names no revision"), "{}", stderr(&unknown));

    let stamped = quickstart(&url, &["stamp", "base", "--purge"]);
    assert_eq!(stdout(&stamped), "Stamped base\n");

    // The SQL of a stamp, run by hand, records the heads as the online stamp would.
    let sql = quickstart(&url, &["stamp", "base:heads", "--sql"]);
    assert!(sql.status.success(), "{}", stderr(&sql));
    db.execute(&stdout(&sql)).await;
    assert_eq!(stdout(&quickstart(&url, &["current"])), "53fffde5ad5a (head)\n");
}

/// On MariaDB, whose DDL commits as it runs, a migration that failed part way is shown by
/// `repair` (exit 3) and settled by it; until then a run refuses to go on past it.
async fn repair_shows_and_settles_a_migration_that_failed_part_way(db: std::sync::Arc<TestDatabase>) {
    let url = url(&db);
    assert!(quickstart(&url, &["upgrade", "1975ea83b712"]).status.success());
    // Someone added the column by hand: the migration that adds it fails.
    db.execute("ALTER TABLE users ADD COLUMN email LONGTEXT").await;
    let failed = quickstart(&url, &["upgrade", "27c6a30d7c24"]);
    assert_eq!(failed.status.code(), Some(1));
    assert!(stderr(&failed).contains("Duplicate column name 'email'"), "{}", stderr(&failed));
    assert!(stderr(&failed).contains("the next run resumes at the failing statement"), "{}", stderr(&failed));

    let shown = quickstart(&url, &["repair"]);
    assert_eq!(shown.status.code(), Some(3), "{}", stderr(&shown));
    let text = stdout(&shown);
    assert!(text.starts_with("Stopped part way: the upgrade of '27c6a30d7c24' ("), "{text}");
    assert!(
        text.contains("failed part way; none of its statements is recorded as done; failed: `ALTER TABLE"),
        "{text}"
    );
    assert!(text.contains("repair --mark-applied"), "{text}");
    // A run stops at it again (resumed, its statement fails again; or another branch first is
    // refused), and says what to do.
    let refused = quickstart(&url, &["upgrade", "heads"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(stderr(&refused).contains("`migrate repair`"), "{}", stderr(&refused));

    // The column is what the migration makes: it counts as applied.
    let marked = quickstart(&url, &["repair", "--mark-applied"]);
    assert_eq!(
        stdout(&marked),
        "Repaired: the upgrade of 27c6a30d7c24 is marked applied\n",
        "{}",
        stderr(&marked)
    );
    assert_eq!(stdout(&quickstart(&url, &["current"])), "27c6a30d7c24\n");
    assert_eq!(quickstart(&url, &["repair"]).status.code(), Some(0));
    let finished = quickstart(&url, &["upgrade", "heads"]);
    assert!(finished.status.success(), "{}", stderr(&finished));
    assert_eq!(stdout(&quickstart(&url, &["current"])), "53fffde5ad5a (head)\n");
}

#[tokio::test]
async fn repair_on_mariadb() {
    common::run(Kind::MySql, repair_shows_and_settles_a_migration_that_failed_part_way).await;
}

/// `check` says whether the models match a database at the heads (exit 3 when they don't), and
/// `revision --autogenerate` writes the migration that makes them match, into the crate.
async fn check_and_autogenerate_compare_the_models_with_the_database(db: std::sync::Arc<TestDatabase>) {
    let url = url(&db);
    let behind = quickstart(&url, &["upgrade", "ae1027a6acf0"]);
    assert!(behind.status.success(), "{}", stderr(&behind));
    let refused = quickstart(&url, &["check"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(stderr(&refused).contains("the database is not up to date"), "{}", stderr(&refused));

    let upgraded = quickstart(&url, &["upgrade", "heads"]);
    assert!(upgraded.status.success(), "{}", stderr(&upgraded));
    let matching = quickstart(&url, &["check"]);
    assert_eq!(
        (matching.status.code(), stdout(&matching).as_str()),
        (Some(0), "No new upgrade operations detected.\n")
    );

    // The database drifts from the models: `email` renamed by hand, and a table no model has.
    db.execute("ALTER TABLE users RENAME COLUMN email TO mail").await;
    db.execute("CREATE TABLE legacy (id INTEGER PRIMARY KEY)").await;
    let drifted = quickstart(&url, &["check"]);
    assert_eq!(drifted.status.code(), Some(3));
    assert_eq!(
        stdout(&drifted),
        "New upgrade operations detected:\n  add column \"users\".\"email\" TEXT NULL\n  \
         drop column \"users\".\"mail\" TEXT NULL\n  drop table \"legacy\"\n"
    );
    let json = quickstart(&url, &["check", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    assert_eq!(
        json["changes"][2],
        serde_json::json!({"action": "drop table", "object": "\"legacy\"", "detail": ""})
    );

    let root = crate_copy(&format!("autogenerate_{:?}", db.kind));
    let written = Command::new(env!("CARGO_BIN_EXE_quickstart"))
        .args(["revision", "--autogenerate", "-m", "Bring the e-mail back", "--rev-id", "aaaa00000001"])
        .current_dir(&root)
        .env("DATABASE_URL", &url)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert!(written.status.success(), "{}", stderr(&written));
    assert!(stderr(&written).contains("warning: column \"users\".\"mail\" -> \"email\" may be a rename"));
    let text =
        std::fs::read_to_string(root.join("src/migrations/aaaa00000001_bring_the_e_mail_back.rs")).unwrap();
    assert!(text.contains("downgrade = bring_the_e_mail_back_downgrade"), "{text}");
    assert!(text.contains("// review: drops table \"legacy\" and its data"), "{text}");
    assert!(text.contains("op.drop_table(\"legacy\")"), "{text}");
    std::fs::remove_dir_all(&root).unwrap();
}

#[tokio::test]
async fn check_and_autogenerate_on_sqlite() {
    common::run(Kind::Sqlite, check_and_autogenerate_compare_the_models_with_the_database).await;
}

#[tokio::test]
async fn check_and_autogenerate_on_postgres() {
    common::run(Kind::Postgres, check_and_autogenerate_compare_the_models_with_the_database).await;
}

#[tokio::test]
async fn check_and_autogenerate_on_mariadb() {
    common::run(Kind::MySql, check_and_autogenerate_compare_the_models_with_the_database).await;
}

#[tokio::test]
async fn every_command_on_sqlite() {
    common::run(Kind::Sqlite, every_command_says_what_it_did_and_exits_with_its_code).await;
}

#[tokio::test]
async fn every_command_on_postgres() {
    common::run(Kind::Postgres, every_command_says_what_it_did_and_exits_with_its_code).await;
}

#[tokio::test]
async fn every_command_on_mariadb() {
    common::run(Kind::MySql, every_command_says_what_it_did_and_exits_with_its_code).await;
}

#[test]
fn the_graph_commands_need_no_database() {
    let unreachable = "postgres://nobody:secret@127.0.0.1:1/nowhere";
    let heads = quickstart(unreachable, &["heads"]);
    assert_eq!(stdout(&heads), "53fffde5ad5a (head)\n");
    let branches = quickstart(unreachable, &["branches"]);
    assert_eq!(
        stdout(&branches),
        "1975ea83b712 (branchpoint)\n             -> 27c6a30d7c24\n             -> ae1027a6acf0\n"
    );
    let show = quickstart(unreachable, &["show", "53ff"]);
    assert_eq!(
        stdout(&show),
        "Rev: 53fffde5ad5a (head) (mergepoint)\nMerges: ae1027a6acf0, 27c6a30d7c24\n\
         Path: quickstart::migrations::merge_heads (examples/quickstart/src/migrations.rs:39)\n\n    \
         Merge the posts and e-mail branches.\n"
    );
}

#[test]
fn a_database_that_cant_be_reached_is_exit_code_1_without_the_password() {
    let output = quickstart("postgres://nobody:secret@127.0.0.1:1/nowhere", &["current"]);
    assert_eq!(output.status.code(), Some(1));
    let error = stderr(&output);
    assert!(error.contains("refused") && !error.contains("secret"), "{error}");
}

#[test]
fn a_wrong_command_line_is_exit_code_2() {
    let output = quickstart("sqlite::memory:", &["frobnicate"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("unrecognized subcommand 'frobnicate'"));
}

/// `cargo migrate` reads the graph from the source files with the attribute's own parser; the
/// app's `history` reads the graph it registered. They must be the same graph, in the same order.
#[test]
fn cargo_migrate_reads_the_graph_the_app_registers() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let project = migrate_scaffold::Project::open(root).unwrap_or_else(|error| panic!("{error}"));
    let from_source: Vec<serde_json::Value> = project
        .graph()
        .history("base:heads", &[] as &[&str])
        .unwrap()
        .into_iter()
        .map(|revision| {
            serde_json::json!([
                revision.id(),
                revision.down_revisions(),
                revision.message(),
                revision.branch_labels()
            ])
        })
        .collect();
    let output = quickstart("sqlite::memory:", &["history", "--format", "json"]);
    let registered: Vec<serde_json::Value> = serde_json::from_slice::<Vec<serde_json::Value>>(&output.stdout)
        .unwrap_or_else(|error| panic!("{error}: {}", stdout(&output)))
        .into_iter()
        .map(|revision| {
            serde_json::json!([
                revision["revision"],
                revision["down_revisions"],
                revision["message"],
                revision["branch_labels"]
            ])
        })
        .collect();
    assert_eq!(from_source, registered);
    assert_eq!(from_source.len(), 4);
}

/// A copy of the quickstart's crate in a temporary folder, for commands that write files.
fn crate_copy(name: &str) -> std::path::PathBuf {
    let root = std::env::temp_dir().join(format!("quickstart_{name}_{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("src")).unwrap();
    std::fs::write(root.join("Cargo.toml"), "[package]\nname = \"copy\"\n").unwrap();
    std::fs::write(root.join("migrate.toml"), "migrations = \"src/migrations\"\n").unwrap();
    std::fs::write(root.join("src/lib.rs"), "mod migrations;\n").unwrap();
    let migrations = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/migrations.rs");
    std::fs::copy(migrations, root.join("src/migrations.rs")).unwrap();
    root
}

/// Runs the quickstart with `words` in the folder `root`, with no database.
fn quickstart_in(root: &std::path::Path, words: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_quickstart"))
        .args(words)
        .current_dir(root)
        .env_remove("DATABASE_URL")
        .env_remove("MIGRATE_DATABASE_URL")
        .output()
        .unwrap_or_else(|error| panic!("the quickstart runs: {error}"))
}

/// The app's own `revision` and `merge` write into the crate they run in, as `cargo migrate`
/// does: the file after the head, its `mod` line, and a merge of two heads.
#[test]
fn the_apps_revision_and_merge_commands_write_into_its_crate() {
    let root = crate_copy("revision");
    let written = quickstart_in(&root, &["revision", "-m", "Add tags", "--rev-id", "aaaa00000001"]);
    assert!(written.status.success(), "{}", stderr(&written));
    let file = root.join("src/migrations/aaaa00000001_add_tags.rs");
    assert_eq!(
        stdout(&written),
        format!("Generating {} ... done (53fffde5ad5a -> aaaa00000001)\n", file.display())
    );
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.contains(r#"#[migration(revision = "aaaa00000001", down_revision = "53fffde5ad5a")]"#),
        "{text}"
    );
    let module = std::fs::read_to_string(root.join("src/migrations.rs")).unwrap();
    assert!(
        module.ends_with("#[path = \"migrations/aaaa00000001_add_tags.rs\"]\nmod add_tags_aaaa00000001;\n")
    );

    let refused = quickstart_in(&root, &["revision", "-m", "Branch", "--head", "1975ea83b712"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(stderr(&refused).contains("1975ea83b712 is not a head"), "{}", stderr(&refused));

    let spliced = quickstart_in(
        &root,
        &["revision", "-m", "Audit", "--head", "53fffde5ad5a", "--splice", "--rev-id", "bbbb00000002"],
    );
    assert!(spliced.status.success(), "{}", stderr(&spliced));
    let merged = quickstart_in(
        &root,
        &["--format", "json", "merge", "-m", "Join tags and audit", "heads", "--rev-id", "cccc00000003"],
    );
    assert!(merged.status.success(), "{}", stderr(&merged));
    let json: serde_json::Value = serde_json::from_str(&stdout(&merged)).unwrap();
    assert_eq!(json["revision"], "cccc00000003");
    assert_eq!(json["down_revisions"], serde_json::json!(["aaaa00000001", "bbbb00000002"]));
    assert_eq!(json["new_module"], serde_json::Value::Null, "the module file was there already");
    let project = migrate_scaffold::Project::open(&root).unwrap();
    assert_eq!(project.graph().heads(), ["cccc00000003"]);
    std::fs::remove_dir_all(&root).unwrap();
}

/// `--verbose` says on standard error where a run goes and what it will run, and leaves standard
/// output as it is without it.
#[test]
fn verbose_names_the_database_the_settings_and_the_plan_on_standard_error() {
    let file = std::env::temp_dir().join(format!("quickstart_verbose_{}.db", std::process::id()));
    let url = format!("sqlite://{}?mode=rwc", file.display());
    let quiet = quickstart(&url, &["upgrade", "+1"]);
    let verbose = quickstart(&url, &["--verbose", "upgrade", "27c6a30d7c24"]);
    assert!(verbose.status.success(), "{}", stderr(&verbose));
    assert_eq!(
        stderr(&verbose),
        format!(
            "Connecting to SQLite at {url}; version table migrate_version; a transaction per migration\n\
             Will run 1 step: upgrade 27c6a30d7c24\n"
        )
    );
    assert!(stdout(&quiet).starts_with("Running upgrade <base> -> 1975ea83b712"));
    assert!(stdout(&verbose).starts_with("Running upgrade 1975ea83b712 -> 27c6a30d7c24"));
    let history = quickstart(&url, &["history", "-v"]);
    assert!(stdout(&history).starts_with("Rev: 53fffde5ad5a (head) (mergepoint)\n"), "{}", stdout(&history));
    let _ = std::fs::remove_file(file);
}

/// A copy of the quickstart's crate with two branches after its head, as a git merge leaves them:
/// `aaaa00000001` on one side, `bbbb00000002` then `bbbb00000003` on the other.
fn crate_with_two_branches(name: &str) -> std::path::PathBuf {
    let root = crate_copy(name);
    for words in [
        &["revision", "-m", "Add tags", "--rev-id", "aaaa00000001"][..],
        &["revision", "-m", "Audit", "--head", "53fffde5ad5a", "--splice", "--rev-id", "bbbb00000002"],
        &["revision", "-m", "Audit more", "--head", "bbbb00000002", "--rev-id", "bbbb00000003"],
    ] {
        let written = quickstart_in(&root, words);
        assert!(written.status.success(), "{}", stderr(&written));
    }
    root
}

/// `rebase` moves a branch made in parallel onto the other head: its first revision now follows
/// that head, and there is one head again.
#[test]
fn rebase_moves_a_branch_onto_the_other_head() {
    let root = crate_with_two_branches("rebase");
    let rebased = quickstart_in(&root, &["rebase", "bbbb00000003", "--onto", "aaaa00000001"]);
    assert!(rebased.status.success(), "{}", stderr(&rebased));
    assert_eq!(stdout(&rebased), "Rebased bbbb00000002: now follows aaaa00000001\nHeads: bbbb00000003\n");
    let text = std::fs::read_to_string(root.join("src/migrations/bbbb00000002_audit.rs")).unwrap();
    assert!(
        text.contains(r#"#[migration(revision = "bbbb00000002", down_revision = "aaaa00000001")]"#),
        "{text}"
    );
    let project = migrate_scaffold::Project::open(&root).unwrap();
    let order: Vec<&str> = project
        .graph()
        .history("base:heads", &[] as &[&str])
        .unwrap()
        .into_iter()
        .map(|revision| revision.id())
        .take(4)
        .collect();
    assert_eq!(order, ["bbbb00000003", "bbbb00000002", "aaaa00000001", "53fffde5ad5a"]);
    let again = quickstart_in(&root, &["rebase", "bbbb00000003", "--onto", "aaaa00000001"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("are on one line already"), "{}", stderr(&again));
    std::fs::remove_dir_all(&root).unwrap();
}

/// `rebase` refuses when a revision of the branch is applied in a database `migrate.toml` knows
/// (its ancestry would change under it), and when such a database can't be checked, unless it is
/// skipped by name.
#[tokio::test]
async fn rebase_refuses_a_branch_applied_in_a_known_environment() {
    let root = crate_with_two_branches("rebase_applied");
    let staging = root.join("staging.db");
    let staging_url = format!("sqlite://{}?mode=rwc", staging.display());
    std::fs::write(
        root.join("migrate.toml"),
        format!(
            "migrations = \"src/migrations\"\n\n[environments.staging]\ndatabase_url = \"{staging_url}\"\n\n\
             [environments.production]\ndatabase_url = \"postgres://app:secret@127.0.0.1:1/app\"\n\
             connect_timeout_seconds = 1\n"
        ),
    )
    .unwrap();
    let upgraded = quickstart(&staging_url, &["upgrade", "head"]);
    assert!(upgraded.status.success(), "{}", stderr(&upgraded));
    // What a build with the branch would have left: its first revision applied.
    let pool = sqlx::SqlitePool::connect(&staging_url).await.unwrap();
    sqlx::query("UPDATE migrate_version SET version_num = 'bbbb00000002'").execute(&pool).await.unwrap();
    pool.close().await;

    let unreachable = quickstart_in(&root, &["rebase", "bbbb00000003", "--onto", "aaaa00000001"]);
    assert_eq!(unreachable.status.code(), Some(1));
    let message = stderr(&unreachable);
    assert!(message.contains("can't check environment 'production'"), "{message}");
    assert!(message.contains("--skip-env production"), "{message}");
    assert!(!message.contains("secret"), "{message}");

    let refused = quickstart_in(
        &root,
        &["rebase", "bbbb00000003", "--onto", "aaaa00000001", "--skip-env", "production"],
    );
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        stderr(&refused).contains("revision bbbb00000002 of the branch is applied in environment 'staging'"),
        "{}",
        stderr(&refused)
    );
    let text = std::fs::read_to_string(root.join("src/migrations/bbbb00000002_audit.rs")).unwrap();
    assert!(text.contains(r#"down_revision = "53fffde5ad5a""#), "unchanged: {text}");
    std::fs::remove_dir_all(&root).unwrap();
}
