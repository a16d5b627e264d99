//! The operations API on SQLite, PostgreSQL and MariaDB: each operation is applied and reverted
//! through a real `Migrator`, and the schema the database reports is compared with what was
//! asked. SQLite's batch mode must keep every row, index and foreign key.

mod common;

use std::sync::Arc;

use common::schema::{ForeignKeyInfo, IndexInfo};
use common::{Kind, TestDatabase, migrator};
use migrate::prelude::*;
use migrate::{Error, Migrator};

async fn upgrade(db: &TestDatabase, prefix: &str, target: &str) {
    migrator(prefix)
        .upgrade(&db.pool, target)
        .await
        .unwrap_or_else(|e| panic!("upgrading {prefix} to {target}: {e}"));
}

async fn downgrade(db: &TestDatabase, prefix: &str, target: &str) {
    migrator(prefix)
        .downgrade(&db.pool, target)
        .await
        .unwrap_or_else(|e| panic!("downgrading {prefix} to {target}: {e}"));
}

/// The failure of an upgrade that must fail.
async fn failed_upgrade(db: &TestDatabase, prefix: &str) -> migrate::MigrationFailure {
    match migrator(prefix).upgrade(&db.pool, "head").await {
        Err(Error::MigrationFailed(failure)) => *failure,
        Err(other) => panic!("expected a failed migration, got: {other}"),
        Ok(report) => panic!("expected a failed migration, got: {report:?}"),
    }
}

fn names(columns: &[&str]) -> Vec<String> {
    columns.iter().map(|column| (*column).to_owned()).collect()
}

fn constraint(name: &str, kind: &str) -> (String, String) {
    (name.to_owned(), kind.to_owned())
}

fn foreign_key(column: &str, table: &str, referenced: &str, on_delete: &str) -> ForeignKeyInfo {
    ForeignKeyInfo {
        column: column.to_owned(),
        referenced_table: table.to_owned(),
        referenced_column: referenced.to_owned(),
        on_delete: on_delete.to_owned(),
    }
}

fn index(name: &str, unique: bool, columns: &[&str]) -> IndexInfo {
    IndexInfo { name: name.to_owned(), unique, columns: names(columns) }
}

// ---- create_table and drop_table ----

#[migration(revision = "ct1", down_revision = None, downgrade = ct1_down)]
fn ct1(op: &mut Operations) {
    op.create_table("orgs", |t| {
        t.column("id", Type::BigInt).primary_key().auto_increment();
        t.column("name", Type::Varchar(100)).not_null();
    });
    op.create_table("users", |t| {
        t.column("id", Type::BigInt).primary_key().auto_increment();
        t.column("email", Type::Varchar(255)).not_null().unique();
        t.column("org_id", Type::BigInt).references("orgs", "id").on_delete(ReferentialAction::Cascade);
        t.column("created_at", Type::Timestamp { with_time_zone: true })
            .not_null()
            .server_default(ServerDefault::CurrentTimestamp);
        t.column("active", Type::Boolean).not_null().server_default(true).comment("can sign in");
        t.check("users_email_has_at", "email LIKE '%@%'");
        t.comment("people who sign in");
    });
}
fn ct1_down(op: &mut Operations) {
    op.drop_table("users");
    op.drop_table("orgs");
}

async fn create_table_creates_every_column_key_and_constraint_asked_for(db: Arc<TestDatabase>) {
    upgrade(&db, "ct", "head").await;
    let columns = db.columns("users").await;
    let described: Vec<(&str, bool, bool)> = columns
        .iter()
        .map(|column| (column.name.as_str(), column.nullable, column.default.is_some()))
        .collect();
    assert_eq!(
        described,
        [
            ("id", false, false),
            ("email", false, false),
            ("org_id", true, false),
            ("created_at", false, true),
            ("active", false, true),
        ]
    );
    assert_eq!(
        db.constraints("users").await,
        [
            constraint("users_email_has_at", "check"),
            constraint("users_email_key", "unique"),
            constraint("users_org_id_fkey", "foreign key"),
        ]
    );
    assert_eq!(db.foreign_keys("users").await, [foreign_key("org_id", "orgs", "id", "CASCADE")]);

    // What the definition does: numbering, defaults, the check, the key, the cascade.
    db.execute("INSERT INTO orgs (name) VALUES ('acme')").await;
    db.execute("INSERT INTO users (email, org_id) VALUES ('ann@acme.test', 1)").await;
    assert_eq!(
        db.texts(&format!("SELECT {}, {} FROM users", db.as_text("id"), db.as_text("active = TRUE"))).await,
        [["1", if db.kind == Kind::Postgres { "true" } else { "1" }]]
    );
    assert_eq!(db.integer("SELECT COUNT(*) FROM users WHERE created_at IS NOT NULL").await, 1);
    db.failure("INSERT INTO users (email) VALUES ('no-at-sign')").await;
    db.failure("INSERT INTO users (email) VALUES ('ann@acme.test')").await;
    db.execute("DELETE FROM orgs").await;
    assert_eq!(db.count("users").await, 0, "deleting the org deleted its users");
}

async fn drop_table_reverts_create_table(db: Arc<TestDatabase>) {
    upgrade(&db, "ct", "head").await;
    downgrade(&db, "ct", "base").await;
    assert!(!db.has_table("users").await && !db.has_table("orgs").await);
    upgrade(&db, "ct", "head").await;
    assert!(db.has_table("users").await);
}

#[migration(revision = "cmt1", down_revision = None, downgrade = ct1_down)]
fn cmt1(op: &mut Operations) {
    ct1(op);
}

async fn comments_are_stored_where_the_database_keeps_them(db: Arc<TestDatabase>) {
    upgrade(&db, "cmt", "head").await;
    let comments = match db.kind {
        Kind::Sqlite => return, // SQLite has nowhere to keep comments: they are left out.
        Kind::Postgres => {
            db.texts(
                "SELECT obj_description('users'::regclass, 'pg_class'), col_description('users'::regclass, 5)",
            )
            .await
        }
        Kind::MySql => {
            db.texts(
                "SELECT (SELECT TABLE_COMMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'users'), \
                 (SELECT COLUMN_COMMENT FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'users' AND COLUMN_NAME = 'active')",
            )
            .await
        }
    };
    assert_eq!(comments, [["people who sign in", "can sign in"]]);
}

// ---- identifiers that need quoting ----

const ODD_TABLE: &str = "order \"lines\"";

#[migration(revision = "odd1", down_revision = None, downgrade = odd1_down)]
fn odd1(op: &mut Operations) {
    op.create_table("select", |t| {
        t.column("from", Type::Integer).primary_key();
    });
    op.create_table(ODD_TABLE, |t| {
        t.column("where", Type::Integer).primary_key();
        t.column("user's name", Type::Varchar(50)).not_null().unique();
        t.column("group", Type::Integer).references("select", "from").on_delete(ReferentialAction::SetNull);
    });
    op.create_index("by `name`", ODD_TABLE, ["user's name", "group"]);
    op.bulk_insert("select", ["from"], [[1], [2]]);
    op.bulk_insert(
        ODD_TABLE,
        ["where", "user's name", "group"],
        [vec![Value::from(1), "O'Hara".into(), 1.into()], vec![2.into(), "\"Quoted\"".into(), 2.into()]],
    );
}
fn odd1_down(op: &mut Operations) {
    op.drop_index("by `name`", ODD_TABLE);
    op.drop_table(ODD_TABLE);
    op.drop_table("select");
}
#[migration(revision = "odd2", down_revision = "odd1", downgrade = odd2_down)]
fn odd2(op: &mut Operations) {
    op.add_column(ODD_TABLE, "table", Type::Text);
    op.alter_column(ODD_TABLE, "user's name").set_type(Type::Varchar(80)).rename_to("user`s \"name\"");
    op.rename_table(ODD_TABLE, "group by");
}
fn odd2_down(op: &mut Operations) {
    op.rename_table("group by", ODD_TABLE);
    op.alter_column(ODD_TABLE, "user`s \"name\"").set_type(Type::Varchar(50)).rename_to("user's name");
    op.drop_column(ODD_TABLE, "table");
}

