//! What a migration changes, as the rules read it: the same facts whether they come from a
//! recorded operation or from raw SQL parsed (`raw_sql.rs`), so each rule is written once.

use crate::database::Database;
use crate::dialect;
use crate::ops::{AlterColumn, Operation};
use crate::schema::{Constraint, ServerDefault, Type};

/// One change, with what the rules need to know of it.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Change {
    CreateTable {
        table: String,
        if_not_exists: bool,
    },
    DropTable {
        table: String,
        if_exists: bool,
    },
    RenameTable {
        from: String,
    },
    AddColumn(AddedColumn),
    DropColumn {
        table: String,
        if_exists: bool,
    },
    RenameColumn {
        table: String,
    },
    /// A type change; `widening` when the database changes it without rewriting the table.
    SetType {
        table: String,
        widening: bool,
    },
    SetNotNull {
        table: String,
        column: String,
    },
    /// Other column changes (defaults, dropping NOT NULL): catalog-only.
    AlterColumn {
        table: String,
    },
    CreateIndex {
        table: String,
        unique: bool,
        concurrently: bool,
        if_not_exists: bool,
    },
    DropIndex {
        table: Option<String>,
        concurrently: bool,
        if_exists: bool,
    },
    AddConstraint {
        table: String,
        kind: AddedConstraint,
        not_valid: bool,
    },
    ValidateConstraint {
        table: String,
        name: String,
    },
    DropConstraint {
        table: String,
        if_exists: bool,
    },
    /// Rows inserted, updated or deleted; `table` when known.
    Data {
        table: Option<String>,
    },
    /// A lock timeout set for the rest of the migration.
    LockTimeout,
    /// `SET foreign_key_checks = 0` (MySQL): foreign keys are then added in place, unchecked.
    ForeignKeyChecksOff,
    /// An `ALGORITHM=COPY` asked for explicitly (MySQL).
    TableCopy {
        table: String,
    },
    /// SQLite rebuilds the table to make the change (batch mode).
    Rebuild {
        table: String,
    },
    /// A view or function created or dropped: the catalog only, no table locked; `guarded` when
    /// running it again does no harm (`or_replace`, `if_exists`).
    ViewOrFunction {
        guarded: bool,
    },
    /// A trigger created or dropped: its table is locked against writes meanwhile (PostgreSQL
    /// takes SHARE ROW EXCLUSIVE to create one, ACCESS EXCLUSIVE to drop one); `guarded` for
    /// `if_exists`.
    Trigger {
        table: String,
        guarded: bool,
    },
    /// Any other DDL (enum types, raw statements the rules have nothing to say about).
    OtherDdl,
}

/// A column added, as far as the rules care.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct AddedColumn {
    pub table: String,
    pub not_null: bool,
    pub has_default: bool,
    pub volatile_default: bool,
    pub auto_increment: bool,
    pub stored_generated: bool,
    pub foreign_key: bool,
    pub if_not_exists: bool,
}

/// The kinds of constraint added.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum AddedConstraint {
    Unique,
    ForeignKey,
    Check,
    PrimaryKey,
}

impl Change {
    /// The existing table the change alters, locks or rewrites; `None` when it creates one,
    /// touches no table, or the table isn't known.
    pub(super) fn table(&self) -> Option<&str> {
        match self {
            Change::DropTable { table, .. }
            | Change::DropColumn { table, .. }
            | Change::RenameColumn { table }
            | Change::SetType { table, .. }
            | Change::SetNotNull { table, .. }
            | Change::AlterColumn { table }
            | Change::CreateIndex { table, .. }
            | Change::AddConstraint { table, .. }
            | Change::ValidateConstraint { table, .. }
            | Change::DropConstraint { table, .. }
            | Change::TableCopy { table }
            | Change::Rebuild { table }
            | Change::Trigger { table, .. } => Some(table),
            Change::AddColumn(column) => Some(&column.table),
            Change::RenameTable { from } => Some(from),
            Change::DropIndex { table, .. } | Change::Data { table } => table.as_deref(),
            Change::CreateTable { .. }
            | Change::LockTimeout
            | Change::ForeignKeyChecksOff
            | Change::ViewOrFunction { .. }
            | Change::OtherDdl => None,
        }
    }

