//! SQLite.

mod batch;

use super::{
    Database, Dialect, ForeignKeySwitch, LivePart, LiveTable, RunLock, quote_string, quote_with, standard,
};
use std::time::Duration;

use crate::connection::Connection;
use crate::error::{Error, Result};
use crate::ops::{AddColumn, Operation};
use crate::schema::{Column, Constraint, ServerDefault, Type, Value};

/// The keywords that start a clause of a column definition in SQLite's `CREATE TABLE` text.
pub(crate) const CLAUSE_STARTS: &[&str] = &[
    "CONSTRAINT",
    "PRIMARY",
    "NOT",
    "NULL",
    "UNIQUE",
    "CHECK",
    "DEFAULT",
    "COLLATE",
    "REFERENCES",
    "GENERATED",
    "AS",
];

/// SQLite: transactional DDL; the run holds the database's write lock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SqliteDialect;

impl Dialect for SqliteDialect {
    fn quote_identifier(&self, identifier: &str) -> String {
        quote_with(identifier, '"')
    }

    fn integer_type(&self) -> &'static str {
        "INTEGER"
    }

    fn transactional_ddl(&self) -> bool {
        true
    }

    fn in_process(&self) -> bool {
        true
    }

    fn run_lock(&self, _key: &str) -> RunLock {
        RunLock::WriteTransaction
    }

    fn identity_primary_key(&self) -> &'static str {
        "INTEGER PRIMARY KEY AUTOINCREMENT"
    }

    fn written_at_column(&self) -> &'static str {
        "TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))"
    }

    fn database(&self) -> Database {
        Database::Sqlite
    }

    fn boolean_literals(&self) -> [&'static str; 2] {
        ["0", "1"]
    }

    fn column_type(&self, column_type: &Type) -> String {
        match column_type {
            Type::SmallInt => "SMALLINT".to_owned(),
            Type::Integer => "INTEGER".to_owned(),
            Type::BigInt => "BIGINT".to_owned(),
            Type::Text | Type::Json | Type::Enum { .. } => "TEXT".to_owned(),
            Type::Varchar(length) => format!("VARCHAR({length})"),
            Type::Boolean => "BOOLEAN".to_owned(),
            Type::Numeric { precision, scale } => format!("NUMERIC({precision}, {scale})"),
            Type::Float => "FLOAT".to_owned(),
            Type::Double => "DOUBLE".to_owned(),
            Type::Date => "DATE".to_owned(),
            Type::Time => "TIME".to_owned(),
            Type::Timestamp { with_time_zone: false } => "TIMESTAMP".to_owned(),
            Type::Timestamp { with_time_zone: true } => "TIMESTAMP WITH TIME ZONE".to_owned(),
            Type::Uuid => "CHAR(36)".to_owned(),
            Type::Binary => "BLOB".to_owned(),
        }
    }

    fn render_valid(&self, operation: &Operation, live: Option<&LiveTable>) -> Result<Vec<String>> {
        if self.live_table_needed(operation).is_some() {
            let Some(live) = live else {
                return Err(Error::UnsupportedOperation {
                    operation: operation.describe(),
                    database: self.name(),
                    reason: "SQLite can't make this change in place: batch mode rebuilds the table from its \
                             live definition, which only a connection to the database can read"
                        .to_owned(),
                });
            };
            return batch::rebuild(self, operation, live);
        }
        Ok(match operation {
            Operation::CreateTable(op) => {
                vec![standard::create_table(self, op, &|column| self.column_definition(column, None), "")]
            }
            Operation::DropTable(op) => vec![standard::drop_table(self, op)],
            Operation::RenameTable(op) => vec![standard::rename_table(self, op)],
            Operation::AddColumn(op) => vec![self.add_column_in_place(op)],
            Operation::AlterColumn(op) => match &op.new_name {
                // Only a rename: SQLite renames in place, in indexes, triggers and views too.
                Some(new_name) => vec![standard::rename_column(self, &op.table, &op.column, new_name)],
                None => Vec::new(),
            },
            // Built the usual way: SQLite never blocks readers of other connections for long.
            Operation::CreateIndex(op) => vec![standard::create_index(self, op, false)],
            Operation::DropIndex(op) => vec![format!(
                "DROP INDEX {}{}",
                if op.if_exists { "IF EXISTS " } else { "" },
                self.quote_identifier(&op.name)
            )],
            Operation::BulkInsert(op) => standard::insert(self, op),
            Operation::DropEnum(_) | Operation::CreateEnum(_) | Operation::AddEnumValue(_) => Vec::new(),
            // Constraints are checked when added; SQLite's lock wait is the connection's busy
            // timeout, and it has no statement timeout.
            Operation::ValidateConstraint(_) | Operation::SetTimeout(_) => Vec::new(),
            // Nothing inside needs a rebuild: each change is made in place, in order.
            Operation::BatchAlterTable(batch) => {
                let mut statements = Vec::new();
                for change in &batch.operations {
                    statements.extend(self.render_valid(change, None)?);
                }
                statements
            }
            Operation::CreateView(op) => standard::create_view(self, op, false),
            Operation::DropView(op) => vec![standard::drop_view(self, op)],
            Operation::CreateFunction(_) | Operation::DropFunction(_) => {
                return Err(Error::UnsupportedOperation {
                    operation: operation.describe(),
                    database: self.name(),
                    reason: "SQLite has no stored functions: write the logic in a trigger's body \
                             (Trigger::on(Database::Sqlite, ..)), or record the function only in \
                             migrations for PostgreSQL and MariaDB"
                        .to_owned(),
                });
            }
            Operation::CreateTrigger(op) => {
                vec![standard::create_trigger_with_body(self, operation, &op.trigger)?]
            }
            Operation::DropTrigger(op) => vec![standard::drop_trigger(self, op)],
            _ => standard::raw(self, operation),
        })
    }

    fn live_table_needed<'o>(&self, operation: &'o Operation) -> Option<&'o str> {
        let rebuilds = match operation {
            // One rebuild for every change inside, when one of them needs it.
            Operation::BatchAlterTable(batch) => {
                batch.operations.iter().any(|change| self.live_table_needed(change).is_some())
            }
            Operation::AddColumn(op) => op.if_not_exists || !adds_in_place(&op.column),
            Operation::AlterColumn(op) => {
                op.new_type.is_some() || op.new_nullable.is_some() || op.new_server_default.is_some()
            }
            Operation::DropColumn(_) | Operation::AddConstraint(_) | Operation::DropConstraint(_) => true,
            _ => false,
        };
        rebuilds.then(|| operation.table()).flatten()
    }

    fn live_table_queries(&self, table: &str) -> Vec<(LivePart, String)> {
        let name = quote_string(table);
        vec![
            (
                LivePart::Definition,
                format!("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name = {name}"),
            ),
            (
                LivePart::Indexes,
                format!(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = {name} AND sql IS NOT NULL ORDER BY name"
                ),
            ),
            (
                LivePart::IndexColumns,
                format!(
                    "SELECT list.name, COALESCE(info.name, '') FROM pragma_index_list({name}) AS list, \
                     pragma_index_info(list.name) AS info"
                ),
            ),
            (
                LivePart::Triggers,
                format!(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = {name} ORDER BY name"
                ),
            ),
        ]
    }

    fn foreign_key_switch(&self) -> Option<ForeignKeySwitch> {
        Some(ForeignKeySwitch {
            read: "PRAGMA foreign_keys",
            off: "PRAGMA foreign_keys = OFF",
            on: "PRAGMA foreign_keys = ON",
            violations: "SELECT \"table\" || ' row ' || COALESCE(rowid, '?') || ' refers to a missing row of ' || parent \
                         FROM pragma_foreign_key_check",
        })
    }
}

