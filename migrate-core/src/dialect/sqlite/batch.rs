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
use super::{CLAUSE_STARTS, SqliteDialect, adds_in_place};
use crate::error::{Error, Result};
use crate::ops::{AlterColumn, Operation};
use crate::schema::{Constraint, ConstraintKind};

/// One item of the table being rebuilt.
enum Item<'s> {
    /// A column: its definition as written (`parsed`, none for a column the rebuild adds), the
    /// changes of the alters that apply to it, whether its rows are copied. Its name is the one it
    /// has in the live table: renames follow the rebuild.
    Column {
        name: String,
        sql: String,
        parsed: Option<ColumnDefinition<'s>>,
        altered: Option<Box<AlterColumn>>,
        copied: bool,
    },
    /// A table constraint.
    Constraint { sql: String, parsed: TableConstraint },
}

impl Item<'_> {
    /// The item's definition in the new table.
    fn sql(&self, dialect: &SqliteDialect) -> String {
        match self {
            Item::Column { parsed: Some(parsed), altered: Some(alter), .. } => {
                altered_column(dialect, parsed, alter)
            }
            Item::Column { sql, .. } | Item::Constraint { sql, .. } => sql.clone(),
        }
    }

    fn is_column(&self, wanted: &str) -> bool {
        matches!(self, Item::Column { name, .. } if name.eq_ignore_ascii_case(wanted))
    }
}

/// What a change did to the table being rebuilt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Made {
    /// The definition, the indexes or what follows the rebuild changed.
    Changed,
    /// An `if_exists`/`if_not_exists` form found nothing to do.
    Nothing,
}

/// The table being rebuilt, as the changes of one operation or batch are made to it.
struct Rebuild<'s> {
    /// The table's name.
    table: &'s str,
    items: Vec<Item<'s>>,
    /// Each column's name now (after the renames so far) and its name in `items`.
    columns: Vec<(String, String)>,
    /// The live indexes to create again: name and statement.
    indexes: Vec<(String, String)>,
    /// The columns of the live indexes (names in `items`).
    index_columns: &'s [(String, String)],
    /// What runs after the rebuild, in the order the changes asked.
    afterwards: Vec<After>,
}

/// What runs after the rebuild.
enum After {
    /// A rename of a column, or a drop of an index the rebuild doesn't create.
    Statement(String),
    /// A new index: its name, its columns as the change named them, its statement.
    Index { name: String, columns: Vec<String>, sql: String },
}

/// The statements that rebuild `live` with the change of `operation` made, or, for a batch, with
/// every change inside it made: one rebuild for all of them.
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
                    altered: None,
                    copied,
                }
            }
        });
    }
    let columns = items
        .iter()
        .filter_map(|item| match item {
            Item::Column { name, .. } => Some((name.clone(), name.clone())),
            Item::Constraint { .. } => None,
        })
        .collect();
    let mut rebuild = Rebuild {
        table: &live.name,
        items,
        columns,
        indexes: live.indexes.clone(),
        index_columns: &live.index_columns,
        afterwards: Vec::new(),
    };
    match operation {
        Operation::BatchAlterTable(batch) => {
            for change in &batch.operations {
                rebuild.make(dialect, change)?;
            }
        }
        Operation::AddColumn(op)
            if rebuild.position(&op.column.name).is_none() && adds_in_place(&op.column) =>
        {
            // Read first only because it was `if_not_exists`: it can be added in place after all.
            return Ok(vec![dialect.add_column_in_place(op)]);
        }
        single => {
            if rebuild.make(dialect, single)? == Made::Nothing {
                return Ok(Vec::new());
            }
        }
    }

    let quoted = dialect.quote_identifier(&live.name);
    let temporary = dialect.quote_identifier(&format!("_migrate_rebuild_{}", live.name));
    let copied: Vec<String> = rebuild
        .items
        .iter()
        .filter_map(|item| match item {
            Item::Column { name, copied: true, .. } => Some(name.clone()),
            _ => None,
        })
        .collect();
    let copied = standard::column_list(dialect, &copied);
    let definitions: Vec<String> = rebuild.items.iter().map(|item| item.sql(dialect)).collect();
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
    statements.extend(rebuild.indexes.into_iter().map(|(_, sql)| sql));
    statements.extend(live.triggers.iter().map(|(_, sql)| sql.clone()));
    statements.extend(rebuild.afterwards.into_iter().map(|after| match after {
        After::Statement(sql) | After::Index { sql, .. } => sql,
    }));
    Ok(statements)
}