    /// Whether the change is to the schema (rather than rows or session settings).
    pub(super) fn is_ddl(&self) -> bool {
        !matches!(self, Change::Data { .. } | Change::LockTimeout | Change::ForeignKeyChecksOff)
    }

    /// Whether the change waits for a lock that blocks other queries on an existing table.
    pub(super) fn takes_strong_lock(&self) -> bool {
        match self {
            Change::CreateIndex { concurrently, .. } | Change::DropIndex { concurrently, .. } => {
                !concurrently
            }
            Change::CreateTable { .. }
            | Change::Data { .. }
            | Change::LockTimeout
            | Change::ForeignKeyChecksOff
            | Change::OtherDdl
            | Change::ViewOrFunction { .. }
            | Change::Rebuild { .. } => false,
            _ => true,
        }
    }
}

/// A change and the operation or statement it comes from, for the report.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Located {
    pub change: Change,
    pub what: String,
}

/// The changes of `operations` on `database`, in order; raw SQL is parsed for that database.
pub(super) fn of_operations(operations: &[Operation], database: Database) -> Vec<Located> {
    let mut changes = Vec::new();
    for operation in operations {
        if database == Database::Sqlite
            && let Some(table) = dialect::of(database).live_table_needed(operation)
        {
            changes.push(Located {
                change: Change::Rebuild { table: table.to_owned() },
                what: operation.describe(),
            });
        }
        of_operation(operation, database, &mut changes);
    }
    changes
}

fn of_operation(operation: &Operation, database: Database, changes: &mut Vec<Located>) {
    let what = operation.describe();
    let mut push = |change: Change| changes.push(Located { change, what: what.clone() });
    match operation {
        Operation::Execute { sql } => {
            changes.extend(super::raw_sql::changes(sql, database));
        }
        Operation::ExecuteOn(execute) => {
            if let Some(sql) = execute.statement_for(database) {
                changes.extend(super::raw_sql::changes(sql, database));
            }
        }
        Operation::BatchAlterTable(batch) => {
            for change in &batch.operations {
                of_operation(change, database, changes);
            }
        }
        Operation::CreateTable(op) => {
            push(Change::CreateTable { table: op.table.name.clone(), if_not_exists: op.if_not_exists })
        }
        Operation::DropTable(op) => {
            push(Change::DropTable { table: op.name.clone(), if_exists: op.if_exists })
        }
        Operation::RenameTable(op) => push(Change::RenameTable { from: op.from.clone() }),
        Operation::AddColumn(op) => {
            let column = &op.column;
            push(Change::AddColumn(AddedColumn {
                table: op.table.clone(),
                not_null: !column.nullable,
                has_default: column.server_default.is_some(),
                volatile_default: column.server_default.as_ref().is_some_and(is_volatile),
                auto_increment: column.auto_increment,
                stored_generated: false,
                foreign_key: column.references.is_some(),
                if_not_exists: op.if_not_exists,
            }));
            if column.unique {
                push(Change::AddConstraint {
                    table: op.table.clone(),
                    kind: AddedConstraint::Unique,
                    not_valid: false,
                });
            }
        }
        Operation::DropColumn(op) => {
            push(Change::DropColumn { table: op.table.clone(), if_exists: op.if_exists })
        }
        Operation::AlterColumn(op) => alter_column(op, database, &mut push),
        Operation::CreateIndex(op) => push(Change::CreateIndex {
            table: op.index.table.clone(),
            unique: op.index.unique,
            concurrently: op.concurrently,
            if_not_exists: op.if_not_exists,
        }),
        Operation::DropIndex(op) => push(Change::DropIndex {
            table: Some(op.table.clone()),
            concurrently: op.concurrently,
            if_exists: op.if_exists,
        }),
        Operation::AddConstraint(op) => push(Change::AddConstraint {
            table: op.table.clone(),
            kind: match &op.constraint {
                Constraint::Unique { .. } => AddedConstraint::Unique,
                Constraint::ForeignKey(_) => AddedConstraint::ForeignKey,
                Constraint::Check { .. } => AddedConstraint::Check,
            },
            not_valid: op.not_valid,
        }),
        Operation::ValidateConstraint(op) => {
            push(Change::ValidateConstraint { table: op.table.clone(), name: op.name.clone() })
        }
        Operation::DropConstraint(op) => {
            push(Change::DropConstraint { table: op.table.clone(), if_exists: op.if_exists })
        }
        Operation::BulkInsert(op) => push(Change::Data { table: Some(op.table.clone()) }),
        Operation::SetTimeout(op) if op.kind == crate::ops::Timeout::Lock => push(Change::LockTimeout),
        Operation::SetTimeout(_) => {}
        Operation::CreateEnum(_) | Operation::AddEnumValue(_) | Operation::DropEnum(_) => {
            push(Change::OtherDdl)
        }
        Operation::CreateView(op) => push(Change::ViewOrFunction { guarded: op.or_replace }),
        Operation::CreateFunction(op) => push(Change::ViewOrFunction { guarded: op.or_replace }),
        Operation::DropView(op) => push(Change::ViewOrFunction { guarded: op.if_exists }),
        Operation::DropFunction(op) => push(Change::ViewOrFunction { guarded: op.if_exists }),
        Operation::CreateTrigger(op) => {
            push(Change::Trigger { table: op.trigger.table.clone(), guarded: false })
        }
        Operation::DropTrigger(op) => {
            push(Change::Trigger { table: op.table.clone(), guarded: op.if_exists })
        }
    }
}

