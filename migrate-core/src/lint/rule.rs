//! The rules: each with its stable name (shared with the attribute through `migrate-names`), the
//! databases it concerns, why it matters and the safe way.

use crate::database::Database;

/// A rule of the safety lint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Rule {
    /// `index-without-concurrently`.
    IndexWithoutConcurrently,
    /// `concurrently-in-transaction`.
    ConcurrentlyInTransaction,
    /// `constraint-without-not-valid`.
    ConstraintWithoutNotValid,
    /// `not-null-without-default`.
    NotNullWithoutDefault,
    /// `set-not-null`.
    SetNotNull,
    /// `column-type-change`.
    ColumnTypeChange,
    /// `drop-column`.
    DropColumn,
    /// `drop-table`.
    DropTable,
    /// `rename-column`.
    RenameColumn,
    /// `rename-table`.
    RenameTable,
    /// `add-unique-constraint`.
    AddUniqueConstraint,
    /// `missing-lock-timeout`.
    MissingLockTimeout,
    /// `volatile-default`.
    VolatileDefault,
    /// `add-auto-increment-column`.
    AddAutoIncrementColumn,
    /// `add-stored-generated-column`.
    AddStoredGeneratedColumn,
    /// `mysql-table-copy`.
    MySqlTableCopy,
    /// `backfill-with-ddl`.
    BackfillWithDdl,
    /// `non-idempotent-ddl`.
    NonIdempotentDdl,
    /// `data-migration-without-downgrade`.
    DataMigrationWithoutDowngrade,
    /// `sqlite-table-rebuild`.
    SqliteTableRebuild,
}

const ALL_DATABASES: &[Database] = &[Database::Postgres, Database::MySql, Database::Sqlite];
const POSTGRES: &[Database] = &[Database::Postgres];
const POSTGRES_AND_MYSQL: &[Database] = &[Database::Postgres, Database::MySql];

impl Rule {
    /// Every rule, in the order the book presents them.
    pub const ALL: [Rule; 20] = [
        Rule::IndexWithoutConcurrently,
        Rule::ConcurrentlyInTransaction,
        Rule::ConstraintWithoutNotValid,
        Rule::NotNullWithoutDefault,
        Rule::SetNotNull,
        Rule::ColumnTypeChange,
        Rule::DropColumn,
        Rule::DropTable,
        Rule::RenameColumn,
        Rule::RenameTable,
        Rule::AddUniqueConstraint,
        Rule::MissingLockTimeout,
        Rule::VolatileDefault,
        Rule::AddAutoIncrementColumn,
        Rule::AddStoredGeneratedColumn,
        Rule::MySqlTableCopy,
        Rule::BackfillWithDdl,
        Rule::NonIdempotentDdl,
        Rule::DataMigrationWithoutDowngrade,
        Rule::SqliteTableRebuild,
    ];

    /// The rule of a stable name, as `allow = [...]` writes it.
    pub fn from_name(name: &str) -> Option<Rule> {
        Rule::ALL.into_iter().find(|rule| rule.name() == name)
    }

