//! Autogenerate on SQLite, PostgreSQL and MariaDB: a migration generated from models makes the
//! database match them (comparing again finds nothing), its downgrade puts the database back as
//! it was read, and the rendered code records exactly the operations generated.

#[allow(dead_code, reason = "this file uses part of the tests' database helper")]
mod common;

use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::{Kind, TestDatabase};
use migrate::__private::{Declaration, Downgrade, MigrationFn};
use migrate::autogenerate::{self, PossibleRename};
use migrate::operation::Operation;
use migrate::prelude::*;
use migrate::{Index, Migrator, Model, Schema, SchemaObject, Table};

// ---- applying generated operations ----

/// How many generated migrations the tests of this binary may apply in all.
const SLOTS: usize = 64;

/// The operations each slot's migration replays.
static PENDING: Mutex<Vec<Vec<Operation>>> = Mutex::new(Vec::new());
static NEXT_SLOT: AtomicUsize = AtomicUsize::new(0);

/// A migration function that records slot `SLOT`'s operations (a `fn` can't capture them).
fn replay<const SLOT: usize>(op: &mut Operations) {
    let pending = PENDING.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    for operation in pending.get(SLOT).cloned().unwrap_or_default() {
        op.push(operation);
    }
}

const REPLAY: [fn(&mut Operations); SLOTS] = [
    replay::<0>,
    replay::<1>,
    replay::<2>,
    replay::<3>,
    replay::<4>,
    replay::<5>,
    replay::<6>,
    replay::<7>,
    replay::<8>,
    replay::<9>,
    replay::<10>,
    replay::<11>,
    replay::<12>,
    replay::<13>,
    replay::<14>,
    replay::<15>,
    replay::<16>,
    replay::<17>,
    replay::<18>,
    replay::<19>,
    replay::<20>,
    replay::<21>,
    replay::<22>,
    replay::<23>,
    replay::<24>,
    replay::<25>,
    replay::<26>,
    replay::<27>,
    replay::<28>,
    replay::<29>,
    replay::<30>,
    replay::<31>,
    replay::<32>,
    replay::<33>,
    replay::<34>,
    replay::<35>,
    replay::<36>,
    replay::<37>,
    replay::<38>,
    replay::<39>,
    replay::<40>,
    replay::<41>,
    replay::<42>,
    replay::<43>,
    replay::<44>,
    replay::<45>,
    replay::<46>,
    replay::<47>,
    replay::<48>,
    replay::<49>,
    replay::<50>,
    replay::<51>,
    replay::<52>,
    replay::<53>,
    replay::<54>,
    replay::<55>,
    replay::<56>,
    replay::<57>,
    replay::<58>,
    replay::<59>,
    replay::<60>,
    replay::<61>,
    replay::<62>,
    replay::<63>,
];

/// Runs `operations` on the database as a migration of its own (with a version table of its
/// own, which the schema leaves out).
async fn apply(db: &TestDatabase, operations: &[Operation]) {
    let slot = NEXT_SLOT.fetch_add(1, Ordering::Relaxed);
    assert!(slot < SLOTS, "raise SLOTS");
    {
        let mut pending = PENDING.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if pending.len() <= slot {
            pending.resize(slot + 1, Vec::new());
        }
        pending[slot] = operations.to_vec();
    }
    let revision: &'static str = Box::leak(format!("autogen{slot}").into_boxed_str());
    let declaration =
        Declaration { revision, message: "generated", function: "replay", ..Declaration::default() };
    let migration: &'static Migration = Box::leak(Box::new(Migration {
        declaration: Box::leak(declaration.encode_at(module_path!(), file!(), line!()).into_boxed_str()),
        upgrade: MigrationFn::Sync(REPLAY[slot]),
        downgrade: Downgrade::Missing,
        transactional: true,
    }));
    Migrator::new([migration])
        .unwrap_or_else(|e| panic!("{e}"))
        .version_table(format!("migrate_version_{revision}"))
        .upgrade(&db.pool, "heads")
        .await
        .unwrap_or_else(|e| panic!("applying {operations:#?}: {e}"));
}

