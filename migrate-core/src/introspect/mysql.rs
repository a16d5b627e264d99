//! MariaDB's (and MySQL's) schema, through `information_schema`: the tables and views of the
//! connection's database. What MariaDB adds of its own is taken out again: the index it creates
//! for a foreign key, the check behind a JSON column, the database's name in view queries.

use super::normalise::{self, split_type_name};
use super::{
    ColumnSchema, ColumnType, FunctionSchema, Schema, TableSchema, TriggerSchema, ViewSchema, texts,
};
use crate::connection::Connection;
use crate::dialect::definition::{TokenKind, tokenize};
use crate::dialect::{Dialect, MySqlDialect};
use crate::schema::{Constraint, ForeignKey, Index, ReferentialAction, Type};

/// Reads every table and view of the connection's database.
pub(super) async fn read(connection: &mut Connection) -> Result<Schema, sqlx::Error> {
    let mut schema = Schema::default();
    let tables = connection
        .fetch_texts(
            "SELECT TABLE_NAME, TABLE_COMMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() \
             AND TABLE_TYPE = 'BASE TABLE' ORDER BY 1",
        )
        .await?;
    for row in tables {
        let [name, comment] = texts(row);
        let mut table = TableSchema::new(name);
        // No comment reads as empty.
        table.comment = (!comment.is_empty()).then_some(comment);
        schema.tables.push(table);
    }

    let columns = connection
        .fetch_texts(
            "SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA, COLUMN_COMMENT \
             FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, ORDINAL_POSITION",
        )
        .await?;
    for row in columns {
        let has_default = row.get(4).is_some_and(Option::is_some);
        let [table_name, name, type_name, nullable, default, extra, comment] = texts(row);
        let Some(table) = schema.table_mut(&table_name) else { continue };
        let mut column = ColumnSchema::new(&name, column_type(&type_name, &name));
        column.nullable = nullable == "YES";
        column.auto_increment = extra.to_ascii_lowercase().contains("auto_increment");
        column.comment = (!comment.is_empty()).then_some(comment);
        // MariaDB writes an explicit or implied NULL default as the text NULL.
        if has_default && default != "NULL" {
            column.default = normalise::default(&default, &column.column_type);
        }
        table.columns.push(column);
    }

    // Every key is an index here: the primary key, unique constraints (a unique index is one
    // too) and plain indexes.
    let statistics = connection
        .fetch_texts(
            "SELECT TABLE_NAME, INDEX_NAME, CAST(NON_UNIQUE AS CHAR), COLUMN_NAME FROM information_schema.STATISTICS \
             WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX",
        )
        .await?;
    for row in statistics {
        let [table_name, name, non_unique, column] = texts(row);
        let Some(table) = schema.table_mut(&table_name) else { continue };
        if name == "PRIMARY" {
            table.primary_key.push(column);
        } else if non_unique == "0" {
            match table.constraints.iter_mut().find(|constraint| constraint.name() == name) {
                Some(Constraint::Unique { columns, .. }) => columns.push(column),
                _ => table.constraints.push(Constraint::Unique { name, columns: vec![column] }),
            }
        } else {
            match table.indexes.iter_mut().find(|index| index.name == name) {
                Some(index) => index.columns.push(column),
                None => table.indexes.push(Index::new(name, table_name, [column])),
            }
        }
    }

    let foreign_keys = connection
        .fetch_texts(
            "SELECT k.TABLE_NAME, k.CONSTRAINT_NAME, k.COLUMN_NAME, k.REFERENCED_TABLE_NAME, k.REFERENCED_COLUMN_NAME, \
             r.UPDATE_RULE, r.DELETE_RULE FROM information_schema.KEY_COLUMN_USAGE k \
             JOIN information_schema.REFERENTIAL_CONSTRAINTS r ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA \
             AND r.TABLE_NAME = k.TABLE_NAME AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME \
             WHERE k.TABLE_SCHEMA = DATABASE() AND k.REFERENCED_TABLE_NAME IS NOT NULL \
             ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION",
        )
        .await?;
    for row in foreign_keys {
        let [table_name, name, column, referenced_table, referenced_column, on_update, on_delete] =
            texts(row);
        let Some(table) = schema.table_mut(&table_name) else { continue };
        match table.constraints.iter_mut().find(|constraint| constraint.name() == name) {
            Some(Constraint::ForeignKey(key)) => {
                key.columns.push(column);
                key.referenced_columns.push(referenced_column);
            }
            _ => {
                let mut key = ForeignKey::new(name, [column], referenced_table, [referenced_column]);
                key.on_delete = action(&on_delete);
                key.on_update = action(&on_update);
                table.constraints.push(Constraint::ForeignKey(key));
            }
        }
    }

    let checks = connection
        .fetch_texts(
            "SELECT TABLE_NAME, CONSTRAINT_NAME, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS \
             WHERE CONSTRAINT_SCHEMA = DATABASE() ORDER BY TABLE_NAME, CONSTRAINT_NAME",
        )
        .await?;
    for row in checks {
        let [table_name, name, clause] = texts(row);
        let Some(table) = schema.table_mut(&table_name) else { continue };
        table.constraints.push(Constraint::Check { name, expression: normalise::expression(&clause) });
    }
    for table in &mut schema.tables {
        json_columns(table);
        drop_foreign_key_indexes(table);
    }

    let database = connection.fetch_texts("SELECT DATABASE()").await?;
    let database = database.into_iter().next().map(|row| texts::<1>(row)[0].clone()).unwrap_or_default();
    let qualifier = format!("{}.", MySqlDialect::MARIADB.quote_identifier(&database));
    let views = connection
        .fetch_texts(
            "SELECT TABLE_NAME, VIEW_DEFINITION FROM information_schema.VIEWS WHERE TABLE_SCHEMA = DATABASE() ORDER BY 1",
        )
        .await?;
    for row in views {
        let [name, definition] = texts(row);
        // Two databases built alike differ in name only: the name is not part of the query.
        let definition = definition.replace(&qualifier, "");
        schema.views.push(ViewSchema { name, definition: normalise::view_definition(&definition) });
    }

    let functions = connection
        .fetch_texts(
            "SELECT r.ROUTINE_NAME, (SELECT GROUP_CONCAT(CONCAT(p.PARAMETER_NAME, ' ', p.DTD_IDENTIFIER) \
             ORDER BY p.ORDINAL_POSITION SEPARATOR ', ') FROM information_schema.PARAMETERS p \
             WHERE p.SPECIFIC_SCHEMA = r.ROUTINE_SCHEMA AND p.SPECIFIC_NAME = r.ROUTINE_NAME \
             AND p.ROUTINE_TYPE = 'FUNCTION' AND p.ORDINAL_POSITION > 0), \
             r.DTD_IDENTIFIER, r.ROUTINE_DEFINITION FROM information_schema.ROUTINES r \
             WHERE r.ROUTINE_SCHEMA = DATABASE() AND r.ROUTINE_TYPE = 'FUNCTION' ORDER BY 1",
        )
        .await?;
    for row in functions {
        let [name, arguments, returns, body] = texts(row);
        schema.functions.push(FunctionSchema {
            name,
            arguments: normalise::signature(&arguments),
            returns: normalise::signature(&returns),
            language: String::new(),
            body: normalise::body(&body),
        });
    }

    let triggers = connection
        .fetch_texts(
            "SELECT TRIGGER_NAME, EVENT_OBJECT_TABLE, ACTION_TIMING, EVENT_MANIPULATION, ACTION_STATEMENT \
             FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE() ORDER BY 1",
        )
        .await?;
    for row in triggers {
        let [name, table, timing, event, body] = texts(row);
        let (Some(timing), Some(event)) =
            (normalise::trigger_timing(&timing), normalise::trigger_event(&event))
        else {
            continue;
        };
        schema.triggers.push(TriggerSchema { name, table, timing, event, action: normalise::body(&body) });
    }
    Ok(schema)
}

