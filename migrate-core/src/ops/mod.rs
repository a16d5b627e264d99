//! Operations: what a migration function records (Alembic's `op`), to be run against a database
//! or rendered as SQL. Each operation is plain data holding what it needs to be rendered for any
//! database and, for most, to be inverted.

mod invert;
mod record;
mod validate;

pub(crate) use invert::order_for_every_database;
pub use record::{BatchOperations, Operations};

use crate::database::Database;
use crate::schema::{
    Column, Constraint, ConstraintKind, Function, Index, ServerDefault, Table, Trigger, Type, Value, View,
};

/// One schema or data change recorded by a migration.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Operation {
    /// Raw SQL, run as given on every database.
    Execute { sql: String },
    /// Raw SQL that differs by database.
    ExecuteOn(ExecuteOn),
    /// Creates a table.
    CreateTable(CreateTable),
    /// Drops a table.
    DropTable(DropTable),
    /// Renames a table.
    RenameTable(RenameTable),
    /// Adds a column to a table.
    AddColumn(AddColumn),
    /// Drops a column, with the constraints and indexes that cover it.
    DropColumn(DropColumn),
    /// Changes a column's type, nullability, default or name.
    AlterColumn(AlterColumn),
    /// Creates an index.
    CreateIndex(CreateIndex),
    /// Drops an index.
    DropIndex(DropIndex),
    /// Adds a unique, foreign-key or check constraint to a table.
    AddConstraint(AddConstraint),
    /// Drops a named constraint.
    DropConstraint(DropConstraint),
    /// Checks the existing rows against a constraint added `NOT VALID` (PostgreSQL; nothing
    /// elsewhere, where constraints are checked when added).
    ValidateConstraint(ValidateConstraint),
    /// Sets how long the rest of the migration's statements wait for a lock, or run.
    SetTimeout(SetTimeout),
    /// Inserts rows of typed values.
    BulkInsert(BulkInsert),
    /// Creates an enum type (PostgreSQL; nothing elsewhere, where enums live in their columns).
    CreateEnum(CreateEnum),
    /// Adds a value to an enum type (PostgreSQL; elsewhere an enum changes with its column's
    /// type).
    AddEnumValue(AddEnumValue),
    /// Drops an enum type (PostgreSQL; nothing elsewhere, where enums live in their columns).
    DropEnum(DropEnum),
    /// Creates a view.
    CreateView(CreateView),
    /// Drops a view.
    DropView(DropView),
    /// Creates a stored function (PostgreSQL, MariaDB).
    CreateFunction(CreateFunction),
    /// Drops a stored function.
    DropFunction(DropFunction),
    /// Creates a trigger on a table.
    CreateTrigger(CreateTrigger),
    /// Drops a trigger.
    DropTrigger(DropTrigger),
    /// Several changes to one table, made together (Alembic's `batch_alter_table`): SQLite
    /// rebuilds the table once for all of them.
    BatchAlterTable(BatchAlterTable),
}

/// Raw SQL that differs by database: the statement for this database, or `otherwise`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ExecuteOn {
    /// The statement for each database named.
    pub statements: Vec<(Database, String)>,
    /// The statement for the other databases; none runs nothing there.
    pub otherwise: Option<String>,
}

impl ExecuteOn {
    /// Runs `sql` on `database` as well.
    pub fn on(&mut self, database: Database, sql: impl Into<String>) -> &mut Self {
        self.statements.push((database, sql.into()));
        self
    }

    /// Runs `sql` on the databases not named.
    pub fn otherwise(&mut self, sql: impl Into<String>) -> &mut Self {
        self.otherwise = Some(sql.into());
        self
    }

    /// The statement for `database`, if any.
    pub fn statement_for(&self, database: Database) -> Option<&str> {
        self.statements
            .iter()
            .find(|(named, _)| *named == database)
            .map(|(_, sql)| sql.as_str())
            .or(self.otherwise.as_deref())
    }
}

/// Creates a table.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct CreateTable {
    /// The table's definition.
    pub table: Table,
    /// Does nothing when a table of that name exists.
    pub if_not_exists: bool,
}

impl CreateTable {
    /// Does nothing when a table of that name exists.
    pub fn if_not_exists(&mut self) -> &mut Self {
        self.if_not_exists = true;
        self
    }
}

/// Drops a table.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct DropTable {
    /// The table's name.
    pub name: String,
    /// Does nothing when there is no such table.
    pub if_exists: bool,
    /// The table's definition, when recorded: what it takes to create it again.
    pub definition: Option<Table>,
}