fn database(kind: Kind) -> Database {
    match kind {
        Kind::Sqlite => Database::Sqlite,
        Kind::Postgres => Database::Postgres,
        Kind::MySql => Database::MySql,
    }
}

// ---- the models, before and after ----

fn model(table: Table, indexes: Vec<Index>) -> Model {
    let mut model = Model::new(table.clone(), format!("tests::{}", table.name));
    for index in indexes {
        model.index(index);
    }
    model
}

/// The app's first models.
fn first_models() -> Vec<Model> {
    let mut users = Table::new("users");
    users.column("id", Type::BigInt).primary_key().auto_increment();
    users.column("email", Type::Varchar(255)).not_null().unique();
    users.column("name", Type::Text);
    users.column("score", Type::Integer);
    users.column("nick", Type::Varchar(40));
    users.column("legacy", Type::Integer).server_default(0);
    users.column("mood", Type::enumeration("mood", ["happy", "sad"])).not_null().server_default("happy");
    users.check("users_score_positive", "score >= 0");
    vec![model(users, vec![Index::new("users_name", "users", ["name"])])]
}

/// The models after a round of changes: a column added, an index, a table with a foreign key,
/// an enum value, a column dropped, a column renamed, a type and a nullability changed.
fn second_models() -> Vec<Model> {
    let mut users = Table::new("users");
    users.column("id", Type::BigInt).primary_key().auto_increment();
    users.column("email", Type::Varchar(255)).not_null().unique();
    users.column("full_name", Type::Text);
    users.column("score", Type::BigInt);
    users.column("nick", Type::Varchar(40)).not_null().server_default("anon");
    users
        .column("mood", Type::enumeration("mood", ["happy", "sad", "meh"]))
        .not_null()
        .server_default("happy");
    users.column("bio", Type::Text);
    users.check("users_score_positive", "score >= 0");
    let mut posts = Table::new("posts");
    posts.column("id", Type::BigInt).primary_key().auto_increment();
    posts
        .column("author", Type::BigInt)
        .not_null()
        .references("users", "id")
        .on_delete(ReferentialAction::Cascade);
    posts.column("title", Type::Varchar(200)).not_null();
    vec![
        model(
            users,
            vec![
                Index::new("users_full_name", "users", ["full_name"]),
                Index::new("users_nick", "users", ["nick"]),
            ],
        ),
        model(posts, vec![Index::new("posts_title", "posts", ["title"])]),
    ]
}

