//! Hostile names: tables, columns, indexes, constraints and views named like SQL injections
//! (`a"; DROP TABLE x; --`, `` a`b ``, quotes and backslashes) are just names on every database,
//! online and in offline SQL; so are hostile version-table names; names a database can't hold are
//! refused before anything runs.

mod common;

use std::sync::Arc;

use common::{Kind, TestDatabase, migrator};
use migrate::prelude::*;

/// The table an injection would drop: it must outlive every test here.
const SENTINEL: &str = "x";
const QUOTE_TABLE: &str = "a\"; DROP TABLE x; --";
const BACKTICK_TABLE: &str = "a`b";
/// A single quote and a backslash: what breaks names pasted into string literals (MySQL reads a
/// backslash as an escape inside them).
const LITERAL_TABLE: &str = "t\\'; DROP TABLE x; --";
const QUOTE_COLUMN: &str = "c\"; DROP TABLE x; --";
const BACKTICK_COLUMN: &str = "c`d";
const LITERAL_COLUMN: &str = "e\\'f";
const INDEX: &str = "i\"; DROP TABLE x; --";
const UNIQUE: &str = "u`'; DROP TABLE x; --";
const CHECK: &str = "k\\'\"`";
const FOREIGN_KEY: &str = "f'; DROP TABLE x; --";
const RENAMED_TABLE: &str = "r\"`'\\; DROP TABLE x; --";
const RENAMED_COLUMN: &str = "n\"`'\\";
const VIEW: &str = "v\"`'\\; DROP TABLE x; --";

fn database(kind: Kind) -> Database {
    match kind {
        Kind::Sqlite => Database::Sqlite,
        Kind::Postgres => Database::Postgres,
        Kind::MySql => Database::MySql,
    }
}

#[migration(revision = "hostile1", down_revision = None, downgrade = hostile1_down)]
fn hostile1(op: &mut Operations) {
    op.create_table(SENTINEL, |t| {
        t.column("id", Type::Integer).primary_key();
    });
    op.create_table(QUOTE_TABLE, |t| {
        t.column("id", Type::Integer).primary_key();
        t.column(QUOTE_COLUMN, Type::Varchar(40)).not_null();
        t.column(BACKTICK_COLUMN, Type::Integer);
    });
    op.create_table(BACKTICK_TABLE, |t| {
        t.column("id", Type::Integer).primary_key();
        t.column(LITERAL_COLUMN, Type::Integer);
        t.unique(UNIQUE, [LITERAL_COLUMN]);
        t.foreign_key(FOREIGN_KEY, [LITERAL_COLUMN], QUOTE_TABLE, ["id"]);
    });
    op.create_table(LITERAL_TABLE, |t| {
        t.column("id", Type::Integer).primary_key();
        t.check(CHECK, "id > 0");
    });
    op.create_index(INDEX, QUOTE_TABLE, [QUOTE_COLUMN, BACKTICK_COLUMN]);
}
fn hostile1_down(op: &mut Operations) {
    op.drop_table(LITERAL_TABLE);
    op.drop_table(BACKTICK_TABLE);
    op.drop_table(QUOTE_TABLE);
    op.drop_table(SENTINEL);
}
#[migration(revision = "hostile2", down_revision = "hostile1", downgrade = hostile2_down)]
fn hostile2(op: &mut Operations) {
    op.drop_index(INDEX, QUOTE_TABLE);
    op.alter_column(QUOTE_TABLE, QUOTE_COLUMN).rename_to(RENAMED_COLUMN);
    op.rename_table(LITERAL_TABLE, RENAMED_TABLE);
}
fn hostile2_down(op: &mut Operations) {
    op.rename_table(RENAMED_TABLE, LITERAL_TABLE);
    op.alter_column(QUOTE_TABLE, RENAMED_COLUMN).rename_to(QUOTE_COLUMN);
    op.create_index(INDEX, QUOTE_TABLE, [QUOTE_COLUMN, BACKTICK_COLUMN]);
}

