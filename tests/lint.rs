//! The safety lint: every rule tripped by a migration written the dangerous way, and passed by the
//! safe form, on each database it concerns; the acknowledgement; the cut-off revision. Then the
//! operations the safe forms need (`NOT VALID`, `validate_constraint`, timeouts) run on the real
//! databases.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{Kind, TestDatabase, migrator};
use migrate::prelude::*;
use migrate::{Rule, lint};

const EVERY_DATABASE: [Database; 3] = [Database::Postgres, Database::MySql, Database::Sqlite];

fn migration(revision: &str) -> &'static Migration {
    Migration::registered()
        .into_iter()
        .find(|migration| migration.revision() == revision)
        .unwrap_or_else(|| panic!("no migration {revision}"))
}

/// The databases on which the migrations `revisions` (linted together) trip `rule`.
fn trips(revisions: &[&str], rule: &str) -> Vec<Database> {
    let migrations: Vec<&'static Migration> = revisions.iter().map(|revision| migration(revision)).collect();
    let report = lint(&migrations, &EVERY_DATABASE, None).unwrap_or_else(|e| panic!("{e}"));
    let mut databases: Vec<Database> = report
        .findings()
        .iter()
        .filter(|finding| finding.rule.name() == rule && revisions.last() == Some(&finding.revision))
        .map(|finding| finding.database)
        .collect();
    databases.dedup();
    databases
}

/// The rules the migration trips on any database.
fn all_rules(revision: &str) -> Vec<&'static str> {
    let report = lint(&[migration(revision)], &EVERY_DATABASE, None).unwrap_or_else(|e| panic!("{e}"));
    let mut rules: Vec<&'static str> = report.findings().iter().map(|finding| finding.rule.name()).collect();
    rules.sort();
    rules.dedup();
    rules
}

// ---- 1. indexes ----

#[migration(revision = "lix_bad", down_revision = None)]
fn lix_bad(op: &mut Operations) {
    op.set_lock_timeout(Duration::from_secs(5));
    op.create_index("users_email", "users", ["email"]);
}

#[migration(revision = "lix_ok", down_revision = None, transaction = false)]
fn lix_ok(op: &mut Operations) {
    op.set_lock_timeout(Duration::from_secs(5));
    op.create_index("users_email", "users", ["email"]).concurrently().if_not_exists();
}

#[migration(revision = "lix_tx", down_revision = None)]
fn lix_tx(op: &mut Operations) {
    op.set_lock_timeout(Duration::from_secs(5));
    op.create_index("users_email", "users", ["email"]).concurrently();
}

#[migration(revision = "lix_raw", down_revision = None)]
fn lix_raw(op: &mut Operations) {
    op.execute("SET lock_timeout = '5s'");
    op.execute("CREATE INDEX users_email ON users (email)");
}

#[migration(revision = "lix_new", down_revision = None)]
fn lix_new(op: &mut Operations) {
    op.create_table("posts", |t| {
        t.column("id", Type::BigInt).primary_key();
        t.column("title", Type::Text);
    });
    op.create_index("posts_title", "posts", ["title"]);
}

#[test]
fn an_index_built_without_concurrently_on_an_existing_table_trips_on_postgresql() {
    assert_eq!(trips(&["lix_bad"], "index-without-concurrently"), [Database::Postgres]);
    assert_eq!(all_rules("lix_ok"), Vec::<&str>::new());
}

#[test]
fn concurrently_inside_a_transaction_trips_on_postgresql() {
    assert_eq!(trips(&["lix_tx"], "concurrently-in-transaction"), [Database::Postgres]);
}

#[test]
fn raw_sql_is_linted_as_parsed_sql() {
    assert_eq!(trips(&["lix_raw"], "index-without-concurrently"), [Database::Postgres]);
    assert_eq!(trips(&["lix_raw"], "missing-lock-timeout"), Vec::<Database>::new());
}

#[test]
fn changes_to_a_table_created_in_the_same_migration_are_safe() {
    assert_eq!(all_rules("lix_new"), Vec::<&str>::new());
}

// ---- 2. constraints ----

#[migration(revision = "lfk_bad", down_revision = None)]
fn lfk_bad(op: &mut Operations) {
    op.set_lock_timeout(Duration::from_secs(5));
    op.create_foreign_key("orders_user", "orders", ["user_id"], "users", ["id"]);
}

