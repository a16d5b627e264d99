//! The app's migrations. Nothing lists them: `#[migration]` registers each one.
//!
//! Two developers branched after `create_users` (posts, and e-mail addresses); `merge_heads`
//! joins their branches again, as `alembic merge` would.

use migrate::prelude::*;

/// Create the users table.
#[migration(revision = "1975ea83b712", down_revision = None, downgrade = drop_users)]
fn create_users(op: &mut Operations) {
    op.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL)");
}

fn drop_users(op: &mut Operations) {
    op.execute("DROP TABLE users");
}

/// Create the posts table.
#[migration(revision = "ae1027a6acf0", down_revision = "1975ea83b712", downgrade = drop_posts)]
fn create_posts(op: &mut Operations) {
    op.execute(
        "CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users (id), body TEXT)",
    );
}

fn drop_posts(op: &mut Operations) {
    op.execute("DROP TABLE posts");
}

/// Add the users' e-mail address.
#[migration(revision = "27c6a30d7c24", down_revision = "1975ea83b712", downgrade = drop_email, allow = ["missing-lock-timeout"])]
fn add_email(op: &mut Operations) {
    op.execute("ALTER TABLE users ADD COLUMN email TEXT");
}

fn drop_email(op: &mut Operations) {
    op.execute("ALTER TABLE users DROP COLUMN email");
}

/// Merge the posts and e-mail branches.
#[migration(revision = "53fffde5ad5a", down_revision = ("ae1027a6acf0", "27c6a30d7c24"), downgrade = unmerge)]
fn merge_heads(_op: &mut Operations) {}

fn unmerge(_op: &mut Operations) {}