async fn names_with_spaces_quotes_and_reserved_words_work(db: Arc<TestDatabase>) {
    upgrade(&db, "odd", "odd1").await;
    assert_eq!(db.column_names(ODD_TABLE).await, ["where", "user's name", "group"]);
    assert_eq!(db.indexes(ODD_TABLE).await, [index("by `name`", false, &["user's name", "group"])]);
    assert_eq!(db.foreign_keys(ODD_TABLE).await, [foreign_key("group", "select", "from", "SET NULL")]);

    upgrade(&db, "odd", "head").await;
    assert!(!db.has_table(ODD_TABLE).await);
    assert_eq!(db.column_names("group by").await, ["where", "user`s \"name\"", "group", "table"]);
    let names = db
        .texts(&format!("SELECT {} FROM {} ORDER BY 1", db.quote("user`s \"name\""), db.quote("group by")))
        .await;
    assert_eq!(names, [["\"Quoted\""], ["O'Hara"]]);
    assert_eq!(db.indexes("group by").await, [index("by `name`", false, &["user`s \"name\"", "group"])]);

    downgrade(&db, "odd", "odd1").await;
    assert_eq!(db.column_names(ODD_TABLE).await, ["where", "user's name", "group"]);
    assert_eq!(db.count(ODD_TABLE).await, 2);
    downgrade(&db, "odd", "base").await;
    assert!(!db.has_table(ODD_TABLE).await && !db.has_table("select").await);
}

// ---- every portable type ----

/// Each portable type: the column's name, the value written, and what each database reads back
/// as text (SQLite, PostgreSQL, MariaDB).
const TYPES: &[(&str, &str, &str, &str)] = &[
    ("small", "-32768", "-32768", "-32768"),
    ("integer", "2147483647", "2147483647", "2147483647"),
    ("big", "9223372036854775807", "9223372036854775807", "9223372036854775807"),
    ("text", "it's \\ \"quoted\" ünïcode ✓", "it's \\ \"quoted\" ünïcode ✓", "it's \\ \"quoted\" ünïcode ✓"),
    ("varchar", "twenty chars at most", "twenty chars at most", "twenty chars at most"),
    ("boolean", "1", "true", "1"),
    ("numeric", "12345678.9", "12345678.90", "12345678.90"),
    ("float", "1.5", "1.5", "1.5"),
    ("double", "0.1", "0.1", "0.1"),
    ("date", "2024-02-29", "2024-02-29", "2024-02-29"),
    ("time", "13:45:30", "13:45:30", "13:45:30.000000"),
    ("timestamp", "2024-02-29 13:45:30.123456", "2024-02-29 13:45:30.123456", "2024-02-29 13:45:30.123456"),
    ("timestamptz", "2024-02-29 13:45:30", "2024-02-29 13:45:30", "2024-02-29 13:45:30.000000"),
    (
        "uuid",
        "67e55044-10b1-426f-9247-bb680e5fe0c8",
        "67e55044-10b1-426f-9247-bb680e5fe0c8",
        "67e55044-10b1-426f-9247-bb680e5fe0c8",
    ),
    ("json", "{\"a\": [1, 2]}", "{\"a\": [1, 2]}", "{\"a\": [1, 2]}"),
    ("binary", "00ff10", "00ff10", "00ff10"),
    ("mood", "happy", "happy", "happy"),
];

/// The column type each database reports for each portable type (SQLite, PostgreSQL, MariaDB):
/// the guide's type table.
const TYPE_NAMES: &[(&str, &str, &str, &str)] = &[
    ("small", "smallint", "smallint", "smallint(6)"),
    ("integer", "integer", "integer", "int(11)"),
    ("big", "bigint", "bigint", "bigint(20)"),
    ("text", "text", "text", "longtext"),
    ("varchar", "varchar(20)", "character varying(20)", "varchar(20)"),
    ("boolean", "boolean", "boolean", "tinyint(1)"),
    ("numeric", "numeric(10, 2)", "numeric(10,2)", "decimal(10,2)"),
    ("float", "float", "real", "float"),
    ("double", "double", "double precision", "double"),
    ("date", "date", "date", "date"),
    ("time", "time", "time without time zone", "time(6)"),
    ("timestamp", "timestamp", "timestamp without time zone", "datetime(6)"),
    ("timestamptz", "timestamp with time zone", "timestamp with time zone", "datetime(6)"),
    ("uuid", "char(36)", "uuid", "char(36)"),
    ("json", "text", "jsonb", "longtext"),
    ("binary", "blob", "bytea", "longblob"),
    ("mood", "text", "mood", "enum('happy','sad')"),
];

#[migration(revision = "ty1", down_revision = None, downgrade = ty1_down)]
fn ty1(op: &mut Operations) {
    op.create_table("every_type", |t| {
        t.column("id", Type::Integer).primary_key();
        t.column("small", Type::SmallInt);
        t.column("integer", Type::Integer);
        t.column("big", Type::BigInt);
        t.column("text", Type::Text);
        t.column("varchar", Type::Varchar(20));
        t.column("boolean", Type::Boolean);
        t.column("numeric", Type::Numeric { precision: 10, scale: 2 });
        t.column("float", Type::Float);
        t.column("double", Type::Double);
        t.column("date", Type::Date);
        t.column("time", Type::Time);
        t.column("timestamp", Type::Timestamp { with_time_zone: false });
        t.column("timestamptz", Type::Timestamp { with_time_zone: true });
        t.column("uuid", Type::Uuid);
        t.column("json", Type::Json);
        t.column("binary", Type::Binary);
        t.column("mood", Type::enumeration("mood", ["happy", "sad"]));
    });
    let columns = ["id"].into_iter().chain(TYPES.iter().map(|(name, ..)| *name));
    let values = vec![
        Value::Integer(1),
        Value::Integer(-32768),
        Value::Integer(2147483647),
        Value::Integer(i64::MAX),
        Value::from("it's \\ \"quoted\" ünïcode ✓"),
        Value::from("twenty chars at most"),
        Value::Boolean(true),
        Value::Decimal("12345678.90".to_owned()),
        Value::Float(1.5),
        Value::Float(0.1),
        Value::Date("2024-02-29".to_owned()),
        Value::Time("13:45:30".to_owned()),
        Value::Timestamp("2024-02-29 13:45:30.123456".to_owned()),
        Value::Timestamp("2024-02-29 13:45:30".to_owned()),
        Value::Uuid("67e55044-10b1-426f-9247-bb680e5fe0c8".to_owned()),
        Value::Json("{\"a\": [1, 2]}".to_owned()),
        Value::Binary(vec![0x00, 0xff, 0x10]),
        Value::from("happy"),
    ];
    let nulls = std::iter::once(Value::Integer(2)).chain(TYPES.iter().map(|_| Value::Null)).collect();
    op.bulk_insert("every_type", columns, [values, nulls]);
}
fn ty1_down(op: &mut Operations) {
    op.drop_table("every_type");
    op.drop_enum("mood");
}

async fn every_portable_type_round_trips(db: Arc<TestDatabase>) {
    upgrade(&db, "ty", "head").await;
    for (name, sqlite, postgres, mysql) in TYPE_NAMES {
        let expected = match db.kind {
            Kind::Sqlite => sqlite,
            Kind::Postgres => postgres,
            Kind::MySql => mysql,
        };
        assert_eq!(&db.column("every_type", name).await.column_type, expected, "the type of column {name}");
    }
    for (name, sqlite, postgres, mysql) in TYPES {
        let column = db.quote(name);
        let read = match (db.kind, *name) {
            (Kind::Sqlite, "binary") => {
                format!("CASE WHEN {column} IS NOT NULL THEN lower(hex({column})) END")
            }
            (Kind::Postgres, "binary") => format!("encode({column}, 'hex')"),
            (Kind::MySql, "binary") => format!("LOWER(HEX({column}))"),
            // Read in the session's zone, which is the zone it was written in.
            (Kind::Postgres, "timestamptz") => format!("to_char({column}, 'YYYY-MM-DD HH24:MI:SS')"),
            _ => db.as_text(&column),
        };
        let expected = match db.kind {
            Kind::Sqlite => sqlite,
            Kind::Postgres => postgres,
            Kind::MySql => mysql,
        };
        let values = db.texts(&format!("SELECT {read} FROM every_type ORDER BY id")).await;
        assert_eq!(values, [[expected.to_string()], ["NULL".to_owned()]], "column {name}");
    }
    downgrade(&db, "ty", "base").await;
    assert!(!db.has_table("every_type").await);
    upgrade(&db, "ty", "head").await; // the enum type went with the downgrade
}

// ---- add_column and drop_column ----

#[migration(revision = "acol1", down_revision = None, downgrade = acol1_down)]
fn acol1(op: &mut Operations) {
    op.create_table("accounts", |t| {
        t.column("id", Type::Integer).primary_key();
        t.column("name", Type::Varchar(50)).not_null();
    });
    op.bulk_insert(
        "accounts",
        ["id", "name"],
        [vec![Value::from(1), "ann".into()], vec![2.into(), "bob".into()]],
    );
}
fn acol1_down(op: &mut Operations) {
    op.drop_table("accounts");
}
#[migration(revision = "acol2", down_revision = "acol1", downgrade = acol2_down)]
fn acol2(op: &mut Operations) {
    op.add_column("accounts", "balance", Type::Numeric { precision: 12, scale: 2 })
        .not_null()
        .server_default(Value::Decimal("0.00".to_owned()));
    op.add_column("accounts", "nickname", Type::Varchar(30));
    // Unique, and a default that isn't a constant: SQLite adds these by rebuilding the table.
    op.add_column("accounts", "code", Type::Varchar(10)).unique();
    op.add_column("accounts", "opened_at", Type::Timestamp { with_time_zone: false })
        .server_default(ServerDefault::CurrentTimestamp);
}
fn acol2_down(op: &mut Operations) {
    op.drop_column("accounts", "opened_at");
    op.drop_column("accounts", "code");
    op.drop_column("accounts", "nickname");
    op.drop_column("accounts", "balance");
}

