//! SQLite's batch mode (Alembic's "move and copy"): SQLite can't alter most of a table in place,
//! so the table is rebuilt from its live definition with the change made: a new table is created,
//! the rows copied, the old table dropped and the new one renamed, then the indexes and triggers
//! are created again. The runner runs this inside the migration's transaction, with foreign-key
//! enforcement off and checked afterwards (SQLite's own recipe for table changes).
//!
//! The definition is changed as text: every column, clause and constraint the change doesn't
//! touch is kept exactly as the database holds it (collations, generated columns, conflict
//! clauses, ...), which is what makes the rebuild lossless.

use super::super::definition::{
    ColumnDefinition, TableConstraint, split_column, split_table, table_constraint,
};
use super::super::{Dialect, LiveTable, standard};
use super::{SqliteDialect, adds_in_place};
use crate::error::{Error, Result};
use crate::ops::{AlterColumn, Operation};
use crate::schema::{Constraint, ConstraintKind};

/// The keywords that start a clause of an SQLite column definition.
const CLAUSE_STARTS: &[&str] = &[
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

/// One item of the table being rebuilt.
enum Item<'s> {
    /// A column: its definition as written, or as rewritten; whether its rows are copied.
    Column { name: String, sql: String, parsed: Option<ColumnDefinition<'s>>, copied: bool },
    /// A table constraint.
    Constraint { sql: String, parsed: TableConstraint },
}

impl Item<'_> {
    fn sql(&self) -> &str {
        match self {
            Item::Column { sql, .. } | Item::Constraint { sql, .. } => sql,
        }
    }

    fn is_column(&self, wanted: &str) -> bool {
        matches!(self, Item::Column { name, .. } if name.eq_ignore_ascii_case(wanted))
    }
}

