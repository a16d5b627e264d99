//! Operations written as Rust source: the calls on `op` (the [`Operations`](crate::Operations)
//! recorder) that record exactly these operations, for the body of a migration function.
//! Strings are written with Rust's own escapes (`{:?}`), so any name or SQL survives.

use crate::database::Database;
use crate::ops::{AlterColumn, Operation};
use crate::schema::{
    Column, Constraint, ForeignKey, Function, Index, ServerDefault, Table, Trigger, Type, Value,
};

/// One level of indentation.
const INDENT: &str = "    ";

/// The body of a migration function that records `operations` on `op`, each line indented four
/// spaces; `notes` (operation position, text) become `// review:` comments above their
/// operation.
pub fn render(operations: &[Operation], notes: &[(usize, String)]) -> String {
    let mut body = String::new();
    for (at, operation) in operations.iter().enumerate() {
        for (_, note) in notes.iter().filter(|(position, _)| *position == at) {
            body.push_str(&format!("{INDENT}// review: {note}\n"));
        }
        for line in statement(operation, "op", None).lines() {
            body.push_str(INDENT);
            body.push_str(line);
            body.push('\n');
        }
    }
    body
}

/// A Rust string literal.
fn literal(text: &str) -> String {
    format!("{text:?}")
}

/// `["a", "b"]`.
fn list(items: &[String]) -> String {
    let items: Vec<String> = items.iter().map(|item| literal(item)).collect();
    format!("[{}]", items.join(", "))
}

/// Lines indented one level more.
fn indented(text: &str) -> String {
    text.lines().map(|line| format!("{INDENT}{line}\n")).collect()
}