fn rename() -> PossibleRename {
    let comparison = autogenerate::compare(
        &second_models(),
        &Schema::declared(&first_models(), Database::Sqlite),
        Database::Sqlite,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    comparison
        .possible_renames()
        .iter()
        .find(|rename| rename.to_string() == "column \"users\".\"name\" -> \"full_name\"")
        .cloned()
        .unwrap_or_else(|| panic!("no rename of users.name among {:?}", comparison.possible_renames()))
}

/// What comparing `models` with the database generates.
async fn generate(
    db: &TestDatabase,
    models: &[Model],
    renames: &[PossibleRename],
) -> autogenerate::Autogenerated {
    let schema = db.schema().await;
    autogenerate::compare(models, &schema, database(db.kind))
        .unwrap_or_else(|e| panic!("{e}"))
        .migration(renames)
}

// ---- on the databases ----

async fn a_generated_migration_makes_the_database_match_the_models(db: Arc<TestDatabase>) {
    let first = generate(&db, &first_models(), &[]).await;
    assert!(!first.is_empty());
    apply(&db, &first.upgrade).await;
    let again = generate(&db, &first_models(), &[]).await;
    assert!(again.is_empty(), "after the first migration:\n{again}");
    let declared = Schema::declared(&first_models(), database(db.kind));
    let diff = declared.diff(&db.schema().await);
    assert!(diff.is_empty(), "the models read back as declared:\n{diff}");
}

async fn a_round_of_changes_applies_and_its_downgrade_restores_the_schema(db: Arc<TestDatabase>) {
    apply(&db, &generate(&db, &first_models(), &[]).await.upgrade).await;
    let before = db.schema().await;

    let second = generate(&db, &second_models(), &[rename()]).await;
    let changes = second.to_string();
    for expected in [
        "rename column \"users\".\"name\" -> \"full_name\"",
        "add column \"users\".\"bio\" TEXT NULL",
        "drop column \"users\".\"legacy\" INTEGER NULL",
        "add table \"posts\" (id, author, title)",
        "add index \"users\".\"users_nick\" (nick)",
    ] {
        assert!(changes.contains(expected), "{expected} in\n{changes}");
    }
    apply(&db, &second.upgrade).await;
    let again = generate(&db, &second_models(), &[]).await;
    assert!(again.is_empty(), "after the second migration:\n{again}");
    let declared = Schema::declared(&second_models(), database(db.kind));
    let diff = declared.diff(&db.schema().await);
    assert!(diff.is_empty(), "the models read back as declared:\n{diff}");

    apply(&db, &second.downgrade).await;
    let mut diff = before.diff(&db.schema().await);
    // A column put back by the downgrade comes last: no database adds a column elsewhere
    // through the operations (as with Alembic).
    diff.differences.retain(|difference| {
        !matches!(difference.change, migrate::SchemaChange::Changed { property: "column order", .. })
    });
    assert!(diff.is_empty(), "the downgrade restores the schema read before:\n{diff}");
}

async fn tables_no_model_declares_are_dropped_and_come_back_with_the_downgrade(db: Arc<TestDatabase>) {
    apply(&db, &generate(&db, &second_models(), &[]).await.upgrade).await;
    let before = db.schema().await;
    let generated = generate(&db, &[], &[]).await;
    assert_eq!(
        generated.to_string(),
        "drop table \"posts\"\ndrop table \"users\"".to_owned()
            + if db.kind == Kind::Postgres { "\ndrop enum type \"mood\"" } else { "" }
    );
    apply(&db, &generated.upgrade).await;
    assert!(db.schema().await.tables.is_empty());
    apply(&db, &generated.downgrade).await;
    let diff = before.diff(&db.schema().await);
    assert!(diff.is_empty(), "the downgrade recreates the tables as read:\n{diff}");
}

// ---- the rendered code ----

/// Rendered for Postgres, pasted as generated.
fn postgres_upgrade(op: &mut Operations) {
    op.add_enum_value("mood", "meh");
    op.create_table("posts", |t| {
        t.column("id", Type::BigInt).primary_key().auto_increment();
        t.column("author", Type::BigInt)
            .not_null()
            .references("users", "id")
            .on_delete(ReferentialAction::Cascade);
        t.column("title", Type::Varchar(200)).not_null();
    });
    op.create_index("posts_title", "posts", ["title"]);
    op.alter_column("users", "name").rename_to("full_name");
    op.drop_index("users_name", "users").definition(["full_name"]);
    op.add_column("users", "bio", Type::Text);
    // review: changes the type of "score": existing values are converted
    op.alter_column("users", "score")
        .set_type(Type::BigInt)
        .existing_type(Type::Integer)
        .existing_nullable(true)
        .existing_server_default(None);
    // review: makes "nick" NOT NULL: fails if a row holds NULL
    op.alter_column("users", "nick")
        .set_nullable(false)
        .set_server_default("anon")
        .existing_type(Type::Varchar(40))
        .existing_nullable(true)
        .existing_server_default(None);
    // review: drops column "legacy" and its data
    op.drop_column("users", "legacy").definition(Type::Integer).server_default(Value::Integer(0));
    op.create_index("users_full_name", "users", ["full_name"]);
    op.create_index("users_nick", "users", ["nick"]);
}

/// Rendered for Postgres, pasted as generated.
fn postgres_downgrade(op: &mut Operations) {
    op.drop_index("users_nick", "users").definition(["nick"]);
    op.drop_index("users_full_name", "users").definition(["full_name"]);
    op.add_column("users", "legacy", Type::Integer).server_default(Value::Integer(0));
    op.alter_column("users", "nick")
        .set_nullable(true)
        .drop_server_default()
        .existing_type(Type::Varchar(40))
        .existing_nullable(false)
        .existing_server_default(Some(ServerDefault::Value(Value::Text("anon".to_owned()))));
    op.alter_column("users", "score")
        .set_type(Type::Integer)
        .existing_type(Type::BigInt)
        .existing_nullable(true)
        .existing_server_default(None);
    op.drop_column("users", "bio").definition(Type::Text);
    op.create_index("users_name", "users", ["full_name"]);
    op.alter_column("users", "full_name").rename_to("name");
    op.drop_table("posts").definition(|t| {
        t.column("id", Type::BigInt).primary_key().auto_increment();
        t.column("author", Type::BigInt)
            .not_null()
            .references("users", "id")
            .on_delete(ReferentialAction::Cascade);
        t.column("title", Type::Varchar(200)).not_null();
    });
    // review: recreates the enum type: fails if a row holds a value that goes
    op.execute_on(Database::Postgres, "ALTER TYPE \"mood\" RENAME TO \"mood_old\"");
    op.create_enum("mood", ["happy", "sad"]);
    op.alter_column("users", "mood")
        .drop_server_default()
        .existing_server_default(Some(ServerDefault::Value(Value::Text("happy".to_owned()))));
    op.alter_column("users", "mood")
        .set_type(Type::enumeration("mood", ["happy", "sad"]))
        .set_server_default("happy")
        .existing_type(Type::enumeration("mood", ["happy", "sad", "meh"]))
        .existing_server_default(None);
    op.drop_enum("mood_old").definition(["happy", "sad", "meh"]);
}

/// Rendered for Sqlite, pasted as generated.
fn sqlite_upgrade(op: &mut Operations) {
    op.create_table("posts", |t| {
        t.column("id", Type::BigInt).primary_key().auto_increment();
        t.column("author", Type::BigInt)
            .not_null()
            .references("users", "id")
            .on_delete(ReferentialAction::Cascade);
        t.column("title", Type::Varchar(200)).not_null();
    });
    op.create_index("posts_title", "posts", ["title"]);
    // review: changes the type of "score": existing values are converted; makes "nick" NOT NULL: fails if a row holds NULL; changes the type of "mood": existing values are converted; drops column "legacy" and its data
    op.batch_alter_table("users", |batch| {
        batch.alter_column("name").rename_to("full_name");
        batch.drop_index("users_name").definition(["full_name"]);
        batch.add_column("bio", Type::Text);
        batch
            .alter_column("score")
            .set_type(Type::BigInt)
            .existing_type(Type::Integer)
            .existing_nullable(true)
            .existing_server_default(None);
        batch
            .alter_column("nick")
            .set_nullable(false)
            .set_server_default("anon")
            .existing_type(Type::Varchar(40))
            .existing_nullable(true)
            .existing_server_default(None);
        batch
            .alter_column("mood")
            .set_type(Type::enumeration("mood", ["happy", "sad", "meh"]))
            .existing_type(Type::enumeration("mood", ["happy", "sad"]))
            .existing_nullable(false)
            .existing_server_default(Some(ServerDefault::Value(Value::Text("happy".to_owned()))));
        batch.drop_column("legacy").definition(Type::Integer).server_default(Value::Integer(0));
        batch.create_index("users_full_name", ["full_name"]);
        batch.create_index("users_nick", ["nick"]);
    });
}

/// Rendered for Sqlite, pasted as generated.
fn sqlite_downgrade(op: &mut Operations) {
    op.batch_alter_table("users", |batch| {
        batch.drop_index("users_nick").definition(["nick"]);
        batch.drop_index("users_full_name").definition(["full_name"]);
        batch.add_column("legacy", Type::Integer).server_default(Value::Integer(0));
        batch
            .alter_column("mood")
            .set_type(Type::enumeration("mood", ["happy", "sad"]))
            .existing_type(Type::enumeration("mood", ["happy", "sad", "meh"]))
            .existing_nullable(false)
            .existing_server_default(Some(ServerDefault::Value(Value::Text("happy".to_owned()))));
        batch
            .alter_column("nick")
            .set_nullable(true)
            .drop_server_default()
            .existing_type(Type::Varchar(40))
            .existing_nullable(false)
            .existing_server_default(Some(ServerDefault::Value(Value::Text("anon".to_owned()))));
        batch
            .alter_column("score")
            .set_type(Type::Integer)
            .existing_type(Type::BigInt)
            .existing_nullable(true)
            .existing_server_default(None);
        batch.drop_column("bio").definition(Type::Text);
        batch.create_index("users_name", ["full_name"]);
        batch.alter_column("full_name").rename_to("name");
    });
    op.drop_table("posts").definition(|t| {
        t.column("id", Type::BigInt).primary_key().auto_increment();
        t.column("author", Type::BigInt)
            .not_null()
            .references("users", "id")
            .on_delete(ReferentialAction::Cascade);
        t.column("title", Type::Varchar(200)).not_null();
    });
}

fn recorded(migration: fn(&mut Operations)) -> Vec<Operation> {
    let mut op = Operations::new();
    migration(&mut op);
    op.into_recorded()
}

/// The second round of changes, generated from plain data (no database needed).
fn second_round(database: Database) -> autogenerate::Autogenerated {
    let built = Schema::declared(&first_models(), database);
    autogenerate::compare(&second_models(), &built, database)
        .unwrap_or_else(|e| panic!("{e}"))
        .migration(&[rename()])
}

/// Views, functions and triggers generated from plain data for PostgreSQL.
fn objects_round() -> autogenerate::Autogenerated {
    let built = Schema::declared(&first_models(), Database::Postgres);
    autogenerate::compare_with_objects(&first_models(), &objects(false), &built, Database::Postgres)
        .unwrap_or_else(|e| panic!("{e}"))
        .migration(&[])
}

/// Rendered for Postgres with the views, functions and triggers, pasted as generated.
fn postgres_objects_upgrade(op: &mut Operations) {
    op.create_function(
        Function::new("after_user", "trigger").on(Database::Postgres, "BEGIN RETURN NULL; END"),
    );
    op.create_function(
        Function::new("plus_one", "integer")
            .arguments("x integer")
            .language("sql")
            .on(Database::Postgres, "SELECT x + 1")
            .on(Database::MySql, "RETURN x + 1"),
    );
    op.create_view("scored_users", "SELECT id, email FROM users WHERE score > 0");
    op.create_trigger(
        Trigger::new("users_after_insert", "users", TriggerTiming::After, TriggerEvent::Insert)
            .execute_function("after_user")
            .on(Database::Sqlite, "BEGIN UPDATE users SET score = 0 WHERE id = NEW.id AND score IS NULL; END")
            .on(Database::MySql, "SET @last_user = NEW.id"),
    );
    op.create_trigger(
        Trigger::new("users_after_delete", "users", TriggerTiming::After, TriggerEvent::Delete)
            .execute_function("after_user")
            .on(Database::Sqlite, "BEGIN SELECT 1; END")
            .on(Database::MySql, "SET @last_user = OLD.id"),
    );
}

/// Rendered for Postgres with the views, functions and triggers, pasted as generated.
fn postgres_objects_downgrade(op: &mut Operations) {
    op.drop_trigger("users_after_delete", "users").definition(
        Trigger::new("users_after_delete", "users", TriggerTiming::After, TriggerEvent::Delete)
            .execute_function("after_user")
            .on(Database::Sqlite, "BEGIN SELECT 1; END")
            .on(Database::MySql, "SET @last_user = OLD.id"),
    );
    op.drop_trigger("users_after_insert", "users").definition(
        Trigger::new("users_after_insert", "users", TriggerTiming::After, TriggerEvent::Insert)
            .execute_function("after_user")
            .on(Database::Sqlite, "BEGIN UPDATE users SET score = 0 WHERE id = NEW.id AND score IS NULL; END")
            .on(Database::MySql, "SET @last_user = NEW.id"),
    );
    op.drop_view("scored_users").definition("SELECT id, email FROM users WHERE score > 0");
    op.drop_function("plus_one").definition(
        Function::new("plus_one", "integer")
            .arguments("x integer")
            .language("sql")
            .on(Database::Postgres, "SELECT x + 1")
            .on(Database::MySql, "RETURN x + 1"),
    );
    op.drop_function("after_user")
        .definition(Function::new("after_user", "trigger").on(Database::Postgres, "BEGIN RETURN NULL; END"));
}

#[test]
fn rendered_code_records_the_view_function_and_trigger_operations_generated() {
    let generated = objects_round();
    assert_eq!(recorded(postgres_objects_upgrade), generated.upgrade);
    assert_eq!(recorded(postgres_objects_downgrade), generated.downgrade);
}

#[test]
fn rendered_code_records_the_operations_generated_on_postgresql() {
    let generated = second_round(Database::Postgres);
    assert_eq!(recorded(postgres_upgrade), generated.upgrade);
    assert_eq!(recorded(postgres_downgrade), generated.downgrade);
}

#[test]
fn rendered_code_records_the_operations_generated_on_sqlite() {
    let generated = second_round(Database::Sqlite);
    assert_eq!(recorded(sqlite_upgrade), generated.upgrade);
    assert_eq!(recorded(sqlite_downgrade), generated.downgrade);
}

// ---- views, functions and triggers ----

/// The app's view, functions and trigger; `changed` gives the trigger's action another body.
fn objects(changed: bool) -> Vec<SchemaObject> {
    let (sqlite, mysql, postgres) = if changed {
        (
            "BEGIN UPDATE users SET score = 1 WHERE id = NEW.id AND score IS NULL; END",
            "SET @last_user = NEW.id + 0",
            "BEGIN PERFORM 1; RETURN NULL; END",
        )
    } else {
        (
            "BEGIN UPDATE users SET score = 0 WHERE id = NEW.id AND score IS NULL; END",
            "SET @last_user = NEW.id",
            "BEGIN RETURN NULL; END",
        )
    };
    vec![
        View::new("scored_users", "SELECT id, email FROM users WHERE score > 0").into(),
        Function::new("after_user", "trigger").on(Database::Postgres, postgres).into(),
        Function::new("plus_one", "integer")
            .arguments("x integer")
            .language("sql")
            .on(Database::Postgres, "SELECT x + 1")
            .on(Database::MySql, "RETURN x + 1")
            .into(),
        Trigger::new("users_after_insert", "users", TriggerTiming::After, TriggerEvent::Insert)
            .execute_function("after_user")
            .on(Database::Sqlite, sqlite)
            .on(Database::MySql, mysql)
            .into(),
        Trigger::new("users_after_delete", "users", TriggerTiming::After, TriggerEvent::Delete)
            .execute_function("after_user")
            .on(Database::Sqlite, "BEGIN SELECT 1; END")
            .on(Database::MySql, "SET @last_user = OLD.id")
            .into(),
    ]
}

/// What comparing the first models and `objects` with the database generates.
async fn generate_with(db: &TestDatabase, objects: &[SchemaObject]) -> autogenerate::Autogenerated {
    let schema = db.schema().await;
    autogenerate::compare_with_objects(&first_models(), objects, &schema, database(db.kind))
        .unwrap_or_else(|e| panic!("{e}"))
        .migration(&[])
}

/// The views', functions' and triggers' part of a schema; view queries only where the database
/// keeps them as written (SQLite).
fn objects_of(schema: &Schema, kind: Kind) -> String {
    let views: Vec<String> = schema
        .views
        .iter()
        .map(|view| if kind == Kind::Sqlite { format!("{view:?}") } else { view.name.clone() })
        .collect();
    format!("{views:?}\n{:?}\n{:?}", schema.functions, schema.triggers)
}

async fn declared_views_functions_and_triggers_are_created_and_read_back_as_declared(db: Arc<TestDatabase>) {
    apply(&db, &generate(&db, &first_models(), &[]).await.upgrade).await;
    let before = db.schema().await;
    let generated = generate_with(&db, &objects(false)).await;
    let mut expected = Vec::new();
    if db.kind == Kind::Postgres {
        expected.push("add function \"after_user\" () -> trigger");
    }
    if db.kind != Kind::Sqlite {
        expected.push("add function \"plus_one\" (x integer) -> integer");
    }
    expected.extend([
        "add view \"scored_users\"",
        "add trigger \"users_after_insert\" AFTER INSERT ON \"users\"",
        "add trigger \"users_after_delete\" AFTER DELETE ON \"users\"",
    ]);
    assert_eq!(generated.to_string(), expected.join("\n"));
    apply(&db, &generated.upgrade).await;
    let again = generate_with(&db, &objects(false)).await;
    assert!(again.is_empty(), "after creating them:\n{again}");
    let declared = Schema::declared_objects(&objects(false), database(db.kind));
    assert_eq!(objects_of(&db.schema().await, db.kind), objects_of(&declared, db.kind));

    // The trigger runs.
    db.execute("INSERT INTO users (email, mood) VALUES ('a@example.com', 'happy')").await;

    apply(&db, &generated.downgrade).await;
    let diff = before.diff(&db.schema().await);
    assert!(diff.is_empty(), "the downgrade restores the schema:\n{diff}");
}

async fn a_changed_trigger_is_recreated_and_a_removed_one_dropped_and_put_back(db: Arc<TestDatabase>) {
    apply(&db, &generate(&db, &first_models(), &[]).await.upgrade).await;
    apply(&db, &generate_with(&db, &objects(false)).await.upgrade).await;

    let changed = generate_with(&db, &objects(true)).await;
    let expected = match db.kind {
        Kind::Postgres => "change function \"after_user\" () -> trigger",
        _ => "change trigger \"users_after_insert\" AFTER INSERT ON \"users\"",
    };
    assert_eq!(changed.to_string(), expected);
    let before = db.schema().await;
    apply(&db, &changed.upgrade).await;
    let again = generate_with(&db, &objects(true)).await;
    assert!(again.is_empty(), "after the change:\n{again}");
    apply(&db, &changed.downgrade).await;
    let diff = before.diff(&db.schema().await);
    assert!(diff.is_empty(), "the downgrade puts the old one back:\n{diff}");

    // Only the view left declared: the functions and triggers, kinds declared none of, stay.
    let removed = generate_with(&db, &objects(false)[..1]).await;
    assert!(removed.to_string().is_empty(), "kinds declared none of are left alone:\n{removed}");
    let without_after_delete = &objects(false)[..4];
    let removed = generate_with(&db, without_after_delete).await;
    assert_eq!(removed.to_string(), "drop trigger \"users_after_delete\" AFTER DELETE ON \"users\"");
    apply(&db, &removed.upgrade).await;
    assert!(db.schema().await.trigger("users_after_delete").is_none());
    apply(&db, &removed.downgrade).await;
    let diff = before.diff(&db.schema().await);
    assert!(diff.is_empty(), "the downgrade recreates the trigger:\n{diff}");
}

on_every_database!(
    declared_views_functions_and_triggers_are_created_and_read_back_as_declared,
    a_changed_trigger_is_recreated_and_a_removed_one_dropped_and_put_back,
    a_generated_migration_makes_the_database_match_the_models,
    a_round_of_changes_applies_and_its_downgrade_restores_the_schema,
    tables_no_model_declares_are_dropped_and_come_back_with_the_downgrade,
);
