//! PostgreSQL's schema, through `pg_catalog`: the tables, views, functions and triggers of the
//! current schema.

use super::normalise::{self, split_type_name};
use super::{
    ColumnSchema, ColumnType, EnumSchema, FunctionSchema, Schema, TableSchema, TriggerSchema, ViewSchema,
    list, texts,
};
use crate::connection::Connection;
use crate::schema::{Constraint, ForeignKey, Index, ReferentialAction, TriggerEvent, TriggerTiming, Type};

/// The tables of the current schema (a partitioned table, not its partitions).
const IN_SCHEMA: &str =
    "c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p') AND NOT c.relispartition";

/// Reads every table and view of the current schema.
pub(super) async fn read(connection: &mut Connection) -> Result<Schema, sqlx::Error> {
    let mut schema = Schema::default();
    let tables = connection
        .fetch_texts(&format!(
            "SELECT c.relname::text, obj_description(c.oid, 'pg_class') FROM pg_class c WHERE {IN_SCHEMA} ORDER BY 1"
        ))
        .await?;
    for row in tables {
        let comment = row.get(1).cloned().flatten();
        let [name] = texts(row);
        let mut table = TableSchema::new(name);
        table.comment = comment;
        schema.tables.push(table);
    }

    let columns = connection
        .fetch_texts(&format!(
            "SELECT c.relname::text, a.attname::text, format_type(a.atttypid, a.atttypmod), \
             CASE WHEN a.attnotnull THEN '1' ELSE '0' END, pg_get_expr(d.adbin, d.adrelid), a.attidentity::text, \
             t.typtype::text, t.typname::text, \
             (SELECT string_agg(e.enumlabel::text, chr(1) ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid), \
             a.attgenerated::text, col_description(a.attrelid, a.attnum) \
             FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_type t ON t.oid = a.atttypid \
             LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum \
             WHERE {IN_SCHEMA} AND a.attnum > 0 AND NOT a.attisdropped ORDER BY c.relname, a.attnum"
        ))
        .await?;
    for row in columns {
        let has_default = row.get(4).is_some_and(Option::is_some);
        let comment = row.get(10).cloned().flatten();
        let [
            table_name,
            name,
            type_name,
            not_null,
            default,
            identity,
            type_kind,
            enum_name,
            variants,
            generated,
        ] = texts(row);
        let Some(table) = schema.table_mut(&table_name) else { continue };
        let column_type = if type_kind == "e" {
            ColumnType::Portable(Type::Enum { name: enum_name, variants: list(&variants) })
        } else {
            column_type(&type_name)
        };
        let mut column = ColumnSchema::new(name, column_type);
        column.nullable = not_null == "0";
        column.auto_increment = !identity.is_empty();
        column.comment = comment;
        // A generated column's expression is no default.
        if has_default && generated.is_empty() {
            // A serial column's default takes the next number of its sequence.
            if default.starts_with("nextval(") {
                column.auto_increment = true;
            } else {
                column.default = normalise::default(&default, &column.column_type);
            }
        }
        table.columns.push(column);
    }

    let constraints = connection
        .fetch_texts(&format!(
            "SELECT c.relname::text, con.conname::text, con.contype::text, \
             (SELECT string_agg(a.attname::text, chr(1) ORDER BY k.n) FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, n) \
              JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum), \
             r.relname::text, \
             (SELECT string_agg(a.attname::text, chr(1) ORDER BY k.n) FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, n) \
              JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum), \
             con.confdeltype::text, con.confupdtype::text, pg_get_constraintdef(con.oid) \
             FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid LEFT JOIN pg_class r ON r.oid = con.confrelid \
             WHERE {IN_SCHEMA} AND con.contype IN ('p', 'u', 'f', 'c') ORDER BY c.relname, con.conname"
        ))
        .await?;
    for row in constraints {
        let [
            table_name,
            name,
            kind,
            columns,
            referenced_table,
            referenced_columns,
            on_delete,
            on_update,
            definition,
        ] = texts(row);
        let Some(table) = schema.table_mut(&table_name) else { continue };
        match kind.as_str() {
            "p" => table.primary_key = list(&columns),
            "u" => table.constraints.push(Constraint::Unique { name, columns: list(&columns) }),
            "f" => {
                let mut key =
                    ForeignKey::new(name, list(&columns), referenced_table, list(&referenced_columns));
                key.on_delete = action(&on_delete);
                key.on_update = action(&on_update);
                table.constraints.push(Constraint::ForeignKey(key));
            }
            _ => {
                let expression = check_expression(&definition);
                table.constraints.push(Constraint::Check { name, expression });
            }
        }
    }

    // Indexes that back a primary key, unique or exclusion constraint are the constraint's.
    let indexes = connection
        .fetch_texts(&format!(
            "SELECT c.relname::text, i.relname::text, CASE WHEN ix.indisunique THEN '1' ELSE '0' END, \
             pg_get_expr(ix.indpred, ix.indrelid), \
             (SELECT string_agg(CASE WHEN k.attnum > 0 THEN a.attname::text ELSE chr(2) || pg_get_indexdef(ix.indexrelid, k.n::int, true) END, \
              chr(1) ORDER BY k.n) FROM unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, n) \
              LEFT JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.attnum WHERE k.n <= ix.indnkeyatts) \
             FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class c ON c.oid = ix.indrelid \
             WHERE {IN_SCHEMA} AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = ix.indexrelid \
             AND con.conrelid = ix.indrelid AND con.contype IN ('p', 'u', 'x')) ORDER BY c.relname, i.relname"
        ))
        .await?;
    for row in indexes {
        let [table_name, name, unique, condition, columns] = texts(row);
        let Some(table) = schema.table_mut(&table_name) else { continue };
        // An expression (marked with chr(2)) as `pg_get_indexdef` writes it, normalised.
        let columns: Vec<String> = list(&columns)
            .into_iter()
            .map(|column| match column.strip_prefix('\u{2}') {
                Some(expression) => normalise::expression(expression),
                None => column,
            })
            .collect();
        let mut index = Index::new(name, table_name, columns);
        index.unique = unique == "1";
        index.partial = (!condition.is_empty()).then(|| normalise::expression(&condition));
        table.indexes.push(index);
    }

    let enums = connection
        .fetch_texts(
            "SELECT t.typname::text, string_agg(e.enumlabel::text, chr(1) ORDER BY e.enumsortorder) \
             FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid \
             WHERE t.typnamespace = current_schema()::regnamespace GROUP BY t.typname ORDER BY 1",
        )
        .await?;
    for row in enums {
        let [name, variants] = texts(row);
        schema.enums.push(EnumSchema::new(name, list(&variants)));
    }

    let views = connection
        .fetch_texts(
            "SELECT viewname::text, definition FROM pg_views WHERE schemaname = current_schema() ORDER BY 1",
        )
        .await?;
    for row in views {
        let [name, definition] = texts(row);
        schema.views.push(ViewSchema { name, definition: normalise::view_definition(&definition) });
    }

    // Functions no extension owns (an extension's functions are its own to create and drop).
    let functions = connection
        .fetch_texts(
            "SELECT p.proname::text, pg_get_function_arguments(p.oid), pg_get_function_result(p.oid), \
             l.lanname::text, p.prosrc FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang \
             WHERE p.pronamespace = current_schema()::regnamespace AND p.prokind = 'f' \
             AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass \
             AND d.objid = p.oid AND d.deptype = 'e') ORDER BY 1",
        )
        .await?;
    for row in functions {
        let [name, arguments, returns, language, body] = texts(row);
        schema.functions.push(FunctionSchema {
            name,
            arguments: normalise::signature(&arguments),
            returns: normalise::signature(&returns),
            language: language.to_ascii_lowercase(),
            body: normalise::body(&body),
        });
    }

    // Internal triggers are the ones behind foreign keys.
    let triggers = connection
        .fetch_texts(
            "SELECT t.tgname::text, c.relname::text, t.tgtype::text, p.proname::text \
             FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid \
             WHERE c.relnamespace = current_schema()::regnamespace AND NOT t.tgisinternal ORDER BY 1",
        )
        .await?;
    for row in triggers {
        let [name, table, kind, function] = texts(row);
        // pg_trigger's tgtype bits: 2 BEFORE, 4 INSERT, 8 DELETE, 16 UPDATE.
        let kind: u32 = kind.parse().unwrap_or_default();
        let timing = if kind & 2 != 0 { TriggerTiming::Before } else { TriggerTiming::After };
        let event = if kind & 4 != 0 {
            TriggerEvent::Insert
        } else if kind & 8 != 0 {
            TriggerEvent::Delete
        } else {
            TriggerEvent::Update
        };
        schema.triggers.push(TriggerSchema { name, table, timing, event, action: function });
    }
    Ok(schema)
}

