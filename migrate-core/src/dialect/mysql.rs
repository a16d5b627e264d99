//! MySQL and MariaDB.

use super::definition::{split_column, split_table, table_constraint};
use super::{Database, Dialect, LivePart, LiveTable, RunLock, quote_string, quote_with, standard};
use crate::error::{Error, Result};
use crate::ops::{AlterColumn, Operation, Timeout};
use crate::schema::{Column, Constraint, ConstraintKind, ReferentialAction, Type};

/// The keywords that start a clause of a column definition in `SHOW CREATE TABLE`.
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
    "AUTO_INCREMENT",
    "COMMENT",
    "ON",
    "CHARACTER",
    "CHARSET",
    "INVISIBLE",
];

/// The errors a DDL statement run a second time gives, once it has taken effect: table exists
/// (1050), unknown table (1051), unknown column (1054), duplicate column (1060), duplicate key
/// name (1061), multiple primary keys (1068), can't drop a column or key that isn't there (1091),
/// no such table (1146), duplicate foreign-key name (1826).
#[cfg(feature = "mysql")]
const ALREADY_APPLIED: &[u16] = &[1050, 1051, 1054, 1060, 1061, 1068, 1091, 1146, 1826];

/// The first words of the statements that commit implicitly (MySQL's "Statements That Cause an
/// Implicit Commit": DDL, account management, table locks and maintenance).
const IMPLICIT_COMMITS: &[&str] = &[
    "ALTER",
    "CREATE",
    "DROP",
    "RENAME",
    "TRUNCATE",
    "GRANT",
    "REVOKE",
    "LOCK",
    "UNLOCK",
    "ANALYZE",
    "OPTIMIZE",
    "REPAIR",
    "INSTALL",
    "UNINSTALL",
];

/// The columns a batch has added and renamed so far.
#[derive(Debug, Default)]
struct BatchColumns {
    added: Vec<String>,
    /// Name now and name in the live table.
    renamed: Vec<(String, String)>,
}

/// MySQL/MariaDB: DDL commits implicitly; the run holds a named `GET_LOCK` lock. The two servers
/// differ in the conditional forms: MariaDB has `IF [NOT] EXISTS` on indexes, columns and
/// constraints, MySQL 8 has none of them, so for MySQL (and offline, where the server isn't known)
/// such an operation checks `information_schema` and runs its statement only when it applies.
#[derive(Debug, Clone, Copy)]
pub(crate) struct MySqlDialect {
    native_conditionals: bool,
}

impl MySqlDialect {
    /// MariaDB (10.5 or later), with its own `IF [NOT] EXISTS` forms.
    pub(crate) const MARIADB: Self = Self { native_conditionals: true };
    /// Forms MySQL 8 accepts, and MariaDB too: for MySQL, and offline SQL.
    pub(crate) const PORTABLE: Self = Self { native_conditionals: false };

    /// The dialect for a server that reports `version` (`SELECT VERSION()`).
    pub(crate) fn for_version(version: &str) -> Self {
        if version.contains("MariaDB") { Self::MARIADB } else { Self::PORTABLE }
    }

    /// Whether this is MariaDB's dialect, with its own `IF [NOT] EXISTS` forms.
    pub(crate) fn native_conditionals(self) -> bool {
        self.native_conditionals
    }
}

impl Dialect for MySqlDialect {
    fn quote_identifier(&self, identifier: &str) -> String {
        quote_with(identifier, '`')
    }