impl DropTable {
    /// Does nothing when there is no such table.
    pub fn if_exists(&mut self) -> &mut Self {
        self.if_exists = true;
        self
    }

    /// Records the dropped table's definition, so the drop can be inverted.
    pub fn definition(&mut self, define: impl FnOnce(&mut Table)) -> &mut Self {
        let mut table = Table::new(self.name.clone());
        define(&mut table);
        self.definition = Some(table);
        self
    }
}

/// Renames a table.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RenameTable {
    /// The current name.
    pub from: String,
    /// The new name.
    pub to: String,
}

/// Adds a column to a table.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct AddColumn {
    /// The table.
    pub table: String,
    /// The new column.
    pub column: Column,
    /// Does nothing when the table has a column of that name.
    pub if_not_exists: bool,
}

/// Drops a column.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct DropColumn {
    /// The table.
    pub table: String,
    /// The column's name.
    pub column: String,
    /// Does nothing when there is no such column.
    pub if_exists: bool,
    /// The column's definition, when recorded: what it takes to add it again.
    pub definition: Option<Column>,
}

impl DropColumn {
    /// Does nothing when there is no such column.
    pub fn if_exists(&mut self) -> &mut Self {
        self.if_exists = true;
        self
    }

    /// Records the dropped column's definition, so the drop can be inverted; describe it further
    /// on the column returned.
    pub fn definition(&mut self, column_type: Type) -> &mut Column {
        self.definition.insert(Column::new(self.column.clone(), column_type))
    }
}

/// Changes a column: any of type, nullability, default and name.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct AlterColumn {
    /// The table.
    pub table: String,
    /// The column's current name.
    pub column: String,
    /// The new type.
    pub new_type: Option<Type>,
    /// Whether the column accepts NULL from now on.
    pub new_nullable: Option<bool>,
    /// The new default: `Some(None)` drops it.
    pub new_server_default: Option<Option<ServerDefault>>,
    /// The new name.
    pub new_name: Option<String>,
    /// The type before the change, when recorded (for inverting the change, and for rendering
    /// without a database).
    pub existing_type: Option<Type>,
    /// The nullability before the change, when recorded.
    pub existing_nullable: Option<bool>,
    /// The default before the change, when recorded: `Some(None)` for none.
    pub existing_server_default: Option<Option<ServerDefault>>,
}

impl AlterColumn {
    /// An alter of `table`'s `column` that changes nothing yet.
    pub(crate) fn new(table: impl Into<String>, column: impl Into<String>) -> Self {
        Self {
            table: table.into(),
            column: column.into(),
            new_type: None,
            new_nullable: None,
            new_server_default: None,
            new_name: None,
            existing_type: None,
            existing_nullable: None,
            existing_server_default: None,
        }
    }

    /// Changes the column's type; existing values are converted.
    pub fn set_type(&mut self, column_type: Type) -> &mut Self {
        self.new_type = Some(column_type);
        self
    }

    /// Makes the column accept NULL (`true`) or refuse it (`false`).
    pub fn set_nullable(&mut self, nullable: bool) -> &mut Self {
        self.new_nullable = Some(nullable);
        self
    }

    /// Gives the column a new default.
    pub fn set_server_default(&mut self, default: impl Into<ServerDefault>) -> &mut Self {
        self.new_server_default = Some(Some(default.into()));
        self
    }

    /// Removes the column's default.
    pub fn drop_server_default(&mut self) -> &mut Self {
        self.new_server_default = Some(None);
        self
    }

    /// Renames the column.
    pub fn rename_to(&mut self, name: impl Into<String>) -> &mut Self {
        self.new_name = Some(name.into());
        self
    }

    /// Records the type before the change.
    pub fn existing_type(&mut self, column_type: Type) -> &mut Self {
        self.existing_type = Some(column_type);
        self
    }

    /// Records the nullability before the change.
    pub fn existing_nullable(&mut self, nullable: bool) -> &mut Self {
        self.existing_nullable = Some(nullable);
        self
    }

    /// Records the default before the change (`None` for none).
    pub fn existing_server_default(&mut self, default: Option<ServerDefault>) -> &mut Self {
        self.existing_server_default = Some(default);
        self
    }