async fn add_column_adds_columns_to_a_table_with_rows_and_drop_column_removes_them(db: Arc<TestDatabase>) {
    upgrade(&db, "acol", "head").await;
    assert_eq!(db.column_names("accounts").await, ["id", "name", "balance", "nickname", "code", "opened_at"]);
    let balance = db.column("accounts", "balance").await;
    assert!(!balance.nullable && balance.default.is_some(), "{balance:?}");
    assert_eq!(db.constraints("accounts").await, [constraint("accounts_code_key", "unique")]);
    let rows = db
        .texts(&format!(
            "SELECT name, {}, {}, {} FROM accounts ORDER BY id",
            db.as_text("balance"),
            db.as_text("nickname"),
            db.as_text("opened_at IS NOT NULL")
        ))
        .await;
    let truth = if db.kind == Kind::Postgres { "true" } else { "1" };
    let zero = if db.kind == Kind::Sqlite { "0" } else { "0.00" };
    assert_eq!(rows, [["ann", zero, "NULL", truth], ["bob", zero, "NULL", truth]]);
    db.execute("INSERT INTO accounts (id, name, code) VALUES (3, 'cy', 'C')").await;
    db.failure("INSERT INTO accounts (id, name, code) VALUES (4, 'di', 'C')").await;

    downgrade(&db, "acol", "acol1").await;
    assert_eq!(db.column_names("accounts").await, ["id", "name"]);
    assert_eq!(db.count("accounts").await, 3);
    assert!(db.constraints("accounts").await.is_empty());
}

// ---- alter_column ----

#[migration(revision = "alt1", down_revision = None, downgrade = alt1_down)]
fn alt1(op: &mut Operations) {
    op.create_table("products", |t| {
        t.column("id", Type::Integer).primary_key();
        t.column("sku", Type::Varchar(20)).not_null();
        t.column("price", Type::Integer);
        t.column("note", Type::Varchar(100)).server_default("none");
    });
    op.bulk_insert(
        "products",
        ["id", "sku", "price", "note"],
        [
            vec![Value::from(1), "A-1".into(), 100.into(), "first".into()],
            vec![2.into(), "B-2".into(), Value::Null, "second".into()],
            vec![3.into(), "C-3".into(), 300.into(), "third".into()],
        ],
    );
}
fn alt1_down(op: &mut Operations) {
    op.drop_table("products");
}
#[migration(revision = "alt2", down_revision = "alt1", downgrade = alt2_down)]
fn alt2(op: &mut Operations) {
    op.alter_column("products", "sku").set_type(Type::Text).rename_to("code");
    op.alter_column("products", "price").set_type(Type::BigInt).set_server_default(0);
    op.alter_column("products", "note").set_nullable(false).drop_server_default();
}
fn alt2_down(op: &mut Operations) {
    op.alter_column("products", "note").set_nullable(true).set_server_default("none");
    op.alter_column("products", "price").set_type(Type::Integer).drop_server_default();
    op.alter_column("products", "code").set_type(Type::Varchar(20)).rename_to("sku");
}

async fn products(db: &TestDatabase, code: &str) -> Vec<Vec<String>> {
    db.texts(&format!(
        "SELECT {}, {code}, {}, note FROM products ORDER BY id",
        db.as_text("id"),
        db.as_text("price")
    ))
    .await
}

async fn alter_column_changes_type_nullability_default_and_name_keeping_every_row(db: Arc<TestDatabase>) {
    upgrade(&db, "alt", "alt1").await;
    let before = products(&db, "sku").await;
    upgrade(&db, "alt", "head").await;
    assert_eq!(db.column_names("products").await, ["id", "code", "price", "note"]);
    let (code, price, note) = (
        db.column("products", "code").await,
        db.column("products", "price").await,
        db.column("products", "note").await,
    );
    let text = if db.kind == Kind::MySql { "longtext" } else { "text" };
    assert_eq!((code.column_type.as_str(), code.nullable), (text, false));
    assert!(price.column_type.starts_with("bigint") && price.default.is_some(), "{price:?}");
    assert!(!note.nullable && note.default.is_none(), "{note:?}");
    assert_eq!(products(&db, "code").await, before, "every row is kept");

    downgrade(&db, "alt", "alt1").await;
    assert_eq!(db.column_names("products").await, ["id", "sku", "price", "note"]);
    let (sku, note) = (db.column("products", "sku").await, db.column("products", "note").await);
    assert!(sku.column_type.contains("(20)") && !sku.nullable, "{sku:?}");
    assert!(note.nullable && note.default.is_some(), "{note:?}");
    assert_eq!(products(&db, "sku").await, before);
}

#[migration(revision = "nul1", down_revision = None, irreversible)]
fn nul1(op: &mut Operations) {
    alt1(op);
}
#[migration(revision = "nul2", down_revision = "nul1", irreversible)]
fn nul2(op: &mut Operations) {
    op.alter_column("products", "price").set_nullable(false);
}

async fn making_a_column_with_nulls_not_null_fails_and_keeps_every_row(db: Arc<TestDatabase>) {
    upgrade(&db, "nul", "nul1").await;
    let before = products(&db, "sku").await;
    let failure = failed_upgrade(&db, "nul").await;
    assert_eq!(failure.revision, "nul2");
    assert!(migrator("nul").current(&db.pool).await.unwrap() == ["nul1"]);
    assert!(db.column("products", "price").await.nullable);
    assert_eq!(products(&db, "sku").await, before);
}

// ---- create_index and drop_index ----

#[migration(revision = "ix1", down_revision = None, downgrade = ix1_down)]
fn ix1(op: &mut Operations) {
    op.create_table("articles", |t| {
        t.column("id", Type::Integer).primary_key();
        t.column("slug", Type::Varchar(100)).not_null();
        t.column("author", Type::Varchar(50));
        t.column("published", Type::Boolean).not_null().server_default(false);
    });
}
fn ix1_down(op: &mut Operations) {
    op.drop_table("articles");
}
#[migration(revision = "ix2", down_revision = "ix1", downgrade = ix2_down)]
fn ix2(op: &mut Operations) {
    op.create_index("articles_slug", "articles", ["slug"]).unique();
    op.create_index("articles_author_published", "articles", ["author", "published"]);
}
fn ix2_down(op: &mut Operations) {
    op.drop_index("articles_author_published", "articles");
    op.drop_index("articles_slug", "articles");
}

async fn create_index_and_drop_index(db: Arc<TestDatabase>) {
    upgrade(&db, "ix", "head").await;
    let composite = index("articles_author_published", false, &["author", "published"]);
    if db.kind == Kind::MySql {
        // On MariaDB a unique index is a unique constraint.
        assert_eq!(db.indexes("articles").await, [composite]);
        assert_eq!(db.constraints("articles").await, [constraint("articles_slug", "unique")]);
    } else {
        assert_eq!(db.indexes("articles").await, [composite, index("articles_slug", true, &["slug"])]);
    }
    db.execute("INSERT INTO articles (id, slug) VALUES (1, 'hello')").await;
    db.failure("INSERT INTO articles (id, slug) VALUES (2, 'hello')").await;
    downgrade(&db, "ix", "ix1").await;
    assert!(db.indexes("articles").await.is_empty());
    db.execute("INSERT INTO articles (id, slug) VALUES (2, 'hello')").await;
}

#[migration(revision = "pix1", down_revision = None, downgrade = pix1_down)]
fn pix1(op: &mut Operations) {
    ix1(op);
    op.create_index("articles_live_slug", "articles", ["slug"]).unique().partial("published = TRUE");
}
fn pix1_down(op: &mut Operations) {
    op.drop_index("articles_live_slug", "articles");
    op.drop_table("articles");
}