/// The schema after `hostile1`, checked name by name.
async fn assert_created(db: &TestDatabase) {
    let schema = db.schema().await;
    let tables: Vec<&str> = schema.tables.iter().map(|t| t.name.as_str()).collect();
    for table in [SENTINEL, QUOTE_TABLE, BACKTICK_TABLE, LITERAL_TABLE] {
        assert!(tables.contains(&table), "{table:?} read back among {tables:?}");
    }
    assert_eq!(db.column_names(QUOTE_TABLE).await, ["id", QUOTE_COLUMN, BACKTICK_COLUMN]);
    assert_eq!(db.column_names(BACKTICK_TABLE).await, ["id", LITERAL_COLUMN]);
    let indexes: Vec<String> = db.indexes(QUOTE_TABLE).await.into_iter().map(|index| index.name).collect();
    assert!(indexes.contains(&INDEX.to_owned()), "{INDEX:?} read back among {indexes:?}");
    let constraints = db.constraints(BACKTICK_TABLE).await;
    let names: Vec<&str> = constraints.iter().map(|(name, _)| name.as_str()).collect();
    assert!(names.contains(&UNIQUE) && names.contains(&FOREIGN_KEY), "{constraints:?}");
    let checks = db.constraints(LITERAL_TABLE).await;
    assert!(checks.contains(&(CHECK.to_owned(), "check".to_owned())), "{checks:?}");
    let keys = db.foreign_keys(BACKTICK_TABLE).await;
    assert_eq!(keys.len(), 1, "{keys:?}");
    assert_eq!((keys[0].column.as_str(), keys[0].referenced_table.as_str()), (LITERAL_COLUMN, QUOTE_TABLE));
}

async fn hostile_names_are_created_read_back_altered_and_dropped_as_names(db: Arc<TestDatabase>) {
    let migrator = migrator("hostile");
    migrator.upgrade(&db.pool, "hostile1").await.unwrap();
    assert_created(&db).await;
    db.execute(&format!(
        "CREATE VIEW {} AS SELECT {} FROM {}",
        db.quote(VIEW),
        db.quote(QUOTE_COLUMN),
        db.quote(QUOTE_TABLE)
    ))
    .await;
    let schema = db.schema().await;
    assert!(schema.view(VIEW).is_some(), "the view read back among {:?}", schema.views);
    db.execute(&format!("DROP VIEW {}", db.quote(VIEW))).await;

    migrator.upgrade(&db.pool, "head").await.unwrap();
    assert!(!db.has_table(LITERAL_TABLE).await);
    assert!(db.has_table(RENAMED_TABLE).await);
    assert_eq!(db.column_names(QUOTE_TABLE).await, ["id", RENAMED_COLUMN, BACKTICK_COLUMN]);
    let indexes: Vec<String> = db.indexes(QUOTE_TABLE).await.into_iter().map(|index| index.name).collect();
    assert!(!indexes.contains(&INDEX.to_owned()), "{indexes:?}");

    migrator.downgrade(&db.pool, "hostile1").await.unwrap();
    assert_created(&db).await;
    migrator.downgrade(&db.pool, "base").await.unwrap();
    let schema = db.schema().await;
    assert!(schema.tables.is_empty(), "everything dropped, nothing else: {:?}", schema.tables);
}

async fn hostile_names_in_offline_sql_build_what_an_online_run_builds(db: Arc<TestDatabase>) {
    let migrator = migrator("hostile");
    migrator.upgrade(&db.pool, "head").await.unwrap();
    let online = db.schema().await;
    migrator.downgrade(&db.pool, "base").await.unwrap();

    db.execute(&migrator.upgrade_sql(database(db.kind), "head").unwrap()).await;
    assert_eq!(db.schema().await, online);
    assert_eq!(migrator.current(&db.pool).await.unwrap(), ["hostile2"]);
    db.execute(&migrator.downgrade_sql(database(db.kind), "head:base").unwrap()).await;
    assert!(db.schema().await.tables.is_empty());
    assert!(migrator.current(&db.pool).await.unwrap().is_empty());
}