impl SqliteDialect {
    /// `"name" TYPE [NOT NULL] [DEFAULT ..] [CONSTRAINT "enum" CHECK (..)] [CONSTRAINT .. REFERENCES ..]`;
    /// references inline only when adding a column to `table`.
    fn column_definition(&self, column: &Column, table: Option<&str>) -> String {
        let name = self.quote_identifier(&column.name);
        // An integer primary key numbers rows only when declared exactly INTEGER (the rowid).
        let column_type =
            if column.auto_increment { "INTEGER".to_owned() } else { self.column_type(&column.column_type) };
        let mut sql = format!("{name} {column_type}{}", standard::nullability_and_default(self, column));
        if let Some(check) = self.enum_check(&column.name, &column.column_type) {
            sql.push(' ');
            sql.push_str(&check);
        }
        if let Some(table) = table {
            for constraint in column.constraints(table) {
                if let Constraint::ForeignKey(foreign_key) = constraint {
                    let references = standard::references(self, &foreign_key);
                    sql.push_str(&format!(
                        " CONSTRAINT {} {references}",
                        self.quote_identifier(&foreign_key.name)
                    ));
                }
            }
        }
        sql
    }

    /// An enum column's check, named after the enum so that a change of type can find it:
    /// `CONSTRAINT "mood" CHECK ("column" IN ('a', 'b'))`.
    fn enum_check(&self, column: &str, column_type: &Type) -> Option<String> {
        let Type::Enum { name, variants } = column_type else { return None };
        let variants: Vec<String> = variants.iter().map(|variant| quote_string(variant)).collect();
        Some(format!(
            "CONSTRAINT {} CHECK ({} IN ({}))",
            self.quote_identifier(name),
            self.quote_identifier(column),
            variants.join(", ")
        ))
    }