/// The statement that records `operation` on `recorder`; inside a batch (`table` given), the
/// batch's form without the table's name.
fn statement(operation: &Operation, recorder: &str, table: Option<&str>) -> String {
    // `op.add_column("t", ` or, in a batch, `batch.add_column(`.
    let call = |method: &str, table_name: &str| match table {
        Some(_) => format!("{recorder}.{method}("),
        None => format!("{recorder}.{method}({}, ", literal(table_name)),
    };
    let call_named = |method: &str, name: &str, table_name: &str| match table {
        Some(_) => format!("{recorder}.{method}({}", literal(name)),
        None => format!("{recorder}.{method}({}, {}", literal(name), literal(table_name)),
    };
    match operation {
        Operation::Execute { sql } => format!("{recorder}.execute({});\n", literal(sql)),
        Operation::ExecuteOn(execute) => {
            let mut text = String::new();
            for (position, (database, sql)) in execute.statements.iter().enumerate() {
                let database = format!("Database::{database:?}");
                if position == 0 {
                    text.push_str(&format!("{recorder}.execute_on({database}, {})", literal(sql)));
                } else {
                    text.push_str(&format!(".on({database}, {})", literal(sql)));
                }
            }
            if let Some(sql) = &execute.otherwise {
                text.push_str(&format!(".otherwise({})", literal(sql)));
            }
            text.push_str(";\n");
            text
        }
        Operation::CreateTable(create) => {
            let mut text = format!("{recorder}.create_table({}, |t| {{\n", literal(&create.table.name));
            text.push_str(&indented(&table_body(&create.table)));
            text.push_str("})");
            if create.if_not_exists {
                text.push_str(".if_not_exists()");
            }
            text.push_str(";\n");
            text
        }
        Operation::DropTable(drop) => {
            let mut text = format!("{recorder}.drop_table({})", literal(&drop.name));
            if drop.if_exists {
                text.push_str(".if_exists()");
            }
            if let Some(definition) = &drop.definition {
                text.push_str(".definition(|t| {\n");
                text.push_str(&indented(&table_body(definition)));
                text.push('}');
                text.push(')');
            }
            text.push_str(";\n");
            text
        }
        Operation::RenameTable(rename) => {
            format!("{recorder}.rename_table({}, {});\n", literal(&rename.from), literal(&rename.to))
        }
        Operation::AddColumn(add) => {
            let method = if add.if_not_exists { "add_column_if_not_exists" } else { "add_column" };
            format!(
                "{}{}, {}){};\n",
                call(method, &add.table),
                literal(&add.column.name),
                type_expression(&add.column.column_type),
                column_modifiers(&add.column)
            )
        }
        Operation::DropColumn(drop) => {
            let mut text = format!("{}{})", call("drop_column", &drop.table), literal(&drop.column));
            if drop.if_exists {
                text.push_str(".if_exists()");
            }
            if let Some(column) = &drop.definition {
                text.push_str(&format!(
                    ".definition({}){}",
                    type_expression(&column.column_type),
                    column_modifiers(column)
                ));
            }
            text.push_str(";\n");
            text
        }
        Operation::AlterColumn(alter) => {
            format!(
                "{}{}){};\n",
                call("alter_column", &alter.table),
                literal(&alter.column),
                alter_modifiers(alter)
            )
        }
        Operation::CreateIndex(create) => {
            let index = &create.index;
            let mut text = match table {
                Some(_) => {
                    format!("{recorder}.create_index({}, {})", literal(&index.name), list(&index.columns))
                }
                None => format!(
                    "{recorder}.create_index({}, {}, {})",
                    literal(&index.name),
                    literal(&index.table),
                    list(&index.columns)
                ),
            };
            text.push_str(&index_modifiers(index));
            if create.if_not_exists {
                text.push_str(".if_not_exists()");
            }
            if create.concurrently {
                text.push_str(".concurrently()");
            }
            text.push_str(";\n");
            text
        }
        Operation::DropIndex(drop) => {
            let mut text = format!("{})", call_named("drop_index", &drop.name, &drop.table));
            if drop.if_exists {
                text.push_str(".if_exists()");
            }
            if drop.concurrently {
                text.push_str(".concurrently()");
            }
            if let Some(index) = &drop.definition {
                text.push_str(&format!(".definition({}){}", list(&index.columns), index_modifiers(index)));
            }
            text.push_str(";\n");
            text
        }
        Operation::AddConstraint(add) => match &add.constraint {
            Constraint::Unique { name, columns } => {
                format!("{}, {});\n", call_named("create_unique", name, &add.table), list(columns))
            }
            Constraint::ForeignKey(key) => format!(
                "{}, {}, {}, {}){};\n",
                call_named(
                    if add.not_valid { "create_foreign_key_not_valid" } else { "create_foreign_key" },
                    &key.name,
                    &add.table
                ),
                list(&key.columns),
                literal(&key.referenced_table),
                list(&key.referenced_columns),
                actions(key)
            ),
            Constraint::Check { name, expression } => {
                let method = if add.not_valid { "create_check_not_valid" } else { "create_check" };
                format!("{}, {});\n", call_named(method, name, &add.table), literal(expression))
            }
        },
        Operation::ValidateConstraint(validate) => {
            format!("{});\n", call_named("validate_constraint", &validate.name, &validate.table))
        }
        Operation::SetTimeout(timeout) => {
            let method = match timeout.kind {
                crate::ops::Timeout::Lock => "set_lock_timeout",
                crate::ops::Timeout::Statement => "set_statement_timeout",
            };
            format!("{recorder}.{method}(Duration::from_millis({}));\n", timeout.duration.as_millis())
        }
        Operation::DropConstraint(drop) => {
            let method = match drop.kind {
                crate::schema::ConstraintKind::Unique => "drop_unique",
                crate::schema::ConstraintKind::ForeignKey => "drop_foreign_key",
                crate::schema::ConstraintKind::Check => "drop_check",
            };
            let mut text = format!("{})", call_named(method, &drop.name, &drop.table));
            if drop.if_exists {
                text.push_str(".if_exists()");
            }
            if let Some(constraint) = &drop.definition {
                text.push_str(&format!(".definition({})", constraint_expression(constraint)));
            }
            text.push_str(";\n");
            text
        }
        Operation::BulkInsert(insert) => {
            let rows: Vec<String> = insert
                .rows
                .iter()
                .map(|row| {
                    let values: Vec<String> = row.iter().map(value_expression).collect();
                    format!("vec![{}]", values.join(", "))
                })
                .collect();
            format!(
                "{recorder}.bulk_insert({}, {}, [{}]);\n",
                literal(&insert.table),
                list(&insert.columns),
                rows.join(", ")
            )
        }
        Operation::CreateEnum(create) => {
            format!("{recorder}.create_enum({}, {});\n", literal(&create.name), list(&create.variants))
        }
        Operation::AddEnumValue(add) => {
            let mut text =
                format!("{recorder}.add_enum_value({}, {})", literal(&add.name), literal(&add.value));
            if let Some(before) = &add.before {
                text.push_str(&format!(".before({})", literal(before)));
            }
            text.push_str(";\n");
            text
        }
        Operation::DropEnum(drop) => {
            let mut text = format!("{recorder}.drop_enum({})", literal(&drop.name));
            if drop.if_exists {
                text.push_str(".if_exists()");
            }
            if let Some(variants) = &drop.definition {
                text.push_str(&format!(".definition({})", list(variants)));
            }
            text.push_str(";\n");
            text
        }
        Operation::CreateView(create) => {
            let mut text = format!(
                "{recorder}.create_view({}, {})",
                literal(&create.view.name),
                literal(&create.view.definition)
            );
            if create.or_replace {
                text.push_str(".or_replace()");
            }
            text.push_str(";\n");
            text
        }
        Operation::DropView(drop) => {
            let mut text = format!("{recorder}.drop_view({})", literal(&drop.name));
            if drop.if_exists {
                text.push_str(".if_exists()");
            }
            if let Some(sql) = &drop.definition {
                text.push_str(&format!(".definition({})", literal(sql)));
            }
            text.push_str(";\n");
            text
        }
        Operation::CreateFunction(create) => {
            let mut text = format!("{recorder}.create_function({})", function_expression(&create.function));
            if create.or_replace {
                text.push_str(".or_replace()");
            }
            text.push_str(";\n");
            text
        }
        Operation::DropFunction(drop) => {
            let mut text = format!("{recorder}.drop_function({})", literal(&drop.name));
            if drop.if_exists {
                text.push_str(".if_exists()");
            }
            if let Some(function) = &drop.definition {
                text.push_str(&format!(".definition({})", function_expression(function)));
            }
            text.push_str(";\n");
            text
        }
        Operation::CreateTrigger(create) => {
            format!("{recorder}.create_trigger({});\n", trigger_expression(&create.trigger))
        }
        Operation::DropTrigger(drop) => {
            let mut text =
                format!("{recorder}.drop_trigger({}, {})", literal(&drop.name), literal(&drop.table));
            if drop.if_exists {
                text.push_str(".if_exists()");
            }
            if let Some(trigger) = &drop.definition {
                text.push_str(&format!(".definition({})", trigger_expression(trigger)));
            }
            text.push_str(";\n");
            text
        }
        Operation::BatchAlterTable(batch) => {
            let mut text = format!("{recorder}.batch_alter_table({}, |batch| {{\n", literal(&batch.table));
            for change in &batch.operations {
                text.push_str(&indented(&statement(change, "batch", Some(&batch.table))));
            }
            text.push_str("});\n");
            text
        }
    }
}

