//! The library's migrations: a base, then two with the same code written in different styles.

mod formatting;

use migrate::prelude::*;

/// Create the accounts table.
#[migration(revision = "lib0001", down_revision = None)]
fn create_accounts(op: &mut Operations) {
    op.execute("CREATE TABLE accounts (id INTEGER PRIMARY KEY)");
}
