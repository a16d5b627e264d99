//! No registration is lost: an integration-test binary sees the library's migrations and its own,
//! and so does the app's binary.

use migrate::prelude::*;

// An integration test is a crate of its own: it links the library only if it mentions it.
use registry_app as _;

#[migration(revision = "test0001", down_revision = "lib0001")]
fn test_only(op: &mut Operations) {
    op.execute("CREATE TABLE test_only (id INTEGER)");
}

fn revisions() -> Vec<&'static str> {
    Migration::registered().iter().map(|m| m.revision()).collect()
}

#[test]
fn a_test_binary_sees_the_library_migrations_and_its_own() {
    assert_eq!(revisions(), ["lib0001", "lib0002", "lib0003", "lib0004", "test0001"]);
}

#[test]
fn a_migration_knows_where_it_is_declared() {
    let all = Migration::registered();
    let test = all.iter().find(|m| m.revision() == "test0001").copied();
    let test = test.unwrap_or_else(|| panic!("test0001 registered: {:?}", revisions()));
    assert_eq!(test.function(), "test_only");
    let (file, line) = test.location();
    assert!(file.ends_with("tests/registry.rs"), "{file}");
    assert_eq!(line, 10, "the line of the function name");
    assert_eq!(test.origin(), format!("registry::test_only ({file}:10)"));
}

#[test]
fn the_same_code_formatted_differently_has_the_same_checksum() {
    let all = Migration::registered();
    let checksum = |revision: &str| all.iter().find(|m| m.revision() == revision).map(|m| m.checksum());
    assert_eq!(checksum("lib0002"), checksum("lib0003"), "rustfmt'd and squeezed");
    assert_eq!(checksum("lib0002"), checksum("lib0004"), "LF and CRLF line endings");
    assert_ne!(checksum("lib0001"), checksum("lib0002"));
    assert_eq!(checksum("lib0002").map(str::len), Some(64));
}

#[test]
fn the_binary_sees_the_library_migrations_and_its_own() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_registry-app")).output();
    let output = output.unwrap_or_else(|error| panic!("the app binary runs: {error}"));
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let listed: Vec<&str> = stdout.lines().filter_map(|line| line.split(' ').next()).collect();
    assert_eq!(listed, ["bin0001", "lib0001", "lib0002", "lib0003", "lib0004"]);
}

/// This binary's graph has two heads on purpose (the library's line and this test's branch), as an
/// app with a plug-in has: the one-line startup for it is `upgrade_to_heads`.
#[tokio::test]
async fn an_app_with_two_heads_starts_with_upgrade_to_heads() {
    let path = std::env::temp_dir().join(format!("registry_app_heads_{}.db", std::process::id()));
    let pool =
        migrate::DatabasePool::connect(&format!("sqlite://{}?mode=rwc", path.display())).await.unwrap();

    let error = migrate::upgrade_to_head(&pool).await.unwrap_err();
    assert!(
        matches!(&error, migrate::Error::MultipleHeads { heads, .. } if heads == &["lib0004", "test0001"]),
        "{error}"
    );
    let report = migrate::upgrade_to_heads(&pool).await.unwrap();
    let mut applied: Vec<&str> = report.applied.iter().map(|applied| applied.revision.as_str()).collect();
    assert_eq!(applied[0], "lib0001", "the base first");
    applied.sort_unstable();
    assert_eq!(applied, ["lib0001", "lib0002", "lib0003", "lib0004", "test0001"]);
    assert_eq!(report.heads, ["lib0004", "test0001"]);

    pool.close().await;
    let _ = std::fs::remove_file(&path);
}