    fn integer_type(&self) -> &'static str {
        "SIGNED"
    }

    fn transactional_ddl(&self) -> bool {
        false
    }

    fn run_lock(&self, key: &str) -> RunLock {
        // GET_LOCK names are per server, so the database name is part of the lock name; hashed,
        // because MySQL refuses lock names longer than 64 characters.
        // The key is written as the dialect writes any text, so a quote or a backslash in it
        // stays part of the name.
        let name = format!("CONCAT('migrate:', SHA1(CONCAT(DATABASE(), ':', {})))", self.text_literal(key));
        RunLock::Session {
            try_acquire: format!("SELECT CAST(COALESCE(GET_LOCK({name}, 0), 0) AS SIGNED)"),
            release: format!("SELECT RELEASE_LOCK({name})"),
        }
    }

    fn identity_primary_key(&self) -> &'static str {
        "BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY"
    }

    fn written_at_column(&self) -> &'static str {
        "TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)"
    }

    fn database(&self) -> Database {
        Database::MySql
    }

    fn reset_timeouts(&self) -> Vec<&'static str> {
        let mut statements = vec!["SET SESSION lock_wait_timeout = DEFAULT"];
        if self.native_conditionals() {
            statements.push("SET SESSION max_statement_time = DEFAULT");
        }
        statements
    }

    fn text_literal(&self, text: &str) -> String {
        // A backslash escapes in MySQL strings unless NO_BACKSLASH_ESCAPES is set: text with one
        // is written as hexadecimal UTF-8, which reads the same in every mode.
        if text.contains('\\') {
            format!("_utf8mb4 X'{}'", standard::hex(text.as_bytes()))
        } else {
            quote_string(text)
        }
    }

    fn column_type(&self, column_type: &Type) -> String {
        match column_type {
            Type::SmallInt => "SMALLINT".to_owned(),
            Type::Integer => "INT".to_owned(),
            Type::BigInt => "BIGINT".to_owned(),
            Type::Text => "LONGTEXT".to_owned(),
            Type::Varchar(length) => format!("VARCHAR({length})"),
            Type::Boolean => "BOOLEAN".to_owned(),
            Type::Numeric { precision, scale } => format!("DECIMAL({precision}, {scale})"),
            Type::Float => "FLOAT".to_owned(),
            Type::Double => "DOUBLE".to_owned(),
            Type::Date => "DATE".to_owned(),
            Type::Time => "TIME(6)".to_owned(),
            // MariaDB has no zoned type: both store the value as given (write UTC).
            Type::Timestamp { .. } => "DATETIME(6)".to_owned(),
            Type::Uuid => "CHAR(36)".to_owned(),
            Type::Json => "JSON".to_owned(),
            Type::Binary => "LONGBLOB".to_owned(),
            Type::Enum { variants, .. } => {
                let variants: Vec<String> = variants.iter().map(|variant| quote_string(variant)).collect();
                format!("ENUM({})", variants.join(", "))
            }
        }
    }

    fn render_valid(&self, operation: &Operation, live: Option<&LiveTable>) -> Result<Vec<String>> {
        if !self.native_conditionals
            && let Some((condition, unconditional)) = self.condition(operation)
        {
            let statements = Self::MARIADB.render_valid(&unconditional, live)?;
            return Ok(statements.iter().flat_map(|statement| self.only_if(&condition, statement)).collect());
        }
        self.render_statements(operation, live)
    }

    fn server_specific(&self, operation: &Operation) -> bool {
        self.condition(operation).is_some()
            || matches!(operation, Operation::SetTimeout(timeout) if timeout.kind == Timeout::Statement)
    }

    fn already_applied(&self, error: &sqlx::Error) -> bool {
        #[cfg(feature = "mysql")]
        if let Some(error) = error.as_database_error()
            && let Some(error) = error.try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>()
        {
            return ALREADY_APPLIED.contains(&error.number());
        }
        let _ = error;
        false
    }

    fn commits_implicitly(&self, statement: &str) -> bool {
        let first =
            statement.trim_start().split(|c: char| !c.is_ascii_alphabetic()).next().unwrap_or_default();
        IMPLICIT_COMMITS.iter().any(|word| first.eq_ignore_ascii_case(word))
    }

    fn live_table_needed<'o>(&self, operation: &'o Operation) -> Option<&'o str> {
        match operation {
            Operation::AlterColumn(op) if op.new_type.is_some() || op.new_nullable.is_some() => {
                Some(&op.table)
            }
            // Read once, before the batch: a column is restated as it was then.
            Operation::BatchAlterTable(batch)
                if batch.operations.iter().any(|change| self.live_table_needed(change).is_some()) =>
            {
                Some(&batch.table)
            }
            _ => None,
        }
    }

    fn live_table_queries(&self, table: &str) -> Vec<(LivePart, String)> {
        vec![(LivePart::Definition, format!("SHOW CREATE TABLE {}", self.quote_identifier(table)))]
    }
}

