//! What makes an operation impossible on every database, found before any SQL is rendered, and
//! how operations are named in messages.

use std::collections::HashSet;

use super::{BatchAlterTable, Operation};
use crate::database::Database;
use crate::error::{Error, Result};
use crate::schema::{Column, Constraint, Function, ServerDefault, Table, Trigger};

impl Operation {
    /// The operation as messages name it: `alter_column "users"."email"`.
    pub fn describe(&self) -> String {
        match self {
            Operation::Execute { .. } => "execute".to_owned(),
            Operation::ExecuteOn(_) => "execute_on".to_owned(),
            Operation::CreateTable(op) => format!("create_table \"{}\"", op.table.name),
            Operation::DropTable(op) => format!("drop_table \"{}\"", op.name),
            Operation::RenameTable(op) => format!("rename_table \"{}\" to \"{}\"", op.from, op.to),
            Operation::AddColumn(op) => format!("add_column \"{}\".\"{}\"", op.table, op.column.name),
            Operation::DropColumn(op) => format!("drop_column \"{}\".\"{}\"", op.table, op.column),
            Operation::AlterColumn(op) => format!("alter_column \"{}\".\"{}\"", op.table, op.column),
            Operation::CreateIndex(op) => {
                format!("create_index \"{}\" on \"{}\"", op.index.name, op.index.table)
            }
            Operation::DropIndex(op) => format!("drop_index \"{}\" on \"{}\"", op.name, op.table),
            Operation::AddConstraint(op) => {
                let verb = match op.constraint {
                    Constraint::Unique { .. } => "create_unique",
                    Constraint::ForeignKey(_) => "create_foreign_key",
                    Constraint::Check { .. } => "create_check",
                };
                format!("{verb} \"{}\" on \"{}\"", op.constraint.name(), op.table)
            }
            Operation::DropConstraint(op) => {
                let verb = match op.kind {
                    crate::schema::ConstraintKind::Unique => "drop_unique",
                    crate::schema::ConstraintKind::ForeignKey => "drop_foreign_key",
                    crate::schema::ConstraintKind::Check => "drop_check",
                };
                format!("{verb} \"{}\" on \"{}\"", op.name, op.table)
            }
            Operation::BulkInsert(op) => format!("bulk_insert into \"{}\"", op.table),
            Operation::ValidateConstraint(op) => {
                format!("validate_constraint \"{}\" on \"{}\"", op.name, op.table)
            }
            Operation::SetTimeout(op) => match op.kind {
                super::Timeout::Lock => format!("set_lock_timeout {:?}", op.duration),
                super::Timeout::Statement => format!("set_statement_timeout {:?}", op.duration),
            },
            Operation::BatchAlterTable(op) => format!("batch_alter_table \"{}\"", op.table),
            Operation::DropEnum(op) => format!("drop_enum \"{}\"", op.name),
            Operation::CreateEnum(op) => format!("create_enum \"{}\"", op.name),
            Operation::AddEnumValue(op) => format!("add_enum_value \"{}\" to \"{}\"", op.value, op.name),
            Operation::CreateView(op) => format!("create_view \"{}\"", op.view.name),
            Operation::DropView(op) => format!("drop_view \"{}\"", op.name),
            Operation::CreateFunction(op) => format!("create_function \"{}\"", op.function.name),
            Operation::DropFunction(op) => format!("drop_function \"{}\"", op.name),
            Operation::CreateTrigger(op) => {
                format!("create_trigger \"{}\" on \"{}\"", op.trigger.name, op.trigger.table)
            }
            Operation::DropTrigger(op) => format!("drop_trigger \"{}\" on \"{}\"", op.name, op.table),
        }
    }

