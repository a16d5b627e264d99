//! What the readers would read from a database built as declared: models (or any tables and
//! indexes) turned into the [`Schema`] a reader gives back, per database. It sits beside the
//! readers so that it says what they take out and what their database can't tell apart in one
//! place: JSON on SQLite reads as TEXT, MariaDB has no zoned timestamp and names an enum after
//! its column, a unique index on MariaDB is a unique constraint, SQLite's `INTEGER` primary key
//! numbers rows, a primary key refuses NULL (but on SQLite, where only the rowid does), and
//! defaults, checks and partial indexes read in the one spelling of `normalise.rs`.
//!
//! The other way, [`column_of`] and [`server_default_of`] give a column as an operation declares
//! it from what was read, so that autogenerate can put back what it drops.

use super::normalise;
use super::{
    ColumnSchema, ColumnType, EnumSchema, FunctionSchema, Schema, TableSchema, TriggerSchema, ViewSchema,
};
use crate::database::Database;
use crate::dialect;
use crate::schema::{
    Column, Constraint, Function, Index, Model, ReferentialAction, SchemaObject, ServerDefault, Table,
    Trigger, Type, Value,
};

impl Schema {
    /// The schema a reader would read from a `database` built from these models: what
    /// autogenerate compares the live schema with.
    ///
    /// ```
    /// use migrate_core::{ColumnType, Database, Model, Schema, Table, Type};
    ///
    /// let mut users = Table::new("users");
    /// users.column("id", Type::BigInt).primary_key().auto_increment();
    /// users.column("profile", Type::Json);
    /// let models = [Model::new(users, "app::User")];
    /// let sqlite = Schema::declared(&models, Database::Sqlite);
    /// let profile = sqlite.table("users").and_then(|table| table.column("profile"));
    /// // SQLite keeps JSON as TEXT.
    /// assert_eq!(profile.map(|column| &column.column_type), Some(&ColumnType::Portable(Type::Text)));
    /// ```
    pub fn declared(models: &[Model], database: Database) -> Schema {
        let mut schema = Schema::default();
        for model in models {
            schema.tables.push(table_schema(&model.table, &model.indexes, database));
        }
        if database == Database::Postgres {
            for model in models {
                for column in &model.table.columns {
                    if let Type::Enum { name, variants } = &column.column_type
                        && !schema.enums.iter().any(|enumeration| &enumeration.name == name)
                    {
                        schema.enums.push(EnumSchema::new(name, variants.iter()));
                    }
                }
            }
        }
        schema.sort();
        schema
    }
}

/// The table a reader would read from a `database` where `table` was created and `indexes`
/// were created on it.
fn table_schema(table: &Table, indexes: &[Index], database: Database) -> TableSchema {
    let mut read = TableSchema::new(&table.name);
    let primary_key: Vec<String> = table.primary_key_columns().into_iter().map(str::to_owned).collect();
    for column in &table.columns {
        read.columns.push(column_schema(column, table, database));
    }
    read.primary_key = primary_key;
    read.constraints = table.all_constraints().into_iter().map(|c| constraint(c, database)).collect();
    for index in indexes {
        match (database, index) {
            // A unique index is a unique constraint on MariaDB.
            (Database::MySql, Index { unique: true, .. }) => read
                .constraints
                .push(Constraint::Unique { name: index.name.clone(), columns: index.columns.clone() }),
            _ => read.indexes.push(index_schema(index)),
        }
    }
    read.comment = comment(&table.comment, database);
    read
}

/// The column a reader would read for `column` of `table`.
fn column_schema(column: &Column, table: &Table, database: Database) -> ColumnSchema {
    let primary_key = table.primary_key_columns();
    let in_key = primary_key.contains(&column.name.as_str());
    // SQLite's rowid: a lone primary key declared INTEGER (which is how the dialect writes an
    // auto-incremented key) numbers rows, and never holds NULL.
    let rowid = database == Database::Sqlite
        && primary_key.len() == 1
        && in_key
        && (column.auto_increment || column.column_type == Type::Integer);
    let column_type =
        if rowid { Type::Integer } else { read_type(&column.column_type, &column.name, database) };
    let column_type = ColumnType::Portable(column_type);
    let mut read = ColumnSchema::new(&column.name, column_type);
    // SQLite lets a key column hold NULL unless it says NOT NULL (or is the rowid).
    read.nullable = column.nullable && !rowid && !(in_key && database != Database::Sqlite);
    read.auto_increment = column.auto_increment || rowid;
    read.default = column.server_default.as_ref().and_then(|default| {
        let sql = default_sql(default, &column.column_type, database);
        normalise::default(&sql, &read.column_type)
    });
    read.comment = comment(&column.comment, database);
    read
}

