//! Raw SQL (`op.execute`, `op.execute_on`) parsed with `sqlparser` for the database it runs on, and
//! read as the same changes operations give. A statement the parser can't read is left out: the
//! lint says nothing it can't back.

use sqlparser::ast::{
    AlterColumnOperation, AlterTable, AlterTableAlgorithm, AlterTableOperation, ColumnDef, ColumnOption,
    GeneratedExpressionMode, ObjectName, ObjectType, Set, Statement, TableConstraint, TableFactor,
    TableObject,
};
use sqlparser::dialect::{Dialect, MySqlDialect, PostgreSqlDialect, SQLiteDialect};
use sqlparser::parser::Parser;

use super::change::{AddedColumn, AddedConstraint, Change, Located, is_volatile_sql};
use crate::database::Database;

/// The changes of raw SQL (one or more statements) on `database`.
pub(super) fn changes(sql: &str, database: Database) -> Vec<Located> {
    let dialect: &dyn Dialect = match database {
        Database::Postgres => &PostgreSqlDialect {},
        Database::MySql => &MySqlDialect {},
        Database::Sqlite => &SQLiteDialect {},
    };
    let Ok(statements) = Parser::parse_sql(dialect, sql) else {
        return Vec::new();
    };
    let mut changes = Vec::new();
    for statement in &statements {
        let what = format!("execute `{}`", shorten(&statement.to_string()));
        let mut push = |change: Change| changes.push(Located { change, what: what.clone() });
        statement_changes(statement, &mut push);
    }
    changes
}

fn statement_changes(statement: &Statement, push: &mut dyn FnMut(Change)) {
    match statement {
        Statement::CreateTable(create) => {
            push(Change::CreateTable { table: last_name(&create.name), if_not_exists: create.if_not_exists })
        }
        Statement::CreateIndex(create) => push(Change::CreateIndex {
            table: last_name(&create.table_name),
            unique: create.unique,
            concurrently: create.concurrently,
            if_not_exists: create.if_not_exists,
        }),
        Statement::Drop { object_type, if_exists, names, table, .. } => {
            for name in names {
                match object_type {
                    ObjectType::Table => {
                        push(Change::DropTable { table: last_name(name), if_exists: *if_exists })
                    }
                    ObjectType::Index => push(Change::DropIndex {
                        table: table.as_ref().map(last_name),
                        concurrently: statement.to_string().contains(" CONCURRENTLY "),
                        if_exists: *if_exists,
                    }),
                    _ => push(Change::OtherDdl),
                }
            }
        }
        Statement::AlterTable(alter) => alter_table(alter, push),
        Statement::Insert(insert) => push(Change::Data {
            table: match &insert.table {
                TableObject::TableName(name) => Some(last_name(name)),
                _ => None,
            },
        }),
        Statement::Update(update) => push(Change::Data {
            table: match &update.table.relation {
                TableFactor::Table { name, .. } => Some(last_name(name)),
                _ => None,
            },
        }),
        Statement::Delete(_) | Statement::Truncate(_) | Statement::Merge(_) => {
            push(Change::Data { table: None })
        }
        Statement::Set(set) => set_changes(set, push),
        Statement::Query(_) | Statement::StartTransaction { .. } | Statement::Commit { .. } => {}
        _ => push(Change::OtherDdl),
    }
}

/// `SET lock_timeout = ..` (PostgreSQL), `SET lock_wait_timeout = ..` (MySQL) and
/// `SET foreign_key_checks = 0` (MySQL).
fn set_changes(set: &Set, push: &mut dyn FnMut(Change)) {
    let assignments: Vec<(String, String)> = match set {
        Set::SingleAssignment { variable, values, .. } => {
            vec![(last_name(variable), values.iter().map(ToString::to_string).collect())]
        }
        Set::MultipleAssignments { assignments } => assignments
            .iter()
            .map(|assignment| (last_name(&assignment.name), assignment.value.to_string()))
            .collect(),
        _ => Vec::new(),
    };
    for (name, value) in assignments {
        match name.to_lowercase().as_str() {
            "lock_timeout" | "lock_wait_timeout" => push(Change::LockTimeout),
            "foreign_key_checks" if matches!(value.as_str(), "0" | "OFF" | "off" | "false") => {
                push(Change::ForeignKeyChecksOff)
            }
            _ => {}
        }
    }
}