    /// The stable name: what reports show and `allow = [...]` takes.
    pub fn name(self) -> &'static str {
        match self {
            Rule::IndexWithoutConcurrently => "index-without-concurrently",
            Rule::ConcurrentlyInTransaction => "concurrently-in-transaction",
            Rule::ConstraintWithoutNotValid => "constraint-without-not-valid",
            Rule::NotNullWithoutDefault => "not-null-without-default",
            Rule::SetNotNull => "set-not-null",
            Rule::ColumnTypeChange => "column-type-change",
            Rule::DropColumn => "drop-column",
            Rule::DropTable => "drop-table",
            Rule::RenameColumn => "rename-column",
            Rule::RenameTable => "rename-table",
            Rule::AddUniqueConstraint => "add-unique-constraint",
            Rule::MissingLockTimeout => "missing-lock-timeout",
            Rule::VolatileDefault => "volatile-default",
            Rule::AddAutoIncrementColumn => "add-auto-increment-column",
            Rule::AddStoredGeneratedColumn => "add-stored-generated-column",
            Rule::MySqlTableCopy => "mysql-table-copy",
            Rule::BackfillWithDdl => "backfill-with-ddl",
            Rule::NonIdempotentDdl => "non-idempotent-ddl",
            Rule::DataMigrationWithoutDowngrade => "data-migration-without-downgrade",
            Rule::SqliteTableRebuild => "sqlite-table-rebuild",
        }
    }

    /// The databases the rule concerns.
    pub fn databases(self) -> &'static [Database] {
        match self {
            Rule::IndexWithoutConcurrently
            | Rule::ConcurrentlyInTransaction
            | Rule::ConstraintWithoutNotValid
            | Rule::SetNotNull
            | Rule::AddUniqueConstraint
            | Rule::VolatileDefault => POSTGRES,
            Rule::ColumnTypeChange
            | Rule::MissingLockTimeout
            | Rule::AddAutoIncrementColumn
            | Rule::AddStoredGeneratedColumn => POSTGRES_AND_MYSQL,
            Rule::MySqlTableCopy => &[Database::MySql],
            Rule::SqliteTableRebuild => &[Database::Sqlite],
            Rule::NotNullWithoutDefault
            | Rule::DropColumn
            | Rule::DropTable
            | Rule::RenameColumn
            | Rule::RenameTable
            | Rule::BackfillWithDdl
            | Rule::NonIdempotentDdl
            | Rule::DataMigrationWithoutDowngrade => ALL_DATABASES,
        }
    }

    /// Why it is dangerous, in one line.
    pub fn why(self) -> &'static str {
        match self {
            Rule::IndexWithoutConcurrently => {
                "building or dropping an index without CONCURRENTLY blocks every write to the table until it is done"
            }
            Rule::ConcurrentlyInTransaction => {
                "PostgreSQL refuses CREATE/DROP INDEX CONCURRENTLY inside a transaction block: the migration fails"
            }
            Rule::ConstraintWithoutNotValid => {
                "adding a foreign key or check scans the whole table while holding a lock that blocks writes (a foreign key locks the referenced table too)"
            }
            Rule::NotNullWithoutDefault => {
                "adding a NOT NULL column without a default fails on a table that has rows"
            }
            Rule::SetNotNull => {
                "SET NOT NULL scans the whole table under an ACCESS EXCLUSIVE lock, blocking reads and writes"
            }
            Rule::ColumnTypeChange => {
                "changing a column's type rewrites the table (and its indexes) while blocking reads and writes"
            }
            Rule::DropColumn => {
                "the column's data is lost, and code still running reads or writes a column that is gone"
            }
            Rule::DropTable => "the table's data is lost, and code still running uses a table that is gone",
            Rule::RenameColumn => {
                "code still running (the previous release during a deploy) uses the old name and fails"
            }
            Rule::RenameTable => {
                "code still running (the previous release during a deploy) uses the old name and fails"
            }
            Rule::AddUniqueConstraint => {
                "adding a UNIQUE constraint builds its index while blocking every write to the table"
            }
            Rule::MissingLockTimeout => {
                "a DDL statement waiting for its lock queues every later query on the table behind it: one long transaction turns it into an outage"
            }
            Rule::VolatileDefault => {
                "a column added with a volatile default (random(), clock_timestamp(), ...) rewrites the whole table under an ACCESS EXCLUSIVE lock"
            }
            Rule::AddAutoIncrementColumn => {
                "adding a serial, identity or AUTO_INCREMENT column fills every row: the table is rewritten while writes are blocked"
            }
            Rule::AddStoredGeneratedColumn => {
                "adding a STORED generated column computes it for every row: the table is rewritten while writes are blocked"
            }
            Rule::MySqlTableCopy => {
                "this ALTER can't run with ALGORITHM=INSTANT or INPLACE: MySQL copies the table and blocks writes until it is done"
            }
            Rule::BackfillWithDdl => {
                "updating rows in the migration that changes the table holds the DDL's lock for the whole backfill, and a failure repeats both"
            }
            Rule::NonIdempotentDdl => {
                "a migration outside a transaction that fails half way leaves its first changes behind, and the retry fails on them"
            }
            Rule::DataMigrationWithoutDowngrade => {
                "a migration that changes data and has no downgrade can't be reverted when the release is rolled back"
            }
            Rule::SqliteTableRebuild => {
                "SQLite can't make this change in place: the table is copied into a new one (batch mode), which takes time and space in proportion to its rows"
            }
        }
    }

    /// The safe way, in one line.
    pub fn fix(self) -> &'static str {
        match self {
            Rule::IndexWithoutConcurrently => {
                "use `.concurrently()` on create_index/drop_index, in a migration declared `transaction = false`"
            }
            Rule::ConcurrentlyInTransaction => {
                "declare the migration `transaction = false`, with the concurrent index alone in it (and `.if_not_exists()`)"
            }
            Rule::ConstraintWithoutNotValid => {
                "add it with `create_foreign_key_not_valid`/`create_check_not_valid`, then `validate_constraint` in a later migration"
            }
            Rule::NotNullWithoutDefault => {
                "give it a server default, or add it nullable, backfill, then make it NOT NULL"
            }
            Rule::SetNotNull => {
                "add `create_check_not_valid(.., \"<column> IS NOT NULL\")`, validate it in a later migration, then set NOT NULL (PostgreSQL 12+ skips the scan) and drop the check"
            }
            Rule::ColumnTypeChange => {
                "add a column of the new type, write both from the code, backfill in batches, switch reads, then drop the old column"
            }
            Rule::DropColumn => {
                "stop using the column in a release first, then drop it and acknowledge it with `allow = [\"drop-column\"]`"
            }
            Rule::DropTable => {
                "stop using the table in a release first, then drop it and acknowledge it with `allow = [\"drop-table\"]`"
            }
            Rule::RenameColumn => {
                "add the new column, write both, backfill, move reads, then drop the old one (or acknowledge a rename nothing running uses)"
            }
            Rule::RenameTable => {
                "create the new table (or a view with the old name) and move the code over in steps (or acknowledge a rename nothing running uses)"
            }
            Rule::AddUniqueConstraint => {
                "build the unique index with `create_index(..).unique().concurrently()` in a migration declared `transaction = false`"
            }
            Rule::MissingLockTimeout => {
                "call `op.set_lock_timeout(Duration::from_secs(5))` first (and `set_statement_timeout`), and retry the migration when it times out"
            }
            Rule::VolatileDefault => {
                "add the column without a default (or with a constant), set the default afterwards, and backfill old rows in batches"
            }
            Rule::AddAutoIncrementColumn => {
                "add a nullable column, attach a sequence as its default, backfill in batches, then make it NOT NULL"
            }
            Rule::AddStoredGeneratedColumn => {
                "add a plain column filled by the code or a trigger, and backfill it in batches"
            }
            Rule::MySqlTableCopy => {
                "do the change in steps that run INSTANT or INPLACE (new column, backfill, swap); add a foreign key after `SET foreign_key_checks = 0`"
            }
            Rule::BackfillWithDdl => {
                "change the schema in one migration and backfill in another (an async one using `UpdateInBatches`)"
            }
            Rule::NonIdempotentDdl => {
                "write each change so that it can run twice: `.if_not_exists()` / `.if_exists()`"
            }
            Rule::DataMigrationWithoutDowngrade => {
                "write a `downgrade` that undoes the data change, or declare the migration `irreversible`"
            }
            Rule::SqliteTableRebuild => {
                "acceptable for small tables (acknowledge it); for a large one, schedule it, or add a new column instead of altering one"
            }
        }
    }
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::Rule;

    #[test]
    fn the_rules_are_exactly_the_names_the_attribute_accepts() {
        let names: Vec<&str> = Rule::ALL.iter().map(|rule| rule.name()).collect();
        assert_eq!(names, migrate_names::LINT_RULES);
    }

    #[test]
    fn every_rule_is_found_by_its_name() {
        for rule in Rule::ALL {
            assert_eq!(Rule::from_name(rule.name()), Some(rule));
        }
        assert_eq!(Rule::from_name("drop-columns"), None);
    }
}