/// The type a reader would read for a column declared `declared`, named `column`.
fn read_type(declared: &Type, column: &str, database: Database) -> Type {
    match (database, declared) {
        // SQLite keeps JSON as TEXT.
        (Database::Sqlite, Type::Json) => Type::Text,
        // MariaDB has no zoned timestamp.
        (Database::MySql, Type::Timestamp { .. }) => Type::Timestamp { with_time_zone: false },
        // MariaDB's enums have no name of their own: the reader names them after the column.
        (Database::MySql, Type::Enum { variants, .. }) => {
            Type::Enum { name: column.to_owned(), variants: variants.clone() }
        }
        (_, declared) => declared.clone(),
    }
}

/// A constraint as read: referential actions that are the database's default read as none.
fn constraint(constraint: Constraint, database: Database) -> Constraint {
    match constraint {
        Constraint::ForeignKey(mut key) => {
            let default = |action: Option<ReferentialAction>| match action {
                Some(ReferentialAction::NoAction) => None,
                // InnoDB's RESTRICT is its NO ACTION.
                Some(ReferentialAction::Restrict) if database == Database::MySql => None,
                other => other,
            };
            key.on_delete = default(key.on_delete);
            key.on_update = default(key.on_update);
            Constraint::ForeignKey(key)
        }
        Constraint::Check { name, expression } => {
            Constraint::Check { name, expression: normalise::expression(&expression) }
        }
        unique => unique,
    }
}

/// An index as read: expressions and the condition in the one spelling.
fn index_schema(index: &Index) -> Index {
    let mut read = index.clone();
    read.columns = index
        .columns
        .iter()
        .map(|column| if column.contains('(') { normalise::expression(column) } else { column.clone() })
        .collect();
    read.partial = index.partial.as_deref().map(normalise::expression);
    read
}

/// A comment as read: SQLite keeps none.
fn comment(comment: &Option<String>, database: Database) -> Option<String> {
    comment.clone().filter(|_| database != Database::Sqlite)
}

/// The SQL after `DEFAULT` the database's dialect writes for a default.
fn default_sql(default: &ServerDefault, column_type: &Type, database: Database) -> String {
    match default {
        // MariaDB keeps a boolean as the number it is.
        ServerDefault::Value(Value::Boolean(value)) if database == Database::MySql => {
            if *value { "1" } else { "0" }.to_owned()
        }
        // A number given to a text column is text (SQLite keeps what was written).
        ServerDefault::Value(Value::Integer(number))
            if !normalise::is_numeric(column_type) && database != Database::Sqlite =>
        {
            dialect::of(database).text_literal(&number.to_string())
        }
        ServerDefault::Value(value) => dialect::of(database).literal(value),
        ServerDefault::CurrentTimestamp => "CURRENT_TIMESTAMP".to_owned(),
        ServerDefault::CurrentDate => "CURRENT_DATE".to_owned(),
        ServerDefault::Expression(sql) => format!("({sql})"),
    }
}

/// The column, as an operation declares it, that reads back as `read` (`None` for a type with
/// no portable equivalent). Constraints and keys are the table's, not the column's.
pub(crate) fn column_of(read: &ColumnSchema) -> Option<Column> {
    let ColumnType::Portable(column_type) = &read.column_type else { return None };
    let mut column = Column::new(&read.name, column_type.clone());
    column.nullable = read.nullable;
    column.auto_increment = read.auto_increment;
    column.server_default = read.default.as_deref().map(|sql| server_default_of(sql, column_type));
    column.comment = read.comment.clone();
    Some(column)
}

