//! The recorder a migration function is handed: one method per operation, each returning the
//! recorded operation to be described further.

use super::{
    AddColumn, AddConstraint, AddEnumValue, AlterColumn, BatchAlterTable, BulkInsert, CreateEnum,
    CreateFunction, CreateIndex, CreateTable, CreateTrigger, CreateView, DropColumn, DropConstraint,
    DropEnum, DropFunction, DropIndex, DropTable, DropTrigger, DropView, ExecuteOn, Operation, RenameTable,
    SetTimeout, Timeout, ValidateConstraint,
};
use crate::database::Database;
use crate::schema::{
    Column, Constraint, ConstraintKind, ForeignKey, Function, Index, Table, Trigger, Type, Value, View,
};
use std::time::Duration;

/// The recorder handed to a migration function (Alembic's `op`).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Operations {
    recorded: Vec<Operation>,
}

/// Records `$operation` and returns the data of its `$variant`, to be described further.
macro_rules! record {
    ($self:ident, $variant:ident($data:expr)) => {{
        $self.recorded.push(Operation::$variant($data));
        match $self.recorded.last_mut() {
            Some(Operation::$variant(data)) => data,
            // Invariant: the operation was pushed on the line above.
            _ => unreachable!("the operation just recorded is last"),
        }
    }};
}

/// The foreign key an `add_constraint` of one recorded, to set its actions on.
fn foreign_key_of(added: &mut AddConstraint) -> &mut ForeignKey {
    match &mut added.constraint {
        Constraint::ForeignKey(foreign_key) => foreign_key,
        // Invariant: the callers record a foreign key.
        _ => unreachable!("the constraint just recorded is a foreign key"),
    }
}

impl Operations {
    /// Records a constraint added to `table`, checked against the existing rows unless `not_valid`.
    fn add_constraint(
        &mut self,
        table: impl Into<String>,
        constraint: Constraint,
        not_valid: bool,
    ) -> &mut AddConstraint {
        record!(self, AddConstraint(AddConstraint { table: table.into(), constraint, not_valid }))
    }

    /// An empty recorder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records raw SQL to run as given on every database.
    pub fn execute(&mut self, sql: impl Into<String>) -> &mut Self {
        self.recorded.push(Operation::Execute { sql: sql.into() });
        self
    }

    /// Records raw SQL to run on `database` only; `.on(..)` adds other databases' statements,
    /// `.otherwise(..)` one for the rest.
    pub fn execute_on(&mut self, database: Database, sql: impl Into<String>) -> &mut ExecuteOn {
        record!(self, ExecuteOn(ExecuteOn { statements: vec![(database, sql.into())], otherwise: None }))
    }

    /// Creates a table, described by `define`.
    pub fn create_table(
        &mut self,
        name: impl Into<String>,
        define: impl FnOnce(&mut Table),
    ) -> &mut CreateTable {
        let mut table = Table::new(name);
        define(&mut table);
        record!(self, CreateTable(CreateTable { table, if_not_exists: false }))
    }

    /// Drops a table.
    pub fn drop_table(&mut self, name: impl Into<String>) -> &mut DropTable {
        record!(self, DropTable(DropTable { name: name.into(), if_exists: false, definition: None }))
    }

    /// Renames a table.
    pub fn rename_table(&mut self, from: impl Into<String>, to: impl Into<String>) -> &mut Self {
        self.recorded.push(Operation::RenameTable(RenameTable { from: from.into(), to: to.into() }));
        self
    }

    /// Adds a column (nullable unless said otherwise) to a table, to be described further.
    pub fn add_column(
        &mut self,
        table: impl Into<String>,
        name: impl Into<String>,
        column_type: Type,
    ) -> &mut Column {
        let column = Column::new(name, column_type);
        &mut record!(self, AddColumn(AddColumn { table: table.into(), column, if_not_exists: false })).column
    }

    /// Adds a column unless the table has one of that name.
    pub fn add_column_if_not_exists(
        &mut self,
        table: impl Into<String>,
        name: impl Into<String>,
        column_type: Type,
    ) -> &mut Column {
        let column = Column::new(name, column_type);
        &mut record!(self, AddColumn(AddColumn { table: table.into(), column, if_not_exists: true })).column
    }

    /// Drops a column, with the constraints and indexes that cover it.
    pub fn drop_column(&mut self, table: impl Into<String>, column: impl Into<String>) -> &mut DropColumn {
        record!(
            self,
            DropColumn(DropColumn {
                table: table.into(),
                column: column.into(),
                if_exists: false,
                definition: None
            })
        )
    }

