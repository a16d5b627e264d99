use migrate::prelude::*;

#[migration(revision = "a1", down_revision = None, irreversible = true)]
fn create(_op: &mut Operations) {}

fn main() {}