/// The default, as an operation declares it, that reads back as `read` (a default in the one
/// spelling, in a column of type `column_type`): a value where it is a literal, else the
/// expression.
pub(crate) fn server_default_of(read: &str, column_type: &Type) -> ServerDefault {
    match read {
        "CURRENT_TIMESTAMP" => return ServerDefault::CurrentTimestamp,
        "CURRENT_DATE" => return ServerDefault::CurrentDate,
        _ => {}
    }
    if let Some(text) = read.strip_prefix('\'').and_then(|rest| rest.strip_suffix('\''))
        && !text.replace("''", "").contains('\'')
    {
        let text = text.replace("''", "'");
        return ServerDefault::Value(match column_type {
            Type::Date => Value::Date(text),
            Type::Time => Value::Time(text),
            Type::Timestamp { .. } => Value::Timestamp(text),
            Type::Uuid => Value::Uuid(text),
            Type::Json => Value::Json(text),
            _ => Value::Text(text),
        });
    }
    let value = match (column_type, read) {
        (Type::Boolean, "true" | "1") => Some(Value::Boolean(true)),
        (Type::Boolean, "false" | "0") => Some(Value::Boolean(false)),
        (Type::SmallInt | Type::Integer | Type::BigInt, _) => read.parse().ok().map(Value::Integer),
        (Type::Numeric { .. }, _) if read.parse::<f64>().is_ok() => Some(Value::Decimal(read.to_owned())),
        (Type::Float | Type::Double, _) => {
            read.parse().ok().filter(|n: &f64| n.is_finite()).map(Value::Float)
        }
        _ => None,
    };
    value.map_or_else(|| ServerDefault::Expression(read.to_owned()), ServerDefault::Value)
}

impl Schema {
    /// The views, functions and triggers a reader would read from a `database` where `objects`
    /// were created: only those the database has (a function with a body for it, a trigger with
    /// something to run there). A view reads back as declared only on SQLite, which keeps the
    /// query as written; PostgreSQL and MariaDB rewrite it in their own words.
    pub fn declared_objects(objects: &[SchemaObject], database: Database) -> Schema {
        let mut schema = Schema::default();
        for object in objects {
            match object {
                SchemaObject::View(view) => schema
                    .views
                    .push(ViewSchema::new(&view.name, normalise::view_definition(&view.definition))),
                SchemaObject::Function(function) => {
                    if database == Database::Sqlite {
                        continue;
                    }
                    let Some(body) = function.body_for(database) else { continue };
                    schema.functions.push(FunctionSchema {
                        name: function.name.clone(),
                        arguments: normalise::signature(&function.arguments),
                        returns: normalise::signature(&function.returns),
                        language: match database {
                            Database::Postgres => function.language.to_ascii_lowercase(),
                            _ => String::new(),
                        },
                        body: normalise::body(body),
                    });
                }
                SchemaObject::Trigger(trigger) => {
                    let action = match database {
                        Database::Postgres => trigger.function.clone(),
                        other => trigger.body_for(other).map(normalise::body),
                    };
                    let Some(action) = action else { continue };
                    schema.triggers.push(TriggerSchema {
                        name: trigger.name.clone(),
                        table: trigger.table.clone(),
                        timing: trigger.timing,
                        event: trigger.event,
                        action,
                    });
                }
            }
        }
        schema.sort();
        schema
    }
}

/// The function, as an operation declares it, that reads back as `read` on `database`.
pub(crate) fn function_of(read: &FunctionSchema, database: Database) -> Function {
    let mut function =
        Function::new(&read.name, &read.returns).arguments(&read.arguments).on(database, &read.body);
    if database == Database::Postgres {
        function = function.language(&read.language);
    }
    function
}