impl Rebuild<'_> {
    /// The name in `items` of the column now called `name`.
    fn column(&self, name: &str) -> Option<&str> {
        self.columns.iter().find(|(now, _)| now.eq_ignore_ascii_case(name)).map(|(_, item)| item.as_str())
    }

    fn position(&self, name: &str) -> Option<usize> {
        let item = self.column(name)?;
        self.items.iter().position(|candidate| candidate.is_column(item))
    }

    /// Makes `change` to the table, or nothing for an `if_exists`/`if_not_exists` form with
    /// nothing to do.
    fn make(&mut self, dialect: &SqliteDialect, change: &Operation) -> Result<Made> {
        let table = self.table;
        let invalid = |reason: String| Error::InvalidOperation { operation: change.describe(), reason };
        let no_column = |column: &str| invalid(format!("table \"{table}\" has no column \"{column}\""));
        let nothing = || -> Result<Made> { Ok(Made::Nothing) };
        match change {
            Operation::AlterColumn(op) => {
                let at = self.position(&op.column).ok_or_else(|| no_column(&op.column))?;
                let Item::Column { parsed, altered, .. } = &mut self.items[at] else {
                    return Err(no_column(&op.column));
                };
                let redefines =
                    op.new_type.is_some() || op.new_nullable.is_some() || op.new_server_default.is_some();
                if redefines && parsed.is_none() {
                    return Err(invalid(format!(
                        "column \"{}\" is added in the same batch: give it its final definition there",
                        op.column
                    )));
                }
                if redefines {
                    *altered = Some(Box::new(match altered.take() {
                        Some(earlier) => merged_alter(*earlier, op),
                        None => op.clone(),
                    }));
                }
                if let Some(new_name) = &op.new_name {
                    let rename = standard::rename_column(dialect, table, &op.column, new_name);
                    self.afterwards.push(After::Statement(rename));
                    if let Some(entry) =
                        self.columns.iter_mut().find(|(now, _)| now.eq_ignore_ascii_case(&op.column))
                    {
                        entry.0 = new_name.clone();
                    }
                }
            }
            Operation::DropColumn(op) => {
                let Some(at) = self.position(&op.column) else {
                    return if op.if_exists { nothing() } else { Err(no_column(&op.column)) };
                };
                let Item::Column { name: dropped, .. } = self.items.remove(at) else {
                    return Err(no_column(&op.column));
                };
                if !self.items.iter().any(|item| matches!(item, Item::Column { .. })) {
                    return Err(invalid("it is the table's only column; drop the table instead".to_owned()));
                }
                self.columns.retain(|(_, item)| !item.eq_ignore_ascii_case(&dropped));
                // As PostgreSQL does: the constraints and indexes over the column go with it.
                self.items.retain(|item| match item {
                    Item::Constraint { parsed, .. } => {
                        !parsed.columns.iter().any(|column| column.eq_ignore_ascii_case(&dropped))
                    }
                    Item::Column { .. } => true,
                });
                let index_columns = self.index_columns;
                self.indexes.retain(|(index, _)| {
                    !index_columns
                        .iter()
                        .any(|(name, column)| name == index && column.eq_ignore_ascii_case(&dropped))
                });
                self.afterwards.retain(|after| match after {
                    After::Index { columns, .. } => {
                        !columns.iter().any(|column| column.eq_ignore_ascii_case(&op.column))
                    }
                    After::Statement(_) => true,
                });
            }
            Operation::AddColumn(op) => {
                if self.position(&op.column.name).is_some() {
                    return if op.if_not_exists {
                        nothing()
                    } else {
                        Err(invalid(format!("table \"{table}\" already has column \"{}\"", op.column.name)))
                    };
                }
                let sql = dialect.column_definition(&op.column, None);
                // After the last column: SQLite wants every column before the table constraints.
                let after_columns = self
                    .items
                    .iter()
                    .rposition(|item| matches!(item, Item::Column { .. }))
                    .map_or(0, |at| at + 1);
                self.items.insert(
                    after_columns,
                    Item::Column {
                        name: op.column.name.clone(),
                        sql,
                        parsed: None,
                        altered: None,
                        copied: false,
                    },
                );
                self.columns.push((op.column.name.clone(), op.column.name.clone()));
                for constraint in op.column.constraints(table) {
                    self.items.push(new_constraint(dialect, &constraint));
                }
            }
            Operation::AddConstraint(op) => {
                if find_constraint(&self.items, op.constraint.name()).is_some() {
                    return Err(invalid(format!(
                        "table \"{table}\" already has a constraint named \"{}\"",
                        op.constraint.name()
                    )));
                }
                let constraint = self.with_item_names(&op.constraint);
                self.items.push(new_constraint(dialect, &constraint));
            }
            Operation::DropConstraint(op) => match find_constraint(&self.items, &op.name) {
                None if op.if_exists => return nothing(),
                None => {
                    return Err(invalid(format!(
                        "table \"{table}\" has no constraint named \"{}\" (SQLite keeps only the names given in its \
                         definition; a unique index is dropped with drop_index)",
                        op.name
                    )));
                }
                Some((_, kind)) if kind != Some(op.kind) => {
                    return Err(invalid(format!(
                        "constraint \"{}\" of table \"{table}\" is not a {} constraint",
                        op.name,
                        kind_name(op.kind)
                    )));
                }
                Some((Found::Table(at), _)) => {
                    self.items.remove(at);
                }
                Some((Found::Column(at), _)) => {
                    if let Item::Column { sql, parsed: Some(parsed), .. } = &mut self.items[at] {
                        parsed.clauses.retain(|clause| {
                            !clause.name.as_ref().is_some_and(|name| name.eq_ignore_ascii_case(&op.name))
                        });
                        *sql = parsed.write(&dialect.quote_identifier(&parsed.name), parsed.type_text);
                    }
                }
            },
            // In a batch only (a single one never needs the live table): after the rebuild, in
            // order with the renames, so that they name the columns as they are then.
            Operation::CreateIndex(op) => self.afterwards.push(After::Index {
                name: op.index.name.clone(),
                columns: op.index.columns.clone(),
                sql: standard::create_index(dialect, op, false),
            }),
            Operation::DropIndex(op) => {
                let named = |name: &String| name.eq_ignore_ascii_case(&op.name);
                let live = self.indexes.iter().position(|(name, _)| named(name));
                let new = self
                    .afterwards
                    .iter()
                    .position(|after| matches!(after, After::Index { name, .. } if named(name)));
                match (live, new) {
                    // Not created after all.
                    (_, Some(at)) => {
                        self.afterwards.remove(at);
                    }
                    (Some(at), None) => {
                        self.indexes.remove(at);
                    }
                    (None, None) => {
                        let drop = dialect.render_valid(change, None)?;
                        self.afterwards.extend(drop.into_iter().map(After::Statement));
                    }
                }
            }
            _ => return Err(invalid("SQLite's batch mode doesn't apply to this operation".to_owned())),
        }
        Ok(Made::Changed)
    }

    /// A constraint naming columns as the new table's definition does: before the renames the
    /// same batch made (they follow the rebuild).
    fn with_item_names(&self, constraint: &Constraint) -> Constraint {
        let item_names = |columns: &[String]| -> Vec<String> {
            columns.iter().map(|column| self.column(column).unwrap_or(column).to_owned()).collect()
        };
        let mut constraint = constraint.clone();
        match &mut constraint {
            Constraint::Unique { columns, .. } => *columns = item_names(columns),
            Constraint::ForeignKey(foreign_key) => foreign_key.columns = item_names(&foreign_key.columns),
            Constraint::Check { .. } => {}
        }
        constraint
    }
}