    /// Whether the change asks for anything.
    pub fn changes_anything(&self) -> bool {
        self.new_type.is_some()
            || self.new_nullable.is_some()
            || self.new_server_default.is_some()
            || self.new_name.is_some()
    }
}

/// Creates an index.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CreateIndex {
    /// The index.
    pub index: Index,
    /// Does nothing when an index of that name exists.
    pub if_not_exists: bool,
    /// Builds the index without blocking writes (PostgreSQL; the migration must be declared
    /// `transaction = false`). Other databases build it as usual.
    pub concurrently: bool,
}

impl CreateIndex {
    /// No two rows may hold the same values in the indexed columns.
    pub fn unique(&mut self) -> &mut Self {
        self.index.unique = true;
        self
    }

    /// Indexes only the rows that satisfy an SQL condition (PostgreSQL, SQLite).
    pub fn partial(&mut self, condition: impl Into<String>) -> &mut Self {
        self.index.partial = Some(condition.into());
        self
    }

    /// Does nothing when an index of that name exists.
    pub fn if_not_exists(&mut self) -> &mut Self {
        self.if_not_exists = true;
        self
    }

    /// Builds the index without blocking writes, on PostgreSQL.
    pub fn concurrently(&mut self) -> &mut Self {
        self.concurrently = true;
        self
    }
}

/// Drops an index.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DropIndex {
    /// The index's name.
    pub name: String,
    /// The indexed table (MariaDB names indexes per table).
    pub table: String,
    /// Does nothing when there is no such index.
    pub if_exists: bool,
    /// Drops the index without blocking (PostgreSQL; outside a transaction).
    pub concurrently: bool,
    /// The index's definition, when recorded: what it takes to create it again.
    pub definition: Option<Index>,
}

impl DropIndex {
    /// Does nothing when there is no such index.
    pub fn if_exists(&mut self) -> &mut Self {
        self.if_exists = true;
        self
    }

    /// Drops the index without blocking, on PostgreSQL.
    pub fn concurrently(&mut self) -> &mut Self {
        self.concurrently = true;
        self
    }

    /// Records the dropped index's columns, so the drop can be inverted.
    pub fn definition(&mut self, columns: impl IntoIterator<Item = impl Into<String>>) -> &mut Index {
        self.definition.insert(Index::new(self.name.clone(), self.table.clone(), columns))
    }
}

/// Adds a constraint to a table.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AddConstraint {
    /// The table.
    pub table: String,
    /// The constraint.
    pub constraint: Constraint,
    /// Adds a foreign key or check without checking the existing rows (PostgreSQL's `NOT VALID`;
    /// `validate_constraint` checks them later). Other databases check them at once.
    pub not_valid: bool,
}

/// Checks the existing rows against a constraint added `NOT VALID`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ValidateConstraint {
    /// The table.
    pub table: String,
    /// The constraint's name.
    pub name: String,
}

/// Which limit a [`SetTimeout`] sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Timeout {
    /// How long a statement waits for a lock (PostgreSQL's `lock_timeout`, MySQL's
    /// `lock_wait_timeout`).
    Lock,
    /// How long a statement may run (PostgreSQL's `statement_timeout`, MariaDB's
    /// `max_statement_time`).
    Statement,
}

/// Sets a timeout for the rest of the migration's statements; the runner resets it when the
/// migration ends. Nothing on SQLite, whose lock wait is the connection's busy timeout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct SetTimeout {
    /// Which limit.
    pub kind: Timeout,
    /// The limit.
    pub duration: std::time::Duration,
}

/// Drops a named constraint.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DropConstraint {
    /// The table.
    pub table: String,
    /// The constraint's name.
    pub name: String,
    /// Its kind (MariaDB drops each kind with its own syntax).
    pub kind: ConstraintKind,
    /// Does nothing when there is no such constraint.
    pub if_exists: bool,
    /// The constraint's definition, when recorded: what it takes to add it again.
    pub definition: Option<Constraint>,
}

impl DropConstraint {
    /// Does nothing when there is no such constraint.
    pub fn if_exists(&mut self) -> &mut Self {
        self.if_exists = true;
        self
    }

    /// Records the dropped constraint, so the drop can be inverted.
    pub fn definition(&mut self, constraint: Constraint) -> &mut Self {
        self.definition = Some(constraint);
        self
    }
}

/// Inserts rows.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct BulkInsert {
    /// The table.
    pub table: String,
    /// The columns each row gives values for.
    pub columns: Vec<String>,
    /// The rows: one value per column.
    pub rows: Vec<Vec<Value>>,
}