/// The trigger, as an operation declares it, that reads back as `read` on `database`.
pub(crate) fn trigger_of(read: &TriggerSchema, database: Database) -> Trigger {
    let trigger = Trigger::new(&read.name, &read.table, read.timing, read.event);
    match database {
        Database::Postgres => trigger.execute_function(&read.action),
        other => trigger.on(other, &read.action),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::ForeignKey;

    fn users() -> Table {
        let mut table = Table::new("users");
        table.column("id", Type::BigInt).primary_key().auto_increment();
        table.column("email", Type::Varchar(255)).not_null().unique();
        table.column("org_id", Type::BigInt).references("orgs", "id").on_delete(ReferentialAction::NoAction);
        table.column("active", Type::Boolean).not_null().server_default(true);
        table
            .column("seen", Type::Timestamp { with_time_zone: true })
            .server_default(ServerDefault::CurrentTimestamp);
        table.column("mood", Type::enumeration("feeling", ["happy", "sad"]));
        table.check("users_id_positive", "(\"id\" > 0)");
        table.comment("people");
        table
    }

    #[test]
    fn a_model_reads_back_with_its_databases_types_and_spellings() {
        let read = |database| table_schema(&users(), &[], database);
        let sqlite = read(Database::Sqlite);
        assert_eq!(sqlite.columns[0].column_type, ColumnType::Portable(Type::Integer), "the rowid");
        assert!(sqlite.columns[0].auto_increment);
        assert_eq!(sqlite.columns[3].default.as_deref(), Some("1"));
        assert_eq!(sqlite.comment, None, "SQLite keeps no comments");
        let mysql = read(Database::MySql);
        assert_eq!(mysql.columns[0].column_type, ColumnType::Portable(Type::BigInt));
        assert_eq!(mysql.columns[3].default.as_deref(), Some("1"));
        assert_eq!(
            mysql.columns[4].column_type,
            ColumnType::Portable(Type::Timestamp { with_time_zone: false })
        );
        assert_eq!(
            mysql.columns[5].column_type,
            ColumnType::Portable(Type::enumeration("mood", ["happy", "sad"]))
        );
        let postgres = read(Database::Postgres);
        assert_eq!(postgres.columns[3].default.as_deref(), Some("true"));
        assert_eq!(postgres.columns[4].default.as_deref(), Some("CURRENT_TIMESTAMP"));
        assert_eq!(postgres.comment.as_deref(), Some("people"));
        let sorted = Schema::declared(&[Model::new(users(), "app::User")], Database::Postgres);
        assert_eq!(
            sorted.tables[0].constraints,
            [
                Constraint::Unique { name: "users_email_key".to_owned(), columns: vec!["email".to_owned()] },
                Constraint::ForeignKey(ForeignKey::new("users_org_id_fkey", ["org_id"], "orgs", ["id"])),
                Constraint::Check { name: "users_id_positive".to_owned(), expression: "id > 0".to_owned() },
            ],
            "NO ACTION is the default, and reads as none"
        );
    }

    #[test]
    fn key_columns_refuse_null_except_on_sqlite_where_only_the_rowid_does() {
        let mut table = Table::new("pairs");
        table.column("a", Type::Text);
        table.column("b", Type::Text);
        table.primary_key(["a", "b"]);
        assert!(!table_schema(&table, &[], Database::Postgres).columns[0].nullable);
        assert!(table_schema(&table, &[], Database::Sqlite).columns[0].nullable);
    }

    #[test]
    fn a_unique_index_is_a_unique_constraint_on_mariadb() {
        let mut index = Index::new("users_email", "users", ["email"]);
        index.unique = true;
        let read = table_schema(&users(), std::slice::from_ref(&index), Database::MySql);
        assert!(read.indexes.is_empty());
        assert!(read.constraint("users_email").is_some());
        let read = table_schema(&users(), &[index.clone()], Database::Sqlite);
        assert_eq!(read.indexes, [index]);
    }

    #[test]
    fn postgresql_enum_types_come_from_the_columns_once() {
        let mut other = Table::new("other");
        other.column("mood", Type::enumeration("feeling", ["happy", "sad"]));
        let models = [Model::new(users(), "app::User"), Model::new(other, "app::Other")];
        assert_eq!(
            Schema::declared(&models, Database::Postgres).enums,
            [EnumSchema::new("feeling", ["happy", "sad"])]
        );
        assert_eq!(Schema::declared(&models, Database::MySql).enums, []);
    }

    #[test]
    fn a_read_default_gives_back_the_value_declared() {
        assert_eq!(
            server_default_of("'it''s'", &Type::Text),
            ServerDefault::Value(Value::Text("it's".to_owned()))
        );
        assert_eq!(server_default_of("-1", &Type::BigInt), ServerDefault::Value(Value::Integer(-1)));
        assert_eq!(server_default_of("1", &Type::Boolean), ServerDefault::Value(Value::Boolean(true)));
        assert_eq!(
            server_default_of("10.50", &Type::Numeric { precision: 10, scale: 2 }),
            ServerDefault::Value(Value::Decimal("10.50".to_owned()))
        );
        assert_eq!(server_default_of("CURRENT_DATE", &Type::Date), ServerDefault::CurrentDate);
        assert_eq!(
            server_default_of("lower('A')", &Type::Text),
            ServerDefault::Expression("lower('A')".to_owned())
        );
        for database in [Database::Sqlite, Database::Postgres, Database::MySql] {
            for (declared, column_type) in [
                (ServerDefault::Value(Value::Text("it's".to_owned())), Type::Text),
                (ServerDefault::Value(Value::Integer(5)), Type::Integer),
                (ServerDefault::Value(Value::Boolean(false)), Type::Boolean),
                (ServerDefault::CurrentTimestamp, Type::Timestamp { with_time_zone: false }),
            ] {
                let mut table = Table::new("t");
                table.column("c", column_type.clone()).server_default(declared.clone());
                let read = column_schema(&table.columns[0], &table, database);
                let back = server_default_of(read.default.as_deref().unwrap_or_default(), &column_type);
                assert_eq!(back, declared, "{database:?}");
            }
        }
    }
}