impl MySqlDialect {
    /// For an operation MariaDB writes with `IF [NOT] EXISTS`: the condition under which it applies
    /// (a count in `information_schema`), and the operation without its `if` flag.
    fn condition(&self, operation: &Operation) -> Option<(String, Operation)> {
        let count = |view: &str, name_column: &str, table: &str, name: &str| {
            format!(
                "(SELECT COUNT(*) FROM information_schema.{view} WHERE table_schema = DATABASE() AND \
                 table_name = {} AND {name_column} = {})",
                self.text_literal(table),
                self.text_literal(name)
            )
        };
        let mut unconditional = operation.clone();
        let condition = match &mut unconditional {
            Operation::AddColumn(op) if op.if_not_exists => {
                op.if_not_exists = false;
                format!("{} = 0", count("columns", "column_name", &op.table, &op.column.name))
            }
            Operation::DropColumn(op) if op.if_exists => {
                op.if_exists = false;
                format!("{} > 0", count("columns", "column_name", &op.table, &op.column))
            }
            Operation::CreateIndex(op) if op.if_not_exists => {
                op.if_not_exists = false;
                format!("{} = 0", count("statistics", "index_name", &op.index.table, &op.index.name))
            }
            Operation::DropIndex(op) if op.if_exists => {
                op.if_exists = false;
                format!("{} > 0", count("statistics", "index_name", &op.table, &op.name))
            }
            Operation::DropConstraint(op) if op.if_exists => {
                op.if_exists = false;
                match op.kind {
                    ConstraintKind::Unique => {
                        format!("{} > 0", count("statistics", "index_name", &op.table, &op.name))
                    }
                    _ => {
                        format!("{} > 0", count("table_constraints", "constraint_name", &op.table, &op.name))
                    }
                }
            }
            _ => return None,
        };
        Some((condition, unconditional))
    }

    /// `statement`, run only when `condition` holds: prepared from a string that is the statement
    /// or a no-op, which MySQL and MariaDB both accept.
    fn only_if(&self, condition: &str, statement: &str) -> Vec<String> {
        vec![
            format!("SET @migrate_statement = IF({condition}, {}, 'DO 0')", self.text_literal(statement)),
            "PREPARE migrate_statement FROM @migrate_statement".to_owned(),
            "EXECUTE migrate_statement".to_owned(),
            "DEALLOCATE PREPARE migrate_statement".to_owned(),
        ]
    }

