use migrate::prelude::*;

#[migration(revision = "a1", down_revision = None, irreversible, downgrade = drop)]
fn create(_op: &mut Operations) {}
fn drop(_op: &mut Operations) {}

fn main() {}
