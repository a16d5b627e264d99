use migrate::prelude::*;

#[migration(revision = "a1", down_revisions = None)]
fn create(_op: &mut Operations) {}

fn main() {}