    /// The table the operation changes, if it changes one.
    pub fn table(&self) -> Option<&str> {
        match self {
            Operation::Execute { .. }
            | Operation::ExecuteOn(_)
            | Operation::DropEnum(_)
            | Operation::CreateEnum(_)
            | Operation::AddEnumValue(_)
            | Operation::CreateView(_)
            | Operation::DropView(_)
            | Operation::CreateFunction(_)
            | Operation::DropFunction(_)
            | Operation::SetTimeout(_) => None,
            Operation::CreateTrigger(op) => Some(&op.trigger.table),
            Operation::DropTrigger(op) => Some(&op.table),
            Operation::ValidateConstraint(op) => Some(&op.table),
            Operation::CreateTable(op) => Some(&op.table.name),
            Operation::DropTable(op) => Some(&op.name),
            Operation::RenameTable(op) => Some(&op.from),
            Operation::AddColumn(op) => Some(&op.table),
            Operation::DropColumn(op) => Some(&op.table),
            Operation::AlterColumn(op) => Some(&op.table),
            Operation::CreateIndex(op) => Some(&op.index.table),
            Operation::DropIndex(op) => Some(&op.table),
            Operation::AddConstraint(op) => Some(&op.table),
            Operation::DropConstraint(op) => Some(&op.table),
            Operation::BulkInsert(op) => Some(&op.table),
            Operation::BatchAlterTable(op) => Some(&op.table),
        }
    }

    /// Refuses what no database can do: a table without columns, `varchar(0)`, an index on no
    /// columns, an alter that changes nothing, a row with the wrong number of values, ...
    pub fn validate(&self) -> Result<()> {
        self.problem()
            .map_or(Ok(()), |reason| Err(Error::InvalidOperation { operation: self.describe(), reason }))
    }

    fn problem(&self) -> Option<String> {
        match self {
            Operation::Execute { .. } | Operation::ExecuteOn(_) => None,
            Operation::CreateTable(op) => table_problem(&op.table),
            Operation::DropTable(op) => {
                named("table", &op.name).or_else(|| op.definition.as_ref().and_then(table_problem))
            }
            Operation::RenameTable(op) => named("table", &op.from).or_else(|| named("new table", &op.to)),
            Operation::AddColumn(op) => named("table", &op.table)
                .or_else(|| column_problem(&op.column))
                .or_else(|| op.column.constraints(&op.table).iter().find_map(constraint_problem))
                .or_else(|| {
                    if op.column.primary_key || op.column.auto_increment {
                        Some(format!(
                            "add_column can't add a primary key; create the table with column \"{}\" instead",
                            op.column.name
                        ))
                    } else {
                        None
                    }
                }),
            Operation::DropColumn(op) => named("table", &op.table).or_else(|| named("column", &op.column)),
            Operation::AlterColumn(op) => named("table", &op.table)
                .or_else(|| named("column", &op.column))
                .or_else(|| {
                    (!op.changes_anything()).then(|| {
                        "nothing to change: say what with set_type, set_nullable, set_server_default, \
                         drop_server_default or rename_to"
                            .to_owned()
                    })
                })
                .or_else(|| op.new_type.as_ref().and_then(|new_type| new_type.invalid()))
                .or_else(|| op.new_name.as_ref().and_then(|name| named("new column", name)))
                .or_else(|| {
                    op.new_server_default
                        .as_ref()
                        .and_then(|default| default.as_ref())
                        .and_then(default_problem)
                }),
            Operation::CreateIndex(op) => named("index", &op.index.name)
                .or_else(|| named("table", &op.index.table))
                .or_else(|| columns_problem("the index", &op.index.columns)),
            Operation::DropIndex(op) => named("index", &op.name).or_else(|| named("table", &op.table)),
            Operation::AddConstraint(op) => {
                named("table", &op.table).or_else(|| constraint_problem(&op.constraint))
            }
            Operation::DropConstraint(op) => {
                named("constraint", &op.name).or_else(|| named("table", &op.table))
            }
            Operation::ValidateConstraint(op) => {
                named("constraint", &op.name).or_else(|| named("table", &op.table))
            }
            Operation::SetTimeout(op) => op.duration.is_zero().then(|| {
                "a zero timeout means none on PostgreSQL: give a positive duration, e.g. Duration::from_secs(5)"
                    .to_owned()
            }),
            Operation::BulkInsert(op) => named("table", &op.table)
                .or_else(|| columns_problem("bulk_insert", &op.columns))
                .or_else(|| {
                    op.rows.iter().enumerate().find_map(|(number, row)| {
                        if row.len() != op.columns.len() {
                            return Some(format!(
                                "row {number} has {} value(s) for {} column(s)",
                                row.len(),
                                op.columns.len()
                            ));
                        }
                        row.iter()
                            .find_map(|value| value.invalid())
                            .map(|reason| format!("row {number}: {reason}"))
                    })
                }),
            Operation::DropEnum(op) => named("enum", &op.name).or_else(|| {
                let variants = op.definition.as_ref()?;
                crate::schema::Type::enumeration(&op.name, variants.iter()).invalid()
            }),
            Operation::CreateEnum(op) => named("enum", &op.name)
                .or_else(|| crate::schema::Type::enumeration(&op.name, op.variants.iter()).invalid()),
            Operation::AddEnumValue(op) => named("enum", &op.name).or_else(|| {
                (op.before.as_ref() == Some(&op.value))
                    .then(|| format!("value '{}' can't go before itself", op.value))
            }),
            Operation::BatchAlterTable(op) => named("table", &op.table).or_else(|| batch_problem(op)),
            Operation::CreateView(op) => view_problem(&op.view.name, &op.view.definition),
            Operation::DropView(op) => named("view", &op.name)
                .or_else(|| op.definition.as_ref().and_then(|sql| view_problem(&op.name, sql))),
            Operation::CreateFunction(op) => function_problem(&op.function),
            Operation::DropFunction(op) => {
                named("function", &op.name).or_else(|| op.definition.as_ref().and_then(function_problem))
            }
            Operation::CreateTrigger(op) => trigger_problem(&op.trigger),
            Operation::DropTrigger(op) => named("trigger", &op.name)
                .or_else(|| named("table", &op.table))
                .or_else(|| op.definition.as_ref().and_then(trigger_problem)),
        }
    }
}