/// Creates an enum type.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CreateEnum {
    /// The enum type's name.
    pub name: String,
    /// Its variants, in order.
    pub variants: Vec<String>,
}

/// Adds a value to an enum type.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AddEnumValue {
    /// The enum type's name.
    pub name: String,
    /// The new value.
    pub value: String,
    /// The existing value the new one goes before; none puts it last.
    pub before: Option<String>,
}

impl AddEnumValue {
    /// Puts the new value before this existing one, rather than last.
    pub fn before(&mut self, value: impl Into<String>) -> &mut Self {
        self.before = Some(value.into());
        self
    }
}

/// Drops an enum type.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DropEnum {
    /// The enum type's name.
    pub name: String,
    /// Does nothing when there is no such type.
    pub if_exists: bool,
    /// The type's variants, when recorded: what it takes to create it again.
    pub definition: Option<Vec<String>>,
}

impl DropEnum {
    /// Does nothing when there is no such type.
    pub fn if_exists(&mut self) -> &mut Self {
        self.if_exists = true;
        self
    }

    /// Records the dropped type's variants, so the drop can be inverted.
    pub fn definition(&mut self, variants: impl IntoIterator<Item = impl Into<String>>) -> &mut Self {
        self.definition = Some(variants.into_iter().map(Into::into).collect());
        self
    }
}

/// Several changes to one table, made together: columns added, dropped and altered, indexes and
/// constraints created and dropped, in order.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct BatchAlterTable {
    /// The table.
    pub table: String,
    /// The changes, each an operation on `table`.
    pub operations: Vec<Operation>,
}

/// Creates a view.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CreateView {
    /// The view.
    pub view: View,
    /// Replaces a view of that name (SQLite, which has no `OR REPLACE`, drops it first).
    pub or_replace: bool,
}

impl CreateView {
    /// Replaces a view of that name, if there is one.
    pub fn or_replace(&mut self) -> &mut Self {
        self.or_replace = true;
        self
    }
}

/// Drops a view.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DropView {
    /// The view's name.
    pub name: String,
    /// Does nothing when there is no such view.
    pub if_exists: bool,
    /// The view's query, when recorded: what it takes to create it again.
    pub definition: Option<String>,
}

impl DropView {
    /// Does nothing when there is no such view.
    pub fn if_exists(&mut self) -> &mut Self {
        self.if_exists = true;
        self
    }

    /// Records the dropped view's query, so the drop can be inverted.
    pub fn definition(&mut self, sql: impl Into<String>) -> &mut Self {
        self.definition = Some(sql.into());
        self
    }
}

/// Creates a stored function.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CreateFunction {
    /// The function.
    pub function: Function,
    /// Replaces a function of that name (MySQL, which has no `OR REPLACE`, drops it first).
    pub or_replace: bool,
}

impl CreateFunction {
    /// Replaces a function of that name, if there is one.
    pub fn or_replace(&mut self) -> &mut Self {
        self.or_replace = true;
        self
    }
}

/// Drops a stored function.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DropFunction {
    /// The function's name.
    pub name: String,
    /// Does nothing when there is no such function.
    pub if_exists: bool,
    /// The function, when recorded: what it takes to create it again.
    pub definition: Option<Function>,
}

impl DropFunction {
    /// Does nothing when there is no such function.
    pub fn if_exists(&mut self) -> &mut Self {
        self.if_exists = true;
        self
    }

    /// Records the dropped function, so the drop can be inverted.
    pub fn definition(&mut self, function: Function) -> &mut Self {
        self.definition = Some(function);
        self
    }
}

/// Creates a trigger.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CreateTrigger {
    /// The trigger.
    pub trigger: Trigger,
}

/// Drops a trigger.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DropTrigger {
    /// The trigger's name.
    pub name: String,
    /// Its table (PostgreSQL names triggers per table).
    pub table: String,
    /// Does nothing when there is no such trigger.
    pub if_exists: bool,
    /// The trigger, when recorded: what it takes to create it again.
    pub definition: Option<Trigger>,
}

impl DropTrigger {
    /// Does nothing when there is no such trigger.
    pub fn if_exists(&mut self) -> &mut Self {
        self.if_exists = true;
        self
    }

    /// Records the dropped trigger, so the drop can be inverted.
    pub fn definition(&mut self, trigger: Trigger) -> &mut Self {
        self.definition = Some(trigger);
        self
    }
}