    /// The statements of an operation, with MariaDB's conditional forms.
    fn render_statements(&self, operation: &Operation, live: Option<&LiveTable>) -> Result<Vec<String>> {
        let unsupported = |reason: &str| Error::UnsupportedOperation {
            operation: operation.describe(),
            database: self.name(),
            reason: reason.to_owned(),
        };
        let table = |name: &str| self.quote_identifier(name);
        let set_default_action = |constraints: &[Constraint]| {
            constraints.iter().any(|constraint| {
                matches!(constraint, Constraint::ForeignKey(key)
                    if key.on_delete == Some(ReferentialAction::SetDefault) || key.on_update == Some(ReferentialAction::SetDefault))
            })
        };
        const NO_SET_DEFAULT: &str =
            "InnoDB refuses ON DELETE/ON UPDATE SET DEFAULT; use SET NULL, CASCADE or RESTRICT";
        Ok(match operation {
            Operation::CreateTable(op) => {
                if set_default_action(&op.table.all_constraints()) {
                    return Err(unsupported(NO_SET_DEFAULT));
                }
                let options = op
                    .table
                    .comment
                    .as_ref()
                    .map(|comment| format!(" COMMENT={}", quote_string(comment)))
                    .unwrap_or_default();
                vec![standard::create_table(self, op, &|column| self.column_definition(column), &options)]
            }
            Operation::DropTable(op) => vec![standard::drop_table(self, op)],
            Operation::RenameTable(op) => vec![standard::rename_table(self, op)],
            Operation::AddColumn(op) => {
                let constraints = op.column.constraints(&op.table);
                if set_default_action(&constraints) {
                    return Err(unsupported(NO_SET_DEFAULT));
                }
                if op.if_not_exists && !constraints.is_empty() {
                    return Err(unsupported(
                        "a constraint can't be added only if the column is missing; add the column's unique or \
                         references without if_not_exists",
                    ));
                }
                let mut actions = vec![format!(
                    "ADD COLUMN {}{}",
                    if op.if_not_exists { "IF NOT EXISTS " } else { "" },
                    self.column_definition(&op.column)
                )];
                actions.extend(
                    constraints
                        .iter()
                        .map(|constraint| format!("ADD {}", standard::constraint(self, constraint))),
                );
                vec![format!("ALTER TABLE {} {}", table(&op.table), actions.join(", "))]
            }
            Operation::DropColumn(op) => vec![format!(
                "ALTER TABLE {} DROP COLUMN {}{}",
                table(&op.table),
                if op.if_exists { "IF EXISTS " } else { "" },
                self.quote_identifier(&op.column)
            )],
            Operation::AlterColumn(op) => match live {
                Some(live) if self.live_table_needed(operation).is_some() => {
                    vec![self.restate_column(operation, op, live, &op.column)?]
                }
                None if self.live_table_needed(operation).is_some() => {
                    return Err(unsupported(
                        "MariaDB changes a column's type or nullability by restating the whole column, which \
                         takes its live definition, and only a connection to the database can read it",
                    ));
                }
                _ => self.alter_in_place(op),
            },
            Operation::CreateIndex(op) => {
                if op.index.partial.is_some() {
                    return Err(unsupported(
                        "MariaDB has no partial indexes; index every row, or index a generated column instead",
                    ));
                }
                vec![standard::create_index(self, op, false)]
            }
            Operation::DropIndex(op) => vec![format!(
                "DROP INDEX {}{} ON {}",
                if op.if_exists { "IF EXISTS " } else { "" },
                self.quote_identifier(&op.name),
                table(&op.table)
            )],
            Operation::AddConstraint(op) => {
                if set_default_action(std::slice::from_ref(&op.constraint)) {
                    return Err(unsupported(NO_SET_DEFAULT));
                }
                vec![standard::add_constraint(self, &op.table, &op.constraint)]
            }
            Operation::DropConstraint(op) => {
                let what = match op.kind {
                    ConstraintKind::Unique => "INDEX",
                    ConstraintKind::ForeignKey => "FOREIGN KEY",
                    ConstraintKind::Check => "CONSTRAINT",
                };
                vec![format!(
                    "ALTER TABLE {} DROP {what} {}{}",
                    table(&op.table),
                    if op.if_exists { "IF EXISTS " } else { "" },
                    self.quote_identifier(&op.name)
                )]
            }
            Operation::BulkInsert(op) => standard::insert(self, op),
            Operation::DropEnum(_) | Operation::CreateEnum(_) | Operation::AddEnumValue(_) => Vec::new(),
            // Constraints are checked when added: there is nothing left to check.
            Operation::ValidateConstraint(_) => Vec::new(),
            Operation::SetTimeout(op) => match op.kind {
                // Whole seconds, at least one (0 isn't accepted).
                Timeout::Lock => {
                    vec![format!(
                        "SET SESSION lock_wait_timeout = {}",
                        op.duration.as_millis().div_ceil(1000).max(1)
                    )]
                }
                Timeout::Statement if self.native_conditionals() => {
                    vec![format!("SET SESSION max_statement_time = {}", op.duration.as_secs_f64())]
                }
                // MySQL's max_execution_time limits only SELECT statements.
                Timeout::Statement => Vec::new(),
            },
            Operation::BatchAlterTable(batch) => {
                let mut columns = BatchColumns::default();
                standard::batch(self, batch, &mut |change| self.render_in_batch(change, live, &mut columns))?
            }
            Operation::CreateView(op) => standard::create_view(self, op, true),
            Operation::DropView(op) => vec![standard::drop_view(self, op)],
            Operation::CreateFunction(op) => {
                let function = &op.function;
                let body = standard::function_body(self, operation, function)?;
                let name = self.quote_identifier(&function.name);
                let create = |or_replace: &str| {
                    format!(
                        "CREATE {or_replace}FUNCTION {name}({}) RETURNS {} {}",
                        function.arguments.trim(),
                        function.returns.trim(),
                        body.trim()
                    )
                };
                match (op.or_replace, self.native_conditionals()) {
                    (true, true) => vec![create("OR REPLACE ")],
                    // MySQL has no OR REPLACE for functions.
                    (true, false) => vec![format!("DROP FUNCTION IF EXISTS {name}"), create("")],
                    (false, _) => vec![create("")],
                }
            }
            Operation::DropFunction(op) => vec![format!(
                "DROP FUNCTION {}{}",
                if op.if_exists { "IF EXISTS " } else { "" },
                self.quote_identifier(&op.name)
            )],
            Operation::CreateTrigger(op) => {
                vec![standard::create_trigger_with_body(self, operation, &op.trigger)?]
            }
            Operation::DropTrigger(op) => vec![standard::drop_trigger(self, op)],
            _ => standard::raw(self, operation),
        })
    }