/// What is wrong with a batch: nothing in it, a change that isn't to its table's columns,
/// indexes or constraints (SQLite rebuilds the one table for all of them), or a change that is
/// wrong itself.
fn batch_problem(batch: &BatchAlterTable) -> Option<String> {
    if batch.operations.is_empty() {
        return Some(
            "the batch changes nothing: record changes inside it, e.g. `t.add_column(..)`".to_owned(),
        );
    }
    batch.operations.iter().find_map(|operation| {
        let describe = operation.describe();
        let of_a_table = matches!(
            operation,
            Operation::AddColumn(_)
                | Operation::DropColumn(_)
                | Operation::AlterColumn(_)
                | Operation::CreateIndex(_)
                | Operation::DropIndex(_)
                | Operation::AddConstraint(_)
                | Operation::DropConstraint(_)
        );
        if !of_a_table {
            return Some(format!(
                "{describe} can't be part of a batch, which adds, drops and alters columns, indexes and \
                 constraints of one table; record it before or after the batch"
            ));
        }
        if operation.table() != Some(batch.table.as_str()) {
            return Some(format!(
                "{describe} changes another table than the batch's \"{}\"; record it in a batch of its own",
                batch.table
            ));
        }
        operation.problem().map(|reason| format!("{describe}: {reason}"))
    })
}

fn view_problem(name: &str, sql: &str) -> Option<String> {
    named("view", name)
        .or_else(|| sql.trim().is_empty().then(|| format!("view \"{name}\" has an empty query")))
}

/// What is wrong with a function: no body, a body for SQLite (which has no stored functions),
/// an empty body or return type.
fn function_problem(function: &Function) -> Option<String> {
    let name = &function.name;
    named("function", name)
        .or_else(|| {
            function.returns.trim().is_empty().then(|| {
                format!("function \"{name}\" returns nothing: say what with Function::new(name, \"integer\")")
            })
        })
        .or_else(|| {
            function.bodies.is_empty().then(|| {
                format!(
                    "function \"{name}\" has no body: give one per database with .on(Database::Postgres, ..) \
                     and .on(Database::MySql, ..)"
                )
            })
        })
        .or_else(|| {
            function.body_for(Database::Sqlite).map(|_| {
                format!(
                    "function \"{name}\" has a body for SQLite, which has no stored functions: write the \
                     logic in a trigger's body there (Trigger::on(Database::Sqlite, ..))"
                )
            })
        })
        .or_else(|| empty_body("function", name, &function.bodies))
}