    /// Changes a column: say what with `set_type`, `set_nullable`, `set_server_default`,
    /// `drop_server_default` and `rename_to`.
    pub fn alter_column(&mut self, table: impl Into<String>, column: impl Into<String>) -> &mut AlterColumn {
        record!(self, AlterColumn(AlterColumn::new(table, column)))
    }

    /// Creates an index on columns of a table.
    pub fn create_index(
        &mut self,
        name: impl Into<String>,
        table: impl Into<String>,
        columns: impl IntoIterator<Item = impl Into<String>>,
    ) -> &mut CreateIndex {
        let index = Index::new(name, table, columns);
        record!(self, CreateIndex(CreateIndex { index, if_not_exists: false, concurrently: false }))
    }

    /// Drops an index of a table.
    pub fn drop_index(&mut self, name: impl Into<String>, table: impl Into<String>) -> &mut DropIndex {
        record!(
            self,
            DropIndex(DropIndex {
                name: name.into(),
                table: table.into(),
                if_exists: false,
                concurrently: false,
                definition: None,
            })
        )
    }

    /// Adds a unique constraint over columns of a table.
    pub fn create_unique(
        &mut self,
        name: impl Into<String>,
        table: impl Into<String>,
        columns: impl IntoIterator<Item = impl Into<String>>,
    ) -> &mut Self {
        let constraint =
            Constraint::Unique { name: name.into(), columns: columns.into_iter().map(Into::into).collect() };
        self.add_constraint(table, constraint, false);
        self
    }

    /// Adds a foreign key from columns of `table` to columns of `referenced_table`; its actions
    /// follow.
    pub fn create_foreign_key(
        &mut self,
        name: impl Into<String>,
        table: impl Into<String>,
        columns: impl IntoIterator<Item = impl Into<String>>,
        referenced_table: impl Into<String>,
        referenced_columns: impl IntoIterator<Item = impl Into<String>>,
    ) -> &mut ForeignKey {
        let constraint =
            Constraint::ForeignKey(ForeignKey::new(name, columns, referenced_table, referenced_columns));
        foreign_key_of(self.add_constraint(table, constraint, false))
    }

    /// Adds a check constraint: `expression` is SQL every row must satisfy.
    pub fn create_check(
        &mut self,
        name: impl Into<String>,
        table: impl Into<String>,
        expression: impl Into<String>,
    ) -> &mut Self {
        let constraint = Constraint::Check { name: name.into(), expression: expression.into() };
        self.add_constraint(table, constraint, false);
        self
    }

    /// Adds a foreign key without checking the existing rows (PostgreSQL's `NOT VALID`), so that
    /// the table isn't scanned under lock; check them with `validate_constraint` in a later
    /// migration. Other databases check the rows at once.
    pub fn create_foreign_key_not_valid(
        &mut self,
        name: impl Into<String>,
        table: impl Into<String>,
        columns: impl IntoIterator<Item = impl Into<String>>,
        referenced_table: impl Into<String>,
        referenced_columns: impl IntoIterator<Item = impl Into<String>>,
    ) -> &mut ForeignKey {
        let constraint =
            Constraint::ForeignKey(ForeignKey::new(name, columns, referenced_table, referenced_columns));
        foreign_key_of(self.add_constraint(table, constraint, true))
    }

    /// Adds a check constraint without checking the existing rows (PostgreSQL's `NOT VALID`);
    /// check them with `validate_constraint` in a later migration. Other databases check the rows
    /// at once.
    pub fn create_check_not_valid(
        &mut self,
        name: impl Into<String>,
        table: impl Into<String>,
        expression: impl Into<String>,
    ) -> &mut Self {
        let constraint = Constraint::Check { name: name.into(), expression: expression.into() };
        self.add_constraint(table, constraint, true);
        self
    }

    /// Checks the existing rows against a constraint added `NOT VALID`, without blocking writes
    /// (PostgreSQL; nothing elsewhere).
    pub fn validate_constraint(&mut self, name: impl Into<String>, table: impl Into<String>) -> &mut Self {
        self.recorded.push(Operation::ValidateConstraint(ValidateConstraint {
            table: table.into(),
            name: name.into(),
        }));
        self
    }

    /// Makes the rest of the migration's statements give up after waiting `timeout` for a lock,
    /// rather than queue every other query on the table behind them; reset when the migration ends.
    pub fn set_lock_timeout(&mut self, timeout: Duration) -> &mut Self {
        self.recorded.push(Operation::SetTimeout(SetTimeout { kind: Timeout::Lock, duration: timeout }));
        self
    }

    /// Makes the rest of the migration's statements give up after running for `timeout`
    /// (PostgreSQL, MariaDB); reset when the migration ends.
    pub fn set_statement_timeout(&mut self, timeout: Duration) -> &mut Self {
        self.recorded.push(Operation::SetTimeout(SetTimeout { kind: Timeout::Statement, duration: timeout }));
        self
    }