/// The statements that rebuild `live` with `operation`'s change made.
pub(super) fn rebuild(
    dialect: &SqliteDialect,
    operation: &Operation,
    live: &LiveTable,
) -> Result<Vec<String>> {
    let invalid = |reason: String| Error::InvalidOperation { operation: operation.describe(), reason };
    if live.definition.is_empty() {
        return Err(invalid(format!("the database has no table \"{}\"", live.name)));
    }
    let table = split_table(&live.definition)
        .ok_or_else(|| invalid(format!("the definition of table \"{}\" has no column list", live.name)))?;
    let mut items = Vec::with_capacity(table.items.len() + 1);
    for text in &table.items {
        items.push(match table_constraint(text) {
            Some(parsed) => Item::Constraint { sql: (*text).to_owned(), parsed },
            None => {
                let parsed = split_column(text, CLAUSE_STARTS)
                    .ok_or_else(|| invalid(format!("can't read the definition `{text}`")))?;
                let copied = !parsed.is_generated();
                Item::Column {
                    name: parsed.name.clone(),
                    sql: (*text).to_owned(),
                    parsed: Some(parsed),
                    copied,
                }
            }
        });
    }
    let position = |items: &[Item], column: &str| items.iter().position(|item| item.is_column(column));
    let no_column = |column: &str| invalid(format!("table \"{}\" has no column \"{column}\"", live.name));

    let mut dropped_column = None;
    let mut afterwards = Vec::new();
    match operation {
        Operation::AlterColumn(op) => {
            let at = position(&items, &op.column).ok_or_else(|| no_column(&op.column))?;
            if let Item::Column { sql, parsed: Some(parsed), .. } = &mut items[at] {
                *sql = altered_column(dialect, parsed, op);
            }
            if let Some(new_name) = &op.new_name {
                afterwards.push(standard::rename_column(dialect, &live.name, &op.column, new_name));
            }
        }
        Operation::DropColumn(op) => {
            let Some(at) = position(&items, &op.column) else {
                return if op.if_exists { Ok(Vec::new()) } else { Err(no_column(&op.column)) };
            };
            items.remove(at);
            if !items.iter().any(|item| matches!(item, Item::Column { .. })) {
                return Err(invalid("it is the table's only column; drop the table instead".to_owned()));
            }
            // As PostgreSQL does: the constraints over the column go with it.
            items.retain(|item| match item {
                Item::Constraint { parsed, .. } => {
                    !parsed.columns.iter().any(|column| column.eq_ignore_ascii_case(&op.column))
                }
                Item::Column { .. } => true,
            });
            dropped_column = Some(op.column.as_str());
        }
        Operation::AddColumn(op) => {
            if position(&items, &op.column.name).is_some() {
                return if op.if_not_exists {
                    Ok(Vec::new())
                } else {
                    Err(invalid(format!("table \"{}\" already has column \"{}\"", live.name, op.column.name)))
                };
            }
            if adds_in_place(&op.column) {
                return Ok(vec![dialect.add_column_in_place(op)]);
            }
            let sql = dialect.column_definition(&op.column, None);
            // After the last column: SQLite wants every column before the table constraints.
            let after_columns =
                items.iter().rposition(|item| matches!(item, Item::Column { .. })).map_or(0, |at| at + 1);
            items.insert(
                after_columns,
                Item::Column { name: op.column.name.clone(), sql, parsed: None, copied: false },
            );
            for constraint in op.column.constraints(&live.name) {
                items.push(new_constraint(dialect, &constraint));
            }
        }
        Operation::AddConstraint(op) => {
            if find_constraint(&items, op.constraint.name()).is_some() {
                return Err(invalid(format!(
                    "table \"{}\" already has a constraint named \"{}\"",
                    live.name,
                    op.constraint.name()
                )));
            }
            items.push(new_constraint(dialect, &op.constraint));
        }
        Operation::DropConstraint(op) => match find_constraint(&items, &op.name) {
            None if op.if_exists => return Ok(Vec::new()),
            None => {
                return Err(invalid(format!(
                    "table \"{}\" has no constraint named \"{}\" (SQLite keeps only the names given in its \
                     definition; a unique index is dropped with drop_index)",
                    live.name, op.name
                )));
            }
            Some((_, kind)) if kind != Some(op.kind) => {
                return Err(invalid(format!(
                    "constraint \"{}\" of table \"{}\" is not a {} constraint",
                    op.name,
                    live.name,
                    kind_name(op.kind)
                )));
            }
            Some((Found::Table(at), _)) => {
                items.remove(at);
            }
            Some((Found::Column(at), _)) => {
                if let Item::Column { sql, parsed: Some(parsed), .. } = &mut items[at] {
                    parsed.clauses.retain(|clause| {
                        !clause.name.as_ref().is_some_and(|name| name.eq_ignore_ascii_case(&op.name))
                    });
                    *sql = parsed.write(&dialect.quote_identifier(&parsed.name), parsed.type_text);
                }
            }
        },
        _ => return Err(invalid("SQLite's batch mode doesn't apply to this operation".to_owned())),
    }

    let quoted = dialect.quote_identifier(&live.name);
    let temporary = dialect.quote_identifier(&format!("_migrate_rebuild_{}", live.name));
    let copied: Vec<String> = items
        .iter()
        .filter_map(|item| match item {
            Item::Column { name, copied: true, .. } => Some(name.clone()),
            _ => None,
        })
        .collect();
    let copied = standard::column_list(dialect, &copied);
    let definitions: Vec<&str> = items.iter().map(Item::sql).collect();
    // One item per line: an item may end with a `--` comment.
    let mut statements = vec![
        format!("CREATE TABLE {temporary} (\n  {}\n){}", definitions.join(",\n  "), table.options),
        format!("INSERT INTO {temporary} ({copied}) SELECT {copied} FROM {quoted}"),
        format!("DROP TABLE {quoted}"),
        // The legacy rename leaves views that name the table alone instead of failing on them
        // while the table is missing.
        "PRAGMA legacy_alter_table = ON".to_owned(),
        format!("ALTER TABLE {temporary} RENAME TO {quoted}"),
        "PRAGMA legacy_alter_table = OFF".to_owned(),
    ];
    for (index, sql) in &live.indexes {
        let covers_dropped = dropped_column.is_some_and(|dropped| {
            live.index_columns
                .iter()
                .any(|(name, column)| name == index && column.eq_ignore_ascii_case(dropped))
        });
        // As PostgreSQL does: the indexes over a dropped column go with it.
        if !covers_dropped {
            statements.push(sql.clone());
        }
    }
    statements.extend(live.triggers.iter().map(|(_, sql)| sql.clone()));
    statements.extend(afterwards);
    Ok(statements)
}