/// The portable type a `COLUMN_TYPE` names, as migrate's MySQL dialect writes each; an enum is
/// named after its column (MariaDB's enums have no name of their own).
fn column_type(name: &str, column: &str) -> ColumnType {
    let native = || ColumnType::Native(name.to_ascii_lowercase());
    if let Some(variants) = enum_variants(name) {
        return ColumnType::Portable(Type::Enum { name: column.to_owned(), variants });
    }
    let Some((words, arguments)) = split_type_name(name) else { return native() };
    // Display widths (`int(11)`) say nothing about what the column holds.
    let portable = match (words.as_str(), arguments.as_slice()) {
        ("tinyint", [1]) | ("boolean" | "bool", []) => Type::Boolean,
        ("smallint", [] | [_]) => Type::SmallInt,
        ("int" | "integer", [] | [_]) => Type::Integer,
        ("bigint", [] | [_]) => Type::BigInt,
        ("longtext", []) => Type::Text,
        ("varchar", [length]) => Type::Varchar(*length),
        ("decimal" | "numeric", [precision, scale]) => Type::Numeric { precision: *precision, scale: *scale },
        ("float", []) => Type::Float,
        ("double", []) => Type::Double,
        ("date", []) => Type::Date,
        ("time", [] | [_]) => Type::Time,
        ("datetime", [] | [_]) => Type::Timestamp { with_time_zone: false },
        ("char", [36]) => Type::Uuid,
        ("json", []) => Type::Json,
        ("longblob", []) => Type::Binary,
        _ => return native(),
    };
    ColumnType::Portable(portable)
}

