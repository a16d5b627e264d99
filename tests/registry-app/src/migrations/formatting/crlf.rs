//! `tidy::add_name` again, in a file with CRLF line endings.

use migrate::prelude::*;

#[migration(revision = "lib0004", down_revision = "lib0003")]
fn add_name(op: &mut Operations) {
    /* the same code with other comments */
    op.execute(
        "CREATE TABLE IF NOT EXISTS names
(id INTEGER)",
    );
    let steps = -1;
    let _ = steps;
}
