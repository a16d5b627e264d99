use migrate::prelude::*;

#[migration(revision = "a1", down_revision = ("a0", "a1"))]
fn create(_op: &mut Operations) {}

fn main() {}