fn alter_column(op: &AlterColumn, database: Database, push: &mut dyn FnMut(Change)) {
    let table = || op.table.clone();
    if let Some(new_type) = &op.new_type {
        let widening = op.existing_type.as_ref().is_some_and(|old| widens(old, new_type, database));
        push(Change::SetType { table: table(), widening });
    }
    if op.new_nullable == Some(false) {
        push(Change::SetNotNull { table: table(), column: op.column.clone() });
    }
    if op.new_nullable == Some(true) || op.new_server_default.is_some() {
        push(Change::AlterColumn { table: table() });
    }
    if op.new_name.is_some() {
        push(Change::RenameColumn { table: table() });
    }
}

/// Whether `database` changes a column from `old` to `new` without rewriting the table: a longer
/// varchar, or (PostgreSQL) varchar to text.
fn widens(old: &Type, new: &Type, database: Database) -> bool {
    match (old, new) {
        (Type::Varchar(old), Type::Varchar(new)) => {
            // MySQL stores the length in one byte up to 255 bytes (63 four-byte characters in
            // utf8mb4): crossing that needs a copy.
            new >= old && (database != Database::MySql || *old > 63 || *new <= 63)
        }
        (Type::Varchar(_), Type::Text) => database == Database::Postgres,
        _ => false,
    }
}

/// The functions whose default makes PostgreSQL compute a value per row (rewriting the table)
/// rather than store one value in the catalog.
const VOLATILE_FUNCTIONS: [&str; 8] = [
    "random(",
    "gen_random_uuid(",
    "uuid_generate_v1",
    "uuid_generate_v4",
    "clock_timestamp(",
    "timeofday(",
    "nextval(",
    "txid_current(",
];

fn is_volatile(default: &ServerDefault) -> bool {
    match default {
        ServerDefault::Expression(sql) => is_volatile_sql(sql),
        _ => false,
    }
}

/// Whether SQL text calls a volatile function.
pub(super) fn is_volatile_sql(sql: &str) -> bool {
    let sql = sql.to_lowercase().replace(' ', "");
    VOLATILE_FUNCTIONS.iter().any(|function| sql.contains(function))
}
