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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_alembics_recommended_convention() {
        let columns = ["last_name".to_owned(), "first_name".to_owned()];
        assert_eq!(index("users", &columns), "ix_users_last_name_first_name");
        assert_eq!(unique("users", &columns[..1]), "uq_users_last_name");
        assert_eq!(foreign_key("posts", "author_id", "users"), "fk_posts_author_id_users");
    }
}