/// `Function::new("f", "integer").arguments("x integer").on(Database::Postgres, "..")`, one call
/// per line after the first.
fn function_expression(function: &Function) -> String {
    let mut text = format!("Function::new({}, {})", literal(&function.name), literal(&function.returns));
    if !function.arguments.is_empty() {
        text.push_str(&format!("\n{INDENT}.arguments({})", literal(&function.arguments)));
    }
    if function.language != "plpgsql" {
        text.push_str(&format!("\n{INDENT}.language({})", literal(&function.language)));
    }
    text.push_str(&bodies(&function.bodies));
    text
}

/// `Trigger::new("t", "users", TriggerTiming::Before, TriggerEvent::Update).execute_function(..)`.
fn trigger_expression(trigger: &Trigger) -> String {
    let mut text = format!(
        "Trigger::new({}, {}, TriggerTiming::{:?}, TriggerEvent::{:?})",
        literal(&trigger.name),
        literal(&trigger.table),
        trigger.timing,
        trigger.event
    );
    if let Some(function) = &trigger.function {
        text.push_str(&format!("\n{INDENT}.execute_function({})", literal(function)));
    }
    text.push_str(&bodies(&trigger.bodies));
    text
}

/// `.on(Database::Postgres, "..")` for each body, one per line.
fn bodies(bodies: &[(Database, String)]) -> String {
    bodies
        .iter()
        .map(|(database, body)| format!("\n{INDENT}.on(Database::{database:?}, {})", literal(body)))
        .collect()
}