fn alter_table(alter: &AlterTable, push: &mut dyn FnMut(Change)) {
    let table = last_name(&alter.name);
    let named = || table.clone();
    for operation in &alter.operations {
        match operation {
            AlterTableOperation::AddColumn { column_def, if_not_exists, .. } => {
                push(Change::AddColumn(added_column(named(), column_def, *if_not_exists)))
            }
            AlterTableOperation::DropColumn { if_exists, .. } => {
                push(Change::DropColumn { table: named(), if_exists: *if_exists })
            }
            AlterTableOperation::RenameColumn { .. } => push(Change::RenameColumn { table: named() }),
            AlterTableOperation::RenameTable { .. } => push(Change::RenameTable { from: named() }),
            AlterTableOperation::ChangeColumn { old_name, new_name, .. } => {
                push(Change::SetType { table: named(), widening: false });
                if old_name.value != new_name.value {
                    push(Change::RenameColumn { table: named() });
                }
            }
            AlterTableOperation::ModifyColumn { .. } => {
                push(Change::SetType { table: named(), widening: false })
            }
            AlterTableOperation::AlterColumn { column_name, op } => match op {
                AlterColumnOperation::SetNotNull => {
                    push(Change::SetNotNull { table: named(), column: column_name.value.clone() })
                }
                AlterColumnOperation::SetDataType { data_type, .. } => {
                    let target = data_type.to_string().to_uppercase();
                    push(Change::SetType { table: named(), widening: target == "TEXT" })
                }
                _ => push(Change::AlterColumn { table: named() }),
            },
            AlterTableOperation::AddConstraint { constraint, not_valid } => {
                let kind = match constraint {
                    TableConstraint::Unique(_) => AddedConstraint::Unique,
                    TableConstraint::PrimaryKey(_) => AddedConstraint::PrimaryKey,
                    TableConstraint::ForeignKey(_) => AddedConstraint::ForeignKey,
                    TableConstraint::Check(_) => AddedConstraint::Check,
                    _ => {
                        push(Change::CreateIndex {
                            table: named(),
                            unique: false,
                            concurrently: false,
                            if_not_exists: false,
                        });
                        continue;
                    }
                };
                push(Change::AddConstraint { table: named(), kind, not_valid: *not_valid })
            }
            AlterTableOperation::ValidateConstraint { name } => {
                push(Change::ValidateConstraint { table: named(), name: name.value.clone() })
            }
            AlterTableOperation::DropConstraint { if_exists, .. } => {
                push(Change::DropConstraint { table: named(), if_exists: *if_exists })
            }
            AlterTableOperation::Algorithm { algorithm: AlterTableAlgorithm::Copy, .. } => {
                push(Change::TableCopy { table: named() })
            }
            AlterTableOperation::Algorithm { .. } | AlterTableOperation::Lock { .. } => {}
            _ => push(Change::AlterColumn { table: named() }),
        }
    }
}

