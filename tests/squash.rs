//! `squash` through the app's command line: one revision written for a line of them, the code
//! of each recorded and rendered, and what followed the line made to follow the squash. The
//! app's source is this file, copied into a temporary crate, so the source and the build agree.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use migrate::prelude::*;

#[migration(revision = "sqa1", down_revision = None)]
fn sqa1(op: &mut Operations) {
    op.create_table("sqa_users", |t| {
        t.column("id", Type::Integer).primary_key();
    });
}

#[migration(revision = "sqa2", down_revision = "sqa1")]
fn sqa2(op: &mut Operations) {
    op.add_column("sqa_users", "email", Type::Text);
}

#[migration(revision = "sqa3", down_revision = "sqa2", downgrade = sqa3_down)]
fn sqa3(op: &mut Operations) {
    op.create_index("ix_sqa_users_email", "sqa_users", ["email"]);
}

fn sqa3_down(op: &mut Operations) {
    op.drop_index("ix_sqa_users_email", "sqa_users");
}

#[migration(revision = "sqa4", down_revision = "sqa3")]
fn sqa4(op: &mut Operations) {
    op.execute("UPDATE sqa_users SET email = lower(email)");
}

#[migration(revision = "sqa5", down_revision = "sqa4")]
fn sqa5(op: &mut Operations) {
    op.add_column("sqa_users", "name", Type::Text);
}

/// A crate whose source is this file.
fn app(name: &str) -> PathBuf {
    let root = std::env::temp_dir().join(format!("migrate_squash_{name}_{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("src/migrations")).unwrap();
    std::fs::write(root.join("Cargo.toml"), "[package]\nname = \"app\"\n").unwrap();
    std::fs::write(root.join("migrate.toml"), "migrations = \"src/migrations\"\n").unwrap();
    std::fs::write(root.join("src/migrations/mod.rs"), "").unwrap();
    std::fs::write(root.join("src/lib.rs"), include_str!("squash.rs")).unwrap();
    root
}

async fn squash(root: &Path, words: &[&str]) -> ExitCode {
    let config = root.join("migrate.toml");
    let mut line = vec!["app", "--config", config.to_str().unwrap(), "--quiet", "squash"];
    line.extend(words);
    migrate::cli::run_args(line).await
}

#[tokio::test]
async fn squash_writes_one_revision_for_a_line_and_what_followed_it_follows_the_squash() {
    let root = app("line");
    assert_eq!(
        squash(&root, &["sqa1:sqa3", "-m", "Squash the users", "--rev-id", "sqas"]).await,
        ExitCode::SUCCESS
    );
    let text = std::fs::read_to_string(root.join("src/migrations/sqas_squash_the_users.rs")).unwrap();
    assert!(
        text.contains(r#"revision = "sqas", down_revision = None, replaces = ["sqa1", "sqa2", "sqa3"], downgrade = squash_the_users_downgrade"#),
        "{text}"
    );
    let upgrade = text.find("op.create_table(\"sqa_users\"").unwrap();
    let add = text.find("op.add_column(\"sqa_users\", \"email\", Type::Text);").unwrap();
    let index = text.find("op.create_index(\"ix_sqa_users_email\", \"sqa_users\", [\"email\"]);").unwrap();
    assert!(upgrade < add && add < index, "in order: {text}");
    let downgrade = text.find("fn squash_the_users_downgrade").unwrap();
    let drop_index = text.find("op.drop_index(\"ix_sqa_users_email\", \"sqa_users\")").unwrap();
    let drop_table = text.find("op.drop_table(\"sqa_users\")").unwrap();
    assert!(downgrade < drop_index && drop_index < drop_table, "reversed: {text}");

    let source = std::fs::read_to_string(root.join("src/lib.rs")).unwrap();
    assert!(source.contains(r#"#[migration(revision = "sqa4", down_revision = "sqas")]"#), "{source}");
    let project = migrate_scaffold::Project::open(&root).unwrap();
    let revisions: Vec<&str> = project.graph().revisions().map(|revision| revision.id()).collect();
    assert_eq!(revisions, ["sqas", "sqa4", "sqa5"], "the squash stands in for its range");
    std::fs::remove_dir_all(&root).unwrap();
}

#[tokio::test]
async fn a_squash_over_raw_sql_without_a_downgrade_is_irreversible() {
    let root = app("irreversible");
    assert_eq!(squash(&root, &["sqa4:sqa5", "-m", "Squash", "--rev-id", "sqat"]).await, ExitCode::SUCCESS);
    let text = std::fs::read_to_string(root.join("src/migrations/sqat_squash.rs")).unwrap();
    assert!(
        text.contains(r#"down_revision = "sqa3", replaces = ["sqa4", "sqa5"], irreversible)]"#),
        "{text}"
    );
    assert!(!text.contains("_downgrade"), "{text}");
    std::fs::remove_dir_all(&root).unwrap();
}

#[tokio::test]
async fn a_range_that_is_not_a_line_is_refused_and_nothing_is_written() {
    let root = app("refused");
    for range in ["sqa3:sqa1", "sqa2:sqa2", "sqa2"] {
        assert_eq!(squash(&root, &[range, "-m", "Squash"]).await, ExitCode::FAILURE, "{range}");
    }
    let project = migrate_scaffold::Project::open(&root).unwrap();
    let refused = project.squash_range("sqa3:sqa1").unwrap_err();
    assert_eq!(refused.to_string(), "can't squash sqa3:sqa1: sqa3 is not an ancestor of sqa1");
    assert!(std::fs::read_dir(root.join("src/migrations")).unwrap().count() == 1, "only mod.rs");
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn a_range_a_branch_leaves_or_a_merge_joins_is_refused() {
    let root = app("branches");
    std::fs::write(root.join("src/lib.rs"), include_str!("../examples/quickstart/src/migrations.rs"))
        .unwrap();
    let project = migrate_scaffold::Project::open(&root).unwrap();
    let leaves = project.squash_range("1975ea83b712:27c6a30d7c24").unwrap_err();
    assert_eq!(
        leaves.to_string(),
        "can't squash 1975ea83b712:27c6a30d7c24: ae1027a6acf0 follows 1975ea83b712, inside the range: \
         a branch leaves it, so no one revision can replace it"
    );
    let merges = project.squash_range("27c6a30d7c24:53fffde5ad5a").unwrap_err();
    assert!(merges.to_string().contains("53fffde5ad5a merges several revisions"), "{merges}");
    std::fs::remove_dir_all(&root).unwrap();
}