    fn add_column_in_place(&self, op: &AddColumn) -> String {
        format!(
            "ALTER TABLE {} ADD COLUMN {}",
            self.quote_identifier(&op.table),
            self.column_definition(&op.column, Some(&op.table))
        )
    }
}

/// Takes SQLite's write lock for a run: `BEGIN IMMEDIATE`, waiting up to `timeout` for another
/// writer. It tries without waiting first so that a wait is logged, and puts the connection's own
/// busy timeout back afterwards, as the connection goes back to the application's pool.
pub(super) async fn begin_write_transaction(connection: &mut Connection, timeout: Duration) -> Result<()> {
    let setting = |source| Error::Database { doing: "setting the lock timeout".to_owned(), cause: source };
    let previous = connection.fetch_integer("PRAGMA busy_timeout").await.map_err(setting)?;
    connection.run_sql("PRAGMA busy_timeout = 0").await.map_err(setting)?;
    let mut taken = connection.run_sql("BEGIN IMMEDIATE").await;
    if taken.as_ref().is_err_and(is_busy) {
        tracing::info!(database = "SQLite", "another migration run holds the lock; waiting");
        connection
            .run_sql(&format!("PRAGMA busy_timeout = {}", timeout.as_millis()))
            .await
            .map_err(setting)?;
        taken = connection.run_sql("BEGIN IMMEDIATE").await;
    }
    connection.run_sql(&format!("PRAGMA busy_timeout = {previous}")).await.map_err(setting)?;
    taken.map_err(|source| {
        if is_busy(&source) {
            Error::LockTimeout { database: "SQLite", waited: timeout }
        } else {
            Error::Database { doing: "taking the write lock".to_owned(), cause: source }
        }
    })
}

/// Whether SQLite refused because another connection holds the lock.
fn is_busy(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(error) if error.message().contains("locked"))
}

