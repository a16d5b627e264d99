//! Offline SQL: the upgrade and downgrade of a graph rendered for each database without
//! connecting, pinned in golden files (`tests/offline/*.sql`; `MIGRATE_BLESS=1` rewrites them),
//! and run on the real databases, where it leaves them exactly where an online run would.

mod common;

use std::sync::Arc;

use common::{Kind, TestDatabase, migrator};
use migrate::Error;
use migrate::prelude::*;

/// The database the SQL is rendered for.
fn database(kind: Kind) -> Database {
    match kind {
        Kind::Sqlite => Database::Sqlite,
        Kind::Postgres => Database::Postgres,
        Kind::MySql => Database::MySql,
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
/// Schema operations, each rendered for the database at hand; no downgrade written (derived).
#[migration(revision = "off4", down_revision = "off3")]
fn off4(op: &mut Operations) {
    op.create_table("off_orders", |t| {
        t.column("id", Type::BigInt).primary_key().auto_increment();
        t.column("user_id", Type::Integer).not_null().references("off_users", "id");
        t.column("total", Type::Numeric { precision: 10, scale: 2 }).not_null().server_default(0);
        t.column("placed_at", Type::Timestamp { with_time_zone: true });
    });
    op.create_index("off_orders_placed", "off_orders", ["placed_at"]);
}
/// Conditional forms: MariaDB's own `IF [NOT] EXISTS` aren't MySQL's, so the MySQL family's
/// offline SQL checks `information_schema` instead, which both servers accept.
#[migration(revision = "off5", down_revision = "off4", downgrade = off5_down)]
fn off5(op: &mut Operations) {
    op.create_index("off_orders_total", "off_orders", ["total"]).if_not_exists();
}
fn off5_down(op: &mut Operations) {
    op.drop_index("off_orders_total", "off_orders").if_exists();
}

#[test]
fn the_upgrade_and_downgrade_sql_of_each_database_match_the_golden_files() {
    let migrator = migrator("off");
    for (kind, name) in [(Kind::Sqlite, "sqlite"), (Kind::Postgres, "postgres"), (Kind::MySql, "mysql")] {
        let up = migrator.upgrade_sql(database(kind), "head").unwrap();
        let down = migrator.downgrade_sql(database(kind), "head:base").unwrap();
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
    let sql = migrator("off").upgrade_sql(Database::Postgres, "off2a:head").unwrap();
    assert!(!sql.contains("CREATE TABLE IF NOT EXISTS \"migrate_version\""), "the tables exist: {sql}");
    assert!(sql.contains("UPDATE \"migrate_version_state\" SET applied_digest = NULL"), "{sql}");
    assert!(!sql.contains("off_users (id"), "off1 is below the range: {sql}");
    assert!(sql.contains("CREATE TABLE off_tags"), "{sql}");
}

#[migration(revision = "asyncoff1", down_revision = None, irreversible)]
async fn asyncoff1(db: &mut Connection) -> migrate::Result<()> {
    db.execute("SELECT 1").await
}

#[migration(revision = "batchoff1", down_revision = None)]
fn batchoff1(op: &mut Operations) {
    op.add_column("off_users", "email", Type::Varchar(255));
}

#[migration(revision = "groupoff1", down_revision = None, irreversible)]
fn groupoff1(op: &mut Operations) {
    op.batch_alter_table("off_users", |t| {
        t.add_column("email", Type::Varchar(255));
        t.drop_column("legacy");
        t.create_unique("off_users_email_key", ["email"]);
    });
}

#[test]
fn a_batch_renders_as_one_statement_offline_and_is_refused_on_sqlite() {
    let sql = migrator("groupoff").upgrade_sql(Database::Postgres, "head").unwrap();
    assert!(
        sql.contains(r#"ALTER TABLE "off_users" ADD COLUMN "email" VARCHAR(255), DROP COLUMN "legacy";"#)
            && sql.contains(
                r#"ALTER TABLE "off_users" ADD CONSTRAINT "off_users_email_key" UNIQUE ("email");"#
            ),
        "the unique constraint names a column added in the batch: a statement of its own\n{sql}"
    );
    // The rebuild reads the table's live definition.
    let error = migrator("groupoff").upgrade_sql(Database::Sqlite, "head").unwrap_err();
    assert!(matches!(error, Error::UnsupportedOperation { .. }), "{error}");
    assert!(error.to_string().contains("only a connection to the database can read"), "{error}");
}

#[test]
fn what_cannot_be_rendered_is_refused_with_the_reason() {
    // Dropping a column on SQLite rebuilds the table from its live definition: not offline.
    let error = migrator("batchoff").downgrade_sql(Database::Sqlite, "head:base").unwrap_err();
    assert!(matches!(error, Error::UnsupportedOperation { .. }), "{error}");
    assert!(error.to_string().contains("only a connection to the database can read"), "{error}");
    let sql = migrator("batchoff").downgrade_sql(Database::Postgres, "head:base").unwrap();
    assert!(sql.contains(r#"ALTER TABLE "off_users" DROP COLUMN "email";"#), "{sql}");

    let error = migrator("off").downgrade_sql(Database::Sqlite, "base").unwrap_err();
    assert!(matches!(error, Error::OfflineRange { .. }), "{error}");
    let error = migrator("asyncoff").upgrade_sql(Database::Sqlite, "head").unwrap_err();
    assert!(
        matches!(&error, Error::OfflineNeedsConnection { revision, .. } if revision == "asyncoff1"),
        "{error}"
    );
    assert!(error.to_string().contains("needs a live connection"), "{error}");
}

async fn the_rendered_sql_leaves_the_database_where_an_online_run_would(db: Arc<TestDatabase>) {
    let migrator = migrator("off");
    let up = migrator.upgrade_sql(database(db.kind), "head").unwrap();
    db.execute(&up).await;
    assert_eq!(migrator.current(&db.pool).await.unwrap(), ["off5"]);
    assert!(db.has_table("off_orders").await);
    let indexes = migrate::Schema::read_pool(&db.pool).await.unwrap();
    let orders = indexes.table("off_orders").unwrap_or_else(|| panic!("off_orders read back"));
    assert!(
        orders.indexes.iter().any(|index| index.name == "off_orders_total"),
        "the conditional index was made"
    );
    assert_eq!(db.integer("SELECT COUNT(*) FROM off_users").await, 1);
    let again = migrator.upgrade(&db.pool, "head").await.unwrap();
    assert!(again.applied.is_empty(), "the checksums it logged are the program's");

    let down = migrator.downgrade_sql(database(db.kind), "head:base").unwrap();
    db.execute(&down).await;
    assert!(migrator.current(&db.pool).await.unwrap().is_empty());
    assert!(!db.has_table("off_users").await);
    let online = migrator.upgrade(&db.pool, "head").await.unwrap();
    assert_eq!(online.applied.len(), 6, "an online run takes over from the offline one");
}

on_every_database!(the_rendered_sql_leaves_the_database_where_an_online_run_would);