/// What is wrong with a trigger: nothing to run, a body for PostgreSQL (whose triggers call a
/// function), an empty body.
fn trigger_problem(trigger: &Trigger) -> Option<String> {
    let name = &trigger.name;
    named("trigger", name)
        .or_else(|| named("table", &trigger.table))
        .or_else(|| {
            (trigger.function.is_none() && trigger.bodies.is_empty()).then(|| {
                format!(
                    "trigger \"{name}\" runs nothing: name a function with .execute_function(..) for \
                     PostgreSQL, give a body with .on(Database::Sqlite, ..) or .on(Database::MySql, ..)"
                )
            })
        })
        .or_else(|| trigger.function.as_deref().and_then(|function| named("function", function)))
        .or_else(|| {
            trigger.body_for(Database::Postgres).map(|_| {
                format!(
                    "trigger \"{name}\" has a body for PostgreSQL, whose triggers call a function: create \
                     one returning trigger and name it with .execute_function(..)"
                )
            })
        })
        .or_else(|| empty_body("trigger", name, &trigger.bodies))
}

fn empty_body(what: &str, name: &str, bodies: &[(Database, String)]) -> Option<String> {
    bodies
        .iter()
        .find(|(_, body)| body.trim().is_empty())
        .map(|(database, _)| format!("{what} \"{name}\" has an empty body for {}", database.name()))
}

/// The longest name every database keeps whole: PostgreSQL cuts longer ones short (so that a later
/// drop by the full name finds nothing), MariaDB refuses names over 64 bytes.
const LONGEST_NAME: usize = 63;

fn named(what: &str, name: &str) -> Option<String> {
    if name.is_empty() {
        return Some(format!("the {what} name is empty"));
    }
    (name.len() > LONGEST_NAME).then(|| {
        format!(
            "the {what} name \"{name}\" is {} bytes long; PostgreSQL keeps only {LONGEST_NAME}: choose a shorter one",
            name.len()
        )
    })
}

fn columns_problem(what: &str, columns: &[String]) -> Option<String> {
    if columns.is_empty() {
        return Some(format!("{what} names no columns"));
    }
    if columns.iter().any(String::is_empty) {
        return Some(format!("{what} names a column with an empty name"));
    }
    let mut seen = HashSet::new();
    columns
        .iter()
        .find(|column| !seen.insert(column.as_str()))
        .map(|column| format!("{what} names column \"{column}\" twice"))
}

fn default_problem(default: &ServerDefault) -> Option<String> {
    match default {
        ServerDefault::Value(value) => value.invalid().map(|reason| format!("server default: {reason}")),
        ServerDefault::Expression(sql) if sql.trim().is_empty() => {
            Some("the server default expression is empty".to_owned())
        }
        _ => None,
    }
}

fn column_problem(column: &Column) -> Option<String> {
    let name = &column.name;
    if let Some(reason) = named("column", name) {
        return Some(reason);
    }
    if let Some(reason) = column.column_type.invalid() {
        return Some(format!("column \"{name}\": {reason}"));
    }
    if column.auto_increment && !column.column_type.is_integer() {
        return Some(format!("column \"{name}\" is auto_increment but not an integer"));
    }
    if let Some(reason) = column.server_default.as_ref().and_then(default_problem) {
        return Some(format!("column \"{name}\": {reason}"));
    }
    if column
        .references
        .as_ref()
        .is_some_and(|reference| reference.table.is_empty() || reference.column.is_empty())
    {
        return Some(format!("column \"{name}\" references a table or column with an empty name"));
    }
    None
}