/// The statements inside `create_table`'s closure (`t` the table).
fn table_body(table: &Table) -> String {
    let mut text = String::new();
    for column in &table.columns {
        text.push_str(&format!(
            "t.column({}, {}){};\n",
            literal(&column.name),
            type_expression(&column.column_type),
            column_modifiers(column)
        ));
    }
    if !table.primary_key.is_empty() {
        text.push_str(&format!("t.primary_key({});\n", list(&table.primary_key)));
    }
    for constraint in &table.constraints {
        match constraint {
            Constraint::Unique { name, columns } => {
                text.push_str(&format!("t.unique({}, {});\n", literal(name), list(columns)))
            }
            Constraint::ForeignKey(key) => text.push_str(&format!(
                "t.foreign_key({}, {}, {}, {}){};\n",
                literal(&key.name),
                list(&key.columns),
                literal(&key.referenced_table),
                list(&key.referenced_columns),
                actions(key)
            )),
            Constraint::Check { name, expression } => {
                text.push_str(&format!("t.check({}, {});\n", literal(name), literal(expression)))
            }
        }
    }
    if let Some(comment) = &table.comment {
        text.push_str(&format!("t.comment({});\n", literal(comment)));
    }
    text
}

/// `.not_null().server_default(..)...`: what makes a new column this one. The reference comes last, as it returns the reference to describe.
fn column_modifiers(column: &Column) -> String {
    let mut text = String::new();
    if column.primary_key {
        text.push_str(".primary_key()");
        if column.nullable {
            text.push_str(".nullable()");
        }
    } else if !column.nullable {
        text.push_str(".not_null()");
    }
    if column.auto_increment {
        text.push_str(".auto_increment()");
    }
    if column.unique {
        text.push_str(".unique()");
    }
    if let Some(default) = &column.server_default {
        text.push_str(&format!(".server_default({})", default_argument(default)));
    }
    if let Some(comment) = &column.comment {
        text.push_str(&format!(".comment({})", literal(comment)));
    }
    if let Some(reference) = &column.references {
        text.push_str(&format!(".references({}, {})", literal(&reference.table), literal(&reference.column)));
        if let Some(name) = &reference.name {
            text.push_str(&format!(".named({})", literal(name)));
        }
        if let Some(action) = reference.on_delete {
            text.push_str(&format!(".on_delete(ReferentialAction::{action:?})"));
        }
        if let Some(action) = reference.on_update {
            text.push_str(&format!(".on_update(ReferentialAction::{action:?})"));
        }
    }
    text
}

/// `.set_type(..).set_nullable(..)...existing_type(..)`.
fn alter_modifiers(alter: &AlterColumn) -> String {
    let mut text = String::new();
    if let Some(new_type) = &alter.new_type {
        text.push_str(&format!(".set_type({})", type_expression(new_type)));
    }
    if let Some(nullable) = alter.new_nullable {
        text.push_str(&format!(".set_nullable({nullable})"));
    }
    match &alter.new_server_default {
        Some(Some(default)) => text.push_str(&format!(".set_server_default({})", default_argument(default))),
        Some(None) => text.push_str(".drop_server_default()"),
        None => {}
    }
    if let Some(name) = &alter.new_name {
        text.push_str(&format!(".rename_to({})", literal(name)));
    }
    if let Some(existing) = &alter.existing_type {
        text.push_str(&format!(".existing_type({})", type_expression(existing)));
    }
    if let Some(nullable) = alter.existing_nullable {
        text.push_str(&format!(".existing_nullable({nullable})"));
    }
    match &alter.existing_server_default {
        Some(Some(default)) => {
            text.push_str(&format!(".existing_server_default(Some({}))", default_expression(default)))
        }
        Some(None) => text.push_str(".existing_server_default(None)"),
        None => {}
    }
    text
}

/// `.unique().partial("..")`.
fn index_modifiers(index: &Index) -> String {
    let mut text = String::new();
    if index.unique {
        text.push_str(".unique()");
    }
    if let Some(condition) = &index.partial {
        text.push_str(&format!(".partial({})", literal(condition)));
    }
    text
}

/// `.on_delete(..).on_update(..)`.
fn actions(key: &ForeignKey) -> String {
    let mut text = String::new();
    if let Some(action) = key.on_delete {
        text.push_str(&format!(".on_delete(ReferentialAction::{action:?})"));
    }
    if let Some(action) = key.on_update {
        text.push_str(&format!(".on_update(ReferentialAction::{action:?})"));
    }
    text
}