/// The portable type `format_type` names, as migrate's PostgreSQL dialect writes each.
fn column_type(name: &str) -> ColumnType {
    let native = || ColumnType::Native(name.to_ascii_lowercase());
    let Some((words, arguments)) = split_type_name(name) else { return native() };
    let portable = match (words.as_str(), arguments.as_slice()) {
        ("smallint" | "int2", []) => Type::SmallInt,
        ("integer" | "int" | "int4", []) => Type::Integer,
        ("bigint" | "int8", []) => Type::BigInt,
        ("text", []) => Type::Text,
        ("character varying" | "varchar", [length]) => Type::Varchar(*length),
        ("boolean" | "bool", []) => Type::Boolean,
        ("numeric" | "decimal", [precision, scale]) => Type::Numeric { precision: *precision, scale: *scale },
        ("real" | "float4", []) => Type::Float,
        ("double precision" | "float8", []) => Type::Double,
        ("date", []) => Type::Date,
        ("time without time zone" | "time", []) => Type::Time,
        ("timestamp without time zone" | "timestamp", []) => Type::Timestamp { with_time_zone: false },
        ("timestamp with time zone" | "timestamptz", []) => Type::Timestamp { with_time_zone: true },
        ("uuid", []) => Type::Uuid,
        ("jsonb", []) => Type::Json,
        ("bytea", []) => Type::Binary,
        _ => return native(),
    };
    ColumnType::Portable(portable)
}

