//! PostgreSQL.

use super::{Database, Dialect, LiveTable, RunLock, quote_string, quote_with, standard};
use crate::error::{Error, Result};
use crate::ops::{AlterColumn, Operation, Timeout};
use crate::schema::{Column, Type};

/// PostgreSQL: transactional DDL; the run holds a session advisory lock.
#[derive(Debug, Clone, Copy, Default)]
pub struct PostgresDialect;

impl Dialect for PostgresDialect {
    fn quote_identifier(&self, identifier: &str) -> String {
        quote_with(identifier, '"')
    }

    fn placeholder(&self, index: usize) -> String {
        format!("${index}")
    }

    fn transactional_ddl(&self) -> bool {
        true
    }

    fn run_lock(&self, key: &str) -> RunLock {
        // The lock key is derived from the version table's name, so runs on different version
        // tables in one database don't block each other.
        let key = lock_key(key);
        RunLock::Session {
            try_acquire: format!(
                "SELECT CASE WHEN pg_try_advisory_lock({key}) THEN 1::BIGINT ELSE 0::BIGINT END"
            ),
            release: format!("SELECT pg_advisory_unlock({key})"),
        }
    }

    fn database(&self) -> Database {
        Database::Postgres
    }

    fn reset_timeouts(&self) -> Vec<&'static str> {
        vec!["RESET lock_timeout", "RESET statement_timeout"]
    }

    fn binary_literal(&self, bytes: &[u8]) -> String {
        format!("'\\x{}'::bytea", standard::hex(bytes))
    }

    fn column_type(&self, column_type: &Type) -> String {
        match column_type {
            Type::SmallInt => "SMALLINT".to_owned(),
            Type::Integer => "INTEGER".to_owned(),
            Type::BigInt => "BIGINT".to_owned(),
            Type::Text => "TEXT".to_owned(),
            Type::Varchar(length) => format!("VARCHAR({length})"),
            Type::Boolean => "BOOLEAN".to_owned(),
            Type::Numeric { precision, scale } => format!("NUMERIC({precision}, {scale})"),
            Type::Float => "REAL".to_owned(),
            Type::Double => "DOUBLE PRECISION".to_owned(),
            Type::Date => "DATE".to_owned(),
            Type::Time => "TIME".to_owned(),
            Type::Timestamp { with_time_zone: false } => "TIMESTAMP".to_owned(),
            Type::Timestamp { with_time_zone: true } => "TIMESTAMP WITH TIME ZONE".to_owned(),
            Type::Uuid => "UUID".to_owned(),
            Type::Json => "JSONB".to_owned(),
            Type::Binary => "BYTEA".to_owned(),
            Type::Enum { name, .. } => self.quote_identifier(name),
        }
    }

    fn render_valid(&self, operation: &Operation, _live: Option<&LiveTable>) -> Result<Vec<String>> {
        let table = |name: &str| self.quote_identifier(name);
        Ok(match operation {
            Operation::CreateTable(op) => {
                let mut statements: Vec<String> = op
                    .table
                    .columns
                    .iter()
                    .filter_map(|column| self.create_enum(&column.column_type))
                    .collect();
                statements.push(standard::create_table(
                    self,
                    op,
                    &|column| self.column_definition(column),
                    "",
                ));
                if let Some(comment) = &op.table.comment {
                    statements.push(format!(
                        "COMMENT ON TABLE {} IS {}",
                        table(&op.table.name),
                        quote_string(comment)
                    ));
                }
                statements.extend(
                    op.table.columns.iter().filter_map(|column| self.column_comment(&op.table.name, column)),
                );
                statements
            }
            Operation::DropTable(op) => vec![standard::drop_table(self, op)],
            Operation::RenameTable(op) => vec![standard::rename_table(self, op)],
            Operation::AddColumn(op) => {
                let constraints = op.column.constraints(&op.table);
                if op.if_not_exists && !constraints.is_empty() {
                    return Err(Error::UnsupportedOperation {
                        operation: operation.describe(),
                        database: self.name(),
                        reason: "PostgreSQL can't add a constraint only if it is missing; add the column's \
                                 unique or references without if_not_exists"
                            .to_owned(),
                    });
                }
                let mut statements: Vec<String> =
                    self.create_enum(&op.column.column_type).into_iter().collect();
                let mut actions = vec![format!(
                    "ADD COLUMN {}{}",
                    if op.if_not_exists { "IF NOT EXISTS " } else { "" },
                    self.column_definition(&op.column)
                )];
                actions.extend(
                    constraints
                        .iter()
                        .map(|constraint| format!("ADD {}", standard::constraint(self, constraint))),
                );
                statements.push(format!("ALTER TABLE {} {}", table(&op.table), actions.join(", ")));
                statements.extend(self.column_comment(&op.table, &op.column));
                statements
            }
            Operation::DropColumn(op) => vec![format!(
                "ALTER TABLE {} DROP COLUMN {}{}",
                table(&op.table),
                if op.if_exists { "IF EXISTS " } else { "" },
                self.quote_identifier(&op.column)
            )],
            Operation::AlterColumn(op) => self.alter_column(op),
            Operation::CreateIndex(op) => vec![standard::create_index(self, op, op.concurrently)],
            Operation::DropIndex(op) => vec![format!(
                "DROP INDEX {}{}{}",
                if op.concurrently { "CONCURRENTLY " } else { "" },
                if op.if_exists { "IF EXISTS " } else { "" },
                self.quote_identifier(&op.name)
            )],
            Operation::AddConstraint(op) => {
                let mut statement = standard::add_constraint(self, &op.table, &op.constraint);
                if op.not_valid {
                    statement.push_str(" NOT VALID");
                }
                vec![statement]
            }
            Operation::ValidateConstraint(op) => vec![format!(
                "ALTER TABLE {} VALIDATE CONSTRAINT {}",
                table(&op.table),
                self.quote_identifier(&op.name)
            )],
            Operation::SetTimeout(op) => {
                let setting = match op.kind {
                    Timeout::Lock => "lock_timeout",
                    Timeout::Statement => "statement_timeout",
                };
                vec![format!("SET {setting} = '{}ms'", op.duration.as_millis())]
            }
            Operation::DropConstraint(op) => vec![format!(
                "ALTER TABLE {} DROP CONSTRAINT {}{}",
                table(&op.table),
                if op.if_exists { "IF EXISTS " } else { "" },
                self.quote_identifier(&op.name)
            )],
            Operation::BulkInsert(op) => standard::insert(self, op),
            Operation::DropEnum(op) => vec![format!(
                "DROP TYPE {}{}",
                if op.if_exists { "IF EXISTS " } else { "" },
                self.quote_identifier(&op.name)
            )],
            Operation::CreateEnum(op) => {
                let variants: Vec<String> = op.variants.iter().map(|variant| quote_string(variant)).collect();
                vec![format!(
                    "CREATE TYPE {} AS ENUM ({})",
                    self.quote_identifier(&op.name),
                    variants.join(", ")
                )]
            }
            Operation::AddEnumValue(op) => vec![format!(
                "ALTER TYPE {} ADD VALUE {}{}",
                self.quote_identifier(&op.name),
                quote_string(&op.value),
                op.before
                    .as_ref()
                    .map(|before| format!(" BEFORE {}", quote_string(before)))
                    .unwrap_or_default()
            )],
            Operation::BatchAlterTable(batch) => {
                standard::batch(self, batch, &mut |change| self.render_valid(change, None))?
            }
            Operation::CreateView(op) => standard::create_view(self, op, true),
            Operation::DropView(op) => vec![standard::drop_view(self, op)],
            Operation::CreateFunction(op) => {
                let function = &op.function;
                let body = standard::function_body(self, operation, function)?;
                let tag = dollar_quote_tag(body);
                vec![format!(
                    "CREATE {}FUNCTION {}({}) RETURNS {} LANGUAGE {} AS {tag}{body}{tag}",
                    if op.or_replace { "OR REPLACE " } else { "" },
                    self.quote_identifier(&function.name),
                    function.arguments.trim(),
                    function.returns.trim(),
                    function.language.trim(),
                )]
            }
            Operation::DropFunction(op) => vec![format!(
                "DROP FUNCTION {}{}",
                if op.if_exists { "IF EXISTS " } else { "" },
                self.quote_identifier(&op.name)
            )],
            Operation::CreateTrigger(op) => {
                let trigger = &op.trigger;
                let Some(function) = &trigger.function else {
                    return Err(Error::UnsupportedOperation {
                        operation: operation.describe(),
                        database: self.name(),
                        reason: "PostgreSQL's triggers call a function: create one returning trigger \
                                 (create_function) and name it with .execute_function(..)"
                            .to_owned(),
                    });
                };
                vec![format!(
                    "CREATE TRIGGER {} {} {} ON {} FOR EACH ROW EXECUTE FUNCTION {}()",
                    self.quote_identifier(&trigger.name),
                    trigger.timing.sql(),
                    trigger.event.sql(),
                    table(&trigger.table),
                    self.quote_identifier(function)
                )]
            }
            Operation::DropTrigger(op) => vec![format!(
                "DROP TRIGGER {}{} ON {}",
                if op.if_exists { "IF EXISTS " } else { "" },
                self.quote_identifier(&op.name),
                table(&op.table)
            )],
            _ => standard::raw(self, operation),
        })
    }
}

