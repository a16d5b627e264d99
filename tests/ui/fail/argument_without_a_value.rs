use migrate::prelude::*;

#[migration(revision, down_revision = None)]
fn create(_op: &mut Operations) {}

fn main() {}