#[migration(revision = "lfk_ok", down_revision = None)]
fn lfk_ok(op: &mut Operations) {
    op.set_lock_timeout(Duration::from_secs(5));
    op.execute_on(Database::MySql, "SET foreign_key_checks = 0");
    op.create_foreign_key_not_valid("orders_user", "orders", ["user_id"], "users", ["id"]);
    op.create_check_not_valid("orders_total", "orders", "total >= 0");
}

#[migration(revision = "lfk_validate", down_revision = "lfk_ok")]
fn lfk_validate(op: &mut Operations) {
    op.set_lock_timeout(Duration::from_secs(5));
    op.validate_constraint("orders_user", "orders");
}

#[migration(revision = "lfk_same", down_revision = None)]
fn lfk_same(op: &mut Operations) {
    op.set_lock_timeout(Duration::from_secs(5));
    op.create_check_not_valid("orders_total", "orders", "total >= 0");
    op.validate_constraint("orders_total", "orders");
}

#[test]
fn a_foreign_key_added_to_an_existing_table_trips_on_every_database_its_own_way() {
    assert_eq!(trips(&["lfk_bad"], "constraint-without-not-valid"), [Database::Postgres]);
    assert_eq!(trips(&["lfk_bad"], "mysql-table-copy"), [Database::MySql]);
    assert_eq!(trips(&["lfk_bad"], "sqlite-table-rebuild"), [Database::Sqlite]);
}

#[test]
fn not_valid_then_validate_in_a_later_migration_passes() {
    assert_eq!(trips(&["lfk_ok"], "constraint-without-not-valid"), Vec::<Database>::new());
    assert_eq!(trips(&["lfk_ok"], "mysql-table-copy"), Vec::<Database>::new());
    assert_eq!(trips(&["lfk_ok", "lfk_validate"], "constraint-without-not-valid"), Vec::<Database>::new());
}

#[test]
fn validating_in_the_migration_that_adds_the_constraint_trips() {
    assert_eq!(trips(&["lfk_same"], "constraint-without-not-valid"), [Database::Postgres]);
}

// ---- 3. NOT NULL ----

#[migration(revision = "lnn_bad", down_revision = None)]
fn lnn_bad(op: &mut Operations) {
    op.set_lock_timeout(Duration::from_secs(5));
    op.add_column("users", "age", Type::Integer).not_null();
}

#[migration(revision = "lnn_ok", down_revision = None)]
fn lnn_ok(op: &mut Operations) {
    op.set_lock_timeout(Duration::from_secs(5));
    op.add_column("users", "age", Type::Integer).not_null().server_default(0);
}

#[migration(revision = "lsnn_bad", down_revision = None)]
fn lsnn_bad(op: &mut Operations) {
    op.set_lock_timeout(Duration::from_secs(5));
    op.alter_column("users", "email").set_nullable(false);
}

#[migration(revision = "lsnn_check", down_revision = None)]
fn lsnn_check(op: &mut Operations) {
    op.set_lock_timeout(Duration::from_secs(5));
    op.create_check_not_valid("users_email_not_null", "users", "email IS NOT NULL");
}

#[migration(revision = "lsnn_ok", down_revision = "lsnn_check")]
fn lsnn_ok(op: &mut Operations) {
    op.set_lock_timeout(Duration::from_secs(5));
    op.alter_column("users", "email").set_nullable(false);
    op.drop_check("users_email_not_null", "users");
}

#[test]
fn a_not_null_column_without_a_default_trips_everywhere_and_with_one_passes() {
    assert_eq!(trips(&["lnn_bad"], "not-null-without-default"), EVERY_DATABASE);
    assert_eq!(trips(&["lnn_ok"], "not-null-without-default"), Vec::<Database>::new());
    assert_eq!(trips(&["lnn_ok"], "missing-lock-timeout"), Vec::<Database>::new());
}

#[test]
fn set_not_null_trips_on_postgresql_unless_a_check_proves_it() {
    assert_eq!(trips(&["lsnn_bad"], "set-not-null"), [Database::Postgres]);
    assert_eq!(trips(&["lsnn_check", "lsnn_ok"], "set-not-null"), Vec::<Database>::new());
}

// ---- 4. type changes ----

#[migration(revision = "lty_bad", down_revision = None)]
fn lty_bad(op: &mut Operations) {
    op.set_lock_timeout(Duration::from_secs(5));
    op.alter_column("users", "age").set_type(Type::BigInt);
}