/// A dollar-quote tag the body doesn't hold (`$migrate$`, `$migrate1$`, ...), so that the body
/// is written as given.
fn dollar_quote_tag(body: &str) -> String {
    let mut number = 0_usize;
    loop {
        let tag = if number == 0 { "$migrate$".to_owned() } else { format!("$migrate{number}$") };
        if !body.contains(&tag) {
            return tag;
        }
        number += 1;
    }
}

impl PostgresDialect {
    /// `"name" TYPE [GENERATED BY DEFAULT AS IDENTITY] [NOT NULL] [DEFAULT ..]`.
    fn column_definition(&self, column: &Column) -> String {
        format!(
            "{} {}{}{}",
            self.quote_identifier(&column.name),
            self.column_type(&column.column_type),
            if column.auto_increment { " GENERATED BY DEFAULT AS IDENTITY" } else { "" },
            standard::nullability_and_default(self, column)
        )
    }

    fn column_comment(&self, table: &str, column: &Column) -> Option<String> {
        column.comment.as_ref().map(|comment| {
            format!(
                "COMMENT ON COLUMN {}.{} IS {}",
                self.quote_identifier(table),
                self.quote_identifier(&column.name),
                quote_string(comment)
            )
        })
    }

    /// Creates an enum column's type unless it exists (tables may share one): a `DO` block, as
    /// PostgreSQL has no `CREATE TYPE IF NOT EXISTS`.
    fn create_enum(&self, column_type: &Type) -> Option<String> {
        let Type::Enum { name, variants } = column_type else { return None };
        let quoted = self.quote_identifier(name);
        let variants: Vec<String> = variants.iter().map(|variant| quote_string(variant)).collect();
        let body = format!(
            "BEGIN IF to_regtype({}) IS NULL THEN CREATE TYPE {quoted} AS ENUM ({}); END IF; END",
            quote_string(&quoted),
            variants.join(", ")
        );
        // A dollar-quote tag the body doesn't contain.
        let mut tag = "$migrate$".to_owned();
        while body.contains(&tag) {
            tag.insert(tag.len() - 1, '_');
        }
        Some(format!("DO {tag} {body} {tag}"))
    }