async fn a_partial_index_covers_only_the_rows_it_names(db: Arc<TestDatabase>) {
    if db.kind == Kind::MySql {
        let failure = failed_upgrade(&db, "pix").await;
        assert_eq!(failure.statement.as_deref(), Some("create_index \"articles_live_slug\" on \"articles\""));
        assert!(failure.message.contains("MariaDB has no partial indexes"), "{}", failure.message);
        return;
    }
    upgrade(&db, "pix", "head").await;
    assert_eq!(db.indexes("articles").await, [index("articles_live_slug", true, &["slug"])]);
    db.execute("INSERT INTO articles (id, slug, published) VALUES (1, 'draft', FALSE), (2, 'draft', FALSE)")
        .await;
    db.execute("INSERT INTO articles (id, slug, published) VALUES (3, 'live', TRUE)").await;
    db.failure("INSERT INTO articles (id, slug, published) VALUES (4, 'live', TRUE)").await;
    downgrade(&db, "pix", "base").await;
    assert!(!db.has_table("articles").await);
}

#[migration(revision = "cix1", down_revision = None, downgrade = ix1_down)]
fn cix1(op: &mut Operations) {
    ix1(op);
}
#[migration(revision = "cix2", down_revision = "cix1", transaction = false, downgrade = cix2_down)]
fn cix2(op: &mut Operations) {
    op.create_index("articles_author", "articles", ["author"]).concurrently();
}
fn cix2_down(op: &mut Operations) {
    op.drop_index("articles_author", "articles").concurrently();
}

async fn concurrently_builds_on_postgresql_and_as_usual_elsewhere(db: Arc<TestDatabase>) {
    upgrade(&db, "cix", "head").await;
    assert_eq!(db.indexes("articles").await, [index("articles_author", false, &["author"])]);
    downgrade(&db, "cix", "cix1").await;
    assert!(db.indexes("articles").await.is_empty());
}

// ---- constraints ----

#[migration(revision = "con1", down_revision = None, downgrade = con1_down)]
fn con1(op: &mut Operations) {
    op.create_table("teams", |t| {
        t.column("id", Type::BigInt).primary_key();
    });
    op.create_table("players", |t| {
        t.column("id", Type::BigInt).primary_key();
        t.column("team_id", Type::BigInt);
        t.column("number", Type::Integer).not_null();
    });
    op.create_index("players_number", "players", ["number"]);
    op.bulk_insert("teams", ["id"], [[1], [2]]);
    op.bulk_insert("players", ["id", "team_id", "number"], [[1, 1, 7], [2, 1, 9], [3, 2, 7]]);
}
fn con1_down(op: &mut Operations) {
    op.drop_table("players");
    op.drop_table("teams");
}
#[migration(revision = "con2", down_revision = "con1", downgrade = con2_down)]
fn con2(op: &mut Operations) {
    op.create_unique("players_team_number", "players", ["team_id", "number"]);
    op.create_foreign_key("players_team_fkey", "players", ["team_id"], "teams", ["id"])
        .on_delete(ReferentialAction::SetNull);
    op.create_check("players_number_positive", "players", "number > 0");
}
fn con2_down(op: &mut Operations) {
    op.drop_check("players_number_positive", "players");
    op.drop_foreign_key("players_team_fkey", "players");
    op.drop_unique("players_team_number", "players");
}

async fn players(db: &TestDatabase) -> Vec<Vec<String>> {
    db.texts(&format!(
        "SELECT {}, {}, {} FROM players ORDER BY id",
        db.as_text("id"),
        db.as_text("team_id"),
        db.as_text("number")
    ))
    .await
}

async fn constraints_are_created_enforced_and_dropped(db: Arc<TestDatabase>) {
    upgrade(&db, "con", "con1").await;
    let before = players(&db).await;
    upgrade(&db, "con", "head").await;
    assert_eq!(
        db.constraints("players").await,
        [
            constraint("players_number_positive", "check"),
            constraint("players_team_fkey", "foreign key"),
            constraint("players_team_number", "unique"),
        ]
    );
    assert_eq!(db.foreign_keys("players").await, [foreign_key("team_id", "teams", "id", "SET NULL")]);
    assert_eq!(db.indexes("players").await, [index("players_number", false, &["number"])]);
    assert_eq!(players(&db).await, before);
    db.failure("INSERT INTO players (id, team_id, number) VALUES (4, 1, 7)").await;
    db.failure("INSERT INTO players (id, team_id, number) VALUES (4, 1, 0)").await;
    db.failure("INSERT INTO players (id, team_id, number) VALUES (4, 3, 5)").await;

    downgrade(&db, "con", "con1").await;
    assert!(db.constraints("players").await.is_empty());
    assert!(db.foreign_keys("players").await.is_empty());
    assert_eq!(db.indexes("players").await, [index("players_number", false, &["number"])]);
    assert_eq!(players(&db).await, before);
    db.execute("INSERT INTO players (id, team_id, number) VALUES (4, 3, 0)").await;
}

// ---- idempotent forms ----

#[migration(revision = "ie1", down_revision = None, downgrade = ie1_down)]
fn ie1(op: &mut Operations) {
    for _ in 0..2 {
        op.create_table("settings", |t| {
            t.column("key", Type::Varchar(50)).primary_key();
            t.column("value", Type::Text);
        })
        .if_not_exists();
        op.add_column_if_not_exists("settings", "scope", Type::Varchar(20));
        op.create_index("settings_scope", "settings", ["scope"]).if_not_exists();
    }
    op.drop_index("no_such_index", "settings").if_exists();
    op.drop_column("settings", "no_such_column").if_exists();
    op.drop_check("no_such_check", "settings").if_exists();
    op.drop_table("no_such_table").if_exists();
}
fn ie1_down(op: &mut Operations) {
    op.drop_table("settings").if_exists();
    op.drop_table("settings").if_exists();
}

async fn if_not_exists_and_if_exists_make_operations_idempotent(db: Arc<TestDatabase>) {
    upgrade(&db, "ie", "head").await;
    assert_eq!(db.column_names("settings").await, ["key", "value", "scope"]);
    assert_eq!(db.indexes("settings").await, [index("settings_scope", false, &["scope"])]);
    downgrade(&db, "ie", "base").await;
    assert!(!db.has_table("settings").await);
}

// ---- data ----

#[migration(revision = "blk1", down_revision = None, downgrade = blk1_down)]
fn blk1(op: &mut Operations) {
    op.create_table("events", |t| {
        t.column("id", Type::Integer).primary_key();
        t.column("label", Type::Text).not_null();
        t.column("payload", Type::Json);
    });
    let rows = (1..=250).map(|id| {
        vec![
            Value::Integer(id),
            Value::Text(format!("event {id}: 'quoted' \\ back")),
            if id % 2 == 0 { Value::Json(format!("{{\"id\": {id}}}")) } else { Value::Null },
        ]
    });
    op.bulk_insert("events", ["id", "label", "payload"], rows);
}
fn blk1_down(op: &mut Operations) {
    op.drop_table("events");
}

async fn bulk_insert_writes_every_row_with_quotes_and_backslashes_intact(db: Arc<TestDatabase>) {
    upgrade(&db, "blk", "head").await;
    assert_eq!(db.count("events").await, 250);
    let sample = db
        .texts(&format!(
            "SELECT label, {} FROM events WHERE id IN (1, 250) ORDER BY id",
            db.as_text("payload")
        ))
        .await;
    assert_eq!(
        sample,
        [["event 1: 'quoted' \\ back", "NULL"], ["event 250: 'quoted' \\ back", "{\"id\": 250}"]]
    );
    downgrade(&db, "blk", "base").await;
}

#[migration(revision = "exo1", down_revision = None, downgrade = exo1_down)]
fn exo1(op: &mut Operations) {
    op.create_table("flavours", |t| {
        t.column("name", Type::Varchar(20));
    });
    op.execute_on(Database::Postgres, "INSERT INTO flavours (name) VALUES ('postgres')")
        .on(Database::Sqlite, "INSERT INTO flavours (name) VALUES ('sqlite')")
        .otherwise("INSERT INTO flavours (name) VALUES ('another')");
    op.execute_on(Database::Sqlite, "INSERT INTO flavours (name) VALUES ('only sqlite')");
}
fn exo1_down(op: &mut Operations) {
    op.drop_table("flavours");
}

async fn execute_on_runs_the_statement_for_the_database_at_hand(db: Arc<TestDatabase>) {
    upgrade(&db, "exo", "head").await;
    let expected: &[&str] = match db.kind {
        Kind::Sqlite => &["only sqlite", "sqlite"],
        Kind::Postgres => &["postgres"],
        Kind::MySql => &["another"],
    };
    let flavours: Vec<String> =
        db.texts("SELECT name FROM flavours ORDER BY name").await.into_iter().flatten().collect();
    assert_eq!(flavours, expected);
}

// ---- SQLite batch mode: every row, index and foreign key is kept ----

