//! The whole workflow on a real app, built with cargo as a user builds it: models declared,
//! `revision --autogenerate`, build, `upgrade`, `check`; a model changed and round again; two
//! revisions from one head (reported by `heads`, refused by `upgrade head`, joined by `merge`),
//! `rebase`, and `squash` with databases before, inside and past the range. Every file the
//! commands write is compiled as written. SQLite, so that it needs no server.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The app's `main`: migrate's commands. No `mod migrations;` yet: there is no migration.
const MAIN: &str = "mod models;\n\n#[tokio::main]\nasync fn main() -> std::process::ExitCode {\n    migrate::cli::main().await\n}\n";

/// The app: a binary that mounts migrate's commands, its models, and no migration yet.
fn app() -> PathBuf {
    let root = std::env::temp_dir().join(format!("migrate_workflow_{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("src")).unwrap();
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::write(
        root.join("Cargo.toml"),
        format!(
            "[package]\nname = \"workflow-app\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\n[dependencies]\n\
             migrate = {{ path = {:?}, default-features = false, features = [\"sqlite\", \"cli\"] }}\n\
             tokio = {{ version = \"1\", features = [\"rt-multi-thread\", \"macros\"] }}\n\n[workspace]\n\n\
             [profile.dev.package.\"*\"]\ndebug = \"line-tables-only\"\n",
            workspace.display().to_string()
        ),
    )
    .unwrap();
    // The workspace's versions, and above its profile for dependencies, so that the build needs
    // nothing new.
    std::fs::copy(workspace.join("Cargo.lock"), root.join("Cargo.lock")).unwrap();
    std::fs::write(root.join("migrate.toml"), "database_url = \"sqlite://app.db?mode=rwc\"\n").unwrap();
    std::fs::write(root.join("src/main.rs"), MAIN).unwrap();
    models(&root, "");
    root
}

/// The models, with `extra` fields on `User`.
fn models(root: &Path, extra: &str) {
    std::fs::write(
        root.join("src/models.rs"),
        format!(
            "use migrate::prelude::*;\n\n#[derive(Model)]\n#[model(table = \"users\")]\npub struct User {{\n    \
             #[model(primary_key)]\n    pub id: i64,\n    pub name: String,\n{extra}}}\n"
        ),
    )
    .unwrap();
}

/// `cargo run -- <words>` in the app, on the database `database` (a file in the app's folder).
fn run(root: &Path, database: &str, words: &[&str]) -> Output {
    // The workspace's own target folder: the dependencies built for its tests serve the app too
    // (cargo has finished building before any test runs).
    let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("target");
    Command::new(env!("CARGO"))
        .args(["run", "--quiet", "--offline", "--"])
        .args(words)
        .current_dir(root)
        .env("CARGO_TARGET_DIR", target)
        .env("DATABASE_URL", format!("sqlite://{database}?mode=rwc"))
        .env_remove("MIGRATE_DATABASE_URL")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap_or_else(|error| panic!("cargo runs: {error}"))
}

/// Runs a command that must succeed; its standard output.
fn ok(root: &Path, database: &str, words: &[&str]) -> String {
    let output = run(root, database, words);
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{words:?} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

fn heads(root: &Path) -> Vec<String> {
    let project = migrate_scaffold::Project::open(root).unwrap();
    project.graph().heads().into_iter().map(str::to_owned).collect()
}

#[test]
fn the_alembic_workflow_on_a_built_app() {
    let root = app();
    let db = "app.db";

    // No migration yet: said, so that a crate that forgot its `mod migrations;` finds out.
    let empty = run(&root, db, &["heads"]);
    assert!(empty.status.success());
    let warning = "warning: this program registers no migration; if the crate has some, declare the module that holds them (`mod migrations;`)\n";
    // (cargo's own warnings about the build come before it)
    assert!(
        String::from_utf8_lossy(&empty.stderr).ends_with(warning),
        "{}",
        String::from_utf8_lossy(&empty.stderr)
    );

    // Models first: the first migration is written from them, with the migrations module, which
    // the crate is told to declare; declared, it builds, and runs.
    let written =
        ok(&root, db, &["revision", "--autogenerate", "-m", "Create users", "--rev-id", "a00000000001"]);
    let main = root.join("src/main.rs");
    assert_eq!(
        written,
        format!(
            "Generating {} ... done\nGenerating {} ... done (<base> -> a00000000001)\n  \
             add table \"users\" (id, name)\nAdd `mod migrations;` to {}, so that the crate builds its migrations\n",
            root.join("src/migrations/mod.rs").display(),
            root.join("src/migrations/a00000000001_create_users.rs").display(),
            main.display(),
        )
    );
    std::fs::write(&main, format!("mod migrations;\n{MAIN}")).unwrap();
    ok(&root, db, &["upgrade", "head"]);
    assert_eq!(ok(&root, db, &["check"]), "No new upgrade operations detected.\n");
    std::fs::copy(root.join(db), root.join("inside.db")).unwrap();

    // A model changes: the next migration follows the head, builds, and runs.
    models(&root, "    pub email: Option<String>,\n");
    let changed = run(&root, db, &["check"]);
    assert_eq!(changed.status.code(), Some(3), "the models changed");
    let written =
        ok(&root, db, &["revision", "--autogenerate", "-m", "Add email", "--rev-id", "a00000000002"]);
    assert!(written.contains("add column \"users\".\"email\" TEXT NULL"), "{written}");
    ok(&root, db, &["upgrade", "head"]);
    assert_eq!(ok(&root, db, &["check"]), "No new upgrade operations detected.\n");

    // An applied migration edited: refused, then accepted once, on the command line.
    let first = root.join("src/migrations/a00000000001_create_users.rs");
    let code = std::fs::read_to_string(&first).unwrap();
    let code = code.replacen("(op: &mut Operations) {", "(op: &mut Operations) {\n    let _edited = ();", 1);
    std::fs::write(&first, code).unwrap();
    let refused = run(&root, db, &["upgrade"]);
    assert_eq!(refused.status.code(), Some(1));
    let error = String::from_utf8_lossy(&refused.stderr);
    assert!(error.contains("'a00000000001'") && error.contains("`upgrade --repair-checksums`"), "{error}");
    assert_eq!(
        ok(&root, db, &["upgrade", "--repair-checksums"]),
        "Accepted the edited code of a00000000001: its new checksum is recorded\n\
         Nothing to do: the database is at a00000000002\n"
    );
    let upgraded = run(&root, db, &["upgrade"]);
    assert_eq!(String::from_utf8_lossy(&upgraded.stdout), "Nothing to do: the database is at a00000000002\n");
    let stderr = String::from_utf8_lossy(&upgraded.stderr);
    assert!(!stderr.contains("registers no migration"), "not once the module is declared: {stderr}");

    // Two developers write a revision after the same head.
    ok(&root, db, &["revision", "-m", "Audit", "--rev-id", "b00000000001"]);
    ok(
        &root,
        db,
        &["revision", "-m", "Tags", "--head", "a00000000002", "--splice", "--rev-id", "c00000000001"],
    );
    assert_eq!(ok(&root, db, &["heads"]), "b00000000001 (head)\nc00000000001 (head)\n");
    let refused = run(&root, "fresh.db", &["upgrade", "head"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("heads"), "several heads are named");

    // Not deployed anywhere yet: rebase makes the history a line again.
    let rebased = ok(&root, db, &["rebase", "c00000000001", "--onto", "b00000000001"]);
    assert!(rebased.contains("Rebased c00000000001: now follows b00000000001"), "{rebased}");
    assert_eq!(heads(&root), ["c00000000001"]);
    ok(&root, db, &["upgrade", "head"]);
    ok(&root, "fresh.db", &["upgrade", "head"]);
    assert_eq!(ok(&root, "fresh.db", &["check"]), "No new upgrade operations detected.\n");

    // Two more from one head, joined by a merge this time.
    ok(&root, db, &["revision", "-m", "Left", "--rev-id", "d00000000001"]);
    ok(
        &root,
        db,
        &["revision", "-m", "Right", "--head", "c00000000001", "--splice", "--rev-id", "d00000000002"],
    );
    ok(&root, db, &["merge", "-m", "Join", "heads", "--rev-id", "d00000000003"]);
    ok(&root, db, &["upgrade", "head"]);
    assert_eq!(ok(&root, db, &["current"]), "d00000000003 (head)\n");

    // The first two revisions squashed: a new database, one inside the range (made before the
    // squash) and one past it all reach the head with the same schema.
    let squashed =
        ok(&root, db, &["squash", "a00000000001:a00000000002", "-m", "Users", "--rev-id", "e00000000001"]);
    assert!(squashed.contains("replaces a00000000001, a00000000002"), "{squashed}");
    for database in ["squashed.db", "inside.db", db] {
        ok(&root, database, &["upgrade", "head"]);
        assert_eq!(ok(&root, database, &["check"]), "No new upgrade operations detected.\n", "{database}");
        assert_eq!(ok(&root, database, &["current"]), "d00000000003 (head)\n", "{database}");
    }
    std::fs::remove_dir_all(&root).unwrap();
}
