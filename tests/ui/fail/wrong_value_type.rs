use migrate::prelude::*;

#[migration(revision = a1, down_revision = 3, transaction = "no", downgrade = "drop")]
fn create(_op: &mut Operations) {}

fn main() {}