#[migration(revision = "bat1", down_revision = None, downgrade = bat1_down)]
fn bat1(op: &mut Operations) {
    op.create_table("authors", |t| {
        t.column("id", Type::BigInt).primary_key().auto_increment();
        t.column("name", Type::Varchar(100)).not_null();
    });
    op.create_table("books", |t| {
        t.column("id", Type::BigInt).primary_key().auto_increment();
        t.column("author_id", Type::BigInt)
            .not_null()
            .references("authors", "id")
            .on_delete(ReferentialAction::Cascade);
        t.column("title", Type::Varchar(200)).not_null();
        t.column("isbn", Type::Varchar(20)).unique();
        t.column("price", Type::Numeric { precision: 8, scale: 2 });
        t.check("books_author_positive", "author_id > 0");
    });
    op.create_index("books_title", "books", ["title"]);
    // MariaDB silently drops the index it made for a foreign key once another index covers the
    // column, and then refuses to drop that one: an index of its own keeps the steps reversible.
    op.create_index("books_author", "books", ["author_id"]);
    op.bulk_insert(
        "authors",
        ["id", "name"],
        [vec![Value::from(1), "Ann".into()], vec![2.into(), "Bob".into()], vec![3.into(), "Cy".into()]],
    );
    op.bulk_insert(
        "books",
        ["id", "author_id", "title", "isbn", "price"],
        (1..=5).map(|id: i64| {
            vec![
                Value::Integer(id),
                Value::Integer(id % 3 + 1),
                Value::Text(format!("Book {id}")),
                Value::Text(format!("isbn-{id}")),
                Value::Decimal(format!("{id}.50")),
            ]
        }),
    );
}
fn bat1_down(op: &mut Operations) {
    op.drop_table("books");
    op.drop_table("authors");
}
#[migration(revision = "bat2", down_revision = "bat1", downgrade = bat2_down)]
fn bat2(op: &mut Operations) {
    op.alter_column("books", "title").set_type(Type::Varchar(300)).set_nullable(true);
}
fn bat2_down(op: &mut Operations) {
    op.alter_column("books", "title").set_type(Type::Varchar(200)).set_nullable(false);
}
#[migration(revision = "bat3", down_revision = "bat2", downgrade = bat3_down)]
fn bat3(op: &mut Operations) {
    op.alter_column("books", "price").rename_to("cost").set_server_default(0);
}
fn bat3_down(op: &mut Operations) {
    op.alter_column("books", "cost").rename_to("price").drop_server_default();
}
#[migration(revision = "bat4", down_revision = "bat3", downgrade = bat4_down)]
fn bat4(op: &mut Operations) {
    op.drop_column("books", "isbn");
}
fn bat4_down(op: &mut Operations) {
    op.add_column("books", "isbn", Type::Varchar(20)).unique();
}
#[migration(revision = "bat5", down_revision = "bat4", downgrade = bat5_down)]
fn bat5(op: &mut Operations) {
    op.create_check("books_cost_positive", "books", "cost >= 0");
    op.drop_check("books_author_positive", "books");
    op.create_unique("books_author_title", "books", ["author_id", "title"]);
}
fn bat5_down(op: &mut Operations) {
    op.drop_unique("books_author_title", "books");
    op.create_check("books_author_positive", "books", "author_id > 0");
    op.drop_check("books_cost_positive", "books");
}
#[migration(revision = "bat6", down_revision = "bat5", downgrade = bat6_down)]
fn bat6(op: &mut Operations) {
    op.drop_foreign_key("books_author_id_fkey", "books");
    op.create_foreign_key("books_author_fkey", "books", ["author_id"], "authors", ["id"])
        .on_delete(ReferentialAction::Restrict);
}
fn bat6_down(op: &mut Operations) {
    op.drop_foreign_key("books_author_fkey", "books");
    op.create_foreign_key("books_author_id_fkey", "books", ["author_id"], "authors", ["id"])
        .on_delete(ReferentialAction::Cascade);
}
#[migration(revision = "bat7", down_revision = "bat6", downgrade = bat7_down)]
fn bat7(op: &mut Operations) {
    // The referenced table: its rebuild must not cascade to the books.
    op.alter_column("authors", "name").set_type(Type::Varchar(150));
}
fn bat7_down(op: &mut Operations) {
    op.alter_column("authors", "name").set_type(Type::Varchar(100));
}

/// The books and authors, as text: the same before and after every batch-mode change.
async fn library(db: &TestDatabase) -> Vec<Vec<String>> {
    let mut rows = db
        .texts(&format!(
            "SELECT {}, {}, title FROM books ORDER BY id",
            db.as_text("id"),
            db.as_text("author_id")
        ))
        .await;
    rows.extend(db.texts(&format!("SELECT {}, name FROM authors ORDER BY id", db.as_text("id"))).await);
    rows
}

async fn assert_library_intact(db: &TestDatabase, before: &[Vec<String>], at: &str) {
    assert_eq!(library(db).await, before, "rows at {at}");
    assert_eq!(
        db.indexes("books").await,
        [index("books_author", false, &["author_id"]), index("books_title", false, &["title"])],
        "indexes at {at}"
    );
    let keys = db.foreign_keys("books").await;
    assert_eq!(keys.len(), 1, "foreign keys at {at}: {keys:?}");
    assert_eq!(
        (keys[0].column.as_str(), keys[0].referenced_table.as_str()),
        ("author_id", "authors"),
        "at {at}"
    );
    if db.kind == Kind::Sqlite {
        assert_eq!(
            db.integer("SELECT COUNT(*) FROM pragma_foreign_key_check").await,
            0,
            "foreign_key_check at {at}"
        );
        assert_eq!(
            db.integer("PRAGMA foreign_keys").await,
            1,
            "enforcement is back on after the run, at {at}"
        );
    }
}

async fn batch_mode_keeps_every_row_index_and_foreign_key(db: Arc<TestDatabase>) {
    upgrade(&db, "bat", "bat1").await;
    let before = library(&db).await;
    assert_eq!(before.len(), 8);
    for step in ["bat2", "bat3", "bat4", "bat5", "bat6", "bat7"] {
        upgrade(&db, "bat", step).await;
        assert_library_intact(&db, &before, step).await;
    }
    assert_eq!(db.column_names("books").await, ["id", "author_id", "title", "cost"]);
    assert_eq!(
        db.constraints("books").await,
        [
            constraint("books_author_fkey", "foreign key"),
            constraint("books_author_title", "unique"),
            constraint("books_cost_positive", "check"),
        ]
    );
    assert_eq!(db.foreign_keys("books").await, [foreign_key("author_id", "authors", "id", "RESTRICT")]);
    let title = db.column("books", "title").await;
    assert!(title.nullable && title.column_type.contains("300"), "{title:?}");
    assert!(db.column("books", "cost").await.default.is_some());
    db.failure("INSERT INTO books (author_id, title, cost) VALUES (1, 'Book 3', 1)").await;
    db.failure("INSERT INTO books (author_id, title, cost) VALUES (1, 'Cheap', -1)").await;

    for step in ["bat6", "bat5", "bat4", "bat3", "bat2", "bat1"] {
        downgrade(&db, "bat", step).await;
        assert_library_intact(&db, &before, step).await;
    }
    assert_eq!(db.column_names("books").await, ["id", "author_id", "title", "price", "isbn"]);
    assert_eq!(
        db.constraints("books").await,
        [
            constraint("books_author_id_fkey", "foreign key"),
            constraint("books_author_positive", "check"),
            constraint("books_isbn_key", "unique"),
        ]
    );
    assert_eq!(db.foreign_keys("books").await, [foreign_key("author_id", "authors", "id", "CASCADE")]);
    db.execute("DELETE FROM authors WHERE id = 1").await;
    assert_eq!(db.integer("SELECT COUNT(*) FROM books WHERE author_id = 1").await, 0, "the cascade is back");
}

#[migration(revision = "sqv1", down_revision = None, irreversible)]
fn sqv1(op: &mut Operations) {
    op.create_table("notes", |t| {
        t.column("id", Type::Integer).primary_key();
        t.column("body", Type::Text).not_null();
        t.column("edits", Type::Integer).not_null().server_default(0);
    });
    op.execute("CREATE VIEW note_bodies AS SELECT body FROM notes");
    op.execute_on(
        Database::Sqlite,
        "CREATE TRIGGER notes_edited AFTER UPDATE OF body ON notes BEGIN UPDATE notes SET edits = edits + 1 WHERE id = NEW.id; END",
    );
    op.bulk_insert(
        "notes",
        ["id", "body"],
        [vec![Value::from(1), "first".into()], vec![2.into(), "second".into()]],
    );
}
#[migration(revision = "sqv2", down_revision = "sqv1", irreversible)]
fn sqv2(op: &mut Operations) {
    op.alter_column("notes", "body").set_type(Type::Varchar(500));
}