/// The column's definition with the alter's type, nullability and default; its name stays (a
/// rename follows the rebuild, so that SQLite renames it in indexes, triggers and views too).
fn altered_column(dialect: &SqliteDialect, parsed: &ColumnDefinition<'_>, op: &AlterColumn) -> String {
    let mut column = parsed.clone();
    column.clauses.retain(|clause| {
        let kind = clause.kind.as_str();
        // A named column check is an enum's (see `enum_check`): it goes with the old type.
        let type_check = op.new_type.is_some() && kind == "CHECK" && clause.name.is_some();
        let nullability = op.new_nullable.is_some() && matches!(kind, "NOT" | "NULL");
        let default = op.new_server_default.is_some() && kind == "DEFAULT";
        !(type_check || nullability || default)
    });
    let column_type = op.new_type.as_ref().map(|new_type| dialect.column_type(new_type));
    let mut sql = column
        .write(&dialect.quote_identifier(&column.name), column_type.as_deref().unwrap_or(column.type_text));
    if op.new_nullable == Some(false) {
        sql.push_str(" NOT NULL");
    }
    if let Some(Some(default)) = &op.new_server_default {
        sql.push_str(" DEFAULT ");
        sql.push_str(&standard::server_default(dialect, default));
    }
    if let Some(check) = op.new_type.as_ref().and_then(|new_type| dialect.enum_check(&column.name, new_type))
    {
        sql.push(' ');
        sql.push_str(&check);
    }
    sql
}

fn new_constraint<'s>(dialect: &SqliteDialect, constraint: &Constraint) -> Item<'s> {
    let sql = standard::constraint(dialect, constraint);
    let parsed = table_constraint(&sql).unwrap_or(TableConstraint {
        name: Some(constraint.name().to_owned()),
        kind: String::new(),
        columns: Vec::new(),
    });
    Item::Constraint { sql, parsed }
}

/// Where a named constraint is: an item of the table, or a clause of a column.
enum Found {
    Table(usize),
    Column(usize),
}

/// The constraint named `name` and its kind (`None` for a primary key or anything else).
fn find_constraint(items: &[Item], name: &str) -> Option<(Found, Option<ConstraintKind>)> {
    let named =
        |candidate: &Option<String>| candidate.as_ref().is_some_and(|found| found.eq_ignore_ascii_case(name));
    items.iter().enumerate().find_map(|(at, item)| match item {
        Item::Constraint { parsed, .. } if named(&parsed.name) => {
            Some((Found::Table(at), kind_of(&parsed.kind)))
        }
        Item::Column { parsed: Some(parsed), .. } => parsed
            .clauses
            .iter()
            .find(|clause| named(&clause.name))
            .map(|clause| (Found::Column(at), kind_of(&clause.kind))),
        _ => None,
    })
}

fn kind_of(keyword: &str) -> Option<ConstraintKind> {
    match keyword {
        "UNIQUE" => Some(ConstraintKind::Unique),
        "FOREIGN" | "REFERENCES" => Some(ConstraintKind::ForeignKey),
        "CHECK" => Some(ConstraintKind::Check),
        _ => None,
    }
}

