//! SQLite's schema, through its pragmas and `sqlite_master`. Constraint names and check
//! expressions live only in the `CREATE TABLE` text, which is read for them.

use super::normalise::{self, split_type_name};
use super::{ColumnSchema, ColumnType, Schema, TableSchema, TriggerSchema, ViewSchema, texts};
use crate::connection::Connection;
use crate::dialect::definition::{TokenKind, split_column, split_table, table_constraint, tokenize};
use crate::dialect::{Dialect, SQLITE_CLAUSE_STARTS as CLAUSE_STARTS, SqliteDialect};
use crate::schema::{Constraint, ForeignKey, Index, ReferentialAction, TriggerEvent, TriggerTiming, Type};

/// Reads every table (but SQLite's own) and view.
pub(super) async fn read(connection: &mut Connection) -> Result<Schema, sqlx::Error> {
    let mut schema = Schema::default();
    let objects = connection
        .fetch_texts(
            "SELECT type, name, sql FROM sqlite_master WHERE type IN ('table', 'view') \
             AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
        )
        .await?;
    for row in objects {
        let [kind, name, sql] = texts(row);
        if kind == "view" {
            schema.views.push(ViewSchema { name, definition: view_definition(&sql) });
        } else {
            let table = read_table(connection, &name, &sql).await?;
            schema.tables.push(table);
        }
    }
    let triggers = connection
        .fetch_texts("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
        .await?;
    for row in triggers {
        let [name, table, sql] = texts(row);
        if let Some((timing, event, action)) = trigger_definition(&sql) {
            schema.triggers.push(TriggerSchema { name, table, timing, event, action });
        }
    }
    Ok(schema)
}

/// The timing, event and body of a `CREATE TRIGGER` statement: the body is what follows
/// `FOR EACH ROW` (what migrate writes before it), or else the table's name; `None` for an
/// `INSTEAD OF` trigger (on a view), which migrate doesn't declare.
fn trigger_definition(sql: &str) -> Option<(TriggerTiming, TriggerEvent, String)> {
    let tokens = tokenize(sql);
    let words: Vec<String> =
        tokens
            .iter()
            .map(|token| {
                if token.kind == TokenKind::Word {
                    token.text(sql).to_ascii_uppercase()
                } else {
                    String::new()
                }
            })
            .collect();
    let timing = words.iter().find_map(|word| normalise::trigger_timing(word))?;
    let event_at = words.iter().position(|word| normalise::trigger_event(word).is_some())?;
    let event = normalise::trigger_event(&words[event_at])?;
    let on = event_at + words[event_at..].iter().position(|word| word == "ON")?;
    let for_each_row = (on..words.len().saturating_sub(2))
        .find(|&at| words[at] == "FOR" && words[at + 1] == "EACH" && words[at + 2] == "ROW");
    let body_at = match for_each_row {
        Some(at) => at + 3,
        None => on + 2,
    };
    let body = tokens.get(body_at).map_or("", |token| &sql[token.start..]);
    Some((timing, event, normalise::body(body)))
}

async fn read_table(connection: &mut Connection, name: &str, sql: &str) -> Result<TableSchema, sqlx::Error> {
    let literal = SqliteDialect.text_literal(name);
    let declared = Declared::read(sql);
    let mut table = TableSchema::new(name);

    let columns = connection
        .fetch_texts(&format!(
            "SELECT name, type, CAST(\"notnull\" AS TEXT), dflt_value, CAST(pk AS TEXT) \
             FROM pragma_table_info({literal}) ORDER BY cid"
        ))
        .await?;
    let mut key: Vec<(u32, String, String)> = Vec::new();
    for row in columns {
        let has_default = row.get(3).is_some_and(Option::is_some);
        let [column_name, declared_type, not_null, default, key_position] = texts(row);
        let column_type = column_type(&declared_type);
        let mut column = ColumnSchema::new(&column_name, column_type);
        column.nullable = not_null == "0";
        if has_default {
            column.default = normalise::default(&default, &column.column_type);
        }
        if let Ok(position) = key_position.parse::<u32>()
            && position > 0
        {
            key.push((position, column_name.clone(), declared_type));
        }
        table.columns.push(column);
    }
    key.sort();
    table.primary_key = key.iter().map(|(_, column, _)| column.clone()).collect();
    // A primary key declared exactly INTEGER is the rowid (in a table that has one): the
    // database numbers new rows.
    if let [(_, column, declared_type)] = key.as_slice()
        && declared_type.eq_ignore_ascii_case("INTEGER")
        && !declared.without_rowid
        && let Some(column) = table.columns.iter_mut().find(|c| &c.name == column)
    {
        column.auto_increment = true;
        // SQLite reports a rowid alias as nullable; it never holds NULL.
        column.nullable = false;
    }

    let indexes = connection
        .fetch_texts(&format!(
            "SELECT list.name, CAST(list.\"unique\" AS TEXT), list.origin, master.sql \
             FROM pragma_index_list({literal}) AS list \
             LEFT JOIN sqlite_master AS master ON master.type = 'index' AND master.name = list.name \
             ORDER BY list.name"
        ))
        .await?;
    for row in indexes {
        let [index_name, unique, origin, index_sql] = texts(row);
        let columns: Vec<String> = connection
            .fetch_texts(&format!(
                "SELECT name FROM pragma_index_info({}) ORDER BY seqno",
                SqliteDialect.text_literal(&index_name)
            ))
            .await?
            .into_iter()
            .map(|row| texts::<1>(row)[0].clone())
            .collect();
        match origin.as_str() {
            // The primary key's own index.
            "pk" => {}
            "u" => {
                let constraint_name = declared.unique_name(&columns).unwrap_or_default();
                table.constraints.push(Constraint::Unique { name: constraint_name, columns });
            }
            _ => {
                // An expression has no column name: the statement has its text.
                let columns = match indexed_expressions(&index_sql) {
                    Some(expressions) if columns.iter().any(String::is_empty) => columns
                        .into_iter()
                        .zip(expressions)
                        .map(|(column, expression)| if column.is_empty() { expression } else { column })
                        .collect(),
                    _ => columns,
                };
                let mut index = Index::new(&index_name, name, columns);
                index.unique = unique == "1";
                index.partial = partial_condition(&index_sql);
                table.indexes.push(index);
            }
        }
    }

    let foreign_keys = connection
        .fetch_texts(&format!(
            "SELECT CAST(id AS TEXT), \"table\", \"from\", \"to\", on_update, on_delete \
             FROM pragma_foreign_key_list({literal}) ORDER BY id, seq"
        ))
        .await?;
    let mut keys: Vec<(String, ForeignKey)> = Vec::new();
    for row in foreign_keys {
        let [id, referenced_table, from, to, on_update, on_delete] = texts(row);
        match keys.iter_mut().find(|(key_id, _)| *key_id == id) {
            Some((_, key)) => {
                key.columns.push(from);
                key.referenced_columns.push(to);
            }
            None => {
                let mut key = ForeignKey::new("", [from], referenced_table, [to]);
                key.on_delete = action(&on_delete);
                key.on_update = action(&on_update);
                keys.push((id, key));
            }
        }
    }
    for (_, mut key) in keys {
        // `REFERENCES t` without columns refers to t's primary key.
        if key.referenced_columns.iter().all(String::is_empty) {
            key.referenced_columns = primary_key(connection, &key.referenced_table).await?;
        }
        key.name = declared.foreign_key_name(&key.columns).unwrap_or_default();
        table.constraints.push(Constraint::ForeignKey(key));
    }

    for (check_name, expression) in declared.checks {
        table.constraints.push(Constraint::Check { name: check_name, expression });
    }
    enum_columns(&mut table);
    Ok(table)
}

/// The primary key columns of `table`.
async fn primary_key(connection: &mut Connection, table: &str) -> Result<Vec<String>, sqlx::Error> {
    let rows = connection
        .fetch_texts(&format!(
            "SELECT name FROM pragma_table_info({}) WHERE pk > 0 ORDER BY pk",
            SqliteDialect.text_literal(table)
        ))
        .await?;
    Ok(rows.into_iter().map(|row| texts::<1>(row)[0].clone()).collect())
}

/// The portable type SQLite's declared type stands for, as migrate's SQLite dialect writes each.
fn column_type(declared: &str) -> ColumnType {
    let native = || ColumnType::Native(declared.to_ascii_lowercase());
    let Some((words, arguments)) = split_type_name(declared) else { return native() };
    let portable = match (words.as_str(), arguments.as_slice()) {
        ("smallint", []) => Type::SmallInt,
        ("integer" | "int", []) => Type::Integer,
        ("bigint", []) => Type::BigInt,
        ("text", []) => Type::Text,
        ("varchar" | "character varying", [length]) => Type::Varchar(*length),
        ("boolean", []) => Type::Boolean,
        ("numeric" | "decimal", [precision, scale]) => Type::Numeric { precision: *precision, scale: *scale },
        ("float", []) => Type::Float,
        ("double" | "double precision", []) => Type::Double,
        ("date", []) => Type::Date,
        ("time", []) => Type::Time,
        ("timestamp" | "datetime", []) => Type::Timestamp { with_time_zone: false },
        ("timestamp with time zone", []) => Type::Timestamp { with_time_zone: true },
        ("char", [36]) | ("uuid", []) => Type::Uuid,
        ("json", []) => Type::Json,
        ("blob", []) => Type::Binary,
        _ => return native(),
    };
    ColumnType::Portable(portable)
}

/// SQLite's name for a referential action; `NO ACTION`, the default, is none.
fn action(sql: &str) -> Option<ReferentialAction> {
    match sql.to_ascii_uppercase().as_str() {
        "CASCADE" => Some(ReferentialAction::Cascade),
        "SET NULL" => Some(ReferentialAction::SetNull),
        "SET DEFAULT" => Some(ReferentialAction::SetDefault),
        "RESTRICT" => Some(ReferentialAction::Restrict),
        _ => None,
    }
}

/// The condition after `WHERE` in a `CREATE INDEX` statement, normalised.
fn partial_condition(sql: &str) -> Option<String> {
    let tokens = tokenize(sql);
    let at = tokens.iter().position(|token| token.depth == 0 && token.is_word(sql, "WHERE"))?;
    let condition = &sql[tokens.get(at + 1)?.start..];
    Some(normalise::expression(condition))
}

/// What a `CREATE INDEX` statement indexes, each normalised: `lower(name)`, `id`.
fn indexed_expressions(sql: &str) -> Option<Vec<String>> {
    let tokens = tokenize(sql);
    let on = tokens.iter().position(|token| token.depth == 0 && token.is_word(sql, "ON"))?;
    let open = tokens[on..].iter().find(|token| token.kind == TokenKind::Open && token.depth == 0)?;
    let close = tokens
        .iter()
        .find(|token| token.kind == TokenKind::Close && token.depth == 0 && token.start > open.start)?;
    let mut items = Vec::new();
    let mut start = open.end;
    for token in tokens.iter().filter(|token| token.start > open.start && token.start < close.start) {
        if token.kind == TokenKind::Comma && token.depth == 1 {
            items.push(normalise::expression(&sql[start..token.start]));
            start = token.end;
        }
    }
    items.push(normalise::expression(&sql[start..close.start]));
    Some(items)
}

/// The query after `AS` in a `CREATE VIEW` statement, normalised.
fn view_definition(sql: &str) -> String {
    let tokens = tokenize(sql);
    let query = tokens
        .iter()
        .position(|token| token.depth == 0 && token.is_word(sql, "AS"))
        .and_then(|at| tokens.get(at + 1))
        .map_or(sql, |token| &sql[token.start..]);
    normalise::view_definition(query)
}

/// A TEXT column with the check migrate's SQLite dialect writes for an enum (named after the
/// enum: `CONSTRAINT "mood" CHECK ("col" IN ('a', 'b'))`) is that enum; the check goes.
fn enum_columns(table: &mut TableSchema) {
    let mut index = 0;
    while index < table.constraints.len() {
        let enumeration = match &table.constraints[index] {
            Constraint::Check { name, expression } if !name.is_empty() => {
                enum_check(expression).and_then(|(column, variants)| {
                    let column = table.columns.iter().position(|c| c.name == column)?;
                    (table.columns[column].column_type == ColumnType::Portable(Type::Text))
                        .then(|| (column, Type::Enum { name: name.clone(), variants }))
                })
            }
            _ => None,
        };
        match enumeration {
            Some((column, enum_type)) => {
                table.columns[column].column_type = ColumnType::Portable(enum_type);
                table.constraints.remove(index);
            }
            None => index += 1,
        }
    }
}

/// The column and variants of a normalised `col in ('a', 'b')`.
fn enum_check(expression: &str) -> Option<(String, Vec<String>)> {
    let tokens = tokenize(expression);
    let [column, keyword, open, inside @ .., close] = tokens.as_slice() else { return None };
    if column.kind != TokenKind::Word
        || !keyword.is_word(expression, "in")
        || open.kind != TokenKind::Open
        || close.kind != TokenKind::Close
    {
        return None;
    }
    let mut variants = Vec::new();
    for (position, token) in inside.iter().enumerate() {
        match (position % 2, token.kind) {
            (0, TokenKind::String) => {
                let text = token.text(expression);
                variants.push(text[1..text.len() - 1].replace("''", "'"));
            }
            (1, TokenKind::Comma) => {}
            _ => return None,
        }
    }
    Some((column.text(expression).to_owned(), variants))
}

/// What only the `CREATE TABLE` text tells: constraint names and check expressions.
#[derive(Debug, Default)]
struct Declared {
    /// Unique constraints: name and columns.
    uniques: Vec<(String, Vec<String>)>,
    /// Foreign keys: name and referencing columns.
    foreign_keys: Vec<(String, Vec<String>)>,
    /// Checks: name (empty when unnamed) and normalised expression.
    checks: Vec<(String, String)>,
    /// Whether the table is `WITHOUT ROWID`.
    without_rowid: bool,
}

impl Declared {
    fn read(sql: &str) -> Self {
        let mut declared = Declared::default();
        let Some(table) = split_table(sql) else { return declared };
        declared.without_rowid = table
            .options
            .split(',')
            .any(|option| normalise::collapse_whitespace(option).eq_ignore_ascii_case("WITHOUT ROWID"));
        for item in table.items {
            if let Some(constraint) = table_constraint(item) {
                let name = constraint.name.clone().unwrap_or_default();
                match constraint.kind.as_str() {
                    "UNIQUE" => declared.uniques.push((name, constraint.columns)),
                    "FOREIGN" => declared.foreign_keys.push((name, constraint.columns)),
                    "CHECK" => declared.checks.extend(check_expression(item).map(|check| (name, check))),
                    _ => {}
                }
                continue;
            }
            let Some(column) = split_column(item, CLAUSE_STARTS) else { continue };
            for clause in &column.clauses {
                let name = clause.name.clone().unwrap_or_default();
                let columns = vec![column.name.clone()];
                match clause.kind.as_str() {
                    "UNIQUE" => declared.uniques.push((name, columns)),
                    "REFERENCES" => declared.foreign_keys.push((name, columns)),
                    "CHECK" => {
                        declared.checks.extend(check_expression(clause.text).map(|check| (name, check)))
                    }
                    _ => {}
                }
            }
        }
        declared
    }

    fn unique_name(&self, columns: &[String]) -> Option<String> {
        self.uniques.iter().find(|(_, declared)| declared == columns).map(|(name, _)| name.clone())
    }

    fn foreign_key_name(&self, columns: &[String]) -> Option<String> {
        self.foreign_keys.iter().find(|(_, declared)| declared == columns).map(|(name, _)| name.clone())
    }
}

/// The expression inside `CHECK (..)`, normalised.
fn check_expression(text: &str) -> Option<String> {
    let tokens = tokenize(text);
    let at = tokens.iter().position(|token| token.is_word(text, "CHECK"))?;
    let open = tokens.get(at + 1).filter(|token| token.kind == TokenKind::Open)?;
    let close =
        tokens[at + 2..].iter().find(|token| token.kind == TokenKind::Close && token.depth == open.depth)?;
    Some(normalise::expression(&text[open.end..close.start]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_types_map_to_portable_types() {
        assert_eq!(column_type("VARCHAR(255)"), ColumnType::Portable(Type::Varchar(255)));
        assert_eq!(
            column_type("NUMERIC(10, 2)"),
            ColumnType::Portable(Type::Numeric { precision: 10, scale: 2 })
        );
        assert_eq!(column_type("CHAR(36)"), ColumnType::Portable(Type::Uuid));
        assert_eq!(
            column_type("TIMESTAMP WITH TIME ZONE"),
            ColumnType::Portable(Type::Timestamp { with_time_zone: true })
        );
        assert_eq!(column_type("MEDIUMINT"), ColumnType::Native("mediumint".to_owned()));
    }

    #[test]
    fn the_create_table_text_names_constraints_and_checks() {
        let declared = Declared::read(
            "CREATE TABLE \"t\" (\"a\" INTEGER CONSTRAINT \"a_fk\" REFERENCES \"o\" (\"id\"), \"b\" TEXT UNIQUE CHECK (b <> ''), \
             CONSTRAINT \"u\" UNIQUE (\"a\", \"b\"), CONSTRAINT \"positive\" CHECK ((\"a\" > 0)))",
        );
        assert_eq!(declared.foreign_key_name(&["a".to_owned()]).as_deref(), Some("a_fk"));
        assert_eq!(declared.unique_name(&["a".to_owned(), "b".to_owned()]).as_deref(), Some("u"));
        assert_eq!(declared.unique_name(&["b".to_owned()]).as_deref(), Some(""));
        assert_eq!(
            declared.checks,
            [("".to_owned(), "b <> ''".to_owned()), ("positive".to_owned(), "a > 0".to_owned())]
        );
        assert!(!declared.without_rowid);
        assert!(
            Declared::read("CREATE TABLE t (a INTEGER PRIMARY KEY) STRICT, WITHOUT  ROWID").without_rowid
        );
    }

    #[test]
    fn an_enum_check_names_its_column_and_variants() {
        assert_eq!(
            enum_check("mood in ('happy', 'it''s complicated')"),
            Some(("mood".to_owned(), vec!["happy".to_owned(), "it's complicated".to_owned()]))
        );
        assert_eq!(enum_check("mood > 'a'"), None);
    }

    #[test]
    fn partial_conditions_and_view_queries_come_from_the_statement() {
        assert_eq!(
            partial_condition("CREATE INDEX \"i\" ON \"t\" (\"a\") WHERE \"deleted\" = 0").as_deref(),
            Some("deleted = 0")
        );
        assert_eq!(partial_condition("CREATE INDEX i ON t (a)"), None);
        assert_eq!(
            indexed_expressions("CREATE INDEX \"i\" ON \"t\" (lower(\"name\"), \"id\") WHERE id > 0"),
            Some(vec!["lower(name)".to_owned(), "id".to_owned()])
        );
        assert_eq!(view_definition("CREATE VIEW v AS\n  SELECT a FROM t"), "SELECT a FROM t");
        assert_eq!(
            trigger_definition(
                "CREATE TRIGGER \"t\" AFTER UPDATE ON \"users\" FOR EACH ROW BEGIN\n  SELECT 1;\nEND"
            ),
            Some((TriggerTiming::After, TriggerEvent::Update, "BEGIN SELECT 1; END".to_owned()))
        );
    }
}