#[tokio::test]
async fn sqlite_batch_mode_keeps_views_and_triggers() {
    common::run(Kind::Sqlite, |db| async move {
        upgrade(&db, "sqv", "head").await;
        assert_eq!(db.count("note_bodies").await, 2, "the view still reads the table");
        db.execute("UPDATE notes SET body = 'changed' WHERE id = 1").await;
        assert_eq!(db.integer("SELECT edits FROM notes WHERE id = 1").await, 1, "the trigger still fires");
        assert_eq!(db.column("notes", "body").await.column_type, "varchar(500)");
    })
    .await;
}

// ---- foreign keys a migration breaks ----

/// A parent row and a child row referring to it, with `on_delete` on the reference.
fn parent_and_child(op: &mut Operations, on_delete: ReferentialAction) {
    op.create_table("parents", |t| {
        t.column("id", Type::Integer).primary_key();
    });
    op.create_table("children", |t| {
        t.column("id", Type::Integer).primary_key();
        t.column("parent_id", Type::Integer).references("parents", "id").on_delete(on_delete);
    });
    op.bulk_insert("parents", ["id"], [[1]]);
    op.bulk_insert("children", ["id", "parent_id"], [[1, 1]]);
}

#[migration(revision = "fkv1", down_revision = None, irreversible)]
fn fkv1(op: &mut Operations) {
    parent_and_child(op, ReferentialAction::NoAction);
}
#[migration(revision = "fkv2", down_revision = "fkv1", irreversible)]
fn fkv2(op: &mut Operations) {
    op.execute("DELETE FROM parents");
}

/// Rebuilds `children` on SQLite (enforcement suspended), then orphans its row.
#[migration(revision = "fkr2", down_revision = "fkv1", irreversible)]
fn fkr2(op: &mut Operations) {
    op.alter_column("children", "parent_id").set_nullable(false);
    op.execute("DELETE FROM parents");
}

async fn a_migration_that_leaves_a_row_referring_to_nothing_fails(db: Arc<TestDatabase>) {
    for prefix in ["fkv", "fkr"] {
        let migrator = Migrator::new(
            Migration::registered()
                .into_iter()
                .filter(|m| m.revision() == "fkv1" || m.revision().starts_with(&format!("{prefix}2"))),
        )
        .unwrap();
        migrator.upgrade(&db.pool, "fkv1").await.unwrap();
        let Err(Error::MigrationFailed(failure)) = migrator.upgrade(&db.pool, "head").await else {
            panic!("{prefix}: the migration must fail")
        };
        assert_eq!(failure.revision, format!("{prefix}2"));
        if db.kind == Kind::Sqlite && prefix == "fkr" {
            // Enforcement is suspended for a run that rebuilds a table; the check after the
            // migration catches what it let through.
            assert!(
                failure.message.contains("children row 1 refers to a missing row of parents"),
                "{}",
                failure.message
            );
        }
        assert_eq!(migrator.current(&db.pool).await.unwrap(), ["fkv1"]);
        assert_eq!((db.count("parents").await, db.count("children").await), (1, 1));
    }
}

#[migration(revision = "cas1", down_revision = None, irreversible)]
fn cas1(op: &mut Operations) {
    parent_and_child(op, ReferentialAction::Cascade);
}
#[migration(revision = "cas2", down_revision = "cas1", irreversible)]
fn cas2(op: &mut Operations) {
    op.execute("DELETE FROM parents");
}

async fn on_delete_actions_fire_in_a_migration_that_rebuilds_no_table(db: Arc<TestDatabase>) {
    upgrade(&db, "cas", "head").await;
    assert_eq!(db.count("children").await, 0, "the cascade deleted the child");
}

#[migration(revision = "rac1", down_revision = None, irreversible)]
fn rac1(op: &mut Operations) {
    cas1(op);
    op.add_column("parents", "name", Type::Varchar(10));
}
/// Rebuilds `parents`: with foreign keys enforced, dropping the old table would cascade.
#[migration(revision = "rac2", down_revision = "rac1", irreversible)]
fn rac2(op: &mut Operations) {
    op.alter_column("parents", "name").set_type(Type::Text);
}
#[migration(revision = "rac3", down_revision = "rac2", irreversible)]
fn rac3(op: &mut Operations) {
    op.create_index("children_parent", "children", ["parent_id"]);
}

/// A run that found nothing to rebuild before its lock, and a rebuild once it held it (another run
/// moved the database back meanwhile), refuses the rebuild rather than run it with foreign keys
/// enforced; run again, it suspends them and succeeds.
#[tokio::test]
async fn sqlite_a_rebuild_that_finds_foreign_keys_enforced_is_refused() {
    common::run(Kind::Sqlite, |db| async move {
        use migrate::MigratePool;
        upgrade(&db, "rac", "rac2").await;
        let mut other = db.pool.migrate_connection().await.unwrap();
        other.execute("BEGIN IMMEDIATE").await.unwrap();
        other.execute("UPDATE migrate_version SET version_num = 'rac1'").await.unwrap();
        let pool = db.pool.clone();
        let waiting = tokio::spawn(async move { migrator("rac").upgrade(&pool, "head").await });
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        other.execute("COMMIT").await.unwrap();
        let Err(Error::MigrationFailed(failure)) = waiting.await.unwrap() else {
            panic!("the rebuild must be refused")
        };
        assert_eq!(failure.revision, "rac2");
        assert!(failure.message.contains("run it again"), "{}", failure.message);
        assert_eq!(db.count("children").await, 1, "nothing was deleted by a cascade");
        upgrade(&db, "rac", "head").await;
        assert_eq!((db.count("parents").await, db.count("children").await), (1, 1));
    })
    .await;
}

// ---- mistakes ----

#[migration(revision = "badt1", down_revision = None, irreversible)]
fn badt1(op: &mut Operations) {
    op.create_table("fine", |t| {
        t.column("id", Type::Integer);
    });
    op.create_table("empty", |_| {});
}
#[migration(revision = "badv1", down_revision = None, irreversible)]
fn badv1(op: &mut Operations) {
    op.create_table("names", |t| {
        t.column("name", Type::Varchar(0));
    });
}
#[migration(revision = "badi1", down_revision = None, irreversible)]
fn badi1(op: &mut Operations) {
    op.create_index("nothing", "names", Vec::<String>::new());
}
#[migration(revision = "bada1", down_revision = None, irreversible)]
fn bada1(op: &mut Operations) {
    op.alter_column("names", "name");
}

async fn bad_input_is_a_clear_error_naming_the_table_or_column(db: Arc<TestDatabase>) {
    let cases = [
        ("badt", "create_table \"empty\"", "a table needs at least one column"),
        (
            "badv",
            "create_table \"names\"",
            "column \"name\": varchar(0) holds nothing; give a length of at least 1",
        ),
        ("badi", "create_index \"nothing\" on \"names\"", "the index names no columns"),
        ("bada", "alter_column \"names\".\"name\"", "nothing to change"),
    ];
    for (prefix, statement, message) in cases {
        let failure = failed_upgrade(&db, prefix).await;
        assert_eq!(failure.statement.as_deref(), Some(statement));
        assert!(failure.message.starts_with(message), "{prefix}: {}", failure.message);
        assert!(migrator(prefix).current(&db.pool).await.unwrap().is_empty());
        // MySQL commits the DDL before the bad operation, and records it: settled before the next
        // case, as a user would.
        let half = migrator(prefix).repair(&db.pool, migrate::Repair::Undo).await.unwrap();
        assert_eq!(half.is_some(), db.kind == Kind::MySql && prefix == "badt", "{prefix}: {half:?}");
    }
    if db.kind != Kind::MySql {
        assert!(!db.has_table("fine").await, "the migration's earlier operations were rolled back");
    }
}

// ---- reversible by default ----

#[migration(revision = "rev1", down_revision = None)]
fn rev1(op: &mut Operations) {
    op.create_table("authors", |t| {
        t.column("id", Type::BigInt).primary_key();
        t.column("name", Type::Varchar(100)).not_null();
    });
    op.bulk_insert("authors", ["id", "name"], [[Value::from(1_i64), Value::from("Ursula")]]);
}
/// No downgrade written: every operation here has an inverse.
#[migration(revision = "rev2", down_revision = "rev1")]
fn rev2(op: &mut Operations) {
    op.create_table("books", |t| {
        t.column("id", Type::BigInt).primary_key();
        t.column("title", Type::Varchar(200)).not_null();
    });
    op.add_column("authors", "born", Type::Integer);
    op.create_index("authors_name", "authors", ["name"]);
    op.alter_column("authors", "name").rename_to("full_name").set_nullable(true).existing_nullable(false);
    op.rename_table("books", "works");
}

