//! The names of the safety lint's rules, in one place for the `#[migration(allow = [...])]`
//! attribute (which refuses an unknown name at compile time) and the lint in `migrate-core`
//! (which reports and skips by name), so that the two can't drift. The names are stable: a
//! rule may be added, never renamed.

/// Every rule of the safety lint, by its stable name.
pub const LINT_RULES: [&str; 20] = [
    "index-without-concurrently",
    "concurrently-in-transaction",
    "constraint-without-not-valid",
    "not-null-without-default",
    "set-not-null",
    "column-type-change",
    "drop-column",
    "drop-table",
    "rename-column",
    "rename-table",
    "add-unique-constraint",
    "missing-lock-timeout",
    "volatile-default",
    "add-auto-increment-column",
    "add-stored-generated-column",
    "mysql-table-copy",
    "backfill-with-ddl",
    "non-idempotent-ddl",
    "data-migration-without-downgrade",
    "sqlite-table-rebuild",
];

/// Whether `name` names a rule of the safety lint.
pub fn is_lint_rule(name: &str) -> bool {
    LINT_RULES.contains(&name)
}
