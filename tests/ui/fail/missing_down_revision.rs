use migrate::prelude::*;

#[migration(revision = "a1")]
fn create(_op: &mut Operations) {}

fn main() {}
