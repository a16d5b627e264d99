//! The naming convention for constraints and indexes left unnamed, as Alembic recommends
//! (`ix_%(column_0_label)s`, `uq_%(table_name)s_%(column_0_name)s`, ...): every name the derive
//! emits is explicit, so a model and the database it migrated compare equal on every database.

/// `ix_<table>_<column>_<column>...`
pub fn index(table: &str, columns: &[String]) -> String {
    format!("ix_{table}_{}", columns.join("_"))
}

/// `uq_<table>_<column>_<column>...`
pub fn unique(table: &str, columns: &[String]) -> String {
    format!("uq_{table}_{}", columns.join("_"))
}

/// `fk_<table>_<column>_<referenced table>`
pub fn foreign_key(table: &str, column: &str, referenced_table: &str) -> String {
    format!("fk_{table}_{column}_{referenced_table}")
}