/// Version-table names with every kind of quote, as a user might pass them from configuration.
const HOSTILE_VERSION_TABLES: [&str; 3] =
    ["v\"; DROP TABLE x; --", "v`'; DROP TABLE x; --", "v\\'); DROP TABLE x; --"];

async fn a_hostile_version_table_name_is_just_a_name_online_and_offline(db: Arc<TestDatabase>) {
    for name in HOSTILE_VERSION_TABLES {
        let migrator = migrator("hostile").version_table(name);
        migrator.upgrade(&db.pool, "hostile1").await.unwrap_or_else(|e| panic!("{name:?}: {e}"));
        assert!(db.has_table(SENTINEL).await, "{name:?}");
        assert!(db.has_table(name).await, "the version table {name:?} exists");
        assert_eq!(migrator.current(&db.pool).await.unwrap(), ["hostile1"], "{name:?}");
        let schema = migrator.read_schema(&db.pool).await.unwrap();
        assert!(schema.table(name).is_none(), "{name:?} is not part of the schema");
        migrator.upgrade(&db.pool, "head").await.unwrap_or_else(|e| panic!("{name:?}: {e}"));
        migrator.downgrade(&db.pool, "base").await.unwrap_or_else(|e| panic!("{name:?}: {e}"));

        let sql = migrator.upgrade_sql(database(db.kind), "head").unwrap();
        db.execute(&sql).await;
        assert_eq!(migrator.current(&db.pool).await.unwrap(), ["hostile2"], "{name:?} offline");
        db.execute(&migrator.downgrade_sql(database(db.kind), "head:base").unwrap()).await;
        assert!(db.has_table(name).await, "{name:?}");
    }
}

async fn a_version_table_name_the_database_cannot_hold_is_refused_before_anything_runs(
    db: Arc<TestDatabase>,
) {
    let too_long = "v".repeat(62);
    for name in ["", "nul\0inside", too_long.as_str()] {
        let migrator = migrator("hostile").version_table(name);
        let error = migrator.upgrade(&db.pool, "head").await.expect_err(name);
        assert!(error.to_string().contains("version table"), "{name:?}: {error}");
        assert!(!db.has_table(SENTINEL).await, "{name:?}: nothing ran");
        let offline = migrator.upgrade_sql(database(db.kind), "head").expect_err(name);
        assert!(offline.to_string().contains("version table"), "{name:?}: {offline}");
    }
}

async fn a_hostile_version_table_schema_is_just_a_name(db: Arc<TestDatabase>) {
    let schema = "s\"`'\\; DROP TABLE x; --";
    db.execute(&format!("CREATE SCHEMA {}", db.quote(schema))).await;
    let migrator = migrator("hostile").schema(schema).version_table(HOSTILE_VERSION_TABLES[0]);
    migrator.upgrade(&db.pool, "head").await.unwrap();
    assert_eq!(migrator.current(&db.pool).await.unwrap(), ["hostile2"]);
    let in_schema = db
        .integer(&format!(
            "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = {}",
            common::schema::string(schema)
        ))
        .await;
    assert_eq!(in_schema, 4, "the version table, its log, its state and its progress are in the schema");
    assert!(db.has_table(SENTINEL).await);
    migrator.downgrade(&db.pool, "base").await.unwrap();
    db.execute(&migrator.upgrade_sql(Database::Postgres, "head").unwrap()).await;
    assert_eq!(migrator.current(&db.pool).await.unwrap(), ["hostile2"], "offline");
}

mod postgres_only {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_hostile_version_table_schema_is_just_a_name() {
        crate::common::run(
            crate::common::Kind::Postgres,
            super::a_hostile_version_table_schema_is_just_a_name,
        )
        .await
    }
}

on_every_database!(
    hostile_names_are_created_read_back_altered_and_dropped_as_names,
    hostile_names_in_offline_sql_build_what_an_online_run_builds,
    a_hostile_version_table_name_is_just_a_name_online_and_offline,
    a_version_table_name_the_database_cannot_hold_is_refused_before_anything_runs,
);
