//! The SQL the three databases write alike, built from a dialect's quoting, types and literals:
//! each dialect's `render` uses these bricks for what is standard and writes the rest itself.

use super::Dialect;
use crate::ops::{BulkInsert, CreateIndex, CreateTable, DropTable, Operation, RenameTable};
use crate::schema::{Column, Constraint, ForeignKey, ServerDefault};

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

/// Lowercase hexadecimal digits of bytes.
pub(super) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut hex, byte| {
        let _ = write!(hex, "{byte:02x}");
        hex
    })
}
