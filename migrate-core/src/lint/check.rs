//! The rules over one migration's changes on one database: each `check_*` one rule (or a pair
//! that reads the same change), its reason in the rule's `why`.

use std::collections::HashSet;

use super::Rule;
use super::change::{AddedColumn, AddedConstraint, Change, Located};
use crate::database::Database;

/// What the rules know of one migration besides its changes.
#[derive(Debug, Clone)]
pub(super) struct Subject<'a> {
    /// The changes on the database, in order; `None` for an async migration, whose changes
    /// aren't recorded.
    pub changes: Option<&'a [Located]>,
    pub transactional: bool,
    /// A downgrade function, or a declared `irreversible`.
    pub downgrade_declared: bool,
    pub database: Database,
    /// `(table, column)` pairs that a check constraint `<column> IS NOT NULL` covers, in any
    /// migration (what makes a later SET NOT NULL skip its scan on PostgreSQL 12+).
    pub not_null_checks: &'a HashSet<(String, String)>,
}

/// The rules `subject` trips on its database: the rule and what trips it.
pub(super) fn check(subject: &Subject<'_>) -> Vec<(Rule, String)> {
    let mut found = Found { database: subject.database, findings: Vec::new() };
    let Some(changes) = subject.changes else {
        if !subject.downgrade_declared {
            found.add(Rule::DataMigrationWithoutDowngrade, "async upgrade");
        }
        return found.findings;
    };
    let mut created: HashSet<String> = HashSet::new();
    let mut lock_timeout = false;
    let mut foreign_key_checks_off = false;
    let mut not_valid_tables: HashSet<String> = HashSet::new();
    let mut backfill: Option<&str> = None;
    let mut ddl_on_existing = false;
    let mut data = false;
    for Located { change, what } in changes {
        match change {
            Change::CreateTable { table, .. } => {
                created.insert(table.to_lowercase());
            }
            Change::LockTimeout => lock_timeout = true,
            Change::ForeignKeyChecksOff => foreign_key_checks_off = true,
            _ => {}
        }
        if !subject.transactional {
            check_idempotent(change, what, &mut found);
        }
        check_concurrently_in_transaction(change, what, subject.transactional, &mut found);
        let existing = change.table().filter(|table| !created.contains(&table.to_lowercase()));
        if let Change::Data { .. } = change {
            data = true;
            if change.table().is_none() || existing.is_some() {
                backfill.get_or_insert(what);
            }
            continue;
        }
        let Some(table) = existing else { continue };
        if change.is_ddl() {
            ddl_on_existing = true;
        }
        if change.takes_strong_lock() && !lock_timeout {
            // One finding is enough: the timeout set first covers every statement after it.
            lock_timeout = true;
            found.add(Rule::MissingLockTimeout, what);
        }
        match change {
            Change::CreateIndex { concurrently: false, .. }
            | Change::DropIndex { concurrently: false, .. } => {
                found.add(Rule::IndexWithoutConcurrently, what)
            }
            Change::AddColumn(column) => check_added_column(column, what, foreign_key_checks_off, &mut found),
            Change::AddConstraint { kind, not_valid, .. } => {
                if *not_valid {
                    not_valid_tables.insert(table.to_lowercase());
                }
                check_added_constraint(*kind, *not_valid, what, foreign_key_checks_off, &mut found)
            }
            Change::ValidateConstraint { .. }
                if subject.transactional && not_valid_tables.contains(&table.to_lowercase()) =>
            {
                // Validating in the transaction that added the constraint keeps the ADD's lock
                // through the scan NOT VALID was meant to take out of it.
                found.add(Rule::ConstraintWithoutNotValid, &format!("{what}, in the migration that adds it"))
            }
            Change::SetNotNull { table, column }
                if !subject.not_null_checks.contains(&(table.to_lowercase(), column.to_lowercase())) =>
            {
                found.add(Rule::SetNotNull, what)
            }
            Change::SetType { widening: false, .. } => found.add(Rule::ColumnTypeChange, what),
            Change::DropColumn { .. } => found.add(Rule::DropColumn, what),
            Change::DropTable { .. } => found.add(Rule::DropTable, what),
            Change::RenameColumn { .. } => found.add(Rule::RenameColumn, what),
            Change::RenameTable { .. } => found.add(Rule::RenameTable, what),
            Change::TableCopy { .. } => found.add(Rule::MySqlTableCopy, what),
            Change::Rebuild { .. } => found.add(Rule::SqliteTableRebuild, what),
            _ => {}
        }
    }
    if let Some(what) = backfill.filter(|_| ddl_on_existing) {
        found.add(Rule::BackfillWithDdl, what);
    }
    if data && !subject.downgrade_declared {
        found.add(Rule::DataMigrationWithoutDowngrade, "data changed");
    }
    found.findings
}

/// The findings so far, of the rules that concern the database.
struct Found {
    database: Database,
    findings: Vec<(Rule, String)>,
}

impl Found {
    fn add(&mut self, rule: Rule, what: &str) {
        let finding = (rule, what.to_owned());
        if rule.databases().contains(&self.database) && !self.findings.contains(&finding) {
            self.findings.push(finding);
        }
    }
}

fn check_added_column(column: &AddedColumn, what: &str, foreign_key_checks_off: bool, found: &mut Found) {
    if column.not_null && !column.has_default {
        found.add(Rule::NotNullWithoutDefault, what);
    }
    if column.volatile_default {
        found.add(Rule::VolatileDefault, what);
    }
    if column.auto_increment {
        found.add(Rule::AddAutoIncrementColumn, what);
    }
    if column.stored_generated {
        found.add(Rule::AddStoredGeneratedColumn, what);
    }
    if column.foreign_key {
        check_added_constraint(AddedConstraint::ForeignKey, false, what, foreign_key_checks_off, found);
    }
}

fn check_added_constraint(
    kind: AddedConstraint,
    not_valid: bool,
    what: &str,
    foreign_key_checks_off: bool,
    found: &mut Found,
) {
    match kind {
        AddedConstraint::ForeignKey | AddedConstraint::Check if !not_valid => {
            found.add(Rule::ConstraintWithoutNotValid, what)
        }
        AddedConstraint::Unique => found.add(Rule::AddUniqueConstraint, what),
        _ => {}
    }
    // MySQL adds a foreign key in place only when it doesn't check the existing rows.
    if kind == AddedConstraint::ForeignKey && !foreign_key_checks_off {
        found.add(Rule::MySqlTableCopy, what);
    }
}

fn check_concurrently_in_transaction(change: &Change, what: &str, transactional: bool, found: &mut Found) {
    if transactional
        && matches!(
            change,
            Change::CreateIndex { concurrently: true, .. } | Change::DropIndex { concurrently: true, .. }
        )
    {
        found.add(Rule::ConcurrentlyInTransaction, what);
    }
}

fn check_idempotent(change: &Change, what: &str, found: &mut Found) {
    let guarded = match change {
        Change::CreateTable { if_not_exists, .. }
        | Change::CreateIndex { if_not_exists, .. }
        | Change::AddColumn(AddedColumn { if_not_exists, .. }) => *if_not_exists,
        Change::DropTable { if_exists, .. }
        | Change::DropColumn { if_exists, .. }
        | Change::DropIndex { if_exists, .. }
        | Change::DropConstraint { if_exists, .. } => *if_exists,
        Change::ViewOrFunction { guarded } | Change::Trigger { guarded, .. } => *guarded,
        _ => true,
    };
    if !guarded {
        found.add(Rule::NonIdempotentDdl, what);
    }
}
