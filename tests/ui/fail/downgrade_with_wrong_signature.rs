use migrate::prelude::*;

#[migration(revision = "a1", down_revision = None, downgrade = drop)]
fn create(_op: &mut Operations) {}
fn drop() {}

fn main() {}