    /// One `ALTER TABLE` with every change asked for, then the rename (PostgreSQL renames in a
    /// statement of its own).
    fn alter_column(&self, op: &AlterColumn) -> Vec<String> {
        let column = self.quote_identifier(&op.column);
        let mut statements = Vec::new();
        let mut actions = Vec::new();
        if let Some(new_type) = &op.new_type {
            statements.extend(self.create_enum(new_type));
            let target = self.column_type(new_type);
            // Through text, so that any type converts to an enum (and text to numbers, dates...).
            let using = if matches!(new_type, Type::Enum { .. }) {
                format!("{column}::text::{target}")
            } else {
                format!("{column}::{target}")
            };
            actions.push(format!("ALTER COLUMN {column} TYPE {target} USING {using}"));
        }
        match op.new_nullable {
            Some(true) => actions.push(format!("ALTER COLUMN {column} DROP NOT NULL")),
            Some(false) => actions.push(format!("ALTER COLUMN {column} SET NOT NULL")),
            None => {}
        }
        match &op.new_server_default {
            Some(Some(default)) => actions.push(format!(
                "ALTER COLUMN {column} SET DEFAULT {}",
                standard::server_default(self, default)
            )),
            Some(None) => actions.push(format!("ALTER COLUMN {column} DROP DEFAULT")),
            None => {}
        }
        if !actions.is_empty() {
            statements.push(format!(
                "ALTER TABLE {} {}",
                self.quote_identifier(&op.table),
                actions.join(", ")
            ));
        }
        if let Some(new_name) = &op.new_name {
            statements.push(standard::rename_column(self, &op.table, &op.column, new_name));
        }
        statements
    }
}