/// Whether `ALTER TABLE .. ADD COLUMN` can add the column: SQLite refuses unique columns,
/// defaults that aren't constants, NOT NULL without a default, and references with a default.
fn adds_in_place(column: &Column) -> bool {
    let constant_default = match &column.server_default {
        None | Some(ServerDefault::Value(Value::Null)) => column.nullable,
        Some(ServerDefault::Value(_)) => column.references.is_none(),
        Some(_) => false,
    };
    !column.unique && !column.primary_key && constant_default
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::Operations;
    use crate::schema::ReferentialAction;

    fn render(record: impl FnOnce(&mut Operations)) -> Vec<String> {
        let mut op = Operations::new();
        record(&mut op);
        op.recorded().iter().flat_map(|operation| SqliteDialect.render(operation, None).unwrap()).collect()
    }

    #[test]
    fn a_view_is_replaced_by_dropping_it_first_and_a_trigger_takes_its_body() {
        use crate::schema::{Trigger, TriggerEvent, TriggerTiming};
        let sql = render(|op| {
            op.create_view("active", "SELECT id FROM users").or_replace();
            op.create_trigger(
                Trigger::new("users_touch", "users", TriggerTiming::After, TriggerEvent::Update)
                    .execute_function("touch")
                    .on(Database::Sqlite, "BEGIN UPDATE users SET n = n + 1 WHERE id = NEW.id; END"),
            );
        });
        assert_eq!(
            sql,
            [
                "DROP VIEW IF EXISTS \"active\"",
                "CREATE VIEW \"active\" AS SELECT id FROM users",
                "CREATE TRIGGER \"users_touch\" AFTER UPDATE ON \"users\" FOR EACH ROW BEGIN UPDATE users SET n = n + 1 WHERE id = NEW.id; END",
            ]
        );
    }

    #[test]
    fn creating_a_function_on_sqlite_is_refused_saying_it_has_none() {
        use crate::schema::Function;
        let mut op = Operations::new();
        op.create_function(Function::new("f", "integer").on(Database::Postgres, "BEGIN RETURN 1; END"));
        let message = SqliteDialect.render(&op.recorded()[0], None).unwrap_err().to_string();
        assert!(message.contains("SQLite has no stored functions"), "{message}");
    }

    #[test]
    fn create_table_renders_columns_then_key_then_named_constraints() {
        let sql = render(|op| {
            op.create_table("users", |t| {
                t.column("id", Type::BigInt).primary_key().auto_increment();
                t.column("email", Type::Varchar(255)).not_null().unique();
                t.column("org_id", Type::BigInt)
                    .references("orgs", "id")
                    .on_delete(ReferentialAction::Cascade);
                t.column("created_at", Type::Timestamp { with_time_zone: true })
                    .server_default(ServerDefault::CurrentTimestamp);
                t.check("email_has_at", "email LIKE '%@%'");
            });
        });
        assert_eq!(
            sql,
            [
                "CREATE TABLE \"users\" (\"id\" INTEGER NOT NULL, \"email\" VARCHAR(255) NOT NULL, \"org_id\" BIGINT, \
                 \"created_at\" TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP, PRIMARY KEY (\"id\"), \
                 CONSTRAINT \"email_has_at\" CHECK (email LIKE '%@%'), CONSTRAINT \"users_email_key\" UNIQUE (\"email\"), \
                 CONSTRAINT \"users_org_id_fkey\" FOREIGN KEY (\"org_id\") REFERENCES \"orgs\" (\"id\") ON DELETE CASCADE)"
            ]
        );
    }

    #[test]
    fn an_enum_is_text_with_a_check_named_after_the_enum() {
        let sql = render(|op| {
            op.add_column("people", "mood", Type::enumeration("mood", ["happy", "it's complicated"]));
        });
        assert_eq!(
            sql,
            [
                "ALTER TABLE \"people\" ADD COLUMN \"mood\" TEXT CONSTRAINT \"mood\" CHECK (\"mood\" IN ('happy', 'it''s complicated'))"
            ]
        );
    }

    #[test]
    fn values_are_literals_with_quotes_doubled() {
        let sql = render(|op| {
            op.bulk_insert(
                "t",
                ["a", "b", "c", "d"],
                [vec![Value::from("O'Hara"), Value::Binary(vec![0, 255]), Value::Boolean(true), Value::Null]],
            );
        });
        assert_eq!(
            sql,
            ["INSERT INTO \"t\" (\"a\", \"b\", \"c\", \"d\") VALUES ('O''Hara', X'00ff', 1, NULL)"]
        );
    }

    #[test]
    fn a_change_sqlite_cant_make_in_place_needs_the_live_table() {
        let mut op = Operations::new();
        op.alter_column("users", "email").set_nullable(false);
        let error = SqliteDialect.render(&op.recorded()[0], None).unwrap_err();
        assert!(error.to_string().contains("batch mode rebuilds the table"), "{error}");
        assert_eq!(SqliteDialect.live_table_needed(&op.recorded()[0]), Some("users"));
    }
}
