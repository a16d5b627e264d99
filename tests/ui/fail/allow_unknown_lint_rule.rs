use migrate::prelude::*;

#[migration(revision = "a1", down_revision = None, allow = ["drop-columns", "no-such-rule", "drop-table", "drop-table"])]
fn upgrade(op: &mut Operations) {
    op.drop_table("users");
}

fn main() {}