#[migration(revision = "lty_ok", down_revision = None)]
fn lty_ok(op: &mut Operations) {
    op.set_lock_timeout(Duration::from_secs(5));
    op.alter_column("users", "name").set_type(Type::Varchar(200)).existing_type(Type::Varchar(100));
}

#[test]
fn a_type_change_that_rewrites_trips_and_a_widening_passes() {
    assert_eq!(trips(&["lty_bad"], "column-type-change"), [Database::Postgres, Database::MySql]);
    assert_eq!(trips(&["lty_ok"], "column-type-change"), Vec::<Database>::new());
}

// ---- 5, 6. drops and renames; the acknowledgement ----

#[migration(revision = "ldrop_bad", down_revision = None)]
fn ldrop_bad(op: &mut Operations) {
    op.set_lock_timeout(Duration::from_secs(5));
    op.drop_column("users", "nickname");
    op.drop_table("sessions");
}

#[migration(revision = "ldrop_ok", down_revision = None, allow = ["drop-column", "drop-table", "sqlite-table-rebuild"])]
fn ldrop_ok(op: &mut Operations) {
    op.set_lock_timeout(Duration::from_secs(5));
    op.drop_column("users", "nickname");
    op.drop_table("sessions");
}

#[migration(revision = "lren_bad", down_revision = None)]
fn lren_bad(op: &mut Operations) {
    op.set_lock_timeout(Duration::from_secs(5));
    op.alter_column("users", "name").rename_to("full_name");
    op.rename_table("sessions", "logins");
}

#[test]
fn drops_trip_everywhere() {
    assert_eq!(trips(&["ldrop_bad"], "drop-column"), EVERY_DATABASE);
    assert_eq!(trips(&["ldrop_bad"], "drop-table"), EVERY_DATABASE);
}

#[test]
fn an_acknowledged_rule_is_not_reported_for_that_migration() {
    assert_eq!(
        migration("ldrop_ok").allowed_lints().collect::<Vec<_>>(),
        ["drop-column", "drop-table", "sqlite-table-rebuild"]
    );
    assert_eq!(all_rules("ldrop_ok"), Vec::<&str>::new());
}

#[test]
fn renames_trip_everywhere() {
    assert_eq!(trips(&["lren_bad"], "rename-column"), EVERY_DATABASE);
    assert_eq!(trips(&["lren_bad"], "rename-table"), EVERY_DATABASE);
}

// ---- 7. unique ----

#[migration(revision = "luq_bad", down_revision = None)]
fn luq_bad(op: &mut Operations) {
    op.set_lock_timeout(Duration::from_secs(5));
    op.create_unique("users_email_key", "users", ["email"]);
}

#[migration(revision = "luq_ok", down_revision = None, transaction = false)]
fn luq_ok(op: &mut Operations) {
    op.set_lock_timeout(Duration::from_secs(5));
    op.create_index("users_email_key", "users", ["email"]).unique().concurrently().if_not_exists();
}

#[test]
fn a_unique_constraint_trips_on_postgresql_and_a_concurrent_unique_index_passes() {
    assert_eq!(trips(&["luq_bad"], "add-unique-constraint"), [Database::Postgres]);
    assert_eq!(all_rules("luq_ok"), Vec::<&str>::new());
}

// ---- 8. timeouts ----

#[migration(revision = "lto_bad", down_revision = None)]
fn lto_bad(op: &mut Operations) {
    op.add_column("users", "bio", Type::Text);
    op.set_lock_timeout(Duration::from_secs(5));
}

#[migration(revision = "lto_ok", down_revision = None)]
fn lto_ok(op: &mut Operations) {
    op.set_lock_timeout(Duration::from_secs(5));
    op.set_statement_timeout(Duration::from_secs(60));
    op.add_column("users", "bio", Type::Text);
}

#[test]
fn a_strong_lock_without_a_lock_timeout_first_trips_on_postgresql_and_mysql() {
    assert_eq!(trips(&["lto_bad"], "missing-lock-timeout"), [Database::Postgres, Database::MySql]);
    assert_eq!(all_rules("lto_ok"), Vec::<&str>::new());
}

// ---- 9. rewrites ----

#[migration(revision = "lvol_bad", down_revision = None)]
fn lvol_bad(op: &mut Operations) {
    op.set_lock_timeout(Duration::from_secs(5));
    op.add_column("users", "token", Type::Uuid)
        .server_default(ServerDefault::Expression("gen_random_uuid()".into()));
}