fn kind_name(kind: ConstraintKind) -> &'static str {
    match kind {
        ConstraintKind::Unique => "unique",
        ConstraintKind::ForeignKey => "foreign-key",
        ConstraintKind::Check => "check",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::Operations;
    use crate::schema::Type;

    fn live() -> LiveTable {
        LiveTable {
            name: "users".to_owned(),
            definition: "CREATE TABLE \"users\" (\"id\" INTEGER NOT NULL, \"email\" VARCHAR(255) NOT NULL COLLATE NOCASE, \
                         \"age\" INTEGER DEFAULT 0, PRIMARY KEY (\"id\"), CONSTRAINT \"users_email_key\" UNIQUE (\"email\"), \
                         CONSTRAINT \"adult\" CHECK (age >= 18))"
                .to_owned(),
            indexes: vec![("users_age".to_owned(), "CREATE INDEX \"users_age\" ON \"users\" (\"age\")".to_owned())],
            index_columns: vec![("users_age".to_owned(), "age".to_owned())],
            triggers: Vec::new(),
        }
    }

    fn rebuild_with(record: impl FnOnce(&mut Operations)) -> Vec<String> {
        let mut op = Operations::new();
        record(&mut op);
        rebuild(&SqliteDialect, &op.recorded()[0], &live()).unwrap()
    }

    #[test]
    fn an_alter_rewrites_only_the_altered_clauses_and_renames_afterwards() {
        let sql = rebuild_with(|op| {
            op.alter_column("users", "email").set_type(Type::Text).set_nullable(true).rename_to("mail");
        });
        assert_eq!(
            sql,
            [
                "CREATE TABLE \"_migrate_rebuild_users\" (\n  \"id\" INTEGER NOT NULL,\n  \"email\" TEXT COLLATE NOCASE,\n  \
                 \"age\" INTEGER DEFAULT 0,\n  PRIMARY KEY (\"id\"),\n  CONSTRAINT \"users_email_key\" UNIQUE (\"email\"),\n  \
                 CONSTRAINT \"adult\" CHECK (age >= 18)\n)",
                "INSERT INTO \"_migrate_rebuild_users\" (\"id\", \"email\", \"age\") SELECT \"id\", \"email\", \"age\" FROM \"users\"",
                "DROP TABLE \"users\"",
                "PRAGMA legacy_alter_table = ON",
                "ALTER TABLE \"_migrate_rebuild_users\" RENAME TO \"users\"",
                "PRAGMA legacy_alter_table = OFF",
                "CREATE INDEX \"users_age\" ON \"users\" (\"age\")",
                "ALTER TABLE \"users\" RENAME COLUMN \"email\" TO \"mail\"",
            ]
        );
    }

    #[test]
    fn dropping_a_column_drops_the_constraints_and_indexes_over_it() {
        let sql = rebuild_with(|op| {
            op.drop_column("users", "age");
        });
        assert!(
            sql[0].contains("\"email\" VARCHAR(255) NOT NULL COLLATE NOCASE,\n  PRIMARY KEY"),
            "{}",
            sql[0]
        );
        assert!(!sql[0].contains("adult"), "{}", sql[0]);
        assert!(
            sql[1].ends_with("(\"id\", \"email\") SELECT \"id\", \"email\" FROM \"users\""),
            "{}",
            sql[1]
        );
        assert!(!sql.iter().any(|statement| statement.contains("users_age")), "{sql:?}");
    }

    #[test]
    fn an_added_column_goes_after_the_columns_and_is_not_copied() {
        let sql = rebuild_with(|op| {
            op.add_column("users", "code", Type::Varchar(10)).unique();
        });
        assert!(
            sql[0].contains("\"age\" INTEGER DEFAULT 0,\n  \"code\" VARCHAR(10),\n  PRIMARY KEY (\"id\"),")
                && sql[0].ends_with("CONSTRAINT \"users_code_key\" UNIQUE (\"code\")\n)"),
            "{}",
            sql[0]
        );
        assert!(
            sql[1].ends_with("(\"id\", \"email\", \"age\") SELECT \"id\", \"email\", \"age\" FROM \"users\"")
        );
    }

    #[test]
    fn dropping_a_constraint_of_another_kind_is_refused() {
        let mut op = Operations::new();
        op.drop_unique("adult", "users");
        let error = rebuild(&SqliteDialect, &op.recorded()[0], &live()).unwrap_err();
        assert_eq!(
            error.to_string(),
            "drop_unique \"adult\" on \"users\" can't be run: constraint \"adult\" of table \"users\" is not a unique constraint"
        );
    }
}
