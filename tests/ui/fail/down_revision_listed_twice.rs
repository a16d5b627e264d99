use migrate::prelude::*;

#[migration(revision = "a2", down_revision = ["a1", "a1"])]
fn create(_op: &mut Operations) {}

fn main() {}