/// Two alters of one column in a batch as one: what the later one changes wins.
fn merged_alter(earlier: AlterColumn, later: &AlterColumn) -> AlterColumn {
    AlterColumn {
        new_type: later.new_type.clone().or(earlier.new_type),
        new_nullable: later.new_nullable.or(earlier.new_nullable),
        new_server_default: later.new_server_default.clone().or(earlier.new_server_default),
        ..earlier
    }
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

    #[test]
    fn a_batch_rebuilds_the_table_once_for_every_change_inside() {
        let sql = rebuild_with(|op| {
            op.batch_alter_table("users", |t| {
                t.alter_column("email").set_type(Type::Text);
                t.alter_column("email").set_nullable(true).rename_to("mail");
                t.drop_column("age");
                t.add_column("code", Type::Varchar(10)).not_null().server_default("x");
                t.create_unique("users_mail_code", ["mail", "code"]);
                t.create_index("users_code", ["code"]);
                t.drop_unique("users_email_key");
            });
        });
        assert_eq!(
            sql,
            [
                "CREATE TABLE \"_migrate_rebuild_users\" (\n  \"id\" INTEGER NOT NULL,\n  \"email\" TEXT COLLATE NOCASE,\n  \
                 \"code\" VARCHAR(10) NOT NULL DEFAULT 'x',\n  PRIMARY KEY (\"id\"),\n  \
                 CONSTRAINT \"users_mail_code\" UNIQUE (\"email\", \"code\")\n)",
                "INSERT INTO \"_migrate_rebuild_users\" (\"id\", \"email\") SELECT \"id\", \"email\" FROM \"users\"",
                "DROP TABLE \"users\"",
                "PRAGMA legacy_alter_table = ON",
                "ALTER TABLE \"_migrate_rebuild_users\" RENAME TO \"users\"",
                "PRAGMA legacy_alter_table = OFF",
                "ALTER TABLE \"users\" RENAME COLUMN \"email\" TO \"mail\"",
                "CREATE INDEX \"users_code\" ON \"users\" (\"code\")",
            ],
            "both alters of email made, the check and the index over age gone with it, the new unique \
             constraint naming the column as it is before the rename that follows"
        );
    }

    #[test]
    fn a_batch_that_needs_no_rebuild_makes_its_changes_in_place() {
        let mut op = Operations::new();
        op.batch_alter_table("users", |t| {
            t.add_column("nickname", Type::Text);
            t.create_index("users_nickname", ["nickname"]);
        });
        assert_eq!(SqliteDialect.live_table_needed(&op.recorded()[0]), None);
        assert_eq!(
            SqliteDialect.render(&op.recorded()[0], None).unwrap(),
            [
                "ALTER TABLE \"users\" ADD COLUMN \"nickname\" TEXT",
                "CREATE INDEX \"users_nickname\" ON \"users\" (\"nickname\")",
            ]
        );
    }

    #[test]
    fn a_column_the_batch_adds_can_be_renamed_afterwards() {
        let sql = rebuild_with(|op| {
            op.batch_alter_table("users", |t| {
                t.add_column("code", Type::Varchar(10)).not_null().server_default("x");
                t.alter_column("code").rename_to("short_code");
            });
        });
        assert!(sql[0].contains("\"code\" VARCHAR(10) NOT NULL DEFAULT 'x'"), "{}", sql[0]);
        assert_eq!(
            sql.last().map(String::as_str),
            Some("ALTER TABLE \"users\" RENAME COLUMN \"code\" TO \"short_code\"")
        );
    }

    #[test]
    fn an_index_the_batch_creates_goes_with_a_column_or_a_drop_later_in_the_batch() {
        let sql = rebuild_with(|op| {
            op.batch_alter_table("users", |t| {
                t.create_index("users_email_age", ["email", "age"]);
                t.create_index("users_id", ["id"]);
                t.create_index("users_email", ["email"]);
                t.drop_column("age");
                t.drop_index("users_id");
            });
        });
        let indexes: Vec<&String> = sql.iter().filter(|statement| statement.contains("INDEX")).collect();
        assert_eq!(indexes, ["CREATE INDEX \"users_email\" ON \"users\" (\"email\")"]);
    }

    #[test]
    fn altering_a_column_the_batch_adds_is_refused() {
        let mut op = Operations::new();
        op.batch_alter_table("users", |t| {
            t.add_column("code", Type::Varchar(10));
            t.alter_column("code").set_nullable(false);
        });
        let error = rebuild(&SqliteDialect, &op.recorded()[0], &live()).unwrap_err();
        assert_eq!(
            error.to_string(),
            "alter_column \"users\".\"code\" can't be run: column \"code\" is added in the same batch: give it its \
             final definition there"
        );
    }
}
