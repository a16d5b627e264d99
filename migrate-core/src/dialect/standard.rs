//! The SQL the three databases write alike, built from a dialect's quoting, types and literals:
//! each dialect's `render` uses these bricks for what is standard and writes the rest itself.

use std::collections::HashSet;

use super::Dialect;
use crate::error::{Error, Result};
use crate::ops::{
    BatchAlterTable, BulkInsert, CreateIndex, CreateTable, CreateView, DropTable, DropTrigger, DropView,
    Operation, RenameTable,
};
use crate::schema::{Column, Constraint, ForeignKey, Function, ServerDefault, Trigger};

/// Rows per INSERT statement of a bulk insert: well under every database's limits.
const ROWS_PER_INSERT: usize = 100;

/// `"a", "b"`.
pub(super) fn column_list(dialect: &dyn Dialect, columns: &[String]) -> String {
    columns.iter().map(|column| dialect.quote_identifier(column)).collect::<Vec<_>>().join(", ")
}

/// `REFERENCES "t" ("id") ON DELETE CASCADE ON UPDATE ...`.
pub(super) fn references(dialect: &dyn Dialect, foreign_key: &ForeignKey) -> String {
    let mut sql = format!(
        "REFERENCES {} ({})",
        dialect.quote_identifier(&foreign_key.referenced_table),
        column_list(dialect, &foreign_key.referenced_columns)
    );
    if let Some(action) = foreign_key.on_delete {
        sql.push_str(" ON DELETE ");
        sql.push_str(action.sql());
    }
    if let Some(action) = foreign_key.on_update {
        sql.push_str(" ON UPDATE ");
        sql.push_str(action.sql());
    }
    sql
}

/// `CONSTRAINT "name" UNIQUE (..)`, `.. FOREIGN KEY (..) REFERENCES ..`, `.. CHECK (..)`.
pub(super) fn constraint(dialect: &dyn Dialect, constraint: &Constraint) -> String {
    let name = dialect.quote_identifier(constraint.name());
    match constraint {
        Constraint::Unique { columns, .. } => {
            format!("CONSTRAINT {name} UNIQUE ({})", column_list(dialect, columns))
        }
        Constraint::ForeignKey(foreign_key) => format!(
            "CONSTRAINT {name} FOREIGN KEY ({}) {}",
            column_list(dialect, &foreign_key.columns),
            references(dialect, foreign_key)
        ),
        Constraint::Check { expression, .. } => format!("CONSTRAINT {name} CHECK ({expression})"),
    }
}

/// What follows `DEFAULT`.
pub(super) fn server_default(dialect: &dyn Dialect, default: &ServerDefault) -> String {
    match default {
        ServerDefault::Value(value) => dialect.literal(value),
        ServerDefault::CurrentTimestamp => "CURRENT_TIMESTAMP".to_owned(),
        ServerDefault::CurrentDate => "(CURRENT_DATE)".to_owned(),
        ServerDefault::Expression(sql) => format!("({sql})"),
    }
}

/// ` NOT NULL DEFAULT ..`: what follows a column's type on every database.
pub(super) fn nullability_and_default(dialect: &dyn Dialect, column: &Column) -> String {
    let mut sql = String::new();
    if !column.nullable {
        sql.push_str(" NOT NULL");
    }
    if let Some(default) = &column.server_default {
        sql.push_str(" DEFAULT ");
        sql.push_str(&server_default(dialect, default));
    }
    sql
}

/// `CREATE TABLE [IF NOT EXISTS] "t" (<columns>, PRIMARY KEY (..), <constraints>)<options>`.
pub(super) fn create_table(
    dialect: &dyn Dialect,
    operation: &CreateTable,
    column_definition: &dyn Fn(&Column) -> String,
    options: &str,
) -> String {
    let table = &operation.table;
    let mut items: Vec<String> = table.columns.iter().map(column_definition).collect();
    let primary_key = table.primary_key_columns();
    if !primary_key.is_empty() {
        let columns: Vec<String> = primary_key.iter().map(|column| (*column).to_owned()).collect();
        items.push(format!("PRIMARY KEY ({})", column_list(dialect, &columns)));
    }
    items.extend(table.all_constraints().iter().map(|item| constraint(dialect, item)));
    format!(
        "CREATE TABLE {}{} ({}){options}",
        if operation.if_not_exists { "IF NOT EXISTS " } else { "" },
        dialect.quote_identifier(&table.name),
        items.join(", ")
    )
}

/// `DROP TABLE [IF EXISTS] "t"`.
pub(super) fn drop_table(dialect: &dyn Dialect, operation: &DropTable) -> String {
    format!(
        "DROP TABLE {}{}",
        if operation.if_exists { "IF EXISTS " } else { "" },
        dialect.quote_identifier(&operation.name)
    )
}

