//! Offline SQL: the upgrade and downgrade of a graph rendered for each database without
//! connecting, pinned in golden files (`tests/offline/*.sql`; `MIGRATE_BLESS=1` rewrites them),
//! and run on the real databases, where it leaves them exactly where an online run would.

mod common;

use std::sync::Arc;

use common::{Kind, TestDatabase, migrator};
use migrate::Error;
use migrate::dialect::{Dialect, MySqlDialect, PostgresDialect, SqliteDialect};
use migrate::prelude::*;

fn dialect(kind: Kind) -> &'static dyn Dialect {
    match kind {
        Kind::Sqlite => &SqliteDialect,
        Kind::Postgres => &PostgresDialect,
        Kind::MySql => &MySqlDialect,
    }
}

#[migration(revision = "off1", down_revision = None, downgrade = off1_down)]
fn off1(op: &mut Operations) {
    op.execute("CREATE TABLE off_users (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL)");
    op.execute("INSERT INTO off_users (id, name) VALUES (1, 'O''Brien')");
}
fn off1_down(op: &mut Operations) {
    op.execute("DROP TABLE off_users");
}
#[migration(revision = "off2a", down_revision = "off1", downgrade = off2a_down)]
fn off2a(op: &mut Operations) {
    op.execute("CREATE TABLE off_posts (id INTEGER PRIMARY KEY)");
}
fn off2a_down(op: &mut Operations) {
    op.execute("DROP TABLE off_posts");
}
#[migration(revision = "off2b", down_revision = "off1", transaction = false, downgrade = off2b_down)]
fn off2b(op: &mut Operations) {
    op.execute("CREATE TABLE off_tags (id INTEGER PRIMARY KEY);");
}
fn off2b_down(op: &mut Operations) {
    op.execute("DROP TABLE off_tags");
}
#[migration(revision = "off3", down_revision = ("off2a", "off2b"), downgrade = nothing)]
fn off3(_op: &mut Operations) {}
fn nothing(_op: &mut Operations) {}

#[test]
fn the_upgrade_and_downgrade_sql_of_each_database_match_the_golden_files() {
    let migrator = migrator("off");
    for (kind, name) in [(Kind::Sqlite, "sqlite"), (Kind::Postgres, "postgres"), (Kind::MySql, "mysql")] {
        let up = migrator.upgrade_sql(dialect(kind), "head").unwrap();
        let down = migrator.downgrade_sql(dialect(kind), "head:base").unwrap();
        let rendered = format!("{up}{down}");
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/offline/{name}.sql"));
        if std::env::var_os("MIGRATE_BLESS").is_some() {
            std::fs::write(&path, &rendered).unwrap();
        }
        let golden = std::fs::read_to_string(&path).unwrap_or_default();
        assert_eq!(rendered, golden, "{name}: run with MIGRATE_BLESS=1 to accept the new output");
    }
}

#[test]
fn a_range_renders_only_its_own_steps() {
    let sql = migrator("off").upgrade_sql(&PostgresDialect, "off2a:head").unwrap();
    assert!(!sql.contains("CREATE TABLE IF NOT EXISTS \"migrate_version\""), "the tables exist: {sql}");
    assert!(sql.contains("UPDATE \"migrate_version_state\" SET applied_digest = NULL"), "{sql}");
    assert!(!sql.contains("off_users (id"), "off1 is below the range: {sql}");
    assert!(sql.contains("CREATE TABLE off_tags"), "{sql}");
}

#[migration(revision = "asyncoff1", down_revision = None, irreversible)]
async fn asyncoff1(db: &mut Connection) -> migrate::Result<()> {
    db.execute("SELECT 1").await
}

#[test]
fn what_cannot_be_rendered_is_refused_with_the_reason() {
    let error = migrator("off").downgrade_sql(&SqliteDialect, "base").unwrap_err();
    assert!(matches!(error, Error::OfflineRange { .. }), "{error}");
    let error = migrator("asyncoff").upgrade_sql(&SqliteDialect, "head").unwrap_err();
    assert!(
        matches!(&error, Error::OfflineNeedsConnection { revision, .. } if revision == "asyncoff1"),
        "{error}"
    );
    assert!(error.to_string().contains("needs a live connection"), "{error}");
}

async fn the_rendered_sql_leaves_the_database_where_an_online_run_would(db: Arc<TestDatabase>) {
    let migrator = migrator("off");
    let up = migrator.upgrade_sql(dialect(db.kind), "head").unwrap();
    db.execute(&up).await;
    assert_eq!(migrator.current(&db.pool).await.unwrap(), ["off3"]);
    assert_eq!(db.integer("SELECT COUNT(*) FROM off_users").await, 1);
    let again = migrator.upgrade(&db.pool, "head").await.unwrap();
    assert!(again.applied.is_empty(), "the checksums it logged are the program's");

    let down = migrator.downgrade_sql(dialect(db.kind), "head:base").unwrap();
    db.execute(&down).await;
    assert!(migrator.current(&db.pool).await.unwrap().is_empty());
    assert!(!db.has_table("off_users").await);
    let online = migrator.upgrade(&db.pool, "head").await.unwrap();
    assert_eq!(online.applied.len(), 4, "an online run takes over from the offline one");
}

on_every_database!(the_rendered_sql_leaves_the_database_where_an_online_run_would);