    /// A change of a batch: as usual, except that a column is restated from its live definition
    /// under the name it had before the batch renamed it (the live table is read before the batch).
    fn render_in_batch(
        &self,
        change: &Operation,
        live: Option<&LiveTable>,
        columns: &mut BatchColumns,
    ) -> Result<Vec<String>> {
        match change {
            Operation::AddColumn(op) => columns.added.push(op.column.name.clone()),
            Operation::AlterColumn(op) => {
                let known = |name: &String| name.eq_ignore_ascii_case(&op.column);
                let statements = match live {
                    Some(live) if self.live_table_needed(change).is_some() => {
                        if columns.added.iter().any(known) {
                            return Err(Error::UnsupportedOperation {
                                operation: change.describe(),
                                database: self.name(),
                                reason: format!(
                                    "MariaDB restates the column from the table as it was before the batch, which \
                                     adds it; give \"{}\" its final definition in add_column",
                                    op.column
                                ),
                            });
                        }
                        let live_name =
                            columns.renamed.iter().find(|(now, _)| known(now)).map(|(_, was)| was);
                        vec![self.restate_column(change, op, live, live_name.unwrap_or(&op.column))?]
                    }
                    _ => self.render_valid(change, live)?,
                };
                if let Some(new_name) = &op.new_name {
                    match columns.renamed.iter_mut().find(|(now, _)| known(now)) {
                        Some((now, _)) => *now = new_name.clone(),
                        None => columns.renamed.push((new_name.clone(), op.column.clone())),
                    }
                    for added in columns.added.iter_mut().filter(|name| known(name)) {
                        *added = new_name.clone();
                    }
                }
                return Ok(statements);
            }
            _ => {}
        }
        self.render_valid(change, live)
    }

    /// `` `name` TYPE [NOT NULL] [DEFAULT ..] [AUTO_INCREMENT] [COMMENT '..'] ``.
    fn column_definition(&self, column: &Column) -> String {
        let mut sql = format!(
            "{} {}{}",
            self.quote_identifier(&column.name),
            self.column_type(&column.column_type),
            standard::nullability_and_default(self, column)
        );
        if column.auto_increment {
            sql.push_str(" AUTO_INCREMENT");
        }
        if let Some(comment) = &column.comment {
            sql.push_str(" COMMENT ");
            sql.push_str(&quote_string(comment));
        }
        sql
    }

    /// A default or a name changed without restating the column.
    fn alter_in_place(&self, op: &AlterColumn) -> Vec<String> {
        let mut statements = Vec::new();
        let column = self.quote_identifier(&op.column);
        let table = self.quote_identifier(&op.table);
        match &op.new_server_default {
            Some(Some(default)) => statements.push(format!(
                "ALTER TABLE {table} ALTER COLUMN {column} SET DEFAULT {}",
                standard::server_default(self, default)
            )),
            Some(None) => statements.push(format!("ALTER TABLE {table} ALTER COLUMN {column} DROP DEFAULT")),
            None => {}
        }
        if let Some(new_name) = &op.new_name {
            statements.push(standard::rename_column(self, &op.table, &op.column, new_name));
        }
        statements
    }