/// `ALTER TABLE "a" RENAME TO "b"`.
pub(super) fn rename_table(dialect: &dyn Dialect, operation: &RenameTable) -> String {
    format!(
        "ALTER TABLE {} RENAME TO {}",
        dialect.quote_identifier(&operation.from),
        dialect.quote_identifier(&operation.to)
    )
}

/// `ALTER TABLE "t" RENAME COLUMN "a" TO "b"`.
pub(super) fn rename_column(dialect: &dyn Dialect, table: &str, from: &str, to: &str) -> String {
    format!(
        "ALTER TABLE {} RENAME COLUMN {} TO {}",
        dialect.quote_identifier(table),
        dialect.quote_identifier(from),
        dialect.quote_identifier(to)
    )
}

/// `CREATE [UNIQUE] INDEX [CONCURRENTLY] [IF NOT EXISTS] "i" ON "t" (..) [WHERE ..]`.
pub(super) fn create_index(dialect: &dyn Dialect, operation: &CreateIndex, concurrently: bool) -> String {
    let index = &operation.index;
    let mut sql = format!(
        "CREATE {}INDEX {}{}{} ON {} ({})",
        if index.unique { "UNIQUE " } else { "" },
        if concurrently { "CONCURRENTLY " } else { "" },
        if operation.if_not_exists { "IF NOT EXISTS " } else { "" },
        dialect.quote_identifier(&index.name),
        dialect.quote_identifier(&index.table),
        column_list(dialect, &index.columns)
    );
    if let Some(condition) = &index.partial {
        sql.push_str(" WHERE ");
        sql.push_str(condition);
    }
    sql
}

/// `ALTER TABLE "t" ADD CONSTRAINT ..`.
pub(super) fn add_constraint(dialect: &dyn Dialect, table: &str, added: &Constraint) -> String {
    format!("ALTER TABLE {} ADD {}", dialect.quote_identifier(table), constraint(dialect, added))
}

/// `INSERT INTO "t" ("a", "b") VALUES (..), (..)`, a hundred rows at a time.
pub(super) fn insert(dialect: &dyn Dialect, operation: &BulkInsert) -> Vec<String> {
    let head = format!(
        "INSERT INTO {} ({}) VALUES ",
        dialect.quote_identifier(&operation.table),
        column_list(dialect, &operation.columns)
    );
    operation
        .rows
        .chunks(ROWS_PER_INSERT)
        .map(|rows| {
            let rows: Vec<String> = rows
                .iter()
                .map(|row| {
                    let values: Vec<String> = row.iter().map(|value| dialect.literal(value)).collect();
                    format!("({})", values.join(", "))
                })
                .collect();
            format!("{head}{}", rows.join(", "))
        })
        .collect()
}

/// The raw SQL of `execute` and `execute_on` for this database.
pub(super) fn raw(dialect: &dyn Dialect, operation: &Operation) -> Vec<String> {
    match operation {
        Operation::Execute { sql } => vec![sql.clone()],
        Operation::ExecuteOn(execute) => {
            execute.statement_for(dialect.database()).map(str::to_owned).into_iter().collect()
        }
        _ => Vec::new(),
    }
}

/// The changes of a batch, each rendered by `render` (as usual, but for what a dialect reads of
/// the live table), with consecutive `ALTER TABLE` statements of the table merged into one
/// statement of several actions (PostgreSQL and MariaDB take them), as long as no two of the
/// merged changes touch the same column, index or constraint (both databases may carry out the
/// actions of one statement in another order than written). A rename stays a statement of its
/// own: PostgreSQL allows no other action with it.
pub(super) fn batch(
    dialect: &dyn Dialect,
    batch: &BatchAlterTable,
    render: &mut dyn FnMut(&Operation) -> Result<Vec<String>>,
) -> Result<Vec<String>> {
    let prefix = format!("ALTER TABLE {} ", dialect.quote_identifier(&batch.table));
    let mut statements: Vec<String> = Vec::new();
    let mut touched: HashSet<String> = HashSet::new();
    // Whether the last statement is an `ALTER TABLE` that may take more actions.
    let mut merging = false;
    for change in &batch.operations {
        let names = touched_names(change);
        if names.iter().any(|name| touched.contains(name)) {
            touched.clear();
            merging = false;
        }
        touched.extend(names);
        for statement in render(change)? {
            let action = statement.strip_prefix(&prefix).filter(|action| !action.starts_with("RENAME"));
            match (action, statements.last_mut()) {
                (Some(action), Some(last)) if merging => {
                    last.push_str(", ");
                    last.push_str(action);
                }
                (action, _) => {
                    merging = action.is_some();
                    statements.push(statement);
                }
            }
        }
    }
    Ok(statements)
}

