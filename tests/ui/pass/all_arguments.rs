use migrate::prelude::*;

/// Create the users table.
#[migration(revision = "e1a47c12a8e9", down_revision = None, downgrade = drop_users, branch_labels = "core")]
fn create_users(op: &mut Operations) {
    op.execute("CREATE TABLE users (id INTEGER PRIMARY KEY)");
}

fn drop_users(op: &mut Operations) {
    op.execute("DROP TABLE users");
}

#[migration(revision = "b2", down_revision = ("e1a47c12a8e9"), message = "index", transaction = false, irreversible)]
pub(crate) fn index_users(op: &mut Operations) {
    op.execute("CREATE INDEX users_id ON users (id)");
}

#[migration(revision = "c3", down_revision = ["e1a47c12a8e9", "b2"], depends_on = ["b2"])]
fn merge(_op: &mut Operations) {}

fn main() {
    let all = Migration::registered();
    assert_eq!(all.len(), 3);
    assert_eq!(all[0].revision(), "b2");
    assert!(!all[0].transactional);
    assert!(matches!(all[0].downgrade, migrate::__private::Downgrade::Irreversible));
    assert_eq!(all[2].message(), "Create the users table.");
    assert_eq!(all[2].branch_labels().collect::<Vec<_>>(), ["core"]);
    assert_eq!(all[1].down_revisions().collect::<Vec<_>>(), ["e1a47c12a8e9", "b2"]);
}