#[migration(revision = "lvol_ok", down_revision = None)]
fn lvol_ok(op: &mut Operations) {
    op.set_lock_timeout(Duration::from_secs(5));
    op.add_column("users", "created", Type::Timestamp { with_time_zone: true })
        .server_default(ServerDefault::CurrentTimestamp);
}

#[migration(revision = "lser_bad", down_revision = None)]
fn lser_bad(op: &mut Operations) {
    op.set_lock_timeout(Duration::from_secs(5));
    op.execute_on(Database::Postgres, "ALTER TABLE users ADD COLUMN number BIGSERIAL")
        .on(Database::MySql, "ALTER TABLE users ADD COLUMN number BIGINT AUTO_INCREMENT UNIQUE");
}

#[migration(revision = "lgen_bad", down_revision = None)]
fn lgen_bad(op: &mut Operations) {
    op.set_lock_timeout(Duration::from_secs(5));
    op.execute("ALTER TABLE users ADD COLUMN total_cents BIGINT GENERATED ALWAYS AS (total * 100) STORED");
}

#[migration(revision = "lgen_ok", down_revision = None)]
fn lgen_ok(op: &mut Operations) {
    op.set_lock_timeout(Duration::from_secs(5));
    op.execute_on(
        Database::MySql,
        "ALTER TABLE users ADD COLUMN total_cents BIGINT GENERATED ALWAYS AS (total * 100) VIRTUAL",
    );
}

#[migration(revision = "lcopy_bad", down_revision = None)]
fn lcopy_bad(op: &mut Operations) {
    op.set_lock_timeout(Duration::from_secs(5));
    op.execute_on(Database::MySql, "ALTER TABLE users ADD COLUMN bio TEXT, ALGORITHM=COPY");
}

#[test]
fn a_volatile_default_trips_on_postgresql_and_a_stable_one_passes() {
    assert_eq!(trips(&["lvol_bad"], "volatile-default"), [Database::Postgres]);
    assert_eq!(trips(&["lvol_ok"], "volatile-default"), Vec::<Database>::new());
    // SQLite can't add a column with a non-constant default in place.
    assert_eq!(all_rules("lvol_ok"), ["sqlite-table-rebuild"]);
}

#[test]
fn an_added_serial_or_auto_increment_column_trips() {
    assert_eq!(trips(&["lser_bad"], "add-auto-increment-column"), [Database::Postgres, Database::MySql]);
}

#[test]
fn a_stored_generated_column_trips_and_a_virtual_one_passes() {
    assert_eq!(trips(&["lgen_bad"], "add-stored-generated-column"), [Database::Postgres, Database::MySql]);
    assert_eq!(all_rules("lgen_ok"), Vec::<&str>::new());
}

#[test]
fn an_alter_that_asks_for_a_table_copy_trips_on_mysql() {
    assert_eq!(trips(&["lcopy_bad"], "mysql-table-copy"), [Database::MySql]);
}

// ---- 10. retries and reversal ----

#[migration(revision = "lbf_bad", down_revision = None, downgrade = lbf_down)]
fn lbf_bad(op: &mut Operations) {
    op.set_lock_timeout(Duration::from_secs(5));
    op.add_column("users", "plan", Type::Text);
    op.execute("UPDATE users SET plan = 'free'");
}
fn lbf_down(op: &mut Operations) {
    op.drop_column("users", "plan");
}

#[migration(revision = "lidem_bad", down_revision = None, transaction = false)]
fn lidem_bad(op: &mut Operations) {
    op.set_lock_timeout(Duration::from_secs(5));
    op.add_column("users", "bio", Type::Text);
}

#[migration(revision = "lidem_ok", down_revision = None, transaction = false)]
fn lidem_ok(op: &mut Operations) {
    op.set_lock_timeout(Duration::from_secs(5));
    op.add_column_if_not_exists("users", "bio", Type::Text);
}

#[migration(revision = "ldata_bad", down_revision = None)]
fn ldata_bad(op: &mut Operations) {
    op.bulk_insert("plans", ["name"], [["free"], ["pro"]]);
}

#[migration(revision = "ldata_ok", down_revision = None, downgrade = ldata_down)]
fn ldata_ok(op: &mut Operations) {
    op.bulk_insert("plans", ["name"], [["free"], ["pro"]]);
}
fn ldata_down(op: &mut Operations) {
    op.execute("DELETE FROM plans WHERE name IN ('free', 'pro')");
}