/// The columns, index and constraint names a change of a batch touches, lowercase.
fn touched_names(change: &Operation) -> Vec<String> {
    let mut names: Vec<&str> = Vec::new();
    match change {
        Operation::AddColumn(op) => names.push(&op.column.name),
        Operation::DropColumn(op) => names.push(&op.column),
        Operation::AlterColumn(op) => {
            names.extend([Some(op.column.as_str()), op.new_name.as_deref()].into_iter().flatten())
        }
        Operation::CreateIndex(op) => {
            names.push(&op.index.name);
            names.extend(op.index.columns.iter().map(String::as_str));
        }
        Operation::DropIndex(op) => names.push(&op.name),
        Operation::AddConstraint(op) => {
            names.push(op.constraint.name());
            match &op.constraint {
                Constraint::Unique { columns, .. } => names.extend(columns.iter().map(String::as_str)),
                Constraint::ForeignKey(foreign_key) => {
                    names.extend(foreign_key.columns.iter().map(String::as_str))
                }
                Constraint::Check { .. } => {}
            }
        }
        Operation::DropConstraint(op) => names.push(&op.name),
        _ => {}
    }
    names.into_iter().map(str::to_lowercase).collect()
}

/// Lowercase hexadecimal digits of bytes.
pub(super) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut hex, byte| {
        let _ = write!(hex, "{byte:02x}");
        hex
    })
}

/// `CREATE [OR REPLACE] VIEW "v" AS <query>`; on a database without `OR REPLACE`
/// (`or_replace_native` false), `DROP VIEW IF EXISTS "v"` first.
pub(super) fn create_view(
    dialect: &dyn Dialect,
    operation: &CreateView,
    or_replace_native: bool,
) -> Vec<String> {
    let name = dialect.quote_identifier(&operation.view.name);
    let query = operation.view.definition.trim().trim_end_matches(';').trim_end();
    match (operation.or_replace, or_replace_native) {
        (true, true) => vec![format!("CREATE OR REPLACE VIEW {name} AS {query}")],
        (true, false) => {
            vec![format!("DROP VIEW IF EXISTS {name}"), format!("CREATE VIEW {name} AS {query}")]
        }
        (false, _) => vec![format!("CREATE VIEW {name} AS {query}")],
    }
}

/// `DROP VIEW [IF EXISTS] "v"`.
pub(super) fn drop_view(dialect: &dyn Dialect, operation: &DropView) -> String {
    format!(
        "DROP VIEW {}{}",
        if operation.if_exists { "IF EXISTS " } else { "" },
        dialect.quote_identifier(&operation.name)
    )
}

/// `CREATE TRIGGER "t" BEFORE UPDATE ON "users" FOR EACH ROW <body>`: SQLite's and MariaDB's
/// trigger, whose body is the database's own SQL; refused where the trigger has no body.
pub(super) fn create_trigger_with_body(
    dialect: &dyn Dialect,
    operation: &Operation,
    trigger: &Trigger,
) -> Result<String> {
    let Some(body) = trigger.body_for(dialect.database()) else {
        return Err(Error::UnsupportedOperation {
            operation: operation.describe(),
            database: dialect.name(),
            reason: format!(
                "the trigger has no body for {0}: give one with .on(Database::{1:?}, \"...\")",
                dialect.name(),
                dialect.database()
            ),
        });
    };
    Ok(format!(
        "CREATE TRIGGER {} {} {} ON {} FOR EACH ROW {}",
        dialect.quote_identifier(&trigger.name),
        trigger.timing.sql(),
        trigger.event.sql(),
        dialect.quote_identifier(&trigger.table),
        body.trim()
    ))
}

/// `DROP TRIGGER [IF EXISTS] "t"` (SQLite and MariaDB name triggers per database).
pub(super) fn drop_trigger(dialect: &dyn Dialect, operation: &DropTrigger) -> String {
    format!(
        "DROP TRIGGER {}{}",
        if operation.if_exists { "IF EXISTS " } else { "" },
        dialect.quote_identifier(&operation.name)
    )
}

/// The body of a function on this database, or an error that says how to give one.
pub(super) fn function_body<'f>(
    dialect: &dyn Dialect,
    operation: &Operation,
    function: &'f Function,
) -> Result<&'f str> {
    function.body_for(dialect.database()).ok_or_else(|| Error::UnsupportedOperation {
        operation: operation.describe(),
        database: dialect.name(),
        reason: format!(
            "the function has no body for {0}: give one with .on(Database::{1:?}, \"...\")",
            dialect.name(),
            dialect.database()
        ),
    })
}
