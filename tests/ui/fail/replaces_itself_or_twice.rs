use migrate::prelude::*;

#[migration(revision = "squash1", down_revision = None, replaces = ["old1", "squash1", "old1", "not valid"])]
fn squash(_op: &mut Operations) {}

fn main() {}