#[test]
fn a_backfill_in_the_migration_that_changes_the_table_trips_everywhere() {
    assert_eq!(trips(&["lbf_bad"], "backfill-with-ddl"), EVERY_DATABASE);
}

#[test]
fn ddl_without_if_not_exists_outside_a_transaction_trips_and_the_idempotent_form_passes() {
    assert_eq!(trips(&["lidem_bad"], "non-idempotent-ddl"), EVERY_DATABASE);
    assert_eq!(trips(&["lidem_ok"], "non-idempotent-ddl"), Vec::<Database>::new());
}

#[test]
fn a_data_migration_without_a_downgrade_trips_and_with_one_passes() {
    assert_eq!(trips(&["ldata_bad"], "data-migration-without-downgrade"), EVERY_DATABASE);
    assert_eq!(all_rules("ldata_ok"), Vec::<&str>::new());
}

// ---- 11. SQLite rebuilds ----

#[migration(revision = "lsq_bad", down_revision = None)]
fn lsq_bad(op: &mut Operations) {
    op.set_lock_timeout(Duration::from_secs(5));
    op.alter_column("users", "bio").set_server_default("");
}

#[test]
fn a_change_sqlite_makes_by_rebuilding_trips_on_sqlite_and_an_added_column_passes() {
    assert_eq!(trips(&["lsq_bad"], "sqlite-table-rebuild"), [Database::Sqlite]);
    assert_eq!(all_rules("lto_ok"), Vec::<&str>::new());
}

// ---- the cut-off and the report ----

#[migration(revision = "lcut1", down_revision = None)]
fn lcut1(op: &mut Operations) {
    op.drop_table("legacy_one");
}

#[migration(revision = "lcut2", down_revision = "lcut1")]
fn lcut2(op: &mut Operations) {
    op.drop_table("legacy_two");
}

#[migration(revision = "lcut3", down_revision = "lcut2")]
fn lcut3(op: &mut Operations) {
    op.drop_table("legacy_three");
}

#[test]
fn only_migrations_newer_than_the_cut_off_are_linted() {
    let chain = [migration("lcut1"), migration("lcut2"), migration("lcut3")];
    let report = lint(&chain, &[Database::Sqlite], Some("lcut1")).unwrap_or_else(|e| panic!("{e}"));
    let revisions: Vec<&str> = report.findings().iter().map(|finding| finding.revision).collect();
    assert_eq!(revisions, ["lcut2", "lcut3"]);
    assert_eq!(report.linted(), 2);
    assert!(lint(&chain, &[Database::Sqlite], Some("nosuch")).is_err());
}

#[test]
fn the_report_names_each_migration_rule_database_and_fix() {
    let report = lint(&[migration("lcut2")], &EVERY_DATABASE, None).unwrap_or_else(|e| panic!("{e}"));
    let text = report.to_string();
    assert!(text.contains("lcut2 "), "{text}");
    assert!(text.contains("drop-table (PostgreSQL, MySQL, SQLite): drop_table \"legacy_two\""), "{text}");
    assert!(text.contains(&format!("why: {}", Rule::DropTable.why())), "{text}");
    assert!(text.contains(&format!("fix: {}", Rule::DropTable.fix())), "{text}");
}

// ---- the safe forms' operations on the real databases ----

#[migration(revision = "nv1", down_revision = None, downgrade = nv1_down)]
fn nv1(op: &mut Operations) {
    op.create_table("nv_users", |t| {
        t.column("id", Type::BigInt).primary_key();
    });
    op.create_table("nv_orders", |t| {
        t.column("id", Type::BigInt).primary_key();
        t.column("user_id", Type::BigInt);
        t.column("total", Type::Integer);
    });
    op.bulk_insert("nv_users", ["id"], [[1]]);
    op.bulk_insert("nv_orders", ["id", "user_id", "total"], [[1, 1, 5]]);
}
fn nv1_down(op: &mut Operations) {
    op.drop_table("nv_orders");
    op.drop_table("nv_users");
}

#[migration(revision = "nv2", down_revision = "nv1", downgrade = nv2_down)]
fn nv2(op: &mut Operations) {
    op.set_lock_timeout(Duration::from_millis(2500));
    op.set_statement_timeout(Duration::from_secs(60));
    op.batch_alter_table("nv_orders", |batch| {
        batch.create_check("nv_orders_total", "total >= 0");
    });
    op.create_foreign_key_not_valid("nv_orders_user", "nv_orders", ["user_id"], "nv_users", ["id"]);
}
fn nv2_down(op: &mut Operations) {
    op.drop_foreign_key("nv_orders_user", "nv_orders");
}