/// The variants of `enum('a','b')`.
fn enum_variants(name: &str) -> Option<Vec<String>> {
    let tokens = tokenize(name);
    let [keyword, open, inside @ .., close] = tokens.as_slice() else { return None };
    if !keyword.is_word(name, "enum") || open.kind != TokenKind::Open || close.kind != TokenKind::Close {
        return None;
    }
    let mut variants = Vec::new();
    for (position, token) in inside.iter().enumerate() {
        match (position % 2, token.kind) {
            (0, TokenKind::String) => {
                let text = token.text(name);
                variants.push(text[1..text.len() - 1].replace("''", "'"));
            }
            (1, TokenKind::Comma) => {}
            _ => return None,
        }
    }
    Some(variants)
}

/// `REFERENTIAL_CONSTRAINTS`' name for an action. InnoDB's RESTRICT and NO ACTION are one,
/// and the default (reported as RESTRICT): none.
fn action(rule: &str) -> Option<ReferentialAction> {
    match rule {
        "CASCADE" => Some(ReferentialAction::Cascade),
        "SET NULL" => Some(ReferentialAction::SetNull),
        "SET DEFAULT" => Some(ReferentialAction::SetDefault),
        _ => None,
    }
}

/// MariaDB's JSON is LONGTEXT with a check `json_valid(column)` named after the column: the
/// column is JSON, and the check goes.
fn json_columns(table: &mut TableSchema) {
    let columns = &mut table.columns;
    table.constraints.retain(|constraint| {
        let Constraint::Check { name, expression } = constraint else { return true };
        let Some(column) = columns.iter_mut().find(|column| &column.name == name) else { return true };
        let is_json_check = *expression == format!("json_valid({})", name.to_ascii_lowercase())
            && column.column_type == ColumnType::Portable(Type::Text);
        if is_json_check {
            column.column_type = ColumnType::Portable(Type::Json);
        }
        !is_json_check
    });
}

/// MariaDB indexes a foreign key's columns when no index starts with them, naming the index
/// after the constraint (or the first column): such an index is the foreign key's.
fn drop_foreign_key_indexes(table: &mut TableSchema) {
    let keys: Vec<(String, Vec<String>)> = table
        .constraints
        .iter()
        .filter_map(|constraint| match constraint {
            Constraint::ForeignKey(key) => Some((key.name.clone(), key.columns.clone())),
            _ => None,
        })
        .collect();
    table.indexes.retain(|index| {
        !keys.iter().any(|(name, columns)| {
            index.columns == *columns
                && (index.name == *name || columns.first().is_some_and(|first| *first == index.name))
        })
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_types_map_with_or_without_display_widths() {
        assert_eq!(column_type("bigint(20)", "c"), ColumnType::Portable(Type::BigInt));
        assert_eq!(column_type("bigint", "c"), ColumnType::Portable(Type::BigInt));
        assert_eq!(column_type("tinyint(1)", "c"), ColumnType::Portable(Type::Boolean));
        assert_eq!(
            column_type("datetime(6)", "c"),
            ColumnType::Portable(Type::Timestamp { with_time_zone: false })
        );
        assert_eq!(column_type("mediumtext", "c"), ColumnType::Native("mediumtext".to_owned()));
        assert_eq!(
            column_type("enum('a','it''s')", "mood"),
            ColumnType::Portable(Type::Enum {
                name: "mood".to_owned(),
                variants: vec!["a".to_owned(), "it's".to_owned()]
            })
        );
    }

    #[test]
    fn a_json_check_makes_its_longtext_column_json() {
        let mut table = TableSchema::new("t");
        table.columns.push(ColumnSchema::new("doc", ColumnType::Portable(Type::Text)));
        table
            .constraints
            .push(Constraint::Check { name: "doc".to_owned(), expression: "json_valid(doc)".to_owned() });
        json_columns(&mut table);
        assert_eq!(table.columns[0].column_type, ColumnType::Portable(Type::Json));
        assert!(table.constraints.is_empty());
    }

    #[test]
    fn the_index_mariadb_adds_for_a_foreign_key_is_the_keys() {
        let mut table = TableSchema::new("t");
        table.constraints.push(Constraint::ForeignKey(ForeignKey::new("t_o_fkey", ["o"], "orgs", ["id"])));
        table.constraints.push(Constraint::ForeignKey(ForeignKey::new("t_ibfk_1", ["p"], "orgs", ["id"])));
        table.indexes.push(Index::new("t_o_fkey", "t", ["o"]));
        table.indexes.push(Index::new("p", "t", ["p"]));
        table.indexes.push(Index::new("t_o_and_p", "t", ["o", "p"]));
        drop_foreign_key_indexes(&mut table);
        let names: Vec<&str> = table.indexes.iter().map(|index| index.name.as_str()).collect();
        assert_eq!(names, ["t_o_and_p"]);
    }
}