async fn a_migration_without_a_downgrade_is_reverted_by_inverting_its_operations(db: Arc<TestDatabase>) {
    upgrade(&db, "rev", "head").await;
    assert_eq!(db.column_names("authors").await, ["id", "full_name", "born"]);
    assert!(db.has_table("works").await);

    downgrade(&db, "rev", "rev1").await;
    assert_eq!(db.column_names("authors").await, ["id", "name"], "column added, renamed: both undone");
    assert!(!db.column("authors", "name").await.nullable, "nullability restored");
    assert!(!db.has_table("works").await && !db.has_table("books").await);
    assert!(db.indexes("authors").await.iter().all(|index| index.name != "authors_name"));
    assert_eq!(db.count("authors").await, 1, "the rows stay");
    upgrade(&db, "rev", "head").await;
    assert!(db.has_table("works").await, "and it applies again");

    // rev1 inserts rows, which have no inverse: it says so before anything runs.
    let error = migrator("rev").downgrade(&db.pool, "base").await.unwrap_err();
    let message = error.to_string();
    assert!(matches!(error, Error::NoDowngrade { ref revision, .. } if revision == "rev1"), "{message}");
    assert!(message.contains("bulk_insert") && message.contains("isn't reverted"), "{message}");
    assert!(db.has_table("works").await, "rev2 wasn't reverted either");
}

/// The key refers to a table created after its own: the derived downgrade drops the parents
/// first, so it must drop the key before them, although the children's table goes afterwards.
#[migration(revision = "fkd1", down_revision = None)]
fn fkd1(op: &mut Operations) {
    op.create_table("children", |t| {
        t.column("id", Type::BigInt).primary_key();
        t.column("parent_id", Type::BigInt);
    });
    op.create_table("parents", |t| {
        t.column("id", Type::BigInt).primary_key();
    });
    op.create_foreign_key("children_parent_fkey", "children", ["parent_id"], "parents", ["id"]);
    op.create_index("children_parent", "children", ["parent_id"]);
}

async fn a_derived_downgrade_drops_a_foreign_key_before_the_table_it_refers_to(db: Arc<TestDatabase>) {
    upgrade(&db, "fkd", "head").await;
    assert_eq!(db.foreign_keys("children").await.len(), 1);
    downgrade(&db, "fkd", "base").await;
    assert!(!db.has_table("children").await && !db.has_table("parents").await);
    upgrade(&db, "fkd", "head").await;
    assert!(db.has_table("children").await);
}

// ---- the operations chapter's samples (book/src/operations.md), each reverted and applied again ----

#[migration(revision = "chap1", down_revision = None, downgrade = chap1_down)]
fn chap1(op: &mut Operations) {
    op.create_table("orgs", |t| {
        t.column("id", Type::BigInt).primary_key().auto_increment();
        t.column("name", Type::Varchar(100)).not_null();
    });
    op.create_table("users", |t| {
        t.column("id", Type::BigInt).primary_key().auto_increment();
        t.column("email", Type::Varchar(255)).not_null().unique();
        t.column("org_id", Type::BigInt).references("orgs", "id").on_delete(ReferentialAction::Cascade);
        t.column("created_at", Type::Timestamp { with_time_zone: true })
            .not_null()
            .server_default(ServerDefault::CurrentTimestamp);
        t.check("users_email_has_at", "email LIKE '%@%'");
    });
}
fn chap1_down(op: &mut Operations) {
    op.drop_table("users");
    op.drop_table("orgs");
}
/// The chapter's `create_posts`: a foreign-key column with an index of its own (its advice for MariaDB).
#[migration(revision = "chap2", down_revision = "chap1")]
fn chap2(op: &mut Operations) {
    op.create_table("posts", |t| {
        t.column("id", Type::BigInt).primary_key();
        t.column("author_id", Type::BigInt).not_null().references("users", "id");
        t.column("title", Type::Varchar(200)).not_null();
    });
    op.create_index("posts_author", "posts", ["author_id"]);
}
#[migration(revision = "chap3", down_revision = "chap2")]
fn chap3(op: &mut Operations) {
    op.create_table("tags", |t| {
        t.column("id", Type::BigInt).primary_key();
        t.column("label", Type::Varchar(50)).not_null();
    });
    op.add_column("tags", "color", Type::Varchar(7));
    op.create_index("tags_label", "tags", ["label"]).unique();
}
/// The chapter's indexes and constraints, on tables of their own.
#[migration(revision = "chap4", down_revision = "chap3")]
fn chap4(op: &mut Operations) {
    op.create_table("teams", |t| {
        t.column("id", Type::BigInt).primary_key();
    });
    op.create_table("players", |t| {
        t.column("id", Type::BigInt).primary_key();
        t.column("team_id", Type::BigInt);
        t.column("number", Type::Integer).not_null();
    });
}
#[migration(revision = "chap5", down_revision = "chap4")]
fn chap5(op: &mut Operations) {
    op.create_index("users_mail", "users", ["email"]).unique();
    op.create_unique("players_team_number", "players", ["team_id", "number"]);
    op.create_foreign_key("players_team_fkey", "players", ["team_id"], "teams", ["id"])
        .on_delete(ReferentialAction::SetNull);
    op.create_check("players_number_positive", "players", "number > 0");
}
/// A foreign key added before the index that covers its column: on MariaDB the index replaces
/// the one made for the key, so the key must go first.
#[migration(revision = "chap6", down_revision = "chap5")]
fn chap6(op: &mut Operations) {
    op.add_column("players", "captain_id", Type::BigInt);
    op.create_foreign_key("players_captain_fkey", "players", ["captain_id"], "users", ["id"]);
    op.create_index("players_captain", "players", ["captain_id"]);
}

/// The chapter's `products` and `catalogue` (SQLite's batch mode), its rows left out.
#[migration(revision = "chap7", down_revision = "chap6")]
fn chap7(op: &mut Operations) {
    op.create_table("products", |t| {
        t.column("id", Type::Integer).primary_key();
        t.column("name", Type::Varchar(100)).not_null();
        t.column("price", Type::Numeric { precision: 10, scale: 2 });
        t.column("legacy_code", Type::Varchar(10)).unique();
    });
    op.create_index("products_name", "products", ["name"]);
}
#[migration(revision = "chap8", down_revision = "chap7")]
fn chap8(op: &mut Operations) {
    op.batch_alter_table("products", |t| {
        t.add_column("sku", Type::Varchar(20)).not_null().server_default("none");
        t.alter_column("name").set_type(Type::Text).existing_type(Type::Varchar(100));
        t.alter_column("price").set_nullable(false).existing_nullable(true);
        t.drop_column("legacy_code").definition(Type::Varchar(10)).unique();
        t.create_check("products_price_positive", "price > 0");
    });
}

/// Every table's columns, primary key, constraints (foreign keys included) and indexes, read back
/// in one pass (`migrate::Schema`).
async fn chapter_schema(db: &TestDatabase) -> Vec<String> {
    let read = migrate::Schema::read_pool(&db.pool).await.unwrap_or_else(|e| panic!("{e}"));
    let mut schema = Vec::new();
    for table in ["orgs", "users", "posts", "tags", "teams", "players", "products"] {
        let Some(found) = read.table(table) else { continue };
        schema.push(format!("{table}: {:?}", found.columns));
        schema.push(format!("{table} primary key: {:?}", found.primary_key));
        schema.push(format!("{table} constraints: {:?}", found.constraints));
        schema.push(format!("{table} indexes: {:?}", found.indexes));
    }
    schema
}

async fn the_chapter_samples_downgrade_to_base_and_upgrade_again(db: Arc<TestDatabase>) {
    let steps = ["chap1", "chap2", "chap3", "chap4", "chap5", "chap6", "chap7", "chap8"];
    let mut schemas = vec![chapter_schema(&db).await];
    for step in steps {
        upgrade(&db, "chap", step).await;
        schemas.push(chapter_schema(&db).await);
    }
    assert_eq!(schemas[steps.len()].len(), 7 * 4, "every table exists: {:#?}", schemas[steps.len()]);
    // Down one step at a time, each schema as it was before the step was applied.
    for (at, step) in steps.iter().enumerate().rev() {
        let target = if at == 0 { "base" } else { steps[at - 1] };
        downgrade(&db, "chap", target).await;
        assert_eq!(chapter_schema(&db).await, schemas[at], "after reverting {step}");
    }
    upgrade(&db, "chap", "head").await;
    assert_eq!(chapter_schema(&db).await, schemas[steps.len()], "applied again");
    downgrade(&db, "chap", "base").await;
    assert!(chapter_schema(&db).await.is_empty(), "every table is dropped");
}

// ---- batch_alter_table: several changes to one table, made together ----