    /// `MODIFY COLUMN` (or `CHANGE COLUMN`, to rename too) with the column's live definition
    /// changed: everything not asked for (default, comment, auto-increment, ...) is kept. The
    /// definition is the live table's column `live_name`: the column's name before the renames of
    /// the batch it is part of.
    fn restate_column(
        &self,
        operation: &Operation,
        op: &AlterColumn,
        live: &LiveTable,
        live_name: &str,
    ) -> Result<String> {
        let invalid = |reason: String| Error::InvalidOperation { operation: operation.describe(), reason };
        let table = split_table(&live.definition)
            .ok_or_else(|| invalid(format!("can't read the definition of table \"{}\"", op.table)))?;
        let column = table
            .items
            .iter()
            .filter(|item| table_constraint(item).is_none())
            .filter_map(|item| split_column(item, CLAUSE_STARTS))
            .find(|column| column.name.eq_ignore_ascii_case(live_name))
            .ok_or_else(|| invalid(format!("table \"{}\" has no column \"{live_name}\"", op.table)))?;
        let mut changed = column.clone();
        changed.clauses.retain(|clause| {
            let kind = clause.kind.as_str();
            // A character set, a collation and JSON's validity check belong to the old type.
            let of_old_type = op.new_type.is_some()
                && (matches!(kind, "CHARACTER" | "CHARSET" | "COLLATE")
                    || (kind == "CHECK" && clause.text.to_ascii_lowercase().contains("json_valid")));
            let nullability = op.new_nullable.is_some() && matches!(kind, "NOT" | "NULL");
            let null_default =
                op.new_nullable == Some(false) && clause.text.eq_ignore_ascii_case("DEFAULT NULL");
            let default = op.new_server_default.is_some() && kind == "DEFAULT";
            !(of_old_type || nullability || null_default || default)
        });
        let new_type = op.new_type.as_ref().map(|new_type| self.column_type(new_type));
        let name = self.quote_identifier(op.new_name.as_deref().unwrap_or(&op.column));
        let mut definition = changed.write(&name, new_type.as_deref().unwrap_or(changed.type_text));
        match op.new_nullable {
            Some(true) => definition.push_str(" NULL"),
            Some(false) => definition.push_str(" NOT NULL"),
            None => {}
        }
        if let Some(Some(default)) = &op.new_server_default {
            definition.push_str(" DEFAULT ");
            definition.push_str(&standard::server_default(self, default));
        }
        let table = self.quote_identifier(&op.table);
        Ok(if op.new_name.is_some() {
            format!("ALTER TABLE {table} CHANGE COLUMN {} {definition}", self.quote_identifier(&op.column))
        } else {
            format!("ALTER TABLE {table} MODIFY COLUMN {definition}")
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::Operations;
    use crate::schema::Value;

    fn render_with(record: impl FnOnce(&mut Operations), live: Option<&LiveTable>) -> Result<Vec<String>> {
        let mut op = Operations::new();
        record(&mut op);
        let mut statements = Vec::new();
        for operation in op.recorded() {
            statements.extend(MySqlDialect::MARIADB.render(operation, live)?);
        }
        Ok(statements)
    }

    #[test]
    fn functions_and_triggers_take_the_body_as_written_without_delimiters() {
        use crate::schema::{Function, Trigger, TriggerEvent, TriggerTiming};
        let record = |op: &mut Operations| {
            op.create_function(
                Function::new("add_one", "INT")
                    .arguments("x INT")
                    .on(Database::Postgres, "BEGIN RETURN x + 1; END")
                    .on(Database::MySql, "RETURN x + 1"),
            )
            .or_replace();
            op.create_trigger(
                Trigger::new("users_touch", "users", TriggerTiming::Before, TriggerEvent::Update)
                    .on(Database::MySql, "SET NEW.updated_at = NOW(6)"),
            );
            op.drop_trigger("users_touch", "users").if_exists();
        };
        assert_eq!(
            render_with(record, None).unwrap(),
            [
                "CREATE OR REPLACE FUNCTION `add_one`(x INT) RETURNS INT RETURN x + 1",
                "CREATE TRIGGER `users_touch` BEFORE UPDATE ON `users` FOR EACH ROW SET NEW.updated_at = NOW(6)",
                "DROP TRIGGER IF EXISTS `users_touch`",
            ]
        );
        let mut op = Operations::new();
        record(&mut op);
        let portable = MySqlDialect::PORTABLE.render(&op.recorded()[0], None).unwrap();
        assert_eq!(
            portable,
            [
                "DROP FUNCTION IF EXISTS `add_one`",
                "CREATE FUNCTION `add_one`(x INT) RETURNS INT RETURN x + 1"
            ]
        );
    }

    #[test]
    fn a_function_without_a_body_for_mariadb_is_refused_saying_how_to_give_one() {
        use crate::schema::Function;
        let message = render_with(
            |op| {
                op.create_function(
                    Function::new("f", "integer").on(Database::Postgres, "BEGIN RETURN 1; END"),
                );
            },
            None,
        )
        .unwrap_err()
        .to_string();
        assert!(message.contains("no body for MySQL"), "{message}");
        assert!(message.contains(".on(Database::MySql"), "{message}");
    }

    #[test]
    fn mariadb_writes_its_own_conditional_forms() {
        let sql = render_with(
            |op| {
                op.create_index("t_a", "t", ["a"]).if_not_exists();
                op.drop_index("t_b", "t").if_exists();
            },
            None,
        )
        .unwrap();
        assert_eq!(
            sql,
            ["CREATE INDEX IF NOT EXISTS `t_a` ON `t` (`a`)", "DROP INDEX IF EXISTS `t_b` ON `t`"]
        );
    }

    #[test]
    fn mysql_runs_a_conditional_statement_only_when_information_schema_says_it_applies() {
        let mut op = Operations::new();
        op.add_column_if_not_exists("t", "it's", Type::Integer);
        op.drop_unique("t_u", "t").if_exists();
        let sql: Vec<String> = op
            .recorded()
            .iter()
            .flat_map(|operation| MySqlDialect::PORTABLE.render(operation, None).unwrap())
            .collect();
        assert_eq!(
            sql,
            [
                "SET @migrate_statement = IF((SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = DATABASE() \
                 AND table_name = 't' AND column_name = 'it''s') = 0, 'ALTER TABLE `t` ADD COLUMN `it''s` INT', 'DO 0')",
                "PREPARE migrate_statement FROM @migrate_statement",
                "EXECUTE migrate_statement",
                "DEALLOCATE PREPARE migrate_statement",
                "SET @migrate_statement = IF((SELECT COUNT(*) FROM information_schema.statistics WHERE table_schema = DATABASE() \
                 AND table_name = 't' AND index_name = 't_u') > 0, 'ALTER TABLE `t` DROP INDEX `t_u`', 'DO 0')",
                "PREPARE migrate_statement FROM @migrate_statement",
                "EXECUTE migrate_statement",
                "DEALLOCATE PREPARE migrate_statement",
            ]
        );
        assert!(MySqlDialect::PORTABLE.server_specific(&op.recorded()[0]));
        assert!(MySqlDialect::for_version("10.11.19-MariaDB-0+deb12u1").native_conditionals());
        assert!(!MySqlDialect::for_version("8.0.36").native_conditionals());
    }

    #[test]
    fn a_type_change_restates_the_live_column_keeping_its_default_and_comment() {
        let live = LiveTable {
            name: "users".to_owned(),
            definition: "CREATE TABLE `users` (\n  `id` bigint(20) NOT NULL AUTO_INCREMENT,\n  \
                         `email` varchar(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin DEFAULT 'x' COMMENT 'the mail',\n  \
                         PRIMARY KEY (`id`)\n) ENGINE=InnoDB"
                .to_owned(),
            ..LiveTable::default()
        };
        let sql = render_with(
            |op| {
                op.alter_column("users", "email")
                    .set_type(Type::Integer)
                    .set_nullable(false)
                    .rename_to("mail");
            },
            Some(&live),
        )
        .unwrap();
        assert_eq!(
            sql,
            ["ALTER TABLE `users` CHANGE COLUMN `email` `mail` INT DEFAULT 'x' COMMENT 'the mail' NOT NULL"]
        );
    }

    #[test]
    fn a_partial_index_is_refused_clearly() {
        let error = render_with(
            |op| {
                op.create_index("live_users", "users", ["email"]).partial("deleted_at IS NULL");
            },
            None,
        )
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "create_index \"live_users\" on \"users\" can't be run on MySQL: MariaDB has no partial indexes; \
             index every row, or index a generated column instead"
        );
    }

    #[test]
    fn each_kind_of_constraint_is_dropped_with_its_own_syntax() {
        let sql = render_with(
            |op| {
                op.drop_unique("u", "t").if_exists();
                op.drop_foreign_key("f", "t");
                op.drop_check("c", "t");
            },
            None,
        )
        .unwrap();
        assert_eq!(
            sql,
            [
                "ALTER TABLE `t` DROP INDEX IF EXISTS `u`",
                "ALTER TABLE `t` DROP FOREIGN KEY `f`",
                "ALTER TABLE `t` DROP CONSTRAINT `c`",
            ]
        );
    }

    #[test]
    fn on_delete_set_default_is_refused_before_anything_runs() {
        let error = render_with(
            |op| {
                op.create_foreign_key("players_team_fkey", "players", ["team_id"], "teams", ["id"])
                    .on_delete(ReferentialAction::SetDefault);
            },
            None,
        )
        .unwrap_err();
        assert!(error.to_string().contains("InnoDB refuses ON DELETE/ON UPDATE SET DEFAULT"), "{error}");
    }

    #[test]
    fn text_with_a_backslash_is_written_in_hexadecimal() {
        assert_eq!(MySqlDialect::MARIADB.literal(&Value::from("a\\b")), "_utf8mb4 X'615c62'");
        assert_eq!(MySqlDialect::MARIADB.literal(&Value::from("it's")), "'it''s'");
    }

    #[test]
    fn a_batch_restates_columns_from_the_table_as_it_was_and_merges_its_actions() {
        let live = LiveTable {
            name: "books".to_owned(),
            definition:
                "CREATE TABLE `books` (\n  `id` bigint(20) NOT NULL,\n  `title` varchar(200) NOT NULL,\n  \
                         `isbn` varchar(20) DEFAULT NULL,\n  PRIMARY KEY (`id`)\n) ENGINE=InnoDB"
                    .to_owned(),
            ..LiveTable::default()
        };
        let record = |op: &mut Operations| {
            op.batch_alter_table("books", |t| {
                t.add_column("subtitle", Type::Varchar(100));
                t.alter_column("title").set_type(Type::Varchar(300));
                t.drop_column("isbn");
                t.drop_foreign_key("books_author_fkey");
                t.drop_index("books_author");
            });
        };
        let mut recorded = Operations::new();
        record(&mut recorded);
        assert_eq!(MySqlDialect::MARIADB.live_table_needed(&recorded.recorded()[0]), Some("books"));
        assert_eq!(
            render_with(record, Some(&live)).unwrap(),
            [
                "ALTER TABLE `books` ADD COLUMN `subtitle` VARCHAR(100), MODIFY COLUMN `title` VARCHAR(300) NOT NULL, \
                 DROP COLUMN `isbn`, DROP FOREIGN KEY `books_author_fkey`",
                "DROP INDEX `books_author` ON `books`",
            ]
        );
        let offline = render_with(record, None).unwrap_err();
        assert!(offline.to_string().contains("only a connection to the database can read it"), "{offline}");
    }

    #[test]
    fn a_batch_restates_a_renamed_column_from_its_live_definition_and_refuses_one_it_adds() {
        let live = LiveTable {
            name: "books".to_owned(),
            definition: "CREATE TABLE `books` (\n  `id` bigint(20) NOT NULL,\n  `title` varchar(200) NOT NULL COMMENT 'shown'\n)"
                .to_owned(),
            ..LiveTable::default()
        };
        let sql = render_with(
            |op| {
                op.batch_alter_table("books", |t| {
                    t.alter_column("title").rename_to("name");
                    t.alter_column("name").set_nullable(true);
                });
            },
            Some(&live),
        )
        .unwrap();
        assert_eq!(
            sql,
            [
                "ALTER TABLE `books` RENAME COLUMN `title` TO `name`",
                "ALTER TABLE `books` MODIFY COLUMN `name` varchar(200) COMMENT 'shown' NULL",
            ]
        );
        let error = render_with(
            |op| {
                op.batch_alter_table("books", |t| {
                    t.add_column("subtitle", Type::Text);
                    t.alter_column("subtitle").set_nullable(false);
                });
            },
            Some(&live),
        )
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "alter_column \"books\".\"subtitle\" can't be run on MySQL: MariaDB restates the column from the table as \
             it was before the batch, which adds it; give \"subtitle\" its final definition in add_column"
        );
    }
}