#[migration(revision = "nv3", down_revision = "nv2", downgrade = nv3_down)]
fn nv3(op: &mut Operations) {
    op.create_check_not_valid("nv_orders_positive", "nv_orders", "total > 0");
    op.validate_constraint("nv_orders_user", "nv_orders");
    op.validate_constraint("nv_orders_positive", "nv_orders");
}
fn nv3_down(op: &mut Operations) {
    op.drop_check("nv_orders_positive", "nv_orders");
}

async fn not_valid_constraints_validate_and_timeouts_apply(db: Arc<TestDatabase>) {
    let migrator = migrator("nv");
    migrator.upgrade(&db.pool, "nv2").await.unwrap_or_else(|e| panic!("{e}"));
    if db.kind == Kind::Postgres {
        let valid = "SELECT CAST(convalidated AS TEXT) FROM pg_constraint WHERE conname = 'nv_orders_user'";
        assert_eq!(db.texts(valid).await, [["false"]]);
    }
    migrator.upgrade(&db.pool, "head").await.unwrap_or_else(|e| panic!("{e}"));
    if db.kind == Kind::Postgres {
        let valid = "SELECT conname, CAST(convalidated AS TEXT) FROM pg_constraint WHERE conname LIKE 'nv_orders_%' AND contype IN ('f', 'c') ORDER BY conname";
        assert_eq!(
            db.texts(valid).await,
            [["nv_orders_positive", "true"], ["nv_orders_total", "true"], ["nv_orders_user", "true"]]
        );
    }
    db.execute("INSERT INTO nv_orders (id, user_id, total) VALUES (3, 1, 2)").await;
    if db.kind != Kind::Sqlite {
        // The foreign key holds: an order of no user is refused.
        let mut connection =
            migrate::MigratePool::migrate_connection(&db.pool).await.unwrap_or_else(|e| panic!("{e}"));
        let refused =
            connection.execute("INSERT INTO nv_orders (id, user_id, total) VALUES (2, 99, 1)").await;
        assert!(refused.is_err(), "an order of no user was accepted");
    }
    migrator.downgrade(&db.pool, "base").await.unwrap_or_else(|e| panic!("{e}"));
    assert!(!db.has_table("nv_orders").await);
}

#[test]
fn the_rendered_sql_of_the_safe_forms_is_what_each_database_takes() {
    let script = |database| migrator("nv").upgrade_sql(database, "head").unwrap_or_else(|e| panic!("{e}"));
    let postgres = script(Database::Postgres);
    assert!(postgres.contains("SET lock_timeout = '2500ms';"), "{postgres}");
    assert!(postgres.contains("SET statement_timeout = '60000ms';"), "{postgres}");
    assert!(postgres.contains("REFERENCES \"nv_users\" (\"id\") NOT VALID;"), "{postgres}");
    assert!(
        postgres.contains("ALTER TABLE \"nv_orders\" VALIDATE CONSTRAINT \"nv_orders_user\";"),
        "{postgres}"
    );
    assert!(postgres.contains("RESET lock_timeout;\nRESET statement_timeout;"), "{postgres}");
    let mysql = script(Database::MySql);
    assert!(mysql.contains("SET SESSION lock_wait_timeout = 3;"), "{mysql}");
    assert!(mysql.contains("SET SESSION lock_wait_timeout = DEFAULT;"), "{mysql}");
    assert!(!mysql.contains("NOT VALID") && !mysql.contains("VALIDATE"), "{mysql}");
}

on_every_database!(not_valid_constraints_validate_and_timeouts_apply);

/// The `lint` command: exit 3 on findings; 0 when the cut-off leaves nothing dangerous; 1 for a
/// cut-off that names no revision.
#[tokio::test]
async fn the_lint_command_exits_with_3_on_findings_and_0_past_the_cut_off() {
    let lint = |words: &[&'static str]| {
        let mut line = vec!["app", "--quiet", "lint"];
        line.extend_from_slice(words);
        migrate::cli::run_args(line)
    };
    assert_eq!(lint(&["--database", "pg"]).await, std::process::ExitCode::from(3));
    assert_eq!(lint(&["--database", "sqlite", "--since", "lcut3"]).await, std::process::ExitCode::SUCCESS);
    assert_eq!(lint(&["--database", "mysql", "--since", "nowhere"]).await, std::process::ExitCode::FAILURE);
}
