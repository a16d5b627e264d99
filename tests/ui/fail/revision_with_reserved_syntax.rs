use migrate::prelude::*;

#[migration(revision = "v1@2", down_revision = None, branch_labels = ["head"])]
fn create(_op: &mut Operations) {}

fn main() {}