fn added_column(table: String, column: &ColumnDef, if_not_exists: bool) -> AddedColumn {
    let mut added = AddedColumn {
        table,
        not_null: false,
        has_default: false,
        volatile_default: false,
        auto_increment: false,
        stored_generated: false,
        foreign_key: false,
        if_not_exists,
    };
    let type_name = column.data_type.to_string().to_uppercase();
    added.auto_increment = matches!(type_name.as_str(), "SERIAL" | "BIGSERIAL" | "SMALLSERIAL");
    for option in &column.options {
        match &option.option {
            ColumnOption::NotNull => added.not_null = true,
            ColumnOption::PrimaryKey(_) => {
                added.not_null = true;
            }
            ColumnOption::Default(expression) => {
                added.has_default = true;
                added.volatile_default = is_volatile_sql(&expression.to_string());
            }
            ColumnOption::ForeignKey(_) => added.foreign_key = true,
            ColumnOption::Generated { generation_expr: Some(_), generation_expr_mode, .. } => {
                // MySQL and PostgreSQL 18 make a generated column virtual unless told STORED;
                // PostgreSQL before 18 only has stored ones, and asks for `STORED`.
                added.stored_generated = *generation_expr_mode == Some(GeneratedExpressionMode::Stored);
            }
            ColumnOption::Generated { .. } => added.auto_increment = true,
            ColumnOption::DialectSpecific(tokens)
                if tokens.iter().any(|token| token.to_string().eq_ignore_ascii_case("AUTO_INCREMENT")) =>
            {
                added.auto_increment = true
            }
            _ => {}
        }
    }
    if added.auto_increment {
        // The database numbers the rows itself: that is its default.
        added.has_default = true;
    }
    added
}

/// The last part of a possibly qualified name, unquoted.
fn last_name(name: &ObjectName) -> String {
    name.0
        .last()
        .and_then(|part| part.as_ident())
        .map(|ident| ident.value.clone())
        .unwrap_or_else(|| name.to_string())
}

/// A statement cut to a line's length for the report.
fn shorten(sql: &str) -> String {
    const MAX: usize = 80;
    match sql.char_indices().nth(MAX) {
        Some((end, _)) => format!("{}...", &sql[..end]),
        None => sql.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(sql: &str, database: Database) -> Vec<Change> {
        changes(sql, database).into_iter().map(|located| located.change).collect()
    }

    #[test]
    fn a_raw_index_is_read_with_its_concurrently() {
        assert_eq!(
            kinds("CREATE INDEX CONCURRENTLY i ON t (a)", Database::Postgres),
            [Change::CreateIndex {
                table: "t".into(),
                unique: false,
                concurrently: true,
                if_not_exists: false
            }]
        );
    }

    #[test]
    fn a_raw_constraint_is_read_with_its_not_valid() {
        assert_eq!(
            kinds("ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0) NOT VALID", Database::Postgres),
            [Change::AddConstraint { table: "t".into(), kind: AddedConstraint::Check, not_valid: true }]
        );
    }

    #[test]
    fn a_raw_backfill_is_data_on_its_table() {
        assert_eq!(
            kinds("UPDATE users SET a = 1", Database::MySql),
            [Change::Data { table: Some("users".into()) }]
        );
    }

    #[test]
    fn raw_timeouts_and_foreign_key_checks_are_read() {
        assert_eq!(kinds("SET lock_timeout = '5s'", Database::Postgres), [Change::LockTimeout]);
        assert_eq!(kinds("SET foreign_key_checks = 0", Database::MySql), [Change::ForeignKeyChecksOff]);
    }

    #[test]
    fn a_stored_generated_column_and_a_serial_are_told_apart() {
        let [Change::AddColumn(generated)] = &kinds(
            "ALTER TABLE t ADD COLUMN b INT GENERATED ALWAYS AS (a * 2) STORED",
            Database::Postgres,
        )[..] else {
            panic!("one added column expected");
        };
        assert!(generated.stored_generated && !generated.auto_increment);
        let [Change::AddColumn(serial)] =
            &kinds("ALTER TABLE t ADD COLUMN n BIGSERIAL", Database::Postgres)[..]
        else {
            panic!("one added column expected");
        };
        assert!(serial.auto_increment);
    }

    #[test]
    fn sql_the_parser_cant_read_gives_no_changes() {
        assert!(kinds("THIS IS NOT SQL", Database::Sqlite).is_empty());
    }
}