    /// Drops a unique constraint.
    pub fn drop_unique(&mut self, name: impl Into<String>, table: impl Into<String>) -> &mut DropConstraint {
        self.drop_constraint(name.into(), table.into(), ConstraintKind::Unique)
    }

    /// Drops a foreign key.
    pub fn drop_foreign_key(
        &mut self,
        name: impl Into<String>,
        table: impl Into<String>,
    ) -> &mut DropConstraint {
        self.drop_constraint(name.into(), table.into(), ConstraintKind::ForeignKey)
    }

    /// Drops a check constraint.
    pub fn drop_check(&mut self, name: impl Into<String>, table: impl Into<String>) -> &mut DropConstraint {
        self.drop_constraint(name.into(), table.into(), ConstraintKind::Check)
    }

    fn drop_constraint(&mut self, name: String, table: String, kind: ConstraintKind) -> &mut DropConstraint {
        record!(
            self,
            DropConstraint(DropConstraint { table, name, kind, if_exists: false, definition: None })
        )
    }

    /// Inserts rows: one value per column in each row.
    pub fn bulk_insert<Row, Item>(
        &mut self,
        table: impl Into<String>,
        columns: impl IntoIterator<Item = impl Into<String>>,
        rows: impl IntoIterator<Item = Row>,
    ) -> &mut Self
    where
        Row: IntoIterator<Item = Item>,
        Item: Into<Value>,
    {
        let rows = rows.into_iter().map(|row| row.into_iter().map(Into::into).collect()).collect();
        let columns = columns.into_iter().map(Into::into).collect();
        self.recorded.push(Operation::BulkInsert(BulkInsert { table: table.into(), columns, rows }));
        self
    }

    /// Drops an enum type (PostgreSQL, where `create_table` and `add_column` create one for an
    /// enum column; nothing elsewhere).
    pub fn drop_enum(&mut self, name: impl Into<String>) -> &mut DropEnum {
        record!(self, DropEnum(DropEnum { name: name.into(), if_exists: false, definition: None }))
    }

    /// Creates an enum type (PostgreSQL, where `create_table` and `add_column` also create one
    /// for an enum column when missing; nothing elsewhere).
    pub fn create_enum(
        &mut self,
        name: impl Into<String>,
        variants: impl IntoIterator<Item = impl Into<String>>,
    ) -> &mut CreateEnum {
        let variants = variants.into_iter().map(Into::into).collect();
        record!(self, CreateEnum(CreateEnum { name: name.into(), variants }))
    }

    /// Adds a value to an enum type, last unless `.before(..)` says where (PostgreSQL; nothing
    /// elsewhere, where an enum changes with `alter_column(..).set_type(..)`).
    pub fn add_enum_value(&mut self, name: impl Into<String>, value: impl Into<String>) -> &mut AddEnumValue {
        record!(self, AddEnumValue(AddEnumValue { name: name.into(), value: value.into(), before: None }))
    }

    /// Creates a view of `sql`, a query every database takes (`.or_replace()` replaces one of
    /// that name).
    pub fn create_view(&mut self, name: impl Into<String>, sql: impl Into<String>) -> &mut CreateView {
        record!(self, CreateView(CreateView { view: View::new(name, sql), or_replace: false }))
    }

    /// Drops a view; `.definition(sql)` records its query, so the drop can be inverted.
    pub fn drop_view(&mut self, name: impl Into<String>) -> &mut DropView {
        record!(self, DropView(DropView { name: name.into(), if_exists: false, definition: None }))
    }

    /// Creates a stored function, with a body for each database it is for (PostgreSQL,
    /// MariaDB; SQLite has none): `Function::new("f", "integer").on(Database::Postgres, ..)`.
    pub fn create_function(&mut self, function: Function) -> &mut CreateFunction {
        record!(self, CreateFunction(CreateFunction { function, or_replace: false }))
    }

    /// Drops a stored function; `.definition(..)` records it, so the drop can be inverted.
    pub fn drop_function(&mut self, name: impl Into<String>) -> &mut DropFunction {
        record!(self, DropFunction(DropFunction { name: name.into(), if_exists: false, definition: None }))
    }

    /// Creates a row trigger: `Trigger::new("t", "users", TriggerTiming::Before,
    /// TriggerEvent::Update)` with a function for PostgreSQL and a body for SQLite and MariaDB.
    pub fn create_trigger(&mut self, trigger: Trigger) -> &mut CreateTrigger {
        record!(self, CreateTrigger(CreateTrigger { trigger }))
    }

