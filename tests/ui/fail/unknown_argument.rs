use migrate::prelude::*;

#[migration(revision = "a1", down_revisions = None)]
fn create(_op: &mut Operations) {}

fn main() {}

#[migration(migrate::revision = "b1", down_revision = None)]
fn update(_op: &mut Operations) {}