/// A stable 63-bit key from a name (FNV-1a), for `pg_try_advisory_lock(bigint)`.
fn lock_key(name: &str) -> i64 {
    let hash = name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    });
    i64::try_from(hash >> 1).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::Operations;

    fn render(record: impl FnOnce(&mut Operations)) -> Vec<String> {
        let mut op = Operations::new();
        record(&mut op);
        op.recorded().iter().flat_map(|operation| PostgresDialect.render(operation, None).unwrap()).collect()
    }

    #[test]
    fn a_function_is_written_between_dollar_quotes_its_body_does_not_hold() {
        use crate::schema::Function;
        let sql = render(|op| {
            op.create_function(
                Function::new("add_one", "integer")
                    .arguments("x integer")
                    .language("sql")
                    .on(Database::Postgres, "SELECT x + 1 -- $migrate$")
                    .on(Database::MySql, "RETURN x + 1"),
            )
            .or_replace();
            op.drop_function("add_one").if_exists();
        });
        assert_eq!(
            sql,
            [
                "CREATE OR REPLACE FUNCTION \"add_one\"(x integer) RETURNS integer LANGUAGE sql AS \
                 $migrate1$SELECT x + 1 -- $migrate$$migrate1$",
                "DROP FUNCTION IF EXISTS \"add_one\"",
            ]
        );
    }

    #[test]
    fn a_trigger_executes_its_function_for_each_row() {
        use crate::schema::{Trigger, TriggerEvent, TriggerTiming};
        let sql = render(|op| {
            op.create_trigger(
                Trigger::new("users_touch", "users", TriggerTiming::Before, TriggerEvent::Update)
                    .execute_function("touch")
                    .on(Database::Sqlite, "BEGIN SELECT 1; END"),
            );
            op.drop_trigger("users_touch", "users");
            op.create_view("active", "SELECT id FROM users;").or_replace();
            op.drop_view("active");
        });
        assert_eq!(
            sql,
            [
                "CREATE TRIGGER \"users_touch\" BEFORE UPDATE ON \"users\" FOR EACH ROW EXECUTE FUNCTION \"touch\"()",
                "DROP TRIGGER \"users_touch\" ON \"users\"",
                "CREATE OR REPLACE VIEW \"active\" AS SELECT id FROM users",
                "DROP VIEW \"active\"",
            ]
        );
    }

    #[test]
    fn a_trigger_without_a_function_is_refused_on_postgresql_saying_what_to_give() {
        use crate::schema::{Trigger, TriggerEvent, TriggerTiming};
        let mut op = Operations::new();
        op.create_trigger(
            Trigger::new("t", "users", TriggerTiming::After, TriggerEvent::Insert)
                .on(Database::Sqlite, "BEGIN SELECT 1; END"),
        );
        let message = PostgresDialect.render(&op.recorded()[0], None).unwrap_err().to_string();
        assert!(message.contains(".execute_function(..)"), "{message}");
    }

    #[test]
    fn enum_types_are_created_and_grow_a_value_at_a_time() {
        let sql = render(|op| {
            op.create_enum("mood", ["happy", "it's sad"]);
            op.add_enum_value("mood", "meh").before("it's sad");
            op.add_enum_value("mood", "angry");
        });
        assert_eq!(
            sql,
            [
                "CREATE TYPE \"mood\" AS ENUM ('happy', 'it''s sad')",
                "ALTER TYPE \"mood\" ADD VALUE 'meh' BEFORE 'it''s sad'",
                "ALTER TYPE \"mood\" ADD VALUE 'angry'",
            ]
        );
    }

    #[test]
    fn an_alter_is_one_statement_then_the_rename() {
        let sql = render(|op| {
            op.alter_column("users", "email")
                .set_type(Type::Text)
                .set_nullable(false)
                .drop_server_default()
                .rename_to("mail");
        });
        assert_eq!(
            sql,
            [
                "ALTER TABLE \"users\" ALTER COLUMN \"email\" TYPE TEXT USING \"email\"::TEXT, ALTER COLUMN \"email\" SET NOT NULL, \
                 ALTER COLUMN \"email\" DROP DEFAULT",
                "ALTER TABLE \"users\" RENAME COLUMN \"email\" TO \"mail\"",
            ]
        );
    }

    #[test]
    fn an_enum_column_creates_its_type_unless_it_exists() {
        let sql = render(|op| {
            op.create_table("people", |t| {
                t.column("mood", Type::enumeration("mood", ["happy", "sad"])).not_null();
            });
        });
        assert_eq!(
            sql,
            [
                "DO $migrate$ BEGIN IF to_regtype('\"mood\"') IS NULL THEN CREATE TYPE \"mood\" AS ENUM ('happy', 'sad'); END IF; END $migrate$",
                "CREATE TABLE \"people\" (\"mood\" \"mood\" NOT NULL)",
            ]
        );
    }

    #[test]
    fn a_partial_index_is_built_concurrently_when_asked() {
        let sql = render(|op| {
            op.create_index("users_live_email", "users", ["email"])
                .unique()
                .partial("deleted_at IS NULL")
                .concurrently();
        });
        assert_eq!(
            sql,
            [
                "CREATE UNIQUE INDEX CONCURRENTLY \"users_live_email\" ON \"users\" (\"email\") WHERE deleted_at IS NULL"
            ]
        );
    }

    #[test]
    fn a_column_added_if_missing_cant_bring_a_constraint() {
        let mut op = Operations::new();
        op.add_column_if_not_exists("users", "email", Type::Text).unique();
        let error = PostgresDialect.render(&op.recorded()[0], None).unwrap_err();
        assert_eq!(
            error.to_string(),
            "add_column \"users\".\"email\" can't be run on PostgreSQL: PostgreSQL can't add a constraint only if it \
             is missing; add the column's unique or references without if_not_exists"
        );
    }

    #[test]
    fn comments_are_statements_of_their_own() {
        let sql = render(|op| {
            op.create_table("t", |t| {
                t.column("id", Type::BigInt).primary_key().auto_increment().comment("it's the key");
                t.comment("a table");
            });
        });
        assert_eq!(
            sql,
            [
                "CREATE TABLE \"t\" (\"id\" BIGINT GENERATED BY DEFAULT AS IDENTITY NOT NULL, PRIMARY KEY (\"id\"))",
                "COMMENT ON TABLE \"t\" IS 'a table'",
                "COMMENT ON COLUMN \"t\".\"id\" IS 'it''s the key'",
            ]
        );
    }

    #[test]
    fn a_batch_is_one_alter_table_of_several_actions_where_the_changes_touch_different_columns() {
        let sql = render(|op| {
            op.batch_alter_table("books", |t| {
                t.add_column("subtitle", Type::Varchar(100));
                t.alter_column("title").set_type(Type::Text).set_nullable(true);
                t.drop_column("isbn");
                t.create_check("books_title_not_empty", "title <> ''");
                t.create_index("books_subtitle", ["subtitle"]);
                t.alter_column("price").rename_to("cost");
                t.drop_unique("books_code_key");
                t.alter_column("cost").set_server_default(0);
            });
        });
        assert_eq!(
            sql,
            [
                "ALTER TABLE \"books\" ADD COLUMN \"subtitle\" VARCHAR(100), ALTER COLUMN \"title\" TYPE TEXT USING \"title\"::TEXT, \
                 ALTER COLUMN \"title\" DROP NOT NULL, DROP COLUMN \"isbn\", ADD CONSTRAINT \"books_title_not_empty\" CHECK (title <> '')",
                "CREATE INDEX \"books_subtitle\" ON \"books\" (\"subtitle\")",
                "ALTER TABLE \"books\" RENAME COLUMN \"price\" TO \"cost\"",
                "ALTER TABLE \"books\" DROP CONSTRAINT \"books_code_key\"",
                "ALTER TABLE \"books\" ALTER COLUMN \"cost\" SET DEFAULT 0",
            ],
            "the check is a change of its own (it names no column); the default of the renamed column waits for the rename"
        );
    }
}