    /// Drops a trigger of `table`; `.definition(..)` records it, so the drop can be inverted.
    pub fn drop_trigger(&mut self, name: impl Into<String>, table: impl Into<String>) -> &mut DropTrigger {
        record!(
            self,
            DropTrigger(DropTrigger {
                name: name.into(),
                table: table.into(),
                if_exists: false,
                definition: None
            })
        )
    }

    /// Records several changes to one table, described by `changes`, to be made together: SQLite
    /// rebuilds the table once for all of them; the other databases make them in order.
    pub fn batch_alter_table(
        &mut self,
        table: impl Into<String>,
        changes: impl FnOnce(&mut BatchOperations),
    ) -> &mut Self {
        let mut batch = BatchOperations { table: table.into(), recorder: Operations::new() };
        changes(&mut batch);
        self.recorded.push(Operation::BatchAlterTable(BatchAlterTable {
            table: batch.table,
            operations: batch.recorder.recorded,
        }));
        self
    }

    /// Records an operation built by hand.
    pub fn push(&mut self, operation: Operation) -> &mut Self {
        self.recorded.push(operation);
        self
    }

    /// The operations recorded so far, in order.
    pub fn recorded(&self) -> &[Operation] {
        &self.recorded
    }

    /// What `record` records on a new recorder: a sync migration function's operations.
    pub(crate) fn of(record: fn(&mut Operations)) -> Vec<Operation> {
        let mut operations = Operations::new();
        record(&mut operations);
        operations.into_recorded()
    }

    /// Takes the recorded operations, leaving the recorder empty.
    pub fn into_recorded(self) -> Vec<Operation> {
        self.recorded
    }
}

/// The recorder `batch_alter_table` hands its closure: the changes of one table, without naming
/// it each time (Alembic's `batch_op`).
#[derive(Debug)]
pub struct BatchOperations {
    table: String,
    recorder: Operations,
}

impl BatchOperations {
    /// Adds a column (nullable unless said otherwise), to be described further.
    pub fn add_column(&mut self, name: impl Into<String>, column_type: Type) -> &mut Column {
        self.recorder.add_column(self.table.clone(), name, column_type)
    }

    /// Drops a column, with the constraints and indexes that cover it.
    pub fn drop_column(&mut self, column: impl Into<String>) -> &mut DropColumn {
        self.recorder.drop_column(self.table.clone(), column)
    }

    /// Changes a column: say what with `set_type`, `set_nullable`, `set_server_default`,
    /// `drop_server_default` and `rename_to`.
    pub fn alter_column(&mut self, column: impl Into<String>) -> &mut AlterColumn {
        self.recorder.alter_column(self.table.clone(), column)
    }

    /// Creates an index on columns of the table.
    pub fn create_index(
        &mut self,
        name: impl Into<String>,
        columns: impl IntoIterator<Item = impl Into<String>>,
    ) -> &mut CreateIndex {
        self.recorder.create_index(name, self.table.clone(), columns)
    }

    /// Drops an index of the table.
    pub fn drop_index(&mut self, name: impl Into<String>) -> &mut DropIndex {
        self.recorder.drop_index(name, self.table.clone())
    }

    /// Adds a unique constraint over columns of the table.
    pub fn create_unique(
        &mut self,
        name: impl Into<String>,
        columns: impl IntoIterator<Item = impl Into<String>>,
    ) -> &mut Self {
        self.recorder.create_unique(name, self.table.clone(), columns);
        self
    }

    /// Adds a foreign key from columns of the table to columns of `referenced_table`; its actions
    /// follow.
    pub fn create_foreign_key(
        &mut self,
        name: impl Into<String>,
        columns: impl IntoIterator<Item = impl Into<String>>,
        referenced_table: impl Into<String>,
        referenced_columns: impl IntoIterator<Item = impl Into<String>>,
    ) -> &mut ForeignKey {
        self.recorder.create_foreign_key(
            name,
            self.table.clone(),
            columns,
            referenced_table,
            referenced_columns,
        )
    }

    /// Adds a check constraint: `expression` is SQL every row must satisfy.
    pub fn create_check(&mut self, name: impl Into<String>, expression: impl Into<String>) -> &mut Self {
        self.recorder.create_check(name, self.table.clone(), expression);
        self
    }

    /// Drops a unique constraint.
    pub fn drop_unique(&mut self, name: impl Into<String>) -> &mut DropConstraint {
        self.recorder.drop_unique(name, self.table.clone())
    }

    /// Drops a foreign key.
    pub fn drop_foreign_key(&mut self, name: impl Into<String>) -> &mut DropConstraint {
        self.recorder.drop_foreign_key(name, self.table.clone())
    }

    /// Drops a check constraint.
    pub fn drop_check(&mut self, name: impl Into<String>) -> &mut DropConstraint {
        self.recorder.drop_check(name, self.table.clone())
    }
}