#[migration(revision = "bgr1", down_revision = None, irreversible)]
fn bgr1(op: &mut Operations) {
    bat1(op);
    op.execute("CREATE VIEW book_authors AS SELECT id, author_id FROM books");
    op.execute_on(
        Database::Sqlite,
        "CREATE TRIGGER books_retitled AFTER UPDATE OF title ON books BEGIN UPDATE books SET price = 0 WHERE id = NEW.id; END",
    );
}
/// No downgrade written: the inverse is one batch of the inverses.
#[migration(revision = "bgr2", down_revision = "bgr1")]
fn bgr2(op: &mut Operations) {
    op.batch_alter_table("books", |t| {
        t.add_column("subtitle", Type::Varchar(100));
        t.alter_column("title").set_type(Type::Varchar(300)).existing_type(Type::Varchar(200));
        t.create_check("books_title_not_empty", "title <> ''");
        t.alter_column("price")
            .set_type(Type::Numeric { precision: 10, scale: 2 })
            .existing_type(Type::Numeric { precision: 8, scale: 2 });
        // Reverted first: MariaDB restates the column under its name from before the batch.
        t.alter_column("price").rename_to("cost");
        t.drop_column("isbn").definition(Type::Varchar(20)).unique();
        t.create_index("books_subtitle", ["subtitle"]);
    });
}

/// A table's columns (sorted by name: a column added back comes last), indexes, constraints and
/// foreign keys.
async fn table_schema(db: &TestDatabase, table: &str) -> Vec<String> {
    let mut columns = db.columns(table).await;
    columns.sort_by(|a, b| a.name.cmp(&b.name));
    vec![
        format!("{columns:?}"),
        format!("{:?}", db.indexes(table).await),
        format!("{:?}", db.constraints(table).await),
        format!("{:?}", db.foreign_keys(table).await),
    ]
}

async fn a_batch_makes_several_changes_to_a_table_and_its_inverse_reverts_them(db: Arc<TestDatabase>) {
    upgrade(&db, "bgr", "bgr1").await;
    let rows = library(&db).await;
    let before = table_schema(&db, "books").await;

    upgrade(&db, "bgr", "head").await;
    assert_eq!(db.column_names("books").await, ["id", "author_id", "title", "cost", "subtitle"]);
    assert!(db.column("books", "title").await.column_type.contains("300"));
    let cost = db.column("books", "cost").await.column_type.replace(' ', "");
    assert!(cost.ends_with("(10,2)"), "{cost}");
    assert_eq!(
        db.indexes("books").await,
        [
            index("books_author", false, &["author_id"]),
            index("books_subtitle", false, &["subtitle"]),
            index("books_title", false, &["title"]),
        ]
    );
    assert_eq!(
        db.constraints("books").await,
        [
            constraint("books_author_id_fkey", "foreign key"),
            constraint("books_author_positive", "check"),
            constraint("books_title_not_empty", "check"),
        ]
    );
    assert_eq!(db.foreign_keys("books").await, [foreign_key("author_id", "authors", "id", "CASCADE")]);
    assert_eq!(library(&db).await, rows, "every row is kept");
    assert_eq!(db.count("book_authors").await, 5, "the view still reads the table");
    db.failure("INSERT INTO books (author_id, title) VALUES (1, '')").await;
    if db.kind == Kind::Sqlite {
        assert_eq!(db.integer("SELECT COUNT(*) FROM pragma_foreign_key_check").await, 0);
        db.execute("UPDATE books SET title = 'Retitled' WHERE id = 1").await;
        assert_eq!(
            db.texts("SELECT CAST(cost AS TEXT) FROM books WHERE id = 1").await,
            [["0"]],
            "the trigger fires"
        );
        db.execute("UPDATE books SET title = 'Book 1' WHERE id = 1").await;
    }
    let after = table_schema(&db, "books").await;

    downgrade(&db, "bgr", "bgr1").await;
    assert_eq!(table_schema(&db, "books").await, before);
    assert_eq!(library(&db).await, rows, "every row is kept");
    assert_eq!(db.count("book_authors").await, 5, "the view still reads the table");

    upgrade(&db, "bgr", "head").await;
    assert_eq!(table_schema(&db, "books").await, after);
    assert_eq!(library(&db).await, rows);
}

#[migration(revision = "bonce1", down_revision = None, irreversible)]
fn bonce1(op: &mut Operations) {
    op.create_table("editions", |t| {
        t.column("id", Type::Integer).primary_key();
        t.column("title", Type::Varchar(100)).not_null();
        t.column("isbn", Type::Varchar(20)).unique();
    });
    op.create_index("editions_title", "editions", ["title"]);
    op.bulk_insert("editions", ["id", "title", "isbn"], [vec![Value::from(1), "One".into(), "i-1".into()]]);
}
#[migration(revision = "bonce2", down_revision = "bonce1")]
fn bonce2(op: &mut Operations) {
    op.batch_alter_table("editions", |t| {
        t.alter_column("title").set_nullable(true).existing_nullable(false);
        t.alter_column("title").set_type(Type::Text).existing_type(Type::Varchar(100));
        t.drop_column("isbn").definition(Type::Varchar(20)).unique();
        t.add_column("year", Type::Integer).not_null().server_default(2000);
        t.create_check("editions_year_recent", "year > 1800");
    });
}

/// How many statements sqlx ran whose text contains `wanted` (sqlx logs each statement at debug
/// level, through `log` where no `tracing` subscriber is set); the first call starts listening.
fn statements_logged(wanted: &str) -> usize {
    use std::sync::Mutex;
    struct Statements(Mutex<Vec<String>>);
    impl log::Log for Statements {
        fn enabled(&self, metadata: &log::Metadata) -> bool {
            metadata.target() == "sqlx::query"
        }
        fn log(&self, record: &log::Record) {
            if self.enabled(record.metadata()) {
                // The statement is a field, written with its quotes escaped.
                let logged = record.args().to_string().replace("\\\"", "\"");
                self.0.lock().unwrap_or_else(|e| e.into_inner()).push(logged);
            }
        }
        fn flush(&self) {}
    }
    static STATEMENTS: Statements = Statements(Mutex::new(Vec::new()));
    if log::set_logger(&STATEMENTS).is_ok() {
        log::set_max_level(log::LevelFilter::Debug);
    }
    STATEMENTS
        .0
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
        .filter(|logged| logged.contains(wanted))
        .count()
}

#[tokio::test]
async fn sqlite_a_batch_rebuilds_its_table_once_for_every_change_inside() {
    statements_logged("");
    common::run(Kind::Sqlite, |db| async move {
        let rebuilds = || statements_logged("CREATE TABLE \"_migrate_rebuild_editions\"");
        upgrade(&db, "bonce", "bonce1").await;
        assert_eq!(rebuilds(), 0);
        upgrade(&db, "bonce", "head").await;
        assert_eq!(rebuilds(), 1, "five changes, one rebuild");
        assert_eq!(db.column_names("editions").await, ["id", "title", "year"]);
        assert_eq!(
            db.texts("SELECT CAST(id AS TEXT), title, CAST(year AS TEXT) FROM editions").await,
            [["1", "One", "2000"]]
        );
        downgrade(&db, "bonce", "bonce1").await;
        assert_eq!(rebuilds(), 2, "the inverse is one batch too: one more rebuild");
        assert_eq!(db.column_names("editions").await, ["id", "title", "isbn"]);
        let title = db.column("editions", "title").await;
        assert!(!title.nullable && title.column_type == "varchar(100)", "{title:?}");
        assert_eq!(db.indexes("editions").await, [index("editions_title", false, &["title"])]);
    })
    .await;
}

on_every_database!(
    a_migration_without_a_downgrade_is_reverted_by_inverting_its_operations,
    create_table_creates_every_column_key_and_constraint_asked_for,
    drop_table_reverts_create_table,
    comments_are_stored_where_the_database_keeps_them,
    names_with_spaces_quotes_and_reserved_words_work,
    every_portable_type_round_trips,
    add_column_adds_columns_to_a_table_with_rows_and_drop_column_removes_them,
    alter_column_changes_type_nullability_default_and_name_keeping_every_row,
    making_a_column_with_nulls_not_null_fails_and_keeps_every_row,
    create_index_and_drop_index,
    a_partial_index_covers_only_the_rows_it_names,
    concurrently_builds_on_postgresql_and_as_usual_elsewhere,
    constraints_are_created_enforced_and_dropped,
    if_not_exists_and_if_exists_make_operations_idempotent,
    bulk_insert_writes_every_row_with_quotes_and_backslashes_intact,
    execute_on_runs_the_statement_for_the_database_at_hand,
    batch_mode_keeps_every_row_index_and_foreign_key,
    a_migration_that_leaves_a_row_referring_to_nothing_fails,
    on_delete_actions_fire_in_a_migration_that_rebuilds_no_table,
    bad_input_is_a_clear_error_naming_the_table_or_column,
    the_chapter_samples_downgrade_to_base_and_upgrade_again,
    a_batch_makes_several_changes_to_a_table_and_its_inverse_reverts_them,
    a_derived_downgrade_drops_a_foreign_key_before_the_table_it_refers_to,
);