fn constraint_problem(constraint: &Constraint) -> Option<String> {
    if let Some(reason) = named("constraint", constraint.name()) {
        // A column's unique() and references() name their constraints after the table and column.
        return Some(format!(
            "{reason} (name a column's constraints with t.unique(name, ..) or .references(..).named(name))"
        ));
    }
    let name = constraint.name();
    match constraint {
        Constraint::Unique { columns, .. } => columns_problem(&format!("unique constraint \"{name}\""), columns),
        Constraint::ForeignKey(foreign_key) => {
            columns_problem(&format!("foreign key \"{name}\""), &foreign_key.columns).or_else(|| {
                if foreign_key.referenced_table.is_empty() {
                    Some(format!("foreign key \"{name}\" references a table with an empty name"))
                } else if foreign_key.referenced_columns.len() != foreign_key.columns.len() {
                    Some(format!(
                        "foreign key \"{name}\" has {} column(s) referring to {} column(s); give one referenced column for each",
                        foreign_key.columns.len(),
                        foreign_key.referenced_columns.len()
                    ))
                } else {
                    None
                }
            })
        }
        Constraint::Check { expression, .. } => {
            expression.trim().is_empty().then(|| format!("check constraint \"{name}\" has an empty expression"))
        }
    }
}

fn table_problem(table: &Table) -> Option<String> {
    if let Some(reason) = named("table", &table.name) {
        return Some(reason);
    }
    if table.columns.is_empty() {
        return Some("a table needs at least one column".to_owned());
    }
    let mut seen = HashSet::new();
    if let Some(column) = table.columns.iter().find(|column| !seen.insert(column.name.as_str())) {
        return Some(format!("column \"{}\" is declared twice", column.name));
    }
    if let Some(reason) = table.columns.iter().find_map(column_problem) {
        return Some(reason);
    }
    let has_column = |name: &str| table.columns.iter().any(|column| column.name == name);
    if !table.primary_key.is_empty() && table.columns.iter().any(|column| column.primary_key) {
        return Some(
            "the primary key is given both for the table and on columns; give it one way".to_owned(),
        );
    }
    let primary_key = table.primary_key_columns();
    if let Some(missing) = primary_key.iter().find(|name| !has_column(name)) {
        return Some(format!("the primary key names column \"{missing}\", which the table doesn't have"));
    }
    if let Some(column) = table.columns.iter().find(|column| column.auto_increment)
        && primary_key != [column.name.as_str()]
    {
        return Some(format!(
            "column \"{}\" is auto_increment, which needs it to be the whole primary key",
            column.name
        ));
    }
    let mut names = HashSet::new();
    for constraint in table.all_constraints() {
        if let Some(reason) = constraint_problem(&constraint) {
            return Some(reason);
        }
        if !names.insert(constraint.name().to_owned()) {
            return Some(format!("two constraints are named \"{}\"", constraint.name()));
        }
        let columns = match &constraint {
            Constraint::Unique { columns, .. } => columns.as_slice(),
            Constraint::ForeignKey(foreign_key) => foreign_key.columns.as_slice(),
            Constraint::Check { .. } => &[],
        };
        if let Some(missing) = columns.iter().find(|name| !has_column(name)) {
            return Some(format!(
                "constraint \"{}\" names column \"{missing}\", which the table doesn't have",
                constraint.name()
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use crate::ops::Operations;
    use crate::schema::Type;

    fn problem(record: impl FnOnce(&mut Operations)) -> String {
        let mut op = Operations::new();
        record(&mut op);
        match op.recorded()[0].validate() {
            Err(error) => error.to_string(),
            Ok(()) => panic!("expected a validation error"),
        }
    }

    #[test]
    fn a_function_with_a_sqlite_body_is_refused_saying_sqlite_has_none() {
        use crate::database::Database;
        use crate::schema::Function;
        let message = problem(|op| {
            op.create_function(Function::new("f", "integer").on(Database::Sqlite, "SELECT 1"));
        });
        assert!(message.contains("SQLite, which has no stored functions"), "{message}");
    }

    #[test]
    fn a_trigger_that_runs_nothing_is_refused() {
        use crate::schema::{Trigger, TriggerEvent, TriggerTiming};
        let message = problem(|op| {
            op.create_trigger(Trigger::new("t", "users", TriggerTiming::Before, TriggerEvent::Insert));
        });
        assert!(message.contains("trigger \"t\" runs nothing"), "{message}");
    }

    #[test]
    fn a_table_without_columns_is_refused_naming_the_table() {
        let message = problem(|op| {
            op.create_table("users", |_| {});
        });
        assert_eq!(message, "create_table \"users\" can't be run: a table needs at least one column");
    }

    #[test]
    fn varchar_of_zero_is_refused_naming_the_column() {
        let message = problem(|op| {
            op.create_table("users", |t| {
                t.column("email", Type::Varchar(0));
            });
        });
        assert!(message.contains("column \"email\": varchar(0) holds nothing"), "{message}");
    }

    #[test]
    fn an_index_without_columns_is_refused() {
        let message = problem(|op| {
            op.create_index("users_none", "users", Vec::<String>::new());
        });
        assert_eq!(
            message,
            "create_index \"users_none\" on \"users\" can't be run: the index names no columns"
        );
    }

    #[test]
    fn an_alter_that_changes_nothing_is_refused_naming_the_column() {
        let message = problem(|op| {
            op.alter_column("users", "email");
        });
        assert!(
            message.starts_with("alter_column \"users\".\"email\" can't be run: nothing to change"),
            "{message}"
        );
    }

    #[test]
    fn a_row_with_too_few_values_is_refused_naming_the_row() {
        let message = problem(|op| {
            op.bulk_insert("users", ["id", "email"], [vec![crate::schema::Value::Integer(1)]]);
        });
        assert!(message.contains("row 0 has 1 value(s) for 2 column(s)"), "{message}");
    }

    #[test]
    fn a_derived_constraint_name_postgresql_would_cut_short_is_refused() {
        let message = problem(|op| {
            op.create_table("customer_subscription_renewals", |t| {
                t.column("previous_billing_agreement_id", Type::BigInt).unique();
            });
        });
        assert!(
            message.contains(
                "the constraint name \"customer_subscription_renewals_previous_billing_agreement_id_key\" is 64 bytes long"
            ),
            "{message}"
        );
    }

    #[test]
    fn a_foreign_key_on_a_missing_column_is_refused() {
        let message = problem(|op| {
            op.create_table("posts", |t| {
                t.column("id", Type::BigInt).primary_key();
                t.foreign_key("posts_author_fkey", ["author_id"], "users", ["id"]);
            });
        });
        assert!(message.contains("names column \"author_id\", which the table doesn't have"), "{message}");
    }

    #[test]
    fn a_batch_that_changes_nothing_is_refused() {
        let message = problem(|op| {
            op.batch_alter_table("users", |_| {});
        });
        assert_eq!(
            message,
            "batch_alter_table \"users\" can't be run: the batch changes nothing: record changes inside it, e.g. \
             `t.add_column(..)`"
        );
    }

    #[test]
    fn a_batch_names_the_change_inside_it_that_is_wrong() {
        let message = problem(|op| {
            op.batch_alter_table("users", |t| {
                t.add_column("nickname", Type::Text);
                t.alter_column("email");
            });
        });
        assert!(
            message.starts_with(
                "batch_alter_table \"users\" can't be run: alter_column \"users\".\"email\": nothing to change"
            ),
            "{message}"
        );
    }

    #[test]
    fn a_batch_holds_only_changes_to_its_own_table() {
        use crate::ops::{BatchAlterTable, Operation};
        let mut other = Operations::new();
        other.drop_column("posts", "title");
        other.rename_table("users", "people");
        let [drop_column, rename] = [other.recorded()[0].clone(), other.recorded()[1].clone()];
        for (change, reason) in [
            (drop_column, "drop_column \"posts\".\"title\" changes another table than the batch's \"users\""),
            (rename, "rename_table \"users\" to \"people\" can't be part of a batch"),
        ] {
            let batch = Operation::BatchAlterTable(BatchAlterTable {
                table: "users".to_owned(),
                operations: vec![change],
            });
            let message = batch.validate().unwrap_err().to_string();
            assert!(message.contains(reason), "{message}");
        }
    }
}