/// `pg_constraint`'s letter for a referential action; `a` (no action), the default, is none.
fn action(letter: &str) -> Option<ReferentialAction> {
    match letter {
        "c" => Some(ReferentialAction::Cascade),
        "n" => Some(ReferentialAction::SetNull),
        "d" => Some(ReferentialAction::SetDefault),
        "r" => Some(ReferentialAction::Restrict),
        _ => None,
    }
}

/// The expression of `CHECK ((..))` as `pg_get_constraintdef` writes it, normalised.
fn check_expression(definition: &str) -> String {
    let body = definition.strip_prefix("CHECK").unwrap_or(definition);
    let body = body.trim().strip_suffix("NOT VALID").unwrap_or(body);
    normalise::expression(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_aliases_map_to_one_portable_type() {
        assert_eq!(column_type("integer"), ColumnType::Portable(Type::Integer));
        assert_eq!(column_type("int4"), ColumnType::Portable(Type::Integer));
        assert_eq!(column_type("character varying(255)"), ColumnType::Portable(Type::Varchar(255)));
        assert_eq!(
            column_type("numeric(10,2)"),
            ColumnType::Portable(Type::Numeric { precision: 10, scale: 2 })
        );
        assert_eq!(
            column_type("timestamp with time zone"),
            ColumnType::Portable(Type::Timestamp { with_time_zone: true })
        );
        assert_eq!(column_type("inet"), ColumnType::Native("inet".to_owned()));
        assert_eq!(column_type("character varying"), ColumnType::Native("character varying".to_owned()));
    }

    #[test]
    fn checks_lose_the_keyword_and_parentheses() {
        assert_eq!(check_expression("CHECK ((score >= 0))"), "score >= 0");
        assert_eq!(check_expression("CHECK ((score >= 0)) NOT VALID"), "score >= 0");
    }
}
