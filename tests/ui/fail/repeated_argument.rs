use migrate::prelude::*;

#[migration(revision = "a1", revision = "a2", down_revision = None)]
fn create(_op: &mut Operations) {}

fn main() {}
