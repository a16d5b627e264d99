//! The app's migrations. Nothing lists them: `#[migration]` registers each one.
//!
//! Two developers branched after `create_users` (posts, and e-mail addresses); `merge_heads`
//! joins their branches again, as `alembic merge` would. Each downgrade is derived: the inverse
//! of the upgrade's operations.

use migrate::prelude::*;

/// Create the users table.
#[migration(revision = "1975ea83b712", down_revision = None)]
fn create_users(op: &mut Operations) {
    op.create_table("users", |t| {
        t.column("id", Type::Integer).primary_key();
        t.column("name", Type::Text).not_null();
    });
}

/// Create the posts table.
#[migration(revision = "ae1027a6acf0", down_revision = "1975ea83b712")]
fn create_posts(op: &mut Operations) {
    op.create_table("posts", |t| {
        t.column("id", Type::Integer).primary_key();
        t.column("user_id", Type::Integer)
            .not_null()
            .references("users", "id")
            .named("fk_posts_user_id_users");
        t.column("body", Type::Text);
    });
}

/// Add the users' e-mail address.
#[migration(revision = "27c6a30d7c24", down_revision = "1975ea83b712", allow = ["missing-lock-timeout"])]
fn add_email(op: &mut Operations) {
    op.add_column("users", "email", Type::Text);
}

/// Merge the posts and e-mail branches.
#[migration(revision = "53fffde5ad5a", down_revision = ("ae1027a6acf0", "27c6a30d7c24"))]
fn merge_heads(_op: &mut Operations) {}