/// `Type::BigInt`, `Type::Varchar(255)`, `Type::enumeration("mood", ["a", "b"])`.
fn type_expression(column_type: &Type) -> String {
    match column_type {
        Type::SmallInt => "Type::SmallInt".to_owned(),
        Type::Integer => "Type::Integer".to_owned(),
        Type::BigInt => "Type::BigInt".to_owned(),
        Type::Text => "Type::Text".to_owned(),
        Type::Varchar(length) => format!("Type::Varchar({length})"),
        Type::Boolean => "Type::Boolean".to_owned(),
        Type::Numeric { precision, scale } => {
            format!("Type::Numeric {{ precision: {precision}, scale: {scale} }}")
        }
        Type::Float => "Type::Float".to_owned(),
        Type::Double => "Type::Double".to_owned(),
        Type::Date => "Type::Date".to_owned(),
        Type::Time => "Type::Time".to_owned(),
        Type::Timestamp { with_time_zone } => {
            format!("Type::Timestamp {{ with_time_zone: {with_time_zone} }}")
        }
        Type::Uuid => "Type::Uuid".to_owned(),
        Type::Json => "Type::Json".to_owned(),
        Type::Binary => "Type::Binary".to_owned(),
        Type::Enum { name, variants } => format!("Type::enumeration({}, {})", literal(name), list(variants)),
    }
}

/// What `server_default(..)` takes: the plain value where one converts (`"x"`, `true`,
/// `Value::Integer(5)`), else the default spelled out.
fn default_argument(default: &ServerDefault) -> String {
    match default {
        ServerDefault::Value(Value::Text(text)) => literal(text),
        ServerDefault::Value(Value::Boolean(value)) => value.to_string(),
        ServerDefault::Value(value) => value_expression(value),
        other => default_expression(other),
    }
}

/// `ServerDefault::CurrentTimestamp`, `ServerDefault::Value(Value::Integer(5))`.
fn default_expression(default: &ServerDefault) -> String {
    match default {
        ServerDefault::Value(value) => format!("ServerDefault::Value({})", value_expression(value)),
        ServerDefault::CurrentTimestamp => "ServerDefault::CurrentTimestamp".to_owned(),
        ServerDefault::CurrentDate => "ServerDefault::CurrentDate".to_owned(),
        ServerDefault::Expression(sql) => format!("ServerDefault::Expression({}.to_owned())", literal(sql)),
    }
}

/// `Value::Integer(5)`, `Value::Text("x".to_owned())`.
fn value_expression(value: &Value) -> String {
    let text = |variant: &str, text: &str| format!("Value::{variant}({}.to_owned())", literal(text));
    match value {
        Value::Null => "Value::Null".to_owned(),
        Value::Boolean(value) => format!("Value::Boolean({value})"),
        Value::Integer(number) => format!("Value::Integer({number})"),
        Value::Float(number) => format!("Value::Float({number:?})"),
        Value::Decimal(number) => text("Decimal", number),
        Value::Text(value) => text("Text", value),
        Value::Binary(bytes) => format!("Value::Binary(vec!{bytes:?})"),
        Value::Date(value) => text("Date", value),
        Value::Time(value) => text("Time", value),
        Value::Timestamp(value) => text("Timestamp", value),
        Value::Uuid(value) => text("Uuid", value),
        Value::Json(value) => text("Json", value),
    }
}

/// `Constraint::Unique { .. }`, `Constraint::ForeignKey(ForeignKey::new(..).on_delete(..).clone())`.
fn constraint_expression(constraint: &Constraint) -> String {
    match constraint {
        Constraint::Unique { name, columns } => {
            let columns: Vec<String> =
                columns.iter().map(|column| format!("{}.to_owned()", literal(column))).collect();
            format!(
                "Constraint::Unique {{ name: {}.to_owned(), columns: vec![{}] }}",
                literal(name),
                columns.join(", ")
            )
        }
        Constraint::ForeignKey(key) => {
            let new = format!(
                "ForeignKey::new({}, {}, {}, {})",
                literal(&key.name),
                list(&key.columns),
                literal(&key.referenced_table),
                list(&key.referenced_columns)
            );
            let actions = actions(key);
            if actions.is_empty() {
                format!("Constraint::ForeignKey({new})")
            } else {
                format!("Constraint::ForeignKey({new}{actions}.clone())")
            }
        }
        Constraint::Check { name, expression } => format!(
            "Constraint::Check {{ name: {}.to_owned(), expression: {}.to_owned() }}",
            literal(name),
            literal(expression)
        ),
    }
}
